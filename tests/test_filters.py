"""Filters → SQL as pure functions, checked with a table of cases, then against real data."""

import re
from datetime import date

import pytest

from cooptrack.errors import InputError
from cooptrack.query.filters import (
    MAX_SEARCH_CHARS,
    MAX_SEARCH_WORDS,
    MAX_VALUE_CHARS,
    MAX_VALUES,
    FilterInput,
    Filters,
    from_query_params,
    query_input,
    resolve,
    resolve_strict,
    where,
)
from cooptrack.reference import CENTRAL_ASIA, CENTRAL_ASIA_CODE, Vocabulary

VOCABULARY = Vocabulary(
    conventions={"CBD": "Convention on Biological Diversity", "UNFCCC": "UN climate convention"},
    topics={"biodiversity": "Biodiversity", "climate": "Climate change"},
    organisations={"eu": "European Union", "ec": "European Commission", "dg-env": "DG ENV"},
    organisation_parents={"eu": None, "ec": "eu", "dg-env": "ec"},
)


@pytest.mark.parametrize(
    ("filters", "sql", "params"),
    [
        (Filters(), "TRUE", {}),
        (
            Filters(countries=("KZ", "UZ")),
            "(list_contains(match_countries, $countries_0) OR "
            "list_contains(match_countries, $countries_1))",
            {"countries_0": "KZ", "countries_1": "UZ"},
        ),
        (
            Filters(countries=("KZ",), conventions=("CBD",)),
            "list_contains(match_countries, $countries_0) AND "
            "list_contains(conventions, $conventions_0)",
            {"countries_0": "KZ", "conventions_0": "CBD"},
        ),
        (
            Filters(topics=("climate",)),
            "list_contains(topics, $topics_0)",
            {"topics_0": "climate"},
        ),
        (
            Filters(organisations=("ec",), organisation_scope=("dg-env", "ec")),
            "(list_contains(match_organisations, $organisations_0) OR "
            "list_contains(match_organisations, $organisations_1))",
            {"organisations_0": "dg-env", "organisations_1": "ec"},
        ),
        (
            Filters(date_from=date(2018, 1, 1), date_to=date(2018, 12, 31)),
            "alive_from <= $date_to AND alive_to >= $date_from",
            {"date_to": date(2018, 12, 31), "date_from": date(2018, 1, 1)},
        ),
        (
            Filters(date_from=date(2020, 1, 1)),
            "alive_to >= $date_from",
            {"date_from": date(2020, 1, 1)},
        ),
        (
            Filters(search="Green  DEAL"),
            "contains(search_text, $search_0) AND contains(search_text, $search_1)",
            {"search_0": "green", "search_1": "deal"},
        ),
        (
            Filters(search="water Water WATER rivers water"),
            "contains(search_text, $search_0) AND contains(search_text, $search_1)",
            {"search_0": "water", "search_1": "rivers"},
        ),
        (
            Filters(search="'; DROP TABLE meetings; --"),
            "contains(search_text, $search_0) AND contains(search_text, $search_1) AND "
            "contains(search_text, $search_2) AND contains(search_text, $search_3) AND "
            "contains(search_text, $search_4)",
            {
                "search_0": "';",
                "search_1": "drop",
                "search_2": "table",
                "search_3": "meetings;",
                "search_4": "--",
            },
        ),
    ],
)
def test_filters_become_parameterized_sql(
    filters: Filters, sql: str, params: dict[str, object]
) -> None:
    assert where(filters) == (sql, params)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (FilterInput(countries=("kz",)), Filters(countries=("KZ",))),
        (FilterInput(countries=("KAZ", "Kazakhstan", "kz")), Filters(countries=("KZ",))),
        (FilterInput(countries=("uzbekistan", "TJK")), Filters(countries=("UZ", "TJ"))),
        (
            FilterInput(countries=("Central Asia",)),
            Filters(countries=("KZ", "KG", "TJ", "TM", "UZ")),
        ),
        (FilterInput(conventions=("cbd", "Unfccc")), Filters(conventions=("CBD", "UNFCCC"))),
        (FilterInput(topics=("Climate change",)), Filters(topics=("climate",))),
        (FilterInput(organisations=("european commission",)), Filters(organisations=("ec",))),
        (
            FilterInput(date_from="2018", date_to="2018"),
            Filters(date_from=date(2018, 1, 1), date_to=date(2018, 12, 31)),
        ),
        (
            FilterInput(date_from="2009-11", date_to="2009-11"),
            Filters(date_from=date(2009, 11, 1), date_to=date(2009, 11, 30)),
        ),
        (FilterInput(search="  circular   economy "), Filters(search="circular economy")),
        (FilterInput(countries=("CA",)), Filters(countries=("CA",))),
        (FilterInput(countries=("ca", "CAN", "Canada")), Filters(countries=("CA",))),
        (FilterInput(countries=(CENTRAL_ASIA_CODE,)), Filters(countries=CENTRAL_ASIA)),
        (FilterInput(countries=("xca", "CENTRAL ASIA")), Filters(countries=CENTRAL_ASIA)),
        (FilterInput(countries=("CA", "Central Asia")), Filters(countries=("CA", *CENTRAL_ASIA))),
        (FilterInput(countries=("KZ",) * MAX_VALUES), Filters(countries=("KZ",))),
        (
            FilterInput(date_from="2021-02", date_to=" 2021 "),
            Filters(date_from=date(2021, 2, 1), date_to=date(2021, 12, 31)),
        ),
        (
            FilterInput(search=" ".join(f"w{i}" for i in range(MAX_SEARCH_WORDS))),
            Filters(search=" ".join(f"w{i}" for i in range(MAX_SEARCH_WORDS))),
        ),
        (FilterInput(search="a " * 90), Filters(search=" ".join(["a"] * 90))),
    ],
)
def test_typed_values_resolve_to_canonical_codes(raw: FilterInput, expected: Filters) -> None:
    filters, problems = resolve(raw, VOCABULARY)
    assert problems == []
    assert filters == expected


