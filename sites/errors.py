"""Input problems, collected so a user sees all of them at once."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one value of one input file."""

    file: str
    row: int | None  # 1-based data row (the header is not counted); None for file-level problems
    column: str | None
    value: str | None
    expected: str
    row_id: str | None = None  # the row's id, when it has one, to help find it
    label: str = "column"  # what `column` names: a CSV column, or a key in a TOML file

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}" + (f" ({self.row_id})" if self.row_id else ""))
        if self.column is not None:
            where.append(f"{self.label} {self.column}")
        got = "" if self.value is None else f"got {self.value!r}, "
        return f"{', '.join(where)}: {got}expected {self.expected}"


class InputError(Exception):
    """Bad input: carries every problem found, rendered one per line."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        n = len(self.problems)
        if n == 1:
            return str(self.problems[0])
        head = f"{n} problem{'s' if n != 1 else ''} in the input:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])
