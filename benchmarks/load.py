"""`python -m benchmarks.load`: many headless-Chromium sessions at once against real servers.

Each session is a browser context of its own (a visitor): it opens a filtered link, then goes on
until the time is up, switching pages in the sidebar (same Streamlit session, filters kept) and
opening other filtered links (a new session each). Every step is timed from the click or the
`goto` to the new page's first Plotly chart being drawn (on a page with no chart under its
filters, to the end of its run). Per phase (a number of sessions) it prints the steps completed,
the errors (timeouts, an error shown on the page), the median and p95 time to first chart, the
servers' CPU (cores used on average) and peak memory, the browsers' CPU, and how busy the whole
machine was (the browsers share it with the servers, and other work may too).

It only ever talks to servers on this machine (loopback), is bounded in sessions and time, and
stops by itself. With `--viewers K` it starts an editor and K viewer processes on one snapshot
folder (the README's deployment recipe) and spreads the sessions over the viewers; with
`--change-every S` it imports a new meeting through the command line every S seconds while the
sessions run, as an editor working during the load would.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.browser import CHROMIUM, CHROMIUM_ARGS
from benchmarks.plan import ROOT, SCALES
from benchmarks.run import environment, prepare_database, snapshot_code
from cooptrack.ui.launch import running_server

PROG = "python -m benchmarks.load"
MAX_SESSIONS = 100
MAX_SECONDS = 900.0
STEP_TIMEOUT_S = 60.0
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Many pages at once are many background pages: Chromium would slow their timers and rendering.
UNTHROTTLED = [
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
FAILURE = re.compile("cannot be shown|Something went wrong|Traceback")
HEADINGS = {
    "/": "EU–Central Asia environment and climate cooperation",
    "/timeline": "Timeline of meetings",
    "/projects": "Project phases",
    "/commitments": "Commitments",
    "/conventions": "Convention profiles",
}
NAV = {
    "/": "Overview",
    "/timeline": "Timeline",
    "/projects": "Projects",
    "/commitments": "Commitments",
    "/conventions": "Conventions",
}
QUERIES = (
    "",
    "?country=KZ",
    "?country=KZ&convention=UNFCCC",
    "?country=UZ&from=2019",
    "?convention=CBD",
    "?country=XCA&from=2015&to=2024",
    "?search=water",
)


@dataclass
class Phase:
    sessions: int
    seconds: float
    steps: list[tuple[str, float]] = field(default_factory=list)  # (kind, seconds)
    errors: list[str] = field(default_factory=list)
    server_cpu_s: float = 0.0
    server_peak_mb: float = 0.0
    browser_cpu_s: float = 0.0
    machine_busy: float = 0.0
    wall_s: float = 0.0
    changes: int = 0


# --- one visitor ------------------------------------------------------------------------------


async def _drawn(page: Any, path: str) -> None:
    """The page's heading is the one asked for and its first chart is drawn, not stale; or,
    on a page with no chart under its filters (no COPs found, say), its run has ended."""
    timeout = STEP_TIMEOUT_S * 1000
    main = page.locator('[data-testid="stMain"]')
    await main.locator("h1", has_text=HEADINGS[path]).first.wait_for(timeout=timeout)
    fresh = '[data-testid="stElementContainer"]:not([data-stale="true"])'
    charts = main.locator(f'{fresh} [data-testid="stPlotlyChart"]')
    drawing = asyncio.ensure_future(charts.locator(".main-svg").first.wait_for(timeout=timeout))
    finished = asyncio.ensure_future(
        page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
            state="attached", timeout=timeout
        )
    )
    done, _ = await asyncio.wait({drawing, finished}, return_when=asyncio.FIRST_COMPLETED)
    if drawing not in done and await charts.count() == 0:
        drawing.cancel()
    else:
        await drawing
    finished.cancel()
    await asyncio.gather(drawing, finished, return_exceptions=True)
    failed = page.locator('[data-testid="stException"], [data-testid="stAlert"]').filter(
        has_text=FAILURE
    )
    if await failed.count():
        raise RuntimeError(f"{path}: {(await failed.first.inner_text())[:200]}")


async def _visitor(
    browser: Any, url: str, number: int, deadline: float, phase: Phase, *, think: float
) -> None:
    """One session's steps until the deadline: a link, then page switches and other links."""
    chooser = random.Random(number)  # noqa: S311 - a reproducible path, not a secret
    context = await browser.new_context(base_url=url, viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    path = "/"
    try:
        kind = "link"
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                if kind == "link":
                    path = chooser.choice(list(HEADINGS))
                    await page.goto(path + chooser.choice(QUERIES), timeout=STEP_TIMEOUT_S * 1000)
                else:
                    path = chooser.choice([p for p in HEADINGS if p != path])
                    nav = page.locator('[data-testid="stSidebarNav"]')
                    await nav.get_by_role("link", name=NAV[path], exact=True).click(
                        timeout=STEP_TIMEOUT_S * 1000
                    )
                await _drawn(page, path)
                phase.steps.append((kind, time.perf_counter() - started))
            except Exception as error:  # every failure is counted, then reported
                phase.errors.append(f"session {number} {kind} {path}: {_first_line(error)}")
                kind = "link"  # start again from a fresh link
                continue
            kind = "switch" if chooser.random() < 0.7 else "link"
            await asyncio.sleep(chooser.uniform(0.5, 1.5) * think)
    finally:
        await context.close()


async def _protocol_visitor(
    url: str, number: int, deadline: float, phase: Phase, *, think: float
) -> None:
    """A visitor without a browser: Streamlit's own protocol over its websocket, each step a
    new session opening a filtered link, timed to the first chart's message. What is left is
    the server's work alone (and the protocol's), none of Chromium's."""
    from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: PLC0415
    from websockets.asyncio.client import connect  # noqa: PLC0415

    chooser = random.Random(number)  # noqa: S311 - a reproducible path, not a secret
    stream = url.replace("http://", "ws://", 1) + "/_stcore/stream"
    while time.monotonic() < deadline:
        path = chooser.choice(list(HEADINGS))
        request = BackMsg()
        request.rerun_script.page_name = path.strip("/")
        request.rerun_script.query_string = chooser.choice(QUERIES).lstrip("?")
        started = time.perf_counter()
        try:
            async with connect(stream, subprotocols=["streamlit"], max_size=None) as socket:  # type: ignore[list-item]
                await socket.send(request.SerializeToString())
                drawn = await asyncio.wait_for(_first_chart(socket, path), STEP_TIMEOUT_S)
            phase.steps.append(("link", drawn - started))
        except Exception as error:  # every failure is counted, then reported
            phase.errors.append(f"session {number} link {path}: {_first_line(error)}")
        await asyncio.sleep(chooser.uniform(0.5, 1.5) * think)


async def _first_chart(socket: Any, path: str) -> float:
    """When the run's first chart arrived (or, with none, when the run ended); reads on to
    the end of the run, and raises for an error the page shows."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: PLC0415

    drawn: float | None = None
    while True:
        message = ForwardMsg()
        message.ParseFromString(await socket.recv())
        kind = message.WhichOneof("type")
        if kind == "script_finished":  # a page with no chart under its filters: drawn now
            return time.perf_counter() if drawn is None else drawn
        if kind != "delta" or message.delta.WhichOneof("type") != "new_element":
            continue
        element = message.delta.new_element
        shown = element.WhichOneof("type")
        if shown == "plotly_chart" and drawn is None:
            drawn = time.perf_counter()
        elif shown == "exception" or (shown == "alert" and FAILURE.search(element.alert.body)):
            raise RuntimeError(f"{path}: {(element.alert.body or element.exception.message)[:200]}")


async def _arriving(number: int, phase: Phase, arrive: float, visit: Awaitable[None]) -> None:
    """Visitor `number` of the phase comes `number / sessions` of the way into `arrive`
    seconds: visitors who do not all open their first page at the same instant."""
    await asyncio.sleep(arrive * number / phase.sessions)
    await visit


async def _phase(
    urls: Sequence[str], phase: Phase, client: str, think: float, arrive: float = 0.0
) -> None:
    if client == "protocol":
        deadline = time.monotonic() + phase.seconds
        visitors = [
            _arriving(
                n, phase, arrive,
                _protocol_visitor(urls[n % len(urls)], n, deadline, phase, think=think),
            )
            for n in range(phase.sessions)
        ]  # fmt: skip
        await asyncio.gather(*visitors)
        return
    from playwright.async_api import async_playwright  # noqa: PLC0415 - a dev dependency

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *UNTHROTTLED]
        )
        try:
            deadline = time.monotonic() + phase.seconds
            visitors = [
                _arriving(
                    n, phase, arrive,
                    _visitor(browser, urls[n % len(urls)], n, deadline, phase, think=think),
                )
                for n in range(phase.sessions)
            ]  # fmt: skip
            await asyncio.wait_for(
                asyncio.gather(*visitors), timeout=phase.seconds + 2 * STEP_TIMEOUT_S + 30
            )
        finally:
            await browser.close()


# --- servers and what they use ------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return 0.0


def _browser_cpu_seconds(servers: Sequence[int]) -> float:
    """CPU used so far by the browsers: this process's descendants that are not Python (only
    living processes can be read, so this is read just before the browsers close)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    mine, changed = {os.getpid()}, True
    while changed:
        found = {pid for pid, parent in parents.items() if parent in mine} - mine
        changed = bool(found)
        mine |= found
    browsers = [pid for pid in mine - {os.getpid(), *servers} if not _is_python(pid)]
    return sum(map(_cpu_seconds, browsers))


