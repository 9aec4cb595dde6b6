"""Helpers for DataFrames whose column types come from SQL, not from Python annotations."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator
from typing import Any

import pandas as pd


def rows(frame: pd.DataFrame) -> Iterator[Any]:
    """Rows as named tuples. Typed Any: each column's type is set by the query that made it.
    Built from each column's `tolist()`: `itertuples` reads Arrow-backed columns one value at a
    time, several times slower for the few hundred rows a page labels."""
    row = namedtuple("row", [str(c) for c in frame.columns], rename=True)  # type: ignore[misc]
    return map(row._make, zip(*(frame[c].tolist() for c in frame.columns), strict=True))
