"""A table's rows as named tuples, read column by column.

pandas' itertuples makes a new namedtuple class on every call (a build makes about twenty:
a tenth of the baseline's build) and walks each column element by element, which is slow
for its string columns (368,465 links at 1,000 sites took longer to list than to rank).
records() gives the same rows, the same field names and Python scalars, with one class per
set of columns and each column read in one call.
"""
from __future__ import annotations

from collections import namedtuple
from functools import lru_cache

import pandas as pd


@lru_cache(maxsize=None)
def _row_class(columns: tuple[str, ...]):
    # rename: as itertuples, a column that is not a valid field name becomes _<position>
    return namedtuple("Row", columns, rename=True)


def records(frame: pd.DataFrame) -> list:
    """frame.itertuples(index=False), as a list."""
    row = _row_class(tuple(frame.columns))
    return list(map(row._make, zip(*(frame[c].tolist() for c in frame.columns))))
