"""The report: docs/benchmarks.md, each figure marked against its target.

Hand-written notes below `NOTES_MARKER` in an earlier report are kept when it is rewritten.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
from collections.abc import Iterable, Sequence
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from benchmarks.plan import (
    CHART_RATIO_TARGET,
    EXPORT_RATIO_TARGET,
    HEADING_RATIO_TARGET,
    MEMORY_TARGET_MB,
    PAGE_BYTES_TARGET,
    PAGE_TARGET_S,
    SPEEDUP_TARGET,
    TARGET_SCALE,
    Result,
)


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def _max(values: Sequence[float]) -> float:
    return float(max(values)) if values else float("nan")


def machine() -> dict[str, str]:
    """Where the figures were taken, and with what."""
    model = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with open("/proc/meminfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return {
        "CPU": f"{model}, {os.cpu_count()} cores",
        "memory": memory,
        "OS": platform.platform(),
        "versions": ", ".join(
            f"{name} {version(name)}"
            for name in ("duckdb", "pandas", "pyarrow", "streamlit", "plotly")
        )
        + f", python {platform.python_version()}",
    }


def _duration(seconds: float) -> str:
    if math.isnan(seconds):  # not measured
        return "–"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _size(count: float) -> str:
    if math.isnan(count):  # not measured
        return "–"
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count:.0f} B"


# Misses at smaller scales are listed apart, for reference (see benchmarks.plan).
_REFERENCE = "(reference) "


def _mark(met: bool, scale: str = TARGET_SCALE) -> str:
    if scale != TARGET_SCALE:
        return "met" if met else "below"
    return "met" if met else "**missed**"


def _note_miss(misses: list[str], scale: str, text: str) -> None:
    misses.append(text if scale == TARGET_SCALE else _REFERENCE + text)


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _by(entries: Iterable[Result], *keys: str) -> dict[tuple[str, ...], Result]:
    return {tuple(str(e[k]) for k in keys): e for e in entries}


def render(results: list[Result], command: str, when: datetime, runs: str) -> str:
    """The report: machine, data, then one table per measure with each figure marked against
    its target, and a list of what missed and by how much."""
    misses: list[str] = []
    out = [
        "# Benchmarks",
        "",
        f"Measured by `{command}` on {when:%Y-%m-%d %H:%M}. Rerun it to refresh the figures "
        "(notes below the last section are kept); do not edit them by hand. Durations are "
        f"medians (and maxima) of {runs} after one warm-up, on the machine below.",
        "",
        "## Machine",
        "",
        *_table(["", ""], machine().items()),
        "## Data",
        "",
        "`small` is the bundled record; the others are `benchmarks.synth` databases (seed "
        f"{results[0]['seed'] if results else 0}).",
        "",
        *_table(
            ["scale", "meetings", "phases", "commitments", "follow-ups", "file", "made in", "code"],
            [
                (
                    r["scale"],
                    *(
                        f"{r['counts'][k]:,}"
                        for k in ("meetings", "phases", "commitments", "followups")
                    ),
                    _size(r["db_bytes"]),
                    "cached" if r["generated_s"] is None else _duration(r["generated_s"]),
                    _codes_measured(r),
                )
                for r in results
            ],
        ),
    ]
    versions = {code for r in results for code in _codes_measured(r).split(", ")}
    if len(versions) > 1:
        out += [
            f"**The code changed during this run** ({', '.join(sorted(versions))}): compare "
            "figures across scales with care, or rerun.",
            "",
        ]
    out += _render_pages(results, misses)
    out += _render_naive(results, misses)
    out += _render_exports(results, misses)
    out += _render_bytes(results, misses)
    out += _render_memory(results, misses)
    out += _render_browser(results)
    judged = [m for m in misses if not m.startswith(_REFERENCE)]
    below = [m.removeprefix(_REFERENCE) for m in misses if m.startswith(_REFERENCE)]
    out += [f"## Targets missed at {TARGET_SCALE}", ""]
    if not any(r["scale"] == TARGET_SCALE for r in results):
        out += [f"- not judged: this run did not measure {TARGET_SCALE}", ""]
    else:
        out += [f"- {m}" for m in judged] or ["- none"]
        out += [""]
    out += [
        "## Below the targets at smaller scales (for reference)",
        "",
        f"The targets apply at {TARGET_SCALE}; cells marked *below* in the tables above.",
        "",
    ]
    out += [f"- {m}" for m in below] or ["- none"]
    return "\n".join(out) + "\n"


def _codes_measured(result: Result) -> str:
    """The fingerprints of the code each worker measured at a scale (see source_digest)."""
    found = [result.get(worker, {}).get("code", "?") for worker in ("dashboard", "naive")]
    return ", ".join(dict.fromkeys(found))


def _slowest_call(entry: Result) -> str:
    """How much of the recording cold run went to the core's data calls, and to which one:
    the rest of a cold rerun is Streamlit's (figures, elements, serialization)."""
    seconds = entry.get("call_seconds")
    if not seconds:
        return "–"
    slowest = max(range(len(seconds)), key=seconds.__getitem__)
    name = entry["calls"][slowest]
    return f"{_duration(sum(seconds))}; {name} {_duration(seconds[slowest])}"


