"""Small catalogs whose optimum can be worked out by hand (numbers in each docstring)."""
import pytest
from pyproj import Geod

import factory as f
from models import ModelSettings

ONE_MINE = f.ONE_MINE


def test_budget_binding(solve):
    """$10M federal at 50% share buys $20M of capex = 200 t/yr at $100k per t/yr.
    200 t/yr of a 50% Nd feed gives 100 t Nd (weight 1): objective 100.
    Each extra $1M federal buys 20 t/yr more, i.e. 10 t Nd: the budget dual is 10."""
    result, _, _ = solve(ModelSettings(budget_usd=10e6), **ONE_MINE)
    s = result.summary
    assert s["status"] == "optimal"
    assert s["objective_value"] == pytest.approx(100.0, abs=1e-6)
    assert s["federal_usd"] == pytest.approx(10e6)
    assert s["capex_usd"] == pytest.approx(20e6)
    assert s["budget_marginal_value"] == pytest.approx(10.0, abs=1e-6)
    cap = result.capacity.iloc[0]
    assert (cap.site_id, cap.technology, cap.new_tpa, cap.throughput_tpa) == ("mine", "sx", 200.0, 200.0)
    nd = result.elements.set_index("element").loc["Nd"]
    assert (nd.domestic_t, nd.imports_t, nd.unmet_t) == (100.0, 0.0, 900.0)
    assert nd.import_reliance == pytest.approx(0.9)
    assert list(result.portfolio["capacity_tpa"]) == [200.0]


def test_budget_dual_matches_finite_difference(solve):
    """The objective's slope in the budget equals the reported dual (both 10 t per $1M)."""
    low, _, solver = solve(ModelSettings(budget_usd=10e6), **ONE_MINE)
    solver.set_budget(11e6)  # warm re-solve of the same model
    high = solver.solve().stage_values["weighted_supply"]
    slope = (high - low.summary["objective_value"]) / 1.0
    assert slope == pytest.approx(low.summary["budget_marginal_value"], abs=1e-6)


def test_feed_binding(solve):
    """Only 100 t/yr of feed: 100 t/yr of plant suffices (cost tie-break builds no more),
    50 t Nd, $5M federal of a $1B budget; the budget does not bind (dual 0)."""
    tables = dict(ONE_MINE, feedstocks=[f.feed("conc", "mine", 100, nd=0.5, other=0.5)])
    result, _, _ = solve(ModelSettings(budget_usd=1e9), **tables)
    assert result.summary["objective_value"] == pytest.approx(50.0)
    assert result.capacity["new_tpa"].tolist() == [100.0]
    assert result.summary["federal_usd"] == pytest.approx(5e6)
    assert result.summary["budget_marginal_value"] == pytest.approx(0.0, abs=1e-9)
    assert result.feeds["used_tpa"].tolist() == [100.0]


def test_demand_caps_credit(solve):
    """Feed could give 500 t Nd but demand is 200: only 200 is credited, so only 400 t/yr
    of plant is built; one more tonne of demand is worth its weight (dual 1)."""
    tables = dict(ONE_MINE, demand=[f.demand("Nd", 200)])
    result, _, _ = solve(ModelSettings(budget_usd=1e9), **tables)
    assert result.summary["objective_value"] == pytest.approx(200.0)
    assert result.capacity["new_tpa"].tolist() == [400.0]
    duals = result.duals.set_index("constraint")
    assert duals.loc["demand_balance", "dual"] == pytest.approx(1.0)
    assert result.elements.set_index("element").at["Nd", "import_reliance"] == pytest.approx(0.0)


IMPORTS = dict(
    ONE_MINE,
    # $100k/t/yr capex over 20 years at 0% = $5,000/yr per t/yr, plus $150,000/t opex:
    # $155,000 per t of feed = $310,000 per t Nd, dearer than imports at $100,000/t
    # and cheaper than unmet demand at 10 x $100,000/t.
    technologies=[f.tech("sx", "mixed", "oxide", 100_000, opex_usd_per_t=150_000)],
    demand=[f.demand("Nd", 100)],
    imports=[f.imports("Nd", 60), f.imports("Nd", 0, case="reversal")],
)


