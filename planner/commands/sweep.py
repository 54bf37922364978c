"""`ree-planner sweep`: solve a scenario over a range of budgets or of any numeric key."""
from __future__ import annotations

import time

from planner.commands.options import add_out_options, add_override_options, example_help, overrides, positive_int
from planner.exit_codes import EXIT_OK

NAME = "sweep"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="solve a scenario over a range of budgets (or other keys) and chart it",
                       **example_help("ree-planner sweep baseline --budget 0:1.2B:13   # $0 to $1.2B in $100M steps"))
    p.add_argument("scenario", nargs="?", help="scenario file or shipped scenario name (default: baseline)")
    p.add_argument("--budget", metavar="START:STOP:N", help="federal budgets in USD, e.g. 0:1.2e9:25 or 0:1.2B:13")
    p.add_argument("--param", action="append", default=[], metavar="KEY=START:STOP:N",
                   help="another numeric scenario key, e.g. capex_multiplier=1:2:5, or a true/false key both ways, "
                        "e.g. feed_options=false,true (twice, or with --budget, for a grid)")
    p.add_argument("--workers", type=positive_int(1, 256), metavar="N",
                   help="worker processes (default: 1 below 64 points, else one per core)")
    add_override_options(p, budget=False)  # --budget is the swept range here
    add_out_options(p, "out/<scenario name>-sweep")


def main(args) -> int:
    from planner import api
    from planner.sweep import solve as sweeping
    from planner.outputs.folder import check_output_folder
    from planner.run import default_out_dir, input_paths, load_inputs
    from planner.scenario import load_scenario
    from planner.sweep.spec import shown

    scenario = load_scenario(args.scenario).with_command_line(**overrides(args, budget=False))
    axes = api.sweep_axes(args.budget, args.param)  # the arguments checked before the folder
    out = args.out if args.out is not None else default_out_dir(scenario, "-sweep")
    check_output_folder(out, args.force, input_paths(scenario))
    catalog = load_inputs(scenario)
    start = time.perf_counter()
    swept = api.sweep(scenario, args.budget, args.param, workers=args.workers, catalog=catalog, progress=True)
    seconds = time.perf_counter() - start
    swept.write(out, force=args.force)
    result, n = swept.result, len(sweeping.grid(axes))
    table = result.table
    solved = int((table["status"] == "optimal").sum())
    keys = [a.key for a in axes if a.key != sweeping.BUDGET]
    print(f"Sweep of {scenario.name}: {n} points ({solved} solved) in {seconds:.1f} s with {result.workers} "
          f"worker{'s' if result.workers != 1 else ''}")
    for row in table.itertuples(index=False):
        where = ", ".join(f"{k} = {shown(getattr(row, k))}" for k in keys)
        head = f"  ${row.budget_usd / 1e6:>9,.1f}M" + (f" ({where})" if where else "")
        if row.status != "optimal":
            print(f"{head}: {row.status}")
        else:
            print(f"{head}: {row.weighted_supply:>10,.1f} weighted t/yr. {row.marginal_value_text}")
    if not result.ladder.empty or sweeping.BUDGET in [a.key for a in axes]:
        print("\nBudget ladder (plants and feed options in the order they enter as money grows):")
        print(sweeping.ladder_text(result.ladder, keys))
    print(f"\nOutputs written to {out}/ (sweep.csv, sweep.png, ladder.csv, sweep_capacity.csv, sweep.json)")
    return EXIT_OK
