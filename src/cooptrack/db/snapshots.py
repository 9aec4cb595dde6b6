"""Read-only snapshots of the record, published by the one writer for any number of viewers.

A DuckDB file can be written by one process at a time, and while a process writes it no other
can read it. So a deployment with many readers gives them copies: after each committed change
the writer (the editor's dashboard, or a writing command) copies the checkpointed file into the
snapshot folder, and viewer processes read the newest copy. A folder holds

    record-00000042.duckdb   complete copies, each written under a hidden name, checked by
                             opening it, then renamed; never changed afterwards
    CURRENT                  the name of the newest copy, replaced atomically after the copy

so a reader that follows CURRENT always finds a whole file, from before a change or after it.
Old copies are pruned: the newest `KEEP` and the one CURRENT names always stay, and a copy is
removed only once it is `MIN_AGE_SECONDS` old. A viewer that still reads a removed copy keeps
reading it (an open file outlives its name on POSIX systems) until it moves to a newer one.

The folder can be copied to other machines (rsync the `record-*` files first, then CURRENT).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from cooptrack import files
from cooptrack.errors import StoreError

POINTER = "CURRENT"
KEEP = 3
MIN_AGE_SECONDS = 60.0
_NAME = re.compile(r"record-([0-9]{8})\.duckdb")
_TEMPORARY = re.compile(r"\.record-[0-9]{8}\.duckdb\.[0-9]+\.tmp|\.CURRENT\.[0-9]+\.tmp")
_STALE_TEMPORARY_SECONDS = 3600.0
_FICLONE = 0x40049409  # Linux: share the blocks of a file (btrfs, XFS), else copy them

log = logging.getLogger("cooptrack.snapshots")


def snapshot_name(number: int) -> str:
    return f"record-{number:08d}.duckdb"


def numbered(folder: Path) -> list[tuple[int, Path]]:
    """The complete snapshots in a folder, oldest first (hidden, half-written ones excluded)."""
    found: list[tuple[int, Path]] = []
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    for name in names:
        if match := _NAME.fullmatch(name):
            found.append((int(match.group(1)), folder / name))
    return sorted(found)


def pointer_signature(folder: Path) -> tuple[int, int, int] | None:
    """What changes whenever CURRENT is replaced (one `stat`); None when there is none yet."""
    try:
        found = os.stat(folder / POINTER)
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_ino, found.st_size)


def current(folder: Path) -> Path | None:
    """The snapshot CURRENT names, or None when nothing was published yet. A pointer that
    names anything but a snapshot file of this folder, or one that is missing, is refused."""
    try:
        text = (folder / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise StoreError(f"{folder / POINTER} cannot be read: {error}") from None
    if not _NAME.fullmatch(text):
        raise StoreError(f"{folder / POINTER} does not name a snapshot ({text[:60]!r})")
    target = folder / text
    if not target.is_file():
        raise StoreError(f"{folder / POINTER} names {text}, which is not in the folder")
    return target


def publish(database: Path, folder: Path, check: Callable[[Path], None]) -> Path:
    """Copy `database` into `folder` as its newest snapshot and point CURRENT at it; return
    the snapshot. The caller holds the database read-write and has checkpointed it, so the
    file is whole and no other process can change it while it is copied. `check` opens the
    copy (raising StoreError when it cannot be read) before anyone is pointed at it."""
    folder.mkdir(parents=True, exist_ok=True)
    taken = numbered(folder)
    target = folder / snapshot_name(taken[-1][0] + 1 if taken else 1)
    temporary = folder / f".{target.name}.{os.getpid()}.tmp"
    try:
        _copy(database, temporary)
        check(temporary)
        os.replace(temporary, target)
        _write_pointer(folder, target.name)
    finally:
        temporary.unlink(missing_ok=True)
    prune(folder)
    return target


def prune(
    folder: Path, keep: int = KEEP, min_age: float = MIN_AGE_SECONDS, now: float | None = None
) -> list[Path]:
    """Remove old snapshots (never the newest `keep`, the one CURRENT names, nor one younger
    than `min_age` seconds) and hidden leftovers of copies a killed writer never finished."""
    moment = time.time() if now is None else now
    pointed = _pointed_name(folder)
    removed: list[Path] = []
    for _, path in numbered(folder)[:-keep] if keep else numbered(folder):
        if path.name != pointed and _older_than(path, moment - min_age):
            path.unlink(missing_ok=True)
            removed.append(path)
    for name in os.listdir(folder):
        path = folder / name
        if _TEMPORARY.fullmatch(name) and _older_than(path, moment - _STALE_TEMPORARY_SECONDS):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _pointed_name(folder: Path) -> str | None:
    try:
        return (folder / POINTER).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _older_than(path: Path, moment: float) -> bool:
    try:
        return path.stat().st_mtime < moment
    except FileNotFoundError:
        return False


def _copy(source: Path, target: Path) -> None:
    """A copy that is on disk before it is named, then fsync."""
    with source.open("rb") as reading, target.open("xb") as writing:
        if not _shared_blocks(reading.fileno(), writing.fileno()):
            reading.seek(0)
            writing.seek(0)
            writing.truncate()
            shutil.copyfileobj(reading, writing, length=16 * 1024 * 1024)
        writing.flush()
        os.fsync(writing.fileno())


def _shared_blocks(reading: int, writing: int) -> bool:
    """Copy inside the kernel: blocks shared where the file system can (btrfs, XFS: instant),
    else copied without passing through Python. False when neither is possible here."""
    try:
        import fcntl  # noqa: PLC0415  (POSIX only)

        fcntl.ioctl(writing, _FICLONE, reading)
        return True
    except (ImportError, OSError):
        pass
    size = os.fstat(reading).st_size
    copied = 0
    try:
        while copied < size:
            step = os.copy_file_range(reading, writing, size - copied)
            if step == 0:
                return False
            copied += step
    except (AttributeError, OSError):
        return False
    return True


def _write_pointer(folder: Path, name: str) -> None:
    """Replace CURRENT in one step: a reader sees the old name or the new one, never neither."""
    temporary = folder / f".{POINTER}.{os.getpid()}.tmp"
    with temporary.open("w", encoding="utf-8") as writing:
        writing.write(name + "\n")
        writing.flush()
        os.fsync(writing.fileno())
    os.replace(temporary, folder / POINTER)
    files.sync_folder(folder)
