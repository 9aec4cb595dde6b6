"""An editor's day in a real browser: sign in, change a commitment, see its history, download
the updated extract; and a viewer who cannot reach any of it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from browser.conftest import serve
from browser.test_dashboard import assert_no_errors, cli_export, open_page, wait_for_run
from cooptrack.record import accounts

PASSWORD = "a long test password"
COMMITMENT = "cc2-cop26-common-ground"


def sign_in(page: Page, password: str) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    account = sidebar.get_by_role("textbox", name="Account")
    if not account.is_visible():  # the expander stays open after a failed attempt
        sidebar.get_by_text("Editor sign-in").click()
    account.fill("alice")
    sidebar.get_by_role("textbox", name="Password").fill(password)
    sidebar.get_by_role("button", name="Sign in").click()


def choose(page: Page, scope: Locator, label: str, text: str) -> None:
    """Pick an option of a Streamlit selectbox by typing part of its text."""
    scope.get_by_role("combobox", name=label, exact=True).click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def edit_and_download(page: Page) -> bytes:
    """Sign in, set the COP26 commitment to 'dropped', check its history, download the CSV."""
    open_page(page, "/commitments", "Commitments")
    sign_in(page, "wrong password here")
    expect(page.get_by_text("Unknown account or wrong password.")).to_be_visible()
    sign_in(page, PASSWORD)
    expect(page.get_by_text("Signed in as")).to_be_visible()

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Edit").click()
    wait_for_run(page, "Edit the record")
    page.get_by_role("tab", name="Commitments").click()
    panel = page.get_by_role("tabpanel").filter(has=page.get_by_text("Choose a commitment"))
    choose(page, panel, "Choose a commitment", "common ground")
    wait_for_run(page, "Edit the record")
    form = panel.get_by_test_id("stForm").first
    # exact: the Russian version's field is named "What was committed, in Russian …" beside it
    text = form.get_by_role("textbox", name="What was committed", exact=True)
    expect(text).to_have_count(1)  # the previous record's form can linger for a moment
    expect(text).to_have_value(re.compile("common ground"))
    choose(page, form, "Status", "dropped")
    form.get_by_role("button", name="Save").click()
    wait_for_run(page, "Edit the record")
    expect(page.get_by_text(f"Saved commitment '{COMMITMENT}'.")).to_be_visible()
    assert_no_errors(page)

    panel.get_by_text("History (1 change)").click()
    changes = panel.get_by_test_id("stTable").filter(has_text="status")
    expect(changes).to_contain_text("proposed")
    expect(changes).to_contain_text("dropped")
    expect(panel.get_by_text(re.compile(r"alice · change · via form"))).to_be_visible()

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Commitments").click()
    wait_for_run(page, "Commitments")
    button = page.get_by_role("tabpanel").first.locator('[data-testid="stDownloadButton"] button')
    with page.expect_download() as started:
        button.click()
    return Path(started.value.path()).read_bytes()


def test_an_editor_edits_a_commitment_sees_its_history_and_downloads_it(
    browser: Browser, browser_db: Path, tmp_path: Path
) -> None:
    database = tmp_path / "editable.duckdb"
    database.write_bytes(browser_db.read_bytes())
    secrets = tmp_path / "secrets.toml"
    accounts.add_account(secrets, "alice", PASSWORD)
    (tmp_path / "logs").mkdir()
    with serve(database, tmp_path / "logs", "--secrets.files", str(secrets)) as url:
        context = browser.new_context(
            base_url=url, accept_downloads=True, viewport={"width": 1280, "height": 1400}
        )
        context.set_default_timeout(20_000)
        downloaded = edit_and_download(context.new_page())
        context.close()
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(downloaded.decode("utf-8")))}
    assert rows[COMMITMENT]["status"] == "dropped"
    # With the dashboard stopped, the command line sees the same edited record.
    assert downloaded == cli_export(database, "commitments")


def test_a_viewer_cannot_reach_the_edit_page(page: Page) -> None:
    open_page(page, "/commitments", "Commitments")
    expect(page.get_by_text("Editor sign-in")).to_have_count(0)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Edit")).to_have_count(0)
    page.goto("/edit")
    wait_for_run(page)
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    expect(page.locator('[data-testid="stMain"] h1')).not_to_have_text("Edit the record")
