"""A solved model's answer as plain pandas tables (the CLI writes them as CSV)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from importlib.metadata import version

import pandas as pd
import pulp

from models.formulation import PortfolioModel
from models.inputs import ELEMENTS
from models.solve import Solution

ZERO_T = 1e-6  # tonnes or t/yr below this are solver noise, reported as 0
DECIMALS = 6  # rounding for output tables: byte-identical files across runs

CAPACITY_COLUMNS = ["site_id", "site_name", "state", "technology", "existing_tpa", "new_tpa", "total_tpa",
                    "throughput_tpa", "capex_usd", "federal_usd"]
ELEMENT_COLUMNS = ["element", "demand_t", "domestic_t", "imports_t", "unmet_t", "import_reliance"]
FLOW_COLUMNS = ["from_site", "to_site", "form", "element", "tonnes", "distance_km", "transport_usd"]
PORTFOLIO_COLUMNS = ["project_id", "applicant", "site_id", "technology", "capacity_tpa", "federal_request_usd",
                     "total_capex_usd"]
OBJECTIVE_UNITS = {"weighted_supply": "weighted t/yr", "net_weighted_supply": "weighted t/yr net of the value floor",
                   "annual_cost": "$M/yr",
                   "max_import_reliance": "share of demand"}
PRODUCTION_COLUMNS = ["site_id", "technology", "element", "input_t", "output_t"]


@dataclass
class PortfolioResult:
    """Tables of one solved scenario. All tonnages are t/yr REO equivalent."""

    status: str
    summary: dict
    capacity: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CAPACITY_COLUMNS))
    production: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PRODUCTION_COLUMNS))
    elements: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ELEMENT_COLUMNS))
    elements_by_form: pd.DataFrame = field(default_factory=pd.DataFrame)
    flows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FLOW_COLUMNS))
    feeds: pd.DataFrame = field(default_factory=pd.DataFrame)
    portfolio: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PORTFOLIO_COLUMNS))
    duals: pd.DataFrame = field(default_factory=pd.DataFrame)
    projects: pd.DataFrame = field(default_factory=pd.DataFrame)  # proposals and whether each is funded


def _v(var) -> float:
    value = var.varValue or 0.0
    return 0.0 if abs(value) < ZERO_T else float(value)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Round floats and turn -0.0 into 0.0 so equal answers print identically."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(DECIMALS) + 0.0
    return out.reset_index(drop=True)


def extract(model: PortfolioModel, solution: Solution) -> PortfolioResult:
    """Read variable values and first-stage duals into tables."""
    inputs = model.inputs
    sites = inputs.sites.set_index("site_id")
    plants = inputs.plants.set_index(["site_id", "technology_id"])

    projects = inputs.projects.drop(columns="annual_capex_usd").copy()
    projects["funded"] = [round(_v(model.funded[q])) for q in projects["project_id"]]
    funded = projects[projects["funded"] == 1]
    project_money = funded.groupby(["site_id", "technology_id"])[["capex_usd", "federal_usd"]].sum()

    plant_input = plant_inputs_t(model)
    production_rows, capacity_rows = [], []
    for (site, tech), p in plants.iterrows():
        new = _v(model.new_capacity[(site, tech)]) if (site, tech) in model.new_capacity else 0.0
        inputs_t = {e: plant_input.get((site, tech, e), 0.0) for e in ELEMENTS}
        for e in ELEMENTS:
            production_rows.append((site, tech, e, inputs_t[e], inputs_t[e] * inputs.recovery[(tech, e)]))
        total = p.existing_tpa + new
        if total <= ZERO_T:
            continue
        if len(projects):
            money = project_money.loc[(site, tech)] if (site, tech) in project_money.index else None
            capex, federal = (0.0, 0.0) if money is None else (money["capex_usd"], money["federal_usd"])
        else:
            capex = new * p.capex_usd_per_tpa
            federal = capex * inputs.federal_share
        capacity_rows.append((site, sites.at[site, "name"], sites.at[site, "state"], tech, p.existing_tpa, new, total,
                              sum(inputs_t.values()), capex, federal))
    capacity = pd.DataFrame(capacity_rows, columns=CAPACITY_COLUMNS)
    production = pd.DataFrame(production_rows, columns=PRODUCTION_COLUMNS)
    production = production[production["input_t"] > 0]

    built = capacity[capacity["new_tpa"] > 0]
    if len(projects):  # the funded proposals, as proposed
        portfolio = funded.rename(columns={"technology_id": "technology", "federal_usd": "federal_request_usd",
                                           "capex_usd": "total_capex_usd"})[PORTFOLIO_COLUMNS]
    else:
        portfolio = _portfolio(built, sites)


    flows = _flows(model)

    by_form_rows = []
    for (e, form), demand in inputs.demand_t.items():
        domestic = sum(_v(v) for (s, f, el), v in model.delivery.items() if f == form and el == e)
        by_form_rows.append((e, form, demand, domestic, _v(model.credited[(e, form)]),
                             _v(model.imports[(e, form)]), _v(model.unmet[(e, form)])))
    by_form = pd.DataFrame(by_form_rows, columns=["element", "form", "demand_t", "domestic_t", "credited_t",
                                                  "imports_t", "unmet_t"])
    totals = by_form.groupby("element", sort=False)[["demand_t", "domestic_t", "credited_t", "imports_t",
                                                     "unmet_t"]].sum()
    order = [e for e in ELEMENTS if e in totals.index]
    totals = totals.loc[order].reset_index()
    totals["import_reliance"] = (totals["demand_t"] - totals["credited_t"]) / totals["demand_t"]
    elements = totals[ELEMENT_COLUMNS]

    feeds = inputs.feeds[["feedstock_id", "site_id", "form", "supply_tpa"]].copy()
    feeds["used_tpa"] = [_v(model.feed_use[f]) for f in feeds["feedstock_id"]]

    duals = _duals(model, solution)
    summary = _summary(model, solution, capacity, by_form, duals)
    return PortfolioResult(
        status=solution.status,
        summary=summary,
        capacity=_tidy(capacity),
        production=_tidy(production),
        elements=_tidy(elements),
        elements_by_form=_tidy(by_form),
        flows=_tidy(flows),
        feeds=_tidy(feeds),
        portfolio=_tidy(portfolio),
        duals=_tidy(duals),
        projects=_tidy(projects),
    )


def _duals(model: PortfolioModel, solution: Solution) -> pd.DataFrame:
    """First-stage shadow prices of the budget, demand and capacity rows, in objective units."""
    unit = OBJECTIVE_UNITS[model.stages[0][0]]
    rows = []
    for (kind, *key), name in model.rows.items():
        if kind not in ("budget", "demand_balance", "capacity_limit"):
            continue
        per = {"budget": "$1M federal", "demand_balance": "t/yr demand", "capacity_limit": "t/yr capacity"}[kind]
        rows.append((kind, ";".join(key), solution.duals.get(name, 0.0), f"{unit} per {per}"))
    return pd.DataFrame(rows, columns=["constraint", "key", "dual", "unit"])


def _summary(model: PortfolioModel, solution: Solution, capacity: pd.DataFrame, by_form: pd.DataFrame,
             duals: pd.DataFrame) -> dict:
    inputs = model.inputs
    first = model.stages[0][0]
    budget_dual = duals.loc[duals["constraint"] == "budget", "dual"]
    capex = float(capacity["capex_usd"].sum()) if len(capacity) else 0.0
    federal = float(capacity["federal_usd"].sum()) if len(capacity) else 0.0
    return {
        "objective": model.objective,
        "objective_value": round(solution.stage_values.get(first, float("nan")), DECIMALS),
        "objective_unit": OBJECTIVE_UNITS[first],
        "weighted_supply": round(sum(inputs.weights[e] * t for e, t in zip(by_form["element"], by_form["credited_t"])),
                                 DECIMALS),
        "annual_cost_musd": round(solution.stage_values.get("annual_cost", float("nan")), DECIMALS),
        "budget_usd": inputs.budget_usd,
        "federal_share": inputs.federal_share,
        "federal_usd": round(federal, 2),
        "capex_usd": round(capex, 2),
        "budget_marginal_value": round(float(budget_dual.iloc[0]) if len(budget_dual) else 0.0, DECIMALS),
        "budget_marginal_value_unit": f"{OBJECTIVE_UNITS[first]} per extra $1M federal",
        "status": solution.status,
        "message": solution.message,
        "solver": f"HiGHS {version('highspy')} (highspy) via PuLP {pulp.__version__}",
        "solve_seconds": round(solution.solve_seconds, 3),
        "variables": model.prob.numVariables(),
        "constraints": model.prob.numConstraints(),
    }



def _portfolio(built: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """The optimiser's new plants written as projects, in the format reviewers feed back in."""
    return pd.DataFrame(
        {
            "project_id": [f"P{i:02d}" for i in range(1, len(built) + 1)],
            "applicant": [sites.at[s, "operator"] for s in built["site_id"]],
            "site_id": built["site_id"].to_list(),
            "technology": built["technology"].to_list(),
            "capacity_tpa": built["new_tpa"].to_list(),
            "federal_request_usd": built["federal_usd"].to_list(),
            "total_capex_usd": built["capex_usd"].to_list(),
        },
        columns=PORTFOLIO_COLUMNS,
    )