def _render_pages(results: list[Result], misses: list[str]) -> list[str]:
    rows = []
    for r in results:
        for e in r["dashboard"]["pages"]:
            cold = _median(e["cold"])
            met = cold <= PAGE_TARGET_S and not e["problem"]
            if not met:
                _note_miss(
                    misses,
                    r["scale"],
                    f"page rerun, {r['scale']} {e['page']} ({e['filter']}): cold median "
                    f"{_duration(cold)}, {cold / PAGE_TARGET_S:.1f}× the 300 ms target"
                    + (f"; {e['problem']}" if e["problem"] else ""),
                )
            rows.append(
                (
                    r["scale"],
                    e["page"],
                    e["filter"],
                    _duration(cold),
                    _duration(_max(e["cold"])),
                    _duration(_median(e["warm"])),
                    _duration(_max(e["warm"])),
                    _duration(_median(e["cold_apptest"])),
                    _slowest_call(e),
                    _mark(met, r["scale"]) + (f" ({e['problem']})" if e["problem"] else ""),
                )
            )
    return [
        "## 1. Page reruns on the server",
        "",
        "A full rerun of `app.py` with the page (sidebar filters included), driven by "
        "`streamlit.testing.v1.AppTest` as tests/test_pages.py drives it, with the filter in "
        "the URL query. Timed from the script run's start to its end as the script runner "
        "reports them (what a server spends; AppTest then parses the elements, shown apart "
        "as *AppTest wall*). *Cold*: `st.cache_data` and the charts built from it "
        "(`data.figure`) cleared before each run, so the data and chart work is measured; "
        "*warm*: cached results and charts. *Data calls*: the time the core's data "
        "functions took in one more cold run (see section 2), and the slowest of them; the rest "
        "of a cold rerun is Streamlit's. Target: cold median ≤ 300 ms.",
        "",
        *_table(
            [
                "scale",
                "page",
                "filter",
                "cold median",
                "cold max",
                "warm median",
                "warm max",
                "AppTest wall (cold median)",
                "data calls: total; slowest",
                "≤ 300 ms",
            ],
            rows,
        ),
    ]


