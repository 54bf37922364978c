"""Futures (docs/model.md, "Futures"): the inputs of a two-stage stochastic scenario and what its
extensive form is worth.

The plan (new capacity, feed options, funded projects, money) is shared by every future;
operation (flows, feed use, imports, unmet demand) is per future. Each future's operating
numbers come from the scenario prepared with that future's changes; the first future is also
the reference: its numbers fill the one-future tables, and its own plan is the plan VSS
compares against.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

import pandas as pd

from models.inputs import FutureTimeline, ModelInputs, Timeline, option_timing_and_capex, plant_capex, prepare
from models.records import records
from models.settings import Future, ModelSettings
from models.solve import FLOOR_TOLERANCE, solved_value as _v
from sites import Catalog
from sites.sets import ELEMENTS, MAGNET_ELEMENTS as MAGNET

CASE_KEYS = ("import_case", "demand_case", "supply_case")
CAPEX_KEYS = ("capex_case", "capex_multiplier")  # what the plan's money buys in a future, not the plan


def future_settings(settings: ModelSettings, future: Future, keep: tuple[str, ...] = CASE_KEYS) -> ModelSettings:
    """The scenario as one future sees it: its case keys (those in keep) changed, no futures."""
    cases = {k: future.get(k) for k in keep if future.get(k) is not None}
    return replace(settings, futures=(), **cases)


def alone(settings: ModelSettings, future: Future) -> ModelSettings:
    """The scenario with this one future only, at probability 1 (its wait-and-see problem)."""
    return replace(settings, futures=(replace(future, probability=1.0),))


def prepare_futures(catalog: Catalog, settings: ModelSettings) -> ModelInputs:
    """ModelInputs of the first future, with every future's operating numbers."""
    first = settings.futures[0]
    base = prepare(catalog, future_settings(settings, first))
    futures = []
    for future in settings.futures:
        own = base if future is first else prepare(catalog, future_settings(settings, future))
        before = None
        if future.get("import_case_year") is not None:  # the scenario's import case before that year
            before = prepare(catalog, future_settings(settings, future, keep=("demand_case", "supply_case")))
        scale, option_scale = _capex_scale(catalog, settings, base, future)
        futures.append(FutureTimeline(future.name, float(future.probability),
                                      _timeline(base, own, before, future, option_scale), scale))
    return replace(base, futures=tuple(futures), cvar_alpha=settings.cvar_alpha, cvar_weight=settings.cvar_weight)


def _capex_scale(catalog: Catalog, settings: ModelSettings, base: ModelInputs,
                 future: Future) -> tuple[dict, dict]:
    """Where a future changes capex (capex_case, capex_multiplier): the plan's federal $ and its
    cost share are fixed when it is funded, so an overrun buys less. Per plant, the scenario's
    capex per t/yr over the future's (the share of the planned new nameplate that runs there);
    per feed option, the same ratio of its capex (the share of its added t/yr)."""
    changes = {k: future.get(k) for k in CAPEX_KEYS if future.get(k) is not None}
    if not changes:
        return {}, {}
    # the future's capex by the same rules prepare() prices the plan with (inputs.plant_capex,
    # option_timing_and_capex), on the plan's own plants and options: no second prepare()
    there = replace(settings, futures=(), **changes)
    techs = catalog.technologies.set_index("technology_id")
    multiplier = dict(zip(catalog.sites["site_id"], catalog.sites["cost_multiplier"]))
    scale = {}
    for p in records(base.plants):
        future_capex, _ = plant_capex(there, techs.loc[p.technology_id], p.capex_basis == "brownfield",
                                 float(multiplier[p.site_id]))
        if future_capex > 0 and float(p.capex_usd_per_tpa) != future_capex:
            scale[(p.site_id, p.technology_id)] = float(p.capex_usd_per_tpa) / future_capex
    options = {}
    if base.options is not None and len(base.options):
        rows = catalog.feed_options.set_index("option_id")
        for o in records(base.options):
            if o.project_id:  # an application: its stated capex, whatever the case
                continue
            _, _, overrun = option_timing_and_capex(catalog, there, rows.loc[o.option_id])
            if overrun > 0 and float(o.capex_usd) != overrun:
                options[o.option_id] = float(o.capex_usd) / overrun
    return scale, options


