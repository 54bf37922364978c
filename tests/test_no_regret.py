"""No-regret awards (docs/review.md, "No-regret awards"): select over two futures, each future's
own choice from the same pool, and each application's regret if funded or dropped, by hand."""

import pandas as pd
import pytest

import factory as f
from browser import requires_chromium
import proposal_factory as pf
from planner.cli import main
from test_futures import CHEAP_PLANT

# The futures tests' cheap-plant catalog (100 t Nd oxide demand; a mine's 50% Nd concentrate;
# imports at $0.1M/t, all 100 t in the truce and none if cut; unmet demand $1M/t; 20-year life,
# no discounting) with a pool of three separation plants of 100 t/yr (50 t Nd) each, min_cost
# in $M/yr (a plant's capex / 20 a year):
#   A: capex $2M   -> $0.1M/yr  ($0.002M per t Nd): cheaper than imports, in both futures
#   B: capex $200M -> $10M/yr   ($0.2M per t Nd): dearer than imports, cheaper than unmet demand
#   C: capex $600M -> $30M/yr   ($0.6M per t Nd): never better than A + B
# Truce alone: A, importing the other 50 t: 0.1 + 5 = 5.1. Dropping A: 10 (regret 4.9);
#   forcing B in: 0.1 + 10 = 10.1 (regret 5); forcing C in: 0.1 + 30 = 30.1 (regret 25).
# Cut alone: A + B: 10.1. Dropping A: B + C = 40 (regret 29.9); dropping B: A + C = 30.1
#   (regret 20); forcing C in, the rest re-chosen: A + C = 30.1 (regret 20; A + B + C is 40.1).
# Together (cut at 0.25): A + B costs 10.1 in both; A alone 0.75 x 5.1 + 0.25 x 50.1 = 16.35: A + B.
POOL = [pf.project("A", 100, 1, 2), pf.project("B", 100, 100, 200), pf.project("C", 100, 300, 600)]


def _scenario(tmp_path, futures: bool = True):
    f.write_catalog(tmp_path / "catalog", **CHEAP_PLANT)
    text = ('name = "nr"\ndescription = "no-regret test"\ncatalog = "catalog"\nobjective = "min_cost"\n'
            "budget_usd = 500e6\nfederal_share = 0.5\n")
    if futures:
        text += '[futures.truce]\nprobability = 0.75\n[futures.cut]\nprobability = 0.25\nimport_case = "cut"\n'
    toml = tmp_path / "nr.toml"
    toml.write_text(text, encoding="utf-8")
    return toml, pf.write_proposals(tmp_path / "pool.csv", POOL)


def test_no_regret_awards_by_hand(tmp_path, capsys):
    toml, pool = _scenario(tmp_path)
    out = tmp_path / "out"
    assert main(["select", str(pool), "--scenario", str(toml), "--out", str(out), "--no-map"]) == 0
    printed = capsys.readouterr().out
    table = pd.read_csv(out / "no_regret.csv", keep_default_na=False).set_index("project_id")
    assert list(table.columns) == [
        "applicant", "site_id", "federal_request_usd", "futures_funded", "futures", "funded_in",
        "funded_in_stochastic", "award", "max_regret_if_funded", "max_regret_if_dropped", "value_unit",
        "regret_if_funded_truce", "regret_if_dropped_truce", "regret_if_funded_cut", "regret_if_dropped_cut"]
    assert table["futures_funded"].to_dict() == {"A": 2, "B": 1, "C": 0}
    assert table["funded_in"].to_dict() == {"A": "truce;cut", "B": "cut", "C": ""}
    assert table["funded_in_stochastic"].to_dict() == {"A": True, "B": True, "C": False}
    assert table["award"].to_dict() == {"A": "fund in every future", "B": "fund in some futures",
                                        "C": "fund in no future"}
    regrets = table[["regret_if_funded_truce", "regret_if_dropped_truce", "regret_if_funded_cut",
                     "regret_if_dropped_cut"]].astype(float)
    assert regrets.loc["A"].tolist() == pytest.approx([0, 4.9, 0, 29.9], abs=1e-6)
    assert regrets.loc["B"].tolist() == pytest.approx([5.0, 0, 0, 20.0], abs=1e-6)
    assert regrets.loc["C"].tolist() == pytest.approx([25.0, 0, 20.0, 0], abs=1e-6)
    assert table["max_regret_if_funded"].astype(float).tolist() == pytest.approx([0, 5.0, 25.0], abs=1e-6)
    assert table["max_regret_if_dropped"].astype(float).tolist() == pytest.approx([29.9, 20.0, 0], abs=1e-6)
    board = pd.read_csv(out / "board.csv", keep_default_na=False).set_index("project_id")
    assert board["no_regret"].to_dict() == table["award"].to_dict()
    html = (out / "board.html").read_text(encoding="utf-8")
    assert "<b>Fund in every future</b> (&#9733;): A (Applicant A)." in html
    assert "<b>Funded in no future</b> (&#10005;): C (Applicant C)." in html
    assert html.count('<tr class="fund every">') == 1 and html.count('<tr class="nofund none">') == 1
    assert "fund in every future: A; funded in no future: C" in printed


