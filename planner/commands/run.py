"""`ree-planner run`: solve one scenario and write its outputs."""
from __future__ import annotations

from planner.commands.options import add_out_options, add_override_options, example_help, overrides
from planner.exit_codes import EXIT_OK

NAME = "run"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="solve a scenario and write its outputs", **example_help(
        "ree-planner run baseline --budget 2B      # writes out/baseline-budget-2B/"))
    p.add_argument("scenario", nargs="?", help="scenario file or shipped scenario name (default: baseline)")
    add_override_options(p)
    p.add_argument("--objective", help="max_weighted_supply, min_import_reliance, min_cost or min_worst_year_reliance")
    add_out_options(p, "out/<scenario name>, or out/<scenario name>-<overrides> e.g. out/baseline-budget-2B")
    p.add_argument("--no-map", action="store_true", help="skip map.html")


def main(args) -> int:
    from planner import api
    from planner.run import text as report
    from planner.outputs.folder import check_output_folder
    from planner.run import default_out_dir, input_paths, load_inputs, reference_run
    from planner.scenario import load_scenario

    base = load_scenario(args.scenario)
    scenario = base.with_command_line(**overrides(args), objective=args.objective)
    out = args.out if args.out is not None else default_out_dir(scenario)
    check_output_folder(out, args.force, input_paths(scenario))  # before the solve, not after
    catalog = load_inputs(scenario)
    run = api.run(scenario, catalog)
    reference = reference_run(scenario, catalog, base)  # what the funding memo compares against
    run.write(out, with_map=not args.no_map, force=args.force, reference=reference)
    print(report.run_text(run, out))
    if reference is not None:
        from planner.run.memo import change_paragraph
        print("\n" + change_paragraph(run, *reference))
    return EXIT_OK
