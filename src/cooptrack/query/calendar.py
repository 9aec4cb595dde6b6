"""iCalendar files (RFC 5545, written with `icalendar`) of meetings and of commitment due dates.

Each event has a UID made from the record's id (`meeting-<id>@cooptrack`,
`commitment-due-<id>@cooptrack`), so importing a newer file updates the events of an earlier
one instead of adding them twice; SEQUENCE counts the record's recorded changes, so a client
that compares it takes the newer version. A calendar entry needs a day: a meeting or a due date
known only to the month or year is left out rather than put on an invented day, and the file
says how many were left out and why (X-COOPTRACK-LEFT-OUT, also in the calendar's description).

The texts of a calendar (SUMMARY, DESCRIPTION, LOCATION, CATEGORIES, its name) are in the current
language: record texts in Russian where the record holds them (else English with a marker),
words through the catalog. UIDs, codes and dates are the same in every language, so a file in
one language updates the events of a file in another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cooptrack import config, i18n
from cooptrack.db.schema import Kind
from cooptrack.db.store import Store
from cooptrack.errors import InputError
from cooptrack.i18n import _, ngettext, number, pgettext
from cooptrack.query.codes import commitment_status_name, kind_name, meeting_status_name
from cooptrack.query.detail import dict_rows
from cooptrack.query.filters import Filters, where
from cooptrack.query.workbook import link_target

if TYPE_CHECKING:
    from icalendar import Calendar

MAX_EVENTS = 20_000  # a calendar is for people: past this, narrow the filters
PRODID = "-//cooptrack//EU-Central Asia cooperation record//EN"
UID_DOMAIN = "cooptrack"
LEFT_OUT_PROPERTY = "X-COOPTRACK-LEFT-OUT"
_CLOSED = ("fulfilled", "superseded", "dropped")


@dataclass(frozen=True)
class Counts:
    """How many events a calendar holds, and how many records it leaves out for want of a day."""

    events: int
    left_out: int

    def left_out_note(self, kind: Kind) -> str:
        """Why some records are not in the file (empty when none are left out)."""
        if not self.left_out:
            return ""
        if kind == "meetings":
            note = ngettext(
                "{count} meeting known only to the month or year is left out: a calendar entry "
                "needs a day, and cooptrack does not invent one",
                "{count} meetings known only to the month or year are left out: a calendar "
                "entry needs a day, and cooptrack does not invent one",
                self.left_out,
            )
        else:
            note = ngettext(
                "{count} commitment due date known only to the month or year is left out: a "
                "calendar entry needs a day, and cooptrack does not invent one",
                "{count} commitment due dates known only to the month or year are left out: a "
                "calendar entry needs a day, and cooptrack does not invent one",
                self.left_out,
            )
        return note.format(count=number(self.left_out))


def _checked(kind: Kind) -> Kind:
    if kind == "phases":
        raise InputError(
            _(
                "a calendar holds meetings and commitment due dates; export meetings or "
                "commitments as ics (phases: csv, csv-excel, xlsx or parquet)"
            )
        )
    return kind


# Day-known dates of each kind's events, and the test for a date known only vaguely.
_MEETING_DAY = "start_precision = 'day'"
_DUE_DAY = """CASE WHEN c.due_date IS NOT NULL THEN c.due_precision = 'day'
    ELSE ahead.start_precision = 'day' END"""
_HAS_DUE = "(c.due_date IS NOT NULL OR ahead.id IS NOT NULL)"
_COMMITMENTS_FROM = """FROM (SELECT * FROM commitment_facts WHERE {where}) c
    LEFT JOIN meetings ahead ON ahead.id = c.ahead_of"""
# The two counts of commitment due dates (events; left out) as aggregates over `from_commitments`,
# so that the Commitments page counts them in the scan it makes for its totals anyway.
DUE_DAY_COUNTS = (
    f"count(*) FILTER (WHERE {_HAS_DUE} AND {_DUE_DAY}), "
    f"count(*) FILTER (WHERE {_HAS_DUE} AND NOT {_DUE_DAY})"
)


def from_commitments(condition: str) -> str:
    """The FROM clause DUE_DAY_COUNTS reads: the filtered commitments as `c`, each beside the
    meeting it looked ahead to (`ahead`, whose day stands in for a missing due date)."""
    return _COMMITMENTS_FROM.format(where=condition)


def counts(store: Store, kind: Kind, filters: Filters) -> Counts:
    """Events and left-out records under the filters, counted without building the file."""
    condition, params = where(filters)
    if _checked(kind) == "meetings":
        sql = (
            f"SELECT count(*) FILTER (WHERE {_MEETING_DAY}), count(*) FILTER (WHERE NOT "
            f"{_MEETING_DAY}) FROM meeting_facts WHERE {condition}"
        )
    else:
        sql = f"SELECT {DUE_DAY_COUNTS} {from_commitments(condition)}"
    events, left_out = store.rows(sql, params)[0]
    return Counts(int(events), int(left_out))


def calendar_bytes(
    store: Store, kind: Kind, filters: Filters, today: date | None = None
) -> tuple[bytes, Counts]:
    """The .ics file and what it holds."""
    found = counts(store, kind, filters)
    if found.events > MAX_EVENTS:
        too_many = (
            _(
                "{count} meetings have a day to put in a calendar; a calendar file holds at "
                "most {limit}: narrow the filters (by country, convention or dates)"
            )
            if kind == "meetings"
            else _(
                "{count} commitments have a due day to put in a calendar; a calendar file holds "
                "at most {limit}: narrow the filters (by country, convention or dates)"
            )
        )
        raise InputError(too_many.format(count=number(found.events), limit=number(MAX_EVENTS)))
    made = _calendar(store, kind, filters, found, today or config.today())
    return made.to_ical(), found


def write(store: Store, kind: Kind, filters: Filters, today: date | None, path: Path) -> int:
    """Write the .ics file at `path`; the number of events in it."""
    content, found = calendar_bytes(store, kind, filters, today)
    path.write_bytes(content)
    return found.events


def _calendar(store: Store, kind: Kind, filters: Filters, found: Counts, today: date) -> Calendar:
    from icalendar import Calendar, vText  # noqa: PLC0415 - only calendars need it

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if kind == "meetings":
        name = _("cooptrack meetings")
        description = _("EU–Central Asia cooperation record: meetings, as of {date}.")
    else:
        name = _("cooptrack commitment due dates")
        description = _("EU–Central Asia cooperation record: commitment due dates, as of {date}.")
    calendar.add("x-wr-calname", vText(name))
    description = description.format(date=today.isoformat())
    if note := found.left_out_note(kind):
        calendar.add(LEFT_OUT_PROPERTY, vText(note))
        description += f" {note[0].upper()}{note[1:]}."
    calendar.add("x-wr-caldesc", vText(description))
    stamp = _fallback_stamp(store, today)
    rows = _meeting_rows if kind == "meetings" else _due_rows
    for row in rows(store, filters):
        calendar.add_component(
            _meeting_event(row, stamp) if kind == "meetings" else _due_event(row, stamp)
        )
    return calendar


def _fallback_stamp(store: Store, today: date) -> datetime:
    """DTSTAMP of a record never edited here: the day the record was last reviewed."""
    found = store.rows("SELECT value FROM schema_meta WHERE key = 'data_as_of'")
    try:
        day = date.fromisoformat(str(found[0][0])) if found else today
    except ValueError:
        day = today
    return datetime.combine(day, time(), UTC)


def _changes(alias: str, kind: str) -> str:
    """(count, last time) of the recorded changes of the record `alias`.id."""
    return f"""(SELECT {{'n': count(*), 'at': max(changed_at)}} FROM history h
        WHERE h.record_kind = '{kind}' AND h.record_id = {alias}.id)"""


def _meeting_rows(store: Store, filters: Filters) -> list[dict[str, Any]]:
    condition, params = where(filters)
    return dict_rows(
        store,
        f"""SELECT m.id, shown_text(m.title, m.title_ru, $lang) AS title, m.kind,
                shown_text(m.series, m.series_ru, $lang) AS series, m.ordinal, m.start_date,
                m.end_date, m.end_precision, m.tentative, m.city,
                country_names[m.host_country] AS country,
                m.format, m.status, code_labels(m.conventions) AS conventions,
                CASE WHEN nullif(trim(m.summary), '') IS NOT NULL
                    THEN shown_text(m.summary, m.summary_ru, $lang) END AS summary,
                m.sources, {_changes("m", "meetings")} AS changes
            FROM meeting_facts m, label_maps_in($lang)
            WHERE {condition} AND {_MEETING_DAY} ORDER BY m.alive_from, m.id""",
        {**params, "lang": i18n.current()},
    )


def _due_rows(store: Store, filters: Filters) -> list[dict[str, Any]]:
    condition, params = where(filters)
    return dict_rows(
        store,
        f"""SELECT c.id, shown_text(c.text, c.text_ru, $lang) AS text, c.status, c.due_date,
                c.due_precision, shown_text(ahead.title, ahead.title_ru, $lang) AS ahead_title,
                shown_text(coalesce(ahead.short_title, ahead.title),
                    coalesce(ahead.short_title_ru, ahead.title_ru), $lang) AS ahead_short,
                ahead.start_date AS ahead_start,
                shown_text(m.title, m.title_ru, $lang) AS meeting,
                concat_ws('; ', labels(c.made_by_organisations, organisation_names),
                          labels(c.made_by_countries, country_names)) AS made_by,
                code_labels(c.conventions) AS conventions,
                shown_text(c.latest_note, c.latest_note_ru, $lang) AS latest_note,
                iso_partial(c.latest_on, c.latest_precision) AS latest_on, c.sources,
                {_changes("c", "commitments")} AS changes,
                {_changes("ahead", "meetings")} AS ahead_changes
            {from_commitments(condition)}
            CROSS JOIN label_maps_in($lang)
            LEFT JOIN meetings m ON m.id = c.meeting
            WHERE {_HAS_DUE} AND {_DUE_DAY} ORDER BY c.due_by, c.id""",
        {**params, "lang": i18n.current()},
    )


def _meeting_event(row: dict[str, Any], fallback: datetime) -> Any:
    from icalendar import Event  # noqa: PLC0415

    event = Event()
    start: date = row["start_date"]
    end: date = row["end_date"] if row["end_precision"] == "day" else start
    event.add("uid", f"meeting-{row['id']}@{UID_DOMAIN}")
    _stamp(event, row["changes"], fallback)
    event.add("dtstart", start)
    event.add("dtend", end + timedelta(days=1))  # all-day events end the day after
    event.add("summary", row["title"])
    if place := _place(row):
        event.add("location", place)
    status = "CANCELLED" if row["status"] == "cancelled" else "CONFIRMED"
    event.add("status", "TENTATIVE" if row["tentative"] and status != "CANCELLED" else status)
    kind = kind_name(row["kind"])
    event.add("categories", [kind])
    status = meeting_status_name(row["status"])
    lines = [
        f"{kind}"
        + (f" · {row['series']}" if row["series"] else "")
        + (" " + _("no. {ordinal}").format(ordinal=row["ordinal"]) if row["ordinal"] else ""),
        _("Status: {status} (dates to be confirmed)").format(status=status)
        if row["tentative"]
        else _("Status: {status}").format(status=status),
    ]
    if row["end_date"] is not None and row["end_precision"] != "day":
        lines.append(_("Its last day is not recorded: shown here on its first day only."))
    if row["conventions"]:
        lines.append(_("Conventions: {conventions}").format(conventions=row["conventions"]))
    if row["summary"]:
        lines += ["", row["summary"]]
    _sources(event, lines, row["sources"])
    return event


def _due_event(row: dict[str, Any], fallback: datetime) -> Any:
    from icalendar import Event  # noqa: PLC0415

    event = Event()
    day: date = row["due_date"] if row["due_date"] is not None else row["ahead_start"]
    event.add("uid", f"commitment-due-{row['id']}@{UID_DOMAIN}")
    changes = row["changes"] or {}
    ahead = row["ahead_changes"] or {}
    merged = {
        "n": int(changes.get("n") or 0) + int(ahead.get("n") or 0),
        "at": max((t for t in (changes.get("at"), ahead.get("at")) if t), default=None),
    }
    _stamp(event, merged, fallback)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    text = " ".join(str(row["text"]).split())
    short = text if len(text) <= 80 else text[:79].rstrip() + "…"
    event.add("summary", _due_summary(row, short))
    event.add("transp", "TRANSPARENT")  # a deadline, not time taken
    event.add("categories", [_("Commitment due")])
    lines = [str(row["text"]), ""]
    if row["made_by"]:
        lines.append(_("Made by: {names}").format(names=row["made_by"]))
    if row["meeting"]:
        lines.append(_("At: {meeting}").format(meeting=row["meeting"]))
    if row["due_date"] is None:
        lines.append(_("Due before: {meeting}").format(meeting=row["ahead_title"]))
    if row["conventions"]:
        lines.append(_("Conventions: {conventions}").format(conventions=row["conventions"]))
    lines.append(_("Status: {status}").format(status=commitment_status_name(row["status"])))
    if row["latest_note"]:
        latest = _("Latest follow-up ({date}): {note}")
        lines.append(latest.format(date=row["latest_on"], note=row["latest_note"]))
    _sources(event, lines, row["sources"])
    return event


def _due_summary(row: dict[str, Any], text: str) -> str:
    """`Due: text`, `Due before COP29 (fulfilled): text`: a closed commitment says how."""
    closed = commitment_status_name(row["status"]) if row["status"] in _CLOSED else None
    if row["due_date"] is not None:
        due = _("Due ({status}): {text}") if closed else _("Due: {text}")
        return due.format(status=closed, text=text)
    before = (
        _("Due before {meeting} ({status}): {text}")
        if closed
        else _("Due before {meeting}: {text}")
    )
    return before.format(meeting=row["ahead_short"], status=closed, text=text)


def _stamp(event: Any, changes: dict[str, Any] | None, fallback: datetime) -> None:
    """DTSTAMP and LAST-MODIFIED: the record's last recorded change (UTC), else the day the
    record was reviewed; SEQUENCE: how many changes were recorded, so later files win."""
    changes = changes or {}
    changed = changes.get("at")
    stamp = changed.replace(tzinfo=UTC) if isinstance(changed, datetime) else fallback
    event.add("dtstamp", stamp)
    if isinstance(changed, datetime):
        event.add("last-modified", stamp)
    event.add("sequence", int(changes.get("n") or 0))


def _sources(event: Any, lines: list[str], sources: list[str] | None) -> None:
    shown = [s for s in sources or [] if s.strip()]
    if shown:
        lines += ["", _("Sources:"), *shown]
    event.add("description", "\n".join(lines))
    first = next((t for t in (link_target(s.strip()) for s in shown) if t), None)
    if first:
        event.add("url", first)


def _place(row: dict[str, Any]) -> str:
    parts = ", ".join(p for p in (row["city"], row["country"]) if p)
    if row["format"] == "online":
        online = pgettext("meeting format", "online")
        return _("online ({place})").format(place=parts) if parts else online
    return parts
