"""Projects: a Gantt chart of project phases (planned beside actual) with meetings as markers."""

import pandas as pd
import streamlit as st

from cooptrack.i18n import N_, _, number
from cooptrack.query.figures import chart_config, gantt_figure
from cooptrack.query.phases import meetings_beside
from cooptrack.ui import data, pacing
from cooptrack.ui.page import current_filters
from cooptrack.ui.text import CHART_TEXT, as_text, block, chart_safe, md, source_markdown
from cooptrack.ui.widgets import caption, download_csv, empty_state, records_named, table

DASH = "—"
PHASE_COLUMNS = {
    "name": N_("Phase"),
    "planned": N_("Planned"),
    "actual": N_("Actual"),
    "implementers": N_("Implementers"),
    "budget_label": N_("Budget"),
    "countries": N_("Beneficiaries"),
}


def with_dashes(phases: pd.DataFrame) -> pd.DataFrame:
    """The table's empty cells as a dash, which the caption explains once, instead of "not
    recorded" in every other cell; an actual period with no end keeps its words (it says
    something: the phase started and may still run)."""
    shown = phases.copy()
    shown["planned"] = shown.planned.where(phases.planned_start.notna(), DASH)
    shown["actual"] = shown.actual.where(phases.actual_start.notna(), DASH)
    shown["budget_label"] = shown.budget_label.where(
        phases.budget.notna() & phases.currency.notna(), DASH
    )
    shown["implementers"] = shown.implementers.where(phases.implementer_count > 0, DASH)
    return shown


filters = current_filters()
version, today = data.version(), data.today()
phases = data.phases(version, filters, today)

pacing.heading(_("Project phases"))
caption(filters)
if phases.empty:
    empty_state(records_named("phases"), filters)
    st.stop()

total = data.phase_count(version, filters)
st.caption(
    _(
        "Pale bars: the planned period; dark bars: what actually happened. A hatched bar has no "
        "recorded end and runs to today. Red diamonds: meetings under the same filters, each "
        "named, or with how many it stands for where they are too close to name apart (hover "
        "to list them)."
    )
)
if total > len(phases):
    st.info(
        _(
            "Showing {shown} of {total} phases: those started most recently, then those "
            "starting soonest. Narrow the filters to see others, or download them all."
        ).format(shown=number(len(phases)), total=number(total)),
        icon=":material/filter_list:",
    )
# A window of a longer list: the meetings of the period it spans, not the record's newest.
beside = filters if total <= len(phases) else meetings_beside(filters, phases, today)
st.plotly_chart(
    data.figure(
        ("gantt", version, filters, today),
        lambda: gantt_figure(
            chart_safe(phases, *CHART_TEXT, "name"),
            chart_safe(data.meetings(version, beside), *CHART_TEXT),
            today,
        ),
    ),
    config=chart_config(toolbar=False),
    key="gantt_chart",
)
pacing.first_chart_sent()
table(with_dashes(phases), PHASE_COLUMNS, key="phases_table")
st.caption(_("A dash (—): not in the record; the sources read do not give it."))
download_csv("phases", filters)
# One phase's summary and sources at a time: an expander per phase drew 40 of them (142
# elements at scale, slowing the whole page) for what a reader opens one by one.
names = dict(zip(phases.id, phases.name, strict=True))
chosen = st.selectbox(
    _("About a phase: its summary and sources"), list(names), format_func=names.__getitem__,
    key="phase_about",
)  # fmt: skip
phase = phases[phases.id == chosen].iloc[0]
with st.container(border=True):
    st.markdown(f"**{md(phase['title'])}**")
    if summary := block(phase["summary"]):
        st.text(summary)
    else:
        st.caption(_("No summary recorded."))
    st.markdown(
        _("**Sources:** {sources}").format(
            sources=source_markdown(as_text(phase["sources"]).split())
        )
    )
