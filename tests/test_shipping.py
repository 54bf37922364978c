"""Pruned shipping links priced back in (models/shipping.py): the same optimum as every link."""
import sys
from collections import namedtuple
from pathlib import Path

import numpy as np
import pytest

import factory as f
from models import ModelSettings, build_model, prepare
from models.shipping import nearest_first
from models.solve import IPM_COLUMNS, StageSolver, solver_method
from sites import load_catalog

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from synthetic_catalog import write_synthetic_catalog  # noqa: E402

Arc = namedtuple("Arc", "from_site to_site form distance_km usd_per_t")


def test_nearest_first_keeps_each_sites_k_nearest_out_and_in():
    arcs = [Arc("a", "b", "mixed", 10, 1), Arc("a", "c", "mixed", 5, 1), Arc("a", "d", "mixed", 50, 1),
            Arc("e", "d", "mixed", 60, 1), Arc("e", "b", "mixed", 1, 1), Arc("a", "b", "oxide", 90, 1)]
    built, waiting = nearest_first(arcs, 1)
    # a->c is a's nearest mixed link out; e->b e's; b, c, d each keep their nearest in (e->b, a->c, a->d);
    # a's only oxide link stays
    assert built == [arcs[1], arcs[2], arcs[4], arcs[5]]
    assert waiting == [arcs[0], arcs[3]]
    assert nearest_first(arcs, 0) == (arcs, [])


def far_link_catalog(folder):
    """A mine with a cracking plant in California makes 1,000 t/yr of mixed product (500 t Nd);
    the only separation worth the name is 2,900 km away in Alaska. The mine's nearest taker
    (Nevada, 1 t/yr) and the Alaska mill's nearest producer (a 10 t/yr mine near Juneau) are
    what one nearest link per site keeps: the far link must be found by pricing."""
    juneau = {"name": "Juneau mine", "state": "AK", "latitude": 58.30, "longitude": -134.42}
    return load_catalog(f.write_catalog(
        folder,
        sites=[f.site("mine"), f.site("near", allowed="sx"), f.site("far", allowed="sx"), f.site("juneau", "far", **juneau)],
        feedstocks=[f.feed("ore", "mine", 1000, form="ore", nd=0.5, other=0.5),
                    f.feed("ore2", "juneau", 10, form="ore", nd=0.5, other=0.5)],
        technologies=[f.tech("crack", "ore", "mixed", 100_000), f.tech("sx", "mixed", "oxide", 100_000)],
        site_capacity=[f.capacity("mine", "crack", 1000), f.capacity("juneau", "crack", 10),
                       f.capacity("near", "sx", 1), f.capacity("far", "sx", 2000)],
        demand=[f.demand("Nd", 1000)], imports=[f.imports("Nd", 0)]))


def solve(catalog, **settings):
    settings = ModelSettings(**settings)
    model = build_model(prepare(catalog, settings), settings.objective)
    return StageSolver(model).solve(), model


def every_and_pruned(catalog, weighted_supply: float):
    """Every link and delivery against each site's nearest one and pricing: both reach the
    hand-solved weighted supply, and the same least cost."""
    every, _ = solve(catalog, allow_new_capacity=False)
    pruned, model = solve(catalog, allow_new_capacity=False, shipping_k_nearest=1)
    assert every.stage_values["weighted_supply"] == pytest.approx(weighted_supply, rel=1e-9)
    assert pruned.stage_values["weighted_supply"] == pytest.approx(weighted_supply, rel=1e-9)
    assert pruned.stage_values["annual_cost"] == pytest.approx(every.stage_values["annual_cost"], rel=1e-9)
    assert pruned.shipping.pool_t == pytest.approx(0.0, abs=1e-7)  # the pool ends empty
    return every, pruned, model


