"""The catalog ranges a Monte Carlo run samples, for one scenario (which families enter and
why: ranges.csv beside this file, and docs/montecarlo.md).

Each Range is one dimension of the Latin hypercube: a triangular distribution with the
catalog's low, base (the mode) and high. Some ranges stand for a shared cause, one quantile
for several figures each between its own low and high: capex (every buildable plant of the
technology), ramp_share (every year of the curve, for everything on it) and recovery (every
element the technology routes). First output years and lead times are whole years (kind
"year"). `inputs` is the superset model's (superset.py): every feed and option that runs
in some draw.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

from models.inputs import ModelInputs, gated_feeds
from models.settings import ModelSettings
from sites import Catalog
from sites.sets import ELEMENTS


@dataclass(frozen=True)
class Range:
    range_id: str  # family.key, e.g. supply_tpa.mp_bastnaesite; a column of samples.csv
    family: str  # a row of ranges.csv
    key: tuple  # the feedstock, (element, form), technology or option it belongs to
    low: float
    base: float
    high: float
    unit: str
    kind: str = "value"  # "value": triangular; "year": a whole year (sampling.draw_year)


@dataclass(frozen=True)
class PlantCapex:
    """One buildable plant's capex range in the model's terms (site multiplier, basis and
    scenario multiplier applied), drawn at its technology's quantile."""

    site_id: str
    technology_id: str
    low: float
    base: float
    high: float


