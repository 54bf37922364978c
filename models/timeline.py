"""A multi-year run's year-indexed tables: what runs when, each element's supply and import
reliance per year, and federal money spent against appropriations (docs/model.md, "Years")."""
from __future__ import annotations

from collections import defaultdict

import pandas as pd

from models.formulation import PortfolioModel
from models.records import records
from models.solve import ZERO_T, solved_value as _v
from sites.sets import ELEMENTS

CAPACITY_BY_YEAR_COLUMNS = ["year", "site_id", "technology", "existing_available_tpa", "decided_tpa",
                            "new_nameplate_tpa", "new_running_tpa", "available_tpa", "throughput_tpa"]
ELEMENTS_BY_YEAR_COLUMNS = ["year", "element", "demand_t", "domestic_t", "credited_t", "imports_t", "unmet_t",
                            "import_reliance", "demand_basis"]
SPEND_BY_YEAR_COLUMNS = ["year", "appropriated_usd", "cumulative_appropriated_usd", "decided_federal_usd",
                         "federal_spend_usd", "cumulative_federal_spend_usd", "carried_forward_usd"]


def year_tables(model: PortfolioModel) -> dict[str, pd.DataFrame]:
    """capacity_by_year, elements_by_year and spend_by_year (empty in a one-year run)."""
    if not model.inputs.multi_year:
        return {"capacity_by_year": pd.DataFrame(columns=CAPACITY_BY_YEAR_COLUMNS),
                "elements_by_year": pd.DataFrame(columns=ELEMENTS_BY_YEAR_COLUMNS),
                "spend_by_year": pd.DataFrame(columns=SPEND_BY_YEAR_COLUMNS)}
    return {"capacity_by_year": capacity_by_year(model), "elements_by_year": elements_by_year(model),
            "spend_by_year": spend_by_year(model)}


def capacity_by_year(model: PortfolioModel) -> pd.DataFrame:
    """Per plant with capacity in some year, per year: existing capacity running, new capacity
    decided that year (the first planned year: also what was decided before it), new nameplate decided so far, new capacity running (ramp share x builds
    that have reached first output), total available and throughput."""
    timeline = model.inputs.timeline
    # each year's throughput per plant, summed once (not a scan of every variable per plant)
    throughput_by_year = {year: _throughput_by_plant(model.at(year)) for year in model.inputs.years}
    rows = []
    for p in records(model.inputs.plants):
        key = (p.site_id, p.technology_id)
        decided = {y: _v(model.new_by_year[(*key, y)]) for y in timeline.build_years.get(key, ())}
        if p.existing_tpa + sum(decided.values()) <= ZERO_T:
            continue
        previous = None
        for year in model.inputs.years:
            since = sum(t for y, t in decided.items() if y <= year and (previous is None or y > previous))
            previous = year
            existing = timeline.existing_available_tpa[(*key, year)]
            running = sum(timeline.new_share[(*key, y, year)] * t for y, t in decided.items())
            throughput = throughput_by_year[year].get(key, 0.0)
            rows.append((year, *key, existing, since,
                         sum(t for y, t in decided.items() if y <= year), running, existing + running, throughput))
    frame = pd.DataFrame(rows, columns=CAPACITY_BY_YEAR_COLUMNS)
    return frame.sort_values(["year", "site_id", "technology"], kind="stable").reset_index(drop=True)


def _throughput_by_plant(at) -> dict[tuple, float]:
    """(site, technology) -> input drawn in one year: intermediate product and raw feed delivered."""
    drawn: dict[tuple, float] = defaultdict(float)
    delivered: dict[tuple, float] = defaultdict(float)
    for k, v in at.throughput.items():
        drawn[k[:2]] += _v(v)
    for k, v in at.feed_delivery.items():
        delivered[k[1:]] += _v(v)
    return {key: drawn[key] + delivered[key] for key in drawn.keys() | delivered.keys()}


def elements_by_year(model: PortfolioModel) -> pd.DataFrame:
    """Per year and magnet element: demand (and how it was found), delivered, credited,
    imported, unmet; import reliance = (demand - credited) / demand."""
    timeline = model.inputs.timeline
    rows = []
    for year in model.inputs.years:
        at = model.at(year)
        totals: dict[str, list[float]] = defaultdict(lambda: [0.0] * 5)
        for (e, form), demand in timeline.demand_t[year].items():
            row = totals[e]
            row[0] += demand
            row[2] += _v(at.credited[(e, form)])
            row[3] += _v(at.imports[(e, form)])
            row[4] += _v(at.unmet[(e, form)])
        for (_, form, e, _origin), var in at.delivery.items():
            if (e, form) in timeline.demand_t[year]:
                totals[e][1] += _v(var)
        for e in (e for e in ELEMENTS if e in totals):
            demand, domestic, credited, imports, unmet = totals[e]
            rows.append((year, e, demand, domestic, credited, imports, unmet,
                         (demand - credited) / demand if demand else 0.0, timeline.demand_basis[year]))
    return pd.DataFrame(rows, columns=ELEMENTS_BY_YEAR_COLUMNS)


def spend_by_year(model: PortfolioModel) -> pd.DataFrame:
    """Per year from the decision year to the last year money is spent: appropriations, federal $
    of what was decided that year, federal $ spent that year (spend profile), cumulative sums
    and what is carried forward (appropriated but not yet spent)."""
    inputs = model.inputs
    timeline = inputs.timeline
    profile = timeline.spend_profile
    decided: dict[int, float] = defaultdict(float)
    plants = inputs.plants.set_index(["site_id", "technology_id"])
    if not model.funded:
        for (site, tech, year), var in model.new_by_year.items():
            decided[year] += _v(var) * inputs.federal_share * float(plants.at[(site, tech), "capex_usd_per_tpa"])
    for q in records(inputs.projects):
        decided[timeline.decision_year] += _v(model.funded[q.project_id]) * q.federal_usd
    if inputs.options is not None:
        for o in records(inputs.options):
            for year in timeline.option_years[o.option_id]:
                decided[year] += _v(model.develop_by_year[(o.option_id, year)]) * o.federal_usd
    spent: dict[int, float] = defaultdict(float)
    for year, usd in decided.items():
        for i, share in enumerate(profile):
            spent[year + i] += usd * share
    amounts = timeline.appropriations_usd or {timeline.decision_year: inputs.budget_usd}
    last = max([*spent, *amounts, max(inputs.years)])
    rows, appropriated, cumulative = [], 0.0, 0.0
    for year in range(timeline.decision_year, last + 1):
        appropriated += amounts.get(year, 0.0)
        cumulative += spent.get(year, 0.0)
        rows.append((year, amounts.get(year, 0.0), appropriated, decided.get(year, 0.0),
                     spent.get(year, 0.0), cumulative, appropriated - cumulative))
    return pd.DataFrame(rows, columns=SPEND_BY_YEAR_COLUMNS)
