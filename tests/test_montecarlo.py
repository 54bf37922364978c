"""Monte Carlo: Latin hypercube and triangular draws by hand, a catalog whose objective is a
known function of one range, live re-solves equal cold rebuilds, and the same bytes from the
same seed on every executor."""
import io
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import factory as f
from models.formulation import build_model
from models.inputs import prepare
from models.solve import StageSolver
from planner.cli import main
from planner.montecarlo import engine
from planner.montecarlo.live import LiveModel
from planner.montecarlo.ranges import catalog_ranges
from planner.montecarlo.run import run_montecarlo
from planner.montecarlo.sampling import latin_hypercube, triangular
from planner.outputs.tables import write_csv
from planner.progress import Progress
from planner.run import load_inputs
from planner.scenario import load_scenario
from sweep_catalogs import scenario_file

# One mine whose feed (30% Nd, 10% Dy) is 500, 1,000 or 2,000 t/yr (low, base, high) and one
# buildable sx plant at $100k-$200k per t/yr. With $1B the budget never binds and demand
# (5,000 t each) never fills, so every sample processes its whole feed:
# objective = 0.3 S x 1 + 0.1 S x 4 = 0.7 S weighted t/yr; federal $ = 50% x capex x S.
_feed = f.feed("conc", "mine", 1000, nd=0.3, dy=0.1, other=0.6)
_feed.update(supply_tpa_low=500, supply_tpa_high=2000)
ONE_RANGE = dict(
    sites=[f.site("mine", allowed="sx")],
    feedstocks=[_feed],
    technologies=[f.tech("sx", "mixed", "oxide", 100_000)],
    demand=[f.demand("Nd", 5000), f.demand("Dy", 5000)],
    imports=[f.imports("Nd", 0), f.imports("Dy", 0)],
)


@pytest.fixture
def one_range(tmp_path):
    scenario = load_scenario(scenario_file(tmp_path, ONE_RANGE, budget_usd=1e9))
    return scenario, load_inputs(scenario)


def test_latin_hypercube_puts_one_point_in_each_stratum():
    u = latin_hypercube(40, 3, seed=11)
    for d in range(3):
        assert sorted(np.floor(u[:, d] * 40).astype(int)) == list(range(40))
    assert np.array_equal(u, latin_hypercube(40, 3, seed=11))
    assert not np.array_equal(u, latin_hypercube(40, 3, seed=12))


def test_triangular_inverse_cdf_by_hand():
    # (0, 0, 2): F(x) = 1 - (2 - x)^2 / 4, so F^-1(0.75) = 1; (0, 1, 2) is symmetric: median 1
    assert triangular(0.75, 0.0, 0.0, 2.0) == pytest.approx(1.0)
    assert triangular(0.5, 0.0, 1.0, 2.0) == pytest.approx(1.0)
    # (500, 1000, 2000): F(1000) = 1/3; the median is 2000 - sqrt(0.5 x 1500 x 1000)
    assert triangular(1 / 3, 500, 1000, 2000) == pytest.approx(1000.0)
    assert triangular(0.5, 500, 1000, 2000) == pytest.approx(2000 - np.sqrt(750_000))
    assert triangular(0.3, 7.0, 7.0, 7.0) == 7.0


def test_objective_is_the_hand_function_of_the_sampled_supply(one_range):
    scenario, catalog = one_range
    result = run_montecarlo(scenario, catalog, samples=200, seed=4, workers=1)
    assert [r.range_id for r in result.ranges] == ["capex.sx", "supply_tpa.conc"]
    table = result.samples
    assert table["sample_id"].tolist() == list(range(1, 201))
    assert (table["status"] == "optimal").all()
    supply, capex = table["supply_tpa.conc"], table["capex.sx"]
    assert table["objective_value"].to_numpy() == pytest.approx(0.7 * supply.to_numpy(), abs=1e-5)
    assert table["federal_usd"].to_numpy() == pytest.approx(0.5 * capex.to_numpy() * supply.to_numpy(), abs=0.05)
    assert table["import_reliance_Dy"].to_numpy() == pytest.approx((5000 - 0.1 * supply.to_numpy()) / 5000, abs=1e-6)
    # one supply draw per stratum of the triangular (500, 1000, 2000), and capex in 100k-200k
    strata = [triangular(k / 200, 500, 1000, 2000) for k in range(201)]
    assert all(strata[k] <= s <= strata[k + 1] for k, s in enumerate(sorted(supply)))
    assert capex.between(100_000, 200_000).all()
    # mean 0.7 x (500 + 1000 + 2000) / 3; median 0.7 x (2000 - sqrt(750,000)) (stratified: close)
    assert table["objective_value"].mean() == pytest.approx(0.7 * 3500 / 3, rel=2e-3)
    assert table["objective_value"].median() == pytest.approx(0.7 * (2000 - np.sqrt(750_000)), rel=5e-3)
    reliance = result.reliance.set_index("element")
    assert reliance.at["Dy", "p50"] == pytest.approx(np.percentile(table["import_reliance_Dy"], 50), abs=1e-6)
    # supply decides the objective, capex does not (the budget never binds)
    sensitivity = result.sensitivity.set_index("range_id")["rank_correlation"]
    assert sensitivity["supply_tpa.conc"] == pytest.approx(1.0)
    assert abs(sensitivity["capex.sx"]) < 0.2
    frequency = result.plant_frequency
    assert frequency[["kind", "site_id", "technology_or_option", "samples_built"]].values.tolist() == [
        ["plant", "mine", "sx", 200]]


