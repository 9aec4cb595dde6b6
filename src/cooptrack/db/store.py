"""The one DuckDB connection of a process, and the boundary where DuckDB errors become ours.

Every query runs on its own `cursor()`: Streamlit serves sessions from several threads, and a
connection shared between threads without cursors gives wrong results. Results come back through
Arrow, which is far faster than `.df()`.

Only one process may hold a DuckDB file read-write, and while it does no other process can even
read it. So the dashboard opens the file *shared* (`Store.open_shared`): it reads through a
read-only connection, which lets `cooptrack export` and `backup` run beside it, and holds the file
read-write only for the moment of a write transaction. A read-only opening never writes: a file
from an older release must be migrated by a writer first (`cooptrack migrate`).

With a snapshot folder (`COOPTRACK_SNAPSHOTS`, see `cooptrack.db.snapshots`) every committed
write also publishes a read-only copy of the file. Viewer processes (`Store.open_viewer`) read
the newest copy and move to a newer one between page runs; the editor's dashboard reads the
copies too, so it holds the file only while it writes and writing commands can take their turn.
"""

from __future__ import annotations

import heapq
import logging
import os
import re
import threading
import time
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb

from cooptrack import config
from cooptrack.db import schema, snapshots
from cooptrack.errors import ConfigError, EditConflict, StoreError
from cooptrack.i18n import _, number

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


# A snapshot a page run no longer reads is closed at once; one a run still reads is closed
# once the run ends, or after this long whatever happens (its run then reads the newest).
SNAPSHOT_GRACE_SECONDS = 120.0
# How soon a viewer tries again a snapshot it could not open (the pointer may have been copied
# to this machine before the file it names).
SNAPSHOT_RETRY_SECONDS = 5.0


# One shared store per file (or snapshot folder) and process: DuckDB refuses a second
# connection to a file with another configuration, which a read-write swap in one Store would
# otherwise meet in another.
_SHARED: dict[Path, Store] = {}
_SHARED_LOCK = threading.Lock()

log = logging.getLogger("cooptrack.store")


