"""What a worker measures, in a process of its own so that its peak memory is its own.

The dashboard worker, at one scale:

1. every page's full rerun on the server, through `streamlit.testing.v1.AppTest` and the
   dashboard's entry script exactly as tests/test_pages.py drives them, cold (`st.cache_data`
   cleared) and warm, recording the core's data calls each page makes (`benchmarks.calls`);
2. those calls made again through the core;
3. the CSV export (`export_bytes`) beside a bare DuckDB `COPY` of the filtered view (the floor);
4. the bytes each page sends to the browser (the serialized messages of one rerun);
5. its peak resident memory.

The naive worker makes the same calls through their naive twins (`benchmarks.naive`), checks
they give the same rows, and times them. A benchmark, not a test: it measures, and never fails
because of a figure.
"""

from __future__ import annotations

import hashlib
import pickle
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st
from streamlit.runtime.scriptrunner import ScriptRunnerEvent
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from benchmarks import quiet_streamlit
from benchmarks.calls import RECORDER, Call, install_recorder, replay_core, timed
from benchmarks.naive import TWINS, difference, replay_naive
from benchmarks.plan import APP, FILTERS, PAGES, ROOT, Result, filter_name
from cooptrack.db.schema import KINDS, Kind
from cooptrack.db.store import Store
from cooptrack.query import meetings as meeting_queries
from cooptrack.query.export import export_bytes, export_query
from cooptrack.query.filters import FilterInput, Filters, resolve_strict, where
from cooptrack.ui import data

APPTEST_TIMEOUT_S = 1800.0
PageCalls = dict[tuple[str, str], list[Call]]


def _repeat(action: Callable[[], Any], runs: int) -> list[float]:
    return [timed(action)[0] for _ in range(runs)]


def source_digest() -> str:
    """Fingerprint of the code measured (the core, the UI glue, app.py and the pages, not this
    tool): the report says when figures of one run come from different versions of it."""
    digest = hashlib.sha256()
    files = [
        *sorted((ROOT / "src" / "cooptrack").rglob("*.py")),
        ROOT / "app.py",
        *sorted(ROOT.glob("pages/*.py")),
    ]
    for path in files:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _peak_rss_mb() -> float:
    """This process's peak resident set (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _filters(store: Store, params: dict[str, str]) -> Filters:
    raw = FilterInput(
        countries=tuple(v for k, v in params.items() if k == "country"),
        conventions=tuple(v for k, v in params.items() if k == "convention"),
    )
    return resolve_strict(raw, meeting_queries.vocabulary(store))


# ---------------------------------------------------------------------------------------------
# Pages through AppTest, as tests/test_pages.py runs them


@dataclass
class RunRecord:
    """What the last AppTest run did: its script time and the messages it sent."""

    started: float = 0.0
    stopped: float = 0.0
    messages: tuple[Any, ...] = ()

    @property
    def seconds(self) -> float:
        return self.stopped - self.started


def _install_apptest_hooks() -> RunRecord:
    """Record each AppTest run's script time and forward messages."""
    record = RunRecord()
    original_run = LocalScriptRunner.run
    stopped = {
        ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS,
        ScriptRunnerEvent.SCRIPT_STOPPED_WITH_COMPILE_ERROR,
        ScriptRunnerEvent.SCRIPT_STOPPED_FOR_RERUN,
    }

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        record.started = record.stopped = 0.0

        def on_event(sender: Any, event: Any, **data: Any) -> None:
            now = time.perf_counter()
            if event == ScriptRunnerEvent.SCRIPT_STARTED and not record.started:
                record.started = now
            elif event in stopped:
                record.stopped = now

        self.on_event.connect(on_event, weak=False)
        tree = original_run(self, *args, **kwargs)
        record.messages = tuple(self.forward_msgs())
        return tree

    LocalScriptRunner.run = run  # type: ignore[method-assign]
    return record


def message_bytes(messages: Iterable[Any]) -> tuple[int, dict[str, int]]:
    """Serialized size of a run's forward messages, in total and by element kind."""
    total, by_kind = 0, dict[str, int]()
    for message in messages:
        size = int(message.ByteSize())
        total += size
        kind = str(message.WhichOneof("type"))
        if kind == "delta":
            delta = message.delta
            kind = str(delta.WhichOneof("type"))
            if kind == "new_element":
                kind = str(delta.new_element.WhichOneof("type"))
        by_kind[kind] = by_kind.get(kind, 0) + size
    return total, by_kind


def _problem(at: Any) -> str:
    if at.exception:
        return f"exception: {str(at.exception[0].value)[:200]}"
    errors = [e.value for e in at.error]
    return f"error: {errors[0][:200]}" if errors else ""


