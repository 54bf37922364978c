"""Issue 12, phase 2: the model reads origin, ownership, timing, heavy routing, capex basis and
demand scopes. Hand-solved on tests/factory.py catalogs; the arithmetic is in each docstring."""
import dataclasses

import pytest

from factory import ONE_MINE, SRC, capacity, demand, feed, imports, site, tech
from models import ModelSettings, prepare
from planner.run import load_inputs, run_scenario
from planner.scenario import load_scenario
from sites import load_catalog

NO_NEW = ModelSettings(allow_new_capacity=False, budget_usd=0)


def _imported(feed_row: dict, country: str = "AU") -> dict:
    return {**feed_row, "origin": "imported_concentrate", "origin_country": country}


def _cases(reversal_share: float) -> list[dict]:
    return [{"case": c, "description": c, "foreign_concentrate_share_low": s, "foreign_concentrate_share_base": s,
             "foreign_concentrate_share_high": s, "foreign_concentrate_source": SRC, "note": ""}
            for c, s in (("reversal", reversal_share), ("truce", 1.0))]


FOREIGN = dict(
    sites=[site("mill", allowed="")],
    feedstocks=[feed("dom", "mill", 100, nd=0.5, other=0.5), _imported(feed("imp", "mill", 200, nd=0.5, other=0.5))],
    technologies=[tech("sx", "mixed", "oxide", 100_000)],
    site_capacity=[capacity("mill", "sx", 1000)],
    demand=[demand("Nd", 1000)],
    imports=[imports("Nd", 0), imports("Nd", 0, case="reversal")],
    import_cases=_cases(0.5),
)


@pytest.mark.parametrize("case, usable_imp, foreign_t, reliance, import_reliance", [
    ("truce", 200.0, 100.0, 0.10, 0.85),
    ("reversal", 100.0, 50.0, 0.05, 0.90),
])
def test_cutting_foreign_concentrate_moves_foreign_feed_reliance(solve, case, usable_imp, foreign_t, reliance,
                                                               import_reliance):
    """One mill (1,000 t/yr SX, recovery 1) takes a domestic feed of 100 t/yr and an imported one
    of 200 t/yr, both 50% Nd; Nd oxide demand 1,000 t/yr, no imports.
    truce: foreign share 1 -> 200 t usable; Nd made 0.5 x 300 = 150 t, of which 0.5 x 200 = 100 t
    from imported concentrate: foreign-feed reliance 100 / 1,000 = 10%, import reliance
    (1,000 - 150) / 1,000 = 85%.
    reversal: foreign share 0.5 -> 100 t usable; Nd 0.5 x 200 = 100 t, 50 t foreign: 5% and 90%.
    Cutting the foreign concentrate moves foreign-feed reliance by exactly 5 points."""
    result, _, _ = solve(dataclasses.replace(NO_NEW, import_case=case), **FOREIGN)
    feeds = result.feeds.set_index("feedstock_id")
    assert feeds.at["imp", "supply_tpa"] == pytest.approx(usable_imp)
    assert feeds.at["imp", "used_tpa"] == pytest.approx(usable_imp)
    nd = result.elements.set_index("element").loc["Nd"]
    assert nd["foreign_feed_t"] == pytest.approx(foreign_t)
    assert nd["foreign_feed_reliance"] == pytest.approx(reliance)
    assert nd["import_reliance"] == pytest.approx(import_reliance)
    assert result.summary.foreign_feed_reliance == {"Nd": pytest.approx(reliance)}
    assert result.summary.import_reliance == {"Nd": pytest.approx(import_reliance)}


def test_domestic_feed_is_credited_first_when_supply_exceeds_demand(solve):
    """Same mill, Nd demand only 60 t/yr: the 50 t of Nd from domestic feed are credited first,
    then 10 t of the 100 t from imported feed: foreign-feed reliance 10 / 60."""
    tables = dict(FOREIGN, demand=[demand("Nd", 60)])
    result, _, _ = solve(dataclasses.replace(NO_NEW, import_case="truce"), **tables)
    nd = result.elements.set_index("element").loc["Nd"]
    assert nd["import_reliance"] == pytest.approx(0.0)
    assert nd["foreign_feed_t"] == pytest.approx(10.0)
    assert nd["foreign_feed_reliance"] == pytest.approx(10 / 60, abs=1e-6)  # tables round to 6 decimals


