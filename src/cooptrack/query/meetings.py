"""Questions the pages ask, answered as DataFrames (or small values) from the store."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from cooptrack.dates import span_label
from cooptrack.db.store import Store
from cooptrack.i18n import DEFAULT, Language, _, current, pgettext, shown
from cooptrack.query import codes
from cooptrack.query.filters import Filters, where
from cooptrack.query.rows import rows
from cooptrack.reference import Vocabulary


def status_label(code: Any) -> str:
    """A meeting's or a commitment's status as the interface names it; the record (and every
    filter, colour and link) keeps the code. Anything that is not a status is shown as it is."""
    if not isinstance(code, str):
        return ""
    return codes.meeting_status_name(codes.commitment_status_name(code))


def kind_label(code: Any) -> str:
    """A meeting's kind in words (`wgecc-meeting` → "WGECC meeting")."""
    return codes.kind_name(code) if isinstance(code, str) else ""


def format_label(code: Any) -> str:
    """A meeting's format (`in-person`, `online`, `hybrid`) in words; '' when not recorded."""
    labels = {
        "in-person": pgettext("meeting format", "in-person"),
        "online": pgettext("meeting format", "online"),
        "hybrid": pgettext("meeting format", "hybrid"),
    }
    return labels.get(code, code) if isinstance(code, str) else ""


@dataclass(frozen=True)
class NamedVocabulary(Vocabulary):
    """The vocabulary named in the interface's language; what people type (a link, a command)
    is looked up in it first and then in English, so that an English link works in Russian."""

    english: Vocabulary = field(default_factory=Vocabulary)

    def resolve_convention(self, token: str) -> str | None:
        return super().resolve_convention(token) or self.english.resolve_convention(token)

    def resolve_topic(self, token: str) -> str | None:
        return super().resolve_topic(token) or self.english.resolve_topic(token)

    def resolve_organisation(self, token: str) -> str | None:
        return super().resolve_organisation(token) or self.english.resolve_organisation(token)


def vocabulary(store: Store) -> Vocabulary:
    """Convention codes, topics and organisations known to this database, named (and topics
    and organisations ordered) in the interface's language."""
    named = _vocabulary_in(store, current())
    if current() == DEFAULT:
        return named
    english = _vocabulary_in(store, DEFAULT)
    return NamedVocabulary(
        conventions=named.conventions,
        topics=named.topics,
        organisations=named.organisations,
        organisation_parents=named.organisation_parents,
        english=english,
    )


def _vocabulary_in(store: Store, lang: Language) -> Vocabulary:
    params = {"lang": lang}
    conventions = store.rows(
        "SELECT code, name_in(name, name_ru, $lang) FROM conventions ORDER BY code", params
    )
    topics = store.rows(
        "SELECT id, name_in(label, label_ru, $lang) AS shown FROM topics ORDER BY shown, id",
        params,
    )
    organisations = store.rows(
        "SELECT id, name_in(name, name_ru, $lang) AS shown, parent FROM organisations "
        "ORDER BY shown, id",
        params,
    )
    return Vocabulary(
        conventions={str(k): str(v) for k, v in conventions},
        topics={str(k): str(v) for k, v in topics},
        organisations={str(i): str(n) for i, n, _ in organisations},
        organisation_parents={str(i): (str(p) if p else None) for i, _, p in organisations},
    )


@dataclass(frozen=True)
class DatasetInfo:
    description: str
    as_of: date | None
    counts: dict[str, int]


_COUNTED = ("meetings", "phases", "commitments", "followups", "conventions", "organisations")


def dataset_info(store: Store) -> DatasetInfo:
    """What the record is, how current, and how many records of each kind it holds."""
    meta = dict(store.rows("SELECT key, value FROM schema_meta"))
    counts = {table: int(store.rows(f"SELECT count(*) FROM {table}")[0][0]) for table in _COUNTED}
    as_of = meta.get("data_as_of")
    # A Russian description, when the record has one, under `dataset_description_ru`.
    return DatasetInfo(
        description=shown(meta.get("dataset_description", ""), meta.get("dataset_description_ru")),
        as_of=date.fromisoformat(as_of) if as_of else None,
        counts=counts,
    )


# Pages draw every meeting up to TIMELINE_POINTS; past that the chart shows counts per quarter
# and tables the SHOWN_ROWS newest rows (the download holds them all).
TIMELINE_POINTS = 600
SHOWN_ROWS = 200


def _filtered(view: str, filters: Filters, columns: str = "*") -> tuple[str, dict[str, Any]]:
    """`SELECT columns FROM view WHERE <filters>` and its parameters. Labels are added to the
    rows shown only, after ORDER BY … LIMIT: DuckDB would otherwise make them for every row."""
    condition, params = where(filters)
    return f"SELECT {columns} FROM {view} WHERE {condition}", params


