"""evaluate: a portfolio built as proposed, scored on the optimiser's footing (hand-checked)."""
import json
import math
from pathlib import Path

import pandas as pd
import pytest

import factory as f
import proposal_factory as pf
from planner.cli import main
from planner.review.evaluation import evaluate
from planner.review.proposals import load_proposals
from planner.run import load_inputs
from planner.scenario import load_scenario
from planner.review.scorecard import scorecards
from sites import default_catalog_dir

SHORT_FEED = dict(pf.TABLES, feedstocks=[f.feed("conc", "mine", 300, nd=0.5, other=0.5)])


def _evaluate(tmp_path, rows, budget_usd=100e6, **tables):
    toml = pf.write_scenario(tmp_path, budget_usd=budget_usd, **tables)
    scenario = load_scenario(toml)
    catalog = load_inputs(scenario)
    proposals, found = load_proposals(pf.write_proposals(tmp_path / "p.csv", rows), scenario, catalog)
    return evaluate(proposals, found, scenario, catalog)


def test_marginal_contributions_by_hand(tmp_path):
    """300 t/yr of feed; A (200 t/yr, $10M) and B (150 t/yr, $7.5M) share the mine's plant.
    Together they process all 300 t: 150 t Nd. Drop A: B's 150 t/yr give 75 (A adds 75);
    drop B: A's 200 t/yr give 100 (B adds 50). Marginals are not additive (75 + 50 < 150)."""
    ev = _evaluate(tmp_path, [pf.project("A", 200, 10), pf.project("B", 150, 7.5)], **SHORT_FEED)
    portfolio, projects = scorecards([ev])
    row = portfolio.iloc[0]
    assert row["objective_value"] == pytest.approx(150.0)
    assert row["weighted_supply_added_t"] == pytest.approx(150.0)  # nothing exists without the projects
    assert row["federal_usd"] == pytest.approx(17.5e6)
    assert row["budget_used_share"] == pytest.approx(0.175)
    assert row["federal_usd_per_weighted_t"] == pytest.approx(17.5e6 / 150)
    assert row["cost_share_achieved"] == pytest.approx(0.5) and row["cost_share_required"] == pytest.approx(0.5)
    assert (row["states"], row["sites"], row["plants"], row["plants_fed"], row["feed_coverage"]) == (1, 1, 1, 1, "yes")
    assert (row["largest_site"], row["largest_site_share"]) == ("mine", pytest.approx(1.0))
    assert row["domestic_t_Nd"] == pytest.approx(150.0) and row["import_reliance_Nd"] == pytest.approx(0.85)
    assert math.isnan(row["domestic_t_Dy"])  # no Dy demand in this catalog
    assert row["new_capacity_utilisation"] == pytest.approx(300 / 350)
    by_id = projects.set_index("project_id")
    assert by_id["marginal_objective"].to_dict() == {"A": pytest.approx(75.0), "B": pytest.approx(50.0)}
    assert by_id["marginal_weighted_t"].to_dict() == {"A": pytest.approx(75.0), "B": pytest.approx(50.0)}
    assert by_id.at["A", "federal_usd_per_weighted_t"] == pytest.approx(10e6 / 75)
    assert by_id.at["B", "federal_usd_per_weighted_t"] == pytest.approx(7.5e6 / 50)
    assert list(by_id["warnings"]) == ["", ""]


def test_low_feed_is_a_warning(tmp_path):
    """700 t/yr of plant on 300 t/yr of feed runs at 43%: both projects are flagged."""
    ev = _evaluate(tmp_path, [pf.project("A", 200, 10), pf.project("B", 500, 25)], **SHORT_FEED)
    portfolio, projects = scorecards([ev])
    assert portfolio.iloc[0]["objective_value"] == pytest.approx(150.0)
    assert portfolio.iloc[0]["warnings"] == 2
    assert projects["warnings"].tolist() == [
        "low feed: the plant runs at 43% of its capacity (feed, or demand for its product, is short)"] * 2


