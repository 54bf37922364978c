"""Readable terminal tables: numbers right-aligned by their format, text left-aligned."""
from __future__ import annotations

import pandas as pd


def text_table(frame: pd.DataFrame, formats: dict[str, str]) -> str:
    if frame.empty:
        return "  (none)"
    cells = [[formats.get(c, "{}").format(v) for c, v in row.items()] for _, row in frame.iterrows()]
    widths = [max(len(str(c)), *(len(r[i]) for r in cells)) for i, c in enumerate(frame.columns)]
    numeric = [c in formats for c in frame.columns]
    def line(values):
        return "  " + "  ".join(v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric))
    return "\n".join([line(list(map(str, frame.columns))), line(["-" * w for w in widths]), *map(line, cells)])
