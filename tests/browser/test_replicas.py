"""An editor and two viewers at once, as the README's deployment recipe runs them.

Three real servers share one snapshot folder: the editor's (`COOPTRACK_SNAPSHOTS`) and two
viewers (`COOPTRACK_ROLE=viewer`). While all three run and browser sessions stay open on the
viewers, `cooptrack import` adds two planned meetings in one transaction. Bound: the change is
visible on both viewers (and on the editor) at the first page run that starts after the import
returns, and no later than VISIBLE_WITHIN_SECONDS after it; no run ever shows one meeting of
the two; no viewer restarts, reloads or loses its session (its filter stays), and a viewer
offers neither the Edit page nor sign-in.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from browser.conftest import ROOT, STARTUP_SECONDS, TODAY
from browser.test_dashboard import assert_no_errors, open_page, wait_for_run
from browser.test_editing import PASSWORD
from cooptrack.ui.launch import ServerDidNotStart, running_server

VISIBLE_WITHIN_SECONDS = 5.0
OVERVIEW = "EU–Central Asia environment and climate cooperation"
TWO_PLANNED_MEETINGS = (
    "id,title,kind,start_date,status,countries,sources\n"
    "replica-1,Replica test meeting one,workshop,2027,planned,KZ,no public source\n"
    "replica-2,Replica test meeting two,workshop,2027-06,planned,KZ,no public source\n"
)


def planned(page: Page) -> int:
    """The Overview's count of planned meetings, as drawn."""
    metric = page.get_by_test_id("stMetric").filter(has_text="Meetings planned").first
    text = metric.get_by_test_id("stMetricValue").inner_text()
    return int(text.replace(",", ""))


def rerun_on_overview(page: Page) -> int:
    """A new page run in the same session (no reload): to the Timeline and back."""
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Timeline", exact=True).click()
    wait_for_run(page, "Timeline of meetings")
    nav.get_by_role("link", name="Overview", exact=True).click()
    wait_for_run(page, OVERVIEW)
    assert_no_errors(page)
    return planned(page)


def cli(*arguments: str, env: dict[str, str], stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "cooptrack.cli", *arguments],
        input=stdin,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


@pytest.fixture
def deployment(browser_db: Path, tmp_path: Path) -> Iterator[tuple[dict[str, str], list[str]]]:
    """The editor's server and two viewers' on one snapshot folder: their environment (for
    commands run beside them) and their URLs, editor first."""
    database = tmp_path / "record.duckdb"
    database.write_bytes(browser_db.read_bytes())
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("", encoding="utf-8")
    env = {
        **os.environ,
        "COOPTRACK_DB": str(database),
        "COOPTRACK_TODAY": TODAY,
        "COOPTRACK_SNAPSHOTS": str(tmp_path / "snapshots"),
        "COOPTRACK_LOG_FORMAT": "json",
    }
    env.pop("COOPTRACK_ROLE", None)
    # An account exists, so the editor offers sign-in: a viewer must not, whatever it is given.
    cli("add-editor", "alice", "--password-stdin", "--secrets", str(secrets), env=env,
        stdin=f"{PASSWORD}\n")  # fmt: skip
    roles = [("editor", env), *((f"viewer-{n}", env | {"COOPTRACK_ROLE": "viewer"}) for n in "ab")]
    with ExitStack() as servers:
        urls = []
        for name, environment in roles:  # the editor first: it publishes the first snapshot
            logs = tmp_path / name
            logs.mkdir()
            streams = (logs / "stdout.log", logs / "stderr.log")
            try:
                url, _ = servers.enter_context(
                    running_server(
                        environment, ROOT, streams, STARTUP_SECONDS, "--secrets.files", str(secrets)
                    )
                )
            except ServerDidNotStart as error:
                pytest.fail(str(error), pytrace=False)
            urls.append(url)
        yield env, urls


def test_a_change_reaches_both_viewers_whole_and_at_their_next_run(
    browser: Browser, deployment: tuple[dict[str, str], list[str]], tmp_path: Path
) -> None:
    env, (editor_url, *viewer_urls) = deployment
    pages = []
    for url, link in zip(viewer_urls, ("/?country=KZ", "/"), strict=True):
        context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(30_000)
        page = context.new_page()
        open_page(page, link, OVERVIEW)
        page.evaluate("window.sameDocument = true")  # gone if the page were ever reloaded
        pages.append(page)
    for page in pages:
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav.get_by_role("link", name="Edit")).to_have_count(0)
        expect(page.get_by_text("Read-only copy")).to_be_visible()
        expect(page.get_by_text("Editor sign-in")).to_have_count(0)
    editor = browser.new_context(base_url=editor_url).new_page()
    open_page(editor, "/", OVERVIEW)
    expect(editor.get_by_text("Editor sign-in")).to_be_visible()
    before = [planned(page) for page in pages]

    upload = tmp_path / "two.csv"
    upload.write_text(TWO_PLANNED_MEETINGS, encoding="utf-8")
    importing = subprocess.Popen(
        [sys.executable, "-m", "cooptrack.cli", "import", str(upload)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[list[int]] = [[], []]
    while importing.poll() is None:  # runs keep drawing while the import writes
        for index, page in enumerate(pages):
            seen[index].append(rerun_on_overview(page))
    assert importing.wait() == 0, importing.stderr.read() if importing.stderr else ""
    done = time.monotonic()
    for index, page in enumerate(pages):
        seen[index].append(rerun_on_overview(page))
        assert seen[index][-1] == before[index] + 2, "not visible at the first run after"
    visible_after = time.monotonic() - done
    print(f"runs while importing: {seen}; both viewers showed it {visible_after:.1f} s after")
    assert visible_after <= VISIBLE_WITHIN_SECONDS, f"visible after {visible_after:.1f} s"
    for index in range(2):
        assert set(seen[index]) <= {before[index], before[index] + 2}, seen[index]
        assert seen[index] == sorted(seen[index]), "a viewer went back to the old record"
    assert all(page.evaluate("window.sameDocument === true") for page in pages)
    expect(pages[0]).to_have_url(re.compile(r"[?&]country=KZ(&|$)"))  # the session kept it
    open_page(editor, "/", OVERVIEW)
    assert planned(editor) == before[1] + 2  # the editor reads the published record too
    for name in ("viewer-a", "viewer-b"):
        log = (tmp_path / name / "stderr.log").read_text(encoding="utf-8")
        assert re.search(r'"message": "now reading snapshot record-0000000[2-9]', log), name
        assert "Traceback" not in log and PASSWORD not in log
