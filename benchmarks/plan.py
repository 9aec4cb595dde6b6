"""What a benchmark run measures, and the targets each figure is judged against.

The targets are set at a million commitments (`TARGET_SCALE`); smaller scales are shown for
reference, where fixed costs (a query's planning, Streamlit's own work) weigh more than the data.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The script Streamlit runs (it runs app.py), as tests/test_pages.py drives it.
APP = ROOT / "src" / "cooptrack" / "ui" / "dashboard.py"
TODAY = date(2026, 11, 28)
# meetings, phases, commitments: 10 commitments per meeting, 100 per phase, as at 1M.
SCALES: dict[str, tuple[int, int, int] | None] = {
    "small": None,
    "10k": (1_000, 100, 10_000),
    "100k": (10_000, 1_000, 100_000),
    "1m": (100_000, 10_000, 1_000_000),
}
PAGES = {
    "overview": "pages/overview.py",
    "timeline": "pages/timeline.py",
    "projects": "pages/projects.py",
    "commitments": "pages/commitments.py",
    "countries": "pages/countries.py",
    "conventions": "pages/conventions.py",
}
FILTERS: dict[str, dict[str, str]] = {
    "none": {},
    "KZ+UNFCCC": {"country": "KZ", "convention": "UNFCCC"},
}
BROWSER_PATHS = ("/timeline", "/projects", "/commitments")

TARGET_SCALE = "1m"
PAGE_TARGET_S = 0.300
SPEEDUP_TARGET = 5.0
EXPORT_RATIO_TARGET = 1.5
PAGE_BYTES_TARGET = 2 * 1024 * 1024
MEMORY_TARGET_MB = 2048.0
# In the browser, at every scale: the dashboard's heading and first chart against bare Streamlit
# pages measured in the same run (a heading only; a heading and one small Plotly chart).
HEADING_RATIO_TARGET = 1.15
CHART_RATIO_TARGET = 1.05

# What a worker measured at one scale, as JSON (see measure.measure_scale).
Result = dict[str, Any]


def filter_name(params: dict[str, str]) -> str:
    """The name a filter's URL query goes by in the report."""
    return next(name for name, value in FILTERS.items() if value == params)
