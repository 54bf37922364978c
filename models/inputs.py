"""Model parameters: the catalog filtered and priced for one scenario's settings."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from models.records import records
from models.settings import ModelSettings
from sites import Catalog
from sites.sets import ELEMENTS, PRODUCT_FORMS  # noqa: F401  (PRODUCT_FORMS: forms delivered to demand)

# timing_case -> (first_output_year column, ramp share column): early output comes with the
# fast ramp, late output with the slow one (docs/model.md, "Timing and ramp-up")
TIMING_COLUMNS = {"early": ("low", "high"), "base": ("base", "base"), "late": ("high", "low")}
DOMESTIC, FOREIGN = "domestic", "foreign"  # origin classes tracked through the balances
FOREIGN_ORIGINS = ("imported_concentrate",)
# SEG+ other than Dy and Tb, as a share of the "other" REO in intermediate mixed product
# (recycled or leached), whose feed mix the LP does not track: a-heavy-other-light (0.01-0.03)
HEAVY_OTHER_ASSUMPTION = "a-heavy-other-light"
HEAVY_OTHER_DEFAULT = 0.02


def ramp_share(curves: dict[str, list[tuple[int, float]]], curve: str, first_year: float, target_year: int) -> float:
    """Share of nameplate in target_year of an asset whose first year of output is first_year:
    0 before it, the curve's row for year (target - first + 1), the last row's share after."""
    year = int(target_year - first_year) + 1
    shares = [share for y, share in curves[curve] if y <= year]
    return shares[-1] if shares else 0.0


def ramp_curves(catalog: Catalog, column: str) -> dict[str, list[tuple[int, float]]]:
    """curve -> [(year of output, share of nameplate)] in year order, share column low/base/high."""
    curves: dict[str, list[tuple[int, float]]] = {}
    for r in records(catalog.ramp_curves.sort_values(["curve_id", "year"])):
        curves.setdefault(r.curve_id, []).append((int(r.year), float(getattr(r, f"share_{column}"))))
    return curves


TINY_RATE = 1e-6  # below this discount rate capital_recovery_factor avoids the cancellation


def capital_recovery_factor(rate: float, life_years: float) -> float:
    """Annuity factor turning an up-front capex into an equal yearly cost."""
    if rate == 0:
        return 1.0 / life_years
    if rate < TINY_RATE:
        # (1 + rate)^n - 1 cancels to nothing (1e-16 gives 0: a division by zero); the same
        # quantity through log1p and expm1 keeps its digits
        growth_log = life_years * math.log1p(rate)
        return rate * math.exp(growth_log) / math.expm1(growth_log)
    growth = (1.0 + rate) ** life_years
    return rate * growth / (growth - 1.0)


@dataclass(frozen=True)
class ModelInputs:
    """Everything the formulation reads, as tidy tables keyed by domain ids."""

    sites: pd.DataFrame  # site_id, name, state, latitude, longitude, cost_multiplier, operator
    plants: pd.DataFrame  # one row per (site, technology) that exists or may be built
    recovery: dict[tuple[str, str], float]  # (technology, element) -> fraction
    feeds: pd.DataFrame  # feedstock_id, site_id, form, supply_tpa (ramped, usable), share per element,
    #                       origin, origin_class, owner, captive, heavy_other_fraction (FEED_COLUMNS)
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
    # (technology, element) -> (form, recovery): elements a technology puts out in another form
    # than its output form (light SX: Dy, Tb and SEG+ to heavy_concentrate)
    routes: dict[tuple[str, str], tuple[str, float]]
    heavy_other_mixed: float  # SEG+ share of "other" in intermediate mixed product
    origins: tuple[str, ...]  # origin classes with feed: ("domestic",) or ("domestic", "foreign")
    demand_scope: str  # whose demand demand_t is (magnet_makers or us_consumption)
    # feed options in time for the target year (OPTION_COLUMNS; empty unless feed_options)
    options: pd.DataFrame = None
    integer: bool = True  # False: binaries relaxed to [0, 1] (LP relaxation)
    shipping_k_nearest: int = 0  # intermediate links offered first per site and form (0: all; models/shipping.py)
    solver_method: str = "auto"  # auto, simplex or ipm: how the cold stage is solved (models/solve.py)
    timeline: Timeline = None  # the years planned and each year's numbers (one year: the target year's)
    # Futures (models/futures.py): each future's name, probability and operating numbers; ()
    # is one future, the scenario itself. The first future's numbers are also `timeline`'s.
    futures: tuple = ()
    cvar_alpha: float = 0.0
    cvar_weight: float = 0.0
    regret_optima: tuple = ()  # minimax regret (models/futures.py): each future's own optimum, in order

    @property
    def future_list(self) -> tuple:
        """The futures operation is planned for: one, the scenario itself, unless it declares futures."""
        return self.futures or (FutureTimeline("", 1.0, self.timeline),)

    @property
    def years(self) -> tuple[int, ...]:
        return self.timeline.years

    @property
    def multi_year(self) -> bool:
        return len(self.timeline.years) > 1


@dataclass(frozen=True)
class Timeline:
    """The years planned and what changes from year to year (docs/model.md, "Years"). With one
    year (the target year) every number is the one-year model's own, so that model is this
    one's special case."""

    years: tuple[int, ...]
    report_year: int  # target_year: the year the one-year tables report
    decision_year: int
    weight: dict[int, float]  # year -> (1 + r)^-(t - first) / sum of those: objectives are per-year averages
    build_years: dict[tuple[str, str], tuple[int, ...]]  # buildable (site, tech) -> years a build may be decided
    # (site, tech, build year, year) -> share of nameplate running: ramp curve from build year
    # + lead time, 0 after the technology's life
    new_share: dict[tuple[str, str, int, int], float]
    existing_available_tpa: dict[tuple[str, str, int], float]  # (site, tech, year) -> t/yr after ramp-up
    supply_tpa: dict[tuple[str, int], float]  # (feedstock, year) -> usable t/yr
    option_years: dict[str, tuple[int, ...]]  # option -> years its development may be decided
    # (option, year decided, year) -> ramp share of what it adds (its feed's curve from decision + lead time)
    option_share: dict[tuple[str, int, int], float]
    demand_t: dict[int, dict[tuple[str, str], float]]  # year -> (element, form) -> t/yr, positive only
    imports_t: dict[int, dict[tuple[str, str], float]]
    demand_basis: dict[int, str]  # year -> how its demand was found (anchor, interpolated, held)
    spend_profile: tuple[float, ...]  # share of a build's federal $ spent in its decision year, the next, ...
    # year -> federal $ appropriated that year; empty: the whole budget in the decision year, which
    # the budget row alone expresses (so a budget sweep moves it)
    appropriations_usd: dict[int, float]


