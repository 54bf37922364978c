"""`ree-planner rank`: score several portfolios against the optimum for the same budget."""
from __future__ import annotations

from pathlib import Path

from planner.commands.options import add_review_options
from planner.exit_codes import EXIT_OK

NAME = "rank"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="rank portfolios against the optimal portfolio for the same budget")
    p.add_argument("portfolios", type=Path, nargs="+", metavar="PORTFOLIO.csv")
    add_review_options(p, "out/rank-<scenario name>", "skip the comparison map.html")


def main(args) -> int:
    from planner.review.ranking import rank
    from planner.review.files import scorecard_text, warnings_text, write_ranking
    from planner.failures import SolverFailure
    from planner.outputs.folder import check_output_folder, slug
    from planner.run import input_paths, load_inputs
    from planner.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    out = args.out if args.out is not None else Path("out") / f"rank-{slug(scenario.name)}"
    protect = (*args.portfolios, *input_paths(scenario))
    check_output_folder(out, args.force, protect)
    catalog = load_inputs(scenario)
    ranking = rank(args.portfolios, scenario, catalog)
    if ranking.failed:
        raise SolverFailure(f"portfolio(s) {', '.join(ranking.failed)}", "not optimal")
    write_ranking(out, ranking.evaluations, ranking.portfolios, ranking.projects, ranking.title, ranking.notes,
                  with_map=not args.no_map, force=args.force, protect=protect)
    print(ranking.title)
    print("\n".join(ranking.notes))
    print("\n" + scorecard_text(ranking.portfolios))
    print("\n" + warnings_text(ranking.projects))
    print(f"\nScorecard (scorecard.csv, .xlsx, .html) and map written to {out}/")
    return EXIT_OK