HEAVY = dict(
    sites=[site("mine", allowed="")],
    feedstocks=[{**feed("conc", "mine", 100, nd=0.5, dy=0.1, other=0.4), "heavy_other_share": 0.1}],
    technologies=[tech("sx", "mixed", "oxide", 100_000), tech("hsep", "heavy_concentrate", "oxide", 100_000)],
    technology_outputs=[{"technology_id": "sx", "element": e, "output_form": "heavy_concentrate", "recovery_low": 1,
                         "recovery_base": 1, "recovery_high": 1, "recovery_source": SRC, "note": ""}
                        for e in ("Dy", "other")],
    site_capacity=[capacity("mine", "sx", 100), capacity("mine", "hsep", 100)],
    demand=[demand("Nd", 1000), demand("Dy", 50)],
    imports=[imports("Nd", 0), imports("Dy", 0)],
)


def test_heavy_concentrate_needs_a_heavy_separation_plant(solve):
    """100 t/yr of concentrate (Nd 50%, Dy 10%, other 40% of which SEG+ 10% of REO) through
    light SX (recovery 1): 50 t Nd oxide; Dy (10 t) and the SEG+ quarter of "other" (10 t)
    leave as heavy concentrate. Without heavy separation the 10 t Dy are stocked, no Dy oxide;
    with the 100 t/yr heavy circuit (recovery 1) all 10 t become Dy oxide, and its capacity
    holds 10 t Dy + 10 t SEG+ = 20 t."""
    without, _, _ = solve(dataclasses.replace(NO_NEW, exclude_technologies=("hsep",)), **HEAVY)
    dy = without.elements.set_index("element").loc["Dy"]
    assert dy["domestic_t"] == 0.0 and dy["heavy_concentrate_t"] == pytest.approx(10.0)
    assert without.elements.set_index("element").at["Nd", "domestic_t"] == pytest.approx(50.0)
    sx_dy = without.production.set_index(["technology", "element"]).loc[("sx", "Dy")]
    assert (sx_dy["output_t"], sx_dy["routed_form"], sx_dy["routed_t"]) == (0.0, "heavy_concentrate", 10.0)
    with_heavy, _, _ = solve(NO_NEW, **HEAVY)
    dy = with_heavy.elements.set_index("element").loc["Dy"]
    assert dy["domestic_t"] == pytest.approx(10.0) and dy["heavy_concentrate_t"] == 0.0
    hsep = with_heavy.capacity.set_index("technology").loc["hsep"]
    assert 10.0 - 1e-6 <= hsep["throughput_tpa"] <= 20.0 + 1e-6


def _owned(**changes) -> dict:
    """A mine (operator Mine Co) with 100 t/yr of 50% Nd concentrate, and a mill (operator Mill Co)
    with 1,000 t/yr SX and 10 t/yr of its own concentrate."""
    mine_feed = {**feed("conc", "mine", 100, nd=0.5, other=0.5), "owner": "Mine Co"}
    mill_feed = {**feed("own", "mill", 10, nd=0.5, other=0.5), "owner": "Mill Co"}
    tables = dict(sites=[site("mine"), site("mill")], feedstocks=[mine_feed, mill_feed],
                  technologies=[tech("sx", "mixed", "oxide", 100_000)],
                  site_capacity=[{**capacity("mill", "sx", 1000), "owner": "Mill Co"}],
                  demand=[demand("Nd", 1000)], imports=[imports("Nd", 0)])
    for key, value in changes.items():
        tables[key] = value(tables[key])
    return tables


def test_captive_plant_refuses_toll_feed(solve):
    """toll_processing true: the mill takes both feeds, 110 t -> 55 t Nd. false (captive, like
    Mountain Pass's line): only Mill Co's own 10 t -> 5 t Nd; the mine's 100 t stay unused."""
    toll, _, _ = solve(NO_NEW, **_owned())
    assert toll.feeds.set_index("feedstock_id")["used_tpa"].to_dict() == {"conc": 100.0, "own": 10.0}
    captive = _owned(site_capacity=lambda rows: [{**rows[0], "toll_processing": "false"}])
    result, model, _ = solve(NO_NEW, **captive)
    assert result.feeds.set_index("feedstock_id")["used_tpa"].to_dict() == {"conc": 0.0, "own": 10.0}
    assert result.elements.set_index("element").at["Nd", "domestic_t"] == pytest.approx(5.0)
    assert ("conc", "mill", "sx") not in model.feed_delivery  # no arc at all, not a zero flow