def default_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--db` beats `COOPTRACK_DB`, which beats `data/cooptrack.duckdb`."""
    return config.database_path(explicit)


def explain(error: duckdb.Error, path: Path) -> StoreError:
    """Turn a DuckDB error into one sentence saying what happened and what to do."""
    text = str(error)
    if "Could not set lock" in text or "Conflicting lock" in text:
        pid = re.search(r"\(PID (\d+)\)", text)
        if pid:
            reason = _(
                "{path} is open for writing in another process (process {pid}), such as the "
                "dashboard or another cooptrack command; wait for it to finish or stop it, then "
                "try again (while the dashboard runs, editors can import from its Edit page)"
            )
        else:
            reason = _(
                "{path} is open for writing in another process, such as the dashboard or "
                "another cooptrack command; wait for it to finish or stop it, then try again "
                "(while the dashboard runs, editors can import from its Edit page)"
            )
        return StoreError(reason.format(path=path, pid=pid.group(1) if pid else ""))
    if "not a valid DuckDB database" in text or "Invalid database file" in text:
        return StoreError(_("{path} is not a DuckDB database file").format(path=path))
    if "Out of Memory" in text:
        reason = _(
            "the record's database ran out of the memory it may use ({limit}, set by "
            "COOPTRACK_MEMORY); narrow the filters, or give it more (for example "
            "COOPTRACK_MEMORY=4GB) and try again"
        )
        return StoreError(reason.format(limit=config.memory_limit()))
    if "older than" in text or ("newer" in text and "version" in text):
        reason = _("{path} was written by an incompatible DuckDB version: {detail}")
        return StoreError(reason.format(path=path, detail=_first(text)))
    return StoreError(
        _("database error on {path}: {detail}").format(path=path, detail=_first(text))
    )


def _first(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"


class Store:
    """An open cooptrack database. Use `Store.open(path)`, `Store.open_shared(path)` or
    `Store.open_viewer(folder)`; close it, or use it as a context."""

    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection | None,
        path: Path,
        read_only: bool,
        *,
        shared: bool = False,
        query_seconds: float | None = None,
        publish_to: Path | None = None,
        copies: _Snapshots | None = None,
    ) -> None:
        self._connection = connection
        self.path = path
        self.read_only = read_only
        self.shared = shared
        self.query_seconds = query_seconds
        self.publish_to = publish_to  # where each committed write publishes a snapshot
        self._copies = copies  # the snapshots reads go to, instead of `path`
        self._lock = _ReadWriteLock()
        self._users = 1  # shared stores are handed to every caller in the process
        self._write_mutex = threading.Lock()
        self._writing: tuple[int, duckdb.DuckDBPyConnection] | None = None
        self._shared_key: Path | None = None
        self._run = threading.local()  # the revision a page run reads (see begin_read)

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, read_only: bool = True) -> Store:
        """Open an existing database; raise StoreError with a reason. A writable opening
        migrates an older schema; a read-only one never writes and says how to migrate."""
        _refuse_remote(path)
        target = _existing_file(default_path(path))
        folder = config.snapshot_folder(target)
        # With snapshots the dashboard holds the file only while it saves: wait for its turn.
        connection = (
            _connect_when_free(target, read_only) if folder else _connect(target, read_only)
        )
        try:
            outdated = _outdated(connection, target)
        except BaseException:
            connection.close()
            raise
        if outdated and read_only:
            connection.close()
            reason = _(
                "{path} was written by an older release of cooptrack and must be upgraded "
                "before it can be read; run: cooptrack migrate --db {path}"
            )
            raise StoreError(reason.format(path=target))
        opened = cls(connection, target, read_only, publish_to=None if read_only else folder)
        if outdated:
            try:
                _migrate(connection, target)
                opened.publish(connection)
            except BaseException:
                connection.close()
                raise
        return opened

    @classmethod
    def open_shared(
        cls,
        path: str | os.PathLike[str] | None = None,
        query_seconds: float | None = DEFAULT_QUERY_SECONDS,
    ) -> Store:
        """Open for a long-running server: reads go through a read-only connection, so other
        processes can read the file too; `transaction()` takes the file read-write only while
        it writes. Being a writer, it migrates an older file first. With a snapshot folder it
        publishes a snapshot now and after every write, and reads the newest snapshot."""
        _refuse_remote(path)
        target = _existing_file(default_path(path))
        key = target.resolve()
        with _SHARED_LOCK:
            opened = _SHARED.get(key)
            if opened is not None:
                opened._users += 1
                return opened
            folder = config.snapshot_folder(target)
            if folder is not None:
                opened = cls._publishing(target, folder, query_seconds)
            else:
                opened = cls._reading_the_file(target, query_seconds)
            _SHARED[key] = opened
            return opened

    @classmethod
    def _reading_the_file(cls, target: Path, query_seconds: float | None) -> Store:
        connection = _connect(target, read_only=True)
        try:
            outdated = _outdated(connection, target)
        finally:
            connection.close()
        if outdated:
            with cls.open(target, read_only=False):
                pass
        connection = _connect(target, read_only=True)
        return cls(connection, target, True, shared=True, query_seconds=query_seconds)

    @classmethod
    def _publishing(cls, target: Path, folder: Path, query_seconds: float | None) -> Store:
        """The editor of a deployment with viewers: a fresh snapshot to read from the start
        (the file may have changed while no writer published)."""
        with cls.open(target, read_only=False) as writer:  # migrates an older file
            if writer._connection is not None and not _published_since(target, folder):
                writer.publish(writer._connection, quietly=False)
        return cls(
            None,
            target,
            True,
            shared=True,
            query_seconds=query_seconds,
            publish_to=folder,
            copies=_Snapshots(folder),
        )

    @classmethod
    def open_viewer(
        cls,
        folder: str | os.PathLike[str],
        query_seconds: float | None = DEFAULT_QUERY_SECONDS,
    ) -> Store:
        """Open the newest snapshot in `folder` read-only, for a viewer process: it never
        writes, and `begin_read()` moves it to a newer snapshot once one is published."""
        source = Path(folder)
        key = source.resolve()
        with _SHARED_LOCK:
            opened = _SHARED.get(key)
            if opened is not None:
                opened._users += 1
                return opened
            copies = _Snapshots(source)
            opened = cls(
                None, copies.newest_path(), True, query_seconds=query_seconds, copies=copies
            )
            opened._shared_key = key
            _SHARED[key] = opened
            return opened

    @property
    def writable(self) -> bool:
        return self.shared or not self.read_only

    @property
    def viewer(self) -> bool:
        """True for a store that reads snapshots and can never write."""
        return self._copies is not None and not self.shared

    def close(self) -> None:
        """Close the connection (a shared store: once its last user closes it)."""
        if self.shared or self._copies is not None:
            with _SHARED_LOCK:
                self._users -= 1
                if self._users > 0:
                    return
                _SHARED.pop(self._shared_key or self.path.resolve(), None)
        if self._copies is not None:
            self._copies.close()
            return
        with self._lock.writing():
            if self._connection is not None:
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

    def begin_read(self) -> str:
        """Called at the start of a page run: move to the newest snapshot if one was published
        (one `stat` when none was), and keep this thread's reads on it until its next call, so
        a page never mixes two versions of the record. Returns `revision()`."""
        if self._copies is not None:
            self._copies.pin()
            if not self.shared:  # a viewer's path names the snapshot it reads now
                self.path = self._copies.newest_path()
        else:
            self._run.revision = self._file_revision()
        return self.revision()

    def revision(self) -> str:
        """Names what this thread's reads see: changes whenever the record does (it keys the
        dashboard's result caches). Within a page run, the file is looked at once."""
        if self._copies is not None:
            return f"{self._copies.folder}/{self._copies.read_name()}"
        found: str | None = getattr(self._run, "revision", None)
        return found or self._file_revision()

    def _file_revision(self) -> str:
        try:
            return f"{self.path}:{self.path.stat().st_mtime_ns}"
        except OSError:
            return str(self.path)

    def published_at(self) -> float | None:
        """When the snapshot this thread reads was published (seconds since the epoch)."""
        return None if self._copies is None else self._copies.read_time()

    @contextmanager
    def _reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The connection a query of this thread runs on: the write's own while it writes, else
        the snapshot this thread reads, else the file's (many readers, or one writer)."""
        writing = self._writing
        if writing is not None and writing[0] == threading.get_ident():
            yield writing[1]
        elif self._copies is not None:
            with self._copies.reading() as connection:
                yield connection
        else:
            with self._lock.reading():
                if self._connection is None:
                    raise StoreError(f"{self.path} is closed")
                yield self._connection

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one query or one script; DuckDB errors become StoreError,
        and a query that runs past `query_seconds` is interrupted."""
        with self._reading() as connection:
            cursor = connection.cursor()
            watchdog = _Watchdog(cursor, self.query_seconds)
            try:
                yield cursor
            except duckdb.InterruptException as error:
                if watchdog.fired:
                    reason = _(
                        "the query took longer than {seconds} s and was stopped; narrow the "
                        "filters or the search and try again"
                    )
                    seconds = number(self.query_seconds or 0)
                    raise StoreError(reason.format(seconds=seconds)) from error
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
        The facts of the records the block logged in history are refreshed before it commits,
        and a snapshot is published after it commits when a snapshot folder is set."""
        if not self.writable:
            reason = _("{path} is open read-only; it cannot be changed here")
            raise StoreError(reason.format(path=self.path))
        self._run.revision = None  # this thread's next look sees the write
        if not self.shared:
            with self.cursor() as cursor:
                yield from _in_transaction(cursor)
            if self._connection is not None:
                self.publish(self._connection)
            return
        if self._copies is not None:
            yield from self._publishing_transaction()
            return
        with self._lock.writing(), self._writable_connection() as connection:
            yield from self._transaction_on(connection)

    def _transaction_on(
        self, connection: duckdb.DuckDBPyConnection
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction on a cursor of its own of `connection`, DuckDB errors explained."""
        cursor = connection.cursor()
        try:
            yield from _in_transaction(cursor)
        except duckdb.Error as error:
            raise explain(error, self.path) from error
        finally:
            cursor.close()

    def _publishing_transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write of the editor's dashboard in a deployment with snapshots: other threads go
        on reading the snapshot while it runs; once committed it is published, and this
        thread reads the new snapshot at once (a saved change shows on the next draw)."""
        me = threading.get_ident()
        if self._writing is not None and self._writing[0] == me:
            raise StoreError("a write cannot start inside another write")
        with self._write_mutex:
            writer = _connect_when_free(self.path)
            self._writing = (me, writer)
            try:
                yield from self._transaction_on(writer)
                self.publish(writer)
            finally:
                self._writing = None
                writer.close()
        if self._copies is not None:
            self._copies.pin()

    def publish(self, connection: duckdb.DuckDBPyConnection, *, quietly: bool = True) -> None:
        """Publish a snapshot of the file as `connection` (read-write, no transaction open)
        sees it, when a snapshot folder is set. The write it follows is committed whatever
        happens here: a failure is logged (viewers catch up at the next publication), or
        raised when not `quietly`."""
        if self.publish_to is None:
            return
        try:
            connection.execute("CHECKPOINT")
            published = snapshots.publish(self.path, self.publish_to, _check_snapshot)
        except (OSError, StoreError, duckdb.Error) as error:
            if not quietly:
                raise StoreError(
                    f"no snapshot of {self.path} could be published in {self.publish_to}: "
                    f"{_first(str(error))}"
                ) from error
            log.error(
                "saved in %s, but no snapshot could be published in %s (%s); viewers show "
                "the change after the next one",
                self.path,
                self.publish_to,
                _first(str(error)),
            )
            return
        log.info("published %s", published.name)

    @contextmanager
    def _writable_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Swap the read-only connection for a read-write one for the length of a write (the
        caller holds the write lock: no query is running), and back again afterwards."""
        if self._connection is not None:
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


def publish_snapshot(database: str | os.PathLike[str] | None = None) -> Path | None:
    """Publish a snapshot of `database` when a snapshot folder is set for it (after a command
    that replaced the file: init, restore, migrate); return the folder, or None."""
    target = _existing_file(default_path(database))
    folder = config.snapshot_folder(target)
    if folder is None:
        return None
    with Store.open(target, read_only=False) as writer:
        if writer._connection is not None:
            writer.publish(writer._connection, quietly=False)
    return folder


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
        conflict = EditConflict("the record", [])
        conflict.args = (  # EditConflict words it in English; the person saving may read Russian
            _(
                "The record was changed by someone else while you were saving; nothing was "
                "saved. Review their change and edit again."
            ),
        )
        raise conflict from error
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
    timeout of its own). One thread of the process watches every query: a timer thread per
    query would cost a thread start each, and under load a start waits for the GIL."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, seconds: float | None) -> None:
        self.fired = False
        self._cursor: duckdb.DuckDBPyConnection | None = cursor
        self._guard = threading.Lock()
        if seconds is not None:
            _WATCHER.watch(self, time.monotonic() + seconds)

    def fire(self) -> None:
        with self._guard:
            if self._cursor is not None:
                self.fired = True
                self._cursor.interrupt()

    def cancel(self) -> None:
        with self._guard:
            self._cursor = None

    @property
    def cancelled(self) -> bool:
        return self._cursor is None


class _Watcher:
    """The one thread that fires watchdogs whose deadline has passed, soonest first."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._due: list[tuple[float, int, _Watchdog]] = []
        self._thread: threading.Thread | None = None

    def watch(self, watchdog: _Watchdog, deadline: float) -> None:
        with self._condition:
            heapq.heappush(self._due, (deadline, id(watchdog), watchdog))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="cooptrack-query-watchdog", daemon=True
                )
                self._thread.start()
            elif self._due[0][2] is watchdog:
                self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while self._due and self._due[0][2].cancelled:
                    heapq.heappop(self._due)
                if not self._due:
                    self._condition.wait()
                    continue
                deadline, _order, watchdog = self._due[0]
                waiting = deadline - time.monotonic()
                if waiting > 0:
                    self._condition.wait(waiting)
                    continue
                heapq.heappop(self._due)
            watchdog.fire()


_WATCHER = _Watcher()


class _Generation:
    """One opened snapshot, and who still reads it: queries running on it, and page runs that
    started on it (each holds a `_Pin` until its thread pins again or ends)."""

    def __init__(self, path: Path, connection: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self.name = path.name
        self.connection = connection
        try:
            self.published = path.stat().st_mtime
        except OSError:
            self.published = time.time()
        self.cursors = 0
        self.pins: weakref.WeakSet[_Pin] = weakref.WeakSet()
        self.retired: float | None = None
        self.closed = False


class _Pin:
    """A thread's hold on the snapshot its page run started with."""

    __slots__ = ("__weakref__", "generation")

    def __init__(self, generation: _Generation) -> None:
        self.generation = generation


class _Snapshots:
    """The snapshots one process reads: the newest, and older ones until nobody reads them.

    Moving to a newer snapshot never waits for a running query and never breaks one: the new
    snapshot is opened beside the old, later page runs read the new one, and the old one is
    closed once its last query and its last page run are done (or after
    SNAPSHOT_GRACE_SECONDS). A pointer naming a missing or unreadable file is logged once and
    the current snapshot kept."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._mutex = threading.Lock()  # the generations and their counts
        self._switch = threading.Lock()  # one thread at a time opens a newer snapshot
        self._local = threading.local()
        self._retired: list[_Generation] = []
        self._failed: tuple[tuple[int, int, int], float] | None = None
        self._closing = False
        self._seen = snapshots.pointer_signature(folder)
        self._current = _open_generation(_newest(folder))

    def refresh(self) -> None:
        """Move to the snapshot CURRENT names, if it changed since last looked at."""
        signature = snapshots.pointer_signature(self.folder)
        if signature is None or signature == self._seen or self._closing:
            return
        failed = self._failed
        if failed is not None and failed[0] == signature and time.monotonic() < failed[1]:
            return
        with self._switch:
            if signature == self._seen:
                return
            try:
                newer = _open_generation(_newest(self.folder))
            except (StoreError, OSError) as error:
                if failed is None or failed[0] != signature:
                    log.warning("keeping snapshot %s: %s", self._current.name, error)
                self._failed = (signature, time.monotonic() + SNAPSHOT_RETRY_SECONDS)
                return
            self._failed = None
            self._seen = signature
            if newer.name == self._current.name:
                newer.connection.close()
                return
            with self._mutex:
                older, self._current = self._current, newer
                older.retired = time.monotonic()
                self._retired.append(older)
                self._sweep()
            log.info("now reading snapshot %s (was %s)", newer.name, older.name)

    def pin(self) -> None:
        """This thread reads the newest snapshot until it pins again."""
        self.refresh()
        with self._mutex:
            token = _Pin(self._current)
            self._current.pins.add(token)
            self._local.pin = token  # the thread's previous pin is dropped here
            self._sweep()

    def _pinned(self) -> _Generation:
        token: _Pin | None = getattr(self._local, "pin", None)
        if token is not None and not token.generation.closed:
            return token.generation
        return self._current

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._mutex:
            generation = self._pinned()
            if generation.closed:
                raise StoreError(f"the snapshots in {self.folder} are closed")
            generation.cursors += 1
        try:
            yield generation.connection
        finally:
            with self._mutex:
                generation.cursors -= 1
                if generation.retired is not None:
                    self._sweep()

    def read_name(self) -> str:
        return self._pinned().name

    def read_time(self) -> float:
        return self._pinned().published

    def newest_path(self) -> Path:
        return self._current.path

    def open_count(self) -> int:
        """Snapshots open in this process (the newest and those still read)."""
        with self._mutex:
            return sum(not g.closed for g in (self._current, *self._retired))

    def close(self) -> None:
        """Close every snapshot; one a query still runs on closes when the query ends."""
        with self._mutex:
            self._closing = True
            self._current.retired = time.monotonic()
            self._retired.append(self._current)
            self._sweep()

    def _sweep(self) -> None:
        """Close retired snapshots nobody reads (the caller holds the mutex)."""
        now = time.monotonic()
        for generation in list(self._retired):
            held = generation.pins and not self._closing
            if held and now - (generation.retired or now) < SNAPSHOT_GRACE_SECONDS:
                continue
            if generation.cursors == 0:
                generation.connection.close()
                generation.closed = True
                self._retired.remove(generation)


def _published_since(database: Path, folder: Path) -> bool:
    """True when the newest snapshot was copied after the file last changed."""
    try:
        newest = snapshots.current(folder)
        return newest is not None and newest.stat().st_mtime_ns >= database.stat().st_mtime_ns
    except (StoreError, OSError):
        return False


def _newest(folder: Path) -> Path:
    found = snapshots.current(folder)
    if found is None:
        raise StoreError(
            f"no snapshot has been published in {folder} yet; start the editor's dashboard "
            f"with COOPTRACK_SNAPSHOTS={folder}, or run `cooptrack migrate --db DATABASE` "
            "with it set"
        )
    return found


def _open_generation(path: Path) -> _Generation:
    connection = _connect(path, read_only=True)
    try:
        _check_current(connection, path)
    except BaseException:
        connection.close()
        raise
    return _Generation(path, connection)


def _check_snapshot(path: Path) -> None:
    """A copy about to be published opens, and is of this release's schema."""
    connection = _connect(path, read_only=True)
    try:
        _check_current(connection, path)
    finally:
        connection.close()


def _check_current(connection: duckdb.DuckDBPyConnection, path: Path) -> None:
    if _outdated(connection, path):
        raise StoreError(
            f"{path.name} was published by another release of cooptrack; the editor "
            "publishes a current one when it starts"
        )


# --- past one machine: the record kept by an engine made for many readers and writers ------


def _refuse_remote(path: str | os.PathLike[str] | None) -> None:
    """A remote record (COOPTRACK_DB=ducklake:…/md:…) is opened by `connect_remote`; the file
    code paths refuse it with the reason, never by treating the address as a file name."""
    address = config.remote_record(path)
    if address is not None:
        connect_remote(address).close()
        raise ConfigError(
            f"COOPTRACK_DB names a {_scheme(address)} record: this release reads and writes "
            "records in DuckDB files only; see docs/deployment.md (past one machine)"
        )


def connect_remote(address: str) -> duckdb.DuckDBPyConnection:
    """A connection to a record kept by DuckLake (a Postgres catalog and object storage) or
    MotherDuck, attached as `record`: raises ConfigError naming the DuckDB extensions that are
    not installed here (they are never downloaded on the fly). The address, which may hold a
    password, is never put in a message."""
    connection = quiet(duckdb.connect(":memory:", config=_CONFIG))
    try:
        needed = config.remote_extensions(address)
        missing = [name for name in needed if not _extension_installed(connection, name)]
        if missing:
            commands = "; ".join(f"INSTALL {name}" for name in missing)
            raise ConfigError(
                f"COOPTRACK_DB names a {_scheme(address)} record, which needs DuckDB's "
                f"{' and '.join(missing)} extension{'s' if len(missing) > 1 else ''}, not "
                f"installed here; install {'them' if len(missing) > 1 else 'it'} where the "
                f"network allows (duckdb -c '{commands}') "
                "or point COOPTRACK_DB at a file"
            )
        for name in needed:
            connection.execute(f"LOAD {name}")  # names from config.REMOTE_SCHEMES only
        escaped = address.replace("'", "''")
        connection.execute(f"ATTACH '{escaped}' AS record")
        connection.execute("USE record")
    except duckdb.Error as error:
        connection.close()
        raise StoreError(
            f"the {_scheme(address)} record cannot be opened: {_first(str(error))[:200]}"
        ) from None
    except BaseException:
        connection.close()
        raise
    return connection


def _extension_installed(connection: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = connection.execute(
        "SELECT bool_or(installed) FROM duckdb_extensions() "
        "WHERE extension_name = ? OR list_contains(aliases, ?)",
        [name, name],
    ).fetchone()
    return bool(found and found[0])


def _scheme(address: str) -> str:
    return "MotherDuck" if address.startswith("md:") else "DuckLake"


def _existing_file(target: Path) -> Path:
    if not target.exists():
        raise StoreError(f"no database at {target}; create it with: cooptrack init --db {target}")
    if target.is_dir():
        raise StoreError(f"{target} is a folder, not a database file")
    if not target.is_file():  # a named pipe would make DuckDB wait forever
        raise StoreError(f"{target} is not a regular file, so it cannot be a database")
    return target


def _connect_when_free(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection, waiting a little while another process holds the file."""
    deadline = time.monotonic() + WRITE_WAIT_SECONDS
    while True:
        try:
            return _connect(path, read_only=read_only)
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
        settings = {**_CONFIG, "memory_limit": config.memory_limit()}
        return quiet(duckdb.connect(str(path), read_only=read_only, config=settings))
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
        reason = _(
            "{path} was written by a newer cooptrack (schema {version}; this one reads up to "
            "{supported}); upgrade cooptrack to open it"
        )
        raise StoreError(reason.format(path=path, version=version, supported=schema.SCHEMA_VERSION))
    return version


def _derived_outdated(connection: duckdb.DuckDBPyConnection) -> bool:
    """True when the file's macros and views come from another release of cooptrack."""
    return schema.stored_digest(connection) != schema.derived_digest()