def test_import_availability_caps_imports(solve):
    """min_cost imports all 60 t allowed and makes the other 40 t at home (80 t/yr of plant):
    cost = 60 x $0.1M + 80 x $0.155M = $18.4M/yr."""
    result, _, _ = solve(ModelSettings(objective="min_cost", budget_usd=1e8), **IMPORTS)
    nd = result.elements.set_index("element").loc["Nd"]
    assert (nd.imports_t, nd.domestic_t, nd.unmet_t) == (60.0, 40.0, 0.0)
    assert nd.import_reliance == pytest.approx(0.6)
    assert result.summary["objective_value"] == pytest.approx(18.4)
    assert result.capacity["new_tpa"].tolist() == [80.0]


def test_policy_reversal_case_cuts_imports(solve):
    """With the reversal case (no Nd imports) all 100 t are made at home: 200 t/yr, $31M/yr."""
    result, _, _ = solve(ModelSettings(objective="min_cost", budget_usd=1e8, import_case="reversal"), **IMPORTS)
    nd = result.elements.set_index("element").loc["Nd"]
    assert (nd.imports_t, nd.domestic_t, nd.unmet_t) == (0.0, 100.0, 0.0)
    assert result.summary["objective_value"] == pytest.approx(31.0)


def test_feed_keeps_its_element_split_into_every_plant(solve):
    """Two existing 100 t/yr plants and no money: X recovers everything, Y recovers only 1% of
    Nd (but all the La/Ce). Sending all the Nd to X and all the 'other' to Y would give 100 t
    Nd; but each plant takes the concentrate whole (half Nd), so X makes 50 t and Y 0.5 t."""
    tables = dict(
        sites=[f.site("mine"), f.site("near"), f.site("mill")],
        feedstocks=[f.feed("conc", "mine", 1000, nd=0.5, other=0.5)],
        technologies=[f.tech("x", "mixed", "oxide", 100_000), f.tech("y", "mixed", "oxide", 100_000)],
        site_capacity=[f.capacity("near", "x", 100), f.capacity("mill", "y", 100)],
        demand=[f.demand("Nd", 1000)],
        imports=[f.imports("Nd", 0)],
    )
    tables["technologies"][1].update(recovery_nd=0.01)
    result, _, _ = solve(ModelSettings(budget_usd=0), **tables)
    assert result.summary["objective_value"] == pytest.approx(50.5)
    prod = result.production.set_index(["site_id", "technology", "element"])
    assert prod.at[("near", "x", "Nd"), "input_t"] == pytest.approx(50.0)
    assert prod.at[("near", "x", "other"), "input_t"] == pytest.approx(50.0)
    assert prod.at[("mill", "y", "Nd"), "output_t"] == pytest.approx(0.5)
    flows = result.flows.groupby(["to_site", "element"])["tonnes"].sum()
    assert flows.to_dict() == pytest.approx({("mill", "Nd"): 50.0, ("mill", "other"): 50.0,
                                             ("near", "Nd"): 50.0, ("near", "other"): 50.0})


def _two_mills(usd_per_tkm: float):
    """Mine in CA; mills in NV (capex x2) and TX (capex x1); the mine cannot build."""
    tables = dict(
        sites=[f.site("mine"), f.site("near", allowed="sx", multiplier=2.0), f.site("mill", allowed="sx")],
        feedstocks=[f.feed("conc", "mine", 1000, nd=0.5, other=0.5)],
        technologies=[f.tech("sx", "mixed", "oxide", 100_000)],
        demand=[f.demand("Nd", 1000)],
        imports=[f.imports("Nd", 0)],
    )
    tables["parameters"] = [
        dict(p, value=usd_per_tkm) if p["parameter"] == "transport_usd_per_tkm" else p
        for p in f.default_tables()["parameters"]
    ]
    return tables


def _km(a: str, b: str) -> float:
    _, _, lat_a, lon_a = f.PLACES[a]
    _, _, lat_b, lon_b = f.PLACES[b]
    return Geod(ellps="WGS84").inv(lon_a, lat_a, lon_b, lat_b)[2] / 1000


