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
from planner import api
from models.formulation import build_model
from models.inputs import prepare
from models.solve import StageSolver
from planner.cli import main
from planner.montecarlo import engine
from planner.montecarlo.live import LiveModel
from planner.montecarlo.ranges import catalog_ranges
from planner.montecarlo.run import run_montecarlo
from planner.montecarlo.sampling import latin_hypercube, triangular
from planner.montecarlo.superset import superset_catalog
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


def fixed_catalog(catalog, live: LiveModel, quantiles):
    """The catalog with every sampled range collapsed to the sample's value (low = base =
    high): what a user would write to run that one what-if with `ree-planner run`."""
    q = {r.range_id: quantiles[i] for i, r in enumerate(live.ranges)}
    ranges = {r.range_id: r for r in live.ranges}

    def at(range_id, low, base, high, year=False):
        r = ranges[range_id]
        if year:  # a whole year: floor of the triangular from the low year's start to the high year's end
            return int(np.floor(triangular(q[range_id], low, base + 0.5, high + 1)))
        return float(triangular(q[range_id], low, base, high))

    def collapse(table, key_column, family, columns, year=False, key=None):
        table = table.copy()
        for i, row in table.iterrows():
            range_id = f"{family}.{key(row) if key else row[key_column]}"
            if range_id in ranges:
                value = at(range_id, *(row[f"{columns}_{c}"] for c in ("low", "base", "high")), year=year)
                for c in ("low", "base", "high"):
                    table.at[i, f"{columns}_{c}"] = value
        return table

    feeds = collapse(catalog.feedstocks, "feedstock_id", "supply_tpa", "supply_tpa")
    feeds = collapse(feeds, "feedstock_id", "first_output_year", "first_output_year", year=True)
    capacity = collapse(catalog.site_capacity, "", "first_output_year", "first_output_year", year=True,
                        key=lambda row: f"{row['site_id']}.{row['technology_id']}")
    options = collapse(catalog.feed_options, "option_id", "option_capex", "capex_usd")
    options = collapse(options, "option_id", "option_added_tpa", "added_tpa")
    options = collapse(options, "option_id", "option_lead_time", "lead_time_years", year=True)
    cases = collapse(catalog.import_cases, "case", "foreign_share", "foreign_concentrate_share")
    techs = collapse(catalog.technologies, "technology_id", "capex", "capex_usd_per_tpa")

    def every_column_at(table, range_id_of, columns):
        """Rows whose range is drawn: low, base and high of `columns` at the range's quantile
        (brownfield capex, every year of a ramp curve, every routed element)."""
        table = table.copy()
        for i, row in table.iterrows():
            range_id = range_id_of(row)
            if range_id in ranges:
                v = float(triangular(q[range_id], *(row[f"{columns}_{c}"] for c in ("low", "base", "high"))))
                for c in ("low", "base", "high"):
                    table.at[i, f"{columns}_{c}"] = v
        return table

    techs = every_column_at(techs, lambda row: f"capex.{row['technology_id']}", "capex_brownfield_usd_per_tpa")
    curves = every_column_at(catalog.ramp_curves, lambda row: f"ramp_share.{row['curve_id']}", "share")
    routes = every_column_at(catalog.technology_outputs, lambda row: f"recovery.{row['technology_id']}", "recovery")
    return replace(catalog, feedstocks=feeds, site_capacity=capacity, feed_options=options, import_cases=cases,
                   technologies=techs, ramp_curves=curves, technology_outputs=routes)


def cold_objective(catalog, settings, live: LiveModel, quantiles) -> tuple[float, float]:
    """The sample built from scratch: a fresh model of the fixed catalog, with each year's
    demand at the sample's quantile of that year's own low, base and high, solved cold."""
    inputs = prepare(fixed_catalog(catalog, live, quantiles), settings)
    by_case = [prepare(catalog, replace(settings, demand_case=c)).timeline.demand_t for c in ("low", "base", "high")]
    demand_by = {}
    for year in inputs.years:
        demand_by[year] = dict(inputs.timeline.demand_t[year])
        for i, r in enumerate(live.ranges):
            if r.family == "demand_t" and r.key in demand_by[year]:
                demand_by[year][r.key] = float(triangular(quantiles[i], *(d[year][r.key] for d in by_case)))
    timeline = replace(inputs.timeline, demand_t=demand_by)
    cold = replace(inputs, demand_t=demand_by[timeline.report_year], timeline=timeline)
    model = build_model(cold, settings.objective)
    solution = StageSolver(model).solve()
    assert solution.optimal
    return solution.stage_values[model.stages[0][0]], float(model.weighted_supply())


