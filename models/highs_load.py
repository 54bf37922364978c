"""Hand a built PuLP problem to highspy as arrays, in one pass over PuLP's rows.

PuLP's own HiGHS loader (pulp.apis.highs.HiGHS.buildSolverModel) wraps every term of every
row in an LpVariable and asks it for its id: at 200 synthetic sites that costs more than
building the rows. Here the rows are read from PuLP's Rust core directly (its variable
handles, no wrappers) into one CSR matrix, and the columns' bounds, costs and integrality
come from one bulk listing of the variables used. The LP HiGHS receives is the one PuLP's
loader gives it, entry for entry (tests/test_highs_load.py compares HiGHS's copies), so
every solve, basis and dual is unchanged; only the time to get there is shorter.
"""
from __future__ import annotations

import numpy as np
import pulp
from pulp import _rustcore

_INTEGER = _rustcore.Category.Integer
_LE, _GE = _rustcore.Sense.LessEqual, _rustcore.Sense.GreaterEqual


def columns_of(prob: pulp.LpProblem) -> list[int]:
    """PuLP ids of the problem's solver columns, in order: the variables used in the
    objective or a row, by id (PuLP's exported_variables)."""
    return list(prob._model.used_variable_ids())


def load(prob: pulp.LpProblem, highs, mip: bool = True) -> list[int]:
    """Add prob's columns, objective and rows to an empty highspy.Highs; the PuLP id of each
    column, in column order. mip False: integer variables go in as continuous (as PuLP's
    loader with mip=False)."""
    import highspy

    core = prob._model
    ids = columns_of(prob)
    column = np.full(core.num_variables, -1, dtype=np.int64)
    column[ids] = np.arange(len(ids))
    handles = core.list_variables_by_ids(ids)
    lower = np.array([v.lb for v in handles], dtype=np.float64)
    upper = np.array([v.ub for v in handles], dtype=np.float64)
    cost = np.zeros(len(ids))
    objective = core.get_objective()
    offset = 0.0
    if objective is not None:
        for var, coef in objective.items():
            cost[column[var.id()]] = coef
        offset = objective.constant
    empty = np.zeros(0, dtype=np.int32)
    highs.addCols(len(ids), cost, lower, upper, 0, empty, empty, np.zeros(0))
    if mip:
        integer = np.array([j for j, v in enumerate(handles) if v.category == _INTEGER], dtype=np.int32)
        if len(integer):
            highs.changeColsIntegrality(len(integer), integer,
                                        np.full(len(integer), highspy.HighsVarType.kInteger))
    if prob.sense == pulp.LpMaximize:
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    highs.changeObjectiveOffset(offset)
    _add_rows(core, column, highs)
    return ids


def _add_rows(core, column: np.ndarray, highs) -> None:
    """Every row as CSR, in PuLP's order; each row's terms in PuLP's order, zeros left out."""
    constraints = core.list_constraints()
    n = len(constraints)
    lengths = np.zeros(n, dtype=np.int64)
    variable_ids: list[int] = []
    values: list[float] = []
    rhs = np.empty(n)
    sense = [None] * n
    for i, c in enumerate(constraints):
        terms = c.items()
        lengths[i] = len(terms)
        variable_ids += [v.id() for v, _ in terms]
        values += [coef for _, coef in terms]
        rhs[i] = c.rhs
        sense[i] = c.sense
    index = column[np.array(variable_ids, dtype=np.int64)]
    value = np.array(values, dtype=np.float64)
    row_of = np.repeat(np.arange(n), lengths)
    keep = value != 0  # PuLP's loader skips zero coefficients
    index, value, row_of = index[keep], value[keep], row_of[keep]
    starts = np.searchsorted(row_of, np.arange(n)).astype(np.int32)
    # PuLP's bounds: LpConstraint.constant is -rhs (0.0 for zero), and a bound is -constant
    constant = -rhs
    constant[constant == 0] = 0.0
    bound = -constant
    is_le = np.array([s == _LE for s in sense], dtype=bool)
    is_ge = np.array([s == _GE for s in sense], dtype=bool)
    row_lower = np.where(is_le, -np.inf, bound)
    row_upper = np.where(is_ge, np.inf, bound)
    highs.addRows(n, row_lower, row_upper, len(index), starts, index.astype(np.int32), value)


def integer_variables(prob: pulp.LpProblem, ids: list[int]) -> list[pulp.LpVariable]:
    """The columns that are not continuous (binaries, integers), as PuLP variables."""
    return [pulp.LpVariable(v) for v in prob._model.list_variables_by_ids(ids)
            if v.category != _rustcore.Category.Continuous]