@dataclass(frozen=True)
class FutureTimeline:
    """One future's probability and operating numbers: supply, demand, imports, what options add,
    and, where its capex differs from the plan's, the share of each plant's planned new nameplate
    the plan's money buys there."""

    name: str
    probability: float
    timeline: Timeline
    # (site, tech) -> the scenario's capex / this future's capex per t/yr; absent: 1
    capacity_scale: dict = field(default_factory=dict)


PLANT_COLUMNS = [
    "site_id", "technology_id", "input_form", "output_form", "existing_tpa", "buildable",
    "max_new_tpa", "min_size_tpa", "capex_usd_per_tpa", "annual_capex_usd_per_tpa", "opex_usd_per_t",
    "owner", "toll_processing", "existing_available_tpa", "new_share", "capex_basis", "first_new_output_year",
]
FEED_COLUMNS = ["feedstock_id", "site_id", "form", "supply_tpa", *[f"share_{e.lower()}" for e in ELEMENTS],
                "nameplate_tpa", "first_output_year", "ramp_share", "foreign_share", "origin", "origin_class",
                "origin_country", "owner", "captive", "heavy_other_fraction"]
OPTION_COLUMNS = ["option_id", "feedstock_id", "kind", "added_tpa", "min_fraction", "first_output_year", "ramp_share",
                  "capex_usd", "federal_usd", "annual_capex_usd", "fixed_opex_usd_per_yr", "opex_usd_per_t",
                  "success_probability", "capex_dollar_year", "capex_study_usd", "project_id", "applicant"]
PROJECT_COLUMNS = ["project_id", "applicant", "site_id", "technology_id", "capacity_tpa", "federal_usd", "capex_usd"]


