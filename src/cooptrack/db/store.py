"""The one DuckDB connection of a process, and the boundary where DuckDB errors become ours.

Every query runs on its own `cursor()`: Streamlit serves sessions from several threads, and a
connection shared between threads without cursors gives wrong results. Results come back through
Arrow, which is far faster than `.df()`.

Only one process may hold a DuckDB file read-write, and while it does no other process can even
read it. So the dashboard opens the file *shared* (`Store.open_shared`): it reads through a
read-only connection, which lets `cooptrack export` and `backup` run beside it, and holds the file
read-write only for the moment of a write transaction. A read-only opening never writes: a file
from an older release must be migrated by a writer first (`cooptrack migrate`).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb

from cooptrack import config
from cooptrack.db import schema
from cooptrack.errors import EditConflict, StoreError

if TYPE_CHECKING:  # pandas takes a second to import: the command line must not wait for it
    import pandas as pd

Params = Sequence[Any] | Mapping[str, Any] | None
_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": True,
}


# How long a process waits for another one to let go of the file before a write gives up.
WRITE_WAIT_SECONDS = 10.0
# The longest a single query may run before it is stopped: one link must never hold a core
# for minutes. The dashboard sets it; the command line leaves it unbounded (None).
DEFAULT_QUERY_SECONDS = 30.0


# One shared store per file and process: DuckDB refuses a second connection to a file with
# another configuration, which a read-write swap in one Store would otherwise meet in another.
_SHARED: dict[Path, Store] = {}
_SHARED_LOCK = threading.Lock()


def default_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--db` beats `COOPTRACK_DB`, which beats `data/cooptrack.duckdb`."""
    return config.database_path(explicit)


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
    """An open cooptrack database. Use `Store.open(path)` or `Store.open_shared(path)`; close
    it, or use it as a context."""

    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection,
        path: Path,
        read_only: bool,
        *,
        shared: bool = False,
        query_seconds: float | None = None,
    ) -> None:
        self._connection = connection
        self.path = path
        self.read_only = read_only
        self.shared = shared
        self.query_seconds = query_seconds
        self._lock = _ReadWriteLock()
        self._users = 1  # shared stores are handed to every caller in the process

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, read_only: bool = True) -> Store:
        """Open an existing database; raise StoreError with a reason. A writable opening
        migrates an older schema; a read-only one never writes and says how to migrate."""
        target = _existing_file(default_path(path))
        connection = _connect(target, read_only)
        try:
            outdated = _outdated(connection, target)
        except BaseException:
            connection.close()
            raise
        if outdated and read_only:
            connection.close()
            raise StoreError(
                f"{target} was written by an older release of cooptrack and must be upgraded "
                f"before it can be read; run: cooptrack migrate --db {target}"
            )
        if outdated:
            _migrate(connection, target)
        return cls(connection, target, read_only)

    @classmethod
    def open_shared(
        cls,
        path: str | os.PathLike[str] | None = None,
        query_seconds: float | None = DEFAULT_QUERY_SECONDS,
    ) -> Store:
        """Open for a long-running server: reads go through a read-only connection, so other
        processes can read the file too; `transaction()` takes the file read-write only while
        it writes. Being a writer, it migrates an older file first."""
        target = _existing_file(default_path(path))
        key = target.resolve()
        with _SHARED_LOCK:
            opened = _SHARED.get(key)
            if opened is not None:
                opened._users += 1
                return opened
            connection = _connect(target, read_only=True)
            try:
                outdated = _outdated(connection, target)
            finally:
                connection.close()
            if outdated:
                with cls.open(target, read_only=False):
                    pass
            connection = _connect(target, read_only=True)
            opened = cls(connection, target, True, shared=True, query_seconds=query_seconds)
            _SHARED[key] = opened
            return opened

    @property
    def writable(self) -> bool:
        return self.shared or not self.read_only

    def close(self) -> None:
        """Close the connection (a shared store: once its last user closes it)."""
        if self.shared:
            with _SHARED_LOCK:
                self._users -= 1
                if self._users > 0:
                    return
                _SHARED.pop(self.path.resolve(), None)
        with self._lock.writing():
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
        """A cursor of its own for one query or one script; DuckDB errors become StoreError,
        and a query that runs past `query_seconds` is interrupted."""
        with self._lock.reading():
            cursor = self._connection.cursor()
            watchdog = _Watchdog(cursor, self.query_seconds)
            try:
                yield cursor
            except duckdb.InterruptException as error:
                if watchdog.fired:
                    raise StoreError(
                        f"the query took longer than {self.query_seconds:g} s and was stopped; "
                        "narrow the filters or the search and try again"
                    ) from error
                raise explain(error, self.path) from error
            except duckdb.Error as error:
                raise explain(error, self.path) from error
            finally:
                watchdog.cancel()
                cursor.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside one transaction: committed when the block ends, rolled back on any
        error, so a write is all or nothing. Concurrent conflicting writes become EditConflict.
        The facts of the records the block logged in history are refreshed before it commits."""
        if not self.writable:
            raise StoreError(f"{self.path} is open read-only; it cannot be changed here")
        if not self.shared:
            with self.cursor() as cursor:
                yield from _in_transaction(cursor)
            return
        with self._lock.writing(), self._writable_connection() as connection:
            cursor = connection.cursor()
            try:
                yield from _in_transaction(cursor)
            except duckdb.Error as error:
                raise explain(error, self.path) from error
            finally:
                cursor.close()

    @contextmanager
    def _writable_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Swap the read-only connection for a read-write one for the length of a write (the
        caller holds the write lock: no query is running), and back again afterwards."""
        self._connection.close()
        try:
            writer = _connect_when_free(self.path)
            try:
                self._connection = writer
                yield writer
                writer.execute("CHECKPOINT")
            finally:
                writer.close()
        finally:
            self._connection = _connect(self.path, read_only=True)

    def frame(self, sql: str, params: Params = None) -> pd.DataFrame:
        """Run a query and return its rows as a DataFrame, fetched through Arrow."""
        with self.cursor() as cursor:
            table = cursor.sql(sql, params=params).to_arrow_table()
        frame: pd.DataFrame = table.to_pandas()  # pyarrow brings pandas in only here
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


