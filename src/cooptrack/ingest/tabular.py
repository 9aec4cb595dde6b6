"""Bulk import of CSV or Excel files in the export's own columns.

A file is read within limits checked before the work starts (size, declared and read rows,
columns); every row is turned back from readable labels into codes and validated as the seed
loader validates, against the record plus the rows above it in the same file. The plan lists
what would be added and changed and every problem with its row, column and reason. Applying runs
the same checks again inside its transaction and writes every row at once, with a history line
per record, or nothing: whatever would stop the write shows in the plan first.

In bulk on purpose: the ids a file may refer to are loaded once, its stored records fetched in
one query and the rows inserted as one table, so that 100,000 rows take seconds, not minutes.

Russian versions of the texts come in the optional `*_ru` columns (`RUSSIAN`). A file without
such a column keeps the Russian version each record holds (an older export, another tool); an
empty cell in a column the file has removes it. Labels may be English or Russian names (a
download made in Russian imports back). Problems are worded in the current language.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

import duckdb
import pyarrow as pa
import pycountry
from babel.numbers import format_decimal

from cooptrack import i18n
from cooptrack.dates import PartialDate, Precision
from cooptrack.db.schema import KINDS, SINGULAR, Kind
from cooptrack.db.store import Store
from cooptrack.errors import InputError, Problem, SeedError
from cooptrack.i18n import ENGLISH_MARKER, _
from cooptrack.query.export import plain_cell
from cooptrack.record.edits import Record, conflict
from cooptrack.record.validation import (
    CONVERTERS,
    NO_PUBLIC_SOURCE,
    OPTIONAL_COLUMNS,
    Known,
    Row,
    Values,
    item_too_long,
    quoted,
    title_key,
    too_long,
    too_many,
    unknown,
)
from cooptrack.reference import russian_country_names

Progress = Callable[[int, int], None]

MAX_ROWS = 100_000
MAX_BYTES = 64 * 2**20  # a 100,000-row export with long texts is about 30 MB
MAX_COLUMNS = 64
MAX_UNPACKED = 512 * 2**20  # an .xlsx is a zip: what its parts may expand to
PROGRESS_EVERY = 2_000
REQUIRED = {
    "meetings": {"id", "title", "kind", "start_date", "status", "sources"},
    "phases": {"id", "project", "title", "sources"},
    "commitments": {"id", "text", "made_by", "status", "sources"},
}
_COMMON = ("id", "countries", "conventions", "topics", "confidence", "sources")
# The Russian versions of a record's texts, as the seed files and the export name them.
RUSSIAN: dict[Kind, tuple[str, ...]] = {kind: OPTIONAL_COLUMNS[kind] for kind in KINDS}
# Every column an export of each kind has. The import accepts all of them, so an export
# imports back as it is, but uses none that is derived from others: a meeting's
# `organisations` (its chairs' and organisers'), a commitment's `due` (its due date or the
# meeting it looked ahead to), `overdue` and latest follow-up (the follow-ups say those).
COLUMNS: dict[str, frozenset[str]] = {
    "meetings": frozenset(
        {*_COMMON, "title", "short_title", "kind", "series", "ordinal", "start_date", "end_date"}
        | {"tentative", "city", "host_country", "format", "status", "chairs", "summary"}
        | {"chair_organisations", "organisers", "organisations", *RUSSIAN["meetings"]}
    ),
    "phases": frozenset(
        {*_COMMON, "project", "phase", "title", "implementers", "budget", "currency", "summary"}
        | {"planned_start", "planned_end", "actual_start", "actual_end", *RUSSIAN["phases"]}
    ),
    "commitments": frozenset(
        {*_COMMON, "text", "made_by", "meeting", "made_on", "due_date", "ahead_of", "status"}
        | {"fulfilled_by", *RUSSIAN["commitments"]}
        | {"due", "overdue", "latest_followup_on", "latest_followup"}  # derived: read, unused
    ),
}
_MERGED = re.compile(
    rb"<(?:[A-Za-z_][\w.-]{0,30}:)?mergeCell\s[^>]{0,200}?ref=\"([A-Z]{1,3})([0-9]{1,7})"
    rb"(?::([A-Z]{1,3})([0-9]{1,7}))?\""
)


@dataclass(frozen=True)
class PlannedRow:
    """A row that passed every check: its cells as read (applying checks them again), the
    table row they give, and the record as stored when planned (None for a new one)."""

    number: int
    cells: dict[str, str]
    values: Values
    current: Record | None


@dataclass
class Plan:
    """What applying the file would do; nothing is written while making it."""

    kind: Kind
    source: str
    adds: list[tuple[str, str]] = field(default_factory=list)
    changes: list[tuple[str, list[tuple[str, Any, Any]]]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
    mark: tuple[Any, ...] = ()  # the record when planned (see `record_mark`)

    def summary(self) -> str:
        return _(
            "{file}: {added} to add, {changed} to change, {unchanged} unchanged, "
            "{problems} problems"
        ).format(
            file=self.source,
            added=i18n.number(len(self.adds)),
            changed=i18n.number(len(self.changes)),
            unchanged=i18n.number(self.unchanged),
            problems=i18n.number(len(self.problems)),
        )


@dataclass
class Sheet:
    """A file's header (lower case, without surrounding spaces; "" for an unnamed column), its
    non-empty rows by row number, and the cells that cannot be imported (formulas, extra cells,
    merged cells), each a problem naming its row and column."""

    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def column_name(self, index: int) -> str:
        """The header's name for the column at `index` (0-based), else its letter."""
        named = self.header[index] if index < len(self.header) else ""
        return named or column_letter(index + 1)

    def add(self, number: int, cells: list[str], cell_refs: bool) -> None:
        """One row: named cells kept, a value under no column name a problem."""
        row: dict[str, str] = {}
        for index, text in enumerate(cells):
            if not text.strip():
                continue
            if index < len(self.header) and self.header[index]:
                row[self.header[index]] = plain_cell(text)  # as it was before an export
                continue
            if cell_refs:
                reason = _(
                    "cell {cell} holds {value} under no column name in the header; name the "
                    "column or remove the cell"
                )
            else:
                reason = _(
                    "a cell holds {value} under no column name in the header; name the column "
                    "or remove the cell"
                )
            cell = f"{column_letter(index + 1)}{number}"
            self.problems.append(
                Problem(
                    number,
                    column_letter(index + 1),
                    reason.format(cell=cell, value=quoted(text, 30)),
                )
            )
        if row:
            self.rows.append((number, row))


