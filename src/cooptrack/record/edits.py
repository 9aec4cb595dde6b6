"""Changing the record: each save is validated like the seed loader, written in one
transaction together with its history line, and refused if someone changed the record since
it was opened."""

from __future__ import annotations

import json
from collections.abc import Iterator, MutableSet
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import duckdb

from cooptrack.dates import PartialDate, iso_text
from cooptrack.db.schema import SINGULAR, Kind
from cooptrack.db.store import Store, insert
from cooptrack.errors import EditConflict, InputError, SeedError
from cooptrack.i18n import _, pgettext
from cooptrack.record.validation import CONVERTERS, OPTIONAL_COLUMNS, Known, Row, Values

if TYPE_CHECKING:
    import pandas as pd

Record = dict[str, Any]


@dataclass(frozen=True)
class Change:
    """What one save did, as recorded in the history."""

    kind: str
    record_id: str
    action: str
    before: Record | None
    after: Record | None


def plain(value: Any) -> Any:
    """A DuckDB value as JSON-ready Python: dates as ISO text, decimals as text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _rows(cursor: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[Record]:
    cursor.execute(sql, params)
    names = [d[0] for d in cursor.description or []]
    return [{n: plain(v) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def fetch(cursor: duckdb.DuckDBPyConnection, kind: Kind, ident: str) -> Record | None:
    """The record as stored (with its follow-ups for a commitment), or None."""
    found = _rows(cursor, f"SELECT * FROM {kind} WHERE id = ?", [ident])
    if not found:
        return None
    record = found[0]
    if kind == "commitments":
        record["followups"] = _rows(
            cursor, "SELECT * FROM followups WHERE commitment = ? ORDER BY seq", [ident]
        )
    return record


def known_from(cursor: duckdb.DuckDBPyConnection, skip: tuple[str, str] | None = None) -> Known:
    """Identifiers in the database, for validating references (minus the record being saved).
    Looked up one at a time as validation asks: a form saves one record, and reading every id
    of a million-commitment database first would take a second."""
    known = Known()
    columns = {
        "convention": ("conventions", "code"),
        "topic": ("topics", "id"),
        "organisation": ("organisations", "id"),
        "meeting": ("meetings", "id"),
        "project": ("projects", "id"),
        "phase": ("phases", "id"),
        "commitment": ("commitments", "id"),
        "meeting title": ("meetings", "lower(title)"),
    }
    for name, (table, column) in columns.items():
        known.ids[name] = StoredIds(cursor, table, column)
    known.meeting_starts = StoredMeetingStarts(cursor)
    if skip is not None:
        kind, ident = skip
        known.ids[SINGULAR[kind]].discard(ident)
        if kind == "meetings":
            title = cursor.execute("SELECT lower(title) FROM meetings WHERE id = ?", [ident])
            known.ids["meeting title"].discard(str((title.fetchone() or [""])[0]))
    return known


class StoredIds(MutableSet[str]):
    """A set of identifiers that asks the database for membership, with local additions and
    removals on top (a record being saved is not its own duplicate; a planned one is known)."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, table: str, column: str) -> None:
        self._cursor, self._table, self._column = cursor, table, column
        self._added: set[str] = set()
        self._removed: set[str] = set()

    def __contains__(self, value: object) -> bool:
        if value in self._added:
            return True
        if value in self._removed or not isinstance(value, str):
            return False
        found = self._cursor.execute(
            f"SELECT 1 FROM {self._table} WHERE {self._column} = ? LIMIT 1", [value]
        )
        return found.fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        rows = self._cursor.execute(f"SELECT {self._column} FROM {self._table}").fetchall()
        stored = {str(v) for (v,) in rows}
        return iter(sorted((stored - self._removed) | self._added))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def add(self, value: str) -> None:
        self._added.add(value)
        self._removed.discard(value)

    def discard(self, value: str) -> None:
        self._removed.add(value)
        self._added.discard(value)


