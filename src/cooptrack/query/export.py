"""Extracts of one kind of record under the filters: CSV (plain, or with a BOM for Excel),
Excel workbooks, Parquet and iCalendar files, used both by `cooptrack export` and the
dashboard's download buttons, so that both give identical files for the same filters.

Every extract is one SELECT per record kind, described column by column (`Column`): the CSV
cell of each (text, dates at their precision as ISO text) and its typed value (for Parquet). The
workbook is written from the CSV's own query, so it holds the same rows in the same order.

A spreadsheet runs a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula (CSV injection), and record text comes from editors and imported files. So every text
column goes through `cell_sql`, which puts a single quote before such a cell, inside the SELECT,
so that DuckDB's COPY stays the writer. A cell that already begins with quotes followed by such
a character gets one more, so `plain_cell` undoes it exactly (for reading an export back in).
Dates, numbers and the enumerated columns (kind, status, format, confidence) never begin so.
The workbook holds the same cell texts, each written as a string: Excel never reads one as a
formula. Parquet is data for programs, not a spreadsheet: its text is the record's own.

Columns are the same in every language, and so are the cells a program reads (ids, codes,
ISO dates, flags, the English record texts, and their Russian versions in the `*_ru` columns,
which `cooptrack import` reads back). Only the readable labels (names of countries,
organisations and topics; `due`'s wording) follow the interface's language, and the importer
reads those back in either language.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal, get_args

from cooptrack import config, files
from cooptrack.db.schema import Kind
from cooptrack.db.store import Store
from cooptrack.errors import InputError
from cooptrack.i18n import _, current
from cooptrack.query.filters import Filters, where

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA = r"^('*[=+\-@\t\r])"  # read alike by DuckDB's RE2 and Python's re
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")

# What `cooptrack export --format` and the download buttons can write.
Format = Literal["csv", "csv-excel", "xlsx", "parquet", "ics"]
FORMATS: tuple[Format, ...] = get_args(Format)
SUFFIX: dict[Format, str] = {
    "csv": "csv",
    "csv-excel": "csv",
    "xlsx": "xlsx",
    "parquet": "parquet",
    "ics": "ics",
}
MIME: dict[Format, str] = {
    "csv": "text/csv",
    "csv-excel": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "ics": "text/calendar",
}
BINARY: tuple[Format, ...] = ("xlsx", "parquet")
BOM = b"\xef\xbb\xbf"  # how Excel knows a CSV file is UTF-8 (else it reads cp1252: "â€“")


def _neutralised(expression: str) -> str:
    pattern = _FORMULA.replace("'", "''")
    return f"regexp_replace({expression}, '{pattern}', '''\\1')"


def cell_sql(expression: str, name: str) -> str:
    """`expression AS name`, with a quote put before a cell a spreadsheet would run."""
    return f"{_neutralised(expression)} AS {name}"


def neutralise(text: str) -> str:
    """What `cell_sql` does to a cell, in Python (for any other writer of spreadsheet cells)."""
    return re.sub(_FORMULA, r"'\1", text, count=1)


def plain_cell(text: str) -> str:
    """Undo `cell_sql`/`neutralise`: the text a cell held before it was written."""
    return text[1:] if _NEUTRALISED.match(text) else text


# --- the columns of each extract -------------------------------------------------------------

Shape = Literal["text", "list", "date", "number", "flag", "sources"]


@dataclass(frozen=True)
class Column:
    """One column: its CSV cell (SQL), its typed value (SQL, for Parquet) and its shape, which
    says how a workbook writes it. A date's CSV cell is ISO text at its precision; its typed
    value is the period's first day, beside a `<name>_precision` column."""

    name: str
    cell: str
    value: str
    shape: Shape
    precision: str | None = None


def _text(name: str, expression: str) -> Column:
    return Column(name, _neutralised(expression), expression, "text")


def _plain(name: str, expression: str, shape: Shape = "text") -> Column:
    """An enumerated code, a number or a flag: never begins like a formula."""
    return Column(name, expression, expression, shape)


def _list(name: str, items: str, shape: Shape = "list") -> Column:
    """A list (typed) joined by '; ' (CSV); an empty list is an empty cell."""
    return Column(name, _neutralised(f"nullif(array_to_string({items}, '; '), '')"), items, shape)


def _labels(codes: str, names: str) -> str:
    """The labels of `codes` in a label map, sorted, as the `labels` macro joins them."""
    labelled = f"list_transform({codes}, lambda x: {names}[x])"
    return f"list_sort(list_filter({labelled}, lambda x: x IS NOT NULL))"


def _date(name: str, value: str, precision: str) -> Column:
    return Column(name, f"iso_partial({value}, {precision})", value, "date", precision)


