"""Synthetic databases: deterministic per seed, valid under every CHECK, usable by every page
query, with the shape of the real record (skewed frequencies, mixed precision and statuses)."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, SEED_DIR

from benchmarks import synth
from cooptrack import cli
from cooptrack.db import schema
from cooptrack.db.schema import KINDS, Kind
from cooptrack.db.store import Store
from cooptrack.query import commitments as commitment_queries
from cooptrack.query import meetings as meeting_queries
from cooptrack.query import phases as phase_queries
from cooptrack.query import profiles
from cooptrack.query.export import export_bytes
from cooptrack.query.filters import Filters
from cooptrack.record.seed import load_seed
from cooptrack.reference import CENTRAL_ASIA, all_countries

MEETINGS, PHASES, COMMITMENTS = 200, 20, 2000
TODAY = date(2026, 11, 28)
TYPICAL = Filters(countries=("KZ",), conventions=("UNFCCC",))
SYNTHETIC_TABLES = ("meetings", "projects", "phases", "commitments", "followups")


def make(path: Path, seed: int) -> None:
    synth.generate(path, MEETINGS, PHASES, COMMITMENTS, seed)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "seed0.duckdb"
    make(path, seed=0)
    return path


@pytest.fixture
def connection(synthetic: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(synthetic), read_only=True) as opened:
        yield opened


def exports(path: Path, folder: Path) -> dict[Kind, bytes]:
    """The three extracts as `cooptrack export` writes them."""
    files = {}
    for kind in KINDS:
        target = folder / f"{path.stem}-{kind}.csv"
        assert cli.main(["export", kind, "--db", str(path), "-o", str(target)]) == 0
        files[kind] = target.read_bytes()
    return files


def scalar(connection: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = connection.execute(sql).fetchone()
    assert row is not None
    return row[0]


def test_the_same_seed_gives_byte_identical_exports(synthetic: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.duckdb"
    make(again, seed=0)
    first, second = exports(synthetic, tmp_path), exports(again, tmp_path)
    assert first == second
    assert all(len(payload.splitlines()) > 10 for payload in first.values())


def test_another_seed_gives_other_data(synthetic: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    make(other, seed=1)
    first, second = exports(synthetic, tmp_path), exports(other, tmp_path)
    assert all(first[kind] != second[kind] for kind in KINDS)


def test_counts_are_what_was_asked(synthetic: Path) -> None:
    with Store.open(synthetic) as store:
        counts = meeting_queries.dataset_info(store).counts
    assert counts["meetings"] == MEETINGS
    assert counts["phases"] == PHASES
    assert counts["commitments"] == COMMITMENTS
    assert 0 < counts["followups"] <= 3 * COMMITMENTS


def test_reference_data_is_the_bundled_one(connection: duckdb.DuckDBPyConnection) -> None:
    seed = load_seed(SEED_DIR)
    assert scalar(connection, "SELECT count(*) FROM countries") == len(all_countries())
    for table in ("conventions", "topics", "organisations", "convention_parties"):
        assert scalar(connection, f"SELECT count(*) FROM {table}") == len(seed.tables[table])
    assert scalar(connection, "SELECT count(*) FROM countries WHERE tracked") == 5


def test_every_row_passes_the_schemas_checks_again(synthetic: Path, tmp_path: Path) -> None:
    """Copy every row into a freshly created schema: any CHECK, key or NOT NULL fails."""
    with duckdb.connect(str(tmp_path / "fresh.duckdb")) as fresh:
        schema.create(fresh)
        fresh.execute(f"ATTACH '{synthetic}' AS synthetic (READ_ONLY)")
        for table in (
            "countries",
            "conventions",
            "convention_parties",
            "organisations",
            "topics",
            *SYNTHETIC_TABLES,
        ):
            fresh.execute(f"INSERT INTO {table} SELECT * FROM synthetic.{table}")


def test_records_hold_together_like_loaded_ones(connection: duckdb.DuckDBPyConnection) -> None:
    """What the seed loader checks row by row: references resolve, dates in order, sources."""
    problems = {
        "unknown country": """SELECT count(*) FROM (
            SELECT unnest(countries) AS code FROM meetings UNION ALL
            SELECT host_country FROM meetings WHERE host_country IS NOT NULL UNION ALL
            SELECT unnest(countries) FROM phases UNION ALL
            SELECT unnest(countries) FROM commitments UNION ALL
            SELECT unnest(made_by_countries) FROM commitments)
            WHERE code NOT IN (SELECT code FROM countries)""",
        "unknown convention": """SELECT count(*) FROM (
            SELECT unnest(conventions) AS code FROM meetings UNION ALL
            SELECT unnest(conventions) FROM phases UNION ALL
            SELECT unnest(conventions) FROM commitments)
            WHERE code NOT IN (SELECT code FROM conventions)""",
        "unknown topic": """SELECT count(*) FROM (
            SELECT unnest(topics) AS id FROM meetings UNION ALL
            SELECT unnest(topics) FROM phases UNION ALL
            SELECT unnest(topics) FROM commitments)
            WHERE id NOT IN (SELECT id FROM topics)""",
        "unknown organisation": """SELECT count(*) FROM (
            SELECT unnest(chair_organisations) AS id FROM meetings UNION ALL
            SELECT unnest(organisers) FROM meetings UNION ALL
            SELECT unnest(implementers) FROM phases UNION ALL
            SELECT donor FROM projects WHERE donor IS NOT NULL UNION ALL
            SELECT unnest(made_by_organisations) FROM commitments)
            WHERE id NOT IN (SELECT id FROM organisations)""",
        "unknown meeting": """SELECT count(*) FROM (
            SELECT meeting AS id FROM commitments UNION ALL SELECT ahead_of FROM commitments
            UNION ALL SELECT fulfilled_by FROM commitments
            UNION ALL SELECT evidence_meeting FROM followups)
            WHERE id IS NOT NULL AND id NOT IN (SELECT id FROM meetings)""",
        "unknown project or commitment": """SELECT
            (SELECT count(*) FROM phases WHERE project NOT IN (SELECT id FROM projects))
            + (SELECT count(*) FROM followups
               WHERE commitment NOT IN (SELECT id FROM commitments))""",
        "nobody made it": """SELECT count(*) FROM commitments
            WHERE len(made_by_organisations) + len(made_by_countries) = 0""",
        "made on a day other than its meeting's": """SELECT count(*) FROM commitments c
            JOIN meetings m ON m.id = c.meeting
            WHERE (c.made_on, c.made_on_precision) <> (m.start_date, m.start_precision)""",
        "ends before it starts": """SELECT
            (SELECT count(*) FROM phases WHERE planned_end < planned_start
                OR actual_end < actual_start)
            + (SELECT count(*) FROM commitments WHERE due_date < made_on)""",
        "looks ahead to an earlier meeting": """SELECT count(*) FROM commitments c
            JOIN meetings m ON m.id = c.ahead_of WHERE m.start_date <= c.made_on""",
        "not a run of follow-ups 1..n": """SELECT count(*) FROM (
            SELECT commitment FROM followups GROUP BY commitment
            HAVING max(seq) <> count(*) OR min(seq) <> 1 OR count(*) > 3)""",
        "a follow-up after the record's day": """SELECT count(*) FROM followups
            WHERE on_date > (SELECT CAST(value AS DATE) FROM schema_meta
                             WHERE key = 'data_as_of')""",
        "a precision that is not day, month or year": """SELECT count(*) FROM (
            SELECT made_on_precision AS p FROM commitments UNION ALL
            SELECT due_precision FROM commitments UNION ALL
            SELECT on_precision FROM followups UNION ALL
            SELECT planned_start_precision FROM phases UNION ALL
            SELECT planned_end_precision FROM phases UNION ALL
            SELECT actual_start_precision FROM phases UNION ALL
            SELECT actual_end_precision FROM phases)
            WHERE p IS NOT NULL AND p NOT IN ('day', 'month', 'year')""",
        "a month or year not stored as its first day": """SELECT count(*) FROM (
            SELECT start_date AS d, start_precision AS p FROM meetings UNION ALL
            SELECT made_on, made_on_precision FROM commitments UNION ALL
            SELECT due_date, due_precision FROM commitments UNION ALL
            SELECT on_date, on_precision FROM followups UNION ALL
            SELECT actual_start, actual_start_precision FROM phases)
            WHERE (p = 'month' AND day(d) <> 1)
               OR (p = 'year' AND (month(d), day(d)) <> (1, 1))""",
        "a date outside 2005–2035": """SELECT count(*) FROM (
            SELECT start_date AS d FROM meetings UNION ALL SELECT end_date FROM meetings
            UNION ALL SELECT made_on FROM commitments UNION ALL SELECT due_date FROM commitments
            UNION ALL SELECT planned_start FROM phases UNION ALL SELECT actual_end FROM phases)
            WHERE d < DATE '2005-01-01' OR d > DATE '2035-12-31'""",
    }
    found = {name: scalar(connection, sql) for name, sql in problems.items()}
    assert found == dict.fromkeys(problems, 0)


def test_every_synthetic_record_is_sourced_and_graded_low(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    for table in ("meetings", "phases", "commitments"):
        wrong = scalar(
            connection,
            f"""SELECT count(*) FROM {table} WHERE confidence <> 'L'
                OR sources <> ['{synth.SOURCE_PREFIX}' || id]""",
        )
        assert wrong == 0, table
    assert (
        scalar(
            connection,
            f"""SELECT count(*) FROM followups
            WHERE sources <> ['{synth.SOURCE_PREFIX}' || commitment || '/' || seq]""",
        )
        == 0
    )


def test_links_are_multi_valued_within_their_ranges(connection: duckdb.DuckDBPyConnection) -> None:
    for table in ("meetings", "phases", "commitments"):
        lengths = connection.execute(
            f"""SELECT min(len(countries)), max(len(countries)), min(len(conventions)),
                    max(len(conventions)), min(len(topics)), max(len(topics))
                FROM {table}"""
        ).fetchone()
        assert lengths is not None
        low = (1, 0, 1)
        high = (5, 3, 4)
        assert lengths[0::2] == low and all(
            n <= most for n, most in zip(lengths[1::2], high, strict=True)
        ), table
        if table != "phases":  # only 20 of them: not every length need occur
            assert lengths[1::2] == high, table
    per_commitment = connection.execute(
        """SELECT n, count(*) FROM (
               SELECT c.id, count(f.seq) AS n FROM commitments c
               LEFT JOIN followups f ON f.commitment = c.id GROUP BY c.id)
           GROUP BY n ORDER BY n"""
    ).fetchall()
    assert [n for n, _ in per_commitment] == [0, 1, 2, 3]


def test_shape_mixes_precisions_statuses_kinds_and_links(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    precisions = dict(
        connection.execute("SELECT start_precision, count(*) FROM meetings GROUP BY 1").fetchall()
    )
    assert precisions["day"] > precisions["month"] > precisions["year"] > 0
    statuses = {
        row[0] for row in connection.execute("SELECT DISTINCT status FROM commitments").fetchall()
    }
    assert statuses == set(schema.COMMITMENT_STATUSES)
    kinds = {row[0] for row in connection.execute("SELECT DISTINCT kind FROM meetings").fetchall()}
    assert kinds == set(schema.MEETING_KINDS)
    linked = connection.execute(
        "SELECT count(meeting), count(ahead_of), count(fulfilled_by), count(due_date) "
        "FROM commitments"
    ).fetchone()
    assert linked is not None and all(count > 0 for count in linked)
    assert scalar(connection, "SELECT count(*) FROM projects") == math.ceil(PHASES / 3)
    years = connection.execute("SELECT min(year(start_date)), max(year(start_date)) FROM meetings")
    first, last = years.fetchone() or (0, 0)
    assert first <= 2006 and last >= 2034


def test_frequencies_are_skewed_like_the_record(connection: duckdb.DuckDBPyConnection) -> None:
    for view in ("meeting_facts", "commitment_facts"):
        top = connection.execute(
            f"""SELECT code FROM (SELECT unnest(match_countries) AS code FROM {view})
                GROUP BY code ORDER BY count(*) DESC, code LIMIT 5"""
        ).fetchall()
        assert {code for (code,) in top} == set(CENTRAL_ASIA), view
    ranked = connection.execute(
        """SELECT t FROM (SELECT unnest(topics) AS t FROM commitments)
           GROUP BY t ORDER BY count(*) DESC LIMIT 1"""
    ).fetchone()
    assert ranked == ("climate",)
    shares = connection.execute(
        """SELECT c, count(*) FROM (SELECT unnest(conventions) AS c FROM commitments)
           GROUP BY c ORDER BY count(*) DESC"""
    ).fetchall()
    assert shares[0][0] == "UNFCCC" and shares[0][1] > 3 * shares[-1][1]


def test_every_page_query_works_on_it(synthetic: Path) -> None:
    with Store.open(synthetic) as store:
        for filters in (Filters(), TYPICAL):
            counts = meeting_queries.overview_counts(store, filters, TODAY)
            assert counts.commitments_total > 0 and counts.meetings_held > 0
            meetings = meeting_queries.meetings_frame(store, filters)
            assert not meetings.empty
            detail = meeting_queries.meeting_detail(store, str(meetings.id.iloc[-1]))
            assert detail is not None
            meeting_queries.upcoming_meetings(store, filters, TODAY)
            assert not commitment_queries.recent_followups(store, filters).empty
            assert not phase_queries.phases_frame(store, Filters()).empty
            assert not commitment_queries.commitments_frame(store, filters, TODAY).empty
            assert not commitment_queries.commitments_frame(
                store, filters, TODAY, overdue_only=True
            ).empty
            for dimension in ("conventions", "countries"):
                assert not commitment_queries.status_by(store, filters, dimension).empty
            country = profiles.country_profile(store, "KZ", filters, TODAY)
            assert not country.commitments.empty and not country.parties.empty
            convention = profiles.convention_profile(store, "UNFCCC", filters, TODAY)
            assert convention is not None and not convention.cops.empty
            for kind in KINDS:
                assert export_bytes(store, kind, filters).count(b"\n") > 1
        assert [code for code, _ in profiles.tracked_countries(store)][:2] == ["KZ", "KG"]


def test_main_writes_refuses_to_overwrite_and_forces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "cli.duckdb"
    argv = ["--meetings", "5", "--phases", "2", "--commitments", "20", "--db", str(target)]
    assert synth.main(argv) == 0
    written = target.stat().st_mtime_ns
    assert synth.main(argv) == 2
    assert "already exists" in capsys.readouterr().err
    assert target.stat().st_mtime_ns == written
    assert synth.main([*argv, "--force", "--seed", "3"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["cli.duckdb"]


def test_it_runs_as_a_module(tmp_path: Path) -> None:
    target = tmp_path / "module.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.synth", "--meetings", "3", "--phases", "0",
         "--commitments", "5", "--db", str(target)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "3 meetings" in done.stderr and "5 commitments" in done.stderr
    with Store.open(target) as store:
        assert meeting_queries.dataset_info(store).counts["phases"] == 0
