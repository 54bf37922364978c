"""Proposals on the optimiser's footing: evaluate a fixed portfolio, or choose from a pool.

Both build the scenario's own model with the proposals as projects ("fixed" or
"choose"), so a portfolio and the optimum are scored by the same rows and stages.
What-if questions (drop one project, force one in) change one variable's bounds and
re-solve the same HiGHS model warm instead of rebuilding it.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pandas as pd

from models import Pipeline, PortfolioModel, PortfolioResult
from models.formulation import STAGES
from models.futures import alone
from models.settings import Future, Project
from models.summary import OBJECTIVE_UNITS
from planner.failures import SolverFailure
from planner.review.proposals import Proposals, Review
from planner.run import Run, run_label
from planner.scenario import Scenario
from sites import Catalog

TIE_REL = 1e-6  # objective differences below this share of the optimum are ties (solver tolerance)


@dataclass
class WhatIf:
    """One re-solve with some projects' choice changed: its first-stage value and weighted supply."""

    status: str
    objective_value: float
    weighted_supply: float
    funded: tuple[str, ...]


@dataclass
class Evaluation:
    """A portfolio evaluated as proposed, with what each project adds."""

    name: str
    source: str  # the file it came from, or "optimiser"
    run: Run
    proposals: Proposals
    review: Review
    weights: dict[str, float]  # the scenario's criticality weight per magnet element
    marginals: pd.DataFrame = field(default_factory=pd.DataFrame)  # per project, see drop_each
    existing_only: WhatIf | None = None  # every project dropped: what existing plants alone give

    @property
    def result(self) -> PortfolioResult:
        return self.run.result

    @property
    def sense(self) -> str:
        return stage_sense(self.run.summary.objective)


def stage_sense(objective: str) -> str:
    return STAGES[objective][0][1]


def gain(sense: str, better: float, worse: float) -> float:
    """How much better `better` is than `worse`, in objective units (positive = better)."""
    return better - worse if sense == "max" else worse - better


def _settings(scenario: Scenario, projects: tuple[Project, ...], mode: str):
    # An empty portfolio means no new plants, not "let the optimiser build".
    return dataclasses.replace(scenario.settings(), projects=projects, project_mode=mode,
                               allow_new_capacity=bool(projects))


def _funded(model: PortfolioModel) -> tuple[str, ...]:
    return tuple(sorted(p for p, y in model.funded.items() if round(y.varValue or 0.0) == 1))


class ProjectModel:
    """One scenario's model with proposals in it, kept for warm what-if re-solves."""

    def __init__(self, scenario: Scenario, catalog: Catalog, projects: tuple[Project, ...], mode: str,
                 future: Future | None = None):
        self.scenario, self.catalog = scenario, catalog
        self.settings = _settings(scenario, projects, mode)
        if future is not None:  # that future alone, at probability 1 (its wait-and-see choice)
            self.settings = alone(self.settings, future)
        self.pipeline = Pipeline.prepare(catalog, self.settings)
        self.model = self.pipeline.model
        self.first = self.pipeline.first_stage
        self._answers: dict[tuple, WhatIf] = {}  # value_only what-ifs by their bounds

    def solve(self) -> WhatIf:
        solution = self.pipeline.solve()
        value = solution.stage_values.get(self.first, float("nan"))
        return WhatIf(solution.status, value, self.model.weighted_supply(), _funded(self.model))

    def what_if(self, bounds: dict[str, tuple[float, float]], value_only: bool = False) -> WhatIf:
        """Solve with these projects' funded bounds, then put the old bounds back (not re-solved).

        value_only: only the status and the first stage's optimum are wanted (weighted supply
        NaN, funded empty): the first stage alone is solved, and a question asked before
        (the same bounds, value_only) is answered from memory. The first stage is the same
        problem either way (HiGHS starts a MILP afresh after a bound change), so its value is too."""
        key = tuple(sorted(bounds.items()))
        if value_only and key in self._answers:
            return self._answers[key]
        old = {p: (self.model.funded[p].lowBound, self.model.funded[p].upBound) for p in bounds}
        for p, (low, high) in bounds.items():
            self.pipeline.set_bounds(self.model.funded[p], low, high)
        try:
            if not value_only:
                return self.solve()
            solution = self.pipeline.solver.solve(first_stage_only=True)
            answer = WhatIf(solution.status, solution.stage_values.get(self.first, float("nan")), float("nan"), ())
            self._answers[key] = answer
            return answer
        finally:
            for p, (low, high) in old.items():
                self.pipeline.set_bounds(self.model.funded[p], low, high)

    def run(self, source: str) -> Run:
        """The latest solve as a run, labelled with the proposal file it came from. Proposals
        built as proposed get no marginal value of money: fixed plants cannot use more."""
        settings = {**self.scenario.to_dict(), "projects_file": source, "project_mode": self.settings.project_mode}
        label = run_label(self.scenario, self.catalog, settings)
        result = self.pipeline.result(label, with_marginal=False,
                                      fixed_capacity=self.settings.project_mode == "fixed")
        return Run(self.scenario, self.catalog, result)


