"""Bulk import, backups and editor accounts, as the secretariat would use them."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from conftest import SEED_DIR, seed_count
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from cooptrack.cli import main
from cooptrack.db import backup
from cooptrack.db.schema import KINDS
from cooptrack.db.store import Store
from cooptrack.errors import EditConflict, InputError, StoreError
from cooptrack.ingest import tabular
from cooptrack.query.export import export_bytes, neutralise
from cooptrack.query.filters import Filters
from cooptrack.record import accounts, edits
from cooptrack.record.seed import build_database

CLI = [sys.executable, "-m", "cooptrack.cli"]


@pytest.fixture
def writable(bundled_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "record.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    return path


def exports(path: Path) -> dict[str, bytes]:
    with Store.open(path) as store:
        return {kind: export_bytes(store, kind, Filters()) for kind in KINDS}


def test_export_import_into_a_fresh_database_export_gives_identical_files(
    bundled_db: Path, tmp_path: Path
) -> None:
    original = exports(bundled_db)
    fresh = tmp_path / "fresh.duckdb"
    build_database(SEED_DIR, fresh, empty=True)
    with Store.open(fresh, read_only=False) as store:
        for kind in KINDS:
            plan = tabular.plan(store, f"{kind}.csv", original[kind])
            assert plan.problems == [] and plan.changes == []
            assert tabular.apply(store, "tester", plan) == len(plan.adds) > 0
    # The latest follow-up is a note, which a commitments file does not carry: those two
    # derived columns are empty after the round trip; every other byte is the same.
    notes = ("latest_followup_on", "latest_followup")
    after = exports(fresh)
    assert after["commitments"] != original["commitments"]
    assert without(after["commitments"], notes) == without(original["commitments"], notes)
    rows = list(csv.DictReader(io.StringIO(after["commitments"].decode())))
    assert rows and all(not row[column] for row in rows for column in notes)
    assert {k: v for k, v in after.items() if k != "commitments"} == {
        k: v for k, v in original.items() if k != "commitments"
    }


def without(content: bytes, columns: tuple[str, ...]) -> list[list[str]]:
    """The CSV's rows with `columns` left out."""
    rows = list(csv.reader(io.StringIO(content.decode())))
    keep = [i for i, name in enumerate(rows[0]) if name not in columns]
    return [[row[i] for i in keep] for row in rows]


def edited_commitments(bundled_db: Path) -> bytes:
    """The commitments export with one status changed (proposed -> dropped), found by id."""
    rows = list(csv.reader(io.StringIO(exports(bundled_db)["commitments"].decode())))
    status = rows[0].index("status")
    [row] = [row for row in rows if row[0] == "cc2-cop26-common-ground"]
    assert row[status] == "proposed"
    row[status] = "dropped"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def test_a_dry_run_lists_changes_and_writes_nothing(writable: Path, bundled_db: Path) -> None:
    content = edited_commitments(bundled_db)
    with Store.open(writable) as store:
        plan = tabular.plan(store, "c.csv", content)
    assert plan.adds == [] and plan.problems == []
    assert plan.changes == [("cc2-cop26-common-ground", [("status", "proposed", "dropped")])]
    assert plan.unchanged == seed_count("commitments") - 1
    assert exports(writable) == exports(bundled_db)


