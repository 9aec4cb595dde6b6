"""Build a database from the reviewable text files under `data/seed/`.

Every row is validated before anything is written; the first bad row stops the load with its
file, line, column and reason. The database is written to a temporary file beside the target
and moved into place only when complete, so a failed load leaves nothing behind.
"""

from __future__ import annotations

import csv
import hashlib
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

import duckdb

from cooptrack import config, files
from cooptrack.dates import PartialDate
from cooptrack.db import schema
from cooptrack.db.store import insert, quiet
from cooptrack.errors import SeedError, StoreError
from cooptrack.record.validation import COLUMNS, CONVERTERS, OPTIONAL_COLUMNS, Known, Row, Values
from cooptrack.reference import CENTRAL_ASIA, all_countries

T = TypeVar("T")


def default_seed_dir() -> Path:
    """`COOPTRACK_SEED`, else the bundled seed files (see `cooptrack.config`)."""
    return config.seed_dir()


def read_rows(
    path: Path, columns: tuple[str, ...], known: Known, optional: tuple[str, ...] = ()
) -> Iterator[Row]:
    """Rows of one CSV file, after checking its header is exactly `columns`, then any of the
    `optional` ones in their order."""
    name = path.name
    if not path.exists():
        raise SeedError(name, 0, "-", "file is missing")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader, None)
            found = tuple(h.strip() for h in header or ())
            extra = found[len(columns) :]
            if header is None or found[: len(columns)] != columns or not _in_order(extra, optional):
                then = f", then any of: {','.join(optional)}" if optional else ""
                raise SeedError(name, 1, "-", f"header must be: {','.join(columns)}{then}")
            columns = found
            line = reader.line_num + 1
            for cells in reader:
                if len(cells) != len(columns):
                    raise SeedError(
                        name, line, "-", f"has {len(cells)} cells, the header has {len(columns)}"
                    )
                if any(cell.strip() for cell in cells):
                    yield Row(name, line, dict(zip(columns, cells, strict=True)), known)
                line = reader.line_num + 1
        except csv.Error as error:
            raise SeedError(name, reader.line_num, "-", f"not valid CSV: {error}") from None
        except UnicodeDecodeError:
            raise SeedError(name, reader.line_num + 1, "-", "is not UTF-8 text") from None


def _in_order(extra: tuple[str, ...], optional: tuple[str, ...]) -> bool:
    """`extra` names only optional columns, each once, in their order."""
    positions = [optional.index(column) if column in optional else -1 for column in extra]
    return -1 not in positions and positions == sorted(set(positions))


@dataclass
class SeedData:
    """Validated rows, table by table, ready to insert; plus the data set's own description."""

    meta: dict[str, str]
    tables: dict[str, list[Values]]


def load_seed(seed_dir: Path) -> SeedData:
    """Read and validate every file; raise SeedError on the first bad row."""
    known = Known()
    tables: dict[str, list[Values]] = {}
    meta = read_meta(seed_dir)
    for name, convert in CONVERTERS.items():
        path = seed_dir / f"{name}.csv"
        rows = read_rows(path, COLUMNS[name], known, OPTIONAL_COLUMNS[name])
        tables[name] = [convert(row, known) for row in rows]
        if name == "organisations":
            _check_deferred(known)
        if name == "meetings":
            known.meeting_starts = {
                m["id"]: PartialDate(m["start_date"], m["start_precision"]) for m in tables[name]
            }
    tables["countries"] = [
        {
            "code": c.code,
            "alpha3": c.alpha3,
            "name": c.name,
            "tracked": c.code in CENTRAL_ASIA,
            "name_ru": c.name_ru,
        }
        for c in all_countries()
    ]
    return SeedData(meta, tables)


def read_meta(seed_dir: Path) -> dict[str, str]:
    """What the record is (dataset.toml) and the fingerprint of its files, without reading and
    validating every row (`refresh` needs only this to tell whether to rebuild)."""
    return _read_meta(seed_dir / "dataset.toml") | {"seed_fingerprint": fingerprint(seed_dir)}


def fingerprint(seed_dir: Path) -> str:
    """A digest of the seed files, stored with the database built from them: it tells a
    database built from this record from one built from an earlier one (`refresh`)."""
    digest = hashlib.sha256()
    for name in ("dataset.toml", *(f"{table}.csv" for table in CONVERTERS)):
        path = seed_dir / name
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"")
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def _read_meta(path: Path) -> dict[str, str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SeedError(path.name, 0, "-", "file is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise SeedError(path.name, getattr(error, "lineno", 0), "-", str(error)) from None
    as_of = data.get("as_of")
    if not isinstance(as_of, date):
        raise SeedError(path.name, 0, "as_of", "must be a date such as 2026-11-28")
    meta = {
        "data_as_of": as_of.isoformat(),
        "dataset_title": str(data.get("title", "")),
        "dataset_description": str(data.get("description", "")),
    }
    for key in ("title_ru", "description_ru"):  # the same in Russian, when written
        if isinstance(data.get(key), str) and data[key].strip():
            meta[f"dataset_{key}"] = data[key].strip()
    return meta


def _check_deferred(known: Known) -> None:
    """References to rows later in the same file (an organisation's parent) are checked last."""
    for file, line, column, kind, value in known.deferred:
        if not known.has(kind, value):
            raise SeedError(file, line, column, f"unknown {kind} {value!r}")


def write(cursor: duckdb.DuckDBPyConnection, data: SeedData) -> None:
    """Create the schema and insert every table (the caller owns the transaction)."""
    schema.create(cursor)
    meta = [{"key": key, "value": value} for key, value in data.meta.items()]
    insert(cursor, "schema_meta", meta)
    for table, rows in data.tables.items():
        insert(cursor, table, rows)


RECORD_TABLES = ("meetings", "phases", "commitments", "followups")


def build_database(
    seed_dir: Path, target: Path, force: bool = False, empty: bool = False
) -> SeedData:
    """Validate the seed, then write a new database file at `target` all at once."""
    if target.exists() and not force:
        raise StoreError(f"{target} already exists; add --force to replace it")
    if target.is_dir():
        raise StoreError(f"{target} is a folder, not a database file")
    data = load_seed(seed_dir)
    if empty:
        data.tables = {k: v for k, v in data.tables.items() if k not in RECORD_TABLES}
    write_new_file(target, lambda connection: write(connection, data))
    return data


def write_new_file(target: Path, fill: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Build a database in a temporary file beside `target`, in one transaction, and move it
    into place only when complete: a failure leaves nothing behind and `target` untouched."""
    with files.replacing(target, make_parents=True, leftovers=(".wal",)) as temporary:
        temporary.unlink()  # DuckDB makes the file itself; an empty one is not a database
        try:
            connection = quiet(duckdb.connect(str(temporary)))
            try:
                connection.execute("BEGIN TRANSACTION")
                result = fill(connection)
                schema.rebuild_facts(connection)
                connection.execute("COMMIT")
                connection.execute("CHECKPOINT")
            finally:
                connection.close()
        except duckdb.Error as error:
            raise StoreError(f"could not write {target}: {str(error).splitlines()[0]}") from error
    return result