def prepare(catalog: Catalog, settings: ModelSettings) -> ModelInputs:
    """Filter the catalog to what the scenario allows and compute derived costs."""
    if settings.futures:
        from models.futures import prepare_futures
        return prepare_futures(catalog, settings)
    rate = _setting(settings.discount_rate, catalog, "discount_rate")
    sites = catalog.sites[~catalog.sites["site_id"].isin(settings.exclude_sites)]
    sites = pd.DataFrame(sites.drop(columns="geometry")).sort_values("site_id").reset_index(drop=True)
    techs = catalog.technologies[~catalog.technologies["technology_id"].isin(settings.exclude_technologies)]
    techs = techs.set_index("technology_id").sort_index()
    projects = pd.DataFrame([vars(p) for p in settings.projects if not p.is_option], columns=PROJECT_COLUMNS)
    plants = _plants(catalog, settings, sites, techs, projects, rate)
    options = _options(catalog, settings, sites, rate)
    feeds = _feeds(catalog, settings, sites, also=set(options["feedstock_id"]))
    feeds = _running_or_optioned(catalog, settings, options, feeds)
    weights, price = _element_values(catalog, settings)
    demand, imports = _demand_and_imports(catalog, settings, magnet=tuple(weights))
    penalty_x = _setting(settings.unmet_penalty_x_price, catalog, "unmet_penalty_x_price")
    origins = (DOMESTIC, FOREIGN) if (feeds["origin_class"] == FOREIGN).any() else (DOMESTIC,)
    timeline = _timeline(catalog, settings, techs, plants, feeds, options, demand, imports, tuple(weights))
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
        routes=_routes(catalog, techs),
        heavy_other_mixed=_heavy_other_mixed(catalog),
        origins=origins,
        demand_scope=settings.demand_scope,
        options=options,
        integer=settings.integer,
        timeline=timeline,
        shipping_k_nearest=settings.shipping_k_nearest,
        solver_method=settings.solver_method,
    )


def _routes(catalog: Catalog, techs: pd.DataFrame) -> dict[tuple[str, str], tuple[str, float]]:
    """technology_outputs.csv at its base recovery, for the technologies in the model."""
    return {(r.technology_id, r.element): (r.output_form, float(r.recovery_base))
            for r in records(catalog.technology_outputs) if r.technology_id in techs.index}


def _heavy_other_mixed(catalog: Catalog) -> float:
    """The catalog's a-heavy-other-light base value, else its documented default."""
    rows = catalog.assumptions[catalog.assumptions["assumption_id"] == HEAVY_OTHER_ASSUMPTION]
    return float(rows["base"].iloc[0]) if len(rows) else HEAVY_OTHER_DEFAULT


def _setting(value: float | None, catalog: Catalog, parameter: str) -> float:
    """The scenario's value, or the catalog's parameter when the scenario leaves it unset."""
    return value if value is not None else catalog.parameter(parameter)


def _buildable(settings: ModelSettings, sites: pd.DataFrame, techs: pd.DataFrame,
               projects: pd.DataFrame) -> set[tuple[str, str]]:
    """(site, technology) pairs that may get new capacity: the proposals' as made (the reviewer's
    checks say what is odd about them), else allowed technologies ready by the last year planned."""
    if settings.projects:  # proposals (plants, feed options or both): nothing else is built
        return set(zip(projects["site_id"], projects["technology_id"]))
    if not settings.allow_new_capacity:
        return set()
    last = max(settings.planning_years)
    in_time = set(techs.index[settings.decision_year + techs["lead_time_years"] <= last])
    if settings.new_build_input_forms:
        in_time &= set(techs.index[techs["input_form"].isin(settings.new_build_input_forms)])
    buildable: set[tuple[str, str]] = set()
    for site_id, allowed in zip(sites["site_id"], sites["allowed_technologies"]):
        buildable |= {(site_id, t) for t in allowed if t in in_time}
    return buildable