def test_pricing_finds_the_far_link(tmp_path):
    catalog = far_link_catalog(tmp_path / "cat")
    # hand-solved: all 500 t Nd from the mine and 5 t from Juneau are separated, at Alaska (499.5 t) and Nevada (0.5 t)
    every, pruned, model = every_and_pruned(catalog, weighted_supply=505.0)
    assert ("mine", "far", "mixed") not in {(a.from_site, a.to_site, a.form) for a in nearest_first(
        [a for a in prepare(catalog, ModelSettings()).arcs.itertuples(index=False)], 1)[0]}
    assert any(key[:3] == ("mine", "far", "mixed") for key in model.shipment)
    assert pruned.shipping.rounds >= 1 and pruned.shipping.links_added >= 1
    assert every.shipping is None


def far_plant_catalog(folder):
    """A 1,000 t/yr ore mine in California whose nearest cracking plant (Nevada) takes 1 t/yr;
    the plant that can take the rest is 2,900 km away in Alaska, and its own nearest feed is a
    10 t/yr mine near Juneau. One nearest delivery per feed and per plant leaves out the mine's
    delivery to Alaska: it must be found by pricing."""
    juneau = {"name": "Juneau mine", "state": "AK", "latitude": 58.30, "longitude": -134.42}
    return load_catalog(f.write_catalog(
        folder,
        sites=[f.site("mine"), f.site("near"), f.site("far"), f.site("juneau", "far", **juneau)],
        feedstocks=[f.feed("ore", "mine", 1000, form="ore", nd=0.5, other=0.5),
                    f.feed("ore2", "juneau", 10, form="ore", nd=0.5, other=0.5)],
        technologies=[f.tech("crack", "ore", "mixed", 100_000), f.tech("sx", "mixed", "oxide", 100_000)],
        site_capacity=[f.capacity("near", "crack", 1), f.capacity("far", "crack", 2000), f.capacity("far", "sx", 2000)],
        demand=[f.demand("Nd", 1000)], imports=[f.imports("Nd", 0)]))


def test_pricing_finds_the_far_delivery(tmp_path):
    catalog = far_plant_catalog(tmp_path / "cat")
    # hand-solved: every tonne of both ores is cracked and separated in Alaska (500 + 5 t Nd); the
    # cost stage sends none of the ore through Nevada, which would ship it twice
    every, pruned, model = every_and_pruned(catalog, weighted_supply=505.0)
    assert model.feed_delivery[("ore", "far", "crack")].varValue == pytest.approx(1000.0, rel=1e-9)
    report = pruned.shipping
    # 4 deliveries offered (2 ores x 2 plants): each ore's nearest built, the mine's into Alaska priced in
    assert report.deliveries_in_all == 4 and report.deliveries_built == 3 and report.rounds >= 1


def test_partial_pricing_adds_the_best_few_per_row():
    from models.shipping import best_per_group

    columns = np.array([3, 5, 7, 9, 11, 13])
    score = np.array([-1.0, -3.0, -2.0, -5.0, -5.0, 0.0])  # reduced costs of a minimum: lower is better
    group = np.array([1, 1, 1, 2, 2, 2])
    assert best_per_group(columns, score, group, best=2).tolist() == [5, 7, 9, 11]  # ties by column number
    assert best_per_group(columns, score, group, best=1).tolist() == [5, 9]


def test_pruned_equals_every_link_on_200_synthetic_sites(tmp_path):
    """With the baseline's value floor: its first stage (net weighted supply) ships for free, so
    the pool answers it and pricing adds links only in the cost stage."""
    catalog = load_catalog(write_synthetic_catalog(tmp_path / "cat", 200, seed=17))
    every, every_model = solve(catalog, min_value_per_musd=5.0)
    pruned, model = solve(catalog, shipping_k_nearest=3, min_value_per_musd=5.0)
    assert list(every.stage_values) == ["net_weighted_supply", "annual_cost"]
    for name, value in every.stage_values.items():
        assert pruned.stage_values[name] == pytest.approx(value, rel=1e-9), name
    # a column is named (and tie-broken) the same built first or priced in: the same plan
    built = {key: var.varValue for key, var in every_model.new_capacity.items() if var.varValue > 1e-9}
    assert built and {key: var.varValue for key, var in model.new_capacity.items() if var.varValue > 1e-9} == pytest.approx(built, abs=1e-6)
    report = pruned.shipping
    assert report.links_built < report.links_in_all / 2  # most links were never needed
    assert report.added_by_stage["annual_cost"][0] > 0
    assert report.added_by_stage.get("net_weighted_supply", (0, 0))[0] == 0
    assert report.pool_t == pytest.approx(0.0, abs=1e-7)


