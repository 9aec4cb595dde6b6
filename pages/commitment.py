"""One commitment (`/commitment?id=…`): what was promised, by whom and where, by when, what
became of it (status history, follow-up notes and the meetings that evidence them), sources.

Every record value is escaped (`md`) or drawn as plain text (`st.text`)."""

import pandas as pd
import streamlit as st

from cooptrack.i18n import N_, _
from cooptrack.query.glossary import CONFIDENCE_MEANINGS, STATUS_MEANINGS
from cooptrack.ui import auth, data, pacing
from cooptrack.ui.editing import history_panel
from cooptrack.ui.language import link_params
from cooptrack.ui.text import block, confidence_label, md, source_markdown, status_label
from cooptrack.ui.widgets import meeting_link, page_path, table

version, today = data.version(), data.today()
ident = st.query_params.get("id")
pacing.heading(_("Commitment"))


def back_to_commitments() -> None:
    st.page_link(
        page_path("commitments"),
        label=_("Commitments"),
        query_params=link_params() or None,
        icon=":material/handshake:",
    )


if not ident:
    st.info(
        _(
            "Open a commitment from any table of commitments (its text is a link), or from the "
            "Commitments page."
        ),
        icon=":material/info:",
    )
    back_to_commitments()
    st.stop()
found = data.commitment_detail(version, ident, today)
if found is None:
    st.warning(
        _("No commitment {id} in the record.").format(id=md(ident)), icon=":material/search_off:"
    )
    back_to_commitments()
    st.stop()

with st.container(border=True):
    st.text(block(found.text))
meaning = STATUS_MEANINGS.get(found.status, "")
st.markdown(
    _("**Status:** {status} — {meaning}").format(
        status=md(status_label(found.status)), meaning=md(_(meaning) if meaning else "")
    )
)
if found.overdue:
    st.warning(
        _("Overdue: due {due}, and still open with no recorded outcome.").format(due=md(found.due)),
        icon=":material/schedule:",
    )

facts = [
    (N_("Made by"), found.made_by),
    (N_("Made on"), found.made_on),
    (N_("Countries concerned"), found.countries),
    (N_("Topics"), found.topics),
    (N_("Due"), found.due),
]
lines = [f"**{_(name)}:** {md(value)}" for name, value in facts if value]
if found.conventions:
    named = "; ".join(f"{md(code)} ({md(name)})" for code, name in found.conventions)
    lines.append(_("**Conventions:** {conventions}").format(conventions=named))
meaning = CONFIDENCE_MEANINGS.get(found.confidence, "")
if confidence_label(found.confidence) == found.confidence:  # English names the code
    confidence = _("**Confidence:** {code} — {meaning}")
else:  # the meaning begins with the level in words (высокая: …); the code is English's
    confidence = _("**Confidence:** {meaning}")
lines.append(
    confidence.format(code=md(found.confidence), meaning=md(_(meaning) if meaning else ""))
)
st.markdown("  \n".join(lines))
if found.meeting:
    meeting_link(found.meeting, _("Made at: {meeting}"))
if found.ahead_of:
    meeting_link(found.ahead_of, _("Looked ahead to: {meeting}"))
if found.fulfilled_by:
    meeting_link(found.fulfilled_by, _("Fulfilled by: {meeting}"))
st.markdown(_("**Sources:** {sources}").format(sources=source_markdown(found.sources)))

st.subheader(_("Status history"))
steps = pd.DataFrame(
    [(s.when or "—", status_label(s.status), s.how) for s in found.statuses],
    columns=["when", "status", "how"],
)
table(steps, {"when": N_("When"), "status": N_("Status"), "how": N_("How it is known")})

st.subheader(_("Follow-up notes ({n})").format(n=len(found.followups)))
if not found.followups:
    st.caption(_("No follow-up note is recorded yet."))
for note in found.followups:
    with st.container(border=True):
        if note.status_after:
            heading = _("**{when}** · status set to **{status}**").format(
                when=md(note.when), status=md(status_label(note.status_after))
            )
        else:
            heading = f"**{md(note.when)}**"
        st.markdown(heading)
        st.text(block(note.note))
        if note.evidence:
            meeting_link(note.evidence, _("Evidence: {meeting}"))
        st.markdown(_("**Sources:** {sources}").format(sources=source_markdown(note.sources)))

if auth.current_editor():  # who changed what, and when, is for the people who edit
    history_panel("commitments", found.id)
