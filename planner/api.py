"""ree-planner from Python: what each command computes, returned as pandas DataFrames.

Every function here is the computation of the command of the same name (planner/commands/
calls these functions), without the printing and without the writing: a result's write()
writes the folder the command writes, with the same safe-folder rules. Overrides are checked
as the command line's are and raise sites.errors.InputError with the same message; a model
that does not solve raises planner.failures.SolverFailure. docs/api.md has a tour.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pandas as pd

from planner.failures import SolverFailure, require_optimal
from planner.run import Run, input_paths, inputs_sha256, load_inputs, run_scenario
from planner.scenario import Scenario, load_scenario
from sites import Catalog

ScenarioRef = str | Path | Scenario | None


def scenario(ref: ScenarioRef = None, **overrides) -> Scenario:
    """A shipped scenario by name, a .toml file, or a Scenario, with keys overridden
    (budget_usd=6e8 or "600M", import_case="reversal", capex_multiplier=1.5, ...). The copy is
    renamed after its overrides (baseline-budget-600M), so it never writes another's folder."""
    base = ref if isinstance(ref, Scenario) else load_scenario(ref)
    return base.with_command_line(where="in Python", **overrides)


def _setup(ref: ScenarioRef, catalog: Catalog | None, overrides: dict) -> tuple[Scenario, Catalog]:
    chosen = scenario(ref, **overrides)
    return chosen, catalog if catalog is not None else load_inputs(chosen)


def run(ref: ScenarioRef = None, catalog: Catalog | None = None, lp_file: str | Path | None = None,
        **overrides) -> Run:
    """Solve a scenario: run.result.capacity, .elements, .flows, ... are DataFrames,
    run.summary the headline, run.statistics() the tidy table, run.write(out) the folder.
    lp_file: also write the first stage's LP there (models/lp_file.py; the caller decides
    whether the path may be used)."""
    chosen, catalog = _setup(ref, catalog, overrides)
    solved = run_scenario(chosen, catalog, lp_file=lp_file)
    require_optimal(f"scenario {chosen.name}", solved.summary)
    return solved


def statistics(*runs: Run) -> pd.DataFrame:
    """The tidy headline table of one or more runs: scenario, measure, element, value, unit,
    definition (one row per measure and element)."""
    return pd.concat([r.statistics() for r in runs], ignore_index=True)


# --- sweep -------------------------------------------------------------------------------

@dataclass
class Sweep:
    """A solved sweep: table (one row per point), capacity, ladder; write(out) the folder."""

    scenario: Scenario
    catalog: Catalog
    axes: list
    result: object  # planner.sweep.SweepResult

    @property
    def table(self) -> pd.DataFrame:
        return self.result.table

    @property
    def capacity(self) -> pd.DataFrame:
        return self.result.capacity

    @property
    def ladder(self) -> pd.DataFrame:
        return self.result.ladder

    def about(self) -> dict:
        """What sweep.json records: the scenario, its inputs' hash and the axes."""
        from planner.sweep import grid

        return {"scenario": self.scenario.to_dict(), "inputs_sha256": inputs_sha256(self.scenario, self.catalog),
                "axes": [{"key": a.key, "values": list(a.values), "argument": a.argument} for a in self.axes],
                "points": len(grid(self.axes))}

    def write(self, out_dir: Path, force: bool = False) -> Path:
        from planner.sweep.files import write_sweep

        return write_sweep(self.result, self.about(), Path(out_dir), force=force, protect=input_paths(self.scenario))


def sweep_axes(budget: str | Sequence[float] | None = None,
               params: Iterable[str] | Mapping[str, Sequence[float]] = ()) -> list:
    """Axes from the command line's text ("0:1.2B:13", "capex_multiplier=1:2:5"), or from
    lists of values (budget=[0, 5e7, 1e8], params={"capex_multiplier": [1, 1.5]})."""
    from planner.sweep.spec import Axis, budget_axis, param_axis

    axes = []
    if isinstance(budget, str):
        axes.append(budget_axis(budget))
    elif budget is not None:
        values = tuple(float(v) for v in budget)
        axes.append(Axis("budget_usd", values, f"--budget {','.join(f'{v:g}' for v in values)}"))
    if isinstance(params, Mapping):
        axes += [Axis(key, tuple(values), f"--param {key}={','.join(map(str, values))}")
                 for key, values in params.items()]
    else:
        axes += [param_axis(text) for text in params]
    return axes


