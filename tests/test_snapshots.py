"""One writer, many readers: the writer publishes a whole snapshot after every committed change,
readers follow the newest one between page runs without ever mixing two, and no state of the
folder (a missing, foreign or broken snapshot, a killed copy) stops a reader."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cooptrack import config
from cooptrack.cli import main
from cooptrack.db import backup, snapshots
from cooptrack.db.store import Store, connect_remote
from cooptrack.errors import ConfigError, InputError, StoreError
from cooptrack.record import edits

CITY = "SELECT city FROM meetings WHERE id = 'wgecc-9'"
TABLES = ("meetings", "phases", "commitments", "followups", "history")


@pytest.fixture
def deployment(
    bundled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    """A copy of the bundled record and the snapshot folder every writer publishes in."""
    database = tmp_path / "record.duckdb"
    shutil.copyfile(bundled_db, database)
    folder = tmp_path / "snapshots"
    monkeypatch.setenv("COOPTRACK_SNAPSHOTS", str(folder))
    return database, folder


@pytest.fixture
def editor(deployment: tuple[Path, Path]) -> Iterator[Store]:
    with Store.open_shared(deployment[0]) as store:
        yield store


@pytest.fixture
def viewer(editor: Store, deployment: tuple[Path, Path]) -> Iterator[Store]:
    with Store.open_viewer(deployment[1]) as store:
        yield store


def change_city(store: Store, city: str) -> None:
    with store.cursor() as cursor:
        record = edits.fetch(cursor, "meetings", "wgecc-9")
    assert record is not None
    strings = edits.to_strings("meetings", record) | {"city": city}
    edits.save(store, "tester", "meetings", strings, expected=record)


def content(store: Store) -> dict[str, list[str]]:
    return {table: sorted(map(repr, store.rows(f"SELECT * FROM {table}"))) for table in TABLES}


def file_content(path: Path) -> dict[str, list[str]]:
    with Store.open(path) as store:
        return content(store)


def in_thread(work: object) -> None:
    """Run `work` in a thread of its own (as Streamlit runs each session), and wait."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()  # type: ignore[operator]
        except BaseException as error:
            failures.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    if failures:
        raise failures[0]


# --- publishing ----------------------------------------------------------------------------


def test_the_editor_publishes_at_start_and_after_every_write(
    editor: Store, deployment: tuple[Path, Path]
) -> None:
    database, folder = deployment
    first = snapshots.current(folder)
    assert first is not None and first.name == "record-00000001.duckdb"
    change_city(editor, "Bruxelles")
    second = snapshots.current(folder)
    assert second is not None and second.name == "record-00000002.duckdb"
    assert file_content(second) == file_content(database)
    assert file_content(first) != file_content(second)
    assert editor.rows(CITY) == [("Bruxelles",)]  # the writer reads its own write at once


def test_a_refused_write_publishes_nothing(editor: Store, deployment: tuple[Path, Path]) -> None:
    with editor.cursor() as cursor:
        record = edits.fetch(cursor, "meetings", "wgecc-9")
    assert record is not None
    strings = edits.to_strings("meetings", record) | {"start": "2021-02-30"}
    with pytest.raises(InputError, match="2021-02-30"):
        edits.save(editor, "tester", "meetings", strings, expected=record)
    assert [p.name for _, p in snapshots.numbered(deployment[1])] == ["record-00000001.duckdb"]


