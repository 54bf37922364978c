"""Solve a PortfolioModel with HiGHS, stage by stage, re-using the solver model.

The first solve loads PuLP's problem into highspy as arrays (models/highs_load.py); later stages
and re-solves after a bound change drive the same highspy object, so HiGHS starts
from the previous basis instead of from scratch.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np
import pulp

from models import highs_load
from models.families import expression
from models.formulation import UNBOUNDED, USD_PER_MUSD, PortfolioModel, paused_gc
from models.shipping import PricingReport, ShippingPricer

_S = pulp.constants.LpSolveStatus
STATUS_NAMES = {
    _S.Optimal: "optimal",
    _S.Infeasible: "infeasible",
    _S.Unbounded: "unbounded",
    _S.TimeLimit: "time_limit",
    _S.IterationLimit: "iteration_limit",
}
ZERO_T = 1e-6  # tonnes or t/yr below this are solver noise, reported as 0
FLOOR_TOLERANCE = 1e-7  # relative slack granted to an earlier stage's optimum
POOL_TOLERANCE_T = 1e-6  # t/yr the shipping pool may carry at the end (HiGHS's primal tolerance is 1e-7)
MIP_GAP = 1e-7  # discrete sizing and project choice: solve to (near) proven optimality


@dataclass
class Solution:
    """Outcome of solving every stage; variable values live on the PuLP variables."""

    status: str
    stage_values: dict[str, float] = field(default_factory=dict)  # objective name -> optimum
    duals: dict[str, float] = field(default_factory=dict)  # constraint name -> first-stage dual
    solve_seconds: float = 0.0
    iterations: int = 0
    message: str = ""
    shipping: PricingReport | None = None  # with shipping_k_nearest: rounds of pricing and links built

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"


def solved_value(var: pulp.LpVariable) -> float:
    """A variable's solved value as the outputs report it: solver noise below ZERO_T is 0."""
    value = var.varValue or 0.0
    return 0.0 if abs(value) < ZERO_T else float(value)


@contextlib.contextmanager
def _quiet_stdout():
    """HiGHS prints a banner from C++ when its first object is made; keep stdout clean."""
    sys.stdout.flush()
    try:
        fd = os.dup(1)
    except OSError:  # no real stdout (some notebook kernels)
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(fd, 1)
        os.close(fd)


IPM_COLUMNS = 50_000  # from here an LP's cold solve is faster by interior point (benchmarks/bench_scale.py)
# from here an LP's later stages start cold: the previous stage's vertex, optimal for another
# objective, costs more pivots than a presolved dual simplex from scratch (3x at 400 sites)
COLD_STAGE_COLUMNS = 20_000
SIMPLEX_DUAL, SIMPLEX_PRIMAL = 1, 4  # HiGHS simplex_strategy values: dual (its default), primal


def solver_method(setting: str, columns: int, integer: bool) -> str:
    """simplex or ipm for the cold first stage: the setting, or with auto, by size. A MILP
    always goes to HiGHS's branch and bound (simplex on its nodes)."""
    if integer:
        return "simplex"
    if setting != "auto":
        return setting
    return "ipm" if columns >= IPM_COLUMNS else "simplex"


