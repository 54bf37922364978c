"""The ree-planner command line: parse, dispatch to a command module, map errors to exit codes."""
from __future__ import annotations

import argparse
import importlib
import signal
import sys

from planner.exit_codes import EXIT_INPUT
from sites.errors import InputError

# One module per subcommand under planner/commands, in the order --help lists them.
COMMANDS = ("run", "scenarios", "catalog", "map", "sweep", "compare", "evaluate", "rank", "select")


def _parser(modules) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ree-planner", description="Plan US rare-earth processing investment.")
    sub = p.add_subparsers(dest="command", required=True)
    for module in modules.values():
        module.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    if hasattr(signal, "SIGPIPE") and argv is None:
        # `ree-planner ... | head`: stop quietly when the reader goes away, like other tools
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    modules = {name: importlib.import_module(f"planner.commands.{name}") for name in COMMANDS}
    args = _parser(modules).parse_args(argv)
    try:
        return modules[args.command].main(args)
    except InputError as err:
        print(f"ree-planner: {err}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
