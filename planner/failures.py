"""The kinds of failure a command can end in, one exception type each (exit codes in exit_codes.py).

- sites.errors.InputError: bad input or an output path that may not be used (exit 2);
- OSError on a named path, from the operating system (exit 2, the path and the reason);
- SolverFailure: the model was infeasible or the solver failed (exit 3);
- Interrupted: Ctrl-C or SIGTERM (exit 128 + signal number).
The command line catches them in one place (planner/cli.py).
"""
from __future__ import annotations

import signal


class SolverFailure(Exception):
    """The model did not solve to optimality; nothing is written."""

    def __init__(self, what: str, status: str, message: str = ""):
        self.what, self.status, self.message = what, status, message
        detail = f": {message}" if message and message != status else ""
        super().__init__(f"{what}: the model did not solve ({status}{detail}); no outputs written")


def require_optimal(what: str, summary_or_solution) -> None:
    """Raise SolverFailure unless a summary (dict or Summary) or a Solution says optimal."""
    if isinstance(summary_or_solution, dict):
        status, message = summary_or_solution.get("status"), summary_or_solution.get("message", "")
    else:
        status, message = summary_or_solution.status, getattr(summary_or_solution, "message", "")
    if status != "optimal":
        raise SolverFailure(what, str(status), str(message or ""))


class Interrupted(BaseException):
    """A signal asked the command to stop; like KeyboardInterrupt, not caught by `except Exception`."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"stopped by {signal.Signals(signum).name}")


def raise_interrupted(signum, _frame) -> None:
    raise Interrupted(signum)