def test_an_organisation_covers_the_bodies_below_it() -> None:
    filters, _ = resolve(FilterInput(organisations=("eu",)), VOCABULARY)
    assert filters.organisation_scope == ("dg-env", "ec", "eu")
    assert where(filters)[1] == {
        "organisations_0": "dg-env",
        "organisations_1": "ec",
        "organisations_2": "eu",
    }


@pytest.mark.parametrize(
    ("raw", "names", "message"),
    [
        (FilterInput(countries=("Narnia",)), "country", "unknown country 'Narnia'"),
        (FilterInput(conventions=("NO-SUCH-TREATY",)), "convention", "known: CBD, UNFCCC"),
        (FilterInput(topics=("space",)), "topic", "unknown topic 'space'"),
        (FilterInput(organisations=("NATO",)), "organisation", "unknown organisation 'NATO'"),
        (FilterInput(date_from="2021-02-30"), "from", "February 2021 has 28 days"),
        (FilterInput(date_to="soon"), "to", "'soon' is not a date"),
        (FilterInput(date_from="2022", date_to="2021"), "to", "--from 2022 is after --to 2021"),
        (FilterInput(countries=("CA5",)), "country", "'Central Asia' or XCA for the five"),
        (FilterInput(countries=(" ",)), "country", "a country value is empty"),
        (FilterInput(conventions=("",)), "convention", "a convention value is empty"),
        (FilterInput(date_to="  "), "to", "--to: the date is empty"),
        (FilterInput(search=" "), "search", "the search is empty"),
        (FilterInput(date_from="２０２１"), "from", "is not a date"),
        (FilterInput(date_from="\u0662\u0660\u0662\u0661"), "from", "is not a date"),
        (
            FilterInput(countries=("KZ",) * (MAX_VALUES + 1)),
            "country",
            f"{MAX_VALUES + 1} country values; the limit is {MAX_VALUES}",
        ),
        (
            FilterInput(organisations=("x" * (MAX_VALUE_CHARS + 1),)),
            "organisation",
            f"is {MAX_VALUE_CHARS + 1} characters long; the limit is {MAX_VALUE_CHARS}",
        ),
        (
            FilterInput(search="w " * (MAX_SEARCH_CHARS // 2 + 1)),
            "search",
            f"characters long; the limit is {MAX_SEARCH_CHARS}",
        ),
        (
            FilterInput(search=" ".join(f"w{i}" for i in range(MAX_SEARCH_WORDS + 1))),
            "search",
            f"has {MAX_SEARCH_WORDS + 1} different words; the limit is {MAX_SEARCH_WORDS}",
        ),
        (FilterInput(topics=("clim\x00ate",)), "topic", "holds control characters"),
        (FilterInput(search="green\udcffdeal"), "search", "is not valid text"),
        (FilterInput(date_from="2021\n"), "from", "holds control characters"),
    ],
)
def test_bad_values_are_named_and_the_rest_still_applies(
    raw: FilterInput, names: str, message: str
) -> None:
    mixed = FilterInput(**{**raw.__dict__, "topics": (*raw.topics, "biodiversity")})
    filters, problems = resolve(mixed, VOCABULARY)
    assert [p.at for p in problems] == [names]
    assert message in problems[0].reason
    assert filters.topics == ("biodiversity",)
    with pytest.raises(InputError, match=re.escape(message)):
        resolve_strict(raw, VOCABULARY)


def test_a_huge_value_is_named_without_being_repeated() -> None:
    huge = "Narnia " * 150_000
    _, problems = resolve(FilterInput(countries=(huge,), search=huge, date_to=huge), VOCABULARY)
    assert [p.at for p in problems] == ["country", "to", "search"]
    assert all(len(p.reason) < 200 and len(p.field) < 50 for p in problems)
    assert "1,050,000 characters long" in problems[0].reason


def test_search_sql_grows_with_distinct_words_and_stops_at_the_limit() -> None:
    words = [f"w{i}" for i in range(MAX_SEARCH_WORDS)]
    sql, params = where(Filters(search=" ".join(words * 5)))
    assert sql.count("contains(search_text") == MAX_SEARCH_WORDS == len(params)
    with pytest.raises(InputError, match="the limit is"):
        where(Filters(search=" ".join([*words, "one-more"])))


@pytest.mark.parametrize(
    ("params", "expected", "named"),
    [
        ({}, Filters(), []),
        ({"country": "CA"}, Filters(countries=("CA",)), []),
        ({"country": ["kz", "XCA"], "meeting": "wgecc-10"}, Filters(countries=CENTRAL_ASIA), []),
        (
            {"convention": ["CBD"], "q": ["first", "second"]},
            Filters(conventions=("CBD",), search="second"),
            ["'q' given 2 times"],
        ),
        (
            {"from": ["2018", "2019"], "to": "2020"},
            Filters(date_from=date(2019, 1, 1), date_to=date(2020, 12, 31)),
            ["'from' given 2 times"],
        ),
        ({"country": ["Narnia", "UZ"]}, Filters(countries=("UZ",)), ["unknown country 'Narnia'"]),
        ({"country": [""], "topic": "climate"}, Filters(topics=("climate",)), ["is empty"]),
        ({"q": "word " * 1000}, Filters(), ["the search is 5,000 characters long"]),
        ({"organisation": ["eu"] * 51}, Filters(), ["51 organisation values"]),
        ({"from": "2021\x00"}, Filters(), ["holds control characters"]),
    ],
)
def test_link_parameters_resolve_and_every_ignored_value_is_named(
    params: dict[str, str | list[str]], expected: Filters, named: list[str]
) -> None:
    filters, problems = from_query_params(params, VOCABULARY)
    assert filters == expected
    assert len(problems) == len(named)
    for problem, words in zip(problems, named, strict=True):
        assert words in problem.reason


def test_link_parameters_other_than_filters_are_left_to_the_pages() -> None:
    raw, problems = query_input({"meeting": ["x"] * 3, "profile": "TJ", "utm": "y"})
    assert (raw, problems) == (FilterInput(), [])


def test_slug_names_what_a_file_holds() -> None:
    assert Filters().slug() == "all"
    assert Filters(countries=("KZ",), conventions=("CBD",)).slug() == "KZ_CBD"
    dated = Filters(date_from=date(2018, 1, 1), date_to=date(2018, 12, 31))
    assert dated.slug() == "2018-01-01_2018-12-31"
