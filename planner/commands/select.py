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

    from planner import api
    from planner.outputs.folder import slug
    from planner.review.files import selection_text
    from planner.run import text as report

    setup = review_setup(args, [args.applications], f"select-{slug(args.applications.stem, 'pool')}")
    scored = api.select(args.applications, setup.scenario, setup.catalog)
    for problem in scored.left_out:  # an ineligible application is left out and says why
        print(f"ree-planner: left out: {problem}", file=sys.stderr)
    scored.write(setup.out, with_map=not args.no_map, force=args.force)
    print(selection_text(scored.selection))
    print()
    print(report.run_text(scored.run, setup.out))
    print_projects(scored.projects, "Funded projects")
    return EXIT_OK
