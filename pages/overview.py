"""Overview: headline counts, what comes next, the latest follow-ups, what the record covers."""

from pathlib import Path

import streamlit as st

from cooptrack.query.figures import per_year_figure
from cooptrack.ui import data
from cooptrack.ui.page import current_filters
from cooptrack.ui.text import label, md
from cooptrack.ui.widgets import caption, empty_state

# How the record's tables are named in a sentence.
TABLE_NAMES = {"phases": "project phases", "followups": "follow-up notes"}

filters = current_filters()
version, today = data.version(), data.today()
info = data.dataset_info(version)
counts = data.overview(version, filters, today)

st.title("EU–Central Asia environment and climate cooperation")
caption(filters)
meetings_row = st.columns(3)
meetings_row[0].metric("Meetings held", f"{counts.meetings_held:,}", border=True)
meetings_row[1].metric("Meetings planned", f"{counts.meetings_planned:,}", border=True)
meetings_row[2].metric(
    f"Project phases active on {today:%d %b %Y}",
    f"{counts.phases_active:,} of {counts.phases_total:,}",
    border=True,
    help="of the phases under the filters, those running on that day",
)
row = st.columns(4)
row[0].metric(
    "Commitments made", f"{counts.commitments_total:,}", border=True,
    help="promises recorded at the meetings under the filters",
)  # fmt: skip
row[1].metric(
    "Fulfilled", f"{counts.commitments_fulfilled:,}", border=True,
    help="a follow-up records that the promise was kept",
)  # fmt: skip
row[2].metric(
    "Still open", f"{counts.commitments_open:,}", border=True,
    help="proposed, agreed or in progress",
)  # fmt: skip
row[3].metric(
    "Open past their date", f"{counts.commitments_overdue:,}", border=True,
    help="open, and the due date (or the meeting they looked ahead to) has passed with no "
    "outcome recorded: the record does not say they failed, only that nothing was noted",
)  # fmt: skip

years = data.per_year(version, filters)
if not years.empty:
    st.plotly_chart(per_year_figure(years, today), config={"displayModeBar": False})

left, right = st.columns(2)
with left:
    st.subheader("Coming up")
    upcoming = data.upcoming(version, filters, today)
    if upcoming.empty:
        latest = data.meetings(version, filters)
        if latest.empty:
            empty_state("meetings", filters)
        else:
            last = latest.iloc[-1]
            st.info(
                f"No upcoming meeting is recorded. The latest one is **{md(last.title)}** "
                f"({md(last['when'])}, {md(last['where'])}).",
                icon=":material/event_busy:",
            )
    else:
        st.dataframe(
            upcoming[["when", "short_title", "where", "status"]],
            hide_index=True,
            column_config={
                "when": "When",
                "short_title": "Meeting",
                "where": "Where",
                "status": "Status",
            },
        )
with right:
    st.subheader("Latest follow-ups")
    notes = data.followups(version, filters)
    if notes.empty:
        empty_state("follow-up notes on commitments", filters)
    for note in notes.itertuples():
        st.markdown(f"**{md(note.when)}** · {md(label(note.note, 400))}")
        st.caption(f"On: {md(label(note.commitment, 160))}")

st.subheader("About this record")
covered = ", ".join(f"{n:,} {TABLE_NAMES.get(table, table)}" for table, n in info.counts.items())
reviewed = f" Last reviewed **{info.as_of:%d %B %Y}**." if info.as_of else ""
newest = data.newest_fact(version)
if newest:
    reviewed += f" Newest dated fact: **{newest:%d %B %Y}**."
st.markdown(
    f"{md(info.description)} It holds {covered}. Dates known only to the month or year are "
    f"shown that way.{reviewed}"
)
st.page_link(
    str(Path(__file__).resolve().parent / "coverage.py"),  # pages are named by full path
    label="What the record covers, and its gaps",
    icon=":material/fact_check:",
)