def sweep(ref: ScenarioRef = None, budget: str | Sequence[float] | None = None,
          params: Iterable[str] | Mapping[str, Sequence[float]] = (), workers: int | None = None,
          catalog: Catalog | None = None, progress: bool = False, **overrides) -> Sweep:
    """Solve the scenario at every point of one or two axes (see sweep_axes); every value is
    checked as `run` checks it, against the catalog too, before anything is solved."""
    from planner.sweep import grid, run_sweep
    from planner.sweep.spec import check_axes

    chosen, catalog = _setup(ref, catalog, overrides)
    axes = sweep_axes(budget, params)
    check_axes(chosen, axes, catalog)
    bar = None
    if progress:
        from planner.progress import Progress
        bar = Progress(len(grid(axes)), f"sweep {chosen.name}")
    try:
        result = run_sweep(chosen, catalog, axes, workers=workers, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    return Sweep(chosen, catalog, axes, result)


# --- montecarlo --------------------------------------------------------------------------

@dataclass
class MonteCarlo:
    """A solved Monte Carlo: samples (one row per sample), plant_frequency, reliance
    (percentiles), sensitivity (rank correlations); write(out) the folder."""

    scenario: Scenario
    catalog: Catalog
    samples_n: int
    seed: int
    executor: object  # planner.montecarlo.engine.Executor
    result: object  # planner.montecarlo.files.MonteCarloResult

    samples = property(lambda self: self.result.samples)
    plant_frequency = property(lambda self: self.result.plant_frequency)
    reliance = property(lambda self: self.result.reliance)
    sensitivity = property(lambda self: self.result.sensitivity)

    def about(self) -> dict:
        """What montecarlo.json records."""
        from planner.montecarlo.run import about

        return about(self.scenario, self.result, self.samples_n, self.seed, self.executor,
                     inputs_sha256(self.scenario, self.catalog))

    def write(self, out_dir: Path, force: bool = False) -> Path:
        from planner.montecarlo.files import write_montecarlo

        return write_montecarlo(self.result, self.about(), Path(out_dir), force=force,
                                protect=input_paths(self.scenario))


def montecarlo(ref: ScenarioRef = None, samples: int = 1000, seed: int = 1, executor: str = "local",
               workers: int | None = None, catalog: Catalog | None = None, progress: bool = False,
               **overrides) -> MonteCarlo:
    """Draw the catalog's low/base/high ranges (Latin hypercube, triangular) and solve every
    sample; executor "local", "dask" or "dask://HOST:PORT", checked as the command line's."""
    from types import SimpleNamespace

    from planner.commands.montecarlo import check_arguments
    from planner.montecarlo.run import run_montecarlo

    n, seed, workers, chosen_executor = check_arguments(SimpleNamespace(
        samples=str(samples), seed=str(seed), workers=None if workers is None else str(workers), executor=executor))
    chosen, catalog = _setup(ref, catalog, overrides)
    bar = None
    if progress:
        from planner.progress import Progress
        bar = Progress(n, f"montecarlo {chosen.name}")
    try:
        result = run_montecarlo(chosen, catalog, n, seed, chosen_executor, workers, bar)
    finally:
        if bar is not None:
            bar.close()
    return MonteCarlo(chosen, catalog, n, seed, chosen_executor, result)


# --- compare -----------------------------------------------------------------------------

def compare(*runs: Run | str | Path):
    """Put runs side by side: Run objects (compared in memory) or run folders (read back and
    checked, as `ree-planner compare` does). The Comparison holds headline, capacity,
    elements and settings DataFrames; write(out) writes what the command writes."""
    from planner.compare.runs import compare_results, compare_runs
    from planner.run.folder import RunFolder

    if all(isinstance(r, (str, Path)) for r in runs):
        return compare_runs([Path(r) for r in runs])
    if len(runs) < 2 or not all(isinstance(r, Run) for r in runs):
        from sites.errors import InputError, Problem
        raise InputError(Problem("compare", None, None, None,
                                 "two or more runs, all Run objects or all run folders"))
    held = [RunFolder(None, r.summary.to_dict(), r.result.capacity, r.result.elements, r.result.portfolio)
            for r in runs]
    return compare_results([r.scenario.name for r in runs], held)


# --- evaluate, rank, select ----------------------------------------------------------------

@dataclass
class ReviewResult:
    """Proposals scored: portfolios (the scorecard), projects, board (one row per
    application with its verdict), and the evaluations (each with its run's DataFrames)."""

    kind: str  # "evaluate", "rank" or "select"
    scenario: Scenario
    evaluations: list
    portfolios: pd.DataFrame
    projects: pd.DataFrame
    board: pd.DataFrame
    title: str
    protect: tuple  # the proposal files and scenario inputs a folder may never replace
    notes: list[str] = field(default_factory=list)
    selection: object = None  # select: planner.review.evaluation.Selection
    left_out: list = field(default_factory=list)  # select: problems of applications left out
    no_regret: pd.DataFrame | None = None  # rank with several futures (select's is on its selection)

    @property
    def run(self) -> Run:
        """The evaluated (or selected) portfolio's run; rank: the optimiser's."""
        return self.evaluations[0].run

    def write(self, out_dir: Path, with_map: bool = True, force: bool = False) -> Path:
        from planner.review.files import write_evaluation, write_ranking

        if self.kind == "rank":
            return write_ranking(Path(out_dir), self.evaluations, self.portfolios, self.projects, self.title,
                                 self.notes, with_map=with_map, force=force, protect=self.protect,
                                 board=self.board, no_regret=self.no_regret)
        extra = {"selection.csv": self.selection.applications} if self.kind == "select" else None
        if extra is not None and self.selection.no_regret is not None:  # several futures
            extra["no_regret.csv"] = self.selection.no_regret
        return write_evaluation(Path(out_dir), self.evaluations[0], self.portfolios, self.projects,
                                with_map=with_map, extra=extra, force=force, protect=self.protect, kind=self.kind,
                                board=self.board, board_title=self.title)


def _protect(files: list[Path], chosen: Scenario) -> tuple:
    return (*files, *input_paths(chosen))


def evaluate(portfolio: str | Path, ref: ScenarioRef = None, catalog: Catalog | None = None,
             **overrides) -> ReviewResult:
    """Build a portfolio of proposals (portfolio.csv format) exactly as proposed and score it."""
    from planner.review.board import board_of_evaluations
    from planner.review.evaluation import evaluate as evaluate_portfolio
    from planner.review.proposals import load_proposals
    from planner.review.scorecard import scorecards

    portfolio = Path(portfolio)
    chosen, catalog = _setup(ref, catalog, overrides)
    proposals, found = load_proposals(portfolio, chosen, catalog)
    ev = evaluate_portfolio(proposals, found, chosen, catalog)
    require_optimal(f"portfolio {portfolio}", ev.run.summary)
    portfolios, projects = scorecards([ev])
    return ReviewResult("evaluate", chosen, [ev], portfolios, projects, board_of_evaluations([ev]),
                  f"Award board: {portfolio.name} under scenario {chosen.name}", _protect([portfolio], chosen))


def rank(portfolios: Sequence[str | Path], ref: ScenarioRef = None, catalog: Catalog | None = None,
         **overrides) -> ReviewResult:
    """Score several portfolios against the optimal one for the same scenario and budget."""
    from planner.review.board import board_of_evaluations
    from planner.review.ranking import rank as rank_portfolios

    files = [Path(p) for p in portfolios]
    chosen, catalog = _setup(ref, catalog, overrides)
    ranking = rank_portfolios(files, chosen, catalog)
    if ranking.failed:
        raise SolverFailure(f"portfolio(s) {', '.join(ranking.failed)}", "not optimal")
    return ReviewResult("rank", chosen, ranking.evaluations, ranking.portfolios, ranking.projects,
                  board_of_evaluations(ranking.evaluations, ranking.no_regret, ranking.pool), ranking.title,
                  _protect(files, chosen), ranking.notes, no_regret=ranking.no_regret)


def select(applications: str | Path, ref: ScenarioRef = None, catalog: Catalog | None = None,
           **overrides) -> ReviewResult:
    """Fund the best all-or-nothing subset of a pool of applications within the budget. An
    ineligible application is left out (its problems in left_out) instead of stopping the
    choice; a file that cannot be read as written raises every problem of it at once."""
    from planner.review.board import board_of_selection
    from planner.review.evaluation import select as select_applications
    from planner.review.proposals import problem_order, read_proposals, review
    from planner.review.scorecard import scorecards
    from sites.errors import InputError, Problem

    applications = Path(applications)
    chosen, catalog = _setup(ref, catalog, overrides)
    pool = read_proposals(applications)
    if not pool.projects and not pool.format_problems:
        raise InputError(Problem(str(applications), None, None, None,
                                 "at least one application row under the header"))
    # The pool may ask for more than the budget (that is the point).
    found = review(pool, chosen, catalog, check_budget=False)
    if pool.format_problems:
        raise InputError(sorted(found.errors, key=problem_order))
    selection = select_applications(pool, found, chosen, catalog)
    require_optimal(f"the selection from {applications}", selection.chosen.run.summary)
    portfolios, projects = scorecards([selection.chosen])
    return ReviewResult("select", chosen, [selection.chosen], portfolios, projects, board_of_selection(selection),
                  f"Award board: {applications.name} under scenario {chosen.name}",
                  _protect([applications], chosen), selection=selection, left_out=list(found.errors))


__all__ = ["ReviewResult", "Sweep", "compare", "evaluate", "rank", "run", "scenario", "select", "statistics", "sweep",
           "sweep_axes"]
