"""rank and select: marginal contributions, regret and the all-or-nothing choice, by hand."""
import pytest

import factory as f
from models import ModelSettings
from models.settings import Project

ONE_MINE = f.ONE_MINE


def _project(pid, tpa, federal_musd):
    return Project(pid, f"Applicant {pid}", "mine", "sx", tpa, federal_musd * 1e6, 2 * federal_musd * 1e6)


def test_set_bounds_drops_and_forces_a_project_warm(solve):
    """Pool A (100 t/yr, $6M), B (80, $5M), C (60, $4M), $10M: A+C = 80 t Nd. Forcing B in
    leaves room only for C (B+C = 70 t); dropping A as well leaves B+C (70 t)."""
    pool = (_project("A", 100, 6), _project("B", 80, 5), _project("C", 60, 4))
    _, model, solver = solve(ModelSettings(budget_usd=10e6, projects=pool, project_mode="choose"), **ONE_MINE)
    solver.set_bounds(model.funded["B"], 1, 1)
    assert solver.solve().stage_values["weighted_supply"] == pytest.approx(70.0)
    solver.set_bounds(model.funded["B"], 0, 1)
    solver.set_bounds(model.funded["A"], 0, 0)
    assert solver.solve().stage_values["weighted_supply"] == pytest.approx(70.0)
    solver.set_bounds(model.funded["A"], 0, 1)
    assert solver.solve().stage_values["weighted_supply"] == pytest.approx(80.0)


# --- select: a knapsack where picking by supply per dollar is wrong -----------------

import pandas as pd  # noqa: E402

import proposal_factory as pf  # noqa: E402
from planner.cli import main  # noqa: E402
from planner.review.evaluation import select  # noqa: E402
from planner.review.proposals import read_proposals, review  # noqa: E402
from planner.run import load_inputs  # noqa: E402
from planner.scenario import load_scenario  # noqa: E402

# $10M. A: 70 t/yr for $6M (35 t Nd, the best t per $); B and C: 50 t/yr for $5M each.
# Greedy by ratio funds A and then nothing fits (35 t); the best is B + C (50 t).
# D asks 60% of its capex (ineligible); E asks more than the whole budget; F is a metal
# plant asking $0 that adds nothing (no demand for metal).
POOL = [pf.project("A", 70, 6), pf.project("B", 50, 5), pf.project("C", 50, 5), pf.project("D", 10, 0.6, 1),
        pf.project("E", 300, 12), pf.project("F", 20, 0, 1, tech="metal")]


def _select(tmp_path, rows=POOL, budget_usd=10e6):
    toml = pf.write_scenario(tmp_path, budget_usd=budget_usd)
    scenario = load_scenario(toml)
    catalog = load_inputs(scenario)
    pool = read_proposals(pf.write_proposals(tmp_path / "pool.csv", rows)).raise_format_problems()
    return select(pool, review(pool, scenario, catalog, check_budget=False), scenario, catalog), toml


def test_select_beats_greedy_and_explains_the_rest(tmp_path):
    selection, _ = _select(tmp_path)
    apps = selection.applications.set_index("project_id")
    assert apps["funded"].to_dict() == {"A": False, "B": True, "C": True, "D": False, "E": False, "F": False}
    assert selection.chosen.result.summary["objective_value"] == pytest.approx(50.0)
    assert selection.choice.summary["objective_value"] == pytest.approx(50.0)
    # forcing A in leaves $4M: neither B nor C fits, 35 t instead of 50
    assert apps.at["A", "objective_if_funded"] == pytest.approx(35.0)
    assert apps.at["A", "loss_if_funded"] == pytest.approx(15.0)
    assert apps.at["A", "displaces"] == "B;C"
    assert apps.at["A", "reason"] == "budget: funding it means dropping B, C and loses 15.000 weighted t/yr"
    assert apps.at["D", "reason"].startswith("ineligible: at most the scenario's federal_share (0.5)")
    assert apps.at["E", "reason"] == "asks more than the whole budget (12,000,000 > 10,000,000 USD)"
    assert apps.at["F", "reason"] == "adds nothing to the funded projects: funding it would not change the objective"
    # what the funded ones add: dropping B (or C) loses its 25 t
    marginals = selection.chosen.marginals.set_index("project_id")["marginal_objective"].to_dict()
    assert marginals == {"B": pytest.approx(25.0), "C": pytest.approx(25.0)}