def _timeline(base: ModelInputs, own: ModelInputs, before: ModelInputs | None, future: Future,
              option_scale: dict | None = None) -> Timeline:
    """A future's operating numbers on the first future's structure (its plants, feeds and
    options): its own supply, demand and imports; nothing from feeds it excludes or options
    that fail in it, less from options whose capex overruns; with import_case_year, the
    scenario's imports (and foreign feed) before then."""
    extra = sorted(set(own.feeds["feedstock_id"]) - set(base.feeds["feedstock_id"]))
    if extra:  # the model's feeds are the first future's; a later one cannot bring new ones
        raise ValueError(f"future {future.name} has feeds the first future has not: {', '.join(extra)}")
    tl = own.timeline
    switch = future.get("import_case_year")
    excluded = set(future.get("exclude_feedstocks", ()))
    failed = set(future.get("failed_options", ()))

    def source(year: int) -> Timeline:
        return before.timeline if before is not None and year < switch else tl

    supply = {(k, y): 0.0 if k in excluded else source(y).supply_tpa.get((k, y), 0.0)
              for (k, y) in base.timeline.supply_tpa}
    option_scale = option_scale or {}
    share = {(o, d, y): 0.0 if o in failed else v * option_scale.get(o, 1.0) for (o, d, y), v in tl.option_share.items()}
    return replace(tl, supply_tpa=supply, option_share=share,
                   demand_t={y: source(y).demand_t[y] for y in tl.years},
                   imports_t={y: source(y).imports_t[y] for y in tl.years})


@dataclass(frozen=True)
class FutureValues:
    """What the stochastic plan is worth against its alternatives, in the first stage's units."""

    stage: str  # the first stage's objective (risk_adjusted_supply, weighted_supply, annual_cost ...)
    sense: str  # max or min
    stochastic: float  # the extensive form's optimum (SP)
    own_optimum: dict[str, float]  # future -> its optimum alone (wait-and-see)
    reference_plan: dict[str, float]  # future -> its result with the first future's plan fixed
    probability: dict[str, float]
    stochastic_plan: dict[str, float]  # future -> its result with the stochastic plan fixed
    # minimax regret (settings.regret): plan -> future -> its result with that plan fixed; the plans
    # are each future's own ("own:<future>"), "stochastic" and "minimax_regret"
    plan_results: dict[str, dict[str, float]] | None = None
    minimax_regret: float | None = None  # the minimax-regret plan's largest regret

    def expected(self, values: dict[str, float]) -> float:
        return sum(self.probability[f] * v for f, v in values.items())

    def _better(self, a: float, b: float) -> float:
        """How much better a is than b in the stage's sense; 0 within the tolerance later stages
        grant an earlier optimum (a fixed plan re-solved may land anywhere inside it)."""
        gap = a - b if self.sense == "max" else b - a
        return 0.0 if abs(gap) <= 2 * FLOOR_TOLERANCE * max(1.0, abs(self.stochastic)) else gap

    @property
    def evpi(self) -> float:
        """Expected value of perfect information: the expected per-future optima against SP."""
        return self._better(self.expected(self.own_optimum), self.stochastic)

    @property
    def vss(self) -> float:
        """Value of the stochastic solution: SP against the expected result of the first
        future's plan with operation re-solved in each future (EEV)."""
        return self._better(self.stochastic, self.eev)

    @property
    def eev(self) -> float:
        return self.expected(self.reference_plan)

    def regret(self, future: str, value: float) -> float:
        """How far a future's result falls short of its own optimum."""
        return self._better(self.own_optimum[future], value)


# The plan: what every future shares (docs/model.md, "Futures")
FIRST_STAGE = ("new_capacity", "new_by_year", "build", "funded", "develop", "feed_added", "develop_by_year",
               "added_by_year")


def plan_of(model) -> dict[str, float]:
    """The plan at the solved values, by variable name (a later future never renames them)."""
    return {v.name: v.varValue or 0.0 for attr in FIRST_STAGE for v in getattr(model, attr).values()}


