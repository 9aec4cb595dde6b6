"""Questions the pages ask, answered as DataFrames (or small values) from the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cooptrack.reference import Vocabulary
from cooptrack.store import Store


def vocabulary(store: Store) -> Vocabulary:
    """Convention codes, topics and organisations known to this database."""
    conventions = dict(store.rows("SELECT code, name FROM conventions ORDER BY code"))
    topics = dict(store.rows("SELECT id, label FROM topics ORDER BY label"))
    organisations = store.rows("SELECT id, name, parent FROM organisations ORDER BY name")
    return Vocabulary(
        conventions={str(k): str(v) for k, v in conventions.items()},
        topics={str(k): str(v) for k, v in topics.items()},
        organisations={str(i): str(n) for i, n, _ in organisations},
        organisation_parents={str(i): (str(p) if p else None) for i, _, p in organisations},
    )


@dataclass(frozen=True)
class DatasetInfo:
    title: str
    description: str
    as_of: date | None
    schema_version: int
    counts: dict[str, int]


_COUNTED = ("meetings", "phases", "commitments", "followups", "conventions", "organisations")


def dataset_info(store: Store) -> DatasetInfo:
    """What the record is, how current, and how many records of each kind it holds."""
    meta = dict(store.rows("SELECT key, value FROM schema_meta"))
    counts = {table: int(store.rows(f"SELECT count(*) FROM {table}")[0][0]) for table in _COUNTED}
    as_of = meta.get("data_as_of")
    return DatasetInfo(
        title=str(meta.get("dataset_title", "")),
        description=str(meta.get("dataset_description", "")),
        as_of=date.fromisoformat(as_of) if as_of else None,
        schema_version=int(meta.get("schema_version", 0)),
        counts=counts,
    )