def test_captive_feed_goes_only_to_its_owners_plants(solve):
    """The mine's feed marked captive to Mine Co: the toll-processing mill (Mill Co) may not take it."""
    tables = _owned(feedstocks=lambda rows: [{**rows[0], "captive": "true"}, rows[1]])
    result, _, _ = solve(NO_NEW, **tables)
    assert result.feeds.set_index("feedstock_id")["used_tpa"].to_dict() == {"conc": 0.0, "own": 10.0}


RAMP = [{"curve_id": "r", "year": y, "share_low": s, "share_base": s, "share_high": s, "source": SRC, "note": ""}
        for y, s in ((1, 0.25), (2, 0.5), (3, 0.75))]


def _ramped(first_feed: int = 2029, first_plant: int = 2030) -> dict:
    late = {"milestone_year": first_plant, **{f"first_output_year_{c}": first_plant for c in ("low", "base", "high")}}
    return dict(
        sites=[site("mine", allowed="")],
        feedstocks=[{**feed("conc", "mine", 1000, start_year=first_feed, nd=0.5, other=0.5), "ramp_curve": "r"}],
        technologies=[tech("sx", "mixed", "oxide", 100_000)],
        site_capacity=[{**capacity("mine", "sx", 400), **late, "ramp_curve": "r"}],
        demand=[demand("Nd", 1000), demand("Nd", 1000, year=2035), demand("Nd", 1000, year=2028)],
        imports=[imports("Nd", 0)],
        ramp_curves=[*RAMP, {"curve_id": "steady", "year": 1, "share_low": 1, "share_base": 1, "share_high": 1,
                             "source": SRC, "note": ""}],
    )


@pytest.mark.parametrize("year, supply, available, nd", [
    (2030, 500.0, 100.0, 50.0),   # feed year 2 (0.5 x 1,000), plant year 1 (0.25 x 400): Nd 0.5 x 100
    (2031, 750.0, 200.0, 100.0),  # feed year 3 (0.75), plant year 2 (0.5 x 400)
    (2035, 750.0, 300.0, 150.0),  # after the curve ends the last share (0.75) holds for both
])
def test_ramp_up_gives_the_hand_computed_supply(solve, year, supply, available, nd):
    """Feed 1,000 t/yr, first output 2029; plant 400 t/yr, first output 2030; both on curve r
    (0.25, 0.5, 0.75). Supply in year T = nameplate x share(T - first + 1)."""
    settings = dataclasses.replace(NO_NEW, target_year=year, decision_year=2026,
                                   demand_t={("Nd", "oxide"): 1000.0} if year == 2031 else {})
    result, _, _ = solve(settings, **_ramped())
    assert result.feeds.set_index("feedstock_id").at["conc", "supply_tpa"] == pytest.approx(supply)
    cap = result.capacity.set_index("technology").loc["sx"]
    assert (cap["existing_tpa"], cap["available_tpa"]) == (400.0, pytest.approx(available))
    assert result.elements.set_index("element").at["Nd", "domestic_t"] == pytest.approx(nd)


def test_nothing_before_first_output(tmp_path):
    """Target 2028: the feed (first output 2029) is not in the model and the plant has 0 t/yr."""
    import factory

    catalog = load_catalog(factory.write_catalog(tmp_path / "c", **_ramped()))
    inputs = prepare(catalog, dataclasses.replace(NO_NEW, target_year=2028, decision_year=2026))
    assert inputs.feeds.empty
    assert inputs.plants.set_index("technology_id").at["sx", "existing_available_tpa"] == 0.0


def test_new_capacity_ramps_from_decision_year_plus_lead_time(solve):
    """SX (lead time 2) decided 2026 first produces in 2028; in 2030 it is in year 3 of curve r:
    0.75 of nameplate. $3M federal at 50% of $100k per t/yr buys 60 t/yr, 45 t/yr available:
    22.5 t Nd from the 50% concentrate."""
    tables = dict(ONE_MINE, technologies=[{**tech("sx", "mixed", "oxide", 100_000), "ramp_curve": "r"}],
                  ramp_curves=[*RAMP, {"curve_id": "steady", "year": 1, "share_low": 1, "share_base": 1,
                                       "share_high": 1, "source": SRC, "note": ""}])
    result, _, _ = solve(ModelSettings(budget_usd=3e6), **tables)
    cap = result.capacity.set_index("technology").loc["sx"]
    assert (cap["new_tpa"], cap["available_tpa"]) == (pytest.approx(60.0), pytest.approx(45.0))
    assert result.elements.set_index("element").at["Nd", "domestic_t"] == pytest.approx(22.5)


