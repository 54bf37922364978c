"""One built model that takes sample after sample: each sample's ranges are written onto the
live model (bounds, right-hand sides and coefficients, in PuLP and in HiGHS at once) and
HiGHS re-solves warm from the previous sample's basis. Nothing is rebuilt.

The model is built from the superset catalog (superset.py): every feed and feed option that
runs by the last planned year in ANY draw exists. A sample's first output years, lead times
and ramp shares become numbers on it: a feed's supply bound, an existing plant's capacity
(a right-hand side), an option's develop bound and the ramp share it adds at (coefficients).
With several planned years, each draw is held across the years and written on every year's
rows (docs/montecarlo.md, "Years")."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from models import Pipeline
from models.families import USD_PER_MUSD
from models.inputs import TIMING_COLUMNS, feeds_by, prepare, ramp_curves, ramp_share
from models.marginal import DECIMALS
from models.settings import ModelSettings
from models.solve import ZERO_T
from planner.montecarlo.ranges import PlantCapex, Range, existing_rows, own_supply_feeds
from planner.montecarlo.sampling import draw, draw_year
from planner.montecarlo.superset import superset_catalog
from sites import Catalog
from sites.sets import ELEMENTS

CASES = ("low", "base", "high")


def _r(x: float) -> float:
    return round(float(x), DECIMALS) + 0.0


class LiveModel:
    """A Pipeline built once (superset, base values) and solved once; apply() then solve_sample() per sample."""

    def __init__(self, catalog: Catalog, settings: ModelSettings, ranges: list[Range], plants: list[PlantCapex]):
        self.pipeline = Pipeline.prepare(superset_catalog(catalog, settings), settings)
        self.solver = self.pipeline.solver
        self.model = model = self.pipeline.model
        self.ranges = ranges
        self.index = {r.range_id: i for i, r in enumerate(ranges)}
        inputs = model.inputs
        timeline = inputs.timeline
        self.years, self.report, self.decision = inputs.years, timeline.report_year, timeline.decision_year
        self.multi = inputs.multi_year
        self.by = feeds_by(settings)
        self.floor = inputs.min_value_per_musd
        self.capex_multiplier = settings.capex_multiplier
        self.magnet = sorted({e for e, _ in inputs.demand_t}, key=ELEMENTS.index)
        self.demand = {y: dict(timeline.demand_t[y]) for y in self.years}  # year -> (element, form) -> t/yr, as set
        self.budget_row = model.constraint("budget")
        # ramp curves: the scenario's timing column (curves not sampled) and each row's low/base/high
        self.curves = ramp_curves(catalog, TIMING_COLUMNS[settings.timing_case][1])
        self.curve_rows = {c: [(int(r.year), float(r.share_low), float(r.share_base), float(r.share_high))
                               for r in rows.sort_values("year").itertuples(index=False)]
                           for c, rows in catalog.ramp_curves.groupby("curve_id")}
        table = catalog.feedstocks.set_index("feedstock_id")
        self.feed_curve = table["ramp_curve"].to_dict()
        own = own_supply_feeds(catalog, settings, inputs)
        self.feeds = [f for f in inputs.feeds.itertuples(index=False) if f.feedstock_id in own]
        self.existing: dict[tuple[str, str], list] = {}
        for r in existing_rows(catalog, inputs):
            self.existing.setdefault((r.site_id, r.technology_id), []).append(
                (float(r.existing_tpa), r.ramp_curve, tuple(int(getattr(r, f"first_output_year_{c}")) for c in CASES)))
        techs = catalog.technologies.set_index("technology_id")
        self.new_plants = [(key, techs.at[key[1], "ramp_curve"], float(techs.at[key[1], "lead_time_years"]),
                            float(techs.at[key[1], "life_years"]), timeline.build_years[key])
                           for key in sorted(model.new_capacity) if key in timeline.build_years]
        # costs as built (they carry each year's weight): capex draws scale them
        self.annual: dict[str, float] = {}
        for var, coef in model.objectives["annual_cost"]:
            self.annual[var.name] = self.annual.get(var.name, 0.0) + coef
        self.appropriation = [model.prob.get_constraint_by_name(name) for key, name in model.rows.items()
                              if key[0] == "appropriation"]
        self.built_coef = {(con.name, v.name): c for con in self.appropriation for v, c in con.items()}
        prepared = inputs.plants.set_index(["site_id", "technology_id"])
        self.plants = [(p, model.new_capacity[(p.site_id, p.technology_id)],
                        float(prepared.at[(p.site_id, p.technology_id), "capex_usd_per_tpa"]),
                        [v for (s, t, _), v in sorted(model.new_by_year.items()) if (s, t) == (p.site_id, p.technology_id)])
                       for p in plants if (p.site_id, p.technology_id) in model.new_capacity]
        self.options = [] if inputs.options is None else list(inputs.options.itertuples(index=False))
        self.routes = self._route_terms(catalog)
        self.demand_cases = self._demand_cases(catalog, settings) if self.multi else {}
        self.pipeline.solve()  # superset values, cold: afterwards HiGHS's model is live and warm

    # -- what a sample draws ------------------------------------------------------------------

    def q(self, range_id: str, quantiles: np.ndarray) -> float | None:
        """The sample's quantile of a range; None when the range is not sampled."""
        i = self.index.get(range_id)
        return None if i is None else float(quantiles[i])

    def values(self, quantiles: np.ndarray) -> dict[str, float]:
        """Each range's sampled value at the sample's quantiles (NaN: the range's base)."""
        return {r.range_id: float((draw_year if r.kind == "year" else draw)(q, r.low, r.base, r.high))
                for r, q in zip(self.ranges, quantiles)}

    def _curves(self, quantiles: np.ndarray) -> dict[str, list[tuple[int, float]]]:
        """Each ramp curve's shares in this sample: one quantile per curve, every year of it."""
        out = dict(self.curves)
        for curve, rows in self.curve_rows.items():
            q = self.q(f"ramp_share.{curve}", quantiles)
            if q is not None:
                out[curve] = [(y, draw(q, low, base, high)) for y, low, base, high in rows]
        return out

    def _year_row(self, kind: str, *key, year: int):
        return self.model.year_constraint(kind, *key, year=year)

    def apply(self, quantiles: np.ndarray) -> dict[str, float]:
        """Write one sample onto the live model; returns the sampled values."""
        values = self.values(quantiles)
        curves = self._curves(quantiles)
        self._feeds(values, quantiles, curves)
        self._existing(quantiles, curves)
        self._new_shares(quantiles, curves)
        self._demand(quantiles)
        self._capex(quantiles)
        self._options(values, quantiles, curves)
        self._recovery(quantiles)
        return values

    # -- bounds and right-hand sides ----------------------------------------------------------

    def _feeds(self, values: dict[str, float], quantiles: np.ndarray, curves: dict) -> None:
        foreign_range = next((r.range_id for r in self.ranges if r.family == "foreign_share"), None)
        for f in self.feeds:
            k = f.feedstock_id
            ids = (f"supply_tpa.{k}", f"first_output_year.{k}", f"ramp_share.{self.feed_curve[k]}")
            foreign = values.get(foreign_range) if f.origin_class == "foreign" and foreign_range else None
            if foreign is None and not any(i in self.index for i in ids):
                continue  # as built
            nameplate = values.get(ids[0], f.nameplate_tpa)
            first = values.get(ids[1], f.first_output_year)  # not sampled: low = base = high
            share = f.foreign_share if foreign is None else foreign
            for year in self.years:
                # not yet running in this draw: no supply (the variable stays, bounded to 0)
                usable = nameplate * ramp_share(curves, self.feed_curve[k], first, year) * share \
                    if first <= self.by else 0.0
                row = ("feed_supply", k, *((year,) if self.multi else ()))
                if row in self.model.rows:  # a feed option adds to it: a row
                    self.solver.set_rhs(self.model.constraint(*row), usable)
                else:
                    self.solver.set_bounds(self.model.at(year).feed_use[k], 0.0, usable)

    def _existing(self, quantiles: np.ndarray, curves: dict) -> None:
        """Existing plants' capacity running each year: nameplate x ramp share from the drawn
        first output year (0 before it), the capacity row's right-hand side."""
        for key, rows in self.existing.items():
            ids = [f"first_output_year.{key[0]}.{key[1]}", *(f"ramp_share.{c}" for _, c, _ in rows)]
            if not any(i in self.index for i in ids):
                continue
            q = self.q(ids[0], quantiles)
            # not sampled: low = base = high, or a range that never reaches the planned years
            first = [cases[1] if q is None else draw_year(q, *cases) for _, _, cases in rows]
            for year in self.years:
                available = sum(tpa * ramp_share(curves, curve, y, year) for (tpa, curve, _), y in zip(rows, first))
                self.solver.set_rhs(self._year_row("capacity_limit", *key, year=year), available)

    def _new_shares(self, quantiles: np.ndarray, curves: dict) -> None:
        """New capacity runs at its technology's ramp share: the coefficient of each year's
        builds in each year's capacity row."""
        for key, curve, lead, life, build_years in self.new_plants:
            if f"ramp_share.{curve}" not in self.index:
                continue
            for decided in build_years:
                x = self.model.new_by_year[(*key, decided)]
                first = decided + lead
                for year in self.years:
                    share = ramp_share(curves, curve, first, year) if year - first < life else 0.0
                    self.solver.set_coefficient(self._year_row("capacity_limit", *key, year=year), x, -share)

    def _demand(self, quantiles: np.ndarray) -> None:
        changed = set()
        for r in self.ranges:
            if r.family != "demand_t":
                continue
            q = quantiles[self.index[r.range_id]]
            for year in self.years:
                low, base, high = self.demand_cases.get((year, r.key), (r.low, r.base, r.high))
                if r.key not in self.demand[year]:
                    continue
                self.demand[year][r.key] = draw(q, low, base, high)
                self.solver.set_rhs(self._year_row("demand_balance", *r.key, year=year), self.demand[year][r.key])
                changed.add((r.key[0], year))
        reliance = self.model.max_import_reliance
        for e, year in sorted(changed):
            row = ("reliance_limit", e, *((year,) if self.multi else ()))
            if reliance is not None and row in self.model.rows:
                total = sum(t for (el, _), t in self.demand[year].items() if el == e)
                con = self.model.constraint(*row)
                self.solver.set_coefficient(con, reliance, total)
                self.solver.set_rhs(con, total)

    # -- coefficients -------------------------------------------------------------------------

    def _scale_spend(self, var, ratio: float) -> None:
        """Appropriation rows pace a build's federal $: scale its coefficients there."""
        for con in self.appropriation:
            built = self.built_coef.get((con.name, var.name))
            if built:
                self.solver.set_coefficient(con, var, built * ratio)

    def _capex(self, quantiles: np.ndarray) -> None:
        share = self.model.inputs.federal_share
        for p, var, model_capex, by_year in self.plants:
            q = self.q(f"capex.{p.technology_id}", quantiles)
            if q is None:
                continue
            capex = draw(q, p.low, p.base, p.high)
            budget = share * capex / USD_PER_MUSD
            self.solver.set_coefficient(self.budget_row, var, budget)
            ratio = capex / model_capex if model_capex else 0.0
            for x in by_year:  # one year: the new capacity itself
                self.solver.set_objective_coefficient("annual_cost", x, self.annual.get(x.name, 0.0) * ratio)
                self._scale_spend(x, ratio)
            if "net_weighted_supply" in self.model.objectives:
                self.solver.set_objective_coefficient("net_weighted_supply", var, -self.floor * budget)

    def _options(self, values: dict[str, float], quantiles: np.ndarray, curves: dict) -> None:
        timeline = self.model.inputs.timeline
        weight, last = timeline.weight, max(self.years)
        for o in self.options:
            oid, curve = o.option_id, self.feed_curve[o.feedstock_id]
            y = self.model.develop[oid]
            study = values.get(f"option_capex.{oid}")
            ratio = study * self.capex_multiplier / o.capex_study_usd if study is not None and o.capex_study_usd > 0 \
                else 1.0
            timed = f"option_lead_time.{oid}" in self.index or f"ramp_share.{curve}" in self.index
            if study is not None and o.capex_study_usd > 0:
                # the model's capex is the study figure x capex_multiplier x escalation to catalog
                # dollars (models/inputs.py): the sample replaces the study figure only
                federal = o.federal_usd * ratio / USD_PER_MUSD
                self.solver.set_coefficient(self.budget_row, y, federal)
                if "net_weighted_supply" in self.model.objectives:
                    self.solver.set_objective_coefficient("net_weighted_supply", y, -self.floor * federal)
            lead = values.get(f"option_lead_time.{oid}", o.first_output_year - self.decision)
            for decided in timeline.option_years[oid]:
                yd, xd = self.model.develop_by_year[(oid, decided)], self.model.added_by_year[(oid, decided)]
                first = decided + lead
                if f"option_lead_time.{oid}" in self.index:
                    # not in time in this draw: not developed (decided that year)
                    self.solver.set_bounds(yd, 0.0, 1.0 if first <= last else 0.0)
                running = [t for t in self.years if t >= first]
                if study is not None or timed:
                    per_year = (o.annual_capex_usd * ratio + o.fixed_opex_usd_per_yr) / USD_PER_MUSD
                    self.solver.set_objective_coefficient("annual_cost", yd, per_year * sum(weight[t] for t in running))
                    self._scale_spend(yd, ratio)
                if not timed:
                    continue
                opex = 0.0
                for year in self.years:
                    share = ramp_share(curves, curve, first, year)
                    row = ("feed_supply", o.feedstock_id, *((year,) if self.multi else ()))
                    self.solver.set_coefficient(self.model.constraint(*row), xd, -share)
                    if year in running:
                        opex += share * o.opex_usd_per_t / USD_PER_MUSD * weight[year]
                if o.opex_usd_per_t:
                    self.solver.set_objective_coefficient("annual_cost", xd, opex)
            added = values.get(f"option_added_tpa.{oid}")
            if added is not None:
                for decided in timeline.option_years[oid]:
                    key = (oid,) if len(timeline.option_years[oid]) == 1 else (oid, decided)
                    yd = self.model.develop_by_year[(oid, decided)]
                    self.solver.set_coefficient(self.model.constraint("option_max", *key), yd, -added)
                    if ("option_min", *key) in self.model.rows:
                        self.solver.set_coefficient(self.model.constraint("option_min", *key), yd,
                                                    -o.min_fraction * added)

    def _route_terms(self, catalog: Catalog) -> dict[str, list]:
        """technology -> [(row, variable, coefficient as built, element)]: every balance-row entry
        a routed recovery (technology_outputs) enters, from drawn throughput and from feed
        delivered straight into the plant."""
        sampled = {r.key[0] for r in self.ranges if r.family == "recovery"}
        out: dict[str, list] = {t: [] for t in sampled}
        routes = self.model.inputs.routes
        feeds = self.model.inputs.feeds.set_index("feedstock_id")["origin_class"]
        for year in self.years:
            at = self.model.at(year)
            for (site, tech, e, origin), x in at.throughput.items():
                if tech in sampled and (tech, e) in routes:
                    con = self._year_row("balance", site, routes[(tech, e)][0], e, origin, year=year)
                    out[tech].append((con, x, con.get(x), e))
            for (k, site, tech), d in at.feed_delivery.items():
                if tech not in sampled:
                    continue
                for e in ELEMENTS:
                    if (tech, e) in routes:
                        row = ("balance", site, routes[(tech, e)][0], e, feeds[k], *((year,) if self.multi else ()))
                        if row in self.model.rows:
                            con = self.model.constraint(*row)
                            if con.get(d):
                                out[tech].append((con, d, con.get(d), e))
        self.route_base = {(t, e): rec for (t, e), (_, rec) in routes.items()}
        table = catalog.technology_outputs
        self.route_cases = {(r.technology_id, r.element): (float(r.recovery_low), float(r.recovery_base),
                                                           float(r.recovery_high)) for r in table.itertuples(index=False)}
        return out

    def _recovery(self, quantiles: np.ndarray) -> None:
        """One quantile per technology: each routed element's recovery at it, written on every
        balance row it enters (the coefficient as built x drawn / base recovery)."""
        for tech, terms in self.routes.items():
            q = self.q(f"recovery.{tech}", quantiles)
            ratio = {e: draw(q, *self.route_cases[(t, e)]) / base if base else 0.0
                     for (t, e), base in self.route_base.items() if t == tech}
            for con, var, built, e in terms:
                self.solver.set_coefficient(con, var, built * ratio[e])

    def _demand_cases(self, catalog: Catalog, settings: ModelSettings) -> dict:
        """(year, (element, form)) -> demand at low, base and high: each year's own figures
        (anchor years as the catalog has them, years between anchors interpolated)."""
        by_case = [prepare(catalog, replace(settings, demand_case=c)).timeline.demand_t for c in CASES]
        return {(year, key): tuple(d[year].get(key, 0.0) for d in by_case)
                for year in self.years for key in by_case[1][year]}

    # -- solving ------------------------------------------------------------------------------

    def solve_sample(self, sample_id: int, values: dict[str, float]) -> dict:
        """Solve warm and read the tidy row and what was built."""
        solution = self.pipeline.solve()
        if not solution.optimal and solution.status not in ("infeasible", "unbounded"):
            # a warm start can end without an answer (HiGHS: status unknown): once more from no basis
            self.solver.forget_basis()
            solution = self.pipeline.solve()
        row = {"sample_id": sample_id, **{r.range_id: _r(values[r.range_id]) for r in self.ranges},
               "status": solution.status}
        built_plants, built_options = [], []
        if solution.optimal:
            model = self.model
            demand = self.demand[self.report]
            row["objective_value"] = _r(solution.stage_values[self.pipeline.first_stage])
            row["weighted_supply"] = _r(model.weighted_supply())
            federal_musd = self.solver.row_value(self.budget_row)
            row["federal_usd"] = round(federal_musd * USD_PER_MUSD, 2) + 0.0
            for e in self.magnet:
                total = sum(t for (el, _), t in demand.items() if el == e)
                credited = sum(model.credited[k].varValue or 0.0 for k in demand if k[0] == e)
                row[f"import_reliance_{e}"] = _r((total - credited) / total) if total else 0.0
            built_plants = [(site, tech, _r(v.varValue)) for (site, tech), v in sorted(model.new_capacity.items())
                            if (v.varValue or 0.0) > ZERO_T]
            built_options = [o for o, y in sorted(model.develop.items()) if (y.varValue or 0.0) > 0.5]
        row["plants_built"] = ";".join(f"{s}/{t}" for s, t, _ in built_plants)
        row["options_built"] = ";".join(built_options)
        return {"row": row, "plants": built_plants, "options": built_options}
