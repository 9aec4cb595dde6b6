"""What every page starts with: the filters resolved by `app.py` this run."""

from __future__ import annotations

import streamlit as st

from cooptrack.query.filters import Filters


def current_filters() -> Filters:
    """The shared filters (app.py renders them before running the page)."""
    value = st.session_state.get("filters")
    return value if isinstance(value, Filters) else Filters()
