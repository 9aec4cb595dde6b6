"""The dashboard in Russian in a real browser: the switch, `?lang=`, the browser's own language,
the language kept across pages and in the address, and a download in Russian."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from browser.conftest import TODAY
from browser.test_dashboard import cli_export, open_page, query, wait_for_run
from cooptrack.i18n import _, use_language


def russian(message: str) -> str:
    """The Russian of an interface message, from the catalog the server reads."""
    with use_language("ru"):
        return _(message)


OVERVIEW = "EU–Central Asia environment and climate cooperation"
TIMELINE = "Timeline of meetings"


def switch(page: Page, language: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_role("radio", name=language).click()


def test_the_switch_turns_the_page_russian_and_back_and_the_address_follows(page: Page) -> None:
    open_page(page, "/", OVERVIEW)
    switch(page, "Русский")
    wait_for_run(page, russian(OVERVIEW))
    expect(page).to_have_url(re.compile(r"[?&]lang=ru(&|$)"))
    switch(page, "English")
    wait_for_run(page, OVERVIEW)
    expect(page).not_to_have_url(re.compile(r"lang="))


def test_a_russian_link_stays_russian_across_pages_with_its_filters(page: Page) -> None:
    open_page(page, "/commitments?lang=ru&country=KZ", russian("Commitments"))
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name=russian("Timeline"), exact=True).click()
    wait_for_run(page, russian(TIMELINE))
    path, params = query(page.url)
    assert path == "/timeline"
    assert params["lang"] == ["ru"]
    assert params["country"] == ["KZ"]
    country = page.locator('[data-testid="stMultiSelect"]').first.locator("[data-tag]")
    expect(country).to_have_text(["Казахстан"])


@pytest.fixture
def russian_browser_page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=server, locale="ru-RU")
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_browser_that_prefers_russian_opens_in_russian_unless_the_link_says_otherwise(
    russian_browser_page: Page,
) -> None:
    open_page(russian_browser_page, "/", russian(OVERVIEW))
    open_page(russian_browser_page, "/timeline?lang=en", TIMELINE)


def test_a_russian_download_is_the_clis_russian_export(
    page: Page, browser_db: Path, screenshot: Callable[[Page, str], Path]
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1600})
    open_page(page, "/commitments?lang=ru&country=KZ&convention=CBD", russian("Commitments"))
    screenshot(page, "commitments-ru")
    button = page.get_by_role("tabpanel").first.locator('[data-testid="stDownloadButton"] button')
    with page.expect_download() as started:
        button.first.click()
    downloaded = Path(started.value.path()).read_bytes()
    expected = cli_export(
        browser_db, "commitments", "--country", "KZ", "--convention", "CBD", "--lang", "ru"
    )
    assert downloaded == expected
    assert "Казахстан".encode() in downloaded
    assert TODAY  # the server and the CLI are pinned to the same day


@pytest.mark.parametrize("path", ["/", "/timeline", "/projects", "/countries", "/coverage"])
def test_russian_pages_draw_without_errors(
    page: Page, screenshot: Callable[[Page, str], Path], path: str
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1600})
    open_page(page, f"{path}?lang=ru")
    expect(page.locator('[data-testid="stSidebarNav"]')).to_contain_text(russian("Overview"))
    screenshot(page, f"{path.strip('/') or 'overview'}-ru")
