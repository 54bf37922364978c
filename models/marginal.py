"""Marginal value of federal money: what the next dollars buy, in total and per element.

Two measurements are combined. The LP shadow price of the budget row gives the rate in
weighted supply per extra $1M. A small warm re-solve with STEP_USD more money gives the
same rate measured, plus its split by element (the dual alone cannot say which elements
the extra supply comes from). Where the two agree the shadow price is reported; where they
do not, the budget sits on a kink of the supply curve (any value between the slopes either
side is a valid dual there, and which one the solver returns depends on its start), so the
measured right-hand slope is reported instead: it is what the *next* money buys, and it
does not depend on the solver's path.

The sentence a run or sweep point prints says what the literal next $100M buys: a third
re-solve with NEXT_USD more (NextMoney, before and after), reported in the objective's own
units, never the slope multiplied out (which overstates wherever the curve bends within the
$100M). A sweep that solves budget + NEXT_USD as a point anyway takes that point's solution
instead of re-solving (measure_next). sentence() is the one place these words are written.
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


NEXT_USD = 100e6  # "the next $100M": what the words promise, measured by a re-solve
GAIN_T = 0.05  # weighted t/yr: below this the next $100M adds nothing
ALL_USED = 1e-3  # share of the budget left over below which the budget counts as all used
# below these the next $100M changes an objective by nothing: share of demand, $M/yr
NO_CHANGE = {"max_import_reliance": 1e-6, "annual_cost": 1e-4}


@dataclass(frozen=True)
class NextMoney:
    """The solution with NEXT_USD more federal money against the solution now."""

    objective: str
    budget_usd: float  # the budget re-solved with (now + NEXT_USD)
    before: Snapshot
    after: Snapshot
    objective_before: float  # the first stage's value, in its own units
    objective_after: float

    @property
    def weighted_gain(self) -> float:
        return self.after.weighted_supply - self.before.weighted_supply

    @property
    def change(self) -> float:
        """What the sentence states, in NEXT_UNITS: the weighted supply gained, or the change
        in the first stage (negative where money lowers reliance or cost)."""
        if FIRST_STAGE.get(self.objective) is None:
            return self.weighted_gain
        return self.objective_after - self.objective_before

    def credited_gain_per_musd(self) -> dict[str, float]:
        """t/yr credited per element gained, per $1M (element_clause says it per $100M)."""
        scale = PER_MUSD / NEXT_USD
        return {e: (self.after.credited_t.get(e, 0.0) - t) * scale for e, t in self.before.credited_t.items()}


def _unchanged(objective: str, base: Snapshot, budget_usd: float, objective_value: float) -> NextMoney:
    """A slack budget row in an LP: a looser budget leaves every stage's optimum where it is."""
    return NextMoney(objective, budget_usd + NEXT_USD, base, base, objective_value, objective_value)


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
    next: NextMoney | None = None  # the literal next $100M, re-solved (None if that re-solve failed)
    next_deferred: bool = False  # measure(probe_next=False): next is the caller's to find (measure_next)

    def as_summary(self) -> dict:
        return {
            "budget_marginal_value": _r(self.per_musd),
            "budget_dual": _r(self.dual),
            "budget_binds": self.status == "binds",
            "budget_marginal_by_element": {e: _r(v) for e, v in self.by_element_per_musd.items()},
            "budget_marginal_method": self.method,
            "budget_next_100musd": _r(self.next.change) if self.next is not None else None,
            "budget_next_100musd_unit": (f"{NEXT_UNITS[self.next.objective]} from the next $100M federal, re-solved"
                                         if self.next is not None else None),
        }


def budget_unspent(federal_usd: float, budget_usd: float) -> bool:
    """More than SLACK_SHARE of the budget (and over $1) is left: the budget row is surely slack."""
    return federal_usd < budget_usd * (1 - SLACK_SHARE) - 1.0


