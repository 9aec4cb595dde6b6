"""Project phases with planned and actual periods, ready for a Gantt chart and a table."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd

from cooptrack import config
from cooptrack.dates import span_label
from cooptrack.db.store import Store
from cooptrack.i18n import ENGLISH_MARKER, _, current, number, pgettext, pick
from cooptrack.query.filters import Filters, where
from cooptrack.query.rows import rows

GANTT_PHASES = 40


def count_phases(store: Store, filters: Filters) -> int:
    condition, params = where(filters)
    return int(store.rows(f"SELECT count(*) FROM phase_facts WHERE {condition}", params)[0][0])


def phases_frame(
    store: Store, filters: Filters, limit: int = GANTT_PHASES, today: date | None = None
) -> pd.DataFrame:
    """The `limit` phases nearest `today` (the configured day by default): those started, the
    most recent first, then those still to start, the soonest first. One row each, grouped by
    project: planned and actual periods as first/last day, plus readable labels in the
    interface's language. (Latest start first would fill a long record's Gantt with phases
    planned years ahead, far from its today line.)"""
    condition, params = where(filters)
    today = today or config.today()
    frame = store.frame(
        f"""SELECT * FROM (SELECT id, project,
                shown_text(project_name, project_name_ru, $lang) AS project_name,
                project_name AS project_en, project_name_ru AS project_ru, phase,
                shown_text(title, title_ru, $lang) AS title, title AS title_en, title_ru,
                coalesce(labels(implementers, organisation_names), $not_recorded) AS implementers,
                coalesce(len(implementers), 0) AS implementer_count,
                budget, currency,
                planned_start, planned_start_precision,
                planned_end, planned_end_precision,
                actual_start, actual_start_precision, actual_end, actual_end_precision,
                period_end(planned_end, planned_end_precision) AS planned_until,
                period_end(actual_end, actual_end_precision) AS actual_until,
                short_country_labels_in(countries, country_names, $lang) AS countries,
                code_labels(conventions) AS conventions,
                shown_text(summary, summary_ru, $lang) AS summary,
                array_to_string(sources, ' ') AS sources, alive_from, alive_to
            FROM phase_facts, label_maps_in($lang) WHERE {condition}
            ORDER BY alive_from > $today, abs(date_diff('day', $today, alive_from)), id DESC
            LIMIT $limit)
            ORDER BY project, alive_from, id""",
        {
            **params,
            "limit": limit,
            "today": today,
            "lang": current(),
            "not_recorded": _("not recorded"),
        },
    )
    found = list(rows(frame))  # once: each pass over a frame's rows converts every column
    frame["planned"] = [
        _span(r.planned_start, r.planned_start_precision, r.planned_end, r.planned_end_precision)
        for r in found
    ]
    frame["actual"] = [
        _span(r.actual_start, r.actual_start_precision, r.actual_end, r.actual_end_precision)
        for r in found
    ]
    frame["budget_label"] = [_budget(r.budget, r.currency) for r in found]
    labels = [_label(r.title_en, r.title_ru, r.phase) for r in found]
    frame["label"] = labels
    frame["name"] = [
        phase_name(r.project_en, r.project_ru, r.phase, label)
        for r, label in zip(found, labels, strict=True)
    ]
    return frame


def phase_span(
    phases: pd.DataFrame, today: date, also: Sequence[Any] = ()
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """From the first start of `phases` (not empty) to their last recorded end, widened to
    the days `also` names (the Gantt's meetings); an open-ended phase, or a span with no end
    at all, runs to today."""
    first = min(pd.Timestamp(v) for v in [phases.alive_from.min(), *also])
    ends = [
        v for v in phases[["planned_until", "actual_until"]].to_numpy().ravel() if not pd.isna(v)
    ]
    ends.extend(also)
    if (phases.actual_start.notna() & phases.actual_until.isna()).any() or not ends:
        ends.append(today)
    return first, max(pd.Timestamp(v) for v in ends)


def meetings_beside(filters: Filters, phases: pd.DataFrame, today: date) -> Filters:
    """The filters for the meetings drawn beside `phases` when these are a window of a longer
    list: the same, narrowed to the period the phases span. A long record's newest meetings
    may lie years past the phases shown and would stretch the chart's axis away from them."""
    if phases.empty:
        return filters
    first, last = (day.date() for day in phase_span(phases, today))
    start = max(filters.date_from or first, first)
    end = min(filters.date_to or last, last)
    return replace(filters, date_from=start, date_to=end) if start <= end else filters


ACRONYM = re.compile(r"\(([A-Z][A-Z0-9-]{2,})\)")


def project_short_name(english: Any, russian: Any) -> str:
    """What a project is called for short, from its name in the interface's language where
    recorded: the acronym the name gives in brackets (WECOOP, SECCA: the same in both
    languages), else the name up to a colon (the marker of a text shown in English after it)."""
    title, in_english = pick(english, russian)
    if found := ACRONYM.search(title):  # a Russian name that has none is shown whole
        return found.group(1)
    title = _first_words(title.split(":")[0].strip(), SHORT_NAME)
    return f"{title}{ENGLISH_MARKER}" if in_english else title


SHORT_NAME = 36  # characters: a phase row's name fits a phone's width on one line


def _first_words(text: str, limit: int) -> str:
    """The text's first words up to `limit` characters, with "…" when some are left out."""
    if len(text) <= limit:
        return text
    kept = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return kept.rstrip(" ,;–-") + "…"


def phase_name(project_en: Any, project_ru: Any, phase: Any, title: str) -> str:
    """One rule for every phase: "<project> · phase N" (the phase's title when it has no
    number), so titles that already count their phase are never counted twice."""
    if phase is None or pd.isna(phase) or not isinstance(project_en, str):
        return title
    return _("{project} · phase {number}").format(
        project=project_short_name(project_en, project_ru), number=number(int(phase))
    )


def _budget(budget: Any, currency: Any) -> str:
    """`EUR 1,000` / `1 000 EUR` (whole units: a Gantt's hover, not an account)."""
    if not isinstance(currency, str) or budget is None or pd.isna(budget):
        return _("not recorded")
    return _("{currency} {amount}").format(currency=currency, amount=number(round(budget)))


def _label(english: Any, russian: Any, phase: Any) -> str:
    """The phase's title, with its number unless the title already names the phase (the
    marker of a text shown in English after the whole label)."""
    title, in_english = pick(english, russian)
    word = pgettext("project phase", "phase")
    named = "phase" in title.lower() or word.lower() in title.lower()
    if phase is not None and not pd.isna(phase) and phase and not named:
        title = _("{title} (phase {number})").format(title=title, number=phase)
    return f"{title}{ENGLISH_MARKER}" if in_english else title


def _span(start: Any, start_p: Any, end: Any, end_p: Any) -> str:
    first = _date(start)
    if first is None:
        return _("not recorded")
    last = _date(end)
    text = span_label(first, start_p, last, end_p if last else None)
    return text if last else _("{start} – (end not recorded)").format(start=text)


def _date(value: Any) -> date | None:
    if value is None or value is pd.NaT:
        return None
    return pd.Timestamp(value).date() if not isinstance(value, date) else value
