"""Killed mid-way, nothing lost: a write SIGKILLed at a random moment leaves a file that opens
with exactly the content from before it or from after it, never a mixture.

Each operation runs as its own process (the command line, or a short script doing what the Edit
page does), is killed after a random fraction of the time it takes when left alone, and the file
is then opened as the next writer would open it. `make soak` kills many more times.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cooptrack.db import backup, schema
from cooptrack.db.store import Store
from cooptrack.query.export import export_bytes
from cooptrack.query.filters import Filters

pytestmark = pytest.mark.soak
ROUNDS = 40 if os.environ.get("HYPOTHESIS_PROFILE") == "soak" else 3
BASE_TABLES = ("meetings", "projects", "phases", "commitments", "followups", "history")

SAVE = """
import sys
from cooptrack.record import edits
from cooptrack.db.store import Store
with Store.open_shared(sys.argv[1]) as store:
    with store.cursor() as cursor:
        record = edits.fetch(cursor, "meetings", "wgecc-9")
    strings = edits.to_strings("meetings", record)
    strings["city"] = "Bruxelles"
    strings["summary"] = "Changed by a process that may be killed."
    edits.save(store, "kill-test", "meetings", strings, expected=record)
"""


def content(path: Path) -> dict[str, list[str]]:
    """The recorded tables (history without its clock) after opening as a writer would."""
    with Store.open(path, read_only=False) as store:
        found = {
            table: sorted(
                map(repr, store.rows(f"SELECT * EXCLUDE (changed_at) FROM {table}"))
                if table == "history"
                else map(repr, store.rows(f"SELECT * FROM {table}"))
            )
            for table in BASE_TABLES
        }
        for table in schema.FACTS:
            derived = f"SELECT * FROM {table}_source"
            drift = store.rows(f"SELECT count(*) FROM (FROM {table} EXCEPT ALL {derived})")
            assert drift == [(0,)], f"{table} does not match its source after the kill"
    return found


def command(operation: str, db: Path, work: Path) -> list[str]:
    cli = [sys.executable, "-m", "cooptrack.cli"]
    return {
        "import": [*cli, "import", str(work / "meetings.csv"), "--db", str(db), "--editor", "k"],
        "save": [sys.executable, "-c", SAVE, str(db)],
        "restore": [*cli, "restore", str(work / "backup"), "--db", str(db), "--force"],
        "init": [*cli, "init", "--db", str(db), "--force"],
    }[operation]


def prepare(operation: str, bundled_db: Path, work: Path) -> Path:
    """A database to write to, and the files the operation reads."""
    db = work / "record.duckdb"
    shutil.copyfile(bundled_db, db)
    with Store.open(db, read_only=False) as store:
        if operation == "import":
            rows = export_bytes(store, "meetings", Filters()).decode().splitlines()
            header, *body = rows
            body = [line.replace("held", "postponed", 1) for line in body]
            (work / "meetings.csv").write_text("\n".join([header, *body]) + "\n")
        if operation == "restore":
            backup.backup(store, work / "backup")
        if operation in ("restore", "init"):  # so that before and after differ
            with store.cursor() as cursor:
                cursor.execute("DELETE FROM followups")
                schema.rebuild_facts(cursor)
    return db


@pytest.mark.parametrize("operation", ["import", "save", "restore", "init"])
def test_a_killed_write_leaves_the_before_or_the_after(
    operation: str, bundled_db: Path, tmp_path: Path
) -> None:
    pristine = tmp_path / "pristine"
    pristine.mkdir()
    prepare(operation, bundled_db, pristine)
    before = content(pristine / "record.duckdb")
    whole = tmp_path / "whole"
    shutil.copytree(pristine, whole)
    started = time.monotonic()
    done = subprocess.run(
        command(operation, whole / "record.duckdb", whole), check=False, capture_output=True
    )
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr.decode()
    after = content(whole / "record.duckdb")
    assert after != before
    # The same command on a database path under a file fails right after its imports: how
    # long the process takes before it starts writing. Kills aim at the time after that.
    (tmp_path / "a-file").write_text("")
    started = time.monotonic()
    impossible = tmp_path / "a-file" / "record.duckdb"
    failed = subprocess.run(
        command(operation, impossible, pristine), check=False, capture_output=True
    )
    assert failed.returncode != 0
    startup = min(time.monotonic() - started, took)
    outcomes = []
    for round_ in range(ROUNDS):
        work = tmp_path / f"round-{round_}"
        shutil.copytree(pristine, work)
        process = subprocess.Popen(
            command(operation, work / "record.duckdb", work),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(startup + random.uniform(0.0, 1.1) * (took - startup))
        process.send_signal(signal.SIGKILL)
        process.wait()
        found = content(work / "record.duckdb")
        assert found in (before, after), f"round {round_}: a mixture of before and after"
        outcomes.append("after" if found == after else "before")
    print(f"{operation}: {ROUNDS} kills in a {took:.2f} s write gave {outcomes}")
