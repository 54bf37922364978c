"""Time the baseline run stage by stage: load, build, solve, extract, write (median of N runs).

    .venv/bin/python benchmarks/bench_baseline.py [--repeats 7]

Prints one table; numbers are wall-clock seconds on this machine, so compare ratios measured
in one run rather than absolute values across machines.
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


def one_run(out: Path) -> tuple[dict[str, float], dict]:
    t = {}
    start = time.perf_counter()
    scenario = load_scenario("baseline")
    catalog = load_catalog(scenario.catalog_dir)
    t["load"] = time.perf_counter() - start

    start = time.perf_counter()
    settings = scenario.settings()
    pipeline = Pipeline.prepare(catalog, settings)
    model = pipeline.model
    t["build"] = time.perf_counter() - start

    start = time.perf_counter()
    solution = pipeline.solve()
    t["solve"] = time.perf_counter() - start

    start = time.perf_counter()
    run = Run(scenario, catalog, pipeline.result(run_label(scenario, catalog)))  # tables + marginal value (one warm step)
    t["extract + marginal value"] = time.perf_counter() - start

    start = time.perf_counter()
    write_outputs(run, out)
    t["write (tables, map, reports)"] = time.perf_counter() - start

    start = time.perf_counter()
    pipeline.set_budget(settings.budget_usd * 0.5)
    pipeline.solve()
    t["warm re-solve (budget x0.5)"] = time.perf_counter() - start
    size = {"variables": model.prob.numVariables(), "constraints": model.prob.numConstraints(),
            "status": solution.status, "objective": solution.stage_values}
    return t, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeats):
            times, size = one_run(Path(tmp) / f"run{i}")
            runs.append(times)
    print(f"baseline: {size['variables']} variables, {size['constraints']} constraints, status {size['status']}")
    print(f"{'stage':34s} {'median s':>10s} {'min s':>10s}")
    for stage in runs[0]:
        values = [r[stage] for r in runs]
        print(f"{stage:34s} {statistics.median(values):10.4f} {min(values):10.4f}")
    total = [sum(v for k, v in r.items() if not k.startswith("warm")) for r in runs]
    print(f"{'total (load..write)':34s} {statistics.median(total):10.4f} {min(total):10.4f}")
    print(f"(median of {args.repeats} runs; the first run includes imports and HiGHS start-up)")


if __name__ == "__main__":
    main()
