"""One year against ten: build, solve, result and write times of the baseline and of the
same scenario planned 2026-2035 (`timeline`), side by side in one run, with their ratios.

    .venv/bin/python benchmarks/bench_years.py [--repeats 3]

Wall-clock seconds on this machine (median of the repeats, one scenario after the other in
each repeat), so read the ratios, which are measured in the same run.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from models import Pipeline
from planner import load_scenario
from planner.run import Run, run_label, write_outputs
from sites import load_catalog

SCENARIOS = {"1 year (baseline)": "baseline", "10 years (timeline)": "timeline"}
STAGES = ("build", "solve", "result + marginal value", "write (tables, map, reports)")


def one_run(name: str, catalog, out: Path) -> tuple[dict[str, float], dict]:
    scenario = load_scenario(name)
    t = {}
    start = time.perf_counter()
    pipeline = Pipeline.prepare(catalog, scenario.settings())
    t["build"] = time.perf_counter() - start
    start = time.perf_counter()
    solution = pipeline.solve()
    t["solve"] = time.perf_counter() - start
    start = time.perf_counter()
    run = Run(scenario, catalog, pipeline.result(run_label(scenario, catalog)))
    t["result + marginal value"] = time.perf_counter() - start
    start = time.perf_counter()
    write_outputs(run, out)
    t["write (tables, map, reports)"] = time.perf_counter() - start
    size = {"variables": pipeline.model.prob.numVariables(), "constraints": pipeline.model.prob.numConstraints(),
            "status": solution.status}
    return t, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    catalog = load_catalog()
    times: dict[str, list[dict[str, float]]] = {label: [] for label in SCENARIOS}
    sizes = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeats):
            for label, name in SCENARIOS.items():
                t, sizes[label] = one_run(name, catalog, Path(tmp) / f"{name}-{i}")
                times[label].append(t)
    one, ten = SCENARIOS
    for label in SCENARIOS:
        s = sizes[label]
        print(f"{label}: {s['variables']:,} variables, {s['constraints']:,} constraints, status {s['status']}")
    ratio_vars = sizes[ten]["variables"] / sizes[one]["variables"]
    print(f"size ratio (variables): {ratio_vars:.1f}x")
    print(f"{'stage':32s} {one:>20s} {ten:>20s} {'ratio':>8s}")
    totals = {label: [sum(r.values()) for r in runs] for label, runs in times.items()}
    for stage in (*STAGES, "total"):
        med = {label: statistics.median(totals[label] if stage == "total" else [r[stage] for r in runs])
               for label, runs in times.items()}
        print(f"{stage:32s} {med[one]:19.3f}s {med[ten]:19.3f}s {med[ten] / med[one]:7.1f}x")
    print(f"(median of {args.repeats} repeats; seconds on this machine: compare the ratios)")


if __name__ == "__main__":
    main()
