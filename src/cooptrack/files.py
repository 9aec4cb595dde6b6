"""Writing files all at once, and only where a regular file (or a new folder) may go.

Everything cooptrack writes for a user (CSV extracts, restored databases, backup folders) is
made beside its target under a temporary name and renamed into place, so a reader never sees
half a file and a failure leaves the target as it was. A target that exists must be a regular
file, not a symbolic link: writing "into" a folder, a pipe, a device such as /dev/full or a link
would replace it or write somewhere the user did not name. Every refusal is one `InputError`.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from cooptrack.errors import InputError

_PLAIN_NAME = re.compile(r"[^A-Za-z0-9_.-]")
_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def shown(path: Path) -> str:
    """A path as a message shows it: whole unless it is very long (the limit is Linux's 4,096)."""
    text = str(path)
    return text if len(text) <= 160 else f"{text[:100]}…{text[-40:]}"


def _entry(path: Path) -> os.stat_result | None:
    """What is at `path` itself (a link is not followed); None when nothing is."""
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise InputError(
            f"cannot write {shown(path)}: a part of the path is a file, not a folder"
        ) from None
    except (OSError, ValueError) as error:
        raise InputError(f"cannot use {shown(path)}: {_reason(error)}") from None


def describe(path: Path) -> str | None:
    """`a folder`, `a symbolic link`, `a device`…; None if nothing is there or a regular file."""
    found = _entry(path)
    if found is None or stat.S_ISREG(found.st_mode):
        return None
    for test, name in _KINDS:
        if test(found.st_mode):
            return name
    return "not a regular file"


def check_file_target(path: Path) -> bool:
    """Refuse a target that is not absent or a regular file; True when a file is there."""
    kind = describe(path)
    if kind is not None:
        raise InputError(
            f"{shown(path)} is {kind}; cooptrack writes only regular files, so it was left alone"
        )
    return _entry(path) is not None


def _folder_for(path: Path, make_parents: bool) -> Path:
    """The folder `path` goes in, made if asked; refused when it cannot be."""
    parent = path.parent
    found = _entry(parent)
    if found is not None and not parent.is_dir():
        raise InputError(f"cannot write {shown(path)}: {shown(parent)} is not a folder")
    if found is None:
        if not make_parents:
            raise InputError(f"cannot write {shown(path)}: there is no folder {shown(parent)}")
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(
                f"cannot create the folder {shown(parent)}: {_reason(error)}"
            ) from None
    return parent


@contextmanager
def replacing(
    path: Path,
    *,
    make_parents: bool = False,
    leftovers: Sequence[str] = (),
    mode: int | None = None,
) -> Iterator[Path]:
    """Yield a new empty file beside `path`; when the block ends without error, move it onto
    `path` (which must be absent or a regular file). `leftovers`: suffixes of side files the
    writer may make beside the temporary one (DuckDB's `.wal`), removed afterwards. `mode`:
    the file's permissions (default: the replaced file's, or what `open()` would give)."""
    existed = check_file_target(path)
    folder = _folder_for(path, make_parents)
    try:
        handle, name = tempfile.mkstemp(prefix=_hidden(path), suffix=".tmp", dir=folder)
    except OSError as error:
        raise InputError(f"cannot write in {shown(folder)}: {_reason(error)}") from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        _move_into_place(temporary, path, existed, mode)
    finally:
        for leftover in (name, *(name + suffix for suffix in leftovers)):
            with suppress(FileNotFoundError):
                os.unlink(leftover)


def _move_into_place(temporary: Path, path: Path, existed: bool, mode: int | None) -> None:
    try:
        if mode is None:
            mode = os.stat(path).st_mode & 0o777 if existed else _new_file_mode()
        check_file_target(path)  # again: it may have changed while the file was written
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
        sync_folder(path.parent)
    except OSError as error:
        raise InputError(f"cannot write {shown(path)}: {_reason(error)}") from None


@contextmanager
def new_folder(path: Path) -> Iterator[Path]:
    """Yield a new empty folder beside `path`; when the block ends without error, rename it to
    `path`, which must not exist or be an empty folder (not a link)."""
    found = _entry(path)
    if found is not None:
        if not stat.S_ISDIR(found.st_mode):
            raise InputError(f"{shown(path)} is {describe(path) or 'a file'}; give a new folder")
        if any(path.iterdir()):
            raise InputError(f"{shown(path)} is not empty; give a new folder")
    parent = _folder_for(path, make_parents=True)
    try:
        temporary = Path(tempfile.mkdtemp(prefix=_hidden(path), dir=parent))
    except OSError as error:
        raise InputError(f"cannot write in {shown(parent)}: {_reason(error)}") from None
    try:
        yield temporary
        try:
            os.chmod(temporary, 0o777 & ~_umask())
            os.replace(temporary, path)
            sync_folder(parent)
        except OSError as error:
            raise InputError(f"cannot create {shown(path)}: {_reason(error)}") from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _hidden(path: Path) -> str:
    """A hidden name beside `path`, of plain characters only, whatever `path` is called."""
    return "." + _PLAIN_NAME.sub("_", path.name[:40]) + "."


def for_duckdb(path: Path, named: Path | None = None) -> str:
    """`path` as DuckDB may be given it: DuckDB reads a backslash as a folder separator.
    `named`: the path the user gave, for the message (`path` may be a temporary one)."""
    text = str(path)
    if "\\" in text:
        raise InputError(
            f"{shown(named or path)}: cooptrack cannot use a path holding a backslash "
            "(DuckDB takes it for a folder separator); choose another folder or name"
        )
    return text


def same_file(first: Path, second: Path) -> bool:
    """True when both paths name one existing file (through links or hard links too)."""
    try:
        return os.path.samefile(first, second)
    except (OSError, ValueError):
        return False


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (where the system allows opening a folder)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _umask() -> int:
    """The process's umask, read without changing it (Linux), else the usual 022."""
    with suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    return 0o022


def _new_file_mode() -> int:
    """A new file gets what `open()` would give it, not mkstemp's owner-only 0600."""
    return 0o666 & ~_umask()


def _reason(error: BaseException) -> str:
    """`Permission denied`, `No space left on device`: the system's words, without a trace."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