def insert(
    cursor: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert rows given by column name, naming the columns: a column added to a table can
    never shift values into the wrong place. Every row must name the same columns."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(f'"{column}"' for column in columns)
    marks = ", ".join("?" for _ in columns)
    cursor.executemany(
        f"INSERT INTO {table} ({names}) VALUES ({marks})",
        [[row[column] for column in columns] for row in rows],
    )


def _in_transaction(
    cursor: duckdb.DuckDBPyConnection,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The body of `Store.transaction` (a generator, for `yield from`)."""
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


class _ReadWriteLock:
    """Many readers or one writer, within one process. A thread that holds the writing side
    may read as well (a write may look things up through `cursor()`)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._readers = 0
        self._writer: int | None = None

    @contextmanager
    def reading(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._condition:
            if self._writer == me:
                yield
                return
            self._condition.wait_for(lambda: self._writer is None)
            self._readers += 1
        try:
            yield
        finally:
            with self._condition:
                self._readers -= 1
                self._condition.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._condition:
            if self._writer == me:
                raise StoreError("a write cannot start inside another write")
            self._condition.wait_for(lambda: self._writer is None)
            self._writer = me
            self._condition.wait_for(lambda: self._readers == 0)
        try:
            yield
        finally:
            with self._condition:
                self._writer = None
                self._condition.notify_all()


class _Watchdog:
    """Interrupts a cursor's query once `seconds` have passed (DuckDB has no statement
    timeout of its own)."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, seconds: float | None) -> None:
        self.fired = False
        self._timer: threading.Timer | None = None
        if seconds is not None:
            self._timer = threading.Timer(seconds, self._fire, [cursor])
            self._timer.daemon = True
            self._timer.start()

    def _fire(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self.fired = True
        cursor.interrupt()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def _existing_file(target: Path) -> Path:
    if not target.exists():
        raise StoreError(f"no database at {target}; create it with: cooptrack init --db {target}")
    if target.is_dir():
        raise StoreError(f"{target} is a folder, not a database file")
    if not target.is_file():  # a named pipe would make DuckDB wait forever
        raise StoreError(f"{target} is not a regular file, so it cannot be a database")
    return target


def _connect_when_free(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection, waiting a little while another process reads the file."""
    deadline = time.monotonic() + WRITE_WAIT_SECONDS
    while True:
        try:
            return _connect(path, read_only=False)
        except StoreError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _outdated(connection: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """True when the file's schema or its derived macros, views and facts are older."""
    version = _checked_version(connection, path)
    try:
        return version < schema.SCHEMA_VERSION or _derived_outdated(connection)
    except duckdb.Error as error:
        raise explain(error, path) from error


def _migrate(connection: duckdb.DuckDBPyConnection, path: Path) -> None:
    try:
        schema.migrate(connection, _checked_version(connection, path))
    except duckdb.Error as error:
        raise explain(error, path) from error


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