def _is_python(pid: int) -> bool:
    """Servers and commands this tool started (the rest are Chromium and its driver)."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().startswith("python")
    except OSError:
        return True


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all cores since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@contextmanager
def _servers(
    db: Path, viewers: int, changes: bool, logs: Path, code: Path
) -> Iterator[tuple[list[str], list[int], dict[str, str]]]:
    """One server on `db`, or an editor and `viewers` viewers on one snapshot folder: the
    URLs to load, the pids to watch, and the environment a writing command would use."""
    env = environment(code, db) | {"COOPTRACK_LOG_FORMAT": "json"}
    if viewers or changes:  # changes during the load go through the snapshot deployment
        env["COOPTRACK_SNAPSHOTS"] = str(logs / "snapshots")
    roles = [("server" if not viewers else "editor", env)]
    roles += [(f"viewer-{n}", env | {"COOPTRACK_ROLE": "viewer"}) for n in range(viewers)]
    with ExitStack() as stack:
        urls, pids = [], []
        for name, role_env in roles:
            streams = (logs / f"{name}.out", logs / f"{name}.err")
            url, process = stack.enter_context(running_server(role_env, code, streams, 180.0))
            if name != "editor":
                urls.append(url)
                pids.append(process.pid)
        yield urls, pids, env


def _change_now(env: dict[str, str], logs: Path, number: int) -> bool:
    """Import one new meeting through the command line, as an editor would during the load."""
    upload = logs / f"change-{number}.csv"
    upload.write_text(
        "id,title,kind,start_date,status,countries,sources\n"
        f"load-{number},Meeting added during the load {number},workshop,2027,planned,KZ,"
        "no public source\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "cooptrack.cli", "import", str(upload), "--editor", "load"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if done.returncode != 0:
        print(f"  change {number} failed: {done.stderr.strip()[:300]}", file=sys.stderr)
    return done.returncode == 0


async def _changing(env: dict[str, str], logs: Path, every: float, phase: Phase) -> None:
    number = 0
    end = time.monotonic() + phase.seconds
    while time.monotonic() + every < end:
        await asyncio.sleep(every)
        number += 1
        ok = await asyncio.to_thread(_change_now, env, logs, number + 1000 * phase.sessions)
        phase.changes += ok


async def _browser_cpu_before_closing(servers: Sequence[int], phase: Phase) -> None:
    """The browsers' CPU, read just before the sessions end (closed processes cannot be read)."""
    await asyncio.sleep(max(0.0, phase.seconds - 1.0))
    phase.browser_cpu_s += await asyncio.to_thread(_browser_cpu_seconds, servers)