def test_pricing_stopped_short_is_reported_not_written(tmp_path, monkeypatch):
    """Without pricing, the far link's flow goes through the pool (the pruned model stays
    feasible); the solve then says so instead of returning a plan that is not the optimum."""
    from models.shipping import ShippingPricer

    monkeypatch.setattr(ShippingPricer, "add_improving", lambda self, solver, stage, sense: 0)
    stopped, _ = solve(far_link_catalog(tmp_path / "cat"), allow_new_capacity=False, shipping_k_nearest=1)
    assert stopped.status == "solver_error"
    # Nevada's 1 t/yr takes 1 t of the mine's Nd along the built link; the other 499 t of Nd and
    # all 500 t of the other REO (mixed product cannot leave a balance) go to Alaska by the pool
    assert stopped.shipping.pool_t == pytest.approx(500.0, rel=1e-9)
    assert stopped.message == ("the shipping pool still carries 500 t/yr after pricing (more than 1e-06): "
                               "the plan is not the all-links optimum")


def test_pricing_covers_every_planned_year(tmp_path):
    """Shipments are per year: the far link is priced in against each year's balance rows and
    added in each year (its columns named with their year), at the same optimum as every link."""
    catalog = far_link_catalog(tmp_path / "cat")
    years = dict(allow_new_capacity=False, years=(2029, 2030), target_year=2030)
    every, _ = solve(catalog, **years)
    pruned, model = solve(catalog, shipping_k_nearest=1, **years)
    # the same plant, feed and demand in both years (demand held at 2030's in 2029): 505 each year
    assert every.stage_values["weighted_supply"] == pytest.approx(505.0, rel=1e-9)
    for name, value in every.stage_values.items():
        assert pruned.stage_values[name] == pytest.approx(value, rel=1e-9), name
    for year in (2029, 2030):
        far = [var for key, var in model.at(year).shipment.items() if key[:3] == ("mine", "far", "mixed")]
        assert far and all(var.name.endswith(f"_y{year}") for var in far), year
    assert pruned.shipping.links_added >= 1


def test_pruned_equals_every_link_over_two_years_on_synthetic_sites(tmp_path):
    catalog = load_catalog(write_synthetic_catalog(tmp_path / "cat", 60, seed=17))
    years = dict(years=(2028, 2030), target_year=2030)
    every, _ = solve(catalog, **years)
    pruned, model = solve(catalog, shipping_k_nearest=5, **years)
    assert every.optimal and pruned.optimal
    for name, value in every.stage_values.items():
        assert pruned.stage_values[name] == pytest.approx(value, rel=1e-6, abs=1e-6), name
    assert pruned.shipping.links_built < pruned.shipping.links_in_all


def test_interior_point_then_pricing_reaches_the_same_optimum(tmp_path):
    catalog = far_link_catalog(tmp_path / "cat")
    ipm, model = solve(catalog, allow_new_capacity=False, shipping_k_nearest=1, solver_method="ipm")
    assert ipm.optimal and ipm.stage_values["weighted_supply"] == pytest.approx(505.0, rel=1e-9)
    assert any(key[:3] == ("mine", "far", "mixed") for key in model.shipment)  # priced with the crossover's duals


def test_a_milp_builds_every_link_first(tmp_path):
    """Binaries leave no duals to price with: every waiting link is built before the solve."""
    catalog = far_link_catalog(tmp_path / "cat")
    every, _ = solve(catalog, min_plant_size=True)
    pruned, model = solve(catalog, min_plant_size=True, shipping_k_nearest=1)
    assert model.has_integers and pruned.shipping.rounds == 0
    assert pruned.shipping.links_built == pruned.shipping.links_in_all
    assert pruned.stage_values["weighted_supply"] == pytest.approx(every.stage_values["weighted_supply"], rel=1e-9)