_MADE_BY = (
    "list_concat("
    + _labels("c.made_by_organisations", "organisation_names")
    + ", "
    + _labels("c.made_by_countries", "country_names")
    + ")"
)
# `$due_ahead` is "before {date} ({meeting})" in the interface's language.
_DUE = """CASE WHEN c.due_date IS NOT NULL THEN iso_partial(c.due_date, c.due_precision)
    WHEN ahead.id IS NOT NULL THEN replace(replace($due_ahead,
        '{date}', iso_partial(ahead.start_date, ahead.start_precision)),
        '{meeting}', ahead.short_title)
    END"""

COLUMNS: dict[Kind, tuple[Column, ...]] = {
    "meetings": (
        _text("id", "id"),
        _text("title", "title"),
        _text("short_title", "short_title"),
        _plain("kind", "kind"),
        _text("series", "series"),
        _plain("ordinal", "ordinal", "number"),
        _date("start_date", "start_date", "start_precision"),
        _date("end_date", "end_date", "end_precision"),
        _plain("tentative", "tentative", "flag"),
        _text("city", "city"),
        _text("host_country", "country_names[host_country]"),
        _plain("format", "format"),
        _plain("status", "status"),
        _list("chairs", "chairs"),
        _list("countries", _labels("countries", "country_names")),
        _list("conventions", "list_sort(conventions)"),
        _list("topics", _labels("topics", "topic_names")),
        _list("organisations", _labels("match_organisations", "organisation_names")),
        _list("chair_organisations", _labels("chair_organisations", "organisation_names")),
        _list("organisers", _labels("organisers", "organisation_names")),
        _text("summary", "summary"),
        _plain("confidence", "confidence"),
        _list("sources", "sources", "sources"),
        _text("title_ru", "title_ru"),
        _text("short_title_ru", "short_title_ru"),
        _text("summary_ru", "summary_ru"),
        _text("series_ru", "series_ru"),
    ),
    "phases": (
        _text("id", "id"),
        _text("project", "project_name"),
        _plain("phase", "phase", "number"),
        _text("title", "title"),
        _list("implementers", _labels("implementers", "organisation_names")),
        _date("planned_start", "planned_start", "planned_start_precision"),
        _date("planned_end", "planned_end", "planned_end_precision"),
        _date("actual_start", "actual_start", "actual_start_precision"),
        _date("actual_end", "actual_end", "actual_end_precision"),
        _plain("budget", "budget", "number"),
        _text("currency", "currency"),
        _list("countries", _labels("countries", "country_names")),
        _list("conventions", "list_sort(conventions)"),
        _list("topics", _labels("topics", "topic_names")),
        _text("summary", "summary"),
        _plain("confidence", "confidence"),
        _list("sources", "sources", "sources"),
        _text("title_ru", "title_ru"),
        _text("summary_ru", "summary_ru"),
    ),
    "commitments": (
        _text("id", "c.id"),
        _text("text", "c.text"),
        _list("made_by", _MADE_BY),
        _text("meeting", "m.title"),
        _date("made_on", "c.made_on", "c.made_on_precision"),
        _list("countries", _labels("c.countries", "country_names")),
        _list("conventions", "list_sort(c.conventions)"),
        _list("topics", _labels("c.topics", "topic_names")),
        _date("due_date", "c.due_date", "c.due_precision"),
        _text("due", _DUE),
        _text("ahead_of", "ahead.title"),
        _date("latest_followup_on", "c.latest_on", "c.latest_precision"),
        _text("latest_followup", "c.latest_note"),
        _plain("overdue", "coalesce(c.is_open AND c.due_by < $today, false)", "flag"),
        _plain("status", "c.status"),
        _text("fulfilled_by", "fulfilled.title"),
        _plain("confidence", "c.confidence"),
        _list("sources", "c.sources", "sources"),
        _text("text_ru", "c.text_ru"),
    ),
}
# FROM … ORDER BY of each kind; `{where}` is the filters' condition.
_FROM: dict[Kind, str] = {
    "meetings": "FROM meeting_facts, label_maps_in($lang) WHERE {where} ORDER BY alive_from, id",
    "phases": "FROM phase_facts, label_maps_in($lang) WHERE {where} "
    "ORDER BY project_name, alive_from, id",
    "commitments": """FROM (SELECT * FROM commitment_facts WHERE {where}) c
        CROSS JOIN label_maps_in($lang)
        LEFT JOIN meetings m ON m.id = c.meeting
        LEFT JOIN meetings ahead ON ahead.id = c.ahead_of
        LEFT JOIN meetings fulfilled ON fulfilled.id = c.fulfilled_by
        ORDER BY c.alive_from, c.id""",
}


def _query(
    kind: Kind, filters: Filters, today: date | None, items: str
) -> tuple[str, dict[str, object]]:
    condition, params = where(filters)
    params = {**params, "lang": current()}
    if kind == "commitments":
        due_ahead = _("before {date} ({meeting})")
        params = {**params, "today": today or config.today(), "due_ahead": due_ahead}
    return f"SELECT {items}\n{_FROM[kind].format(where=condition)}", params