def run_phase(
    urls: list[str],
    pids: list[int],
    env: dict[str, str],
    logs: Path,
    phase: Phase,
    *,
    every: float,
    client: str,
    think: float,
    arrive: float = 0.0,
) -> None:
    cpu_before = sum(map(_cpu_seconds, pids))
    phase.browser_cpu_s = -_browser_cpu_seconds(pids)
    busy_before, total_before = _machine_ticks()
    started = time.monotonic()

    async def everything() -> None:
        jobs = [
            _phase(urls, phase, client, think, arrive),
            _browser_cpu_before_closing(pids, phase),
        ]
        if every > 0:
            jobs.append(_changing(env, logs, every, phase))
        await asyncio.gather(*jobs)

    asyncio.run(everything())
    phase.wall_s = time.monotonic() - started
    phase.server_cpu_s = sum(map(_cpu_seconds, pids)) - cpu_before
    phase.server_peak_mb = sum(map(_peak_mb, pids))
    busy_after, total_after = _machine_ticks()
    phase.machine_busy = (busy_after - busy_before) / max(1, total_after - total_before)


# --- report ----------------------------------------------------------------------------------


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:160]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(phase: Phase, processes: int) -> str:
    times = [seconds for _, seconds in phase.steps]
    first = [seconds for kind, seconds in phase.steps if kind == "link"]
    switches = [seconds for kind, seconds in phase.steps if kind == "switch"]
    median = statistics.median(times) if times else float("nan")
    p95 = _p95(times) if times else float("nan")
    lines = [
        f"{phase.sessions:>3} sessions, {phase.wall_s:5.0f} s, {processes} server process"
        f"{'es' if processes > 1 else ''}: {len(times)} pages drawn, {len(phase.errors)} errors"
        + (f", {phase.changes} changes imported meanwhile" if phase.changes else ""),
        f"    time to first chart: median {median:.2f} s, p95 {p95:.2f} s"
        f" (links {statistics.median(first) if first else float('nan'):.2f} s,"
        f" page switches {statistics.median(switches) if switches else float('nan'):.2f} s)",
        f"    server CPU {phase.server_cpu_s:.0f} s ="
        f" {phase.server_cpu_s / phase.wall_s:.2f} cores;"
        f" server peak memory {phase.server_peak_mb:.0f} MiB;"
        f" browsers {phase.browser_cpu_s / phase.wall_s:.2f} cores;"
        f" whole machine {100 * phase.machine_busy:.0f} % busy ({os.cpu_count()} cores)",
    ]
    lines += [f"    error: {error}" for error in phase.errors[:5]]
    return "\n".join(lines)


