"""Options several subcommands share, declared once so they read the same everywhere."""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path


FORCE_HELP = ("replace the output folder even if ree-planner did not write it (never a file, the current "
              "folder or a folder holding this command's inputs)")


def add_out_options(p, default_out: str, required: bool = False) -> None:
    """--out DIR and --force, the same for every command that writes a folder."""
    default = "" if required else f" (default: {default_out})"
    p.add_argument("--out", type=Path, metavar="DIR", required=required, help=f"output folder{default}; an "
                   "existing folder is replaced only if ree-planner wrote it")
    p.add_argument("--force", action="store_true", help=FORCE_HELP)


def add_review_options(p, default_out: str, map_help: str = "skip map.html") -> None:
    """--scenario, --out, --force and --no-map, as evaluate, rank and select take them."""
    p.add_argument("--scenario", help="scenario file or shipped scenario name (default: baseline)")
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
    from planner.outputs.folder import check_output_folder
    from planner.run import input_paths, load_inputs
    from planner.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    name = default_out(scenario) if callable(default_out) else default_out
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
