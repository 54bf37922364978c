"""Sweep a scenario over budgets or other numeric keys: spec.py parses the axes, solve.py
re-solves one model warm where only the budget changes, files.py writes the folder."""
from planner.sweep.solve import BUDGET, SweepResult, grid, run_sweep

__all__ = ["BUDGET", "SweepResult", "grid", "run_sweep"]
