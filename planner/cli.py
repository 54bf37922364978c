"""The ree-planner command line: parse, dispatch to a command module, map failures to exit codes."""
from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys

from planner.exit_codes import EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_SOLVER
from planner.failures import Interrupted, SolverFailure, raise_interrupted
from sites.errors import InputError

# One module per subcommand under planner/commands, in the order --help lists them.
COMMANDS = ("run", "report", "scenarios", "catalog", "map", "sweep", "montecarlo", "compare", "evaluate", "rank", "select")


def _parser(modules) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ree-planner", description="Plan US rare-earth processing investment.")
    sub = p.add_subparsers(dest="command", required=True)
    for module in modules.values():
        module.add_parser(sub)
    return p


def _say(text: str) -> None:
    print(f"ree-planner: {text}", file=sys.stderr)


def os_error_text(err: OSError) -> str:
    """An operating-system error in words, with the path it concerns."""
    reason = err.strerror or str(err) or type(err).__name__
    paths = [p for p in (err.filename, getattr(err, "filename2", None)) if p]
    return f"{' -> '.join(map(str, paths))}: {reason}" if paths else reason


def _install_signal_handlers() -> None:
    if hasattr(signal, "SIGPIPE"):
        # `ree-planner ... | head`: stop quietly when the reader goes away, like other tools
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # SIGTERM unwinds like Ctrl-C, so scratch folders are removed on the way out
    signal.signal(signal.SIGTERM, raise_interrupted)


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        _install_signal_handlers()
    try:
        modules = {name: importlib.import_module(f"planner.commands.{name}") for name in COMMANDS}
        args = _parser(modules).parse_args(argv)
        return modules[args.command].main(args)
    except InputError as err:
        _say(str(err))
        return EXIT_INPUT
    except SolverFailure as err:
        _say(str(err))
        return EXIT_SOLVER
    except OSError as err:
        _say(os_error_text(err))
        return EXIT_INPUT
    except KeyboardInterrupt:
        _say("interrupted; nothing half-written was left")
        return EXIT_INTERRUPTED
    except Interrupted as err:
        _say(f"{err}; nothing half-written was left")
        return 128 + err.signum
    except (RecursionError, MemoryError) as err:
        _say(f"the input is too large or too deeply nested to handle ({type(err).__name__})")
        return EXIT_INPUT
    except Exception as err:  # a bug: say so plainly; REE_DEBUG=1 shows the traceback
        if os.environ.get("REE_DEBUG"):
            raise
        _say(f"internal error ({type(err).__name__}: {err}); please report it with the command you ran "
             "(REE_DEBUG=1 shows the traceback)")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
