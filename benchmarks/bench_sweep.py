"""Time a 25-point budget sweep against one baseline solve, on the shipped catalog.

    .venv/bin/python benchmarks/bench_sweep.py [--repeats 5] [--points 25] [--stop 300e6] [--sites N]

--sites N: on a synthetic catalog of N sites (benchmarks/synthetic_catalog.py) with the
baseline's settings, instead of the shipped catalog.

Measures (medians over repeats, wall-clock seconds):
  single solve   build nothing, solve the baseline model once, cold (what `run` spends solving)
  build + solve  prepare and build the model, then that cold solve (what a sweep cannot avoid)
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
import sys
import tempfile
import time
from pathlib import Path

from models import StageSolver, build_model, prepare
from planner.run import load_inputs
from planner.scenario import load_scenario
from planner.sweep import run_sweep
from planner.sweep.spec import budget_axis


def single_solve(scenario, catalog, with_build: bool = False) -> float:
    settings = scenario.settings()
    start = time.perf_counter()
    model = build_model(prepare(catalog, settings), settings.objective)
    if not with_build:
        start = time.perf_counter()
    solution = StageSolver(model).solve()
    seconds = time.perf_counter() - start
    assert solution.optimal, solution.message
    return seconds


def synthetic_scenario(folder: Path, n_sites: int):
    """The baseline's settings on a seeded synthetic catalog of n_sites."""
    sys.path.insert(0, str(Path(__file__).parent))
    from synthetic_catalog import write_synthetic_catalog

    catalog = write_synthetic_catalog(folder / "catalog", n_sites)
    path = folder / "synthetic.toml"
    path.write_text(f'name = "synthetic-{n_sites}"\nextends = "baseline"\ncatalog = "{catalog}"\n', encoding="utf-8")
    return load_scenario(str(path))


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
    parser.add_argument("--stop", type=float, default=300e6, help="top budget, USD (baseline spends ~$52M)")
    parser.add_argument("--sites", type=int, help="a synthetic catalog of this many sites")
    parser.add_argument("--serial-only", action="store_true", help="skip the process-pool sweep")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scenario = synthetic_scenario(Path(tmp), args.sites) if args.sites else load_scenario("baseline")
        bench(scenario, load_inputs(scenario), args)


def bench(scenario, catalog, args) -> None:
    spec = f"0:{args.stop}:{args.points}"
    cores = os.cpu_count() or 1
    single_solve(scenario, catalog)  # imports and HiGHS start-up out of the way
    parallel = f"sweep parallel ({cores} workers)"
    times: dict[str, list[float]] = {"single solve": [], "build + solve": [], "sweep serial": []}
    if not args.serial_only:
        times[parallel] = []
    for _ in range(args.repeats):
        times["single solve"].append(single_solve(scenario, catalog))
        times["build + solve"].append(single_solve(scenario, catalog, with_build=True))
        times["sweep serial"].append(sweep(scenario, catalog, spec, 1))
        if not args.serial_only:
            times[parallel].append(sweep(scenario, catalog, spec, cores))
    where = f"{args.sites} synthetic sites" if args.sites else "the shipped catalog"
    print(f"{scenario.name} on {where}; sweep --budget {spec}; median of {args.repeats} repeats")
    # x single solve: the median of each repeat's own ratio (the repeat's figures were measured
    # together, so a busy moment of a shared machine weighs on both sides of it)
    print(f"{'':32s} {'median s':>10s} {'min s':>10s} {'x single solve':>15s}")
    for label, values in times.items():
        ratio = statistics.median(v / one for v, one in zip(values, times["single solve"]))
        print(f"{label:32s} {statistics.median(values):10.4f} {min(values):10.4f} {ratio:15.1f}")
    print(f"({args.points} points: a cold solve per point would be about {args.points}x)")


if __name__ == "__main__":
    main()
