"""`ree-planner compare`: put two or more run folders side by side."""
from __future__ import annotations

from pathlib import Path

from planner.commands.options import add_out_options, example_help
from planner.exit_codes import EXIT_OK

NAME = "compare"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="compare run folders: capacities, element balances, headline numbers",
                       **example_help("ree-planner compare out/baseline out/policy-reversal --out out/compare"))
    p.add_argument("runs", nargs="+", type=Path, metavar="RUN_DIR", help="two or more folders written by `run`")
    add_out_options(p, "", required=True)


def main(args) -> int:
    from planner import api
    from planner.compare import runs as compare
    from planner.outputs.folder import check_output_folder

    check_output_folder(args.out, args.force, args.runs)  # never into (or above) a compared run
    comparison = api.compare(*args.runs)
    comparison.write(args.out, force=args.force)
    print(compare.comparison_text(comparison))
    print(f"\nOutputs written to {args.out}/ (comparison.csv, comparison.xlsx, comparison.html, comparison.png, comparison_map.html)")
    return EXIT_OK
