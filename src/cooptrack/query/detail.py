"""One record on its own page: a commitment with its trail of follow-ups and its status history,
and what a meeting's page adds to the meeting's detail (its series, the notes citing it).

Everything is read by id; labels are made here, at the record's own precision ("Nov 2009",
"2021"), in the interface's language (record texts in Russian where the record has them, else
in English with the marker), so a page only lays them out. Statuses stay codes (pages name them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cooptrack.dates import human_text
from cooptrack.db.store import Store
from cooptrack.i18n import _, current, month_name, shown
from cooptrack.query.meetings import kind_label, status_label

CLOSED_BY = {"fulfilled": "fulfilled", "superseded": "superseded", "dropped": "dropped"}


def when(value: Any, precision: Any) -> str:
    """A stored date at its precision, for people; '' for none."""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date) or precision not in ("day", "month", "year"):
        return ""
    return human_text(value, str(precision))


@dataclass(frozen=True)
class MeetingRef:
    """A meeting a record points to: enough for a link and a date."""

    id: str
    title: str
    short_title: str
    when: str


@dataclass(frozen=True)
class Followup:
    on: date
    when: str
    note: str
    status_after: str | None
    evidence: MeetingRef | None
    sources: list[str]


@dataclass(frozen=True)
class StatusChange:
    """One step of a commitment's status: when, to what, and how it is known."""

    when: str
    status: str
    how: str


@dataclass(frozen=True)
class CommitmentDetail:
    id: str
    text: str
    made_by: str
    meeting: MeetingRef | None
    made_on: str
    countries: str
    conventions: list[tuple[str, str]]  # (code, name)
    topics: str
    due: str  # "by Nov 2021", "before 11 Oct 2021 (COP15)", "no due date"
    due_by: date | None
    ahead_of: MeetingRef | None
    status: str  # the code (`in-progress`); status_label names it
    status_label: str
    overdue: bool
    fulfilled_by: MeetingRef | None
    confidence: str
    sources: list[str]
    followups: list[Followup] = field(default_factory=list)
    statuses: list[StatusChange] = field(default_factory=list)


def ref_sql(alias: str) -> str:
    """The meeting `alias` (a joined row of meetings) as one struct, read by `meeting_ref`
    (which picks the titles of the interface's language, so the SQL needs no `$lang`)."""
    return (
        f"struct_pack(id := {alias}.id, title := {alias}.title, title_ru := {alias}.title_ru, "
        f"short_title := {alias}.short_title, short_title_ru := {alias}.short_title_ru, "
        f"start_date := {alias}.start_date, start_precision := {alias}.start_precision)"
    )


def commitment_detail(store: Store, ident: str, today: date) -> CommitmentDetail | None:
    """One commitment with its people, dates, follow-ups and status history; None if absent."""
    found = dict_rows(
        store,
        f"""SELECT c.*,
                concat_ws('; ', labels(c.made_by_organisations, organisation_names),
                          labels(c.made_by_countries, country_names)) AS made_by_names,
                labels(c.countries, country_names) AS country_labels,
                labels(c.topics, topic_names) AS topic_labels,
                list_transform(list_sort(c.conventions),
                               lambda x: [x, coalesce(convention_names[x], x)]) AS convention_pairs,
                coalesce(c.is_open AND c.due_by < $today, false) AS is_overdue,
                {ref_sql("m")} AS meeting_ref, {ref_sql("ahead")} AS ahead_ref,
                {ref_sql("f")} AS fulfilled_ref
            FROM commitment_facts c CROSS JOIN label_maps_in($lang)
            LEFT JOIN meetings m ON m.id = c.meeting
            LEFT JOIN meetings ahead ON ahead.id = c.ahead_of
            LEFT JOIN meetings f ON f.id = c.fulfilled_by
            WHERE c.id = $id""",
        {"id": ident, "today": today, "lang": current()},
    )
    if not found:
        return None
    c = found[0]
    ahead = meeting_ref(c["ahead_ref"])
    followups = _followups(store, ident)
    return CommitmentDetail(
        id=str(c["id"]),
        text=shown(c["text"], c["text_ru"]),
        made_by=str(c["made_by_names"] or ""),
        meeting=meeting_ref(c["meeting_ref"]),
        made_on=when(c["made_on"], c["made_on_precision"]),
        countries=str(c["country_labels"] or ""),
        conventions=[(str(code), str(name)) for code, name in c["convention_pairs"] or []],
        topics=str(c["topic_labels"] or ""),
        due=due_label(c["due_date"], c["due_precision"], ahead),
        due_by=c["due_by"],
        ahead_of=ahead,
        status=str(c["status"]),
        status_label=status_label(c["status"]),
        overdue=bool(c["is_overdue"]),
        fulfilled_by=meeting_ref(c["fulfilled_ref"]),
        confidence=str(c["confidence"]),
        sources=[str(s) for s in c["sources"] or []],
        followups=followups,
        statuses=_statuses(store, ident, c, followups),
    )


