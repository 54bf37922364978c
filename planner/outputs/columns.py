"""The output tables' contract, declared as data in columns.csv (file, column, type, unit, definition),
like the catalog's inputs in sites/schema.csv.

Every CSV ree-planner writes is checked against it as it is written (a mismatch is a bug, never
the user's), the scorecard's glossary reads its definitions from it, and docs/outputs.md is
generated from it:

    .venv/bin/python -m planner.outputs > docs/outputs.md

`{element}` in a column name stands for each magnet element (sites.sets.MAGNET_ELEMENTS) the run's
catalog has demand for; other
names in braces (`{run}`, `{key}`) stand for any number of columns named by the user's input.
A column whose definition says "(<command> only)" may be absent.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sites.sets import MAGNET_ELEMENTS

_WILDCARD = re.compile(r"^\{(?!element\})\w+\}$")
_OPTIONAL = re.compile(r"\(\w+ only\)")


@dataclass(frozen=True)
class OutputColumn:
    file: str
    name: str
    type: str  # text | number | bool | any
    unit: str
    definition: str
    per_element: bool = False  # one of the {element} columns

    @property
    def wildcard(self) -> bool:
        return bool(_WILDCARD.match(self.name))

    @property
    def optional(self) -> bool:
        # a table has the element columns of the elements its catalog has demand for
        return self.wildcard or self.per_element or bool(_OPTIONAL.search(self.definition))


@cache
def declared() -> dict[str, tuple[OutputColumn, ...]]:
    """file -> its columns in order, {element} expanded."""
    text = resources.files("planner.outputs").joinpath("columns.csv").read_text(encoding="utf-8")
    out: dict[str, list[OutputColumn]] = {}
    for row in csv.DictReader(text.splitlines()):
        names = ([row["column"].replace("{element}", e) for e in MAGNET_ELEMENTS] if "{element}" in row["column"]
                 else [row["column"]])
        for name in names:
            out.setdefault(row["file"], []).append(OutputColumn(row["file"], name, row["type"], row["unit"],
                                                                row["definition"], "{element}" in row["column"]))
    return {f: tuple(cols) for f, cols in out.items()}


def columns_of(file: str) -> tuple[OutputColumn, ...]:
    return declared()[file]


class OutputContractError(AssertionError):
    """A table about to be written does not match columns.csv: a bug in ree-planner."""


def check_columns(file: str, names: list[str]) -> None:
    """The written columns must be the declared ones, in order (optional ones may be absent;
    a wildcard takes the user-named columns where it stands)."""
    if file not in declared():
        raise OutputContractError(f"{file} is not declared in planner/outputs/columns.csv")
    expected = columns_of(file)
    exact = {c.name for c in expected if not c.wildcard}
    i = 0
    for col in expected:
        if col.wildcard:
            while i < len(names) and names[i] not in exact:
                i += 1
        elif i < len(names) and names[i] == col.name:
            i += 1
        elif not col.optional:
            got = names[i] if i < len(names) else "(end of table)"
            raise OutputContractError(f"{file}: expected column {col.name}, got {got}")
    if i != len(names):
        raise OutputContractError(f"{file}: undeclared columns {names[i:]}")


def markdown() -> str:
    """docs/outputs.md: every declared table and column."""
    lines = ["# Output tables", "",
             "Generated from `planner/outputs/columns.csv` by `python -m planner.outputs`; a test checks",
             "that this page matches it. Every CSV below is checked against the same declaration when it is",
             "written. `{run}` and `{key}` stand for columns named by your input (compared runs, swept keys);",
             "columns marked \"(rank only)\" appear only there.", ""]
    raw: dict[str, list[dict]] = {}
    text = resources.files("planner.outputs").joinpath("columns.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        raw.setdefault(row["file"], []).append(row)
    for file, rows in raw.items():
        lines += [f"## `{file}`", "", "| column | type | unit | definition |", "| --- | --- | --- | --- |"]
        lines += [f"| `{r['column']}` | {r['type']} | {r['unit']} | {r['definition'].replace('|', '/')} |" for r in rows]
        lines.append("")
    return "\n".join(lines)