def test_empty_portfolio_builds_nothing(tmp_path):
    """No proposals means no new plants (not a free optimisation): only the 50 t/yr existing plant runs."""
    tables = dict(pf.TABLES, site_capacity=[f.capacity("mine", "sx", 50)])
    ev = _evaluate(tmp_path, [], **tables)
    assert ev.result.summary["objective_value"] == pytest.approx(25.0)
    assert ev.result.capacity["new_tpa"].tolist() == [0.0]
    portfolio, projects = scorecards([ev])
    assert portfolio.iloc[0]["projects"] == 0 and len(projects) == 0


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _round_trip(tmp_path, scenario_args):
    run_out, eval_out = tmp_path / "run", tmp_path / "evaluated"
    assert main(["run", *scenario_args, "--out", str(run_out)]) == 0
    scenario = ["--scenario", scenario_args[0]] if scenario_args else []
    assert main(["evaluate", str(run_out / "portfolio.csv"), *scenario, "--out", str(eval_out)]) == 0
    ran = json.loads((run_out / "summary.json").read_text())
    evaluated = json.loads((eval_out / "summary.json").read_text())
    assert _files(run_out) <= _files(eval_out)
    assert {"scorecard.csv", "scorecard_projects.csv"} <= _files(eval_out)
    return ran, evaluated, eval_out


def test_round_trip_on_a_factory_catalog(tmp_path):
    """run with a binding $10M budget (existing 50 t/yr plus new plants), then evaluate
    its own portfolio.csv: the same objective, the same federal money."""
    tables = dict(pf.TABLES, site_capacity=[f.capacity("mine", "sx", 50)])
    toml = pf.write_scenario(tmp_path / "scenario", budget_usd=10e6, **tables)
    ran, evaluated, out = _round_trip(tmp_path, [str(toml)])
    assert ran["objective_value"] == pytest.approx(125.0)
    assert evaluated["objective_value"] == pytest.approx(ran["objective_value"], abs=1e-6)
    assert evaluated["federal_usd"] == pytest.approx(ran["federal_usd"], abs=1e-3)
    scorecard = pd.read_csv(out / "scorecard.csv")
    assert scorecard.at[0, "weighted_supply_added_t"] == pytest.approx(100.0)
    assert scorecard.at[0, "budget_used_share"] == pytest.approx(1.0)


@pytest.mark.skipif(not (default_catalog_dir() / "sites.csv").is_file(), reason="no shipped catalog yet")
def test_round_trip_on_the_shipped_catalog(tmp_path):
    ran, evaluated, _ = _round_trip(tmp_path, [])
    # the baseline's value floor puts federal $M into the first stage, so the plan read after
    # the cost stage may give up FLOOR_TOLERANCE (1e-7, relative) of it: compare to that
    assert evaluated["objective_value"] == pytest.approx(ran["objective_value"], rel=2e-7, abs=1e-6)
    assert evaluated["annual_cost_musd"] == pytest.approx(ran["annual_cost_musd"], rel=1e-5)


def test_evaluate_cli_prints_the_scorecard(tmp_path, capsys):
    toml = pf.write_scenario(tmp_path, budget_usd=100e6, **SHORT_FEED)
    path = pf.write_proposals(tmp_path / "mine.csv", [pf.project("A", 200, 10), pf.project("B", 150, 7.5)])
    out = tmp_path / "out"
    assert main(["evaluate", str(path), "--scenario", str(toml), "--out", str(out), "--no-map"]) == 0
    text = capsys.readouterr().out
    assert "Scorecard:" in text and "Capacities are fixed as proposed" in text
    projects = pd.read_csv(out / "scorecard_projects.csv")
    assert projects["marginal_objective"].tolist() == [75.0, 50.0]
    assert pd.read_csv(out / "portfolio.csv")["project_id"].tolist() == ["A", "B"]


def test_evaluate_writes_no_missing_number_anywhere(tmp_path, capsys):
    """Issue 14: `nan` must not reach a reader. Every text file evaluate writes (pictures
    inlined as data: URIs left out) and what it prints, for the shipped heavy-REE example,
    whose plants include some that add nothing and a catalog without demand for some forms."""
    import re

    out = tmp_path / "ev"
    portfolio = Path(__file__).resolve().parents[1] / "examples" / "portfolios" / "heavy_ree_focus.csv"
    assert main(["evaluate", str(portfolio), "--out", str(out), "--no-map"]) == 0
    texts = {"stdout": capsys.readouterr().out}
    for path in sorted(out.rglob("*")):
        if path.suffix in (".csv", ".json", ".html", ".geojson"):
            texts[path.name] = re.sub(r"data:[a-z/+]+;base64,[A-Za-z0-9+/=]+", "", path.read_text(encoding="utf-8"))
    assert len(texts) > 10
    found = {name: re.findall(r".{0,40}\bnan\b.{0,20}", text, flags=re.I) for name, text in texts.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}
