"""Sweeps on hand-solvable catalogs: exact supply curve, marginal values, warm == cold, order-free."""
import re

import pandas as pd
import pytest

from models import plan
from planner.cli import main
from planner.outputs.tables import write_csv
from planner.run import load_inputs, run_scenario
from planner.scenario import load_scenario
from planner.sweep import grid, run_sweep
from planner.sweep.spec import budget_axis, check_axes, param_axis
from sites.errors import InputError
from tests.factory import feed_option as option
from sweep_catalogs import TIED_MILLS, TWO_ELEMENTS, scenario_file, supply_at

BUDGETS = "0:100e6:11"  # $0, $10M, ... $100M; the feed runs out at exactly $50M


@pytest.fixture
def small(tmp_path):
    scenario = load_scenario(scenario_file(tmp_path, TWO_ELEMENTS))
    return scenario, load_inputs(scenario)


def test_budget_axis_is_exact_round_numbers():
    assert budget_axis("0:1.2e9:4").values == (0.0, 4e8, 8e8, 1.2e9)


def test_sweep_gives_the_hand_solved_supply_curve(small):
    scenario, catalog = small
    table = run_sweep(scenario, catalog, [budget_axis(BUDGETS)], workers=1).table
    assert (table["status"] == "optimal").all()
    for b, value in zip(table["budget_usd"], table["objective_value"]):
        assert value == pytest.approx(supply_at(b), abs=1e-6)
    assert table["objective_value"].is_monotonic_increasing
    assert table["domestic_t_Nd"].tolist()[:3] == pytest.approx([0.0, 60.0, 120.0])
    assert table["domestic_t_Dy"].tolist()[:3] == pytest.approx([0.0, 20.0, 40.0])
    assert table["import_reliance_Dy"].iloc[-1] == pytest.approx(0.9)


def test_slopes_between_points_equal_reported_marginal_values(small):
    """Below $50M each $1M adds 14 weighted t (6 t Nd, 2 t Dy); from $50M on, nothing.
    The value reported at a point is the slope to its right, kinks included."""
    scenario, catalog = small
    table = run_sweep(scenario, catalog, [budget_axis(BUDGETS)], workers=1).table
    b, v, mv = table["budget_usd"].tolist(), table["objective_value"].tolist(), table["budget_marginal_value"].tolist()
    for i in range(len(b) - 1):
        slope = (v[i + 1] - v[i]) / ((b[i + 1] - b[i]) / 1e6)
        assert mv[i] == pytest.approx(slope, abs=1e-6), b[i]
    assert mv[:5] == pytest.approx([14.0] * 5)
    assert table["marginal_t_per_100musd_Nd"].tolist()[:5] == pytest.approx([600.0] * 5)
    assert table["marginal_t_per_100musd_Dy"].tolist()[:5] == pytest.approx([200.0] * 5)
    # the words say what the next $100M adds, measured: from $10M only $40M more is worth anything
    # (40 x 14 = 560), not the slope multiplied out (1,400); and a budget all spent is never "not binding"
    assert table["marginal_value_text"].iloc[1] == (
        "The next $100M adds 560.0 t/yr of weighted supply (240.0 t/yr NdPr, 80.0 t/yr Dy) (measured: re-solved "
        "with $110.0M).")
    assert table["marginal_value_text"].iloc[5] == (
        "All $50.0M is used, yet another $100M would add nothing (measured): feed and demand limit supply here, "
        "not money.")
    assert table["marginal_value_text"].iloc[-1] == (
        "The budget does not bind ($50.0M of $100.0M used): more federal money would not add supply.")


def test_run_marginal_value_matches_a_finite_difference(small):
    scenario, catalog = small
    run = run_scenario(scenario.with_overrides("test", budget_usd=20e6), catalog)
    s = run.summary
    higher = plan(catalog, scenario.with_overrides("test", budget_usd=21e6).settings())
    assert higher.summary["objective_value"] - s["objective_value"] == pytest.approx(s["budget_marginal_value"])
    assert s["budget_marginal_value"] == pytest.approx(14.0)
    assert s["budget_dual"] == pytest.approx(14.0)
    assert s["budget_marginal_by_element"] == pytest.approx({"Nd": 6.0, "Dy": 2.0})
    assert s["budget_marginal_method"].startswith("LP shadow price")


