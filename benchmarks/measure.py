"""How fast, how heavy: `python -m cooptrack.bench --scale small|10k|100k|1m [--browser]`.

A benchmark, not a test: it measures and reports, and marks each figure against its target,
but never fails because of a figure. At each scale (the bundled record, or a synthetic one
from `cooptrack.synth`, cached under `--data-dir` by scale and seed) it measures:

1. every page's full rerun on the server, through `streamlit.testing.v1.AppTest` and `app.py`
   exactly as tests/test_pages.py drives them, cold (`st.cache_data` cleared) and warm;
2. each page's data work through the core, beside the same work done the naive way (whole
   tables into pandas with `.df()`, boolean masks, `DataFrame.to_csv`), checked to give the
   same rows;
3. the CSV export (`export_bytes`) beside a bare DuckDB `COPY` of the filtered view (the floor);
4. the bytes each page sends to the browser (the serialized messages of one rerun);
5. the peak resident memory of the process doing the work;
6. with `--browser`, the time from opening a filtered link to the chart being drawn in
   headless Chromium against a real `python -m cooptrack.ui.serve` server.

The measuring runs in worker subprocesses (`--worker`), one for the dashboard and one for the
naive code, so that each peak memory figure is that of its own process. This module imports
streamlit (AppTest): it is a tool, outside the core's no-streamlit contract.
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import importlib
import inspect
import io
import json
import math
import os
import pickle
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, field, replace
from datetime import date, datetime
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import ScriptRunnerEvent
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from cooptrack import synth
from cooptrack.dates import human_text, iso_text, span_label
from cooptrack.db import schema
from cooptrack.db.schema import MEETING_KIND_LABELS, OPEN_COMMITMENT_STATUSES
from cooptrack.db.store import Store
from cooptrack.query import commitments as commitment_queries
from cooptrack.query import meetings as meeting_queries
from cooptrack.query import phases as phase_queries
from cooptrack.query.export import KINDS, Kind, export_bytes, export_query
from cooptrack.query.filters import FilterInput, Filters, resolve_strict, where
from cooptrack.record.seed import default_seed_dir
from cooptrack.reference import CENTRAL_ASIA
from cooptrack.ui.launch import running_server

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TODAY = date(2026, 11, 28)
# meetings, phases, commitments: 10 commitments per meeting, 100 per phase, as at 1M.
SCALES: dict[str, tuple[int, int, int] | None] = {
    "small": None,
    "10k": (1_000, 100, 10_000),
    "100k": (10_000, 1_000, 100_000),
    "1m": (100_000, 10_000, 1_000_000),
}
PAGES = {
    "overview": "pages/overview.py",
    "timeline": "pages/timeline.py",
    "projects": "pages/phase_queries.py",
    "commitments": "pages/commitments.py",
    "countries": "pages/countries.py",
    "conventions": "pages/conventions.py",
}
FILTERS: dict[str, dict[str, str]] = {
    "none": {},
    "KZ+UNFCCC": {"country": "KZ", "convention": "UNFCCC"},
}
BROWSER_PATHS = ("/timeline", "/projects", "/commitments")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
]
PAGE_TARGET_S = 0.300
SPEEDUP_TARGET = 5.0
EXPORT_RATIO_TARGET = 1.5
PAGE_BYTES_TARGET = 2 * 1024 * 1024
MEMORY_TARGET_MB = 2048.0
APPTEST_TIMEOUT_S = 1800.0
BROWSER_TIMEOUT_MS = 600_000
NONE_LABEL = schema.NONE_LABEL
CLOSED = ("fulfilled", "superseded", "dropped")
OPEN_END = pd.Timestamp("9999-12-31")

Result = dict[str, Any]


# ---------------------------------------------------------------------------------------------
# Small helpers


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def _max(values: Sequence[float]) -> float:
    return float(max(values)) if values else float("nan")


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def _repeat(action: Callable[[], Any], runs: int) -> list[float]:
    return [_timed(action)[0] for _ in range(runs)]


def source_digest() -> str:
    """Fingerprint of the code measured (the core, the UI glue, app.py and the pages, not this
    tool): the report says when figures of one run come from different versions of it."""
    digest = hashlib.sha256()
    files = [
        *sorted((ROOT / "src" / "cooptrack").rglob("*.py")),
        APP,
        *sorted(APP.parent.glob("pages/*.py")),
    ]
    for path in files:
        if path.name not in {"bench.py", "synth.py"}:
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# What a run copies and measures: the core, the UI glue, the router, the pages, the config.
SNAPSHOT_PARTS = ("src/cooptrack", "app.py", "pages", ".streamlit/config.toml")


def snapshot_code(data_dir: Path) -> Path:
    """Copy the code to measure into a folder of its own: a run then measures one version of
    it even while the working tree is being edited. Workers and the server run from the copy
    (PYTHONPATH and working directory), so this module's ROOT is the copy in them."""
    data_dir.mkdir(parents=True, exist_ok=True)
    target = Path(tempfile.mkdtemp(prefix="code-", dir=data_dir))
    for part in SNAPSHOT_PARTS:
        source, copy = ROOT / part, target / part
        if source.is_dir():
            shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
    return target


def _environment(code: Path, db: Path) -> dict[str, str]:
    """A child's environment: the copied code first on the path, the database, a fixed day,
    and the seed files of the working tree (the copy holds code only)."""
    path = os.pathsep.join(p for p in (str(code / "src"), os.environ.get("PYTHONPATH")) if p)
    return {
        **os.environ,
        "PYTHONPATH": path,
        "COOPTRACK_DB": str(db),
        "COOPTRACK_TODAY": TODAY.isoformat(),
        "COOPTRACK_SEED": str(default_seed_dir().resolve()),
    }


