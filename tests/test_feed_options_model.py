"""Money can buy feed: hand-solved fixed-charge feed options (issue 13)."""
import pytest

import tests.factory as f
from models.pipeline import Pipeline
from models.settings import ModelSettings
from models.solve import solved_value
from sites import load_catalog


option = f.feed_option  # the feed_options.csv row builder, kept under its short name here


@pytest.fixture
def two_deposits(tmp_path):
    """Two deposits at the mill's site (no freight), each 50% Nd; one existing separation plant
    (5,000 t/yr, recovery 1, no opex, nothing new may be built); Nd oxide demand 1,000 t/yr,
    no imports; weight of Nd 1; discount rate 0, so annual capex = capex / 20.
    Deposit A adds 1,000 t/yr ($200M, 2025 dollars: federal 50% = $100M);
    deposit B adds 600 t/yr ($60M in 2020 dollars; CPI index 50 -> 100 doubles it to $120M:
    federal $60M)."""
    folder = f.write_catalog(tmp_path / "cat", **f.two_deposit_tables())
    return load_catalog(folder)


def solve(catalog, **settings):
    pipe = Pipeline.prepare(catalog, ModelSettings(feed_options=True, **settings))
    solution = pipe.solve()
    assert solution.optimal, solution.message
    m = pipe.model
    developed = {o for o, v in m.develop.items() if solved_value(v) > 0.5}
    federal = sum(o.federal_usd for o in m.inputs.options.itertuples() if o.option_id in developed)
    return pipe, solution, developed, federal


def test_budget_that_fits_one_deposit_picks_the_one_the_hand_calculation_picks(two_deposits):
    """Budget $100M: A alone ($100M federal) gives 1,000 x 0.5 = 500 t Nd; B alone ($60M) 300 t;
    both ($160M) do not fit. So A: weighted supply 500, federal $100M. Annual cost ($M/yr):
    A's capex 200 / 20 = 10, plus the 500 t Nd still unmet x $1M/t (10 x $100/kg) = 500: 510."""
    pipe, solution, developed, federal = solve(two_deposits, budget_usd=100e6)
    assert developed == {"opt-a"}
    assert federal == pytest.approx(100e6)
    assert solution.stage_values["weighted_supply"] == pytest.approx(500.0)
    assert solution.stage_values["annual_cost"] == pytest.approx(510.0, rel=1e-6)
    assert solved_value(pipe.model.feed_added["opt-a"]) == pytest.approx(1000.0)


def test_smaller_budget_picks_the_other_deposit_with_its_escalated_capex(two_deposits):
    """Budget $60M: only B fits (its $60M study capex in 2020 dollars is $120M in catalog
    dollars, federal half $60M): 600 x 0.5 = 300 t Nd; cost 120 / 20 = 6 + 700 t unmet x 1 = 706."""
    _, solution, developed, federal = solve(two_deposits, budget_usd=60e6)
    assert developed == {"opt-b"}
    assert federal == pytest.approx(60e6)
    assert solution.stage_values["weighted_supply"] == pytest.approx(300.0)
    assert solution.stage_values["annual_cost"] == pytest.approx(706.0, rel=1e-6)


def test_lp_relaxation_with_integer_false(two_deposits):
    """Budget $130M: the MILP still develops A only (500 t Nd). The relaxation takes A and
    half of B ($30M of its $60M): B adds up to 600 x 0.5 = 300 t/yr of feed, 150 t Nd: 650."""
    _, milp, developed, _ = solve(two_deposits, budget_usd=130e6)
    assert developed == {"opt-a"} and milp.stage_values["weighted_supply"] == pytest.approx(500.0)
    pipe, relaxed, _, _ = solve(two_deposits, budget_usd=130e6, integer=False)
    assert relaxed.stage_values["weighted_supply"] == pytest.approx(650.0)
    assert solved_value(pipe.model.develop["opt-b"]) == pytest.approx(0.5)


def test_later_stages_re_choose_binaries_within_the_floor(tmp_path):
    """Two deposits that each fill the 500 t/yr plant (1,000 t/yr feed each): every plan with
    either one reaches the stage-1 optimum of 250 t Nd. The cost stage must pick the cheaper
    one (A, $100M capex: 5 $M/yr) over B ($300M: 15 $M/yr), whichever stage 1 found;
    both together would cost more for nothing. Cost 5 + 750 t unmet x 1 = 755."""
    folder = f.write_catalog(
        tmp_path / "cat", sites=[f.site("mine")],
        feedstocks=[f.feed("dep-a", "mine", 1000, nd=0.5, other=0.5), f.feed("dep-b", "mine", 1000, nd=0.5, other=0.5)],
        technologies=[f.tech("sx", "mixed", "oxide", 100_000)], site_capacity=[f.capacity("mine", "sx", 500)],
        demand=[f.demand("Nd", 1000)], imports=[f.imports("Nd", 0)],
        feed_options=[option("opt-a", "dep-a", 1000, 100e6), option("opt-b", "dep-b", 1000, 300e6)])
    _, solution, developed, federal = solve(load_catalog(folder), budget_usd=1e9)
    assert developed == {"opt-a"} and federal == pytest.approx(50e6)
    assert solution.stage_values["weighted_supply"] == pytest.approx(250.0)
    assert solution.stage_values["annual_cost"] == pytest.approx(755.0, rel=1e-6)