@pytest.mark.parametrize("usd_per_tkm, winner", [(1.0, "mill"), (5.0, "near")])
def test_shipping_cost_decides_the_site(solve, usd_per_tkm, winner):
    """NV's doubled capex costs $100k/20 yr = $5,000/yr more per t/yr; TX is ~1,619 km
    further. Break-even freight is $5,000 / 1,619 km = $3.09/t-km: at $1 TX wins, at $5 NV."""
    extra_km = _km("mine", "mill") - _km("mine", "near")
    assert 5000 / extra_km == pytest.approx(3.09, abs=0.01)
    result, _, _ = solve(ModelSettings(budget_usd=1e9), **_two_mills(usd_per_tkm))
    assert result.summary["objective_value"] == pytest.approx(500.0)
    assert result.capacity["site_id"].tolist() == [winner]
    flows = result.flows
    assert set(flows["to_site"]) == {winner} and set(flows["from_site"]) == {"mine"}
    assert flows["tonnes"].sum() == pytest.approx(1000.0)
    km = _km("mine", winner)
    assert flows["distance_km"].iloc[0] == pytest.approx(km, abs=1e-6)
    assert flows["transport_usd"].sum() == pytest.approx(1000 * km * usd_per_tkm, rel=1e-6)


def test_min_import_reliance_balances_elements(solve):
    """Two feeds, one Nd-only, one Dy-only, same plant cost; demand 100 t each, $1M federal
    buys 20 t/yr. Minimising the largest reliance splits capacity 10/10: reliance 0.9 each."""
    tables = dict(
        sites=[f.site("mine", allowed="sx")],
        feedstocks=[f.feed("a", "mine", 1000, nd=1.0), f.feed("b", "mine", 1000, dy=1.0)],
        technologies=[f.tech("sx", "mixed", "oxide", 100_000)],
        demand=[f.demand("Nd", 100), f.demand("Dy", 100)],
        imports=[f.imports("Nd", 0), f.imports("Dy", 0)],
    )
    result, _, _ = solve(ModelSettings(objective="min_import_reliance", budget_usd=1e6), **tables)
    assert result.summary["objective_value"] == pytest.approx(0.9)
    el = result.elements.set_index("element")
    assert el.at["Nd", "domestic_t"] == pytest.approx(10.0)
    assert el.at["Dy", "domestic_t"] == pytest.approx(10.0)


@pytest.mark.parametrize("budget_usd, size_range, new_tpa", [
    (10e6, (300, 1000), []),  # a 300 t/yr plant needs $15M federal: nothing can be built
    (20e6, (300, 1000), [400.0]),  # $20M buys 400 t/yr, inside the range
    (20e6, (150, 250), [250.0]),  # capped at the largest plant
])
def test_plant_size_range_makes_sizes_discrete(solve, budget_usd, size_range, new_tpa):
    settings = ModelSettings(budget_usd=budget_usd, plant_size_range_tpa=size_range)
    result, _, _ = solve(settings, **ONE_MINE)
    assert result.capacity["new_tpa"].tolist() == new_tpa
    assert result.summary["objective_value"] == pytest.approx(sum(new_tpa) * 0.5)


@pytest.mark.parametrize("floor, new_tpa, supply", [
    (0.0, 1100.0, 150.0),  # no floor: both feeds are processed
    (5.0, 100.0, 50.0),  # only the rich feed is worth 5 t per $1M
    (12.0, 0.0, 0.0),  # nothing is worth 12
])
def test_value_floor_for_money(solve, floor, new_tpa, supply):
    """Each $1M federal buys 20 t/yr of plant ($100k/t/yr, 50% share): 10 t Nd from the rich
    feed (50% Nd), 2 t from the lean one (10% Nd). A floor of 5 t per $1M funds only the rich
    feed's plant; the objective is then supply minus 5 x federal $M = 50 - 5 x 5 = 25."""
    tables = dict(ONE_MINE, feedstocks=[f.feed("rich", "mine", 100, nd=0.5, other=0.5),
                                        f.feed("lean", "mine", 1000, nd=0.1, other=0.9)])
    result, _, _ = solve(ModelSettings(budget_usd=1e9, min_value_per_musd=floor), **tables)
    assert result.capacity["new_tpa"].sum() == pytest.approx(new_tpa)
    assert result.summary["weighted_supply"] == pytest.approx(supply)
    assert result.summary["objective_value"] == pytest.approx(supply - floor * new_tpa * 0.05)


def _project(pid, tpa, federal_musd):
    from models.settings import Project
    return Project(pid, f"Applicant {pid}", "mine", "sx", tpa, federal_musd * 1e6, 2 * federal_musd * 1e6)