def _peak_rss_mb() -> float:
    """This process's peak resident set (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _filters(store: Store, params: dict[str, str]) -> Filters:
    raw = FilterInput(
        countries=tuple(v for k, v in params.items() if k == "country"),
        conventions=tuple(v for k, v in params.items() if k == "convention"),
    )
    return resolve_strict(raw, meeting_queries.vocabulary(store))


def _csv_ids(payload: bytes) -> list[str]:
    """The header, then the first column (the ids) of a CSV file, in file order."""
    reader = csv.reader(io.StringIO(payload.decode("utf-8")))
    header = next(reader, [])
    return [",".join(header), *(row[0] for row in reader)]


def _text(values: Iterable[Any]) -> list[str]:
    return [str(v) for v in values]


# ---------------------------------------------------------------------------------------------
# What the pages ask of the core: recorded during a cold AppTest run, then replayed. Every
# public function of the data modules that takes the store first is wrapped; a call made
# while no other wrapped call runs (the outermost) is recorded with its bound arguments, its
# time and a canonical form of its result, so that the naive twin can be checked against it.

DATA_MODULES = (
    "cooptrack.query.meetings",
    "cooptrack.query.commitments",
    "cooptrack.query.phases",
    "cooptrack.query.profiles",
    "cooptrack.query.export",
    "cooptrack.ui.forms",
)


@dataclass
class Call:
    """One outermost call a page made: `module.function`, its arguments but the store."""

    name: str
    arguments: dict[str, Any]
    seconds: float
    canon: list[str]


@dataclass
class Recorder:
    calls: list[Call] | None = None  # None: not recording
    depth: int = 0
    unattributed: float = 0.0  # SQL time outside any wrapped call while recording
    originals: dict[str, Callable[..., Any]] = field(default_factory=dict)


RECORDER = Recorder()


def data_functions() -> dict[str, Callable[..., Any]]:
    """`module.function` → function, for every public store-taking function of DATA_MODULES."""
    found: dict[str, Callable[..., Any]] = {}
    for module_name in DATA_MODULES:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if (
                inspect.isfunction(value)
                and not name.startswith("_")
                and value.__module__ == module_name
                and list(inspect.signature(value).parameters)[:1] == ["store"]
            ):
                found[f"{module_name.rsplit('.', 1)[1]}.{name}"] = value
    return found


def _recording(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(original)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        RECORDER.depth += 1
        started = time.perf_counter()
        try:
            result = original(*args, **kwargs)
        finally:
            RECORDER.depth -= 1
        if RECORDER.calls is not None and RECORDER.depth == 0:
            seconds = time.perf_counter() - started
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            arguments = {k: v for k, v in bound.arguments.items() if k != "store"}
            RECORDER.calls.append(Call(name, arguments, seconds, canon(name, result)))
        return result

    return wrapper


def _timing_sql(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            if RECORDER.calls is not None and RECORDER.depth == 0:
                RECORDER.unattributed += time.perf_counter() - started

    return wrapper


def install_recorder() -> None:
    """Wrap the data functions wherever cooptrack modules bound them (pages import them
    anew at each run, from the patched modules), and time SQL run outside of them."""
    if RECORDER.originals:
        return
    functions = data_functions()
    RECORDER.originals.update(functions)
    wrappers = {id(f): _recording(name, f) for name, f in functions.items()}
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("cooptrack") and module_name != __name__ and module:
            for attribute, value in list(vars(module).items()):
                if id(value) in wrappers and value in functions.values():
                    setattr(module, attribute, wrappers[id(value)])
    for method in ("frame", "rows", "copy_csv"):
        setattr(Store, method, _timing_sql(getattr(Store, method)))


def replay_core(store: Store, calls: Sequence[Call]) -> None:
    """Make a page's recorded calls again, through the original core functions."""
    for call in calls:
        RECORDER.originals[call.name](store, **call.arguments)


# ---------------------------------------------------------------------------------------------
# Canonical results: what a page shows, as text rows to compare (ids in order where order
# matters; dates or counts where ties may come in either order)


def _ids(frame: pd.DataFrame) -> list[str]:
    return _text(frame.id)


def _days(values: Iterable[Any]) -> list[str]:
    return [str(pd.Timestamp(v).date()) if not pd.isna(v) else "" for v in values]


def _profile_canon(profile: Any) -> list[str]:
    if profile is None:
        return []
    parts: list[str] = []
    for name in ("parties", "cops", "meetings", "commitments"):
        frame = getattr(profile, name, None)
        if isinstance(frame, pd.DataFrame):
            column = next(c for c in ("id", "convention", "country") if c in frame.columns)
            parts += [f"{name}:{v}" for v in frame[column]]
    for name in ("meetings_total", "hosted_total", "commitments_total"):
        if hasattr(profile, name):
            parts.append(f"{name}={getattr(profile, name)}")
    return parts


def _detail_canon(detail: Any) -> list[str]:
    if detail is None:
        return []
    return [
        f"{name}:{v}"
        for name in ("commitments_made", "commitments_fulfilled", "commitments_ahead")
        for v in getattr(detail, name).id
    ]


CANON: dict[str, Callable[[Any], list[str]]] = {
    "meetings.vocabulary": lambda v: [*v.conventions, *v.topics, *v.organisations],
    "profiles.tracked_countries": lambda found: [code for code, _ in found],
    "meetings.dataset_info": lambda info: [f"{k}={n}" for k, n in info.counts.items()],
    "meetings.overview_counts": lambda counts: _text(astuple(counts)),
    "meetings.meetings_frame": _ids,
    "meetings.upcoming_meetings": lambda frame: _days(frame.alive_from),
    "meetings.meeting_detail": _detail_canon,
    "meetings.meeting_density": lambda f: [
        f"{d}|{k}|{n}" for d, k, n in zip(_days(f.quarter), f.kind, f.meetings, strict=True)
    ],
    "commitments.recent_followups": lambda frame: _text(frame.when),
    "commitments.status_by": lambda f: [
        f"{a}|{b}|{n}" for a, b, n in zip(f.label, f.status, f.commitments, strict=True)
    ],
    "phases.phases_frame": _ids,
    "commitments.commitments_frame": _ids,
    "commitments.count_commitments": _text,
    "profiles.country_profile": _profile_canon,
    "profiles.convention_profile": _profile_canon,
}


def canon(name: str, result: Any) -> list[str]:
    """A result as comparable text rows (CSV: its header and ids; unknown kinds: a summary)."""
    if name in CANON:
        return CANON[name](result)
    if isinstance(result, bytes):
        return _csv_ids(result)
    if isinstance(result, int | str):
        return [str(result)]
    if isinstance(result, pd.DataFrame):
        return _ids(result) if "id" in result.columns else [f"{len(result)} rows"]
    return [type(result).__name__]


# ---------------------------------------------------------------------------------------------
# The naive way: whole tables into pandas with `.df()`, boolean masks, `DataFrame.to_csv`.
# Each naive page reads what it needs afresh, as a page without a query layer would; every
# output is checked against the core's (same ids in the same order) before figures are shown.