def _plants(catalog: Catalog, settings: ModelSettings, sites: pd.DataFrame, techs: pd.DataFrame,
            projects: pd.DataFrame, rate: float) -> pd.DataFrame:
    """One row per (site, technology) with existing capacity or that may be built (set P)."""
    existing = _existing(catalog, settings)
    site_ids = set(sites["site_id"])
    pairs = {p for p in existing if p[0] in site_ids and p[1] in techs.index}
    # looked up once, not per plant: a 1,000-site catalog has thousands of plants
    running = set(catalog.site_capacity.loc[catalog.site_capacity["existing_tpa"] > 0, "site_id"])
    multiplier = dict(zip(sites["site_id"], sites["cost_multiplier"]))
    buildable = _buildable(settings, sites, techs, projects)
    size_range = settings.plant_size_range_tpa
    operator = dict(zip(sites["site_id"].tolist(), sites["operator"].tolist()))
    curves = ramp_curves(catalog, TIMING_COLUMNS[settings.timing_case][1])
    # looked up once, as plain dicts: pandas' row and cell access costs more than the rest of prepare
    used = {tech for _, tech in pairs | buildable}
    by_tech = techs[techs.index.isin(used)].to_dict("index")
    rows = []
    for site_id, tech in sorted(pairs | buildable):
        t = by_tech[tech]
        capex, basis = plant_capex(settings, t, site_id in running, float(multiplier[site_id]))
        nameplate, available, owner, toll = existing.get((site_id, tech), (0.0, 0.0, operator[site_id], True))
        first_new = settings.decision_year + float(t["lead_time_years"])
        rows.append({
            "site_id": site_id, "technology_id": tech, "input_form": t["input_form"], "output_form": t["output_form"],
            "existing_tpa": nameplate, "buildable": (site_id, tech) in buildable,
            "max_new_tpa": float(size_range[1] if size_range else t["max_size_tpa"]),
            "min_size_tpa": float(size_range[0] if size_range else t["min_size_tpa"]),
            "capex_usd_per_tpa": capex,
            "annual_capex_usd_per_tpa": capex * capital_recovery_factor(rate, float(t["life_years"])),
            "opex_usd_per_t": float(t["opex_usd_per_t"]),
            "owner": owner, "toll_processing": toll, "existing_available_tpa": available,
            "new_share": ramp_share(curves, t["ramp_curve"], first_new, settings.target_year), "capex_basis": basis,
            "first_new_output_year": first_new,
        })
    return pd.DataFrame(rows, columns=PLANT_COLUMNS)


def _existing(catalog: Catalog, settings: ModelSettings,
              year: int | None = None) -> dict[tuple[str, str], tuple[float, float, str, bool]]:
    """(site, technology) -> (nameplate t/yr, t/yr available in the target year (or year) after
    ramp-up, owner, toll_processing) of the capacity already built or funded."""
    year = settings.target_year if year is None else year
    first_col, share_col = TIMING_COLUMNS[settings.timing_case]
    curves = ramp_curves(catalog, share_col)
    out: dict[tuple[str, str], tuple[float, float, str, bool]] = {}
    for r in records(catalog.site_capacity.sort_values(["site_id", "technology_id"])):
        share = ramp_share(curves, r.ramp_curve, getattr(r, f"first_output_year_{first_col}"), year)
        nameplate, available, _, _ = out.get((r.site_id, r.technology_id), (0.0, 0.0, "", True))
        out[(r.site_id, r.technology_id)] = (nameplate + float(r.existing_tpa),
                                             available + float(r.existing_tpa) * share, r.owner, bool(r.toll_processing))
    return out


def plant_capex(settings: ModelSettings, t: pd.Series, brownfield: bool, cost_multiplier: float) -> tuple[float, str]:
    """$ per t/yr of new capacity and its basis: the brownfield figure (no site multiplier, the
    saving is inside it) where the site already runs a processing plant, else greenfield x
    the site's cost multiplier (docs/data.md, technologies)."""
    if brownfield:
        return float(t[f"capex_brownfield_usd_per_tpa_{settings.capex_case}"]) * settings.capex_multiplier, "brownfield"
    return float(t[f"capex_usd_per_tpa_{settings.capex_case}"]) * settings.capex_multiplier * cost_multiplier, "greenfield"


