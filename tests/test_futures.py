"""Futures (docs/model.md, "Futures"): the extensive form's hand-solved optimum, EVPI and VSS,
the shared plan, the one-future special case and the [futures] table's messages."""
from dataclasses import replace

import pytest

import factory as f
from models import ModelSettings, Pipeline, futures
from models.settings import Future
from planner.scenario import check_against_catalog, load_scenario
from sites import load_catalog
from sites.errors import InputError

# A cheap plant useful only if imports are cut. 100 t/yr of Nd oxide demand; a mine's 50% Nd
# concentrate; separation at $2M capex per t/yr input, 20-year life, no discounting: $100k a
# year per t/yr, so $200k a year per t of Nd. Imports cost $100k/t (truce: all 100 t
# available; cut: none); unmet demand costs 10 x price = $1M/t.
CHEAP_PLANT = dict(
    sites=[f.site("mine", allowed="sx")],
    feedstocks=[f.feed("conc", "mine", 1000, nd=0.5, other=0.5)],
    technologies=[f.tech("sx", "mixed", "oxide", 2_000_000)],
    demand=[f.demand("Nd", 100)],
    imports=[f.imports("Nd", 100), f.imports("Nd", 0, case="cut")],
)
P_CUT = 0.25
TWO_FUTURES = (Future("truce", 1 - P_CUT), Future("cut", P_CUT, (("import_case", "cut"),)))


@pytest.fixture
def cheap_catalog(tmp_path):
    return load_catalog(f.write_catalog(tmp_path / "catalog", **CHEAP_PLANT))


def _solve(catalog, settings):
    pipeline = Pipeline.prepare(catalog, settings)
    assert pipeline.solve().optimal
    return pipeline


def test_two_futures_hand_optimum_evpi_vss(cheap_catalog):
    """min_cost, $M/yr. Truce alone: import all 100 t at $0.1M = 10. Cut alone: build 200 t/yr
    (100 t Nd) at $0.2M/t = 20 (unmet would cost 100). Together, with the plant built the cost
    is 20 in both futures; without it 0.75 x 10 + 0.25 x 100 = 32.5: build (SP = 20).
    EVPI = SP - (0.75 x 10 + 0.25 x 20) = 20 - 12.5 = 7.5 = (1 - p)(0.2 - 0.1) x 100.
    The truce plan (build nothing) across futures: 32.5, so VSS = 32.5 - 20 = 12.5."""
    settings = ModelSettings(objective="min_cost", futures=TWO_FUTURES)
    pipeline = _solve(cheap_catalog, settings)
    model = pipeline.model
    assert pipeline.solution.stage_values["annual_cost"] == pytest.approx(20.0, abs=1e-6)
    assert model.new_capacity[("mine", "sx")].varValue == pytest.approx(200.0)
    values = futures.evaluate(cheap_catalog, settings, pipeline)
    assert values.own_optimum == pytest.approx({"truce": 10.0, "cut": 20.0}, abs=1e-6)
    assert values.expected(values.own_optimum) == pytest.approx(12.5, abs=1e-6)
    assert values.evpi == pytest.approx(7.5, abs=1e-6)
    assert values.reference_plan == pytest.approx({"truce": 10.0, "cut": 100.0}, abs=1e-6)
    assert values.eev == pytest.approx(32.5, abs=1e-6)
    assert values.vss == pytest.approx(12.5, abs=1e-6)
    assert values.stochastic_plan == pytest.approx({"truce": 20.0, "cut": 20.0}, abs=1e-6)
    assert values.regret("truce", values.stochastic_plan["truce"]) == pytest.approx(10.0, abs=1e-6)


def test_below_the_break_even_probability_the_plan_is_the_truce_plan(cheap_catalog):
    """Building pays when 0.2 < (1 - p) 0.1 + p 1.0, i.e. p > 1/9: at p = 0.1 nothing is built,
    the stochastic plan is the truce plan (VSS 0) and EVPI = p x (100 - 20) = 8."""
    settings = ModelSettings(objective="min_cost", futures=(Future("truce", 0.9),
                                                            Future("cut", 0.1, (("import_case", "cut"),))))
    pipeline = _solve(cheap_catalog, settings)
    assert pipeline.model.new_capacity[("mine", "sx")].varValue == pytest.approx(0.0, abs=1e-9)
    values = futures.evaluate(cheap_catalog, settings, pipeline)
    assert values.stochastic == pytest.approx(0.9 * 10 + 0.1 * 100, abs=1e-6)
    assert values.vss == 0.0
    assert values.evpi == pytest.approx(8.0, abs=1e-6)


