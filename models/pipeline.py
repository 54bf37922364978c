"""One scenario through the model, stage by stage: prepare -> build -> solve -> result.

Every command goes this way. Each stage can also be called alone (models.prepare,
models.build_model, StageSolver.solve, models.extract); a Pipeline keeps the built model
and its live solver, so re-solves after a budget or bound change start warm.
"""
from __future__ import annotations

import pulp

from models import marginal
from models.formulation import PortfolioModel, build_model
from models.inputs import prepare
from models.result import PortfolioResult, read_tables, tables_result
from models.settings import ModelSettings
from models.solve import Solution, StageSolver, solved_value
from models.valuation import plant_additions
from models.summary import RunLabel
from sites import Catalog


class Pipeline:
    """A built model and its solver; solve() as often as needed, result() at the end."""

    def __init__(self, model: PortfolioModel, time_limit_s: float | None = None):
        self.model = model
        self.solver = StageSolver(model, time_limit_s=time_limit_s)
        self.solution: Solution | None = None  # of the latest solve()

    @classmethod
    def prepare(cls, catalog: Catalog, settings: ModelSettings, time_limit_s: float | None = None) -> Pipeline:
        """Stages prepare and build: the catalog filtered for the settings, as an LP."""
        return cls(build_model(prepare(catalog, settings), settings.objective), time_limit_s)

    @property
    def first_stage(self) -> str:
        return self.model.stages[0][0]

    def solve(self, read_back: bool = True) -> Solution:
        """Run every stage; warm after the first time. read_back False: PuLP's variables are
        left as they were (marginal_value and StageSolver.value read HiGHS's arrays)."""
        self.solution = self.solver.solve() if read_back else self.solver.solve(read_back=False)
        return self.solution

    def set_budget(self, budget_usd: float) -> None:
        self.solver.set_budget(budget_usd)

    def set_bounds(self, var: pulp.LpVariable, low: float, high: float) -> None:
        self.solver.set_bounds(var, low, high)

    def marginal_value(self, probe_next: bool = True) -> tuple[marginal.Snapshot, marginal.MarginalValue]:
        """The solved point's headline numbers, then what the next money buys (warm re-solves;
        probe_next False leaves the next $100M to marginal.measure_next)."""
        base = marginal.snapshot(self.model, self.solver.value)
        value = self.solution.stage_values[self.first_stage]
        dual = self.solution.duals.get(self.model.rows[("budget",)], 0.0)
        return base, marginal.measure(self.solver, self.solver.budget_usd, base, value, dual, probe_next)

    def result(self, label: RunLabel | None = None, with_marginal: bool = True,
               fixed_capacity: bool = False) -> PortfolioResult:
        """Tables and summary of the latest solve. with_marginal: measure the value of money
        (when solved); fixed_capacity: proposals evaluated as built, money buys nothing more."""
        reading = read_tables(self.model, self.solution)  # before the marginal step moves the variables
        sizes = {k: solved_value(v) for k, v in self.model.new_capacity.items()}
        developed = {o: solved_value(v) for o, v in self.model.develop.items()}
        value = self.marginal_value()[1] if with_marginal and self.solution.optimal else None
        added = plant_additions(self.solver, sizes, developed) if with_marginal and self.solution.optimal else {}
        return tables_result(self.model, self.solution, reading, value, label, fixed_capacity, self.solver.budget_usd,
                             added)


def plan(catalog: Catalog, settings: ModelSettings, label: RunLabel | None = None,
         time_limit_s: float | None = None) -> PortfolioResult:
    """Every stage for one scenario: prepare, build, solve, result."""
    pipeline = Pipeline.prepare(catalog, settings, time_limit_s)
    pipeline.solve()
    return pipeline.result(label)
