"""Commitments: what was promised, by whom, by when, and whether it happened."""

import streamlit as st

from cooptrack.figures import status_figure
from cooptrack.ui import data
from cooptrack.ui.page import current_filters
from cooptrack.ui.widgets import caption, download_csv, empty_state, table

COLUMNS = {
    "commitment": "Commitment",
    "made_by": "Made by",
    "at": "At",
    "conventions": "Conventions",
    "due": "Due",
    "status": "Status",
    "latest_followup": "Latest follow-up",
}

filters = current_filters()
version, today = data.version(), data.today()
st.title("Commitments")
caption(filters)

everything = data.commitments(version, filters, today, False)
if everything.empty:
    empty_state("commitments", filters)
    st.stop()

overdue = data.commitments(version, filters, today, True)
show_all, show_overdue = st.tabs([f"All ({len(everything)})", f"Overdue ({len(overdue)})"])
with show_all:
    table(everything, COLUMNS, key="all_commitments")
    download_csv("commitments", filters)
with show_overdue:
    st.caption(
        "Open commitments whose due date, or the meeting they looked ahead to, has "
        "passed with no recorded outcome."
    )
    if overdue.empty:
        st.success("Nothing is overdue under these filters.", icon=":material/check_circle:")
    else:
        table(overdue, COLUMNS, key="overdue_commitments")

left, right = st.columns(2)
left.plotly_chart(
    status_figure(data.status_by(version, filters, "conventions"), "Status by convention"),
    config={"displaylogo": False},
    key="status_by_convention",
)
right.plotly_chart(
    status_figure(data.status_by(version, filters, "countries"), "Status by country"),
    config={"displaylogo": False},
    key="status_by_country",
)
