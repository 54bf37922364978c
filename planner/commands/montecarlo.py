"""`ree-planner montecarlo`: sample the catalog's low/base/high ranges and solve every sample."""
from __future__ import annotations

import time

from planner.commands.options import add_out_options, add_override_options, example_help, overrides
from planner.exit_codes import EXIT_OK

NAME = "montecarlo"
MAX_SAMPLES = 10_000_000
MAX_WORKERS = 4096


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="sample the catalog's low/base/high ranges (Latin hypercube) and solve each sample",
                       **example_help("ree-planner montecarlo baseline --samples 1000 --seed 7",
                                      "ree-planner montecarlo baseline --samples 100000 --executor dask://10.0.0.5:8786"))
    p.add_argument("scenario", nargs="?", help="scenario file or shipped scenario name (default: baseline)")
    p.add_argument("--samples", default="1000", metavar="N", help="number of samples (default: 1000)")
    p.add_argument("--seed", default="1", metavar="S", help="random seed, a whole number >= 0 (default: 1)")
    p.add_argument("--executor", default="local", metavar="WHERE",
                   help="local (process pool, the default), dask (a Dask LocalCluster) or dask://HOST:PORT "
                        "(a running Dask scheduler); needs the dask extra for dask")
    p.add_argument("--workers", default=None, metavar="K",
                   help="worker processes for local and dask (default: one per core; 1 runs in this process)")
    add_override_options(p)
    add_out_options(p, "out/<scenario name>-montecarlo")


def _whole(text: str, argument: str, low: int, high: int, problems: list) -> int | None:
    from sites.errors import Problem

    try:
        value = int(str(text).replace("_", ""))
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        problems.append(Problem(argument, None, None, str(text), f"a whole number from {low:,} to {high:,}"))
        return None
    return value


def check_arguments(args) -> tuple:
    """--samples, --seed, --workers and --executor, all problems at once (exit 2)."""
    from planner.montecarlo import engine
    from sites.errors import InputError, Problem

    problems: list = []
    samples = _whole(args.samples, "--samples", 1, MAX_SAMPLES, problems)
    seed = _whole(args.seed, "--seed", 0, 2**63 - 1, problems)
    workers = None if args.workers is None else _whole(args.workers, "--workers", 1, MAX_WORKERS, problems)
    executor = None
    try:
        executor = engine.parse_executor(args.executor)
    except InputError as err:
        problems.extend(err.problems)
    if executor is not None and executor.kind == "dask" and not engine.dask_available():
        problems.append(Problem("--executor", None, None, args.executor, engine.DASK_MISSING))
    if problems:
        raise InputError(problems)
    return samples, seed, workers, executor


def main(args) -> int:
    from planner.montecarlo.files import write_montecarlo
    from planner.montecarlo.run import about, run_montecarlo
    from planner.outputs.folder import check_output_folder
    from planner.progress import Progress
    from planner.run import default_out_dir, input_paths, inputs_sha256, load_inputs
    from planner.scenario import load_scenario

    samples, seed, workers, executor = check_arguments(args)
    scenario = load_scenario(args.scenario).with_command_line(**overrides(args))
    out = args.out if args.out is not None else default_out_dir(scenario, "-montecarlo")
    check_output_folder(out, args.force, input_paths(scenario))
    catalog = load_inputs(scenario)
    progress = Progress(samples, f"montecarlo {scenario.name}")
    start = time.perf_counter()
    result = run_montecarlo(scenario, catalog, samples, seed, executor, workers, progress)
    progress.close()
    seconds = time.perf_counter() - start
    info = about(scenario, result, samples, seed, executor, inputs_sha256(scenario, catalog))
    write_montecarlo(result, info, out, force=args.force, protect=input_paths(scenario))
    table = result.samples
    solved = table[table["status"] == "optimal"]
    print(f"Monte Carlo of {scenario.name}: {samples:,} samples of {len(result.ranges)} ranges (seed {seed}), "
          f"{len(solved):,} solved in {seconds:.1f} s on {executor.describe()} with {result.workers} "
          f"worker{'s' if result.workers != 1 else ''} ({1000 * seconds / samples:.1f} ms per sample)")
    if len(solved):
        q = solved["objective_value"].quantile([0.05, 0.5, 0.95])
        f = solved["federal_usd"].quantile([0.05, 0.5, 0.95]) / 1e6
        print(f"  objective {info['objective']}: p5 {q.iloc[0]:,.1f}, median {q.iloc[1]:,.1f}, p95 {q.iloc[2]:,.1f}")
        print(f"  federal money: p5 ${f.iloc[0]:,.1f}M, median ${f.iloc[1]:,.1f}M, p95 ${f.iloc[2]:,.1f}M")
    print("\nImport reliance (share of demand not met by US plants), percentiles over samples:")
    for r in result.reliance.itertuples(index=False):
        print(f"  {r.element:<3} p5 {r.p05:6.1%}  median {r.p50:6.1%}  p95 {r.p95:6.1%}")
    print("\nBuilt most often:")
    for r in result.plant_frequency.head(8).itertuples(index=False):
        where = f"{r.site_id} " if r.site_id else ""
        print(f"  {r.share_built:6.1%}  {r.kind} {where}{r.technology_or_option}")
    print("\nRanges that move the objective most (Spearman rank correlation):")
    for r in result.sensitivity.dropna(subset=["rank_correlation"]).head(5).itertuples(index=False):
        print(f"  {r.rank_correlation:+.2f}  {r.range_id}")
    print(f"\nOutputs written to {out}/ (samples.csv, plant_frequency.csv, reliance_percentiles.csv, sensitivity.csv, "
          "tornado.png, montecarlo.json)")
    return EXIT_OK
