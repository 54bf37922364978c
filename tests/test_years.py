"""Planning year by year (issue 15): hand-solved two-year cases, the one-year model as the
special case years = [target_year], capacity that never disappears, bad year inputs."""
import dataclasses

import pandas as pd
import pytest

import factory as f
from models import ModelSettings
from planner.cli import main

# A plant with a one-year lead time at $100k per t/yr (50% federal: $1M federal buys 20 t/yr,
# 10 t Nd), a 1,000 t/yr 50% Nd feed, 1,000 t Nd demand in both years (each an anchor year).
TWO_YEARS = dict(
    f.ONE_MINE,
    technologies=[f.tech("sx", "mixed", "oxide", 100_000, lead_time_years=1)],
    demand=[f.demand("Nd", 1000, year=2027), f.demand("Nd", 1000, year=2028)],
)
# decided 2026 (runs 2027 and 2028) or 2027 (runs 2028 only); $4M appropriated in 2026, $6M in 2027
SPLIT = dict(years=(2027, 2028), target_year=2028, decision_year=2026, budget_usd=10e6,
             appropriations_usd=(4e6, 6e6))


def test_two_years_all_spent_when_decided(solve):
    """Spend profile [1]: a build's federal money is spent in the year it is decided.
    b26 <= $4M / $0.05M = 80 t/yr; b26 + b27 <= $10M / $0.05M = 200. The objective is the
    average over the two years of Nd credited: (0.5 b26 + 0.5 (b26 + b27)) / 2, so every
    tonne decided early counts twice: b26 = 80, b27 = 120, objective (40 + 100) / 2 = 70."""
    result, model, _ = solve(ModelSettings(**SPLIT, spend_profile=(1.0,)), **TWO_YEARS)
    assert result.summary["objective_value"] == pytest.approx(70.0)
    decided = {y: model.new_by_year[("mine", "sx", y)].varValue for y in (2026, 2027)}
    assert decided == pytest.approx({2026: 80.0, 2027: 120.0})
    spend = result.spend_by_year.set_index("year")
    assert spend["federal_spend_usd"].to_dict() == pytest.approx({2026: 4e6, 2027: 6e6, 2028: 0.0})
    assert spend["carried_forward_usd"].to_dict() == pytest.approx({2026: 0.0, 2027: 0.0, 2028: 0.0})
    cap = result.capacity_by_year.set_index("year")
    assert cap["available_tpa"].to_dict() == pytest.approx({2027: 80.0, 2028: 200.0})
    nd = result.elements_by_year.set_index("year")
    assert nd["credited_t"].to_dict() == pytest.approx({2027: 40.0, 2028: 100.0})
    assert nd["import_reliance"].to_dict() == pytest.approx({2027: 0.96, 2028: 0.9})
    # the one-year tables report the target year, 2028
    assert result.capacity.iloc[0][["new_tpa", "available_tpa"]].tolist() == pytest.approx([200.0, 200.0])
    assert result.elements.set_index("element").at["Nd", "domestic_t"] == pytest.approx(100.0)


def test_two_years_spend_profile_paces_the_money(solve):
    """Spend profile [0.5, 0.5]: by 2026 0.025 b26 <= 4; by 2027 0.05 b26 + 0.025 b27 <= 10;
    by 2028 (and in total) 0.05 (b26 + b27) <= 10. Maximising 0.5 b26 + 0.25 b27: b26 = 160
    (the 2026 row), b27 = 40 (the total), objective 80 + 10 = 90. Spent: $4M in 2026,
    $4M + $1M in 2027 ($1M carried forward) and $1M in 2028."""
    result, model, _ = solve(ModelSettings(**SPLIT, spend_profile=(0.5, 0.5)), **TWO_YEARS)
    assert result.summary["objective_value"] == pytest.approx(90.0)
    decided = {y: model.new_by_year[("mine", "sx", y)].varValue for y in (2026, 2027)}
    assert decided == pytest.approx({2026: 160.0, 2027: 40.0})
    spend = result.spend_by_year.set_index("year")
    assert spend["federal_spend_usd"].to_dict() == pytest.approx({2026: 4e6, 2027: 5e6, 2028: 1e6})
    assert spend["decided_federal_usd"].to_dict() == pytest.approx({2026: 8e6, 2027: 2e6, 2028: 0.0})
    assert spend["carried_forward_usd"].to_dict() == pytest.approx({2026: 0.0, 2027: 1e6, 2028: 0.0})
    assert result.summary["federal_usd"] == pytest.approx(10e6)


