"""A solved model's answer as plain pandas tables (the CLI writes them as CSV)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from models.families import _yields as yields
from models.formulation import PortfolioModel
from models.marginal import MarginalValue
from models.records import records
from models.solve import ZERO_T, Solution, solved_value as _v
from models.summary import OBJECTIVE_UNITS, RunLabel, Summary, summarise
from models.timeline import year_tables
from models.valuation import OPTION, per_musd, per_weighted_t
from sites.sets import ELEMENTS

__all__ = ["OBJECTIVE_UNITS", "PortfolioResult", "extract", "Reading", "plant_inputs_t", "read_tables", "tables_result"]

DECIMALS = 6  # rounding for output tables: byte-identical files across runs

CAPACITY_COLUMNS = ["site_id", "site_name", "state", "technology", "existing_tpa", "new_tpa", "total_tpa",
                    "throughput_tpa", "capex_usd", "federal_usd", "available_tpa", "capex_basis", "owner",
                    "weighted_added_t", "federal_usd_per_weighted_t"]
ELEMENT_COLUMNS = ["element", "demand_t", "domestic_t", "imports_t", "unmet_t", "import_reliance",
                   "foreign_feed_t", "foreign_feed_reliance", "heavy_concentrate_t"]
FEED_COLUMNS = ["feedstock_id", "site_id", "form", "supply_tpa", "used_tpa", "nameplate_tpa", "first_output_year",
                "ramp_share", "foreign_share", "origin", "origin_country", "owner", "captive"]
FLOW_COLUMNS = ["from_site", "to_site", "form", "element", "tonnes", "distance_km", "transport_usd"]
FLOWS_BY_YEAR_COLUMNS = ["year", *FLOW_COLUMNS]
# What a proposal file must have (planner/review/proposals.py); portfolio.csv adds the rest.
PROPOSAL_COLUMNS = ["project_id", "applicant", "site_id", "technology", "capacity_tpa", "federal_request_usd",
                    "total_capex_usd"]
PLANT_KIND = "plant"  # portfolio.csv kind of a plant award; a feed option's kind is its own (feed_options.csv)
PORTFOLIO_COLUMNS = [*PROPOSAL_COLUMNS, "kind", "option_id", "first_output_year", "weighted_added_t",
                     "weighted_t_per_federal_musd"]
OPTION_RESULT_COLUMNS = ["option_id", "feedstock_id", "site_id", "kind", "developed", "added_tpa",
                         "added_in_target_year_tpa", "first_output_year", "capex_usd", "federal_usd",
                         "success_probability", "weighted_added_t", "federal_usd_per_weighted_t"]
PRODUCTION_COLUMNS = ["site_id", "technology", "element", "input_t", "output_t", "routed_form", "routed_t"]
BY_FORM_COLUMNS = ["element", "form", "demand_t", "domestic_t", "credited_t", "imports_t", "unmet_t",
                   "from_foreign_feed_t", "foreign_feed_t"]


@dataclass
class PortfolioResult:
    """Tables of one solved scenario. All tonnages are t/yr REO equivalent."""

    status: str
    summary: Summary
    capacity: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CAPACITY_COLUMNS))
    production: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PRODUCTION_COLUMNS))
    elements: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ELEMENT_COLUMNS))
    elements_by_form: pd.DataFrame = field(default_factory=pd.DataFrame)
    flows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FLOW_COLUMNS))
    feeds: pd.DataFrame = field(default_factory=pd.DataFrame)
    portfolio: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PORTFOLIO_COLUMNS))
    duals: pd.DataFrame = field(default_factory=pd.DataFrame)
    projects: pd.DataFrame = field(default_factory=pd.DataFrame)  # proposals and whether each is funded
    feed_options: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OPTION_RESULT_COLUMNS))
    # multi-year runs only (empty in a one-year run): models/timeline.py
    capacity_by_year: pd.DataFrame = field(default_factory=pd.DataFrame)
    elements_by_year: pd.DataFrame = field(default_factory=pd.DataFrame)
    spend_by_year: pd.DataFrame = field(default_factory=pd.DataFrame)
    # runs with futures only (empty otherwise): models/futures.py
    elements_by_future: pd.DataFrame = field(default_factory=pd.DataFrame)
    futures: pd.DataFrame = field(default_factory=pd.DataFrame)
    regret: pd.DataFrame = field(default_factory=pd.DataFrame)  # with regret = true
    flows_by_year: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FLOWS_BY_YEAR_COLUMNS))


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Round floats and turn -0.0 into 0.0 so equal answers print identically."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(DECIMALS) + 0.0
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class Reading:
    """What the result stage reads from the solved variables, before anything re-solves."""

    tables: dict[str, pd.DataFrame]  # unrounded, by PortfolioResult field name
    weighted_supply: float  # weighted t/yr, as the tables report the credited tonnes


def extract(model: PortfolioModel, solution: Solution, marginal: MarginalValue | None = None,
            label: RunLabel | None = None, fixed_capacity: bool = False) -> PortfolioResult:
    """Read variable values and first-stage duals into tables, and summarise them."""
    return tables_result(model, solution, read_tables(model, solution), marginal, label, fixed_capacity)


def read_tables(model: PortfolioModel, solution: Solution) -> Reading:
    """Every result table, unrounded, from the model's current variable values."""
    projects = model.inputs.projects.drop(columns="annual_capex_usd").copy()
    projects["funded"] = [round(_v(model.funded[q])) for q in projects["project_id"]]
    capacity, production = _plant_tables(model, projects)
    options = _options(model)
    by_form = _by_form(model)
    feeds = model.inputs.feeds.copy()
    feeds["used_tpa"] = [_v(model.feed_use[f]) for f in feeds["feedstock_id"]]
    return Reading({
        "capacity": capacity,
        "production": production,
        "elements": _element_totals(by_form, _stocked(model)),
        "elements_by_form": by_form,
        "flows": _flows(model),
        "feeds": feeds[FEED_COLUMNS],
        "portfolio": _portfolio(model, capacity, projects, options),
        "duals": _duals(model, solution),
        "projects": projects,
        "feed_options": options,
        **year_tables(model),
        "flows_by_year": _flows_by_year(model),
    }, model.weighted_supply(_v))