class NaiveTables:
    """Whole tables read with `.df()` on first use, and the `*_facts` columns built in pandas."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._connection = connection
        self._tables: dict[str, pd.DataFrame] = {}
        self._facts: dict[str, pd.DataFrame] = {}

    def table(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            self._tables[name] = self._connection.execute(f"SELECT * FROM {name}").df()
        return self._tables[name]

    def names(self, table: str, key: str, value: str) -> dict[str, str]:
        frame = self.table(table)
        return dict(zip(frame[key], frame[value], strict=True))

    def meetings(self) -> pd.DataFrame:
        if "meetings" not in self._facts:
            m = self.table("meetings").copy()
            m["match_countries"] = [
                list(dict.fromkeys([*c, *([h] if isinstance(h, str) else [])]))
                for c, h in zip(m.countries, m.host_country, strict=True)
            ]
            m["match_organisations"] = [
                list(dict.fromkeys([*a, *b]))
                for a, b in zip(m.chair_organisations, m.organisers, strict=True)
            ]
            m["alive_from"] = m.start_date
            has_end = m.end_date.notna()
            m["alive_to"] = _period_end(
                m.end_date.where(has_end, m.start_date),
                m.end_precision.where(has_end, m.start_precision),
            )
            m["search_text"] = _search_text(m, ["title", "series", "city", "summary"])
            self._facts["meetings"] = m
        return self._facts["meetings"]

    def phases(self) -> pd.DataFrame:
        if "phases" not in self._facts:
            projects_ = self.table("projects").rename(
                columns={
                    "id": "project",
                    "name": "project_name",
                    "summary": "project_summary",
                    "sources": "project_sources",
                }
            )
            p = self.table("phases").merge(projects_, on="project", how="left")
            p["match_countries"] = p.countries
            p["match_organisations"] = [
                list(dict.fromkeys([*i, *([d] if isinstance(d, str) else [])]))
                for i, d in zip(p.implementers, p.donor, strict=True)
            ]
            p["alive_from"] = p.actual_start.where(p.actual_start.notna(), p.planned_start)
            actual_end = _period_end(p.actual_end, p.actual_end_precision)
            planned_end = _period_end(p.planned_end, p.planned_end_precision)
            p["alive_to"] = actual_end.where(
                actual_end.notna(), planned_end.where(planned_end.notna(), OPEN_END)
            )
            p["search_text"] = _search_text(p, ["project_name", "title", "summary"])
            self._facts["phases"] = p
        return self._facts["phases"]

    def commitments(self) -> pd.DataFrame:
        if "commitments" not in self._facts:
            followups = self.table("followups")
            closing = followups[followups.status_after.isin(CLOSED)]
            closed_on = (
                _period_end(closing.on_date, closing.on_precision).groupby(closing.commitment).max()
            )
            starts = self.table("meetings").set_index("id").start_date
            c = self.table("commitments").copy()
            ahead = c.ahead_of.map(starts)
            due = _period_end(c.due_date, c.due_precision)
            c["due_by"] = due.where(c.due_date.notna(), ahead)
            c["is_open"] = c.status.isin(OPEN_COMMITMENT_STATUSES)
            c["match_countries"] = [
                list(dict.fromkeys([*a, *b]))
                for a, b in zip(c.made_by_countries, c.countries, strict=True)
            ]
            c["match_organisations"] = c.made_by_organisations
            c["alive_from"] = c.made_on
            closed = c.id.map(closed_on)
            made_end = _period_end(c.made_on, c.made_on_precision)
            c["alive_to"] = closed.where(closed.notna(), made_end).where(~c.is_open, OPEN_END)
            c["search_text"] = c.text.str.lower()
            self._facts["commitments"] = c
        return self._facts["commitments"]


def _period_end(day: pd.Series, precision: pd.Series) -> pd.Series:
    """The last day of a day, month or year (as the schema's `period_end` macro)."""
    month_end = day + pd.offsets.MonthEnd(0)
    year_end = day + pd.offsets.YearEnd(0)
    return day.where(precision == "day", month_end.where(precision == "month", year_end))


def _search_text(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    return [
        " ".join(str(v) for v in values if isinstance(v, str)).lower()
        for values in zip(*(frame[c] for c in columns), strict=True)
    ]


def _mask(frame: pd.DataFrame, filters: Filters) -> pd.Series:
    """The filter model of cooptrack.query.filters, as pandas boolean masks over whole tables."""
    mask = pd.Series(True, index=frame.index)
    for column, values in (
        ("match_countries", filters.countries),
        ("conventions", filters.conventions),
        ("topics", filters.topics),
        ("match_organisations", filters.organisation_scope or filters.organisations),
    ):
        if values:
            wanted = set(values)
            mask &= frame[column].map(lambda xs, w=wanted: not w.isdisjoint(xs))
    if filters.date_to is not None:
        mask &= frame.alive_from <= pd.Timestamp(filters.date_to)
    if filters.date_from is not None:
        mask &= frame.alive_to >= pd.Timestamp(filters.date_from)
    for word in filters.search.lower().split():
        mask &= frame.search_text.str.contains(word, regex=False)
    return mask


def _labels(codes: Iterable[str], names: dict[str, str]) -> str | None:
    found = sorted({names[c] for c in codes if c in names})
    return "; ".join(found) if found else None


def _short_country_labels(codes: Any, names: dict[str, str]) -> str | None:
    present = list(codes)
    if set(CENTRAL_ASIA) <= set(present):
        rest = _labels([c for c in present if c not in CENTRAL_ASIA], names)
        return "; ".join(p for p in ("the five Central Asian countries", rest) if p)
    return _labels(present, names)


def _codes(codes: Any) -> str | None:
    return "; ".join(sorted(codes)) or None


def _iso(day: pd.Series, precision: pd.Series) -> list[str | None]:
    return [
        iso_text(d.date(), p) if isinstance(p, str) and not pd.isna(d) else None
        for d, p in zip(day, precision, strict=True)
    ]


def _human(day: Any, precision: Any) -> str:
    if not isinstance(precision, str) or pd.isna(day):
        return ""
    return human_text(pd.Timestamp(day).date(), precision)


def _date(value: Any) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _column(values: Iterable[Any]) -> list[Any]:
    """A new column's values (typed Any: pandas takes any mix of text and None)."""
    return list(values)


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def _naive_meeting_labels(rows: pd.DataFrame, t: NaiveTables) -> pd.DataFrame:
    countries = t.names("countries", "code", "name")
    topics = t.names("topics", "id", "label")
    rows = rows.assign(
        host_name=_column(
            countries.get(h) if isinstance(h, str) else None for h in rows.host_country
        ),
        convention_codes=_column(_codes(c) for c in rows.conventions),
        topic_labels=_column(_labels(x, topics) for x in rows.topics),
    )
    rows["when"] = [
        span_label(_date(s), sp, _date(e), ep if isinstance(ep, str) else None, bool(tn))
        for s, sp, e, ep, tn in zip(
            rows.start_date,
            rows.start_precision,
            rows.end_date,
            rows.end_precision,
            rows.tentative,
            strict=True,
        )
    ]
    rows["kind_label"] = [MEETING_KIND_LABELS.get(k, k) for k in rows.kind]
    rows["where"] = [
        meeting_queries._place(c, h, f)
        for c, h, f in zip(rows.city, rows.host_name, rows.format, strict=True)
    ]
    return rows


def naive_export(t: NaiveTables, kind: Kind, filters: Filters) -> bytes:
    """The extract of `kind`: every matching row, labelled in Python, written by to_csv."""
    countries = t.names("countries", "code", "name")
    organisations = t.names("organisations", "id", "name")
    topics = t.names("topics", "id", "label")
    if kind == "meetings":
        m = t.meetings()
        rows = m[_mask(m, filters)].sort_values(["alive_from", "id"])
        out = pd.DataFrame(
            {
                "id": rows.id,
                "title": rows.title,
                "short_title": rows.short_title,
                "kind": rows.kind,
                "series": rows.series,
                "ordinal": rows.ordinal,
                "start_date": _iso(rows.start_date, rows.start_precision),
                "end_date": _iso(rows.end_date, rows.end_precision),
                "tentative": rows.tentative,
                "city": rows.city,
                "host_country": [countries.get(h) for h in rows.host_country],
                "format": rows.format,
                "status": rows.status,
                "chairs": ["; ".join(c) or None for c in rows.chairs],
                "countries": [_labels(c, countries) for c in rows.countries],
                "conventions": [_codes(c) for c in rows.conventions],
                "topics": [_labels(c, topics) for c in rows.topics],
                "organisations": [_labels(c, organisations) for c in rows.match_organisations],
                "chair_organisations": [
                    _labels(c, organisations) for c in rows.chair_organisations
                ],
                "organisers": [_labels(c, organisations) for c in rows.organisers],
                "summary": rows.summary,
                "confidence": rows.confidence,
                "sources": ["; ".join(s) or None for s in rows.sources],
            }
        )
    elif kind == "phases":
        p = t.phases()
        # The core's ORDER BY project means its output column: the project's name.
        rows = p[_mask(p, filters)].sort_values(["project_name", "alive_from", "id"])
        out = pd.DataFrame(
            {
                "id": rows.id,
                "project": rows.project_name,
                "phase": rows.phase,
                "title": rows.title,
                "implementers": [_labels(c, organisations) for c in rows.implementers],
                "planned_start": _iso(rows.planned_start, rows.planned_start_precision),
                "planned_end": _iso(rows.planned_end, rows.planned_end_precision),
                "actual_start": _iso(rows.actual_start, rows.actual_start_precision),
                "actual_end": _iso(rows.actual_end, rows.actual_end_precision),
                "budget": rows.budget,
                "currency": rows.currency,
                "countries": [_labels(c, countries) for c in rows.countries],
                "conventions": [_codes(c) for c in rows.conventions],
                "topics": [_labels(c, topics) for c in rows.topics],
                "summary": rows.summary,
                "confidence": rows.confidence,
                "sources": ["; ".join(s) or None for s in rows.sources],
            }
        )
    else:
        c = t.commitments()
        titles = t.table("meetings").set_index("id").title
        rows = c[_mask(c, filters)].sort_values(["alive_from", "id"])
        out = pd.DataFrame(
            {
                "id": rows.id,
                "text": rows.text,
                "made_by": [
                    "; ".join(x for x in (_labels(o, organisations), _labels(k, countries)) if x)
                    for o, k in zip(rows.made_by_organisations, rows.made_by_countries, strict=True)
                ],
                "meeting": rows.meeting.map(titles),
                "made_on": _iso(rows.made_on, rows.made_on_precision),
                "countries": [_labels(x, countries) for x in rows.countries],
                "conventions": [_codes(x) for x in rows.conventions],
                "topics": [_labels(x, topics) for x in rows.topics],
                "due_date": _iso(rows.due_date, rows.due_precision),
                "ahead_of": rows.ahead_of.map(titles),
                "status": rows.status,
                "fulfilled_by": rows.fulfilled_by.map(titles),
                "confidence": rows.confidence,
                "sources": ["; ".join(s) or None for s in rows.sources],
            }
        )
    return _csv(out)


# ---------------------------------------------------------------------------------------------
# Naive twins: each data function the pages call, done the naive way. Their results are
# canonical text rows (or CSV bytes), compared with the core's recorded ones.


def _shown_rows() -> int:
    return int(getattr(meeting_queries, "SHOWN_ROWS", 200))


def _newest(frame: pd.DataFrame, by: list[str], limit: int) -> pd.DataFrame:
    """The `limit` last rows in `by` order, shown oldest first (as the core's pages do)."""
    return frame.sort_values(by).tail(limit)


def naive_vocabulary(t: NaiveTables) -> list[str]:
    return [
        *t.table("conventions").sort_values("code").code,
        *t.table("topics").sort_values("label").id,
        *t.table("organisations").sort_values("name").id,
    ]


def naive_tracked_countries(t: NaiveTables) -> list[str]:
    countries = t.table("countries")
    mentioned = {code for codes in t.meetings().match_countries for code in codes}
    shown = countries[countries.tracked | countries.code.isin(mentioned)]
    shown = shown.assign(untracked=~shown.tracked).sort_values(["untracked", "name"])
    return list(shown.code)


def naive_dataset_info(t: NaiveTables) -> list[str]:
    t.table("schema_meta")
    tables = ("meetings", "phases", "commitments", "followups", "conventions", "organisations")
    return [f"{name}={len(t.table(name))}" for name in tables]


def naive_overview_counts(t: NaiveTables, filters: Filters, today: date) -> list[str]:
    now = pd.Timestamp(today)
    m = t.meetings()
    meetings = m[_mask(m, filters)]
    p = t.phases()
    phases = p[_mask(p, filters)]
    c = t.commitments()
    commitments = c[_mask(c, filters)]
    return _text(
        (
            int((meetings.status == "held").sum()),
            int((meetings.status == "planned").sum()),
            int(((phases.alive_from <= now) & (phases.alive_to >= now)).sum()),
            len(phases),
            int(commitments.is_open.sum()),
            int((commitments.is_open & (commitments.due_by < now)).sum()),
            int((commitments.status == "fulfilled").sum()),
            len(commitments),
        )
    )


def _naive_meetings(t: NaiveTables, filters: Filters, limit: int) -> pd.DataFrame:
    m = t.meetings()
    return _naive_meeting_labels(_newest(m[_mask(m, filters)], ["alive_from", "id"], limit), t)


def naive_meetings_frame(t: NaiveTables, filters: Filters, limit: int) -> list[str]:
    return _text(_naive_meetings(t, filters, limit).id)


def naive_count_meetings(t: NaiveTables, filters: Filters) -> list[str]:
    m = t.meetings()
    return [str(int(_mask(m, filters).sum()))]


def naive_meeting_density(t: NaiveTables, filters: Filters) -> list[str]:
    m = t.meetings()
    rows = m[_mask(m, filters)]
    quarters = rows.alive_from.dt.to_period("Q").dt.start_time
    counts = rows.groupby([quarters, rows.kind]).size().rename("n").reset_index()
    counts.columns = pd.Index(["quarter", "kind", "n"])
    counts = counts.sort_values(["quarter", "kind"])
    return [
        f"{d}|{k}|{n}" for d, k, n in zip(_days(counts.quarter), counts.kind, counts.n, strict=True)
    ]


def naive_upcoming_meetings(t: NaiveTables, filters: Filters, today: date, limit: int) -> list[str]:
    m = t.meetings()
    now = pd.Timestamp(today)
    rows = m[_mask(m, filters) & (m.alive_to >= now) & (m.status != "cancelled")]
    rows = _naive_meeting_labels(rows.sort_values("alive_from").head(limit), t)
    return _days(rows.alive_from)


def naive_meeting_detail(t: NaiveTables, meeting_id: str) -> list[str]:
    m = t.meetings()
    chosen = _naive_meeting_labels(m[m.id == meeting_id], t)
    if chosen.empty:
        return []
    organisations = t.names("organisations", "id", "name")
    countries = t.names("countries", "code", "name")
    for column in ("chair_organisations", "organisers"):
        chosen[f"{column}_names"] = [_labels(x, organisations) for x in chosen[column]]
    chosen["participant_names"] = [_labels(x, countries) for x in chosen.countries]
    c = t.table("commitments")
    return [
        f"{name}:{v}"
        for name, column in (
            ("commitments_made", "meeting"),
            ("commitments_fulfilled", "fulfilled_by"),
            ("commitments_ahead", "ahead_of"),
        )
        for v in c[c[column] == meeting_id].sort_values("id").id
    ]


def naive_recent_followups(t: NaiveTables, filters: Filters, limit: int) -> list[str]:
    c = t.commitments()
    followups = t.table("followups")
    notes = followups[followups.commitment.isin(set(c[_mask(c, filters)].id))]
    notes = notes.sort_values(["on_date", "seq"], ascending=False).head(limit)
    return [_human(d, p) for d, p in zip(notes.on_date, notes.on_precision, strict=True)]


def naive_count_phases(t: NaiveTables, filters: Filters) -> list[str]:
    p = t.phases()
    return [str(int(_mask(p, filters).sum()))]


def naive_phases_frame(
    t: NaiveTables, filters: Filters, limit: int = phase_queries.GANTT_PHASES
) -> list[str]:
    p = t.phases()
    newest = p[_mask(p, filters)].sort_values(["alive_from", "id"], ascending=False).head(limit)
    phases = newest.sort_values(["project", "alive_from", "id"])
    organisations = t.names("organisations", "id", "name")
    countries = t.names("countries", "code", "name")
    phases = phases.assign(
        implementers_label=[
            _labels(x, organisations) or "not recorded" for x in phases.implementers
        ],
        countries_label=_column(_short_country_labels(x, countries) for x in phases.countries),
        conventions_label=_column(_codes(x) for x in phases.conventions),
        planned_until=_period_end(phases.planned_end, phases.planned_end_precision),
        actual_until=_period_end(phases.actual_end, phases.actual_end_precision),
        planned=[
            phase_queries._span(a, b, c, d)
            for a, b, c, d in zip(
                phases.planned_start,
                phases.planned_start_precision,
                phases.planned_end,
                phases.planned_end_precision,
                strict=True,
            )
        ],
        actual=[
            phase_queries._span(a, b, c, d)
            for a, b, c, d in zip(
                phases.actual_start,
                phases.actual_start_precision,
                phases.actual_end,
                phases.actual_end_precision,
                strict=True,
            )
        ],
    )
    return _text(phases.id)


def _naive_commitments(
    t: NaiveTables, filters: Filters, today: date, overdue_only: bool, limit: int
) -> pd.DataFrame:
    c = t.commitments()
    now = pd.Timestamp(today)
    mask = _mask(c, filters)
    if overdue_only:
        mask &= c.is_open & (c.due_by < now)
    rows = _newest(c[mask], ["made_on", "id"], limit)
    titles = t.table("meetings").set_index("id").short_title
    followups = t.table("followups").sort_values(["commitment", "on_date", "seq"])
    latest = followups.drop_duplicates("commitment", keep="last").set_index("commitment")
    organisations = t.names("organisations", "id", "short_name")
    countries = t.names("countries", "code", "name")
    rows = rows.assign(
        commitment=rows.text,
        made_by=[
            "; ".join(
                x for x in (_labels(o, organisations), _short_country_labels(k, countries)) if x
            )
            for o, k in zip(rows.made_by_organisations, rows.made_by_countries, strict=True)
        ],
        meeting_title=rows.meeting.map(titles),
        conventions_label=_column(_codes(x) for x in rows.conventions),
        ahead_title=rows.ahead_of.map(titles),
        overdue=(rows.is_open & (rows.due_by < now)).fillna(False),
        fulfilled_title=rows.fulfilled_by.map(titles),
        latest_note=rows.id.map(latest.note),
        latest_on=rows.id.map(latest.on_date),
        latest_precision=rows.id.map(latest.on_precision),
    )
    rows["made"] = [_human(d, p) for d, p in zip(rows.made_on, rows.made_on_precision, strict=True)]
    rows["at"] = [
        f"{m} ({d})" if isinstance(m, str) else d
        for m, d in zip(rows.meeting_title, rows.made, strict=True)
    ]
    rows["due"] = [
        f"by {_human(d, p)}"
        if isinstance(p, str)
        else f"before {_human(b, 'day')} ({a})"
        if isinstance(a, str) and not pd.isna(b)
        else "no due date"
        for d, p, a, b in zip(
            rows.due_date, rows.due_precision, rows.ahead_title, rows.due_by, strict=True
        )
    ]
    rows["latest_followup"] = [
        f"{_human(d, p)}: {n}" if isinstance(n, str) else ""
        for d, p, n in zip(rows.latest_on, rows.latest_precision, rows.latest_note, strict=True)
    ]
    return rows


def naive_commitments_frame(
    t: NaiveTables, filters: Filters, today: date, overdue_only: bool, limit: int
) -> list[str]:
    return _text(_naive_commitments(t, filters, today, overdue_only, limit).id)


def naive_count_commitments(t: NaiveTables, filters: Filters, today: date) -> list[str]:
    c = t.commitments()
    mask = _mask(c, filters)
    overdue = mask & c.is_open & (c.due_by < pd.Timestamp(today))
    return [str(int(mask.sum())), str(int(overdue.sum()))]


def naive_status_by(t: NaiveTables, filters: Filters, dimension: str) -> list[str]:
    c = t.commitments()
    rows = c[_mask(c, filters)]
    column = "conventions" if dimension == "conventions" else "match_countries"
    keep = set(filters.conventions if dimension == "conventions" else filters.countries)
    keys = pd.DataFrame(
        {
            "key": [list(x) if len(x) else [NONE_LABEL] for x in rows[column]],
            "status": rows.status,
        }
    ).explode("key")
    if keep:
        keys = keys[keys.key.isin(keep)]
    if dimension == "conventions":
        keys["label"] = keys.key
    else:
        names = t.names("countries", "code", "name")
        keys["label"] = [names.get(k, k) for k in keys.key]
    counts = keys.groupby(["label", "status"]).size().rename("commitments").reset_index()
    top = getattr(commitment_queries, "TOP_LABELS", None)
    if top is not None:
        totals = counts.groupby("label").commitments.sum().reset_index()
        ranked = totals.sort_values(["commitments", "label"], ascending=[False, True])
        others = f"all others ({len(ranked) - top})"
        renamed = {label: others for label in list(ranked.label)[top:]}
        counts["label"] = counts.label.map(lambda label: renamed.get(label, label))
        counts = counts.groupby(["label", "status"]).commitments.sum().reset_index()
    counts = counts.sort_values(["label", "status"])
    return [
        f"{a}|{b}|{n}"
        for a, b, n in zip(counts.label, counts.status, counts.commitments, strict=True)
    ]


def naive_country_profile(t: NaiveTables, code: str, filters: Filters, today: date) -> list[str]:
    parties = t.table("convention_parties")
    parties = (
        parties[parties.country == code]
        .merge(t.table("conventions"), left_on="convention", right_on="code")
        .sort_values("convention")
    )
    scoped = replace(filters, countries=(code,))
    m = t.meetings()
    matching = m[_mask(m, scoped)]
    meetings = _naive_meetings(t, scoped, _shown_rows())
    commitments = _naive_commitments(t, scoped, today, False, _shown_rows())
    return [
        *(f"parties:{v}" for v in parties.convention),
        *(f"meetings:{v}" for v in meetings.id),
        *(f"commitments:{v}" for v in commitments.id),
        f"meetings_total={len(matching)}",
        f"hosted_total={int((matching.host_country == code).sum())}",
        f"commitments_total={naive_count_commitments(t, scoped, today)[0]}",
    ]


def naive_convention_profile(t: NaiveTables, code: str, filters: Filters, today: date) -> list[str]:
    if code not in set(t.table("conventions").code):
        return []
    countries = t.table("countries")
    parties = t.table("convention_parties")
    parties = (
        countries[countries.tracked]
        .merge(parties[parties.convention == code], left_on="code", right_on="country", how="left")
        .sort_values("name")
    )
    scoped = replace(filters, conventions=(code,))
    limit = int(getattr(meeting_queries, "TIMELINE_POINTS", 2000))
    meetings = _naive_meetings(t, scoped, limit)
    others = meetings[meetings.kind != "cop"].tail(_shown_rows())
    commitments = _naive_commitments(t, scoped, today, False, _shown_rows())
    return [
        *(f"parties:{v}" for v in parties.name),
        *(f"cops:{v}" for v in meetings[meetings.kind == "cop"].id),
        *(f"meetings:{v}" for v in others.id),
        *(f"commitments:{v}" for v in commitments.id),
    ]


def naive_export_bytes(t: NaiveTables, kind: Kind, filters: Filters) -> bytes:
    return naive_export(t, kind, filters)


TWINS: dict[str, Callable[..., list[str] | bytes]] = {
    "meetings.vocabulary": naive_vocabulary,
    "profiles.tracked_countries": naive_tracked_countries,
    "meetings.dataset_info": naive_dataset_info,
    "meetings.overview_counts": naive_overview_counts,
    "meetings.meetings_frame": naive_meetings_frame,
    "meetings.count_meetings": naive_count_meetings,
    "meetings.meeting_density": naive_meeting_density,
    "meetings.upcoming_meetings": naive_upcoming_meetings,
    "meetings.meeting_detail": naive_meeting_detail,
    "commitments.recent_followups": naive_recent_followups,
    "phases.phases_frame": naive_phases_frame,
    "phases.count_phases": naive_count_phases,
    "commitments.commitments_frame": naive_commitments_frame,
    "commitments.count_commitments": naive_count_commitments,
    "commitments.status_by": naive_status_by,
    "profiles.country_profile": naive_country_profile,
    "profiles.convention_profile": naive_convention_profile,
    "export.export_bytes": naive_export_bytes,
}


def replay_naive(
    connection: duckdb.DuckDBPyConnection, calls: Sequence[Call]
) -> list[list[str] | bytes]:
    """A page's calls made the naive way, its tables read afresh for the page. A call without
    a twin gives nothing (and is reported, never counted as work done)."""
    tables = NaiveTables(connection)
    return [
        TWINS[call.name](tables, **call.arguments) if call.name in TWINS else [] for call in calls
    ]


def difference(calls: Sequence[Call], naive: Sequence[list[str] | bytes]) -> str:
    """'' when every call gave the same rows both ways; else the first that did not."""
    for call, found in zip(calls, naive, strict=True):
        if call.name not in TWINS:
            return f"no naive twin for {call.name}"
        rows = _csv_ids(found) if isinstance(found, bytes) else found
        if call.canon != rows:
            at = next(
                (i for i, (a, b) in enumerate(zip(call.canon, rows, strict=False)) if a != b),
                min(len(call.canon), len(rows)),
            )
            return (
                f"{call.name}: {len(call.canon)} rows from the core, {len(rows)} naive; "
                f"first differs at {at}"
            )
    return ""


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
    """Route through app.py like `cooptrack.ui.serve` (AppTest re-detects a pages/ folder at
    every run), and record each run's script time and forward messages."""
    record = RunRecord()
    original_init = PagesManager.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

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

    PagesManager.__init__ = init  # type: ignore[method-assign]
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


def measure_page(
    page: str, params: dict[str, str], runs: int, record: RunRecord
) -> tuple[Result, list[Call]]:
    """Warm-up; one cold run recording the page's data calls; then `runs` cold reruns
    (st.cache_data cleared) and `runs` warm ones."""
    at = AppTest.from_file(str(APP), default_timeout=APPTEST_TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "overview":
        at.switch_page(PAGES[page])
        at.run()
    st.cache_data.clear()
    RECORDER.calls, RECORDER.unattributed = [], 0.0
    try:
        at.run()
        calls = RECORDER.calls
    finally:
        RECORDER.calls = None
    unattributed = RECORDER.unattributed
    cold, cold_wall, warm = [], [], []
    size, by_kind = 0, dict[str, int]()
    for _ in range(runs):
        st.cache_data.clear()
        wall, _ = _timed(at.run)
        cold.append(record.seconds)
        cold_wall.append(wall)
        size, by_kind = message_bytes(record.messages)
    for _ in range(runs):
        at.run()
        warm.append(record.seconds)
    titles = [t.value for t in at.title]
    result = {
        "page": page,
        "filter": _filter_name(params),
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


def _filter_name(params: dict[str, str]) -> str:
    return next(name for name, value in FILTERS.items() if value == params)


# ---------------------------------------------------------------------------------------------
# Workers: each measures in a process of its own, so that its peak memory is its own


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


PageCalls = dict[tuple[str, str], list[Call]]


def worker_dashboard(pages: list[str], runs: int, calls_file: Path) -> Result:
    """The AppTest page reruns (recording each page's data calls), the recorded calls made
    again through the core, and the exports beside COPY; all on the app's own store."""
    install_recorder()
    record = _install_apptest_hooks()
    result: Result = {"pages": [], "core": [], "exports": []}
    recorded: PageCalls = {}
    for name, params in FILTERS.items():
        for page in pages:
            print(f"  page {page} {name}", file=sys.stderr, flush=True)
            measured, recorded[page, name] = measure_page(page, params, runs, record)
            result["pages"].append(measured)
    with calls_file.open("wb") as handle:  # plain tuples: this module may run as __main__
        pickle.dump(
            {
                key: [(c.name, c.arguments, c.seconds, c.canon) for c in calls]
                for key, calls in recorded.items()
            },
            handle,
        )
    # Imported here: at import time its caches warn that no Streamlit runtime is running.
    from cooptrack.ui import data as ui_data  # noqa: PLC0415

    store = ui_data.store()
    for (page, name), calls in recorded.items():
        print(f"  core {page} {name}", file=sys.stderr, flush=True)
        replay_core(store, calls)
        times = _repeat(partial(replay_core, store, calls), runs)
        result["core"].append({"page": page, "filter": name, "runs": times})
    with tempfile.TemporaryDirectory(prefix="cooptrack-bench-") as tmp:
        for name, params in FILTERS.items():
            filters = _filters(store, params)
            for kind in KINDS:
                print(f"  export {kind} {name}", file=sys.stderr, flush=True)
                size = len(export_bytes(store, kind, filters))
                floor_size = _copy_floor(store, kind, filters, Path(tmp))
                exports = _repeat(partial(export_bytes, store, kind, filters), runs)
                floors = _repeat(partial(_copy_floor, store, kind, filters, Path(tmp)), runs)
                bare = _repeat(
                    partial(_copy_floor, store, kind, filters, Path(tmp), bare=True), runs
                )
                result["exports"].append(
                    {
                        "kind": kind,
                        "filter": name,
                        "export": exports,
                        "copy": floors,
                        "copy_bare": bare,
                        "bytes": size,
                        "copy_bytes": floor_size,
                    }
                )
    result["peak_rss_mb"] = _peak_rss_mb()
    result["code"] = source_digest()
    return result


def worker_naive(db: Path, runs: int, calls_file: Path) -> Result:
    """Each page's recorded calls made by the naive twins: one untimed run checked against
    the core's results, then `runs` timed ones."""
    with calls_file.open("rb") as handle:
        saved = pickle.load(handle)  # noqa: S301 - written by our own dashboard worker
    recorded: PageCalls = {key: [Call(*c) for c in calls] for key, calls in saved.items()}
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


def _worker_main(args: argparse.Namespace) -> int:
    calls_file = Path(args.calls)
    if args.worker == "dashboard":
        result = worker_dashboard(list(args.page or PAGES), args.runs, calls_file)
    else:
        result = worker_naive(Path(args.db), args.naive_runs, calls_file)
    Path(args.result).write_text(json.dumps(result), encoding="utf-8")
    return 0


# ---------------------------------------------------------------------------------------------
# In a real browser, against a real server


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
def _server(db: Path, logs: Path, code: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`python -m cooptrack.ui.serve` on the copied code, as `make run` starts it."""
    streams = (logs / "server.out", logs / "server.err")
    with running_server(_environment(code, db), code, streams, 120.0) as (url, process):
        yield url, process


def measure_browser(db: Path, runs: int, logs: Path, code: Path) -> Result:
    """From `page.goto(link)` to the first Plotly chart's `.main-svg` being visible. Fresh
    browser contexts (new sessions, empty HTTP cache) against a new server per path, so the
    first visit finds its result caches empty and the later ones warm; then visits in one
    context, as a returning user whose browser has cached Streamlit's and Plotly's scripts."""
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
                with _server(db, logs, code) as (url, process):
                    link = f"{url}{path}{query}"
                    visits = [_visit(browser.new_context(), link) for _ in range(max(runs, 2))]
                    returning = browser.new_context()
                    cached = [_visit(returning, link, close=False) for _ in range(runs + 1)][1:]
                    returning.close()
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


# ---------------------------------------------------------------------------------------------
# The run: databases, workers, report


_BUNDLED = (
    "import sys; from pathlib import Path; from cooptrack.record.seed import build_database; "
    "build_database(Path(sys.argv[1]), Path(sys.argv[2]), force=True)"
)


def prepare_database(
    scale: str, seed: int, data_dir: Path, code: Path
) -> tuple[Path, float | None]:
    """The database of a scale, and how long it took to make (None: reused from the cache).
    Made by the copied code, so that its schema is the one the workers expect."""
    data_dir.mkdir(parents=True, exist_ok=True)
    sizes = SCALES[scale]
    if sizes is None:
        path = data_dir / "small.duckdb"
        command = [sys.executable, "-c", _BUNDLED, str(default_seed_dir().resolve()), str(path)]
    else:
        path = data_dir / f"{scale}-seed{seed}-v{synth.VERSION}.duckdb"
        if path.exists():
            return path, None
        print(f"generating {path.name} …", file=sys.stderr, flush=True)
        meetings, phases, commitments = sizes
        command = [
            sys.executable, "-m", "cooptrack.synth", "--meetings", str(meetings),
            "--phases", str(phases), "--commitments", str(commitments), "--seed", str(seed),
            "--db", str(path), "--force",
        ]  # fmt: skip
    seconds, _ = _timed(
        partial(subprocess.run, command, cwd=code, env=_environment(code, path), check=True)
    )
    return path, seconds


def _counts(db: Path) -> dict[str, int]:
    """Rows per table, read directly (opening a Store here could migrate the file)."""
    counts: dict[str, int] = {}
    with duckdb.connect(str(db), read_only=True) as connection:
        for table in ("meetings", "phases", "commitments", "followups"):
            found = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
            counts[table] = int(found[0]) if found else 0
    return counts


def _run_worker(kind: str, db: Path, args: argparse.Namespace, calls: Path, code: Path) -> Result:
    handle, name = tempfile.mkstemp(prefix="cooptrack-bench-", suffix=".json")
    os.close(handle)
    command = [
        sys.executable,
        "-m",
        "cooptrack.bench",
        "--worker",
        kind,
        "--db",
        str(db),
        "--result",
        name,
        "--runs",
        str(args.runs),
        "--naive-runs",
        str(args.naive_runs),
        "--calls",
        str(calls),
    ]
    for page in args.page or []:
        command += ["--page", page]
    try:
        subprocess.run(command, cwd=code, env=_environment(code, db), check=True)
        loaded: Result = json.loads(Path(name).read_text(encoding="utf-8"))
        return loaded
    finally:
        os.unlink(name)


def measure_scale(scale: str, args: argparse.Namespace, code: Path) -> Result:
    data_dir = Path(args.data_dir)
    saved = data_dir / "results" / f"{scale}-seed{args.seed}.json"
    if args.reuse and saved.exists():
        result: Result = json.loads(saved.read_text(encoding="utf-8"))
        print(f"{scale}: reusing {saved}", file=sys.stderr)
    else:
        db, generated = prepare_database(scale, args.seed, data_dir, code)
        counts = _counts(db)
        result = {
            "scale": scale,
            "seed": args.seed,
            "db": str(db),
            "db_bytes": db.stat().st_size,
            "generated_s": generated,
            "counts": counts,
        }
        print(f"{scale}: dashboard worker", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix="cooptrack-bench-") as folder:
            calls = Path(folder) / "calls.pickle"
            result["dashboard"] = _run_worker("dashboard", db, args, calls, code)
            print(f"{scale}: naive worker", file=sys.stderr, flush=True)
            result["naive"] = _run_worker("naive", db, args, calls, code)
    if args.browser and not result.get("browser"):
        logs = data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        db = Path(result["db"])
        result["browser"] = measure_browser(db, args.browser_runs, logs, code)
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


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
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count:.0f} B"


# The issue sets its targets at a million commitments; smaller scales are shown for reference,
# where fixed costs (a query's planning, Streamlit's own work) weigh more than the data.
TARGET_SCALE = "1m"
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
        "`small` is the bundled record; the others are `cooptrack.synth` databases (seed "
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
        "as *AppTest wall*). *Cold*: `st.cache_data` cleared before each run, so the data "
        "work is measured; *warm*: cached results. *Data calls*: the time the core's data "
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
        "`queries`, `tracking`, `projects`, `profiles`, `export` and `ui.forms` it called, the "
        "sidebar's and its CSV downloads' included) are recorded with their arguments, then "
        "made again: *core* through cooptrack, *naive* through their `naive_*` twins in "
        "`cooptrack.bench`, which read whole tables with `.df()`, filter with pandas masks and "
        "write CSV with `DataFrame.to_csv` (tables read afresh for each page). *Same rows*: "
        "every call gave the same ids in the same order (dates or counts where the core's "
        "order leaves ties open) both ways. Target: naive ÷ core ≥ 5×; naive ÷ the cold "
        "page rerun is shown for reference.",
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
        "`cooptrack.query.export.export_bytes` (what the dashboard's download and `cooptrack export` "
        "run: COPY of the labelled, ordered query to a temporary file, read back) beside "
        "*COPY*: DuckDB `COPY (<the same query>) TO file`, the floor. Target: export ≤ 1.5× "
        "COPY. *Bare COPY* is stricter, for reference: `COPY (SELECT * FROM <kind>_facts WHERE "
        "<filter>)`, with no labels, joins or order, and the export's time beside it; the gap "
        "to it is what labelled columns and a stable order cost.",
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
    ]


NOTES_MARKER = (
    "<!-- Notes: everything below this line is kept when the benchmark rewrites the file. -->"
)


def _kept_notes(output: Path) -> str:
    """The hand-written notes at the end of an earlier report (analysis, proposals), if any."""
    try:
        previous = output.read_text(encoding="utf-8")
    except OSError:
        return "\n" + NOTES_MARKER + "\n"
    at = previous.find(NOTES_MARKER)
    return "\n" + (previous[at:] if at >= 0 else NOTES_MARKER + "\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cooptrack.bench",
        description="Measure the dashboard at several data scales and write a report.",
    )
    parser.add_argument(
        "--scale",
        action="append",
        choices=list(SCALES),
        help="small (bundled), 10k, 100k or 1m commitments; repeat for several",
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    parser.add_argument(
        "--naive-runs", type=int, default=3, help="timed runs of each naive page (default 3)"
    )
    parser.add_argument("--seed", type=int, default=0, help="synthetic data seed (default 0)")
    parser.add_argument(
        "--data-dir",
        default=str(ROOT / ".bench"),
        help="where synthetic databases and results are kept (default .bench/)",
    )
    parser.add_argument(
        "--output",
        default=str(ROOT / "docs" / "benchmarks.md"),
        help="the report to write (default docs/benchmarks.md)",
    )
    parser.add_argument(
        "--browser", action="store_true", help="also time filtered links in headless Chromium"
    )
    parser.add_argument(
        "--browser-runs", type=int, default=3, help="visits per link in the browser (default 3)"
    )
    parser.add_argument(
        "--page", action="append", choices=list(PAGES), help="only these pages (default: all)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a scale's saved results instead of measuring it again",
    )
    parser.add_argument("--worker", choices=("dashboard", "naive"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--calls", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each scale asked for, print the report and write it to `--output`."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.runs < 1 or args.naive_runs < 1 or args.browser_runs < 1:
        parser.error("--runs, --naive-runs and --browser-runs must be at least 1")
    if args.worker:
        return _worker_main(args)
    if not args.scale:
        parser.error("give at least one --scale")
    if args.browser and not CHROMIUM.exists():
        parser.error(f"--browser needs {CHROMIUM} (make browser-deps)")
    scales = list(dict.fromkeys(args.scale))
    code = snapshot_code(Path(args.data_dir))
    try:
        results = [measure_scale(scale, args, code) for scale in scales]
    finally:
        shutil.rmtree(code, ignore_errors=True)
    shown = ["python -m cooptrack.bench", *(f"--scale {s}" for s in scales)]
    if args.browser:
        shown.append("--browser")
    if args.runs != 5:
        shown.append(f"--runs {args.runs}")
    runs = f"{args.runs} runs (naive pages: {args.naive_runs}; browser: {args.browser_runs} visits)"
    report = render(results, " ".join(shown), datetime.now(), runs)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report + _kept_notes(output), encoding="utf-8")
    print(report)
    print(f"wrote {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
