"""`make run` serves the bundled record after an update too: `cooptrack init --refresh` rebuilds
a database built from an earlier bundled record, and never one holding saved changes or
another record."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED_DIR, seed_count

from cooptrack.db.store import Store
from cooptrack.record import edits
from cooptrack.record.refresh import refresh
from cooptrack.record.seed import fingerprint


def meta(path: Path) -> dict[str, str]:
    with Store.open(path) as store:
        return dict(store.rows("SELECT key, value FROM schema_meta"))


def status_of(store: Store, ident: str) -> object:
    with store.cursor() as cursor:
        record = edits.fetch(cursor, "commitments", ident)
    assert record is not None
    return record["status"]


def meetings(path: Path) -> set[str]:
    with Store.open(path) as store:
        return {row[0] for row in store.rows("SELECT id FROM meetings")}


@pytest.fixture
def earlier(tmp_path: Path) -> Path:
    """The bundled seed as it was before an update: one meeting fewer, an earlier date."""
    folder = tmp_path / "earlier-seed"
    shutil.copytree(SEED_DIR, folder)
    lines = (folder / "meetings.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "meetings.csv").write_text("".join(lines[:-1]), encoding="utf-8")
    toml = folder / "dataset.toml"
    text = toml.read_text(encoding="utf-8")
    as_of = next(line for line in text.splitlines() if line.startswith("as_of"))
    toml.write_text(text.replace(as_of, "as_of = 2020-01-31"), encoding="utf-8")
    return folder


def test_a_missing_database_is_built_and_then_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "new.duckdb"
    built = refresh(SEED_DIR, target)
    assert built.action == "built" and len(meetings(target)) == seed_count("meetings")
    assert meta(target)["seed_fingerprint"] == fingerprint(SEED_DIR)
    written = target.stat().st_mtime_ns
    again = refresh(SEED_DIR, target)
    assert again.action == "current" and "as of" in again.message
    assert target.stat().st_mtime_ns == written  # not rewritten


def test_an_earlier_bundled_record_is_rebuilt_from_the_current_one(
    tmp_path: Path, earlier: Path
) -> None:
    target = tmp_path / "db.duckdb"
    refresh(earlier, target)
    assert len(meetings(target)) == seed_count("meetings") - 1
    assert fingerprint(earlier) != fingerprint(SEED_DIR)
    done = refresh(SEED_DIR, target)
    assert done.action == "rebuilt" and "2020-01-31" in done.message
    assert len(meetings(target)) == seed_count("meetings")
    assert meta(target)["seed_fingerprint"] == fingerprint(SEED_DIR)


def test_a_database_built_before_fingerprints_is_rebuilt_once(tmp_path: Path) -> None:
    target = tmp_path / "db.duckdb"
    refresh(SEED_DIR, target)
    with Store.open(target, read_only=False) as store, store.transaction() as cursor:
        cursor.execute("DELETE FROM schema_meta WHERE key = 'seed_fingerprint'")
    assert refresh(SEED_DIR, target).action == "rebuilt"
    assert refresh(SEED_DIR, target).action == "current"


def test_saved_changes_are_never_thrown_away(tmp_path: Path, earlier: Path) -> None:
    target = tmp_path / "db.duckdb"
    refresh(earlier, target)
    with Store.open(target, read_only=False) as store:
        with store.cursor() as cursor:
            before = edits.fetch(cursor, "commitments", "cc2-cop26-common-ground")
        assert before is not None
        strings = edits.to_strings("commitments", before)
        strings["status"] = "dropped"
        edits.save(store, "alice", "commitments", strings, expected=before)
    kept = refresh(SEED_DIR, target)
    assert kept.action == "kept"
    assert "1 saved change" in kept.message and "cooptrack init --force" in kept.message
    assert len(meetings(target)) == seed_count("meetings") - 1  # as it was, with the change
    with Store.open(target) as store:
        assert status_of(store, "cc2-cop26-common-ground") == "dropped"


def test_another_record_is_served_as_it_is(tmp_path: Path, earlier: Path) -> None:
    toml = earlier / "dataset.toml"
    text = toml.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title ="))
    toml.write_text(text.replace(title, 'title = "A record of my own"'), encoding="utf-8")
    target = tmp_path / "db.duckdb"
    refresh(earlier, target)
    other = refresh(SEED_DIR, target)
    assert other.action == "other" and "A record of my own" in other.message
    assert len(meetings(target)) == seed_count("meetings") - 1


def test_the_fingerprint_follows_every_seed_file(tmp_path: Path) -> None:
    folder = tmp_path / "seed"
    shutil.copytree(SEED_DIR, folder)
    first = fingerprint(folder)
    assert first == fingerprint(SEED_DIR)  # the folder's place does not count
    for name in sorted(p.name for p in folder.iterdir() if p.suffix in {".csv", ".toml"}):
        path = folder / name
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert fingerprint(folder) != first, name
        path.write_bytes(original)
    assert fingerprint(folder) == first


def cooptrack(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "cooptrack"
    return subprocess.run([script, *args], capture_output=True, text=True, check=False)


def test_the_command_says_what_it_did_and_refuses_contradictions(tmp_path: Path) -> None:
    target = str(tmp_path / "cli.duckdb")
    first = cooptrack("init", "--db", target, "--refresh")
    assert first.returncode == 0 and first.stderr.startswith("wrote ")
    second = cooptrack("init", "--db", target, "--refresh")
    assert second.returncode == 0 and "holds the bundled record as of" in second.stderr
    both = cooptrack("init", "--db", target, "--refresh", "--force")
    assert both.returncode == 2 and "not allowed with argument" in both.stderr
    empty = cooptrack("init", "--db", target, "--refresh", "--empty")
    assert empty.returncode == 2 and "does not take --empty" in empty.stderr
    for result in (first, second, both, empty):
        assert "Traceback" not in result.stderr
