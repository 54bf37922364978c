"""planner.api: the commands' computations from Python. Round trips against the files the
command line writes for the same inputs, overrides that move the answer as worked out by
hand, the command line's exact messages for bad overrides, and docs/api.md's tour run as is."""
import json
import re
from pathlib import Path

import pandas as pd
import pytest

import planner
import proposal_factory as pf
from planner import api
from planner.cli import main
from planner.failures import SolverFailure
from sites.errors import InputError
from sweep_catalogs import TWO_ELEMENTS, scenario_file, supply_at

ROOT = Path(__file__).resolve().parents[1]


def numbers_equal(api_frame: pd.DataFrame, csv_path: Path, key: list[str]) -> None:
    """The CSV (6 decimals) and the DataFrame agree on every column the CSV has."""
    written = pd.read_csv(csv_path)
    frame = api_frame[list(written.columns)].copy()
    for column in written.columns:  # a blank text cell reads back as NaN
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].astype(object).fillna("").astype(str)
            written[column] = written[column].astype(object).fillna("").astype(str)
    pd.testing.assert_frame_equal(frame.sort_values(key).reset_index(drop=True),
                                  written.sort_values(key).reset_index(drop=True),
                                  check_dtype=False, atol=1e-6, rtol=0)


@pytest.fixture
def small(tmp_path):
    """One mine, 1,000 t/yr of 50% Nd concentrate, $100k per t/yr of plant at 50% federal
    share: each federal $1M adds 10 t Nd until the feed runs out (500 t at $50M)."""
    return pf.write_scenario(tmp_path / "scenario", budget_usd=10e6)


def test_run_equals_the_files_the_command_writes(small, tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["run", str(small), "--budget", "20M", "--out", str(out), "--no-map"]) == 0
    run = api.run(small, budget_usd="20M")
    tables = run.tables()
    for name, key in (("capacity", ["site_id", "technology"]), ("elements", ["element"]),
                      ("flows", ["from_site", "to_site", "form", "element"]), ("portfolio", ["project_id"]),
                      ("production", ["site_id", "technology", "element"]), ("feeds", ["feedstock_id"])):
        numbers_equal(tables[f"{name}.csv"], out / f"{name}.csv", key)
    numbers_equal(run.result.capacity, out / "capacity.csv", ["site_id", "technology"])
    written = json.loads((out / "summary.json").read_text())
    mine = run.summary.to_dict()
    for key in ("scenario", "objective_value", "weighted_supply", "federal_usd", "budget_usd",
                "budget_marginal_value", "budget_marginal_value_text", "import_reliance", "foreign_feed_reliance"):
        assert mine[key] == written[key], key
    # the same words, but honest about where the override was set (so the inputs' hash differs too)
    assert written["description"].replace("set on the command line", "set in Python") == mine["description"]
    # the tidy table says what the files say
    stats = run.statistics().set_index(["measure", "element"])
    assert stats.at[("weighted_supply", "all"), "value"] == written["weighted_supply"] == 200.0
    assert stats.at[("federal_usd", "all"), "value"] == written["federal_usd"] == 20e6
    assert stats.at[("import_reliance", "Nd"), "unit"] == "fraction"
    assert stats.at[("import_reliance", "Nd"), "value"] == pytest.approx(written["import_reliance"]["Nd"]) \
        == pytest.approx(0.8)
    elements = pd.read_csv(out / "elements.csv").set_index("element")
    for measure in ("demand_t", "domestic_t", "imports_t", "unmet_t", "foreign_feed_reliance"):
        assert stats.at[(measure, "Nd"), "value"] == pytest.approx(elements.at["Nd", measure], abs=1e-6)
    assert stats.at[("budget_marginal_value", "all"), "unit"] == "weighted t/yr per extra $1M federal"
    assert stats.at[("marginal_t_per_100musd", "Nd"), "value"] == pytest.approx(1000.0)  # 10 t per $1M
    # measured: $120M would buy 1,200 t of Nd from a 500 t feed, so the next $100M adds 300, not 1,000
    assert stats.at[("budget_next_100musd", "all"), "value"] == written["budget_next_100musd"] == pytest.approx(300.0)
    assert stats.at[("budget_next_100musd", "all"), "unit"] == "weighted t/yr from the next $100M federal, re-solved"


