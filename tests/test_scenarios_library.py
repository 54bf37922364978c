"""The shipped scenario library: every file loads, validates, extends cleanly and solves."""
import pytest

from models.valuation import MIN_FUNDED_USD
from planner.cli import main
from planner.run import load_inputs, run_scenario
from planner.scenario import load_scenario, shipped_scenarios
from sites.errors import InputError

LIBRARY = sorted(shipped_scenarios())


def test_library_has_the_scenarios_the_issue_asks_for():
    assert {"baseline", "demo-round", "policy-reversal", "cost-overrun", "recycling-first",
            "no-new-mines", "backcast-2024", "us-consumption"} <= set(LIBRARY)


def test_shipped_scenarios_have_the_default_value_floor():
    """Every shipped scenario that maximises weighted supply spends only above a floor."""
    floors = {n: load_scenario(n).settings().min_value_per_musd for n in LIBRARY}
    assert floors["baseline"] == 5.0
    assert {n for n, f in floors.items() if f == 0} == {"min-reliance", "backcast-2024"}


@pytest.mark.parametrize("name", LIBRARY)
def test_every_shipped_scenario_loads_and_has_a_purpose(name):
    scenario = load_scenario(name)
    assert scenario.description and "\n" not in scenario.description
    scenario.settings()  # builds ModelSettings without error


@pytest.mark.parametrize("name", LIBRARY)
def test_every_shipped_scenario_solves_on_the_shipped_catalog(name):
    scenario = load_scenario(name)
    run = run_scenario(scenario, load_inputs(scenario))
    assert run.summary["status"] == "optimal"
    assert run.summary["budget_marginal_value_text"]
    # value for money: no funded plant adds less than the scenario's floor per federal $1M
    floor = run.summary.min_value_per_musd
    cap = run.result.capacity
    funded = cap[cap["federal_usd"] >= MIN_FUNDED_USD]
    assert (funded["weighted_added_t"] >= floor * funded["federal_usd"] / 1e6 * (1 - 1e-6)).all(), funded


@pytest.mark.parametrize("name", [n for n in LIBRARY if n != "baseline"])
def test_extends_overrides_only_what_differs(name):
    import tomllib

    own = tomllib.loads(shipped_scenarios()[name].read_text(encoding="utf-8"))
    parent = load_scenario(own.pop("extends")).values
    child = load_scenario(name).values
    inherited = {k: v for k, v in parent.items() if k not in ("name", "description")}
    for key in set(inherited) | set(child):
        if key in ("name", "description"):
            continue
        if key in own:
            expected = {**inherited.get(key, {}), **own[key]} if isinstance(own[key], dict) else own[key]
            assert child[key] == expected, key
        else:
            assert child[key] == inherited[key], key


def test_demo_round_settings():
    s = load_scenario("demo-round").settings()
    assert s.budget_usd == 134e6
    assert s.plant_size_range_tpa == (150.0, 1000.0)
    assert s.weights["Dy"] > 4.642857 and s.weights["Tb"] > 14.464286
    assert s.import_case == "truce" and s.federal_share == 0.5  # inherited from the baseline


def test_child_table_entry_merges_and_name_is_not_inherited(tmp_path):
    child = tmp_path / "child.toml"
    child.write_text('extends = "demo-round"\n[weights]\nDy = 7.0\n', encoding="utf-8")
    scenario = load_scenario(child)
    assert scenario.name == "child" and scenario.description == ""
    assert scenario.values["weights"] == {"Dy": 7.0, "Tb": 30.0}
    assert scenario.values["plant_size_range_tpa"] == [150, 1000]


@pytest.mark.parametrize("text, message", [
    ("plant_size_range_tpa = [1000, 150]", "expected two numbers [low, high] with low <= high"),
    ("plant_size_range_tpa = [150]", "expected two numbers [low, high], e.g. [150, 1000]"),
    ('new_build_input_forms = ["scarp"]', "expected a list of: ore, mixed, scrap, oxide, metal"),
    ('existing_feeds_only = "yes"', "expected true or false"),
])
def test_new_keys_are_validated(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert message in str(err.value)


def test_scenarios_command_lists_every_scenario_with_its_purpose(capsys):
    assert main(["scenarios"]) == 0
    printed = capsys.readouterr().out
    for name in LIBRARY:
        assert f"{name} " in printed
    assert "DOE 2025 demonstration call" in printed


def test_scenario_defaults_are_declared_once_in_scenario_keys_csv():
    """scenario_keys.csv is where defaults are declared; ModelSettings (the model's plain-Python
    side, usable without a scenario file) must agree with it key by key."""
    import dataclasses

    from models.settings import ModelSettings
    from planner.scenario import PLAIN_KEYS, default, keys

    fields = {f.name: f.default for f in dataclasses.fields(ModelSettings)}
    declared = {k: default(k) for k in keys() if k in fields and default(k) is not None}
    assert declared == {k: fields[k] for k in declared}
    assert set(declared) >= {"objective", "budget_usd", "federal_share", "target_year", "decision_year",
                             "import_case", "min_value_per_musd"}
    # a key with no default in the CSV leaves ModelSettings' "use the catalog's value"
    assert all(fields[k] is None for k in PLAIN_KEYS if default(k) is None)