def _cold(catalog, settings, live: LiveModel, values: dict, quantiles) -> float:
    """The same sample built from scratch: the prepared inputs with the sampled values put in."""
    inputs = prepare(catalog, settings)
    feeds = inputs.feeds.copy()
    foreign = next((v for k, v in values.items() if k.startswith("foreign_share.")), None)
    for i, row in feeds.iterrows():
        supply = values.get(f"supply_tpa.{row.feedstock_id}")
        if row.supply_tpa > 0 and (supply is not None or (foreign is not None and row.origin_class == "foreign")):
            share = foreign if (foreign is not None and row.origin_class == "foreign") else row.foreign_share
            feeds.at[i, "supply_tpa"] = (row.nameplate_tpa if supply is None else supply) * row.ramp_share * share
    demand = {k: values.get(f"demand_t.{k[0]}.{k[1]}", v) for k, v in inputs.demand_t.items()}
    plants = inputs.plants.copy()
    for p, _, model_capex, _ in live.plants:
        i = live.index.get(f"capex.{p.technology_id}")
        if i is not None:
            at = (plants["site_id"] == p.site_id) & (plants["technology_id"] == p.technology_id)
            capex = float(triangular(quantiles[i], p.low, p.base, p.high))
            plants.loc[at, "annual_capex_usd_per_tpa"] *= capex / model_capex
            plants.loc[at, "capex_usd_per_tpa"] = capex
    options = inputs.options.copy()
    for i, o in options.iterrows():
        study = values.get(f"option_capex.{o.option_id}")
        if study is not None:
            ratio = study * settings.capex_multiplier / o.capex_study_usd
            for column in ("capex_usd", "federal_usd", "annual_capex_usd"):
                options.at[i, column] = o[column] * ratio
        options.at[i, "added_tpa"] = values.get(f"option_added_tpa.{o.option_id}", o.added_tpa)
    timeline = inputs.timeline  # one year: the model reads supply and demand from here
    year = timeline.report_year
    supply = dict(timeline.supply_tpa)
    supply.update({(k, year): t for k, t in zip(feeds["feedstock_id"], feeds["supply_tpa"])})
    timeline = replace(timeline, supply_tpa=supply, demand_t={**timeline.demand_t, year: demand})
    cold = replace(inputs, feeds=feeds, demand_t=demand, plants=plants, options=options, timeline=timeline)
    model = build_model(cold, settings.objective)
    solution = StageSolver(model).solve()
    assert solution.optimal
    return solution.stage_values[model.stages[0][0]], float(model.weighted_supply())


@pytest.mark.parametrize("name, families", [
    # value floor on: capex is also in the first stage's objective and its floor row
    ("baseline", {"supply_tpa", "demand_t", "capex"}),
    # demand is also the reliance rows' coefficient and right-hand side
    ("min-reliance", {"supply_tpa", "demand_t", "capex", "foreign_share"}),
    # feed options as binaries: their capex and size are coefficients of a MILP
    ("mines-on-the-table", {"supply_tpa", "demand_t", "capex", "option_capex", "option_added_tpa"}),
])
def test_live_re_solves_equal_cold_rebuilds_on_shipped_scenarios(name, families):
    """Bounds, right-hand sides and coefficients written onto the live model give the optimum
    a model built from scratch with the same values gives."""
    scenario = load_scenario(name)
    catalog = load_inputs(scenario)
    settings = scenario.settings()
    ranges, plants = catalog_ranges(catalog, settings, prepare(catalog, settings))
    assert {r.family for r in ranges} == families
    live = LiveModel(catalog, settings, ranges, plants)
    quantiles = latin_hypercube(2, len(ranges), seed=21)
    for k, q in enumerate(quantiles):
        values = live.apply(q)
        row = live.solve_sample(k + 1, values)["row"]
        objective, weighted = _cold(catalog, settings, live, values, q)
        assert row["objective_value"] == pytest.approx(objective, rel=1e-6, abs=1e-4)
        assert row["weighted_supply"] == pytest.approx(weighted, rel=1e-5, abs=1e-3)


