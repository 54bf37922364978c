"""How the model grows with the catalog: synthetic catalogs of 22 / 200 / 1,000 sites.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 22,200,1000] [--k 3] [--method auto]

Each size runs in its own process (for a clean peak memory): the seeded catalog
(benchmarks/synthetic_catalog.py) is written, loaded and solved with the model's defaults
(no value floor unless --floor is given: the baseline uses --floor 5) and shipping_k_nearest
= k (0: every link), and the run reports

  links      shipping links of intermediate product in the model at the end / in all
  deliveries raw-feed deliveries (feed, plant) in the model at the end / in all
  columns, rows, nonzeros   of the LP HiGHS solved (after pricing)
  load, prepare, build, solve, extract, write   wall seconds of each stage
  total      wall seconds from loading the catalog to the tables written; cpu: the process's
             CPU seconds over the same span (on a shared machine, wall time includes waiting)
  rounds     pricing rounds that added links
  peak MiB   the process's peak resident memory

and, between consecutive sizes, the growth exponent b of each time (t ~ n^b). Numbers are
for this machine and its load at the time: quote ratios measured in one run.

A linopy build of the same model is not included: it would be a second, hand-kept copy of
the formulation; build cost is compared with PuLP's own export instead (columns per second).
"""
from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def one_size(n_sites: int, k: int, method: str, seed: int, floor: float = 0.0) -> dict:
    sys.path.insert(0, str(HERE))
    from synthetic_catalog import write_synthetic_catalog

    from models import ModelSettings, build_model, extract, prepare
    from models.solve import StageSolver
    from sites import load_catalog

    out: dict = {"sites": n_sites, "k": k, "method": method}
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_synthetic_catalog(Path(tmp) / "catalog", n_sites, seed=seed)
        t = start = time.perf_counter()
        cpu = time.process_time()
        catalog = load_catalog(folder)
        out["load_s"] = time.perf_counter() - t
        settings = ModelSettings(shipping_k_nearest=k, solver_method=method, min_value_per_musd=floor)
        t = time.perf_counter()
        inputs = prepare(catalog, settings)
        out["prepare_s"] = time.perf_counter() - t
        t = time.perf_counter()
        model = build_model(inputs, settings.objective)
        out["build_s"] = time.perf_counter() - t
        t = time.perf_counter()
        solver = StageSolver(model)
        solution = solver.solve()
        out["solve_s"] = time.perf_counter() - t
        out["status"] = solution.status
        out["objective"] = solution.stage_values
        t = time.perf_counter()
        result = extract(model, solution)
        out["extract_s"] = time.perf_counter() - t
        t = time.perf_counter()
        for name, table in (("capacity", result.capacity), ("flows", result.flows)):
            table.to_csv(Path(tmp) / f"{name}.csv", index=False)
        out["write_s"] = time.perf_counter() - t
        out["total_s"], out["cpu_s"] = time.perf_counter() - start, time.process_time() - cpu
        highs = solver._highs
        out.update(columns=highs.getNumCol(), rows=highs.getNumRow(), nonzeros=highs.getNumNz(),
                   links=len({key[:3] for key in model.shipment}),
                   links_in_all=solution.shipping.links_in_all if solution.shipping else len({key[:3] for key in model.shipment}),
                   rounds=solution.shipping.rounds if solution.shipping else 0,
                   deliveries=sum(1 for _ in model.feed_delivery),
                   deliveries_in_all=solution.shipping.deliveries_in_all if solution.shipping else sum(1 for _ in model.feed_delivery))
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="22,200,1000")
    parser.add_argument("--k", type=int, default=3, help="shipping_k_nearest (0: every link)")
    parser.add_argument("--method", default="auto", choices=("auto", "simplex", "ipm"))
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--floor", type=float, default=0.0, help="min_value_per_musd (the baseline: 5)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child process: one size
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one_size(args.one, args.k, args.method, args.seed, args.floor)))
        return
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        done = subprocess.run([sys.executable, __file__, "--one", str(n), "--k", str(args.k), "--method", args.method,
                               "--seed", str(args.seed), "--floor", str(args.floor)], capture_output=True, text=True, cwd=HERE.parent)
        if done.returncode != 0:
            print(done.stderr[-2000:], file=sys.stderr)
            sys.exit(1)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        r = rows[-1]
        print(f"{r['sites']:>6,} sites  links {r['links']:>8,} of {r['links_in_all']:>8,} ({r['rounds']} rounds)  "
              f"deliveries {r['deliveries']:>7,} of {r['deliveries_in_all']:>7,}  columns {r['columns']:>9,}  rows {r['rows']:>7,}  nonzeros {r['nonzeros']:>9,}  "
              f"load {r['load_s']:6.2f}  prepare {r['prepare_s']:6.2f}  build {r['build_s']:6.2f}  "
              f"solve {r['solve_s']:7.2f}  extract {r['extract_s']:5.2f}  write {r['write_s']:5.2f}  "
              f"total {r['total_s']:6.2f} s (cpu {r['cpu_s']:6.2f} s)  "
              f"peak {r['peak_mib']:6.0f} MiB  {r['status']}", flush=True)
    stages = ("prepare_s", "build_s", "solve_s", "extract_s", "total_s", "columns")
    for a, b in zip(rows, rows[1:]):
        growth = math.log(b["sites"] / a["sites"])
        exponents = ", ".join(f"{s.removesuffix('_s')} {math.log(max(b[s], 1e-9) / max(a[s], 1e-9)) / growth:.2f}"
                              for s in stages)
        print(f"growth {a['sites']} -> {b['sites']} sites (t ~ n^b): {exponents}")


if __name__ == "__main__":
    main()