def test_discounting_weighs_the_early_year_more(solve):
    """With r = 1 (a year later counts half) the weights are 2/3 and 1/3: objective
    (2/3) 0.5 b26 + (1/3) 0.5 (b26 + b27) = 0.5 b26 + (1/6) b27 = 40 + 20 = 60 (same plan)."""
    result, _, _ = solve(ModelSettings(**SPLIT, spend_profile=(1.0,), time_discount_rate=1.0), **TWO_YEARS)
    assert result.summary["objective_value"] == pytest.approx(60.0)


def test_worst_year_reliance(solve):
    """min_worst_year_reliance: 2027's reliance 1 - 0.5 b26 / 1000 >= 0.96 is the worst year
    whatever is decided later; held there, the later stages still build b27 = 120."""
    result, model, _ = solve(ModelSettings(**SPLIT, spend_profile=(1.0,), objective="min_worst_year_reliance"),
                             **TWO_YEARS)
    assert result.summary["objective_value"] == pytest.approx(0.96)
    assert model.new_by_year[("mine", "sx", 2027)].varValue == pytest.approx(120.0)


def test_one_year_is_the_special_case(solve):
    """years = [target_year] builds the one-year model: same variables, rows and answer."""
    one, model_one, _ = solve(ModelSettings(budget_usd=10e6), **f.ONE_MINE)
    same, model_same, _ = solve(ModelSettings(budget_usd=10e6, years=(2030,)), **f.ONE_MINE)
    assert [v.name for v in model_one.prob.variables()] == [v.name for v in model_same.prob.variables()]
    assert list(model_one.rows) == list(model_same.rows)
    assert one.summary["objective_value"] == same.summary["objective_value"] == pytest.approx(100.0)
    assert same.spend_by_year.empty and same.capacity_by_year.empty and same.flows_by_year.empty


@pytest.mark.parametrize("name", ["baseline", "policy-reversal", "min-reliance"])
def test_years_target_year_gives_todays_answers_on_shipped_scenarios(shipped_catalog, name):
    from models import Pipeline
    from planner.scenario import load_scenario

    settings = load_scenario(name).settings()
    answers = []
    for s in (settings, dataclasses.replace(settings, years=(settings.target_year,))):
        pipeline = Pipeline.prepare(shipped_catalog, s)
        solution = pipeline.solve()
        answers.append(solution.stage_values)
    assert answers[0] == answers[1]


