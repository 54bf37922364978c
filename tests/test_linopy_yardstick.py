"""benchmarks/linopy_yardstick.py builds the LP build_model builds for bench_scale's
configuration: the same first-stage optimum, and the same columns, rows and nonzeros in HiGHS.

With shipping_k_nearest = k > 0 the PuLP model is compared as built, before pricing: its
solver's pricing is switched off, since pricing adds columns after the build and the
yardstick measures the build. The k = 0 cases compare the full model, priced by nothing."""
import sys
from pathlib import Path

import highspy
import numpy as np
import pytest

from models import ModelSettings, build_model, highs_load, prepare
from models.solve import StageSolver

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from linopy_yardstick import build_linopy, to_highspy  # noqa: E402
from synthetic_catalog import write_synthetic_catalog  # noqa: E402

SYNTHETIC_SITES = 48


@pytest.fixture(scope="module")
def synthetic_catalog(tmp_path_factory):
    from sites import load_catalog

    return load_catalog(write_synthetic_catalog(tmp_path_factory.mktemp("yardstick") / "catalog", SYNTHETIC_SITES,
                                                seed=17))


def lp_shape(h) -> dict:
    """What does not depend on the order of columns and rows: sizes, and the sorted bounds,
    costs, nonzeros and row and column lengths (a bound beyond 1e20 is infinite to HiGHS)."""
    lp = h.getLp()
    a = lp.a_matrix_
    start, index = np.asarray(a.start_), np.asarray(a.index_)
    nnz = h.getNumNz()
    rowwise = str(a.format_) == "MatrixFormat.kRowwise"  # HiGHS keeps what it was given: rows
    major, minor = (h.getNumRow(), h.getNumCol()) if rowwise else (h.getNumCol(), h.getNumRow())
    lengths, crossed = np.diff(np.r_[start[:major], nnz]), np.bincount(index[:nnz], minlength=minor)
    row_lengths, col_lengths = (lengths, crossed) if rowwise else (crossed, lengths)

    def bounds(values):
        values = np.array(values, dtype=float)
        values[values >= 1e20], values[values <= -1e20] = np.inf, -np.inf
        return np.sort(values)

    return {"columns": h.getNumCol(), "rows": h.getNumRow(), "nonzeros": nnz,
            "col_lower": bounds(lp.col_lower_), "col_upper": bounds(lp.col_upper_), "cost": bounds(lp.col_cost_),
            "row_lower": bounds(lp.row_lower_), "row_upper": bounds(lp.row_upper_),
            "values": np.sort(np.asarray(a.value_)[:nnz]),
            "row_lengths": np.sort(row_lengths), "col_lengths": np.sort(col_lengths), "sense": str(lp.sense_)}


def assert_same_shape(ours: dict, theirs: dict) -> None:
    for key in ("columns", "rows", "nonzeros", "sense"):
        assert ours[key] == theirs[key], key
    for key in ("row_lengths", "col_lengths"):
        assert np.array_equal(ours[key], theirs[key]), key
    for key in ("col_lower", "col_upper", "cost", "row_lower", "row_upper", "values"):
        assert np.allclose(ours[key], theirs[key], rtol=1e-12, atol=0), key


def pulp_first_stage(catalog, k: int, floor: float = 0.0):
    """The PuLP model's first stage solved as built (no pricing), its value, and the shape of
    the LP the solver loads (highs_load, as StageSolver does; read before the solve, which
    moves the floor row's bound to the optimum it holds)."""
    settings = ModelSettings(shipping_k_nearest=k, min_value_per_musd=floor)
    inputs = prepare(catalog, settings)
    model = build_model(inputs, settings.objective)
    loaded = highspy.Highs()
    loaded.setOptionValue("output_flag", False)
    highs_load.load(model.prob, loaded)
    solver = StageSolver(model)
    assert (solver.pricing is not None) == (k > 0)  # links were held back exactly when k > 0
    solver.pricing = None  # the restricted model as built: pricing would add columns later
    solution = solver.solve(first_stage_only=True)
    assert solution.status == "optimal"
    (name, value), = solution.stage_values.items()
    assert solver._highs.getNumCol() == loaded.getNumCol()  # no column was added by the solve
    return inputs, settings, name, value, lp_shape(loaded)


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
@pytest.mark.parametrize("k", [0, 3])
@pytest.mark.parametrize("which", ["shipped", "synthetic"])
def test_same_lp_and_first_stage_optimum(which, k, sparse, shipped_catalog, synthetic_catalog):
    catalog = shipped_catalog if which == "shipped" else synthetic_catalog
    inputs, settings, name, pulp_value, pulp_shape = pulp_first_stage(catalog, k)
    built = build_linopy(inputs, settings.objective, sparse=sparse)
    assert built.first_stage == name == "weighted_supply"
    h = to_highspy(built)
    h.run()
    assert str(h.getModelStatus()) == "HighsModelStatus.kOptimal"
    value = h.getInfo().objective_function_value
    assert value == pytest.approx(pulp_value, rel=1e-6)
    assert pulp_value > 1000  # weighted t/yr: a real plan, not an empty one
    # PuLP leaves out no row here (every row has a term) and linopy drops only rows without
    # terms, so the two LPs have the same columns, rows and nonzeros exactly
    assert_same_shape(lp_shape(h), pulp_shape)
    assert built.sizes["ship"] > 0 and built.sizes["feedin"] > 0


def test_value_floor_first_stage_is_net_weighted_supply(shipped_catalog):
    """The baseline's value floor (5 weighted t/yr per federal $M): the first stage charges
    each federal $M, in the objective and in the floor row."""
    inputs, settings, name, pulp_value, pulp_shape = pulp_first_stage(shipped_catalog, 3, floor=5.0)
    built = build_linopy(inputs, settings.objective)
    assert built.first_stage == name == "net_weighted_supply"
    h = to_highspy(built)
    h.run()
    assert h.getInfo().objective_function_value == pytest.approx(pulp_value, rel=1e-6)
    assert_same_shape(lp_shape(h), pulp_shape)


def test_a_different_model_is_told_apart(shipped_catalog):
    """The comparison can fail: the yardstick with every link against PuLP's pruned model."""
    inputs, settings, _, _, pulp_shape = pulp_first_stage(shipped_catalog, 3)
    every_link = prepare(shipped_catalog, ModelSettings(shipping_k_nearest=0))
    ours = lp_shape(to_highspy(build_linopy(every_link, settings.objective)))
    with pytest.raises(AssertionError, match="columns"):
        assert_same_shape(ours, pulp_shape)


@pytest.mark.parametrize("change, key", [
    ({"objective": "min_cost"}, "objective"),
    ({"feed_options": True}, "feed_options"),
    ({"years": (2030, 2031)}, "years"),
    ({"min_plant_size": True}, "min_plant_size"),
])
def test_outside_its_scope_it_says_which_key(shipped_catalog, change, key):
    settings = ModelSettings(**change)
    with pytest.raises(NotImplementedError, match=key):
        build_linopy(prepare(shipped_catalog, settings), settings.objective)
