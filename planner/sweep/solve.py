"""Sweeps: solve a scenario at every point of one or two swept keys.

Points that differ only in the budget share one built model: the budget row's right-hand
side is changed and HiGHS re-solves warm. Any other key changes coefficients or the
model's shape, so a new value of it builds a new model. Points are cut into chunks of
consecutive points, one per worker process. The model's tie-break cost (a dollar or two
per tonne of activity, different for every variable; models/formulation.py) leaves one
optimum per point, so answers do not depend on the chunking, the order or the start.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
import queue as queue_module
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import pandas as pd

from models import Pipeline, marginal
from models.result import PLANT_KIND as PLANT
from models.solve import ZERO_T
from sites.sets import ELEMENTS
from planner.scenario import Scenario
from planner.sweep.spec import Axis, shown, with_value
from sites import Catalog

BUDGET = "budget_usd"
ZERO_TPA = 1e-6
AUTO_PARALLEL_POINTS = 64  # below this, starting worker processes costs more than it saves


@dataclass(frozen=True)
class Point:
    index: int
    values: tuple[tuple[str, float], ...]  # (key, value) for every axis

    @property
    def model_key(self) -> tuple:
        """Points with equal model keys can share one model (only their budget differs)."""
        return tuple((k, v) for k, v in self.values if k != BUDGET)


@dataclass
class SweepResult:
    axes: list[Axis]
    table: pd.DataFrame  # one row per point
    capacity: pd.DataFrame  # long: axis values, site_id, technology, new_tpa (built plants only)
    ladder: pd.DataFrame  # plants in the order they enter as the budget grows
    workers: int


def grid(axes: list[Axis]) -> list[Point]:
    """Every combination; the budget varies fastest so a model's points are consecutive."""
    ordered = [a for a in axes if a.key != BUDGET] + [a for a in axes if a.key == BUDGET]
    combos = itertools.product(*(a.values for a in ordered))
    by_axis = [[(a.key, v) for a, v in zip(ordered, combo)] for combo in combos]
    position = {a.key: i for i, a in enumerate(axes)}
    return [Point(i, tuple(sorted(pairs, key=lambda kv: position[kv[0]]))) for i, pairs in enumerate(by_axis)]


def chunks(points: list[Point], n: int) -> list[list[Point]]:
    """n runs of consecutive points, as equal as possible."""
    n = max(1, min(n, len(points)))
    size, extra = divmod(len(points), n)
    out, start = [], 0
    for k in range(n):
        end = start + size + (1 if k < extra else 0)
        out.append(points[start:end])
        start = end
    return out


def _round(x: float) -> float:
    return round(float(x), marginal.DECIMALS) + 0.0


def _point_scenario(scenario: Scenario, point: Point) -> Scenario:
    for key, value in point.values:
        scenario = with_value(scenario, key, value, "sweep")
    return scenario


def solve_points(catalog: Catalog, scenario: Scenario, points: list[Point], tick=None) -> list[dict]:
    """Solve points in the order given, re-using one model while only the budget changes."""
    out = []
    for _, group in itertools.groupby(points, key=lambda point: point.model_key):
        group = list(group)
        pipeline = None
        solved_at = {}  # budget -> (snapshot, first stage's value) there: the next-money probe reuses it
        held = None  # (snapshot, value) of an LP answer that left money unspent: optimal above its spend
        for point in group:
            settings = _point_scenario(scenario, point).settings()
            if pipeline is None:
                pipeline = Pipeline.prepare(catalog, settings)
            else:
                pipeline.set_budget(settings.budget_usd)  # warm: only the right-hand side moves
            reuse = held if held is not None and marginal.budget_unspent(held[0].federal_usd, settings.budget_usd) else None
            out.append(_solve_point(pipeline, point, settings.budget_usd, settings.objective,
                                    settings.min_value_per_musd, reuse))
            held = None
            if "measured" in out[-1]:
                base, value, mv, _ = out[-1]["measured"]
                solved_at[settings.budget_usd] = (base, value)
                if mv.status == "slack" and not pipeline.model.has_integers \
                        and marginal.budget_unspent(base.federal_usd, settings.budget_usd) and abs(mv.dual) < marginal.ZERO_RATE:
                    held = (base, value)
            if tick is not None:
                tick()
        for result in out[len(out) - len(group):]:
            _next_money_text(pipeline, result, solved_at)
    return out


