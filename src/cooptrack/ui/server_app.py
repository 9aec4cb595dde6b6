"""The ASGI app `python -m cooptrack.ui.serve` runs: Streamlit's own (`st.App`) running
`dashboard.py`, with deep links told where the server is (`deep_links`)."""

import re
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from cooptrack import config
from cooptrack.ui.deep_links import DeepLinkBase, modules_needed
from cooptrack.ui.filters import PHONE_ONLY, PHONE_WIDTH

# The pages app.py routes, by file name: a link's last segment names one of them.
PAGES = sorted(path.stem for path in (config.app_script().parent / "pages").glob("*.py"))

# Plotly's part of Streamlit's page (4.7 MB; all but two pages draw a chart), fetched and
# compiled while the page waits for the server rather than once the first chart arrives: a
# Timeline link's chart drew 0.8 s sooner (7 fresh visits: 2.13 s against 2.95 s; a bare
# Plotly page 1.98 s). Only Plotly's: every widget's part as well delayed the whole page.
STATIC = Path(st.__file__).parent / "static"
PRELOAD = modules_needed(
    STATIC / "static" / "js",
    ["PlotlyChart."],
    known=re.findall(r"static/js/([^\"]+\.js)", (STATIC / "index.html").read_text("utf-8")),
)

# The app's own styles (no record's text ever reaches them): what is only for a phone.
STYLE = (
    f"@media (min-width: {PHONE_WIDTH}px) "
    f"{{ .st-key-{PHONE_ONLY} {{ display: none !important; }} }}"
)

app = st.App(
    Path(__file__).resolve().parent / "dashboard.py",
    middleware=[Middleware(DeepLinkBase, pages=PAGES, preload=PRELOAD, style=STYLE)],
)
