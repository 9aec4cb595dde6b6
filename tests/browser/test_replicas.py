"""An editor and two viewers at once, as the README's deployment recipe runs them.

Three real servers share one snapshot folder: the editor's (`COOPTRACK_SNAPSHOTS`) and two
viewers (`COOPTRACK_ROLE=viewer`). While all three run and browser sessions stay open on the
viewers, `cooptrack import` adds two planned meetings in one transaction. Bound: the change is
visible on both viewers (and on the editor) at the first page run that starts after the import
returns, and no later than VISIBLE_WITHIN_SECONDS after it; no run ever shows one meeting of
the two; no viewer restarts, reloads or loses its session (its filter stays), and a viewer
offers neither the Edit page nor sign-in. Then the same servers behind nginx, configured
with the block docs/deployment.md gives (skipped when nginx is not installed).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from browser.conftest import ROOT, STARTUP_SECONDS, TODAY
from browser.test_dashboard import assert_no_errors, cli_export, open_page, wait_for_run
from browser.test_editing import PASSWORD
from cooptrack.db import snapshots
from cooptrack.ui.launch import ServerDidNotStart, free_port, healthy, running_server

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


@pytest.fixture(scope="module")
def deployment(
    browser_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[dict[str, str], list[str], Path]]:
    """The editor's server and two viewers' on one snapshot folder, as docs/deployment.md
    starts them: their environment (for commands run beside them), their URLs (editor first)
    and the folder their logs are in."""
    folder = tmp_path_factory.mktemp("replicas")
    database = folder / "record.duckdb"
    database.write_bytes(browser_db.read_bytes())
    secrets = folder / "secrets.toml"
    secrets.write_text("", encoding="utf-8")
    env = {
        **os.environ,
        "COOPTRACK_DB": str(database),
        "COOPTRACK_TODAY": TODAY,
        "COOPTRACK_SNAPSHOTS": str(folder / "snapshots"),
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
            logs = folder / name
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
        yield env, urls, folder


def test_a_change_reaches_both_viewers_whole_and_at_their_next_run(
    browser: Browser, deployment: tuple[dict[str, str], list[str], Path], tmp_path: Path
) -> None:
    env, (editor_url, *viewer_urls), folder = deployment
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
        log = (folder / name / "stderr.log").read_text(encoding="utf-8")
        assert re.search(r'"message": "now reading snapshot record-0000000[2-9]', log), name
        assert "Traceback" not in log and PASSWORD not in log


# --- the recipe behind nginx, with the configuration docs/deployment.md gives -----------------

NGINX = Path("/usr/sbin/nginx")
DOCS = ROOT / "docs" / "deployment.md"
RECIPE_PORTS = {"editor": 8600, "viewer-a": 8601, "viewer-b": 8602, "public": 8080, "editors": 8081}


def recipe_config(ports: dict[str, int]) -> str:
    """The nginx block of docs/deployment.md, with the recipe's ports replaced by these."""
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"<!-- nginx begin.*?```nginx\n(.*?)```\n<!-- nginx end -->", text, re.S)
    assert block is not None, "docs/deployment.md lost its nginx block"
    config = block.group(1)
    for name, port in RECIPE_PORTS.items():
        assert str(port) in config, f"the recipe no longer uses port {port}"
        config = re.sub(rf"\b{port}\b", str(ports[name]), config)
    return config


@contextmanager
def nginx(config: str, folder: Path) -> Iterator[None]:
    """nginx in the foreground with `config` as its http block, everything under `folder`."""
    paths = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in paths.values():
        path.mkdir()
    temporaries = "\n".join(f"    {name}_temp_path {path};" for name, path in paths.items())
    temporaries = temporaries.replace("body_temp_path", "client_body_temp_path")
    main = folder / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        + "events { worker_connections 256; }\n"
        + f"http {{\n    access_log {folder}/access.log;\n{temporaries}\n{config}\n}}\n",
        encoding="utf-8",
    )
    command = [str(NGINX), "-p", str(folder), "-c", str(main)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    with (folder / "nginx.out").open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_deployment_recipe_behind_nginx(
    browser: Browser, deployment: tuple[dict[str, str], list[str], Path], tmp_path: Path
) -> None:
    """The proxy of docs/deployment.md on loopback: health through it, a viewer's page and its
    download (which must reach the process holding the session), the editors' address."""
    if not NGINX.exists():
        pytest.skip(f"{NGINX} is not installed (apt-get install nginx-light)")
    env, urls, _ = deployment
    servers = zip(("editor", "viewer-a", "viewer-b"), urls, strict=True)
    ports = {name: int(url.rsplit(":", 1)[1]) for name, url in servers}
    ports |= {"public": free_port(), "editors": free_port()}
    public, editors = (f"http://127.0.0.1:{ports[name]}" for name in ("public", "editors"))
    with nginx(recipe_config(ports), tmp_path):
        deadline = time.monotonic() + 10
        while not (healthy(public) and healthy(editors)):
            assert time.monotonic() < deadline, (tmp_path / "error.log").read_text()
            time.sleep(0.2)
        page = browser.new_context(base_url=public, accept_downloads=True).new_page()
        open_page(page, "/commitments?country=KZ&convention=CBD", "Commitments")
        expect(page.get_by_text("Read-only copy")).to_be_visible()
        button = page.get_by_role("tabpanel").first.locator(
            '[data-testid="stDownloadButton"] button'
        )
        with page.expect_download() as started:
            button.first.click()
        downloaded = Path(started.value.path()).read_bytes()
        published = snapshots.current(Path(env["COOPTRACK_SNAPSHOTS"]))
        assert published is not None
        assert downloaded == cli_export(published, "commitments", "--country", "KZ",
                                        "--convention", "CBD")  # fmt: skip
        editor = browser.new_context(base_url=editors).new_page()
        open_page(editor, "/", OVERVIEW)
        expect(editor.get_by_text("Editor sign-in")).to_be_visible()
        for opened in (page, editor):
            opened.context.close()  # nginx logs a websocket once it is closed
        deadline = time.monotonic() + 10
        while (tmp_path / "access.log").read_text().count("GET /_stcore/stream") < 2:
            assert time.monotonic() < deadline, "the websockets did not go through the proxy"
            time.sleep(0.2)
    streams = [
        line for line in (tmp_path / "access.log").read_text().splitlines() if "stream" in line
    ]
    assert all('HTTP/1.1" 101 ' in line for line in streams), streams
