"""Baseline solve time with feed options as binaries (MILP) and relaxed (integer = false, LP),
side by side, in one run (median of N cold solves each; build excluded).

    .venv/bin/python benchmarks/bench_integers.py [--repeats 5] [--scenario baseline]

Wall-clock seconds on this machine: compare the two columns, not absolute values across machines.
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import time

from models import Pipeline
from planner import load_scenario
from sites import load_catalog


def solve_seconds(catalog, settings) -> tuple[float, object]:
    pipeline = Pipeline.prepare(catalog, settings)
    start = time.perf_counter()
    solution = pipeline.solve()
    return time.perf_counter() - start, (solution, pipeline.model)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--scenario", default="baseline")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    catalog = load_catalog(scenario.catalog_dir)
    base = dataclasses.replace(scenario.settings(), feed_options=True)
    cases = {"integer (MILP)": base, "relaxed (LP)": dataclasses.replace(base, integer=False),
             "no feed options (LP)": dataclasses.replace(base, feed_options=False)}
    print(f"{args.scenario}, median of {args.repeats} cold solves (seconds; objective = stage 1)")
    print(f"  {'case':<22} {'solve_s':>8} {'binaries':>8} {'objective':>12}")
    for name, settings in cases.items():
        runs = [solve_seconds(catalog, settings) for _ in range(args.repeats)]
        solution, model = runs[-1][1]
        binaries = sum(v.cat != "Continuous" for v in model.prob.variables())
        first = model.stages[0][0]
        print(f"  {name:<22} {statistics.median(r[0] for r in runs):>8.3f} {binaries:>8d} "
              f"{solution.stage_values[first]:>12.3f}")


if __name__ == "__main__":
    main()
