"""Shared fixtures: databases built from checked-in seed files, never from hand-made SQL."""

from __future__ import annotations

import asyncio
import csv
import os
import shutil
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, settings

from cooptrack.db import schema
from cooptrack.db.store import Store
from cooptrack.query import figures
from cooptrack.record.seed import build_database

# How hard the property tests work: "ci" (the default, what `make test` runs), "fuzz"
# (`make fuzz`: at least 1,000 generated inputs per entry point) and "soak" (`make soak`).
# Tests never set max_examples themselves, so one switch scales them all.
_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("ci", max_examples=200, deadline=None, suppress_health_check=_SLOW)
settings.register_profile("fuzz", max_examples=1000, deadline=None, suppress_health_check=_SLOW)
settings.register_profile("soak", max_examples=5000, deadline=None, suppress_health_check=_SLOW)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = ROOT / "data" / "seed"
FIXTURE_SEED_DIR = Path(__file__).parent / "fixtures" / "seed"


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled record, built once per run (tests must not write to it)."""
    path = tmp_path_factory.mktemp("bundled") / "cooptrack.duckdb"
    build_database(SEED_DIR, path)
    return path


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small database from tests/fixtures/seed, whose extracts are compared whole."""
    path = tmp_path_factory.mktemp("fixture") / "fixture.duckdb"
    build_database(FIXTURE_SEED_DIR, path)
    return path


@pytest.fixture
def store(bundled_db: Path) -> Iterator[Store]:
    with Store.open(bundled_db) as opened:
        yield opened


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled seed, for tests that break it on purpose."""
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target)
    return target


def in_a_thread_of_its_own(work: Coroutine[Any, Any, None]) -> None:
    """`asyncio.run` where no event loop runs: the browser tests' Playwright keeps one
    running in the test thread."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, work).result()


def seed_count(table: str, seed: Path = SEED_DIR) -> int:
    """How many rows a seed file holds: what a test of the bundled record expects, read from
    the checked-in data rather than written into the test."""
    with (seed / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


@pytest.fixture(autouse=True)
def _settings_restored() -> Iterator[None]:
    """Every test starts from the COOPTRACK_* settings the run started with: an in-process
    `cooptrack serve --viewer` sets them for the server it would start, and a later test in
    the same process must not find itself a viewer of some other test's snapshots."""
    before = {k: v for k, v in os.environ.items() if k.startswith("COOPTRACK_")}
    yield
    for key in [k for k in os.environ if k.startswith("COOPTRACK_")]:
        if key not in before:
            del os.environ[key]
    os.environ.update(before)


def busier(bundled_db: Path, folder: Path, kind: str, extra: int) -> Path:
    """A copy of the bundled record with `extra` UNFCCC meetings of `kind`, newer than all
    others (derived facts rebuilt)."""
    path = folder / "busier.duckdb"
    shutil.copyfile(bundled_db, path)
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            """INSERT INTO meetings SELECT m.* REPLACE (
                   m.id || '-extra-' || i AS id, $kind AS kind, NULL AS series, NULL AS ordinal,
                   DATE '2031-01-01' + CAST(i AS INTEGER) AS start_date, 'day' AS start_precision,
                   NULL AS end_date, NULL AS end_precision)
               FROM meetings m, range($extra) r(i) WHERE m.id = 'wgecc-10'""",
            {"kind": kind, "extra": extra},
        )
        schema.rebuild_facts(connection)
    return path


def timeline_lane_ys(figure: Any) -> list[float]:
    """A timeline figure's lanes, by the y each is drawn at: half a lane under its name (a split
    kind's lane's name, or an unsplit kind's heading; a split kind's heading sits a heading's
    height over its first lane's name)."""
    names = [a for a in figure.layout.annotations if a.xref == "paper" and a.xshift]
    parts = [a.y for a in names if a.font.size == figures.PART_FONT_PX]
    ys = []
    for a in names:
        over_a_part = any(abs(a.y - figures.HEADING_AT - y) < 1e-6 for y in parts)
        if a.font.size == figures.PART_FONT_PX or not over_a_part:
            ys.append(round(a.y - figures.LANE_NAME_AT, 6))
    return sorted(ys)


def lane_of(y: float, lane_ys: list[float]) -> float:
    """The lane a marker or label is drawn for: the nearest lane's y (markers stacked apart
    sit a dodge off it, labels a label row)."""
    return min(lane_ys, key=lambda lane_y: abs(lane_y - y))
