"""Fixtures for the browser tests: a real server started as `make run` does, and real Chromium.

The server is the same subprocess a user gets (`python -m cooptrack.ui.serve`), so the tests
also cover what the unit tests cannot: the router in app.py, deep links, URL sync, downloads.
Each test gets a fresh browser context, hence a fresh Streamlit session, as a new visitor would.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pytest
from PIL import Image
from playwright.sync_api import Browser, Error, Page, Playwright, sync_playwright

from cooptrack.record.seed import build_database
from cooptrack.ui.launch import ServerDidNotStart, running_server

ROOT = Path(__file__).resolve().parents[2]
# Computed here, so this folder needs nothing from tests/conftest.py.
SEED_DIR = ROOT / "data" / "seed"
TODAY = "2026-11-28"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
README_SCREENSHOTS = {"timeline", "projects"}
STARTUP_SECONDS = 60.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything in this folder `browser`, so `-m "not browser"` leaves it out."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str) -> NoReturn:
    """CI sets COOPTRACK_REQUIRE_BROWSER=1 so a missing browser fails instead of hiding."""
    if os.environ.get("COOPTRACK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser required but unavailable: {reason}", pytrace=False)
    print(f"skipping browser tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled record in a temporary file, so the server never touches data/."""
    path = tmp_path_factory.mktemp("browser") / "cooptrack.duckdb"
    build_database(SEED_DIR, path)
    return path


@pytest.fixture(scope="session")
def today() -> str:
    """The day the server is pinned to (COOPTRACK_TODAY), so dated file names are known."""
    return TODAY


@contextmanager
def serve(database: Path, logs: Path, *extra: str) -> Iterator[str]:
    """Run the dashboard exactly as `make run` does on `database`; yield its base URL."""
    env = {**os.environ, "COOPTRACK_DB": str(database), "COOPTRACK_TODAY": TODAY}
    streams = (logs / "stdout.log", logs / "stderr.log")
    try:
        with running_server(env, ROOT, streams, STARTUP_SECONDS, *extra) as (url, _):
            yield url
    except ServerDidNotStart as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def server(browser_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The read-only dashboard every visitor sees (no secrets: nobody can edit)."""
    empty_secrets = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    empty_secrets.write_text("", encoding="utf-8")
    with serve(
        browser_db, tmp_path_factory.mktemp("server"), "--secrets.files", str(empty_secrets)
    ) as url:
        yield url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, launched once: downloading playwright's own browser is not possible."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (run `make browser-deps`)")
    try:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
    except Error as error:
        _unavailable(f"playwright cannot launch {CHROMIUM}: {error.message.splitlines()[0]}")
    yield launched
    launched.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    """A new context per test: a fresh Streamlit session with nothing carried over."""
    context = browser.new_context(
        base_url=server, viewport={"width": 1280, "height": 800}, accept_downloads=True
    )
    context.set_default_timeout(20_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="session")
def screenshot() -> Callable[[Page, str], Path]:
    """Save a full view of the page; refresh the README's copies only when asked to."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    update_docs = os.environ.get("COOPTRACK_UPDATE_SCREENSHOTS") == "1"

    def save(page: Page, name: str) -> Path:
        target = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        if update_docs and name in README_SCREENSHOTS:
            docs = ROOT / "docs" / "screenshots"
            docs.mkdir(parents=True, exist_ok=True)
            compact_png(target, docs / f"{name}.png")
        return target

    return save


def compact_png(source: Path, target: Path) -> None:
    """A screenshot for the docs in 128 colours, without dithering: a third of the bytes,
    and flat interface colours and text stay crisp (the repository keeps every version)."""
    with Image.open(source) as image:
        reduced = image.convert("RGB").quantize(
            colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        reduced.save(target, optimize=True)
