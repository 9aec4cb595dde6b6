"""Briefing (`/brief?meeting=ID`): what someone preparing a meeting needs, on one printable page
and as a Word file to edit. By default the next meeting, else the latest. Built from the one
`Brief` the Word file is made of; record values are escaped (`md`) or plain text."""

from typing import Any

import pandas as pd
import streamlit as st

from cooptrack.dates import human_text
from cooptrack.errors import InputError
from cooptrack.i18n import N_, _, full_date, number
from cooptrack.query.brief import Brief, BriefCommitment, BriefMeeting, Listed
from cooptrack.query.brief_document import brief_docx
from cooptrack.ui import data, pacing
from cooptrack.ui.language import deferred
from cooptrack.ui.text import block, md, source_markdown, status_label
from cooptrack.ui.widgets import table

version, today = data.version(), data.today()
pacing.heading(_("Briefing"))
choices = data.brief_choices(version, today)
wanted = st.query_params.get("meeting")
if not choices:
    st.info(
        _("The record holds no meeting yet: a briefing is made for one."), icon=":material/info:"
    )
    st.stop()
try:
    made: Brief = data.brief(version, wanted, today)
except InputError:
    st.warning(
        _("No meeting {id} in the record; showing the default meeting instead.").format(
            id=md(wanted)
        ),
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
    _("Meeting"), list(options), format_func=lambda i: options[i], key="brief_meeting"
)
if choice != meeting.id:
    made = data.brief(version, choice, today)
    meeting = made.meeting
st.session_state.brief_shown = meeting.id
st.query_params["meeting"] = meeting.id

st.download_button(
    _("Download as Word (.docx)"),
    data=deferred(lambda: brief_docx(made)),
    file_name=f"brief_{meeting.id[:60]}_{today.isoformat()}.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    on_click="ignore",
    icon=":material/download:",
    key="brief_download",
)
# Why this meeting (`Brief.chosen`, an English code), in a sentence of the caption.
WHY = {
    "the next meeting": N_("It is the next meeting in the record."),
    "the latest meeting": N_("No meeting is ahead: this is the latest one."),
}
sentences = [_("Prepared on {date}.").format(date=full_date(today))]
if made.chosen in WHY:
    sentences.append(_(WHY[made.chosen]))
sentences.append(
    _(
        "For paper, close the sidebar («) and print this page from the browser; the Word file "
        "holds the same and can be edited."
    )
)
st.caption(" ".join(sentences))

st.header(md(meeting.title))
st.markdown(
    f"**{md(meeting.when)}** · {md(meeting.where)} · {md(meeting.kind)}"
    + (f" · {md(meeting.series)}" if meeting.series else "")
    + f" · {md(status_label(meeting.status))}"
)
if meeting.chairs:
    st.markdown(_("**Chairs:** {chairs}").format(chairs=md("; ".join(meeting.chairs))))
if meeting.conventions:
    named = "; ".join(
        f"{md(c)} ({md(made.convention_names.get(c, c))})" for c in meeting.conventions
    )
    st.markdown(_("**Conventions:** {conventions}").format(conventions=named))
if summary := block(meeting.summary):
    st.text(summary)
st.markdown(_("**Sources:** {sources}").format(sources=source_markdown(meeting.sources)))


def shown_of(listed: Listed[Any], showing: str) -> None:
    """`showing`: "Showing {shown} of {total} …", translated."""
    if listed.total > len(listed.shown):
        st.caption(showing.format(shown=number(len(listed.shown)), total=number(listed.total)))


def meetings_table(listed: Listed[BriefMeeting]) -> None:
    frame = pd.DataFrame(
        [
            (m.id, m.when, m.title, m.where, status_label(m.status), " ".join(m.sources))
            for m in listed.shown
        ],
        columns=["id", "when", "title", "where", "status", "sources"],
    )
    columns = {
        "when": N_("When"),
        "title": N_("Meeting"),
        "where": N_("Where"),
        "status": N_("Status"),
        "sources": N_("Sources"),
    }
    table(frame, columns, link=("title", "meeting"))
    shown_of(listed, _("Showing {shown} of {total} meetings."))


def commitment_status(c: BriefCommitment) -> str:
    status = status_label(c.status)
    return _("{status} — overdue").format(status=status) if c.overdue else status


def latest_note(c: BriefCommitment) -> str:
    if c.latest_evidence is None:
        return c.latest
    return _("{note} (evidence: {meeting})").format(
        note=c.latest, meeting=c.latest_evidence.short_title
    )


def commitments_table(listed: Listed[BriefCommitment]) -> None:
    if not listed.shown:
        st.caption(_("None recorded."))
        return
    frame = pd.DataFrame(
        [
            (
                c.id,
                c.text,
                c.made_by,
                f"{c.at.short_title or c.at.title} ({c.made_on})" if c.at else c.made_on,
                c.due,
                commitment_status(c),
                latest_note(c),
                " ".join(c.sources),
            )
            for c in listed.shown
        ],
        columns=["id", "commitment", "made_by", "at", "due", "status", "latest", "sources"],
    )
    table(
        frame,
        {
            "commitment": N_("Commitment"),
            "made_by": N_("Made by"),
            "at": N_("At"),
            "due": N_("Due"),
            "status": N_("Status"),
            "latest": N_("Latest follow-up"),
            "sources": N_("Sources"),
        },
    )
    shown_of(listed, _("Showing {shown} of {total} commitments."))


st.subheader(_("Earlier meetings of the series ({n})").format(n=number(made.earlier.total)))
if not meeting.series:
    st.caption(_("This meeting is not part of a recorded series."))
elif not made.earlier.shown:
    st.caption(_("The first recorded meeting of {series}.").format(series=md(meeting.series)))
else:
    meetings_table(made.earlier)

st.subheader(_("Overdue ({n})").format(n=number(made.overdue.total)))
st.caption(
    _(
        "Open commitments among those below whose due date, or the meeting they looked ahead "
        "to, has passed (as of {date})."
    ).format(date=human_text(today, "day"))
)
commitments_table(made.overdue)

if meeting.series:
    committed = _("Committed at this meeting and the earlier ones of its series ({n})")
else:
    committed = _("Committed at this meeting ({n})")
st.subheader(committed.format(n=number(made.committed.total)))
commitments_table(made.committed)

st.subheader(
    _("Committed elsewhere in view of this meeting ({n})").format(n=number(made.looked_ahead.total))
)
commitments_table(made.looked_ahead)

st.subheader(_("Convention meetings ahead ({n})").format(n=number(made.coming.total)))
if made.coming_conventions:
    which = md(", ".join(made.coming_conventions))
    if made.coming.shown:
        st.caption(
            _("COPs and meetings of the parties of {codes}, soonest first.").format(codes=which)
        )
    else:
        st.caption(
            _("No COP or meeting of the parties of {codes} ahead in the record.").format(
                codes=which
            )
        )
elif made.coming.shown:
    st.caption(_("COPs and meetings of the parties of any convention, soonest first."))
else:
    st.caption(_("No COP or meeting of the parties of any convention ahead in the record."))
if made.coming.shown:
    meetings_table(made.coming)
