"""The award board of evaluate, rank and select (issue 14 item 2): one row per application with
verdict, reason, applicant, site, request, $ per weighted t/yr, Dy and Tb; applications far above
the others flagged; the funding curve; selection.csv carries applicant, request and site; the
page fits 1,366 px in Chromium offline."""
import pandas as pd
import pytest
from browser import requires_chromium

import proposal_factory as pf
from planner.cli import main
from planner.outputs.columns import columns_of

# $10M. A: 70 t/yr for $6M; B and C: 50 t/yr for $5M each (B + C is best); D asks 60% of its
# capex (ineligible); E asks more than the whole budget; F is a metal plant that adds nothing.
POOL = [pf.project("A", 70, 6), pf.project("B", 50, 5), pf.project("C", 50, 5), pf.project("D", 10, 0.6, 1),
        pf.project("E", 300, 12), pf.project("F", 20, 0, 1, tech="metal")]
BOARD = [c.name for c in columns_of("board.csv") if c.name != "no_regret"]  # no_regret: several futures only


@pytest.fixture
def selected(tmp_path):
    toml = pf.write_scenario(tmp_path, budget_usd=10e6)
    pool = pf.write_proposals(tmp_path / "pool.csv", POOL)
    out = tmp_path / "select"
    assert main(["select", str(pool), "--scenario", str(toml), "--out", str(out), "--no-map"]) == 0
    return out


def test_select_board_has_a_verdict_and_reason_per_application(selected):
    board = pd.read_csv(selected / "board.csv", keep_default_na=False)
    assert list(board.columns) == BOARD
    assert board[["project_id", "verdict"]].values.tolist() == [
        ["A", "do not fund"], ["B", "fund"], ["C", "fund"], ["D", "do not fund"], ["E", "do not fund"],
        ["F", "do not fund"]]
    rows = board.set_index("project_id")
    assert rows.at["B", "reason"] == "funded: part of the best portfolio within the budget"
    assert rows.at["D", "reason"].startswith("ineligible: at most the scenario's federal_share")
    assert rows.at["E", "reason"].startswith("asks more than the whole budget")
    # dropping B alone loses its 50 t/yr x 0.5 Nd = 25 weighted t/yr: $5M / 25 = $200,000 each
    assert float(rows.at["B", "marginal_weighted_t"]) == pytest.approx(25.0)
    assert float(rows.at["B", "federal_usd_per_weighted_t"]) == pytest.approx(200_000.0)
    assert rows.at["B", "applicant"] == "Applicant B" and rows.at["B", "site_name"] == "Mine"
    assert float(rows.at["B", "dy_t"]) == 0.0 and rows.at["A", "dy_t"] == ""


def test_selection_csv_carries_applicant_request_and_site(selected):
    sel = pd.read_csv(selected / "selection.csv")
    assert list(sel.columns) == [c.name for c in columns_of("selection.csv")]
    assert sel[["project_id", "verdict", "applicant", "site_id", "federal_request_usd"]].values.tolist()[1] == \
        ["B", "fund", "Applicant B", "mine", 5e6]


def test_evaluate_board_flags_an_application_far_above_the_others(tmp_path):
    toml = pf.write_scenario(tmp_path, budget_usd=20e6)
    rows = [pf.project("A", 100, 5), pf.project("B", 100, 5), pf.project("C", 2, 5)]
    csv = pf.write_proposals(tmp_path / "p.csv", rows)
    out = tmp_path / "ev"
    assert main(["evaluate", str(csv), "--scenario", str(toml), "--out", str(out), "--no-map"]) == 0
    board = pd.read_csv(out / "board.csv").set_index("project_id")
    # A and B add 50 weighted t/yr each for $5M ($100k per t); C adds 1 t for $5M: 50x their median
    assert board["federal_usd_per_weighted_t"].round().to_dict() == {"A": 100_000, "B": 100_000, "C": 5_000_000}
    assert board["far_above_others"].to_dict() == {"A": False, "B": False, "C": True}
    assert board.at["C", "verdict"] == "do not fund"
    assert board.at["C", "reason"] == "far above the others: 50x their median federal $ per weighted t/yr"
    assert board.at["A", "reason"] == "adds 50.0 weighted t/yr at $100,000 per weighted t/yr"
    html = (out / "board.html").read_text()
    assert "Far above the others' federal $ per weighted t/yr (more than 5x their median): C (Applicant C, " \
        "$5,000,000)" in html
    assert "Funding curve" in html and "data:image/png;base64," in html
    assert "<b>Weighted t/yr</b>: tonnes per year" in html


def test_rank_writes_a_board_too(tmp_path):
    toml = pf.write_scenario(tmp_path, budget_usd=20e6)
    a = pf.write_proposals(tmp_path / "a.csv", [pf.project("A", 100, 5)])
    b = pf.write_proposals(tmp_path / "b.csv", [pf.project("B", 2, 5)])
    out = tmp_path / "rank"
    assert main(["rank", str(a), str(b), "--scenario", str(toml), "--out", str(out), "--no-map"]) == 0
    board = pd.read_csv(out / "board.csv")
    assert board[["portfolio", "project_id", "verdict"]].values.tolist() == [["a", "A", "fund"], ["b", "B", "fund"]]


@requires_chromium
def test_board_fits_a_laptop_screen_offline(browser, selected, tmp_path):
    from browser import open_map

    toml = pf.write_scenario(tmp_path / "e", budget_usd=40e6)
    long = [pf.project(f"P{i}", 50 + i, 2, applicant="A very long applicant name Incorporated " * 3)
            for i in range(12)]
    csv = pf.write_proposals(tmp_path / "long.csv", long)
    out = tmp_path / "long"
    assert main(["evaluate", str(csv), "--scenario", str(toml), "--out", str(out), "--no-map"]) == 0
    for page_file in (selected / "board.html", out / "board.html"):
        with open_map(browser, page_file, width=1366, height=800) as opened:
            assert opened.problems() == {k: [] for k in opened.problems()}
            assert opened.page.evaluate("document.documentElement.scrollWidth") <= 1366
            assert opened.page.locator("table.board tbody tr").count() in (6, 12)