def _options(model: PortfolioModel) -> pd.DataFrame:
    """Feed options in time for the target year: developed or not, what they add, their money."""
    options = model.inputs.options
    if options is None or options.empty:
        return pd.DataFrame(columns=OPTION_RESULT_COLUMNS)
    out = options.copy()
    out["site_id"] = out["feedstock_id"].map(model.inputs.feeds.set_index("feedstock_id")["site_id"])
    out["developed"] = [_v(model.develop[o]) > 0.5 for o in out["option_id"]]
    out["added_tpa"] = [_v(model.feed_added[o]) for o in out["option_id"]]
    out["added_in_target_year_tpa"] = out["added_tpa"] * out["ramp_share"]
    if model.inputs.multi_year:  # what each year's development adds in the target year
        timeline = model.inputs.timeline
        out["added_in_target_year_tpa"] = [
            sum(timeline.option_share[(o, d, timeline.report_year)] * _v(model.added_by_year[(o, d)])
                for d in timeline.option_years[o]) for o in out["option_id"]]
    out["weighted_added_t"] = out["federal_usd_per_weighted_t"] = float("nan")  # filled by tables_result
    return out[OPTION_RESULT_COLUMNS]


def tables_result(model: PortfolioModel, solution: Solution, reading: Reading,
                  marginal: MarginalValue | None = None, label: RunLabel | None = None,
                  fixed_capacity: bool = False, budget_usd: float | None = None,
                  added: dict | None = None) -> PortfolioResult:
    """The result of read_tables' tables: summary from the unrounded totals, tables tidied.
    added: weighted t/yr each new plant adds (models/valuation.py), for the capacity table."""
    capacity = reading.tables["capacity"]
    if added:
        keys = list(zip(capacity["site_id"], capacity["technology"]))
        capacity["weighted_added_t"] = [added.get(k, float("nan")) for k in keys]
        capacity["federal_usd_per_weighted_t"] = [
            per_weighted_t(f, added[k]) if k in added else float("nan") for k, f in zip(keys, capacity["federal_usd"])]
    options = reading.tables["feed_options"]
    if added and len(options):
        values = [added.get((OPTION, o), float("nan")) for o in options["option_id"]]
        options["weighted_added_t"] = values
        options["federal_usd_per_weighted_t"] = [per_weighted_t(f, a) if a == a else float("nan")
                                                 for f, a in zip(options["federal_usd"], values)]
    portfolio = reading.tables["portfolio"]
    if added and len(portfolio):
        keys = [(OPTION, o) if o else (site, tech)
                for site, tech, o in zip(portfolio["site_id"], portfolio["technology"], portfolio["option_id"])]
        values = [added.get(k, float("nan")) for k in keys]
        portfolio["weighted_added_t"] = values
        portfolio["weighted_t_per_federal_musd"] = [
            per_musd(f, a) if a == a and f > 0 else float("nan")
            for f, a in zip(portfolio["federal_request_usd"], values)]
    capex = float(capacity["capex_usd"].sum()) if len(capacity) else 0.0
    federal = float(capacity["federal_usd"].sum()) if len(capacity) else 0.0
    developed = options[options["developed"].astype(bool)]
    capex += float(developed["capex_usd"].sum())  # mines and collection programmes funded
    federal += float(developed["federal_usd"].sum())
    elements = reading.tables["elements"]
    reliance = {col: {e: round(float(v), DECIMALS) + 0.0 for e, v in zip(elements["element"], elements[col])}
                for col in ("import_reliance", "foreign_feed_reliance")}
    summary = summarise(model, solution, reading.weighted_supply, capex, federal, marginal, label, fixed_capacity,
                        budget_usd, reliance)
    return PortfolioResult(status=solution.status, summary=summary,
                           **{name: _tidy(frame) for name, frame in reading.tables.items()})


