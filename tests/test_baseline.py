"""The shipped $1.2B baseline: it solves, and budget, mass balance and capacity limits hold."""
from collections import defaultdict

import pytest

from models import build_model, extract, prepare
from models.inputs import ELEMENTS, PRODUCT_FORMS
from models.solve import StageSolver
from planner import load_scenario

TOL = 1e-6


@pytest.fixture(scope="module")
def solved(shipped_catalog):
    settings = load_scenario("baseline").settings()
    model = build_model(prepare(shipped_catalog, settings), settings.objective)
    solution = StageSolver(model).solve()
    return model, solution, extract(model, solution)


def value(var) -> float:
    return var.varValue or 0.0


def test_baseline_solves(solved):
    _, solution, result = solved
    assert solution.status == "optimal"
    assert result.summary["budget_usd"] == 1.2e9
    assert result.summary["objective_value"] > 0
    assert len(result.capacity) > 0


def test_budget_holds(solved):
    model, _, _ = solved
    inputs = model.inputs
    plants = inputs.plants.set_index(["site_id", "technology_id"])
    federal = sum(inputs.federal_share * plants.at[k, "capex_usd_per_tpa"] * value(v)
                  for k, v in model.new_capacity.items())
    assert federal <= inputs.budget_usd * (1 + TOL)


def test_capacity_limits_hold(solved):
    model, _, _ = solved
    plants = model.inputs.plants.set_index(["site_id", "technology_id"])
    for key, p in plants.iterrows():
        new = value(model.new_capacity[key]) if key in model.new_capacity else 0.0
        used = sum(value(model.throughput[(*key, e)]) for e in ELEMENTS)
        assert used <= p.existing_tpa + new + TOL, key
        assert new <= p.max_new_tpa + TOL, key
        assert min(value(model.throughput[(*key, e)]) for e in ELEMENTS) >= -TOL


def test_mass_balance_per_site_form_element(solved):
    """Recomputed from the inputs and variable values, independently of the model's rows."""
    model, _, _ = solved
    inputs = model.inputs
    net = defaultdict(float)  # (site, form, element): sources minus uses
    for f in inputs.feeds.itertuples(index=False):
        for e in ELEMENTS:
            net[(f.site_id, f.form, e)] += getattr(f, f"share_{e.lower()}") * value(model.feed_use[f.feedstock_id])
    for p in inputs.plants.itertuples(index=False):
        for e in ELEMENTS:
            x = value(model.throughput[(p.site_id, p.technology_id, e)])
            net[(p.site_id, p.input_form, e)] -= x
            net[(p.site_id, p.output_form, e)] += inputs.recovery[(p.technology_id, e)] * x
    for (i, j, form, e), s in model.shipment.items():
        net[(i, form, e)] -= value(s)
        net[(j, form, e)] += value(s)
    for (site, form, e), d in model.delivery.items():
        net[(site, form, e)] -= value(d)
    assert {k: v for k, v in net.items() if abs(v) > TOL} == {}
    # nothing is delivered in a feed form, and feed use stays within supply
    assert {k[1] for k in model.delivery} <= set(PRODUCT_FORMS)
    for f in inputs.feeds.itertuples(index=False):
        assert value(model.feed_use[f.feedstock_id]) <= f.supply_tpa + TOL


def test_element_balance_adds_up(solved):
    _, _, result = solved
    for row in result.elements_by_form.itertuples(index=False):
        assert row.credited_t + row.imports_t + row.unmet_t == pytest.approx(row.demand_t, abs=1e-4)
        assert row.credited_t <= row.domestic_t + 1e-4
