"""The ree-planner command line."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planner.scenario import load_scenario, shipped_scenarios
from sites.errors import InputError

EXIT_OK, EXIT_INPUT, EXIT_SOLVER = 0, 2, 3


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ree-planner", description="Plan US rare-earth processing investment.")
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="solve a scenario and write its outputs")
    run.add_argument("scenario", nargs="?", help="scenario file or shipped scenario name (default: baseline)")
    run.add_argument("--budget", type=float, metavar="USD", help="federal budget in US dollars, e.g. 6e8")
    run.add_argument("--objective", help="max_weighted_supply, min_import_reliance or min_cost")
    run.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: out/<scenario name>)")
    run.add_argument("--no-map", action="store_true", help="skip map.html")

    sub.add_parser("scenarios", help="list the shipped scenarios")

    cat = sub.add_parser("catalog", help="check, show or map a catalog")
    cat_sub = cat.add_subparsers(dest="action", required=True)
    for name, text in (("check", "validate a catalog folder"), ("show", "print its sites and technologies"),
                       ("map", "draw its candidate sites")):
        c = cat_sub.add_parser(name, help=text)
        c.add_argument("folder", nargs="?", type=Path, help="catalog folder (default: the shipped catalog)")
        if name == "map":
            c.add_argument("--out", type=Path, required=True, metavar="FILE.html")
    return p


def _run(args) -> int:
    from planner import report
    from planner.run import default_out_dir, load_inputs, run_scenario, write_outputs

    scenario = load_scenario(args.scenario).with_overrides(
        "command line", budget_usd=args.budget, objective=args.objective)
    catalog = load_inputs(scenario)
    run = run_scenario(scenario, catalog)
    if run.summary["status"] != "optimal":
        print(f"ree-planner: the model did not solve: {run.summary['message']}; no outputs written",
              file=sys.stderr)
        return EXIT_SOLVER
    out = args.out if args.out is not None else default_out_dir(scenario)
    write_outputs(run, out, with_map=not args.no_map)
    print(report.run_text(run, out))
    return EXIT_OK


def _scenarios() -> int:
    for name, path in shipped_scenarios().items():
        print(f"{name:20s} {load_scenario(path).description}")
    return EXIT_OK


def _catalog(args) -> int:
    from planner import catalog_view
    from sites import default_catalog_dir, load_catalog

    catalog = load_catalog(args.folder)
    where = args.folder or default_catalog_dir()
    if args.action == "check":
        print(catalog_view.check_text(catalog, where))
    elif args.action == "show":
        print(catalog_view.show_text(catalog))
    else:
        catalog_view.write_map(catalog, args.out)
        print(f"Catalog map written to {args.out}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "scenarios":
            return _scenarios()
        return _catalog(args)
    except InputError as err:
        print(f"ree-planner: {err}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
