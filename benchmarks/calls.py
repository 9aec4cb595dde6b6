"""What the pages ask of the core: recorded during a cold AppTest run, then replayed.

Every public function of the data modules that takes the store first is wrapped; a call made
while no other wrapped call runs (the outermost) is recorded with its bound arguments, its time
and a canonical form of its result (`canon`), so that its naive twin (`benchmarks.naive`) can be
checked against it. `core_call` makes one such call directly, for the tests.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple, dataclass, field
from typing import Any

import pandas as pd

from cooptrack.db.store import Store

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


def _arguments(function: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Every argument of a call but the store, defaults included (what its twin is given)."""
    bound = inspect.signature(function).bind(*args, **kwargs)
    bound.apply_defaults()
    return {k: v for k, v in bound.arguments.items() if k != "store"}


def core_call(store: Store, name: str, **arguments: Any) -> Call:
    """Call the core's `name` (as in TWINS) and record it as a page's call would be."""
    function = RECORDER.originals.get(name) or data_functions()[name]
    seconds, result = timed(functools.partial(function, store, **arguments))
    return Call(name, _arguments(function, store, **arguments), seconds, canon(name, result))


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def _recording(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
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
            arguments = _arguments(original, *args, **kwargs)
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
        if module_name.startswith("cooptrack") and module:
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


def text(values: Iterable[Any]) -> list[str]:
    return [str(v) for v in values]


def _commitment_counts(counted: Any) -> list[str]:
    """Total, overdue, then the calendar's events and left-out dates."""
    calendar = counted.in_calendar
    return text([counted.total, counted.overdue, calendar.events, calendar.left_out])


def days(values: Iterable[Any]) -> list[str]:
    return [str(pd.Timestamp(v).date()) if not pd.isna(v) else "" for v in values]


def csv_lines(payload: bytes) -> list[str]:
    """A CSV file's lines, header first: files compare whole, byte for byte (a binary file
    compares too, its undecodable bytes as replacement characters)."""
    return payload.decode("utf-8", errors="replace").split("\n")


def _ids(frame: pd.DataFrame) -> list[str]:
    return text(frame.id)


def _profile_canon(profile: Any) -> list[str]:
    if profile is None:
        return []
    parts: list[str] = []
    for name in ("parties", "cops", "meetings", "commitments"):
        frame = getattr(profile, name, None)
        if isinstance(frame, pd.DataFrame):
            column = next(c for c in ("id", "convention", "country") if c in frame.columns)
            parts += [f"{name}:{v}" for v in frame[column]]
    for name in ("meetings_total", "hosted_total", "commitments_total", "cops_total"):
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
    "meetings.per_year": lambda f: [
        f"{y}|{w}|{k}|{n}" for y, w, k, n in zip(f.year, f.what, f.key, f["count"], strict=True)
    ],
    "meetings.vocabulary": lambda v: [*v.conventions, *v.topics, *v.organisations],
    "profiles.tracked_countries": lambda found: [code for code, _ in found],
    "meetings.dataset_info": lambda info: [f"{k}={n}" for k, n in info.counts.items()],
    "meetings.overview_counts": lambda counts: text(astuple(counts)),
    "meetings.meetings_frame": _ids,
    "meetings.upcoming_meetings": lambda frame: days(frame.alive_from),
    "meetings.meeting_detail": _detail_canon,
    "meetings.meeting_density": lambda f: [
        f"{d}|{k}|{n}" for d, k, n in zip(days(f.quarter), f.kind, f.meetings, strict=True)
    ],
    "commitments.recent_followups": lambda frame: text(frame.when),
    "commitments.status_by": lambda f: [
        f"{a}|{b}|{n}" for a, b, n in zip(f.label, f.status, f.commitments, strict=True)
    ],
    "phases.phases_frame": _ids,
    "commitments.commitments_frame": _ids,
    "commitments.count_commitments": _commitment_counts,
    "profiles.country_profile": _profile_canon,
    "profiles.convention_profile": _profile_canon,
}


def canon(name: str, result: Any) -> list[str]:
    """A result as comparable text rows (CSV: its lines; unknown kinds: a summary)."""
    if name in CANON:
        return CANON[name](result)
    if isinstance(result, bytes):
        return csv_lines(result)
    if isinstance(result, int | str):
        return [str(result)]
    if isinstance(result, pd.DataFrame):
        return _ids(result) if "id" in result.columns else [f"{len(result)} rows"]
    return [type(result).__name__]
