"""The catalog's column contract (schema.csv) and type coercion against it.

The contract is data: each row of schema.csv declares one column of one table with
its type, unit, bounds, allowed values, references and the column naming its source.
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from sites.errors import Problem

if TYPE_CHECKING:  # pandas loads where a table is coerced, not with the schema (sites.sets, --help)
    import pandas as pd

TABLES = (
    "sources",
    "assumptions",
    "elements",
    "sites",
    "site_capacity",
    "feedstocks",
    "technologies",
    "demand",
    "imports",
    "parameters",
    "milestones",
    "ramp_curves",
    "technology_outputs",
    "capex_anchors",
    "demand_scopes",
    "import_cases",
    "trade_events",
    "production_history",
    "cost_index",
    "feed_options",
)
PROVENANCE = "provenance"  # ref value: ids that must resolve in sources or assumptions


@dataclass(frozen=True)
class Column:
    table: str
    name: str
    type: str  # str | int | float | bool | list | enum
    unit: str
    required: bool
    unique: bool
    allowed: tuple[str, ...]
    min: float | None
    max: float | None
    ref: str  # "table.column", "provenance" or ""
    source_column: str
    description: str


def _bound(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def columns() -> dict[str, tuple[Column, ...]]:
    """Columns per table, in file order, read from the packaged schema.csv."""
    text = resources.files("sites").joinpath("schema.csv").read_text(encoding="utf-8")
    out: dict[str, list[Column]] = {t: [] for t in TABLES}
    for row in csv.DictReader(text.splitlines()):
        out[row["table"]].append(
            Column(
                table=row["table"],
                name=row["column"],
                type=row["type"],
                unit=row["unit"],
                required=row["required"] == "yes",
                unique=row["unique"] == "yes",
                allowed=tuple(row["allowed"].split("|")) if row["allowed"] else (),
                min=_bound(row["min"]),
                max=_bound(row["max"]),
                ref=row["ref"],
                source_column=row["source_column"],
                description=row["description"],
            )
        )
    return {t: tuple(cols) for t, cols in out.items()}


def _expected_type(col: Column) -> str:
    return {
        "int": "a whole number",
        "float": "a number",
        "bool": "true or false",
        "enum": "one of " + ", ".join(col.allowed),
        "list": "ids separated by ';'",
        "str": "text",
    }[col.type]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _coerce(col: Column, text: str):
    """Parse one cell; raise ValueError with what was expected."""
    if _CONTROL.search(text):  # they break XML (xlsx) and terminals; never meant in a catalog
        raise ValueError("text without control characters")
    if col.type == "str":
        return text
    if col.type == "enum":
        if text not in col.allowed:
            raise ValueError(_expected_type(col))
        return text
    if col.type == "list":
        return [part.strip() for part in text.split(";") if part.strip()]
    if col.type == "bool":
        low = text.lower()
        if low not in ("true", "false"):
            raise ValueError(_expected_type(col))
        return low == "true"
    try:
        number = float(text)
    except ValueError:
        raise ValueError(_expected_type(col)) from None
    if not math.isfinite(number):
        raise ValueError("a finite number")
    if col.type == "int":
        if number != int(number):
            raise ValueError(_expected_type(col))
        number = int(number)
    if col.min is not None and number < col.min:
        raise ValueError(f"a value >= {col.min:g}" + (f" {col.unit}" if col.unit else ""))
    if col.max is not None and number > col.max:
        raise ValueError(f"a value <= {col.max:g}" + (f" {col.unit}" if col.unit else ""))
    return number


def id_column(table: str) -> str | None:
    """The table's unique id column, used to name rows in messages."""
    for col in columns()[table]:
        if col.unique:
            return col.name
    return None


def coerce_table(table: str, file: str, raw: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    """Check a table read as strings against the schema and return it typed.

    Rows with a bad cell keep the raw text in that cell; the caller stops on any problem.
    """
    cols = columns()[table]
    names = [c.name for c in cols]
    missing = [n for n in names if n not in raw.columns]
    unknown = [n for n in raw.columns if n not in names]
    for n in missing:
        problems.append(Problem(file, None, n, None, "this column to be present (see docs/data.md)"))
    for n in unknown:
        problems.append(Problem(file, None, n, None, "only the columns " + ", ".join(names)))
    if missing:
        return raw
    key = id_column(table)
    typed: dict[str, list] = {c.name: [] for c in cols}
    for i, record in enumerate(raw[names].to_dict("records"), start=1):
        row_id = record[key] if key else None
        for col in cols:
            text = record[col.name].strip()
            if text == "":
                if col.required and col.type != "list":
                    problems.append(Problem(file, i, col.name, "", _expected_type(col) + " (required)", row_id))
                typed[col.name].append([] if col.type == "list" else (None if col.type != "str" else ""))
                continue
            try:
                typed[col.name].append(_coerce(col, text))
            except ValueError as err:
                problems.append(Problem(file, i, col.name, text, str(err), row_id))
                typed[col.name].append(text)
    for col in cols:
        if col.type == "list" and col.required:
            for i, value in enumerate(typed[col.name], start=1):
                if value == []:
                    row_id = typed[key][i - 1] if key else None
                    problems.append(Problem(file, i, col.name, "", "at least one source or assumption id", row_id))
    import pandas as pd

    return pd.DataFrame(typed, columns=names)
