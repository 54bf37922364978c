"""The headline of one solved scenario as a frozen, typed record, written in one place.

summary.json is `Summary.to_dict()`: the same keys and values the files always had, so
fields that a kind of run does not have (the measured marginal value of an evaluation,
the planner's label of a bare model solve) are None and left out of the dict.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from importlib.metadata import version

import pulp

from models.formulation import PortfolioModel
from models.marginal import MarginalValue, sentence
from models.solve import Solution

DECIMALS = 6
OBJECTIVE_UNITS = {"weighted_supply": "weighted t/yr", "net_weighted_supply": "weighted t/yr net of the value floor",
                   "annual_cost": "$M/yr",
                   "risk_adjusted_supply": "weighted t/yr, (1 - cvar_weight) x expected + cvar_weight x CVaR",
                   "max_import_reliance": "share of demand",
                   "max_regret": "largest shortfall from a future's own optimum, in the expected stage's unit"}
# A proposal evaluated as fixed capacity: the budget row's shadow price would only say
# that plants already fixed cost nothing more.
FIXED_CAPACITY_TEXT = "Capacities are fixed as proposed: more federal money buys nothing in this evaluation."
MARGINAL_FIELDS = ("budget_dual", "budget_binds", "budget_marginal_by_element", "budget_marginal_method",
                   "budget_next_100musd", "budget_next_100musd_unit")
LABEL_FIELDS = ("scenario", "description", "inputs_sha256", "settings")
OPTIONAL_FIELDS = ("shipping", "futures")  # in summary.json only where they apply


@dataclass(frozen=True)
class RunLabel:
    """What the planner knows about a solve and the model does not: it goes into the summary as is."""

    scenario: str
    description: str
    inputs_sha256: str  # hash of the catalog files and the resolved scenario
    settings: dict  # the resolved scenario, as written to summary.json


@dataclass(frozen=True)
class Summary:
    """Headline numbers of one solve. Money in USD unless the name says $M; tonnes t/yr."""

    objective: str
    objective_value: float  # the first stage's optimum, in objective_unit
    objective_unit: str
    weighted_supply: float  # weighted t/yr (gross, even under a value floor)
    annual_cost_musd: float
    budget_usd: float
    federal_share: float
    federal_usd: float
    capex_usd: float
    budget_marginal_value: float  # objective units per extra $1M federal
    budget_marginal_value_unit: str
    budget_marginal_value_text: str
    status: str
    message: str
    solver: str
    solve_seconds: float
    variables: int
    constraints: int
    demand_scope: str  # whose demand the run covers (magnet_makers or us_consumption)
    min_value_per_musd: float  # the value floor: weighted t/yr a federal $1M must add (0: none)
    import_reliance: dict[str, float]  # magnet element -> share of demand met by imports or unmet
    foreign_feed_reliance: dict[str, float]  # magnet element -> share of demand met from imported concentrate
    # the marginal value of money as measured by a warm re-solve (runs, not evaluations)
    budget_dual: float | None = None
    budget_binds: bool | None = None
    budget_marginal_by_element: dict[str, float] | None = None  # t/yr per $1M, per magnet element
    budget_marginal_method: str | None = None
    budget_next_100musd: float | None = None  # what the next $100M changes, re-solved (see the unit)
    budget_next_100musd_unit: str | None = None
    # futures only: the stochastic optimum, EVPI and VSS (models/futures.py summary_fields)
    futures: dict | None = None
    # the planner's label (None for a bare model solve)
    scenario: str | None = None
    description: str | None = None
    inputs_sha256: str | None = None
    settings: dict | None = None
    # with shipping_k_nearest: k, rounds of pricing that added columns, links and raw-feed deliveries built and in all
    shipping: dict | None = None

    def to_dict(self, with_label: bool = True) -> dict:
        """The summary.json mapping (with_label=False: the model's own figures only)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in MARGINAL_FIELDS + LABEL_FIELDS + OPTIONAL_FIELDS and (
                    value is None or not with_label and f.name in LABEL_FIELDS):
                continue
            out[f.name] = value
        return out

    def __getitem__(self, key: str):
        """summary["status"] as before the record was typed; new code reads attributes."""
        return self.to_dict()[key]

    def get(self, key: str, default=None):
        return self.to_dict().get(key, default)


def summarise(model: PortfolioModel, solution: Solution, weighted_supply: float, capex_usd: float, federal_usd: float,
              marginal: MarginalValue | None = None, label: RunLabel | None = None,
              fixed_capacity: bool = False, budget_usd: float | None = None,
              reliance: dict[str, dict[str, float]] | None = None) -> Summary:
    """The one writer of a Summary. marginal: the measured value of money (else the budget
    row's dual stands in); fixed_capacity: an evaluation of proposals built as proposed;
    budget_usd: the budget solved with, if a re-solve changed the scenario's; reliance:
    {"import_reliance": {element: share}, "foreign_feed_reliance": {...}} from elements.csv."""
    inputs = model.inputs
    budget_usd = inputs.budget_usd if budget_usd is None else budget_usd
    first = model.stages[0][0]
    dual = solution.duals.get(model.rows[("budget",)], 0.0)
    measured = marginal.as_summary() if marginal is not None else dict.fromkeys(MARGINAL_FIELDS)
    per_musd = measured["budget_marginal_value"] if marginal is not None else round(dual, DECIMALS)
    text = FIXED_CAPACITY_TEXT if fixed_capacity else sentence(
        solution.status, model.objective, per_musd, measured["budget_binds"], measured["budget_marginal_by_element"],
        round(federal_usd, 2), budget_usd, inputs.min_value_per_musd,
        next_money=marginal.next if marginal is not None else None, measured=marginal is not None)
    return Summary(
        objective=model.objective,
        objective_value=round(solution.stage_values.get(first, float("nan")), DECIMALS),
        objective_unit=OBJECTIVE_UNITS[first],
        weighted_supply=round(weighted_supply, DECIMALS),
        annual_cost_musd=round(solution.stage_values.get("annual_cost", float("nan")), DECIMALS),
        budget_usd=budget_usd,
        federal_share=inputs.federal_share,
        federal_usd=round(federal_usd, 2),
        capex_usd=round(capex_usd, 2),
        budget_marginal_value=per_musd,
        budget_marginal_value_unit=f"{OBJECTIVE_UNITS[first]} per extra $1M federal",
        budget_marginal_value_text=text,
        status=solution.status,
        message=solution.message,
        solver=f"HiGHS {version('highspy')} (highspy) via PuLP {pulp.__version__}",
        solve_seconds=round(solution.solve_seconds, 3),
        variables=model.prob.numVariables(),
        constraints=model.prob.numConstraints(),
        demand_scope=inputs.demand_scope,
        min_value_per_musd=inputs.min_value_per_musd,
        import_reliance=dict((reliance or {}).get("import_reliance", {})),
        foreign_feed_reliance=dict((reliance or {}).get("foreign_feed_reliance", {})),
        **{k: v for k, v in measured.items() if k in MARGINAL_FIELDS},
        shipping=None if solution.shipping is None else {
            "k_nearest": inputs.shipping_k_nearest, "pricing_rounds": solution.shipping.rounds,
            "links_built": solution.shipping.links_built, "links_in_all": solution.shipping.links_in_all,
            "deliveries_built": solution.shipping.deliveries_built,
            "deliveries_in_all": solution.shipping.deliveries_in_all},
        **(vars(label) if label is not None else {}),
    )
