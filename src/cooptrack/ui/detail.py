"""The detail panel of one meeting: when (at its precision), where, who, what was promised."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cooptrack.query.meetings import meeting_detail
from cooptrack.ui import auth, data
from cooptrack.ui.editing import history_panel
from cooptrack.ui.text import as_text, block, md, source_markdown
from cooptrack.ui.widgets import table

_PRECISION_NOTE = {"month": " (day not recorded)", "year": " (month and day not recorded)"}
_COMMITMENT_COLUMNS = {
    "text": "Commitment",
    "made_by": "Made by",
    "status": "Status",
    "fulfilled_by": "Fulfilled by",
}


def meeting_panel(meeting_id: str) -> None:
    """Every value from the record is escaped (`md`) or drawn as plain text (`st.text`)."""
    detail = meeting_detail(data.store(), meeting_id)
    if detail is None:
        st.warning(f"No meeting {md(meeting_id)} in the record.")
        return
    m = detail.meeting
    with st.container(border=True):
        st.subheader(md(m["title"]) or "Untitled meeting")
        when = md(m["when"]) + _PRECISION_NOTE.get(as_text(m["start_precision"]), "")
        status = md(m["status"]) + (f" · format: {md(m['format'])}" if as_text(m["format"]) else "")
        st.markdown(f"**When:** {when}  \n**Where:** {md(m['where'])}  \n**Status:** {status}")
        facts = [
            ("Chairs", m["chairs"] or m["chair_names"]),
            ("Organised by", m["organiser_names"]),
            ("Countries", m["participant_names"]),
            ("Conventions", m["convention_codes"]),
            ("Topics", m["topic_labels"]),
        ]
        lines = [f"**{name}:** {md(value)}" for name, value in facts if as_text(value)]
        if lines:
            st.markdown("  \n".join(lines))
        if summary := block(m["summary"]):
            st.text(summary)
        st.markdown(
            f"**Sources** (confidence {md(m['confidence'])}): {source_markdown(m['sources'])}"
        )
        _commitments("Commitments made here", detail.commitments_made)
        _commitments("Commitments this meeting fulfilled", detail.commitments_fulfilled)
        _commitments("Commitments that looked ahead to this meeting", detail.commitments_ahead)
    if auth.current_editor():  # who changed what, and when, is for the people who edit
        history_panel("meetings", meeting_id)


def _commitments(title: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    st.markdown(f"**{title}**")
    table(frame, _COMMITMENT_COLUMNS)
