"""Project phases with planned and actual periods, ready for a Gantt chart and a table."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from cooptrack.dates import span_label
from cooptrack.db.store import Store
from cooptrack.query.filters import Filters, where
from cooptrack.query.rows import rows

GANTT_PHASES = 40


def count_phases(store: Store, filters: Filters) -> int:
    condition, params = where(filters)
    return int(store.rows(f"SELECT count(*) FROM phase_facts WHERE {condition}", params)[0][0])


def phases_frame(store: Store, filters: Filters, limit: int = GANTT_PHASES) -> pd.DataFrame:
    """The `limit` most recently started phases, one row each, grouped by project: planned and
    actual periods as first/last day, plus readable labels."""
    condition, params = where(filters)
    frame = store.frame(
        f"""SELECT * FROM (SELECT id, project, project_name, phase, title,
                coalesce(labels(implementers, organisation_names), 'not recorded') AS implementers,
                budget, currency,
                planned_start, planned_start_precision,
                planned_end, planned_end_precision,
                actual_start, actual_start_precision, actual_end, actual_end_precision,
                period_end(planned_end, planned_end_precision) AS planned_until,
                period_end(actual_end, actual_end_precision) AS actual_until,
                short_country_labels(countries, country_names) AS countries,
                code_labels(conventions) AS conventions,
                summary, array_to_string(sources, ' ') AS sources, alive_from, alive_to
            FROM phase_facts, label_maps WHERE {condition}
            ORDER BY alive_from DESC, id DESC LIMIT $limit)
            ORDER BY project, alive_from, id""",
        {**params, "limit": limit},
    )
    frame["planned"] = [
        _span(r.planned_start, r.planned_start_precision, r.planned_end, r.planned_end_precision)
        for r in rows(frame)
    ]
    frame["actual"] = [
        _span(r.actual_start, r.actual_start_precision, r.actual_end, r.actual_end_precision)
        for r in rows(frame)
    ]
    frame["budget_label"] = [
        f"{r.currency} {r.budget:,.0f}"
        if isinstance(r.currency, str) and r.budget is not None and not pd.isna(r.budget)
        else "not recorded"
        for r in rows(frame)
    ]
    frame["label"] = [
        f"{r.title} (phase {r.phase})" if r.phase and "phase" not in r.title.lower() else r.title
        for r in rows(frame)
    ]
    return frame


def _span(start: Any, start_p: Any, end: Any, end_p: Any) -> str:
    first = _date(start)
    if first is None:
        return "not recorded"
    last = _date(end)
    text = span_label(first, start_p, last, end_p if last else None)
    return text if last else f"{text} – (end not recorded)"


def _date(value: Any) -> date | None:
    if value is None or value is pd.NaT:
        return None
    return pd.Timestamp(value).date() if not isinstance(value, date) else value