def test_warm_sweep_equals_cold_solves(small):
    scenario, catalog = small
    result = run_sweep(scenario, catalog, [budget_axis(BUDGETS)], workers=1)
    for row in result.table.itertuples(index=False):
        cold = plan(catalog, scenario.with_overrides("test", budget_usd=row.budget_usd).settings())
        assert row.objective_value == pytest.approx(cold.summary["objective_value"], abs=1e-6)
        assert row.federal_usd == pytest.approx(cold.summary["federal_usd"], abs=0.01)
        built = result.capacity[result.capacity["budget_usd"] == row.budget_usd]["new_tpa"].sum()
        assert built == pytest.approx(cold.capacity["new_tpa"].sum(), abs=1e-6)


def test_points_past_the_spend_of_a_slack_answer_are_not_solved_again(small, monkeypatch):
    """The feed runs out at $50M: the $60M answer leaves money unspent, so $70M..$100M have the
    same optimum and are taken from it (4 of 11 points not solved); the rows still say which
    budget each point had."""
    from models import Pipeline

    scenario, catalog = small
    solves = []
    original = Pipeline.solve
    monkeypatch.setattr(Pipeline, "solve", lambda self, *a, **k: solves.append(self.solver.budget_usd)
                        or original(self, *a, **k))
    table = run_sweep(scenario, catalog, [budget_axis(BUDGETS)], workers=1).table
    assert solves == [b * 1e7 for b in range(7)]
    assert table["budget_usd"].tolist()[7:] == [7e7, 8e7, 9e7, 1e8]
    assert table["objective_value"].tolist()[6:] == [table["objective_value"].iloc[6]] * 5
    assert table["budget_binds"].tolist()[6:] == [False] * 5
    assert table["marginal_value_text"].iloc[10].endswith("($50.0M of $100.0M used): more federal money would not add "
                                                          "supply.")


def _csv_bytes(frame, path):
    """The bytes write_csv gives the table (path's folder names the run, its name the table)."""
    path.parent.mkdir(exist_ok=True)
    write_csv(frame, path)
    return path.read_bytes()


def test_serial_parallel_and_reversed_sweeps_are_identical(tmp_path):
    """Two mills tie on cost at every budget: the answer must still not depend on the order."""
    scenario = load_scenario(scenario_file(tmp_path, TIED_MILLS))
    catalog = load_inputs(scenario)
    axes = [budget_axis("0:80e6:9")]
    runs = {
        "serial": run_sweep(scenario, catalog, axes, workers=1),
        "reversed": run_sweep(scenario, catalog, axes, workers=1, order="descending"),
        "parallel": run_sweep(scenario, catalog, axes, workers=2),
        "parallel-reversed": run_sweep(scenario, catalog, axes, workers=3, order="descending"),
    }
    tables = {k: _csv_bytes(r.table, tmp_path / k / "sweep.csv") for k, r in runs.items()}
    capacity = {k: _csv_bytes(r.capacity, tmp_path / k / "sweep_capacity.csv") for k, r in runs.items()}
    assert len(set(tables.values())) == 1
    assert len(set(capacity.values())) == 1
    assert runs["parallel"].workers == 2


def test_budget_and_param_grid(small):
    """capex x2 halves what each $1M buys: 7 weighted t per $1M until the feed runs out at $100M."""
    scenario, catalog = small
    axes = [budget_axis("0:40e6:3"), param_axis("capex_multiplier=1:2:2")]
    table = run_sweep(scenario, catalog, axes, workers=1).table
    assert len(table) == 6 and list(table.columns[:2]) == ["capex_multiplier", "budget_usd"]
    got = {(r.capex_multiplier, r.budget_usd): r.objective_value for r in table.itertuples(index=False)}
    assert got[(1.0, 40e6)] == pytest.approx(560.0)
    assert got[(2.0, 40e6)] == pytest.approx(280.0)
    assert got[(2.0, 20e6)] == pytest.approx(140.0)


def test_table_entry_param(small):
    scenario, catalog = small
    table = run_sweep(scenario, catalog, [param_axis("weights.Dy=1:4:2")], workers=1).table
    # the default $1.2B processes all the feed: 300 t Nd + 100 t Dy, Dy weighted 1 then 4
    assert table["objective_value"].tolist() == pytest.approx([400.0, 700.0])


