"""The script Streamlit runs: it runs the project's `app.py`, the router.

Streamlit decides at its first session whether an app is an old-style "pages/ folder" app, by
whether a `pages/` folder sits beside the script it runs. Ours has one beside `app.py` but
routes with `st.navigation`; a first visitor arriving by a deep link (`/timeline?country=KZ`)
would get the page run without `app.py`, hence without the shared filters. This folder has
no `pages/`, so Streamlit's supported navigation applies from the first request.
"""

import runpy

from cooptrack import config

runpy.run_path(str(config.app_script()), run_name="__main__")
