"""Dates as press releases write them, in English and Russian, kept at their real precision.

"12-13 February 2020" is a two-day range; "in November 2021" is a month; "second half of 2021
(tbc)" is a tentative span of months; "today" is the publication date, if one is given. A year
left out ("On October 18-19") is taken from the publication date, or else from a year the text
names.
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from cooptrack.dates import PartialDate

_EN_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_EN_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_EN_MONTHS["sept"] = 9
_RU_STEMS = (
    "январ",
    "феврал",
    "март",
    "апрел",
    "ма",
    "июн",
    "июл",
    "август",
    "сентябр",
    "октябр",
    "ноябр",
    "декабр",
)
_MONTH = (
    r"(?P<{g}>January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
    r"|январ[яе]|феврал[яе]|марта?|марте|апрел[яе]|ма[яе]|июн[яе]|июл[яе]|августа?|"
    r"августе|сентябр[яе]|октябр[яе]|ноябр[яе]|декабр[яе])\.?"
)
_WEEKDAY_NAMES = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_NEXT_IS_DATE = r"(?:\d|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"  # "Friday, 10 October"
_RU_WEEKDAYS = ("понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье")
_DASH = r"\s*+(?:-|–|—|to|and|until|по|и)\s*+"
_YEAR = r"(?P<{g}>(?:19|20)\d\d)"
_A_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_TBC = re.compile(
    r"\(?\s*+(?:tbc|tbd|to be confirmed|to be determined|предварительно)\s*+\)?", re.IGNORECASE
)


@dataclass
class Spans:
    """Spans of text already taken by a match, none overlapping another: a new match is
    tested against its two neighbours (log time), so that a text with thousands of matches
    is not checked pair by pair."""

    _starts: list[int] = field(default_factory=list)
    _ends: list[int] = field(default_factory=list)

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self._starts, start)
        if index and self._ends[index - 1] > start:
            return True
        return index < len(self._starts) and self._starts[index] < end

    def add(self, start: int, end: int) -> None:
        index = bisect.bisect_right(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)

    def take(self, start: int, end: int) -> bool:
        """Take the span unless it overlaps one taken already; say whether it was taken."""
        if self.overlaps(start, end):
            return False
        self.add(start, end)
        return True


@dataclass(frozen=True)
class Found:
    """A date expression: where it stands in the text, what it means, how sure it is."""

    start: PartialDate
    end: PartialDate | None
    tentative: bool
    position: int
    text: str


def month_number(word: str) -> int:
    lowered = word.lower().rstrip(".")
    if lowered in _EN_MONTHS:
        return _EN_MONTHS[lowered]
    for number, stem in enumerate(_RU_STEMS, start=1):
        if lowered.startswith(stem) and (stem != "ма" or lowered in ("мая", "мае", "май")):
            return number
    raise ValueError(word)


def _m(name: str) -> str:
    return _MONTH.format(g=name)


def _y(name: str) -> str:
    return _YEAR.format(g=name)


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 31 October – 12 November 2021
    (
        "d_m_d_m_y",
        re.compile(
            rf"\b(?P<d1>\d{{1,2}})\s++{_m('m1')}{_DASH}(?P<d2>\d{{1,2}})\s++"
            rf"{_m('m2')},?\s++{_y('y')}",
            re.IGNORECASE,
        ),
    ),
    # 12-13 February 2020 / 12 and 13 February 2020
    (
        "d_d_m_y",
        re.compile(
            rf"\b(?P<d1>\d{{1,2}}){_DASH}(?P<d2>\d{{1,2}})\s++{_m('m')},?\s++"
            rf"{_y('y')}",
            re.IGNORECASE,
        ),
    ),
    # February 12-13, 2020 / September 16-24,2013
    (
        "m_d_d_y",
        re.compile(
            rf"\b{_m('m')}\s++(?P<d1>\d{{1,2}}){_DASH}(?P<d2>\d{{1,2}})(?:,\s*+|\s++)"
            rf"{_y('y')}",
            re.IGNORECASE,
        ),
    ),
    # 12 February 2020
    ("d_m_y", re.compile(rf"\b(?P<d>\d{{1,2}})\s++{_m('m')},?\s++{_y('y')}", re.IGNORECASE)),
    # February 12, 2020
    ("m_d_y", re.compile(rf"\b{_m('m')}\s++(?P<d>\d{{1,2}}),?\s++{_y('y')}", re.IGNORECASE)),
    # On October 18-19 (no year)
    (
        "m_d_d",
        re.compile(
            rf"\b{_m('m')}\s++(?P<d1>\d{{1,2}}){_DASH}(?P<d2>\d{{1,2}})\b(?!,?\s*+\d)",
            re.IGNORECASE,
        ),
    ),
    # 18-19 October (no year)
    (
        "d_d_m",
        re.compile(
            rf"\b(?P<d1>\d{{1,2}}){_DASH}(?P<d2>\d{{1,2}})\s++{_m('m')}"
            rf"(?!,?\s*+(?:19|20)\d\d)",
            re.IGNORECASE,
        ),
    ),
    # On October 18 / Monday, October 23 / 18 October (no year)
    (
        "m_d",
        re.compile(
            rf"\b(?:on|от|(?:{_WEEKDAY_NAMES}),?)\s++{_m('m')}\s++(?P<d>\d{{1,2}})\b(?!,?\s*+\d)",
            re.IGNORECASE,
        ),
    ),
    ("d_m", re.compile(rf"\b(?P<d>\d{{1,2}})\s++{_m('m')}(?!,?\s*+(?:19|20)\d\d)", re.IGNORECASE)),
    # second half of 2021
    (
        "half",
        re.compile(rf"\b(?P<h>first|second|1st|2nd)\s++half\s++of\s++{_y('y')}", re.IGNORECASE),
    ),
    # November 2021 / в ноябре 2021 года
    ("m_y", re.compile(rf"\b{_m('m')}\s++(?:of\s++)?{_y('y')}", re.IGNORECASE)),
    # in 2021 / в 2021 году
    ("y", re.compile(rf"\b(?:in|during|by|throughout|в|до)\s++{_y('y')}\b", re.IGNORECASE)),
    # today / yesterday / сегодня / вчера / this year
    (
        "rel",
        re.compile(
            r"\b(?P<rel>today|yesterday|this year|сегодня|вчера|в этом году)\b", re.IGNORECASE
        ),
    ),
    # on Tuesday / Tuesday's meeting / во вторник: the last such day on or before publication
    (
        "weekday",
        re.compile(
            rf"(?:\b(?:on|last)\s++)?\b(?P<wd>{_WEEKDAY_NAMES})\b(?!,?\s*+{_NEXT_IS_DATE})"
            r"(?:'s\b)?"
            r"|\bв(?:о)?\s++(?P<wdru>понедельник|вторник|среду|четверг|пятницу|субботу|"
            r"воскресенье)\b",
            re.IGNORECASE,
        ),
    ),
]


def find_dates(text: str, published: date | None = None) -> list[Found]:
    """Every date expression in `text`, in order; overlapping matches keep the longest."""
    default_year = published.year if published else _named_year(text)
    taken = Spans()
    found: list[Found] = []
    for name, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            span = match.span()
            # taken even when impossible: "30 February" must not become "February"
            if not taken.take(*span):
                continue
            parsed = _interpret(name, match, default_year, published)
            if parsed is None:
                continue
            start, end = parsed
            tail = text[span[1] : span[1] + 25]
            tentative = bool(_TBC.match(tail.strip())) or name == "half"
            found.append(Found(start, end, tentative, span[0], match.group(0)))
    return sorted(found, key=lambda f: f.position)


def _named_year(text: str) -> int | None:
    year = _A_YEAR.search(text)
    return int(year.group(1)) if year else None


def _day(year: int, month: int, day: int) -> PartialDate | None:
    try:
        return PartialDate(date(year, month, day), "day")
    except ValueError:
        return None


def _interpret(  # noqa: PLR0911 - one return per kind of expression reads best
    name: str, match: re.Match[str], default_year: int | None, published: date | None
) -> tuple[PartialDate, PartialDate | None] | None:
    groups = match.groupdict()
    year = int(groups["y"]) if groups.get("y") else default_year
    if name == "weekday":
        if published is None:
            return None
        weekday = (
            _RU_WEEKDAYS.index(groups["wdru"].lower())
            if groups.get("wdru")
            else [d.lower() for d in calendar.day_name].index(groups["wd"].lower())
        )
        back = (published.weekday() - weekday) % 7
        return PartialDate(published - timedelta(days=back), "day"), None
    if name == "rel":
        word = groups["rel"].lower()
        if published is None and year is not None and word in ("this year", "в этом году"):
            return PartialDate(date(year, 1, 1), "year"), None  # the year the release names
        return _relative(word, published)
    if year is None:
        return None
    if name == "half":
        first = groups["h"].lower() in ("first", "1st")
        months = (1, 6) if first else (7, 12)
        return (
            PartialDate(date(year, months[0], 1), "month"),
            PartialDate(date(year, months[1], 1), "month"),
        )
    if name == "y":
        return PartialDate(date(year, 1, 1), "year"), None
    if name == "m_y":
        return PartialDate(date(year, month_number(groups["m"]), 1), "month"), None
    if name == "d_m_d_m_y":
        start = _day(year, month_number(groups["m1"]), int(groups["d1"]))
        end = _day(year, month_number(groups["m2"]), int(groups["d2"]))
        return (start, end) if start and end and end.start >= start.start else None
    month = month_number(groups["m"])
    if "d1" in groups and groups.get("d1"):
        start, end = _day(year, month, int(groups["d1"])), _day(year, month, int(groups["d2"]))
        return (start, end) if start and end and end.start >= start.start else None
    start = _day(year, month, int(groups["d"]))
    return (start, None) if start else None


def _relative(word: str, published: date | None) -> tuple[PartialDate, PartialDate | None] | None:
    if published is None:
        return None
    if word in ("today", "сегодня"):
        return PartialDate(published, "day"), None
    if word in ("yesterday", "вчера"):
        return PartialDate(published - timedelta(days=1), "day"), None
    return PartialDate(date(published.year, 1, 1), "year"), None
