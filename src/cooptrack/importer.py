"""Bulk import of CSV or Excel files in the export's own columns.

A file is read, every row turned back from readable labels into codes and validated as the seed
loader validates; the plan lists what would be added and changed and every problem with its row,
column and reason. Applying is all or nothing, in one transaction, with a history line per record.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb
import pycountry

from cooptrack import records
from cooptrack.errors import InputError, SeedError
from cooptrack.records import Kind, Record
from cooptrack.seed import CONVERTERS, NO_PUBLIC_SOURCE, Row
from cooptrack.store import Store

MAX_ROWS = 100_000
REQUIRED = {
    "meetings": {"id", "title", "kind", "start_date", "status", "sources"},
    "phases": {"id", "project", "title", "sources"},
    "commitments": {"id", "text", "made_by", "status", "sources"},
}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column!r}: {self.reason}"


@dataclass
class Plan:
    """What applying the file would do; nothing is written while making it."""

    kind: Kind
    source: str
    adds: list[tuple[str, str]] = field(default_factory=list)
    changes: list[tuple[str, list[tuple[str, Any, Any]]]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    rows: list[tuple[dict[str, str], Record | None]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.source}: {len(self.adds)} to add, {len(self.changes)} to change, "
            f"{self.unchanged} unchanged, {len(self.problems)} problems"
        )


def read_table(name: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """(row number, cells) from CSV (UTF-8) or .xlsx bytes; cells as text, dates as ISO."""
    if name.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{name} is not UTF-8 text; save it as CSV UTF-8 or .xlsx") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
        rows: list[tuple[int, dict[str, str]]] = []
        line = reader.line_num + 1
        for cells in reader:
            if len(cells) != len(header):
                raise InputError(
                    f"{name}, row {line}: {len(cells)} cells, header has {len(header)}"
                )
            if any(c.strip() for c in cells):
                rows.append((line, dict(zip(header, cells, strict=True))))
            line = reader.line_num + 1
    except csv.Error as error:
        raise InputError(f"{name}, row {reader.line_num}: not valid CSV ({error})") from None
    if not header:
        raise InputError(f"{name} is empty")
    return rows


def _read_xlsx(content: bytes) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook  # noqa: PLC0415 - only .xlsx imports need it

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise InputError(f"not a readable .xlsx workbook ({type(error).__name__})") from None
    values = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(values, ())]
    rows = []
    for number, cells in enumerate(values, start=2):
        texts = [_cell_text(c) for c in cells]
        if any(texts):
            rows.append((number, dict(zip(header, texts, strict=False))))
    return rows


def _cell_text(value: Any) -> str:
    """Excel turns ISO dates into dates and ordinals into floats; turn them back."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def detect_kind(columns: set[str]) -> Kind:
    for kind in records.KINDS:
        if REQUIRED[kind] <= columns and ({"text", "made_by"} <= columns) == (
            kind == "commitments"
        ):
            return kind
    raise InputError(
        "cannot tell what the file holds: use the columns of a `cooptrack export` file "
        "(meetings, phases or commitments)"
    )


