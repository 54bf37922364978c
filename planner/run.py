"""One way through the program: scenario -> catalog -> model -> result -> files."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import maps
from models import PortfolioResult, plan
from planner.outputs import write_run
from planner.scenario import Scenario, check_against_catalog
from sites import Catalog, load_catalog


@dataclass
class Run:
    scenario: Scenario
    catalog: Catalog
    result: PortfolioResult
    summary: dict


def inputs_sha256(scenario: Scenario, catalog: Catalog) -> str:
    """Hash of the catalog files and the resolved scenario: equal hashes, equal inputs."""
    text = catalog.sha256 + json.dumps(scenario.to_dict(), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def marginal_value_sentence(summary: dict) -> str:
    """The budget's shadow price in plain words."""
    value = summary["budget_marginal_value"]
    if summary["status"] != "optimal":
        return "No marginal value: the scenario did not solve."
    if abs(value) < 1e-9:
        return "The budget does not bind: more federal money would not change the objective."
    per_100m = 100 * value
    unit = summary["objective_unit"]
    if summary["objective"] == "min_cost":
        return f"The next $100M of federal money changes annual cost by {per_100m:,.2f} {unit}."
    if summary["objective"] == "min_import_reliance":
        return f"The next $100M of federal money changes the largest import reliance by {per_100m:+.4f}."
    return f"The next $100M of federal money adds {per_100m:,.1f} {unit} of weighted magnet-element supply."


def load_inputs(scenario: Scenario) -> Catalog:
    """Load and validate the scenario's catalog and the scenario against it."""
    catalog = load_catalog(scenario.catalog_dir)
    check_against_catalog(scenario, catalog)
    return catalog


def run_scenario(scenario: Scenario, catalog: Catalog | None = None) -> Run:
    """Solve a scenario; the result's tables are plain DataFrames."""
    catalog = catalog if catalog is not None else load_inputs(scenario)
    result = plan(catalog, scenario.settings())
    summary = {
        "scenario": scenario.name,
        "description": scenario.description,
        **result.summary,
        "inputs_sha256": inputs_sha256(scenario, catalog),
        "settings": scenario.to_dict(),
    }
    summary["budget_marginal_value_text"] = marginal_value_sentence(summary)
    return Run(scenario, catalog, result, summary)


def default_out_dir(scenario: Scenario) -> Path:
    return Path("out") / scenario.name


def write_outputs(run: Run, out_dir: Path | None = None, with_map: bool = True) -> Path:
    """Write the run's folder; nothing is left behind if any part fails."""
    target = Path(out_dir) if out_dir is not None else default_out_dir(run.scenario)

    def render(path: Path) -> None:
        maps.save_offline(maps.render_result_map(run.result, run.catalog), path,
                          title=f"ree-planner: {run.scenario.name}")

    return write_run(target, run.result, run.catalog, run.summary, render if with_map else None)
