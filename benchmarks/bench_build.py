"""What getting the model to HiGHS costs: build (families, PuLP) and load (PuLP -> highspy).

    .venv/bin/python benchmarks/bench_build.py [--sizes 22,200] [--k 0,10]

For each synthetic catalog (benchmarks/synthetic_catalog.py) and shipping_k_nearest k, in
one process: build_model's wall time, then the same model loaded into a fresh highspy
model twice, by models/highs_load.py (as StageSolver does) and by PuLP's own loader
(pulp.HiGHS.buildSolverModel), checking that HiGHS holds the same LP both times. Quote the
ratio (PuLP's load / ours): the machine's load moves both times together.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def _fresh_highs():
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def same_lp(a, b) -> bool:
    """HiGHS holds the same LP in a and b: costs, bounds and the matrix, entry for entry."""
    la, lb = a.getLp(), b.getLp()
    arrays = [(getattr(la, f), getattr(lb, f)) for f in ("col_cost_", "col_lower_", "col_upper_", "row_lower_",
                                                         "row_upper_")]
    arrays += [(getattr(la.a_matrix_, f), getattr(lb.a_matrix_, f)) for f in ("start_", "index_", "value_")]
    return la.sense_ == lb.sense_ and all(np.asarray(x).tobytes() == np.asarray(y).tobytes() for x, y in arrays)


def one(n_sites: int, k: int, seed: int = 17) -> dict:
    import pulp

    sys.path.insert(0, str(HERE))
    from synthetic_catalog import write_synthetic_catalog

    from models import ModelSettings, build_model, highs_load, prepare
    from models.formulation import paused_gc
    from sites import load_catalog

    with tempfile.TemporaryDirectory() as tmp:
        catalog = load_catalog(write_synthetic_catalog(Path(tmp) / "catalog", n_sites, seed=seed))
    settings = ModelSettings(shipping_k_nearest=k)
    inputs = prepare(catalog, settings)
    t = time.perf_counter()
    model = build_model(inputs, settings.objective)
    build_s = time.perf_counter() - t
    ours = _fresh_highs()
    t = time.perf_counter()
    with paused_gc():  # as StageSolver loads it
        highs_load.load(model.prob, ours)
    load_s = time.perf_counter() - t
    model.prob.solverModel = _fresh_highs()
    t = time.perf_counter()
    pulp.HiGHS(msg=False).buildSolverModel(model.prob)
    pulp_load_s = time.perf_counter() - t
    return {"sites": n_sites, "k": k, "columns": ours.getNumCol(), "rows": ours.getNumRow(),
            "nonzeros": ours.getNumNz(), "build_s": build_s, "load_s": load_s, "pulp_load_s": pulp_load_s,
            "same_lp": same_lp(ours, model.prob.solverModel)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="22,200")
    parser.add_argument("--k", default="0,10", help="shipping_k_nearest values (0: every link)")
    args = parser.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        for k in (int(s) for s in args.k.split(",")):
            r = one(n, k)
            print(f"{r['sites']:>5,} sites k={r['k']:<3} columns {r['columns']:>9,}  rows {r['rows']:>7,}  "
                  f"nonzeros {r['nonzeros']:>9,}  build {r['build_s']:6.2f} s  load {r['load_s']:5.2f} s  "
                  f"PuLP's load {r['pulp_load_s']:5.2f} s ({r['pulp_load_s'] / r['load_s']:4.1f}x)  "
                  f"same LP: {'yes' if r['same_lp'] else 'NO'}", flush=True)


if __name__ == "__main__":
    main()
