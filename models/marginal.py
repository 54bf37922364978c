"""Marginal value of federal money: what the next dollars buy, in total and per element.

Two measurements are combined. The LP shadow price of the budget row gives the rate in
weighted supply per extra $1M. A small warm re-solve with STEP_USD more money gives the
same rate measured, plus its split by element (the dual alone cannot say which elements
the extra supply comes from). Where the two agree the shadow price is reported; where they
do not, the budget sits on a kink of the supply curve (any value between the slopes either
side is a valid dual there, and which one the solver returns depends on its start), so the
measured right-hand slope is reported instead: it is what the *next* money buys, and it
does not depend on the solver's path.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from models.formulation import PortfolioModel
from models.solve import StageSolver
from sites.sets import ELEMENTS

STEP_USD = 100_000.0  # small next to plant sizes, large next to solver noise
PER_MUSD = 1e6
AGREE = 1e-4  # relative agreement of shadow price and measured slope
ZERO_RATE = 1e-7  # weighted t/yr per $1M below this is no value
SLACK_SHARE = 1e-6  # budget share left unspent above which the budget row is surely slack
ELEMENT_GROUPS = (("NdPr", ("Nd", "Pr")), ("Dy", ("Dy",)), ("Tb", ("Tb",)))
DECIMALS = 6


def _v(var) -> float:
    return float(var.varValue or 0.0)


def _r(x: float) -> float:
    return round(x, DECIMALS) + 0.0


@dataclass(frozen=True)
class Snapshot:
    """The few numbers a sweep point needs, read straight from the solved variables."""

    weighted_supply: float
    federal_usd: float
    credited_t: dict[str, float]  # element -> t/yr counted against demand
    domestic_t: dict[str, float]  # element -> t/yr delivered by US plants
    demand_t: dict[str, float]
    new_tpa: dict[tuple[str, str], float] = field(default_factory=dict)  # (site, technology) -> t/yr

    def import_reliance(self, element: str) -> float:
        demand = self.demand_t[element]
        return (demand - self.credited_t[element]) / demand if demand else 0.0


def snapshot(model: PortfolioModel, read=_v) -> Snapshot:
    """read: how a variable's value is read (PuLP's read-back, or StageSolver.value)."""
    inputs = model.inputs
    magnet = sorted({e for e, _ in inputs.demand_t}, key=ELEMENTS.index)
    credited = {e: 0.0 for e in magnet}
    demand = {e: 0.0 for e in magnet}
    for (e, form), t in inputs.demand_t.items():
        credited[e] += read(model.credited[(e, form)])
        demand[e] += t
    domestic = {e: 0.0 for e in magnet}
    for (_, form, e, _origin), var in model.delivery.items():
        if e in domestic and (e, form) in inputs.demand_t:
            domestic[e] += read(var)
    plants = inputs.plants
    capex = dict(zip(zip(plants["site_id"], plants["technology_id"]), plants["capex_usd_per_tpa"]))
    new_tpa, federal = {}, 0.0
    for key, var in model.new_capacity.items():
        value = read(var)
        new_tpa[key] = value
        if not model.funded:
            federal += value * inputs.federal_share * float(capex[key])
    # columns zipped, not itertuples: a sweep takes several snapshots a point
    for project_id, federal_usd in zip(inputs.projects["project_id"], inputs.projects["federal_usd"]):
        federal += round(read(model.funded[project_id])) * federal_usd
    if inputs.options is not None:  # developed feed options (relaxed: their share of the money)
        options = inputs.options
        federal += sum(read(model.develop[o]) * usd for o, usd in zip(options["option_id"], options["federal_usd"]))
    return Snapshot(model.weighted_supply(read), federal, credited, domestic, demand, new_tpa)


@dataclass(frozen=True)
class MarginalValue:
    """What the next federal dollars buy. Rates are per extra $1M federal."""

    status: str  # "binds", "slack" (more money buys nothing) or "unsolved"
    per_musd: float  # reported d objective / d $1M: weighted t/yr per $1M, or $M/yr, or reliance
    dual: float  # the LP shadow price as the solver returned it
    by_element_per_musd: dict[str, float]  # t/yr of each magnet element per $1M, from the step
    method: str  # how per_musd was obtained, in words

    def as_summary(self) -> dict:
        return {
            "budget_marginal_value": _r(self.per_musd),
            "budget_dual": _r(self.dual),
            "budget_binds": self.status == "binds",
            "budget_marginal_by_element": {e: _r(v) for e, v in self.by_element_per_musd.items()},
            "budget_marginal_method": self.method,
        }


def measure(solver: StageSolver, budget_usd: float, base: Snapshot, objective_value: float,
            dual: float) -> MarginalValue:
    """Re-solve warm with STEP_USD more, compare with the dual, and put the budget back.

    Call it right after the solve whose variables `base` was read from. The stepped solve is
    not read back into PuLP's variables, but read everything you need before all the same
    (StageSolver.value then gives the stepped solution).
    """
    model = solver.model
    if model.build or (model.funded and model.inputs.project_mode == "choose"):
        return _discrete_step(solver, budget_usd, base, objective_value, dual)
    if base.federal_usd < budget_usd * (1 - SLACK_SHARE) - 1.0 and abs(dual) < ZERO_RATE:
        # money is left over: a looser limit changes nothing, so no re-solve is needed
        return MarginalValue("slack", 0.0, dual, {e: 0.0 for e in base.credited_t},
                             "shadow price 0: the budget is not all used")
    step = _step(solver, budget_usd, base, objective_value, STEP_USD)
    if step is None:
        return MarginalValue("unsolved", 0.0, dual, {}, "the re-solve with more money failed")
    # the measured slope in the first stage's own units, d objective / d $1M like its dual
    # (negative for a minimised objective that money lowers)
    measured, by_element = step
    step_text = f"element split from re-solving with ${STEP_USD / 1e3:,.0f}k more"
    if abs(measured) < ZERO_RATE and abs(dual) < ZERO_RATE:
        return MarginalValue("slack", 0.0, dual, {e: 0.0 for e in by_element}, "shadow price 0 and " + step_text)
    if abs(measured - dual) <= AGREE * max(1.0, abs(dual)):
        return MarginalValue("binds", dual, dual, by_element, "LP shadow price; " + step_text)
    status = "binds" if abs(measured) >= ZERO_RATE else "slack"
    return MarginalValue(status, measured, dual, by_element if status == "binds" else {e: 0.0 for e in by_element},
                         f"slope measured by re-solving with ${STEP_USD / 1e3:,.0f}k more: the budget sits on a kink "
                         f"of the supply curve, where the shadow price ({dual:,.4g}) is the slope on one side only")


def _t(x: float) -> str:
    return f"{x:,.1f}" if abs(x) >= 0.95 else f"{x:,.2f}" if abs(x) >= 0.0095 else f"{x:,.3g}"


def element_clause(by_element_per_musd: dict[str, float]) -> str:
    """'(Y t/yr Dy, Z t/yr NdPr)' per $100M, largest weight groups first, zeros left out."""
    parts = []
    for label, members in ELEMENT_GROUPS:
        value = 100 * sum(by_element_per_musd.get(e, 0.0) for e in members)
        if abs(value) >= 0.0005:
            parts.append(f"{_t(value)} t/yr {label}")
    return f" ({', '.join(parts)})" if parts else ""


def sentence(status: str, objective: str, per_musd: float, binds: bool | None,
             by_element_per_musd: dict[str, float] | None, federal_usd: float, budget_usd: float,
             floor: float = 0.0) -> str:
    """The marginal value in plain words. binds None: judge by the rate itself (no re-solve
    said whether the budget binds). floor: the value floor, if the run has one."""
    if status != "optimal":
        return "No marginal value: the scenario did not solve."
    if not (binds if binds is not None else abs(per_musd) >= ZERO_RATE):
        if floor > 0:
            return (f"Spending stops at the value floor (${federal_usd / 1e6:,.1f}M of ${budget_usd / 1e6:,.1f}M "
                    f"used): no further plant adds {floor:g} weighted t/yr per federal $1M.")
        return (f"The budget does not bind (${federal_usd / 1e6:,.1f}M of ${budget_usd / 1e6:,.1f}M used): "
                "more federal money would not add supply.")
    per_100m = 100 * per_musd
    split = element_clause(by_element_per_musd or {})
    if objective == "min_cost":
        return f"The next $100M of federal money saves {-per_100m:,.2f} $M/yr of annual cost{split}."
    if objective == "min_import_reliance":
        return (f"The next $100M of federal money lowers the largest import reliance by "
                f"{-per_100m:.4f}{split}.")
    return f"The next $100M adds {_t(per_100m)} t/yr of weighted supply{split}."


DISCRETE_STEP_USD = 100e6  # whole plants: the literal next $100M, re-solved as a MILP


def _discrete_step(solver: StageSolver, budget_usd: float, base: Snapshot, objective_value: float,
                   dual: float) -> MarginalValue:
    """Plants come in whole sizes, so there is no shadow price of the budget to speak of:
    re-solve with $100M more and report the average rate over that step."""
    step = _step(solver, budget_usd, base, objective_value, DISCRETE_STEP_USD)
    if step is None:
        return MarginalValue("unsolved", 0.0, dual, {}, "the re-solve with $100M more failed")
    rate, by_element = step
    status = "binds" if abs(rate) >= ZERO_RATE else "slack"
    return MarginalValue(status, rate, dual, by_element,
                         "plant sizes are discrete: average over $100M more, re-solved (no shadow price)")


def _step(solver: StageSolver, budget_usd: float, base: Snapshot, objective_value: float,
          step_usd: float) -> tuple[float, dict[str, float]] | None:
    """Re-solve with step_usd more and put the budget back: (objective change, t/yr per
    element) per extra $1M, or None if the re-solve failed."""
    model = solver.model
    solver.set_budget(budget_usd + step_usd)
    stepped = solver.solve(read_back=False)  # the few numbers needed are read from HiGHS's arrays
    solver.set_budget(budget_usd)
    if not stepped.optimal:
        return None
    after = snapshot(model, solver.value)
    scale = PER_MUSD / step_usd
    by_element = {e: (after.credited_t[e] - base.credited_t[e]) * scale for e in base.credited_t}
    return (stepped.stage_values[model.stages[0][0]] - objective_value) * scale, by_element