def _feeds(catalog: Catalog, settings: ModelSettings, sites: pd.DataFrame, also: set[str] = frozenset()) -> pd.DataFrame:
    """Feedstocks at kept sites with first output by the target year (set K; by the decision
    year with existing_feeds_only): usable supply = nameplate x ramp share in the target year
    x the import case's foreign-concentrate share for imported concentrate. Feeds in `also`
    (those a feed option adds to) are kept even when not running by then, with their own
    supply 0."""
    first_col, share_col = TIMING_COLUMNS[settings.timing_case]
    curves = ramp_curves(catalog, share_col)
    feeds = catalog.feedstocks.assign(first_output_year=catalog.feedstocks[f"first_output_year_{first_col}"])
    by = feeds_by(settings)
    in_time = feeds["first_output_year"] <= by
    feeds = feeds[feeds["site_id"].isin(sites["site_id"]) & (in_time | feeds["feedstock_id"].isin(also))
                  & ~feeds["feedstock_id"].isin(settings.exclude_feedstocks)].copy()
    case = catalog.import_cases.set_index("case")
    foreign = float(case.at[settings.import_case, "foreign_concentrate_share_base"]) \
        if settings.import_case in case.index else 1.0
    feeds["nameplate_tpa"] = feeds[f"supply_tpa_{settings.supply_case}"].astype(float)
    feeds["ramp_share"] = [ramp_share(curves, c, y, settings.target_year)
                           for c, y in zip(feeds["ramp_curve"], feeds["first_output_year"])]
    feeds["origin_class"] = [FOREIGN if o in FOREIGN_ORIGINS else DOMESTIC for o in feeds["origin"]]
    feeds["foreign_share"] = [foreign if o == FOREIGN else 1.0 for o in feeds["origin_class"]]
    feeds["supply_tpa"] = feeds["nameplate_tpa"] * feeds["ramp_share"] * feeds["foreign_share"]
    feeds.loc[feeds["first_output_year"] > by, "supply_tpa"] = 0.0  # kept only for its options
    other = feeds["share_other"].astype(float)
    feeds["heavy_other_fraction"] = [h / o if o > 0 else 0.0 for h, o in zip(feeds["heavy_other_share"], other)]
    feeds["captive"] = feeds["captive"].astype(bool)
    return feeds[FEED_COLUMNS].sort_values("feedstock_id").reset_index(drop=True)


def feeds_by(settings: ModelSettings) -> int:
    """Feeds running by this year are in the model: the decision year with existing_feeds_only,
    else the last year planned (the target year in a one-year run)."""
    return settings.decision_year if settings.existing_feeds_only else max(settings.planning_years)


def _options(catalog: Catalog, settings: ModelSettings, sites: pd.DataFrame, rate: float) -> pd.DataFrame:
    """Feed options whose first added output (decision_year + lead time) reaches the target year,
    at kept feeds, with capex escalated to catalog dollars (cost_index.csv, its last year) and
    the added supply's ramp share (the feed's curve) in the target year. None when the
    scenario leaves feed_options off, keeps existing feeds only or allows no new capacity."""
    table = catalog.feed_options
    applied = {p.option_id: p for p in settings.projects if p.is_option}
    if settings.projects:  # proposals: only the options applied for, at the scale and money applied for
        table = table[table["option_id"].isin(applied)]
    elif not settings.feed_options or settings.existing_feeds_only or not settings.allow_new_capacity:
        table = table.iloc[0:0]
    curves = ramp_curves(catalog, TIMING_COLUMNS[settings.timing_case][1])
    feeds = catalog.feedstocks.set_index("feedstock_id")
    kept = set(feeds.index[feeds["site_id"].isin(sites["site_id"])]) - set(settings.exclude_feedstocks)
    rows = []
    for o in records(table.sort_values("option_id")):
        first, study, capex = option_timing_and_capex(catalog, settings, o)
        if o.feedstock_id not in kept or first > max(settings.planning_years):
            continue
        rows.append({
            "option_id": o.option_id, "feedstock_id": o.feedstock_id, "kind": o.kind,
            "added_tpa": float(getattr(o, f"added_tpa_{settings.supply_case}")), "min_fraction": float(o.min_fraction),
            "first_output_year": first,
            "ramp_share": ramp_share(curves, feeds.at[o.feedstock_id, "ramp_curve"], first, settings.target_year),
            "capex_usd": capex, "federal_usd": capex * float(o.max_federal_share),
            "annual_capex_usd": capex * capital_recovery_factor(rate, float(o.life_years)),
            "fixed_opex_usd_per_yr": float(o.fixed_opex_usd_per_yr), "opex_usd_per_t": float(o.opex_usd_per_t),
            "success_probability": float(o.success_probability), "capex_dollar_year": int(o.capex_dollar_year),
            "capex_study_usd": study, "project_id": "", "applicant": "",
        })
        q = applied.get(o.option_id)
        if q is not None:  # an application: developed (or chosen) whole, as stated
            rows[-1].update(added_tpa=q.capacity_tpa, min_fraction=1.0, capex_usd=q.capex_usd,
                            federal_usd=q.federal_usd, project_id=q.project_id, applicant=q.applicant,
                            annual_capex_usd=q.capex_usd * capital_recovery_factor(rate, float(o.life_years)))
    return pd.DataFrame(rows, columns=OPTION_COLUMNS)