def test_budget_ladder(tmp_path):
    scenario = load_scenario(scenario_file(tmp_path, TWO_ELEMENTS))
    result = run_sweep(scenario, load_inputs(scenario), [budget_axis(BUDGETS)], workers=1)
    ladder = result.ladder
    assert ladder[["site_id", "technology", "enters_at_budget_usd", "new_tpa_at_entry", "new_tpa_at_top"]] \
        .values.tolist() == [["mine", "sx", 10e6, 200.0, 1000.0]]


def test_grid_puts_the_budget_innermost():
    points = grid([budget_axis("0:10:2"), param_axis("capex_multiplier=1:2:2")])
    assert [p.values for p in points] == [
        (("budget_usd", 0.0), ("capex_multiplier", 1.0)), (("budget_usd", 10.0), ("capex_multiplier", 1.0)),
        (("budget_usd", 0.0), ("capex_multiplier", 2.0)), (("budget_usd", 10.0), ("capex_multiplier", 2.0))]


def test_sweep_cli_writes_every_file(tmp_path, capsys):
    path = scenario_file(tmp_path, TWO_ELEMENTS)
    out = tmp_path / "sweep"
    assert main(["sweep", str(path), "--budget", BUDGETS, "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {".ree-planner.json", "sweep.csv", "sweep.png", "ladder.csv", "sweep_capacity.csv",
                                               "sweep.json"}
    header = (out / "sweep.csv").read_text().splitlines()[0].split(",")
    assert header[:5] == ["budget_usd", "status", "objective", "objective_value", "weighted_supply"]
    for col in ("federal_usd", "budget_marginal_value", "domestic_t_Dy", "import_reliance_Nd"):
        assert col in header
    printed = capsys.readouterr()
    assert "Budget ladder" in printed.out and "+ mine sx" in printed.out
    assert printed.err == ""  # no progress bar when stderr is not a terminal
    first = (out / "sweep.csv").read_bytes()
    assert main(["sweep", str(path), "--budget", BUDGETS, "--out", str(out), "--workers", "2"]) == 0
    assert (out / "sweep.csv").read_bytes() == first


EXPECTED_RANGE = ("START:STOP:N, e.g. 0:1.2e9:25 (START and STOP amounts of US dollars such as 1.2e9, 1.2B, $600M "
                  "or 600m, START < STOP, N a whole number from 2 to 10,000)")


@pytest.mark.parametrize("args, message", [
    (["--budget", "0:1e8"], f"ree-planner: --budget: got '0:1e8', expected {EXPECTED_RANGE}\n"),
    (["--budget", "5e8:1e8:3"], f"ree-planner: --budget: got '5e8:1e8:3', expected {EXPECTED_RANGE}\n"),
    (["--budget", "0:1e8:x"], f"ree-planner: --budget: got '0:1e8:x', expected {EXPECTED_RANGE}\n"),
    (["--budget=-1e6:1e8:3"], "ree-planner: --budget: got 'budget_usd = -1000000', expected a number >= 0\n"),
    (["--param", "target_year=2028:2031:3"],
     "ree-planner: --param: got 'target_year=2028:2031:3', expected whole-number steps for target_year "
     "(e.g. target_year=2028:2032:5)\n"),
    (["--param", "federal_share=0.5:2:4"],
     "ree-planner: --param: got 'federal_share = 1.5, 2', expected a number <= 1\n"),
    ([], "ree-planner: sweep: expected --budget START:STOP:N or --param KEY=START:STOP:N\n"),
])
def test_bad_specs_exit_2_with_a_clear_message_and_no_folder(tmp_path, capsys, args, message):
    path = scenario_file(tmp_path, TWO_ELEMENTS)
    out = tmp_path / "sweep"
    assert main(["sweep", str(path), *args, "--out", str(out)]) == 2
    assert capsys.readouterr().err == message
    assert not out.exists()


def test_unknown_param_key_names_the_keys(tmp_path, capsys):
    path = scenario_file(tmp_path, TWO_ELEMENTS)
    assert main(["sweep", str(path), "--param", "colour=1:2:3", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ree-planner: --param: got 'colour=1:2:3', expected KEY=START:STOP:N with KEY a numeric "
                          "scenario key (budget_usd, federal_share")
    assert not (tmp_path / "o").exists()


def test_check_axes_rejects_a_key_swept_twice(small):
    scenario, _ = small
    with pytest.raises(InputError, match="each key swept once"):
        check_axes(scenario, [budget_axis("0:1:2"), param_axis("budget_usd=0:1:2")])


def test_the_next_100m_is_measured_not_extrapolated(small, capsys):
    """Issue 14: at $0 the slope is 14 weighted t/yr per $1M, but only $50M is worth spending, so
    the next $100M adds 700 (50 x 14), not 1,400; at $50M, all spent, nothing more: never
    "does not bind ($50.0M of $50.0M used)"."""
    scenario, catalog = small
    table = run_sweep(scenario, catalog, [budget_axis("0:50e6:2")], workers=1).table
    texts = table["marginal_value_text"].tolist()
    assert texts[0].startswith("The next $100M adds 700.0 t/yr of weighted supply")
    assert "does not bind" not in texts[1] and texts[1].startswith("All $50.0M is used, yet another $100M would add "
                                                                   "nothing (measured)")


def test_evaluate_prints_no_missing_numbers(tmp_path, capsys):
    import proposal_factory as pf

    toml = pf.write_scenario(tmp_path, budget_usd=20e6)
    csv = pf.write_proposals(tmp_path / "p.csv", [pf.project("A", 100, 5)])
    assert main(["evaluate", str(csv), "--scenario", str(toml), "--out", str(tmp_path / "o"), "--no-map"]) == 0
    printed = capsys.readouterr().out.replace(str(tmp_path), "")
    assert not re.search(r"\bnan\b", printed.lower())
    assert "Mine sx: $5.0M federal; what it adds is measured per project below (marginal_wt)" in printed


# TWO_ELEMENTS with money able to buy feed: an all-or-nothing expansion of the mine's feed by
# 1,000 t/yr for $40M of capex ($20M federal at its 50% share), output from 2026 + 2 = 2028.
WITH_FEED_OPTION = dict(TWO_ELEMENTS, feed_options=[option("expand", "conc", 1000, 40e6, kind="expansion",
                                                            min_fraction=1)])


def test_sweep_switches_feed_options_off_and_on_and_the_ladder_names_the_option(tmp_path):
    """Hand-solved: $1M federal of plant processes 20 t/yr of feed = 14 weighted t/yr, and the
    mine has 1,000 t/yr (700 weighted, all processed at $50M). Off: min(14 B, 700). On: the
    option costs $20M federal and then the plant may grow to 2,000 t/yr, so 14 (B - 20), better
    than 700 only above B = $70M. At $0 ... $100M in $20M steps:
    off 0, 280, 560, 700, 700, 700; on 0, 280, 560, 700, 840, 1,120; the option enters at $80M."""
    path = scenario_file(tmp_path, WITH_FEED_OPTION)
    out = tmp_path / "sweep"
    assert main(["sweep", str(path), "--budget", "0:100e6:6", "--param", "feed_options=false,true",
                 "--out", str(out)]) == 0
    table = pd.read_csv(out / "sweep.csv")
    assert table["feed_options"].tolist() == [False] * 6 + [True] * 6
    assert table["weighted_supply"].tolist() == pytest.approx([0, 280, 560, 700, 700, 700,
                                                               0, 280, 560, 700, 840, 1120], abs=1e-6)
    ladder = pd.read_csv(out / "ladder.csv", keep_default_na=False)
    on = ladder[ladder["feed_options"]]
    assert on[["kind", "site_id", "technology", "option_id", "enters_at_budget_usd"]].values.tolist() == [
        ["plant", "mine", "sx", "", 20e6], ["expansion", "mine", "", "expand", 80e6]]
    assert on["new_tpa_at_entry"].tolist() == pytest.approx([400.0, 1000.0])
    assert on["new_tpa_at_top"].tolist() == pytest.approx([1600.0, 1000.0])  # $80M of plant at $100M
    off = ladder[~ladder["feed_options"]]
    assert off["kind"].tolist() == ["plant"]
    assert (out / "sweep.png").stat().st_size > 0


@pytest.mark.parametrize("spec", ["feed_options=1:2:3", "feed_options=true,maybe", "feed_options=true,true",
                                  "feed_options=true"])
def test_a_switch_is_swept_as_false_and_true_only(tmp_path, capsys, spec):
    path = scenario_file(tmp_path, WITH_FEED_OPTION)
    assert main(["sweep", str(path), "--budget", "0:1e6:2", "--param", spec, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"--param: got '{spec}', expected feed_options=false,true (the values false and true, each once, " \
           "comma-separated)" in err
    assert not (tmp_path / "o").exists()
