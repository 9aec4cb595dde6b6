"""Commitments: what was promised, by whom, by when, and whether it happened."""

import streamlit as st

from cooptrack.i18n import _, number
from cooptrack.query.figures import status_figure
from cooptrack.ui import data
from cooptrack.ui.page import current_filters
from cooptrack.ui.text import CHART_TEXT, chart_safe
from cooptrack.ui.widgets import (
    COMMITMENT_COLUMNS,
    caption,
    download_calendar,
    empty_state,
    record_table,
    records_named,
    table,
)

filters = current_filters()
version, today = data.version(), data.today()
st.title(_("Commitments"))
caption(filters)

total, overdue_total = data.commitment_counts(version, filters, today)
if total == 0:
    empty_state(records_named("commitments"), filters)
    st.stop()

everything = data.commitments(version, filters, today, False)
overdue = data.commitments(version, filters, today, True)
show_all, show_overdue = st.tabs(
    [
        _("All ({n})").format(n=number(total)),
        _("Overdue ({n})").format(n=number(overdue_total)),
    ]
)
with show_all:
    record_table(
        "commitments",
        everything,
        filters,
        what=records_named("commitments"),
        key="commitments",
        total=total,
    )
with show_overdue:
    st.caption(
        _(
            "Open commitments whose due date, or the meeting they looked ahead to, has "
            "passed with no recorded outcome."
        )
    )
    if overdue.empty:
        st.success(_("Nothing is overdue under these filters."), icon=":material/check_circle:")
    else:
        counted = overdue_total > len(overdue)
        if counted:
            st.caption(
                _(
                    "Showing the {shown} most recent of {total} overdue commitments (scroll "
                    "the table)."
                ).format(shown=number(len(overdue)), total=number(overdue_total))
            )
        table(overdue, COMMITMENT_COLUMNS, key="overdue_commitments", counted=counted)
download_calendar("commitments", filters)

left, right = st.columns(2)
left.plotly_chart(
    status_figure(
        chart_safe(data.status_by(version, filters, "conventions"), *CHART_TEXT),
        _("Status by convention"),
    ),
    config={"displaylogo": False},
    key="status_by_convention",
)
right.plotly_chart(
    status_figure(
        chart_safe(data.status_by(version, filters, "countries"), *CHART_TEXT),
        _("Status by country"),
    ),
    config={"displaylogo": False},
    key="status_by_country",
)
