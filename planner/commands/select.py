"""`ree-planner select`: fund the best all-or-nothing subset of a pool of applications."""
from __future__ import annotations

from pathlib import Path

from planner.commands.options import add_review_options, example_help, print_projects, review_setup
from planner.exit_codes import EXIT_OK

NAME = "select"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="choose which applications to fund, all or nothing, within the budget",
                       **example_help("ree-planner select examples/portfolios/applications.csv --budget 60M"))
    p.add_argument("applications", type=Path, metavar="APPLICATIONS.csv",
                   help="one row per application, in the portfolio.csv format")
    add_review_options(p, "out/select-<file name>")


def main(args) -> int:
    import sys

    from planner.failures import require_optimal
    from planner.outputs.folder import slug
    from planner.review.board import board_of_selection
    from planner.review.evaluation import select
    from planner.review.files import selection_text, write_evaluation
    from planner.review.proposals import problem_order, read_proposals, review
    from planner.review.scorecard import scorecards
    from planner.run import text as report
    from sites.errors import InputError, Problem

    setup = review_setup(args, [args.applications], f"select-{slug(args.applications.stem, 'pool')}")
    pool = read_proposals(args.applications)
    if not pool.projects and not pool.format_problems:
        raise InputError(Problem(str(args.applications), None, None, None,
                                 "at least one application row under the header"))
    # The pool may ask for more than the budget (that is the point); an ineligible
    # application is left out and says why, instead of stopping the whole choice.
    found = review(pool, setup.scenario, setup.catalog, check_budget=False)
    if pool.format_problems:  # a file that cannot be read as written: every problem of it at once
        raise InputError(sorted(found.errors, key=problem_order))
    for problem in found.errors:
        print(f"ree-planner: left out: {problem}", file=sys.stderr)
    selection = select(pool, found, setup.scenario, setup.catalog)
    require_optimal(f"the selection from {args.applications}", selection.chosen.run.summary)
    portfolios, projects = scorecards([selection.chosen])
    write_evaluation(setup.out, selection.chosen, portfolios, projects, with_map=not args.no_map,
                     extra={"selection.csv": selection.applications}, force=args.force, protect=setup.protect,
                     kind="select", board=board_of_selection(selection),
                     board_title=f"Award board: {args.applications.name} under scenario {setup.scenario.name}")
    print(selection_text(selection))
    print()
    print(report.run_text(selection.chosen.run, setup.out))
    print_projects(projects, "Funded projects")
    return EXIT_OK
