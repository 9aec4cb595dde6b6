"""A visitor's first page is drawn heading first, then its first chart, then the rest.

Streamlit sends elements as the script makes them, and the browser draws together whatever
arrived within a few milliseconds. With results cached, a page's whole run arrives at once: the
browser drew the heading only with the sidebar and everything else (0.15–0.2 s later than a page
with only a heading), and the first chart's Plotly script (0.7 s of the browser's time to start)
waited for all of it. A short pause in the first run after the heading and after the first chart
lets the browser draw each on its own first. The page is complete no later: its widgets' scripts
load after Plotly's either way (measured in Chromium: heading 1.08 → 0.89 s, first chart 1.87 →
1.57 s, sidebar and download button 2.31 → 2.28 s; docs/benchmarks.md).

Only a browser's first run is paced: later runs (a filter changed, another page) have Plotly's
script loaded already, and a headless test (AppTest) or a protocol client draws nothing.
"""

from __future__ import annotations

import time

import streamlit as st

# 0.05 s after the heading: interleaved A/B at 1m, two runs of 12 fresh visits with the code
# trees swapped in the second, against 0.1 s: first chart Timeline 1.00/1.02× against
# 1.05/1.04×, Commitments 0.99× against 1.02×, Projects 1.03–1.04× either way; headings alike.
# No pause at all drew the Timeline's chart at 1.17×.
HEADING_PAUSE_S = 0.05
CHART_PAUSE_S = 0.1
_DRAWN = "cooptrack_first_run_drawn"  # set once a session's first run has ended
_PAUSED = "cooptrack_paced"  # the pauses taken in that first run


def heading(text: str) -> None:
    """The page's title, drawn before the rest on a visitor's first page."""
    st.title(text)
    _pause("heading", HEADING_PAUSE_S)


def first_chart_sent() -> None:
    """Called after a page's first chart: on a visitor's first page, it is drawn before the
    rest (later calls do nothing)."""
    _pause("chart", CHART_PAUSE_S)


def run_ended() -> None:
    """Called at the end of every run (app.py): later runs are not paced."""
    st.session_state[_DRAWN] = True


def _pause(step: str, seconds: float) -> None:
    if st.session_state.get(_DRAWN) or not _in_a_browser():
        return
    taken: set[str] = st.session_state.setdefault(_PAUSED, set())
    if step in taken:
        return
    taken.add(step)
    _wait(seconds)


def _wait(seconds: float) -> None:
    time.sleep(seconds)  # the script's thread only: other sessions run on


def _in_a_browser() -> bool:
    """Whether a browser asked for this session: every browser's name for itself starts with
    "Mozilla/"; a script speaking Streamlit's protocol (`make load --client protocol`) draws
    nothing and is not paced."""
    return "Mozilla/" in (st.context.headers.get("User-Agent") or "")
