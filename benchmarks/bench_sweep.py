"""Time a 25-point budget sweep against one baseline solve, on the shipped catalog.

    .venv/bin/python benchmarks/bench_sweep.py [--repeats 5] [--points 25] [--stop 300e6]

Measures (medians over repeats, wall-clock seconds):
  single solve   build nothing, solve the baseline model once, cold (what `run` spends solving)
  sweep serial   one process: one model built, every point a warm budget re-solve, plus the
                 small marginal-value step at each point
  sweep parallel one process per core, chunks of consecutive points (includes starting them)
and prints each sweep's ratio to the single solve. A ratio well under the number of points
means the warm re-solves are paying off. Numbers are for this machine only.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

from models import StageSolver, build_model, prepare
from planner.run import load_inputs
from planner.scenario import load_scenario
from planner.sweep import run_sweep
from planner.sweep.spec import budget_axis


def single_solve(scenario, catalog) -> float:
    settings = scenario.settings()
    model = build_model(prepare(catalog, settings), settings.objective)
    start = time.perf_counter()
    solution = StageSolver(model).solve()
    seconds = time.perf_counter() - start
    assert solution.optimal, solution.message
    return seconds


def sweep(scenario, catalog, spec: str, workers: int) -> float:
    start = time.perf_counter()
    result = run_sweep(scenario, catalog, [budget_axis(spec)], workers=workers)
    seconds = time.perf_counter() - start
    assert (result.table["status"] == "optimal").all()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--points", type=int, default=25)
    parser.add_argument("--stop", type=float, default=300e6, help="top budget, USD (baseline spends ~$125M)")
    args = parser.parse_args()
    scenario = load_scenario("baseline")
    catalog = load_inputs(scenario)
    spec = f"0:{args.stop}:{args.points}"
    cores = os.cpu_count() or 1
    single_solve(scenario, catalog)  # imports and HiGHS start-up out of the way
    times: dict[str, list[float]] = {"single solve": [], "sweep serial": [], f"sweep parallel ({cores} workers)": []}
    for _ in range(args.repeats):
        times["single solve"].append(single_solve(scenario, catalog))
        times["sweep serial"].append(sweep(scenario, catalog, spec, 1))
        times[f"sweep parallel ({cores} workers)"].append(sweep(scenario, catalog, spec, cores))
    base = statistics.median(times["single solve"])
    print(f"baseline on the shipped catalog; sweep --budget {spec}; median of {args.repeats} repeats")
    print(f"{'':32s} {'median s':>10s} {'min s':>10s} {'x single solve':>15s}")
    for label, values in times.items():
        median = statistics.median(values)
        print(f"{label:32s} {median:10.4f} {min(values):10.4f} {median / base:15.1f}")
    print(f"({args.points} points: a cold solve per point would be about {args.points}x)")


if __name__ == "__main__":
    main()
