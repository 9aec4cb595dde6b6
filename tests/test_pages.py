"""Every page, headless with AppTest: no filter, each filter, combined, empty, from the URL."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, busier, seed_count
from streamlit.testing.v1 import AppTest

from cooptrack.db.store import Store
from cooptrack.query import profiles
from cooptrack.query.filters import Filters
from cooptrack.query.meetings import count_meetings

# Streamlit runs the entry script the server runs (see cooptrack/ui/dashboard.py); pages are
# switched to by their full path, since they do not sit beside that script.
APP = str(ROOT / "src" / "cooptrack" / "ui" / "dashboard.py")


def page_path(page: str) -> str:
    return str(ROOT / page)


PAGES = {
    "pages/overview.py": "EU–Central Asia environment and climate cooperation",
    "pages/timeline.py": "Timeline of meetings",
    "pages/projects.py": "Project phases",
    "pages/commitments.py": "Commitments",
    "pages/countries.py": "Country profiles",
    "pages/conventions.py": "Convention profiles",
}
Params = dict[str, str | list[str]]
# The `app` fixture: open a page (path from the root) with these URL query parameters.
OpenPage = Callable[[str, Params], AppTest]
FILTERS: dict[str, tuple[Params, str]] = {
    "none": ({}, "no filters"),
    "country": ({"country": "KZ"}, "Kazakhstan"),
    "convention": ({"convention": "CBD"}, "CBD"),
    "topic": ({"topic": "biodiversity"}, "Biodiversity"),
    "organisation": ({"organisation": "dg-env"}, "Directorate-General for Environment (DG ENV)"),
    "dates": ({"from": "2018-01-01", "to": "2018-12-31"}, "2018-01-01 to 2018-12-31"),
    "search": ({"q": "green deal"}, "“green deal”"),
    "combined": (
        {"country": ["KZ", "UZ"], "convention": "UNFCCC", "from": "2021"},
        "Kazakhstan or Uzbekistan · UNFCCC · 2021-01-01 to …",
    ),
    "empty": ({"convention": "ESPOO", "from": "2030-01-01"}, "ESPOO · 2030-01-01 to …"),
}


@pytest.fixture
def app(bundled_db: Path, monkeypatch: pytest.MonkeyPatch) -> OpenPage:
    monkeypatch.setenv("COOPTRACK_DB", str(bundled_db))
    monkeypatch.setenv("COOPTRACK_TODAY", "2026-11-28")

    def open_page(page: str, params: Params) -> AppTest:
        at = new_app()
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        if page != "pages/overview.py":
            at.switch_page(page_path(page))
            at.run()
        return at

    return open_page


def new_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"cooptrack": {}}  # not empty: keeps any local secrets.toml out of the test
    return at


def literal(markdown: str) -> str:
    """What a reader sees of escaped markdown text: backslash escapes undone, and the
    invisible word joiners that stop autolinks removed."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


def url_values(at: AppTest, key: str) -> list[str]:
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def assert_clean(at: AppTest, title: str) -> None:
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == []
    assert title in [t.value for t in at.title]


@pytest.mark.parametrize("scenario", list(FILTERS))
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_under_every_filter(app: OpenPage, page: str, scenario: str) -> None:
    params, described = FILTERS[scenario]
    at = app(page, params)
    assert_clean(at, PAGES[page])
    captions = literal(" ".join(c.value for c in at.caption))
    assert "Filters: " in captions and described in captions


@pytest.mark.parametrize("page", ["pages/timeline.py", "pages/projects.py", "pages/commitments.py"])
def test_an_empty_result_says_why_and_how_to_widen(app: OpenPage, page: str) -> None:
    at = app(page, FILTERS["empty"][0])
    infos = " ".join(i.value for i in at.info)
    assert "match the current filters" in infos and "Clear filters" in infos
    assert len(at.get("plotly_chart")) == 0


def test_url_filters_fill_the_widgets_and_stay_in_the_url(app: OpenPage) -> None:
    at = app("pages/commitments.py", {"country": ["kaz", "UZ"], "convention": "cbd"})
    widgets = {m.label: m.value for m in at.multiselect}
    assert widgets["Country"] == ["KZ", "UZ"]
    assert widgets["Convention"] == ["CBD"]
    assert url_values(at, "country") == ["KZ", "UZ"]
    assert url_values(at, "convention") == ["CBD"]