def _solve_point(pipeline: Pipeline, point: Point, budget_usd: float, objective: str, floor: float = 0.0,
                 reuse: tuple | None = None) -> dict:
    """A point's row and capacity; its next-money sentence comes after the whole group is
    solved (_next_money_text), since the probe at budget + $100M is often another point.

    reuse: (snapshot, first stage's value) of the group's latest solve, an LP answer that left
    money unspent, when this budget also exceeds its spend. That answer is then this point's
    optimum too, with no solve: it is feasible here, and a better plan here would make a small
    step towards it from the old answer (which has money to spare) better there as well. The
    tie-break leaves one optimum per budget, so a re-solve would return it."""
    model = pipeline.model
    if reuse is None:
        solution = pipeline.solve(read_back=False)  # the snapshot reads HiGHS's arrays
    else:
        solution = pipeline.solution  # HiGHS's arrays still hold that answer: nothing solved since
    row: dict = {k: v for k, v in point.values}
    row[BUDGET] = budget_usd
    row.update(status=solution.status, objective=objective)
    magnet = sorted({e for e, _ in model.inputs.demand_t}, key=ELEMENTS.index)
    if not solution.optimal:
        return {"index": point.index, "row": row, "capacity": [], "elements": magnet}
    value = solution.stage_values[pipeline.first_stage]
    options = _developed_options(model, pipeline.solver.value)
    if reuse is None:
        base, mv = pipeline.marginal_value(probe_next=False)  # the next $100M after the group (_next_money_text)
    else:  # money left over: measure() re-solves nothing
        base = reuse[0]
        mv = marginal.measure(pipeline.solver, budget_usd, base, value,
                              solution.duals.get(model.rows[("budget",)], 0.0), probe_next=False)
    row.update(objective_value=_round(value), weighted_supply=_round(base.weighted_supply),
               federal_usd=round(base.federal_usd, 2), **mv.as_summary())
    for e in magnet:
        row[f"domestic_t_{e}"] = _round(base.domestic_t[e])
        row[f"import_reliance_{e}"] = _round(base.import_reliance(e))
        row[f"marginal_t_per_100musd_{e}"] = _round(100 * mv.by_element_per_musd.get(e, 0.0))
    capacity = [(PLANT, site, tech, "", _round(t)) for (site, tech), t in sorted(base.new_tpa.items())
                if t > ZERO_TPA] + options
    return {"index": point.index, "row": row, "capacity": capacity, "elements": magnet,
            "measured": (base, value, mv, floor)}


def _next_money_text(pipeline: Pipeline, result: dict, solved_at: dict) -> None:
    """What the next $100M adds, measured (a re-solve, or the point already solved at that
    budget: the tie-break leaves one optimum per budget, so it is the same answer), not the
    local slope multiplied out."""
    measured, row = result.pop("measured", None), result["row"]
    if measured is None:  # not solved: the row says so already
        return
    base, value, mv, floor = measured
    budget_usd = row[BUDGET]
    if mv.next_deferred:
        mv = replace(mv, next=marginal.measure_next(pipeline.solver, budget_usd, base, value, solved_at),
                     next_deferred=False)
        row.update(mv.as_summary())
    row["marginal_value_text"] = marginal.sentence(row["status"], row["objective"], mv.per_musd, mv.status == "binds",
                                                   mv.by_element_per_musd, row["federal_usd"], budget_usd, floor,
                                                   next_money=mv.next, measured=True)


def _developed_options(model, read) -> list[tuple]:
    """(kind, site, "", option_id, nameplate t/yr added) of each feed option the point develops
    (a relaxed, integer = false, option counts where any share of it is developed). read: a
    variable's value in the point's solve (StageSolver.value: the sweep does not read back)."""
    options = model.inputs.options
    if options is None or options.empty:
        return []

    def solved(var) -> float:  # as solved_value reports it: solver noise below ZERO_T is 0
        value = read(var)
        return 0.0 if abs(value) < ZERO_T else value

    site = model.inputs.feeds.set_index("feedstock_id")["site_id"]
    return [(o.kind, site[o.feedstock_id], "", o.option_id, _round(solved(model.feed_added[o.option_id])))
            for o in options.itertuples(index=False)
            if solved(model.develop[o.option_id]) > ZERO_TPA and solved(model.feed_added[o.option_id]) > ZERO_TPA]


_progress_queue = None  # set in each worker process by _init_worker


def _init_worker(progress_queue) -> None:
    global _progress_queue
    _progress_queue = progress_queue


def _solve_chunk(catalog: Catalog, scenario: Scenario, points: list[Point]) -> list[dict]:
    def tick():
        if _progress_queue is not None:
            _progress_queue.put(1)
    return solve_points(catalog, scenario, points, tick)


def default_workers(n_points: int) -> int:
    return 1 if n_points < AUTO_PARALLEL_POINTS else max(1, os.cpu_count() or 1)


def run_sweep(scenario: Scenario, catalog: Catalog, axes: list[Axis], workers: int | None = None,
              progress=None, order: str = "ascending") -> SweepResult:
    """Solve every grid point; order="descending" solves each chunk backwards (for tests)."""
    points = grid(axes)
    workers = default_workers(len(points)) if workers is None else max(1, workers)
    parts = chunks(points, workers)
    if order == "descending":
        parts = [list(reversed(p)) for p in reversed(parts)]
    tick = progress.advance if progress is not None else None
    if workers == 1:
        solved = [r for part in parts for r in solve_points(catalog, scenario, part, tick)]
    else:
        solved = _parallel(catalog, scenario, parts, tick)
    solved.sort(key=lambda r: r["index"])
    return _collect(axes, solved, len(parts))


