"""`ree-planner scenarios`: list the shipped scenario library."""
from __future__ import annotations

from planner.commands.options import example_help
from planner.exit_codes import EXIT_OK

NAME = "scenarios"


def add_parser(sub) -> None:
    sub.add_parser(NAME, help="list the shipped scenarios", **example_help("ree-planner scenarios"))


def main(args) -> int:
    from planner.scenario import load_scenario, shipped_scenarios

    for name, path in shipped_scenarios().items():
        print(f"{name:20s} {load_scenario(path).description}")
    return EXIT_OK