def _render_naive(results: list[Result], misses: list[str]) -> list[str]:
    rows = []
    for r in results:
        core = _by(r["dashboard"]["core"], "page", "filter")
        pages = _by(r["dashboard"]["pages"], "page", "filter")
        for e in r["naive"]["naive"]:
            key = (e["page"], e["filter"])
            core_s, naive_s = _median(core[key]["runs"]), _median(e["runs"])
            ratio = naive_s / core_s if core_s else float("inf")
            page_ratio = naive_s / _median(pages[key]["cold"]) if key in pages else float("nan")
            same = not e.get("difference")
            met = ratio >= SPEEDUP_TARGET and same
            if not met:
                _note_miss(
                    misses,
                    r["scale"],
                    f"speed-up over naive, {r['scale']} {e['page']} ({e['filter']}): "
                    f"{ratio:.1f}× (target ≥ {SPEEDUP_TARGET:.0f}×)"
                    + ("" if same else f"; {e['difference']}"),
                )
            rows.append(
                (
                    r["scale"],
                    e["page"],
                    e["filter"],
                    _duration(core_s),
                    _duration(naive_s),
                    f"{ratio:.1f}×",
                    f"{page_ratio:.1f}×",
                    str(len(pages[key]["calls"])) if key in pages else "–",
                    "yes" if same else f"**no**: {e['difference']}",
                    _mark(met, r["scale"]),
                )
            )
    return [
        "## 2. Data work: the core beside the naive way",
        "",
        "The data calls a page made in a cold rerun (every store-taking function of "
        "`query.meetings`, `query.commitments`, `query.phases`, `query.profiles`, "
        "`query.export` and `ui.forms` it called, the sidebar's and its CSV downloads' "
        "included) are recorded with their arguments, then made again: *core* through "
        "cooptrack, *naive* through their `naive_*` twins in `benchmarks.naive`, which read "
        "whole tables with `.df()`, filter with pandas masks and write CSV with "
        "`DataFrame.to_csv` (tables read afresh for each page). *Same rows*: every call gave "
        "the same ids in the same order (dates or counts where the core's order leaves ties "
        "open; CSV files the same bytes) both ways. Target: naive ÷ core ≥ 5×; naive ÷ the "
        "cold page rerun is shown for reference.",
        "",
        *_table(
            [
                "scale",
                "page",
                "filter",
                "core median",
                "naive median",
                "naive ÷ core",
                "naive ÷ page rerun",
                "calls",
                "same rows",
                "≥ 5×",
            ],
            rows,
        ),
    ]


def _render_exports(results: list[Result], misses: list[str]) -> list[str]:
    rows = []
    for r in results:
        for e in r["dashboard"]["exports"]:
            export_s, copy_s = _median(e["export"]), _median(e["copy"])
            ratio = export_s / copy_s if copy_s else float("inf")
            met = ratio <= EXPORT_RATIO_TARGET
            if not met:
                _note_miss(
                    misses,
                    r["scale"],
                    f"export, {r['scale']} {e['kind']} ({e['filter']}): {_duration(export_s)}"
                    f" = {ratio:.1f}× the COPY floor's {_duration(copy_s)} (target ≤ 1.5×)",
                )
            rows.append(
                (
                    r["scale"],
                    e["kind"],
                    e["filter"],
                    _size(e["bytes"]),
                    _duration(export_s),
                    _duration(_max(e["export"])),
                    _duration(copy_s),
                    _size(e["copy_bytes"]),
                    f"{ratio:.2f}×",
                    _bare_ratio(e),
                    _mark(met, r["scale"]),
                )
            )
    return [
        "## 3. CSV export beside the COPY floor",
        "",
        "`cooptrack.query.export.export_bytes` (what the dashboard's download and "
        "`cooptrack export` run: COPY of the labelled, ordered query to a temporary file, "
        "read back) beside *COPY*: DuckDB `COPY (<the same query>) TO file`, the floor. "
        "Target: export ≤ 1.5× COPY. *Bare COPY* is stricter, for reference: `COPY (SELECT * "
        "FROM <kind>_facts WHERE <filter>)`, with no labels, joins or order, and the export's "
        "time beside it; the gap to it is what labelled columns and a stable order cost.",
        "",
        *_table(
            [
                "scale",
                "kind",
                "filter",
                "CSV",
                "export median",
                "export max",
                "COPY median",
                "COPY CSV",
                "ratio",
                "bare COPY (export ÷ it)",
                "≤ 1.5×",
            ],
            rows,
        ),
    ]


