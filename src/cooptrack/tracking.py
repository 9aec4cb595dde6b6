"""Commitments: what was promised, by whom, when it is due, and what became of it."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import pandas as pd

from cooptrack.dates import human_text
from cooptrack.filters import Filters, where
from cooptrack.frames import rows
from cooptrack.store import Store

TABLE_LIMIT = 500
NONE_LABEL = "(none recorded)"

_LATEST_FOLLOWUP = """
    SELECT commitment,
        arg_max(note, (on_date, seq)) AS latest_note,
        arg_max(on_date, (on_date, seq)) AS latest_on,
        arg_max(on_precision, (on_date, seq)) AS latest_precision
    FROM followups GROUP BY commitment"""


def commitments_frame(
    store: Store,
    filters: Filters,
    today: date,
    overdue_only: bool = False,
    limit: int = TABLE_LIMIT,
) -> pd.DataFrame:
    """Commitments with who, where, due date, status and latest follow-up, oldest first."""
    condition, params = where(filters)
    if overdue_only:
        condition += " AND is_open AND due_by < $today"
    frame = store.frame(
        f"""WITH latest AS ({_LATEST_FOLLOWUP})
            SELECT c.id, c.text AS commitment,
                concat_ws('; ', labels(c.made_by_organisations, organisation_short_names),
                          short_country_labels(c.made_by_countries, country_names)) AS made_by,
                m.short_title AS meeting, c.meeting AS meeting_id, c.made_on, c.made_on_precision,
                code_labels(c.conventions) AS conventions, c.due_by, c.due_date, c.due_precision,
                ahead.short_title AS ahead_of, c.status,
                coalesce(c.is_open AND c.due_by < $today, false) AS overdue,
                f.short_title AS fulfilled_by, latest.latest_note, latest.latest_on,
                latest.latest_precision
            FROM (SELECT * FROM commitment_facts WHERE {condition}) c
            CROSS JOIN label_maps
            LEFT JOIN meetings m ON m.id = c.meeting
            LEFT JOIN meetings ahead ON ahead.id = c.ahead_of
            LEFT JOIN meetings f ON f.id = c.fulfilled_by
            LEFT JOIN latest ON latest.commitment = c.id
            ORDER BY c.made_on, c.id LIMIT $limit""",
        {**params, "today": today, "limit": limit},
    )
    frame["made"] = [_label(r.made_on, r.made_on_precision) for r in rows(frame)]
    frame["at"] = [
        f"{r.meeting} ({r.made})" if isinstance(r.meeting, str) else r.made for r in rows(frame)
    ]
    frame["due"] = [_due_label(r) for r in rows(frame)]
    frame["latest_followup"] = [
        f"{_label(r.latest_on, r.latest_precision)}: {r.latest_note}"
        if isinstance(r.latest_note, str)
        else ""
        for r in rows(frame)
    ]
    return frame


def _label(value: Any, precision: Any) -> str:
    if value is None or value is pd.NaT or not isinstance(precision, str):
        return ""
    return human_text(pd.Timestamp(value).date(), precision)


def _due_label(row: Any) -> str:
    if isinstance(row.due_precision, str):
        return f"by {_label(row.due_date, row.due_precision)}"
    if isinstance(row.ahead_of, str) and row.due_by is not None and row.due_by is not pd.NaT:
        return f"before {_label(row.due_by, 'day')} ({row.ahead_of})"
    return "no due date"


Dimension = Literal["conventions", "countries"]


def status_by(store: Store, filters: Filters, dimension: Dimension) -> pd.DataFrame:
    """Commitments counted by status and by convention or country (aggregated in SQL).

    A commitment that names several conventions counts once under each. With a convention or
    country filter set, only the filtered ones are shown, so bars answer the question asked.
    """
    condition, params = where(filters)
    column = "conventions" if dimension == "conventions" else "match_countries"
    keep = list(filters.conventions if dimension == "conventions" else filters.countries)
    label = "k.key" if dimension == "conventions" else "coalesce(cn.name, k.key)"
    frame = store.frame(
        f"""WITH k AS (
                SELECT unnest(CASE WHEN len({column}) = 0 THEN ['{NONE_LABEL}']
                                   ELSE {column} END) AS key, status
                FROM commitment_facts WHERE {condition})
            SELECT {label} AS label, k.status, count(*) AS commitments
            FROM k LEFT JOIN countries cn ON cn.code = k.key
            WHERE len($keep::VARCHAR[]) = 0 OR list_contains($keep::VARCHAR[], k.key)
            GROUP BY ALL ORDER BY label, k.status""",
        {**params, "keep": keep},
    )
    return frame


def recent_followups(store: Store, filters: Filters, limit: int = 5) -> pd.DataFrame:
    """The latest dated notes on commitments matching the filters, newest first."""
    condition, params = where(filters)
    frame = store.frame(
        f"""SELECT f.on_date, f.on_precision, f.note, f.status_after, c.text AS commitment,
                e.title AS evidence
            FROM followups f
            JOIN (SELECT id, text FROM commitment_facts WHERE {condition}) c
                ON c.id = f.commitment
            LEFT JOIN meetings e ON e.id = f.evidence_meeting
            ORDER BY f.on_date DESC, f.seq DESC LIMIT $limit""",
        {**params, "limit": limit},
    )
    frame["when"] = [_label(r.on_date, r.on_precision) for r in rows(frame)]
    return frame