def column_letter(number: int) -> str:
    """1 → A, 27 → AA: how a spreadsheet names a column."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


# --- reading files ---------------------------------------------------------------------------


def read_table(name: str, content: bytes) -> Sheet:
    """The header and rows of a CSV (UTF-8) or .xlsx file, cells as text (dates as ISO), within
    the limits on size, rows and columns; InputError for a file that cannot be read at all."""
    if len(content) > MAX_BYTES:
        raise InputError(
            _("{file} is {size} MB; import at most {limit} MB at a time (split the file)").format(
                file=name, size=_megabytes(len(content), "#,##0.0"), limit=MAX_BYTES // 2**20
            )
        )
    if name.lower().endswith((".xlsx", ".xlsm")):
        sheet = _read_xlsx(name, content)
    else:
        sheet = _read_csv(name, content)
    if not sheet.rows and not sheet.problems:
        raise InputError(_("{file} has a header but no rows").format(file=name))
    return sheet


def _megabytes(size: int, pattern: str) -> str:
    """A size in MB as the current language writes numbers ("1,234.5" / "1 234,5")."""
    return str(format_decimal(size / 2**20, format=pattern, locale=i18n.locale()))


def _header(name: str, cells: list[str]) -> list[str]:
    """Column names matched without case or surrounding spaces; each name only once."""
    header = [cell.strip().lower() for cell in cells]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise InputError(
            _("{file}: row 1 is empty; the first row must name the columns").format(file=name)
        )
    first: dict[str, int] = {}
    for index, column in enumerate(header):
        if column and column in first:
            reason = _(
                "{file}, row 1: the header names {column} twice (columns {first} and "
                "{second}); name each column once"
            )
            raise InputError(
                reason.format(
                    file=name,
                    column=quoted(column),
                    first=column_letter(first[column] + 1),
                    second=column_letter(index + 1),
                )
            )
        first[column] = index
    if len(header) > MAX_COLUMNS:
        raise InputError(_too_many_columns(name, len(header)))
    return header


def _too_many_columns(name: str, count: int) -> str:
    return _("{file}, row 1: {count} columns; a file has at most {limit}").format(
        file=name, count=i18n.number(count), limit=MAX_COLUMNS
    )


def _too_many_rows(name: str) -> InputError:
    return InputError(
        _(
            "{file} has more than {limit} rows; import at most {limit} at a time (split the file)"
        ).format(file=name, limit=i18n.number(MAX_ROWS))
    )


def _read_csv(name: str, content: bytes) -> Sheet:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            _(
                "{file} is not UTF-8 text (byte {byte} is not); save it as CSV UTF-8 or .xlsx"
            ).format(file=name, byte=i18n.number(error.start + 1))
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        first = next(reader, None)
        if first is None:
            raise InputError(_("{file} is empty").format(file=name))
        sheet = Sheet(name, _header(name, first))
        width = len(first)
        line = reader.line_num + 1
        for count, cells in enumerate(reader, start=1):
            if count > MAX_ROWS:
                raise _too_many_rows(name)
            if any(cell.strip() for cell in cells):
                if len(cells) < width:
                    missing = sheet.column_name(len(cells))
                    reason = _("the row has {cells} cells, the header has {width}").format(
                        cells=i18n.number(len(cells)), width=i18n.number(width)
                    )
                    sheet.problems.append(Problem(line, missing, reason))
                sheet.add(line, cells, cell_refs=False)
            line = reader.line_num + 1
    except csv.Error as error:
        reason = str(error)
        if "field larger than field limit" in reason:
            reason = _("a cell is longer than {limit} characters").format(
                limit=i18n.number(csv.field_size_limit())
            )
        raise InputError(
            _("{file}, row {row}: not valid CSV ({reason})").format(
                file=name, row=reader.line_num, reason=reason
            )
        ) from None
    return sheet


def _check_zip(name: str, content: bytes) -> None:
    """An .xlsx is a zip archive: refuse one whose parts would expand beyond the limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InputError(
            _("{file} is not a readable .xlsx workbook (not a zip archive)").format(file=name)
        ) from None
    if unpacked > MAX_UNPACKED:
        raise InputError(
            _("{file} expands to {size} MB; an .xlsx may expand to at most {limit} MB").format(
                file=name, size=_megabytes(unpacked, "#,##0"), limit=MAX_UNPACKED // 2**20
            )
        )