def _bare_ratio(entry: Result) -> str:
    bare = entry.get("copy_bare")
    if not bare:
        return "–"
    return f"{_duration(_median(bare))} ({_median(entry['export']) / _median(bare):.2f}×)"


def _render_bytes(results: list[Result], misses: list[str]) -> list[str]:
    rows = []
    for r in results:
        for e in r["dashboard"]["pages"]:
            met = e["bytes"] <= PAGE_BYTES_TARGET
            largest = sorted(e["bytes_by_kind"].items(), key=lambda kv: -kv[1])[:2]
            if not met:
                _note_miss(
                    misses,
                    r["scale"],
                    f"bytes to the browser, {r['scale']} {e['page']} ({e['filter']}): "
                    f"{_size(e['bytes'])}, {e['bytes'] / PAGE_BYTES_TARGET:.1f}× the 2 MiB target",
                )
            rows.append(
                (
                    r["scale"],
                    e["page"],
                    e["filter"],
                    _size(e["bytes"]),
                    ", ".join(f"{k} {_size(v)}" for k, v in largest),
                    _mark(met, r["scale"]),
                )
            )
    return [
        "## 4. Bytes sent to the browser per page",
        "",
        "Method: the serialized size (`ForwardMsg.ByteSize()`) of every message one cold "
        "rerun puts on the session's queue, captured from AppTest's script runner — what the "
        "server writes to the websocket, before compression. Download files are not in it "
        "(the browser fetches them only on a click). Target: ≤ 2 MiB.",
        "",
        *_table(["scale", "page", "filter", "bytes", "largest parts", "≤ 2 MiB"], rows),
    ]


def _render_memory(results: list[Result], misses: list[str]) -> list[str]:
    rows = []
    for r in results:
        peak = float(r["dashboard"]["peak_rss_mb"])
        met = peak <= MEMORY_TARGET_MB
        if not met:
            _note_miss(
                misses,
                r["scale"],
                f"peak memory, {r['scale']}: {peak:,.0f} MiB, "
                f"{peak / MEMORY_TARGET_MB:.1f}× the 2 GiB target",
            )
        server = r.get("browser", {}).get("server_peak_rss_mb")
        rows.append(
            (
                r["scale"],
                f"{peak:,.0f} MiB",
                f"{float(r['naive']['peak_rss_mb']):,.0f} MiB",
                f"{server:,.0f} MiB" if server else "–",
                _mark(met, r["scale"]),
            )
        )
    return [
        "## 5. Peak memory",
        "",
        "`resource.getrusage(RUSAGE_SELF).ru_maxrss` of each worker process at its end: the "
        "dashboard worker ran every page rerun, the core's data work and the exports; the "
        "naive worker ran the naive pages. The real server's `VmHWM` is shown when the browser "
        "was measured. Target: dashboard ≤ 2 GiB.",
        "",
        *_table(
            ["scale", "dashboard process", "naive process", "real server (browser run)", "≤ 2 GiB"],
            rows,
        ),
    ]


