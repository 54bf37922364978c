"""models.Pipeline: the stages every command uses, the typed Summary, the declared sets."""
import dataclasses
import json

import pytest

import factory as f
from models import ModelSettings, Pipeline, RunLabel, Summary, plan
from sites import load_catalog


@pytest.fixture
def one_mine(tmp_path):
    return load_catalog(f.write_catalog(tmp_path / "catalog", **f.ONE_MINE))


def test_pipeline_result_with_measured_marginal_value_and_label(one_mine):
    """$10M federal buys 200 t/yr of plant, 100 t Nd (see test_budget_binding); each further
    $1M buys 10 t Nd, measured by a warm $100k step and agreeing with the dual. The next
    $100M, re-solved, adds only 400 t: the 1,000 t/yr feed (500 t Nd) runs out at $50M."""
    pipeline = Pipeline.prepare(one_mine, ModelSettings(budget_usd=10e6))
    assert pipeline.solve().optimal
    label = RunLabel("small", "one mine", "abc", {"budget_usd": 10e6})
    s = pipeline.result(label).summary
    assert isinstance(s, Summary)
    assert (s.status, s.objective_value, s.weighted_supply, s.federal_usd) == ("optimal", 100.0, 100.0, 10e6)
    assert (s.budget_marginal_value, s.budget_dual, s.budget_binds) == (10.0, 10.0, True)
    assert s.budget_marginal_by_element == {"Nd": 10.0}
    assert s.budget_marginal_value_text == ("The next $100M adds 400.0 t/yr of weighted supply (400.0 t/yr NdPr) "
                                            "(measured: re-solved with $110.0M).")
    assert (s.scenario, s.inputs_sha256, s["settings"]) == ("small", "abc", {"budget_usd": 10e6})
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.status = "infeasible"


def test_warm_budget_change_reaches_the_summary(one_mine):
    """set_budget re-solves the same model: $20M federal buys 400 t/yr of plant, 200 t Nd."""
    pipeline = Pipeline.prepare(one_mine, ModelSettings(budget_usd=10e6))
    pipeline.solve()
    pipeline.set_budget(20e6)
    pipeline.solve()
    s = pipeline.result().summary
    assert (s.objective_value, s.budget_usd, s.federal_usd) == (200.0, 20e6, 20e6)
    assert s.scenario is None and "scenario" not in s.to_dict()


def test_summary_dict_keys_without_measurement_or_label(one_mine):
    """A bare solve (plan without a label, or an evaluation) leaves the measured fields out of
    summary.json rather than writing nulls; the dict is JSON as summary.json writes it."""
    s = plan(one_mine, ModelSettings(budget_usd=10e6)).summary
    bare = dataclasses.replace(s, budget_dual=None, budget_binds=None, budget_marginal_by_element=None,
                               budget_marginal_method=None)
    keys = set(bare.to_dict())
    assert not keys & {"budget_dual", "budget_binds", "scenario", "settings"}
    assert {"objective_value", "budget_marginal_value", "budget_marginal_value_text", "solver"} <= keys
    assert json.loads(json.dumps(s.to_dict()))["budget_marginal_by_element"] == {"Nd": 10.0}


def test_element_and_form_sets_come_from_the_catalog_declaration():
    from sites.sets import ELEMENTS, MAGNET_ELEMENTS, PRODUCT_FORMS

    assert ELEMENTS == ("Nd", "Pr", "Dy", "Tb", "other")
    assert MAGNET_ELEMENTS == ("Nd", "Pr", "Dy", "Tb")
    assert PRODUCT_FORMS == ("oxide", "metal")
