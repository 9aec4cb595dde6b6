"""One meeting (`/meeting?id=…`): its detail (when, where, who, sources, the commitments made
at it, fulfilled by it and looking ahead to it), its place in its series, the follow-up notes
that cite it as evidence, and a way to its briefing. Record values are escaped (`md`)."""

import pandas as pd
import streamlit as st

from cooptrack.ui import data
from cooptrack.ui.detail import meeting_panel
from cooptrack.ui.text import md
from cooptrack.ui.widgets import meeting_link, page_path, table

version = data.version()
ident = st.query_params.get("id")
st.title("Meeting")
if not ident:
    st.info(
        "Open a meeting from the Timeline or from any table of meetings (its title is a link).",
        icon=":material/info:",
    )
    st.page_link(page_path("timeline"), label="Timeline", icon=":material/timeline:")
    st.stop()
context = data.meeting_context(version, ident)
if context is None:
    st.warning(f"No meeting {md(ident)} in the record.", icon=":material/search_off:")
    st.page_link(page_path("timeline"), label="Timeline", icon=":material/timeline:")
    st.stop()

meeting_panel(ident)

left, right = st.columns(2)
with left:
    st.subheader("In its series")
    if context.series:
        st.markdown(
            f"**{md(context.series)}**: {context.series_count:,} meetings in the record "
            f"({md(context.kind)})."
        )
        if context.previous:
            meeting_link(context.previous, "Before: ")
        if context.following:
            meeting_link(context.following, "After: ")
        if not (context.previous or context.following):
            st.caption("The only meeting of its series in the record.")
    else:
        st.caption(f"Not part of a recorded series ({md(context.kind)}).")
with right:
    st.subheader("Take it along")
    st.page_link(
        page_path("brief"),
        label="Briefing for this meeting (page and Word file)",
        query_params={"meeting": ident},
        icon=":material/description:",
    )
    st.page_link(
        page_path("timeline"),
        label="This meeting on the Timeline",
        query_params={"meeting": ident},
        icon=":material/timeline:",
    )

if context.evidence_for:
    st.subheader(f"Follow-up notes citing it as evidence ({len(context.evidence_for)})")
    notes = pd.DataFrame(context.evidence_for, columns=["id", "text", "when"])
    table(notes, {"text": "Commitment", "when": "Note of"})
