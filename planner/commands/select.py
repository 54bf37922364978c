"""`ree-planner select`: fund the best all-or-nothing subset of a pool of applications."""
from __future__ import annotations

from pathlib import Path

from planner.commands.options import add_review_options
from planner.exit_codes import EXIT_OK

NAME = "select"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="choose which applications to fund, all or nothing, within the budget")
    p.add_argument("applications", type=Path, metavar="APPLICATIONS.csv",
                   help="one row per application, in the portfolio.csv format")
    add_review_options(p, "out/select-<file name>")


def main(args) -> int:
    import sys

    from planner.run import text as report
    from planner.review.evaluation import select
    from planner.review.proposals import read_proposals, review
    from planner.review.files import projects_text, selection_text, warnings_text, write_evaluation
    from planner.failures import require_optimal
    from sites.errors import InputError, Problem
    from planner.outputs.folder import check_output_folder, slug
    from planner.run import input_paths, load_inputs
    from planner.scenario import load_scenario
    from planner.review.scorecard import scorecards

    scenario = load_scenario(args.scenario)
    out = args.out if args.out is not None else Path("out") / f"select-{slug(args.applications.stem, 'pool')}"
    protect = (args.applications, *input_paths(scenario))
    check_output_folder(out, args.force, protect)
    catalog = load_inputs(scenario)
    pool = read_proposals(args.applications).raise_format_problems()
    if not pool.projects:
        raise InputError(Problem(str(args.applications), None, None, None,
                                 "at least one application row under the header"))
    # The pool may ask for more than the budget (that is the point); an ineligible
    # application is left out and says why, instead of stopping the whole choice.
    found = review(pool, scenario, catalog, check_budget=False)
    for problem in found.errors:
        print(f"ree-planner: left out: {problem}", file=sys.stderr)
    selection = select(pool, found, scenario, catalog)
    require_optimal(f"the selection from {args.applications}", selection.chosen.run.summary)
    portfolios, projects = scorecards([selection.chosen])
    write_evaluation(out, selection.chosen, portfolios, projects, with_map=not args.no_map,
                     extra={"selection.csv": selection.applications}, force=args.force, protect=protect,
                     kind="select")
    print(selection_text(selection))
    print()
    print(report.run_text(selection.chosen.run, out))
    if len(projects):
        print("\nFunded projects (marginal = lost if that project alone is dropped):\n" + projects_text(projects))
    print("\n" + warnings_text(projects))
    return EXIT_OK