class Labels:
    """Readable labels of an export turned back into the record's codes."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        def table(sql: str) -> dict[str, str]:
            return {
                str(label).casefold(): str(key) for key, label in cursor.execute(sql).fetchall()
            }

        self.countries = table("SELECT code, name FROM countries")
        self.organisations = table("SELECT id, name FROM organisations")
        self.topics = table("SELECT id, label FROM topics")
        self.meetings = table("SELECT id, title FROM meetings")
        self.projects = table("SELECT id, name FROM projects")

    def country(self, label: str) -> str | None:
        found = self.countries.get(label.casefold())
        if found:
            return found
        try:
            return str(pycountry.countries.lookup(label).alpha_2)
        except LookupError:
            return None

    def many(self, text: str, lookup: Any, what: str) -> str:
        codes = []
        for label in (part.strip() for part in text.split(";")):
            if not label:
                continue
            code = lookup(label) if callable(lookup) else lookup.get(label.casefold())
            if code is None:
                raise LookupError(f"unknown {what} {label!r}")
            codes.append(code)
        return ";".join(codes)

    def one(self, text: str, table: dict[str, str], what: str) -> str:
        return self.many(text, table, what) if text.strip() else ""

    def actor(self, label: str) -> str | None:
        return self.organisations.get(label.casefold()) or self.country(label)


class LabelError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


def to_seed_strings(kind: Kind, cells: dict[str, str], labels: Labels) -> dict[str, str]:
    """An export row in the seed format; raises LabelError naming the column and label."""

    def get(column: str) -> str:
        return (cells.get(column) or "").strip()

    def codes(column: str, lookup: Any, what: str) -> str:
        try:
            return labels.many(get(column), lookup, what)
        except LookupError as error:
            raise LabelError(column, str(error)) from None

    strings = {
        "id": get("id"),
        "countries": codes("countries", labels.country, "country"),
        "conventions": get("conventions").replace(" ", "").upper(),
        "topics": codes("topics", labels.topics, "topic"),
        "confidence": get("confidence") or "L",
        "sources": get("sources").replace(" ", ""),
    }
    if get("sources").lower() == NO_PUBLIC_SOURCE:
        strings["sources"] = NO_PUBLIC_SOURCE
    if kind == "meetings":
        strings |= {
            "title": get("title"),
            "short_title": get("short_title"),
            "kind": get("kind"),
            "series": get("series"),
            "ordinal": get("ordinal"),
            "start": get("start_date"),
            "end": get("end_date"),
            "tentative": get("tentative").lower(),
            "city": get("city"),
            "host_country": codes("host_country", labels.country, "country"),
            "format": get("format"),
            "status": get("status"),
            "chairs": ";".join(p.strip() for p in get("chairs").split(";")),
            "chair_organisations": codes(
                "chair_organisations", labels.organisations, "organisation"
            ),
            "organisers": codes("organisers", labels.organisations, "organisation"),
            "summary": get("summary"),
        }
    elif kind == "phases":
        strings |= {
            "project": codes("project", labels.projects, "project"),
            "phase": get("phase"),
            "title": get("title"),
            "implementers": codes("implementers", labels.organisations, "organisation"),
            "budget": get("budget"),
            "currency": get("currency"),
            "summary": get("summary"),
        } | {c: get(c) for c in ("planned_start", "planned_end", "actual_start", "actual_end")}
    else:
        strings |= {
            "text": get("text"),
            "made_by": codes("made_by", labels.actor, "organisation or country"),
            "meeting": codes("meeting", labels.meetings, "meeting"),
            "made_on": get("made_on"),
            "due": get("due_date"),
            "ahead_of": codes("ahead_of", labels.meetings, "meeting"),
            "status": get("status"),
            "fulfilled_by": codes("fulfilled_by", labels.meetings, "meeting"),
        }
    return strings


def plan(store: Store, name: str, content: bytes, kind: Kind | None = None) -> Plan:
    """Read and check a whole file against the database; writes nothing."""
    table = read_table(name, content)
    if len(table) > MAX_ROWS:
        raise InputError(f"{name} has {len(table)} rows; import at most {MAX_ROWS} at a time")
    columns = set(table[0][1]) if table else set()
    chosen = kind or detect_kind(columns)
    missing = REQUIRED[chosen] - columns
    if missing:
        raise InputError(f"{name} lacks the column(s) {', '.join(sorted(missing))}")
    result = Plan(chosen, name)
    with store.cursor() as cursor:
        labels = Labels(cursor)
        seen: set[str] = set()
        for number, cells in table:
            _plan_row(cursor, result, labels=labels, number=number, cells=cells, seen=seen)
    return result


def _plan_row(
    cursor: duckdb.DuckDBPyConnection,
    result: Plan,
    *,
    labels: Labels,
    number: int,
    cells: dict[str, str],
    seen: set[str],
) -> None:
    try:
        strings = to_seed_strings(result.kind, cells, labels)
    except LabelError as error:
        result.problems.append(Problem(number, error.column, error.reason))
        return
    ident = strings["id"]
    if ident in seen:
        result.problems.append(Problem(number, "id", f"{ident!r} appears twice in the file"))
        return
    seen.add(ident)
    current = records.fetch(cursor, result.kind, ident) if ident else None
    known = records.known_from(cursor, skip=(result.kind, ident))
    try:
        values = CONVERTERS[result.kind](Row(result.source, number, strings, known), known)
    except SeedError as error:
        result.problems.append(Problem(number, error.column, error.reason))
        return
    result.rows.append((strings, current))
    if current is None:
        result.adds.append((ident, strings.get("title") or strings.get("text") or ""))
        return
    changes = _changed_fields(cursor, result.kind, values, current)
    if changes:
        result.changes.append((ident, changes))
    else:
        result.unchanged += 1


def _changed_fields(
    cursor: duckdb.DuckDBPyConnection, kind: Kind, values: tuple[Any, ...], current: Record
) -> list[tuple[str, Any, Any]]:
    names = [d[0] for d in cursor.execute(f"SELECT * FROM {kind} LIMIT 0").description or []]
    new = {n: records.plain(v) for n, v in zip(names, values, strict=True)}
    return [(n, current.get(n), new[n]) for n in names if current.get(n) != new[n]]


def apply(store: Store, editor: str, result: Plan) -> int:
    """Write every planned row in one transaction; refuse a plan that has problems."""
    if result.problems:
        raise InputError(f"{result.summary()}; fix them first, nothing was written")
    written = 0
    with store.transaction() as cursor:
        for strings, current in result.rows:
            change = records.write(
                cursor,
                editor,
                result.kind,
                strings,
                expected=current,
                via=f"import {result.source}",
            )
            written += change.before != change.after
    return written
