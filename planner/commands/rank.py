"""`ree-planner rank`: score several portfolios against the optimum for the same budget."""
from __future__ import annotations

import sys
from pathlib import Path

from planner.commands.options import add_review_options
from planner.exit_codes import EXIT_OK, EXIT_SOLVER

NAME = "rank"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="rank portfolios against the optimal portfolio for the same budget")
    p.add_argument("portfolios", type=Path, nargs="+", metavar="PORTFOLIO.csv")
    add_review_options(p, "out/rank-<scenario name>", "skip the comparison map.html")


def main(args) -> int:
    from planner.ranking import rank
    from planner.review_outputs import scorecard_text, warnings_text, write_ranking
    from planner.run import load_inputs
    from planner.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    catalog = load_inputs(scenario)
    ranking = rank(args.portfolios, scenario, catalog)
    if ranking.failed:
        print(f"ree-planner: the model did not solve for {', '.join(ranking.failed)}; no outputs written",
              file=sys.stderr)
        return EXIT_SOLVER
    out = args.out if args.out is not None else Path("out") / f"rank-{scenario.name}"
    write_ranking(out, ranking.evaluations, ranking.portfolios, ranking.projects, ranking.title, ranking.notes,
                  with_map=not args.no_map)
    print(ranking.title)
    print("\n".join(ranking.notes))
    print("\n" + scorecard_text(ranking.portfolios))
    print("\n" + warnings_text(ranking.projects))
    print(f"\nScorecard (scorecard.csv, .xlsx, .html) and map written to {out}/")
    return EXIT_OK
