"""`ree-planner run`: solve one scenario and write its outputs."""
from __future__ import annotations

import sys
from pathlib import Path

from planner.exit_codes import EXIT_OK, EXIT_SOLVER

NAME = "run"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="solve a scenario and write its outputs")
    p.add_argument("scenario", nargs="?", help="scenario file or shipped scenario name (default: baseline)")
    p.add_argument("--budget", type=float, metavar="USD", help="federal budget in US dollars, e.g. 6e8")
    p.add_argument("--objective", help="max_weighted_supply, min_import_reliance or min_cost")
    p.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: out/<scenario name>)")
    p.add_argument("--no-map", action="store_true", help="skip map.html")


def main(args) -> int:
    from planner import report
    from planner.run import default_out_dir, load_inputs, run_scenario, write_outputs
    from planner.scenario import load_scenario

    scenario = load_scenario(args.scenario).with_overrides(
        "command line", budget_usd=args.budget, objective=args.objective)
    catalog = load_inputs(scenario)
    run = run_scenario(scenario, catalog)
    if run.summary["status"] != "optimal":
        print(f"ree-planner: the model did not solve: {run.summary['message']}; no outputs written",
              file=sys.stderr)
        return EXIT_SOLVER
    out = args.out if args.out is not None else default_out_dir(scenario)
    write_outputs(run, out, with_map=not args.no_map)
    print(report.run_text(run, out))
    return EXIT_OK