def test_fixed_projects_are_built_as_proposed(solve):
    """One 150 t/yr proposal asking $5M: 75 t Nd, $5M federal, whatever the budget share rule says."""
    settings = ModelSettings(budget_usd=1e9, projects=(_project("A", 150, 5),), project_mode="fixed")
    result, _, _ = solve(settings, **ONE_MINE)
    assert result.summary["objective_value"] == pytest.approx(75.0)
    assert result.summary["federal_usd"] == pytest.approx(5e6)
    assert result.portfolio[["project_id", "capacity_tpa", "federal_request_usd"]].values.tolist() == [
        ["A", 150.0, 5e6]]


def test_choose_projects_all_or_nothing(solve):
    """$10M for A (100 t/yr, $6M), B (80, $5M), C (60, $4M): A+B is over budget, so the best
    pair is A+C = 160 t/yr (80 t Nd), beating B+C = 140 t/yr."""
    pool = (_project("A", 100, 6), _project("B", 80, 5), _project("C", 60, 4))
    result, _, _ = solve(ModelSettings(budget_usd=10e6, projects=pool, project_mode="choose"), **ONE_MINE)
    assert result.summary["objective_value"] == pytest.approx(80.0)
    assert result.projects.set_index("project_id")["funded"].to_dict() == {"A": 1, "B": 0, "C": 1}
    assert result.portfolio["project_id"].tolist() == ["A", "C"]


def test_formulation_doc_names_every_row_variable_and_stage():
    """docs/model.md writes the model down with the code's names; a new row or variable kind
    that the doc does not mention fails here."""
    import dataclasses
    import re
    from pathlib import Path

    from models.formulation import STAGES, PortfolioModel
    doc = (Path(__file__).parents[1] / "docs" / "model.md").read_text()
    source = "".join(p.read_text() for p in (Path(__file__).parents[1] / "models").glob("*.py"))
    row_kinds = set(re.findall(r'row\("([a-z_]+)"', source))
    assert row_kinds >= {"capacity_limit", "balance", "credit_limit", "demand_balance", "budget"}
    variable_dicts = [f.name for f in dataclasses.fields(PortfolioModel)
                      if f.name not in ("inputs", "objective", "prob", "rows", "objectives")]
    stage_names = {name for stages in STAGES.values() for name, _ in stages}
    missing = [n for n in sorted(row_kinds | set(variable_dicts) | stage_names | set(STAGES)) if f"`{n}" not in doc]
    assert missing == []


def test_model_families_match_doc_sections_one_to_one():
    """Each build_<family> in models/families.py has a section of that name in docs/model.md's
    "Variables and rows by family" (and the other way round), in the order build_model runs them."""
    import re
    from pathlib import Path

    from models import families

    doc = (Path(__file__).parents[1] / "docs" / "model.md").read_text()
    part = doc.split("## Variables and rows by family", 1)[1].split("\n## ", 1)[0]
    sections = [h.strip().lower() for h in re.findall(r"^### (.+)$", part, flags=re.M)]
    functions = [f.__name__ for f in families.FAMILIES]
    declared = sorted(n for n in dir(families) if n.startswith("build_"))
    assert sorted(functions) == declared  # every build_ function is run, once
    assert [f"build_{s}" for s in sections] == functions
    assert functions[:3] == ["build_projects", "build_plants", "build_feeds"]


@pytest.mark.parametrize("rate", [1e-16, 1e-12, 1e-9, 9.99e-7])
def test_capital_recovery_factor_of_a_tiny_rate_is_near_the_zero_rate_limit(rate):
    """r (1+r)^n / ((1+r)^n - 1) tends to 1/n as r -> 0; a rate of 1e-16 used to divide by zero
    ((1 + 1e-16)^n is 1.0 in floating point). To first order: 1/n + r (n + 1) / (2n), n = 20 years."""
    from models.inputs import capital_recovery_factor

    assert capital_recovery_factor(rate, 20.0) == pytest.approx(1 / 20 + rate * 21 / 40, rel=1e-9)


def test_capital_recovery_factor_is_continuous_across_the_tiny_rate_switch():
    from models.inputs import TINY_RATE, capital_recovery_factor

    below, above = capital_recovery_factor(TINY_RATE * (1 - 1e-9), 25.0), capital_recovery_factor(TINY_RATE, 25.0)
    assert below == pytest.approx(above, rel=1e-8)
    assert capital_recovery_factor(0.07, 20.0) == pytest.approx(0.0943929257, rel=1e-9)  # 0.07 x 1.07^20 / (1.07^20 - 1)
