"""The sidebar filters and the Countries page they drive, headless with AppTest: the Country
filter picks the profile (no second picker), the map shows when it does not, conventions are
found by name, the year slider sets the dates and the link, a hint says where the filters are."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Element
from test_pages import literal
from test_pages_russian import open_page

from cooptrack.db.store import Store
from cooptrack.i18n import _, use_language
from cooptrack.query.meetings import vocabulary
from cooptrack.ui.filters import convention_label

COUNTRIES = "pages/countries.py"


def maps(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


def headers(at: AppTest) -> list[str]:
    return [h.value for h in at.main.get("header") if isinstance(h, Element)]


def test_one_country_in_the_filter_shows_its_profile_and_no_second_picker(
    bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(bundled_db, monkeypatch, COUNTRIES, country="KZ")
    assert headers(at) == ["Kazakhstan"]
    assert len(at.main.selectbox) == 0 and maps(at) == 0
    assert at.multiselect(key="f_country").value == ["KZ"]
    # The button back to the map clears the Country filter (and only it).
    at.main.button[0].click().run()
    assert at.multiselect(key="f_country").value == [] and maps(at) == 1
    assert "country" not in at.query_params


@pytest.mark.parametrize("countries", [[], ["KZ", "UZ"]])
def test_none_or_several_countries_show_the_map_and_ask_for_one(
    bundled_db: Path, monkeypatch: pytest.MonkeyPatch, countries: list[str]
) -> None:
    params = {"country": countries} if countries else {}
    at = open_page(bundled_db, monkeypatch, COUNTRIES, **params)
    assert maps(at) == 1 and headers(at) == []
    assert "Country filter" in " ".join(i.value for i in at.info)
    # Picking one in the sidebar shows its profile.
    at.multiselect(key="f_country").set_value(["TJ"]).run()
    assert headers(at) == ["Tajikistan"] and maps(at) == 0


def test_an_old_profile_link_becomes_the_country_filter(
    bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(bundled_db, monkeypatch, COUNTRIES, profile="TJ")
    assert at.multiselect(key="f_country").value == ["TJ"]
    assert at.query_params.get("country") in ("TJ", ["TJ"]) and "profile" not in at.query_params
    assert headers(at) == ["Tajikistan"]


def test_the_convention_filter_offers_names_in_the_current_language(
    bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for language in ("en", "ru"):
        with Store.open(bundled_db) as store, use_language(language):
            names = vocabulary(store).conventions
        at = open_page(bundled_db, monkeypatch, "pages/overview.py", lang=language)
        offered = at.multiselect(key="f_convention").options
        assert offered == [convention_label(code, names) for code in names]
        assert f"CBD — {names['CBD']}" in offered
    assert "Конвенция о биологическом разнообразии" in names["CBD"]
    assert convention_label("XYZ", {"XYZ": "XYZ"}) == "XYZ" == convention_label("XYZ", {})


def years_slider(at: AppTest):  # type: ignore[no-untyped-def]
    (slider,) = [s for s in at.select_slider if s.label == "Years"]
    return slider


def test_the_year_slider_sets_the_dates_and_the_link(
    bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(bundled_db, monkeypatch, "pages/timeline.py")
    first, last = years_slider(at).value
    assert first < 2018 and last == 2026  # from the record's first year to this one
    years_slider(at).set_value((2018, 2022)).run()
    assert at.date_input(key="f_from").value == date(2018, 1, 1)
    assert at.date_input(key="f_to").value == date(2022, 12, 31)
    assert at.query_params["from"] == "2018-01-01" and at.query_params["to"] == "2022-12-31"
    assert "2018-01-01 to 2022-12-31" in literal(" ".join(c.value for c in at.caption))
    # One end moved leaves the other end's exact day alone; an end at the limit is no limit.
    at.date_input(key="f_from").set_value(date(2018, 6, 15)).run()
    assert years_slider(at).value == (2018, 2022)
    years_slider(at).set_value((2018, last)).run()
    assert at.date_input(key="f_from").value == date(2018, 6, 15)
    assert at.date_input(key="f_to").value is None and "to" not in at.query_params


def test_a_link_with_dates_sets_the_slider(
    bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(bundled_db, monkeypatch, "pages/projects.py", **{"from": "2019", "to": "2021"})
    assert years_slider(at).value == (2019, 2021)


def test_a_hint_says_where_the_filters_are_only_while_none_is_set(
    bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hint = _("Filters: tap » at the top left.")
    at = open_page(bundled_db, monkeypatch, "pages/overview.py")
    assert hint in [c.value for c in at.main.caption]
    at.multiselect(key="f_topic").set_value(["biodiversity"]).run()
    assert hint not in [c.value for c in at.main.caption]
    with use_language("ru"):
        russian = _(hint)
    at = open_page(bundled_db, monkeypatch, "pages/overview.py", lang="ru")
    assert russian != hint and russian in [c.value for c in at.main.caption]
