"""Grant review with feed-option applications (issue 13): a proposal row naming an option_id
develops that option as applied for; evaluate, rank and select score it like a plant."""
import pandas as pd
import pytest

import tests.factory as f
from planner.cli import main

HEADER = "project_id,applicant,site_id,technology,capacity_tpa,federal_request_usd,total_capex_usd,option_id\n"


@pytest.fixture
def deposits(tmp_path):
    """The two-deposit catalog of tests/test_feed_options_model.py (deposit A 1,000 t/yr for
    $200M, B 600 t/yr for $120M in catalog dollars, each 50% Nd; an existing 5,000 t/yr
    separation plant at the mine; Nd demand 1,000 t/yr, no imports), plus a third deposit C
    at the mill whose option has a 10-year lead time (first output 2036, after 2030).
    Returns a scenario file writer: feed_options stays off, so the deposits run unless an
    application for their new_mine option makes them produce only through it."""
    tables = f.two_deposit_tables()
    tables["sites"].append(f.site("mill"))
    tables["feedstocks"].append(f.feed("dep-c", "mill", 100, nd=0.5, other=0.5))
    tables["feed_options"].append(f.feed_option("opt-c", "dep-c", 100, 10e6, lead_time_years_low=10,
                                                lead_time_years_base=10, lead_time_years_high=10))
    folder = f.write_catalog(tmp_path / "cat", **tables)

    def scenario(budget_usd: float = 1.2e9):
        path = tmp_path / "s.toml"
        path.write_text(f'name = "deposits"\ncatalog = "{folder}"\nbudget_usd = {budget_usd}\n'
                        "min_value_per_musd = 0\n")
        return path
    return scenario


def proposal(tmp_path, name: str, rows: list[str]):
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows))
    return path


def test_evaluate_scores_a_mine_application_by_hand(deposits, tmp_path):
    """Applying to develop deposit B in full: B then produces only through the application,
    600 t/yr x 50% Nd = 300 t Nd; A and C still run (500 + 50 t Nd): weighted supply 850. Dropping the
    application loses 300 weighted t/yr: $60M / 300 = $200,000 per weighted t/yr, 5.0 per $1M."""
    path = proposal(tmp_path, "mine.csv", ["M01,Deposit B Mining,mine,,600,60000000,120000000,opt-b"])
    out = tmp_path / "ev"
    assert main(["evaluate", str(path), "--scenario", str(deposits()), "--out", str(out), "--no-map"]) == 0
    card = pd.read_csv(out / "scorecard.csv").iloc[0]
    assert card["objective_value"] == pytest.approx(850.0)
    assert card["federal_usd"] == pytest.approx(60e6)
    assert card["total_capex_usd"] == pytest.approx(120e6)
    assert card["weighted_supply_added_t"] == pytest.approx(300.0)
    project = pd.read_csv(out / "scorecard_projects.csv", keep_default_na=False).iloc[0]
    assert (project["project_id"], project["option_id"], project["technology"]) == ("M01", "opt-b", "")
    assert float(project["marginal_weighted_t"]) == pytest.approx(300.0)
    assert float(project["federal_usd_per_weighted_t"]) == pytest.approx(200_000.0)
    assert float(project["weighted_t_per_federal_musd"]) == pytest.approx(5.0)
    board = pd.read_csv(out / "board.csv", keep_default_na=False).iloc[0]
    assert (board["verdict"], board["option_id"]) == ("fund", "opt-b")
    assert float(board["weighted_t_per_federal_musd"]) == pytest.approx(5.0)
    assert "feed option opt-b" in (out / "board.html").read_text()
    portfolio = pd.read_csv(out / "portfolio.csv", keep_default_na=False)
    assert portfolio[["project_id", "kind", "option_id"]].values.tolist() == [["M01", "new_mine", "opt-b"]]
    assert float(portfolio.at[0, "capacity_tpa"]) == pytest.approx(600.0)
    assert (pd.read_csv(out / "feed_options.csv").set_index("option_id").at["opt-b", "added_tpa"]
            == pytest.approx(600.0))