def test_select_cli_writes_selection_and_a_reusable_portfolio(tmp_path, capsys):
    _, toml = _select(tmp_path / "s")
    pool = tmp_path / "s" / "pool.csv"
    out = tmp_path / "out"
    assert main(["select", str(pool), "--scenario", str(toml), "--out", str(out), "--no-map"]) == 0
    printed = capsys.readouterr()
    assert "Funded 2 of 6 applications: B, C" in printed.out
    assert "left out:" in printed.err and "(D)" in printed.err
    assert pd.read_csv(out / "selection.csv")["funded"].tolist() == [False, True, True, False, False, False]
    # the chosen portfolio goes straight back into evaluate with the same objective
    assert main(["evaluate", str(out / "portfolio.csv"), "--scenario", str(toml), "--out", str(tmp_path / "ev"),
                 "--no-map"]) == 0
    assert pd.read_csv(tmp_path / "ev" / "scorecard.csv").at[0, "objective_value"] == pytest.approx(50.0)


# --- rank: regret against the optimiser's own portfolio ------------------------------

XSS = "<script>alert('x')</script> `${1}`"


def test_rank_regret_and_outputs(tmp_path, capsys):
    """The optimiser spends the $10M on 200 t/yr at the catalog cost: 100 t Nd.
    greedy = {A}: 35 (regret 65); pair = {B, C}: 50 (regret 50). Each site has its own
    feed and freight costs, so each plant separates its own site's feed: half each."""
    freight = [dict(p, value=1.0) if p["parameter"] == "transport_usd_per_tkm" else p
               for p in pf.f.default_tables()["parameters"]]
    feeds = [pf.f.feed("conc", "mine", 1000, nd=0.5, other=0.5), pf.f.feed("conc2", "mill", 1000, nd=0.5, other=0.5)]
    toml = pf.write_scenario(tmp_path, budget_usd=10e6, feedstocks=feeds, parameters=freight)
    greedy = pf.write_proposals(tmp_path / "greedy.csv", [pf.project("A", 70, 6, applicant=XSS)])
    pair = pf.write_proposals(tmp_path / "pair.csv", [pf.project("B", 50, 5), pf.project("C", 50, 5, site="mill")])
    out = tmp_path / "ranked"
    assert main(["rank", str(greedy), str(pair), "--scenario", str(toml), "--out", str(out)]) == 0
    card = pd.read_csv(out / "scorecard.csv")
    assert card["portfolio"].tolist() == ["optimal", "pair", "greedy"]
    assert card["rank"].tolist() == [1, 2, 3]
    assert card["objective_value"].tolist() == pytest.approx([100.0, 50.0, 35.0])
    optimum = card.at[0, "objective_value"]
    assert card["regret"].tolist() == pytest.approx([optimum - v for v in card["objective_value"]])
    assert card["regret"].tolist() == pytest.approx([0.0, 50.0, 65.0])
    assert card.set_index("portfolio").at["pair", "states"] == 2
    assert card.set_index("portfolio").at["pair", "largest_site_share"] == pytest.approx(0.5)
    projects = pd.read_csv(out / "scorecard_projects.csv")
    pair_rows = projects[projects["portfolio"] == "pair"].set_index("project_id")
    assert pair_rows["marginal_objective"].to_dict() == {"B": pytest.approx(25.0), "C": pytest.approx(25.0)}
    assert pair_rows["federal_usd_per_weighted_t"].to_dict() == {"B": pytest.approx(2e5), "C": pytest.approx(2e5)}
    for name in ("scorecard.xlsx", "scorecard.html", "map.html"):
        assert (out / name).stat().st_size > 0
    assert {p.name for p in (out / "portfolios").iterdir()} == {"optimal", "pair", "greedy"}
    html = (out / "scorecard.html").read_text(encoding="utf-8")
    page = (out / "map.html").read_text(encoding="utf-8")
    for text in (html, page):
        assert "<script>alert" not in text
    # the map pastes popups into JavaScript template literals, so ${...} must not survive there;
    # the scorecard page has no script at all, where ${1} is plain text
    assert "${1}" not in page and "&lt;script&gt;alert" in page
    assert "&lt;script&gt;alert" in html
    assert "<script" not in html  # the scorecard page runs nothing
    assert "https://" not in html
    from openpyxl import load_workbook
    book = load_workbook(out / "scorecard.xlsx")
    assert book.sheetnames == ["Portfolios", "Projects", "Columns"]
    assert [c.value for c in book["Portfolios"]["B"]][1:] == ["optimal", "pair", "greedy"]
    assert "pair" in capsys.readouterr().out


