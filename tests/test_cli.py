"""The command line as users run it: init, export, and every bad input they can give."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cooptrack.cli import main

MEETINGS_CSV = '''\
id,title,short_title,kind,series,ordinal,start_date,end_date,tentative,city,host_country,format,status,chairs,countries,conventions,topics,organisations,chair_organisations,organisers,summary,confidence,sources
m-b,Beta conference,Beta,high-level-conference,,,2009-11,,false,Rome,Italy,,held,,Kazakhstan,,"Water, rivers and lakes",European Union,,European Union,,M,https://example.org/b; https://example.org/b2
m-a,"Alpha meeting, with ""quotes""",Alpha,wgecc-meeting,WGECC,1,2018-06-07,2018-06-08,false,Tashkent,Uzbekistan,in-person,held,Jane Doe (European Commission),Kazakhstan; Uzbekistan,CBD; UNFCCC,"Climate change; Water, rivers and lakes",European Commission,European Commission,,"Two lines
of summary.",H,https://example.org/a
m-c,Gamma COP,Gamma COP,cop,UNFCCC COP,26,2031,,true,,,,planned,,,UNFCCC,Climate change,,,,Date not fixed.,L,https://example.org/c
'''  # noqa: E501

PHASES_CSV = """\
id,project,phase,title,implementers,planned_start,planned_end,actual_start,actual_end,budget,currency,countries,conventions,topics,summary,confidence,sources
p-1,Project P,1,P one,Government of Kazakhstan,,,2016-08,2019-02,1000.50,EUR,Kazakhstan; Uzbekistan,CBD,"Water, rivers and lakes",,H,https://example.org/p1
p-2,Project P,2,P two,,2019-10,2022-10,2019-10,2023-04-14,,,Uzbekistan,UNFCCC,Climate change,Closed late.,H,https://example.org/p2
"""  # noqa: E501

COMMITMENTS_CSV = '''\
id,text,made_by,meeting,made_on,countries,conventions,topics,due_date,ahead_of,status,fulfilled_by,confidence,sources
c-1,"Hold a session, with experts",European Commission; Kazakhstan,"Alpha meeting, with ""quotes""",2018-06-07,Uzbekistan,CBD,"Water, rivers and lakes",2019,,fulfilled,Beta conference,H,https://example.org/c1
c-2,Agree common views,European Union,"Alpha meeting, with ""quotes""",2018-06-08,Kazakhstan,UNFCCC,Climate change,,Gamma COP,agreed,,M,https://example.org/c2
'''  # noqa: E501


def run(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsysbinary.readouterr()
    return code, out.decode("utf-8"), err.decode("utf-8")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("meetings", MEETINGS_CSV), ("phases", PHASES_CSV), ("commitments", COMMITMENTS_CSV)],
)
def test_extracts_are_compared_whole(capsysbinary, fixture_db, kind, expected):
    code, out, err = run(capsysbinary, "export", kind, "--db", str(fixture_db))
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
def test_filters_pick_the_right_rows(capsysbinary, fixture_db, args, ids):
    code, out, err = run(capsysbinary, "export", *args, "--db", str(fixture_db))
    assert code == 0, err
    assert [row["id"] for row in csv.DictReader(io.StringIO(out))] == ids


def test_output_file_holds_the_same_bytes_as_stdout(capsysbinary, fixture_db, tmp_path):
    target = tmp_path / "out" / "m.csv"
    code, _, err = run(
        capsysbinary, "export", "meetings", "--db", str(fixture_db), "-o", str(target)
    )
    assert code == 0
    assert target.read_text(encoding="utf-8") == MEETINGS_CSV
    assert "wrote 3 meetings" in err


def test_db_option_beats_environment_beats_default(capsysbinary, fixture_db, monkeypatch, tmp_path):
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
    (["--convention", "KYOTO"], "unknown convention 'KYOTO'; known: AARHUS"),
    (["--topic", "astrology"], "unknown topic 'astrology'"),
    (["--organisation", "nato"], "unknown organisation 'nato'"),
    (["--from", "2021-02-30"], "'2021-02-30' does not exist: February 2021 has 28 days"),
    (["--to", "31/12/2021"], "'31/12/2021' is not a date"),
    (["--from", "2022", "--to", "2021"], "--from 2022 is after --to 2021"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS)
def test_bad_filter_values_get_one_line_and_status_2(
    capsysbinary, bundled_db, tmp_path, args, message
):
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


def test_init_builds_into_an_empty_folder_and_refuses_to_overwrite(capsysbinary, tmp_path):
    target = tmp_path / "new" / "record.duckdb"
    code, _, err = run(capsysbinary, "init", "--db", str(target))
    assert code == 0 and target.exists()
    assert "15 meetings" in err and "3 phases" in err and "7 commitments" in err
    before = target.read_bytes()
    code, _, err = run(capsysbinary, "init", "--db", str(target))
    assert code == 2 and "already exists; add --force" in err
    assert target.read_bytes() == before
    code, _, _ = run(capsysbinary, "init", "--db", str(target), "--force")
    assert code == 0


def test_a_file_that_is_not_a_database_is_named(capsysbinary, tmp_path):
    fake = tmp_path / "notes.duckdb"
    fake.write_text("meeting notes, not a database\n" * 100)
    code, _, err = run(capsysbinary, "export", "meetings", "--db", str(fake))
    assert code == 2
    assert f"{fake} is not a DuckDB database file" in err
    assert fake.read_text().startswith("meeting notes")


def test_the_installed_console_script_runs_without_traceback(tmp_path, bundled_db):
    script = Path(sys.executable).parent / "cooptrack"
    ok = subprocess.run(
        [script, "export", "phases", "--db", str(bundled_db), "--from", "2018", "--to", "2018"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0
    assert [r["title"] for r in csv.DictReader(io.StringIO(ok.stdout))] == ["WECOOP2"]
    bad = subprocess.run(
        [script, "export", "phases", "--db", str(tmp_path / "missing.duckdb")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1


def test_a_database_held_open_for_writing_gets_a_clear_message(tmp_path, bundled_db):
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