def _parallel(catalog: Catalog, scenario: Scenario, parts: list[list[Point]], tick) -> list[dict]:
    # forkserver: workers start from a clean process, not a fork of one that may hold solver threads
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["planner.sweep"])
    ticks = context.Queue()
    solved: list[dict] = []
    with ProcessPoolExecutor(max_workers=len(parts), mp_context=context, initializer=_init_worker,
                             initargs=(ticks,)) as pool:
        futures = [pool.submit(_solve_chunk, catalog, scenario, part) for part in parts]
        pending = set(futures)
        while pending:
            try:
                ticks.get(timeout=0.05)
                if tick is not None:
                    tick()
            except queue_module.Empty:
                pass
            pending = {f for f in pending if not f.done()}
        for future in futures:
            solved.extend(future.result())  # re-raises a worker's error here
    return solved


def _collect(axes: list[Axis], solved: list[dict], n_chunks: int) -> SweepResult:
    keys = [a.key for a in axes if a.key != BUDGET]
    magnet = solved[0]["elements"] if solved else []
    columns = [*keys, BUDGET, "status", "objective", "objective_value", "weighted_supply", "federal_usd",
               "budget_marginal_value", "budget_binds",
               *(f"domestic_t_{e}" for e in magnet), *(f"import_reliance_{e}" for e in magnet),
               *(f"marginal_t_per_100musd_{e}" for e in magnet), "marginal_value_text"]
    table = pd.DataFrame([r["row"] for r in solved]).reindex(columns=columns)
    capacity = pd.DataFrame(
        [(*(r["row"][k] for k in keys), r["row"][BUDGET], *award) for r in solved for award in r["capacity"]],
        columns=[*keys, BUDGET, *AWARD_COLUMNS, "new_tpa"])
    ladder = budget_ladder(capacity, table, keys) if any(a.key == BUDGET for a in axes) else pd.DataFrame()
    return SweepResult(axes, table, capacity, ladder, n_chunks)


# an award: a plant (kind "plant", site, technology) or a feed option (its kind, site, option_id)
AWARD_COLUMNS = ["kind", "site_id", "technology", "option_id"]
LADDER_COLUMNS = [*AWARD_COLUMNS, "enters_at_budget_usd", "new_tpa_at_entry", "new_tpa_at_top",
                  "leaves_at_budget_usd"]


def budget_ladder(capacity: pd.DataFrame, table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """For each award (plant or feed option): the first swept budget at which it is built or
    developed, and when (if ever) it drops out."""
    rows = []
    groups = table.groupby(keys, sort=True) if keys else [((), table)]
    for group_key, frame in groups:
        group_key = group_key if isinstance(group_key, tuple) else (group_key,)
        budgets = sorted(frame.loc[frame["status"] == "optimal", BUDGET])
        if not budgets:
            continue
        here = capacity
        for k, v in zip(keys, group_key):
            here = here[here[k] == v]
        awards = list(zip(*(here[c] for c in AWARD_COLUMNS)))
        built = {(*a, b): tpa for a, b, tpa in zip(awards, here[BUDGET], here["new_tpa"])}
        for award in sorted(set(awards), key=lambda a: (a[1], a[2], a[3])):
            series = [built.get((*award, b), 0.0) for b in budgets]
            first = next(i for i, t in enumerate(series) if t > 0)
            left = next((budgets[i] for i in range(first + 1, len(series)) if series[i] <= 0), None)
            rows.append((*group_key, *award, budgets[first], series[first], series[-1], left))
    ladder = pd.DataFrame(rows, columns=[*keys, *LADDER_COLUMNS])
    return ladder.sort_values([*keys, "enters_at_budget_usd", "site_id", "technology", "option_id"]
                              ).reset_index(drop=True)


def ladder_text(ladder: pd.DataFrame, keys: list[str]) -> str:
    """The ladder as lines a reader can follow: '$40.0M  + site technology (200 t/yr)', or
    '$45.0M  + site option_id (collection, 262 t/yr of feed)'."""
    if ladder.empty:
        return "  (no new plants or feed options at any swept budget)"
    lines = []
    groups = ladder.groupby(keys, sort=True) if keys else [((), ladder)]
    for group_key, frame in groups:
        if keys:
            group_key = group_key if isinstance(group_key, tuple) else (group_key,)
            lines.append("  " + ", ".join(f"{k} = {shown(v)}" for k, v in zip(keys, group_key)) + ":")
        for r in frame.itertuples(index=False):
            gone = f"; out again at ${r.leaves_at_budget_usd / 1e6:,.1f}M" if pd.notna(r.leaves_at_budget_usd) else ""
            what = f"{r.technology} (" if r.kind == PLANT else f"{r.option_id} ({r.kind}, feed: "
            lines.append(f"  ${r.enters_at_budget_usd / 1e6:>9,.1f}M  + {r.site_id} {what}"
                         f"{r.new_tpa_at_entry:,.0f} t/yr, {r.new_tpa_at_top:,.0f} t/yr at the top budget{gone})")
    return "\n".join(lines)