def evaluate(proposals: Proposals, review: Review, scenario: Scenario, catalog: Catalog,
             name: str | None = None, source: str | None = None, marginals: bool = True) -> Evaluation:
    """Build every project as proposed; the model chooses operations, shipping and imports."""
    pm = ProjectModel(scenario, catalog, proposals.projects, "fixed")
    base = pm.solve()
    source = source or proposals.file
    ev = Evaluation(name or proposals.name, source, pm.run(source), proposals, review,
                    dict(pm.model.inputs.weights))
    if base.status == "optimal" and marginals:
        ev.marginals = drop_each(pm, base)
        ev.existing_only = pm.what_if({p: (0.0, 0.0) for p in pm.model.funded}) if pm.model.funded else base
    return ev


MARGINAL_COLUMNS = ["project_id", "marginal_objective", "marginal_weighted_t", "objective_without",
                    "weighted_supply_without_t"]


def drop_each(pm: ProjectModel, base: WhatIf) -> pd.DataFrame:
    """What is lost if each project alone is dropped (objective units and weighted t/yr)."""
    sense = stage_sense(pm.settings.objective)
    rows = []
    for pid in sorted(pm.model.funded):
        without = pm.what_if({pid: (0.0, 0.0)})
        if without.status != "optimal":
            raise SolverFailure(f"the portfolio without project {pid}", without.status)
        rows.append((pid, gain(sense, base.objective_value, without.objective_value),
                     base.weighted_supply - without.weighted_supply, without.objective_value,
                     without.weighted_supply))
    return pd.DataFrame(rows, columns=MARGINAL_COLUMNS)


@dataclass
class Selection:
    """The best all-or-nothing subset of a pool, and why each other application is out."""

    chosen: Evaluation  # the funded subset, evaluated as a fixed portfolio (marginals included)
    choice: Run  # the choose-mode solve itself
    applications: pd.DataFrame  # one row per application: funded, reason, value if forced in
    pool: Proposals
    review: Review
    no_regret: pd.DataFrame | None = None  # with several futures: planner/review/noregret.py