def _read_xlsx(name: str, content: bytes) -> Sheet:
    from openpyxl import load_workbook  # noqa: PLC0415 - only .xlsx imports need it

    _check_zip(name, content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise _unreadable(name, error) from None
    try:
        sheets = list(book.worksheets)
        if not sheets:
            raise InputError(_("{file} has no worksheet").format(file=name))
        for other in sheets[1:]:
            if _holds_values(name, other):
                reason = _(
                    "{file}: sheet {sheet} holds data too; only the first sheet ({first}) is "
                    "imported, so save the sheet to import alone"
                )
                raise InputError(
                    reason.format(
                        file=name, sheet=quoted(other.title), first=quoted(sheets[0].title)
                    )
                )
        sheet = _sheet(name, sheets[0])
        _merged_cells(content, sheets[0], sheet)
        return sheet
    except InputError:
        raise
    except Exception as error:
        raise _unreadable(name, error) from None
    finally:
        book.close()


def _unreadable(name: str, error: BaseException) -> InputError:
    cause: BaseException | None = error
    while cause is not None:  # openpyxl wraps what the XML parser raised
        if "Forbidden" in type(cause).__name__:  # defusedxml: a DTD or entity in a part
            return InputError(
                _("{file} declares a DTD or entities, which are refused for safety").format(
                    file=name
                )
            )
        cause = cause.__cause__ or cause.__context__
    return InputError(
        _("{file} is not a readable .xlsx workbook ({error})").format(
            file=name, error=type(error).__name__
        )
    )


def _check_declared_size(name: str, worksheet: Any) -> None:
    """Refuse what the sheet declares (its dimension) before reading a row of it."""
    rows, columns = worksheet.max_row or 0, worksheet.max_column or 0
    if rows > MAX_ROWS + 1:
        reason = _(
            "{file}: the sheet declares {rows} rows; import at most {limit} at a time (delete "
            "the empty rows below the data, or split the file)"
        )
        raise InputError(
            reason.format(file=name, rows=i18n.number(rows), limit=i18n.number(MAX_ROWS))
        )
    if columns > MAX_COLUMNS:
        reason = _("{file}: the sheet declares {columns} columns; a file has at most {limit}")
        raise InputError(reason.format(file=name, columns=i18n.number(columns), limit=MAX_COLUMNS))
    worksheet.reset_dimensions()  # read what is there, not what the dimension says


def _cells(name: str, worksheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, cells) of a sheet, stopping at the row and column limits."""
    _check_declared_size(name, worksheet)
    for number, cells in enumerate(worksheet.iter_rows(), start=1):
        if number > MAX_ROWS + 1:
            raise _too_many_rows(name)
        if len(cells) > MAX_COLUMNS and any(c.value is not None for c in cells[MAX_COLUMNS:]):
            reason = _(
                "{file}, row {row}: a value in column {column}; a file has at most {limit} columns"
            )
            raise InputError(
                reason.format(
                    file=name, row=number, column=column_letter(len(cells)), limit=MAX_COLUMNS
                )
            )
        yield number, cells


def _holds_values(name: str, worksheet: Any) -> bool:
    return any(c.value is not None for _, cells in _cells(name, worksheet) for c in cells)


def _sheet(name: str, worksheet: Any) -> Sheet:
    rows = _cells(name, worksheet)
    first = next(rows, None)
    if first is None:
        raise InputError(_("{file} is empty").format(file=name))
    sheet = Sheet(name, _header(name, [_cell_text(c.value) for c in first[1]]))
    for number, cells in rows:
        texts = []
        for index, cell in enumerate(cells):
            text = _cell_text(cell.value)
            problem = _unreadable_cell(sheet, number, index, cell.data_type, text)
            if problem is not None:
                sheet.problems.append(problem)
                text = ""
            texts.append(text)
        sheet.add(number, texts, cell_refs=True)
    return sheet


def _unreadable_cell(
    sheet: Sheet, number: int, index: int, data_type: str, text: str
) -> Problem | None:
    """A formula or an error value: refused, since the file keeps no value it could give."""
    ref = f"{column_letter(index + 1)}{number}"
    if data_type == "f":
        reason = _(
            "cell {cell} holds the formula {formula}; formulas are not imported, so replace it "
            "with its value (copy, then paste values only)"
        ).format(cell=ref, formula=quoted(text, 40))
    elif data_type == "e":
        reason = _("cell {cell} holds the error value {value}").format(
            cell=ref, value=quoted(text, 20)
        )
    else:
        return None
    return Problem(number, sheet.column_name(index), reason)


def _merged_cells(content: bytes, worksheet: Any, sheet: Sheet) -> None:
    """Merged cells give their value to their first cell only: the rows below would silently
    lose it, so each merged range is a problem."""
    path = getattr(worksheet, "_worksheet_path", None)
    if not path:
        return
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read(path)
    for match in _MERGED.finditer(xml):
        first_col, first_row = match.group(1).decode(), int(match.group(2))
        last = f":{match.group(3).decode()}{int(match.group(4))}" if match.group(3) else ""
        sheet.problems.append(
            Problem(
                first_row,
                sheet.column_name(_column_number(first_col) - 1),
                _(
                    "cells {cells} are merged; unmerge them and fill each cell (a merged range "
                    "keeps its value in its first cell only)"
                ).format(cells=f"{first_col}{first_row}{last}"),
            )
        )


def _cell_text(value: Any) -> str:
    """Excel turns ISO dates into dates and ordinals into floats; turn them back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time | timedelta):
        return value.isoformat() if not isinstance(value, timedelta) else str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- what the file holds ---------------------------------------------------------------------


