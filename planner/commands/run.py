"""`ree-planner run`: solve one scenario and write its outputs."""
from __future__ import annotations

import contextlib
from pathlib import Path

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
    p.add_argument("--write-lp", type=Path, metavar="FILE",
                   help="also write the first stage's LP as a readable CPLEX LP file (names: docs/model.md); an "
                        "existing file only if ree-planner wrote it, never inside the output folder")


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
    with contextlib.ExitStack() as stack:  # the LP file appears with the folder, or not at all
        lp_scratch = None
        if args.write_lp is not None:
            from models.lp_file import check_lp_path, is_ree_planner_lp
            from planner.outputs.folder import atomic_file

            check_lp_path(args.write_lp, out, input_paths(scenario))
            lp_scratch = stack.enter_context(atomic_file(args.write_lp, is_ree_planner_lp))
        run = api.run(scenario, catalog, lp_file=lp_scratch)
        reference = reference_run(scenario, catalog, base)  # what the funding memo compares against
        run.write(out, with_map=not args.no_map, force=args.force, reference=reference)
    print(report.run_text(run, out))
    if args.write_lp is not None:
        print(f"First-stage LP written to {args.write_lp}")
    if reference is not None:
        from planner.run.memo import change_paragraph
        print("\n" + change_paragraph(run, *reference))
    return EXIT_OK