def test_overrides_change_the_answer_as_worked_out_by_hand(small):
    """$10M federal buys 200 t/yr of plant = 100 t Nd; $30M, 300 t; $80M would buy 800 t Nd
    but the feed gives 500; at a 20% federal share $10M pays for $50M of capex, 500 t/yr = 250 t
    Nd; doubled capex halves what $30M buys."""
    assert api.run(small).summary.weighted_supply == pytest.approx(100.0)
    assert api.run(small, budget_usd=30e6).summary.weighted_supply == pytest.approx(300.0)
    assert api.run(small, budget_usd="$80M").summary.weighted_supply == pytest.approx(500.0)
    assert api.run(small, federal_share=0.2).summary.weighted_supply == pytest.approx(250.0)
    scenario = api.scenario(small, budget_usd=30e6, capex_multiplier=2.0)
    assert scenario.name == "test-budget-30M-capex_multiplier-2.0"
    assert "capex_multiplier 2.0" in scenario.description and "set in Python" in scenario.description
    assert api.run(scenario).summary.weighted_supply == pytest.approx(150.0)  # capex doubled: half as much


@pytest.mark.parametrize("flag, text, key, value", [
    ("--budget", "-5", "budget_usd", -5.0),
    ("--import-case", "nonsense", "import_case", "nonsense"),
    ("--objective", "max_profit", "objective", "max_profit"),
])
def test_a_bad_override_raises_the_command_lines_exact_message(tmp_path, capsys, flag, text, key, value):
    assert main(["run", "baseline", flag, text, "--out", str(tmp_path / "o"), "--no-map"]) == 2
    said = capsys.readouterr().err
    with pytest.raises(InputError) as err:
        api.run("baseline", **{key: value})
    assert said == f"ree-planner: {err.value}\n"
    assert said.startswith(f"ree-planner: command line, key {key}: got ")


def test_a_misspelt_key_is_named_with_a_suggestion():
    with pytest.raises(InputError) as err:
        api.scenario("baseline", budgt_usd=1e9)
    assert str(err.value).startswith("command line, key budgt_usd: expected a known key (did you mean "
                                     "'budget_usd'?): name, description, ")
    with pytest.raises(InputError, match=r"key budget_usd: got '1.2X', expected an amount of US dollars"):
        api.scenario("baseline", budget_usd="1.2X")


def test_a_scenario_that_does_not_solve_raises_as_the_command_exits_3(small, monkeypatch):
    from models import Solution, StageSolver

    monkeypatch.setattr(StageSolver, "solve", lambda self: Solution("infeasible", message="primal infeasible"))
    with pytest.raises(SolverFailure, match=r"^scenario test: the model did not solve \(infeasible: primal "
                                            r"infeasible\); no outputs written$"):
        api.run(small)


def test_sweep_equals_the_files_the_command_writes(tmp_path, capsys):
    """The hand-solved supply curve of tests/test_sweep.py, through both doors."""
    path = scenario_file(tmp_path, TWO_ELEMENTS)
    out = tmp_path / "cli"
    assert main(["sweep", str(path), "--budget", "0:100e6:3", "--out", str(out)]) == 0
    swept = api.sweep(path, budget="0:100e6:3")
    numbers_equal(swept.table, out / "sweep.csv", ["budget_usd"])
    numbers_equal(swept.ladder, out / "ladder.csv", ["site_id", "technology"])
    numbers_equal(swept.capacity, out / "sweep_capacity.csv", ["budget_usd", "site_id", "technology"])
    assert list(swept.table["weighted_supply"]) == pytest.approx([supply_at(b) for b in (0, 50e6, 100e6)])
    assert swept.about() == json.loads((out / "sweep.json").read_text())
    # a list of budgets is the same axis as its START:STOP:N text
    listed = api.sweep(path, budget=[0, 50e6, 100e6]).table
    pd.testing.assert_frame_equal(listed, swept.table)


def test_a_bad_sweep_value_is_refused_as_the_command_refuses_it(tmp_path, capsys):
    path = scenario_file(tmp_path, TWO_ELEMENTS)
    assert main(["sweep", str(path), "--param", "federal_share=0:2:3", "--out", str(tmp_path / "o")]) == 2
    said = capsys.readouterr().err
    with pytest.raises(InputError) as err:
        api.sweep(path, params=["federal_share=0:2:3"])
    assert said == f"ree-planner: {err.value}\n"


