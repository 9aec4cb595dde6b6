"""The detail panel of one meeting: when (at its precision), where, who, what was promised."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cooptrack.queries import meeting_detail
from cooptrack.ui import data
from cooptrack.ui.editing import history_panel
from cooptrack.ui.widgets import source_links, table

_PRECISION_NOTE = {"month": " (day not recorded)", "year": " (month and day not recorded)"}
_COMMITMENT_COLUMNS = {
    "text": "Commitment",
    "made_by": "Made by",
    "status": "Status",
    "fulfilled_by": "Fulfilled by",
}


def meeting_panel(meeting_id: str) -> None:
    detail = meeting_detail(data.store(), meeting_id)
    if detail is None:
        st.warning(f"No meeting {meeting_id!r} in the record.")
        return
    m = detail.meeting
    with st.container(border=True):
        st.subheader(m["title"])
        when = m["when"] + _PRECISION_NOTE.get(m["start_precision"], "")
        status = f"{m['status']}" + (f" · format: {m['format']}" if m["format"] else "")
        st.markdown(f"**When:** {when}  \n**Where:** {m['where']}  \n**Status:** {status}")
        facts = [
            ("Chairs", "; ".join(m["chairs"] or []) or m["chair_names"]),
            ("Organised by", m["organiser_names"]),
            ("Countries", m["participant_names"]),
            ("Conventions", m["convention_codes"]),
            ("Topics", m["topic_labels"]),
        ]
        st.markdown("  \n".join(f"**{k}:** {v}" for k, v in facts if v))
        if m["summary"]:
            st.write(m["summary"])
        st.markdown(f"**Sources** (confidence {m['confidence']}): {source_links(m['sources'])}")
        _commitments("Commitments made here", detail.commitments_made)
        _commitments("Commitments this meeting fulfilled", detail.commitments_fulfilled)
        _commitments("Commitments that looked ahead to this meeting", detail.commitments_ahead)
    history_panel("meetings", meeting_id)


def _commitments(title: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    st.markdown(f"**{title}**")
    table(frame, _COMMITMENT_COLUMNS)
