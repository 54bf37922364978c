"""Options several subcommands share, declared once so they read the same everywhere."""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path


FORCE_HELP = ("replace the output folder even if ree-planner did not write it (never a file, the current "
              "folder or a folder holding this command's inputs)")


def example_help(*examples: str) -> dict:
    """add_parser keywords giving a command's --help its examples, laid out as written."""
    return {"epilog": "example" + ("s" if len(examples) > 1 else "") + ":\n" + "\n".join(f"  {e}" for e in examples),
            "formatter_class": argparse.RawDescriptionHelpFormatter}


def add_out_options(p, default_out: str, required: bool = False) -> None:
    """--out DIR and --force, the same for every command that writes a folder."""
    default = "" if required else f" (default: {default_out})"
    p.add_argument("--out", type=Path, metavar="DIR", required=required, help=f"output folder{default}; an "
                   "existing folder is replaced only if ree-planner wrote it")
    p.add_argument("--force", action="store_true", help=FORCE_HELP)


def money(text: str) -> float:
    """An argparse type: US dollars as 1.2e9, 1.2B, $600M or 600m (planner/money.py)."""
    from planner.money import parse_money

    try:
        return parse_money(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"expected {err}, got {text!r}") from None


def add_override_options(p, budget: bool = True) -> None:
    """The common overrides of a scenario's keys: every command that solves takes them. A run
    with any of them is named after them (out/baseline-budget-2B) and its headline states them."""
    if budget:
        p.add_argument("--budget", type=money, metavar="USD",
                       help="federal budget, e.g. 2e9, 2B, $600M or 600m (scenario key budget_usd)")
    p.add_argument("--import-case", metavar="CASE", help="import case of the catalog, e.g. reversal (import_case)")
    p.add_argument("--year", type=positive_int(2024, 2060), metavar="YEAR",
                   help="target year whose demand is planned for, e.g. 2035 (target_year)")
    p.add_argument("--federal-share", type=share, metavar="SHARE",
                   help="federal share of each new plant's capex, 0-1 or a percentage, e.g. 0.6 or 60%% "
                        "(federal_share)")


def share(text: str) -> float:
    """An argparse type: a share in (0, 1], written 0.6 or 60%."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"expected a share above 0 and at most 1, e.g. 0.6 or 60%, got {text!r}")
    return value


def overrides(args, budget: bool = True) -> dict:
    """The scenario keys the override options set (None where not given)."""
    return {"budget_usd": args.budget if budget else None, "import_case": args.import_case,
            "target_year": args.year, "federal_share": args.federal_share}


def add_review_options(p, default_out: str, map_help: str = "skip map.html") -> None:
    """--scenario, the overrides, --out, --force and --no-map, as evaluate, rank and select take them."""
    p.add_argument("--scenario", help="scenario file or shipped scenario name (default: baseline)")
    add_override_options(p)
    add_out_options(p, default_out)
    p.add_argument("--no-map", action="store_true", help=map_help)


def positive_int(low: int, high: int):
    """An argparse type: a whole number in [low, high], refused with exit 2 otherwise."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number from {low} to {high}, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected a whole number from {low} to {high}, got {text!r}")
        return value
    return parse


@dataclass(frozen=True)
class ReviewSetup:
    """What evaluate, rank and select share before they solve: the scenario, its catalog, the
    output folder (checked before any solve) and the inputs that folder may never replace."""

    scenario: object
    catalog: object
    out: Path
    protect: tuple


def review_setup(args, inputs: list[Path], default_out) -> ReviewSetup:
    """default_out: the folder name under out/, or a function of the scenario giving it."""
    from planner.outputs.folder import check_output_folder, slug
    from planner.run import input_paths, load_inputs
    from planner.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    base = scenario.name
    scenario = scenario.with_command_line(**overrides(args))
    suffix = scenario.name[len(base):]  # "-budget-2B": the overrides name the folder too
    # a callable names the folder from the (renamed) scenario; a fixed name takes the suffix
    name = default_out(scenario) if callable(default_out) else default_out + ("-" + slug(suffix) if suffix else "")
    out = args.out if args.out is not None else Path("out") / name
    protect = (*inputs, *input_paths(scenario))
    check_output_folder(out, args.force, protect)
    return ReviewSetup(scenario, load_inputs(scenario), out, protect)


def print_projects(projects, heading: str) -> None:
    """The projects table (if any) and the warnings, as evaluate and select print them."""
    from planner.review.files import projects_text, warnings_text

    if len(projects):
        print(f"\n{heading} (marginal = lost if that project alone is dropped):\n" + projects_text(projects))
    print("\n" + warnings_text(projects))


def saved_page(run_dir: Path, file_name: str, what: str) -> Path:
    """The page to open in Chromium: run_dir/file_name, or run_dir itself if it is an .html
    file; refused (exit 2) when it is missing or Chromium is not installed."""
    from maps import chromium
    from sites.errors import InputError, Problem

    html = run_dir / file_name if run_dir.is_dir() else run_dir
    if not html.is_file():
        raise InputError(Problem(str(html), None, None, None, f"a run folder with {file_name}, or a {what} .html file"))
    if not chromium.available():
        raise InputError(Problem(str(chromium.CHROMIUM_PATH), None, None, None, chromium.MISSING_REASON))
    return html