def test_problems_name_row_column_and_reason_and_block_the_whole_file(writable: Path) -> None:
    good = exports(writable)["meetings"].decode().splitlines(keepends=True)
    header = good[0]
    first = next(line for line in good if line.startswith("hlc-3,"))
    second = next(line for line in good if line.startswith("hlc-4,"))
    bad_date = second.replace("2013-02-13", "2013-02-30", 1)
    bad_country = first.replace(",Italy,", ",Narnia,", 1).replace("hlc-3,", "hlc-99,", 1)
    bad_country = bad_country.replace("3rd EU", "99th EU", 1)
    content = (header + first + bad_country + bad_date).encode()
    with Store.open(writable, read_only=False) as store:
        plan = tabular.plan(store, "m.csv", content)
        assert [str(p) for p in plan.problems] == [
            "row 3, column 'host_country': unknown country 'Narnia'",
            "row 4, column 'start': '2013-02-30' does not exist: February 2013 has 28 days",
        ]
        with pytest.raises(InputError, match="2 problems; fix them first, nothing was written"):
            tabular.apply(store, "tester", plan)
        assert edits.history(store).empty


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b"a,b\n1,2\n", "cannot tell what the file holds"),
        (b'id,title,kind,start_date,status,sources\n"unclosed,x\n', "not valid CSV|cells"),
        (b"", "is empty"),
    ],
)
def test_malformed_files_get_a_clear_message(writable: Path, content: bytes, message: str) -> None:
    with Store.open(writable) as store, pytest.raises(InputError, match=message):
        tabular.plan(store, "bad.csv", content)


def test_excel_files_import_like_csv_even_with_excel_dates_and_numbers(writable: Path) -> None:
    text = exports(writable)["meetings"].decode()
    rows = list(__import__("csv").reader(io.StringIO(text)))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    line = next(n for n, row in enumerate(rows, start=1) if row[0] == "hlc-4")
    start, ordinal = rows[0].index("start_date") + 1, rows[0].index("ordinal") + 1
    sheet.cell(line, start).value = __import__("datetime").datetime(2013, 2, 13)
    sheet.cell(line, ordinal).value = 4.0
    buffer = io.BytesIO()
    book.save(buffer)
    with Store.open(writable) as store:
        plan = tabular.plan(store, "meetings.xlsx", buffer.getvalue())
    assert plan.problems == [] and plan.changes == [] and plan.unchanged == len(rows) - 1


