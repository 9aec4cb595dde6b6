"""Dates known only to the day, the month or the year.

Sources often say "November 2009" or "in 2021"; storing such a date as a made-up day would be a
guess. A `PartialDate` keeps the first day of the period and its precision, and can say where the
period ends, so that range filters can use the whole period.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from cooptrack.i18n import DEFAULT, _, current, month_name, ngettext, pgettext

Precision = Literal["day", "month", "year"]
PRECISIONS: tuple[Precision, ...] = ("day", "month", "year")
# ASCII digits only: `\d` would also take "２０２１" or Arabic-Indic digits, which int() reads.
_ISO = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


@dataclass(frozen=True, order=True)
class PartialDate:
    """The first day of a period (`start`) and how much of it is known (`precision`)."""

    start: date
    precision: Precision

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read `2020-02-12`, `2009-11` or `2021`; raise ValueError naming what is wrong."""
        match = _ISO.fullmatch(text.strip())
        shown = _quoted(text)
        if not match:
            raise ValueError(
                _("{value} is not a date; use YYYY-MM-DD, YYYY-MM or YYYY").format(value=shown)
            )
        year, month, day = (int(part) if part else None for part in match.groups())
        assert year is not None
        if year == 0:
            raise ValueError(_("{value} does not exist: there is no year 0").format(value=shown))
        if month is not None and not 1 <= month <= 12:
            raise ValueError(
                _("{value} does not exist: there is no month {month}").format(
                    value=shown, month=month
                )
            )
        if day is not None:
            assert month is not None
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                reason = ngettext(
                    "{value} does not exist: {month} {year} has {days} day",
                    "{value} does not exist: {month} {year} has {days} days",
                    last,
                )
                raise ValueError(
                    reason.format(value=shown, month=_whole_month(month), year=year, days=last)
                )
            return cls(date(year, month, day), "day")
        if month is not None:
            return cls(date(year, month, 1), "month")
        return cls(date(year, 1, 1), "year")

    @property
    def end(self) -> date:
        """The last day of the period."""
        if self.precision == "day":
            return self.start
        if self.precision == "month":
            last = calendar.monthrange(self.start.year, self.start.month)[1]
            return self.start.replace(day=last)
        return self.start.replace(month=12, day=31)

    def iso(self) -> str:
        """ISO text at the known precision: `2020-02-12`, `2009-11`, `2021`."""
        return iso_text(self.start, self.precision)


def _quoted(text: str) -> str:
    """What was typed, quoted the way the language quotes (cut at 40 characters)."""
    cut = text if len(text) <= 40 else f"{text[:40]}…"
    if current() == DEFAULT:
        return repr(text) if len(text) <= 40 else f"{text[:40]!r}…"
    return f"«{cut}»"


def _whole_month(month: int) -> str:
    """`February`; in Russian the form a sentence needs after it: `в феврале`."""
    names = (
        pgettext("in the month", "January"),
        pgettext("in the month", "February"),
        pgettext("in the month", "March"),
        pgettext("in the month", "April"),
        pgettext("in the month", "May"),
        pgettext("in the month", "June"),
        pgettext("in the month", "July"),
        pgettext("in the month", "August"),
        pgettext("in the month", "September"),
        pgettext("in the month", "October"),
        pgettext("in the month", "November"),
        pgettext("in the month", "December"),
    )
    return names[month - 1]


def iso_text(value: date, precision: str) -> str:
    """Format `value` at `precision` the ISO way (used by exports and the loader alike)."""
    if precision == "day":
        return value.isoformat()
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return f"{value.year:04d}"


def human_text(value: date, precision: str) -> str:
    """Format `value` at `precision` for people in the interface's language, never showing
    more than is known: `12 Feb 2020` / `12 февраля 2020`, `Nov 2009` / `ноябрь 2009`."""
    if precision == "day":
        return f"{value.day} {month_name(value.month)} {value.year}"
    if precision == "month":
        return f"{month_name(value.month, standalone=True)} {value.year}"
    return str(value.year)


def span_label(
    start: date | None,
    start_precision: str | None,
    end: date | None = None,
    end_precision: str | None = None,
    tentative: bool = False,
) -> str:
    """`12–13 Feb 2020`, `31 Oct – 13 Nov 2021`, `Nov 2009`, `2021 (tbc)`; `unknown` if no start."""
    if start is None or start_precision is None:
        return _("unknown")
    text = human_text(start, start_precision)
    if (
        end is not None
        and end_precision is not None
        and (end, end_precision)
        != (
            start,
            start_precision,
        )
    ):
        text = _join_span(start, start_precision, end, end_precision)
    return _("{date} (tbc)").format(date=text) if tentative else text


def _join_span(start: date, start_precision: str, end: date, end_precision: str) -> str:
    both_days = start_precision == end_precision == "day"
    if both_days and (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {month_name(end.month)} {end.year}"
    if both_days and start.year == end.year:
        return f"{start.day} {month_name(start.month)} – {human_text(end, end_precision)}"
    return f"{human_text(start, start_precision)} – {human_text(end, end_precision)}"
