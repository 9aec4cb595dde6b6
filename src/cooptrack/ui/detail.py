"""The detail panel of one meeting: when (at its precision), where, who, what was promised."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cooptrack.i18n import N_, _
from cooptrack.ui import auth, data
from cooptrack.ui.editing import history_panel
from cooptrack.ui.text import (
    as_text,
    block,
    confidence_label,
    format_label,
    md,
    source_markdown,
    status_label,
)
from cooptrack.ui.widgets import table

_PRECISION_NOTE = {
    "month": N_("{when} (day not recorded)"),
    "year": N_("{when} (month and day not recorded)"),
}
_COMMITMENT_COLUMNS = {
    "text": N_("Commitment"),
    "made_by": N_("Made by"),
    "status": N_("Status"),
    "fulfilled_by": N_("Fulfilled by"),
}


def meeting_panel(meeting_id: str) -> None:
    """Every value from the record is escaped (`md`) or drawn as plain text (`st.text`)."""
    detail = data.meeting_detail(data.version(), meeting_id)
    if detail is None:
        st.warning(_("No meeting {id} in the record.").format(id=md(meeting_id)))
        return
    m = detail.meeting
    with st.container(border=True):
        st.subheader(md(m["title"]) or _("Untitled meeting"))
        precision = as_text(m["start_precision"])
        when = md(m["when"])
        if precision in _PRECISION_NOTE:
            when = _(_PRECISION_NOTE[precision]).format(when=when)
        status = md(status_label(m["status"]))
        if as_text(m["format"]):
            status = _("{status} · format: {format}").format(
                status=status, format=md(format_label(m["format"]))
            )
        st.markdown(
            _("**When:** {when}  \n**Where:** {where}  \n**Status:** {status}").format(
                when=when, where=md(m["where"]), status=status
            )
        )
        facts = [
            (_("Series"), m["series_name"]),
            (_("Chairs"), m["chairs"] or m["chair_names"]),
            (_("Organised by"), m["organiser_names"]),
            (_("Countries"), m["participant_names"]),
            (_("Conventions"), m["convention_codes"]),
            (_("Topics"), m["topic_labels"]),
        ]
        lines = [f"**{name}:** {md(value)}" for name, value in facts if as_text(value)]
        if lines:
            st.markdown("  \n".join(lines))
        if summary := block(m["summary"]):
            st.text(summary)
        st.markdown(
            _("**Sources** (confidence {confidence}): {sources}").format(
                confidence=md(confidence_label(m["confidence"])),
                sources=source_markdown(m["sources"]),
            )
        )
        _commitments(_("Commitments made here"), detail.commitments_made)
        _commitments(_("Commitments this meeting fulfilled"), detail.commitments_fulfilled)
        _commitments(_("Commitments that looked ahead to this meeting"), detail.commitments_ahead)
    if auth.current_editor():  # who changed what, and when, is for the people who edit
        history_panel("meetings", meeting_id)


def _commitments(title: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    st.markdown(f"**{title}**")
    if "status" in frame.columns:  # the record's codes, named in the interface's language
        frame = frame.assign(status=[status_label(s) for s in frame.status])
    table(frame, _COMMITMENT_COLUMNS)
