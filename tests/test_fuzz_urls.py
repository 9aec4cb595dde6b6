"""Hostile links, generated: the filter parameters of any page's URL (repeated keys, lists, huge
values, control characters, unknown keys) never raise, give bounded filters that run in SQL,
and every value left out is named. Then a few such links through the real app (AppTest).

`make fuzz` (HYPOTHESIS_PROFILE=fuzz) runs 1,000 generated links; `make test` fewer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest
from test_pages import APP, Params

from cooptrack.db.store import Store
from cooptrack.query.export import count_rows
from cooptrack.query.filters import (
    LIST_KEYS,
    MAX_SEARCH_CHARS,
    MAX_SEARCH_WORDS,
    MAX_VALUES,
    SINGLE_KEYS,
    FilterInput,
    Filters,
    from_query_params,
    resolve,
)
from cooptrack.query.meetings import vocabulary
from cooptrack.reference import CENTRAL_ASIA, Vocabulary

SPECIAL_VALUES = [
    *("", " ", "KZ", "kaz", "CA", "XCA", "Central Asia", "Narnia", "CBD", "unfccc", "climate"),
    *("eu", "dg-env", "2018", "2021-02", "2021-02-30", "２０２１", "\u0662\u0660\u0662\u0661"),
    *("green deal", "'; DROP TABLE meetings; --", "[x](https://elsewhere.example)", "**b**"),
    *("<img src=https://elsewhere.example/p.gif>", "K\x00Z", "\x1b[31m", "a\u202eb", "\udcff"),
    *(":red[alert]", "$x^2$", "word " * 30, "%00", "{where}", "$countries_0"),
]
value = st.one_of(
    st.sampled_from(SPECIAL_VALUES),
    st.text(max_size=30),
    st.text(st.characters(categories=["Cc", "Cs", "Zs", "Cf", "Nd"]), max_size=10),
    st.builds(
        lambda part, times: part * times,
        st.sampled_from(["word ", "K", "é", "\x00"]),
        st.integers(0, 200_000),
    ),
)
values = st.one_of(
    value,
    st.lists(value, max_size=6),
    st.builds(lambda one, times: [one] * times, value, st.integers(0, 3 * MAX_VALUES)),
)
keys = st.one_of(
    st.sampled_from([*LIST_KEYS, *SINGLE_KEYS]),
    st.sampled_from(["meeting", "profile", "Country", "q ", "", "country[]", "\x00"]),
    st.text(max_size=8),
)
links = st.dictionaries(keys, values, max_size=8)
FIELDS = dict(zip(LIST_KEYS, ("countries", "conventions", "topics", "organisations"), strict=True))


@pytest.fixture(scope="module")
def record(bundled_db: Path) -> Iterator[tuple[Store, Vocabulary]]:
    with Store.open(bundled_db) as store:
        yield store, vocabulary(store)


def alone(field: str, value: str) -> FilterInput:
    """Input with `value` as the only value of the list field named `field` (named at run
    time, so the keyword cannot be checked by type)."""
    keyword: dict[str, Any] = {field: (value,)}
    return FilterInput(**keyword)


def as_list(given_values: str | list[str] | None) -> list[str]:
    if given_values is None:
        return []
    return [given_values] if isinstance(given_values, str) else list(given_values)


@pytest.mark.fuzz
@given(link=links)
def test_any_link_gives_bounded_filters_and_names_what_it_ignores(
    record: tuple[Store, Vocabulary], link: Params
) -> None:
    store, known = record
    filters, problems = from_query_params(link, known)
    event(f"{len(problems)} ignored" if problems else "all used")

    assert len(filters.countries) <= MAX_VALUES * len(CENTRAL_ASIA)
    for name in ("conventions", "topics", "organisations"):
        assert len(getattr(filters, name)) <= MAX_VALUES
    assert len(filters.search) <= MAX_SEARCH_CHARS
    assert len(set(filters.search.lower().split())) <= MAX_SEARCH_WORDS
    assert len(problems) <= len(LIST_KEYS) * MAX_VALUES + 2 * len(SINGLE_KEYS) + 1
    for problem in problems:
        assert len(problem.reason) < 600 and problem.reason.isprintable(), problem
        assert len(problem.field) <= 41 and problem.field.isprintable(), problem

    named = {problem.at for problem in problems}
    for key, field in FIELDS.items():
        given_values = as_list(link.get(key))
        mentioned = [p for p in problems if p.at == key]
        if len(given_values) > MAX_VALUES:
            assert len(mentioned) == 1 and getattr(filters, field) == ()
            continue
        # Each value is used or named on its own: none is dropped in silence.
        refused = [v for v in given_values if resolve(alone(field, v), known)[1]]
        assert len(mentioned) == len(refused), (key, given_values)
    for key, used in (("from", filters.date_from), ("to", filters.date_to), ("q", filters.search)):
        given_values = as_list(link.get(key))
        if len(given_values) > 1:
            assert any(f"'{key}' given {len(given_values):,} times" in p.reason for p in problems)
        if given_values and not used:
            assert named & {"from", "to", "search"}, (key, given_values[-1][:50])

    assert count_rows(store, "commitments", filters) >= 0  # the filters run as SQL


def test_link_filters_are_those_the_sidebar_would_give(record: tuple[Store, Vocabulary]) -> None:
    _, known = record
    filters, problems = from_query_params(
        {"country": ["CA", "xca"], "convention": "cbd", "from": "2021", "q": "Green  deal"}, known
    )
    assert problems == []
    assert filters == Filters(
        countries=("CA", *CENTRAL_ASIA),
        conventions=("CBD",),
        date_from=filters.date_from,
        search="Green deal",
    )
    assert str(filters.date_from) == "2021-01-01"


# The `app` fixture: open the dashboard with these URL query parameters.
OpenLink = Callable[[Params], AppTest]
HOSTILE_LINKS: dict[str, tuple[Params, str]] = {
    "huge search": ({"q": "x" * 100_000}, "the search is 100,000 characters long"),
    "many words": ({"q": " ".join(f"w{i}" for i in range(3000))}, "characters long"),
    "markdown": (
        {"country": "[x](https://elsewhere.example)", "topic": "**bold**"},
        "unknown country",
    ),
    "control characters": ({"from": "2021\x00", "convention": "\x1b[31mCBD"}, "control"),
    "repeated keys": ({"country": ["KZ"] * 500, "q": ["a", "b"], "meeting": "x"}, "500 country"),
}


@pytest.fixture
def app(bundled_db: Path, monkeypatch: pytest.MonkeyPatch) -> OpenLink:
    monkeypatch.setenv("COOPTRACK_DB", str(bundled_db))
    monkeypatch.setenv("COOPTRACK_TODAY", "2026-11-28")

    def open_with(params: Params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.secrets = {"cooptrack": {}}
        for key, given_values in params.items():
            at.query_params[key] = given_values
        return at.run()

    return open_with


@pytest.mark.fuzz
@pytest.mark.parametrize("case", list(HOSTILE_LINKS))
def test_a_hostile_link_opens_the_page_and_names_what_it_ignored(app: OpenLink, case: str) -> None:
    params, expected = HOSTILE_LINKS[case]
    at = app(params)
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == []
    assert "EU–Central Asia environment and climate cooperation" in [t.value for t in at.title]
    warnings = [w.value for w in at.warning]
    assert any(expected in w for w in warnings), warnings
    assert all("The other filters apply" in w for w in warnings if "from the link" in w)
    # What the link held is shown as text: no markdown link, image or emphasis from it.
    assert not any(re.search(r"(?<!\\)\]\(|(?<!\\)\*\*", w) for w in warnings), warnings
    assert len(" ".join(warnings)) < 20_000


def test_canada_picked_in_the_sidebar_survives_a_reload(app: OpenLink) -> None:
    """`?country=CA` once meant Central Asia: picking Canada came back as the five countries."""
    at = app({"country": "CA"})
    assert at.multiselect(key="f_country").value == ["CA"]
    assert at.query_params["country"] in ("CA", ["CA"])
    five = app({"country": "XCA"})
    assert five.multiselect(key="f_country").value == list(CENTRAL_ASIA)
    assert [w.value for w in [*at.warning, *five.warning]] == []
