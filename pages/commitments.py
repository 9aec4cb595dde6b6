"""Commitments: what was promised, by whom, by when, and whether it happened."""

import streamlit as st

from cooptrack.figures import status_figure
from cooptrack.ui import data
from cooptrack.ui.page import current_filters
from cooptrack.ui.widgets import caption, download_csv, empty_state

COLUMNS = {
    "commitment": st.column_config.TextColumn("Commitment", width="large"),
    "made_by": st.column_config.TextColumn("Made by", width="medium"),
    "meeting": "At",
    "made": "When",
    "conventions": "Conventions",
    "due": "Due",
    "status": "Status",
    "overdue": st.column_config.CheckboxColumn("Overdue"),
    "latest_followup": st.column_config.TextColumn("Latest follow-up", width="large"),
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
    st.dataframe(everything[list(COLUMNS)], hide_index=True, column_config=COLUMNS)
    download_csv("commitments", filters)
with show_overdue:
    st.caption(
        "Open commitments whose due date, or the meeting they looked ahead to, has "
        "passed with no recorded outcome."
    )
    if overdue.empty:
        st.success("Nothing is overdue under these filters.", icon=":material/check_circle:")
    else:
        st.dataframe(overdue[list(COLUMNS)], hide_index=True, column_config=COLUMNS)

left, right = st.columns(2)
left.plotly_chart(
    status_figure(data.status_by(version, filters, "conventions"), "Status by convention"),
    config={"displaylogo": False},
)
right.plotly_chart(
    status_figure(data.status_by(version, filters, "countries"), "Status by country"),
    config={"displaylogo": False},
)