class StageSolver:
    """Runs the lexicographic stages of a model; supports warm re-solves."""

    def __init__(self, model: PortfolioModel, time_limit_s: float | None = None, mip_gap: float = MIP_GAP):
        self.model = model
        self.budget_usd = model.inputs.budget_usd  # the budget row's current right-hand side, in USD
        self.solver = pulp.HiGHS(msg=False, timeLimit=time_limit_s, gapRel=mip_gap)
        self._highs = None
        self._column: dict[int, int] = {}
        self._integer: list = []  # binaries of a MILP, fixed only for the duals (see _milp_duals)
        self._vectors: dict = {}  # objective (or ("stage", name)) -> coefficients by column
        self._constraints: list | None = None
        self._ids: list[int] = []  # PuLP variable id of each HiGHS column
        self._solution = None  # HiGHS's solution arrays after the latest stage
        self._x: np.ndarray | None = None  # column values of the latest solve()
        self._row_names: tuple[list[str], list[int]] | None = None  # names and ids of the rows
        self._slack_rule: tuple | None = None  # (row ids, constants, signs): slack = sign x (constant + activity)
        # Each stage restarts from its own previous optimal basis: after a bound change that
        # basis is still dual feasible for the stage's objective, so dual simplex needs only
        # a few pivots (the last stage's basis, optimal for another objective, needs many).
        self._stage_basis: dict[int, object] = {}
        self._positions: dict[str, dict[str, list[int]]] = {}  # objective -> variable name -> pair indices
        self._objective_stale = False  # set_objective_coefficient changed the first stage's objective
        self._cold_stages = False  # each later stage's first solve starts from no basis (large LPs)
        self.pricing = ShippingPricer(model) if model.omitted_arcs or model.omitted_deliveries else None  # shipping_k_nearest
        self._pool_columns: np.ndarray | None = None  # HiGHS columns of the shipping pool (_check_pool_empty)

    def sync_objective(self) -> None:
        """Put the first stage's objective, as changed, back on the PuLP problem."""
        if self._objective_stale:
            first = self.model.stages[0][0]
            self.model.prob.setObjective(expression(self.model.prob, self.model.stage_objective(first)))
            self._objective_stale = False

    def set_budget(self, budget_usd: float) -> None:
        """Change the budget's right-hand side; the next solve() starts warm."""
        self.budget_usd = budget_usd
        con = self.model.constraint("budget")
        con.changeRHS(budget_usd / USD_PER_MUSD)  # keeps the PuLP side consistent
        if self._highs is not None:
            self._highs.changeRowBounds(con.id, -np.inf, budget_usd / USD_PER_MUSD)

    def set_bounds(self, var: pulp.LpVariable, low: float, high: float) -> None:
        """Change one variable's bounds (e.g. drop or force a project); the next solve() starts warm."""
        var.lowBound, var.upBound = low, high  # _restore_integers re-reads a binary's bounds from here
        if self._highs is not None:
            self._highs.changeColBounds(self._column[var.id], low, high)

    def set_rhs(self, con: pulp.LpConstraint, rhs: float) -> None:
        """Change one row's right-hand side (both sides of an equality); the next solve() starts warm."""
        con.changeRHS(rhs)
        if self._highs is not None:
            low, high = con.getLb(), con.getUb()
            self._highs.changeRowBounds(con.id, -np.inf if low is None else low, np.inf if high is None else high)

    def set_coefficient(self, con: pulp.LpConstraint, var: pulp.LpVariable, coef: float) -> None:
        """Change var's coefficient in one row, in PuLP and in the live solver."""
        con.set_coefficient(var, coef)
        if self._highs is not None:
            self._highs.changeCoeff(con.id, self._column[var.id], coef)

    def set_objective_coefficient(self, name: str, var: pulp.LpVariable, coef: float) -> None:
        """Change var's coefficient in objective `name`: the model's pairs, the floor row that
        holds it (if any), the problem's objective when it is the first stage, and the
        solver's cached vectors (a delta, so stage vectors keep their tie-break terms)."""
        pairs = self.model.objectives[name]
        if name not in self._positions:  # where each variable sits in the pairs, found once
            found: dict[str, list[int]] = {}
            for i, (v, _) in enumerate(pairs):
                found.setdefault(v.name, []).append(i)
            self._positions[name] = found
        at = self._positions[name].setdefault(var.name, [])
        old = sum(pairs[i][1] for i in at)
        if at:
            pairs[at[0]] = (var, coef)
            for i in at[1:]:
                pairs[i] = (var, 0.0)
        else:
            at.append(len(pairs))
            pairs.append((var, coef))
        if ("floor", name) in self.model.rows:
            self.set_coefficient(self.model.constraint("floor", name), var, coef)
        if self.model.stages[0][0] == name:
            self._objective_stale = True  # prob's objective is re-set before PuLP next reads it
        column = self._column.get(var.id)
        for key in (name, ("stage", name)):
            if key in self._vectors and column is not None:
                self._vectors[key][column] += coef - old

    def forget_basis(self) -> None:
        """Drop the warm starts: the next solve() starts from no basis (a retry after a warm
        re-solve that ended without an answer, e.g. HiGHS's status unknown)."""
        self._stage_basis.clear()
        if self._highs is not None:
            self._highs.clearSolver()

    def row_value(self, con: pulp.LpConstraint) -> float:
        """A row's activity at the latest solution (e.g. federal $M on the budget row)."""
        return float(self._highs.getSolution().row_value[con.id])

    def solve(self, read_back: bool = True, first_stage_only: bool = False) -> Solution:
        """Every stage. read_back False: leave PuLP's variables as they were and read the answer
        with value() (a sweep's probes need a few numbers, not every variable written back).
        first_stage_only: the first stage's optimum alone (a what-if that needs only that value):
        no later stages, no MILP duals, nothing read back; the next solve() starts over."""
        start = time.perf_counter()
        solution = Solution(status="optimal")
        stages = self.model.stages[:1] if first_stage_only else self.model.stages
        for k, (name, sense) in enumerate(stages):
            status = self._run_stage(k, name, sense)
            # waiting shipping links that would improve this stage go in; re-solve warm until none would
            while status == _S.Optimal and self.pricing is not None and self.pricing.add_improving(self, name, sense):
                status = self._run_primal()
            if status != _S.Optimal:
                solution.status = STATUS_NAMES.get(status, "solver_error")
                solution.message = f"stage {k + 1} ({sense} {name}) ended {solution.status}"
                break
            self._solution = self._highs.getSolution()
            value = self._objective_value(name)
            solution.stage_values[name] = value
            if k == 0 and not self._integer:
                solution.duals = self._row_duals()
            self._hold(name, sense, value)
        if solution.optimal and self._integer and not first_stage_only:
            self._milp_duals(solution)
        self._solution = self._highs.getSolution()
        self._x = np.asarray(self._solution.col_value)
        if solution.optimal and not first_stage_only and self.pricing is not None:
            self._check_pool_empty(solution)
        # stages in between read HiGHS's arrays; PuLP's variables get the final answer once
        if read_back and not first_stage_only:
            self._read_back()
        solution.solve_seconds = time.perf_counter() - start
        if self.pricing is not None:
            report = self.pricing.report
            solution.shipping = dataclasses.replace(report, added_by_stage=dict(report.added_by_stage))
        if self._highs is not None:
            solution.iterations = int(self._highs.getInfo().simplex_iteration_count)
        return solution

    def _check_pool_empty(self, solution: Solution) -> None:
        """At the cost stage's proven optimum the shipping pool (families._pool) carries
        nothing; anything left means pricing stopped short, and the plan is not reported."""
        if self._pool_columns is None:  # the pool's HiGHS columns never move (priced columns go after)
            self._pool_columns = np.array(
                [self._column[v.id] for year_vars in (*self.model.year_vars.values(), *self.model.future_vars.values())
                 for v in year_vars.pool.values() if v.id in self._column], dtype=np.int64)
        carried = float(self._x[self._pool_columns].max()) if len(self._pool_columns) else 0.0
        self.pricing.report.pool_t = carried
        if carried > POOL_TOLERANCE_T:
            solution.status = "solver_error"
            solution.message = (f"the shipping pool still carries {carried:.6g} t/yr after pricing "
                                f"(more than {POOL_TOLERANCE_T:g}): the plan is not the all-links optimum")

    def _run_stage(self, k: int, name: str, sense: str):
        prob = self.model.prob
        if self._highs is None:  # first ever solve: PuLP's problem loaded into a new highspy model
            self.sync_objective()
            if self.pricing is not None and self.pricing.needs_all:  # no duals to price with
                self.pricing.build_all()
            # models built outside prepare() (benchmarks/orlib) may not carry the setting: auto
            setting = getattr(self.model.inputs, "solver_method", "auto")
            method = solver_method(setting, len(highs_load.columns_of(prob)), self.model.has_integers)
            if method == "ipm":  # with crossover (HiGHS's default): duals, and a basis to warm-start from
                self.solver.optionsDict.update(solver="ipm", run_crossover="on")
            with _quiet_stdout(), paused_gc():
                self.solver.createAndConfigureSolver(prob)  # PuLP's options on a new highspy model
                self._ids = highs_load.load(prob, prob.solverModel, mip=self.solver.mip)
            self._highs = prob.solverModel
            self._column = {i: j for j, i in enumerate(self._ids)}
            self._integer = highs_load.integer_variables(prob, self._ids)
            status = self._run()
            if method == "ipm":  # later stages and re-solves start from the crossover's basis
                self._highs.setOptionValue("solver", "simplex")
            self._cold_stages = not self.model.has_integers and len(self._ids) >= COLD_STAGE_COLUMNS
            self._solution = self._highs.getSolution()
            self._read_back()  # as prob.solve() would: PuLP's variables hold the first answer
        else:
            if k == 0:
                self._release_floors()
                self._restore_integers()
            self._set_objective(name, sense)
            if k in self._stage_basis:  # this stage's last optimal basis: dual feasible for it
                self._highs.setBasis(self._stage_basis[k])
            elif k > 0 and self._integer:  # the previous stage's plan is feasible: start the MILP from it
                self._highs.setSolution(self._highs.getSolution())
            elif k > 0 and self._cold_stages:
                self._highs.clearSolver()
            status = self._run()
        if status == _S.Optimal and not self._integer:
            self._stage_basis[k] = self._highs.getBasis()
        # A MILP's later stages re-choose every binary within the held floors: the final plan
        # is the cheapest that reaches stage 1's optimum, not the cheapest given stage 1's plants.
        return status

    def add_columns(self, variables: list, costs: list[float], starts: np.ndarray, index: np.ndarray,
                    values: np.ndarray) -> None:
        """Columns (in CSR form: each column's first entry in index/values) added to the live
        HiGHS model, after PuLP's; the current basis stays, the new columns at 0."""
        import highspy

        k, first = len(variables), self._highs.getNumCol()
        self._highs.addCols(k, np.asarray(costs, dtype=float), np.zeros(k), np.full(k, highspy.kHighsInf), len(index),
                            np.asarray(starts, dtype=np.int32), np.asarray(index, dtype=np.int32),
                            np.asarray(values, dtype=float))
        for j, var in enumerate(variables):
            self._column[var.id] = first + j
            self._ids.append(var.id)
        self._vectors.clear()  # objective vectors are rebuilt with the new columns
        self._stage_basis.clear()  # saved bases no longer fit the model

    def value(self, var: pulp.LpVariable) -> float:
        """A variable's value in the latest solve(), read from HiGHS's array (whether or not it
        was read back into PuLP); a variable in no row or objective is 0."""
        j = self._column.get(var.id)
        return 0.0 if j is None or self._x is None else float(self._x[j])

    def _read_back(self) -> None:
        """Put HiGHS's solution on PuLP's variables and rows (values, reduced costs, duals,
        slacks), as PuLP's own read-back does, but in one bulk call per array instead of a
        call per variable and row: on a warm re-solve the per-item calls cost more than HiGHS."""
        prob = self.model.prob
        core = getattr(prob, "_model", None)
        if core is None or not hasattr(core, "set_variable_values"):  # another PuLP core: its own way
            self.solver.findSolutionValues(prob)
            return
        solution = self._solution
        core.set_variable_values(list(zip(self._ids, np.asarray(solution.col_value).tolist())))
        core.set_variable_djs(list(zip(self._ids, np.asarray(solution.col_dual).tolist())))
        if self._slack_rule is None:
            rows = self._rows()
            self._slack_rule = ([c.id for c in rows], np.array([c.constant for c in rows], dtype=float),
                                np.array([-1.0 if c.sense == pulp.LpConstraintLE else 1.0 for c in rows]))
        ids, constants, signs = self._slack_rule
        row_value, row_dual = np.asarray(solution.row_value), np.asarray(solution.row_dual)
        core.set_constraint_slacks(list(zip(ids, (signs * (constants + row_value[ids])).tolist())))
        core.set_constraint_pis(list(zip(ids, row_dual[ids].tolist())))

    def _row_duals(self) -> dict[str, float]:
        if self._row_names is None:
            rows = self._rows()
            self._row_names = ([c.name for c in rows], [c.id for c in rows])
        names, ids = self._row_names
        return dict(zip(names, np.asarray(self._highs.getSolution().row_dual)[ids].tolist()))

    def _milp_duals(self, solution: Solution) -> None:
        """A MILP has no duals: fix the final plan's binaries and solve the LP that remains,
        stage by stage; stage 1's duals price the budget and limits around that plan. The later
        stages put the variables back on the final plan (within the floors' tolerance)."""
        self._fix_integers()
        self._release_floors()
        for k, (name, sense) in enumerate(self.model.stages):
            self._set_objective(name, sense)
            status = self._run()
            if status != _S.Optimal:
                solution.status = STATUS_NAMES.get(status, "solver_error")
                solution.message = f"LP with the plan's binaries fixed, stage {k + 1} ({sense} {name}) ended {solution.status}"
                return
            self._solution = self._highs.getSolution()
            if k == 0:
                solution.duals = self._row_duals()
            self._hold(name, sense, self._objective_value(name))

    def _run_primal(self):
        """Re-solve after priced columns came in: the basis is still primal feasible (the new
        columns sit at 0) and only they price out, which is primal simplex's start; HiGHS's
        default, dual simplex, would first have to repair the dual (tens of thousands of
        pivots at 200 sites x 10 years, against hundreds)."""
        self._highs.setOptionValue("simplex_strategy", SIMPLEX_PRIMAL)
        try:
            return self._run()
        finally:
            self._highs.setOptionValue("simplex_strategy", SIMPLEX_DUAL)

    def _run(self):
        """Run HiGHS on its current model; the status as PuLP names it."""
        import highspy

        self._highs.run()
        known = {highspy.HighsModelStatus.kOptimal: _S.Optimal, highspy.HighsModelStatus.kInfeasible: _S.Infeasible,
                 highspy.HighsModelStatus.kUnbounded: _S.Unbounded, highspy.HighsModelStatus.kTimeLimit: _S.TimeLimit,
                 highspy.HighsModelStatus.kIterationLimit: _S.IterationLimit}
        return known.get(self._highs.getModelStatus(), _S.Undefined)

    def _rows(self) -> list:
        if self._constraints is None:
            self._constraints = list(self.model.prob.constraints())
        return self._constraints

    def _integer_columns(self) -> np.ndarray:
        return np.array([self._column[v.id] for v in self._integer], dtype=np.int32)

    def _fix_integers(self) -> None:
        import highspy

        cols = self._integer_columns()
        values = np.round(np.asarray(self._highs.getSolution().col_value)[cols])  # HiGHS's, not PuLP's (stale)
        self._highs.changeColsBounds(len(cols), cols, values, values)
        self._highs.changeColsIntegrality(len(cols), cols,
                                          np.full(len(cols), highspy.HighsVarType.kContinuous))

    def _restore_integers(self) -> None:
        import highspy

        if not self._integer:
            return
        cols = self._integer_columns()
        lower = np.array([v.lowBound if v.lowBound is not None else 0.0 for v in self._integer], dtype=float)
        upper = np.array([v.upBound if v.upBound is not None else 1.0 for v in self._integer], dtype=float)
        self._highs.changeColsBounds(len(cols), cols, lower, upper)
        self._highs.changeColsIntegrality(len(cols), cols, np.full(len(cols), highspy.HighsVarType.kInteger))

    def _set_objective(self, name: str, sense: str) -> None:
        import highspy

        n = len(self._column)
        key = ("stage", name)
        if key not in self._vectors:  # built once per stage: re-solves only swap them in
            cost = np.zeros(n)
            for var, coef in self.model.stage_objective(name):
                cost[self._column[var.id]] += coef
            self._vectors[key] = cost
        self._highs.changeColsCost(n, np.arange(n, dtype=np.int32), self._vectors[key])
        self._highs.changeObjectiveSense(
            highspy.ObjSense.kMaximize if sense == "max" else highspy.ObjSense.kMinimize
        )

    def _objective_value(self, name: str) -> float:
        """An objective's value at HiGHS's current solution (not the stage's tie-break terms)."""
        if name not in self._vectors:
            vector = np.zeros(len(self._column))
            for var, coef in self.model.objectives[name]:
                vector[self._column[var.id]] += coef
            self._vectors[name] = vector
        return float(self._vectors[name] @ np.asarray(self._solution.col_value))

    def _hold(self, name: str, sense: str, value: float) -> None:
        """Keep this stage's optimum (within tolerance) while later stages run."""
        if ("floor", name) not in self.model.rows:
            return
        slack = FLOOR_TOLERANCE * max(1.0, abs(value))
        con = self.model.constraint("floor", name)
        if sense == "max":
            self._highs.changeRowBounds(con.id, value - slack, np.inf)
        else:
            self._highs.changeRowBounds(con.id, -np.inf, value + slack)

    def _release_floors(self) -> None:
        for name, _ in self.model.stages[:-1]:
            con = self.model.constraint("floor", name)
            self._highs.changeRowBounds(con.id, -UNBOUNDED, UNBOUNDED)
