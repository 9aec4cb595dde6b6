"""One commitment (`/commitment?id=…`): what was promised, by whom and where, by when, what
became of it (status history, follow-up notes and the meetings that evidence them), sources.

Every record value is escaped (`md`) or drawn as plain text (`st.text`)."""

import pandas as pd
import streamlit as st

from cooptrack.query.glossary import CONFIDENCE_MEANINGS, STATUS_MEANINGS
from cooptrack.ui import auth, data
from cooptrack.ui.editing import history_panel
from cooptrack.ui.text import block, md, source_markdown
from cooptrack.ui.widgets import meeting_link, page_path, table

version, today = data.version(), data.today()
ident = st.query_params.get("id")
st.title("Commitment")
if not ident:
    st.info(
        "Open a commitment from any table of commitments (its text is a link), or from the "
        "Commitments page.",
        icon=":material/info:",
    )
    st.page_link(page_path("commitments"), label="Commitments", icon=":material/handshake:")
    st.stop()
found = data.commitment_detail(version, ident, today)
if found is None:
    st.warning(f"No commitment {md(ident)} in the record.", icon=":material/search_off:")
    st.page_link(page_path("commitments"), label="Commitments", icon=":material/handshake:")
    st.stop()

with st.container(border=True):
    st.text(block(found.text))
status = f"**Status:** {md(found.status)} — {md(STATUS_MEANINGS.get(found.status, ''))}"
st.markdown(status)
if found.overdue:
    st.warning(
        f"Overdue: due {md(found.due)}, and still open with no recorded outcome.",
        icon=":material/schedule:",
    )

facts = [
    ("Made by", found.made_by),
    ("Made on", found.made_on),
    ("Countries concerned", found.countries),
    ("Topics", found.topics),
    ("Due", found.due),
]
lines = [f"**{name}:** {md(value)}" for name, value in facts if value]
if found.conventions:
    named = "; ".join(f"{md(code)} ({md(name)})" for code, name in found.conventions)
    lines.append(f"**Conventions:** {named}")
meaning = CONFIDENCE_MEANINGS.get(found.confidence, "")
lines.append(f"**Confidence:** {md(found.confidence)} — {md(meaning)}")
st.markdown("  \n".join(lines))
if found.meeting:
    meeting_link(found.meeting, "Made at: ")
if found.ahead_of:
    meeting_link(found.ahead_of, "Looked ahead to: ")
if found.fulfilled_by:
    meeting_link(found.fulfilled_by, "Fulfilled by: ")
st.markdown(f"**Sources:** {source_markdown(found.sources)}")

st.subheader("Status history")
steps = pd.DataFrame(
    [(s.when or "—", s.status, s.how) for s in found.statuses], columns=["when", "status", "how"]
)
table(steps, {"when": "When", "status": "Status", "how": "How it is known"})

st.subheader(f"Follow-up notes ({len(found.followups)})")
if not found.followups:
    st.caption("No follow-up note is recorded yet.")
for note in found.followups:
    with st.container(border=True):
        after = f" · status set to **{md(note.status_after)}**" if note.status_after else ""
        st.markdown(f"**{md(note.when)}**{after}")
        st.text(block(note.note))
        if note.evidence:
            meeting_link(note.evidence, "Evidence: ")
        st.markdown(f"**Sources:** {source_markdown(note.sources)}")

if auth.current_editor():  # who changed what, and when, is for the people who edit
    history_panel("commitments", found.id)
