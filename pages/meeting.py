"""One meeting (`/meeting?id=…`): its detail (when, where, who, sources, the commitments made
at it, fulfilled by it and looking ahead to it), its place in its series, the follow-up notes
that cite it as evidence, and a way to its briefing. Record values are escaped (`md`)."""

import pandas as pd
import streamlit as st

from cooptrack.i18n import N_, _, ngettext, number
from cooptrack.ui import data, pacing
from cooptrack.ui.detail import meeting_panel
from cooptrack.ui.language import link_params
from cooptrack.ui.text import md
from cooptrack.ui.widgets import meeting_link, page_path, table

version = data.version()
ident = st.query_params.get("id")
pacing.heading(_("Meeting"))


def to_timeline() -> None:
    st.page_link(
        page_path("timeline"),
        label=_("Timeline"),
        query_params=link_params() or None,
        icon=":material/timeline:",
    )


if not ident:
    st.info(
        _("Open a meeting from the Timeline or from any table of meetings (its title is a link)."),
        icon=":material/info:",
    )
    to_timeline()
    st.stop()
context = data.meeting_context(version, ident)
if context is None:
    st.warning(
        _("No meeting {id} in the record.").format(id=md(ident)), icon=":material/search_off:"
    )
    to_timeline()
    st.stop()

meeting_panel(ident)

left, right = st.columns(2)
with left:
    st.subheader(_("In its series"))
    if context.series:
        st.markdown(
            ngettext(
                "**{series}**: {n} meeting in the record ({kind}).",
                "**{series}**: {n} meetings in the record ({kind}).",
                context.series_count,
            ).format(
                series=md(context.series_name),
                n=number(context.series_count),
                kind=md(context.kind),
            )
        )
        if context.previous:
            meeting_link(context.previous, _("Before: {meeting}"))
        if context.following:
            meeting_link(context.following, _("After: {meeting}"))
        if not (context.previous or context.following):
            st.caption(_("The only meeting of its series in the record."))
    else:
        st.caption(_("Not part of a recorded series ({kind}).").format(kind=md(context.kind)))
with right:
    st.subheader(_("Take it along"))
    st.page_link(
        page_path("brief"),
        label=_("Briefing for this meeting (page and Word file)"),
        query_params={"meeting": ident, **link_params()},
        icon=":material/description:",
    )
    st.page_link(
        page_path("timeline"),
        label=_("This meeting on the Timeline"),
        query_params={"meeting": ident, **link_params()},
        icon=":material/timeline:",
    )

if context.evidence_for:
    st.subheader(
        _("Follow-up notes citing it as evidence ({n})").format(n=len(context.evidence_for))
    )
    notes = pd.DataFrame(context.evidence_for, columns=["id", "text", "when"])
    table(notes, {"text": N_("Commitment"), "when": N_("Note of")})
