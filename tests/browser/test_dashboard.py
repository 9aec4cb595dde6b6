"""The dashboard in a real browser: what a visitor with a link, or a question, actually sees.

Each test drives a fresh Streamlit session of the server started as `make run` does, and waits
for Streamlit to finish drawing before asserting, because a half-drawn page (headings in,
tables and charts still skeletons) is the usual source of flaky browser tests.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from browser.conftest import TODAY
from cooptrack.db.store import Store
from cooptrack.query.export import count_rows
from cooptrack.query.filters import FilterInput, resolve_strict
from cooptrack.query.meetings import vocabulary

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_MS = 30_000
ERROR_TEXT = re.compile(r"cannot be shown|Something went wrong")
PAGES = [
    ("overview", "/", "EU–Central Asia environment and climate cooperation"),
    ("timeline", "/timeline", "Timeline of meetings"),
    ("projects", "/projects", "Project phases"),
    ("commitments", "/commitments", "Commitments"),
    ("countries", "/countries", "Country profiles"),
    ("conventions", "/conventions", "Convention profiles"),
]


def wait_for_run(page: Page, heading: str | None = None) -> None:
    """Return once Streamlit has finished a run and drawn it, not merely started drawing.

    The status widget ("Running...") only shows for runs that take a moment, and lazily
    loaded elements (tables, charts) sit as skeletons after the run ends, so check all of:
    the app's own script state, the status widget, the heading, and no skeleton or stale element.
    """
    app = page.locator('[data-testid="stApp"]')
    app.wait_for(timeout=RUN_TIMEOUT_MS)
    title = page.locator('[data-testid="stMain"] h1')
    if heading is None:
        expect(title.first).to_be_visible(timeout=RUN_TIMEOUT_MS)
    else:
        # A list: exactly one heading, retried while a rerun briefly shows the old one beside
        # the new (a single text would fail at once on two elements).
        expect(title).to_have_text([heading], timeout=RUN_TIMEOUT_MS)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=RUN_TIMEOUT_MS)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_be_hidden(timeout=RUN_TIMEOUT_MS)
    for busy in ('[data-testid="stSkeleton"]', '[data-stale="true"]'):
        expect(page.locator(busy)).to_have_count(0, timeout=RUN_TIMEOUT_MS)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    for index in range(charts.count()):
        expect(charts.nth(index).locator(".main-svg").first).to_be_visible(timeout=RUN_TIMEOUT_MS)


def open_page(page: Page, path: str, heading: str | None = None) -> None:
    """Open a link as a new visitor would, and wait until it is drawn without an error."""
    page.goto(path)
    wait_for_run(page, heading)
    assert_no_errors(page)


def assert_no_errors(page: Page) -> None:
    """The app turns failures into an alert (or, if that fails, Streamlit shows an exception)."""
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.locator('[data-testid="stAlert"]').filter(has_text=ERROR_TEXT)).to_have_count(0)


def filter_caption(page: Page) -> Locator:
    return page.locator('[data-testid="stCaptionContainer"]').filter(has_text="Filters:")


def multiselect(page: Page, label: str) -> Locator:
    return page.locator('[data-testid="stMultiSelect"]').filter(
        has=page.get_by_role("combobox", name=label, exact=True)
    )


def query(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url)
    return parts.path, parse_qs(parts.query)


PINNED = ("--today", TODAY)


def cli_export(db: Path, *args: str) -> bytes:
    """What a user of `cooptrack export` gets on stdout, run as its own process, on the day the
    test server is pinned to (a commitment's `overdue` depends on the day)."""
    done = subprocess.run(
        [sys.executable, "-m", "cooptrack.cli", "export", *args, "--db", str(db), *PINNED],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return done.stdout


@pytest.mark.parametrize(("name", "path", "heading"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_opens_at_its_stable_path(
    page: Page,
    server: str,
    screenshot: Callable[[Page, str], Path],
    name: str,
    path: str,
    heading: str,
) -> None:
    """Links in the README and in e-mails use these paths; each must draw its page cleanly,
    asking no other host for anything (the dashboard must work without internet: a tab icon
    named after a Material icon was fetched from fonts.gstatic.com on every page)."""
    here = urlsplit(server).netloc
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            None if urlsplit(request.url).netloc in ("", here) else elsewhere.append(request.url)
        ),
    )
    page.set_viewport_size({"width": 1280, "height": 1600})
    open_page(page, path, heading)
    assert urlsplit(page.url).path == path
    page.wait_for_timeout(300)  # the tab's icon is asked for after the page is drawn
    assert elsewhere == []
    screenshot(page, name)


def test_filtered_link_opens_with_filters_applied(page: Page, browser_db: Path) -> None:
    """A shared link must reproduce the sender's view, counted the same way as the CLI."""
    with Store.open(browser_db) as store:
        filters = resolve_strict(
            FilterInput(countries=("KZ",), conventions=("CBD",)), vocabulary(store)
        )
        expected = count_rows(store, "commitments", filters)
    assert expected > 0, "the bundled record should hold CBD commitments on Kazakhstan"

    open_page(page, "/commitments?country=KZ&convention=CBD", "Commitments")
    expect(filter_caption(page)).to_have_text("Filters: Kazakhstan · CBD")
    expect(multiselect(page, "Country").locator("[data-tag]")).to_have_text(["Kazakhstan"])
    chip = "CBD — Convention on Biological Diversity"  # named, so it can be found by name
    expect(multiselect(page, "Convention").locator("[data-tag]")).to_have_text([chip])
    expect(page.get_by_role("tab").first).to_have_text(f"All ({expected})")


def test_link_with_unknown_value_still_opens(page: Page) -> None:
    """A mistyped link should say what it ignored and still apply the rest, not fail."""
    open_page(page, "/timeline?country=Narnia&convention=CBD", "Timeline of meetings")
    warning = page.locator('[data-testid="stAlert"]').filter(has_text="Narnia")
    expect(warning).to_be_visible()
    expect(filter_caption(page)).to_have_text("Filters: CBD")


def test_changing_a_filter_updates_the_url(page: Page) -> None:
    """The address bar is the way to share a view, so it must follow the sidebar."""
    open_page(page, "/projects", "Project phases")
    assert "country" not in query(page.url)[1]
    multiselect(page, "Country").click()
    page.keyboard.type("Kazakhstan")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]country=KZ(&|$)"))
    wait_for_run(page, "Project phases")
    expect(filter_caption(page)).to_have_text("Filters: Kazakhstan")
    assert_no_errors(page)


def test_switching_page_keeps_filter_and_url(page: Page) -> None:
    """Filters are shared by all pages; losing them on navigation would mislead silently."""
    open_page(page, "/commitments?country=KZ", "Commitments")
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name="Timeline", exact=True).click()
    wait_for_run(page, "Timeline of meetings")
    expect(page).to_have_url(re.compile(r"/timeline\?(.*&)?country=KZ(&|$)"))
    path, params = query(page.url)
    assert path == "/timeline"
    assert params["country"] == ["KZ"]
    expect(filter_caption(page)).to_have_text("Filters: Kazakhstan")
    assert_no_errors(page)


