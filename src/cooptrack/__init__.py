"""cooptrack: a record of EU–Central Asia cooperation meetings, project phases and commitments."""

__version__ = "0.1.0"
