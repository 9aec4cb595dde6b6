"""Every setting read from the environment, in one place, each checked with a clear message.

| variable | default | what it does |
|---|---|---|
| `COOPTRACK_DB` | `data/cooptrack.duckdb` | the database the dashboard and the command line open |
| `COOPTRACK_TODAY` | today | view the record as of another day (ISO `YYYY-MM-DD`) |
| `COOPTRACK_SEED` | the bundled seed files | the folder `cooptrack init` builds from |
| `COOPTRACK_QUERY_SECONDS` | 30 | the longest one dashboard query may run (`0`: no limit) |
| `COOPTRACK_ROLE` | `editor` | `viewer`: a dashboard that reads the published snapshots only |
| `COOPTRACK_SNAPSHOTS` | `<db>.snapshots` if there | folder of read-only snapshots for viewers |
| `COOPTRACK_LOG_FORMAT` | `text` | `json`: one JSON object per line (role, session, run ids) |
| `COOPTRACK_MEMORY` | `1GB` | the memory DuckDB may hold per process (it spills to disk beyond) |

The seed files and the dashboard's scripts are found beside the installed package when it was
installed from a wheel (`cooptrack/_bundled/`), else in the source tree this module sits in.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Literal

from cooptrack.errors import ConfigError
from cooptrack.i18n import _

DEFAULT_DB = Path("data/cooptrack.duckdb")
Role = Literal["editor", "viewer"]
LogFormat = Literal["text", "json"]
SNAPSHOTS_SUFFIX = ".snapshots"
# A record kept by an engine built for many readers and writers, named in COOPTRACK_DB (or
# --db) instead of a file: the DuckDB extensions each scheme needs (see docs/deployment.md).
REMOTE_SCHEMES: dict[str, tuple[str, ...]] = {
    "ducklake:postgres:": ("ducklake", "postgres"),
    "ducklake:": ("ducklake",),
    "md:": ("motherduck",),
}
_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "_bundled"  # what the wheel ships (see pyproject's force-include)
_SOURCE_TREE = _PACKAGE.parents[1]  # src/cooptrack -> the repository


def database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--db` beats `COOPTRACK_DB`, which beats `data/cooptrack.duckdb`."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("COOPTRACK_DB") or DEFAULT_DB)


def remote_record(explicit: str | os.PathLike[str] | None = None) -> str | None:
    """The record's address when `--db`/`COOPTRACK_DB` names an engine rather than a file
    (`ducklake:postgres:dbname=record host=…`, `md:record`), else None."""
    text = os.fspath(explicit) if explicit else os.environ.get("COOPTRACK_DB", "")
    text = text.strip()
    return text if any(text.startswith(scheme) for scheme in REMOTE_SCHEMES) else None


def remote_extensions(address: str) -> tuple[str, ...]:
    """The DuckDB extensions a remote record's address needs, most specific scheme first."""
    for scheme, needed in REMOTE_SCHEMES.items():
        if address.startswith(scheme):
            return needed
    return ()


def role() -> Role:
    """`COOPTRACK_ROLE`: an `editor` dashboard (the default) reads and, for signed-in editors,
    writes the database; a `viewer` reads the newest published snapshot and never writes."""
    text = os.environ.get("COOPTRACK_ROLE", "").strip().lower()
    if text in ("", "editor"):
        return "editor"
    if text == "viewer":
        return "viewer"
    raise ConfigError(
        _(
            "COOPTRACK_ROLE={value} is not a role; write editor or viewer, or unset it for an "
            "editor"
        ).format(value=repr(text[:40]))
    )


