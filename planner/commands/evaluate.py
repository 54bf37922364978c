"""`ree-planner evaluate`: score one portfolio of proposals, built exactly as proposed."""
from __future__ import annotations

import sys
from pathlib import Path

from planner.commands.options import add_review_options
from planner.exit_codes import EXIT_OK, EXIT_SOLVER

NAME = "evaluate"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="evaluate a portfolio of proposals (capacities fixed as proposed)")
    p.add_argument("portfolio", type=Path, metavar="PORTFOLIO.csv",
                   help="one row per project, in the format run writes as portfolio.csv")
    add_review_options(p, "out/evaluate-<file name>")


def main(args) -> int:
    from planner import report
    from planner.evaluation import evaluate
    from planner.proposals import load_proposals
    from planner.review_outputs import projects_text, scorecard_text, warnings_text, write_evaluation
    from planner.run import load_inputs
    from planner.scenario import load_scenario
    from planner.scorecard import scorecards

    scenario = load_scenario(args.scenario)
    catalog = load_inputs(scenario)
    proposals, review = load_proposals(args.portfolio, scenario, catalog)
    ev = evaluate(proposals, review, scenario, catalog)
    if ev.run.summary["status"] != "optimal":
        print(f"ree-planner: the model did not solve: {ev.run.summary['message']}; no outputs written",
              file=sys.stderr)
        return EXIT_SOLVER
    portfolios, projects = scorecards([ev])
    out = args.out if args.out is not None else Path("out") / f"evaluate-{proposals.name}"
    write_evaluation(out, ev, portfolios, projects, with_map=not args.no_map)
    print(report.run_text(ev.run, out))
    print("\nScorecard:\n" + scorecard_text(portfolios))
    if len(projects):
        print("\nProjects (marginal = lost if that project alone is dropped):\n" + projects_text(projects))
    print("\n" + warnings_text(projects))
    return EXIT_OK
