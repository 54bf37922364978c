"""Write a sweep's folder: sweep.csv, ladder.csv, sweep_capacity.csv, sweep.png, sweep.json."""
from __future__ import annotations

import json
from pathlib import Path

from planner.outputs import charts
from planner.outputs.folder import atomic_folder
from planner.outputs.tables import write_csv
from planner.sweep import BUDGET, SweepResult


def chart_axes(result: SweepResult) -> tuple[str, str | None]:
    """x: the budget when swept (else the first key); one line per value of the other key."""
    keys = [a.key for a in result.axes]
    x = BUDGET if BUDGET in keys else keys[0]
    others = [k for k in keys if k != x]
    return x, (others[0] if others else None)


def write_sweep(result: SweepResult, about: dict, target: Path, force: bool = False, protect: tuple = ()) -> Path:
    """All files or none; about (scenario settings, axes) goes to sweep.json."""
    with atomic_folder(Path(target), "sweep", force=force, protect=protect) as folder:
        write_csv(result.table, folder / "sweep.csv")
        write_csv(result.capacity, folder / "sweep_capacity.csv")
        if BUDGET in [a.key for a in result.axes]:
            write_csv(result.ladder, folder / "ladder.csv")
        x, series = chart_axes(result)
        solved = result.table[result.table["status"] == "optimal"]
        (folder / "sweep.png").write_bytes(charts.sweep_png(solved, x, series))
        (folder / "sweep.json").write_text(json.dumps(about, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return Path(target)