def due_label(due_date: Any, precision: Any, ahead: MeetingRef | None) -> str:
    """What the commitments table says: "by 2019", "before 11 Oct 2021 (COP15)"."""
    if due_date is not None and precision:
        return due_by_label(due_date, precision)
    if ahead is not None:
        return _("before {date} ({meeting})").format(
            date=ahead.when or _("an undated meeting"), meeting=ahead.short_title or ahead.title
        )
    return _("no due date")


def due_by_label(value: Any, precision: Any) -> str:
    """A due date at its precision: "by 12 Feb 2020", "by Nov 2021", "by 2019" (a message per
    precision: Russian says «до конца ноября 2021», the month then in another form)."""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date) or precision not in ("day", "month", "year"):
        return ""
    if precision == "day":
        return _("by {date}").format(date=human_text(value, "day"))
    if precision == "month":
        return _("by {month} {year}").format(month=month_name(value.month), year=value.year)
    return _("by {year}").format(year=value.year)


def meeting_ref(value: Any) -> MeetingRef | None:
    """The meeting in a MEETING_REF_SQL struct; None when the row points to none."""
    if not isinstance(value, dict) or value.get("id") is None:
        return None
    return MeetingRef(
        id=str(value["id"]),
        title=shown(value["title"], value.get("title_ru")),
        short_title=shown(value["short_title"], value.get("short_title_ru")),
        when=when(value["start_date"], value["start_precision"]),
    )


def _followups(store: Store, ident: str) -> list[Followup]:
    notes = dict_rows(
        store,
        f"""SELECT f.on_date, f.on_precision, f.note, f.note_ru, f.status_after, f.sources,
                {ref_sql("e")} AS evidence_ref
            FROM followups f LEFT JOIN meetings e ON e.id = f.evidence_meeting
            WHERE f.commitment = $id ORDER BY f.on_date, f.seq""",
        {"id": ident},
    )
    return [
        Followup(
            on=n["on_date"],
            when=when(n["on_date"], n["on_precision"]),
            note=shown(n["note"], n["note_ru"]),
            status_after=n["status_after"],
            evidence=meeting_ref(n["evidence_ref"]),
            sources=[str(s) for s in n["sources"] or []],
        )
        for n in notes
    ]


def _statuses(
    store: Store, ident: str, commitment: dict[str, Any], followups: list[Followup]
) -> list[StatusChange]:
    """The statuses a commitment went through: set by dated follow-up notes, or by edits (a
    follow-up's own edit line is the note itself, so it is not counted twice)."""
    steps: list[tuple[date, StatusChange]] = [
        (note.on, StatusChange(note.when, note.status_after, _("follow-up note")))
        for note in followups
        if note.status_after
    ]
    edits = store.rows(
        "SELECT changed_at, action, before, after, via FROM history "
        "WHERE record_kind = 'commitments' AND record_id = $id ORDER BY change_id",
        {"id": ident},
    )
    for changed_at, action, before, after, via in edits:
        step = _edit_step(changed_at, action, _status_in(before), _status_in(after))
        if step is not None and via != "follow-up":
            steps.append((changed_at.date(), step))
    result = [step for _, step in sorted(steps, key=lambda pair: pair[0])]
    current = str(commitment["status"])
    if not result or result[-1].status != current:
        result.append(StatusChange("", current, _("as recorded now")))
    return result