def test_brownfield_and_greenfield_capex(solve):
    """Two sites with cost multiplier 1.5. 'mine' already runs an SX plant (10 t/yr): brownfield
    $40k per t/yr, no multiplier. 'mill' runs nothing: greenfield $100k x 1.5 = $150k.
    $2M federal at 50% = $4M of capex buys 100 t/yr at the mine (not 26.7 t/yr at the mill)."""
    sx = {**tech("sx", "mixed", "oxide", 100_000), **{f"capex_brownfield_usd_per_tpa_{c}": 40_000
                                                       for c in ("low", "base", "high")}}
    tables = dict(sites=[site("mine", allowed="sx", multiplier=1.5), site("mill", allowed="sx", multiplier=1.5)],
                  feedstocks=[feed("conc", "mine", 1000, nd=0.5, other=0.5)], technologies=[sx],
                  site_capacity=[capacity("mine", "sx", 10)], demand=[demand("Nd", 1000)], imports=[imports("Nd", 0)])
    result, model, _ = solve(ModelSettings(budget_usd=2e6), **tables)
    plants = model.inputs.plants.set_index("site_id")
    assert plants.at["mine", "capex_usd_per_tpa"] == 40_000 and plants.at["mine", "capex_basis"] == "brownfield"
    assert plants.at["mill", "capex_usd_per_tpa"] == 150_000 and plants.at["mill", "capex_basis"] == "greenfield"
    cap = result.capacity.set_index("site_id")
    assert cap.at["mine", "new_tpa"] == pytest.approx(100.0) and "mill" not in cap.index


def test_demand_scope_adds_its_rows_and_their_imports(tmp_path):
    """demand.csv: Nd metal 1,000 t (base), truce imports 500 t (50%). Scope rows: magnet_makers
    +100 t, us_consumption +300 t. us_consumption: demand 1,300 t, imports 500 + 300 x 50% = 650 t."""
    import factory

    scopes = [{"scope": s, "element": "Nd", "form": "metal", "target_year": 2030, "extra_t_low": t,
               "extra_t_base": t, "extra_t_high": t, "extra_source": SRC, "note": ""}
              for s, t in (("magnet_makers", 100), ("us_consumption", 300))]
    tables = dict(ONE_MINE, demand=[demand("Nd", 1000, form="metal")], imports=[imports("Nd", 500, form="metal")],
                  demand_scopes=scopes)
    catalog = load_catalog(factory.write_catalog(tmp_path / "c", **tables))
    makers = prepare(catalog, ModelSettings())
    assert (makers.demand_t, makers.imports_t) == ({("Nd", "metal"): 1100.0}, {("Nd", "metal"): 550.0})
    consumption = prepare(catalog, ModelSettings(demand_scope="us_consumption"))
    assert (consumption.demand_t, consumption.imports_t) == ({("Nd", "metal"): 1300.0}, {("Nd", "metal"): 650.0})


@pytest.fixture(scope="module")
def backcast():
    scenario = load_scenario("backcast-2024")
    return run_scenario(scenario, load_inputs(scenario))


def test_backcast_2024_matches_reported_production_within_15_percent(backcast):
    """Mountain Pass 2024 (MP Materials 10-K FY2024): 45,455 t REO in concentrate, 1,294 t NdPr
    oxide; no Dy/Tb oxide anywhere in the US. Model: the MP feed at 45,000 t/yr (steady, base);
    the light line in ramp year 2 (first output 2023): 40,000 x 0.22 = 8,800 t/yr of input x
    (11.493% + 4.207%) x 0.95 = 1,312.5 t NdPr; its Dy and Tb leave in heavy concentrate and the
    heavy circuit starts in 2026."""
    history = backcast.catalog.production_history
    mp = history[history["site_id"] == "mountain-pass"].set_index(["product", "year"])["reported_t"]
    feeds = backcast.result.feeds.set_index("feedstock_id")
    assert feeds.at["mp-bastnaesite", "supply_tpa"] == pytest.approx(mp[("reo_in_concentrate", 2024)], rel=0.15)
    prod = backcast.result.production.set_index(["site_id", "technology", "element"])["output_t"]
    ndpr = prod[("mountain-pass", "sx_separation", "Nd")] + prod[("mountain-pass", "sx_separation", "Pr")]
    assert ndpr == pytest.approx(1312.5, abs=0.1)
    assert ndpr == pytest.approx(mp[("ndpr_oxide", 2024)], rel=0.15)
    elements = backcast.result.elements.set_index("element")
    assert elements.loc[["Dy", "Tb"], "domestic_t"].sum() == 0.0 == mp[("dy_tb_oxide", 2024)]
    assert backcast.summary.federal_usd == 0.0