def export_query(
    kind: Kind, filters: Filters, today: date | None = None
) -> tuple[str, dict[str, object]]:
    """The SELECT of a CSV extract, filtered; pure but for `today` (default: the configured
    day) and the interface's language (its labels), so it can be tested without a database.
    `overdue` is as of `today`."""
    items = ",\n    ".join(f"{c.cell} AS {c.name}" for c in COLUMNS[kind])
    return _query(kind, filters, today, items)


def typed_query(
    kind: Kind, filters: Filters, today: date | None = None
) -> tuple[str, dict[str, object]]:
    """The same rows with typed columns: dates as DATE beside their precision, lists as lists,
    text as recorded (for Parquet)."""
    items: list[str] = []
    for column in COLUMNS[kind]:
        items.append(f"{column.value} AS {column.name}")
        if column.precision is not None:
            items.append(f"{column.precision} AS {column.name}_precision")
    return _query(kind, filters, today, ",\n    ".join(items))


# --- writing ---------------------------------------------------------------------------------


def export_bytes(
    store: Store,
    kind: Kind,
    filters: Filters,
    *,
    today: date | None = None,
    form: Format = "csv",
) -> bytes:
    """The file itself, in memory (what a download button sends)."""
    with tempfile.TemporaryDirectory(prefix="cooptrack-") as folder:
        path = Path(folder) / f"{kind}.{SUFFIX[form]}"
        _write(store, kind, filters, path, today=today, form=form)
        return path.read_bytes()


def export_to_file(
    store: Store,
    kind: Kind,
    filters: Filters,
    destination: Path,
    *,
    today: date | None = None,
    form: Format = "csv",
) -> int:
    """Write the file beside `destination` and move it into place: all or nothing, only onto a
    regular file, never onto the database being read. Returns the number of records."""
    if files.same_file(destination, store.path):
        raise InputError(
            f"{files.shown(destination)} is the database being read; write the file elsewhere"
        )
    with files.replacing(destination, make_parents=True) as temporary:
        files.for_duckdb(temporary, destination)
        return _write(store, kind, filters, temporary, today=today, form=form)


def _write(
    store: Store, kind: Kind, filters: Filters, path: Path, *, today: date | None, form: Format
) -> int:
    """Write one extract to `path` (a new or empty file); the number of records in it."""
    if form == "ics":
        from cooptrack.query import calendar  # noqa: PLC0415 - icalendar only when asked

        return calendar.write(store, kind, filters, today, path)
    if form == "xlsx":
        from cooptrack.query import workbook  # noqa: PLC0415 - XlsxWriter only when asked

        sql, params = export_query(kind, filters, today)
        return workbook.write(store, kind, COLUMNS[kind], (sql, params), path)
    if form == "parquet":
        sql, params = typed_query(kind, filters, today)
        _copy(store, sql, params, path, "FORMAT parquet, COMPRESSION zstd")
    else:
        sql, params = export_query(kind, filters, today)
        with _bom_first(path, form == "csv-excel") as target:
            store.copy_csv(sql, params, target)
    return count_rows(store, kind, filters)


@contextmanager
def _bom_first(path: Path, wanted: bool) -> Iterator[Path]:
    """Where COPY writes the CSV; with `wanted`, `path` then gets a BOM and the CSV after it."""
    if not wanted:
        yield Path(files.for_duckdb(path))
        return
    with tempfile.TemporaryDirectory(prefix="cooptrack-") as folder:
        plain = Path(folder) / "plain.csv"
        yield plain
        with open(path, "wb") as target, open(plain, "rb") as source:
            target.write(BOM)
            shutil.copyfileobj(source, target, 2**20)


def _copy(store: Store, sql: str, params: dict[str, object], path: Path, options: str) -> None:
    target = files.for_duckdb(path).replace("'", "''")
    with store.cursor() as cursor:
        cursor.execute(f"COPY ({sql}) TO '{target}' ({options})", params)


def count_rows(store: Store, kind: Kind, filters: Filters) -> int:
    """How many records an extract holds (counted from the facts, without the labels)."""
    condition, params = where(filters)
    view = {"meetings": "meeting_facts", "phases": "phase_facts"}.get(kind, "commitment_facts")
    found = store.rows(f"SELECT count(*) FROM {view} WHERE {condition}", params)
    return int(found[0][0])


def file_name(kind: Kind, filters: Filters, today: str, form: Format = "csv") -> str:
    """`commitments_KZ_CBD_2026-11-28.csv`: says what the file holds and when it was made
    (`…_excel.csv` for the CSV with a BOM)."""
    extra = "_excel" if form == "csv-excel" else ""
    return f"{kind}_{filters.slug()}_{today}{extra}.{SUFFIX[form]}"
