"""In a real browser, against a real server: the time from opening a filtered link to its
chart being drawn, in headless Chromium against `python -m cooptrack.ui.serve` (`--browser`).

Beside each dashboard visit, in the same run and in turn with it, two bare Streamlit pages are
visited the same way as baselines: one with only a heading, one with a heading and one small
Plotly chart (`streamlit run` of scripts written at run time, with the project's Streamlit
settings and the dashboard's chart config). What Streamlit and Plotly cost by themselves is
then known, and the dashboard's own share is the ratio to them. Each visit also counts what
came over Streamlit's websocket (runs, elements, bytes, when the first element, the first chart
and the end of the first run arrived), to show where the time goes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from benchmarks.plan import BROWSER_PATHS, FILTERS, Result
from cooptrack.ui.launch import ServerDidNotStart, free_port, healthy, running_server, stop

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
]
BROWSER_TIMEOUT_MS = 600_000
# The baselines: what any Streamlit page with a heading, and with one small chart, costs.
BARE_HEADING = """import streamlit as st

st.set_page_config(page_title="bare", layout="wide")
st.title("Timeline of meetings")
"""
BARE_PLOTLY = """import json

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="bare", layout="wide")
st.title("Timeline of meetings")
figure = go.Figure(go.Scatter(x=list(range(10)), y=[3, 1, 4, 1, 5, 9, 2, 6, 5, 3], mode="markers"))
st.plotly_chart(figure, config=json.loads({config!r}))
"""


# The page's own clock: when the heading and the first chart were first in the page, and the
# next animation frame after that (the frame that paints them), in seconds since navigation
# began. Playwright's `wait_for` polls from the page's main thread too, so it sees an element
# only once the work queued behind it is done (after a chart: the rest of the page drawn).
PAINT_CLOCK = """(() => {
  if (window.__cooptrackPaint) return;  // added once per visit to a context that may be reused
  const marks = (window.__cooptrackPaint = {});
  const watch = (name, selector) => {
    if (marks[name] === undefined && document.querySelector(selector)) {
      marks[name] = null;
      requestAnimationFrame((frame) => { marks[name] = frame / 1000; });
    }
  };
  new MutationObserver(() => {
    watch("title", '[data-testid="stMain"] h1');
    watch("chart", '[data-testid="stPlotlyChart"] .main-svg');
  }).observe(document, { childList: true, subtree: true });
})();"""


class _Wire:
    """What one visit received over Streamlit's websocket: runs finished, elements, bytes, and
    when (seconds after `goto`) the first element and the first run's end arrived."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.runs = 0
        self.elements = 0
        self.bytes = 0
        self.first_element: float | None = None
        self.first_finished: float | None = None
        self.chart_sent: float | None = None
        self.chart_bytes = 0

    def frame(self, payload: bytes | str) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: PLC0415

        data = payload.encode() if isinstance(payload, str) else payload
        self.bytes += len(data)
        try:
            message = ForwardMsg.FromString(data)
        except Exception:  # not a ForwardMsg (a ping): counted in bytes only
            return
        kind = message.WhichOneof("type")
        now = time.perf_counter() - self.started
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self.elements += 1
            if self.first_element is None:
                self.first_element = now
            if self.chart_sent is None and message.delta.new_element.WhichOneof("type") == (
                "plotly_chart"
            ):
                self.chart_sent, self.chart_bytes = now, len(data)
        elif kind == "script_finished":
            self.runs += 1
            if self.first_finished is None:
                self.first_finished = now


def _visit(context: Any, link: str, close: bool = True, chart: bool = True) -> dict[str, Any]:
    """Seconds from `goto` to the load event, to the page's heading, to its first chart (when
    `chart`), as the test sees them and as the page painted them (`PAINT_CLOCK`), and what came
    over the websocket until then."""
    context.add_init_script(PAINT_CLOCK)
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    started = time.perf_counter()
    wire = _Wire(started)
    page.on("websocket", lambda socket: socket.on("framereceived", wire.frame))
    page.goto(link, timeout=BROWSER_TIMEOUT_MS)
    loaded = time.perf_counter() - started
    page.locator('[data-testid="stMain"] h1').first.wait_for(
        state="visible", timeout=BROWSER_TIMEOUT_MS
    )
    titled = time.perf_counter() - started
    drawn = float("nan")
    if chart:
        page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(
            state="visible", timeout=BROWSER_TIMEOUT_MS
        )
        drawn = time.perf_counter() - started
    # Settle: the runs a page triggers by itself (URL sync, widgets) end after the chart.
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        timeout=BROWSER_TIMEOUT_MS
    )
    page.wait_for_timeout(300)
    painted = page.evaluate("() => window.__cooptrackPaint || {}")
    (context.close if close else page.close)()
    return {
        "load": loaded,
        "title": titled,
        "chart": drawn,
        "title_painted": painted.get("title"),
        "chart_painted": painted.get("chart") if chart else None,
        "runs": wire.runs,
        "elements": wire.elements,
        "bytes": wire.bytes,
        "first_element": wire.first_element,
        "first_finished": wire.first_finished,
        "chart_sent": wire.chart_sent,
        "chart_bytes": wire.chart_bytes,
    }


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


