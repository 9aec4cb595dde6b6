"""Briefing (`/brief?meeting=ID`): what someone preparing a meeting needs, on one printable page
and as a Word file to edit. By default the next meeting, else the latest. Built from the one
`Brief` the Word file is made of; record values are escaped (`md`) or plain text."""

from typing import Any

import pandas as pd
import streamlit as st

from cooptrack.errors import InputError
from cooptrack.query.brief import Brief, BriefCommitment, BriefMeeting, Listed
from cooptrack.query.brief_document import brief_docx
from cooptrack.ui import data
from cooptrack.ui.text import block, md, source_markdown
from cooptrack.ui.widgets import table

version, today = data.version(), data.today()
st.title("Briefing")
choices = data.brief_choices(version, today)
wanted = st.query_params.get("meeting")
if not choices:
    st.info("The record holds no meeting yet: a briefing is made for one.", icon=":material/info:")
    st.stop()
try:
    made: Brief = data.brief(version, wanted, today)
except InputError:
    st.warning(
        f"No meeting {md(wanted)} in the record; showing the default meeting instead.",
        icon=":material/search_off:",
    )
    made = data.brief(version, None, today)
meeting = made.meeting
options = {meeting.id: f"{meeting.when} — {meeting.short_title}", **choices}
if st.session_state.get("brief_meeting") not in options or (
    wanted == meeting.id and st.session_state.get("brief_shown") != meeting.id
):
    st.session_state.brief_meeting = meeting.id
choice = st.selectbox(
    "Meeting", list(options), format_func=lambda i: options[i], key="brief_meeting"
)
if choice != meeting.id:
    made = data.brief(version, choice, today)
    meeting = made.meeting
st.session_state.brief_shown = meeting.id
st.query_params["meeting"] = meeting.id

st.download_button(
    "Download as Word (.docx)",
    data=lambda: brief_docx(made),
    file_name=f"brief_{meeting.id[:60]}_{today.isoformat()}.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    on_click="ignore",
    icon=":material/download:",
    key="brief_download",
)
why = {
    "the next meeting": " It is the next meeting in the record.",
    "the latest meeting": (" No meeting is ahead: this is the latest one."),
}.get(made.chosen, "")
st.caption(
    f"Prepared on {today:%d %B %Y}.{why} For paper, close the sidebar («) and print this page "
    "from the browser; the Word file holds the same and can be edited."
)

st.header(md(meeting.title))
st.markdown(
    f"**{md(meeting.when)}** · {md(meeting.where)} · {md(meeting.kind)}"
    + (f" · {md(meeting.series)}" if meeting.series else "")
    + f" · {md(meeting.status)}"
)
if meeting.chairs:
    st.markdown(f"**Chairs:** {md('; '.join(meeting.chairs))}")
if meeting.conventions:
    named = "; ".join(
        f"{md(c)} ({md(made.convention_names.get(c, c))})" for c in meeting.conventions
    )
    st.markdown(f"**Conventions:** {named}")
if summary := block(meeting.summary):
    st.text(summary)
st.markdown(f"**Sources:** {source_markdown(meeting.sources)}")


def shown_of(listed: Listed[Any], what: str) -> None:
    if listed.total > len(listed.shown):
        st.caption(f"Showing {len(listed.shown)} of {listed.total:,} {what}.")


def meetings_table(listed: Listed[BriefMeeting]) -> None:
    frame = pd.DataFrame(
        [(m.id, m.when, m.title, m.where, m.status, " ".join(m.sources)) for m in listed.shown],
        columns=["id", "when", "title", "where", "status", "sources"],
    )
    columns = {"when": "When", "title": "Meeting", "where": "Where", "status": "Status"}
    table(frame, columns | {"sources": "Sources"}, link=("title", "meeting"))
    shown_of(listed, "meetings")


def commitments_table(listed: Listed[BriefCommitment]) -> None:
    if not listed.shown:
        st.caption("None recorded.")
        return
    frame = pd.DataFrame(
        [
            (
                c.id,
                c.text,
                c.made_by,
                f"{c.at.short_title or c.at.title} ({c.made_on})" if c.at else c.made_on,
                c.due,
                c.status + (" — overdue" if c.overdue else ""),
                c.latest
                + (f" (evidence: {c.latest_evidence.short_title})" if c.latest_evidence else ""),
                " ".join(c.sources),
            )
            for c in listed.shown
        ],
        columns=["id", "commitment", "made_by", "at", "due", "status", "latest", "sources"],
    )
    table(
        frame,
        {
            "commitment": "Commitment",
            "made_by": "Made by",
            "at": "At",
            "due": "Due",
            "status": "Status",
            "latest": "Latest follow-up",
            "sources": "Sources",
        },
    )
    shown_of(listed, "commitments")


st.subheader(f"Earlier meetings of the series ({made.earlier.total:,})")
if not meeting.series:
    st.caption("This meeting is not part of a recorded series.")
elif not made.earlier.shown:
    st.caption(f"The first recorded meeting of {md(meeting.series)}.")
else:
    meetings_table(made.earlier)

st.subheader(f"Overdue ({made.overdue.total:,})")
st.caption(
    "Open commitments among those below whose due date, or the meeting they looked ahead to, "
    f"has passed (as of {today:%d %b %Y})."
)
commitments_table(made.overdue)

series_title = "Committed at this meeting and the earlier ones of its series"
st.subheader(
    f"{series_title if meeting.series else 'Committed at this meeting'} ({made.committed.total:,})"
)
commitments_table(made.committed)

st.subheader(f"Committed elsewhere in view of this meeting ({made.looked_ahead.total:,})")
commitments_table(made.looked_ahead)

st.subheader(f"Convention meetings ahead ({made.coming.total:,})")
which = ", ".join(made.coming_conventions) or "any convention"
if made.coming.shown:
    st.caption(f"COPs and meetings of the parties of {md(which)}, soonest first.")
    meetings_table(made.coming)
else:
    st.caption(f"No COP or meeting of the parties of {md(which)} ahead in the record.")
