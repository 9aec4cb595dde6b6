"""Excel workbooks of an extract, written with XlsxWriter from the CSV's own query.

Same rows, same order and the same cell texts as the CSV (formula-like text keeps its quote, so
an import of the workbook reads back what an import of the CSV would), but typed where Excel
can hold the value: a date known to the day is a date, one known only to the month or year
stays text (`2009-11`) rather than a made-up first day; numbers are numbers, flags booleans.
Every text cell is written with `write_string`, so nothing is ever read as a formula or a link;
a source that is one web address becomes a hyperlink. One sheet only: the import reads the
first sheet and refuses a workbook with data on others.
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

if TYPE_CHECKING:
    from cooptrack.query.export import Column

MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header
MAX_LINKS = 65_530  # Excel's hyperlinks per sheet: past it, sources are plain text
MAX_URL = 2_079  # Excel's longest hyperlink
MAX_CELL = 32_767  # Excel's longest cell text
CUT_NOTE = " … [cut here: an Excel cell holds at most 32,767 characters; the CSV has it all]"
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
_NOT_IN_URL = re.compile(r"[\s\"<>\\^`{|}\x00-\x1f\x7f]")
_BATCH = 10_000
_WIDTHS = (6, 60)  # narrowest and widest column, in characters
_SAMPLE = 1_000  # rows whose cells set the widths


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
        self.sheet = book.add_worksheet(kind)
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
                "title": f"cooptrack {kind}",
                "comments": "Dates known to the day are dates; a date known only to the month "
                "or year is text (2009-11, 2021). Text that begins like a formula has a quote "
                "(') in front, as in the CSV.",
            }
        )
        widths = _widths(columns, sample)
        for index, (column, width) in enumerate(zip(self.columns, widths, strict=True)):
            self.sheet.set_column(index, index, width)
            self.sheet.write_string(0, index, column.name, header)
        self.sheet.freeze_panes(1, 0)

    def add(self, row: Sequence[Any]) -> None:
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise InputError(
                f"more than {MAX_ROWS:,} rows: an Excel sheet holds no more; narrow the "
                "filters, or export CSV or Parquet"
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
        tip = "Opens the first source" if len(text.split("; ")) > 1 else "Opens the source"
        self.sheet.write_url(number, index, targets[0], self.link, text, tip)

    def finish(self) -> None:
        last = max(self.rows, 1)
        self.sheet.autofilter(0, 0, last, len(self.columns) - 1)


def _fitted(text: str) -> str:
    """Text as a cell can hold it: a longer one is cut, and says so."""
    if len(text) <= MAX_CELL:
        return text
    return text[: MAX_CELL - len(CUT_NOTE)] + CUT_NOTE


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
        raise InputError(f"cannot write the workbook: {error.strerror or error}") from None
    except Exception as error:  # XlsxWriter wraps a failed write in its own exceptions
        raise InputError(f"cannot write the workbook {path.name}: {error}") from None
