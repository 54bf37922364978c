"""The command line fits habits (issue 14, item 4): money as people write it, "did you mean",
every problem of a row at once, the common overrides on every command that solves, a run with
overrides never writing over another scenario's folder and saying what it changed, examples in
every --help."""
import json

import pytest

import factory as f
import proposal_factory as pf
from planner.cli import COMMANDS, main
from planner.money import parse_money, short_money
from planner.scenario import load_scenario
from sites import load_catalog
from sites.errors import InputError

ONE_MINE = f.MINE_AND_MILL
MONEY = "an amount of US dollars such as 1.2e9, 1.2B, $600M or 600m"


def scenario_file(tmp_path, text: str = "") -> str:
    f.write_catalog(tmp_path / "cat", **ONE_MINE)
    path = tmp_path / "small.toml"
    path.write_text('name = "small"\ndescription = "one mine"\ncatalog = "cat"\nbudget_usd = 10e6\n' + text)
    return str(path)


# --- money -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, usd", [
    ("1.2e9", 1.2e9), ("1200000000", 1.2e9), ("1,200,000,000", 1.2e9), ("1.2B", 1.2e9), ("1.2b", 1.2e9),
    ("$1.2bn", 1.2e9), ("$600M", 6e8), ("600m", 6e8), ("600mm", 6e8), ("$ 600 M", 6e8), ("250k", 2.5e5),
    ("0", 0.0), ("-5M", -5e6), ("1_000", 1000.0), (5e6, 5e6)])
def test_money_is_read_as_written(text, usd):
    assert parse_money(text) == pytest.approx(usd)


@pytest.mark.parametrize("text", ["1.2X", "abc", "", "$", "1,2,3", "nan", "inf", "1e999", "M600", "--5", True])
def test_bad_money_is_refused_in_words(text):
    with pytest.raises(ValueError, match=r"^an amount of US dollars such as 1\.2e9, 1\.2B, \$600M or 600m"):
        parse_money(text)


def test_short_money_names_folders():
    assert [short_money(x) for x in (2e9, 1.25e9, 6e8, 2.5e5, 0)] == ["2B", "1.25B", "600M", "250k", "0"]


