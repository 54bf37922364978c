"""One way through the program: scenario -> catalog -> model -> result -> files."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import maps
from models import Pipeline, PortfolioResult, RunLabel, Summary, futures
from planner.outputs.folder import slug
from planner.run.files import write_run
from planner.scenario import Scenario, check_against_catalog
from sites import Catalog, load_catalog


@dataclass
class Run:
    scenario: Scenario
    catalog: Catalog
    result: PortfolioResult

    @property
    def summary(self) -> Summary:
        return self.result.summary

    def tables(self) -> dict:
        """Every CSV of the run folder as a DataFrame, by file name ("capacity.csv", ...)."""
        from planner.run.files import run_tables
        return run_tables(self.result, self.catalog)

    def statistics(self):
        """The headline numbers as one tidy table (planner/run/statistics.py)."""
        from planner.run.statistics import statistics
        return statistics(self)

    def write(self, out_dir: Path | None = None, with_map: bool = True, force: bool = False,
              reference: tuple | None = None) -> Path:
        """The run folder, as `ree-planner run` writes it (write_outputs)."""
        return write_outputs(self, out_dir, with_map=with_map, force=force, reference=reference)


def inputs_sha256(scenario: Scenario, catalog: Catalog) -> str:
    """Hash of the catalog files and the resolved scenario: equal hashes, equal inputs."""
    text = catalog.sha256 + json.dumps(scenario.to_dict(), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def load_inputs(scenario: Scenario) -> Catalog:
    """Load and validate the scenario's catalog and the scenario against it."""
    catalog = load_catalog(scenario.catalog_dir)
    check_against_catalog(scenario, catalog)
    return catalog


def run_label(scenario: Scenario, catalog: Catalog, settings: dict | None = None) -> RunLabel:
    """What summary.json says about the scenario besides the model's figures."""
    return RunLabel(scenario.name, scenario.description, inputs_sha256(scenario, catalog),
                    settings if settings is not None else scenario.to_dict())


def run_scenario(scenario: Scenario, catalog: Catalog | None = None, lp_file: Path | None = None) -> Run:
    """Solve a scenario; the result's tables are plain DataFrames. lp_file: write the first
    stage's LP there once solved (before the value of money moves the budget row)."""
    catalog = catalog if catalog is not None else load_inputs(scenario)
    settings = scenario.settings()
    pipeline = Pipeline.prepare(catalog, settings)
    solution = pipeline.solve()
    if lp_file is not None and solution.optimal:
        from models.lp_file import write_lp
        write_lp(pipeline.model, Path(lp_file), scenario.name)
    tables = futures.tables(catalog, settings, pipeline) if settings.futures else None  # before money moves it
    result = pipeline.result(run_label(scenario, catalog))  # the value of money measured (models/marginal.py)
    if tables is not None:
        result = futures.with_tables(result, *tables)
    return Run(scenario, catalog, result)


def reference_run(scenario: Scenario, catalog: Catalog, base: Scenario | None = None) -> tuple | None:
    """(Run, label) the funding memo compares against: the scenario without its command-line
    overrides (base), else the shipped baseline for a scenario on the shipped catalog; None
    when there is none or it does not solve."""
    from planner.scenario import load_scenario

    if base is not None and base is not scenario:
        reference, label = base, f"scenario {base.name} without the command-line overrides"
    elif scenario.name != "baseline" and scenario.catalog_dir is None:
        reference, label = load_scenario("baseline"), "the baseline scenario"
    else:
        return None
    run = run_scenario(reference, catalog)
    return (run, label) if run.summary.status == "optimal" else None


def default_out_dir(scenario: Scenario, suffix: str = "") -> Path:
    """out/<scenario name as a safe folder name><suffix>."""
    return Path("out") / (slug(scenario.name) + suffix)


def input_paths(scenario: Scenario) -> tuple[Path, ...]:
    """Files and folders a scenario reads: an output folder may never replace them."""
    return tuple(p for p in (scenario.path, scenario.catalog_dir) if p is not None)


def write_outputs(run: Run, out_dir: Path | None = None, with_map: bool = True, force: bool = False,
                  protect: tuple = (), reference: tuple | None = None, parallel: bool | None = None) -> Path:
    """Write the run's folder; nothing is left behind if any part fails. reference = (Run, label):
    the run the funding memo compares against (see reference_run). parallel: map and workbook
    in child processes (default: where the system can fork; planner/outputs/forked.py).

    An existing out_dir is replaced only if ree-planner wrote it (or with force); never a
    folder holding the scenario's own files."""
    target = Path(out_dir) if out_dir is not None else default_out_dir(run.scenario)

    def render(path: Path) -> None:
        maps.save_offline(maps.render_result_map(run.result, run.catalog), path,
                          title=f"ree-planner: {run.scenario.name}")

    def workbook(folder: Path) -> None:
        from planner.run import pages as run_reports  # matplotlib and openpyxl only when writing
        run_reports.write_xlsx(run, folder / "report.xlsx")

    def reports(folder: Path, map_written) -> None:
        from planner.run import pages as run_reports
        run_reports.write_run_reports(run, folder, reference, workbook=False, map_written=map_written)

    return write_run(target, run.result, run.catalog, run.summary.to_dict(), render if with_map else None, reports,
                     force=force, protect=input_paths(run.scenario) + tuple(protect), write_workbook=workbook,
                     parallel=parallel)