def newest_sql(view: str, condition: str) -> str:
    """The `$limit` newest rows of a meetings or commitments facts table under `condition`,
    newest first. The facts are stored in date order, so a lower bound on alive_from (the
    oldest of those rows, found reading two columns) lets DuckDB skip most blocks when it then
    reads whole rows: 4x faster at a million commitments. alive_from is never NULL there."""
    return f"""SELECT * FROM {view} WHERE {condition} AND alive_from >= (
            SELECT min(alive_from) FROM (SELECT alive_from FROM {view} WHERE {condition}
                ORDER BY alive_from DESC, id DESC LIMIT $limit))
        ORDER BY alive_from DESC, id DESC LIMIT $limit"""


def titles_sql(page: str, *columns: str) -> str:
    """The short titles (in `$lang`) of the meetings `page` links to in `columns`: joining
    these few rows three times is cheaper than joining every meeting."""
    linked = " UNION ALL ".join(f"SELECT {column} FROM {page}" for column in columns)
    return (
        "SELECT id, shown_text(short_title, short_title_ru, $lang) AS short_title "
        f"FROM meetings WHERE id IN ({linked})"
    )


@dataclass(frozen=True)
class OverviewCounts:
    meetings_held: int
    meetings_planned: int
    phases_active: int
    phases_total: int
    commitments_open: int
    commitments_overdue: int
    commitments_fulfilled: int
    commitments_total: int


def overview_counts(store: Store, filters: Filters, today: date) -> OverviewCounts:
    """The headline figures for the current filters, each counted in SQL."""
    meetings, m_params = _filtered(
        "meeting_facts",
        filters,
        "count(*) FILTER (WHERE status = 'held'), count(*) FILTER (WHERE status = 'planned')",
    )
    phases, p_params = _filtered(
        "phase_facts",
        filters,
        "count(*) FILTER (WHERE alive_from <= $today AND alive_to >= $today), count(*)",
    )
    commitments, c_params = _filtered(
        "commitment_facts",
        filters,
        "count(*) FILTER (WHERE is_open), count(*) FILTER (WHERE is_open AND due_by < $today),"
        " count(*) FILTER (WHERE status = 'fulfilled'), count(*)",
    )
    held, planned = store.rows(meetings, m_params)[0]
    active, phases_total = store.rows(phases, {**p_params, "today": today})[0]
    open_, overdue, fulfilled, total = store.rows(commitments, {**c_params, "today": today})[0]
    return OverviewCounts(held, planned, active, phases_total, open_, overdue, fulfilled, total)


# Record texts and names in the interface's language (`$lang`, from `label_maps_in($lang)`).
_MEETING_COLUMNS = """id, shown_text(title, title_ru, $lang) AS title,
    shown_text(short_title, short_title_ru, $lang) AS short_title,
    kind, series, shown_text(series, series_ru, $lang) AS series_name, ordinal,
    start_date, start_precision, end_date, end_precision, tentative, city, host_country,
    labels([host_country], country_names) AS host_name,
    format, status, alive_from, alive_to, code_labels(conventions) AS convention_codes,
    labels(topics, topic_names) AS topic_labels,
    shown_text(summary, summary_ru, $lang) AS summary"""


def meetings_frame(
    store: Store, filters: Filters, limit: int = TIMELINE_POINTS, *, cops: bool | None = None
) -> pd.DataFrame:
    """The newest `limit` meetings under the filters, shown oldest first, with readable dates
    and places; with `cops`, only COPs (True) or only other meetings (False)."""
    condition, params = only_cops(*where(filters), cops)
    frame = store.frame(
        f"SELECT {_MEETING_COLUMNS} FROM ({newest_sql('meeting_facts', condition)}), "
        "label_maps_in($lang) ORDER BY alive_from, id",
        {**params, "limit": limit, "lang": current()},
    )
    return _with_meeting_labels(frame)


def only_cops(
    condition: str, params: dict[str, Any], cops: bool | None
) -> tuple[str, dict[str, Any]]:
    """`condition` narrowed to COPs (True) or to the other meetings (False): a profile's COPs
    are chosen among COPs, not among its newest meetings (at a million, those held none)."""
    if cops is None:
        return condition, params
    return f"{condition} AND (kind = $cop_kind) = $cops", {
        **params,
        "cop_kind": "cop",
        "cops": cops,
    }


def count_meetings(store: Store, filters: Filters, *, cops: bool | None = None) -> int:
    condition, params = only_cops(*where(filters), cops)
    return int(store.rows(f"SELECT count(*) FROM meeting_facts WHERE {condition}", params)[0][0])


def meeting_density(store: Store, filters: Filters) -> pd.DataFrame:
    """Meetings per quarter and kind: what the timeline draws when there are too many to mark."""
    sql, params = _filtered(
        "meeting_facts",
        filters,
        "date_trunc('quarter', alive_from) AS quarter, kind, count(*) AS meetings",
    )
    return store.frame(f"{sql} GROUP BY ALL ORDER BY quarter, kind", params)


