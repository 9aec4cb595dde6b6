"""The walkthrough that broke trust, in a real browser against a real server:

while the dashboard runs, `cooptrack add-editor` adds an editor (no page may break) and
`cooptrack export` reads the file; the editor adds an 11th WGECC planned for 2027 on the Edit
page and is told it was saved; then every page draws, the Overview still counts the bundled
commitments once each, the new meeting's detail opens for a viewer, and the downloads equal
the export of a copy whose derived facts were rebuilt from scratch.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
from playwright.sync_api import Browser, Page, expect

from browser.conftest import ROOT, serve
from browser.test_dashboard import PAGES, assert_no_errors, cli_export, open_page, wait_for_run
from browser.test_editing import PASSWORD, choose, sign_in
from cooptrack.db import schema


def add_editor_while_running(secrets: Path) -> None:
    arguments = ["add-editor", "alice", "--password-stdin", "--secrets", str(secrets)]
    done = subprocess.run(
        [sys.executable, "-m", "cooptrack.cli", *arguments],
        input=f"{PASSWORD}\n".encode(),
        cwd=ROOT,
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()


def add_the_eleventh_wgecc(page: Page) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Edit").click()
    wait_for_run(page, "Edit the record")
    panel = page.get_by_role("tabpanel").first
    form = panel.get_by_test_id("stForm").first
    form.get_by_role("textbox", name="Identifier").fill("wgecc-11")
    form.get_by_role("textbox", name="Title", exact=True).fill(
        "11th Meeting of the EU–Central Asia Working Group on Environment and Climate Change"
    )
    form.get_by_role("textbox", name="Short title (charts)").fill("11th WGECC")
    choose(page, form, "Kind", "WGECC meeting")
    form.get_by_role("textbox", name="Number in the series").fill("11")
    form.get_by_role("textbox", name="Start").fill("2027")
    choose(page, form, "Status", "planned")
    form.get_by_role("textbox", name="Sources").fill("no public source")
    form.get_by_role("button", name="Save").click()
    wait_for_run(page, "Edit the record")
    expect(page.get_by_text("Saved meeting 'wgecc-11'.")).to_be_visible()
    assert_no_errors(page)


def rebuilt_copy(database: Path, folder: Path) -> Path:
    """The file as it is, its derived tables made again whole (the reference for exports)."""
    copy = folder / "rebuilt.duckdb"
    shutil.copyfile(database, copy)
    with duckdb.connect(str(copy)) as connection:
        schema.rebuild_facts(connection)
    return copy


def test_an_editor_added_while_running_adds_a_meeting_and_nothing_drifts(
    browser: Browser, browser_db: Path, tmp_path: Path
) -> None:
    database = tmp_path / "record.duckdb"
    shutil.copyfile(browser_db, database)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("# editors are added while the dashboard runs\n", encoding="utf-8")
    (tmp_path / "logs").mkdir()
    with serve(database, tmp_path / "logs", "--secrets.files", str(secrets)) as url:
        context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 1400})
        context.set_default_timeout(20_000)
        page = context.new_page()
        open_page(page, "/commitments", "Commitments")
        before = cli_export(database, "commitments")  # a reader beside the running dashboard
        add_editor_while_running(secrets)
        for _, path, heading in PAGES:
            open_page(page, path, heading)
        sign_in(page, PASSWORD)
        expect(page.get_by_text("Signed in as")).to_be_visible()
        add_the_eleventh_wgecc(page)

        for _, path, heading in PAGES:
            open_page(page, path, heading)
        open_page(page, "/", PAGES[0][2])
        total = page.get_by_test_id("stMetric").filter(has_text="Commitments").first
        expect(total).to_contain_text(str(before.count(b"\n") - 1))
        viewer = context.browser.new_context(base_url=url) if context.browser else None
        assert viewer is not None
        open_page(viewer.new_page(), "/timeline?meeting=wgecc-11", "Timeline of meetings")
        viewer.close()
        during = {kind: cli_export(database, kind) for kind in ("meetings", "commitments")}
        context.close()
    reference = rebuilt_copy(database, tmp_path)
    for kind, exported in during.items():
        assert exported == cli_export(reference, kind), f"{kind} drifted from a rebuild"
    assert during["commitments"] == before
    assert b"wgecc-11" in during["meetings"]
