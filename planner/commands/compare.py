"""`ree-planner compare`: put two or more run folders side by side."""
from __future__ import annotations

from pathlib import Path

from planner.exit_codes import EXIT_OK

NAME = "compare"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="compare run folders: capacities, element balances, headline numbers")
    p.add_argument("runs", nargs="+", type=Path, metavar="RUN_DIR", help="two or more folders written by `run`")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")


def main(args) -> int:
    from planner import compare

    comparison = compare.compare_runs(args.runs)
    compare.write_comparison(comparison, args.out)
    print(compare.comparison_text(comparison))
    print(f"\nOutputs written to {args.out}/ (comparison.csv, comparison.xlsx, comparison.html, comparison.png, comparison_map.html)")
    return EXIT_OK