def upcoming_meetings(store: Store, filters: Filters, today: date, limit: int = 5) -> pd.DataFrame:
    """Meetings that have not ended yet, soonest first."""
    sql, params = _filtered("meeting_facts", filters)
    soonest = (
        f"{sql} AND alive_to >= $today AND status <> 'cancelled' ORDER BY alive_from, id LIMIT $n"
    )
    query = (
        f"SELECT {_MEETING_COLUMNS} FROM ({soonest}), label_maps_in($lang) ORDER BY alive_from, id"
    )
    found = store.frame(query, {**params, "today": today, "n": limit, "lang": current()})
    return _with_meeting_labels(found)


def _with_meeting_labels(frame: pd.DataFrame) -> pd.DataFrame:
    found = list(rows(frame))  # once: each pass over a frame's rows converts every column
    frame["when"] = [
        span_label(
            _d(r.start_date), r.start_precision, _d(r.end_date), r.end_precision, r.tentative
        )
        for r in found
    ]
    frame["kind_label"] = [kind_label(k) for k in frame.kind]
    frame["status_label"] = [status_label(s) for s in frame.status]
    frame["format_label"] = [format_label(f) for f in frame.format]
    frame["where"] = [_place(r.city, r.host_name, r.format) for r in found]
    return frame


def _d(value: Any) -> date | None:
    """A pandas/pyarrow date cell as a plain date (None for missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value if isinstance(value, date) else None


def _place(city: Any, country: Any, form: Any) -> str:
    parts = [str(p) for p in (city, country) if isinstance(p, str) and p]
    place = ", ".join(parts)
    if form == "online":
        return _("online ({place})").format(place=place) if place else _("online")
    return place or _("place not recorded")


@dataclass(frozen=True)
class MeetingDetail:
    """Everything the timeline shows about one meeting."""

    meeting: dict[str, Any]
    commitments_made: pd.DataFrame
    commitments_fulfilled: pd.DataFrame
    commitments_ahead: pd.DataFrame


def meeting_detail(store: Store, meeting_id: str) -> MeetingDetail | None:
    """One meeting with its people, sources and the commitments made at, fulfilled by, or
    looking ahead to it; None if there is no such meeting."""
    frame = store.frame(
        f"""SELECT {_MEETING_COLUMNS}, chairs, sources,
                labels(chair_organisations, organisation_names) AS chair_names,
                labels(organisers, organisation_names) AS organiser_names,
                labels(countries, country_names) AS participant_names, confidence
            FROM meeting_facts, label_maps_in($lang) WHERE id = $id""",
        {"id": meeting_id, "lang": current()},
    )
    if frame.empty:
        return None
    labelled = _with_meeting_labels(frame)
    row = labelled.iloc[0].to_dict()
    meeting = {str(key): _plain(value) for key, value in row.items()}
    return MeetingDetail(
        meeting=meeting,
        commitments_made=_commitments_where(store, "c.meeting = $id", meeting_id),
        commitments_fulfilled=_commitments_where(store, "c.fulfilled_by = $id", meeting_id),
        commitments_ahead=_commitments_where(store, "c.ahead_of = $id", meeting_id),
    )


def _plain(value: Any) -> Any:
    """Arrow lists arrive as numpy arrays and gaps as NaN; give pages plain Python values."""
    if hasattr(value, "tolist"):
        return list(value.tolist())
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _commitments_where(store: Store, condition: str, meeting_id: str) -> pd.DataFrame:
    frame = store.frame(
        f"""SELECT c.id, shown_text(c.text, c.text_ru, $lang) AS text, c.status,
                concat_ws('; ', labels(c.made_by_organisations, organisation_short_names),
                          short_country_labels_in(c.made_by_countries, country_names, $lang))
                    AS made_by,
                shown_text(m.short_title, m.short_title_ru, $lang) AS meeting,
                shown_text(f.short_title, f.short_title_ru, $lang) AS fulfilled_by
            FROM commitments c
            CROSS JOIN label_maps_in($lang)
            LEFT JOIN meetings m ON m.id = c.meeting
            LEFT JOIN meetings f ON f.id = c.fulfilled_by
            WHERE {condition} ORDER BY c.id""",
        {"id": meeting_id, "lang": current()},
    )
    frame["status_label"] = [status_label(s) for s in frame.status]
    return frame


def per_year(store: Store, filters: Filters) -> pd.DataFrame:
    """The record year by year under the filters: meetings by kind (held or planned) and the
    commitments made that year by their status now; columns year, what, key, count."""
    meetings, m_params = _filtered(
        "meeting_facts", filters, "year(start_date) AS year, 'meetings' AS what, kind AS key"
    )
    made, c_params = _filtered(
        "commitment_facts", filters, "year(made_on) AS year, 'commitments' AS what, status AS key"
    )
    return store.frame(
        f"""SELECT year, what, key, count(*) AS count FROM ({meetings} UNION ALL {made})
            GROUP BY ALL ORDER BY year, what, key""",
        {**m_params, **c_params},
    )
