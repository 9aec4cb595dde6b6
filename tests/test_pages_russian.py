"""The dashboard's pages in Russian, headless with AppTest over the bundled record: every page
opens with `?lang=ru` under its Russian title (read from the catalog, not written here), the
switch turns a page English and back without losing the filters, the filters and their caption
speak Russian, and links to a record's own page keep the language."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_pages import APP, PAGES, literal, page_path

from cooptrack.db.store import Store
from cooptrack.i18n import _, use_language
from cooptrack.ui.widgets import record_link

TODAY = "2026-11-28"
# The pages PAGES (tests/test_pages.py) leaves out, with their English titles.
MORE_PAGES = {
    "pages/coverage.py": "What the record covers",
    "pages/brief.py": "Briefing",
    "pages/glossary.py": "Glossary",
    "pages/commitment.py": "Commitment",
    "pages/meeting.py": "Meeting",
}
EVERY_PAGE = {**PAGES, **MORE_PAGES}


def russian(english: str) -> str:
    with use_language("ru"):
        return _(english)


@pytest.fixture(scope="module")
def record_ids(bundled_db: Path) -> dict[str, str]:
    """A commitment and the meeting it was made at (which therefore has a commitments table)."""
    with Store.open(bundled_db) as store:
        [(commitment, meeting)] = store.rows(
            "SELECT id, meeting FROM commitments WHERE meeting IS NOT NULL ORDER BY id LIMIT 1"
        )
    return {"commitment": str(commitment), "meeting": str(meeting)}


def open_page(
    db: Path, monkeypatch: pytest.MonkeyPatch, page: str, **params: str | list[str]
) -> AppTest:
    monkeypatch.setenv("COOPTRACK_DB", str(db))
    monkeypatch.setenv("COOPTRACK_TODAY", TODAY)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"cooptrack": {}}
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page_path(page)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def params_for(page: str, ids: dict[str, str]) -> dict[str, str]:
    """What a page needs to show a record: `?id=` for a record's page, `?meeting=` a brief."""
    if page in ("pages/commitment.py", "pages/meeting.py"):
        return {"id": ids[page.removeprefix("pages/").removesuffix(".py")]}
    if page == "pages/brief.py":
        return {"meeting": ids["meeting"]}
    return {}


def before_placeholder(english: str) -> str:
    """The Russian message's words before its first placeholder (`Фильтры: `)."""
    return russian(english).split("{")[0]


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


@pytest.mark.parametrize("page", list(EVERY_PAGE))
def test_every_page_opens_in_russian_under_its_russian_title(
    bundled_db: Path, monkeypatch: pytest.MonkeyPatch, record_ids: dict[str, str], page: str
) -> None:
    english = EVERY_PAGE[page]
    assert russian(english) != english  # the catalog translates it
    at = open_page(bundled_db, monkeypatch, page, lang="ru", **params_for(page, record_ids))
    assert titles(at) == [russian(english)]
    assert at.query_params["lang"] == "ru"
    assert at.sidebar.header[0].value == russian("Filters")


def test_the_switch_turns_a_page_english_and_back_keeping_the_filters(
    bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(
        bundled_db, monkeypatch, "pages/commitments.py", lang="ru", country="KZ", **{"from": "2019"}
    )
    assert titles(at) == [russian("Commitments")]
    assert at.date_input(key="f_from").proto.format == "DD.MM.YYYY"
    at.segmented_control(key="f_lang").set_value("en").run()
    assert titles(at) == ["Commitments"]
    assert "lang" not in at.query_params
    assert at.date_input(key="f_from").proto.format == "YYYY-MM-DD"
    assert at.date_input(key="f_from").value == date(2019, 1, 1)
    assert at.multiselect(key="f_country").value == ["KZ"]
    assert at.query_params["from"] == "2019-01-01" and at.query_params["country"] == "KZ"
    at.segmented_control(key="f_lang").set_value("ru").run()
    assert titles(at) == [russian("Commitments")]
    assert at.query_params["lang"] == "ru"
    assert at.date_input(key="f_from").value == date(2019, 1, 1)
    assert at.query_params["from"] == "2019-01-01"
    at.switch_page(page_path("pages/timeline.py")).run()  # the language follows to other pages
    assert titles(at) == [russian("Timeline of meetings")]


def test_the_filters_and_their_caption_speak_russian(
    bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(
        bundled_db,
        monkeypatch,
        "pages/timeline.py",
        lang="ru",
        country=["KZ", "Narnia"],
        **{"from": "2021-03-05"},
    )
    labels = {m.key: (m.label, m.proto.placeholder) for m in at.multiselect}
    assert labels["f_country"] == (russian("Country"), russian("All countries"))
    assert labels["f_topic"] == (russian("Topic"), russian("All topics"))
    assert russian("Clear filters") in [b.label for b in at.sidebar.button]
    captions = literal(" ".join(c.value for c in at.caption))
    assert before_placeholder("Filters: {filters}") in captions
    assert "05.03.2021" in captions and "2021-03-05" not in captions
    warnings = " ".join(w.value for w in at.warning)
    ignored = before_placeholder("Ignored from the link: {reason}. The other filters apply.")
    assert "Narnia" in warnings and ignored in warnings


def test_an_empty_result_says_how_to_widen_it_in_russian(
    bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(
        bundled_db, monkeypatch, "pages/projects.py", lang="ru", convention="ESPOO", to="1995"
    )
    infos = literal(" ".join(i.value for i in at.info))
    assert russian("Clear filters") in infos and "ESPOO" in infos and "31.12.1995" in infos


def test_links_to_a_record_keep_the_language(
    bundled_db: Path, monkeypatch: pytest.MonkeyPatch, record_ids: dict[str, str]
) -> None:
    with use_language("ru"):
        assert record_link("commitment", "a b") == "commitment?id=a%20b&lang=ru"
    assert record_link("commitment", "a b") == "commitment?id=a%20b"
    meeting = record_ids["meeting"]
    for language, suffix in (("ru", "&lang=ru"), ("en", "")):
        at = open_page(bundled_db, monkeypatch, "pages/meeting.py", lang=language, id=meeting)
        cells = [c for t in at.table for column in t.value.columns for c in t.value[column]]
        linked = [c for c in cells if isinstance(c, str) and "](commitment?id=" in c]
        assert linked and all(c.endswith(f"{suffix})") for c in linked)
        assert all(c.count("&lang=") == (1 if suffix else 0) for c in linked)
        briefing = [p for p in at.get("page_link") if "brief" in p.proto.page]
        assert [p.proto.query_string for p in briefing] == [f"meeting={meeting}{suffix}"]
