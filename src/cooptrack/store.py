"""The one DuckDB connection of a process, and the boundary where DuckDB errors become ours.

Every query runs on its own `cursor()`: Streamlit serves sessions from several threads, and a
connection shared between threads without cursors gives wrong results. Results come back through
Arrow, which is far faster than `.df()`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pandas as pd

from cooptrack import schema
from cooptrack.errors import EditConflict, StoreError

DEFAULT_DB = Path("data/cooptrack.duckdb")
DB_ENV = "COOPTRACK_DB"
Params = Sequence[Any] | Mapping[str, Any] | None
_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": True,
}


def default_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--db` beats `COOPTRACK_DB`, which beats `data/cooptrack.duckdb`."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def explain(error: duckdb.Error, path: Path) -> StoreError:
    """Turn a DuckDB error into one sentence saying what happened and what to do."""
    text = str(error)
    if "Could not set lock" in text or "Conflicting lock" in text:
        pid = re.search(r"\(PID (\d+)\)", text)
        holder = f" (process {pid.group(1)})" if pid else ""
        return StoreError(
            f"{path} is open for writing in another process{holder}, such as the dashboard "
            "or another cooptrack command; wait for it to finish or stop it, then try again "
            "(while the dashboard runs, editors can import from its Edit page)"
        )
    if "not a valid DuckDB database" in text or "Invalid database file" in text:
        return StoreError(f"{path} is not a DuckDB database file")
    if "older than" in text or ("newer" in text and "version" in text):
        return StoreError(f"{path} was written by an incompatible DuckDB version: {_first(text)}")
    return StoreError(f"database error on {path}: {_first(text)}")


def _first(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"


class Store:
    """An open cooptrack database. Use `Store.open(path)`; close it, or use it as a context."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
        self._connection = connection
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, read_only: bool = True) -> Store:
        """Open an existing database, migrating an older schema; raise StoreError with a reason."""
        target = default_path(path)
        if not target.exists():
            raise StoreError(
                f"no database at {target}; create it with: cooptrack init --db {target}"
            )
        if target.is_dir():
            raise StoreError(f"{target} is a folder, not a database file")
        connection = _connect(target, read_only)
        try:
            version = _checked_version(connection, target)
        except BaseException:
            connection.close()
            raise
        if version < schema.SCHEMA_VERSION or _derived_outdated(connection):
            connection.close()
            _migrate_file(target)
            connection = _connect(target, read_only)
        return cls(connection, target, read_only)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one query or one script; DuckDB errors become StoreError."""
        cursor = self._connection.cursor()
        try:
            yield cursor
        except duckdb.Error as error:
            raise explain(error, self.path) from error
        finally:
            cursor.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside one transaction: committed when the block ends, rolled back on any
        error, so a write is all or nothing. Concurrent conflicting writes become EditConflict.
        The facts of the records the block logged in history are refreshed before it commits."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only; it cannot be changed here")
        with self.cursor() as cursor:
            cursor.execute("BEGIN TRANSACTION")
            try:
                logged_before = schema.history_mark(cursor)
                yield cursor
                schema.refresh_facts(cursor, since=logged_before)
                cursor.execute("COMMIT")
            except duckdb.TransactionException as error:
                cursor.execute("ROLLBACK")
                if "conflict" not in str(error).lower():
                    raise  # an aborted transaction, say: not someone else's edit
                raise EditConflict("the record", []) from error
            except BaseException:
                cursor.execute("ROLLBACK")
                raise

    def frame(self, sql: str, params: Params = None) -> pd.DataFrame:
        """Run a query and return its rows as a DataFrame, fetched through Arrow."""
        with self.cursor() as cursor:
            table = cursor.sql(sql, params=params).to_arrow_table()
        frame: pd.DataFrame = table.to_pandas()
        return frame

    def rows(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        with self.cursor() as cursor:
            return cursor.execute(sql, params).fetchall()

    def copy_csv(self, sql: str, params: Params, destination: Path) -> None:
        """Write a query's result as RFC 4180 CSV with DuckDB's own writer (COPY)."""
        target = str(destination).replace("'", "''")
        with self.cursor() as cursor:
            cursor.execute(
                f"COPY ({sql}) TO '{target}' (FORMAT csv, HEADER true, DELIMITER ',', "
                "QUOTE '\"', ESCAPE '\"', NULLSTR '', DATEFORMAT '%Y-%m-%d')",
                params,
            )


def quiet(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """No progress bar (its cursors inherit this): on stdout it would break CSV written there."""
    connection.execute("SET enable_progress_bar = false")
    return connection


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return quiet(duckdb.connect(str(path), read_only=read_only, config=_CONFIG))
    except duckdb.Error as error:
        raise explain(error, path) from error


def _checked_version(connection: duckdb.DuckDBPyConnection, path: Path) -> int:
    try:
        version = schema.stored_version(connection)
    except duckdb.Error as error:
        raise explain(error, path) from error
    if version is None:
        raise StoreError(f"{path} is a DuckDB file but not a cooptrack database")
    if version > schema.SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer cooptrack (schema {version}; this one reads up to "
            f"{schema.SCHEMA_VERSION}); upgrade cooptrack to open it"
        )
    return version


def _derived_outdated(connection: duckdb.DuckDBPyConnection) -> bool:
    """True when the file's macros and views come from another release of cooptrack."""
    return schema.stored_digest(connection) != schema.derived_digest()


def _migrate_file(path: Path) -> None:
    connection = _connect(path, read_only=False)
    try:
        version = _checked_version(connection, path)
        schema.migrate(connection, version)
    except duckdb.Error as error:
        raise explain(error, path) from error
    finally:
        connection.close()