def select(pool: Proposals, review: Review, scenario: Scenario, catalog: Catalog) -> Selection:
    """Fund each eligible application all or nothing to optimise the scenario's objective."""
    ineligible = {p.row_id for p in review.errors if p.row_id}
    eligible = tuple(q for q in pool.projects if q.project_id not in ineligible)
    pm = ProjectModel(scenario, catalog, eligible, "choose")
    best, tie = best_choice(pm, eligible, "the choice of applications")
    choice = pm.run(pool.file)
    sense = stage_sense(pm.settings.objective)
    budget = pm.settings.budget_usd
    rows = []
    for q in pool.projects:
        funded = q.project_id in best.funded
        row = {"project_id": q.project_id, "verdict": "fund" if funded else "do not fund", "applicant": q.applicant,
               "site_id": q.site_id, "technology": q.technology_id, "federal_request_usd": q.federal_usd,
               "funded": funded, "objective_if_funded": None, "loss_if_funded": None, "displaces": ""}
        if q.project_id in ineligible:
            row["reason"] = "ineligible: " + "; ".join(p.expected for p in review.errors_of(q.project_id))
        elif row["funded"]:
            row["reason"] = "funded: part of the best portfolio within the budget"
        elif q.federal_usd > budget:
            row["reason"] = f"asks more than the whole budget ({q.federal_usd:,.0f} > {budget:,.0f} USD)"
        else:
            forced = pm.what_if({q.project_id: (1.0, 1.0)})
            displaced = [p for p in best.funded if p not in forced.funded]
            loss = gain(sense, best.objective_value, forced.objective_value)
            row.update(objective_if_funded=forced.objective_value, loss_if_funded=loss,
                       displaces=";".join(displaced))
            row["reason"] = _left_out_reason(loss, tie, displaced, pm.first)
        rows.append(row)
    chosen = evaluate(pool.subset(best.funded), _review_of(review, best.funded),
                      _without_unfunded_mines(scenario, catalog, eligible, best.funded), catalog,
                      name=f"{pool.name}-selected", source=pool.file)
    selection = Selection(chosen, choice, pd.DataFrame(rows), pool, review)
    if len(pm.settings.futures) > 1:
        from planner.review.noregret import no_regret
        selection.no_regret = no_regret(selection, scenario, catalog, eligible)
    return selection


def best_choice(pm: ProjectModel, eligible, what: str) -> tuple[WhatIf, float]:
    """The choose-mode optimum, pruned of projects that add nothing, and the tie tolerance;
    the pipeline is left holding that plan."""
    best = pm.solve()
    if best.status != "optimal":
        raise SolverFailure(what, best.status, pm.pipeline.solution.message)
    # Among equal-valued subsets (within the floor's tolerance) the MILP may still fund a
    # project that adds nothing; drop such projects, dearest first.
    tie = TIE_REL * max(1.0, abs(best.objective_value))
    pruned = []
    for q in sorted((q for q in eligible if q.project_id in best.funded), key=lambda q: -q.federal_usd):
        without = pm.what_if({**{p: (0.0, 0.0) for p in pruned}, q.project_id: (0.0, 0.0)}, value_only=True)
        if without.status == "optimal" and gain(stage_sense(pm.settings.objective), best.objective_value,
                                                 without.objective_value) <= tie:
            pruned.append(q.project_id)
    # re-solved even when nothing was pruned: the pipeline must hold the best plan, not the
    # last what-if, when the choice is read
    return pm.what_if({p: (0.0, 0.0) for p in pruned}), tie


def _without_unfunded_mines(scenario: Scenario, catalog: Catalog, eligible, funded) -> Scenario:
    """The scenario the funded subset is evaluated under: a deposit applied for as a new mine
    produces only through its application (models/inputs.py), so one left unfunded produces
    nothing there either (its feed excluded), as in the choice itself."""
    kinds = catalog.feed_options.set_index("option_id")
    left = sorted({str(kinds.at[q.option_id, "feedstock_id"]) for q in eligible
                   if q.is_option and q.project_id not in funded and kinds.at[q.option_id, "kind"] == "new_mine"})
    if not left:
        return scenario
    excluded = list(scenario.settings().exclude_feedstocks)
    return scenario.with_overrides("select", exclude_feedstocks=excluded + [k for k in left if k not in excluded])


def _review_of(review: Review, project_ids) -> Review:
    keep = set(project_ids)
    return Review([p for p in review.errors if p.row_id in keep], [p for p in review.warnings if p.row_id in keep])


def _left_out_reason(loss: float, tie: float, displaced: list[str], objective: str) -> str:
    unit = OBJECTIVE_UNITS[objective]
    if loss <= tie and not displaced:
        return "adds nothing to the funded projects: funding it would not change the objective"
    if loss <= tie:
        return (f"tied: funding it instead of {', '.join(displaced)} scores the same (either choice is optimal; "
                "the solver kept the one found first)")
    if displaced:
        return f"budget: funding it means dropping {', '.join(displaced)} and loses {loss:,.3f} {unit}"
    return f"funding it worsens the objective by {loss:,.3f} {unit}"
