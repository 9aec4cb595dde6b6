"""The press-release reader: dates, places and meetings in a release's text."""
