"""Bulk import, backups and editor accounts, as the secretariat would use them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED_DIR
from openpyxl import Workbook

from cooptrack import accounts, backup, importer, records
from cooptrack.cli import main
from cooptrack.errors import InputError, StoreError
from cooptrack.export import KINDS, export_bytes
from cooptrack.filters import Filters
from cooptrack.seed import build_database
from cooptrack.store import Store

CLI = [sys.executable, "-m", "cooptrack.cli"]


@pytest.fixture
def writable(bundled_db, tmp_path):
    path = tmp_path / "record.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    return path


def exports(path: Path) -> dict[str, bytes]:
    with Store.open(path) as store:
        return {kind: export_bytes(store, kind, Filters()) for kind in KINDS}


def test_export_import_into_a_fresh_database_export_gives_identical_files(bundled_db, tmp_path):
    original = exports(bundled_db)
    fresh = tmp_path / "fresh.duckdb"
    build_database(SEED_DIR, fresh, empty=True)
    with Store.open(fresh, read_only=False) as store:
        for kind in KINDS:
            plan = importer.plan(store, f"{kind}.csv", original[kind])
            assert plan.problems == [] and plan.changes == []
            assert importer.apply(store, "tester", plan) == len(plan.adds) > 0
    assert exports(fresh) == original


def edited_commitments(bundled_db: Path) -> bytes:
    text = exports(bundled_db)["commitments"].decode()
    text = text.replace(
        ",proposed,,H,https://wecoop.eu/?p=2969\ncc2-eu-climate",
        ",dropped,,H,https://wecoop.eu/?p=2969\ncc2-eu-climate",
        1,
    )
    return text.encode()


def test_a_dry_run_lists_changes_and_writes_nothing(writable, bundled_db):
    content = edited_commitments(bundled_db)
    with Store.open(writable) as store:
        plan = importer.plan(store, "c.csv", content)
    assert plan.adds == [] and plan.problems == []
    assert plan.changes == [("cc2-cop26-common-ground", [("status", "proposed", "dropped")])]
    assert plan.unchanged == 6
    assert exports(writable) == exports(bundled_db)


def test_problems_name_row_column_and_reason_and_block_the_whole_file(writable):
    good = exports(writable)["meetings"].decode().splitlines(keepends=True)
    header, first, second = good[0], good[1], good[2]
    bad_date = second.replace("2013-02-13", "2013-02-30", 1)
    bad_country = first.replace(",Italy,", ",Narnia,", 1).replace("hlc-3,", "hlc-99,", 1)
    bad_country = bad_country.replace("3rd EU", "99th EU", 1)
    content = (header + first + bad_country + bad_date).encode()
    with Store.open(writable, read_only=False) as store:
        plan = importer.plan(store, "m.csv", content)
        assert [str(p) for p in plan.problems] == [
            "row 3, column 'host_country': unknown country 'Narnia'",
            "row 4, column 'start': '2013-02-30' does not exist: February 2013 has 28 days",
        ]
        with pytest.raises(InputError, match="2 problems; fix them first, nothing was written"):
            importer.apply(store, "tester", plan)
        assert records.history(store).empty


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b"a,b\n1,2\n", "cannot tell what the file holds"),
        (b'id,title,kind,start_date,status,sources\n"unclosed,x\n', "not valid CSV|cells"),
        (b"", "is empty"),
    ],
)
def test_malformed_files_get_a_clear_message(writable, content, message):
    with Store.open(writable) as store, pytest.raises(InputError, match=message):
        importer.plan(store, "bad.csv", content)


def test_excel_files_import_like_csv_even_with_excel_dates_and_numbers(writable):
    text = exports(writable)["meetings"].decode()
    rows = list(__import__("csv").reader(io.StringIO(text)))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    sheet["G3"] = __import__("datetime").datetime(2013, 2, 13)
    sheet["F3"] = 4.0
    buffer = io.BytesIO()
    book.save(buffer)
    with Store.open(writable) as store:
        plan = importer.plan(store, "meetings.xlsx", buffer.getvalue())
    assert plan.problems == [] and plan.changes == [] and plan.unchanged == len(rows) - 1


def test_cli_import_takes_a_backup_first_and_reports_it(writable, bundled_db, tmp_path, capsys):
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
        assert list(records.history(store).via) == ["import c.csv"]


def test_cli_dry_run_with_problems_exits_2(writable, tmp_path, capsys):
    upload = tmp_path / "m.csv"
    upload.write_text(
        "id,title,kind,start_date,status,sources\nx,X,party,2021,held,https://example.org\n",
        encoding="utf-8",
    )
    assert main(["import", str(upload), "--db", str(writable), "--dry-run"]) == 2
    assert "row 2, column 'kind': 'party' is not one of" in capsys.readouterr().out


def test_import_while_another_process_holds_the_database(writable, bundled_db, tmp_path):
    """The dashboard holds the file open for writing: the import stops with a clear message
    and the data is untouched."""
    upload = tmp_path / "c.csv"
    upload.write_bytes(edited_commitments(bundled_db))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from cooptrack.store import Store; "
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


def test_backup_and_restore_round_trip_and_refusals(writable, tmp_path):
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


def test_editor_accounts_are_salted_hashes_checked_in_constant_time(tmp_path):
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text('[auth]\ncookie_secret = "keep me"\n', encoding="utf-8")
    assert accounts.add_account(secrets, "alice", "correct horse battery") is False
    text = secrets.read_text(encoding="utf-8")
    assert "correct horse" not in text and 'cookie_secret = "keep me"' in text
    table = __import__("tomllib").loads(text)["cooptrack"]["accounts"]
    assert accounts.check_password(table, "alice", "correct horse battery")
    assert not accounts.check_password(table, "alice", "wrong password!")
    assert not accounts.check_password(table, "mallory", "correct horse battery")
    first_salt = table["alice"]["salt"]
    assert accounts.add_account(secrets, "alice", "another long secret") is True
    table = __import__("tomllib").loads(secrets.read_text())["cooptrack"]["accounts"]
    assert table["alice"]["salt"] != first_salt and list(table) == ["alice"]
    with pytest.raises(InputError, match="at least 10 characters"):
        accounts.add_account(secrets, "bob", "short")
    with pytest.raises(InputError, match="not an account name"):
        accounts.add_account(secrets, "Bob Smith", "long enough password")


def test_add_editor_command_reads_the_password_without_echoing_it(tmp_path):
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


def test_cli_imports_an_iati_file_after_a_dry_run(writable, capsys):
    xml = str(IATI / "ca-environment-2.03.xml")
    assert main(["import", xml, "--db", str(writable), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "2 phases to add" in out and "0 problems" in out
    assert main(["import", xml, "--db", str(writable), "--editor", "ed"]) == 0
    assert "backup taken before" in capsys.readouterr().err
    with Store.open(writable) as store:
        phases = store.rows("SELECT count(*) FROM phases")[0][0]
        vias = {v for (v,) in store.rows("SELECT DISTINCT via FROM history")}
    assert phases == 5 and vias == {"iati ca-environment-2.03.xml"}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("xxe.xml", "refused for safety"),
        ("billion-laughs.xml", "refused for safety"),
        ("malformed.xml", "not well-formed XML"),
        ("not-iati.xml", "not an IATI"),
    ],
)
def test_cli_refuses_dangerous_or_wrong_xml(writable, capsys, name, message):
    assert main(["import", str(IATI / name), "--db", str(writable)]) == 2
    assert message in capsys.readouterr().err
    with Store.open(writable) as store:
        assert store.rows("SELECT count(*) FROM history")[0][0] == 0
