"""Time the baseline run stage by stage: load, build, solve, extract, write (median of N runs),
then `ree-planner run baseline` as a whole process, paired.

    .venv/bin/python benchmarks/bench_baseline.py [--repeats 7] [--processes 5] [--against CHECKOUT]

Prints one table of stages; numbers are wall-clock seconds on this machine, so compare ratios
measured in one run rather than absolute values across machines. Then whole-process wall
times, taken in turn (A B A B ...) so each pair sees the same machine: outputs written in
child processes (the default) against REE_SERIAL_WRITE=1 (every output in one process), and
with --against, this checkout against another one's .venv (e.g. a worktree of main), each
as the median of the pair-by-pair ratios.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import statistics
import tempfile
import time
from pathlib import Path

from models import Pipeline
from planner import load_scenario
from planner.run import Run, run_label, write_outputs
from sites import load_catalog

ROOT = Path(__file__).resolve().parents[1]


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


def process_seconds(python: str, out: Path, env: dict | None = None, cwd: Path = ROOT) -> float:
    """Wall time of one whole `ree-planner run baseline` process (imports included)."""
    start = time.perf_counter()
    subprocess.run([python, "-m", "planner.cli", "run", "baseline", "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, **(env or {})}, cwd=cwd)
    return time.perf_counter() - start


def paired(label: str, a, b, n: int) -> None:
    """a and b in turn, n pairs after one warm-up each: medians and the median ratio a / b."""
    a(), b()
    pairs = [(a(), b()) for _ in range(n)]
    ratio = statistics.median(x / y for x, y in pairs)
    print(f"{label:56s} {statistics.median(x for x, _ in pairs):8.3f} {statistics.median(y for _, y in pairs):8.3f} "
          f"{ratio:8.2f}")


def whole_process(n: int, against: str | None) -> None:
    print(f"\n{'whole process (median of ' + str(n) + ' pairs taken in turn)':56s} {'A s':>8s} {'B s':>8s} "
          f"{'A/B':>8s}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        me = sys.executable
        paired("A outputs in child processes; B REE_SERIAL_WRITE=1", lambda: process_seconds(me, out),
               lambda: process_seconds(me, out, {"REE_SERIAL_WRITE": "1"}), n)
        if against:
            theirs = Path(against).resolve()
            paired(f"A this checkout; B {against}", lambda: process_seconds(me, out),
                   lambda: process_seconds(str(theirs / ".venv" / "bin" / "python"), out, cwd=theirs), n)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--processes", type=int, default=5, help="pairs of whole-process runs (0: none)")
    parser.add_argument("--against", help="another checkout (with its own .venv) to time the whole run against")
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
    if args.processes > 0:
        whole_process(args.processes, args.against)


if __name__ == "__main__":
    main()
