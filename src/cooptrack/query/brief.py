"""A briefing for one meeting: what someone preparing it needs on two pages.

The earlier meetings of its series; what was committed at them and at this one, and what was
committed elsewhere in view of this meeting, each with its status, due date, latest follow-up
and whether it is overdue; the convention meetings (COPs and meetings of the parties) ahead;
sources throughout. By default the meeting is the next one in the record, else the latest.

Read from the stored facts with a LIMIT on every list (and a count of the whole), so a brief
takes well under a second at a million commitments; the Word file and the dashboard page are
both drawn from the one `Brief` made here.

A brief is made in the current language: record texts in Russian where the record holds them
(else in English with a marker, `shown_text`), names from `label_maps_in`, words through the
catalog. Statuses stay codes (`status`), named by `status_name` where shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from cooptrack import i18n
from cooptrack.dates import span_label
from cooptrack.db.store import Store
from cooptrack.errors import InputError
from cooptrack.i18n import _, pgettext
from cooptrack.query.codes import commitment_status_name, kind_name, meeting_status_name
from cooptrack.query.detail import (
    MeetingRef,
    dict_rows,
    due_label,
    meeting_ref,
    ref_sql,
    when,
)

EARLIER_SHOWN = 10
COMMITMENTS_SHOWN = 40
OVERDUE_SHOWN = 40
AHEAD_SHOWN = 10


@dataclass(frozen=True)
class BriefMeeting:
    id: str
    title: str
    short_title: str
    kind: str
    series: str | None  # its name in the interface's language; None: not part of a series
    ordinal: int | None
    when: str
    where: str
    status: str
    chairs: list[str]
    conventions: list[str]
    summary: str
    sources: list[str]

    @property
    def status_name(self) -> str:
        """The status in the current language ("held" / «состоялась»)."""
        return meeting_status_name(self.status)


@dataclass(frozen=True)
class BriefCommitment:
    id: str
    text: str
    made_by: str
    at: MeetingRef | None
    made_on: str
    due: str
    status: str
    overdue: bool
    latest: str  # "5 Oct 2021: the note", or ""
    latest_evidence: MeetingRef | None
    sources: list[str]

    @property
    def status_name(self) -> str:
        """The status in the current language ("agreed" / «согласовано»)."""
        return commitment_status_name(self.status)


T = TypeVar("T")


@dataclass(frozen=True)
class Listed(Generic[T]):
    """The first rows of a list and how many there are in all."""

    shown: list[T]
    total: int


@dataclass(frozen=True)
class Brief:
    meeting: BriefMeeting
    chosen: str  # why this meeting: "asked for", "the next meeting", "the latest meeting"
    today: date
    earlier: Listed[BriefMeeting]
    committed: Listed[BriefCommitment]  # at this meeting and the earlier ones of its series
    looked_ahead: Listed[BriefCommitment]  # made elsewhere, due before this meeting
    overdue: Listed[BriefCommitment]  # open and past due, among both
    coming: Listed[BriefMeeting]  # convention meetings ahead
    coming_conventions: list[str]  # the conventions they were chosen by ([]: all)
    convention_names: dict[str, str]  # code → name, for every code the brief shows


def default_meeting(store: Store, today: date) -> tuple[str, str] | None:
    """(id, why): the next meeting not cancelled that has not ended, else the latest one."""
    found = store.rows(
        """SELECT id FROM meeting_facts WHERE alive_to >= $today AND status <> 'cancelled'
           ORDER BY alive_from, id LIMIT 1""",
        {"today": today},
    )
    if found:
        return str(found[0][0]), "the next meeting"
    found = store.rows("SELECT id FROM meeting_facts ORDER BY alive_from DESC, id DESC LIMIT 1")
    return (str(found[0][0]), "the latest meeting") if found else None


CHOICES_AHEAD = 50
CHOICES_PAST = 150


def meeting_choices(store: Store, today: date) -> dict[str, str]:
    """id → "when — short title" of the meetings a brief is most often wanted for: those
    ahead, soonest first, then the most recent ones (a few hundred, at any scale)."""
    ahead = _meetings(
        store,
        "alive_to >= $today",
        {"today": today},
        "alive_from, id",
        CHOICES_AHEAD,
    )
    past = _meetings(
        store, "alive_to < $today", {"today": today}, "alive_from DESC, id DESC", CHOICES_PAST
    )
    return {m.id: f"{m.when} — {m.short_title}" for m in (*ahead, *past)}


def brief(store: Store, meeting_id: str | None, today: date) -> Brief:
    """The brief of `meeting_id` (None: the default meeting). InputError names an unknown id."""
    chosen = "asked for"
    if meeting_id is None:
        found = default_meeting(store, today)
        if found is None:
            raise InputError(_("the record holds no meeting to brief on"))
        meeting_id, chosen = found
    rows = _meetings(store, "id = $id", {"id": meeting_id}, "alive_from", 1)
    if not rows:
        raise InputError(
            _(
                "no meeting {id} in the record; `cooptrack export meetings` lists the ids "
                "(first column)"
            ).format(id=repr(meeting_id[:80]))
        )
    meeting = rows[0]
    facts = store.rows(
        "SELECT series, alive_from, alive_to, conventions FROM meeting_facts WHERE id = $id",
        {"id": meeting_id},
    )[0]
    series, start, end, conventions = facts
    earlier_where = (
        "series = $series AND (alive_from < $start OR (alive_from = $start AND id < $id))"
    )
    params = {"series": series, "start": start, "id": meeting_id}
    earlier = (
        Listed(
            _meetings(store, earlier_where, params, "alive_from DESC, id DESC", EARLIER_SHOWN),
            _count(store, "meeting_facts", earlier_where, params),
        )
        if series
        else Listed([], 0)
    )
    return Brief(
        meeting=meeting,
        chosen=chosen,
        today=today,
        earlier=earlier,
        committed=_committed(store, meeting_id, series, start, today),
        looked_ahead=_commitments(store, "c.ahead_of = $id", {"id": meeting_id}, today),
        overdue=_overdue(store, meeting_id, series, start, today),
        coming=_coming(store, list(conventions or []), max(today, end)),
        coming_conventions=sorted(conventions or []),
        convention_names={
            str(c): str(n)
            for c, n in store.rows(
                "SELECT code, name_in(name, name_ru, $lang) FROM conventions", _language()
            )
        },
    )


# Commitments made at this meeting or an earlier one of its series.
_OF_SERIES = """c.meeting IN (SELECT id FROM meeting_facts WHERE series = $series
        AND alive_from <= $start)"""


def _committed(
    store: Store, meeting_id: str, series: str | None, start: date, today: date
) -> Listed[BriefCommitment]:
    if series:
        return _commitments(store, _OF_SERIES, {"series": series, "start": start}, today)
    return _commitments(store, "c.meeting = $id", {"id": meeting_id}, today)


def _overdue(
    store: Store, meeting_id: str, series: str | None, start: date, today: date
) -> Listed[BriefCommitment]:
    at = _OF_SERIES if series else "c.meeting = $id"
    params: dict[str, Any] = {"id": meeting_id}
    if series:
        params |= {"series": series, "start": start}
    condition = f"({at} OR c.ahead_of = $id) AND c.is_open AND c.due_by < $today"
    return _commitments(store, condition, params, today, order="c.due_by, c.id")


def _commitments(
    store: Store,
    condition: str,
    params: dict[str, Any],
    today: date,
    order: str = "c.made_on DESC, c.id DESC",
) -> Listed[BriefCommitment]:
    params = {**params, "today": today, **_language()}
    found = dict_rows(
        store,
        f"""WITH page AS (SELECT * FROM commitment_facts c WHERE {condition}
                ORDER BY {order} LIMIT {COMMITMENTS_SHOWN})
            SELECT c.id, shown_text(c.text, c.text_ru, $lang) AS text, c.made_on,
                c.made_on_precision, c.due_date, c.due_precision,
                c.status, coalesce(c.is_open AND c.due_by < $today, false) AS overdue,
                c.latest_on, c.latest_precision,
                shown_text(c.latest_note, c.latest_note_ru, $lang) AS latest_note, c.sources,
                concat_ws('; ', labels(c.made_by_organisations, organisation_short_names),
                          short_country_labels_in(c.made_by_countries, country_names, $lang))
                    AS made_by,
                {ref_sql("m")} AS at_ref, {ref_sql("ahead")} AS ahead_ref,
                (SELECT {ref_sql("e")} FROM followups f JOIN meetings e
                    ON e.id = f.evidence_meeting
                    WHERE f.commitment = c.id AND f.seq = c.latest_seq) AS evidence_ref
            FROM page c CROSS JOIN label_maps_in($lang)
            LEFT JOIN meetings m ON m.id = c.meeting
            LEFT JOIN meetings ahead ON ahead.id = c.ahead_of
            ORDER BY {order}""",
        params,
    )
    total = _count(store, "commitment_facts c", condition, params)
    return Listed([_commitment(row) for row in found], total)


def _commitment(row: dict[str, Any]) -> BriefCommitment:
    latest = ""
    if row["latest_note"]:
        latest = f"{when(row['latest_on'], row['latest_precision'])}: {row['latest_note']}"
    return BriefCommitment(
        id=str(row["id"]),
        text=str(row["text"]),
        made_by=str(row["made_by"] or ""),
        at=meeting_ref(row["at_ref"]),
        made_on=when(row["made_on"], row["made_on_precision"]),
        due=due_label(row["due_date"], row["due_precision"], meeting_ref(row["ahead_ref"])),
        status=str(row["status"]),
        overdue=bool(row["overdue"]),
        latest=latest,
        latest_evidence=meeting_ref(row["evidence_ref"]),
        sources=[str(s) for s in row["sources"] or []],
    )


def _coming(store: Store, conventions: list[str], after: date) -> Listed[BriefMeeting]:
    """COPs and meetings of the parties from `after` on, of these conventions ([]: any)."""
    condition = "kind = 'cop' AND alive_to >= $after AND status <> 'cancelled'"
    params: dict[str, Any] = {"after": after}
    if conventions:
        condition += " AND list_has_any(conventions, $conventions::VARCHAR[])"
        params["conventions"] = conventions
    return Listed(
        _meetings(store, condition, params, "alive_from, id", AHEAD_SHOWN),
        _count(store, "meeting_facts", condition, params),
    )


def _meetings(
    store: Store, condition: str, params: dict[str, Any], order: str, limit: int
) -> list[BriefMeeting]:
    found = dict_rows(
        store,
        f"""SELECT id, shown_text(title, title_ru, $lang) AS title,
                shown_text(coalesce(short_title, title), coalesce(short_title_ru, title_ru),
                    $lang) AS short_title,
                kind, shown_text(series, series_ru, $lang) AS series, ordinal,
                start_date, start_precision, end_date, end_precision, tentative, city,
                country_names[host_country] AS host,
                format, status, chairs, list_sort(conventions) AS conventions,
                CASE WHEN nullif(trim(summary), '') IS NOT NULL
                    THEN shown_text(summary, summary_ru, $lang) END AS summary, sources
            FROM (SELECT * FROM meeting_facts WHERE {condition} ORDER BY {order} LIMIT {limit}),
                label_maps_in($lang)
            ORDER BY {order}""",
        {**params, **_language()},
    )
    return [_meeting(row) for row in found]


def _meeting(row: dict[str, Any]) -> BriefMeeting:
    place = ", ".join(p for p in (row["city"], row["host"]) if p)
    if row["format"] == "online":
        online = pgettext("meeting format", "online")
        place = _("online ({place})").format(place=place) if place else online
    return BriefMeeting(
        id=str(row["id"]),
        title=str(row["title"]),
        short_title=str(row["short_title"] or row["title"]),
        kind=kind_name(str(row["kind"])),
        series=row["series"],
        ordinal=row["ordinal"],
        when=span_label(
            row["start_date"],
            row["start_precision"],
            row["end_date"],
            row["end_precision"],
            bool(row["tentative"]),
        ),
        where=place or _("place not recorded"),
        status=str(row["status"]),
        chairs=[str(c) for c in row["chairs"] or []],
        conventions=[str(c) for c in row["conventions"] or []],
        summary=str(row["summary"] or ""),
        sources=[str(s) for s in row["sources"] or []],
    )


def _language() -> dict[str, str]:
    """The `$lang` parameter: the language record texts and names are read in."""
    return {"lang": i18n.current()}


def _count(store: Store, table: str, condition: str, params: dict[str, Any]) -> int:
    """How many rows match (DuckDB refuses parameters a statement does not use)."""
    used = {k: v for k, v in params.items() if f"${k}" in condition}
    return int(store.rows(f"SELECT count(*) FROM {table} WHERE {condition}", used)[0][0])