def test_the_plan_is_shared_and_operation_is_per_future(cheap_catalog):
    """One new-capacity variable, in every future's capacity row; each future has its own
    imports and unmet demand: the truce imports nothing once the plant runs, the cut cannot."""
    pipeline = _solve(cheap_catalog, ModelSettings(objective="min_cost", futures=TWO_FUTURES))
    model = pipeline.model
    new = model.new_capacity[("mine", "sx")]
    for i in range(2):
        row = model.prob.get_constraint_by_name(model.rows[("capacity_limit", "mine", "sx", 2030, ("future", i))]
                                                if i else model.rows[("capacity_limit", "mine", "sx")])
        assert new.name in {v.name for v in row.keys()}
    assert [model.at(2030, i).imports[("Nd", "oxide")].upBound for i in range(2)] == [100.0, 0.0]
    assert model.at(2030, 1).imports[("Nd", "oxide")] is not model.at(2030, 0).imports[("Nd", "oxide")]
    one = _solve(cheap_catalog, ModelSettings(objective="min_cost"))
    assert len(futures.plan_of(model)) == len(futures.plan_of(one.model))


def test_one_future_at_probability_one_is_todays_model(shipped_catalog):
    """The baseline as one future with probability 1 builds the same LP (same variables, rows
    and coefficients) and gives the same tables as the baseline itself."""
    settings = load_scenario("baseline").settings()
    today = _solve(shipped_catalog, settings)
    one = _solve(shipped_catalog, replace(settings, futures=(Future("today", 1.0),)))
    assert [v.name for v in one.model.prob.variables()] == [v.name for v in today.model.prob.variables()]
    assert str(one.model.prob.objective) == str(today.model.prob.objective)
    assert [str(c) for c in one.model.prob.constraints()] == [str(c) for c in today.model.prob.constraints()]
    assert one.solution.stage_values == today.solution.stage_values
    a, b = today.result(), one.result()
    for table in ("capacity", "elements", "feeds", "flows", "portfolio", "duals"):
        assert getattr(a, table).equals(getattr(b, table)), table


@pytest.mark.parametrize("overrun", [(("capex_case", "high"),), (("capex_multiplier", 2.0),)])
def test_a_capex_overrun_future_buys_half_the_plant(cheap_catalog, overrun):
    """The factory's high capex is twice base. Truce (p 0.7) at base capex; in the cut future
    (p 0.3) capex doubles, so the money the plan awards at base capex builds half its nameplate.
    Expected cost of a plan of x t/yr (x <= 400): 0.1 x + 0.7 x 0.1 (100 - x/2)+ + 0.3 x 1.0
    (100 - x/4)+. Slope below 200: 0.1 - 0.035 - 0.075 < 0; from 200 to 400: 0.1 - 0.075 > 0:
    x* = 200, SP = 20 + 0.3 x 50 = 35. Alone: truce imports (10), the cut builds 400 (40):
    EVPI = 35 - (7 + 12) = 16. The truce's own plan (nothing) costs 0.7 x 10 + 0.3 x 100 = 37:
    VSS = 2. Without the overrun the same plan would run 200 t/yr in the cut future too."""
    settings = ModelSettings(objective="min_cost", futures=(
        Future("truce", 0.7), Future("cut", 0.3, (("import_case", "cut"), *overrun))))
    pipeline = _solve(cheap_catalog, settings)
    model = pipeline.model
    assert model.inputs.future_list[1].capacity_scale == {("mine", "sx"): 0.5}
    assert pipeline.solution.stage_values["annual_cost"] == pytest.approx(35.0, abs=1e-6)
    assert model.new_capacity[("mine", "sx")].varValue == pytest.approx(200.0)
    assert model.at(2030, 1).unmet[("Nd", "oxide")].varValue == pytest.approx(50.0)
    values = futures.evaluate(cheap_catalog, settings, pipeline)
    assert values.own_optimum == pytest.approx({"truce": 10.0, "cut": 40.0}, abs=1e-6)
    assert values.evpi == pytest.approx(16.0, abs=1e-6)
    assert values.eev == pytest.approx(37.0, abs=1e-6)
    assert values.vss == pytest.approx(2.0, abs=1e-6)
    assert values.stochastic_plan == pytest.approx({"truce": 20.0, "cut": 70.0}, abs=1e-6)


