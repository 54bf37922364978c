"""Grant review: proposal files (proposals.py), portfolios built as proposed (evaluation.py),
ranking against the optimum (ranking.py), scorecards (scorecard.py) and their files."""
