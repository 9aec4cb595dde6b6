"""CSV extracts: one SELECT per record kind, used both by `cooptrack export` and the dashboard's
download buttons, so that both give byte-identical files for the same filters."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Literal

import pandas as pd

from cooptrack.filters import Filters, where
from cooptrack.store import Store

Kind = Literal["meetings", "phases", "commitments"]
KINDS: tuple[Kind, ...] = ("meetings", "phases", "commitments")

_SELECTS: dict[Kind, str] = {
    "meetings": """
        SELECT id, title, short_title, kind, series, ordinal,
            iso_partial(start_date, start_precision) AS start_date,
            iso_partial(end_date, end_precision) AS end_date,
            tentative, city, labels([host_country], country_names) AS host_country, format, status,
            nullif(array_to_string(chairs, '; '), '') AS chairs,
            labels(countries, country_names) AS countries, code_labels(conventions) AS conventions,
            labels(topics, topic_names) AS topics,
            labels(match_organisations, organisation_names) AS organisations,
            labels(chair_organisations, organisation_names) AS chair_organisations,
            labels(organisers, organisation_names) AS organisers,
            summary, confidence, source_labels(sources) AS sources
        FROM meeting_facts, label_maps WHERE {where}
        ORDER BY alive_from, id""",
    "phases": """
        SELECT id, project_name AS project, phase, title,
            labels(implementers, organisation_names) AS implementers,
            iso_partial(planned_start, planned_start_precision) AS planned_start,
            iso_partial(planned_end, planned_end_precision) AS planned_end,
            iso_partial(actual_start, actual_start_precision) AS actual_start,
            iso_partial(actual_end, actual_end_precision) AS actual_end,
            budget, currency,
            labels(countries, country_names) AS countries, code_labels(conventions) AS conventions,
            labels(topics, topic_names) AS topics, summary, confidence,
            source_labels(sources) AS sources
        FROM phase_facts, label_maps WHERE {where}
        ORDER BY project, alive_from, id""",
    "commitments": """
        SELECT c.id, c.text,
            concat_ws('; ', labels(c.made_by_organisations, organisation_names),
                      labels(c.made_by_countries, country_names)) AS made_by,
            m.title AS meeting,
            iso_partial(c.made_on, c.made_on_precision) AS made_on,
            labels(c.countries, country_names) AS countries,
            code_labels(c.conventions) AS conventions,
            labels(c.topics, topic_names) AS topics,
            iso_partial(c.due_date, c.due_precision) AS due_date,
            ahead.title AS ahead_of, c.status, fulfilled.title AS fulfilled_by,
            c.confidence, source_labels(c.sources) AS sources
        FROM (SELECT * FROM commitment_facts WHERE {where}) c
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


def export_frame(store: Store, kind: Kind, filters: Filters) -> pd.DataFrame:
    """The rows of an extract as a table, for showing exactly what a download will hold."""
    sql, params = export_query(kind, filters)
    return store.frame(sql, params)


def export_bytes(store: Store, kind: Kind, filters: Filters) -> bytes:
    """The CSV file itself, written by DuckDB's COPY."""
    with tempfile.TemporaryDirectory(prefix="cooptrack-") as folder:
        path = Path(folder) / f"{kind}.csv"
        sql, params = export_query(kind, filters)
        store.copy_csv(sql, params, path)
        return path.read_bytes()


def export_to_file(store: Store, kind: Kind, filters: Filters, destination: Path) -> int:
    """Write the CSV beside `destination` and move it into place: all or nothing. Returns rows."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
    os.close(handle)
    try:
        sql, params = export_query(kind, filters)
        store.copy_csv(sql, params, Path(temporary))
        os.replace(temporary, destination)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return count_rows(store, kind, filters)


def count_rows(store: Store, kind: Kind, filters: Filters) -> int:
    sql, params = export_query(kind, filters)
    found = store.rows(f"SELECT count(*) FROM ({sql})", params)
    return int(found[0][0])


def file_name(kind: Kind, filters: Filters, today: str) -> str:
    """`commitments_KZ_CBD_2026-11-28.csv`: says what the file holds and when it was made."""
    return f"{kind}_{filters.slug()}_{today}.csv"