def test_run_portfolio_with_a_mine_round_trips_through_evaluate(deposits, tmp_path):
    """run with feed options and $100M develops A (tests/test_feed_options_model.py); its
    portfolio.csv, evaluated as a proposal, scores the same objective (500 weighted t/yr)."""
    scenario = deposits(100e6)
    scenario.write_text(scenario.read_text() + "feed_options = true\n")
    run = tmp_path / "run"
    assert main(["run", str(scenario), "--out", str(run), "--no-map"]) == 0
    out = tmp_path / "ev"
    assert main(["evaluate", str(run / "portfolio.csv"), "--scenario", str(scenario), "--out", str(out),
                 "--no-map"]) == 0
    assert pd.read_csv(out / "scorecard.csv").at[0, "objective_value"] == pytest.approx(500.0)


def test_bad_application_rows_exit_2_all_at_once(deposits, tmp_path, capsys):
    path = proposal(tmp_path, "bad.csv", [
        "B01,Nobody,mine,,100,1000000,2000000,opt-z",
        "B02,Deposit A Mining,mine,,1000,150000000,200000000,opt-a",
        "B03,Deposit C Mining,mill,,100,5000000,10000000,opt-c",
        "B04,Deposit B Mining,mine,,100,5000000,20000000,opt-b",
        "B05,Deposit B Mining,mill,sx,600,60000000,120000000,opt-b",
    ])
    out = tmp_path / "ev"
    assert main(["evaluate", str(path), "--scenario", str(deposits()), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    file = str(path)
    for text in (
        f"{file}, row 1 (B01), column option_id: got 'opt-z', expected an option id from the catalog's "
        "feed_options.csv (did you mean 'opt-c'?) (opt-a, opt-b, opt-c)",
        f"{file}, row 2 (B02), column federal_request_usd: got '150000000', expected at most option opt-a's "
        "max_federal_share (0.5) of total_capex_usd (200,000,000 USD), i.e. <= 100,000,000; requested share 0.75",
        f"{file}, row 3 (B03), column option_id: got 'opt-c', expected an option producing by target_year 2030 "
        "(lead time 10 years from decision_year 2026 gives 2036, timing_case base)",
        f"{file}, row 4 (B04), column capacity_tpa: got '100', expected a supply added within option opt-b's "
        "range: min_fraction 0.5 x added_tpa to added_tpa, i.e. 300 to 600 t/yr (supply_case base)",
        f"{file}, row 5 (B05), column technology: got 'sx', expected empty for a feed-option application "
        "(the row names option_id opt-b)",
        f"{file}, row 5 (B05), column site_id: got 'mill', expected the site of option opt-b's feed dep-b: mine",
        f"{file}, row 5 (B05), column option_id: got 'opt-b', expected an option no other row applies for "
        "(row 4 has it too)",
    ):
        assert text in err, err
    assert "Traceback" not in err
    assert not out.exists()


def test_select_funds_the_deposit_a_hand_calculation_picks(deposits, tmp_path, capsys):
    """$100M round, both deposits applied for (each then produces only if funded): A ($100M,
    500 weighted t/yr) beats B ($60M, 300); both ($160M) do not fit. With C's 50 the plan
    scores 550, and B's deposit, applied for but not funded, produces nothing. An unknown
    option is left out with its reason, and the choice goes ahead."""
    path = proposal(tmp_path, "pool.csv", [
        "M01,Deposit A Mining,mine,,1000,100000000,200000000,opt-a",
        "M02,Deposit B Mining,mine,,600,60000000,120000000,opt-b",
        "M03,Nobody,mine,,100,1000000,2000000,opt-q",
    ])
    out = tmp_path / "sel"
    assert main(["select", str(path), "--scenario", str(deposits(100e6)), "--out", str(out), "--no-map"]) == 0
    assert f"ree-planner: left out: {path}, row 3 (M03), column option_id: got 'opt-q'" in capsys.readouterr().err
    chosen = pd.read_csv(out / "selection.csv", keep_default_na=False).set_index("project_id")
    assert chosen["verdict"].to_dict() == {"M01": "fund", "M02": "do not fund", "M03": "do not fund"}
    assert chosen.at["M02", "reason"] == ("budget: funding it means dropping M01 and loses 200.000 weighted t/yr")
    assert pd.read_csv(out / "scorecard.csv").at[0, "objective_value"] == pytest.approx(550.0)
