"""Run one scenario: load and validate, solve, write the run folder and its pages.

pipeline.py is the way through (load_inputs -> run_scenario -> write_outputs); files.py
writes the folder's tables, pages.py its report.html/xlsx, text.py what the terminal shows,
folder.py reads a run folder back (compare).
"""
from sites.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    'planner.run.pipeline': ('Run', 'default_out_dir', 'input_paths', 'inputs_sha256', 'load_inputs', 'reference_run', 'run_label', 'run_scenario', 'write_outputs'),
})
