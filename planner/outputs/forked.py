"""Outputs that do not depend on each other, written side by side in forked child processes.

A run's map (folium), workbook (openpyxl) and charts (matplotlib) each spend most of their
time importing their library; in one process those imports add up, in children forked
after the solve they overlap (the children inherit the solved run, nothing is re-read or
sent). A child writes only into the caller's scratch folder. Its error (an InputError, an
OSError, anything) comes back pickled and is raised in the parent by wait(), so the command
fails as it would have in one process and the scratch folder is removed whole. On any
failure or interrupt in the parent the children still running are killed and reaped before
that folder goes. Where fork does not exist (Windows) or parallel is off, jobs run in turn.
"""
from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import warnings
from collections.abc import Callable, Iterator

from sites.errors import InputError

SERIAL_ENV = "REE_SERIAL_WRITE"  # set to 1: write every output in this process (same bytes)


def parallel_default() -> bool:
    return hasattr(os, "fork") and os.environ.get(SERIAL_ENV, "") in ("", "0")


def _payload(err: BaseException) -> bytes:
    """The error as the parent should raise it (InputError's problems, not only its text)."""
    if isinstance(err, InputError):
        return pickle.dumps(("input", err.problems))
    try:
        data = pickle.dumps(("error", err))
        pickle.loads(data)  # an exception whose arguments cannot rebuild it is sent as text
        return data
    except Exception:
        return pickle.dumps(("error", RuntimeError(f"{type(err).__name__}: {err}")))


def _error(data: bytes) -> BaseException:
    kind, value = pickle.loads(data)
    return InputError(value) if kind == "input" else value


class SideJobs:
    """start() jobs in children (or at once, serial); wait() for them all, raising the first error."""

    def __init__(self, parallel: bool | None = None):
        self.parallel = parallel_default() if parallel is None else parallel
        self._children: list[tuple[int, int]] = []  # (pid, read end of the child's error pipe)

    def start(self, job: Callable[[], None]) -> None:
        if not self.parallel:
            job()
            return
        read_fd, write_fd = os.pipe()
        sys.stdout.flush()  # a child must not print what the parent had buffered
        sys.stderr.flush()
        with warnings.catch_warnings():
            # Python warns on fork in any process with threads; ours are numpy's OpenBLAS and
            # HiGHS's workers, idle once a solve returns, and a child touches neither
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the child: run the job, report, and leave without unwinding the parent's stack
            code = 0
            try:
                os.close(read_fd)
                for _, other in self._children:
                    if other >= 0:
                        os.close(other)
                job()
            except BaseException as err:
                code = 1
                with contextlib.suppress(BaseException):
                    os.write(write_fd, _payload(err))  # pipes take 64 KiB unread; the parent reads first
            finally:
                os._exit(code)
        os.close(write_fd)
        self._children.append((pid, read_fd))

    def wait(self) -> None:
        """Every child finished; the first failure (in start order) raised here."""
        errors = []
        while self._children:
            pid, read_fd = self._children[0]
            with os.fdopen(read_fd, "rb") as pipe:
                data = pipe.read()  # to EOF: the child has exited (or closed the pipe)
            self._children[0] = (pid, -1)  # closed
            _, status = os.waitpid(pid, 0)
            self._children.pop(0)
            if data:
                errors.append(_error(data))
            elif status != 0:
                errors.append(RuntimeError(f"an output writer process ended with status {status}"))
        if errors:
            raise errors[0]

    def stop(self) -> None:
        """Kill and reap the children still running (their work is being thrown away)."""
        for pid, read_fd in self._children:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
            if read_fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(read_fd)
        self._children.clear()


@contextlib.contextmanager
def side_jobs(parallel: bool | None = None) -> Iterator[SideJobs]:
    """SideJobs that are all finished on a normal exit and killed on any other."""
    jobs = SideJobs(parallel)
    try:
        yield jobs
        jobs.wait()
    finally:
        jobs.stop()
