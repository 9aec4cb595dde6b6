"""Consistent copies of the whole database, and putting one back.

A backup is DuckDB's EXPORT DATABASE (schema, load script and one Parquet file per table in a
folder), taken through the open connection, so it is consistent even while the dashboard runs.

A backup folder is untrusted input when it comes back: its `schema.sql` and `load.sql` could
hold any SQL (a `COPY … TO` that writes a file, an `ATTACH`, an `INSTALL`). Restoring therefore
runs neither. It creates this release's own schema, reads each of the project's tables from
`<table>.parquet` in the folder (a regular file, no link) with the columns named from the
current table definition and their types checked, derives the facts again, and moves the new
file into place: the old file is never half-replaced, and a refused backup changes nothing.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cooptrack import files
from cooptrack.db import schema
from cooptrack.db.store import Store, explain, quiet
from cooptrack.errors import InputError, StoreError

MARKER = "cooptrack-backup.txt"
_VERSION_LINE = re.compile(r"schema ([0-9]{1,4})")
_GLOB = re.compile(r"[*?\[]")
# Tables a restore never reads: made again from the others (facts, totals) or by create().
_DERIVED = {*schema.FACTS, *schema.TOTALS, "schema_meta"}
_FIRST_VERSION_WITH = {"history": 2}  # tables older backups may lack
_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def default_folder(database: Path, reason: str = "backup") -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return database.parent / "backups" / f"{database.stem}-{stamp}-{reason}"


def backup(store: Store, folder: Path | None = None, reason: str = "backup") -> Path:
    """Write the whole database to `folder` (a new or empty folder); return it. The backup is
    made in a hidden folder beside it and renamed, so a failed one leaves nothing behind."""
    target = folder or default_folder(store.path, reason)
    try:
        with files.new_folder(target) as temporary:
            escaped = files.for_duckdb(temporary, target).replace("'", "''")
            with store.cursor() as cursor:
                cursor.execute(f"EXPORT DATABASE '{escaped}' (FORMAT parquet)")
            (temporary / MARKER).write_text(
                f"cooptrack backup of {store.path}\nschema {schema.SCHEMA_VERSION}\n",
                encoding="utf-8",
            )
    except InputError as refused:  # callers (import, the Edit page) expect a StoreError
        raise StoreError(str(refused)) from None
    return target


def restore(folder: Path, database: Path, force: bool = False) -> None:
    """Rebuild `database` from a backup folder, all at once (see the module's docstring)."""
    version = backup_version(folder)
    if files.check_file_target(database) and not force:
        raise StoreError(f"{files.shown(database)} already exists; add --force to replace it")
    with files.replacing(database, make_parents=True, leftovers=(".wal",)) as temporary:
        os.unlink(temporary)  # DuckDB makes its own file
        try:
            connection = quiet(
                duckdb.connect(files.for_duckdb(temporary, database), config=_CONFIG)
            )
            try:
                _load(connection, folder, version)
            finally:
                connection.close()
        except duckdb.Error as error:
            raise explain(error, folder) from error
        with Store.open(temporary, read_only=False):
            pass  # the file opens as a current cooptrack database


def backup_version(folder: Path) -> int:
    """The schema version a backup folder says it holds; refuse what is not one we can read."""
    marker = folder / MARKER
    files.for_duckdb(folder)
    if _GLOB.search(str(folder)):
        raise StoreError(
            f"{files.shown(folder)}: a backup folder's path cannot hold *, ? or [ (DuckDB reads "
            "them as wildcards); rename the folder and try again"
        )
    if not folder.is_dir():
        what = files.describe(folder) or ("a file" if folder.exists() else "nothing is there")
        raise StoreError(f"{files.shown(folder)} is not a cooptrack backup folder ({what})")
    if files.describe(marker) is not None or not marker.exists():
        raise StoreError(f"{files.shown(folder)} is not a cooptrack backup folder (no {MARKER})")
    try:
        lines = marker.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise StoreError(f"{files.shown(folder)}: {MARKER} cannot be read as text") from None
    versions = [int(m.group(1)) for m in map(_VERSION_LINE.fullmatch, lines) if m]
    if not versions:
        raise StoreError(
            f"{files.shown(folder)}: {MARKER} does not say which schema the backup holds"
        )
    if versions[-1] > schema.SCHEMA_VERSION:
        raise StoreError(
            f"{files.shown(folder)} was written by a newer cooptrack (schema {versions[-1]}; "
            f"this one reads up to {schema.SCHEMA_VERSION}); upgrade cooptrack to restore it"
        )
    return versions[-1]


def _load(connection: duckdb.DuckDBPyConnection, folder: Path, version: int) -> None:
    """Create the current schema and fill its tables from the folder, in one transaction."""
    connection.execute("BEGIN TRANSACTION")
    schema.create(connection)
    tables = _data_tables(connection)
    _refuse_unknown_files(folder, tables)
    for table in tables:
        source = folder / f"{table}.parquet"
        if not source.exists() and version < _FIRST_VERSION_WITH.get(table, 0):
            continue
        _load_table(connection, table, source, folder)
    schema.rebuild_facts(connection)
    connection.execute("COMMIT")
    connection.execute("CHECKPOINT")


def _data_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    found = connection.execute(
        "SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND NOT temporary ORDER BY table_name"
    ).fetchall()
    return [name for (name,) in found if name not in _DERIVED]


def _refuse_unknown_files(folder: Path, tables: list[str]) -> None:
    known = {f"{table}.parquet" for table in (*tables, *_DERIVED)}
    for entry in sorted(os.listdir(folder)):
        if entry.endswith(".parquet") and entry not in known:
            raise StoreError(
                f"{files.shown(folder)} holds {entry}, which is not a table of cooptrack; "
                "refusing a backup that has been changed"
            )


def _load_table(
    connection: duckdb.DuckDBPyConnection, table: str, source: Path, folder: Path
) -> None:
    """Insert one table's rows from its Parquet file, column by column as this release
    defines them; a file, column or type that does not belong is refused."""
    kind = files.describe(source)
    if kind is not None or not source.exists():
        what = f"is {kind}" if kind else "is missing"
        raise StoreError(f"{files.shown(folder)}: {source.name} {what}; refusing the backup")
    expected = dict(
        connection.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            "WHERE table_name = ? AND database_name = current_database()",
            [table],
        ).fetchall()
    )
    present = connection.execute(
        "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))",
        [str(source)],
    ).fetchall()
    for column, column_type in present:
        if column not in expected:
            raise StoreError(
                f"{files.shown(folder)}: {table} has a column {column!r} cooptrack does not know"
            )
        if column_type != expected[column]:
            raise StoreError(
                f"{files.shown(folder)}: {table}.{column} is {column_type} in the backup; "
                f"cooptrack keeps it as {expected[column]}"
            )
    names = ", ".join(f'"{column}"' for column, _ in present)
    connection.execute(
        f"INSERT INTO {table} ({names}) SELECT {names} FROM read_parquet(?)", [str(source)]
    )
