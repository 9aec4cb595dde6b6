"""Consistent copies of the whole database, and putting one back.

A backup is DuckDB's EXPORT DATABASE (schema and Parquet files in a folder), taken through the
open connection, so it is consistent even while the dashboard runs. Restoring imports it into
a new file beside the target and moves that into place: the old file is never half-replaced.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cooptrack import schema
from cooptrack.errors import StoreError
from cooptrack.store import Store, explain, quiet

MARKER = "cooptrack-backup.txt"


def default_folder(database: Path, reason: str = "backup") -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return database.parent / "backups" / f"{database.stem}-{stamp}-{reason}"


def backup(store: Store, folder: Path | None = None, reason: str = "backup") -> Path:
    """Write the whole database to `folder` (a new or empty folder); return it."""
    target = folder or default_folder(store.path, reason)
    if target.exists() and any(target.iterdir()):
        raise StoreError(f"{target} is not empty; choose a new folder for the backup")
    target.mkdir(parents=True, exist_ok=True)
    escaped = str(target).replace("'", "''")
    with store.cursor() as cursor:
        cursor.execute(f"EXPORT DATABASE '{escaped}' (FORMAT parquet)")
    (target / MARKER).write_text(
        f"cooptrack backup of {store.path}\nschema {schema.SCHEMA_VERSION}\n", encoding="utf-8"
    )
    return target


def restore(folder: Path, database: Path, force: bool = False) -> None:
    """Rebuild `database` from a backup folder, all at once."""
    if not (folder / MARKER).exists() or not (folder / "schema.sql").exists():
        raise StoreError(f"{folder} is not a cooptrack backup folder (no {MARKER})")
    if database.exists() and not force:
        raise StoreError(f"{database} already exists; add --force to replace it")
    database.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{database.name}.", dir=database.parent)
    os.close(handle)
    os.unlink(temporary)
    escaped = str(folder).replace("'", "''")
    try:
        connection = quiet(duckdb.connect(temporary))
        try:
            connection.execute(f"IMPORT DATABASE '{escaped}'")
            connection.execute("CHECKPOINT")
        finally:
            connection.close()
        with Store.open(temporary):
            pass  # refuses a backup from a newer cooptrack, migrates an older one
        os.replace(temporary, database)
    except duckdb.Error as error:
        raise explain(error, folder) from error
    finally:
        for leftover in (temporary, f"{temporary}.wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
