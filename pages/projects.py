"""Projects: a Gantt chart of project phases (planned beside actual) with meetings as markers."""

import streamlit as st

from cooptrack.query.figures import gantt_figure
from cooptrack.ui import data
from cooptrack.ui.page import current_filters
from cooptrack.ui.text import CHART_TEXT, as_text, block, chart_safe, md, source_markdown
from cooptrack.ui.widgets import caption, download_csv, empty_state, table

PHASE_COLUMNS = {
    "label": "Phase",
    "planned": "Planned",
    "actual": "Actual",
    "implementers": "Implementers",
    "budget_label": "Budget",
    "countries": "Beneficiaries",
}

filters = current_filters()
version, today = data.version(), data.today()
phases = data.phases(version, filters)

st.title("Project phases")
caption(filters)
if phases.empty:
    empty_state("project phases", filters)
    st.stop()

total = data.phase_count(version, filters)
st.caption(
    "Pale bars: the planned period; dark bars: what actually happened. A hatched bar has no "
    "recorded end and runs to today. Red diamonds: meetings under the same filters."
)
if total > len(phases):
    st.info(
        f"Showing the {len(phases)} most recently started of {total:,} phases; narrow the "
        "filters to see others, or download them all.",
        icon=":material/filter_list:",
    )
st.plotly_chart(
    gantt_figure(
        chart_safe(phases, *CHART_TEXT),
        chart_safe(data.meetings(version, filters), *CHART_TEXT),
        today,
    ),
    config={"displaylogo": False},
    key="gantt_chart",
)
table(phases, PHASE_COLUMNS, key="phases_table")
download_csv("phases", filters)
for phase in phases.itertuples():
    with st.expander(f"{md(phase.label)}: about and sources"):
        if summary := block(phase.summary):
            st.text(summary)
        else:
            st.caption("No summary recorded.")
        st.markdown(f"**Sources:** {source_markdown(as_text(phase.sources).split())}")