def test_rank_pools_the_files_applications(tmp_path, capsys):
    """rank over the same futures: the two files' applications as one pool (A, B, C) give the
    same awards as select; a second file's A that is a different application gets none."""
    toml, _ = _scenario(tmp_path)
    one = pf.write_proposals(tmp_path / "one.csv", POOL[:2])
    other_a = pf.project("A", 50, 1, 2)
    two = pf.write_proposals(tmp_path / "two.csv", [POOL[2], other_a])
    out = tmp_path / "rank"
    assert main(["rank", str(one), str(two), "--scenario", str(toml), "--out", str(out), "--no-map"]) == 0
    assert "fund in every future: A; funded in no future: C" in capsys.readouterr().out
    table = pd.read_csv(out / "no_regret.csv", keep_default_na=False).set_index("project_id")
    assert table["award"].to_dict() == {"A": "fund in every future", "B": "fund in some futures",
                                        "C": "fund in no future"}
    assert table["funded_in_stochastic"].to_dict() == {"A": True, "B": True, "C": False}
    assert table.loc["C", ["regret_if_funded_truce", "regret_if_funded_cut"]].astype(float).tolist() == \
        pytest.approx([25.0, 20.0], abs=1e-6)
    board = pd.read_csv(out / "board.csv", keep_default_na=False)
    assert list(zip(board["portfolio"], board["project_id"], board["no_regret"])) == [
        ("one", "A", "fund in every future"), ("one", "B", "fund in some futures"),
        ("two", "C", "fund in no future"), ("two", "A", "")]


def test_one_future_writes_no_no_regret_table(tmp_path):
    """Without futures select writes what it always did: no no_regret.csv, no board column."""
    toml, pool = _scenario(tmp_path, futures=False)
    out = tmp_path / "out"
    assert main(["select", str(pool), "--scenario", str(toml), "--out", str(out), "--no-map"]) == 0
    assert not (out / "no_regret.csv").exists()
    assert "no_regret" not in pd.read_csv(out / "board.csv").columns
    assert "No-regret" not in (out / "board.html").read_text(encoding="utf-8")


@requires_chromium
def test_no_regret_board_fits_a_laptop_screen(browser, tmp_path):
    """The marks and the paragraph, not a column: a no-regret board fits 1,366 px with long names."""
    from browser import open_map

    toml, _ = _scenario(tmp_path)
    long = [dict(row, applicant="A very long applicant name Incorporated " * 3) for row in POOL]
    pool = pf.write_proposals(tmp_path / "long.csv", long)
    out = tmp_path / "out"
    assert main(["select", str(pool), "--scenario", str(toml), "--out", str(out), "--no-map"]) == 0
    with open_map(browser, out / "board.html", width=1366, height=800) as opened:
        assert opened.problems() == {k: [] for k in opened.problems()}
        assert opened.page.evaluate("document.documentElement.scrollWidth") <= 1366
        assert opened.page.locator("table.board tbody tr.every").count() == 1
