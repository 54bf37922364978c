"""A one-line progress bar on stderr; silent when stderr is not a terminal (logs, pipes, tests)."""
from __future__ import annotations

import sys
import time

WIDTH = 30


class Progress:
    def __init__(self, total: int, label: str, stream=None):
        self.total = max(1, total)
        self.label = label
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.active = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.perf_counter()

    def advance(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        if self.active:
            filled = round(WIDTH * self.done / self.total)
            elapsed = time.perf_counter() - self.start
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] "
                              f"{self.done}/{self.total} {elapsed:5.1f}s")
            self.stream.flush()

    def close(self) -> None:
        if self.active:
            self.stream.write("\n")
            self.stream.flush()
