"""models/highs_load.py gives HiGHS the LP PuLP's own loader gives it, entry for entry, and
families.expression builds the expression LpAffineExpression.from_list builds."""
import highspy
import numpy as np
import pulp
import pytest

from models import build_model, highs_load, prepare
from models.families import expression
from planner.api import _setup


def fresh() -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def held(h: highspy.Highs) -> dict:
    lp = h.getLp()
    out = {f: np.asarray(getattr(lp, f)).tobytes() for f in ("col_cost_", "col_lower_", "col_upper_",
                                                               "row_lower_", "row_upper_")}
    out.update({f: np.asarray(getattr(lp.a_matrix_, f)).tobytes() for f in ("start_", "index_", "value_")})
    out["integrality"] = [str(v) for v in lp.integrality_]
    out["sense"], out["offset"] = str(lp.sense_), lp.offset_
    return out


@pytest.mark.parametrize("scenario", ["baseline", "min-reliance", "mines-on-the-table", "timeline"])
def test_same_lp_as_pulps_loader(scenario):
    chosen, catalog = _setup(scenario, None, {})
    settings = chosen.settings()
    prob = build_model(prepare(catalog, settings), settings.objective).prob
    ours = fresh()
    ids = highs_load.load(prob, ours)
    prob.solverModel = fresh()
    pulp.HiGHS(msg=False).buildSolverModel(prob)
    assert held(ours) == held(prob.solverModel)
    assert ids == [v.id for v in prob.exported_variables()]
    assert ours.getNumNz() > ours.getNumCol() > 1000  # a real model, not an empty one


def test_mines_on_the_table_is_a_milp_with_its_binaries_loaded():
    chosen, catalog = _setup("mines-on-the-table", None, {})
    prob = build_model(prepare(catalog, chosen.settings()), chosen.settings().objective).prob
    h = fresh()
    ids = highs_load.load(prob, h)
    integer = highs_load.integer_variables(prob, ids)
    assert integer and all(v.cat == "Integer" for v in integer)
    kinds = [str(v) for v in h.getLp().integrality_]
    assert kinds.count("HighsVarType.kInteger") == len(integer)


def test_expression_matches_from_list_with_repeats_and_order():
    prob = pulp.LpProblem("t", pulp.LpMaximize)
    x, y, z = (prob.add_variable(n, 0) for n in "xyz")
    pairs = [(z, 2.0), (x, 1.5), (z, -0.5), (y, 3)]
    ours, theirs = expression(prob, pairs), pulp.LpAffineExpression.from_list(pairs)
    assert [(v.name, c) for v, c in ours.items()] == [("z", 1.5), ("x", 1.5), ("y", 3.0)]
    assert [(v.name, c) for v, c in ours.items()] == [(v.name, c) for v, c in theirs.items()]
    assert expression(prob, []).items() == []
