"""One built model that takes sample after sample: each sample's ranges are written onto the
live model (bounds, right-hand sides and coefficients, in PuLP and in HiGHS at once) and
HiGHS re-solves warm from the previous sample's basis. Nothing is rebuilt."""
from __future__ import annotations

import numpy as np

from models import Pipeline
from models.families import USD_PER_MUSD
from models.marginal import DECIMALS
from models.settings import ModelSettings
from models.solve import ZERO_T
from planner.montecarlo.ranges import PlantCapex, Range
from planner.montecarlo.sampling import triangular
from sites import Catalog
from sites.sets import ELEMENTS


def _r(x: float) -> float:
    return round(float(x), DECIMALS) + 0.0


class LiveModel:
    """A Pipeline built once (base values) and solved once; apply() then solve_sample() per sample."""

    def __init__(self, catalog: Catalog, settings: ModelSettings, ranges: list[Range], plants: list[PlantCapex]):
        self.pipeline = Pipeline.prepare(catalog, settings)
        self.solver = self.pipeline.solver
        self.model = model = self.pipeline.model
        self.ranges = ranges
        self.index = {r.range_id: i for i, r in enumerate(ranges)}
        inputs = model.inputs
        self.floor = inputs.min_value_per_musd
        self.capex_multiplier = settings.capex_multiplier
        self.magnet = sorted({e for e, _ in inputs.demand_t}, key=ELEMENTS.index)
        self.demand = dict(inputs.demand_t)  # (element, form) -> t/yr, as currently set
        self.budget_row = model.constraint("budget")
        self.feeds = [f for f in inputs.feeds.itertuples(index=False) if f.supply_tpa > 0]
        prepared = inputs.plants.set_index(["site_id", "technology_id"])
        # the annual cost's coefficients as built (they carry the year's weight): draws scale them
        annual: dict[str, float] = {}
        for var, coef in model.objectives["annual_cost"]:
            annual[var.name] = annual.get(var.name, 0.0) + coef
        self.plants = [(p, model.new_capacity[(p.site_id, p.technology_id)],
                        float(prepared.at[(p.site_id, p.technology_id), "capex_usd_per_tpa"]),
                        annual.get(model.new_capacity[(p.site_id, p.technology_id)].name, 0.0))
                       for p in plants if (p.site_id, p.technology_id) in model.new_capacity]
        self.options = [] if inputs.options is None else list(inputs.options.itertuples(index=False))
        self.option_annual = {o.option_id: annual.get(model.develop[o.option_id].name, 0.0) for o in self.options}
        self.pipeline.solve()  # base values, cold: afterwards HiGHS's model is live and warm

    def values(self, quantiles: np.ndarray) -> dict[str, float]:
        """Each range's sampled value at the sample's quantiles."""
        return {r.range_id: float(triangular(q, r.low, r.base, r.high)) for r, q in zip(self.ranges, quantiles)}

    def apply(self, quantiles: np.ndarray) -> dict[str, float]:
        """Write one sample onto the live model; returns the sampled values."""
        values = self.values(quantiles)
        self._feeds(values)
        self._demand(values)
        self._capex(quantiles)
        self._options(values)
        return values

    def _feeds(self, values: dict[str, float]) -> None:
        foreign_range = next((r.range_id for r in self.ranges if r.family == "foreign_share"), None)
        for f in self.feeds:
            supply = values.get(f"supply_tpa.{f.feedstock_id}")
            foreign = values.get(foreign_range) if f.origin_class == "foreign" and foreign_range else None
            if supply is None and foreign is None:
                continue
            usable = ((f.nameplate_tpa if supply is None else supply) * f.ramp_share
                      * (f.foreign_share if foreign is None else foreign))
            if ("feed_supply", f.feedstock_id) in self.model.rows:  # a feed option adds to it: a row
                self.solver.set_rhs(self.model.constraint("feed_supply", f.feedstock_id), usable)
            else:
                self.solver.set_bounds(self.model.feed_use[f.feedstock_id], 0.0, usable)

    def _demand(self, values: dict[str, float]) -> None:
        changed = set()
        for r in self.ranges:
            if r.family == "demand_t":
                self.demand[r.key] = values[r.range_id]
                self.solver.set_rhs(self.model.constraint("demand_balance", *r.key), values[r.range_id])
                changed.add(r.key[0])
        reliance = self.model.max_import_reliance
        for e in sorted(changed):
            if reliance is not None and ("reliance_limit", e) in self.model.rows:
                total = sum(t for (el, _), t in self.demand.items() if el == e)
                con = self.model.constraint("reliance_limit", e)
                self.solver.set_coefficient(con, reliance, total)
                self.solver.set_rhs(con, total)

    def _capex(self, quantiles: np.ndarray) -> None:
        share = self.model.inputs.federal_share
        for p, var, model_capex, model_annual in self.plants:
            i = self.index.get(f"capex.{p.technology_id}")
            if i is None:
                continue
            capex = float(triangular(quantiles[i], p.low, p.base, p.high))
            budget = share * capex / USD_PER_MUSD
            self.solver.set_coefficient(self.budget_row, var, budget)
            ratio = capex / model_capex if model_capex else 0.0
            self.solver.set_objective_coefficient("annual_cost", var, model_annual * ratio)
            if "net_weighted_supply" in self.model.objectives:
                self.solver.set_objective_coefficient("net_weighted_supply", var, -self.floor * budget)

    def _options(self, values: dict[str, float]) -> None:
        for o in self.options:
            y = self.model.develop[o.option_id]
            study = values.get(f"option_capex.{o.option_id}")
            if study is not None and o.capex_study_usd > 0:
                # the model's capex is the study figure x capex_multiplier x escalation to catalog
                # dollars (models/inputs.py): the sample replaces the study figure only
                ratio = study * self.capex_multiplier / o.capex_study_usd
                federal = o.federal_usd * ratio / USD_PER_MUSD
                self.solver.set_coefficient(self.budget_row, y, federal)
                built = o.annual_capex_usd + o.fixed_opex_usd_per_yr  # the coefficient as built, x the year's weight
                weight = self.option_annual[o.option_id] / built if built else 0.0
                self.solver.set_objective_coefficient(
                    "annual_cost", y, weight * (o.annual_capex_usd * ratio + o.fixed_opex_usd_per_yr))
                if "net_weighted_supply" in self.model.objectives:
                    self.solver.set_objective_coefficient("net_weighted_supply", y, -self.floor * federal)
            added = values.get(f"option_added_tpa.{o.option_id}")
            if added is not None:
                self.solver.set_coefficient(self.model.constraint("option_max", o.option_id), y, -added)
                if ("option_min", o.option_id) in self.model.rows:
                    self.solver.set_coefficient(self.model.constraint("option_min", o.option_id), y,
                                                -o.min_fraction * added)

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
            row["objective_value"] = _r(solution.stage_values[self.pipeline.first_stage])
            row["weighted_supply"] = _r(model.weighted_supply())
            federal_musd = self.solver.row_value(self.budget_row)
            row["federal_usd"] = round(federal_musd * USD_PER_MUSD, 2) + 0.0
            for e in self.magnet:
                demand = sum(t for (el, _), t in self.demand.items() if el == e)
                credited = sum(model.credited[k].varValue or 0.0 for k in self.demand if k[0] == e)
                row[f"import_reliance_{e}"] = _r((demand - credited) / demand) if demand else 0.0
            built_plants = [(site, tech, _r(v.varValue)) for (site, tech), v in sorted(model.new_capacity.items())
                            if (v.varValue or 0.0) > ZERO_T]
            built_options = [o for o, y in sorted(model.develop.items()) if (y.varValue or 0.0) > 0.5]
        row["plants_built"] = ";".join(f"{s}/{t}" for s, t, _ in built_plants)
        row["options_built"] = ";".join(built_options)
        return {"row": row, "plants": built_plants, "options": built_options}
