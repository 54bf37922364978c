"""No-regret awards (docs/review.md, "No-regret awards"): with several futures, `select` (and
`rank`, on the ranked files' applications as one pool) also chooses from the same pool within the same budget once per future alone (that future at
probability 1, as if it were certain), so a reviewer sees which applications are funded in every
future, in some, or in none, and what each costs in a future where it is not that future's choice.

Regret if funded, in a future: that future's own optimum minus its best objective with the
application forced in (re-solved, everything else free); 0 where the future's own choice funds
it. Regret if dropped: the same with the application forced out; 0 where the future's own
choice leaves it out. Both are in the first stage's objective units, positive = worse, and 0
within the choice's tie tolerance. Each future's choice is pruned of applications that add
nothing, as select's own choice is, so a tie does not count as funded.
"""
from __future__ import annotations

import math

import pandas as pd

from models.summary import OBJECTIVE_UNITS
from planner.review.evaluation import ProjectModel, Selection, WhatIf, best_choice, gain, stage_sense
from planner.scenario import Scenario
from sites import Catalog

EVERY = "fund in every future"
SOME = "fund in some futures"
NONE = "fund in no future"
INELIGIBLE = "ineligible"


def _regret(sense: str, best: WhatIf, forced: WhatIf, tie: float) -> float:
    """How much worse the forced choice is than the future's own optimum (NaN if infeasible)."""
    if forced.status != "optimal":
        return math.nan
    loss = gain(sense, best.objective_value, forced.objective_value)
    return 0.0 if abs(loss) <= tie else loss


def _max(values: list[float]) -> float:
    """The largest regret that could be computed (NaN where forcing was infeasible everywhere)."""
    known = [v for v in values if not math.isnan(v)]
    return max(known) if known else math.nan


def future_choices(scenario: Scenario, catalog: Catalog, eligible) -> tuple[dict, str]:
    """Per future: {project_id: (funded, regret_if_funded, regret_if_dropped)}, and the unit."""
    futures = scenario.settings().futures
    out, unit = {}, ""
    for future in futures:
        pm = ProjectModel(scenario, catalog, eligible, "choose", future=future)
        best, tie = best_choice(pm, eligible, f"the choice of applications in future {future.name} alone")
        sense, unit = stage_sense(pm.settings.objective), OBJECTIVE_UNITS[pm.first]
        rows = {}
        for q in eligible:
            funded = q.project_id in best.funded
            flip = (0.0, 0.0) if funded else (1.0, 1.0)
            regret = _regret(sense, best, pm.what_if({q.project_id: flip}, value_only=True), tie)
            rows[q.project_id] = (funded, 0.0, regret) if funded else (False, regret, 0.0)
        out[future.name] = rows
    return out, unit


def no_regret(selection: Selection, scenario: Scenario, catalog: Catalog, eligible) -> pd.DataFrame:
    """select: every application of the pool, the stochastic choice being select's own."""
    stochastic = selection.applications.set_index("project_id")["funded"].to_dict()
    return _table(selection.pool.projects, stochastic, scenario, catalog, eligible)


def pool_no_regret(projects, scenario: Scenario, catalog: Catalog) -> pd.DataFrame:
    """rank: the ranked files' applications as one pool (each id once), chosen over all futures
    together (the stochastic choice) and in each future alone."""
    pm = ProjectModel(scenario, catalog, tuple(projects), "choose")
    best, _ = best_choice(pm, projects, "the choice of applications over all futures")
    stochastic = {q.project_id: q.project_id in best.funded for q in projects}
    return _table(projects, stochastic, scenario, catalog, tuple(projects))


def _table(projects, stochastic: dict[str, bool], scenario: Scenario, catalog: Catalog, eligible) -> pd.DataFrame:
    """One row per application: in which futures' own choices it is funded, whether the
    stochastic (extensive-form) choice funds it, and its regret if funded or dropped per future."""
    by_future, unit = future_choices(scenario, catalog, eligible)
    names = list(by_future)
    rows = []
    for q in projects:
        mine = {f: by_future[f].get(q.project_id) for f in names}
        ok = all(v is not None for v in mine.values())
        funded_in = [f for f in names if ok and mine[f][0]]
        award = INELIGIBLE if not ok else EVERY if len(funded_in) == len(names) else SOME if funded_in else NONE
        nan = math.nan
        row = {"project_id": q.project_id, "applicant": q.applicant, "site_id": q.site_id,
               "federal_request_usd": q.federal_usd, "futures_funded": len(funded_in), "futures": len(names),
               "funded_in": ";".join(funded_in), "funded_in_stochastic": bool(stochastic.get(q.project_id, False)),
               "award": award,
               "max_regret_if_funded": _max([mine[f][1] for f in names]) if ok else nan,
               "max_regret_if_dropped": _max([mine[f][2] for f in names]) if ok else nan,
               "value_unit": unit}
        for f in names:
            row[f"regret_if_funded_{f}"] = mine[f][1] if ok else nan
            row[f"regret_if_dropped_{f}"] = mine[f][2] if ok else nan
        rows.append(row)
    return pd.DataFrame(rows)
