"""`ree-planner rank`: score several portfolios against the optimum for the same budget."""
from __future__ import annotations

from pathlib import Path

from planner.commands.options import add_review_options, example_help, review_setup
from planner.exit_codes import EXIT_OK

NAME = "rank"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="rank portfolios against the optimal portfolio for the same budget",
                       **example_help("ree-planner rank examples/portfolios/heavy_ree_focus.csv "
                                      "examples/portfolios/light_ree_scale.csv --budget 1.2B"))
    p.add_argument("portfolios", type=Path, nargs="+", metavar="PORTFOLIO.csv")
    add_review_options(p, "out/rank-<scenario name>", "skip the comparison map.html")


def main(args) -> int:
    from planner import api
    from planner.outputs.folder import slug
    from planner.review.files import no_regret_text, scorecard_text, warnings_text

    setup = review_setup(args, list(args.portfolios), lambda scenario: f"rank-{slug(scenario.name)}")
    ranking = api.rank(args.portfolios, setup.scenario, setup.catalog)
    ranking.write(setup.out, with_map=not args.no_map, force=args.force)
    print(ranking.title)
    print("\n".join(ranking.notes))
    print("\n" + scorecard_text(ranking.portfolios))
    print("\n" + warnings_text(ranking.projects))
    if ranking.no_regret is not None:  # several futures
        print("\n" + no_regret_text(ranking.no_regret))
    print(f"\nScorecard (scorecard.csv, .xlsx, .html), award board (board.csv, board.html) and map written to "
          f"{setup.out}/")
    return EXIT_OK
