"""Model parameters: the catalog filtered and priced for one scenario's settings."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from models.settings import ModelSettings
from sites import Catalog
from sites.sets import ELEMENTS, PRODUCT_FORMS  # noqa: F401  (PRODUCT_FORMS: forms delivered to demand)


def capital_recovery_factor(rate: float, life_years: float) -> float:
    """Annuity factor turning an up-front capex into an equal yearly cost."""
    if rate == 0:
        return 1.0 / life_years
    growth = (1.0 + rate) ** life_years
    return rate * growth / (growth - 1.0)


@dataclass(frozen=True)
class ModelInputs:
    """Everything the formulation reads, as tidy tables keyed by domain ids."""

    sites: pd.DataFrame  # site_id, name, state, latitude, longitude, cost_multiplier, operator
    plants: pd.DataFrame  # one row per (site, technology) that exists or may be built
    recovery: dict[tuple[str, str], float]  # (technology, element) -> fraction
    feeds: pd.DataFrame  # feedstock_id, site_id, form, supply_tpa, share per element
    demand_t: dict[tuple[str, str], float]  # (element, form) -> t/yr, magnet elements only
    imports_t: dict[tuple[str, str], float]
    weights: dict[str, float]  # magnet element -> weight
    price_usd_per_t: dict[str, float]
    unmet_usd_per_t: dict[str, float]
    arcs: pd.DataFrame  # from_site, to_site, form, distance_km (geodesic), usd_per_t
    budget_usd: float
    federal_share: float
    projects: pd.DataFrame  # project_id, applicant, site_id, technology_id, capacity_tpa, federal_usd, capex_usd,
    #                          annual_capex_usd (empty unless the scenario brings proposals)
    project_mode: str  # "fixed" or "choose"
    discrete_sizes: bool  # new plants are 0 or within [min_size_tpa, max_new_tpa] (MILP)
    min_value_per_musd: float  # weighted t/yr a further federal $1M must add (0: no floor)


PLANT_COLUMNS = [
    "site_id", "technology_id", "input_form", "output_form", "existing_tpa", "buildable",
    "max_new_tpa", "min_size_tpa", "capex_usd_per_tpa", "annual_capex_usd_per_tpa", "opex_usd_per_t",
]
PROJECT_COLUMNS = ["project_id", "applicant", "site_id", "technology_id", "capacity_tpa", "federal_usd", "capex_usd"]


def prepare(catalog: Catalog, settings: ModelSettings) -> ModelInputs:
    """Filter the catalog to what the scenario allows and compute derived costs."""
    rate = _setting(settings.discount_rate, catalog, "discount_rate")
    sites = catalog.sites[~catalog.sites["site_id"].isin(settings.exclude_sites)]
    sites = pd.DataFrame(sites.drop(columns="geometry")).sort_values("site_id").reset_index(drop=True)
    techs = catalog.technologies[~catalog.technologies["technology_id"].isin(settings.exclude_technologies)]
    techs = techs.set_index("technology_id").sort_index()
    projects = pd.DataFrame([vars(p) for p in settings.projects], columns=PROJECT_COLUMNS)
    plants = _plants(catalog, settings, sites, techs, projects, rate)
    feeds = _feeds(catalog, settings, sites)
    weights, price = _element_values(catalog, settings)
    demand, imports = _demand_and_imports(catalog, settings, magnet=tuple(weights))
    penalty_x = _setting(settings.unmet_penalty_x_price, catalog, "unmet_penalty_x_price")
    return ModelInputs(
        sites=sites,
        plants=plants,
        recovery={(tech, e): float(techs.at[tech, f"recovery_{e.lower()}"]) for tech in techs.index for e in ELEMENTS},
        feeds=feeds,
        demand_t=demand,
        imports_t=imports,
        weights=weights,
        price_usd_per_t=price,
        unmet_usd_per_t={e: penalty_x * p for e, p in price.items()},
        arcs=_arcs(catalog, sites, plants, feeds, _setting(settings.transport_usd_per_tkm, catalog,
                                                           "transport_usd_per_tkm")),
        budget_usd=settings.budget_usd,
        federal_share=settings.federal_share,
        projects=_annualised(projects, techs, rate).sort_values("project_id").reset_index(drop=True),
        project_mode=settings.project_mode,
        discrete_sizes=settings.min_plant_size or settings.plant_size_range_tpa is not None,
        min_value_per_musd=settings.min_value_per_musd,
    )


def _setting(value: float | None, catalog: Catalog, parameter: str) -> float:
    """The scenario's value, or the catalog's parameter when the scenario leaves it unset."""
    return value if value is not None else catalog.parameter(parameter)


def _buildable(settings: ModelSettings, sites: pd.DataFrame, techs: pd.DataFrame,
               projects: pd.DataFrame) -> set[tuple[str, str]]:
    """(site, technology) pairs that may get new capacity: the proposals' as made (the reviewer's
    checks say what is odd about them), else allowed technologies ready by the target year."""
    if len(projects):
        return set(zip(projects["site_id"], projects["technology_id"]))
    if not settings.allow_new_capacity:
        return set()
    in_time = set(techs.index[settings.decision_year + techs["lead_time_years"] <= settings.target_year])
    if settings.new_build_input_forms:
        in_time &= set(techs.index[techs["input_form"].isin(settings.new_build_input_forms)])
    buildable: set[tuple[str, str]] = set()
    for site_id, allowed in zip(sites["site_id"], sites["allowed_technologies"]):
        buildable |= {(site_id, t) for t in allowed if t in in_time}
    return buildable


def _plants(catalog: Catalog, settings: ModelSettings, sites: pd.DataFrame, techs: pd.DataFrame,
            projects: pd.DataFrame, rate: float) -> pd.DataFrame:
    """One row per (site, technology) with existing capacity or that may be built (set P)."""
    existing = catalog.site_capacity.groupby(["site_id", "technology_id"])["existing_tpa"].sum()
    pairs = {p for p in existing.index if p[0] in set(sites["site_id"]) and p[1] in techs.index}
    buildable = _buildable(settings, sites, techs, projects)
    size_range = settings.plant_size_range_tpa
    multiplier = sites.set_index("site_id")["cost_multiplier"]
    capex_col = f"capex_usd_per_tpa_{settings.capex_case}"
    rows = []
    for site_id, tech in sorted(pairs | buildable):
        t = techs.loc[tech]
        capex = float(t[capex_col]) * settings.capex_multiplier * float(multiplier[site_id])
        rows.append(
            {
                "site_id": site_id,
                "technology_id": tech,
                "input_form": t["input_form"],
                "output_form": t["output_form"],
                "existing_tpa": float(existing.get((site_id, tech), 0.0)),
                "buildable": (site_id, tech) in buildable,
                "max_new_tpa": float(size_range[1] if size_range else t["max_size_tpa"]),
                "min_size_tpa": float(size_range[0] if size_range else t["min_size_tpa"]),
                "capex_usd_per_tpa": capex,
                "annual_capex_usd_per_tpa": capex * capital_recovery_factor(rate, float(t["life_years"])),
                "opex_usd_per_t": float(t["opex_usd_per_t"]),
            }
        )
    return pd.DataFrame(rows, columns=PLANT_COLUMNS)


def _feeds(catalog: Catalog, settings: ModelSettings, sites: pd.DataFrame) -> pd.DataFrame:
    """Feedstocks at kept sites that deliver by the target year (set K), in the supply case."""
    feeds = catalog.feedstocks
    first_year = settings.decision_year if settings.existing_feeds_only else settings.target_year
    feeds = feeds[
        feeds["site_id"].isin(sites["site_id"])
        & (feeds["start_year"] <= first_year)
        & ~feeds["feedstock_id"].isin(settings.exclude_feedstocks)
    ]
    feeds = feeds.assign(supply_tpa=feeds[f"supply_tpa_{settings.supply_case}"].astype(float))
    feeds = feeds[["feedstock_id", "site_id", "form", "supply_tpa", *[f"share_{e.lower()}" for e in ELEMENTS]]]
    return feeds.sort_values("feedstock_id").reset_index(drop=True)


def _element_values(catalog: Catalog, settings: ModelSettings) -> tuple[dict[str, float], dict[str, float]]:
    """Weight per magnet element (the scenario's, else the catalog's) and $/t price per element."""
    elements = catalog.elements.set_index("element")
    magnet = [e for e in ELEMENTS if bool(elements.at[e, "magnet"])]
    weights = {e: float(settings.weights.get(e, elements.at[e, "weight"])) for e in magnet}
    price = {e: float(elements.at[e, "price_usd_per_kg"]) * 1000.0 for e in ELEMENTS}
    return weights, price


def _demand_and_imports(catalog: Catalog, settings: ModelSettings,
                        magnet: tuple[str, ...]) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], float]]:
    """t/yr per (element, form) with positive demand in the target year (set D), and the
    imports available for each in the import case; the scenario's figures override."""
    demand_col = f"demand_t_{settings.demand_case}"
    demand = {
        (r.element, r.form): float(getattr(r, demand_col))
        for r in catalog.demand.itertuples(index=False)
        if r.element in magnet and r.target_year == settings.target_year
    }
    demand.update({k: float(v) for k, v in settings.demand_t.items()})
    case = catalog.imports[catalog.imports["case"] == settings.import_case]
    imports = {(r.element, r.form): float(r.available_t) for r in case.itertuples(index=False)}
    imports.update({k: float(v) for k, v in settings.imports_t.items()})
    demand = {k: v for k, v in sorted(demand.items()) if v > 0}
    return demand, {k: imports.get(k, 0.0) for k in demand}


