"""`python -m planner.outputs`: print docs/outputs.md, generated from planner/outputs/columns.csv."""
import sys

from planner.outputs.columns import markdown

sys.stdout.write(markdown())
