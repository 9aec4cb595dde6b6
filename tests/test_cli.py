"""The command line as users run it: init, export, and every bad input they can give."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import seed_count
from hypothesis import given
from hypothesis import strategies as st
from test_files import device_node

from cooptrack.cli import main
from cooptrack.db import schema
from cooptrack.query.export import cell_sql, neutralise, plain_cell

OPTIONS = ("country", "convention", "topic", "organisation", "from", "to", "search", "db")

MEETINGS_CSV = '''\
id,title,short_title,kind,series,ordinal,start_date,end_date,tentative,city,host_country,format,status,chairs,countries,conventions,topics,organisations,chair_organisations,organisers,summary,confidence,sources,title_ru,short_title_ru,summary_ru,series_ru
m-b,Beta conference,Beta,high-level-conference,,,2009-11,,false,Rome,Italy,,held,,Kazakhstan,,"Water, rivers and lakes",European Union,,European Union,,M,https://example.org/b; https://example.org/b2,,,,
m-a,"Alpha meeting, with ""quotes""",Alpha,wgecc-meeting,WGECC,1,2018-06-07,2018-06-08,false,Tashkent,Uzbekistan,in-person,held,Jane Doe (European Commission),Kazakhstan; Uzbekistan,CBD; UNFCCC,"Climate change; Water, rivers and lakes",European Commission,European Commission,,"Two lines
of summary.",H,https://example.org/a,,,,
m-c,Gamma COP,Gamma COP,cop,UNFCCC COP,26,2031,,true,,,,planned,,,UNFCCC,Climate change,,,,Date not fixed.,L,https://example.org/c,,,,
'''  # noqa: E501

PHASES_CSV = """\
id,project,phase,title,implementers,planned_start,planned_end,actual_start,actual_end,budget,currency,countries,conventions,topics,summary,confidence,sources,title_ru,summary_ru
p-1,Project P,1,P one,Government of Kazakhstan,,,2016-08,2019-02,1000.50,EUR,Kazakhstan; Uzbekistan,CBD,"Water, rivers and lakes",,H,https://example.org/p1,,
p-2,Project P,2,P two,,2019-10,2022-10,2019-10,2023-04-14,,,Uzbekistan,UNFCCC,Climate change,Closed late.,H,https://example.org/p2,,
"""  # noqa: E501

COMMITMENTS_CSV = '''\
id,text,made_by,meeting,made_on,countries,conventions,topics,due_date,due,ahead_of,latest_followup_on,latest_followup,overdue,status,fulfilled_by,confidence,sources,text_ru
c-1,"Hold a session, with experts",European Commission; Kazakhstan,"Alpha meeting, with ""quotes""",2018-06-07,Uzbekistan,CBD,"Water, rivers and lakes",2019,2019,,2019-03,Session held.,false,fulfilled,Beta conference,H,https://example.org/c1,
c-2,Agree common views,European Union,"Alpha meeting, with ""quotes""",2018-06-08,Kazakhstan,UNFCCC,Climate change,,before 2031 (Gamma COP),Gamma COP,,,false,agreed,,M,https://example.org/c2,
'''  # noqa: E501


def run(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsysbinary.readouterr()
    return code, out.decode("utf-8"), err.decode("utf-8")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("meetings", MEETINGS_CSV), ("phases", PHASES_CSV), ("commitments", COMMITMENTS_CSV)],
)
def test_extracts_are_compared_whole(
    capsysbinary: pytest.CaptureFixture[bytes], fixture_db: Path, kind: str, expected: str
) -> None:
    args = ("export", kind, "--today", "2026-11-28", "--db", str(fixture_db))
    code, out, err = run(capsysbinary, *args)
    assert code == 0, err
    assert out == expected


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["meetings", "--country", "IT"], ["m-b"]),
        (["meetings", "--country", "kaz", "--country", "ITA"], ["m-b", "m-a"]),
        (["meetings", "--country", "Kazakhstan", "--convention", "cbd"], ["m-a"]),
        (["meetings", "--from", "2018-06-08", "--to", "2018-06-08"], ["m-a"]),
        (["meetings", "--from", "2009-11-30", "--to", "2009-11-30"], ["m-b"]),
        (["meetings", "--from", "2031-12"], ["m-c"]),
        (["meetings", "--search", "SUMMARY two"], ["m-a"]),
        (["meetings", "--organisation", "eu"], ["m-b", "m-a"]),
        (
            ["meetings", "--topic", "water", "--topic", "climate", "--convention", "UNFCCC"],
            ["m-a", "m-c"],
        ),
        (["phases", "--from", "2018", "--to", "2018"], ["p-1"]),
        (["phases", "--from", "2023-04-14"], ["p-2"]),
        (["phases", "--from", "2023-04-15"], []),
        (["phases", "--organisation", "European Union"], ["p-1", "p-2"]),
        (["commitments", "--country", "KZ"], ["c-1", "c-2"]),
        (["commitments", "--country", "UZ", "--convention", "UNFCCC"], []),
        (["commitments", "--from", "2020"], ["c-2"]),
        (["commitments", "--search", "experts"], ["c-1"]),
    ],
)
def test_filters_pick_the_right_rows(
    capsysbinary: pytest.CaptureFixture[bytes], fixture_db: Path, args: list[str], ids: list[str]
) -> None:
    code, out, err = run(capsysbinary, "export", *args, "--db", str(fixture_db))
    assert code == 0, err
    assert [row["id"] for row in csv.DictReader(io.StringIO(out))] == ids


def test_output_file_holds_the_same_bytes_as_stdout(
    capsysbinary: pytest.CaptureFixture[bytes], fixture_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "m.csv"
    code, _, err = run(
        capsysbinary, "export", "meetings", "--db", str(fixture_db), "-o", str(target)
    )
    assert code == 0
    assert target.read_text(encoding="utf-8") == MEETINGS_CSV
    assert "wrote 3 meetings" in err


def test_db_option_beats_environment_beats_default(
    capsysbinary: pytest.CaptureFixture[bytes],
    fixture_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPTRACK_DB", str(fixture_db))
    code, out, _ = run(capsysbinary, "export", "phases")
    assert (code, out) == (0, PHASES_CSV)
    code, _, err = run(capsysbinary, "export", "phases", "--db", str(tmp_path / "other.duckdb"))
    assert code == 2 and "other.duckdb" in err
    monkeypatch.delenv("COOPTRACK_DB")
    code, _, err = run(capsysbinary, "export", "phases")
    assert code == 2 and "no database at data/cooptrack.duckdb" in err


BAD_INPUTS = [
    (["--country", "Narnia"], "unknown country 'Narnia'"),
    *[([f"--{name}=--"], f"--{name} needs a value; '--' is not one") for name in OPTIONS],
    *[([f"--{name}", "  "], f"--{name} is empty") for name in OPTIONS if name != "db"],
    (["--from", "２０２１"], "'２０２１' is not a date"),
    (["--to", "\u0662\u0660\u0662\u0661"], "is not a date"),
    (["--country", "CA5"], "'Central Asia' or XCA for the five"),
    (["--country", "K\x00Z"], "argument 4 (after --country) holds a control character"),
    (["--search", "green\ndeal"], "holds a control character"),
    (["--topic", "\x1b[31mred"], "holds a control character"),
    (["--country=" + "K" * 1_000_000], "the value of --country is 1,000,010 characters long"),
    (["--country", "K" * 1000], "a country value is 1,000 characters long; the limit is 100"),
    (["--convention", "CBD\udcff"], "is not valid UTF-8 text"),
    (["--search", " ".join(f"w{i}" for i in range(3000))], "is 16,889 characters long"),
    (["--search", " ".join(f"w{i}" for i in range(21))], "21 different words; the limit is 20"),
    (["--search", "x " * 101], "the search is 202 characters long; the limit is 200"),
    (["--country", "KZ"] * 51, "51 country values; the limit is 50"),
    (["--from"], "argument --from: expected one argument (see: cooptrack export --help)"),
    (["--colour", "red"], "unrecognized arguments: --colour red"),
    (["--convention", "NO-SUCH-TREATY"], "unknown convention 'NO-SUCH-TREATY'; known: AARHUS"),
    (["--topic", "astrology"], "unknown topic 'astrology'"),
    (["--organisation", "nato"], "unknown organisation 'nato'"),
    (["--from", "2021-02-30"], "'2021-02-30' does not exist: February 2021 has 28 days"),
    (["--to", "31/12/2021"], "'31/12/2021' is not a date"),
    (["--from", "2022", "--to", "2021"], "--from 2022 is after --to 2021"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS, ids=lambda v: repr(v)[:40])
def test_bad_filter_values_get_one_line_and_status_2(
    capsysbinary: pytest.CaptureFixture[bytes],
    bundled_db: Path,
    tmp_path: Path,
    args: list[str],
    message: str,
) -> None:
    target = tmp_path / "never.csv"
    code, out, err = run(
        capsysbinary, "export", "meetings", *args, "--db", str(bundled_db), "-o", str(target)
    )
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("cooptrack: error: ")
    assert message in err
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_init_builds_into_an_empty_folder_and_refuses_to_overwrite(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    target = tmp_path / "new" / "record.duckdb"
    code, _, err = run(capsysbinary, "init", "--db", str(target))
    assert code == 0 and target.exists()
    for table in ("meetings", "phases", "commitments"):
        assert f"{seed_count(table)} {table}" in err
    before = target.read_bytes()
    code, _, err = run(capsysbinary, "init", "--db", str(target))
    assert code == 2 and "already exists; add --force" in err
    assert target.read_bytes() == before
    code, _, _ = run(capsysbinary, "init", "--db", str(target), "--force")
    assert code == 0


def test_a_file_that_is_not_a_database_is_named(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    fake = tmp_path / "notes.duckdb"
    fake.write_text("meeting notes, not a database\n" * 100)
    code, _, err = run(capsysbinary, "export", "meetings", "--db", str(fake))
    assert code == 2
    assert f"{fake} is not a DuckDB database file" in err
    assert fake.read_text().startswith("meeting notes")


def test_the_installed_console_script_runs_without_traceback(
    tmp_path: Path, bundled_db: Path
) -> None:
    script = Path(sys.executable).parent / "cooptrack"
    ok = subprocess.run(
        [script, "export", "phases", "--db", str(bundled_db), "--from", "2018", "--to", "2018"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0
    ids = {r["id"] for r in csv.DictReader(io.StringIO(ok.stdout))}
    # WECOOP2 ran Aug 2016 - Feb 2019; phase 1 ended in 2014 and phase 3 began in Oct 2019
    assert "wecoop-2" in ids and not ids & {"wecoop-1", "wecoop-3"}
    bad = subprocess.run(
        [script, "export", "phases", "--db", str(tmp_path / "missing.duckdb")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1


def test_a_database_held_open_for_writing_gets_a_clear_message(
    tmp_path: Path, bundled_db: Path
) -> None:
    writable = tmp_path / "held.duckdb"
    writable.write_bytes(bundled_db.read_bytes())
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True);"
            " time.sleep(60)",
            str(writable),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        script = Path(sys.executable).parent / "cooptrack"
        result = subprocess.run(
            [script, "export", "meetings", "--db", str(writable)],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "COOPTRACK_DB": ""},
        )
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2
    assert "is open for writing in another process" in result.stderr
    assert f"(process {holder.pid})" in result.stderr
    assert "Traceback" not in result.stderr


def test_blank_db_and_output_options_are_named(
    capsysbinary: pytest.CaptureFixture[bytes], fixture_db: Path
) -> None:
    code, _, err = run(capsysbinary, "export", "meetings", "--db", " ")
    assert (code, err) == (
        2,
        "cooptrack: error: --db is empty; give a value or leave the option out\n",
    )
    code, out, err = run(capsysbinary, "export", "meetings", "--db", str(fixture_db), "-o", "")
    assert (code, out) == (2, "") and "-o/--output is empty" in err


def test_usage_errors_and_help_never_raise(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, err = run(capsysbinary, "export")
    assert code == 2 and err.count("\n") == 1
    assert "the following arguments are required: kind" in err
    code, out, _ = run(capsysbinary, "export", "--help")
    assert code == 0 and "--country X" in out
    code, _, err = run(capsysbinary, "--version")
    assert code == 0


def test_canada_and_central_asia_are_different_filters(
    capsysbinary: pytest.CaptureFixture[bytes], bundled_db: Path
) -> None:
    def rows(*args: str) -> list[dict[str, str]]:
        code, out, err = run(capsysbinary, "export", "meetings", *args, "--db", str(bundled_db))
        assert code == 0, err
        return list(csv.DictReader(io.StringIO(out)))

    every = rows()
    five = {"Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"}

    def concern(row: dict[str, str], names: set[str]) -> bool:
        return bool(names & {row["host_country"], *row["countries"].split("; ")})

    canada = [r["id"] for r in every if concern(r, {"Canada"})]
    central_asia = [r["id"] for r in every if concern(r, five)]
    assert canada and central_asia != canada
    assert [r["id"] for r in rows("--country", "CA")] == canada
    assert [r["id"] for r in rows("--country", "ca")] == canada
    for name in ("XCA", "xca", "Central Asia", "CENTRAL ASIA"):
        assert [r["id"] for r in rows("--country", name)] == central_asia


def test_a_search_at_the_limit_is_fast_and_one_past_it_is_refused(
    capsysbinary: pytest.CaptureFixture[bytes], bundled_db: Path
) -> None:
    twenty = [
        *("the", "of", "and", "in", "to", "on", "eu", "central", "asia", "water"),
        *("climate", "environment", "cooperation", "meeting", "conference", "change"),
        *("working", "group", "high", "level"),
    ]
    started = time.perf_counter()
    code, _, err = run(
        capsysbinary, "export", "commitments", "--search", " ".join(twenty), "--db", str(bundled_db)
    )
    assert code == 0, err
    code, _, err = run(
        capsysbinary,
        "export",
        "commitments",
        "--search",
        " ".join(f"word{i}" for i in range(3000)),
        "--db",
        str(bundled_db),
    )
    assert code == 2 and "the limit is 4,096" in err
    assert time.perf_counter() - started < 5  # 3,000 words took 26 s and 5 GB before


@pytest.fixture
def device(tmp_path: Path) -> Path:
    return device_node(tmp_path)


def refused_outputs(tmp_path: Path, device: Path) -> dict[str, tuple[Path, str]]:
    folder = tmp_path / "folder"
    folder.mkdir()
    regular = tmp_path / "notes.txt"
    regular.write_text("keep")
    link = tmp_path / "link.csv"
    link.symlink_to(regular)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    return {
        "folder": (folder, "is a folder"),
        "link": (link, "is a symbolic link"),
        "fifo": (fifo, "is a named pipe"),
        "device": (device, "is a device"),
        "under a file": (regular / "x.csv", "a part of the path is a file"),
    }


@pytest.mark.parametrize("case", ["folder", "link", "fifo", "device", "under a file"])
def test_output_onto_anything_but_a_regular_file_is_refused(
    capsysbinary: pytest.CaptureFixture[bytes],
    fixture_db: Path,
    tmp_path: Path,
    device: Path,
    case: str,
) -> None:
    path, message = refused_outputs(tmp_path, device)[case]
    before = {p.name: os.lstat(p).st_mode for p in tmp_path.iterdir()}
    code, out, err = run(
        capsysbinary, "export", "meetings", "--db", str(fixture_db), "-o", str(path)
    )
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert {p.name: os.lstat(p).st_mode for p in tmp_path.iterdir()} == before
    assert (tmp_path / "notes.txt").read_text() == "keep"


def test_output_onto_the_database_itself_is_refused(
    capsysbinary: pytest.CaptureFixture[bytes], fixture_db: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(fixture_db.read_bytes())
    (tmp_path / "hard.duckdb").hardlink_to(copy)
    before = copy.read_bytes()
    for output in (copy, tmp_path / "hard.duckdb"):
        code, _, err = run(capsysbinary, "export", "meetings", "--db", str(copy), "-o", str(output))
        assert code == 2 and "is the database being read" in err
    assert copy.read_bytes() == before


def test_output_replaces_an_older_extract(
    capsysbinary: pytest.CaptureFixture[bytes], fixture_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "m.csv"
    target.write_text("old")
    code, _, _ = run(capsysbinary, "export", "meetings", "--db", str(fixture_db), "-o", str(target))
    assert code == 0 and target.read_text(encoding="utf-8") == MEETINGS_CSV
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.csv"]


def export_all(capsysbinary: pytest.CaptureFixture[bytes], db: Path) -> dict[str, str]:
    found = {}
    for kind in ("meetings", "phases", "commitments"):
        code, out, err = run(capsysbinary, "export", kind, "--db", str(db))
        assert code == 0, err
        found[kind] = out
    return found


@pytest.fixture
def backup_of(capsysbinary: pytest.CaptureFixture[bytes], fixture_db: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "backup"
    code, _, err = run(capsysbinary, "backup", str(folder), "--db", str(fixture_db))
    assert code == 0, err
    return folder


def test_backup_then_restore_gives_the_same_extracts(
    capsysbinary: pytest.CaptureFixture[bytes], fixture_db: Path, backup_of: Path, tmp_path: Path
) -> None:
    restored = tmp_path / "new" / "restored.duckdb"
    code, _, err = run(capsysbinary, "restore", str(backup_of), "--db", str(restored))
    assert code == 0, err
    assert export_all(capsysbinary, restored) == export_all(capsysbinary, fixture_db)
    assert sorted(p.name for p in restored.parent.iterdir()) == ["restored.duckdb"]


TAMPERING = [
    "COPY (SELECT 42 AS answer) TO '{written}';",
    "ATTACH '{written}' AS elsewhere; CREATE TABLE elsewhere.t AS SELECT 1;",
    "INSTALL httpfs; LOAD httpfs; COPY (SELECT 1) TO '{written}';",
]


@pytest.mark.parametrize("script", ["schema.sql", "load.sql"])
@pytest.mark.parametrize("sql", TAMPERING)
def test_sql_in_a_backup_folder_never_runs(
    capsysbinary: pytest.CaptureFixture[bytes],
    fixture_db: Path,
    backup_of: Path,
    tmp_path: Path,
    script: str,
    sql: str,
) -> None:
    written = tmp_path / "written-by-the-backup.out"
    with open(backup_of / script, "a", encoding="utf-8") as appended:
        appended.write("\n" + sql.format(written=written) + "\n")
    restored = tmp_path / "restored.duckdb"
    code, _, err = run(capsysbinary, "restore", str(backup_of), "--db", str(restored))
    assert code == 0, err
    assert not written.exists()
    assert export_all(capsysbinary, restored) == export_all(capsysbinary, fixture_db)


def rewrite_parquet(path: Path, select: str) -> None:
    """Replace a backup's Parquet file by `select` over its rows (a tampered or older file)."""
    changed = path.with_suffix(".new")
    with duckdb.connect() as connection:
        connection.execute(
            f"COPY ({select.format(rows=f'read_parquet({str(path)!r})')}) TO '{changed}' "
            "(FORMAT parquet)"
        )
    changed.replace(path)


def link_elsewhere(path: Path) -> None:
    """Make `path` a symbolic link to what it held, moved away (as a tampered backup might)."""
    moved = path.rename(path.with_name("elsewhere"))
    path.symlink_to(moved)


# Each breaks a backup folder in one way, and the message that names it.
BAD_BACKUPS: dict[str, tuple[Callable[[Path], object], str]] = {
    "wrong type": (
        lambda f: rewrite_parquet(
            f / "meetings.parquet", "SELECT * REPLACE (ordinal::VARCHAR AS ordinal) FROM {rows}"
        ),
        "meetings.ordinal is VARCHAR in the backup; cooptrack keeps it as INTEGER",
    ),
    "unknown column": (
        lambda f: rewrite_parquet(f / "topics.parquet", "SELECT *, 1 AS payload FROM {rows}"),
        "topics has a column 'payload' cooptrack does not know",
    ),
    "unknown table": (
        lambda f: (f / "topics.parquet").rename(f / "secrets.parquet"),
        "holds secrets.parquet, which is not a table of cooptrack",
    ),
    "missing table": (
        lambda f: (f / "commitments.parquet").unlink(),
        "commitments.parquet is missing",
    ),
    "linked table": (
        lambda f: link_elsewhere(f / "topics.parquet"),
        "topics.parquet is a symbolic link",
    ),
    "newer schema": (
        lambda f: (f / "cooptrack-backup.txt").write_text(f"schema {schema.SCHEMA_VERSION + 1}\n"),
        "written by a newer cooptrack",
    ),
    "no marker": (
        lambda f: (f / "cooptrack-backup.txt").unlink(),
        "is not a cooptrack backup folder",
    ),
    "broken file": (
        lambda f: (f / "meetings.parquet").write_bytes(b"PAR1 not really"),
        "meetings.parquet",
    ),
}


@pytest.mark.parametrize("case", list(BAD_BACKUPS))
def test_a_changed_backup_is_refused_and_the_database_untouched(
    capsysbinary: pytest.CaptureFixture[bytes],
    fixture_db: Path,
    backup_of: Path,
    tmp_path: Path,
    case: str,
) -> None:
    change, message = BAD_BACKUPS[case]
    change(backup_of)
    target = tmp_path / "live.duckdb"
    target.write_bytes(fixture_db.read_bytes())
    before = target.read_bytes()
    code, _, err = run(capsysbinary, "restore", str(backup_of), "--db", str(target), "--force")
    assert code == 2 and err.count("\n") == 1, err
    assert message in err
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "backup") == ["live.duckdb"]


def test_an_older_backup_without_history_or_a_column_still_restores(
    capsysbinary: pytest.CaptureFixture[bytes], fixture_db: Path, backup_of: Path, tmp_path: Path
) -> None:
    (backup_of / "history.parquet").unlink()
    rewrite_parquet(backup_of / "projects.parquet", "SELECT * EXCLUDE (summary) FROM {rows}")
    (backup_of / "cooptrack-backup.txt").write_text("cooptrack backup of old.duckdb\nschema 1\n")
    restored = tmp_path / "restored.duckdb"
    code, _, err = run(capsysbinary, "restore", str(backup_of), "--db", str(restored))
    assert code == 0, err
    assert export_all(capsysbinary, restored) == export_all(capsysbinary, fixture_db)
    with duckdb.connect(str(restored), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM history").fetchone() == (0,)
        assert connection.execute("SELECT count(summary) FROM projects").fetchone() == (0,)


def test_backup_and_restore_paths_that_cannot_be_used_get_one_line(
    capsysbinary: pytest.CaptureFixture[bytes], fixture_db: Path, backup_of: Path, tmp_path: Path
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("keep")
    full = tmp_path / "full"
    (full / "x").mkdir(parents=True)
    cases = [
        (["backup", str(afile)], "is a file; give a new folder"),
        (["backup", str(full)], "is not empty; give a new folder"),
        (["backup", str(afile / "below")], "a part of the path is a file"),
        (["restore", str(backup_of), "--db", str(tmp_path)], "is a folder"),
        (["restore", str(backup_of), "--db", str(tmp_path), "--force"], "is a folder"),
        (["restore", str(backup_of), "--db", str(afile / "x.duckdb")], "a part of the path"),
        (["restore", str(backup_of), "--db", str(afile)], "already exists; add --force"),
        (["restore", str(afile), "--db", str(tmp_path / "n.duckdb")], "not a cooptrack backup"),
        (["restore", str(tmp_path / "b[1]"), "--db", str(tmp_path / "n")], "cannot hold *, ?"),
    ]
    if os.geteuid() == 0:
        cases.append((["restore", str(backup_of), "--db", "/proc/none/x.duckdb"], "cannot"))
    before = sorted(p.name for p in tmp_path.iterdir())
    for args, message in cases:
        db = [] if "--db" in args else ["--db", str(fixture_db)]
        code, _, err = run(capsysbinary, *args, *db)
        assert code == 2 and err.count("\n") == 1 and message in err, (args, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert afile.read_text() == "keep"


def test_migrate_brings_an_older_file_up_to_date(
    capsysbinary: pytest.CaptureFixture[bytes], fixture_db: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.duckdb"
    old.write_bytes(fixture_db.read_bytes())
    with duckdb.connect(str(old)) as connection:
        connection.execute(
            "UPDATE schema_meta SET value = ? WHERE key = 'schema_version'",
            [str(schema.SCHEMA_VERSION - 1)],
        )
    code, _, err = run(capsysbinary, "export", "phases", "--db", str(old))
    assert code == 2 and "cooptrack migrate --db" in err
    code, _, err = run(capsysbinary, "migrate", "--db", str(old))
    assert code == 0 and "is up to date" in err
    code, out, _ = run(capsysbinary, "export", "phases", "--db", str(old))
    assert (code, out) == (0, PHASES_CSV)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def test_no_exported_cell_can_start_a_spreadsheet_formula(
    capsysbinary: pytest.CaptureFixture[bytes], fixture_db: Path, tmp_path: Path
) -> None:
    """Every free text of the record made to start like a formula: no cell of any extract
    starts so, and each such cell reads back, quote removed, as the text the record holds."""
    hostile = tmp_path / "hostile.duckdb"
    hostile.write_bytes(fixture_db.read_bytes())
    prefixes = iter(["=", "+", "-", "@", "\t", "\r", "'=", "''-"] * 100)
    with duckdb.connect(str(hostile)) as connection:
        for table, column, kind in connection.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE table_name IN ('meetings', 'phases', 'commitments', 'projects', 'topics', "
            "'organisations', 'countries', 'conventions') AND data_type LIKE 'VARCHAR%' "
            "AND column_name NOT LIKE '%precision'"
        ).fetchall():
            prefix = next(prefixes).replace("'", "''")
            if kind == "VARCHAR[]":
                change = f"list_transform(\"{column}\", lambda x: '{prefix}' || x)"
            else:
                change = f"'{prefix}' || \"{column}\""
            # An enumerated column (kind, status…) refuses the change: the schema keeps it plain.
            with contextlib.suppress(duckdb.ConstraintException):
                connection.execute(f'UPDATE {table} SET "{column}" = {change}')
        schema.rebuild_facts(connection)
        titles = dict(connection.execute("SELECT id, title FROM meetings").fetchall())
    quoted = 0  # 43 for the fixture record
    extracts = export_all(capsysbinary, hostile)
    for kind, text in extracts.items():
        rows = list(csv.reader(io.StringIO(text)))
        cells = [cell for row in rows[1:] for cell in row]
        assert not [cell for cell in cells if cell.startswith(FORMULA_START)], kind
        assert all(row[0].startswith("'") for row in rows[1:])  # every id was made hostile
        quoted += sum(cell.startswith("'") for cell in cells)
        target = tmp_path / f"{kind}.csv"
        code, _, _ = run(capsysbinary, "export", kind, "--db", str(hostile), "-o", str(target))
        assert code == 0 and target.read_bytes().decode("utf-8") == text
    assert quoted > 30
    meetings = csv.DictReader(io.StringIO(extracts["meetings"]))
    assert {plain_cell(m["id"]): plain_cell(m["title"]) for m in meetings} == titles


@pytest.fixture(scope="module")
def duck() -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect() as connection:
        yield connection


@given(text=st.text(alphabet=st.sampled_from("=+-@\t\r' ax\n;é"), max_size=8) | st.text(max_size=8))
def test_the_sql_and_python_neutralisers_agree_and_can_be_undone(
    duck: duckdb.DuckDBPyConnection, text: str
) -> None:
    [(in_sql,)] = duck.execute("SELECT " + cell_sql("?::VARCHAR", "cell"), [text]).fetchall()
    assert in_sql == neutralise(text)
    assert not neutralise(text).startswith(FORMULA_START)
    assert plain_cell(neutralise(text)) == text


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "command",
    [
        ["export", "meetings"],
        ["backup", "folder"],
        ["init", "--force"],
        ["migrate"],
        ["import", "--dry-run", "file.csv"],
    ],
)
def test_a_database_path_that_is_a_pipe_is_refused_without_waiting(
    capsysbinary: pytest.CaptureFixture[bytes],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.csv").write_text("id\n")
    os.mkfifo(tmp_path / "pipe")  # opening it to read would wait for a writer forever
    code, _, err = run(capsysbinary, *command, "--db", "pipe")
    assert (
        code == 2 and err == "cooptrack: error: pipe is not a database file (nor a regular file)\n"
    )
    assert (tmp_path / "pipe").is_fifo() and not (tmp_path / "folder").exists()