def _problems(tmp_path, text: str, catalog=None) -> list[str]:
    path = tmp_path / "futures.toml"
    path.write_text('extends = "baseline"\n' + text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        scenario = load_scenario(path)
        check_against_catalog(scenario, catalog)
    return [str(p).replace(str(path), "F") for p in err.value.problems]


def test_futures_messages(tmp_path, shipped_catalog):
    keys = ("probability, import_case, import_case_year, demand_case, supply_case, capex_case, capex_multiplier, "
            "failed_options, exclude_feedstocks")
    assert _problems(tmp_path, """
[futures.truce]
probability = 0.7
budget_usd = 5
[futures.reversal]
probability = 0.2
import_cas = "reversal"
demand_case = "huge"
capex_multiplier = -1
""") == [
        f"F, key futures.truce.budget_usd: got '5', expected a key a future may change (budget_usd is first-stage: "
        f"the plan and its money are shared by every future): {keys}",
        f"F, key futures.reversal.import_cas: expected a key a future may change (did you mean 'import_case'?): {keys}",
        "F, key futures.reversal.demand_case: got 'huge', expected one of low, base, high",
        "F, key futures.reversal.capex_multiplier: got '-1', expected a number >= 0.01",
        "F, key futures: got '0.7 + 0.2 = 0.9', expected probabilities summing to 1 (within 1e-09)",
    ]
    assert _problems(tmp_path, "[futures.truce]\nimport_case = \"truce\"\n") == [
        "F, key futures.truce.probability: expected a probability between 0 and 1"]
    assert _problems(tmp_path, "[futures.a]\nprobability = 1.5\n") == [
        "F, key futures.a.probability: got '1.5', expected a probability: a number <= 1"]


def test_futures_catalog_messages(tmp_path, shipped_catalog):
    assert _problems(tmp_path, """
cvar_weight = 0.5
[futures.a]
probability = 0.5
import_case = "revrsal"
[futures.b]
probability = 0.5
exclude_feedstocks = ["no-such-feed"]
failed_options = ["no-such-option"]
""", shipped_catalog)[:2] == [
        "F, key futures.a.import_case: got 'revrsal', expected an import case of the catalog (did you mean "
        "'reversal'?): allied_only, reversal, reversal-ndpr, truce",
        "F, key futures.b.exclude_feedstocks: got 'no-such-feed', expected an id from the catalog"
        + _problems(tmp_path, '[futures.b]\nprobability = 1\nexclude_feedstocks = ["no-such-feed"]\n',
                    shipped_catalog)[0].split("expected an id from the catalog")[1],
    ]
    assert _problems(tmp_path, "cvar_weight = 0.5\n", shipped_catalog) == [
        "F, key cvar_weight: got '0.5', expected 0 unless the scenario declares [futures]"]


def test_minimax_regret_hand_case(cheap_catalog):
    """With n t of Nd from the plant (0..100), truce costs 10 + 0.1 n (regret 0.1 n) and the cut
    100 - 0.8 n (regret 80 - 0.8 n). The largest regret is least where they meet: n = 800/9,
    a plant of 1600/9 t/yr input, regret 80/9 in both futures. Each future's own plan and the
    stochastic plan (n = 100) are each worse somewhere: 80 (truce plan, in the cut), 10."""
    settings = ModelSettings(objective="min_cost", futures=TWO_FUTURES, regret=True)
    pipeline = _solve(cheap_catalog, settings)
    values = futures.evaluate(cheap_catalog, settings, pipeline)
    regret = futures.regret_table(values, "$M/yr").set_index(["plan", "future"])["regret"]
    assert regret.to_dict() == pytest.approx({
        ("stochastic", "truce"): 10.0, ("stochastic", "cut"): 0.0,
        ("own:truce", "truce"): 0.0, ("own:truce", "cut"): 80.0,
        ("own:cut", "truce"): 10.0, ("own:cut", "cut"): 0.0,
        ("minimax_regret", "truce"): 80 / 9, ("minimax_regret", "cut"): 80 / 9}, abs=1e-5)
    # the expected-cost stage after it may use the 1e-7 relative slack granted to the regret
    # (8.9e-7 $M/yr, i.e. 8.9e-6 t of Nd more), hence 1e-5 rather than 1e-6 above
    assert values.minimax_regret == pytest.approx(80 / 9, abs=1e-5)
    mm = futures.minimax_regret(pipeline.model, [values.own_optimum["truce"], values.own_optimum["cut"]])
    assert mm.model.new_capacity[("mine", "sx")].varValue == pytest.approx(1600 / 9, abs=1e-4)
    assert mm.solution.stage_values["max_regret"] == pytest.approx(80 / 9, abs=1e-9)


def test_regret_needs_futures(tmp_path, shipped_catalog):
    assert _problems(tmp_path, "regret = true\n", shipped_catalog) == [
        "F, key regret: got 'True', expected false unless the scenario declares [futures]"]


def test_cvar_hand_case(tmp_path):
    """ONE_MINE at $10M: 200 t/yr of plant, 100 t Nd (W = 100) unless the mine's feed fails
    (future "dry", p = 0.25, W = 0). CVaR at α = 0.5 is the mean of the worst half by
    probability: (0.25 x 0 + 0.25 x 100) / 0.5 = 50; expected 75; with λ = 0.5 the first stage
    is 0.5 x 75 + 0.5 x 50 = 62.5, reached at η = 100 (the value-at-risk level)."""
    catalog = load_catalog(f.write_catalog(tmp_path / "catalog", **f.ONE_MINE))
    settings = ModelSettings(budget_usd=10e6, cvar_alpha=0.5, cvar_weight=0.5, futures=(
        Future("wet", 0.75), Future("dry", 0.25, (("exclude_feedstocks", ("conc",)),))))
    pipeline = _solve(catalog, settings)
    values = pipeline.solution.stage_values
    assert pipeline.model.stages[0] == ("risk_adjusted_supply", "max")
    assert values["risk_adjusted_supply"] == pytest.approx(62.5, abs=1e-6)
    # η only matters to the first stage: the cost stage may move it within that stage's 1e-7 slack
    assert pipeline.model.cvar_threshold.varValue == pytest.approx(100.0, abs=1e-4)
    assert pipeline.model.weighted_supply() == pytest.approx(75.0, abs=1e-6)  # the expectation


def test_import_case_year_keeps_the_scenarios_imports_before_it(cheap_catalog):
    """Years 2028 and 2030; the cut from 2030: its future imports 100 t in 2028 and none in 2030,
    the truce 100 t in both."""
    cut = Future("cut", P_CUT, (("import_case", "cut"), ("import_case_year", 2030)))
    from models import build_model, prepare
    settings = ModelSettings(objective="min_cost", years=(2028, 2030), futures=(TWO_FUTURES[0], cut))
    model = build_model(prepare(cheap_catalog, settings), settings.objective)
    bounds = {(i, y): model.at(y, i).imports[("Nd", "oxide")].upBound for i in range(2) for y in (2028, 2030)}
    assert bounds == {(0, 2028): 100.0, (0, 2030): 100.0, (1, 2028): 100.0, (1, 2030): 0.0}


def test_montecarlo_refuses_futures(tmp_path, capsys):
    from planner.cli import main

    out = tmp_path / "mc"
    assert main(["montecarlo", "truce-collapse", "--samples", "5", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.rstrip().endswith("key futures: got 'truce, reversal', expected no [futures] for montecarlo: it "
                                 "samples one future's ranges; run each future as its own scenario")
    assert not out.exists()


def test_pruned_shipping_refused_with_several_futures(tmp_path, shipped_catalog):
    """Link pricing reads one future's balance rows, so pruning would be unproven with two."""
    assert _problems(tmp_path, """
shipping_k_nearest = 5
[futures.a]
probability = 0.5
[futures.b]
probability = 0.5
import_case = "reversal"
""", shipped_catalog) == [
        "F, key shipping_k_nearest: got '5', expected 0 (every link) when the scenario declares more than one future"]