def test_compare_in_memory_equals_compare_of_the_written_folders(small, tmp_path, capsys):
    runs = [api.run(small), api.run(small, budget_usd=20e6)]
    folders = [r.write(tmp_path / r.scenario.name, with_map=False) for r in runs]
    in_memory, on_disk = api.compare(*runs), api.compare(*folders)
    assert in_memory.runs == on_disk.runs == ["test", "test-budget-20M"]
    for part, key in (("headline", ["metric"]), ("capacity", ["site_id", "technology", "metric"]),
                      ("elements", ["element", "metric"])):
        pd.testing.assert_frame_equal(getattr(in_memory, part), getattr(on_disk, part), check_dtype=False, atol=1e-6)
    headline = in_memory.headline.set_index("metric")
    assert (headline.at["weighted_supply", "test"], headline.at["weighted_supply", "test-budget-20M"]) == (100.0, 200.0)
    # the command writes what the folders' comparison writes
    assert main(["compare", *map(str, folders), "--out", str(tmp_path / "cli")]) == 0
    on_disk.write(tmp_path / "api")
    for name in ("comparison.csv", "comparison.html"):
        assert (tmp_path / "api" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name


def test_evaluate_rank_and_select_equal_the_files_the_commands_write(tmp_path, capsys):
    """Project A (200 t/yr, $10M) and B (100 t/yr, $5M) at the mine; a $12M budget funds A only."""
    toml = pf.write_scenario(tmp_path / "s", budget_usd=12e6)
    a = pf.write_proposals(tmp_path / "a.csv", [pf.project("A", 200, 10)])
    b = pf.write_proposals(tmp_path / "b.csv", [pf.project("B", 100, 5)])
    pool = pf.write_proposals(tmp_path / "pool.csv", [pf.project("A", 200, 10), pf.project("B", 100, 5)])

    assert main(["evaluate", str(a), "--scenario", str(toml), "--out", str(tmp_path / "ev"), "--no-map"]) == 0
    scored = api.evaluate(a, toml)
    numbers_equal(scored.portfolios, tmp_path / "ev" / "scorecard.csv", ["portfolio"])
    numbers_equal(scored.board, tmp_path / "ev" / "board.csv", ["project_id"])
    numbers_equal(scored.run.result.capacity, tmp_path / "ev" / "capacity.csv", ["site_id", "technology"])
    assert scored.run.summary.weighted_supply == pytest.approx(100.0)

    assert main(["rank", str(a), str(b), "--scenario", str(toml), "--out", str(tmp_path / "rk"), "--no-map"]) == 0
    ranking = api.rank([a, b], toml)
    numbers_equal(ranking.portfolios, tmp_path / "rk" / "scorecard.csv", ["portfolio"])
    numbers_equal(ranking.board, tmp_path / "rk" / "board.csv", ["portfolio", "project_id"])
    assert list(ranking.portfolios.sort_values("rank")["portfolio"])[:2] == ["optimal", "a"]

    assert main(["select", str(pool), "--scenario", str(toml), "--out", str(tmp_path / "sel"), "--no-map"]) == 0
    chosen = api.select(pool, toml)
    numbers_equal(chosen.selection.applications, tmp_path / "sel" / "selection.csv", ["project_id"])
    numbers_equal(chosen.board, tmp_path / "sel" / "board.csv", ["project_id"])
    assert dict(zip(chosen.selection.applications["project_id"], chosen.selection.applications["verdict"])) == \
        {"A": "fund", "B": "do not fund"}
    # the budget override moves the choice: $15M funds both
    both = api.select(pool, toml, budget_usd="15M").selection.applications
    assert list(both["verdict"]) == ["fund", "fund"]


def test_write_keeps_the_safe_folder_rules(small, tmp_path):
    run = api.run(small)
    stranger = tmp_path / "mine"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("not ree-planner's")
    with pytest.raises(InputError, match="expected a new or empty folder, or one written by ree-planner"):
        run.write(stranger, with_map=False)
    assert (stranger / "notes.txt").read_text() == "not ree-planner's"


def test_the_package_exports_the_api():
    assert planner.api is api and planner.statistics is api.statistics
    assert {"api", "statistics", "run_scenario", "load_scenario"} <= set(planner.__all__)
    assert all(hasattr(planner, name) for name in planner.__all__)


def test_docs_api_tour_runs_as_written(monkeypatch, capsys):
    """Every ```python block of docs/api.md, in order, in one namespace, from the repo root."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 8
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "docs/api.md", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "baseline-budget-600M-imports-reversal" in printed
    assert "command line, key budget_usd: got '1.2X'" in printed
    assert set(namespace["reliance"].index) == {"Nd", "Pr", "Dy", "Tb"}
    assert not namespace["chosen"].selection.applications.empty


def test_an_evaluations_statistics_leave_out_what_it_does_not_measure(tmp_path):
    """Proposals built as proposed: no re-solve with more money, so no next-$100M row."""
    toml = pf.write_scenario(tmp_path / "s", budget_usd=12e6)
    a = pf.write_proposals(tmp_path / "a.csv", [pf.project("A", 200, 10)])
    stats = api.evaluate(a, toml).run.statistics().set_index(["measure", "element"])
    assert ("budget_next_100musd", "all") not in stats.index
    assert stats.at[("weighted_supply", "all"), "value"] == pytest.approx(100.0)
    assert stats["value"].notna().all()
