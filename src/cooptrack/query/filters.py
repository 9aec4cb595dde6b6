"""One filter model for every page and every export: what a person typed → `Filters` → SQL.

Values within one filter are OR-ed, different filters AND-ed. The SQL is built by pure
functions returning `(sql, params)`, written against the columns every stored `*_facts` table has:
`match_countries`, `conventions`, `topics`, `match_organisations`, `alive_from`, `alive_to`
and `search_text`.

What one request may ask for is bounded (the limits below): each value becomes one
`list_contains` and each search word one `contains`, so the limits bound the work of a query,
and a value too long or not plain text is named and never reaches SQL or a message whole.

Search finds words in the English texts and in the Russian ones (`search_text` holds both,
lower-cased). Russian changes a word's ending with its role («Астана», «в Астане»), so a
Russian search word is cut to its stem (`search_stem`) before the substring match.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cooptrack.dates import PartialDate
from cooptrack.errors import InputError, Problem
from cooptrack.i18n import N_, _, number
from cooptrack.reference import CENTRAL_ASIA_CODE, Vocabulary, resolve_countries

# Limits of one request (a link, a command, the sidebar), in one place.
MAX_VALUES = 50  # values of one list filter (country, convention, topic, organisation)
MAX_VALUE_CHARS = 100  # characters of one such value or date; names and codes are far shorter
MAX_SEARCH_CHARS = 200
MAX_SEARCH_WORDS = 20

# URL query keys of the filters: those that may repeat (OR-ed values), and those that hold one.
LIST_KEYS = ("country", "convention", "topic", "organisation")
SINGLE_KEYS = ("from", "to", "q")
_NOT_PLAIN_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SHOWN_CHARS = 40

# What a problem with a value calls it (one whole phrase each: Russian words change with
# their role, so phrases are never glued from smaller translated pieces).
_VALUE_OF = {
    "country": N_("a country value"),
    "convention": N_("a convention value"),
    "topic": N_("a topic value"),
    "organisation": N_("an organisation value"),
}
_TOO_MANY = {
    "country": N_("{n} country values; the limit is {limit}"),
    "convention": N_("{n} convention values; the limit is {limit}"),
    "topic": N_("{n} topic values; the limit is {limit}"),
    "organisation": N_("{n} organisation values; the limit is {limit}"),
}
_UNKNOWN = {
    "convention": N_("unknown convention {value}; known: {known}"),
    "topic": N_("unknown topic {value}; known: {known}"),
    "organisation": N_("unknown organisation {value}; known: {known}"),
}
_DATE_OF = {"from": N_("--from: the date"), "to": N_("--to: the date")}


@dataclass(frozen=True)
class FilterInput:
    """Filter values as a person gave them (CLI options, URL query, widgets)."""

    countries: tuple[str, ...] = ()
    conventions: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    search: str | None = None


@dataclass(frozen=True)
class Filters:
    """Resolved filters: canonical codes and real dates. Empty means "everything"."""

    countries: tuple[str, ...] = ()
    conventions: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    organisation_scope: tuple[str, ...] = field(default=(), compare=False)
    date_from: date | None = None
    date_to: date | None = None
    search: str = ""

    def is_empty(self) -> bool:
        return self == Filters()

    def slug(self) -> str:
        """A short name for files: `KZ_CBD_2018-01-01_2018-12-31`, or `all`."""
        parts = [*self.countries, *self.conventions, *self.topics, *self.organisations]
        if self.date_from or self.date_to:
            parts.append(f"{self.date_from or 'start'}_{self.date_to or 'end'}")
        if self.search:
            parts.append("search")
        text = "_".join(parts) or "all"
        return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text)[:80]


def resolve(raw: FilterInput, vocabulary: Vocabulary) -> tuple[Filters, list[Problem]]:
    """Resolve every value it can; return what it could not use as problems."""
    problems: list[Problem] = []
    countries = _unique(
        code
        for token in _usable_values(raw.countries, "country", problems)
        for code in _country(token, problems)
    )
    conventions = _resolve_each(
        _usable_values(raw.conventions, "convention", problems),
        "convention",
        vocabulary.resolve_convention,
        vocabulary.conventions,
        problems,
    )
    topics = _resolve_each(
        _usable_values(raw.topics, "topic", problems),
        "topic",
        vocabulary.resolve_topic,
        vocabulary.topics,
        problems,
    )
    organisations = _resolve_each(
        _usable_values(raw.organisations, "organisation", problems),
        "organisation",
        vocabulary.resolve_organisation,
        vocabulary.organisations,
        problems,
    )
    date_from = _date(raw.date_from, "from", problems, end_of_period=False)
    date_to = _date(raw.date_to, "to", problems, end_of_period=True)
    if date_from and date_to and date_from > date_to:
        after = _("--from {start} is after --to {end}").format(start=raw.date_from, end=raw.date_to)
        problems.append(Problem("to", raw.date_to or "", after, place="filter"))
        date_from = date_to = None
    filters = Filters(
        countries=countries,
        conventions=conventions,
        topics=topics,
        organisations=organisations,
        organisation_scope=vocabulary.descendants(organisations) if organisations else (),
        date_from=date_from,
        date_to=date_to,
        search=_search(raw.search, problems),
    )
    return filters, problems


def resolve_strict(raw: FilterInput, vocabulary: Vocabulary) -> Filters:
    """Like `resolve`, but the first problem stops everything (for the command line)."""
    filters, problems = resolve(raw, vocabulary)
    if problems:
        raise InputError(problems[0].reason)
    return filters


def query_input(params: Mapping[str, str | Sequence[str]]) -> tuple[FilterInput, list[Problem]]:
    """The filters of a link's query (key → its values, in order), as given. Keys that are
    not filters belong to the pages and are left alone; a single-valued key given more than
    once keeps its last value (as Streamlit's `query_params.get` does) and says so."""
    problems: list[Problem] = []
    singles: dict[str, str | None] = {}
    for key in SINGLE_KEYS:
        values = _values_of(params, key)
        if len(values) > 1:
            problems.append(
                Problem(
                    key,
                    "",
                    _("'{key}' given {n} times (only the last is used)").format(
                        key=key, n=number(len(values))
                    ),
                    place="filter",
                )
            )
        singles[key] = values[-1] if values else None
    raw = FilterInput(
        countries=tuple(_values_of(params, "country")),
        conventions=tuple(_values_of(params, "convention")),
        topics=tuple(_values_of(params, "topic")),
        organisations=tuple(_values_of(params, "organisation")),
        date_from=singles["from"],
        date_to=singles["to"],
        search=singles["q"],
    )
    return raw, problems


def from_query_params(
    params: Mapping[str, str | Sequence[str]], vocabulary: Vocabulary
) -> tuple[Filters, list[Problem]]:
    """A link's filters resolved, and every value it had to ignore, named (pure: the
    dashboard passes `st.query_params` as a plain mapping)."""
    raw, problems = query_input(params)
    filters, more = resolve(raw, vocabulary)
    return filters, problems + more


def _values_of(params: Mapping[str, str | Sequence[str]], key: str) -> list[str]:
    found = params.get(key)
    if found is None:
        return []
    if isinstance(found, str):
        return [found]
    return [value if isinstance(value, str) else repr(value) for value in found]


def shown(value: str) -> str:
    """A value as a message may repeat it: quoted, escaped, and cut to a few words."""
    if len(value) <= _SHOWN_CHARS:
        return repr(value)
    return f"{value[:_SHOWN_CHARS]!r}… ({len(value):,} characters)"


def _unusable(value: object, limit: int, subject: str) -> str | None:
    """Why `value` cannot be used as a filter value (a sentence about `subject`, a phrase in
    the current language), or None when it can."""
    if not isinstance(value, str):
        return _("{subject} is not text").format(subject=subject)
    if not value.strip():
        return _("{subject} is empty").format(subject=subject)
    if len(value) > limit:
        return _("{subject} is {length} characters long; the limit is {limit}").format(
            subject=subject, length=number(len(value)), limit=number(limit)
        )
    if _NOT_PLAIN_TEXT.search(value):
        return _("{subject} {value} holds control characters or is not valid text").format(
            subject=subject, value=shown(value)
        )
    return None


def _usable_values(tokens: Sequence[str], name: str, problems: list[Problem]) -> list[str]:
    """The values of one list filter that can be looked up; the others become problems."""
    if len(tokens) > MAX_VALUES:
        too_many = _(_TOO_MANY[name]).format(n=number(len(tokens)), limit=number(MAX_VALUES))
        problems.append(Problem(name, "", too_many, place="filter"))
        return []
    usable = []
    for token in tokens:
        reason = _unusable(token, MAX_VALUE_CHARS, _(_VALUE_OF[name]))
        if reason is None:
            usable.append(token)
        else:
            problems.append(Problem(name, _value_text(token), reason, place="filter"))
    return usable


def _value_text(token: object) -> str:
    """The value a problem is about, safe to show: cut short, odd characters replaced."""
    text = token if isinstance(token, str) else repr(token)
    if len(text) > _SHOWN_CHARS:
        text = text[:_SHOWN_CHARS] + "…"
    return "".join(char if char.isprintable() else "\ufffd" for char in text)


def search_words(text: str) -> tuple[str, ...]:
    """The distinct lower-cased words of a search, in order, «ё» written «е» as in
    `search_text`. Python lower-cases Cyrillic as DuckDB's `lower` made `search_text`
    (tests/test_queries_russian.py checks every letter)."""
    return _unique(text.lower().replace("ё", "е").split())


# Russian inflection endings (nouns, adjectives, participles), longest first. A stem match is
# deliberately simple: no dictionary to load, and a cut stem only ever widens what is found.
_RUSSIAN_WORD = re.compile(r"[а-яё]+")
_RUSSIAN_ENDINGS = sorted(
    (
        *("иями", "ями", "ами", "иях", "ях", "ах", "ией", "ого", "его", "ому", "ему"),
        *("ыми", "ими", "ая", "яя", "ое", "ее", "ие", "ые", "ой", "ей", "ий", "ый", "ую"),
        *("юю", "ом", "ем", "ам", "ям", "их", "ых", "ов", "ев", "ия", "ья", "ию", "ью", "ии"),
        *("а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й"),
    ),
    key=len,
    reverse=True,
)
_SHORTEST_WORD, _SHORTEST_STEM = 5, 4


def search_stem(word: str) -> str:
    """What a lower-cased search word is matched by: a Russian word of five letters or more
    without its inflection ending («астана» → «астан», finding «астане»; «климата» →
    «климат», finding «климатической»); any other word as it is. A stem shorter than four
    letters would match too much, so such a word is kept whole."""
    if len(word) < _SHORTEST_WORD or not _RUSSIAN_WORD.fullmatch(word):
        return word
    ending = next((e for e in _RUSSIAN_ENDINGS if word.endswith(e)), "")
    stem = word[: len(word) - len(ending)]
    return stem if len(stem) >= _SHORTEST_STEM else word


def search_needles(text: str) -> tuple[str, ...]:
    """The distinct substrings a search looks for: one `contains` each."""
    return _unique(search_stem(word) for word in search_words(text))


def _search(text: str | None, problems: list[Problem]) -> str:
    if text is None:
        return ""
    subject = _("the search")
    reason = _unusable(text, MAX_SEARCH_CHARS, subject)
    words = search_words(text) if reason is None else ()
    if reason is None and len(words) > MAX_SEARCH_WORDS:
        reason = _("{subject} has {n} different words; the limit is {limit}").format(
            subject=subject, n=number(len(words)), limit=number(MAX_SEARCH_WORDS)
        )
    if reason is not None:
        problems.append(Problem("search", _value_text(text), reason, place="filter"))
        return ""
    return " ".join(text.split())


def _unique(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _country(token: str, problems: list[Problem]) -> tuple[str, ...]:
    codes = resolve_countries(token)
    if not codes:
        problems.append(
            Problem(
                "country",
                _value_text(token),
                _(
                    "unknown country {value}; use an ISO code (KZ or KAZ), an English name "
                    "(Kazakhstan), or 'Central Asia' or {code} for the five"
                ).format(value=shown(token), code=CENTRAL_ASIA_CODE),
                place="filter",
            )
        )
    return codes


def _resolve_each(
    tokens: Sequence[str],
    name: str,
    lookup: Any,
    known: dict[str, str],
    problems: list[Problem],
) -> tuple[str, ...]:
    found: list[str] = []
    for token in tokens:
        key = lookup(token)
        if key is None:
            choices = ", ".join(sorted(known)) or _("none recorded")
            unknown = _(_UNKNOWN[name]).format(value=shown(token), known=choices)
            problems.append(Problem(name, _value_text(token), unknown, place="filter"))
        else:
            found.append(key)
    return _unique(found)


def _date(text: str | None, name: str, problems: list[Problem], end_of_period: bool) -> date | None:
    if text is None:
        return None
    reason = _unusable(text, MAX_VALUE_CHARS, _(_DATE_OF[name]))
    if reason is not None:
        problems.append(Problem(name, _value_text(text), reason, place="filter"))
        return None
    try:
        parsed = PartialDate.parse(text)
    except ValueError as error:
        wrong = _("--{name}: {error}").format(name=name, error=error)
        problems.append(Problem(name, _value_text(text), wrong, place="filter"))
        return None
    return parsed.end if end_of_period else parsed.start


def _any_of(column: str, name: str, values: tuple[str, ...], params: dict[str, Any]) -> str:
    """`column` (a list) holds one of `values`. One list_contains per value, because
    list_has_any(column, [...]) is 4-6× slower over a million rows (DuckDB 2.0)."""
    tests = []
    for index, value in enumerate(values):
        params[f"{name}_{index}"] = value
        tests.append(f"list_contains({column}, ${name}_{index})")
    return tests[0] if len(tests) == 1 else f"({' OR '.join(tests)})"


def where(filters: Filters) -> tuple[str, dict[str, Any]]:
    """The WHERE condition (never empty: `TRUE` for no filter) and its named parameters."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for column, name, values in (
        ("match_countries", "countries", filters.countries),
        ("conventions", "conventions", filters.conventions),
        ("topics", "topics", filters.topics),
        (
            "match_organisations",
            "organisations",
            filters.organisation_scope or filters.organisations,
        ),
    ):
        if values:
            clauses.append(_any_of(column, name, values, params))
    if filters.date_to is not None:
        clauses.append("alive_from <= $date_to")
        params["date_to"] = filters.date_to
    if filters.date_from is not None:
        clauses.append("alive_to >= $date_from")
        params["date_from"] = filters.date_from
    words = search_words(filters.search)
    if len(words) > MAX_SEARCH_WORDS:  # resolve() never lets one through; a bound all the same
        raise InputError(f"the search has {len(words):,} words; the limit is {MAX_SEARCH_WORDS}")
    for index, needle in enumerate(search_needles(filters.search)):
        clauses.append(f"contains(search_text, $search_{index})")
        params[f"search_{index}"] = needle
    return (" AND ".join(clauses) or "TRUE"), params