def option_timing_and_capex(catalog: Catalog, settings: ModelSettings, o) -> tuple[float, float, float]:
    """A feed_options.csv row's first output year (decision year + lead time of the timing case),
    its study capex (capex case x multiplier) and that capex in catalog dollars (cost_index.csv)."""
    first = settings.decision_year + float(getattr(o, f"lead_time_years_{TIMING_COLUMNS[settings.timing_case][0]}"))
    study = float(getattr(o, f"capex_usd_{settings.capex_case}")) * settings.capex_multiplier
    index = catalog.cost_index.set_index("year")["index"].astype(float)
    capex = study * float(index.iloc[-1] / index[o.capex_dollar_year]) if len(index) else study
    return first, study, capex


def _running_or_optioned(catalog: Catalog, settings: ModelSettings, options: pd.DataFrame,
                         feeds: pd.DataFrame) -> pd.DataFrame:
    """With feed options on, a deposit that has a new_mine option runs only if developed: its
    own supply is 0 and its option adds it. Feeds that neither run by the target year nor
    have an option in time are dropped."""
    by = feeds_by(settings)
    gated = gated_feeds(catalog, settings, options)
    feeds.loc[feeds["feedstock_id"].isin(gated), "supply_tpa"] = 0.0
    running = set(feeds.loc[feeds["first_output_year"] <= by, "feedstock_id"]) - gated
    return feeds[feeds["feedstock_id"].isin(running | set(options["feedstock_id"]))].reset_index(drop=True)


def gated_feeds(catalog: Catalog, settings: ModelSettings, options: pd.DataFrame) -> set[str]:
    """Deposits a new_mine option opens (with feed options on, or a mine applied for): their own
    supply is 0; only the developed option adds it."""
    table = catalog.feed_options
    gated = set(table.loc[table["kind"] == "new_mine", "feedstock_id"]) if settings.feed_options else set()
    return gated | set(options.loc[options["kind"] == "new_mine", "feedstock_id"])  # a mine applied for


def _element_values(catalog: Catalog, settings: ModelSettings) -> tuple[dict[str, float], dict[str, float]]:
    """Weight per magnet element (the scenario's, else the catalog's) and $/t price per element."""
    elements = catalog.elements.set_index("element")
    magnet = [e for e in ELEMENTS if bool(elements.at[e, "magnet"])]
    weights = {e: float(settings.weights.get(e, elements.at[e, "weight"])) for e in magnet}
    price = {e: float(elements.at[e, "price_usd_per_kg"]) * 1000.0 for e in ELEMENTS}
    return weights, price