def plan_bounds(model) -> dict[str, tuple[float, float]]:
    """The plan's variables' bounds as built, by name (before any fix_plan)."""
    return {v.name: (v.lowBound if v.lowBound is not None else 0.0,
                     v.upBound if v.upBound is not None else float("inf"))
            for attr in FIRST_STAGE for v in getattr(model, attr).values()}


def fix_plan(pipeline, plan: dict[str, float], bounds: dict[str, tuple[float, float]]) -> None:
    """Hold a model's plan at the given values (within each variable's bounds as built)."""
    for attr in FIRST_STAGE:
        for v in getattr(pipeline.model, attr).values():
            low, high = bounds[v.name]
            value = plan[v.name]
            value = float(round(value)) if v.cat != "Continuous" else min(max(value, low), high)
            pipeline.set_bounds(v, value, value)


def evaluate(catalog: Catalog, settings: ModelSettings, pipeline) -> FutureValues:
    """EVPI and VSS of a solved stochastic pipeline: each future solved alone (its own
    optimum), then with the stochastic plan and with the first future's own plan fixed (the
    plan one would fund if sure of the first future), operation re-solved in each future."""
    from models.pipeline import Pipeline  # models.pipeline imports this module's callers

    stage, sense = pipeline.model.stages[0]
    plans_to_try = {"stochastic": plan_of(pipeline.model)}
    alone_runs = {}
    own, plans = {}, {}
    for future in settings.futures:
        run = alone_runs[future.name] = Pipeline.prepare(catalog, alone(settings, future))
        solution = run.solve()
        if not solution.optimal:
            raise ValueError(f"future {future.name} alone ended {solution.status}")
        own[future.name] = solution.stage_values[stage]
        plans[future.name] = plan_of(run.model)
    first = settings.futures[0].name
    mm = None
    if settings.regret:
        plans_to_try.update({f"own:{name}": plan for name, plan in plans.items()})
        mm = minimax_regret(pipeline.model, [own[f.name] for f in settings.futures])
        plans_to_try["minimax_regret"] = plan_of(mm.model)
    else:
        plans_to_try[f"own:{first}"] = plans[first]
    results: dict[str, dict[str, float]] = {name: {} for name in plans_to_try}
    for future in settings.futures:
        run = alone_runs[future.name]
        bounds = plan_bounds(run.model)
        for name, plan in plans_to_try.items():
            fix_plan(run, plan, bounds)
            solution = run.solve()
            if not solution.optimal:
                raise ValueError(f"future {future.name} with a fixed plan ended {solution.status}")
            results[name][future.name] = solution.stage_values[stage]
    return FutureValues(stage, sense, pipeline.solution.stage_values[stage], own, results[f"own:{first}"],
                        {f.name: float(f.probability) for f in settings.futures}, results["stochastic"],
                        results if settings.regret else None,
                        mm.solution.stage_values["max_regret"] if mm is not None else None)


def minimax_regret(model, optima: list[float]):
    """The extensive form again, with each future's own optimum as data: the plan minimising
    the largest shortfall from them (then the expected objective, as the stages always do)."""
    from models.formulation import build_model
    from models.pipeline import Pipeline

    run = Pipeline(build_model(replace(model.inputs, regret_optima=tuple(optima)), model.objective))
    solution = run.solve()
    if not solution.optimal:
        raise ValueError(f"the minimax-regret plan ended {solution.status}")
    return run


ELEMENTS_BY_FUTURE_COLUMNS = ["future", "probability", "year", "element", "demand_t", "credited_t", "imports_t",
                              "unmet_t", "import_reliance"]
FUTURES_COLUMNS = ["future", "probability", "weighted_supply", *[f"import_reliance_{e}" for e in MAGNET],
                   "own_optimum", "stochastic_plan_value", "reference_plan_value", "regret", "value_unit"]


