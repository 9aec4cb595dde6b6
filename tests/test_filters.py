"""Filters → SQL as pure functions, checked with a table of cases, then against real data."""

from datetime import date

import pytest

from cooptrack.errors import InputError
from cooptrack.filters import FilterInput, Filters, resolve, resolve_strict, where
from cooptrack.reference import Vocabulary

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
def test_filters_become_parameterized_sql(filters, sql, params):
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
        (FilterInput(countries=("",), conventions=(" ",)), Filters()),
    ],
)
def test_typed_values_resolve_to_canonical_codes(raw, expected):
    filters, problems = resolve(raw, VOCABULARY)
    assert problems == []
    assert filters == expected


def test_an_organisation_covers_the_bodies_below_it():
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
        (FilterInput(conventions=("KYOTO",)), "convention", "known: CBD, UNFCCC"),
        (FilterInput(topics=("space",)), "topic", "unknown topic 'space'"),
        (FilterInput(organisations=("NATO",)), "organisation", "unknown organisation 'NATO'"),
        (FilterInput(date_from="2021-02-30"), "from", "February 2021 has 28 days"),
        (FilterInput(date_to="soon"), "to", "'soon' is not a date"),
        (FilterInput(date_from="2022", date_to="2021"), "to", "--from 2022 is after --to 2021"),
    ],
)
def test_bad_values_are_named_and_the_rest_still_applies(raw, names, message):
    mixed = FilterInput(**{**raw.__dict__, "topics": (*raw.topics, "biodiversity")})
    filters, problems = resolve(mixed, VOCABULARY)
    assert [p.filter for p in problems] == [names]
    assert message in problems[0].message
    assert filters.topics == ("biodiversity",)
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        resolve_strict(raw, VOCABULARY)


def test_slug_names_what_a_file_holds():
    assert Filters().slug() == "all"
    assert Filters(countries=("KZ",), conventions=("CBD",)).slug() == "KZ_CBD"
    dated = Filters(date_from=date(2018, 1, 1), date_to=date(2018, 12, 31))
    assert dated.slug() == "2018-01-01_2018-12-31"
