"""Commitments: what was promised, by whom, when it is due, and what became of it."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, NamedTuple

import pandas as pd

from cooptrack.dates import human_text
from cooptrack.db.schema import NONE_LABEL
from cooptrack.db.store import Store
from cooptrack.i18n import ENGLISH_MARKER, N_, _, current, pgettext
from cooptrack.query import calendar
from cooptrack.query.codes import convention_short_name
from cooptrack.query.detail import due_by_label
from cooptrack.query.filters import Filters, where
from cooptrack.query.meetings import SHOWN_ROWS, newest_sql, status_label, titles_sql
from cooptrack.query.rows import rows

TOP_LABELS = 15
# A commitment's text is cut to this many characters in tables; its own page shows it whole.
TEXT_SHOWN = 160
# How the key of commitments that name no convention or country is shown.
NONE_SHOWN = N_("(none recorded)")


def commitments_frame(
    store: Store,
    filters: Filters,
    today: date,
    overdue_only: bool = False,
    limit: int = SHOWN_ROWS,
) -> pd.DataFrame:
    """The newest `limit` commitments with who, where, due date, status and latest follow-up,
    shown oldest first, in the interface's language (`status` keeps the code)."""
    condition, params = where(filters)
    if overdue_only:
        condition += " AND is_open AND due_by < $today"
    frame = store.frame(
        f"""WITH page AS ({newest_sql("commitment_facts", condition)}),
            titles AS ({titles_sql("page", "meeting", "ahead_of", "fulfilled_by")})
            SELECT c.id, shown_text(c.text, c.text_ru, $lang) AS commitment,
                concat_ws('; ', labels(c.made_by_organisations, organisation_short_names),
                          short_country_labels_in(c.made_by_countries, country_names, $lang))
                    AS made_by,
                m.short_title AS meeting, c.meeting AS meeting_id, c.made_on, c.made_on_precision,
                code_labels(c.conventions) AS conventions, c.due_by, c.due_date, c.due_precision,
                ahead.short_title AS ahead_of, c.status,
                coalesce(c.is_open AND c.due_by < $today, false) AS overdue,
                c.is_open,
                coalesce(c.latest_on >= coalesce(c.due_date, c.due_by), false) AS noted_since_due,
                f.short_title AS fulfilled_by,
                shown_text(c.latest_note, c.latest_note_ru, $lang) AS latest_note,
                c.latest_on, c.latest_precision
            FROM page c
            CROSS JOIN label_maps_in($lang)
            LEFT JOIN titles m ON m.id = c.meeting
            LEFT JOIN titles ahead ON ahead.id = c.ahead_of
            LEFT JOIN titles f ON f.id = c.fulfilled_by
            ORDER BY c.made_on, c.id""",
        {**params, "today": today, "limit": limit, "lang": current()},
    )
    found = list(rows(frame))  # once: each pass over a frame's rows converts every column
    made = [_label(r.made_on, r.made_on_precision) for r in found]
    frame["status_label"] = [status_label(r.status) for r in found]
    frame["made"] = made
    frame["at"] = [
        f"{r.meeting} ({when})" if isinstance(r.meeting, str) else when
        for r, when in zip(found, made, strict=True)
    ]
    frame["due"] = [_due_label(r) for r in found]
    frame["latest_followup"] = [
        f"{_label(r.latest_on, r.latest_precision)}: {r.latest_note}"
        if isinstance(r.latest_note, str)
        else pgettext("follow-up", "none recorded")
        for r in found
    ]
    frame["where_it_stands"] = [where_it_stands(r) for r in found]
    return frame


def where_it_stands(row: Any) -> str:
    """What the record says of a commitment, and no more: a due date that passed with nothing
    noted since is "no outcome recorded" (the record cannot say it failed); one still open with
    a note since is open past its date. `row` has status, is_open, overdue, noted_since_due,
    the due columns and latest_on/latest_precision."""
    status = status_label(row.status)
    if not row.is_open:
        return status
    due = _due_or_none(row)
    if due is None:
        return _("open ({status}), no due date").format(status=status)
    if not row.overdue:
        return _("open ({status}), due {due}").format(status=status, due=due)
    if row.noted_since_due:
        return _("open ({status}) past its date, due {due}; latest note {when}").format(
            status=status, due=due, when=_label(row.latest_on, row.latest_precision)
        )
    return _("open ({status}), due {due}: no outcome recorded since").format(status=status, due=due)