def test_same_seed_same_bytes_serial_pool_and_dask(tmp_path):
    pytest.importorskip("distributed")
    scenario = load_scenario("baseline")
    catalog = load_inputs(scenario)
    runs = {
        "serial": dict(executor=engine.Executor("local"), workers=1),
        "pool": dict(executor=engine.Executor("local"), workers=2),
        "dask": dict(executor=engine.Executor("dask", processes=False), workers=2),
    }
    texts = {}
    for name, how in runs.items():
        result = run_montecarlo(scenario, catalog, samples=40, seed=9, **how)
        assert result.workers == (1 if name == "serial" else 2)
        (tmp_path / name).mkdir()
        path = tmp_path / name / "samples.csv"
        write_csv(result.samples, path)
        texts[name] = path.read_bytes()
    assert texts["serial"] == texts["pool"] == texts["dask"]
    table = pd.read_csv(tmp_path / "serial" / "samples.csv")
    assert table["sample_id"].tolist() == list(range(1, 41))  # two chunks of 25 and 15, in sample order
    assert (table["status"] == "optimal").all()


def test_cli_writes_every_file_and_exits_0(one_range, tmp_path, capsys):
    scenario, _ = one_range
    out = tmp_path / "mc"
    assert main(["montecarlo", str(scenario.path), "--samples", "30", "--seed", "2", "--workers", "1",
                 "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        ".ree-planner.json", "montecarlo.json", "plant_frequency.csv", "reliance_percentiles.csv", "samples.csv",
        "sensitivity.csv", "tornado.png"]
    assert "30 samples of 2 ranges (seed 2), 30 solved" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--samples", "0"], "ree-planner: --samples: got '0', expected a whole number from 1 to 10,000,000\n"),
    (["--executor", "spark://h:1"],
     f"ree-planner: --executor: got 'spark://h:1', expected {engine.EXECUTOR_EXPECTED}\n"),
    (["--samples", "-3", "--executor", "dask://host", "--seed", "x"],
     "ree-planner: 3 problems in the input:\n"
     "  - --samples: got '-3', expected a whole number from 1 to 10,000,000\n"
     "  - --seed: got 'x', expected a whole number from 0 to 9,223,372,036,854,775,807\n"
     f"  - --executor: got 'dask://host', expected {engine.EXECUTOR_EXPECTED}\n"),
    (["--executor", "dask://h:70000"], f"ree-planner: --executor: got 'dask://h:70000', expected "
                                       f"{engine.EXECUTOR_EXPECTED}\n"),
])
def test_bad_arguments_exit_2_and_write_nothing(one_range, tmp_path, capsys, args, message):
    scenario, _ = one_range
    out = tmp_path / "mc"
    assert main(["montecarlo", str(scenario.path), *args, "--out", str(out)]) == 2
    assert capsys.readouterr().err == message
    assert not out.exists()


def test_executor_addresses():
    assert engine.parse_executor("dask://10.0.0.5:8786") == engine.Executor("dask", "tcp://10.0.0.5:8786")
    assert engine.parse_executor("dask") == engine.Executor("dask")
    assert engine.parse_executor("local") == engine.Executor("local")


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_counts_every_sample(one_range):
    scenario, catalog = one_range
    stream = _Terminal()
    progress = Progress(30, "montecarlo small", stream=stream)
    run_montecarlo(scenario, catalog, samples=30, seed=1, workers=1, progress=progress)
    progress.close()
    shown = re.findall(r"\] (\d+)/30 ", stream.getvalue())
    assert shown == [str(k) for k in range(1, 31)]  # one step per sample, in this process


def test_a_running_scheduler_by_address_gives_the_same_rows(one_range):
    """--executor dask://HOST:PORT: the chunks go to a scheduler that was already running."""
    distributed = pytest.importorskip("distributed")
    scenario, catalog = one_range
    serial = run_montecarlo(scenario, catalog, samples=60, seed=5, workers=1).samples
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                                  protocol="tcp://", host="127.0.0.1", scheduler_port=0) as cluster:
        host, port = cluster.scheduler_address.removeprefix("tcp://").rsplit(":", 1)
        executor = engine.parse_executor(f"dask://{host}:{port}")
        assert executor.address == cluster.scheduler_address
        result = run_montecarlo(scenario, catalog, samples=60, seed=5, executor=executor)
    assert result.workers == 2
    pd.testing.assert_frame_equal(result.samples, serial)


def test_python_api_gives_the_command_s_rows(one_range, tmp_path):
    from planner import api
    from sites.errors import InputError

    scenario, catalog = one_range
    mc = api.montecarlo(scenario, samples=30, seed=2, workers=1, catalog=catalog)
    pd.testing.assert_frame_equal(mc.samples, run_montecarlo(scenario, catalog, samples=30, seed=2, workers=1).samples)
    mc.write(tmp_path / "mc")
    assert (tmp_path / "mc" / "samples.csv").is_file()
    with pytest.raises(InputError, match="--samples: got '0', expected a whole number"):
        api.montecarlo(scenario, samples=0, catalog=catalog)


def test_a_multi_year_scenario_is_refused_with_exit_2(tmp_path, capsys):
    out = tmp_path / "mc"
    assert main(["montecarlo", "timeline", "--samples", "5", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ree-planner: ") and "key years: got '[2026, 2027," in err
    assert err.rstrip().endswith("expected one planned year for montecarlo (the target year alone); a multi-year "
                                 "plan's ranges per year are not sampled yet")
    assert not out.exists()
