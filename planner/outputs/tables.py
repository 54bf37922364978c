"""CSV tables: the project's contract with other tools (fixed format, same answer, same bytes)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.outputs.cells import neutralise_frame
from planner.outputs.columns import check_columns


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a declared table (planner/outputs/columns.csv, checked here)."""
    check_columns(Path(path).name, [str(c) for c in frame.columns])
    # fixed float format and line ending: the same answer gives the same bytes; text a
    # spreadsheet would run as a formula is quoted (planner/outputs/cells.py)
    neutralise_frame(frame).to_csv(path, index=False, lineterminator="\n", float_format="%.6f")
