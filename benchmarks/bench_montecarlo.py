"""Time a Monte Carlo run per sample against one cold `ree-planner run`, and Dask against the
process pool, all in one run on this machine.

    .venv/bin/python benchmarks/bench_montecarlo.py [--scenario baseline] [--samples 1000] [--workers 2]

Measures (wall-clock seconds, each once):
  cold run      `ree-planner run SCENARIO` in a fresh process (load, build, solve, marginal
                value, write the folder and map): what one what-if costs without Monte Carlo
  cold solve    build and solve the scenario's model once in this process (no I/O)
  serial        `montecarlo` with 1 worker: a model built per 25 samples, warm re-solves
  pool          the local process pool with --workers processes (includes starting them)
  dask          a Dask LocalCluster with --workers worker processes (includes starting it)
and prints the ratios: cold run / serial per sample (the goal is at least 5), and dask / pool
(Dask's overhead). It also checks the three executors wrote the same samples. Numbers are
for this machine only; the machine's cores may be shared with other work.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from models import StageSolver, build_model, prepare
from planner.montecarlo import engine
from planner.montecarlo.run import run_montecarlo
from planner.run import load_inputs
from planner.scenario import load_scenario


def cold_run(scenario: str) -> float:
    exe = Path(sys.executable).with_name("ree-planner")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([str(exe), "run", scenario, "--out", str(Path(tmp) / "run")], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start


def cold_solve(scenario, catalog) -> float:
    settings = scenario.settings()
    start = time.perf_counter()
    model = build_model(prepare(catalog, settings), settings.objective)
    assert StageSolver(model).solve().optimal
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenario", default="baseline")
    p.add_argument("--samples", type=int, default=1000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    scenario = load_scenario(args.scenario)
    catalog = load_inputs(scenario)
    print(f"scenario {args.scenario}, {args.samples:,} samples, {args.workers} workers, {os.cpu_count()} cores")
    run_s = cold_run(args.scenario)
    solve_s = cold_solve(scenario, catalog)
    print(f"cold ree-planner run      {run_s:8.2f} s")
    print(f"cold build + solve        {solve_s:8.2f} s")
    timings, tables = {}, {}
    for name, executor, workers in (("serial", engine.Executor("local"), 1),
                                    ("pool", engine.Executor("local"), args.workers),
                                    ("dask", engine.Executor("dask"), args.workers)):
        start = time.perf_counter()
        result = run_montecarlo(scenario, catalog, args.samples, args.seed, executor, workers)
        timings[name] = time.perf_counter() - start
        tables[name] = result.samples
        per = timings[name] / args.samples
        print(f"{name:<8} {timings[name]:8.2f} s  {1000 * per:7.1f} ms per sample  "
              f"({(result.samples['status'] == 'optimal').sum():,} solved)")
    same = tables["serial"].equals(tables["pool"]) and tables["serial"].equals(tables["dask"])
    per_serial = timings["serial"] / args.samples
    print(f"\ncold run / serial per sample:  {run_s / per_serial:6.1f}x cheaper per sample (goal >= 5x)")
    print(f"cold solve / serial per sample: {solve_s / per_serial:6.1f}x")
    print(f"pool speed-up over serial:     {timings['serial'] / timings['pool']:6.2f}x")
    print(f"dask / pool wall time:         {timings['dask'] / timings['pool']:6.2f}x (Dask's overhead)")
    print(f"same samples on every executor: {same}")


if __name__ == "__main__":
    main()
