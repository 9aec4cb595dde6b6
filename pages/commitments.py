"""Commitments: what was promised, by whom, by when, and what the record says became of it."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cooptrack.i18n import N_, _, ngettext, number
from cooptrack.query import commitments as commitment_queries
from cooptrack.query.filters import Filters
from cooptrack.query.status_charts import (
    apart_from_unnamed,
    bars_differ,
    by_size,
    by_year_made,
    in_place_order,
    one_bar,
    status_bars,
)
from cooptrack.ui import data, pacing
from cooptrack.ui.page import current_filters
from cooptrack.ui.text import CHART_TEXT, chart_safe
from cooptrack.ui.widgets import (
    caption,
    download_calendar,
    empty_state,
    record_table,
    records_named,
    table,
)

# "Where it stands" says status and due date together, so it replaces both columns here.
COLUMNS = {
    "commitment": N_("Commitment"),
    "where_it_stands": N_("Where it stands"),
    "made_by": N_("Made by"),
    "at": N_("At"),
    "conventions": N_("Conventions"),
    "latest_followup": N_("Latest follow-up"),
}
CHART_CONFIG = {"displaylogo": False, "displayModeBar": False}


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with each text cut short; the link on it opens the commitment's own page."""
    return frame.assign(commitment=[commitment_queries.clamped(t) for t in frame.commitment])


def say_clamped(frame: pd.DataFrame) -> None:
    cut = sum(commitment_queries.clamped(t) != t for t in frame.commitment)
    if cut:
        st.caption(
            ngettext(
                "{n} long text is cut short (…): open its row to read it whole.",
                "{n} long texts are cut short (…): open a row to read it whole.",
                cut,
            ).format(n=number(cut))
        )


def made_figure(version: str, filters: Filters) -> go.Figure:
    """Status by the year commitments were made (counted with the Overview's chart); when
    every year looks the same (one year, say), the status totals alone."""
    counts = by_year_made(data.per_year(version, filters))
    title = _("Where they stand, by the year they were made")
    if not bars_differ(counts):
        counts, title = one_bar(counts, _("All commitments")), _("Where they stand")
    safe = chart_safe(counts, *CHART_TEXT)
    return status_bars(safe, title, in_place_order(safe))


def made_chart(version: str, filters: Filters) -> None:
    figure = data.figure(
        ("status_by_made", version, filters), lambda: made_figure(version, filters)
    )
    st.plotly_chart(figure, config=CHART_CONFIG, key="status_by_made")


def convention_chart(version: str, filters: Filters) -> None:
    named, unnamed = apart_from_unnamed(data.status_by(version, filters, "conventions"))
    if not named.empty:
        safe = chart_safe(named, *CHART_TEXT)
        figure = data.figure(
            ("status_by_convention", version, filters),
            lambda: status_bars(safe, _("Where they stand, by convention"), by_size(safe)),
        )
        st.plotly_chart(figure, config=CHART_CONFIG, key="status_by_convention")
    if unnamed:
        st.caption(
            ngettext(
                "{n} commitment names no convention; it is not in this chart.",
                "{n} commitments name no convention; they are not in this chart.",
                unnamed,
            ).format(n=number(unnamed))
        )


def open_past_their_date(overdue: pd.DataFrame, overdue_total: int) -> None:
    st.caption(
        _(
            "Open commitments whose due date, or the meeting they looked ahead to, has passed. "
            "The record says no more than that: **no outcome recorded since** means nothing was "
            "noted after the date, not that the promise was broken."
        )
    )
    if overdue.empty:
        st.success(
            _("Nothing is open past its date under these filters."),
            icon=":material/check_circle:",
        )
        return
    counted = overdue_total > len(overdue)
    if counted:
        st.caption(
            _(
                "Showing the {shown} most recent of {total} commitments open past their date "
                "(scroll the table)."
            ).format(shown=number(len(overdue)), total=number(overdue_total))
        )
    say_clamped(overdue)
    table(shown(overdue), COLUMNS, key="overdue_commitments", counted=counted)


def page(filters: Filters, version: str, today: date) -> None:
    pacing.heading(_("Commitments"))
    caption(filters)
    counted = data.commitment_counts(version, filters, today)
    total, overdue_total = counted.total, counted.overdue
    if total == 0:
        empty_state(records_named("commitments"), filters)
        return
    # Where they stand at a glance first, the commitments one by one below.
    left, right = st.columns(2)
    with left:
        made_chart(version, filters)
    # Paced after the first chart, not after both: drawn in one go with the second, it painted
    # 1.10–1.15× as late as a bare Plotly page's chart; alone first, 1.02× (Chromium, 1M).
    pacing.first_chart_sent()
    with right:
        convention_chart(version, filters)
    everything = data.commitments(version, filters, today, False)
    overdue = data.commitments(version, filters, today, True)
    show_all, show_overdue = st.tabs(
        [
            _("All ({n})").format(n=number(total)),
            _("Open past their date ({n})").format(n=number(overdue_total)),
        ]
    )
    with show_all:
        say_clamped(everything)
        record_table(
            "commitments",
            shown(everything),
            filters,
            what=records_named("commitments"),
            key="commitments",
            columns=COLUMNS,
            total=total,
        )
    with show_overdue:
        open_past_their_date(overdue, overdue_total)
    download_calendar("commitments", filters)


page(current_filters(), data.version(), data.today())