def measure(solver: StageSolver, budget_usd: float, base: Snapshot, objective_value: float,
            dual: float, probe_next: bool = True) -> MarginalValue:
    """The slope (re-solve warm with STEP_USD more, compared with the dual) and the literal
    next $100M (re-solved), then the budget put back.

    Call it right after the solve whose variables `base` was read from. The stepped solves
    are not read back into PuLP's variables, but read everything you need before all the same
    (StageSolver.value then gives the last stepped solution).

    probe_next False: the re-solve at NEXT_USD more is left to the caller (next_deferred;
    measure_next() measures it later, or takes it from a point already solved there).
    """
    model = solver.model
    if model.build or (model.funded and model.inputs.project_mode == "choose"):
        return _discrete_step(solver, budget_usd, base, objective_value, dual)
    if budget_unspent(base.federal_usd, budget_usd) and abs(dual) < ZERO_RATE:
        # money is left over: a looser limit changes nothing, so no re-solve is needed
        return MarginalValue("slack", 0.0, dual, {e: 0.0 for e in base.credited_t},
                             "shadow price 0: the budget is not all used",
                             _unchanged(model.objective, base, budget_usd, objective_value))
    step = _step(solver, budget_usd, base, objective_value, STEP_USD)
    deferred = not probe_next
    next_money = None if deferred else measure_next(solver, budget_usd, base, objective_value)
    if step is None:
        return MarginalValue("unsolved", 0.0, dual, {}, "the re-solve with more money failed", next_money, deferred)
    # the measured slope in the first stage's own units, d objective / d $1M like its dual
    # (negative for a minimised objective that money lowers)
    measured, by_element, _ = step
    step_text = f"element split from re-solving with ${STEP_USD / 1e3:,.0f}k more"
    if abs(measured) < ZERO_RATE and abs(dual) < ZERO_RATE:
        return MarginalValue("slack", 0.0, dual, {e: 0.0 for e in by_element}, "shadow price 0 and " + step_text,
                             next_money, deferred)
    if abs(measured - dual) <= AGREE * max(1.0, abs(dual)):
        return MarginalValue("binds", dual, dual, by_element, "LP shadow price; " + step_text, next_money, deferred)
    status = "binds" if abs(measured) >= ZERO_RATE else "slack"
    return MarginalValue(status, measured, dual, by_element if status == "binds" else {e: 0.0 for e in by_element},
                         f"slope measured by re-solving with ${STEP_USD / 1e3:,.0f}k more: the budget sits on a kink "
                         f"of the supply curve, where the shadow price ({dual:,.4g}) is the slope on one side only",
                         next_money, deferred)


def measure_next(solver: StageSolver, budget_usd: float, base: Snapshot, objective_value: float,
                 solved: dict[float, tuple[Snapshot, float]] | None = None) -> NextMoney | None:
    """The literal next $100M: taken from `solved` (budget -> (snapshot, first stage's value)
    of solutions already found, e.g. a sweep's other points) where it holds budget_usd +
    NEXT_USD, since the tie-break leaves one optimum per budget; else re-solved warm, with the
    budget put back. None if that re-solve failed."""
    known = (solved or {}).get(budget_usd + NEXT_USD)
    if known is not None:
        after, value_after = known
        return NextMoney(solver.model.objective, budget_usd + NEXT_USD, base, after, objective_value, value_after)
    following = _step(solver, budget_usd, base, objective_value, NEXT_USD)
    return following[2] if following is not None else None


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


def _musd(usd: float) -> str:
    return f"${usd / 1e6:,.1f}M"


def sentence(status: str, objective: str, per_musd: float, binds: bool | None,
             by_element_per_musd: dict[str, float] | None, federal_usd: float, budget_usd: float,
             floor: float = 0.0, next_money: NextMoney | None = None, measured: bool = False) -> str:
    """What the next $100M buys, in plain words: the one place these sentences are written.

    measured: the value of money was measured (a run or a sweep point), so the sentence says
    what the re-solve with $100M more found (next_money; None if that re-solve failed) and
    never a slope multiplied out to $100M. Otherwise (an evaluation, a bare model solve) the
    rate per_musd is the budget row's dual. binds None: judge by the rate itself. floor: the
    value floor, if the run has one."""
    if status != "optimal":
        return "No marginal value: the scenario did not solve."
    all_used = federal_usd >= budget_usd * (1 - ALL_USED) and budget_usd > 0
    if measured and next_money is not None:
        return _measured_sentence(objective, next_money, per_musd, federal_usd, budget_usd, floor, all_used)
    text = _slope_sentence(objective, per_musd, binds, by_element_per_musd, federal_usd, budget_usd, floor)
    if measured and all_used and text.startswith("The budget does not bind"):
        return f"All {_musd(budget_usd)} is used, but more federal money would not add supply."
    return text


def _slope_sentence(objective: str, per_musd: float, binds: bool | None, by_element_per_musd: dict[str, float] | None,
                    federal_usd: float, budget_usd: float, floor: float) -> str:
    if not (binds if binds is not None else abs(per_musd) >= ZERO_RATE):
        if floor > 0:
            return _floor_text(federal_usd, budget_usd, floor)
        return (f"The budget does not bind ({_musd(federal_usd)} of {_musd(budget_usd)} used): "
                "more federal money would not add supply.")
    per_100m = 100 * per_musd
    split = element_clause(by_element_per_musd or {})
    if objective == "min_cost":
        return f"The next $100M of federal money saves {-per_100m:,.2f} $M/yr of annual cost{split}."
    if objective in ("min_import_reliance", "min_worst_year_reliance"):
        return (f"The next $100M of federal money lowers the largest import reliance by "
                f"{-per_100m:.4f}{split}.")
    return f"The next $100M adds {_t(per_100m)} t/yr of weighted supply{split}."


def _floor_text(federal_usd: float, budget_usd: float, floor: float) -> str:
    return (f"Spending stops at the value floor ({_musd(federal_usd)} of {_musd(budget_usd)} used): "
            f"no further plant adds {floor:g} weighted t/yr per federal $1M.")