def detect_kind(columns: set[str]) -> Kind:
    """The kind of record a file's columns are for; the message names what is missing."""
    for kind in KINDS:
        if REQUIRED[kind] <= columns and ({"text", "made_by"} <= columns) == (
            kind == "commitments"
        ):
            return kind
    closest = min(KINDS, key=lambda k: len(REQUIRED[k] - columns))
    missing = sorted(REQUIRED[closest] - columns)
    if not missing:
        raise InputError(
            _(
                "cannot tell what the file holds: its columns fit more than one kind of record; "
                "say which (--kind meetings, phases or commitments)"
            )
        )
    reason = _(
        "cannot tell what the file holds: it comes closest to {kind} (the columns of "
        "`cooptrack export {kind}`), which also need the column(s) {columns}"
    )
    raise InputError(reason.format(kind=closest, columns=", ".join(missing)))


def _check_columns(name: str, kind: Kind, header: list[str]) -> None:
    columns = {column for column in header if column}
    missing = REQUIRED[kind] - columns
    if missing:
        raise InputError(
            _("{file} lacks the column(s) {columns}").format(
                file=name, columns=", ".join(sorted(missing))
            )
        )
    unread = sorted(columns - COLUMNS[kind])
    if unread:
        names = ", ".join(quoted(column, 30) for column in unread[:10])
        known = ", ".join(sorted(COLUMNS[kind]))
        raise InputError(_unread_columns(kind).format(file=name, columns=names, known=known))


def _unread_columns(kind: Kind) -> str:
    """The message naming columns the import does not read, one per kind of file."""
    if kind == "meetings":
        return _(
            "{file}, row 1: the import does not read the column(s) {columns}; remove them or "
            "correct their names (a meeting file has: {known})"
        )
    if kind == "phases":
        return _(
            "{file}, row 1: the import does not read the column(s) {columns}; remove them or "
            "correct their names (a phase file has: {known})"
        )
    return _(
        "{file}, row 1: the import does not read the column(s) {columns}; remove them or "
        "correct their names (a commitment file has: {known})"
    )


# --- labels back to codes ----------------------------------------------------------------------


class LabelError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


def _named(rows: list[tuple[Any, Any, Any]]) -> dict[str, str]:
    """name → id for rows of (id, English name, Russian name), any case: every English name,
    and a Russian one that names no other record (an English name wins over a Russian one)."""
    english = {str(name).casefold(): str(ident) for ident, name, _russian in rows}
    russian: dict[str, set[str]] = {}
    for ident, _english, name in rows:
        if name is not None and str(name).strip():
            russian.setdefault(str(name).strip().casefold(), set()).add(str(ident))
    unique = {name: ids.pop() for name, ids in russian.items() if len(ids) == 1}
    return {**unique, **english}