def _run_bad(tmp_path, capsys, text: str) -> str:
    path = tmp_path / "bad.toml"
    path.write_text('extends = "baseline"\n' + text + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--no-map"]) == 2
    assert not out.exists()
    return capsys.readouterr().err.replace(str(path), "bad.toml")


@pytest.mark.parametrize("text, message", [
    ("years = [2025, 2030]",
     "key years: got '2025', expected years >= decision_year (2026): money is committed from then"),
    ('years = "2026:2040"', "key years: got '2036, 2037, 2038, 2039, 2040', expected years <= 2035, the catalog's "
                            "last demand year (later demand is not sourced)"),
    ("years = [2030, 2028]", "key years: got '[2030, 2028]', expected years in increasing order (2028, 2030)"),
    ("years = [2028, 2028, 2030]", "key years: got '[2028, 2028, 2030]', expected each year once (repeated: 2028)"),
    ('years = "2031:2029"', "key years: got '2031:2029', expected a range \"first:last\" with first <= last"),
    ("years = [2031, 2032]", "key target_year: got '2030', expected one of years (2031, 2032): the year the "
                             "one-year tables report"),
    ('years = "2026:2035"\nspend_profile = [0.5, 0.4]',
     "key spend_profile: got '[0.5, 0.4]', expected fractions summing to 1 (these sum to 0.9)"),
    ("years = [2028, 2030]\nspend_profile = [0.2, 0.2, 0.2, 0.2, 0.1, 0.1]",
     "key spend_profile: got '[0.2, 0.2, 0.2, 0.2, 0.1, 0.1]', expected at most one entry per year of the horizon "
     "(5 years, 2026 to 2030)"),
    ('years = "2026:2030"\nappropriations_usd = ["100M", "100M", "100M", "100M", "100M", "200M"]',
     "key appropriations_usd: got '[100000000.0, 100000000.0, 100000000.0, 100000000.0, 100000000.0, 200000000.0]', "
     "expected at most one entry per year of the horizon (5 years, 2026 to 2030)"),
    ('appropriations_usd = ["600M", "1x"]', "key appropriations_usd[1]: got '1x', expected an amount of US dollars "
                                            "such as 1.2e9, 1.2B, $600M or 600m"),
])
def test_bad_year_inputs_exit_2_with_precise_messages(tmp_path, capsys, text, message):
    assert _run_bad(tmp_path, capsys, text) == f"ree-planner: bad.toml, {message}\n"


@pytest.fixture(scope="module")
def timeline():
    from planner.run import load_inputs, run_scenario
    from planner.scenario import load_scenario

    scenario = load_scenario("timeline")
    return run_scenario(scenario, load_inputs(scenario))


def test_timeline_capacity_never_disappears(timeline):
    cap = timeline.result.capacity_by_year
    assert sorted(set(cap["year"])) == list(range(2026, 2036))
    for (site, tech), rows in cap.groupby(["site_id", "technology"]):
        available = rows.sort_values("year")["available_tpa"].to_numpy()
        assert (available[1:] >= available[:-1] - 1e-6).all(), (site, tech, available)
        decided = rows.sort_values("year")["new_nameplate_tpa"].to_numpy()
        assert (decided[1:] >= decided[:-1] - 1e-6).all(), (site, tech, decided)


def test_timeline_money_within_appropriations_and_budget(timeline):
    spend = timeline.result.spend_by_year
    assert (spend["cumulative_federal_spend_usd"] <= spend["cumulative_appropriated_usd"] * (1 + 1e-9)).all()
    assert spend["federal_spend_usd"].sum() == pytest.approx(spend["decided_federal_usd"].sum())
    assert spend["federal_spend_usd"].sum() == pytest.approx(timeline.summary["federal_usd"], rel=1e-6)
    assert spend["federal_spend_usd"].sum() <= 1.2e9


def test_timeline_years_balance_and_report_year_matches_one_year_tables(timeline):
    by_year = timeline.result.elements_by_year
    total = by_year["credited_t"] + by_year["imports_t"] + by_year["unmet_t"]
    assert total.to_numpy() == pytest.approx(by_year["demand_t"].to_numpy())
    report = by_year[by_year["year"] == 2030].set_index("element")
    elements = timeline.result.elements.set_index("element")
    for col in ("demand_t", "domestic_t", "imports_t", "unmet_t", "import_reliance"):
        assert report[col].to_dict() == pytest.approx(elements.loc[report.index, col].to_dict()), col
    basis = dict(zip(by_year["year"], by_year["demand_basis"]))
    assert basis[2026] == "held at the 2030 anchor (no demand sourced for 2026)"
    assert basis[2032] == "interpolated between the 2030 and 2035 anchors"
    assert basis[2035] == "catalog anchor year 2035"


def test_timeline_flows_by_year_target_year_is_flows_and_goes_to_running_plants(timeline):
    """flows_by_year's target-year rows are flows.csv; every year's flows end at a magnet maker
    or at a site with a plant running that year (capacity_by_year.csv); the folder has the CSV."""
    flows = timeline.result.flows_by_year
    assert sorted(set(flows["year"])) == list(range(2026, 2036))
    report = flows[flows["year"] == 2030].drop(columns="year").reset_index(drop=True)
    pd.testing.assert_frame_equal(report, timeline.result.flows)
    cap = timeline.result.capacity_by_year
    running = set(zip(cap.loc[cap["available_tpa"] > 0, "year"], cap.loc[cap["available_tpa"] > 0, "site_id"]))
    magnet = set(timeline.catalog.sites.loc[timeline.catalog.sites["kind"] == "magnet", "site_id"])
    ends = set(zip(flows["year"], flows["to_site"]))
    assert {(y, s) for y, s in ends if s not in magnet} <= running
    assert len(flows[flows["year"] == 2027]) < len(flows[flows["year"] == 2035])
    table = timeline.tables()["flows_by_year.csv"]
    assert list(table.columns[:8]) == ["year", "from_site", "to_site", "form", "element", "tonnes", "distance_km",
                                       "transport_usd"]
    assert table[["from_latitude", "to_longitude"]].notna().all().all()


def test_reliance_lines_say_when_reliance_falls():
    import pandas as pd

    from planner.run.when import reliance_lines

    frame = pd.DataFrame({"year": [2026, 2027, 2028, 2026, 2027, 2028], "element": ["Dy"] * 3 + ["Tb"] * 3,
                          "import_reliance": [0.8, 0.4, 0.1, 0.9, 0.9, 0.9]})
    assert reliance_lines(frame) == ["Dy: 80% in 2026, below half from 2027, lowest 10% in 2028, 10% in 2028.",
                                     "Tb: 90% in 2026, 90% in 2028."]


def test_timeline_memo_leads_with_what_runs_when(timeline):
    from planner.run.pages import html_report

    page = html_report(timeline, has_map=False)
    assert page.index("What runs when, 2026-2035") < page.index("Recommended awards")
    assert "White Mesa Mill: sx_separation" in page
    assert "2026-2029: held at the first anchor year&#x27;s level" in page
    assert "weighted supply (t/yr, average 2026-2035)" in page


def _deposit_catalog(tmp_path):
    """A deposit that produces only if developed (a new_mine option: 1,000 t/yr of 50% Nd, $200M
    capex, 50% federal = $100M, lead time 1 year), an existing 5,000 t/yr separation plant at
    its site, 1,000 t Nd demand in 2027 and 2028, no imports."""
    from sites import load_catalog
    from tests.factory import feed_option as option

    lead = {f"lead_time_years_{c}": 1 for c in ("low", "base", "high")}
    folder = f.write_catalog(
        tmp_path / "deposit", sites=[f.site("mine")], feedstocks=[f.feed("dep", "mine", 1000, nd=0.5, other=0.5)],
        technologies=[f.tech("sx", "mixed", "oxide", 100_000)], site_capacity=[f.capacity("mine", "sx", 5000)],
        demand=[f.demand("Nd", 1000, year=2027), f.demand("Nd", 1000, year=2028)], imports=[f.imports("Nd", 0)],
        feed_options=[option("opt", "dep", 1000, 200e6, min_fraction=1.0, **lead)])
    return load_catalog(folder)


@pytest.mark.parametrize("appropriations, decided, objective", [
    # the $100M is there in 2026: develop then, 500 t Nd in both years, average 500
    ((100e6,), 2026, 500.0),
    # nothing appropriated until 2027: develop in 2027, first output 2028: (0 + 500) / 2 = 250
    ((0.0, 100e6), 2027, 250.0),
])
def test_feed_option_is_developed_in_the_year_money_allows(tmp_path, appropriations, decided, objective):
    from models import Pipeline

    settings = ModelSettings(years=(2027, 2028), target_year=2028, decision_year=2026, budget_usd=1e9,
                             spend_profile=(1.0,), appropriations_usd=appropriations, feed_options=True)
    pipeline = Pipeline.prepare(_deposit_catalog(tmp_path), settings)
    solution = pipeline.solve()
    assert solution.stage_values["weighted_supply"] == pytest.approx(objective)
    model = pipeline.model
    assert {d: round(v.varValue) for (_, d), v in model.develop_by_year.items()} == \
        {2026: int(decided == 2026), 2027: int(decided == 2027)}
    result = pipeline.result(with_marginal=False)
    spend = result.spend_by_year.set_index("year")["federal_spend_usd"]
    assert spend[decided] == pytest.approx(100e6) and spend.sum() == pytest.approx(100e6)
    assert result.feed_options["added_in_target_year_tpa"].tolist() == pytest.approx([1000.0])