def test_solver_method_by_size():
    assert solver_method("auto", IPM_COLUMNS - 1, integer=False) == "simplex"
    assert solver_method("auto", IPM_COLUMNS, integer=False) == "ipm"
    assert solver_method("auto", 10 * IPM_COLUMNS, integer=True) == "simplex"  # branch and bound
    assert solver_method("ipm", 10, integer=False) == "ipm"
    assert solver_method("simplex", 10 * IPM_COLUMNS, integer=False) == "simplex"


def test_run_summary_says_rounds_and_links(tmp_path, capsys):
    import json

    from planner.cli import main

    far_link_catalog(tmp_path / "cat")
    scenario = tmp_path / "s.toml"
    scenario.write_text('name = "far"\ncatalog = "cat"\nallow_new_capacity = false\nshipping_k_nearest = 1\n')
    assert main(["run", str(scenario), "--out", str(tmp_path / "out"), "--no-map"]) == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["shipping"]["k_nearest"] == 1 and summary["shipping"]["pricing_rounds"] >= 1
    assert summary["settings"]["shipping_k_nearest"] == 1 and "solver_method" not in summary["settings"]
    links = summary["shipping"]
    # 2 ores x 2 cracking plants; each ore's own site's plant is built first
    assert links["deliveries_in_all"] == 4 and 2 <= links["deliveries_built"] <= 4
    assert (f"Shipping links: {links['links_built']:,} of {links['links_in_all']:,} built, feed deliveries "
            f"{links['deliveries_built']} of 4 (each site's 1 nearest first" in capsys.readouterr().out)


def test_pricing_resolves_by_primal_simplex_and_hands_back_dual(tmp_path, monkeypatch):
    """Re-solves after priced columns came in run primal simplex (the basis is still primal
    feasible); every other solve keeps HiGHS's dual simplex."""
    strategies = []
    original = StageSolver._run

    def recording(self):
        strategies.append(self._highs.getOptionValue("simplex_strategy")[1])
        return original(self)

    monkeypatch.setattr(StageSolver, "_run", recording)
    catalog = far_link_catalog(tmp_path / "cat")
    settings = ModelSettings(allow_new_capacity=False, shipping_k_nearest=1)
    solver = StageSolver(build_model(prepare(catalog, settings), settings.objective))
    solution = solver.solve()
    assert solution.optimal and solution.shipping.rounds >= 1
    # the first stage and the cost stage each start by dual simplex; each pricing round re-solves by primal
    assert strategies.count(4) == solution.shipping.rounds and strategies.count(1) == 2
    assert solver._highs.getOptionValue("simplex_strategy")[1] == 1


@pytest.mark.parametrize("objective, extra", [("min_cost", {}), ("min_import_reliance", {}),
                                               ("min_worst_year_reliance", {"years": (2028, 2030)})])
def test_pruned_equals_every_link_for_each_objective(tmp_path, objective, extra):
    """Each objective's stages (a cost stage first, a reliance stage that ships for free, two
    years) reach the all-links optimum pruned, with the pool empty at the end."""
    catalog = load_catalog(write_synthetic_catalog(tmp_path / "cat", 60, seed=17))
    every, _ = solve(catalog, objective=objective, **extra)
    pruned, _ = solve(catalog, objective=objective, shipping_k_nearest=3, **extra)
    assert every.optimal and pruned.optimal and list(pruned.stage_values) == list(every.stage_values)
    for name, value in every.stage_values.items():
        assert pruned.stage_values[name] == pytest.approx(value, rel=1e-9, abs=1e-9), name
    assert pruned.shipping.pool_t == pytest.approx(0.0, abs=1e-7)
    assert pruned.shipping.links_built < pruned.shipping.links_in_all