# --- the shipped examples stay valid against the shipped catalog ---------------------

from pathlib import Path  # noqa: E402

from sites import default_catalog_dir  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "portfolios"


@pytest.mark.skipif(not (default_catalog_dir() / "sites.csv").is_file(), reason="no shipped catalog yet")
def test_examples_rank_and_select(tmp_path):
    portfolios = [str(EXAMPLES / f"{n}.csv") for n in ("heavy_ree_focus", "light_ree_scale", "recycling_heavy")]
    assert main(["rank", *portfolios, "--out", str(tmp_path / "rank"), "--no-map"]) == 0
    card = pd.read_csv(tmp_path / "rank" / "scorecard.csv")
    assert set(card["portfolio"]) == {"optimal", "heavy_ree_focus", "light_ree_scale", "recycling_heavy"}
    # the baseline's value floor puts federal $M into stage 1, so the optimum's own portfolio,
    # read after the cost stage, may sit FLOOR_TOLERANCE (1e-7 of ~9,000) below it
    optimum = card.set_index("portfolio").at["optimal", "objective_value"] if "objective_value" in card else 1e4
    assert card.set_index("portfolio").at["optimal", "regret"] == pytest.approx(0.0, abs=2e-7 * abs(optimum) + 1e-6)
    assert main(["select", str(EXAMPLES / "applications.csv"), "--scenario", str(EXAMPLES / "round_60m.toml"),
                 "--out", str(tmp_path / "select"), "--no-map"]) == 0
    chosen = pd.read_csv(tmp_path / "select" / "selection.csv")
    assert chosen["funded"].any() and not chosen.set_index("project_id").at["X02", "funded"]


def test_example_with_a_collection_application_evaluates(tmp_path):
    """examples/portfolios/recycling_with_collection.csv: the recycling portfolio plus a Midwest
    collection tier (collect-midwest-1: 262.25 t/yr of scrap for $10M, $5M federal) feeding
    the Marion recyclers. The tier is developed as applied for, its $5M counts in the federal
    total (recycling_heavy's $33,049,000 + $5M) and its value per federal $1M is what it adds / 5."""
    out = tmp_path / "ev"
    assert main(["evaluate", str(EXAMPLES / "recycling_with_collection.csv"), "--out", str(out), "--no-map"]) == 0
    card = pd.read_csv(out / "scorecard.csv").iloc[0]
    assert card["federal_usd"] == pytest.approx(33_049_000 + 5_000_000)
    projects = pd.read_csv(out / "scorecard_projects.csv", keep_default_na=False).set_index("project_id")
    c01 = projects.loc["C01"]
    assert (c01["option_id"], c01["technology"]) == ("collect-midwest-1", "")
    assert float(c01["marginal_weighted_t"]) > 0
    assert float(c01["weighted_t_per_federal_musd"]) == pytest.approx(float(c01["marginal_weighted_t"]) / 5.0)
    options = pd.read_csv(out / "feed_options.csv").set_index("option_id")
    assert bool(options.at["collect-midwest-1", "developed"])
    assert options.at["collect-midwest-1", "added_tpa"] == pytest.approx(262.25)