@contextmanager
def _bare_server(script: Path, logs: Path, options: list[str]) -> Iterator[str]:
    """`streamlit run script` on a free local port with the project's settings; its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true", *options,
    ]  # fmt: skip
    with (
        (logs / f"{script.stem}.out").open("ab") as out,
        (logs / f"{script.stem}.err").open("ab") as err,
    ):
        process = subprocess.Popen(command, cwd=script.parent, stdout=out, stderr=err)
    try:
        deadline = time.monotonic() + 60
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServerDidNotStart(f"bare page {script.name} did not start at {url}")
            time.sleep(0.25)
        yield url
    finally:
        stop(process)


@contextmanager
def _bare_pages(logs: Path, code: Path) -> Iterator[dict[str, str]]:
    """Both bare pages served for the whole measurement: {"heading": url, "plotly": url}."""
    from cooptrack.query.figures import chart_config  # noqa: PLC0415
    from cooptrack.ui.serve import settings_as_options  # noqa: PLC0415

    options = settings_as_options(code / ".streamlit" / "config.toml")
    with tempfile.TemporaryDirectory(prefix="cooptrack-bare-") as folder, ExitStack() as stack:
        urls = {}
        for name, source in (
            ("heading", BARE_HEADING),
            ("plotly", BARE_PLOTLY.format(config=json.dumps(chart_config()))),
        ):
            script = Path(folder) / f"bare_{name}.py"
            script.write_text(source, encoding="utf-8")
            urls[name] = stack.enter_context(_bare_server(script, logs, options))
        yield urls


def _visits(
    browser: Any, link: str, bare: Mapping[str, str], runs: int
) -> tuple[list[Any], list[Any], dict[str, list[Any]]]:
    """Fresh contexts (new sessions, empty HTTP cache), each dashboard visit in turn with one
    of each bare page (the order rotating, so no page always goes first); then visits in one
    context."""
    visits: list[Any] = []
    baselines: dict[str, list[Any]] = {"heading": [], "plotly": []}
    steps: list[Callable[[], None]] = [
        lambda: visits.append(_visit(browser.new_context(), link)),
        lambda: baselines["heading"].append(
            _visit(browser.new_context(), bare["heading"], chart=False)
        ),
        lambda: baselines["plotly"].append(_visit(browser.new_context(), bare["plotly"])),
    ]
    for turn in range(max(runs, 2)):
        for step in steps[turn % 3 :] + steps[: turn % 3]:
            step()
    returning = browser.new_context()
    cached = [_visit(returning, link, close=False) for _ in range(runs + 1)][1:]
    returning.close()
    return visits, cached, baselines


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
    with sync_playwright() as driver, _bare_pages(logs, code) as bare:
        browser = driver.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            for path in BROWSER_PATHS:
                print(f"  browser {path}{query}", file=sys.stderr, flush=True)
                with _server(env, logs, code) as (url, process):
                    visits, cached, baselines = _visits(browser, f"{url}{path}{query}", bare, runs)
                    peak = max(peak, _vm_hwm_mb(process.pid))
                measured.append(
                    {
                        "path": path + query,
                        "first": visits[0]["chart"],
                        "later": [v["chart"] for v in visits[1:]],
                        "loads": [v["load"] for v in visits],
                        "titles": [v["title"] for v in visits],
                        "cached": [v["chart"] for v in cached],
                        "wire": visits,
                        "bare": baselines,
                    }
                )
        finally:
            browser.close()
    return {"visits": measured, "server_peak_rss_mb": peak}