class StoredMeetingStarts(dict[str, PartialDate]):
    """Meeting start dates read when asked for (a commitment made at a meeting takes its date)."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        super().__init__()
        self._cursor = cursor

    def __missing__(self, ident: str) -> PartialDate:
        found = self._cursor.execute(
            "SELECT start_date, start_precision FROM meetings WHERE id = ?", [ident]
        ).fetchone()
        if found is None:
            raise KeyError(ident)
        self[ident] = PartialDate(found[0], found[1])
        return self[ident]

    def get(self, ident: str, default: PartialDate | None = None) -> PartialDate | None:  # type: ignore[override]
        try:
            return self[ident]
        except KeyError:
            return default


def _joined(values: Any) -> str:
    return ";".join(values or [])


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def to_strings(kind: Kind, record: Record) -> dict[str, str]:
    """A stored record in the seed files' format: the one shape every write is validated in."""
    common = {
        "id": record["id"],
        "countries": _joined(record["countries"]),
        "conventions": _joined(record["conventions"]),
        "topics": _joined(record["topics"]),
        "confidence": record["confidence"],
        "sources": _joined(record["sources"]),
    }
    if kind == "meetings":
        specific = {
            "title": record["title"],
            "short_title": record["short_title"],
            "kind": record["kind"],
            "series": _text(record["series"]),
            "ordinal": _text(record["ordinal"]),
            "tentative": "true" if record["tentative"] else "false",
            "city": _text(record["city"]),
            "host_country": _text(record["host_country"]),
            "format": _text(record["format"]),
            "status": record["status"],
            "chairs": _joined(record["chairs"]),
            "chair_organisations": _joined(record["chair_organisations"]),
            "organisers": _joined(record["organisers"]),
            "summary": _text(record["summary"]),
        }
        specific["start"] = _partial(record["start_date"], record["start_precision"])
        specific["end"] = _partial(record["end_date"], record["end_precision"])
    elif kind == "phases":
        specific = {
            "project": record["project"],
            "phase": _text(record["phase"]),
            "title": record["title"],
            "implementers": _joined(record["implementers"]),
            "budget": _text(record["budget"]),
            "currency": _text(record["currency"]),
            "summary": _text(record["summary"]),
        }
        for column in ("planned_start", "planned_end", "actual_start", "actual_end"):
            specific[column] = _partial(record[column], record[f"{column}_precision"])
    else:
        specific = {
            "text": record["text"],
            "made_by": _joined([*record["made_by_organisations"], *record["made_by_countries"]]),
            "meeting": _text(record["meeting"]),
            "made_on": _partial(record["made_on"], record["made_on_precision"]),
            "due": _partial(record["due_date"], record["due_precision"]),
            "ahead_of": _text(record["ahead_of"]),
            "status": record["status"],
            "fulfilled_by": _text(record["fulfilled_by"]),
        }
    russian = {column: _text(record.get(column)) for column in OPTIONAL_COLUMNS[kind]}
    return {**common, **specific, **russian}


def _partial(value: Any, precision: Any) -> str:
    if not value or not precision:
        return ""
    return iso_text(date.fromisoformat(str(value)), str(precision))


def validate(kind: str, strings: dict[str, str], known: Known, where: str = "form") -> Values:
    """The table row for `strings`, checked exactly as the seed loader checks a CSV row."""
    row = Row(where, 0, strings, known)
    try:
        return CONVERTERS[kind](row, known)
    except SeedError as error:
        raise InputError(f"{error.column}: {error.reason}") from None


