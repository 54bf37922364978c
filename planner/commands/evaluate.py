"""`ree-planner evaluate`: score one portfolio of proposals, built exactly as proposed."""
from __future__ import annotations

from pathlib import Path

from planner.commands.options import add_review_options
from planner.exit_codes import EXIT_OK

NAME = "evaluate"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="evaluate a portfolio of proposals (capacities fixed as proposed)")
    p.add_argument("portfolio", type=Path, metavar="PORTFOLIO.csv",
                   help="one row per project, in the format run writes as portfolio.csv")
    add_review_options(p, "out/evaluate-<file name>")


def main(args) -> int:
    from planner.run import text as report
    from planner.review.evaluation import evaluate
    from planner.review.proposals import load_proposals
    from planner.review.files import projects_text, scorecard_text, warnings_text, write_evaluation
    from planner.failures import require_optimal
    from planner.outputs.folder import check_output_folder, slug
    from planner.run import input_paths, load_inputs
    from planner.scenario import load_scenario
    from planner.review.scorecard import scorecards

    scenario = load_scenario(args.scenario)
    out = args.out if args.out is not None else Path("out") / f"evaluate-{slug(args.portfolio.stem, 'portfolio')}"
    protect = (args.portfolio, *input_paths(scenario))
    check_output_folder(out, args.force, protect)
    catalog = load_inputs(scenario)
    proposals, review = load_proposals(args.portfolio, scenario, catalog)
    ev = evaluate(proposals, review, scenario, catalog)
    require_optimal(f"portfolio {args.portfolio}", ev.run.summary)
    portfolios, projects = scorecards([ev])
    write_evaluation(out, ev, portfolios, projects, with_map=not args.no_map, force=args.force, protect=protect)
    print(report.run_text(ev.run, out))
    print("\nScorecard:\n" + scorecard_text(portfolios))
    if len(projects):
        print("\nProjects (marginal = lost if that project alone is dropped):\n" + projects_text(projects))
    print("\n" + warnings_text(projects))
    return EXIT_OK