def clamped(text: Any, limit: int = TEXT_SHOWN) -> str:
    """A record text cut to `limit` characters with "…", keeping the marker of a text shown in
    English for want of a Russian one (the reader still sees which language it is in)."""
    if not isinstance(text, str):
        return ""
    marker = ENGLISH_MARKER if text.endswith(ENGLISH_MARKER) else ""
    body = text[: len(text) - len(marker)]
    if len(body) <= limit:
        return text
    cut = body[: limit - 1]
    if " " in cut[limit // 2 :]:  # end on a whole word: half a word reads as another one
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…" + marker


def _label(value: Any, precision: Any) -> str:
    if value is None or value is pd.NaT or not isinstance(precision, str):
        return ""
    return human_text(pd.Timestamp(value).date(), precision)


def _due_label(row: Any) -> str:
    return _due_or_none(row) or _("no due date")


def _due_or_none(row: Any) -> str | None:
    """The due date at its precision, or the meeting looked ahead to; None when neither."""
    if isinstance(row.due_precision, str):
        return due_by_label(pd.Timestamp(row.due_date).date(), row.due_precision)
    if isinstance(row.ahead_of, str) and row.due_by is not None and row.due_by is not pd.NaT:
        return _("before {date} ({meeting})").format(
            date=_label(row.due_by, "day"), meeting=row.ahead_of
        )
    return None


Dimension = Literal["conventions", "countries"]


class CommitmentCounts(NamedTuple):
    """What a page counts of the commitments under its filters (`total` is also the number
    of rows their extract holds)."""

    total: int
    overdue: int  # open past their due date
    in_calendar: calendar.Counts  # due dates known to the day; those the calendar leaves out


def count_commitments(store: Store, filters: Filters, today: date) -> CommitmentCounts:
    """How many commitments match, how many are overdue, and what their calendar holds: one
    scan for all (at 1M commitments, each count was a scan of its own, 20–30 ms)."""
    condition, params = where(filters)
    found = store.rows(
        "SELECT count(*), count(*) FILTER (WHERE c.is_open AND c.due_by < $today), "
        f"{calendar.DUE_DAY_COUNTS} {calendar.from_commitments(condition)}",
        {**params, "today": today},
    )[0]
    total, overdue, events, left_out = (int(n) for n in found)
    return CommitmentCounts(total, overdue, calendar.Counts(events, left_out))


def status_by(store: Store, filters: Filters, dimension: Dimension) -> pd.DataFrame:
    """Commitments counted by status and by convention or country (aggregated in SQL).

    A commitment that names several conventions counts once under each. With a convention or
    country filter set, only the filtered ones are shown, so bars answer the question asked;
    past the TOP_LABELS largest, the rest are summed as one bar. `unnamed`: the bar of the
    commitments that name none (a chart shows it apart: it is not a convention).
    """
    condition, params = where(filters)
    keep = list(filters.conventions if dimension == "conventions" else filters.countries)
    named = "k.key" if dimension == "conventions" else "coalesce(country_names[k.key], k.key)"
    label = f"CASE WHEN k.key = '{NONE_LABEL}' THEN $none ELSE {named} END"
    by_key, by_key_params = _counted_by_key(condition, dimension, keep)
    words = {"none": _(NONE_SHOWN), "others": _("all others ({n})"), "lang": current()}
    others = "replace($others, '{n}', (SELECT count(*) - $top FROM ranked)::VARCHAR)"
    frame = store.frame(
        f"""WITH by_key AS ({by_key})
            , counted AS (
                SELECT {label} AS label, k.status, k.commitments,
                    k.key = '{NONE_LABEL}' AS unnamed
                FROM by_key k, label_maps_in($lang))
            , ranked AS (
                SELECT label, dense_rank() OVER (ORDER BY total DESC, label) AS place
                FROM (SELECT label, sum(commitments) AS total FROM counted GROUP BY label))
            SELECT CASE WHEN r.place <= $top THEN c.label ELSE {others} END AS label,
                   c.status, sum(c.commitments)::BIGINT AS commitments,
                   bool_and(c.unnamed) AS unnamed
            FROM counted c JOIN ranked r USING (label)
            GROUP BY ALL ORDER BY label, c.status""",
        {**params, **by_key_params, **words, "top": TOP_LABELS},
    )
    if dimension == "conventions":  # as readers call them: "Water Convention", not UNECE-WATER
        frame["label"] = frame["label"].map(convention_short_name)
    return frame


def _counted_by_key(
    condition: str, dimension: Dimension, keep: list[str]
) -> tuple[str, dict[str, Any]]:
    """(key, status, commitments) under a filter; with none, the stored totals (a million
    commitments name 3.4 million countries: counting them takes ~60 ms)."""
    if condition == "TRUE":
        totals = "SELECT key, status, commitments FROM commitment_status_totals"
        return f"{totals} WHERE dimension = $dimension", {"dimension": dimension}
    column = "conventions" if dimension == "conventions" else "match_countries"
    sql = f"""SELECT key, status, count(*) AS commitments FROM (
                SELECT unnest(CASE WHEN len({column}) = 0 THEN ['{NONE_LABEL}']
                                   ELSE {column} END) AS key, status
                FROM commitment_facts WHERE {condition})
            WHERE len($keep::VARCHAR[]) = 0 OR list_contains($keep::VARCHAR[], key)
            GROUP BY ALL"""
    return sql, {"keep": keep}


def recent_followups(store: Store, filters: Filters, limit: int = 5) -> pd.DataFrame:
    """The latest dated notes on commitments matching the filters, newest first.

    The newest `limit` notes belong to the `limit` commitments whose own latest note is newest
    (the facts keep it), so only those commitments' notes are read, not every follow-up."""
    condition, params = where(filters)
    frame = store.frame(
        f"""WITH recent AS (
                SELECT id, text, text_ru FROM commitment_facts
                WHERE {condition} AND latest_on IS NOT NULL
                ORDER BY latest_on DESC, latest_seq DESC, id DESC LIMIT $limit)
            SELECT f.on_date, f.on_precision, shown_text(f.note, f.note_ru, $lang) AS note,
                f.status_after, shown_text(c.text, c.text_ru, $lang) AS commitment,
                shown_text(e.title, e.title_ru, $lang) AS evidence
            FROM followups f JOIN recent c ON c.id = f.commitment
            LEFT JOIN meetings e ON e.id = f.evidence_meeting
            ORDER BY f.on_date DESC, f.seq DESC, f.commitment DESC LIMIT $limit""",
        {**params, "limit": limit, "lang": current()},
    )
    frame["when"] = [_label(r.on_date, r.on_precision) for r in rows(frame)]
    frame["status_after_label"] = [status_label(s) for s in frame.status_after]
    return frame