def snapshot_folder(database: Path) -> Path | None:
    """`COOPTRACK_SNAPSHOTS`, else a folder `<database>.snapshots` beside the database when it
    exists (so every writer of a deployment publishes without being told), else None."""
    text = os.environ.get("COOPTRACK_SNAPSHOTS", "").strip()
    if not text:
        beside = database.with_name(database.name + SNAPSHOTS_SUFFIX)
        return beside if beside.is_dir() else None
    folder = Path(text)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(
            _(
                "COOPTRACK_SNAPSHOTS={value} is not a folder; name a folder (it is made when "
                "missing) or unset it"
            ).format(value=repr(text[:80]))
        )
    return folder


def log_format() -> LogFormat:
    """`COOPTRACK_LOG_FORMAT`: `text` lines (the default) or `json`, one object per line."""
    text = os.environ.get("COOPTRACK_LOG_FORMAT", "").strip().lower()
    if text in ("", "text"):
        return "text"
    if text == "json":
        return "json"
    raise ConfigError(
        _("COOPTRACK_LOG_FORMAT={value} is not a log format; write text or json").format(
            value=repr(text[:40])
        )
    )


def today() -> date:
    """Today, or the day `COOPTRACK_TODAY` pins (to view the record as of another day)."""
    pinned = os.environ.get("COOPTRACK_TODAY", "").strip()
    if not pinned:
        return date.today()
    try:
        return date.fromisoformat(pinned)
    except ValueError:
        raise ConfigError(
            _(
                "COOPTRACK_TODAY={value} is not a date; write it as YYYY-MM-DD (for example "
                "2026-12-01) or unset it to use today"
            ).format(value=repr(pinned[:40]))
        ) from None


def query_seconds() -> float | None:
    """How long one dashboard query may run before it is stopped; None for no limit."""
    text = os.environ.get("COOPTRACK_QUERY_SECONDS", "").strip()
    if not text:
        return 30.0
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86_400:
        raise ConfigError(
            _("COOPTRACK_QUERY_SECONDS={value} is not a number of seconds from 0 to 86400").format(
                value=repr(text[:40])
            )
        )
    return seconds or None


_MEMORY = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT])(i?)B", re.IGNORECASE)
MIN_MEMORY_BYTES = 100 * 10**6  # below this a page's queries cannot run


def memory_limit() -> str:
    """`COOPTRACK_MEMORY`: how much memory DuckDB may hold in each process, as DuckDB writes
    it (`1GB`, `512MiB`). Unset, 1 GB: DuckDB's own default, 80 % of the machine, let one
    export of a million rows take 1.9 GiB (about 1 GiB with the limit, in the same time)."""
    text = os.environ.get("COOPTRACK_MEMORY", "").strip()
    if not text:
        return "1GB"
    found = _MEMORY.fullmatch(text)
    if found is None or _bytes(found) < MIN_MEMORY_BYTES:
        raise ConfigError(
            _(
                "COOPTRACK_MEMORY={value} is not an amount of memory of 100MB or more; write "
                "it as 1GB or 512MB, or unset it"
            ).format(value=repr(text[:40]))
        )
    return text.replace(" ", "")


def _bytes(found: re.Match[str]) -> float:
    amount, unit, binary = found.groups()
    base = 1024.0 if binary else 1000.0
    return float(amount) * base ** ("KMGT".index(unit.upper()) + 1)


def seed_dir() -> Path:
    """`COOPTRACK_SEED`, else the seed files shipped with the package or in the source tree."""
    chosen = os.environ.get("COOPTRACK_SEED", "").strip()
    if chosen:
        return Path(chosen)
    return _shipped("data/seed")


def app_script() -> Path:
    """The dashboard's entry point, `app.py` (its pages sit beside it in `pages/`)."""
    return _shipped("app.py")


def streamlit_settings() -> Path:
    """The dashboard's Streamlit settings (`.streamlit/config.toml`), passed to the server as
    options so that they hold whatever folder it is started from."""
    return _shipped(".streamlit/config.toml")


def _shipped(relative: str) -> Path:
    bundled = _BUNDLED / relative
    return bundled if bundled.exists() else _SOURCE_TREE / relative
