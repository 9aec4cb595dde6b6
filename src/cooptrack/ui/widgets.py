"""Small pieces every page uses: the filtered downloads, empty states, tables, captions."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from urllib.parse import quote

import pandas as pd
import streamlit as st

from cooptrack import config
from cooptrack.db.schema import Kind
from cooptrack.i18n import N_, _, current, ngettext, number, pgettext
from cooptrack.query import calendar, glossary, workbook
from cooptrack.query.detail import MeetingRef
from cooptrack.query.export import MIME, Format, export_bytes, file_name
from cooptrack.query.filters import Filters
from cooptrack.ui import data
from cooptrack.ui.language import deferred, link_params, link_suffix
from cooptrack.ui.text import as_text, label, md, status_label, table_cells

# The labels of the CSV buttons (marked here, translated where drawn).
CSV_LABELS = {
    "meetings": N_("Download CSV (meetings)"),
    "phases": N_("Download CSV (project phases)"),
    "commitments": N_("Download CSV (commitments)"),
}
_OTHER_FORMATS: tuple[tuple[Format, str, str], ...] = (
    (
        "csv-excel",
        N_("CSV for Excel"),
        N_(
            "The same CSV with a byte-order mark, so that Excel reads its accents and dashes "
            "as UTF-8."
        ),
    ),
    (
        "xlsx",
        N_("Excel workbook (.xlsx)"),
        N_(
            "Same rows and columns: dates known to the day are "
            "dates, others stay text (2009-11); frozen header; sources linked."
        ),
    ),
    (
        "parquet",
        "Parquet",  # a format's own name: not translated
        N_("Typed columns for data tools: dates with their precision beside them, lists as lists."),
    ),
)


def records_named(kind: Literal["meetings", "phases", "commitments", "followups"]) -> str:
    """The records of a kind named inside the sentences about them (`what` of `empty_state`
    and `record_table`)."""
    # TRANSLATORS: records named inside "The record holds no {what} yet.", "No {what} match the
    # current filters" and "... of {total} {what}"; in Russian the genitive plural (встреч).
    names = {
        "meetings": pgettext("records in a sentence", "meetings"),
        "phases": pgettext("records in a sentence", "project phases"),
        "commitments": pgettext("records in a sentence", "commitments"),
        "followups": pgettext("records in a sentence", "follow-up notes on commitments"),
    }
    return names[kind]


def _download(kind: Kind, filters: Filters, form: Format, text: str, key: str, **more: Any) -> None:
    """One download whose file is made when it is clicked (at a million rows it is hundreds of
    megabytes that most visits never ask for), by the same code as `cooptrack export`."""
    store, today = data.store(), data.today()
    st.download_button(
        text,
        data=deferred(lambda: export_bytes(store, kind, filters, today=today, form=form)),
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
        _download(kind, filters, "csv", _(CSV_LABELS[kind]), key)
        with st.popover(_("Other formats"), icon=":material/more_horiz:"):
            too_many = data.export_count(data.version(), kind, filters) > workbook.MAX_ROWS
            for form, text, explained in _OTHER_FORMATS:
                blocked = too_many and form == "xlsx"
                _download(
                    kind,
                    filters,
                    form,
                    _(text),
                    f"{key}_{form}",
                    disabled=blocked,
                    help=_(
                        "More than {rows} rows: an Excel sheet holds no more. Narrow the filters."
                    ).format(rows=number(workbook.MAX_ROWS))
                    if blocked
                    else _(explained),
                )


def download_calendar(kind: Literal["meetings", "commitments"], filters: Filters) -> None:
    """An .ics file of the meetings, or the commitment due dates, known to the day; the caption
    says how many are left out for want of a day."""
    found = data.calendar_counts(data.version(), kind, filters)
    events = found.events
    if kind == "meetings":
        text = ngettext(
            "Add to calendar ({n} meeting, .ics)", "Add to calendar ({n} meetings, .ics)", events
        )
    else:
        text = ngettext(
            "Add to calendar ({n} due date, .ics)", "Add to calendar ({n} due dates, .ics)", events
        )
    blocked = events > calendar.MAX_EVENTS
    _download(
        kind,
        filters,
        "ics",
        text.format(n=number(events)),
        f"calendar_{kind}",
        disabled=blocked or events == 0,
        help=_("{events} events: a calendar file holds at most {most}; narrow the filters.").format(
            events=number(events), most=number(calendar.MAX_EVENTS)
        )
        if blocked
        else _(
            "Import it into Outlook, Google or Apple Calendar; importing a newer file updates "
            "these events instead of adding them twice."
        ),
    )
    if note := found.left_out_note(kind):
        st.caption(f"{note[0].upper()}{note[1:]}.")


def empty_state(what: str, filters: Filters) -> None:
    """Say why nothing is shown and how to see more, instead of drawing an empty chart.
    `what` is markdown: callers escape any record text in it with `md`."""
    if filters.is_empty():
        st.info(_("The record holds no {what} yet.").format(what=what), icon=":material/info:")
        return
    st.info(
        _(
            "No {what} match the current filters ({filters}). Remove a filter in the "
            "sidebar, widen the date range, or press **Clear filters**."
        ).format(what=what, filters=describe(filters)),
        icon=":material/filter_alt_off:",
    )


def describe(filters: Filters) -> str:
    """The filters in words, for captions and empty states (markdown: every value is escaped,
    since a link's `?q=` or a stored name could carry markup)."""
    names = dict(data.countries(data.version()))
    vocabulary = data.vocabulary(data.version())
    # TRANSLATORS: between two values of one filter ("Kazakhstan or Uzbekistan").
    either = " " + pgettext("between filter values", "or") + " "
    parts = [
        either.join(md(names.get(c, c)) for c in filters.countries),
        either.join(md(c) for c in filters.conventions),
        either.join(md(vocabulary.topics.get(t, t)) for t in filters.topics),
        either.join(md(vocabulary.organisations.get(o, o)) for o in filters.organisations),
    ]
    if filters.date_from or filters.date_to:
        parts.append(_date_range(filters.date_from, filters.date_to))
    if filters.search:
        parts.append(_("“{words}”").format(words=md(filters.search)))
    return " · ".join(p for p in parts if p) or _("no filters")


def short_date(value: date) -> str:
    """A day as a filter shows it: `2018-01-31` in English, `31.01.2018` in Russian."""
    return value.strftime("%d.%m.%Y") if current() == "ru" else value.isoformat()


def _date_range(start: date | None, end: date | None) -> str:
    if start and end:
        text = _("{start} to {end}")
    elif start:
        text = _("{start} to …")
    else:
        text = _("… to {end}")
    return text.format(
        start=md(short_date(start)) if start else "", end=md(short_date(end)) if end else ""
    )


def caption(filters: Filters) -> None:
    st.caption(_("Filters: {filters}").format(filters=describe(filters)))


WRAPPED_ROWS_UP_TO = 60
GLOSSED_TERMS_SHOWN = 8
# A table whose first column is a commitment's text links each row to the commitment's page
# (the meeting panel's tables included); record tables of meetings link their titles.
_COMMITMENT_TEXT = ("commitment", "text")
COLUMN_HELP = {
    "status": N_(
        "proposed, agreed, in-progress: open; fulfilled, superseded, dropped: closed. "
        "Meetings: planned, held, postponed, cancelled. See the Glossary page."
    ),
    "conventions": N_(
        "Convention codes: the Glossary page names each (CBD: Convention on Biological Diversity …)"
    ),
    "convention_codes": N_("Convention codes: the Glossary page names each"),
    "due": N_("The due date at its precision, or the meeting the commitment was to be met before"),
    "latest_followup": N_("The newest dated note on what became of it"),
    "kind_label": N_(
        "WGECC: EU–Central Asia Working Group on Environment and Climate Change; "
        "COP: Conference of the Parties of a convention"
    ),
    "confidence": N_(
        "H: an official or first-hand page; M: a news or secondary page; L: indirect or conflicting"
    ),
}
_OWN_PAGE_HELP = {
    "commitment": N_("The commitment's own page"),
    "meeting": N_("The meeting's own page"),
}


def page_path(name: str) -> str:
    """A page's script as st.navigation knows it (app.py registers pages by full path)."""
    return str(config.app_script().parent / "pages" / f"{name}.py")


def record_link(page: Literal["commitment", "meeting"], ident: str) -> str:
    """The relative address of a record's own page: `commitment?id=…`, the id encoded, and
    `&lang=ru` when drawn in Russian (a page opened in a new tab speaks the same language)."""
    return f"{page}?id={quote(ident, safe='')}{link_suffix()}"


def meeting_link(meeting: MeetingRef, template: str = "{meeting}") -> None:
    """A link to a meeting's own page, named by its title and date (escaped); `template`, a
    translated message, places them (`_("Made at: {meeting}")`)."""
    when = f" ({md(meeting.when)})" if meeting.when else ""
    named = f"{md(label(meeting.title, 160) or meeting.id)}{when}"
    st.page_link(
        page_path("meeting"),
        label=template.format(meeting=named),
        query_params={"id": meeting.id, **link_params()},
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
    that column's cells lead to each row's own page; codes the table uses are explained.
    `columns` maps each column to its English title, marked with `N_` and translated here."""
    columns = {name: _(title) for name, title in columns.items()}
    shown = with_named_statuses(frame[list(columns)])
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
            rows = len(shown)
            st.caption(
                ngettext(
                    "{n} row; scroll the table, or download them.",
                    "{n} rows; scroll the table, or download them.",
                    rows,
                ).format(n=number(rows))
            )
        _scrolled(shown, columns, key, link[1] if link and ids is not None else None, ids)
    if link:
        explain_codes(shown[[c for c in columns if not pd.api.types.is_numeric_dtype(shown[c])]])


def with_named_statuses(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its status codes (`in-progress`) named as the interface names them."""
    if "status" not in frame.columns:
        return frame
    return frame.assign(status=[status_label(code) for code in frame["status"]])


def _scrolled(
    shown: pd.DataFrame,
    titles: dict[str, str],
    key: str | None,
    page: Literal["commitment", "meeting"] | None,
    ids: list[str] | None,
) -> None:
    """A long table as st.dataframe, its columns named by their (translated) titles: a
    dataframe's column names are words on the page too, in its header and its CSV copy."""
    config_ = {
        title: st.column_config.Column(help=_(COLUMN_HELP[name]) if name in COLUMN_HELP else None)
        for name, title in titles.items()
    }
    named = shown.rename(columns=titles)
    order = list(titles.values())
    if page is not None and ids is not None:
        link_title = _("Page")
        named = named.assign(**{link_title: [record_link(page, i) for i in ids]})
        config_[link_title] = st.column_config.LinkColumn(
            display_text=_("Open"), help=_(_OWN_PAGE_HELP[page]), width="small"
        )
        order = [link_title, *order]
    st.dataframe(named, hide_index=True, key=key, column_config=config_, column_order=order)


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
    if more > 0:
        text = _("{terms} · and {more} more (all on the Glossary page)")
    else:
        text = _("{terms} (all on the Glossary page)")
    st.caption(text.format(terms=shown, more=number(more)))


MEETING_COLUMNS = {
    "when": N_("When"),
    "short_title": N_("Meeting"),
    "kind_label": N_("Kind"),
    "where": N_("Where"),
    "status": N_("Status"),
    "convention_codes": N_("Conventions"),
}
COMMITMENT_COLUMNS = {
    "commitment": N_("Commitment"),
    "made_by": N_("Made by"),
    "at": N_("At"),
    "conventions": N_("Conventions"),
    "due": N_("Due"),
    "status": N_("Status"),
    "latest_followup": N_("Latest follow-up"),
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
    markdown, as for `empty_state`, named as `records_named` names them)."""
    if frame.empty:
        empty_state(what, filters)
        return
    counted = total is not None and total > len(frame)
    if counted:
        st.caption(
            _(
                "Showing the {shown} most recent of {total} {what} (scroll the table); "
                "the download holds them all. Narrow the filters to see others here."
            ).format(shown=number(len(frame)), total=number(total or 0), what=what)
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
