"""Small pieces every page uses: the filtered downloads, empty states, tables, captions."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

import pandas as pd
import streamlit as st

from cooptrack import config
from cooptrack.db.schema import Kind
from cooptrack.query import calendar, glossary, workbook
from cooptrack.query.detail import MeetingRef
from cooptrack.query.export import MIME, Format, export_bytes, file_name
from cooptrack.query.filters import Filters
from cooptrack.ui import data
from cooptrack.ui.text import as_text, label, md, table_cells

KIND_NAMES = {"meetings": "meetings", "phases": "project phases", "commitments": "commitments"}
_OTHER_FORMATS: tuple[tuple[Format, str, str], ...] = (
    (
        "csv-excel",
        "CSV for Excel",
        "The same CSV with a byte-order mark, so that Excel reads its accents and dashes as UTF-8.",
    ),
    (
        "xlsx",
        "Excel workbook (.xlsx)",
        "Same rows and columns: dates known to the day are "
        "dates, others stay text (2009-11); frozen header; sources linked.",
    ),
    (
        "parquet",
        "Parquet",
        "Typed columns for data tools: dates with their precision beside them, lists as lists.",
    ),
)


def _download(kind: Kind, filters: Filters, form: Format, text: str, key: str, **more: Any) -> None:
    """One download whose file is made when it is clicked (at a million rows it is hundreds of
    megabytes that most visits never ask for), by the same code as `cooptrack export`."""
    store, today = data.store(), data.today()
    st.download_button(
        text,
        data=lambda: export_bytes(store, kind, filters, today=today, form=form),
        file_name=file_name(kind, filters, today.isoformat(), form),
        mime=MIME[form],
        key=key,
        on_click="ignore",
        icon=":material/download:",
        **more,
    )


def download_csv(kind: Kind, filters: Filters, key: str | None = None) -> None:
    """The CSV of exactly the rows shown, and beside it the other formats of the same rows."""
    key = key or f"download_{kind}"
    row = st.container(horizontal=True, gap="small")
    with row:
        _download(kind, filters, "csv", f"Download CSV ({KIND_NAMES[kind]})", key)
        with st.popover("Other formats", icon=":material/more_horiz:"):
            too_many = data.export_count(data.version(), kind, filters) > workbook.MAX_ROWS
            for form, text, explained in _OTHER_FORMATS:
                blocked = too_many and form == "xlsx"
                _download(
                    kind,
                    filters,
                    form,
                    text,
                    f"{key}_{form}",
                    disabled=blocked,
                    help=f"More than {workbook.MAX_ROWS:,} rows: an Excel sheet holds no more. "
                    "Narrow the filters."
                    if blocked
                    else explained,
                )


def download_calendar(kind: Literal["meetings", "commitments"], filters: Filters) -> None:
    """An .ics file of the meetings, or the commitment due dates, known to the day; the caption
    says how many are left out for want of a day."""
    found = data.calendar_counts(data.version(), kind, filters)
    what = "meetings" if kind == "meetings" else "due dates"
    blocked = found.events > calendar.MAX_EVENTS
    _download(
        kind,
        filters,
        "ics",
        f"Add to calendar ({found.events:,} {what}, .ics)",
        f"calendar_{kind}",
        disabled=blocked or found.events == 0,
        help=f"{found.events:,} events: a calendar file holds at most "
        f"{calendar.MAX_EVENTS:,}; narrow the filters."
        if blocked
        else "Import it into Outlook, Google or Apple Calendar; importing a newer file updates "
        "these events instead of adding them twice.",
    )
    if note := found.left_out_note(kind):
        st.caption(f"{note[0].upper()}{note[1:]}.")


def empty_state(what: str, filters: Filters) -> None:
    """Say why nothing is shown and how to see more, instead of drawing an empty chart.
    `what` is markdown: callers escape any record text in it with `md`."""
    if filters.is_empty():
        st.info(f"The record holds no {what} yet.", icon=":material/info:")
        return
    st.info(
        f"No {what} match the current filters ({describe(filters)}). Remove a filter in the "
        "sidebar, widen the date range, or press **Clear filters**.",
        icon=":material/filter_alt_off:",
    )


def describe(filters: Filters) -> str:
    """The filters in words, for captions and empty states (markdown: every value is escaped,
    since a link's `?q=` or a stored name could carry markup)."""
    names = dict(data.countries(data.version()))
    vocabulary = data.vocabulary(data.version())
    parts = [
        " or ".join(md(names.get(c, c)) for c in filters.countries),
        " or ".join(md(c) for c in filters.conventions),
        " or ".join(md(vocabulary.topics.get(t, t)) for t in filters.topics),
        " or ".join(md(vocabulary.organisations.get(o, o)) for o in filters.organisations),
    ]
    if filters.date_from or filters.date_to:
        parts.append(f"{md(filters.date_from or '…')} to {md(filters.date_to or '…')}")
    if filters.search:
        parts.append(f"“{md(filters.search)}”")
    return " · ".join(p for p in parts if p) or "no filters"


def caption(filters: Filters) -> None:
    st.caption(f"Filters: {describe(filters)}")


WRAPPED_ROWS_UP_TO = 60
GLOSSED_TERMS_SHOWN = 8
# A table whose first column is a commitment's text links each row to the commitment's page
# (the meeting panel's tables included); record tables of meetings link their titles.
_COMMITMENT_TEXT = ("commitment", "text")
COLUMN_HELP = {
    "status": "proposed, agreed, in-progress: open; fulfilled, superseded, dropped: closed. "
    "Meetings: planned, held, postponed, cancelled. See the Glossary page.",
    "conventions": "Convention codes: the Glossary page names each (CBD: Convention on "
    "Biological Diversity …)",
    "convention_codes": "Convention codes: the Glossary page names each",
    "due": "The due date at its precision, or the meeting the commitment was to be met before",
    "latest_followup": "The newest dated note on what became of it",
    "kind_label": "WGECC: EU–Central Asia Working Group on Environment and Climate Change; "
    "COP: Conference of the Parties of a convention",
    "confidence": "H: an official or first-hand page; M: a news or secondary page; "
    "L: indirect or conflicting",
}


def page_path(name: str) -> str:
    """A page's script as st.navigation knows it (app.py registers pages by full path)."""
    return str(config.app_script().parent / "pages" / f"{name}.py")


def record_link(page: Literal["commitment", "meeting"], ident: str) -> str:
    """The relative address of a record's own page: `commitment?id=…`, the id encoded."""
    return f"{page}?id={quote(ident, safe='')}"


def meeting_link(meeting: MeetingRef, prefix: str = "") -> None:
    """A link to a meeting's own page, named by its title and date (escaped)."""
    when = f" ({md(meeting.when)})" if meeting.when else ""
    st.page_link(
        page_path("meeting"),
        label=f"{prefix}{md(label(meeting.title, 160) or meeting.id)}{when}",
        query_params={"id": meeting.id},
        icon=":material/event:",
    )


def table(
    frame: pd.DataFrame,
    columns: dict[str, str],
    key: str | None = None,
    counted: bool = False,
    link: tuple[str, Literal["commitment", "meeting"]] | None = None,
) -> None:
    """A readable table: short results wrap their text in full; long ones scroll (and say so,
    unless the caller has `counted` them already). st.table reads markdown in every cell, so
    its cells are escaped; st.dataframe shows cells as plain text. `link` (column, page):
    that column's cells lead to each row's own page; codes the table uses are explained."""
    shown = frame[list(columns)]
    first = next(iter(columns), "")
    if link is None and first in _COMMITMENT_TEXT and "id" in frame.columns:
        link = (first, "commitment")
    ids = [as_text(i) for i in frame["id"]] if link and "id" in frame.columns else None
    if len(shown) <= WRAPPED_ROWS_UP_TO:
        cells = table_cells(shown)
        if link and ids is not None:
            column, page = link
            cells[column] = [
                f"[{md(label(text, 400) or ident, in_link=True)}]({record_link(page, ident)})"
                for text, ident in zip(shown[column], ids, strict=True)
            ]
        st.table(cells.rename(columns=columns), hide_index=True)
    else:
        if not counted:
            st.caption(f"{len(shown)} rows; scroll the table, or download them.")
        config_ = {
            name: st.column_config.Column(title, help=COLUMN_HELP.get(name))
            for name, title in columns.items()
        }
        if link and ids is not None:
            shown = shown.assign(_page=[record_link(link[1], i) for i in ids])
            config_["_page"] = st.column_config.LinkColumn(
                "Page", display_text="Open", help=f"The {link[1]}'s own page", width="small"
            )
            order = ["_page", *columns]
        else:
            order = list(columns)
        st.dataframe(shown, hide_index=True, key=key, column_config=config_, column_order=order)
    if link:
        explain_codes(shown[[c for c in columns if not pd.api.types.is_numeric_dtype(shown[c])]])


def explain_codes(frame: pd.DataFrame) -> None:
    """A caption naming the acronyms and codes `frame`'s cells use (from the glossary)."""
    texts = (as_text(v) for column in frame.columns for v in frame[column])
    found = glossary.terms_in(texts, data.glossary(data.version()))
    if not found:
        return
    shown = " · ".join(
        f"**{md(t.term)}** {md(label(t.meaning, 70))}" for t in found[:GLOSSED_TERMS_SHOWN]
    )
    more = len(found) - GLOSSED_TERMS_SHOWN
    extra = f" · and {more} more" if more > 0 else ""
    st.caption(f"{shown}{extra} (all on the Glossary page)")


MEETING_COLUMNS = {
    "when": "When",
    "short_title": "Meeting",
    "kind_label": "Kind",
    "where": "Where",
    "status": "Status",
    "convention_codes": "Conventions",
}
COMMITMENT_COLUMNS = {
    "commitment": "Commitment",
    "made_by": "Made by",
    "at": "At",
    "conventions": "Conventions",
    "due": "Due",
    "status": "Status",
    "latest_followup": "Latest follow-up",
}


def record_table(
    kind: Kind,
    frame: pd.DataFrame,
    filters: Filters,
    *,
    what: str,
    key: str,
    columns: dict[str, str] | None = None,
    total: int | None = None,
) -> None:
    """Records with their download button, or a note saying why there are none (`what` is
    markdown, as for `empty_state`)."""
    if frame.empty:
        empty_state(what, filters)
        return
    counted = total is not None and total > len(frame)
    if counted:
        st.caption(
            f"Showing the {len(frame)} most recent of {total:,} {what} (scroll the table); "
            "the download holds them all. Narrow the filters to see others here."
        )
    default = MEETING_COLUMNS if kind == "meetings" else COMMITMENT_COLUMNS
    chosen = columns or default
    link: tuple[str, Literal["commitment", "meeting"]] | None = None
    if kind == "meetings" and "short_title" in chosen:
        link = ("short_title", "meeting")
    elif kind == "commitments" and "commitment" in chosen:
        link = ("commitment", "commitment")
    table(frame, chosen, key=f"{key}_table", counted=counted, link=link)
    download_csv(kind, filters, key=f"{key}_download")