def _annualised(projects: pd.DataFrame, techs: pd.DataFrame, rate: float) -> pd.DataFrame:
    """Proposals with their capex as a yearly cost over their technology's life."""
    life = techs["life_years"]
    projects["annual_capex_usd"] = [
        c * capital_recovery_factor(rate, float(life[t])) for c, t in zip(projects["capex_usd"], projects["technology_id"])
    ]
    return projects


def _arcs(catalog: Catalog, sites: pd.DataFrame, plants: pd.DataFrame, feeds: pd.DataFrame,
          usd_per_tkm: float) -> pd.DataFrame:
    """Shipping links worth modelling: from a site that can hold a form to one that can process it."""
    holds = set(zip(feeds["site_id"], feeds["form"])) | set(zip(plants["site_id"], plants["output_form"]))
    takes = set(zip(plants["site_id"], plants["input_form"]))
    km = catalog.distances_km()
    circuity = catalog.parameter("road_circuity")
    rows = [
        (i, j, form, float(km.at[i, j]))
        for i, form in sorted(holds)
        for j, form_in in sorted(takes)
        if form_in == form and i != j
    ]
    arcs = pd.DataFrame(rows, columns=["from_site", "to_site", "form", "distance_km"])
    # distance_km is geodesic; freight moves on roads and rails, hence the circuity factor
    arcs["usd_per_t"] = arcs["distance_km"] * circuity * usd_per_tkm
    return arcs.sort_values(["from_site", "to_site", "form"]).reset_index(drop=True)