def test_cli_import_takes_a_backup_first_and_reports_it(
    writable: Path, bundled_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "c.csv"
    upload.write_bytes(edited_commitments(bundled_db))
    assert main(["import", str(upload), "--db", str(writable), "--editor", "ed"]) == 0
    err = capsys.readouterr().err
    assert "imported 1 commitments; backup taken before:" in err
    folder = Path(err.split("backup taken before: ")[1].strip())
    restored = tmp_path / "restored.duckdb"
    backup.restore(folder, restored)
    assert exports(restored) == exports(bundled_db)
    with Store.open(writable) as store:
        assert list(edits.history(store).via) == ["import c.csv"]


def test_cli_dry_run_with_problems_exits_2(
    writable: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "m.csv"
    upload.write_text(
        "id,title,kind,start_date,status,sources\nx,X,party,2021,held,https://example.org\n",
        encoding="utf-8",
    )
    assert main(["import", str(upload), "--db", str(writable), "--dry-run"]) == 2
    assert "row 2, column 'kind': 'party' is not one of" in capsys.readouterr().out


def test_import_while_another_process_holds_the_database(
    writable: Path, bundled_db: Path, tmp_path: Path
) -> None:
    """The dashboard holds the file open for writing: the import stops with a clear message
    and the data is untouched."""
    upload = tmp_path / "c.csv"
    upload.write_bytes(edited_commitments(bundled_db))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from cooptrack.db.store import Store; "
            "s = Store.open(sys.argv[1], read_only=False); print('open', flush=True); "
            "time.sleep(60)",
            str(writable),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        result = subprocess.run(
            [*CLI, "import", str(upload), "--db", str(writable)],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "COOPTRACK_DB": ""},
        )
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2
    assert "open for writing in another process" in result.stderr
    assert "Edit page" in result.stderr and "Traceback" not in result.stderr
    assert exports(writable) == exports(bundled_db)


def test_backup_and_restore_round_trip_and_refusals(writable: Path, tmp_path: Path) -> None:
    with Store.open(writable) as store:
        folder = backup.backup(store, tmp_path / "bk")
        with pytest.raises(StoreError, match="not empty"):
            backup.backup(store, folder)
    target = tmp_path / "back.duckdb"
    backup.restore(folder, target)
    assert exports(target) == exports(writable)
    with pytest.raises(StoreError, match="already exists; add --force"):
        backup.restore(folder, target)
    with pytest.raises(StoreError, match="not a cooptrack backup"):
        backup.restore(tmp_path, tmp_path / "x.duckdb")


def test_add_editor_command_reads_the_password_without_echoing_it(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    result = subprocess.run(
        [*CLI, "add-editor", "carol", "--secrets", str(secrets), "--password-stdin"],
        input="a long enough secret\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "a long enough secret" not in result.stdout + result.stderr + secrets.read_text()
    table = __import__("tomllib").loads(secrets.read_text())["cooptrack"]["accounts"]
    assert accounts.check_password(table, "carol", "a long enough secret")


IATI = Path(__file__).parent / "fixtures" / "iati"


def test_cli_imports_an_iati_file_after_a_dry_run(
    writable: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xml = str(IATI / "ca-environment-2.03.xml")
    assert main(["import", xml, "--db", str(writable), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "2 phases to add" in out and "0 problems" in out
    assert main(["import", xml, "--db", str(writable), "--editor", "ed"]) == 0
    assert "backup taken before" in capsys.readouterr().err
    with Store.open(writable) as store:
        phases = store.rows("SELECT count(*) FROM phases")[0][0]
        vias = {v for (v,) in store.rows("SELECT DISTINCT via FROM history")}
    assert phases == seed_count("phases") + 2 and vias == {"iati ca-environment-2.03.xml"}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("xxe.xml", "refused for safety"),
        ("billion-laughs.xml", "refused for safety"),
        ("malformed.xml", "not well-formed XML"),
        ("not-iati.xml", "not an IATI"),
    ],
)
def test_cli_refuses_dangerous_or_wrong_xml(
    writable: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    assert main(["import", str(IATI / name), "--db", str(writable)]) == 2
    assert message in capsys.readouterr().err
    with Store.open(writable) as store:
        assert store.rows("SELECT count(*) FROM history")[0][0] == 0


# --- the dry run runs the apply's checks; bulk writes like one-by-one saves -------------------


def csv_bytes(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def export_rows(path: Path, kind: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(exports(path)[kind].decode())))


def fingerprint(path: Path) -> tuple[int, ...]:
    with Store.open(path) as store:
        return store.rows(
            "SELECT (SELECT count(*) FROM meetings), (SELECT count(*) FROM commitments), "
            "(SELECT count(*) FROM phases), (SELECT coalesce(max(change_id), 0) FROM history)"
        )[0]


def new_meeting(template: dict[str, str], ident: str, title: str) -> dict[str, str]:
    return template | {"id": ident, "title": title, "short_title": title}


def test_two_new_meetings_with_one_title_are_a_problem_of_the_dry_run_with_their_row(
    writable: Path,
) -> None:
    template = export_rows(writable, "meetings")[0]
    content = csv_bytes(
        [
            new_meeting(template, "new-a", "A Brand New Meeting"),
            new_meeting(template, "new-b", "a BRAND new meeting"),
        ]
    )
    before = fingerprint(writable)
    with Store.open(writable, read_only=False) as store:
        plan = tabular.plan(store, "m.csv", content)
        assert [str(p) for p in plan.problems] == [
            "row 3, column 'title': duplicate meeting title 'a BRAND new meeting'"
        ]
        with pytest.raises(InputError, match="1 problems; fix them first"):
            tabular.apply(store, "tester", plan)
    assert fingerprint(writable) == before


def test_a_new_meeting_may_not_take_a_stored_title_but_two_stored_ones_may_swap(
    writable: Path,
) -> None:
    rows = export_rows(writable, "meetings")
    taken = new_meeting(rows[0], "new-a", rows[1]["title"].upper())
    with Store.open(writable) as store:
        plan = tabular.plan(store, "m.csv", csv_bytes([taken]))
    assert [(p.at, p.field) for p in plan.problems] == [(2, "title")]
    assert "duplicate meeting title" in plan.problems[0].reason
    swapped = [rows[0] | {"title": rows[1]["title"]}, rows[1] | {"title": rows[0]["title"]}]
    with Store.open(writable, read_only=False) as store:
        plan = tabular.plan(store, "m.csv", csv_bytes(swapped))
        assert plan.problems == [] and len(plan.changes) == 2
        assert tabular.apply(store, "tester", plan) == 2
        titles = dict(store.rows("SELECT id, title FROM meetings"))
    assert titles[rows[0]["id"]] == rows[1]["title"]


def edited_files(path: Path) -> dict[str, bytes]:
    """A meetings file with one change and one addition, a commitments file with a change,
    an addition and every other row unchanged."""
    meetings = export_rows(path, "meetings")
    meetings[2]["summary"] = "A summary written in the import."
    meetings.append(new_meeting(meetings[0], "import-new", "A meeting added by import"))
    commitments = export_rows(path, "commitments")
    commitments[0]["status"] = "dropped"
    commitments.append(commitments[1] | {"id": "import-new-c", "text": "Plant a tree."})
    return {"meetings": csv_bytes(meetings), "commitments": csv_bytes(commitments)}


def history_lines(path: Path) -> list[tuple[object, ...]]:
    with Store.open(path) as store:
        return store.rows(
            "SELECT editor, record_kind, record_id, action, before, after, via FROM history "
            "ORDER BY change_id"
        )


def test_an_import_logs_exactly_the_history_lines_of_saving_its_rows_one_by_one(
    writable: Path, bundled_db: Path, tmp_path: Path
) -> None:
    one_by_one = tmp_path / "one-by-one.duckdb"
    one_by_one.write_bytes(bundled_db.read_bytes())
    files = edited_files(writable)
    with Store.open(writable, read_only=False) as store:
        for kind in ("meetings", "commitments"):
            plan = tabular.plan(store, f"{kind}.csv", files[kind])
            assert plan.problems == [] and len(plan.adds) == 1 and len(plan.changes) == 1
            assert tabular.apply(store, "ed", plan) == 2
    with Store.open(one_by_one, read_only=False) as store:
        for kind in ("meetings", "commitments"):
            plan = tabular.plan(store, f"{kind}.csv", files[kind])
            with store.cursor() as cursor:
                labels = tabular.Labels(cursor)
            for row in plan.rows:
                strings = tabular.to_seed_strings(plan.kind, row.cells, labels)
                edits.save(
                    store, "ed", plan.kind, strings, expected=row.current, via=f"import {kind}.csv"
                )
    bulk = history_lines(writable)
    assert len(bulk) == 4
    assert bulk == history_lines(one_by_one)
    assert exports(writable) == exports(one_by_one)


def test_stored_records_are_fetched_in_bulk_exactly_as_one_at_a_time(writable: Path) -> None:
    with Store.open(writable) as store, store.cursor() as cursor:
        for kind in KINDS:
            ids = [i for (i,) in cursor.execute(f"SELECT id FROM {kind}").fetchall()]
            many = tabular.fetch_many(cursor, kind, [*ids, "no-such-id"])
            assert sorted(many) == sorted(ids)
            for ident in ids:
                assert many[ident] == edits.fetch(cursor, kind, ident)


def test_after_an_import_the_facts_are_those_a_full_rebuild_gives(writable: Path) -> None:
    files = edited_files(writable)
    with Store.open(writable, read_only=False) as store:
        for kind in ("meetings", "commitments"):
            tabular.apply(store, "ed", tabular.plan(store, f"{kind}.csv", files[kind]))
        for table, facts in (("commitments", "commitment_facts"), ("meetings", "meeting_facts")):
            assert store.rows(f"SELECT count(*) FROM {facts}") == store.rows(
                f"SELECT count(*) FROM {table}"
            )
            assert store.rows(f"SELECT * FROM {facts} EXCEPT SELECT * FROM {facts}_source") == []
            assert store.rows(f"SELECT * FROM {facts}_source EXCEPT SELECT * FROM {facts}") == []


def test_a_record_changed_between_the_dry_run_and_the_apply_stops_the_apply(writable: Path) -> None:
    files = edited_files(writable)
    with Store.open(writable, read_only=False) as store:
        plan = tabular.plan(store, "commitments.csv", files["commitments"])
        ident = plan.changes[0][0]
        with store.cursor() as cursor:
            stored = edits.fetch(cursor, "commitments", ident)
        assert stored is not None
        changed = edits.to_strings("commitments", stored) | {"text": "Changed meanwhile."}
        edits.save(store, "other", "commitments", changed, expected=stored)
        before = edits.history(store)
        with pytest.raises(EditConflict, match=f"Commitment '{ident}' was changed by someone"):
            tabular.apply(store, "ed", plan)
        assert len(edits.history(store)) == len(before)


def test_a_meeting_deleted_between_the_dry_run_and_the_apply_is_named_with_its_row(
    writable: Path,
) -> None:
    rows = export_rows(writable, "commitments")
    with Store.open(writable) as store:
        unused = store.rows(
            "SELECT id, title FROM meetings WHERE id NOT IN (SELECT meeting FROM commitments "
            "WHERE meeting IS NOT NULL) AND id NOT IN (SELECT ahead_of FROM commitments WHERE "
            "ahead_of IS NOT NULL) AND id NOT IN (SELECT evidence_meeting FROM followups WHERE "
            "evidence_meeting IS NOT NULL) AND id NOT IN (SELECT fulfilled_by FROM commitments "
            "WHERE fulfilled_by IS NOT NULL) ORDER BY id LIMIT 1"
        )[0]
    added = rows[0] | {"id": "import-new-c", "meeting": unused[1], "ahead_of": "", "made_on": ""}
    with Store.open(writable, read_only=False) as store:
        plan = tabular.plan(store, "c.csv", csv_bytes([added]))
        assert plan.problems == [] and plan.adds == [("import-new-c", added["text"])]
        with store.cursor() as cursor:
            meeting = edits.fetch(cursor, "meetings", unused[0])
        edits.delete(store, "other", "meetings", unused[0], meeting)
        with pytest.raises(InputError, match=r"record changed since.*row 2, column 'meeting'"):
            tabular.apply(store, "ed", plan)
        assert store.rows("SELECT count(*) FROM commitments WHERE id = 'import-new-c'") == [(0,)]


def test_progress_is_told_as_rows_are_checked_and_written(
    writable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tabular, "PROGRESS_EVERY", 2)
    calls: list[tuple[int, int]] = []
    content = edited_files(writable)["commitments"]
    with Store.open(writable, read_only=False) as store:
        plan = tabular.plan(store, "c.csv", content, progress=lambda *a: calls.append(a))
        total = len(plan.rows)
        assert calls[-1] == (total, total) and [d for d, _ in calls] == sorted(d for d, _ in calls)
        calls.clear()
        tabular.apply(store, "ed", plan, progress=lambda *a: calls.append(a))
    assert calls[-1] == (total, total)


# --- what a file must be ----------------------------------------------------------------------


# A change made to a workbook (and its first sheet) before it is saved.
SheetEdit = Callable[[Workbook, Worksheet], object]


def workbook_bytes(rows: Sequence[Sequence[object]], edit: SheetEdit | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    if edit is not None:
        edit(book, sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_table(path: Path, kind: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(exports(path)[kind].decode())))


def test_a_formula_cell_is_refused_with_its_cell_reference(writable: Path) -> None:
    rows = export_table(writable, "meetings")
    column = rows[0].index("summary")
    rows[2][column] = '=HYPERLINK("https://phish.example","record")'
    letter = tabular.column_letter(column + 1)
    with Store.open(writable) as store:
        plan = tabular.plan(store, "m.xlsx", workbook_bytes(rows))
    assert [(p.at, p.field) for p in plan.problems] == [(3, "summary")]
    assert f"cell {letter}3 holds the formula '=HYPERLINK(" in plan.problems[0].reason
    assert "replace it with its value" in plan.problems[0].reason


def test_headers_are_matched_without_case_or_surrounding_spaces(writable: Path) -> None:
    rows = export_table(writable, "meetings")
    rows[0] = [f"  {name.upper()} " for name in rows[0]]
    with Store.open(writable) as store:
        plan = tabular.plan(store, "m.csv", csv_bytes_rows(rows))
        from_excel = tabular.plan(store, "m.xlsx", workbook_bytes(rows))
    for result in (plan, from_excel):
        assert result.kind == "meetings" and result.problems == []
        assert result.unchanged == len(rows) - 1


def csv_bytes_rows(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda rows: rows[:1], "m.csv has a header but no rows"),
        (
            lambda rows: [
                [c for c, name in zip(row, rows[0], strict=True) if name != "sources"]
                for row in rows
            ],
            r"cannot tell what the file holds: it comes closest to meetings .*also need the "
            r"column\(s\) sources",
        ),
        (
            lambda rows: [[*row, row[1]] for row in rows],
            r"row 1: the header names 'title' twice \(columns B and {next}\)",
        ),
        (
            lambda rows: [[*row, "x"] for row in rows[:1]] + [[*row, ""] for row in rows[1:]],
            r"row 1: the import does not read the column\(s\) 'x'",
        ),
    ],
)
def test_what_is_missing_or_doubled_in_the_header_is_named(
    writable: Path, edit: Callable[[list[list[str]]], list[list[str]]], message: str
) -> None:
    exported = export_table(writable, "meetings")
    rows = edit(exported)
    message = message.replace("{next}", tabular.column_letter(len(exported[0]) + 1))
    with Store.open(writable) as store:
        for name, content in (("m.csv", csv_bytes_rows(rows)), ("m.xlsx", workbook_bytes(rows))):
            with pytest.raises(InputError, match=message.replace("m.csv", name)):
                tabular.plan(store, name, content)


def test_a_cell_beyond_the_header_is_refused_with_row_and_column(writable: Path) -> None:
    rows = export_table(writable, "meetings")
    rows[3] = [*rows[3], "stray"]
    letter = tabular.column_letter(len(rows[0]) + 1)
    with Store.open(writable) as store:
        from_csv = tabular.plan(store, "m.csv", csv_bytes_rows(rows))
        from_excel = tabular.plan(store, "m.xlsx", workbook_bytes(rows))
    assert [(p.at, p.field) for p in from_csv.problems] == [(4, letter)]
    assert "holds 'stray' under no column name" in from_csv.problems[0].reason
    assert [(p.at, p.field) for p in from_excel.problems] == [(4, letter)]
    assert f"cell {letter}4 holds 'stray'" in from_excel.problems[0].reason


def test_a_short_csv_row_is_refused_naming_the_first_missing_column(writable: Path) -> None:
    rows = export_table(writable, "meetings")
    rows[2] = rows[2][:5]
    with Store.open(writable) as store:
        plan = tabular.plan(store, "m.csv", csv_bytes_rows(rows))
    assert (plan.problems[0].at, plan.problems[0].field) == (3, rows[0][5])
    assert "the row has 5 cells, the header has" in plan.problems[0].reason


def test_merged_cells_and_a_second_sheet_with_data_are_refused(writable: Path) -> None:
    rows = export_table(writable, "meetings")
    column = rows[0].index("countries") + 1
    letter = tabular.column_letter(column)

    def merge(book: Workbook, sheet: Worksheet) -> None:
        sheet.merge_cells(start_row=2, start_column=column, end_row=4, end_column=column)

    with Store.open(writable) as store:
        plan = tabular.plan(store, "m.xlsx", workbook_bytes(rows, merge))
        assert [(p.at, p.field) for p in plan.problems] == [(2, "countries")]
        assert f"cells {letter}2:{letter}4 are merged" in plan.problems[0].reason

        def second_sheet(book: Workbook, sheet: Worksheet) -> None:
            book.create_sheet("notes")["B7"] = "not part of the import"

        with pytest.raises(InputError, match="sheet 'notes' holds data too"):
            tabular.plan(store, "m.xlsx", workbook_bytes(rows, second_sheet))
        empty = tabular.plan(
            store, "m.xlsx", workbook_bytes(rows, lambda book, _: book.create_sheet("empty"))
        )
        assert empty.problems == []


def with_dimension(content: bytes, ref: str) -> bytes:
    """The workbook with its first sheet claiming another size."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data)
            target.writestr(info, data)
    return out.getvalue()


@pytest.mark.timeout(5)
def test_a_sheet_declaring_two_million_rows_is_refused_before_reading_them(writable: Path) -> None:
    content = with_dimension(workbook_bytes(export_table(writable, "meetings")), "A1:W2000000")
    with Store.open(writable) as store, pytest.raises(InputError, match="declares 2,000,000 rows"):
        tabular.plan(store, "m.xlsx", content)


def test_a_sheet_under_declaring_its_rows_is_read_whole(writable: Path) -> None:
    rows = export_table(writable, "meetings")
    content = with_dimension(workbook_bytes(rows), "A1:B2")
    with Store.open(writable) as store:
        plan = tabular.plan(store, "m.xlsx", content)
    assert plan.problems == [] and plan.unchanged == len(rows) - 1


def test_more_rows_than_the_limit_are_refused_in_csv_and_xlsx(
    writable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    rows = export_table(writable, "meetings")
    files = {
        "has more than 3 rows; import at most 3": ("m.csv", csv_bytes_rows(rows)),
        f"the sheet declares {len(rows)} rows; import at most 3": ("m.xlsx", workbook_bytes(rows)),
        "m.xlsx has more than 3 rows": ("m.xlsx", with_dimension(workbook_bytes(rows), "A1:B2")),
    }
    assert len(rows) == seed_count("meetings") + 1  # and the header
    with Store.open(writable) as store:
        for message, (name, content) in files.items():
            with pytest.raises(InputError, match=message):
                tabular.plan(store, name, content)


def test_a_file_larger_than_the_limit_is_refused_unread(
    writable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tabular, "MAX_BYTES", 100)
    with Store.open(writable) as store, pytest.raises(InputError, match="import at most 0 MB"):
        tabular.plan(store, "m.csv", b"x" * 101)


def test_an_excel_date_given_as_a_number_is_a_problem_of_its_cell(writable: Path) -> None:
    rows: list[list[object]] = [list(r) for r in export_table(writable, "meetings")]
    start = rows[0].index("start_date")
    rows[2][start] = 43_874
    with Store.open(writable) as store:
        plan = tabular.plan(store, "m.xlsx", workbook_bytes(rows))
    assert [(p.at, p.field) for p in plan.problems] == [(3, "start")]


@pytest.mark.timeout(5)
def test_a_100000_character_cell_is_refused_by_its_limit_at_once(writable: Path) -> None:
    rows = export_table(writable, "meetings")
    summary = rows[0].index("summary")
    rows[2][summary] = "a@" * 50_000
    with Store.open(writable) as store:
        plan = tabular.plan(store, "m.csv", csv_bytes_rows(rows))
    assert [str(p) for p in plan.problems] == [
        "row 3, column 'summary': is 100,000 characters long; the limit is 5,000"
    ]


def test_a_list_cell_over_the_limit_is_refused_before_its_labels_are_looked_up(
    writable: Path,
) -> None:
    rows = export_table(writable, "meetings")
    rows[2][rows[0].index("countries")] = "; ".join(["Narnia"] * 51)
    with Store.open(writable) as store:
        plan = tabular.plan(store, "m.csv", csv_bytes_rows(rows))
    assert [str(p) for p in plan.problems] == [
        "row 3, column 'countries': has 51 values; the limit is 50"
    ]


@pytest.mark.timeout(60)
def test_three_thousand_rows_plan_and_apply_in_bulk(writable: Path) -> None:
    """Guards against one query per row coming back: at 11 ms a row this took 30 s."""
    template = export_rows(writable, "commitments")[0]
    rows = [template | {"id": f"bulk-{n:05d}", "text": f"Commitment {n}."} for n in range(3_000)]
    with Store.open(writable, read_only=False) as store:
        started = time.perf_counter()
        plan = tabular.plan(store, "c.csv", csv_bytes(rows))
        assert plan.problems == [] and len(plan.adds) == 3_000
        assert tabular.apply(store, "ed", plan) == 3_000
        elapsed = time.perf_counter() - started
        counted = store.rows(
            "SELECT (SELECT count(*) FROM commitments), (SELECT count(*) FROM commitment_facts),"
            " (SELECT count(*) FROM history WHERE via = 'import c.csv')"
        )
    total = seed_count("commitments") + 3_000
    assert counted == [(total, total, 3_000)]
    assert elapsed < 30  # about 0.5 s on a quiet machine


def rezipped(content: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, change(data) if info.filename == part else data)
    return out.getvalue()


def test_a_workbook_with_entities_or_expanding_beyond_the_limit_is_refused_unread(
    writable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tabular, "MAX_UNPACKED", 2 * 2**20)
    content = workbook_bytes(export_table(writable, "meetings"))
    sheet = "xl/worksheets/sheet1.xml"
    laughs = b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet'
    entities = rezipped(content, sheet, lambda data: data.replace(b"<worksheet", laughs, 1))
    huge_cell = b'<row r="99"><c r="A99" t="inlineStr"><is><t>' + b"x" * 3 * 2**20
    bomb = rezipped(
        content,
        sheet,
        lambda data: data.replace(b"</sheetData>", huge_cell + b"</t></is></c></row></sheetData>"),
    )
    assert len(bomb) < 2**20  # small on disk
    with Store.open(writable) as store:
        with pytest.raises(InputError, match="declares a DTD or entities"):
            tabular.plan(store, "m.xlsx", entities)
        with pytest.raises(
            InputError, match=r"expands to 3 MB; an \.xlsx may expand to at most 2 MB"
        ):
            tabular.plan(store, "m.xlsx", bomb)


def test_text_an_export_quoted_against_formulas_imports_back_as_it_was(writable: Path) -> None:
    """The export puts a quote before a cell a spreadsheet would run (one more before quotes
    already there); the import takes it off, so an export read back in changes nothing."""
    rows = export_rows(writable, "commitments")
    texts = ["=1+1 is not a formula here", "+30% funding", "-5 degrees", "@all parties", "'=x"]
    added = [
        rows[0] | {"id": f"formula-{n}", "text": neutralise(text)} for n, text in enumerate(texts)
    ]
    with Store.open(writable, read_only=False) as store:
        plan = tabular.plan(store, "c.csv", csv_bytes(added))
        assert plan.problems == [] and tabular.apply(store, "ed", plan) == len(texts)
        stored = dict(store.rows("SELECT id, text FROM commitments WHERE id LIKE 'formula-%'"))
        exported = export_bytes(store, "commitments", Filters())
        again = tabular.plan(store, "c.csv", exported)
    assert [stored[f"formula-{n}"] for n in range(len(texts))] == texts
    assert b"'=1+1 is not a formula here" in exported and b"''=x" in exported
    assert again.problems == [] and again.changes == [] and again.adds == []