def test_download_is_byte_identical_to_cli(page: Page, browser_db: Path, today: str) -> None:
    """The download button promises the same file as `cooptrack export` with the same filters."""
    open_page(page, "/commitments?country=KZ&convention=CBD", "Commitments")
    first_tab = page.get_by_role("tabpanel").first
    button = first_tab.locator('[data-testid="stDownloadButton"] button')
    # The label sits in its own markdown block; the icon's ligature name precedes it in text.
    expect(button.get_by_test_id("stMarkdownContainer")).to_have_text(re.compile(r"^Download CSV"))
    with page.expect_download() as started:
        button.click()
    download = started.value
    assert download.suggested_filename == f"commitments_KZ_CBD_{today}.csv"
    downloaded = Path(download.path()).read_bytes()

    expected = cli_export(browser_db, "commitments", "--country", "KZ", "--convention", "CBD")
    assert expected.startswith(b"id,text,")
    assert downloaded == expected


def test_which_wecoop_phase_ran_in_2018(page: Page) -> None:
    """A date-range link answers "which phase was running then?" from the phases table."""
    open_page(page, "/projects?from=2018-01-01&to=2018-12-31", "Project phases")
    phases = page.locator('[data-testid="stTable"]')
    expect(phases).to_have_count(1)
    expect(phases).to_contain_text("WECOOP · phase 2")  # WECOOP2 ran Aug 2016 – Feb 2019
    expect(phases).not_to_contain_text("phase 3")


def test_what_was_agreed_ahead_of_cop26(page: Page) -> None:
    """A meeting link opens its detail, including commitments made in view of that meeting."""
    open_page(page, "/timeline?meeting=unfccc-cop26", "Timeline of meetings")
    expect(page.locator('[data-testid="stMain"] h3').filter(has_text="COP26")).to_be_visible()
    title = "Commitments that looked ahead to this meeting"
    section = page.locator('[data-testid="stElementContainer"]').filter(
        has=page.get_by_text(title, exact=True)
    )
    expect(section).to_have_count(1)
    # The section is its bold title followed by its table.
    ahead = section.locator('xpath=following-sibling::*[1]//*[@data-testid="stTable"]')
    expect(ahead).to_contain_text("common ground")
    assert query(page.url)[1]["meeting"] == ["unfccc-cop26"]