def _remove_data(logs: Path) -> None:
    """The copied database, its backups and snapshots: large, and of no use after the run."""
    for path in logs.iterdir():
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.suffix in (".duckdb", ".wal"):
            path.unlink(missing_ok=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--db", help="database to serve (default: data/cooptrack.duckdb)")
    source.add_argument("--scale", choices=list(SCALES), help="a benchmark scale (1m: 1M)")
    source.add_argument("--url", action="append", help="load running servers (loopback only)")
    parser.add_argument(
        "--sessions",
        action="append",
        type=int,
        help=f"concurrent sessions; repeat for phases (default 1 and 10; at most {MAX_SESSIONS})",
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="per phase (default 60)")
    parser.add_argument("--viewers", type=int, default=0, help="viewer processes (default 0)")
    parser.add_argument(
        "--arrive",
        type=float,
        default=0.0,
        help="seconds over which the sessions of a phase arrive, one after another (default "
        "0: all open their first page at once)",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds a visitor reads a page before the next step, on average (default 0: "
        "every session asks again as soon as it is answered)",
    )
    parser.add_argument(
        "--change-every", type=float, default=0.0, help="import a meeting every S seconds"
    )
    parser.add_argument(
        "--client",
        choices=("chromium", "protocol"),
        default="chromium",
        help="chromium (default): real browsers; protocol: Streamlit's websocket protocol "
        "without a browser, to measure the servers alone",
    )
    parser.add_argument("--data-dir", default=str(ROOT / ".bench"), help="default .bench/")
    return parser


def _checked(args: argparse.Namespace, parser: argparse.ArgumentParser) -> list[int]:
    phases = args.sessions or [1, 10]
    if any(not 1 <= n <= MAX_SESSIONS for n in phases):
        parser.error(f"--sessions: from 1 to {MAX_SESSIONS}")
    if not 5 <= args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds: from 5 to {MAX_SECONDS:g}")
    if not 0 <= args.think <= 120:
        parser.error("--think: from 0 to 120 seconds")
    if not 0 <= args.arrive < args.seconds:
        parser.error("--arrive: from 0 to less than --seconds")
    if not 0 <= args.viewers <= 8:
        parser.error("--viewers: from 0 to 8")
    for url in args.url or []:
        if urlsplit(url).hostname not in LOOPBACK:
            parser.error(f"--url {url}: only servers on this machine (127.0.0.1, localhost)")
    if args.url and (args.viewers or args.change_every):
        parser.error("--viewers and --change-every start their own servers; drop --url")
    if args.client == "chromium" and not CHROMIUM.exists():
        parser.error(f"{CHROMIUM} is not installed (make browser-deps)")
    return phases


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    phases = _checked(args, parser)
    data_dir = Path(args.data_dir)
    logs = Path(tempfile.mkdtemp(prefix="load-", dir=data_dir if data_dir.is_dir() else None))
    print(f"logs in {logs}", file=sys.stderr)
    with ExitStack() as stack:
        if args.url:
            urls, pids, env = list(args.url), list[int](), dict(os.environ)
        else:
            code = snapshot_code(data_dir)
            stack.callback(shutil.rmtree, code, ignore_errors=True)
            if args.scale:
                db, _ = prepare_database(args.scale, 0, data_dir, code)
            else:
                db = Path(args.db or "data/cooptrack.duckdb").resolve()
            copy = logs / "record.duckdb"  # changes made during the load stay out of the source
            shutil.copyfile(db, copy)
            stack.callback(_remove_data, logs)  # the logs stay
            servers = _servers(copy, args.viewers, args.change_every > 0, logs, code)
            urls, pids, env = stack.enter_context(servers)
        for sessions in phases:
            phase = Phase(sessions, args.seconds)
            print(f"{sessions} sessions for {args.seconds:g} s …", file=sys.stderr, flush=True)
            choices = {
                "every": args.change_every, "client": args.client, "think": args.think,
                "arrive": args.arrive,
            }  # fmt: skip
            run_phase(urls, pids, env, logs, phase, **choices)
            print(report(phase, len(urls)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
