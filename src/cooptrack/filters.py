"""One filter model for every page and every export: what a person typed → `Filters` → SQL.

Values within one filter are OR-ed, different filters AND-ed. The SQL is built by pure
functions returning `(sql, params)`, written against the columns every `*_facts` view has:
`match_countries`, `conventions`, `topics`, `match_organisations`, `alive_from`, `alive_to`
and `search_text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cooptrack.dates import PartialDate
from cooptrack.errors import InputError
from cooptrack.reference import Vocabulary, resolve_countries


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


@dataclass(frozen=True)
class Problem:
    """One value that could not be used, and why; the UI shows it, the CLI stops on it."""

    filter: str
    value: str
    message: str


def resolve(raw: FilterInput, vocabulary: Vocabulary) -> tuple[Filters, list[Problem]]:
    """Resolve every value it can; return what it could not use as problems."""
    problems: list[Problem] = []
    countries = _unique(code for token in raw.countries for code in _country(token, problems))
    conventions = _resolve_each(
        raw.conventions,
        "convention",
        vocabulary.resolve_convention,
        vocabulary.conventions,
        problems,
    )
    topics = _resolve_each(
        raw.topics, "topic", vocabulary.resolve_topic, vocabulary.topics, problems
    )
    organisations = _resolve_each(
        raw.organisations,
        "organisation",
        vocabulary.resolve_organisation,
        vocabulary.organisations,
        problems,
    )
    date_from = _date(raw.date_from, "from", problems, end_of_period=False)
    date_to = _date(raw.date_to, "to", problems, end_of_period=True)
    if date_from and date_to and date_from > date_to:
        problems.append(
            Problem("to", raw.date_to or "", f"--from {raw.date_from} is after --to {raw.date_to}")
        )
        date_from = date_to = None
    filters = Filters(
        countries=countries,
        conventions=conventions,
        topics=topics,
        organisations=organisations,
        organisation_scope=vocabulary.descendants(organisations) if organisations else (),
        date_from=date_from,
        date_to=date_to,
        search=" ".join((raw.search or "").split()),
    )
    return filters, problems


def resolve_strict(raw: FilterInput, vocabulary: Vocabulary) -> Filters:
    """Like `resolve`, but the first problem stops everything (for the command line)."""
    filters, problems = resolve(raw, vocabulary)
    if problems:
        raise InputError(problems[0].message)
    return filters


def _unique(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _country(token: str, problems: list[Problem]) -> tuple[str, ...]:
    codes = resolve_countries(token)
    if not codes and token.strip():
        problems.append(
            Problem(
                "country",
                token,
                f"unknown country {token!r}; use an ISO code (KZ or KAZ), an English name "
                "(Kazakhstan) or 'Central Asia'",
            )
        )
    return codes


def _resolve_each(
    tokens: tuple[str, ...],
    name: str,
    lookup: Any,
    known: dict[str, str],
    problems: list[Problem],
) -> tuple[str, ...]:
    found: list[str] = []
    for token in tokens:
        key = lookup(token)
        if key is None and token.strip():
            choices = ", ".join(sorted(known)) or "none recorded"
            problems.append(Problem(name, token, f"unknown {name} {token!r}; known: {choices}"))
        elif key is not None:
            found.append(key)
    return _unique(found)


def _date(text: str | None, name: str, problems: list[Problem], end_of_period: bool) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        parsed = PartialDate.parse(text)
    except ValueError as error:
        problems.append(Problem(name, text, f"--{name}: {error}"))
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
    for index, word in enumerate(filters.search.lower().split()):
        clauses.append(f"contains(search_text, $search_{index})")
        params[f"search_{index}"] = word
    return (" AND ".join(clauses) or "TRUE"), params