def _render_browser(results: list[Result]) -> list[str]:
    measured = [r for r in results if r.get("browser")]
    lines = ["## 6. In a browser", ""]
    if not measured:
        return [*lines, "Not measured in this run (add `--browser`).", ""]
    rows = [
        (
            r["scale"],
            e["path"],
            _duration(e["first"]),
            _duration(_median(e["later"])),
            _duration(_max(e["later"])),
            _duration(_median(e["loads"])) if e.get("loads") else "–",
            _duration(_median(e["titles"])) if e.get("titles") else "–",
            _duration(_median(e["cached"])) if e.get("cached") else "–",
        )
        for r in measured
        for e in r["browser"]["visits"]
    ]
    return [
        *lines,
        "Headless Chromium (`/usr/bin/chromium` through Playwright) against "
        "`python -m cooptrack.ui.serve`, a fresh browser context (a new session) per visit: "
        "from `page.goto(link)` to the first Plotly chart's `.main-svg` being visible. A new "
        "server per link, so the first visit finds its result caches empty. *Page load*: "
        "until the browser's load event (the HTML and Streamlit's scripts, before any data "
        "arrives); *title drawn*: until the page's heading shows (the server has run the "
        "page and its first elements are drawn); medians of all visits. What follows the title "
        "is drawing the elements, the chart last (Plotly's script is loaded on first use). "
        "*Returning visitor*: the same link opened again in one browser context (a new "
        "session, but Streamlit's and Plotly's scripts in the browser's cache), median.",
        "",
        *_table(
            [
                "scale",
                "link",
                "first visit (cold caches)",
                "later visits median",
                "later max",
                "page load",
                "title drawn",
                "returning visitor",
            ],
            rows,
        ),
        *_render_painted(measured),
        *_render_baselines(measured),
    ]


# The first columns of both tables against the bare pages.
BARE_RATIO_COLUMNS = (
    "scale",
    "link",
    "bare heading",
    "heading",
    f"÷ bare (≤ {HEADING_RATIO_TARGET:.2f}×)",
    "bare Plotly",
    "first chart",
    f"÷ bare (≤ {CHART_RATIO_TARGET:.2f}×)",
)


def _render_painted(measured: list[Result]) -> list[str]:
    """The targets, judged when the page painted its heading and first chart (its own clock),
    against the bare pages measured the same way in the same run."""

    def ratio(entry: Result, key: str, bare: str, target: float) -> str:
        return _ratio(_later(entry["wire"], key), _later(entry["bare"][bare], key), target)

    rows = [
        (
            r["scale"],
            e["path"],
            _duration(_later(e["bare"]["heading"], "title_painted")),
            _duration(_later(e["wire"], "title_painted")),
            ratio(e, "title_painted", "heading", HEADING_RATIO_TARGET),
            _duration(_later(e["bare"]["plotly"], "chart_painted")),
            _duration(_later(e["wire"], "chart_painted")),
            ratio(e, "chart_painted", "plotly", CHART_RATIO_TARGET),
        )
        for r in measured
        for e in r["browser"]["visits"]
        if e.get("bare") and any(v.get("title_painted") for v in e["wire"])
    ]
    if not rows:
        return []
    return [
        "### Painted, against bare Streamlit pages",
        "",
        "When the page itself painted its heading and its first chart: a script in the page "
        "notes when each element is first in the document, then the start of the next "
        "animation frame, the one that paints it (seconds since navigation began). The two "
        "bare pages below are measured the same way in the same visits. Targets, at every "
        f"scale: heading ≤ {HEADING_RATIO_TARGET:.2f}× the bare heading page, first chart ≤ "
        f"{CHART_RATIO_TARGET:.2f}× the bare Plotly page; medians of the fresh visits after "
        "the first. The table after it has the same visits as the test saw them (Playwright "
        "polls from the page's main thread, so it sees an element only once the work queued "
        "behind it is done).",
        "",
        *_table(
            BARE_RATIO_COLUMNS,
            rows,
        ),
    ]


def _later(visits: Sequence[Result], key: str) -> float:
    """The median of `key` over the visits after the first (whose caches were cold)."""
    values = [v[key] for v in visits[1:] if v.get(key) is not None]
    return _median(values)


def _ratio(value: float, base: float, target: float) -> str:
    if math.isnan(value) or math.isnan(base) or base <= 0:
        return "–"
    ratio = value / base
    return f"{ratio:.2f}× ({_mark(ratio <= target)})"


