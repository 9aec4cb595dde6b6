"""Helpers for DataFrames whose column types come from SQL, not from Python annotations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd


def rows(frame: pd.DataFrame) -> Iterator[Any]:
    """Rows as named tuples. Typed Any: each column's type is set by the query that made it."""
    return frame.itertuples(index=False)
