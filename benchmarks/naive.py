"""The naive way: whole tables into pandas with `.df()`, boolean masks, `DataFrame.to_csv`.

Deliberately naive, as a page without a query layer would be: each naive page reads what it
needs afresh, and derives in pandas what the core keeps in its `*_facts` tables (dates a record
is alive, matching countries and organisations, search text, due dates). It is the baseline the
benchmark compares the core with, so its rules must stay the core's: every twin's output is
checked against the core's (`difference`) before any figure is shown, and tests/test_bench.py
checks each twin against its core function over many filters on the bundled data and on a
synthetic record with edge cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from benchmarks.calls import Call, csv_lines, days, text
from cooptrack import config
from cooptrack.dates import human_text, iso_text, span_label
from cooptrack.db.schema import MEETING_KIND_LABELS, NONE_LABEL, OPEN_COMMITMENT_STATUSES, Kind
from cooptrack.query import commitments as commitment_queries
from cooptrack.query import meetings as meeting_queries
from cooptrack.query import phases as phase_queries
from cooptrack.query import profiles
from cooptrack.query.codes import convention_short_name
from cooptrack.query.export import BOM, neutralise
from cooptrack.query.filters import Filters, search_needles
from cooptrack.reference import CENTRAL_ASIA

CLOSED = ("fulfilled", "superseded", "dropped")
OPEN_END = pd.Timestamp("9999-12-31")


class NaiveTables:
    """Whole tables read with `.df()` on first use, and the `*_facts` columns built in pandas."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._connection = connection
        self._tables: dict[str, pd.DataFrame] = {}
        self._facts: dict[str, pd.DataFrame] = {}

    def table(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            self._tables[name] = self._connection.execute(f"SELECT * FROM {name}").df()
        return self._tables[name]

    def names(self, table: str, key: str, value: str) -> dict[str, str]:
        frame = self.table(table)
        return dict(zip(frame[key], frame[value], strict=True))

    def meetings(self) -> pd.DataFrame:
        if "meetings" not in self._facts:
            m = self.table("meetings").copy()
            m["match_countries"] = [
                list(dict.fromkeys([*c, *([h] if isinstance(h, str) else [])]))
                for c, h in zip(m.countries, m.host_country, strict=True)
            ]
            m["match_organisations"] = [
                list(dict.fromkeys([*a, *b]))
                for a, b in zip(m.chair_organisations, m.organisers, strict=True)
            ]
            m["alive_from"] = m.start_date
            has_end = m.end_date.notna()
            m["alive_to"] = _period_end(
                m.end_date.where(has_end, m.start_date),
                m.end_precision.where(has_end, m.start_precision),
            )
            m["search_text"] = _search_text(
                m,
                [
                    "title",
                    "series",
                    "city",
                    "summary",
                    "title_ru",
                    "short_title_ru",
                    "summary_ru",
                    "series_ru",
                ],
            )
            self._facts["meetings"] = m
        return self._facts["meetings"]

    def phases(self) -> pd.DataFrame:
        if "phases" not in self._facts:
            projects_ = self.table("projects").rename(
                columns={
                    "id": "project",
                    "name": "project_name",
                    "summary": "project_summary",
                    "sources": "project_sources",
                    "name_ru": "project_name_ru",
                    "summary_ru": "project_summary_ru",
                }
            )
            p = self.table("phases").merge(projects_, on="project", how="left")
            p["match_countries"] = p.countries
            p["match_organisations"] = [
                list(dict.fromkeys([*i, *([d] if isinstance(d, str) else [])]))
                for i, d in zip(p.implementers, p.donor, strict=True)
            ]
            p["alive_from"] = p.actual_start.where(p.actual_start.notna(), p.planned_start)
            actual_end = _period_end(p.actual_end, p.actual_end_precision)
            planned_end = _period_end(p.planned_end, p.planned_end_precision)
            p["alive_to"] = actual_end.where(
                actual_end.notna(), planned_end.where(planned_end.notna(), OPEN_END)
            )
            p["search_text"] = _search_text(
                p, ["project_name", "title", "summary", "project_name_ru", "title_ru", "summary_ru"]
            )
            self._facts["phases"] = p
        return self._facts["phases"]

    def commitments(self) -> pd.DataFrame:
        if "commitments" not in self._facts:
            followups = self.table("followups")
            closing = followups[followups.status_after.isin(CLOSED)]
            closed_on = (
                _period_end(closing.on_date, closing.on_precision).groupby(closing.commitment).max()
            )
            starts = self.table("meetings").set_index("id").start_date
            c = self.table("commitments").copy()
            ahead = c.ahead_of.map(starts)
            due = _period_end(c.due_date, c.due_precision)
            c["due_by"] = due.where(c.due_date.notna(), ahead)
            c["is_open"] = c.status.isin(OPEN_COMMITMENT_STATUSES)
            c["match_countries"] = [
                list(dict.fromkeys([*a, *b]))
                for a, b in zip(c.made_by_countries, c.countries, strict=True)
            ]
            c["match_organisations"] = c.made_by_organisations
            c["alive_from"] = c.made_on
            closed = c.id.map(closed_on)
            made_end = _period_end(c.made_on, c.made_on_precision)
            c["alive_to"] = closed.where(closed.notna(), made_end).where(~c.is_open, OPEN_END)
            c["search_text"] = _search_text(c, ["text", "text_ru"])
            self._facts["commitments"] = c
        return self._facts["commitments"]


def _period_end(day: pd.Series, precision: pd.Series) -> pd.Series:
    """The last day of a day, month or year (as the schema's `period_end` macro)."""
    month_end = day + pd.offsets.MonthEnd(0)
    year_end = day + pd.offsets.YearEnd(0)
    return day.where(precision == "day", month_end.where(precision == "month", year_end))


def _search_text(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    return [
        " ".join(str(v) for v in values if isinstance(v, str)).lower().replace("ё", "е")
        for values in zip(*(frame[c] for c in columns), strict=True)
    ]


def _mask(frame: pd.DataFrame, filters: Filters) -> pd.Series:
    """The filter model of cooptrack.query.filters, as pandas boolean masks over whole tables."""
    mask = pd.Series(True, index=frame.index)
    for column, values in (
        ("match_countries", filters.countries),
        ("conventions", filters.conventions),
        ("topics", filters.topics),
        ("match_organisations", filters.organisation_scope or filters.organisations),
    ):
        if values:
            wanted = set(values)
            mask &= frame[column].map(lambda xs, w=wanted: not w.isdisjoint(xs))
    if filters.date_to is not None:
        mask &= frame.alive_from <= pd.Timestamp(filters.date_to)
    if filters.date_from is not None:
        mask &= frame.alive_to >= pd.Timestamp(filters.date_from)
    for needle in search_needles(filters.search):  # the words, Russian ones by their stems
        mask &= frame.search_text.str.contains(needle, regex=False)
    return mask


def _labels(codes: Iterable[str], names: dict[str, str]) -> str | None:
    found = sorted({names[c] for c in codes if c in names})
    return "; ".join(found) if found else None


def _short_country_labels(codes: Any, names: dict[str, str]) -> str | None:
    present = list(codes)
    if set(CENTRAL_ASIA) <= set(present):
        rest = _labels([c for c in present if c not in CENTRAL_ASIA], names)
        return "; ".join(p for p in ("the five Central Asian countries", rest) if p)
    return _labels(present, names)


def _codes(codes: Any) -> str | None:
    return "; ".join(sorted(codes)) or None


def _iso(day: pd.Series, precision: pd.Series) -> list[str | None]:
    return [
        iso_text(d.date(), p) if isinstance(p, str) and not pd.isna(d) else None
        for d, p in zip(day, precision, strict=True)
    ]


def _human(day: Any, precision: Any) -> str:
    if not isinstance(precision, str) or pd.isna(day):
        return ""
    return human_text(pd.Timestamp(day).date(), precision)


def _date(value: Any) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _column(values: Iterable[Any]) -> list[Any]:
    """A new column's values (typed Any: pandas takes any mix of text and None)."""
    return list(values)


def _csv(frame: pd.DataFrame) -> bytes:
    """`to_csv`, once each text cell a spreadsheet would run as a formula has a quote put
    before it, as the core's export does."""
    cells = frame.map(lambda value: neutralise(value) if isinstance(value, str) else value)
    return cells.to_csv(index=False).encode("utf-8")


def _naive_meeting_labels(rows: pd.DataFrame, t: NaiveTables) -> pd.DataFrame:
    countries = t.names("countries", "code", "name")
    topics = t.names("topics", "id", "label")
    rows = rows.assign(
        host_name=_column(
            countries.get(h) if isinstance(h, str) else None for h in rows.host_country
        ),
        convention_codes=_column(_codes(c) for c in rows.conventions),
        topic_labels=_column(_labels(x, topics) for x in rows.topics),
    )
    rows["when"] = [
        span_label(_date(s), sp, _date(e), ep if isinstance(ep, str) else None, bool(tn))
        for s, sp, e, ep, tn in zip(
            rows.start_date,
            rows.start_precision,
            rows.end_date,
            rows.end_precision,
            rows.tentative,
            strict=True,
        )
    ]
    rows["kind_label"] = [MEETING_KIND_LABELS.get(k, k) for k in rows.kind]
    rows["where"] = [
        meeting_queries._place(c, h, f)
        for c, h, f in zip(rows.city, rows.host_name, rows.format, strict=True)
    ]
    return rows


def _latest_followups(t: NaiveTables) -> pd.DataFrame:
    """Each commitment's latest follow-up (by day, then number), indexed by commitment."""
    followups = t.table("followups").sort_values(["commitment", "on_date", "seq"])
    return followups.drop_duplicates("commitment", keep="last").set_index("commitment")


def _joined(values: Any) -> str | None:
    return "; ".join(values) or None


def _export_meetings(t: NaiveTables, filters: Filters) -> pd.DataFrame:
    countries = t.names("countries", "code", "name")
    organisations = t.names("organisations", "id", "name")
    topics = t.names("topics", "id", "label")
    m = t.meetings()
    rows = m[_mask(m, filters)].sort_values(["alive_from", "id"])
    return pd.DataFrame(
        {
            "id": rows.id,
            "title": rows.title,
            "short_title": rows.short_title,
            "kind": rows.kind,
            "series": rows.series,
            "ordinal": rows.ordinal,
            "start_date": _iso(rows.start_date, rows.start_precision),
            "end_date": _iso(rows.end_date, rows.end_precision),
            "tentative": [str(bool(x)).lower() for x in rows.tentative],
            "city": rows.city,
            "host_country": [countries.get(h) for h in rows.host_country],
            "format": rows.format,
            "status": rows.status,
            "chairs": [_joined(c) for c in rows.chairs],
            "countries": [_labels(c, countries) for c in rows.countries],
            "conventions": [_codes(c) for c in rows.conventions],
            "topics": [_labels(c, topics) for c in rows.topics],
            "organisations": [_labels(c, organisations) for c in rows.match_organisations],
            "chair_organisations": [_labels(c, organisations) for c in rows.chair_organisations],
            "organisers": [_labels(c, organisations) for c in rows.organisers],
            "summary": rows.summary,
            "confidence": rows.confidence,
            "sources": [_joined(s) for s in rows.sources],
            "title_ru": rows.title_ru,
            "short_title_ru": rows.short_title_ru,
            "summary_ru": rows.summary_ru,
            "series_ru": rows.series_ru,
        }
    )


def _export_phases(t: NaiveTables, filters: Filters) -> pd.DataFrame:
    countries = t.names("countries", "code", "name")
    organisations = t.names("organisations", "id", "name")
    topics = t.names("topics", "id", "label")
    p = t.phases()
    # The core's ORDER BY project means its output column: the project's name.
    rows = p[_mask(p, filters)].sort_values(["project_name", "alive_from", "id"])
    return pd.DataFrame(
        {
            "id": rows.id,
            "project": rows.project_name,
            "phase": rows.phase,
            "title": rows.title,
            "implementers": [_labels(c, organisations) for c in rows.implementers],
            "planned_start": _iso(rows.planned_start, rows.planned_start_precision),
            "planned_end": _iso(rows.planned_end, rows.planned_end_precision),
            "actual_start": _iso(rows.actual_start, rows.actual_start_precision),
            "actual_end": _iso(rows.actual_end, rows.actual_end_precision),
            "budget": [None if pd.isna(b) else f"{b:.2f}" for b in rows.budget],
            "currency": rows.currency,
            "countries": [_labels(c, countries) for c in rows.countries],
            "conventions": [_codes(c) for c in rows.conventions],
            "topics": [_labels(c, topics) for c in rows.topics],
            "summary": rows.summary,
            "confidence": rows.confidence,
            "sources": [_joined(s) for s in rows.sources],
            "title_ru": rows.title_ru,
            "summary_ru": rows.summary_ru,
        }
    )


def _due(due: str | None, ahead: str | None, ahead_start: str | None, short: Any) -> str | None:
    """The due cell: the due date, else before the meeting it looks ahead to, else empty."""
    if due is not None:
        return due
    if ahead_start is None or not isinstance(short, str):
        return None
    return f"before {ahead_start} ({short})"


def _export_commitments(t: NaiveTables, filters: Filters, today: date) -> pd.DataFrame:
    countries = t.names("countries", "code", "name")
    organisations = t.names("organisations", "id", "name")
    topics = t.names("topics", "id", "label")
    meetings = t.table("meetings").set_index("id")
    c = t.commitments()
    rows = c[_mask(c, filters)].sort_values(["alive_from", "id"])
    ahead = meetings.reindex(rows.ahead_of)
    latest = _latest_followups(t).reindex(rows.id)
    made_by = [
        sorted(organisations[o] for o in orgs if o in organisations)
        + sorted(countries[k] for k in codes if k in countries)
        for orgs, codes in zip(rows.made_by_organisations, rows.made_by_countries, strict=True)
    ]
    due = _iso(rows.due_date, rows.due_precision)
    ahead_start = _iso(ahead.start_date, ahead.start_precision)
    return pd.DataFrame(
        {
            "id": rows.id,
            "text": rows.text,
            "made_by": [_joined(names) for names in made_by],
            "meeting": rows.meeting.map(meetings.title),
            "made_on": _iso(rows.made_on, rows.made_on_precision),
            "countries": [_labels(x, countries) for x in rows.countries],
            "conventions": [_codes(x) for x in rows.conventions],
            "topics": [_labels(x, topics) for x in rows.topics],
            "due_date": due,
            "due": _column(map(_due, due, rows.ahead_of, ahead_start, ahead.short_title)),
            "ahead_of": rows.ahead_of.map(meetings.title),
            "latest_followup_on": _iso(latest.on_date, latest.on_precision),
            "latest_followup": list(latest.note),
            "overdue": [
                str(bool(is_open and by < pd.Timestamp(today))).lower()
                for is_open, by in zip(rows.is_open, rows.due_by, strict=True)
            ],
            "status": rows.status,
            "fulfilled_by": rows.fulfilled_by.map(meetings.title),
            "confidence": rows.confidence,
            "sources": [_joined(s) for s in rows.sources],
            "text_ru": rows.text_ru,
        }
    )


def naive_export(t: NaiveTables, kind: Kind, filters: Filters, today: date | None = None) -> bytes:
    """The CSV extract of `kind`: every matching row, labelled in Python, written by to_csv."""
    if kind == "meetings":
        out = _export_meetings(t, filters)
    elif kind == "phases":
        out = _export_phases(t, filters)
    else:
        out = _export_commitments(t, filters, today or config.today())
    return _csv(out)


# ---------------------------------------------------------------------------------------------
# Naive twins: each data function the pages call, done the naive way. Their results are
# canonical text rows (or CSV bytes), compared with the core's recorded ones.


def _shown_rows() -> int:
    return int(getattr(meeting_queries, "SHOWN_ROWS", 200))


def _cop_points() -> int:
    return int(getattr(profiles, "COP_POINTS", 100))


def _newest(frame: pd.DataFrame, by: list[str], limit: int) -> pd.DataFrame:
    """The `limit` last rows in `by` order, shown oldest first (as the core's pages do)."""
    return frame.sort_values(by).tail(limit)


def naive_vocabulary(t: NaiveTables) -> list[str]:
    return [
        *t.table("conventions").sort_values("code").code,
        *t.table("topics").sort_values("label").id,
        *t.table("organisations").sort_values("name").id,
    ]


def naive_tracked_countries(t: NaiveTables) -> list[str]:
    countries = t.table("countries")
    mentioned = {code for codes in t.meetings().match_countries for code in codes}
    shown = countries[countries.tracked | countries.code.isin(mentioned)]
    shown = shown.assign(untracked=~shown.tracked).sort_values(["untracked", "name"])
    return list(shown.code)


def naive_dataset_info(t: NaiveTables) -> list[str]:
    t.table("schema_meta")
    tables = ("meetings", "phases", "commitments", "followups", "conventions", "organisations")
    return [f"{name}={len(t.table(name))}" for name in tables]


def naive_overview_counts(t: NaiveTables, filters: Filters, today: date) -> list[str]:
    now = pd.Timestamp(today)
    m = t.meetings()
    meetings = m[_mask(m, filters)]
    p = t.phases()
    phases = p[_mask(p, filters)]
    c = t.commitments()
    commitments = c[_mask(c, filters)]
    return text(
        (
            int((meetings.status == "held").sum()),
            int((meetings.status == "planned").sum()),
            int(((phases.alive_from <= now) & (phases.alive_to >= now)).sum()),
            len(phases),
            int(commitments.is_open.sum()),
            int((commitments.is_open & (commitments.due_by < now)).sum()),
            int((commitments.status == "fulfilled").sum()),
            len(commitments),
        )
    )


def _naive_meetings(
    t: NaiveTables, filters: Filters, limit: int, cops: bool | None = None
) -> pd.DataFrame:
    m = _cops_or_not(t.meetings(), cops)
    return _naive_meeting_labels(_newest(m[_mask(m, filters)], ["alive_from", "id"], limit), t)


def _cops_or_not(meetings: pd.DataFrame, cops: bool | None) -> pd.DataFrame:
    return meetings if cops is None else meetings[(meetings.kind == "cop") == cops]


def naive_meetings_frame(
    t: NaiveTables, filters: Filters, limit: int | None = None, cops: bool | None = None
) -> list[str]:
    shown = limit if limit is not None else int(meeting_queries.TIMELINE_POINTS)
    return text(_naive_meetings(t, filters, shown, cops).id)


def naive_count_meetings(t: NaiveTables, filters: Filters, cops: bool | None = None) -> list[str]:
    m = _cops_or_not(t.meetings(), cops)
    return [str(int(_mask(m, filters).sum()))]


def naive_per_year(t: NaiveTables, filters: Filters) -> list[str]:
    """Meetings per year by kind, then commitments made per year by status, counted in pandas."""
    m, c = t.meetings(), t.commitments()
    meetings, made = m[_mask(m, filters)], c[_mask(c, filters)]
    parts = [
        pd.DataFrame(
            {"year": meetings.start_date.dt.year, "what": "meetings", "key": meetings.kind}
        ),
        pd.DataFrame({"year": made.made_on.dt.year, "what": "commitments", "key": made.status}),
    ]
    counts = pd.concat(parts).groupby(["year", "what", "key"]).size().reset_index(name="n")
    counts = counts.sort_values(["year", "what", "key"])
    return [f"{y}|{w}|{k}|{n}" for y, w, k, n in counts.itertuples(index=False)]


def naive_count_rows(t: NaiveTables, kind: Kind, filters: Filters) -> list[str]:
    table = {"meetings": t.meetings, "phases": t.phases, "commitments": t.commitments}[kind]()
    return [str(int(_mask(table, filters).sum()))]


def naive_meeting_density(t: NaiveTables, filters: Filters) -> list[str]:
    m = t.meetings()
    rows = m[_mask(m, filters)]
    quarters = rows.alive_from.dt.to_period("Q").dt.start_time
    counts = rows.groupby([quarters, rows.kind]).size().rename("n").reset_index()
    counts.columns = pd.Index(["quarter", "kind", "n"])
    counts = counts.sort_values(["quarter", "kind"])
    return [
        f"{d}|{k}|{n}" for d, k, n in zip(days(counts.quarter), counts.kind, counts.n, strict=True)
    ]


def naive_upcoming_meetings(t: NaiveTables, filters: Filters, today: date, limit: int) -> list[str]:
    m = t.meetings()
    now = pd.Timestamp(today)
    rows = m[_mask(m, filters) & (m.alive_to >= now) & (m.status != "cancelled")]
    rows = _naive_meeting_labels(rows.sort_values("alive_from").head(limit), t)
    return days(rows.alive_from)


def naive_meeting_detail(t: NaiveTables, meeting_id: str) -> list[str]:
    m = t.meetings()
    chosen = _naive_meeting_labels(m[m.id == meeting_id], t)
    if chosen.empty:
        return []
    organisations = t.names("organisations", "id", "name")
    countries = t.names("countries", "code", "name")
    for column in ("chair_organisations", "organisers"):
        chosen[f"{column}_names"] = [_labels(x, organisations) for x in chosen[column]]
    chosen["participant_names"] = [_labels(x, countries) for x in chosen.countries]
    c = t.table("commitments")
    return [
        f"{name}:{v}"
        for name, column in (
            ("commitments_made", "meeting"),
            ("commitments_fulfilled", "fulfilled_by"),
            ("commitments_ahead", "ahead_of"),
        )
        for v in c[c[column] == meeting_id].sort_values("id").id
    ]


def naive_recent_followups(t: NaiveTables, filters: Filters, limit: int) -> list[str]:
    c = t.commitments()
    followups = t.table("followups")
    notes = followups[followups.commitment.isin(set(c[_mask(c, filters)].id))]
    # Ties broken as the core breaks them (notes of one day and number: the commitment).
    notes = notes.sort_values(["on_date", "seq", "commitment"], ascending=False).head(limit)
    return [_human(d, p) for d, p in zip(notes.on_date, notes.on_precision, strict=True)]


def naive_count_phases(t: NaiveTables, filters: Filters) -> list[str]:
    p = t.phases()
    return [str(int(_mask(p, filters).sum()))]


def naive_phases_frame(
    t: NaiveTables,
    filters: Filters,
    limit: int = phase_queries.GANTT_PHASES,
    today: date | None = None,
) -> list[str]:
    p = t.phases()
    p = p[_mask(p, filters)]
    now = pd.Timestamp(today or config.today())
    starts = pd.to_datetime(p.alive_from)
    p = p.assign(
        # SQL sorts an unknown start last in both keys
        _future=(starts > now).astype(int).where(starts.notna(), 2),
        _distance=(starts - now).abs(),
    ).sort_values(["_future", "_distance", "id"], ascending=[True, True, False])
    phases = p.head(limit).sort_values(["project", "alive_from", "id"])
    organisations = t.names("organisations", "id", "name")
    countries = t.names("countries", "code", "name")
    phases = phases.assign(
        implementers_label=[
            _labels(x, organisations) or "not recorded" for x in phases.implementers
        ],
        countries_label=_column(_short_country_labels(x, countries) for x in phases.countries),
        conventions_label=_column(_codes(x) for x in phases.conventions),
        planned_until=_period_end(phases.planned_end, phases.planned_end_precision),
        actual_until=_period_end(phases.actual_end, phases.actual_end_precision),
        planned=[
            phase_queries._span(a, b, c, d)
            for a, b, c, d in zip(
                phases.planned_start,
                phases.planned_start_precision,
                phases.planned_end,
                phases.planned_end_precision,
                strict=True,
            )
        ],
        actual=[
            phase_queries._span(a, b, c, d)
            for a, b, c, d in zip(
                phases.actual_start,
                phases.actual_start_precision,
                phases.actual_end,
                phases.actual_end_precision,
                strict=True,
            )
        ],
    )
    return text(phases.id)


def _naive_commitments(
    t: NaiveTables, filters: Filters, today: date, overdue_only: bool, limit: int
) -> pd.DataFrame:
    c = t.commitments()
    now = pd.Timestamp(today)
    mask = _mask(c, filters)
    if overdue_only:
        mask &= c.is_open & (c.due_by < now)
    rows = _newest(c[mask], ["made_on", "id"], limit)
    titles = t.table("meetings").set_index("id").short_title
    followups = t.table("followups").sort_values(["commitment", "on_date", "seq"])
    latest = followups.drop_duplicates("commitment", keep="last").set_index("commitment")
    organisations = t.names("organisations", "id", "short_name")
    countries = t.names("countries", "code", "name")
    rows = rows.assign(
        commitment=rows.text,
        made_by=[
            "; ".join(
                x for x in (_labels(o, organisations), _short_country_labels(k, countries)) if x
            )
            for o, k in zip(rows.made_by_organisations, rows.made_by_countries, strict=True)
        ],
        meeting_title=rows.meeting.map(titles),
        conventions_label=_column(_codes(x) for x in rows.conventions),
        ahead_title=rows.ahead_of.map(titles),
        overdue=(rows.is_open & (rows.due_by < now)).fillna(False),
        fulfilled_title=rows.fulfilled_by.map(titles),
        latest_note=rows.id.map(latest.note),
        latest_on=rows.id.map(latest.on_date),
        latest_precision=rows.id.map(latest.on_precision),
    )
    rows["made"] = [_human(d, p) for d, p in zip(rows.made_on, rows.made_on_precision, strict=True)]
    rows["at"] = [
        f"{m} ({d})" if isinstance(m, str) else d
        for m, d in zip(rows.meeting_title, rows.made, strict=True)
    ]
    rows["due"] = [
        f"by {_human(d, p)}"
        if isinstance(p, str)
        else f"before {_human(b, 'day')} ({a})"
        if isinstance(a, str) and not pd.isna(b)
        else "no due date"
        for d, p, a, b in zip(
            rows.due_date, rows.due_precision, rows.ahead_title, rows.due_by, strict=True
        )
    ]
    rows["latest_followup"] = [
        f"{_human(d, p)}: {n}" if isinstance(n, str) else ""
        for d, p, n in zip(rows.latest_on, rows.latest_precision, rows.latest_note, strict=True)
    ]
    return rows


def naive_commitments_frame(
    t: NaiveTables, filters: Filters, today: date, overdue_only: bool, limit: int
) -> list[str]:
    return text(_naive_commitments(t, filters, today, overdue_only, limit).id)


def naive_count_commitments(t: NaiveTables, filters: Filters, today: date) -> list[str]:
    c = t.commitments()
    mask = _mask(c, filters)
    overdue = mask & c.is_open & (c.due_by < pd.Timestamp(today))
    # The calendar's counts: a due date, else the day of the meeting looked ahead to.
    ahead = t.table("meetings").set_index("id").start_precision.reindex(c.ahead_of).to_numpy()
    dated = c.due_date.notna().to_numpy()
    has_due = dated | pd.notna(ahead)
    day = np.where(dated, (c.due_precision == "day").to_numpy(), ahead == "day")
    events, left_out = mask & has_due & day, mask & has_due & ~day
    return [str(int(n.sum())) for n in (mask, overdue, events, left_out)]


def naive_status_by(t: NaiveTables, filters: Filters, dimension: str) -> list[str]:
    c = t.commitments()
    rows = c[_mask(c, filters)]
    column = "conventions" if dimension == "conventions" else "match_countries"
    keep = set(filters.conventions if dimension == "conventions" else filters.countries)
    keys = pd.DataFrame(
        {
            "key": [list(x) if len(x) else [NONE_LABEL] for x in rows[column]],
            "status": rows.status,
        }
    ).explode("key")
    if keep:
        keys = keys[keys.key.isin(keep)]
    if dimension == "conventions":
        keys["label"] = keys.key
    else:
        names = t.names("countries", "code", "name")
        keys["label"] = [names.get(k, k) for k in keys.key]
    counts = keys.groupby(["label", "status"]).size().rename("commitments").reset_index()
    top = getattr(commitment_queries, "TOP_LABELS", None)
    if top is not None:
        totals = counts.groupby("label").commitments.sum().reset_index()
        ranked = totals.sort_values(["commitments", "label"], ascending=[False, True])
        others = f"all others ({len(ranked) - top})"
        renamed = {label: others for label in list(ranked.label)[top:]}
        counts["label"] = counts.label.map(lambda label: renamed.get(label, label))
        counts = counts.groupby(["label", "status"]).commitments.sum().reset_index()
    counts = counts.sort_values(["label", "status"])
    if dimension == "conventions":
        counts["label"] = counts.label.map(convention_short_name)
    return [
        f"{a}|{b}|{n}"
        for a, b, n in zip(counts.label, counts.status, counts.commitments, strict=True)
    ]


def naive_country_profile(t: NaiveTables, code: str, filters: Filters, today: date) -> list[str]:
    parties = t.table("convention_parties")
    parties = (
        parties[parties.country == code]
        .merge(t.table("conventions"), left_on="convention", right_on="code")
        .sort_values("convention")
    )
    scoped = replace(filters, countries=(code,))
    m = t.meetings()
    matching = m[_mask(m, scoped)]
    meetings = _naive_meetings(t, scoped, _shown_rows())
    commitments = _naive_commitments(t, scoped, today, False, _shown_rows())
    return [
        *(f"parties:{v}" for v in parties.convention),
        *(f"meetings:{v}" for v in meetings.id),
        *(f"commitments:{v}" for v in commitments.id),
        f"meetings_total={len(matching)}",
        f"hosted_total={int((matching.host_country == code).sum())}",
        f"commitments_total={naive_count_commitments(t, scoped, today)[0]}",
    ]


def naive_convention_profile(t: NaiveTables, code: str, filters: Filters, today: date) -> list[str]:
    if code not in set(t.table("conventions").code):
        return []
    countries = t.table("countries")
    parties = t.table("convention_parties")
    parties = (
        countries[countries.tracked]
        .merge(parties[parties.convention == code], left_on="code", right_on="country", how="left")
        .sort_values("name")
    )
    scoped = replace(filters, conventions=(code,))
    m = t.meetings()
    matching = m[_mask(m, scoped)]
    cops = _cops_or_not(matching, True)
    others = _newest(_cops_or_not(matching, False), ["alive_from", "id"], _shown_rows())
    commitments = _naive_commitments(t, scoped, today, False, _shown_rows())
    return [
        *(f"parties:{v}" for v in parties.name),
        *(f"cops:{v}" for v in _newest(cops, ["alive_from", "id"], _cop_points()).id),
        *(f"meetings:{v}" for v in others.id),
        *(f"commitments:{v}" for v in commitments.id),
        f"cops_total={len(cops)}",
    ]


def naive_export_bytes(
    t: NaiveTables, kind: Kind, filters: Filters, today: date | None = None, form: str = "csv"
) -> bytes:
    """The CSV forms only (the benchmark times CSV; other forms give an empty file, which
    differs from the core's and is reported so)."""
    payload = naive_export(t, kind, filters, today)
    return {"csv": payload, "csv-excel": BOM + payload}.get(form, b"")


TWINS: dict[str, Callable[..., list[str] | bytes]] = {
    "meetings.vocabulary": naive_vocabulary,
    "profiles.tracked_countries": naive_tracked_countries,
    "meetings.dataset_info": naive_dataset_info,
    "meetings.overview_counts": naive_overview_counts,
    "meetings.meetings_frame": naive_meetings_frame,
    "meetings.count_meetings": naive_count_meetings,
    "meetings.meeting_density": naive_meeting_density,
    "meetings.per_year": naive_per_year,
    "export.count_rows": naive_count_rows,
    "meetings.upcoming_meetings": naive_upcoming_meetings,
    "meetings.meeting_detail": naive_meeting_detail,
    "commitments.recent_followups": naive_recent_followups,
    "phases.phases_frame": naive_phases_frame,
    "phases.count_phases": naive_count_phases,
    "commitments.commitments_frame": naive_commitments_frame,
    "commitments.count_commitments": naive_count_commitments,
    "commitments.status_by": naive_status_by,
    "profiles.country_profile": naive_country_profile,
    "profiles.convention_profile": naive_convention_profile,
    "export.export_bytes": naive_export_bytes,
}


def replay_naive(
    connection: duckdb.DuckDBPyConnection, calls: Sequence[Call]
) -> list[list[str] | bytes]:
    """A page's calls made the naive way, its tables read afresh for the page. A call without
    a twin gives nothing (and is reported, never counted as work done)."""
    tables = NaiveTables(connection)
    return [
        TWINS[call.name](tables, **call.arguments) if call.name in TWINS else [] for call in calls
    ]


def difference(calls: Sequence[Call], naive: Sequence[list[str] | bytes]) -> str:
    """'' when every call gave the same rows both ways; else the first that did not."""
    for call, found in zip(calls, naive, strict=True):
        if call.name not in TWINS:
            return f"no naive twin for {call.name}"
        rows = csv_lines(found) if isinstance(found, bytes) else found
        if call.canon != rows:
            at = next(
                (i for i, (a, b) in enumerate(zip(call.canon, rows, strict=False)) if a != b),
                min(len(call.canon), len(rows)),
            )
            return (
                f"{call.name}: {len(call.canon)} rows from the core, {len(rows)} naive; "
                f"first differs at {at}"
            )
    return ""