def plant_inputs_t(model: PortfolioModel) -> dict[tuple[str, str, str], float]:
    """(site, technology, element) -> t/yr taken in: raw feed at its split plus intermediate."""
    out: dict[tuple[str, str, str], float] = defaultdict(float)
    for key, var in model.throughput.items():
        out[key] += _v(var)
    feeds = model.inputs.feeds.set_index("feedstock_id")
    for (k, site, tech), var in model.feed_delivery.items():
        t = _v(var)
        if t:
            for e in ELEMENTS:
                out[(site, tech, e)] += t * float(feeds.at[k, f"share_{e.lower()}"])
    return out


def _flows(model: PortfolioModel) -> pd.DataFrame:
    """Shipments between sites per element: intermediate product, and raw feed delivered to
    plants elsewhere (its tonnes split by the feed's element shares)."""
    inputs = model.inputs
    arcs = inputs.arcs.set_index(["from_site", "to_site", "form"])
    feeds = inputs.feeds.set_index("feedstock_id")
    tonnes: dict[tuple[str, str, str, str], float] = defaultdict(float)
    for (i, j, form, e), var in model.shipment.items():
        tonnes[(i, j, form, e)] += _v(var)
    for (k, site, _tech), var in model.feed_delivery.items():
        origin = feeds.at[k, "site_id"]
        t = _v(var)
        if site != origin and t:
            for e in ELEMENTS:
                tonnes[(origin, site, feeds.at[k, "form"], e)] += t * float(feeds.at[k, f"share_{e.lower()}"])
    rows = []
    for (i, j, form, e), t in sorted(tonnes.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2],
                                                                       ELEMENTS.index(kv[0][3]))):
        if t > ZERO_T:
            arc = arcs.loc[(i, j, form)]
            rows.append((i, j, form, e, t, arc["distance_km"], t * arc["usd_per_t"]))
    return pd.DataFrame(rows, columns=FLOW_COLUMNS)
