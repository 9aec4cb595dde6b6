"""The server's HTML page: a shared link connects at once, at the root and under a prefix;
Plotly is fetched early; what is only for a phone shows on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request

from browser.conftest import serve


def _health_checks(page: Page) -> list[str]:
    asked: list[str] = []

    def note(request: Request) -> None:
        if "_stcore/health" in request.url:
            asked.append(request.url)

    page.on("request", note)
    return asked


def _opened(page: Page, link: str) -> list[str]:
    asked = _health_checks(page)
    page.goto(link)
    heading = page.locator('[data-testid="stMain"] h1', has_text="Commitments")
    heading.first.wait_for(state="visible")
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
    return asked


def test_a_deep_link_asks_the_server_once_where_it_is(page: Page, server: str) -> None:
    asked = _opened(page, f"{server}/commitments?country=KZ")
    assert asked == [f"{server}/_stcore/health"]
    assert "Kazakhstan" in page.locator('[data-testid="stMain"]').inner_text()  # filtered


@pytest.fixture(scope="module")
def prefixed(browser_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard served under /dash, as behind a proxy with a path of its own."""
    logs = tmp_path_factory.mktemp("prefixed")
    with serve(browser_db, logs, "--server.baseUrlPath", "dash") as url:
        yield url


def test_under_a_prefix_the_link_finds_the_server_under_it(browser: Browser, prefixed: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        asked = _opened(page, f"{prefixed}/dash/commitments?country=KZ")
        assert asked == [f"{prefixed}/dash/_stcore/health"]
        assert page.url.startswith(f"{prefixed}/dash/commitments")
    finally:
        context.close()


def test_plotly_is_fetched_before_any_chart_asks_for_it(page: Page, server: str) -> None:
    """Once the page is idle, whether or not a chart comes: on the Glossary, which has none."""
    page.goto(f"{server}/glossary")
    page.locator('[data-testid="stMain"] h1').first.wait_for(state="visible")
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    page.wait_for_function(
        """() => performance.getEntriesByType("resource").some(
            (entry) => entry.name.includes("/static/js/PlotlyChart."))""",
        timeout=15_000,
    )


@pytest.mark.parametrize(("width", "shown"), [(390, True), (1280, False)])
def test_the_hint_to_the_filters_shows_on_a_phone_only(
    browser: Browser, server: str, width: int, shown: bool
) -> None:
    """On a phone the side panel is folded away behind »; on a desk it is open beside."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{server}/timeline")
        page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(state="visible")
        hint = page.get_by_text("Filters: tap » at the top left.")
        assert hint.count() == 1  # sent either way: the width decides what is seen
        assert hint.is_visible() is shown
    finally:
        context.close()
