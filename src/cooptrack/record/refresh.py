"""`make run` serves the bundled record, also after an update brought a newer one.

A database built from an earlier bundled record is rebuilt from the current one, but only when
nobody has saved a change in it: saved changes are never thrown away, the command says what to
do instead. A database of another record (a synthetic one, a copy with another title) is left
as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cooptrack import files
from cooptrack.db.store import Store
from cooptrack.record.seed import build_database, read_meta


@dataclass(frozen=True)
class Refreshed:
    """What `refresh` did (`action`: built, rebuilt, current, kept or other) and why, in words
    for the person who ran it."""

    action: str
    message: str


def refresh(seed_dir: Path, target: Path) -> Refreshed:
    """Build `target` from the seed when it is missing, or when it holds an earlier version of
    the same record with no saved changes; otherwise leave it as it is."""
    shown = files.shown(target)
    bundled = read_meta(seed_dir)  # the rows are read and checked only for a build
    as_of = bundled["data_as_of"]
    if not target.exists():
        build_database(seed_dir, target)
        return Refreshed("built", f"wrote {shown}: the bundled record as of {as_of}")
    # Opened as the dashboard opens it (an older schema is upgraded first); a server holding
    # the file already makes this a clear error, not a second writer.
    with Store.open(target, read_only=False) as store:
        held = dict(store.rows("SELECT key, value FROM schema_meta"))
        changes = int(store.rows("SELECT count(*) FROM history")[0][0])
    if held.get("dataset_title") != bundled["dataset_title"]:
        title = held.get("dataset_title") or "no title"
        return Refreshed("other", f"{shown} holds another record ({title}): served as it is")
    if held.get("seed_fingerprint") == bundled["seed_fingerprint"]:
        return Refreshed("current", f"{shown} holds the bundled record as of {as_of}")
    was = held.get("data_as_of") or "an unknown date"
    if changes:
        return Refreshed(
            "kept",
            f"{shown} was built from an earlier bundled record (as of {was}) and holds "
            f"{changes} saved change(s), so it is served as it is. The bundled record is now as "
            f"of {as_of}: to start again from it, back up the database "
            f"(`cooptrack backup`) and run `cooptrack init --force`.",
        )
    build_database(seed_dir, target, force=True)
    return Refreshed(
        "rebuilt",
        f"rebuilt {shown} from the bundled record as of {as_of} (it held the record "
        f"as of {was}, with no saved changes)",
    )
