"""The user's side of ree-planner: scenarios, runs, outputs and the CLI.

Notebook use, stage by stage:

    from planner import load_scenario, load_inputs, run_scenario, write_outputs
    scenario = load_scenario("baseline")          # or a path to a .toml file
    catalog = load_inputs(scenario)                # validated catalog
    run = run_scenario(scenario, catalog)          # build + solve + result tables
    run.result.capacity                            # pandas DataFrames
"""
from sites.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    'planner.run': ('Run', 'load_inputs', 'run_scenario', 'write_outputs'),
    'planner.scenario': ('Scenario', 'load_scenario', 'shipped_scenarios'),
})
