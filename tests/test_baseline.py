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


def plant_inputs(model) -> dict:
    """(site, tech, element) -> t/yr in, recomputed from the variables: raw feed at its split
    plus intermediate product drawn from the site's stock."""
    feeds = model.inputs.feeds.set_index("feedstock_id")
    out = defaultdict(float)
    for key, x in model.throughput.items():
        out[key] += value(x)
    for (k, site, tech), q in model.feed_delivery.items():
        for e in ELEMENTS:
            out[(site, tech, e)] += feeds.at[k, f"share_{e.lower()}"] * value(q)
    return out


def test_capacity_limits_hold(solved):
    model, _, _ = solved
    used = plant_inputs(model)
    plants = model.inputs.plants.set_index(["site_id", "technology_id"])
    for key, p in plants.iterrows():
        new = value(model.new_capacity[key]) if key in model.new_capacity else 0.0
        assert sum(used[(*key, e)] for e in ELEMENTS) <= p.existing_tpa + new + TOL, key
        assert new <= p.max_new_tpa + TOL, key
    assert min(value(v) for v in [*model.throughput.values(), *model.feed_delivery.values()]) >= -TOL


def test_mass_balance_per_site_form_element(solved):
    """Recomputed from the inputs and variable values, independently of the model's rows."""
    model, _, _ = solved
    inputs = model.inputs
    # every tonne of feed used is delivered whole into some plant
    delivered = defaultdict(float)
    for (k, _, _), q in model.feed_delivery.items():
        delivered[k] += value(q)
    for k, u in model.feed_use.items():
        assert delivered[k] == pytest.approx(value(u), abs=TOL), k
    used = plant_inputs(model)
    net = defaultdict(float)  # (site, form, element) of intermediate product: sources minus uses
    for p in inputs.plants.itertuples(index=False):
        for e in ELEMENTS:
            net[(p.site_id, p.output_form, e)] += inputs.recovery[(p.technology_id, e)] * used[(p.site_id,
                                                                                                p.technology_id, e)]
            x = model.throughput.get((p.site_id, p.technology_id, e))
            if x is not None:
                net[(p.site_id, p.input_form, e)] -= value(x)
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