def _plant_tables(model: PortfolioModel, projects: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """capacity (plants with any capacity) and production (per plant and element taken in)."""
    inputs = model.inputs
    sites = inputs.sites.set_index("site_id")
    funded = projects[projects["funded"] == 1]
    project_money = funded.groupby(["site_id", "technology_id"])[["capex_usd", "federal_usd"]].sum()
    plant_input = plant_inputs_t(model)
    plant_output = plant_outputs_t(model)
    production_rows, capacity_rows = [], []
    for (site, tech), p in inputs.plants.set_index(["site_id", "technology_id"]).iterrows():
        new = _v(model.new_capacity[(site, tech)]) if (site, tech) in model.new_capacity else 0.0
        inputs_t = {e: plant_input.get((site, tech, e), 0.0) for e in ELEMENTS}
        for e in ELEMENTS:
            out = plant_output.get((site, tech, e), {})
            routed = [f for f in out if f != p.output_form]
            production_rows.append((site, tech, e, inputs_t[e], out.get(p.output_form, 0.0),
                                    routed[0] if routed else "", out.get(routed[0], 0.0) if routed else 0.0))
        total = p.existing_tpa + new
        if total <= ZERO_T:
            continue
        if len(projects):  # the proposals' own money, not the catalog's capex
            money = project_money.loc[(site, tech)] if (site, tech) in project_money.index else None
            capex, federal = (0.0, 0.0) if money is None else (money["capex_usd"], money["federal_usd"])
        else:
            capex = new * p.capex_usd_per_tpa
            federal = capex * inputs.federal_share
        available = model.available_tpa((site, tech), inputs.timeline.report_year, _v) if inputs.multi_year \
            else p.existing_available_tpa + p.new_share * new
        capacity_rows.append((site, sites.at[site, "name"], sites.at[site, "state"], tech, p.existing_tpa, new, total,
                              sum(inputs_t.values()), capex, federal, available, p.capex_basis if new > 0 else "",
                              p.owner, float("nan"), float("nan")))
    production = pd.DataFrame(production_rows, columns=PRODUCTION_COLUMNS)
    return pd.DataFrame(capacity_rows, columns=CAPACITY_COLUMNS), production[production["input_t"] > 0]


def _by_form(model: PortfolioModel) -> pd.DataFrame:
    """Demand, delivery, credit, imports and unmet per (element, form) with demand. Credit goes
    first to product made from domestic feed: foreign_feed_t is the credited tonnage that only
    product made from imported concentrate can cover."""
    rows = []
    for (e, form), demand in model.inputs.demand_t.items():
        by_origin: dict[str, float] = defaultdict(float)
        for (_, f, el, origin), v in model.delivery.items():
            if f == form and el == e:
                by_origin[origin] += _v(v)
        credited = _v(model.credited[(e, form)])
        foreign = by_origin["foreign"]
        credited_foreign = min(foreign, max(0.0, credited - by_origin["domestic"]))
        rows.append((e, form, demand, sum(by_origin.values()), credited, _v(model.imports[(e, form)]),
                     _v(model.unmet[(e, form)]), foreign, credited_foreign))
    return pd.DataFrame(rows, columns=BY_FORM_COLUMNS)


def _stocked(model: PortfolioModel) -> dict[str, float]:
    """element -> t/yr of routed product (heavy concentrate) stocked or sold, not separated."""
    out: dict[str, float] = defaultdict(float)
    for (_, _, e, _), var in model.stock.items():
        out[e] += _v(var)
    return out


def _element_totals(by_form: pd.DataFrame, stocked: dict[str, float]) -> pd.DataFrame:
    """elements.csv: per magnet element over forms; import reliance = (demand - credited) /
    demand; foreign-feed reliance = credited tonnes made from imported concentrate / demand."""
    totals = by_form.groupby("element", sort=False)[["demand_t", "domestic_t", "credited_t", "imports_t",
                                                     "unmet_t", "foreign_feed_t"]].sum()
    totals = totals.loc[[e for e in ELEMENTS if e in totals.index]].reset_index()
    totals["import_reliance"] = (totals["demand_t"] - totals["credited_t"]) / totals["demand_t"]
    totals["foreign_feed_reliance"] = totals["foreign_feed_t"] / totals["demand_t"]
    totals["heavy_concentrate_t"] = [stocked.get(e, 0.0) for e in totals["element"]]
    return totals[ELEMENT_COLUMNS]


def _duals(model: PortfolioModel, solution: Solution) -> pd.DataFrame:
    """First-stage shadow prices of the budget, demand and capacity rows, in objective units."""
    unit = OBJECTIVE_UNITS[model.stages[0][0]]
    rows = []
    for (kind, *key), name in model.rows.items():
        if kind not in ("budget", "demand_balance", "capacity_limit") or (key and isinstance(key[-1], (int, tuple))):
            continue  # per-year rows (the target year's are filed without the year too), later futures' rows
        per = {"budget": "$1M federal", "demand_balance": "t/yr demand", "capacity_limit": "t/yr capacity"}[kind]
        rows.append((kind, ";".join(key), solution.duals.get(name, 0.0), f"{unit} per {per}"))
    return pd.DataFrame(rows, columns=["constraint", "key", "dual", "unit"])


def _portfolio(model: PortfolioModel, capacity: pd.DataFrame, projects: pd.DataFrame,
               options: pd.DataFrame) -> pd.DataFrame:
    """The awards as projects, in the format reviewers feed back in: the funded proposals as
    proposed, or the optimiser's new capacity and developed feed options numbered P01, P02, ...
    (plants first). weighted_added_t and its value per federal $M are filled by tables_result."""
    first_new = model.inputs.plants.set_index(["site_id", "technology_id"])["first_new_output_year"]
    developed = options[options["developed"].astype(bool)]
    if model.funded:  # proposals: the funded ones as proposed, plants and feed options
        funded = projects[projects["funded"] == 1].rename(
            columns={"technology_id": "technology", "federal_usd": "federal_request_usd",
                     "capex_usd": "total_capex_usd"})
        plants = funded.assign(kind=PLANT_KIND, option_id="", first_output_year=[
            float(first_new[k]) for k in zip(funded["site_id"], funded["technology"])])
        applied = model.inputs.options.set_index("option_id")[["project_id", "applicant"]]
        feed = developed.assign(project_id=developed["option_id"].map(applied["project_id"]),
                                applicant=developed["option_id"].map(applied["applicant"]), technology="")
        feed = feed.rename(columns={"added_tpa": "capacity_tpa", "federal_usd": "federal_request_usd",
                                    "capex_usd": "total_capex_usd"})
        both = pd.concat([frame for frame in (plants, feed) if len(frame)], ignore_index=True) \
            if len(plants) or len(feed) else pd.DataFrame(columns=PORTFOLIO_COLUMNS)
        both = both.assign(weighted_added_t=float("nan"), weighted_t_per_federal_musd=float("nan"))
        return both.sort_values("project_id")[PORTFOLIO_COLUMNS].reset_index(drop=True)
    built = capacity[capacity["new_tpa"] > 0]
    operator = model.inputs.sites.set_index("site_id")["operator"]
    rows = [(s, t, "", PLANT_KIND, new, federal, capex, float(first_new[(s, t)]))
            for s, t, new, federal, capex in zip(built["site_id"], built["technology"], built["new_tpa"],
                                                 built["federal_usd"], built["capex_usd"])]
    rows += [(s, "", o, kind, added, federal, capex, float(first))
             for s, o, kind, added, federal, capex, first in zip(
                 developed["site_id"], developed["option_id"], developed["kind"], developed["added_tpa"],
                 developed["federal_usd"], developed["capex_usd"], developed["first_output_year"])]
    return pd.DataFrame(
        {
            "project_id": [f"P{i:02d}" for i in range(1, len(rows) + 1)],
            "applicant": [operator[r[0]] for r in rows],
            "site_id": [r[0] for r in rows],
            "technology": [r[1] for r in rows],
            "capacity_tpa": [r[4] for r in rows],
            "federal_request_usd": [r[5] for r in rows],
            "total_capex_usd": [r[6] for r in rows],
            "kind": [r[3] for r in rows],
            "option_id": [r[2] for r in rows],
            "first_output_year": [r[7] for r in rows],
            "weighted_added_t": [float("nan")] * len(rows),
            "weighted_t_per_federal_musd": [float("nan")] * len(rows),
        },
        columns=PORTFOLIO_COLUMNS,
    )


def plant_outputs_t(model: PortfolioModel) -> dict[tuple[str, str, str], dict[str, float]]:
    """(site, technology, element) -> {form: t/yr put out}: the output form and any routed form."""
    out: dict[tuple[str, str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    plants = {(p.site_id, p.technology_id): p for p in records(model.inputs.plants)}
    for (site, tech, e, _origin), var in model.throughput.items():
        for form, coef in yields(model, plants[(site, tech)], e, model.inputs.heavy_other_mixed):
            out[(site, tech, e)][form] += coef * _v(var)
    feeds = model.inputs.feeds.set_index("feedstock_id")
    for (k, site, tech), var in model.feed_delivery.items():
        t = _v(var)
        for e in ELEMENTS if t else ():
            share = float(feeds.at[k, f"share_{e.lower()}"])
            for form, coef in yields(model, plants[(site, tech)], e, float(feeds.at[k, "heavy_other_fraction"])):
                out[(site, tech, e)][form] += share * coef * t
    return out


def plant_inputs_t(model: PortfolioModel) -> dict[tuple[str, str, str], float]:
    """(site, technology, element) -> t/yr taken in: raw feed at its split plus intermediate."""
    out: dict[tuple[str, str, str], float] = defaultdict(float)
    for (site, tech, e, _origin), var in model.throughput.items():
        out[(site, tech, e)] += _v(var)
    feeds = model.inputs.feeds.set_index("feedstock_id")
    for (k, site, tech), var in model.feed_delivery.items():
        t = _v(var)
        if t:
            for e in ELEMENTS:
                out[(site, tech, e)] += t * float(feeds.at[k, f"share_{e.lower()}"])
    return out


def _flows_by_year(model: PortfolioModel) -> pd.DataFrame:
    """flows.csv for every planned year, with the year first (empty in a one-year run)."""
    if not model.inputs.multi_year:
        return pd.DataFrame(columns=FLOWS_BY_YEAR_COLUMNS)
    frames = [_flows(model, model.at(year)).assign(year=year) for year in model.inputs.years]
    return pd.concat(frames, ignore_index=True)[FLOWS_BY_YEAR_COLUMNS]


def _flows(model: PortfolioModel, at=None) -> pd.DataFrame:
    """Shipments between sites per element in one year (default: the target year): intermediate
    product, and raw feed delivered to plants elsewhere (its tonnes split by the feed's element
    shares)."""
    at = at if at is not None else model.report
    inputs = model.inputs
    arcs = inputs.arcs.set_index(["from_site", "to_site", "form"])
    feeds = inputs.feeds.set_index("feedstock_id")
    tonnes: dict[tuple[str, str, str, str], float] = defaultdict(float)
    for (i, j, form, e, _origin), var in at.shipment.items():
        tonnes[(i, j, form, e)] += _v(var)
    for (k, site, _tech), var in at.feed_delivery.items():
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
