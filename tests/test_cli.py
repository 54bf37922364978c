"""The ree-planner command end to end: outputs, exit codes and messages for bad input."""
import json
import subprocess
import sys

import pandas as pd
import pytest

import factory as f
from planner.cli import main

ONE_MINE = f.MINE_AND_MILL


def scenario_file(tmp_path, text: str, **tables) -> str:
    f.write_catalog(tmp_path / "cat", **(tables or ONE_MINE))
    path = tmp_path / "s.toml"
    path.write_text('name = "small"\ncatalog = "cat"\n' + text)
    return str(path)


def ree(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planner.cli", *args], capture_output=True, text=True)


def test_run_writes_every_output(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", scenario_file(tmp_path, "budget_usd = 10e6\n"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Capacity (t/yr of REO input):" in printed and f"Outputs written to {out}/" in printed
    # measured: the mine's 1,000 t/yr of 50% Nd concentrate caps supply at 500 t, 400 t above today's
    assert "The next $100M adds 400.0 t/yr of weighted supply (400.0 t/yr NdPr) (measured: re-solved with " \
        "$110.0M)." in printed
    names = {"capacity.csv", "elements.csv", "flows.csv", "portfolio.csv", "summary.json", "map.html",
             "portfolio.geojson"}
    assert names <= {p.name for p in out.iterdir()}
    cap = pd.read_csv(out / "capacity.csv")
    assert list(cap.columns) == ["site_id", "site_name", "state", "technology", "existing_tpa", "new_tpa",
                                 "total_tpa", "throughput_tpa", "capex_usd", "federal_usd", "available_tpa",
                                 "capex_basis", "owner", "weighted_added_t", "federal_usd_per_weighted_t"]
    assert cap[["site_id", "new_tpa", "capex_basis"]].values.tolist() == [["mine", 200.0, "greenfield"]]
    # $10M federal buys 200 t/yr of a 50% Nd concentrate: 100 weighted t/yr, $100,000 per weighted t/yr
    assert cap[["weighted_added_t", "federal_usd_per_weighted_t"]].values.tolist() == [[100.0, 100_000.0]]
    assert list(pd.read_csv(out / "elements.csv").columns) == ["element", "demand_t", "domestic_t", "imports_t",
                                                              "unmet_t", "import_reliance", "foreign_feed_t",
                                                              "foreign_feed_reliance", "heavy_concentrate_t"]
    assert list(pd.read_csv(out / "flows.csv").columns) == ["from_site", "to_site", "form", "element", "tonnes",
                                                           "distance_km", "transport_usd", "from_latitude",
                                                           "from_longitude", "to_latitude", "to_longitude"]
    portfolio = pd.read_csv(out / "portfolio.csv", keep_default_na=False)
    assert list(portfolio.columns) == [
        "project_id", "applicant", "site_id", "technology", "capacity_tpa", "federal_request_usd", "total_capex_usd",
        "kind", "option_id", "first_output_year", "weighted_added_t", "weighted_t_per_federal_musd"]
    # the plant above as an award: 100 weighted t/yr for $10M federal = 10 per federal $1M
    assert portfolio[["kind", "option_id", "weighted_added_t", "weighted_t_per_federal_musd"]].values.tolist() == [
        ["plant", "", 100.0, 10.0]]
    summary = json.loads((out / "summary.json").read_text())
    for key in ("scenario", "status", "objective", "objective_value", "budget_usd", "federal_usd", "capex_usd",
                "budget_marginal_value", "solver", "solve_seconds", "inputs_sha256"):
        assert key in summary
    assert (summary["scenario"], summary["status"], summary["objective_value"]) == ("small", "optimal", 100.0)
    geo = json.loads((out / "portfolio.geojson").read_text())
    assert [ft["properties"]["site_id"] for ft in geo["features"]] == ["mine"]
    assert geo["features"][0]["geometry"]["coordinates"] == [-115.53, 35.48]


def test_same_inputs_give_identical_tables(tmp_path):
    scenario = scenario_file(tmp_path, "budget_usd = 10e6\n")
    assert main(["run", scenario, "--out", str(tmp_path / "a"), "--no-map"]) == 0
    assert main(["run", scenario, "--out", str(tmp_path / "b"), "--no-map"]) == 0
    for name in ("capacity.csv", "elements.csv", "flows.csv", "portfolio.csv", "portfolio.geojson", "duals.csv",
                 "report.xlsx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_budget_and_objective_overrides(tmp_path):
    out = tmp_path / "o"
    assert main(["run", scenario_file(tmp_path, ""), "--budget", "5e6", "--objective", "min_cost",
                 "--out", str(out), "--no-map"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["budget_usd"], summary["objective"]) == (5e6, "min_cost")


@pytest.mark.parametrize("args, message", [
    (["--budget", "-5"], "ree-planner: command line, key budget_usd: got '-5.0', expected a number >= 0\n"),
    (["--objective", "max_profit"], "ree-planner: command line, key objective: got 'max_profit', expected one "
                                    "of max_weighted_supply, min_import_reliance, min_cost, "
                                    "min_worst_year_reliance\n"),
])
def test_bad_command_line_values_exit_2(tmp_path, capsys, args, message):
    out = tmp_path / "out"
    assert main(["run", scenario_file(tmp_path, ""), *args, "--out", str(out)]) == 2
    assert capsys.readouterr().err == message
    assert not out.exists()


def test_unknown_scenario_key_and_wrong_type_listed_together(tmp_path, capsys):
    path = scenario_file(tmp_path, 'budjet_usd = 5\nfederal_share = "half"\n')
    assert main(["run", path, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ree-planner: 2 problems in the input:\n")
    assert f"  - {path}, key budjet_usd: expected a known key (did you mean 'budget_usd'?): name, description, extends," in err
    assert f"  - {path}, key federal_share: got 'half', expected a number\n" in err
    assert not (tmp_path / "out").exists()


def test_missing_catalog_file_exits_2_without_traceback(tmp_path):
    path = scenario_file(tmp_path, "")
    (tmp_path / "cat" / "technologies.csv").unlink()
    done = ree("run", path, "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr == f"ree-planner: {tmp_path}/cat/technologies.csv: expected this file to exist\n"
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "out").exists()


def test_split_not_summing_to_one_exits_2(tmp_path):
    tables = dict(ONE_MINE, feedstocks=[f.feed("conc", "mine", 1000, nd=0.5, other=0.4)])
    done = ree("run", scenario_file(tmp_path, "", **tables), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr == (f"ree-planner: {tmp_path}/cat/feedstocks.csv, row 1 (conc), column share_*: "
                           "got '0.9', expected element shares summing to 1\n")
    assert not (tmp_path / "out").exists()


def test_bad_toml_and_unknown_import_case(tmp_path, capsys):
    path = scenario_file(tmp_path, 'import_case = "embargo"\n')
    assert main(["run", path]) == 2
    assert capsys.readouterr().err == (f"ree-planner: {path}, key import_case: got 'embargo', expected an import "
                                       "case of the catalog: truce\n")
    (tmp_path / "bad.toml").write_text("budget_usd = = 3\n")
    assert main(["run", str(tmp_path / "bad.toml")]) == 2
    assert capsys.readouterr().err.startswith(f"ree-planner: {tmp_path}/bad.toml: expected valid TOML (")


def test_failed_map_leaves_previous_outputs_untouched(tmp_path, monkeypatch, capsys):
    """All or nothing: if writing fails midway, the old run folder stays as it was."""
    out = tmp_path / "out"
    scenario = scenario_file(tmp_path, "budget_usd = 10e6\n")
    assert main(["run", scenario, "--out", str(out), "--no-map"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    import maps

    def disk_full(m, path, **k):
        raise OSError(28, "No space left on device", str(path))
    monkeypatch.setattr(maps, "save_offline", disk_full)
    assert main(["run", scenario, "--budget", "2e7", "--out", str(out)]) == 2
    assert "map.html: No space left on device" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_every_scenario_key_is_documented():
    from pathlib import Path

    from planner.scenario import keys
    doc = (Path(__file__).parents[1] / "docs" / "scenarios.md").read_text()
    assert [k for k in keys() if f"| `{k}` |" not in doc] == []


def test_value_floor_needs_the_supply_objective(tmp_path, capsys):
    path = scenario_file(tmp_path, 'objective = "min_cost"\nmin_value_per_musd = 5\n')
    assert main(["run", path, "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (f"ree-planner: {path}, key min_value_per_musd: got '5', expected 0 unless "
                                       "objective is max_weighted_supply (the floor is in weighted t/yr per $1M)\n")
    assert not (tmp_path / "out").exists()