def _demand_and_imports(catalog: Catalog, settings: ModelSettings, magnet: tuple[str, ...],
                        year: int | None = None) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], float]]:
    """t/yr per (element, form) with positive demand in the target year (set D): demand.csv
    plus the demand scope's extra rows; and the imports available for each in the import
    case, the scope's extra demand importable at the same share of demand as demand.csv's
    base case that year. The scenario's figures override both."""
    year = settings.target_year if year is None else year
    demand_col = f"demand_t_{settings.demand_case}"
    rows = catalog.demand[catalog.demand["target_year"] == year]
    demand = {(r.element, r.form): float(getattr(r, demand_col)) for r in records(rows)
              if r.element in magnet}
    base = {(r.element, r.form): float(r.demand_t_base) for r in records(rows)}
    case = catalog.imports[catalog.imports["case"] == settings.import_case]
    imports = {(r.element, r.form): float(r.available_t) for r in records(case)}
    scope = catalog.demand_scopes
    scope = scope[(scope["scope"] == settings.demand_scope) & (scope["target_year"] == year)]
    for r in records(scope):
        key = (r.element, r.form)
        if r.element not in magnet:
            continue
        extra = float(getattr(r, f"extra_t_{settings.demand_case}"))
        demand[key] = demand.get(key, 0.0) + extra
        if base.get(key):
            imports[key] = imports.get(key, 0.0) + extra * imports.get(key, 0.0) / base[key]
    demand.update({k: float(v) for k, v in settings.demand_t.items()})
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
    routed = catalog.technology_outputs.groupby("technology_id")["output_form"].agg(set).to_dict()
    holds |= {(p.site_id, f) for p in records(plants) for f in routed.get(p.technology_id, ())}
    takes = set(zip(plants["site_id"], plants["input_form"]))
    km = catalog.distances_km()
    circuity = catalog.parameter("road_circuity")
    # every (holder, taker) pair of a form, as one join: n² links at n sites
    arcs = pd.DataFrame(sorted(holds), columns=["from_site", "form"]).merge(
        pd.DataFrame(sorted(takes), columns=["to_site", "form"]), on="form")
    arcs = arcs.loc[arcs["from_site"] != arcs["to_site"], ["from_site", "to_site", "form"]]
    position = {site: n for n, site in enumerate(km.index)}
    arcs["distance_km"] = km.to_numpy()[arcs["from_site"].map(position).to_numpy(int),
                                        arcs["to_site"].map(position).to_numpy(int)]
    # distance_km is geodesic; freight moves on roads and rails, hence the circuity factor
    arcs["usd_per_t"] = arcs["distance_km"] * circuity * usd_per_tkm
    return arcs.sort_values(["from_site", "to_site", "form"]).reset_index(drop=True)


def _timeline(catalog: Catalog, settings: ModelSettings, techs: pd.DataFrame, plants: pd.DataFrame,
              feeds: pd.DataFrame, options: pd.DataFrame, demand: dict, imports: dict,
              magnet: tuple[str, ...]) -> Timeline:
    """Each planned year's numbers. The target year's are those the one-year tables already hold
    (the same figures, not recomputed), so years = [target_year] is the one-year model."""
    years, report, decision = settings.planning_years, settings.target_year, settings.decision_year
    last = max(years)
    share_col = TIMING_COLUMNS[settings.timing_case][1]
    curves = ramp_curves(catalog, share_col)
    discount = {t: (1.0 + settings.time_discount_rate) ** -(t - years[0]) for t in years}
    total = sum(discount.values())
    # builds may be decided in the decision year and in each later planned year, if they can
    # produce by the last year; proposals are decided in the decision year
    build_years, new_share, existing = {}, {}, {}
    by_year = {t: _existing(catalog, settings, t) for t in years if t != report}
    for p in records(plants):
        key = (p.site_id, p.technology_id)
        t_row = techs.loc[p.technology_id]
        lead, life = float(t_row["lead_time_years"]), float(t_row["life_years"])
        for t in years:
            existing[(*key, t)] = p.existing_available_tpa if t == report else by_year[t].get(key, (0, 0.0))[1]
        if not p.buildable:
            continue
        later = () if len(settings.projects) else tuple(y for y in years if y > decision and y + lead <= last)
        build_years[key] = (decision, *later)
        for y in build_years[key]:
            for t in years:
                first = y + lead
                share = ramp_share(curves, t_row["ramp_curve"], first, t) if t - first < life else 0.0
                new_share[(*key, y, t)] = p.new_share if (y, t) == (decision, report) else share
    supply = _supply_by_year(catalog, settings, feeds, curves, years, report)
    option_years, option_share = {}, {}
    feed_curve = catalog.feedstocks.set_index("feedstock_id")["ramp_curve"]
    for o in records(options):
        lead = o.first_output_year - decision
        option_years[o.option_id] = (decision, *(y for y in years if y > decision and y + lead <= last))
        for y in option_years[o.option_id]:
            for t in years:
                option_share[(o.option_id, y, t)] = o.ramp_share if (y, t) == (decision, report) else \
                    ramp_share(curves, feed_curve[o.feedstock_id], y + lead, t)
    demand_by, imports_by, basis = _demand_by_year(catalog, settings, magnet, years, demand, imports)
    return Timeline(
        years=years, report_year=report, decision_year=decision,
        weight={t: d / total for t, d in discount.items()},
        build_years=build_years, new_share=new_share, existing_available_tpa=existing, supply_tpa=supply,
        option_years=option_years, option_share=option_share, demand_t=demand_by, imports_t=imports_by, demand_basis=basis,
        spend_profile=tuple(settings.spend_profile),
        appropriations_usd={decision + i: float(a) for i, a in enumerate(settings.appropriations_usd)},
    )


