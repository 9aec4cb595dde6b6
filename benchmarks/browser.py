"""In a real browser, against a real server: the time from opening a filtered link to its
chart being drawn, in headless Chromium against `python -m cooptrack.ui.serve` (`--browser`)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.plan import BROWSER_PATHS, FILTERS, Result
from cooptrack.ui.launch import running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
]
BROWSER_TIMEOUT_MS = 600_000


def _visit(context: Any, link: str, close: bool = True) -> tuple[float, float, float]:
    """Seconds from `goto` to the load event, to the page's heading, to its first chart."""
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    started = time.perf_counter()
    page.goto(link, timeout=BROWSER_TIMEOUT_MS)
    loaded = time.perf_counter() - started
    page.locator('[data-testid="stMain"] h1').first.wait_for(
        state="visible", timeout=BROWSER_TIMEOUT_MS
    )
    titled = time.perf_counter() - started
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(
        state="visible", timeout=BROWSER_TIMEOUT_MS
    )
    drawn = time.perf_counter() - started
    (context.close if close else page.close)()
    return loaded, titled, drawn


def _vm_hwm_mb(pid: int) -> float:
    """Peak resident memory of another process, from /proc (0 when unreadable)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return 0.0


@contextmanager
def _server(
    env: Mapping[str, str], logs: Path, code: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`python -m cooptrack.ui.serve` on the copied code, as `make run` starts it."""
    streams = (logs / "server.out", logs / "server.err")
    with running_server(env, code, streams, 120.0) as (url, process):
        yield url, process


def _visits(browser: Any, link: str, runs: int) -> tuple[list[Any], list[Any]]:
    """Fresh contexts (new sessions, empty HTTP cache), then visits in one context."""
    visits = [_visit(browser.new_context(), link) for _ in range(max(runs, 2))]
    returning = browser.new_context()
    cached = [_visit(returning, link, close=False) for _ in range(runs + 1)][1:]
    returning.close()
    return visits, cached


def measure_browser(env: Mapping[str, str], runs: int, logs: Path, code: Path) -> Result:
    """From `page.goto(link)` to the first Plotly chart's `.main-svg` being visible. Fresh
    browser contexts (new sessions, empty HTTP cache) against a new server per path, so the
    first visit finds its result caches empty and the later ones warm; then visits in one
    context, as a returning user whose browser has cached Streamlit's and Plotly's scripts.
    `env` names the database and the copied code the server runs."""
    # Imported here: playwright is a development dependency, needed only with --browser.
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    query = "?" + "&".join(f"{k}={v}" for k, v in FILTERS["KZ+UNFCCC"].items())
    measured: list[Result] = []
    peak = 0.0
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            for path in BROWSER_PATHS:
                print(f"  browser {path}{query}", file=sys.stderr, flush=True)
                with _server(env, logs, code) as (url, process):
                    visits, cached = _visits(browser, f"{url}{path}{query}", runs)
                    peak = max(peak, _vm_hwm_mb(process.pid))
                measured.append(
                    {
                        "path": path + query,
                        "first": visits[0][2],
                        "later": [v[2] for v in visits[1:]],
                        "loads": [v[0] for v in visits],
                        "titles": [v[1] for v in visits],
                        "cached": [v[2] for v in cached],
                    }
                )
        finally:
            browser.close()
    return {"visits": measured, "server_peak_rss_mb": peak}