def _diff(before: Record | None, after: Record | None) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for every field that differs."""
    old, new = before or {}, after or {}
    return [
        (k, old.get(k), new.get(k)) for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)
    ]


def field_changes(before: object, after: object) -> list[tuple[str, Any, Any]]:
    """The fields a history line changed, from its stored JSON. A side that is not JSON text
    (None, or the NaN pandas reads for a NULL) counts as no record."""
    return _diff(_parsed(before), _parsed(after))


def _parsed(stored: object) -> Record | None:
    if not isinstance(stored, str) or not stored:
        return None
    try:
        value = json.loads(stored)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def _check_unchanged(
    kind: Kind, ident: str, expected: Record | None, current: Record | None
) -> None:
    if expected != current:
        if current is None and expected is not None:
            raise conflict(kind, ident, [], deleted=True)
        raise conflict(kind, ident, _diff(expected, current))


# Whole sentences per kind of record: Russian words differ with the gender of the noun.
def _changed_message(kind: str) -> str:
    if kind == "meetings":
        return _(
            "Meeting {id} was changed by someone else since you opened it ({fields}); nothing "
            "was saved. Review their change and edit again."
        )
    if kind == "phases":
        return _(
            "Phase {id} was changed by someone else since you opened it ({fields}); nothing "
            "was saved. Review their change and edit again."
        )
    return _(
        "Commitment {id} was changed by someone else since you opened it ({fields}); nothing "
        "was saved. Review their change and edit again."
    )


def _deleted_message(kind: str) -> str:
    if kind == "meetings":
        return _("Meeting {id} was deleted by someone else since you opened it; nothing was saved.")
    if kind == "phases":
        return _("Phase {id} was deleted by someone else since you opened it; nothing was saved.")
    return _("Commitment {id} was deleted by someone else since you opened it; nothing was saved.")


def conflict(
    kind: str, ident: str, changes: list[tuple[str, Any, Any]], *, deleted: bool = False
) -> EditConflict:
    """The refusal of a write to a record someone else changed (or deleted) since it was
    opened, worded in the current language; `changes` are the fields they changed."""
    error = EditConflict(f"{SINGULAR[kind].capitalize()} {ident!r}", changes)
    fields = ", ".join(name for name, _before, _after in changes) or pgettext(
        "edit conflict", "the record"
    )
    message = _deleted_message(kind) if deleted else _changed_message(kind)
    error.args = (message.format(id=repr(ident), fields=fields),)
    return error


def log_change(cursor: duckdb.DuckDBPyConnection, editor: str, change: Change, via: str) -> None:
    cursor.execute(
        """INSERT INTO history (change_id, changed_at, editor, record_kind, record_id, action,
                                   before, after, via)
           SELECT coalesce(max(change_id), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ? FROM history""",
        [
            datetime.now(UTC).replace(tzinfo=None),
            editor,
            change.kind,
            change.record_id,
            change.action,
            json.dumps(change.before, ensure_ascii=False) if change.before else None,
            json.dumps(change.after, ensure_ascii=False) if change.after else None,
            via,
        ],
    )


def write(
    cursor: duckdb.DuckDBPyConnection,
    editor: str,
    kind: Kind,
    strings: dict[str, str],
    *,
    expected: Record | None,
    via: str,
    action: str | None = None,
) -> Change:
    """Validate and write one record inside the caller's transaction, with its history line.
    A Russian version `strings` does not name (a form or file without that field) is kept as
    stored; one given empty is removed."""
    ident = strings.get("id", "").strip()
    current = fetch(cursor, kind, ident) if ident else None
    _check_unchanged(kind, ident, expected, current)
    kept = {c: _text(current.get(c)) for c in OPTIONAL_COLUMNS[kind]} if current else {}
    values = validate(kind, {**kept, **strings}, known_from(cursor, skip=(kind, ident)), via)
    if current is not None:
        cursor.execute(f"DELETE FROM {kind} WHERE id = ?", [ident])
    insert(cursor, kind, [values])
    if kind == "commitments" and current is not None:
        _restore_followups(cursor, current)
    after = fetch(cursor, kind, ident)
    change = Change(kind, ident, action or ("change" if current else "add"), current, after)
    if change.before != change.after:
        log_change(cursor, editor, change, via)
    return change


def _exists_again(kind: str) -> str:
    if kind == "meetings":
        return _("meeting {id} exists again; nothing to restore")
    if kind == "phases":
        return _("phase {id} exists again; nothing to restore")
    return _("commitment {id} exists again; nothing to restore")


def _restore_followups(cursor: duckdb.DuckDBPyConnection, record: Record) -> None:
    """Follow-ups belong to their commitment: put back the ones a record carried."""
    for note in record.get("followups") or []:
        exists = cursor.execute(
            "SELECT 1 FROM followups WHERE commitment = ? AND seq = ?",
            [note["commitment"], note["seq"]],
        ).fetchone()
        if not exists:
            insert(cursor, "followups", [note])


def save(
    store: Store,
    editor: str,
    kind: Kind,
    strings: dict[str, str],
    *,
    expected: Record | None,
    via: str = "form",
) -> Change:
    """Add (expected None) or change one record: all or nothing."""
    with store.transaction() as cursor:
        return write(cursor, editor, kind, strings, expected=expected, via=via)


_REFERENCES = {
    "meetings": (
        ("commitments", "meeting"),
        ("commitments", "ahead_of"),
        ("commitments", "fulfilled_by"),
        ("followups", "evidence_meeting"),
    ),
}


def delete(store: Store, editor: str, kind: Kind, ident: str, expected: Record | None) -> Change:
    """Delete a record (and a commitment's follow-ups); the history keeps it for restoring.
    A meeting that commitments still point to is not deleted: they would lose their link."""
    with store.transaction() as cursor:
        current = fetch(cursor, kind, ident)
        _check_unchanged(kind, ident, expected, current)
        for table, column in _REFERENCES.get(kind, ()):
            users = cursor.execute(
                f"SELECT DISTINCT {'commitment' if table == 'followups' else 'id'} FROM {table} "
                f"WHERE {column} = ?",
                [ident],
            ).fetchall()
            if users:
                names = ", ".join(sorted(str(u) for (u,) in users))
                reason = _(
                    "meeting {id} is still linked from commitments ({names}); relink or delete "
                    "them first"
                )
                raise InputError(reason.format(id=repr(ident), names=names))
        if kind == "commitments":
            cursor.execute("DELETE FROM followups WHERE commitment = ?", [ident])
        cursor.execute(f"DELETE FROM {kind} WHERE id = ?", [ident])
        change = Change(kind, ident, "delete", current, None)
        log_change(cursor, editor, change, "form")
        return change


def add_followup(
    store: Store,
    editor: str,
    commitment: str,
    strings: dict[str, str],
    expected: Record | None,
) -> Change:
    """A dated note on a commitment; a note that sets a status also updates the commitment."""
    with store.transaction() as cursor:
        current = fetch(cursor, "commitments", commitment)
        _check_unchanged("commitments", commitment, expected, current)
        known = known_from(cursor)
        known.followup_counts[commitment] = len((current or {}).get("followups") or [])
        values = validate("followups", {**strings, "commitment": commitment}, known)
        insert(cursor, "followups", [values])
        status, evidence = values["status_after"], values["evidence_meeting"]
        if status:
            cursor.execute(
                """UPDATE commitments SET status = ?,
                       fulfilled_by = CASE WHEN ? = 'fulfilled' THEN coalesce(?, fulfilled_by)
                                           ELSE fulfilled_by END
                   WHERE id = ?""",
                [status, status, evidence, commitment],
            )
        change = Change(
            "commitments", commitment, "change", current, fetch(cursor, "commitments", commitment)
        )
        log_change(cursor, editor, change, "follow-up")
        return change


def restore(store: Store, editor: str, change_id: int) -> Change:
    """Bring back a deleted record as it was just before it was deleted."""
    with store.transaction() as cursor:
        found = cursor.execute(
            "SELECT record_kind, record_id, before FROM history "
            "WHERE change_id = ? AND action = 'delete'",
            [change_id],
        ).fetchone()
        if found is None:
            reason = _("change {number} is not a deletion; nothing to restore")
            raise InputError(reason.format(number=change_id))
        kind, ident, before = found
        record = json.loads(before)
        if fetch(cursor, kind, ident) is not None:
            raise InputError(_exists_again(kind).format(id=repr(ident)))
        change = write(
            cursor,
            editor,
            kind,
            to_strings(kind, record),
            expected=None,
            via="restore",
            action="restore",
        )
        if kind == "commitments":
            _restore_followups(cursor, record)
        return change


PICK_LIMIT = 200
# label, what a search looks in, and the order (newest first) for each kind's record picker.
_PICK = {
    "meetings": ("short_title || ' — ' || id", "lower(title || ' ' || id)", "start_date DESC"),
    "phases": ("title || ' — ' || id", "lower(title || ' ' || id)", "project, phase"),
    "commitments": ("left(text, 70) || ' — ' || id", "lower(text || ' ' || id)", "made_on DESC"),
}


def pick_labels(
    store: Store, kind: Kind, search: str = "", include: str | None = None
) -> tuple[dict[str, str], int]:
    """id → label of the records an editor can pick: the first PICK_LIMIT (newest meetings and
    commitments first, phases by project) that hold every word of `search`, plus `include`
    (the one picked already), and how many match.
    A million commitments do not fit in a drop-down; a search narrows them."""
    label, searched, order = _PICK[kind]
    clauses: list[str] = []
    params: dict[str, Any] = {"limit": PICK_LIMIT}
    for index, word in enumerate(search.lower().split()):
        clauses.append(f"contains({searched}, $word_{index})")
        params[f"word_{index}"] = word
    condition = " AND ".join(clauses) or "TRUE"
    found = store.rows(
        f"""SELECT id, {label}, count(*) OVER () FROM {kind} WHERE {condition}
            ORDER BY {order}, id LIMIT $limit""",
        params,
    )
    labels = {str(ident): str(text) for ident, text, _ in found}
    if include is not None and include not in labels:
        extra = store.rows(f"SELECT id, {label} FROM {kind} WHERE id = ?", [include])
        labels |= {str(ident): str(text) for ident, text in extra}
    return labels, int(found[0][2]) if found else 0


def history(
    store: Store, kind: str | None = None, ident: str | None = None, limit: int = 200
) -> pd.DataFrame:
    """The newest changes first, optionally for one record."""
    return store.frame(
        """SELECT change_id, changed_at, editor, record_kind, record_id, action, via,
                  before, after
           FROM history
           WHERE ($kind IS NULL OR record_kind = $kind) AND ($id IS NULL OR record_id = $id)
           ORDER BY change_id DESC LIMIT $limit""",
        {"kind": kind, "id": ident, "limit": limit},
    )


def deleted(store: Store) -> pd.DataFrame:
    """Deletions whose record is still gone, newest first: what can be restored."""
    return store.frame(
        """SELECT h.change_id, h.changed_at, h.editor, h.record_kind, h.record_id
           FROM history h
           WHERE h.action = 'delete'
             AND h.change_id = (SELECT max(change_id) FROM history x
                                WHERE x.record_kind = h.record_kind AND x.record_id = h.record_id)
           ORDER BY h.change_id DESC"""
    )