def _edit_step(
    changed_at: datetime, action: str, old: str | None, new: str | None
) -> StatusChange | None:
    """The status step an edit made, if it made one (UTC day of the edit)."""
    day = human_text(changed_at.date(), "day")
    if action in ("add", "restore") and new:
        how = _("added to the record") if action == "add" else _("restored")
        return StatusChange(day, new, how)
    if action == "change" and new and old != new:
        return StatusChange(day, new, _("edited"))
    return None


def _status_in(stored: Any) -> str | None:
    """The status in a history line's before/after JSON; None when absent or unreadable."""
    if not isinstance(stored, str):
        return None
    try:
        record = json.loads(stored)
    except ValueError:
        return None
    status = record.get("status") if isinstance(record, dict) else None
    return status if isinstance(status, str) else None


@dataclass(frozen=True)
class MeetingContext:
    """What a meeting's own page adds: its neighbours in its series and the notes citing it."""

    kind: str
    series: str | None  # the English name its meetings share (the key they are found by)
    series_name: str | None  # the same in the interface's language
    previous: MeetingRef | None
    following: MeetingRef | None
    series_count: int
    evidence_for: list[tuple[str, str, str]]  # (commitment id, commitment text, note's date)


def meeting_context(store: Store, ident: str) -> MeetingContext | None:
    found = dict_rows(
        store,
        "SELECT id, kind, series, shown_text(series, series_ru, $lang) AS series_name, "
        "alive_from FROM meeting_facts WHERE id = $id",
        {"id": ident, "lang": current()},
    )
    if not found:
        return None
    m = found[0]
    previous = following = None
    count = 0
    if m["series"]:
        neighbours = dict_rows(
            store,
            f"""SELECT
                (SELECT {ref_sql("p")} FROM meeting_facts p WHERE p.series = $series
                    AND (p.alive_from < $start OR (p.alive_from = $start AND p.id < $id))
                    ORDER BY p.alive_from DESC, p.id DESC LIMIT 1) AS previous,
                (SELECT {ref_sql("n")} FROM meeting_facts n WHERE n.series = $series
                    AND (n.alive_from > $start OR (n.alive_from = $start AND n.id > $id))
                    ORDER BY n.alive_from, n.id LIMIT 1) AS following,
                (SELECT count(*) FROM meeting_facts WHERE series = $series) AS members""",
            {"series": m["series"], "start": m["alive_from"], "id": ident},
        )[0]
        previous, following = (
            meeting_ref(neighbours["previous"]),
            meeting_ref(neighbours["following"]),
        )
        count = int(neighbours["members"])
    notes = store.rows(
        """SELECT f.commitment, c.text, c.text_ru, f.on_date, f.on_precision FROM followups f
           JOIN commitments c ON c.id = f.commitment
           WHERE f.evidence_meeting = $id ORDER BY f.on_date, f.commitment, f.seq LIMIT 200""",
        {"id": ident},
    )
    return MeetingContext(
        kind=kind_label(m["kind"]),
        series=m["series"],
        series_name=m["series_name"],
        previous=previous,
        following=following,
        series_count=count,
        evidence_for=[(str(c), shown(t, ru), when(d, p)) for c, t, ru, d, p in notes],
    )


def dict_rows(store: Store, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with store.cursor() as cursor:
        result = cursor.execute(sql, params)
        names = [d[0] for d in result.description or []]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
