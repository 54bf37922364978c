"""The one XLSX writer: tables as sheets, no cell ever a formula, the same tables give the same bytes.

An xlsx is a zip of XML parts; openpyxl stamps the save time into docProps/core.xml and
the zip stamps each part's modification time. Both are replaced by a fixed time.
"""
from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planner.outputs.cells import formulas_as_text, map_text

FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
FIXED_W3CDTF = "2000-01-01T00:00:00Z"
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def make_reproducible(path: Path) -> None:
    path = Path(path)
    with zipfile.ZipFile(path) as src:
        parts = [(info, src.read(info.filename)) for info in src.infolist()]
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as dst:
        for info, data in parts:
            if info.filename == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>" + FIXED_W3CDTF.encode() + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)
    tmp.replace(path)


@dataclass(frozen=True)
class Sheet:
    """One table as a sheet. widths: "auto" (from the values, capped at 60), a function of the
    column name, or None (the spreadsheet's default). number_format: a function of the column
    name giving an Excel number format for its numeric cells, or None."""

    name: str
    frame: pd.DataFrame
    widths: str | Callable[[str], float] | None = "auto"
    number_format: Callable[[str], str | None] | None = None
    freeze: str | None = None
    fixed_widths: dict[str, float] = field(default_factory=dict)  # column letter -> width


def _auto_width(frame: pd.DataFrame, column) -> float:
    if not len(frame):
        return min(60, len(str(column)) + 2)
    return min(60, max([len(str(column)), *(len(str(v)) for v in frame[column].head(200))]) + 2)


def _format_sheet(ws, sheet: Sheet) -> None:
    for k, column in enumerate(sheet.frame.columns, start=1):
        letter = ws.cell(1, k).column_letter
        if sheet.widths == "auto":
            ws.column_dimensions[letter].width = _auto_width(sheet.frame, column)
        elif callable(sheet.widths):
            ws.column_dimensions[letter].width = sheet.widths(str(column))
        fmt = sheet.number_format(str(column)) if sheet.number_format else None
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=k, max_col=k):
                if isinstance(cell.value, float) and not math.isnan(cell.value):
                    cell.number_format = fmt
    for letter, width in sheet.fixed_widths.items():
        ws.column_dimensions[letter].width = width
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze


def _printable(frame: pd.DataFrame) -> pd.DataFrame:
    """Control characters XML cannot hold (a scenario description may carry one) become U+FFFD."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return map_text(frame, lambda text: ILLEGAL_CHARACTERS_RE.sub("\ufffd", text))


def write_workbook(path: Path, sheets: list[Sheet], title: str | None = None) -> Path:
    """Write the sheets in order; text stays text (never a formula); reproducible bytes."""
    path = Path(path)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for sheet in sheets:
            _printable(sheet.frame).to_excel(writer, sheet_name=sheet.name, index=False)
            _format_sheet(writer.sheets[sheet.name], sheet)
        if title is not None:
            writer.book.properties.creator = "ree-planner"
            writer.book.properties.title = title
        formulas_as_text(writer.book)
    make_reproducible(path)
    return path
