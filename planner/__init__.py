"""The user's side of ree-planner: scenarios, runs, outputs and the CLI.

From Python, every command's computation is in planner.api (docs/api.md), returning
pandas DataFrames:

    from planner import api
    run = api.run("baseline", budget_usd="600M")   # overrides checked as on the command line
    run.result.capacity                            # DataFrames: capacity, elements, flows, ...
    run.statistics()                               # one tidy headline table
    api.sweep("baseline", budget="0:1.2B:13").table

The stages are public too: load_scenario -> load_inputs -> run_scenario -> write_outputs.
"""
from sites.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    'planner.api': ('api', 'statistics'),
    'planner.run': ('Run', 'load_inputs', 'run_scenario', 'write_outputs'),
    'planner.scenario': ('Scenario', 'load_scenario', 'shipped_scenarios'),
})