def test_budget_flag_takes_money_and_refuses_bad_money_exactly(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = scenario_file(tmp_path)
    assert main(["run", path, "--budget", "$20M", "--no-map"]) == 0
    assert json.loads((tmp_path / "out/small-budget-20M/summary.json").read_text())["budget_usd"] == 20e6
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        main(["run", path, "--budget", "1.2X"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"ree-planner run: error: argument --budget: expected {MONEY}, got '1.2X'")


def test_sweep_budget_range_takes_money(tmp_path, capsys):
    path = scenario_file(tmp_path)
    assert main(["sweep", path, "--budget", "0:$20M:3", "--out", str(tmp_path / "sw")]) == 0
    assert "$     20.0M" in capsys.readouterr().out
    assert main(["sweep", path, "--budget", "0:20Q:3", "--out", str(tmp_path / "sw2")]) == 2
    assert "START and STOP amounts of US dollars such as 1.2e9, 1.2B, $600M or 600m" in capsys.readouterr().err


def test_toml_budget_takes_money_text(tmp_path):
    path = scenario_file(tmp_path).replace("small.toml", "money.toml")
    (tmp_path / "money.toml").write_text('catalog = "cat"\nbudget_usd = "$1.2B"\n')
    assert load_scenario(path).value("budget_usd") == 1.2e9
    (tmp_path / "money.toml").write_text('catalog = "cat"\nbudget_usd = "lots"\n')
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert str(err.value) == f"{path}, key budget_usd: got 'lots', expected {MONEY}"


# --- did you mean ----------------------------------------------------------------------------

def test_did_you_mean_a_scenario_name(capsys):
    assert main(["run", "baselin"]) == 2
    assert "baselin: expected a scenario file or one of the shipped scenarios (did you mean 'baseline'?): " \
        in capsys.readouterr().err


def test_did_you_mean_a_scenario_key(tmp_path, capsys):
    path = scenario_file(tmp_path, "budjet_usd = 5\n")
    assert main(["run", path]) == 2
    assert f"{path}, key budjet_usd: expected a known key (did you mean 'budget_usd'?): name, " \
        in capsys.readouterr().err


def test_did_you_mean_ids_in_a_scenario(tmp_path, capsys):
    path = scenario_file(tmp_path, 'exclude_sites = ["mil"]\nimport_case = "truse"\n')
    assert main(["run", path]) == 2
    err = capsys.readouterr().err
    assert f"{path}, key exclude_sites: got 'mil', expected an id from the catalog (did you mean 'mill'?) " \
        "(mill, mine)" in err
    assert "key import_case: got 'truse', expected an import case of the catalog (did you mean 'truce'?): truce" \
        in err


def test_did_you_mean_an_import_case_on_the_command_line(tmp_path, capsys):
    assert main(["run", scenario_file(tmp_path), "--import-case", "truse", "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err == ("ree-planner: command line, key import_case: got 'truse', expected an import "
                                       "case of the catalog (did you mean 'truce'?): truce\n")


def test_did_you_mean_site_and_technology_in_proposals(tmp_path, capsys):
    toml = pf.write_scenario(tmp_path, budget_usd=20e6)
    csv = pf.write_proposals(tmp_path / "p.csv", [pf.project("A", 100, 5, site="mines", tech="recycel")])
    assert main(["evaluate", str(csv), "--scenario", str(toml), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "column site_id: got 'mines', expected a site id from the catalog (did you mean 'mine'?) (mill, mine)" \
        in err
    assert "column technology: got 'recycel', expected a technology id from the catalog (did you mean " \
        "'recycle'?)" in err


# --- every problem of a row at once -------------------------------------------------------------

def test_a_bad_number_does_not_hide_a_bad_site_in_the_same_proposal_row(tmp_path, capsys):
    toml = pf.write_scenario(tmp_path, budget_usd=20e6)
    csv = pf.write_proposals(tmp_path / "p.csv", [pf.project("A", "lots", 5, site="nowhere", tech="sx")])
    for command in (["evaluate", str(csv)], ["select", str(csv)]):
        assert main([*command, "--scenario", str(toml), "--out", str(tmp_path / "o")]) == 2
        err = capsys.readouterr().err
        assert f"{csv}, row 1 (A), column capacity_tpa: got 'lots', expected a number of t/yr" in err
        assert f"{csv}, row 1 (A), column site_id: got 'nowhere', expected a site id from the catalog" in err


def test_a_bad_number_does_not_hide_a_bad_reference_in_the_same_catalog_row(tmp_path):
    feed = f.feed("conc", "nowhere", 1000, nd=0.5, other=0.5) | {"supply_tpa_base": "lots"}
    folder = f.write_catalog(tmp_path / "cat", **(ONE_MINE | {"feedstocks": [feed]}))
    with pytest.raises(InputError) as err:
        load_catalog(folder)
    text = str(err.value)
    assert "feedstocks.csv, row 1 (conc), column supply_tpa_base: got 'lots', expected a number" in text
    assert "feedstocks.csv, row 1 (conc), column site_id: got 'nowhere', expected ids from" in text


# --- overrides on every command that solves ---------------------------------------------------------

@pytest.mark.parametrize("command, extra", [
    ("run", []), ("sweep", []), ("evaluate", ["p.csv"]), ("rank", ["p.csv"]), ("select", ["p.csv"])])
def test_common_overrides_on_every_command_that_solves(command, extra):
    import importlib

    from planner.cli import _parser
    modules = {name: importlib.import_module(f"planner.commands.{name}") for name in COMMANDS}
    budget = ["--budget", "0:1B:3"] if command == "sweep" else ["--budget", "1B"]
    args = _parser(modules).parse_args([command, *extra, *budget, "--import-case", "reversal", "--year", "2035",
                                        "--federal-share", "60%"])
    assert (args.import_case, args.year, args.federal_share) == ("reversal", 2035, 0.6)
    assert args.budget == ("0:1B:3" if command == "sweep" else 1e9)


def test_review_commands_apply_the_overrides(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    toml = pf.write_scenario(tmp_path, budget_usd=20e6)
    csv = pf.write_proposals(tmp_path / "p.csv", [pf.project("A", 100, 5)])
    assert main(["evaluate", str(csv), "--scenario", str(toml), "--budget", "8M", "--no-map"]) == 0
    summary = json.loads((tmp_path / "out/evaluate-p-budget-8M/summary.json").read_text())
    assert summary["budget_usd"] == 8e6 and summary["scenario"] == "test-budget-8M"
    assert "Scenario test-budget-8M: scenario test with federal budget $8M (the scenario has federal budget $20M)" \
        in capsys.readouterr().out


# --- no overwrite, and a headline that states the overrides --------------------------------------

def test_a_run_with_overrides_never_writes_over_the_scenarios_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = scenario_file(tmp_path)
    assert main(["run", path, "--no-map"]) == 0
    plain = (tmp_path / "out/small/summary.json").read_bytes()
    assert main(["run", path, "--budget", "2e7", "--federal-share", "0.6", "--no-map"]) == 0
    assert (tmp_path / "out/small/summary.json").read_bytes() == plain
    summary = json.loads((tmp_path / "out/small-budget-20M-share-0.6/summary.json").read_text())
    assert (summary["scenario"], summary["budget_usd"]) == ("small-budget-20M-share-0.6", 2e7)


def test_the_headline_states_the_overrides(tmp_path, capsys):
    path = scenario_file(tmp_path)
    assert main(["run", path, "--budget", "20M", "--out", str(tmp_path / "o"), "--no-map"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == ("Scenario small-budget-20M: scenario small with federal budget $20M (the scenario has federal "
                     "budget $10M), set on the command line")
    assert "$20M" in (tmp_path / "o/report.html").read_text()


# --- examples in --help ------------------------------------------------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_page_has_an_example(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert "example" in text and f"ree-planner {command}" in text.split("example", 1)[1]
