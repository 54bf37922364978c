"""Text cells that a spreadsheet cannot run: CSV and XLSX hygiene for user-supplied names.

A cell that starts with '=', '+', '-', '@', a tab or a carriage return is read by Excel and
LibreOffice as a formula (OWASP, "CSV Injection"). ree-planner writes such text with one
leading apostrophe in CSVs (the convention OWASP recommends; spreadsheets show the text as
typed) and reads it back without it, so a round trip gives the user's text. Text that
already starts with apostrophes before such a character gets one more, so the rule is
reversible. In XLSX files no cell is ever a formula: text is stored as text.
"""
from __future__ import annotations

import re

import pandas as pd

TRIGGERS = "=+-@\t\r"
_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")
_QUOTED = re.compile(r"^'+[=+\-@\t\r]")


def csv_cell(text: str) -> str:
    """The text as written to a CSV: quoted with an apostrophe if a spreadsheet would run it."""
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def csv_cell_back(text: str) -> str:
    """The user's text from a cell written by csv_cell."""
    return text[1:] if _QUOTED.match(text) else text


def text_columns(frame: pd.DataFrame) -> list:
    """Columns that may hold text (object or string dtype)."""
    return [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c].dtype)]


def map_text(frame: pd.DataFrame, convert) -> pd.DataFrame:
    """A copy with convert applied to every text cell (the frame itself if it has no text columns)."""
    columns = text_columns(frame)
    if not columns:
        return frame
    out = frame.copy()
    for c in columns:
        out[c] = [convert(v) if isinstance(v, str) else v for v in out[c]]
    return out


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells are safe to open in a spreadsheet (numbers untouched)."""
    return map_text(frame, csv_cell)


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The inverse of neutralise_frame, for CSVs ree-planner reads back."""
    return map_text(frame, csv_cell_back)


def formulas_as_text(workbook) -> None:
    """Store every text cell of an openpyxl workbook as text, never as a formula."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
