"""Excel workbooks of an extract, written with XlsxWriter from the CSV's own query.

Same rows, same order and the same cell texts as the CSV (formula-like text keeps its quote, so
an import of the workbook reads back what an import of the CSV would), but typed where Excel
can hold the value: a date known to the day is a date, one known only to the month or year
stays text (`2009-11`) rather than a made-up first day; numbers are numbers, flags booleans.
Every text cell is written with `write_string`, so nothing is ever read as a formula or a link;
a source that is one web address becomes a hyperlink. One sheet only: the import reads the
first sheet and refuses a workbook with data on others.

The header row holds the CSV's column names, stable in every language (an import reads them);
each header cell carries a note naming its column in the current language, and the sheet, the
file's properties and the workbook's own notes are in that language too. The cells hold what
the CSV holds (its label columns follow the language of the export).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cooptrack.db.schema import Kind
from cooptrack.db.store import Store
from cooptrack.errors import InputError
from cooptrack.i18n import N_, _, number, pgettext

if TYPE_CHECKING:
    from cooptrack.query.export import Column

MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header
MAX_LINKS = 65_530  # Excel's hyperlinks per sheet: past it, sources are plain text
MAX_URL = 2_079  # Excel's longest hyperlink
MAX_CELL = 32_767  # Excel's longest cell text
CUT_NOTE = N_(" … [cut here: an Excel cell holds at most {limit} characters; the CSV has it all]")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
_NOT_IN_URL = re.compile(r"[\s\"<>\\^`{|}\x00-\x1f\x7f]")
_BATCH = 10_000
_WIDTHS = (6, 60)  # narrowest and widest column, in characters
_SAMPLE = 1_000  # rows whose cells set the widths
# What each column of an extract holds, in words (the note on its header cell).
COLUMN_LABELS = {
    "id": N_("Identifier"),
    "title": N_("Title"),
    "short_title": N_("Short title"),
    "kind": N_("Kind of meeting"),
    "series": N_("Series"),
    "ordinal": N_("Number in the series"),
    "start_date": N_("Start"),
    "end_date": N_("End"),
    "tentative": N_("Dates to be confirmed"),
    "city": N_("City"),
    "host_country": N_("Host country"),
    "format": N_("Format"),
    "status": N_("Status"),
    "chairs": N_("Chairs"),
    "countries": N_("Countries"),
    "conventions": N_("Conventions"),
    "topics": N_("Topics"),
    "organisations": N_("Organisations"),
    "chair_organisations": N_("Chairing organisations"),
    "organisers": N_("Organisers"),
    "summary": N_("Summary"),
    "confidence": N_("Confidence in the sources"),
    "sources": N_("Sources"),
    "project": N_("Project"),
    "phase": N_("Phase"),
    "implementers": N_("Implementers"),
    "planned_start": N_("Planned start"),
    "planned_end": N_("Planned end"),
    "actual_start": N_("Actual start"),
    "actual_end": N_("Actual end"),
    "budget": N_("Budget"),
    "currency": N_("Currency"),
    "text": N_("Commitment"),
    "made_by": N_("Made by"),
    "meeting": N_("Meeting where it was made"),
    "made_on": N_("Made on"),
    "due_date": N_("Due date"),
    "due": N_("Due"),
    "ahead_of": N_("Meeting it is due before"),
    "latest_followup_on": N_("Date of the latest follow-up"),
    "latest_followup": N_("Latest follow-up"),
    "overdue": N_("Overdue"),
    "fulfilled_by": N_("Meeting that recorded it fulfilled"),
}


def link_target(text: str) -> str | None:
    """`text` when it is exactly one http(s) address Excel can link to, else None."""
    if not text or len(text) > MAX_URL or _NOT_IN_URL.search(text):
        return None
    parts = urlsplit(text)
    host, _, port = parts.netloc.partition(":")
    if parts.scheme.lower() not in ("http", "https") or not _HOST.fullmatch(host):
        return None
    if "." not in host or (port and not port.isdigit()):
        return None
    return text


def write(
    store: Store,
    kind: Kind,
    columns: Sequence[Column],
    query: tuple[str, dict[str, object]],
    path: Path,
) -> int:
    """Write the rows of `query` (the CSV's SQL and parameters) as a workbook at `path`; the
    number of rows."""
    sql, params = query
    import xlsxwriter  # type: ignore[import-untyped]  # noqa: PLC0415 - only workbooks need it

    with store.cursor() as cursor:
        result = cursor.execute(sql, params)
        first = result.fetchmany(_SAMPLE)
        book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,  # rows go to disk as written: a million rows fit
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_date_format": "yyyy-mm-dd",
            },
        )
        try:
            sheet = _Sheet(book, kind, columns, first)
            batch = first
            while batch:
                for row in batch:
                    sheet.add(row)
                batch = result.fetchmany(_BATCH)
            sheet.finish()
        finally:
            _close(book, path)
    return sheet.rows


class _Sheet:
    """One worksheet being written, row after row (XlsxWriter's constant-memory mode)."""

    def __init__(self, book: Any, kind: Kind, columns: Sequence[Column], sample: list[Any]):
        self.sheet = book.add_worksheet(sheet_name(kind))
        self.columns = list(columns)
        self.rows = 0
        self.links = 0
        header = book.add_format({"bold": True, "bottom": 1, "bg_color": "#EEF2F7"})
        self.day = book.add_format({"num_format": "yyyy-mm-dd", "align": "left"})
        self.partial = book.add_format({"align": "left"})
        self.money = book.add_format({"num_format": "#,##0.00"})
        self.link = book.add_format({"font_color": "#1155CC", "underline": 1})
        book.set_properties(
            {
                "title": _("cooptrack: {records}").format(records=sheet_name(kind)),
                "comments": _(
                    "Dates known to the day are dates; a date known only to the month or year "
                    "is text (2009-11, 2021). Text that begins like a formula has a quote (') "
                    "in front, as in the CSV. The first row holds the column names an import "
                    "reads; the note on each says what the column holds."
                ),
            }
        )
        widths = _widths(columns, sample)
        for index, (column, width) in enumerate(zip(self.columns, widths, strict=True)):
            self.sheet.set_column(index, index, width)
            self.sheet.write_string(0, index, column.name, header)
            if label := column_label(column.name):
                self.sheet.write_comment(0, index, label, {"author": "cooptrack"})
        self.sheet.freeze_panes(1, 0)

    def add(self, row: Sequence[Any]) -> None:
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise InputError(
                _(
                    "more than {limit} rows: an Excel sheet holds no more; narrow the filters, "
                    "or export CSV or Parquet"
                ).format(limit=number(MAX_ROWS))
            )
        for index, (column, value) in enumerate(zip(self.columns, row, strict=True)):
            if value is not None:
                self._cell(self.rows, index, column, value)

    def _cell(self, number: int, index: int, column: Column, value: Any) -> None:
        sheet = self.sheet
        if isinstance(value, bool):
            sheet.write_boolean(number, index, value)
        elif isinstance(value, int | float | Decimal):
            form = self.money if isinstance(value, Decimal) else None
            sheet.write_number(number, index, float(value), form)
        elif column.shape == "date" and _DAY.fullmatch(str(value)):
            sheet.write_datetime(number, index, date.fromisoformat(str(value)), self.day)
        elif column.shape == "date":
            sheet.write_string(number, index, str(value), self.partial)
        elif column.shape == "sources":
            self._sources(number, index, str(value))
        else:
            sheet.write_string(number, index, _fitted(str(value)))

    def _sources(self, number: int, index: int, text: str) -> None:
        """The sources as the CSV joins them; linked to the first that is one web address."""
        targets = [t for t in (link_target(part) for part in text.split("; ")) if t]
        if not targets or self.links >= MAX_LINKS or len(text) > MAX_CELL:
            self.sheet.write_string(number, index, _fitted(text))
            return
        self.links += 1
        tip = _("Opens the first source") if len(text.split("; ")) > 1 else _("Opens the source")
        self.sheet.write_url(number, index, targets[0], self.link, text, tip)

    def finish(self) -> None:
        last = max(self.rows, 1)
        self.sheet.autofilter(0, 0, last, len(self.columns) - 1)


def sheet_name(kind: Kind) -> str:
    """The sheet's name: the kind of record, in the current language."""
    names = {
        "meetings": pgettext("sheet", "meetings"),
        "phases": pgettext("sheet", "phases"),
        "commitments": pgettext("sheet", "commitments"),
    }
    return names.get(kind, kind)[:31]  # Excel's longest sheet name


def column_label(name: str) -> str | None:
    """What the column `name` holds, in words (`title_ru`: the title in Russian); None for a
    column not described here."""
    if name in COLUMN_LABELS:
        return _(COLUMN_LABELS[name])
    base, _separator, language = name.rpartition("_")
    if language == "ru" and base in COLUMN_LABELS:
        return _("{column} (in Russian)").format(column=_(COLUMN_LABELS[base]))
    return None


def _fitted(text: str) -> str:
    """Text as a cell can hold it: a longer one is cut, and says so."""
    if len(text) <= MAX_CELL:
        return text
    note = _(CUT_NOTE).format(limit=number(MAX_CELL))
    return text[: MAX_CELL - len(note)] + note


def _widths(columns: Sequence[Column], sample: list[Any]) -> list[int]:
    """Wide enough for the header and most cells of the first rows, within _WIDTHS."""
    narrowest, widest = _WIDTHS
    widths = []
    for index, column in enumerate(columns):
        lengths = sorted(len(str(row[index])) for row in sample if row[index] is not None)
        typical = lengths[int(len(lengths) * 0.9)] if lengths else 0
        if column.shape == "date":
            typical = min(typical, 10)
        widths.append(max(narrowest, min(widest, max(typical, len(column.name)) + 2)))
    return widths


def _close(book: Any, path: Path) -> None:
    try:
        book.close()
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError(_("cannot write the workbook: {reason}").format(reason=reason)) from None
    except Exception as error:  # XlsxWriter wraps a failed write in its own exceptions
        raise InputError(
            _("cannot write the workbook {name}: {reason}").format(name=path.name, reason=error)
        ) from None
