"""Read a run folder back (compare, rank's map): every file checked before it is used.

A run folder is what `ree-planner run` writes. Reading one that was edited, truncated or
never was a run gives an input error naming the file, column and value, not a traceback.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planner.outputs.cells import restore_frame
from sites.errors import InputError, Problem

# column -> "text" or "number", for each table a reader uses
RUN_TABLES = {
    "capacity.csv": {"site_id": "text", "technology": "text", "existing_tpa": "number", "new_tpa": "number",
                     "total_tpa": "number", "capex_usd": "number", "federal_usd": "number"},
    "elements.csv": {"element": "text", "demand_t": "number", "domestic_t": "number", "imports_t": "number",
                     "unmet_t": "number", "import_reliance": "number"},
    "portfolio.csv": {"project_id": "text", "site_id": "text", "technology": "text", "capacity_tpa": "number",
                      "federal_request_usd": "number"},
}
REQUIRED = ("summary.json", "capacity.csv", "elements.csv")
SUMMARY_NUMBERS = ("objective_value", "budget_usd", "federal_usd", "capex_usd")


@dataclass(frozen=True)
class RunFolder:
    folder: Path
    summary: dict
    capacity: pd.DataFrame
    elements: pd.DataFrame
    portfolio: pd.DataFrame | None


def read_table(path: Path, columns: dict[str, str], problems: list[Problem]) -> pd.DataFrame | None:
    """A CSV ree-planner wrote, checked against the columns a reader needs."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError, ValueError) as err:
        problems.append(Problem(str(path), None, None, None, f"a CSV table written by ree-planner ({err})"))
        return None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        problems.append(Problem(str(path), None, ", ".join(missing), None, "these columns to be present"))
        return None
    frame = restore_frame(frame)
    for name, kind in columns.items():
        if kind != "number":
            continue
        values = []
        for i, text in enumerate(frame[name], start=1):
            try:
                number = float(text) if text != "" else math.nan
            except ValueError:
                problems.append(Problem(str(path), i, name, text, "a number"))
                number = math.nan
            values.append(number)
        frame[name] = values
    return frame


def _read_summary(path: Path, problems: list[Problem]) -> dict:
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:
        problems.append(Problem(str(path), None, None, None, f"valid JSON written by ree-planner ({err})"))
        return {}
    if not isinstance(summary, dict):
        problems.append(Problem(str(path), None, None, None, "a JSON object written by ree-planner"))
        return {}
    for key in SUMMARY_NUMBERS:
        value = summary.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            problems.append(Problem(str(path), None, key, str(value), "a number", label="key"))
    if not isinstance(summary.get("settings", {}), dict):
        problems.append(Problem(str(path), None, "settings", None, "a JSON object of settings", label="key"))
    return summary


def read_run_folder(folder: str | Path) -> RunFolder:
    """Every file a reader needs, checked; all problems at once."""
    folder = Path(folder)
    missing = [f for f in REQUIRED if not (folder / f).is_file()]
    if missing:
        raise InputError(Problem(str(folder), None, None, None,
                                 "a run folder written by `ree-planner run` (missing " + ", ".join(missing) + ")"))
    problems: list[Problem] = []
    summary = _read_summary(folder / "summary.json", problems)
    capacity = read_table(folder / "capacity.csv", RUN_TABLES["capacity.csv"], problems)
    elements = read_table(folder / "elements.csv", RUN_TABLES["elements.csv"], problems)
    portfolio = None
    if (folder / "portfolio.csv").is_file():
        portfolio = read_table(folder / "portfolio.csv", RUN_TABLES["portfolio.csv"], problems)
    if problems:
        raise InputError(problems)
    return RunFolder(folder, summary, capacity, elements, portfolio)
