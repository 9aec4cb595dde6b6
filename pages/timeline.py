"""Timeline: meetings and COPs on a time axis; pick one to read its detail."""

import streamlit as st

from cooptrack.i18n import _, ngettext, number
from cooptrack.query.figures import chart_config, density_figure, timeline_figure
from cooptrack.query.meetings import SHOWN_ROWS, TIMELINE_POINTS
from cooptrack.ui import data, pacing
from cooptrack.ui.detail import meeting_panel
from cooptrack.ui.language import link_params
from cooptrack.ui.page import current_filters
from cooptrack.ui.text import CHART_TEXT, as_text, chart_safe, label
from cooptrack.ui.widgets import (
    caption,
    download_calendar,
    empty_state,
    page_path,
    record_table,
    records_named,
)

filters = current_filters()
version, today = data.version(), data.today()
total = data.meeting_count(version, filters)

pacing.heading(_("Timeline of meetings"))
caption(filters)
if total == 0:
    empty_state(records_named("meetings"), filters)
    st.stop()

picked: list[str] = []
if total > TIMELINE_POINTS:
    st.info(
        ngettext(
            "{total} meeting matches: drawn as meetings per quarter. Narrow the filters to "
            "{most} or fewer to see each meeting on the chart.",
            "{total} meetings match: drawn as meetings per quarter. Narrow the filters to "
            "{most} or fewer to see each meeting on the chart.",
            total,
        ).format(total=number(total), most=number(TIMELINE_POINTS)),
        icon=":material/stacked_bar_chart:",
    )
    st.plotly_chart(
        data.figure(
            ("density", version, filters, today),
            lambda: density_figure(data.meeting_density(version, filters), today),
        ),
        key="density_chart",
        config=chart_config(toolbar=False),
    )
    pacing.first_chart_sent()
    meetings = data.meetings(version, filters, SHOWN_ROWS)
else:
    meetings = data.meetings(version, filters, TIMELINE_POINTS)
    st.caption(
        _(
            "COPs have a lane per convention, and other meetings one per series, where these "
            "have a few meetings each. Filled markers: exact day known. Open markers with a "
            "pale bar: only the month or year is known, and the bar spans it. Meetings too "
            'close to be labelled apart share a label ("COP26–28", "+2" for two more). Click a '
            "marker, or pick a meeting below, to read it."
        )
    )
    event = st.plotly_chart(
        data.figure(
            ("timeline", version, filters, today),
            lambda: timeline_figure(chart_safe(meetings, *CHART_TEXT, "series"), today),
        ),
        on_select="rerun",
        selection_mode="points",
        key="timeline_chart",
        config=chart_config(toolbar=False),
    )
    pacing.first_chart_sent()
    picked = [p["customdata"][0] for p in event.selection.points if p.get("customdata")]

ids = list(meetings.id)
labels = {
    ident: f"{label(short) or ident} — {as_text(when)}"
    for ident, short, when in zip(meetings.id, meetings.short_title, meetings["when"], strict=True)
}
wanted = picked[0] if picked else st.query_params.get("meeting")
if (
    wanted in ids
    and st.session_state.get("meeting_choice") != wanted
    and (picked or "meeting_choice" not in st.session_state)
):
    st.session_state.meeting_choice = wanted
if st.session_state.get("meeting_choice") not in ids:
    st.session_state.meeting_choice = ids[-1]
choice = st.selectbox(_("Meeting"), ids, format_func=labels.__getitem__, key="meeting_choice")
st.query_params["meeting"] = choice
meeting_panel(choice)
st.page_link(
    page_path("meeting"),
    label=_("This meeting's own page: its series, the notes citing it, its briefing"),
    query_params={"id": choice, **link_params()},
    icon=":material/open_in_new:",
)

st.subheader(ngettext("{n} meeting matches", "{n} meetings match", total).format(n=number(total)))
record_table(
    "meetings",
    meetings.iloc[::-1].head(SHOWN_ROWS).iloc[::-1],
    filters,
    what=records_named("meetings"),
    key="meetings",
    total=total,
)
download_calendar("meetings", filters)
