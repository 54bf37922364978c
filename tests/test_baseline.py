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
    for (site, tech, e, _origin), x in model.throughput.items():
        out[(site, tech, e)] += value(x)
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
        assert sum(used[(*key, e)] for e in ELEMENTS) <= p.existing_available_tpa + p.new_share * new + TOL, key
        assert p.existing_available_tpa <= p.existing_tpa + TOL and 0 <= p.new_share <= 1, key
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
    net = defaultdict(float)  # (site, form, element, origin) of intermediate product: sources minus uses
    feeds = inputs.feeds.set_index("feedstock_id")
    plants = inputs.plants.set_index(["site_id", "technology_id"])

    def put_out(site, tech, e, origin, t, heavy_fraction):
        """t of element e into plant (site, tech): to its output form, or routed (light SX heavies)."""
        p = plants.loc[(site, tech)]
        route = inputs.routes.get((tech, e))
        if route is None:
            net[(site, p.output_form, e, origin)] += inputs.recovery[(tech, e)] * t
        elif e != "other":
            net[(site, route[0], e, origin)] += route[1] * t
        else:
            net[(site, route[0], e, origin)] += heavy_fraction * route[1] * t
            net[(site, p.output_form, e, origin)] += (1 - heavy_fraction) * inputs.recovery[(tech, e)] * t

    for (k, site, tech), q in model.feed_delivery.items():
        for e in ELEMENTS:
            t = feeds.at[k, f"share_{e.lower()}"] * value(q)
            put_out(site, tech, e, feeds.at[k, "origin_class"], t, feeds.at[k, "heavy_other_fraction"])
    for (site, tech, e, origin), x in model.throughput.items():
        put_out(site, tech, e, origin, value(x), inputs.heavy_other_mixed)
        net[(site, plants.at[(site, tech), "input_form"], e, origin)] -= value(x)
    for (i, j, form, e, origin), s in model.shipment.items():
        net[(i, form, e, origin)] -= value(s)
        net[(j, form, e, origin)] += value(s)
    for key, d in [*model.delivery.items(), *model.stock.items()]:
        net[key] -= value(d)
    assert {k: v for k, v in net.items() if abs(v) > TOL} == {}
    # nothing is delivered in a feed form, and feed use stays within supply
    assert {k[1] for k in model.delivery} <= set(PRODUCT_FORMS)
    assert {k[1] for k in model.stock} == {"heavy_concentrate"}  # only routed product may be stocked
    for f in inputs.feeds.itertuples(index=False):
        assert value(model.feed_use[f.feedstock_id]) <= f.supply_tpa + TOL


def test_element_balance_adds_up(solved):
    _, _, result = solved
    for row in result.elements_by_form.itertuples(index=False):
        assert row.credited_t + row.imports_t + row.unmet_t == pytest.approx(row.demand_t, abs=1e-4)
        assert row.credited_t <= row.domestic_t + 1e-4