def families() -> list[dict]:
    """ranges.csv: every low/base/high family of the catalog, whether it enters and why."""
    text = resources.files("planner.montecarlo").joinpath("ranges.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _spread(low: float, base: float, high: float) -> bool:
    return high > low


def catalog_ranges(catalog: Catalog, settings: ModelSettings, inputs: ModelInputs) -> tuple[list[Range], list[PlantCapex]]:
    """The ranges that vary for this scenario (low < high), sorted by id, and every
    buildable plant's capex range."""
    ranges: list[Range] = []
    table = catalog.feedstocks.set_index("feedstock_id")
    own = own_supply_feeds(catalog, settings, inputs)
    for f in inputs.feeds.itertuples(index=False):
        if f.feedstock_id not in own:
            continue
        low, base, high = (float(table.at[f.feedstock_id, f"supply_tpa_{c}"]) for c in ("low", "base", "high"))
        if _spread(low, base, high):
            ranges.append(Range(f"supply_tpa.{f.feedstock_id}", "supply_tpa", (f.feedstock_id,), low, base, high,
                                "t/yr REO"))
        low, base, high = (int(table.at[f.feedstock_id, f"first_output_year_{c}"]) for c in ("low", "base", "high"))
        if _spread(low, base, high):
            ranges.append(Range(f"first_output_year.{f.feedstock_id}", "first_output_year", (f.feedstock_id,), low,
                                base, high, "year (first output of the feed)", kind="year"))
    ranges += _structure_ranges(catalog, settings, inputs, own)
    cases = catalog.import_cases.set_index("case")
    foreign_running = ((inputs.feeds["origin_class"] == "foreign") & inputs.feeds["feedstock_id"].isin(own)).any()
    if foreign_running and settings.import_case in cases.index:
        low, base, high = (float(cases.at[settings.import_case, f"foreign_concentrate_share_{c}"])
                           for c in ("low", "base", "high"))
        if _spread(low, base, high):
            ranges.append(Range(f"foreign_share.{settings.import_case}", "foreign_share", (settings.import_case,),
                                low, base, high, "fraction"))
    for (element, form), (low, base, high) in sorted(_demand_cases(catalog, settings, inputs).items()):
        if _spread(low, base, high):
            ranges.append(Range(f"demand_t.{element}.{form}", "demand_t", (element, form), low, base, high, "t/yr REO"))
    plants = _plant_capex(catalog, settings, inputs)
    techs = catalog.technologies.set_index("technology_id")
    for tech in sorted({p.technology_id for p in plants}):
        if any(_spread(p.low, p.base, p.high) for p in plants if p.technology_id == tech):
            low, base, high = (float(techs.at[tech, f"capex_usd_per_tpa_{c}"]) for c in ("low", "base", "high"))
            ranges.append(Range(f"capex.{tech}", "capex", (tech,), low, base, high,
                                "USD per t/yr (greenfield, before site multiplier)"))
    if inputs.options is not None and not inputs.options.empty:
        options = catalog.feed_options.set_index("option_id")
        for o in inputs.options.itertuples(index=False):
            row = options.loc[o.option_id]
            capex = tuple(float(row[f"capex_usd_{c}"]) for c in ("low", "base", "high"))
            if _spread(*capex):
                ranges.append(Range(f"option_capex.{o.option_id}", "option_capex", (o.option_id,), *capex,
                                    f"USD of {int(o.capex_dollar_year)} (study)"))
            added = tuple(float(row[f"added_tpa_{c}"]) for c in ("low", "base", "high"))
            if _spread(*added):
                ranges.append(Range(f"option_added_tpa.{o.option_id}", "option_added_tpa", (o.option_id,), *added,
                                    "t/yr REO"))
            lead = tuple(int(row[f"lead_time_years_{c}"]) for c in ("low", "base", "high"))
            if not o.project_id and _spread(*lead):  # an application's timing is as applied
                ranges.append(Range(f"option_lead_time.{o.option_id}", "option_lead_time", (o.option_id,), *lead,
                                    "years (decision to first added output)", kind="year"))
    return sorted(ranges, key=lambda r: r.range_id), plants


def own_supply_feeds(catalog: Catalog, settings: ModelSettings, inputs: ModelInputs) -> set[str]:
    """Feeds in the (superset) model that supply by themselves in some draw: all but the
    deposits a new_mine option opens."""
    return set(inputs.feeds["feedstock_id"]) - gated_feeds(catalog, settings, inputs.options)


def existing_rows(catalog: Catalog, inputs: ModelInputs) -> list:
    """site_capacity rows of the plants in the model with capacity: (site, technology) keys
    may repeat (their capacities add up)."""
    keys = set(zip(inputs.plants["site_id"], inputs.plants["technology_id"]))
    table = catalog.site_capacity.sort_values(["site_id", "technology_id"])
    return [r for r in table.itertuples(index=False) if (r.site_id, r.technology_id) in keys and r.existing_tpa > 0]


def curves_used(catalog: Catalog, inputs: ModelInputs, own: set[str]) -> set[str]:
    """Ramp curves something in the model runs on: its feeds, its options' feeds, existing
    plants and the technologies that may be built."""
    feeds = catalog.feedstocks.set_index("feedstock_id")["ramp_curve"]
    used = {feeds[k] for k in own}
    if inputs.options is not None:
        used |= {feeds[k] for k in inputs.options["feedstock_id"]}
    used |= {r.ramp_curve for r in existing_rows(catalog, inputs)}
    techs = catalog.technologies.set_index("technology_id")["ramp_curve"]
    used |= {techs[t] for t in inputs.plants.loc[inputs.plants["buildable"], "technology_id"]}
    return used


def _structure_ranges(catalog: Catalog, settings: ModelSettings, inputs: ModelInputs, own: set[str]) -> list[Range]:
    """First output years of existing plants, ramp curves (one quantile per curve), routed
    recovery (one quantile per technology)."""
    out = []
    last = max(inputs.years)
    seen = set()
    for r in existing_rows(catalog, inputs):
        low, base, high = (int(getattr(r, f"first_output_year_{c}")) for c in ("low", "base", "high"))
        range_id = f"first_output_year.{r.site_id}.{r.technology_id}"
        if _spread(low, base, high) and low <= last and range_id not in seen:
            seen.add(range_id)
            out.append(Range(range_id, "first_output_year", (r.site_id, r.technology_id), low, base, high,
                             "year (first output of the existing plant)", kind="year"))
    curves = catalog.ramp_curves.sort_values(["curve_id", "year"])
    for curve in sorted(curves_used(catalog, inputs, own)):
        rows = curves[(curves["curve_id"] == curve) & (curves["share_high"] > curves["share_low"])]
        if len(rows):
            r = rows.iloc[0]
            out.append(Range(f"ramp_share.{curve}", "ramp_share", (curve,), float(r.share_low), float(r.share_base),
                             float(r.share_high), f"share of nameplate in output year {int(r.year)} "
                                                  "(every year of the curve at the same quantile)"))
    routes = catalog.technology_outputs
    techs = set(inputs.plants["technology_id"])
    for tech in sorted(techs & set(routes["technology_id"])):
        rows = routes[routes["technology_id"] == tech].copy()
        rows["order"] = [ELEMENTS.index(e) for e in rows["element"]]
        rows = rows.sort_values("order")
        if (rows["recovery_high"] > rows["recovery_low"]).any():
            r = rows.iloc[0]
            out.append(Range(f"recovery.{tech}", "recovery", (tech,), float(r.recovery_low), float(r.recovery_base),
                             float(r.recovery_high), f"fraction of {r.element} routed to {r.output_form} (every "
                                                     "routed element of the technology at the same quantile)"))
    return out


def _demand_cases(catalog: Catalog, settings: ModelSettings,
                  inputs: ModelInputs) -> dict[tuple[str, str], tuple[float, float, float]]:
    """(element, form) -> demand in the target year at low, base and high: demand.csv plus the
    scenario's demand scope's extra rows, for the entries the model has and the scenario
    does not set itself."""
    out: dict[tuple[str, str], list[float]] = {}
    rows = catalog.demand[catalog.demand["target_year"] == settings.target_year]
    scope = catalog.demand_scopes
    scope = scope[(scope["scope"] == settings.demand_scope) & (scope["target_year"] == settings.target_year)]
    for table, prefix in ((rows, "demand_t"), (scope, "extra_t")):
        for r in table.itertuples(index=False):
            key = (r.element, r.form)
            if key in inputs.demand_t and key not in settings.demand_t:
                total = out.setdefault(key, [0.0, 0.0, 0.0])
                for i, c in enumerate(("low", "base", "high")):
                    total[i] += float(getattr(r, f"{prefix}_{c}"))
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


def _plant_capex(catalog: Catalog, settings: ModelSettings, inputs: ModelInputs) -> list[PlantCapex]:
    """Buildable plants' capex at low, base and high, priced the way models.inputs prices the
    scenario's case (none with proposals: their federal requests are fixed)."""
    if len(inputs.projects):
        return []
    techs = catalog.technologies.set_index("technology_id")
    multiplier = inputs.sites.set_index("site_id")["cost_multiplier"]
    out = []
    for p in inputs.plants[inputs.plants["buildable"]].itertuples(index=False):
        t = techs.loc[p.technology_id]
        if p.capex_basis == "brownfield":
            values = [float(t[f"capex_brownfield_usd_per_tpa_{c}"]) for c in ("low", "base", "high")]
        else:
            values = [float(t[f"capex_usd_per_tpa_{c}"]) * float(multiplier[p.site_id]) for c in ("low", "base", "high")]
        low, base, high = (v * settings.capex_multiplier for v in values)
        out.append(PlantCapex(p.site_id, p.technology_id, low, base, high))
    return out