@pytest.mark.parametrize("name, families", [
    # value floor on: capex is also in the first stage's objective and its floor row
    ("baseline", {"supply_tpa", "demand_t", "capex", "first_output_year", "ramp_share", "recovery"}),
    # demand is also the reliance rows' coefficient and right-hand side
    ("min-reliance", {"supply_tpa", "demand_t", "capex", "foreign_share", "first_output_year", "ramp_share",
                      "recovery"}),
    # feed options as binaries: their capex, size and lead time in a MILP
    ("mines-on-the-table", {"supply_tpa", "demand_t", "capex", "option_capex", "option_added_tpa", "option_lead_time",
                            "first_output_year", "ramp_share", "recovery"}),
])
def test_live_re_solves_equal_cold_rebuilds_on_shipped_scenarios(name, families):
    """Bounds, right-hand sides and coefficients written onto the live superset model give the
    optimum a model built from scratch with the sample's values fixed in the catalog gives;
    at every range's base the optimum is the normal run's."""
    scenario = load_scenario(name)
    catalog = load_inputs(scenario)
    settings = scenario.settings()
    ranges, plants = catalog_ranges(catalog, settings, prepare(superset_catalog(catalog, settings), settings))
    assert {r.family for r in ranges} == families
    live = LiveModel(catalog, settings, ranges, plants)
    live.apply(np.full(len(ranges), np.nan))  # every range at its base
    base = live.pipeline.solve().stage_values[live.pipeline.first_stage]
    normal = build_model(prepare(catalog, settings), settings.objective)
    assert base == pytest.approx(StageSolver(normal).solve().stage_values[normal.stages[0][0]], rel=1e-9)
    quantiles = latin_hypercube(2, len(ranges), seed=21)
    for k, q in enumerate(quantiles):
        row = live.solve_sample(k + 1, live.apply(q))["row"]
        objective, weighted = cold_objective(catalog, settings, live, q)
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


def _straddling_tables():
    """Two deposits (50% Nd each) beside a 5,000 t/yr separation plant; Nd oxide demand
    1,000 t/yr, no imports, nothing to build. Deposit A (1,000 t/yr) has run since 2020;
    deposit B (600 t/yr, steady curve) first produces in 2027, 2031 or 2033 (low, base, high),
    so in 2030 it runs in some draws only: objective = 500 t Nd, or 800 when B runs."""
    tables = f.two_deposit_tables()
    tables["feed_options"] = []
    # first output years follow the milestone rule: a 2025 permit + 2, 6 or 8 years
    tables["milestones"] = f.default_tables()["milestones"] + [
        {"lead_time_basis": "mine", "milestone": "permitted", "years_low": 2, "years_base": 6, "years_high": 8,
         "source": f.SRC, "note": ""}]
    tables["feedstocks"][1].update(milestone="permitted", milestone_year=2025, first_output_year_low=2027,
                                   first_output_year_base=2031, first_output_year_high=2033)
    return tables


