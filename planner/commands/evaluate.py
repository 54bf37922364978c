"""`ree-planner evaluate`: score one portfolio of proposals, built exactly as proposed."""
from __future__ import annotations

from pathlib import Path

from planner.commands.options import add_review_options, example_help, print_projects, review_setup
from planner.exit_codes import EXIT_OK

NAME = "evaluate"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="evaluate a portfolio of proposals (capacities fixed as proposed)",
                       **example_help("ree-planner evaluate examples/portfolios/heavy_ree_focus.csv --budget 600M"))
    p.add_argument("portfolio", type=Path, metavar="PORTFOLIO.csv",
                   help="one row per project, in the format run writes as portfolio.csv")
    add_review_options(p, "out/evaluate-<file name>")


def main(args) -> int:
    from planner import api
    from planner.outputs.folder import slug
    from planner.review.files import scorecard_text
    from planner.run import text as report

    setup = review_setup(args, [args.portfolio], f"evaluate-{slug(args.portfolio.stem, 'portfolio')}")
    scored = api.evaluate(args.portfolio, setup.scenario, setup.catalog)
    scored.write(setup.out, with_map=not args.no_map, force=args.force)
    portfolios, projects = scored.portfolios, scored.projects
    print(report.run_text(scored.run, setup.out))
    print("\nScorecard:\n" + scorecard_text(portfolios))
    print(f"Award board (board.csv, board.html) written to {setup.out}/")
    print_projects(projects, "Projects")
    return EXIT_OK
