"""The ASGI app `python -m cooptrack.ui.serve` runs: Streamlit's own (`st.App`) running
`dashboard.py`, with deep links told where the server is (`deep_links`)."""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from cooptrack import config
from cooptrack.ui.deep_links import DeepLinkBase

# The pages app.py routes, by file name: a link's last segment names one of them.
PAGES = sorted(path.stem for path in (config.app_script().parent / "pages").glob("*.py"))

app = st.App(
    Path(__file__).resolve().parent / "dashboard.py",
    middleware=[Middleware(DeepLinkBase, pages=PAGES)],
)
