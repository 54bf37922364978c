"""What the next $100M buys, measured by re-solving, for every objective (models/marginal.py).
The hand-solved numbers are in each docstring; the slope (the budget row's dual) is stated
beside the measured change only where it tells another story."""
import pytest

import factory as f
from models import ModelSettings, Pipeline
from sites import load_catalog

# tests/test_model_hand_solved.py's IMPORTS: $1M federal (50% share, $100k per t/yr) buys
# 20 t/yr of plant = 10 t Nd; a tonne of Nd costs $0.31M/yr made at home, $0.1M imported
# (60 t at most) and $1M unmet.
IMPORTS = dict(
    f.ONE_MINE,
    technologies=[f.tech("sx", "mixed", "oxide", 100_000, opex_usd_per_t=150_000)],
    demand=[f.demand("Nd", 100)],
    imports=[f.imports("Nd", 60)],
)
# Two one-element feeds, demand 100 t Nd and 100 t Dy, nothing imported: $1M federal buys
# 20 t/yr of plant, 10 t of each; the largest reliance is then 90%.
TWO_FEEDS = dict(
    sites=[f.site("mine", allowed="sx")],
    feedstocks=[f.feed("a", "mine", 1000, nd=1.0), f.feed("b", "mine", 1000, dy=1.0)],
    technologies=[f.tech("sx", "mixed", "oxide", 100_000)],
    demand=[f.demand("Nd", 100), f.demand("Dy", 100)],
    imports=[f.imports("Nd", 0), f.imports("Dy", 0)],
)


def run(tmp_path, settings, tables):
    catalog = load_catalog(f.write_catalog(tmp_path / "catalog", **tables))
    pipeline = Pipeline.prepare(catalog, settings)
    pipeline.solve()
    return pipeline.result().summary


def test_min_cost_next_money_is_the_cost_saved_by_a_re_solve(tmp_path):
    """At $1M: 20 t/yr of plant, 60 t imported, 30 t unmet: 60 x 0.1 + 20 x 0.155 + 30 x 1 =
    $39.1M/yr. With $101M only $4M is needed (80 t/yr, nothing unmet): $18.4M/yr, so the next
    $100M saves $20.70M/yr and credits 30 t more Nd. The slope at $1M is 10 t x (1 - 0.31) =
    $6.9M/yr per $1M, 690 per $100M: a dual multiplied out would promise 33 times too much."""
    s = run(tmp_path, ModelSettings(objective="min_cost", budget_usd=1e6), IMPORTS)
    assert s.objective_value == pytest.approx(39.1, abs=1e-3)
    assert s.budget_marginal_value == pytest.approx(-6.9, abs=1e-3)  # the tie-break is $1-2/t
    assert (s.budget_next_100musd, s.budget_next_100musd_unit) == (
        pytest.approx(-20.7, abs=1e-3), "$M/yr from the next $100M federal, re-solved")
    assert s.budget_marginal_value_text == (
        "The next $100M of federal money saves 20.70 $M/yr of annual cost (30.0 t/yr NdPr) "
        "(measured: re-solved with $101.0M); the slope at $1.0M says 690.0 $M/yr saved per $100M.")


def test_min_import_reliance_next_money_is_the_reliance_lowered_by_a_re_solve(tmp_path):
    """At $1M the largest reliance is 90%; $101M buys all 200 t (200 t/yr of plant = $10M), so
    the next $100M lowers it by 90 points, to 0%, adding 90 t each of Nd and Dy. The slope
    (0.1 per $1M) multiplied out would say 1,000 points."""
    s = run(tmp_path, ModelSettings(objective="min_import_reliance", budget_usd=1e6), TWO_FEEDS)
    assert s.objective_value == pytest.approx(0.9)
    assert s.budget_next_100musd == pytest.approx(-0.9)
    assert s.budget_marginal_value_text == (
        "The next $100M of federal money lowers the largest import reliance by 90.00 percentage points, "
        "from 90.0% to 0.0% (90.0 t/yr NdPr, 90.0 t/yr Dy) (measured: re-solved with $101.0M); "
        "the slope at $1.0M says 1,000.0 percentage points per $100M.")


def test_min_import_reliance_with_money_left_over_says_so_in_its_own_words(tmp_path):
    """$10M buys everything: of $1B, $990M is left and more money cannot lower reliance."""
    s = run(tmp_path, ModelSettings(objective="min_import_reliance", budget_usd=1e9), TWO_FEEDS)
    assert s.federal_usd == pytest.approx(10e6)
    assert s.budget_next_100musd == 0.0  # not re-solved: a slack budget row cannot move the optimum
    assert s.budget_marginal_value_text == ("The budget does not bind ($10.0M of $1,000.0M used): more federal "
                                            "money would not lower the largest import reliance.")


def test_min_cost_with_money_left_over_says_so_in_its_own_words(tmp_path):
    """min_cost at $10M: the cheapest plan needs $4M (80 t/yr); $6M is left, so more money
    saves nothing."""
    s = run(tmp_path, ModelSettings(objective="min_cost", budget_usd=10e6), IMPORTS)
    assert s.federal_usd == pytest.approx(4e6)
    assert s.budget_marginal_value_text == ("The budget does not bind ($4.0M of $10.0M used): more federal money "
                                            "would not lower the annual cost.")