class Labels:
    """The record's codes, names and ids, read once per plan: readable labels of an export
    (English or Russian names) turned back into codes, and the ids that rows may refer to."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        def rows(sql: str) -> list[tuple[Any, Any, Any]]:
            return [(a, b, c) for a, b, c in cursor.execute(sql).fetchall()]

        self.countries = {
            **russian_country_names(),
            **_named(rows("SELECT code, name, name_ru FROM countries")),
        }
        organisations = rows("SELECT id, name, name_ru FROM organisations")
        self.organisations = _named(organisations)
        topics = rows("SELECT id, label, label_ru FROM topics")
        self.topics = _named(topics)
        projects = rows("SELECT id, name, name_ru FROM projects")
        self.projects = _named(projects)
        conventions = rows("SELECT code, name, name_ru FROM conventions")
        self.conventions = _named(conventions)
        meetings = cursor.execute(
            "SELECT id, title, lower(title), start_date, start_precision, title_ru FROM meetings"
        ).fetchall()
        self.meetings = {
            title_key(name): ident
            for name, ident in _named([(i, t, r) for i, t, _l, _s, _p, r in meetings]).items()
        }
        self.meeting_titles = {str(ident): str(key) for ident, _t, key, *_rest in meetings}
        self.meeting_starts = {
            str(ident): PartialDate(start, cast(Precision, precision))
            for ident, _t, _l, start, precision, _r in meetings
        }
        self.ids: dict[str, set[str]] = {
            "organisation": {str(row[0]) for row in organisations},
            "topic": {str(row[0]) for row in topics},
            "project": {str(row[0]) for row in projects},
            "meeting": set(self.meeting_titles),
            "convention": {str(row[0]) for row in conventions},
        }
        self._looked_up: dict[str, str | None] = {}

    def known(self, own: str, replaced: Iterable[str] = ()) -> Known:
        """Every stored id the rows may refer to, as sets; the file's own kind starts empty
        (rows are checked against each other; a stored id in the file is a change). Meeting
        titles are those of the stored meetings the file does not replace."""
        known = Known()
        known.ids = {kind: set(ids) for kind, ids in self.ids.items()}
        known.ids[own] = set()
        skipped = set(replaced) if own == "meeting" else set()
        known.ids["meeting title"] = {
            key for ident, key in self.meeting_titles.items() if ident not in skipped
        }
        known.meeting_starts = dict(self.meeting_starts)
        return known

    def country(self, label: str) -> str | None:
        found = self.countries.get(label.casefold())
        if found:
            return found
        if label not in self._looked_up:
            try:
                self._looked_up[label] = str(pycountry.countries.lookup(label).alpha_2)
            except LookupError:
                self._looked_up[label] = None
        return self._looked_up[label]

    def actor(self, label: str) -> str | None:
        return self.organisations.get(label.casefold()) or self.country(label)

    def meeting(self, label: str) -> str | None:
        return self.meetings.get(title_key(label))

    def convention(self, label: str) -> str:
        """A code as written (any case, spaces ignored: "unece - water"), or a name in English
        or Russian; what is neither is returned as a code, for validation to name."""
        name = label.strip().casefold()
        return self.conventions.get(name) or label.replace(" ", "").upper()


_MARKER = ENGLISH_MARKER.strip()


def _lookup(lookup: Callable[[str], str | None] | dict[str, str], label: str) -> str | None:
    found = lookup(label) if callable(lookup) else lookup.get(label.casefold())
    if found is None and label.endswith(_MARKER):
        # A download in Russian marks a title it shows in English ("… [EN]").
        return _lookup(lookup, label.removesuffix(_MARKER).rstrip())
    return found


def to_seed_strings(kind: Kind, cells: dict[str, str], labels: Labels) -> dict[str, str]:
    """An export row in the seed format; raises LabelError naming the column and label."""

    def get(column: str) -> str:
        return (cells.get(column) or "").strip()

    def codes(column: str, lookup: Any, what: str) -> str:
        parts = [part.strip() for part in get(column).split(";") if part.strip()]
        if len(parts) > Row.MAX_ITEMS:
            raise LabelError(column, too_many(len(parts), Row.MAX_ITEMS))
        found = []
        for place, label in enumerate(parts, start=1):
            if len(label) > Row.MAX_SHORT:
                raise LabelError(column, item_too_long(place, len(label), Row.MAX_SHORT))
            code = _lookup(lookup, label)
            if code is None:
                raise LabelError(column, unknown(what, label))
            found.append(code)
        return ";".join(found)

    def one(column: str, lookup: Any, what: str) -> str:
        """A single label, which may itself hold ';' (a meeting's title)."""
        label = get(column)
        if not label:
            return ""
        if len(label) > Row.MAX_SHORT:
            raise LabelError(column, too_long(len(label), Row.MAX_SHORT))
        code = _lookup(lookup, label)
        if code is None:
            raise LabelError(column, unknown(what, label))
        return code

    strings = {
        "id": get("id"),
        "countries": codes("countries", labels.country, "country"),
        "conventions": ";".join(labels.convention(part) for part in get("conventions").split(";")),
        "topics": codes("topics", labels.topics, "topic"),
        "confidence": get("confidence") or "L",
        "sources": ";".join(part.strip() for part in get("sources").split(";")),
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
            "host_country": one("host_country", labels.country, "country"),
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
            "project": one("project", labels.projects, "project"),
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
            "meeting": one("meeting", labels.meeting, "meeting"),
            "made_on": get("made_on"),
            "due": get("due_date"),
            "ahead_of": one("ahead_of", labels.meeting, "meeting"),
            "status": get("status"),
            "fulfilled_by": one("fulfilled_by", labels.meeting, "meeting"),
        }
    # A Russian column the file has, even with an empty cell (`mark_columns`); one it lacks is
    # left out, so that the record's own Russian version is kept (`keep_stored_russian`).
    strings |= {column: get(column) for column in RUSSIAN[kind] if column in cells}
    return strings


def mark_columns(kind: Kind, header: list[str], rows: list[tuple[int, dict[str, str]]]) -> None:
    """Give every row the Russian columns the header names, empty where its cell is: a row
    keeps only its non-empty cells, and an empty Russian cell must clear the stored version,
    where a column the file lacks keeps it."""
    present = [column for column in RUSSIAN[kind] if column in header]
    for _number, cells in rows:
        for column in present:
            cells.setdefault(column, "")


def keep_stored_russian(kind: Kind, strings: dict[str, str], current: Record | None) -> None:
    """The Russian versions a row does not give (its file lacks the column) are the record's."""
    for column in RUSSIAN[kind]:
        if column not in strings:
            stored = (current or {}).get(column)
            strings[column] = "" if stored is None else str(stored)


# --- checking rows ------------------------------------------------------------------------------


def columns_of(cursor: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    """(name, type) of a table's columns, in order."""
    cursor.execute(f"SELECT * FROM {table} LIMIT 0")
    return [(str(d[0]), str(d[1])) for d in cursor.description or []]


def _plain_select(cursor: duckdb.DuckDBPyConnection, table: str) -> str:
    """The columns of `table` as `edits.plain` makes them, computed by DuckDB: dates as ISO
    text and decimals as text (converting a hundred thousand rows in Python takes seconds)."""
    columns = []
    for name, kind in columns_of(cursor, table):
        as_text = kind == "DATE" or kind.startswith("DECIMAL")
        columns.append(f'CAST("{name}" AS VARCHAR) AS "{name}"' if as_text else f'"{name}"')
    return ", ".join(columns)


def _same(value: Any) -> Any:
    return value


def _as_text(value: Any) -> Any:
    return None if value is None else str(value)


def _iso(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _copied(value: Any) -> Any:
    return None if value is None else list(value)


def plain_row(columns: list[tuple[str, str]]) -> Callable[[Values], Record]:
    """A table row's values as a record, exactly as `edits.plain` makes each (dates as ISO
    text, decimals as text, lists copied), with the conversion chosen once per column: value
    by value it costs seconds at a hundred thousand rows."""
    convert = [
        _iso
        if kind == "DATE"
        else _as_text
        if kind.startswith("DECIMAL")
        else _copied
        if kind.endswith("[]")
        else _same
        for _, kind in columns
    ]
    names = [name for name, _ in columns]

    def record(values: Values) -> Record:
        return {n: f(values[n]) for n, f in zip(names, convert, strict=True)}

    return record


def fetch_many(cursor: duckdb.DuckDBPyConnection, table: str, ids: list[str]) -> dict[str, Record]:
    """The stored records of `ids` that exist, each exactly as `edits.fetch` gives it, in one
    query (and one more for the follow-ups of commitments)."""
    if not ids:
        return {}
    cursor.execute(
        f"SELECT {_plain_select(cursor, table)} FROM {table} WHERE id IN (SELECT unnest($ids))",
        {"ids": ids},
    )
    names = [d[0] for d in cursor.description or []]
    found = {str(row[0]): dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    if table == "commitments" and found:
        notes = _followups_of(cursor, list(found))
        for ident, record in found.items():
            record["followups"] = notes.get(ident, [])
    return found


def _followups_of(cursor: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, list[Record]]:
    """The follow-ups of these commitments, each list in `seq` order, in one query."""
    cursor.execute(
        f"SELECT {_plain_select(cursor, 'followups')} FROM followups "
        "WHERE commitment IN (SELECT unnest($ids)) ORDER BY commitment, seq",
        {"ids": ids},
    )
    names = [d[0] for d in cursor.description or []]
    notes: dict[str, list[Record]] = {}
    for row in cursor.fetchall():
        note = dict(zip(names, row, strict=True))
        notes.setdefault(str(note["commitment"]), []).append(note)
    return notes


def _check_rows(
    cursor: duckdb.DuckDBPyConnection,
    kind: Kind,
    source: str,
    rows: list[tuple[int, dict[str, str]]],
    progress: Progress | None = None,
) -> tuple[list[PlannedRow], list[Problem]]:
    """Every row checked as the seed loader checks one, against the record and the rows above
    it: the rows that pass, with their stored records, and a problem for each that does not."""
    labels = Labels(cursor)
    problems: list[Problem] = []
    readable: list[tuple[int, dict[str, str], dict[str, str]]] = []
    first_row: dict[str, int] = {}
    for number, cells in rows:
        try:
            strings = to_seed_strings(kind, cells, labels)
        except LabelError as error:
            problems.append(Problem(number, error.column, error.reason))
            continue
        ident = strings["id"]
        if ident in first_row:
            reason = _("{id} appears twice in the file (first in row {row})").format(
                id=quoted(ident), row=first_row[ident]
            )
            problems.append(Problem(number, "id", reason))
            continue
        first_row[ident] = number
        readable.append((number, cells, strings))
    stored = fetch_many(
        cursor, kind, [strings["id"] for _, _, strings in readable if strings["id"]]
    )
    known = labels.known(SINGULAR[kind], replaced=stored)
    passed: list[PlannedRow] = []
    for done, (number, cells, strings) in enumerate(readable, start=1):
        keep_stored_russian(kind, strings, stored.get(strings["id"]))
        try:
            values = CONVERTERS[kind](Row(source, number, strings, known), known)
        except SeedError as error:
            problems.append(Problem(number, error.column, error.reason))
        else:
            passed.append(PlannedRow(number, cells, values, stored.get(strings["id"])))
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(readable)):
            progress(done, len(readable))
    return passed, problems


def plan(
    store: Store,
    name: str,
    content: bytes,
    kind: Kind | None = None,
    *,
    progress: Progress | None = None,
) -> Plan:
    """Read and check a whole file against the database; writes nothing. `progress` is told
    (rows checked, rows in all) as the check goes."""
    sheet = read_table(name, content)
    chosen = kind or detect_kind({column for column in sheet.header if column})
    _check_columns(name, chosen, sheet.header)
    mark_columns(chosen, sheet.header, sheet.rows)
    result = Plan(chosen, name)
    with store.cursor() as cursor:
        result.mark = record_mark(cursor)
        passed, problems = _check_rows(cursor, chosen, name, sheet.rows, progress)
        table_columns = columns_of(cursor, chosen)
    plain, columns = plain_row(table_columns), [column for column, _ in table_columns]
    cell_problems = {(p.at, p.field) for p in sheet.problems}
    problems = [p for p in problems if (p.at, p.field) not in cell_problems]
    result.problems = sorted([*sheet.problems, *problems], key=lambda p: int(p.at))
    for row in passed:
        ident = str(row.values["id"])
        if row.current is None:
            result.adds.append((ident, row.cells.get("title") or row.cells.get("text") or ""))
        else:
            new = plain(row.values)
            changed = [
                (n, row.current.get(n), new[n]) for n in columns if row.current.get(n) != new[n]
            ]
            if changed:
                result.changes.append((ident, changed))
            else:
                result.unchanged += 1
    result.rows = passed
    return result


# --- writing ----------------------------------------------------------------------------------

_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "VARCHAR[]": pa.list_(pa.string()),
    "DATE": pa.date32(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "DECIMAL(18,2)": pa.decimal128(18, 2),
    "TIMESTAMP": pa.timestamp("us"),
}


def _insert(cursor: duckdb.DuckDBPyConnection, table: str, rows: list[Values]) -> None:
    """Insert many rows, by column name, as one Arrow table: one statement, not one a row."""
    columns = columns_of(cursor, table)
    arrays = {
        name: pa.array([row[name] for row in rows], type=_ARROW_TYPES.get(kind))
        for name, kind in columns
    }
    names = ", ".join(f'"{name}"' for name, _ in columns)
    cursor.register("cooptrack_import_rows", pa.table(arrays))
    try:
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM cooptrack_import_rows")
    finally:
        cursor.unregister("cooptrack_import_rows")


def _json(record: Record | None) -> str | None:
    return json.dumps(record, ensure_ascii=False) if record else None


def write_rows(
    cursor: duckdb.DuckDBPyConnection,
    editor: str,
    table: str,
    rows: list[tuple[Values, Record | None]],
    via: str,
) -> int:
    """Write checked table rows (values, record as stored or None) inside the caller's
    transaction, with one history line per record that changed, as `edits.write` writes
    them one at a time; return how many records changed."""
    if not rows:
        return 0
    ids = [str(values["id"]) for values, _ in rows]
    replaced = [str(values["id"]) for values, current in rows if current is not None]
    if replaced:
        cursor.execute(f"DELETE FROM {table} WHERE id IN (SELECT unnest($ids))", {"ids": replaced})
    _insert(cursor, table, [values for values, _ in rows])
    after = _records_written(cursor, table, rows)
    found = cursor.execute("SELECT coalesce(max(change_id), 0) FROM history").fetchone()
    next_id = int(found[0] if found else 0) + 1
    now = datetime.now(UTC).replace(tzinfo=None)
    lines: list[Values] = []
    for ident, (_values, current) in zip(ids, rows, strict=True):
        if current == after[ident]:
            continue
        lines.append(
            {
                "change_id": next_id + len(lines),
                "changed_at": now,
                "editor": editor,
                "record_kind": table,
                "record_id": ident,
                "action": "add" if current is None else "change",
                "before": _json(current),
                "after": _json(after[ident]),
                "via": via,
            }
        )
    if lines:
        _insert(cursor, "history", lines)
    return len(lines)


def _records_written(
    cursor: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[Values, Any]]
) -> dict[str, Record]:
    """The records just written, as `edits.fetch` would read them back: made from the values
    themselves (reading a hundred thousand rows back costs seconds), plus the follow-ups a
    commitment keeps, read in one query."""
    plain = plain_row(columns_of(cursor, table))
    written = {str(values["id"]): plain(values) for values, _ in rows}
    if table == "commitments":
        notes = _followups_of(cursor, list(written))
        for ident, record in written.items():
            record["followups"] = notes.get(ident, [])
    return written


def _check_unchanged(kind: Kind, planned: list[PlannedRow], now: list[PlannedRow]) -> None:
    """Refuse when a record changed (or appeared) since the plan was made."""
    for before, current in zip(planned, now, strict=True):
        if before.current != current.current:
            old, new = before.current or {}, current.current or {}
            fields = [
                (k, old.get(k), new.get(k))
                for k in dict.fromkeys([*old, *new])
                if old.get(k) != new.get(k)
            ]
            raise conflict(kind, str(before.values["id"]), fields)


def record_mark(cursor: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """Where the record stands: the last history line and the number of rows of each table a
    row may refer to. Every write logs a history line, so an unchanged mark means that the
    checks a plan made still hold and applying it need not make them again."""
    last = cursor.execute("SELECT max(change_id), max(changed_at) FROM history").fetchone()
    tables = ("meetings", "phases", "commitments", "organisations", "projects", "topics")
    counts = cursor.execute(  # one query; nine scalar subqueries take DuckDB 20 ms to plan
        " UNION ALL ".join(
            f"SELECT {n}, count(*) FROM {t}" for n, t in enumerate((*tables, "conventions"))
        )
        + " ORDER BY 1"
    ).fetchall()
    return (*(last or ()), *(count for _, count in counts))


def apply(store: Store, editor: str, result: Plan, *, progress: Progress | None = None) -> int:
    """Write every planned row in one transaction; refuse a plan that has problems. When the
    record has changed since the plan was made, the rows are checked again there, exactly as
    the plan checked them, and a plan the record has moved away from is refused."""
    if result.problems:
        raise InputError(
            _("{summary}; fix them first, nothing was written").format(summary=result.summary())
        )
    with store.transaction() as cursor:
        passed = result.rows
        if record_mark(cursor) != result.mark:
            passed = _checked_again(cursor, result, progress)
        rows_to_write = [(row.values, row.current) for row in passed]
        written = write_rows(cursor, editor, result.kind, rows_to_write, f"import {result.source}")
    if progress is not None:
        progress(len(passed), len(passed))
    return written


def _checked_again(
    cursor: duckdb.DuckDBPyConnection, result: Plan, progress: Progress | None
) -> list[PlannedRow]:
    rows = [(row.number, row.cells) for row in result.rows]
    passed, problems = _check_rows(cursor, result.kind, result.source, rows, progress)
    if problems or len(passed) != len(result.rows):
        first = str(problems[0]) if problems else _("a row no longer passes")
        reason = _(
            "{file}: the record changed since the file was checked ({problem}); nothing was "
            "written, check the file again"
        )
        raise InputError(reason.format(file=result.source, problem=first))
    _check_unchanged(result.kind, result.rows, passed)
    return passed
