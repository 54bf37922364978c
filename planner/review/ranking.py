"""Rank portfolios of proposals against the optimiser's portfolio for the same scenario and budget."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planner.review.evaluation import Evaluation, evaluate
from planner.review.proposals import Proposals, proposals_from_frame, read_proposals, review
from planner.run import run_scenario
from planner.scenario import Scenario
from planner.review.scorecard import scorecards
from sites import Catalog
from sites.errors import InputError

OPTIMAL = "optimal"


@dataclass
class Ranking:
    evaluations: list[Evaluation] = field(default_factory=list)
    portfolios: pd.DataFrame = field(default_factory=pd.DataFrame)  # ranked, with regret
    projects: pd.DataFrame = field(default_factory=pd.DataFrame)
    optimum: float = float("nan")
    title: str = ""
    notes: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # portfolios whose model did not solve
    no_regret: pd.DataFrame | None = None  # with several futures: planner/review/noregret.py
    pool: dict = field(default_factory=dict)  # project_id -> the application no_regret judged


def _names(files: list[Proposals]) -> list[str]:
    """File names without .csv, made unique ('optimal' is the optimiser's)."""
    taken, names = {OPTIMAL}, []
    for p in files:
        name, k = p.name, 2
        while name in taken:
            name, k = f"{p.name}-{k}", k + 1
        taken.add(name)
        names.append(name)
    return names


def _pool(files: list[Proposals]) -> dict:
    """Every application of the ranked files once; an id naming different applications in two
    files keeps the first file's (the later one gets no no-regret award)."""
    pool: dict = {}
    for p in files:
        for q in p.projects:
            pool.setdefault(q.project_id, q)
    return pool


def rank(paths: list[Path], scenario: Scenario, catalog: Catalog) -> Ranking:
    """Evaluate every file and the optimum; problems in any file are raised together."""
    files = [read_proposals(p) for p in paths]
    reviews = [review(p, scenario, catalog) for p in files]
    problems = [e for r in reviews for e in r.errors]
    if problems:
        raise InputError(problems)

    out = Ranking()
    best = run_scenario(scenario, catalog)
    if best.summary.status != "optimal":
        out.failed.append(OPTIMAL)
        return out
    optimal = proposals_from_frame(best.result.portfolio, OPTIMAL)
    out.evaluations.append(evaluate(optimal, review(optimal, scenario, catalog, check_budget=False), scenario,
                                    catalog, name=OPTIMAL, source="optimiser"))
    for name, proposals, found in zip(_names(files), files, reviews):
        out.evaluations.append(evaluate(proposals, found, scenario, catalog, name=name))
    out.failed = [ev.name for ev in out.evaluations if ev.run.summary.status != "optimal"]
    if out.failed:
        return out
    out.optimum = float(best.summary["objective_value"])
    out.portfolios, out.projects = scorecards(out.evaluations, optimum=out.optimum)
    if len(scenario.settings().futures) > 1:
        from planner.review.noregret import pool_no_regret
        out.pool = _pool(files)
        out.no_regret = pool_no_regret(list(out.pool.values()), scenario, catalog)
    s = best.summary
    out.title = f"ree-planner scorecard: {len(files)} portfolio(s) against the optimum, scenario {scenario.name}"
    out.notes = [
        f"Objective {s['objective']}; the optimiser's best for a ${s['budget_usd'] / 1e6:,.1f}M budget is "
        f"{out.optimum:,.3f} {s['objective_unit']} (federal share {s['federal_share']:.0%}).",
        "Regret is how much better the optimum scores; a negative regret means the proposals cost the government "
        "less than the catalog's estimates at the full federal share.",
        "Marginal contribution: what is lost if that project alone is dropped and the rest re-optimised.",
    ]
    return out