def test_an_unknown_value_in_a_link_is_named_and_the_rest_applies(app: OpenPage) -> None:
    at = app("pages/timeline.py", {"country": "Narnia", "convention": "CBD"})
    warnings = " ".join(w.value for w in at.warning)
    assert "Narnia" in warnings and "The other filters apply" in warnings
    assert "Filters: CBD" in " ".join(c.value for c in at.caption)
    assert "country" not in at.query_params


def test_a_date_that_does_not_exist_in_a_link_is_named(app: OpenPage) -> None:
    at = app("pages/projects.py", {"from": "2021-02-30"})
    assert "February 2021 has 28 days" in " ".join(w.value for w in at.warning)
    assert_clean(at, "Project phases")


def test_changing_a_widget_filters_the_page_and_the_url(app: OpenPage, store: Store) -> None:
    at = app("pages/commitments.py", {})
    assert at.tabs[0].label == f"All ({seed_count('commitments'):,})"
    at.multiselect(key="f_convention").set_value(["CBD"]).run()
    assert url_values(at, "convention") == ["CBD"]
    [(on_cbd,)] = store.rows(
        "SELECT count(*) FROM commitments WHERE list_contains(conventions, 'CBD')"
    )
    labels = [t.label for t in at.tabs]
    assert labels[0] == f"All ({on_cbd:,})"


def test_filters_survive_a_page_switch(app: OpenPage) -> None:
    at = app("pages/commitments.py", {"country": "KZ"})
    at.switch_page(page_path("pages/timeline.py")).run()
    assert at.multiselect(key="f_country").value == ["KZ"]
    assert url_values(at, "country") == ["KZ"]
    assert "Filters: Kazakhstan" in " ".join(c.value for c in at.caption)


def test_clear_filters_empties_widgets_and_url(app: OpenPage) -> None:
    at = app("pages/overview.py", {"country": "KZ", "q": "wgecc"})
    at.button[0].click().run()
    assert at.multiselect(key="f_country").value == []
    assert "country" not in at.query_params and "q" not in at.query_params


def test_picking_a_meeting_shows_its_commitments_and_what_fulfilled_them(app: OpenPage) -> None:
    at = app("pages/timeline.py", {"meeting": "wgecc-cc-2"})
    assert at.selectbox(key="meeting_choice").value == "wgecc-cc-2"
    text = " ".join(m.value for m in at.markdown)
    assert "2021" in text and "month and day not recorded" in text
    assert "Commitments made here" in text
    at.selectbox(key="meeting_choice").set_value("wgecc-10").run()
    assert at.query_params["meeting"] == "wgecc-10"
    assert "Commitments this meeting fulfilled" in " ".join(m.value for m in at.markdown)


def test_country_profile_follows_the_link(app: OpenPage) -> None:
    at = app("pages/countries.py", {"profile": "TJ"})
    assert "Tajikistan" in [h.value for h in at.header]
    assert "AARHUS" in at.table[0].value.to_string()


def test_a_convention_with_more_cops_than_drawn_says_how_many(
    bundled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the chart's newest COP_POINTS sessions, the page draws those and counts the rest;
    it never says no COP matches when some do."""
    path = busier(bundled_db, tmp_path, "cop", profiles.COP_POINTS + 3)
    with Store.open(path) as store:
        total = count_meetings(store, Filters(conventions=("UNFCCC",)), cops=True)
    monkeypatch.setenv("COOPTRACK_DB", str(path))
    monkeypatch.setenv("COOPTRACK_TODAY", "2026-11-28")
    at = new_app()
    at.query_params["profile"] = "UNFCCC"
    at.run()
    at.switch_page(page_path("pages/conventions.py"))
    at.run()
    assert_clean(at, PAGES["pages/conventions.py"])
    shown = " ".join(c.value for c in at.caption)
    assert f"The newest {profiles.COP_POINTS} of {total} COPs are drawn" in shown
    assert not [i.value for i in at.info if "No UNFCCC COPs" in literal(i.value)]


def test_a_database_that_cannot_be_opened_gives_a_message_not_a_trace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.duckdb"
    broken.write_text("not a database")
    monkeypatch.setenv("COOPTRACK_DB", str(broken))
    at = new_app().run()
    assert not at.exception
    assert "is not a DuckDB database file" in " ".join(e.value for e in at.error)