def test_shipped_options_off_by_default_and_in_time_only(shipped_catalog):
    from models.inputs import prepare
    assert prepare(shipped_catalog, ModelSettings()).options.empty
    options = prepare(shipped_catalog, ModelSettings(feed_options=True)).options.set_index("option_id")
    # 2030 from a 2026 decision: collection tiers (2 years) and Elk Creek (4 years, first year at half)
    assert "elkcreek-develop" in options.index and "roundtop-develop" not in options.index
    assert options.at["elkcreek-develop", "ramp_share"] == 0.5
    # $1.1B in 2022 dollars x CPI-U 322.2 / 292.655
    assert options.at["elkcreek-develop", "capex_usd"] == pytest.approx(1.1e9 * 322.2 / 292.655)


def test_run_tables_and_map_show_the_developed_deposit(two_deposits):
    """feed_options.csv's rows and the map's own layer for developed feed; summary money counts it."""
    from maps.render import render_result_map

    pipe, _, _, _ = solve(two_deposits, budget_usd=100e6)
    result = pipe.result(with_marginal=False)
    table = result.feed_options.set_index("option_id")
    assert table["developed"].to_dict() == {"opt-a": True, "opt-b": False}
    assert table.at["opt-a", "added_in_target_year_tpa"] == pytest.approx(1000.0)
    assert table.at["opt-a", "first_output_year"] == 2028
    assert table.at["opt-b", "capex_usd"] == pytest.approx(120e6)
    assert result.summary.federal_usd == pytest.approx(100e6)
    html = render_result_map(result, two_deposits).get_root().render()
    assert "Developed deposits and collection programmes" in html and "opt-a (new_mine)" in html
    assert "opt-b" not in html


def test_value_per_federal_dollar_beside_each_developed_option(two_deposits):
    """Dropping A (B held undeveloped) loses its 500 weighted t/yr: $100M / 500 = $200,000 each."""
    pipe, _, _, _ = solve(two_deposits, budget_usd=100e6)
    table = pipe.result().feed_options.set_index("option_id")
    assert table.at["opt-a", "weighted_added_t"] == pytest.approx(500.0)
    assert table.at["opt-a", "federal_usd_per_weighted_t"] == pytest.approx(200_000.0)
    assert table.at["opt-b", "weighted_added_t"] != table.at["opt-b", "weighted_added_t"]  # NaN: not developed


def test_portfolio_lists_the_developed_deposit_as_an_award(two_deposits):
    """portfolio.csv: deposit A beside the plant awards (none here), kind new_mine, with its
    federal $100M, capex $200M, 1,000 t/yr added from 2026 + 2 = 2028, and 500 weighted t/yr
    / $100M = 5.0 weighted t/yr per federal $1M, as in feed_options.csv."""
    pipe, _, _, _ = solve(two_deposits, budget_usd=100e6)
    result = pipe.result()
    rows = result.portfolio.to_dict("records")
    assert len(rows) == 1
    row = rows[0]
    assert (row["project_id"], row["kind"], row["option_id"], row["site_id"], row["technology"]) == \
        ("P01", "new_mine", "opt-a", "mine", "")
    assert row["capacity_tpa"] == pytest.approx(1000.0)
    assert row["federal_request_usd"] == pytest.approx(100e6)
    assert row["total_capex_usd"] == pytest.approx(200e6)
    assert row["first_output_year"] == 2028
    assert row["weighted_added_t"] == pytest.approx(500.0)
    assert row["weighted_t_per_federal_musd"] == pytest.approx(5.0)
    option = result.feed_options.set_index("option_id").loc["opt-a"]
    assert row["weighted_added_t"] == option["weighted_added_t"]
    assert row["federal_request_usd"] == option["federal_usd"]


def test_memo_and_run_folder_list_the_deposit_among_the_awards(two_deposits, tmp_path):
    """`ree-planner run` with feed options: portfolio.csv carries deposit A's award row and the
    memo ranks it with its value per federal $1M (500 / 100 = 5.0)."""
    import pandas as pd

    from planner.cli import main
    from tests.test_memo import _award_rows

    scenario = tmp_path / "mines.toml"
    scenario.write_text(f'name = "two-deposits"\ncatalog = "{two_deposits.folder}"\nfeed_options = true\n'
                        'budget_usd = 100e6\nmin_value_per_musd = 0\n')
    out = tmp_path / "run"
    assert main(["run", str(scenario), "--out", str(out), "--no-map"]) == 0
    portfolio = pd.read_csv(out / "portfolio.csv", keep_default_na=False)
    assert portfolio[["kind", "option_id"]].values.tolist() == [["new_mine", "opt-a"]]
    rows = _award_rows((out / "report.html").read_text())
    assert len(rows) == 1
    assert rows[0][3] == "Develop the deposit (opt-a)"
    assert rows[0][4:9] == ["1,000", "100.0", "200.0", "500.0", "5"]
    assert "a feed award: adds 1,000 t/yr of dep-a" in rows[0][9]