def elements_by_future(model) -> pd.DataFrame:
    """Per future, planned year and magnet element, under the stochastic plan: demand,
    credited domestic supply, imports, unmet demand and import reliance."""
    rows = []
    for i, future in enumerate(model.inputs.future_list):
        for year in model.inputs.years:
            at = model.at(year, i)
            totals: dict[str, list[float]] = defaultdict(lambda: [0.0] * 4)
            for (e, form), demand in future.timeline.demand_t[year].items():
                row = totals[e]
                row[0] += demand
                row[1] += _v(at.credited[(e, form)])
                row[2] += _v(at.imports[(e, form)])
                row[3] += _v(at.unmet[(e, form)])
            for e in (e for e in ELEMENTS if e in totals):
                demand, credited, imports, unmet = totals[e]
                rows.append((future.name, future.probability, year, e, demand, credited, imports, unmet,
                             (demand - credited) / demand if demand else 0.0))
    return pd.DataFrame(rows, columns=ELEMENTS_BY_FUTURE_COLUMNS)


def futures_table(model, values: FutureValues, by_future: pd.DataFrame, unit: str) -> pd.DataFrame:
    """One row per future: probability, weighted supply under the stochastic plan, import
    reliance per element in the target year, its own optimum, the stochastic and the first
    future's plan evaluated in it, and the stochastic plan's regret there."""
    report = by_future[by_future["year"] == model.inputs.timeline.report_year]
    rows = []
    for i, future in enumerate(model.inputs.future_list):
        supply = sum(coef * _v(var) for var, coef in model.objectives[f"weighted_supply_f{i}"])
        mine = report[report["future"] == future.name].set_index("element")["import_reliance"]
        rows.append((future.name, future.probability, supply, *[float(mine.get(e, 0.0)) for e in MAGNET],
                     values.own_optimum[future.name], values.stochastic_plan[future.name],
                     values.reference_plan[future.name],
                     values.regret(future.name, values.stochastic_plan[future.name]), unit))
    return pd.DataFrame(rows, columns=FUTURES_COLUMNS)


REGRET_COLUMNS = ["plan", "future", "probability", "value", "regret", "value_unit"]


def regret_table(values: FutureValues, unit: str) -> pd.DataFrame:
    """Future x plan (settings.regret): each future's own plan, the stochastic plan and the
    minimax-regret plan, each fixed in each future with operation re-solved: its value there and
    its regret (shortfall from that future's own optimum)."""
    if values.plan_results is None:
        return pd.DataFrame(columns=REGRET_COLUMNS)
    rows = [(plan, future, values.probability[future], value, values.regret(future, value), unit)
            for plan, by_future in values.plan_results.items() for future, value in by_future.items()]
    return pd.DataFrame(rows, columns=REGRET_COLUMNS)


def summary_fields(values: FutureValues, unit: str) -> dict:
    """summary.json's "futures": the stochastic optimum and what it is worth, in the first stage's unit."""
    r = lambda x: round(x, 6) + 0.0  # noqa: E731
    return {"stage": values.stage, "unit": unit, "reference_future": next(iter(values.probability)),
            "probability": dict(values.probability), "stochastic_optimum": r(values.stochastic),
            "expected_own_optimum": r(values.expected(values.own_optimum)),
            "expected_reference_plan": r(values.eev), "evpi": r(values.evpi), "vss": r(values.vss),
            "stochastic_max_regret": r(max(values.regret(f, v) for f, v in values.stochastic_plan.items())),
            **({"minimax_regret": r(max(values.regret(f, v) for f, v in values.plan_results["minimax_regret"].items()))}
               if values.plan_results is not None else {})}


def tables(catalog: Catalog, settings: ModelSettings, pipeline) -> tuple | None:
    """elements_by_future, futures and summary.json's "futures" of a solved stochastic run (None
    unless solved); read before anything re-solves the pipeline's model."""
    from models.result import _tidy
    from models.summary import OBJECTIVE_UNITS

    if not pipeline.solution.optimal:
        return None
    by_future = elements_by_future(pipeline.model)
    values = evaluate(catalog, settings, pipeline)
    unit = OBJECTIVE_UNITS[values.stage]
    return (_tidy(by_future), _tidy(futures_table(pipeline.model, values, by_future, unit)),
            _tidy(regret_table(values, unit)), summary_fields(values, unit))


def with_tables(result, by_future: pd.DataFrame, table: pd.DataFrame, regret: pd.DataFrame, fields: dict):
    """The run's result with its futures' tables and summary."""
    return replace(result, elements_by_future=by_future, futures=table, regret=regret,
                   summary=replace(result.summary, futures=fields))