def test_a_feed_whose_first_year_straddles_the_target_runs_in_the_triangular_share(tmp_path):
    scenario = load_scenario(scenario_file(tmp_path, _straddling_tables(), budget_usd=1e8))
    catalog = load_inputs(scenario)
    settings = scenario.settings()
    # the normal model has no deposit B (base 2031 > 2030); the superset does, bounded to 0 at base
    assert list(prepare(catalog, settings).feeds["feedstock_id"]) == ["dep-a"]
    ranges, plants = catalog_ranges(catalog, settings, prepare(superset_catalog(catalog, settings), settings))
    assert [(r.range_id, r.low, r.base, r.high, r.kind) for r in ranges] == [
        ("first_output_year.dep-b", 2027, 2031, 2033, "year")]
    live = LiveModel(catalog, settings, ranges, plants)
    live.apply(np.array([np.nan]))
    assert live.pipeline.solve().stage_values[live.pipeline.first_stage] == pytest.approx(500.0, rel=1e-9)

    n = 200
    result = run_montecarlo(scenario, catalog, samples=n, seed=3, workers=1)
    table = result.samples
    years = table["first_output_year.dep-b"]
    assert set(years) == {2027, 2028, 2029, 2030, 2031, 2032, 2033}
    runs = years <= 2030
    assert table["objective_value"].tolist() == [800.0 if r else 500.0 for r in runs]
    # P(year <= 2030) = F(2031) for the triangular (2027, 2031.5, 2034): 4^2 / (7 x 4.5) = 16/31.5;
    # one draw per stratum: the strata wholly below it, plus at most the one it cuts
    share = 16 / 31.5
    assert int(np.floor(n * share)) <= runs.sum() <= int(np.floor(n * share)) + 1
    # a few samples against a fresh model of the catalog with that sample's year fixed
    quantiles = latin_hypercube(n, 1, seed=3)
    for k in (0, 1, 2, 3):
        year = int(years.iloc[k])
        tables = _straddling_tables()
        tables["milestones"][-1].update({f"years_{c}": year - 2025 for c in ("low", "base", "high")})
        tables["feedstocks"][1].update({f"first_output_year_{c}": year for c in ("low", "base", "high")})
        fresh = load_scenario(scenario_file(tmp_path / f"fixed{k}", tables, budget_usd=1e8))
        run = api.run(fresh)
        assert run.summary.objective_value == pytest.approx(table["objective_value"].iloc[k], abs=1e-6)
        assert fixed_catalog(catalog, live, quantiles[k]).feedstocks.set_index("feedstock_id").at[
            "dep-b", "first_output_year_base"] == year


def test_a_multi_year_scenario_holds_each_draw_across_its_years():
    """timeline (2026-2035): 10 samples; every range at its base gives the normal plan's
    optimum; a sample equals a fresh model with its values fixed (demand at the sample's
    quantile of each year's own low, base and high)."""
    scenario = load_scenario("timeline")
    catalog = load_inputs(scenario)
    settings = scenario.settings()
    result = run_montecarlo(scenario, catalog, samples=10, seed=4, workers=1)
    table = result.samples
    assert table["sample_id"].tolist() == list(range(1, 11))
    assert (table["status"] == "optimal").all()
    assert table["objective_value"].nunique() == 10
    ranges = result.ranges
    plants = catalog_ranges(catalog, settings, prepare(superset_catalog(catalog, settings), settings))[1]
    live = LiveModel(catalog, settings, ranges, plants)
    live.apply(np.full(len(ranges), np.nan))
    base = live.pipeline.solve().stage_values[live.pipeline.first_stage]
    normal = build_model(prepare(catalog, settings), settings.objective)
    assert base == pytest.approx(StageSolver(normal).solve().stage_values[normal.stages[0][0]], rel=1e-9)
    k = 6
    q = latin_hypercube(10, len(ranges), seed=4)[k]
    objective, _ = cold_objective(catalog, settings, live, q)
    assert table["objective_value"].iloc[k] == pytest.approx(objective, rel=1e-6, abs=1e-4)


def test_multi_year_feed_options_and_appropriations_hold_each_draw():
    """mines-on-the-table planned 2026-2031 with the money appropriated over three years:
    feed options per decision year (their lead time, capex and size drawn) and capex draws in
    the appropriation rows. Every range at its base gives the normal optimum; two samples
    equal fresh models with their values fixed."""
    scenario = load_scenario("mines-on-the-table")
    catalog = load_inputs(scenario)
    settings = replace(scenario.settings(), years=tuple(range(2026, 2032)),
                       appropriations_usd=(20e6, 20e6, 1160e6))
    ranges, plants = catalog_ranges(catalog, settings, prepare(superset_catalog(catalog, settings), settings))
    assert {"option_capex", "option_added_tpa", "option_lead_time", "capex"} <= {r.family for r in ranges}
    live = LiveModel(catalog, settings, ranges, plants)
    live.apply(np.full(len(ranges), np.nan))
    base = live.pipeline.solve().stage_values[live.pipeline.first_stage]
    normal = build_model(prepare(catalog, settings), settings.objective)
    assert base == pytest.approx(StageSolver(normal).solve().stage_values[normal.stages[0][0]], rel=1e-9)
    for k, q in enumerate(latin_hypercube(2, len(ranges), seed=5)):
        row = live.solve_sample(k + 1, live.apply(q))["row"]
        objective, weighted = cold_objective(catalog, settings, live, q)
        assert row["objective_value"] == pytest.approx(objective, rel=1e-6, abs=1e-4)
        assert row["weighted_supply"] == pytest.approx(weighted, rel=1e-5, abs=1e-3)