def _render_baselines(measured: list[Result]) -> list[str]:
    """The dashboard against bare Streamlit pages visited in turn with it, and what each
    visit received over the websocket (where the time goes)."""
    rows = [
        (
            r["scale"],
            e["path"],
            _duration(_later(e["bare"]["heading"], "title")),
            _duration(_later(e["wire"], "title")),
            _ratio(
                _later(e["wire"], "title"),
                _later(e["bare"]["heading"], "title"),
                HEADING_RATIO_TARGET,
            ),
            _duration(_later(e["bare"]["plotly"], "chart")),
            _duration(_later(e["wire"], "chart")),
            _ratio(
                _later(e["wire"], "chart"), _later(e["bare"]["plotly"], "chart"), CHART_RATIO_TARGET
            ),
            f"{_duration(_later(e['wire'], 'first_element'))} / "
            f"{_duration(_later(e['bare']['plotly'], 'first_element'))}",
            f"{_duration(_later(e['wire'], 'first_finished'))} / "
            f"{_duration(_later(e['bare']['plotly'], 'first_finished'))}",
            f"{_duration(_later(e['wire'], 'chart_sent'))}, "
            f"{_size(_later(e['wire'], 'chart_bytes'))} / "
            f"{_duration(_later(e['bare']['plotly'], 'chart_sent'))}, "
            f"{_size(_later(e['bare']['plotly'], 'chart_bytes'))}",
            f"{_later(e['wire'], 'runs'):.0f} / {_later(e['bare']['plotly'], 'runs'):.0f}",
            f"{_later(e['wire'], 'elements'):.0f} / {_later(e['bare']['plotly'], 'elements'):.0f}",
            f"{_size(_later(e['wire'], 'bytes'))} / {_size(_later(e['bare']['plotly'], 'bytes'))}",
        )
        for r in measured
        for e in r["browser"]["visits"]
        if e.get("bare") and e.get("wire")
    ]
    if not rows:
        return []
    return [
        "### Seen by the test, against bare Streamlit pages",
        "",
        "Two bare pages served by `streamlit run` with the project's Streamlit settings, "
        "visited the same way in the same run, in turn with the dashboard's visits: one with "
        "only a heading, one with a heading and one 10-point Plotly scatter (the dashboard's "
        "chart config). Medians of the fresh visits after the first. Targets, at every scale: "
        f"heading ≤ {HEADING_RATIO_TARGET:.2f}× the bare heading page, first chart ≤ "
        f"{CHART_RATIO_TARGET:.2f}× the bare Plotly page. Where the time goes, dashboard / "
        "bare Plotly page, from Streamlit's websocket: *first element* and *first run ended*: "
        "seconds after `goto` when the test was told of the first element and of the end of "
        "the first script run; *chart sent*: of the first chart's element, and its size. "
        "Playwright tells a test of websocket frames only when the test next waits, so these "
        "three can be late (by up to the wait for the heading or the chart); the server's own "
        "times, read by a protocol client, are in the notes. *runs*: script "
        "runs the visit caused; *elements*: elements sent; *bytes*: all received over the "
        "websocket.",
        "",
        *_table(
            [
                *BARE_RATIO_COLUMNS,
                "first element",
                "first run ended",
                "chart sent, size",
                "runs",
                "elements",
                "bytes",
            ],
            rows,
        ),
    ]


NOTES_MARKER = (
    "<!-- Notes: everything below this line is kept when the benchmark rewrites the file. -->"
)


def kept_notes(output: Path) -> str:
    """The hand-written notes at the end of an earlier report (analysis, proposals), if any."""
    try:
        previous = output.read_text(encoding="utf-8")
    except OSError:
        return "\n" + NOTES_MARKER + "\n"
    at = previous.find(NOTES_MARKER)
    return "\n" + (previous[at:] if at >= 0 else NOTES_MARKER + "\n")


def write(output: Path, results: list[Result], command: str, runs: str) -> str:
    """Write the report of `results` to `output`, keeping its notes; return the report."""
    report = render(results, command, datetime.now(), runs)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report + kept_notes(output), encoding="utf-8")
    return report