def test_writing_commands_publish_and_the_editor_holds_no_lock_between_writes(
    editor: Store, deployment: tuple[Path, Path], tmp_path: Path
) -> None:
    """While the editor's store is open, a command takes the file read-write (the editor
    reads snapshots), and both the editor and a viewer see what it wrote on their next run."""
    database, folder = deployment
    upload = tmp_path / "two.csv"
    upload.write_text(
        "id,title,kind,start_date,status,sources\n"
        "snap-1,Snapshot test meeting one,workshop,2027,planned,no public source\n"
        "snap-2,Snapshot test meeting two,workshop,2027,planned,no public source\n",
        encoding="utf-8",
    )
    with Store.open_viewer(folder) as viewer:
        before = viewer.rows("SELECT count(*) FROM meetings")[0][0]
        assert main(["import", str(upload), "--db", str(database)]) == 0
        assert viewer.rows("SELECT count(*) FROM meetings") == [(before,)]  # until its next run
        viewer.begin_read()
        editor.begin_read()
        assert viewer.rows("SELECT count(*) FROM meetings") == [(before + 2,)]
        assert editor.rows("SELECT count(*) FROM meetings") == [(before + 2,)]


def test_init_restore_and_migrate_publish(
    deployment: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database, folder = deployment
    assert main(["migrate", "--db", str(database)]) == 0
    assert "published a snapshot" in capsys.readouterr().err
    with Store.open(database) as store:
        saved = backup.backup(store, tmp_path / "backup")
    assert main(["init", "--db", str(database), "--force", "--empty"]) == 0
    empty = snapshots.current(folder)
    assert empty is not None and file_content(empty)["meetings"] == []
    assert main(["restore", str(saved), "--db", str(database), "--force"]) == 0
    restored = snapshots.current(folder)
    assert restored is not None and file_content(restored) == file_content(database)
    assert len(snapshots.numbered(folder)) == 3


def test_without_a_snapshot_folder_nothing_is_published(
    bundled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COOPTRACK_SNAPSHOTS", raising=False)
    database = tmp_path / "record.duckdb"
    shutil.copyfile(bundled_db, database)
    with Store.open_shared(database) as store:
        change_city(store, "Bruxelles")
    assert os.listdir(tmp_path) == ["record.duckdb"]


def test_a_folder_beside_the_database_is_found_without_a_setting(
    bundled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COOPTRACK_SNAPSHOTS", raising=False)
    database = tmp_path / "record.duckdb"
    shutil.copyfile(bundled_db, database)
    beside = tmp_path / "record.duckdb.snapshots"
    beside.mkdir()
    assert config.snapshot_folder(database) == beside
    with Store.open(database, read_only=False) as store, store.transaction() as cursor:
        cursor.execute("UPDATE meetings SET city = 'Bruxelles' WHERE id = 'wgecc-9'")
    published = snapshots.current(beside)
    assert published is not None and file_content(published) == file_content(database)


# --- reading -------------------------------------------------------------------------------


def test_a_viewer_moves_on_only_when_a_run_begins_and_never_writes(
    editor: Store, viewer: Store
) -> None:
    assert viewer.viewer and not viewer.writable
    change_city(editor, "Bruxelles")
    assert viewer.rows(CITY) == [("Brussels",)]
    before = viewer.revision()
    assert viewer.begin_read() != before
    assert viewer.rows(CITY) == [("Bruxelles",)]
    with pytest.raises(StoreError, match="read-only"), viewer.transaction():
        pass


def test_a_page_run_reads_one_snapshot_to_its_end(editor: Store, viewer: Store) -> None:
    """A run pinned before a change keeps reading the old snapshot even after another
    session moved the process on; its next run reads the new one; the old one is closed once
    no run holds it."""
    copies = viewer._copies
    assert copies is not None
    started = threading.Event()
    moved = threading.Event()
    seen: list[object] = []

    def long_run() -> None:
        viewer.begin_read()
        seen.append(viewer.rows(CITY)[0][0])
        started.set()
        moved.wait(30)
        seen.append(viewer.rows(CITY)[0][0])  # the same run, after the switch
        viewer.begin_read()
        seen.append(viewer.rows(CITY)[0][0])  # its next run

    runner = threading.Thread(target=long_run)
    runner.start()
    started.wait(30)
    change_city(editor, "Bruxelles")
    in_thread(viewer.begin_read)  # another session's run moves the process on
    assert copies.open_count() == 2  # the old snapshot is still read
    moved.set()
    runner.join(30)
    assert seen == ["Brussels", "Brussels", "Bruxelles"]
    in_thread(viewer.begin_read)
    assert copies.open_count() == 1


def test_a_running_query_is_not_broken_by_a_switch(editor: Store, viewer: Store) -> None:
    copies = viewer._copies
    assert copies is not None
    with viewer.cursor() as cursor:
        change_city(editor, "Bruxelles")
        in_thread(viewer.begin_read)
        assert copies.open_count() == 2
        assert cursor.execute(CITY).fetchall() == [("Brussels",)]
    in_thread(viewer.begin_read)
    assert copies.open_count() == 1


@pytest.mark.parametrize(
    ("pointer", "breakage"),
    [
        ("record-00000009.duckdb", "missing"),
        ("../record.duckdb", "foreign"),
        ("record-00000002.duckdb", "corrupt"),
        ("record-00000002.duckdb", "empty"),
    ],
)
def test_a_pointer_to_a_missing_or_broken_snapshot_keeps_the_current_one(
    editor: Store,
    viewer: Store,
    deployment: tuple[Path, Path],
    caplog: pytest.LogCaptureFixture,
    pointer: str,
    breakage: str,
) -> None:
    folder = deployment[1]
    if breakage == "corrupt":
        (folder / pointer).write_bytes(b"not a database" * 1000)
    elif breakage == "empty":
        (folder / pointer).write_bytes(b"")
    (folder / "CURRENT").write_text(pointer + "\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="cooptrack.store"):
        for _ in range(3):
            viewer.begin_read()
            assert viewer.rows(CITY) == [("Brussels",)]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "keeping snapshot record-00000001.duckdb" in warnings[0].message
    change_city(editor, "Bruxelles")  # the next good publication is followed
    viewer.begin_read()
    assert viewer.rows(CITY) == [("Bruxelles",)]


def test_a_viewer_with_nothing_published_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(
        StoreError, match=r"no snapshot has been published in .*COOPTRACK_SNAPSHOTS"
    ):
        Store.open_viewer(tmp_path)


def test_a_snapshot_of_another_release_is_not_read(deployment: tuple[Path, Path]) -> None:
    database, folder = deployment
    assert main(["migrate", "--db", str(database)]) == 0
    newest = snapshots.current(folder)
    assert newest is not None
    with duckdb.connect(str(newest)) as connection:
        connection.execute("UPDATE schema_meta SET value = '2' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="another release"):
        Store.open_viewer(folder)


def test_an_open_snapshot_outlives_its_removal(editor: Store, viewer: Store) -> None:
    """Pruning may remove a snapshot a viewer on this machine still reads: it reads on."""
    viewer.path.unlink()
    assert viewer.rows(CITY) == [("Brussels",)]


# --- the folder ----------------------------------------------------------------------------


def test_pruning_keeps_the_newest_the_pointed_and_the_young(tmp_path: Path) -> None:
    for number in range(1, 7):
        (tmp_path / snapshots.snapshot_name(number)).write_bytes(b"x")
    (tmp_path / "CURRENT").write_text(snapshots.snapshot_name(2), encoding="utf-8")
    leftover = tmp_path / ".record-00000007.duckdb.4242.tmp"
    leftover.write_bytes(b"half")
    old = time.time() - 7200
    for path in tmp_path.iterdir():
        os.utime(path, (old, old))
    os.utime(tmp_path / snapshots.snapshot_name(1), None)  # just written: too young to go
    snapshots.prune(tmp_path, keep=3, min_age=60)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["CURRENT", *(snapshots.snapshot_name(n) for n in (1, 2, 4, 5, 6))]


def test_publishing_keeps_a_bounded_folder(editor: Store, deployment: tuple[Path, Path]) -> None:
    folder = deployment[1]
    for city in ("A", "B", "C", "D", "E"):
        change_city(editor, city)
    past = time.time() - 3600
    for _, path in snapshots.numbered(folder):
        os.utime(path, (past, past))
    change_city(editor, "F")
    names = [p.name for _, p in snapshots.numbered(folder)]
    assert names == [snapshots.snapshot_name(n) for n in (5, 6, 7)]
    assert snapshots.current(folder) == folder / snapshots.snapshot_name(7)


def test_a_copy_that_cannot_be_read_is_never_pointed_at(
    deployment: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    database, folder = deployment

    def refuse(path: Path) -> None:
        raise StoreError(f"{path.name} is damaged")

    with pytest.raises(StoreError, match="damaged"):
        snapshots.publish(database, folder, refuse)
    assert snapshots.current(folder) is None and os.listdir(folder) == []


def test_the_pointer_only_names_snapshots_of_its_folder(tmp_path: Path) -> None:
    (tmp_path / "CURRENT").write_text("/etc/passwd", encoding="utf-8")
    with pytest.raises(StoreError, match="does not name a snapshot"):
        snapshots.current(tmp_path)


# --- settings and the boundary past one machine ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "reader"),
    [
        ("COOPTRACK_ROLE", "reader", config.role),
        ("COOPTRACK_LOG_FORMAT", "xml", config.log_format),
    ],
)
def test_bad_settings_are_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, reader: object
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=f"{name}='{value}'"):
        reader()  # type: ignore[operator]


def test_a_snapshot_setting_that_is_a_file_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    monkeypatch.setenv("COOPTRACK_SNAPSHOTS", str(tmp_path / "file"))
    with pytest.raises(ConfigError, match=r"COOPTRACK_SNAPSHOTS=.* is not a folder"):
        config.snapshot_folder(tmp_path / "record.duckdb")


def test_serve_as_a_viewer_needs_a_published_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("COOPTRACK_SNAPSHOTS", raising=False)
    monkeypatch.delenv("COOPTRACK_ROLE", raising=False)
    database = str(tmp_path / "none.duckdb")
    assert main(["serve", "--viewer", "--db", database]) == 2
    assert "give --snapshots FOLDER" in capsys.readouterr().err
    assert main(["serve", "--viewer", "--snapshots", str(tmp_path)]) == 2
    assert "no snapshot has been published" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("address", "missing"),
    [
        ("ducklake:postgres:dbname=record host=db password=secret", "ducklake and postgres"),
        ("ducklake:metadata.ducklake", "ducklake extension"),
        ("md:record?motherduck_token=secret", "motherduck extension"),
    ],
)
def test_a_remote_record_names_the_missing_extensions_and_never_the_address(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    address: str,
    missing: str,
) -> None:
    with pytest.raises(ConfigError, match=missing) as refused:
        connect_remote(address)
    assert "secret" not in str(refused.value) and "INSTALL" in str(refused.value)
    monkeypatch.setenv("COOPTRACK_DB", address)
    assert main(["export", "meetings"]) == 2
    error = capsys.readouterr().err
    assert missing in error and "secret" not in error


# --- one watchdog for every query ---------------------------------------------------------------


def test_a_query_past_its_time_is_stopped_and_the_others_are_not(
    bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process's one watchdog thread stops a query past its time, never one that ended
    in time, and the store goes on answering."""
    monkeypatch.delenv("COOPTRACK_SNAPSHOTS", raising=False)
    with Store.open(bundled_db) as store:
        store.query_seconds = 0.3
        for _ in range(200):  # each of these ends in time: none may be hit later
            assert store.rows("SELECT count(*) FROM meetings")[0][0] > 0
        started = time.monotonic()
        with pytest.raises(StoreError, match=r"longer than 0\.3 s"):
            store.rows("SELECT count(*) FROM range(100000000000) a")
        assert time.monotonic() - started < 10
        assert store.rows("SELECT count(*) FROM meetings")[0][0] > 0
        assert sum(t.name == "cooptrack-query-watchdog" for t in threading.enumerate()) == 1