def _opened(page: str, params: dict[str, str]) -> AppTest:
    """The dashboard at `page` with the filter in the URL query, run once."""
    at = AppTest.from_file(str(APP), default_timeout=APPTEST_TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "overview":
        at.switch_page(str(ROOT / PAGES[page]))  # by full path: pages/ is not beside APP
        at.run()
    return at


def _cold() -> None:
    """Every cached result emptied, and the charts built from them (`data.figure`): the next
    run does the page's whole work again."""
    quiet_streamlit()  # each AppTest run sets Streamlit's log level back to its config's
    st.cache_data.clear()
    data.figure.clear()


def _recorded_run(at: AppTest) -> tuple[list[Call], float]:
    """One cold run recording the page's data calls, and the SQL time outside of them."""
    _cold()
    RECORDER.calls, RECORDER.unattributed = [], 0.0
    try:
        at.run()
        calls = RECORDER.calls
    finally:
        RECORDER.calls = None
    return calls, RECORDER.unattributed


def measure_page(
    page: str, params: dict[str, str], runs: int, record: RunRecord
) -> tuple[Result, list[Call]]:
    """Warm-up; one cold run recording the page's data calls; then `runs` cold reruns
    (results and charts cleared) and `runs` warm ones."""
    at = _opened(page, params)
    calls, unattributed = _recorded_run(at)
    cold, cold_wall, warm = [], [], []
    size, by_kind = 0, dict[str, int]()
    for _ in range(runs):
        _cold()
        wall, _ = timed(at.run)
        cold.append(record.seconds)
        cold_wall.append(wall)
        size, by_kind = message_bytes(record.messages)
    for _ in range(runs):
        at.run()
        warm.append(record.seconds)
    titles = [t.value for t in at.title]
    result = {
        "page": page,
        "filter": filter_name(params),
        "cold": cold,
        "cold_apptest": cold_wall,
        "warm": warm,
        "bytes": size,
        "bytes_by_kind": by_kind,
        "calls": [call.name for call in calls],
        "call_seconds": [call.seconds for call in calls],
        "unattributed_sql_s": unattributed,
        "problem": _problem(at) or ("" if titles else "no title drawn"),
    }
    return result, calls


# ---------------------------------------------------------------------------------------------
# The workers


def _copy_floor(
    store: Store, kind: Kind, filters: Filters, folder: Path, *, bare: bool = False
) -> int:
    """DuckDB COPY of the export's own query straight to a file: the floor the export is held
    to (its overhead is writing through a temporary file and reading it back). `bare`: COPY of
    the filtered facts table with no labels, joins or order, a stricter reference."""
    target = folder / f"floor-{kind}.csv"
    if bare:
        condition, params = where(filters)
        sql = f"SELECT * FROM {kind[:-1]}_facts WHERE {condition}"
    else:
        sql, params = export_query(kind, filters)
    store.copy_csv(sql, params, target)
    size = target.stat().st_size
    target.unlink()
    return size


def _measure_exports(store: Store, runs: int) -> list[Result]:
    """Each kind's export under each filter, beside COPY of its query and a bare COPY."""
    measured = []
    with tempfile.TemporaryDirectory(prefix="cooptrack-bench-") as tmp:
        for name, params in FILTERS.items():
            filters = _filters(store, params)
            for kind in KINDS:
                print(f"  export {kind} {name}", file=sys.stderr, flush=True)
                floor = partial(_copy_floor, store, kind, filters, Path(tmp))
                size = len(export_bytes(store, kind, filters))
                floor_size = floor()
                measured.append(
                    {
                        "kind": kind,
                        "filter": name,
                        "export": _repeat(partial(export_bytes, store, kind, filters), runs),
                        "copy": _repeat(floor, runs),
                        "copy_bare": _repeat(partial(floor, bare=True), runs),
                        "bytes": size,
                        "copy_bytes": floor_size,
                    }
                )
    return measured


def _save_calls(recorded: PageCalls, calls_file: Path) -> None:
    with calls_file.open("wb") as handle:  # plain tuples: the naive worker rebuilds the Calls
        pickle.dump(
            {
                key: [(c.name, c.arguments, c.seconds, c.canon) for c in calls]
                for key, calls in recorded.items()
            },
            handle,
        )


def _load_calls(calls_file: Path) -> PageCalls:
    with calls_file.open("rb") as handle:
        saved = pickle.load(handle)  # noqa: S301 - written by our own dashboard worker
    return {key: [Call(*c) for c in calls] for key, calls in saved.items()}


def worker_dashboard(pages: list[str], runs: int, calls_file: Path) -> Result:
    """The AppTest page reruns (recording each page's data calls), the recorded calls made
    again through the core, and the exports beside COPY; all on the app's own store."""
    install_recorder()
    record = _install_apptest_hooks()
    result: Result = {"pages": [], "core": []}
    recorded: PageCalls = {}
    for name, params in FILTERS.items():
        for page in pages:
            print(f"  page {page} {name}", file=sys.stderr, flush=True)
            measured, recorded[page, name] = measure_page(page, params, runs, record)
            result["pages"].append(measured)
    _save_calls(recorded, calls_file)
    # Imported here: at import time its caches warn that no Streamlit runtime is running.
    from cooptrack.ui import data as ui_data  # noqa: PLC0415

    store = ui_data.store()
    for (page, name), calls in recorded.items():
        print(f"  core {page} {name}", file=sys.stderr, flush=True)
        replay_core(store, calls)
        times = _repeat(partial(replay_core, store, calls), runs)
        result["core"].append({"page": page, "filter": name, "runs": times})
    result["exports"] = _measure_exports(store, runs)
    result["peak_rss_mb"] = _peak_rss_mb()
    result["code"] = source_digest()
    return result


def worker_naive(db: Path, runs: int, calls_file: Path) -> Result:
    """Each page's recorded calls made by the naive twins: one untimed run checked against
    the core's results, then `runs` timed ones."""
    recorded = _load_calls(calls_file)
    result: Result = {"naive": []}
    connection = duckdb.connect(str(db), read_only=True)
    try:
        for (page, name), calls in recorded.items():
            print(f"  naive {page} {name}", file=sys.stderr, flush=True)
            found = difference(calls, replay_naive(connection, calls))
            times = _repeat(partial(replay_naive, connection, calls), runs)
            missing = sorted({c.name for c in calls if c.name not in TWINS})
            result["naive"].append(
                {
                    "page": page,
                    "filter": name,
                    "runs": times,
                    "difference": found,
                    "missing": missing,
                }
            )
        result["peak_rss_mb"] = _peak_rss_mb()
        result["code"] = source_digest()
    finally:
        connection.close()
    return result
