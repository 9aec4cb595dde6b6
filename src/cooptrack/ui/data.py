"""The process-wide store and cached query results.

One store per process (`st.cache_resource`); every query runs on its own cursor inside the
core. Results are cached with `st.cache_data`, keyed by `version()`: the database file's
modification time, or the name of the snapshot a viewer reads, so new data shows up without a
restart. `begin_run()`, at the top of every page run, moves to a newly published snapshot and
keeps the run on one snapshot to its end.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Hashable
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cooptrack import config, i18n
from cooptrack.db.schema import Kind
from cooptrack.db.store import Store, default_path
from cooptrack.errors import ConfigError
from cooptrack.query import brief as briefs
from cooptrack.query import calendar, detail, profiles
from cooptrack.query import commitments as commitment_queries
from cooptrack.query import coverage as coverage_report
from cooptrack.query import glossary as glossary_terms
from cooptrack.query import meetings as meeting_queries
from cooptrack.query import phases as phase_queries
from cooptrack.query.filters import Filters
from cooptrack.reference import Vocabulary
from cooptrack.ui import forms

_RUN = threading.local()  # the id of the page run a script thread is drawing, for logs


def today() -> date:
    """Today, or `COOPTRACK_TODAY` (ISO) to view the record as of another day."""
    return config.today()


@st.cache_resource(show_spinner=False)
def _open_store(path: str, role: config.Role) -> Store:
    if role == "viewer":
        folder = config.snapshot_folder(Path(path))
        if folder is None:
            raise ConfigError(
                i18n._(
                    "COOPTRACK_ROLE=viewer reads published snapshots: set COOPTRACK_SNAPSHOTS "
                    "to the folder the editor publishes in (or make {path}.snapshots beside it)"
                ).format(path=path)
            )
        return Store.open_viewer(folder, query_seconds=config.query_seconds())
    return Store.open_shared(path, query_seconds=config.query_seconds())


def store() -> Store:
    """The process's one store, opened shared (read-only, read-write only while a write runs)
    whether or not editors are configured: adding an editor to a running dashboard must not
    open a second connection with another configuration. A viewer's store reads the newest
    snapshot and never writes. Raises StoreError (shown by the app) when it cannot be opened."""
    return _open_store(str(default_path()), config.role())


def editing_offered() -> bool:
    """False on a viewer: it has no Edit page and no sign-in, whoever asks. A role that is
    not one is not an editor either (`store()` then says what is wrong with it)."""
    try:
        return config.role() != "viewer"
    except ConfigError:
        return False


def begin_run() -> None:
    """The start of a page run: the store moves to a newly published snapshot if there is
    one, and this run reads that one snapshot to its end. A viewer says so in the sidebar."""
    _RUN.id = uuid.uuid4().hex[:12]
    opened = store()
    opened.begin_read()
    if opened.viewer:
        published = opened.published_at()
        if published is None:
            copy = i18n._(":material/visibility: **Read-only copy**: the record as published.")
        else:
            copy = i18n._(
                ":material/visibility: **Read-only copy**: the record as published at {time} UTC."
            ).format(time=time.strftime("%H:%M:%S", time.gmtime(published)))
        more = i18n._(
            "Changes are made on the editors' dashboard and appear here within seconds; "
            "there is no Edit page on this server."
        )
        st.sidebar.caption(f"{copy} {more}")


def current_run() -> str | None:
    """An id for the page run this thread is drawing, for log lines (None outside a run)."""
    return getattr(_RUN, "id", None)


def version() -> str:
    """Changes whenever the record this run reads does, or the language its labels, dates
    and messages are in: the key of every result cache."""
    return f"{store().revision()}|{i18n.current()}"


@st.cache_resource(show_spinner=False, max_entries=128, ttl=24 * 3600)
def figure(key: tuple[Hashable, ...], _build: Callable[[], go.Figure]) -> go.Figure:
    """The chart `_build` makes, built once per `key` and shared by every session. Building a
    Plotly figure checks every property it sets (two thirds of a warm Timeline run, 40 ms),
    while `st.plotly_chart` only copies a built one. `key` must name everything the chart is
    drawn from: `version()` (the record and the language), the filters, the day, the chart.
    Kept as the object itself (`cache_resource`): a pickled figure is checked again when
    read back. Nothing changes a figure once built."""
    return _build()


@st.cache_data(show_spinner=False, max_entries=16)
def vocabulary(db_version: str) -> Vocabulary:
    return meeting_queries.vocabulary(store())


@st.cache_data(show_spinner=False, max_entries=16)
def countries(db_version: str) -> list[tuple[str, str]]:
    return profiles.tracked_countries(store())


@st.cache_data(show_spinner=False, max_entries=16)
def coverage(db_version: str) -> coverage_report.Coverage:
    return coverage_report.coverage(store())


@st.cache_data(show_spinner=False, max_entries=16)
def newest_fact(db_version: str) -> date | None:
    return coverage_report.newest_fact(store())


@st.cache_data(show_spinner=False, max_entries=16)
def dataset_info(db_version: str) -> meeting_queries.DatasetInfo:
    return meeting_queries.dataset_info(store())


@st.cache_data(show_spinner=False, max_entries=256)
def overview(db_version: str, filters: Filters, on: date) -> meeting_queries.OverviewCounts:
    return meeting_queries.overview_counts(store(), filters, on)


@st.cache_data(show_spinner=False, max_entries=256)
def meetings(
    db_version: str, filters: Filters, limit: int = meeting_queries.TIMELINE_POINTS
) -> pd.DataFrame:
    return meeting_queries.meetings_frame(store(), filters, limit)


@st.cache_data(show_spinner=False, max_entries=256)
def per_year(db_version: str, filters: Filters) -> pd.DataFrame:
    return meeting_queries.per_year(store(), filters)


@st.cache_data(show_spinner=False, max_entries=256)
def upcoming(db_version: str, filters: Filters, on: date) -> pd.DataFrame:
    return meeting_queries.upcoming_meetings(store(), filters, on)


@st.cache_data(show_spinner=False, max_entries=256)
def followups(db_version: str, filters: Filters) -> pd.DataFrame:
    return commitment_queries.recent_followups(store(), filters)


@st.cache_data(show_spinner=False, max_entries=256)
def phases(db_version: str, filters: Filters, on: date) -> pd.DataFrame:
    return phase_queries.phases_frame(store(), filters, today=on)


@st.cache_data(show_spinner=False, max_entries=256)
def phase_count(db_version: str, filters: Filters) -> int:
    return phase_queries.count_phases(store(), filters)


@st.cache_data(show_spinner=False, max_entries=256)
def commitments(db_version: str, filters: Filters, on: date, overdue_only: bool) -> pd.DataFrame:
    return commitment_queries.commitments_frame(store(), filters, on, overdue_only=overdue_only)


@st.cache_data(show_spinner=False, max_entries=256)
def status_by(
    db_version: str, filters: Filters, dimension: commitment_queries.Dimension
) -> pd.DataFrame:
    return commitment_queries.status_by(store(), filters, dimension)


@st.cache_data(show_spinner=False, max_entries=128)
def country_profile(
    db_version: str, code: str, filters: Filters, on: date
) -> profiles.CountryProfile:
    return profiles.country_profile(store(), code, filters, on)


@st.cache_data(show_spinner=False, max_entries=128)
def convention_profile(
    db_version: str, code: str, filters: Filters, on: date
) -> profiles.ConventionProfile | None:
    return profiles.convention_profile(store(), code, filters, on)


@st.cache_data(show_spinner=False, max_entries=16)
def option_lists(db_version: str) -> dict[str, dict[str, str]]:
    return forms.option_lists(store())


@st.cache_data(show_spinner=False, max_entries=256)
def meeting_count(db_version: str, filters: Filters) -> int:
    return meeting_queries.count_meetings(store(), filters)


@st.cache_data(show_spinner=False, max_entries=256)
def meeting_density(db_version: str, filters: Filters) -> pd.DataFrame:
    return meeting_queries.meeting_density(store(), filters)


@st.cache_data(show_spinner=False, max_entries=256)
def commitment_counts(
    db_version: str, filters: Filters, on: date
) -> commitment_queries.CommitmentCounts:
    return commitment_queries.count_commitments(store(), filters, on)


# --- taking the record along: extracts, calendars, briefs, pages per record -----------------


def export_count(db_version: str, kind: Kind, filters: Filters) -> int:
    """The rows of an extract: the count its kind's page makes anyway (the same filtered rows;
    counted again, it was one more scan at 1M rows)."""
    if kind == "commitments":
        return commitment_counts(db_version, filters, today()).total
    if kind == "meetings":
        return meeting_count(db_version, filters)
    return phase_count(db_version, filters)


def calendar_counts(db_version: str, kind: Kind, filters: Filters) -> calendar.Counts:
    """A calendar's events and left-out records; for commitments, from the page's counts."""
    if kind == "commitments":
        return commitment_counts(db_version, filters, today()).in_calendar
    return _calendar_counts(db_version, kind, filters)


@st.cache_data(show_spinner=False, max_entries=256)
def _calendar_counts(db_version: str, kind: Kind, filters: Filters) -> calendar.Counts:
    return calendar.counts(store(), kind, filters)


@st.cache_data(show_spinner=False, max_entries=16)
def glossary(db_version: str) -> list[glossary_terms.Term]:
    return glossary_terms.glossary(store())


@st.cache_data(show_spinner=False, max_entries=256)
def commitment_detail(db_version: str, ident: str, on: date) -> detail.CommitmentDetail | None:
    return detail.commitment_detail(store(), ident, on)


@st.cache_data(show_spinner=False, max_entries=256)
def meeting_detail(db_version: str, ident: str) -> meeting_queries.MeetingDetail | None:
    """The Timeline's panel: asked at every run of the page, whatever changed."""
    return meeting_queries.meeting_detail(store(), ident)


@st.cache_data(show_spinner=False, max_entries=256)
def meeting_context(db_version: str, ident: str) -> detail.MeetingContext | None:
    return detail.meeting_context(store(), ident)


@st.cache_data(show_spinner=False, max_entries=64)
def brief(db_version: str, meeting_id: str | None, on: date) -> briefs.Brief:
    """Raises InputError for an unknown meeting (the page says so)."""
    return briefs.brief(store(), meeting_id, on)


@st.cache_data(show_spinner=False, max_entries=16)
def brief_choices(db_version: str, on: date) -> dict[str, str]:
    """Meetings a brief can be made for, soonest ahead first, then the most recent."""
    return briefs.meeting_choices(store(), on)