def _supply_by_year(catalog: Catalog, settings: ModelSettings, feeds: pd.DataFrame, curves: dict,
                    years: tuple[int, ...], report: int) -> dict[tuple[str, int], float]:
    """(feedstock, year) -> usable t/yr: nameplate x its ramp share that year x the foreign
    share; 0 for feeds kept only for their options and for deposits a new_mine option gates."""
    by = feeds_by(settings)
    gated = set(catalog.feed_options.loc[catalog.feed_options["kind"] == "new_mine", "feedstock_id"]) \
        if settings.feed_options else set()
    curve = catalog.feedstocks.set_index("feedstock_id")["ramp_curve"]
    out = {}
    for f in records(feeds):
        for t in years:
            if t == report:
                out[(f.feedstock_id, t)] = float(f.supply_tpa)
            elif f.feedstock_id in gated or f.first_output_year > by:
                out[(f.feedstock_id, t)] = 0.0
            else:
                share = ramp_share(curves, curve[f.feedstock_id], f.first_output_year, t)
                out[(f.feedstock_id, t)] = float(f.nameplate_tpa) * share * float(f.foreign_share)
    return out


def _demand_by_year(catalog: Catalog, settings: ModelSettings, magnet: tuple[str, ...], years: tuple[int, ...],
                    demand: dict, imports: dict) -> tuple[dict, dict, dict]:
    """Demand and imports per year: at a catalog anchor year (demand.csv's target years) as the
    one-year model has them; between two anchors interpolated linearly; before the first anchor
    held at its level (a labelled simplification: no earlier demand is sourced)."""
    anchors = sorted(int(y) for y in set(catalog.demand["target_year"]))
    at: dict[int, tuple[dict, dict]] = {settings.target_year: (demand, imports)}
    demand_by, imports_by, basis = {}, {}, {}
    for t in years:
        if t in at or t in anchors:
            if t not in at:
                at[t] = _demand_and_imports(catalog, settings, magnet, t)
            demand_by[t], imports_by[t] = at[t]
            basis[t] = f"catalog anchor year {t}" if t in anchors else f"scenario demand_t for {t}"
            continue
        before = [a for a in anchors if a < t]
        after = [a for a in anchors if a > t]
        if not before or not after:
            a = after[0] if after else before[-1]
            at.setdefault(a, _demand_and_imports(catalog, settings, magnet, a))
            demand_by[t], imports_by[t] = at[a]
            basis[t] = f"held at the {a} anchor (no demand sourced for {t})"
            continue
        a0, a1 = before[-1], after[0]
        for a in (a0, a1):
            at.setdefault(a, _demand_and_imports(catalog, settings, magnet, a))
        x = (t - a0) / (a1 - a0)
        (d0, i0), (d1, i1) = at[a0], at[a1]
        keys = sorted(set(d0) | set(d1))
        dem = {k: (1 - x) * d0.get(k, 0.0) + x * d1.get(k, 0.0) for k in keys}
        demand_by[t] = {k: v for k, v in dem.items() if v > 0}
        imports_by[t] = {k: (1 - x) * i0.get(k, 0.0) + x * i1.get(k, 0.0) for k in demand_by[t]}
        basis[t] = f"interpolated between the {a0} and {a1} anchors"
    return demand_by, imports_by, basis
