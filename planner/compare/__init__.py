"""Compare run folders side by side (runs.py): headline numbers, capacities, element balances, settings."""
from planner.compare.runs import Comparison, compare_runs, comparison_text, write_comparison

__all__ = ["Comparison", "compare_runs", "comparison_text", "write_comparison"]
