"""CSV extracts: one SELECT per record kind, used both by `cooptrack export` and the dashboard's
download buttons, so that both give byte-identical files for the same filters.

A spreadsheet runs a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula (CSV injection), and record text comes from editors and imported files. So every text
column goes through `cell_sql`, which puts a single quote before such a cell, inside the SELECT,
so that DuckDB's COPY stays the writer. A cell that already begins with quotes followed by such
a character gets one more, so `plain_cell` undoes it exactly (for reading an export back in).
Dates, numbers and the enumerated columns (kind, status, format, confidence) never begin so.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from cooptrack import files
from cooptrack.db.schema import Kind
from cooptrack.db.store import Store
from cooptrack.errors import InputError
from cooptrack.query.filters import Filters, where

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA = r"^('*[=+\-@\t\r])"  # read alike by DuckDB's RE2 and Python's re
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")


def cell_sql(expression: str, name: str) -> str:
    """`expression AS name`, with a quote put before a cell a spreadsheet would run."""
    pattern = _FORMULA.replace("'", "''")
    return f"regexp_replace({expression}, '{pattern}', '''\\1') AS {name}"


def neutralise(text: str) -> str:
    """What `cell_sql` does to a cell, in Python (for any other writer of spreadsheet cells)."""
    return re.sub(_FORMULA, r"'\1", text, count=1)


def plain_cell(text: str) -> str:
    """Undo `cell_sql`/`neutralise`: the text a cell held before it was written."""
    return text[1:] if _NEUTRALISED.match(text) else text


_MADE_BY = (
    "concat_ws('; ', labels(c.made_by_organisations, organisation_names), "
    "labels(c.made_by_countries, country_names))"
)
_SELECTS: dict[Kind, str] = {
    "meetings": f"""
        SELECT {cell_sql("id", "id")}, {cell_sql("title", "title")},
            {cell_sql("short_title", "short_title")}, kind, {cell_sql("series", "series")}, ordinal,
            iso_partial(start_date, start_precision) AS start_date,
            iso_partial(end_date, end_precision) AS end_date,
            tentative, {cell_sql("city", "city")},
            {cell_sql("labels([host_country], country_names)", "host_country")}, format, status,
            {cell_sql("nullif(array_to_string(chairs, '; '), '')", "chairs")},
            {cell_sql("labels(countries, country_names)", "countries")},
            {cell_sql("code_labels(conventions)", "conventions")},
            {cell_sql("labels(topics, topic_names)", "topics")},
            {cell_sql("labels(match_organisations, organisation_names)", "organisations")},
            {cell_sql("labels(chair_organisations, organisation_names)", "chair_organisations")},
            {cell_sql("labels(organisers, organisation_names)", "organisers")},
            {cell_sql("summary", "summary")}, confidence,
            {cell_sql("source_labels(sources)", "sources")}
        FROM meeting_facts, label_maps WHERE {{where}}
        ORDER BY alive_from, id""",
    "phases": f"""
        SELECT {cell_sql("id", "id")}, {cell_sql("project_name", "project")}, phase,
            {cell_sql("title", "title")},
            {cell_sql("labels(implementers, organisation_names)", "implementers")},
            iso_partial(planned_start, planned_start_precision) AS planned_start,
            iso_partial(planned_end, planned_end_precision) AS planned_end,
            iso_partial(actual_start, actual_start_precision) AS actual_start,
            iso_partial(actual_end, actual_end_precision) AS actual_end,
            budget, {cell_sql("currency", "currency")},
            {cell_sql("labels(countries, country_names)", "countries")},
            {cell_sql("code_labels(conventions)", "conventions")},
            {cell_sql("labels(topics, topic_names)", "topics")}, {cell_sql("summary", "summary")},
            confidence, {cell_sql("source_labels(sources)", "sources")}
        FROM phase_facts, label_maps WHERE {{where}}
        ORDER BY project_name, alive_from, id""",
    "commitments": f"""
        SELECT {cell_sql("c.id", "id")}, {cell_sql("c.text", "text")},
            {cell_sql(_MADE_BY, "made_by")}, {cell_sql("m.title", "meeting")},
            iso_partial(c.made_on, c.made_on_precision) AS made_on,
            {cell_sql("labels(c.countries, country_names)", "countries")},
            {cell_sql("code_labels(c.conventions)", "conventions")},
            {cell_sql("labels(c.topics, topic_names)", "topics")},
            iso_partial(c.due_date, c.due_precision) AS due_date,
            {cell_sql("ahead.title", "ahead_of")}, c.status,
            {cell_sql("fulfilled.title", "fulfilled_by")},
            c.confidence, {cell_sql("source_labels(c.sources)", "sources")}
        FROM (SELECT * FROM commitment_facts WHERE {{where}}) c
        CROSS JOIN label_maps
        LEFT JOIN meetings m ON m.id = c.meeting
        LEFT JOIN meetings ahead ON ahead.id = c.ahead_of
        LEFT JOIN meetings fulfilled ON fulfilled.id = c.fulfilled_by
        ORDER BY c.alive_from, c.id""",
}


def export_query(kind: Kind, filters: Filters) -> tuple[str, dict[str, object]]:
    """The SELECT of an extract, filtered; pure, so it can be tested without a database."""
    condition, params = where(filters)
    return _SELECTS[kind].format(where=condition), params


def export_bytes(store: Store, kind: Kind, filters: Filters) -> bytes:
    """The CSV file itself, written by DuckDB's COPY."""
    with tempfile.TemporaryDirectory(prefix="cooptrack-") as folder:
        path = Path(folder) / f"{kind}.csv"
        sql, params = export_query(kind, filters)
        store.copy_csv(sql, params, path)
        return path.read_bytes()


def export_to_file(store: Store, kind: Kind, filters: Filters, destination: Path) -> int:
    """Write the CSV beside `destination` and move it into place: all or nothing, only onto a
    regular file, never onto the database being read. Returns the number of rows."""
    if files.same_file(destination, store.path):
        raise InputError(
            f"{files.shown(destination)} is the database being read; write the CSV elsewhere"
        )
    sql, params = export_query(kind, filters)
    with files.replacing(destination, make_parents=True) as temporary:
        store.copy_csv(sql, params, Path(files.for_duckdb(temporary, destination)))
    return count_rows(store, kind, filters)


def count_rows(store: Store, kind: Kind, filters: Filters) -> int:
    sql, params = export_query(kind, filters)
    found = store.rows(f"SELECT count(*) FROM ({sql})", params)
    return int(found[0][0])


def file_name(kind: Kind, filters: Filters, today: str) -> str:
    """`commitments_KZ_CBD_2026-11-28.csv`: says what the file holds and when it was made."""
    return f"{kind}_{filters.slug()}_{today}.csv"
