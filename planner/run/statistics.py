"""One tidy headline table of a run: one row per measure and element, units in a column.

The measures of the whole plan are declared in statistics.csv; the per-element measures are
elements.csv's columns, with the units and definitions planner/outputs/columns.csv gives
them, so the table and the files cannot disagree on what a number means.
"""
from __future__ import annotations

import csv
import dataclasses
from functools import cache
from importlib import resources

import pandas as pd

from planner.outputs.columns import columns_of

ALL = "all"  # the element of a measure of the whole plan
COLUMNS = ["scenario", "measure", "element", "value", "unit", "definition"]


@cache
def declared() -> tuple[dict, ...]:
    text = resources.files("planner.run").joinpath("statistics.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines()))


def statistics(run) -> pd.DataFrame:
    """The run's headline numbers, tidy: scenario, measure, element, value, unit, definition."""
    summary, result = run.summary, run.result
    rows = []
    fields = {f.name: getattr(summary, f.name) for f in dataclasses.fields(summary)}
    for m in declared():
        unit = m["unit"].format(**fields) if "{" in m["unit"] else m["unit"]
        if m["source"] == "summary":
            if fields[m["measure"]] is not None:  # an evaluation measures no next $100M
                rows.append((m["measure"], ALL, float(fields[m["measure"]]), unit, m["definition"]))
        elif m["source"] == "capacity":
            rows.append((m["measure"], ALL, float(result.capacity["new_tpa"].sum()), unit, m["definition"]))
        elif m["source"] == "marginal":
            by_element = summary.budget_marginal_by_element or {}
            rows += [(m["measure"], e, 100 * by_element[e], unit, m["definition"])
                     for e in result.elements["element"] if e in by_element]
    elements = result.elements
    for column in columns_of("elements.csv"):
        if column.name == "element" or column.name not in elements.columns:
            continue
        for element, value in zip(elements["element"], elements[column.name]):
            rows.append((column.name, element, float(value), column.unit, column.definition))
    frame = pd.DataFrame(rows, columns=COLUMNS[1:])
    frame.insert(0, "scenario", summary.scenario if summary.scenario is not None else "")
    return frame