# what each objective's first stage is called, and what it is that more money would not do
FIRST_STAGE = {"max_weighted_supply": None, "min_import_reliance": "max_import_reliance",
               "min_cost": "annual_cost"}
NEXT_UNITS = {"max_weighted_supply": "weighted t/yr", "min_import_reliance": "share of demand",
              "min_cost": "$M/yr"}
NOTHING = {"max_weighted_supply": "add supply", "min_import_reliance": "lower the largest import reliance",
           "min_cost": "lower the annual cost"}


def _measured_sentence(objective: str, step: NextMoney, per_musd: float, federal_usd: float, budget_usd: float,
                       floor: float, all_used: bool) -> str:
    """The next $100M as re-solved: the change in the objective's own units, the element
    split of the extra supply, and the slope where it says something else."""
    resolved = f"(measured: re-solved with {_musd(step.budget_usd)})"
    split = element_clause(step.credited_gain_per_musd())
    stage = FIRST_STAGE.get(objective)
    change = step.objective_after - step.objective_before
    if stage is not None and abs(change) >= NO_CHANGE[stage]:
        slope = _slope_clause(stage, change, per_musd, budget_usd)
        if stage == "annual_cost":
            return (f"The next $100M of federal money saves {-change:,.2f} $M/yr of annual cost{split} "
                    f"{resolved}{slope}.")
        return (f"The next $100M of federal money lowers the largest import reliance by {-100 * change:,.2f} "
                f"percentage points, from {step.objective_before:.1%} to {step.objective_after:.1%}{split} "
                f"{resolved}{slope}.")
    gain = step.weighted_gain
    if gain >= GAIN_T:
        if stage is not None:  # the objective stays put, but later stages still buy supply
            return (f"The next $100M of federal money would not {NOTHING[objective]}, but adds {gain:,.1f} t/yr of "
                    f"weighted supply{split} {resolved}.")
        return f"The next $100M adds {gain:,.1f} t/yr of weighted supply{split} {resolved}."
    if floor > 0 and not all_used:
        return _floor_text(federal_usd, budget_usd, floor)
    if not all_used:
        return (f"The budget does not bind ({_musd(federal_usd)} of {_musd(budget_usd)} used): "
                f"more federal money would not {NOTHING.get(objective, 'add supply')}.")
    what = {"max_weighted_supply": "supply"}.get(objective, "the answer")
    return (f"All {_musd(budget_usd)} is used, yet another $100M would add nothing (measured): "
            f"feed and demand limit {what} here, not money.")


def _slope_clause(stage: str, change: float, per_musd: float, budget_usd: float) -> str:
    """'; the slope at $X says Y' when the dual multiplied out to $100M tells another story."""
    slope = 100 * per_musd
    if stage == "annual_cost":
        said, shown = f"{-slope:,.1f}", f"{-change:,.1f}"  # to $0.1M/yr: the tie-break is $1-2 per t
        unit = " $M/yr saved"
    else:
        said, shown = f"{-100 * slope:,.1f}", f"{-100 * change:,.1f}"
        unit = " percentage points"
    unit += " per $100M"
    if said == shown:
        return ""
    return f"; the slope at {_musd(budget_usd)} says {said}{unit}"


def _discrete_step(solver: StageSolver, budget_usd: float, base: Snapshot, objective_value: float,
                   dual: float) -> MarginalValue:
    """Plants come in whole sizes, so there is no shadow price of the budget to speak of:
    re-solve with $100M more and report the average rate over that step."""
    step = _step(solver, budget_usd, base, objective_value, NEXT_USD)
    if step is None:
        return MarginalValue("unsolved", 0.0, dual, {}, "the re-solve with $100M more failed")
    rate, by_element, following = step
    status = "binds" if abs(rate) >= ZERO_RATE else "slack"
    return MarginalValue(status, rate, dual, by_element,
                         "plant sizes are discrete: average over $100M more, re-solved (no shadow price)", following)


def _step(solver: StageSolver, budget_usd: float, base: Snapshot, objective_value: float,
          step_usd: float) -> tuple[float, dict[str, float], NextMoney] | None:
    """Re-solve with step_usd more and put the budget back: (objective change, t/yr per
    element) per extra $1M and the stepped solution, or None if the re-solve failed."""
    model = solver.model
    solver.set_budget(budget_usd + step_usd)
    stepped = solver.solve(read_back=False)  # the few numbers needed are read from HiGHS's arrays
    solver.set_budget(budget_usd)
    if not stepped.optimal:
        return None
    after = snapshot(model, solver.value)
    value_after = stepped.stage_values[model.stages[0][0]]
    scale = PER_MUSD / step_usd
    by_element = {e: (after.credited_t[e] - base.credited_t[e]) * scale for e in base.credited_t}
    return ((value_after - objective_value) * scale, by_element,
            NextMoney(model.objective, budget_usd + step_usd, base, after, objective_value, value_after))
