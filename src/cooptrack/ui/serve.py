"""Start the dashboard: `python -m cooptrack.ui.serve [streamlit options]`.

Streamlit decides at its first session whether the app is an old-style "pages/ folder" app,
by whether a `pages/` folder sits beside the entry point. Ours has one, but routes with
`st.navigation` in app.py; a first visitor arriving by a deep link (`/timeline?country=KZ`)
would otherwise get the page run without app.py, hence without the shared filters.
"""

from __future__ import annotations

import logging
import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from cooptrack import config

APP = config.app_script()


def main() -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
