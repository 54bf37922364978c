"""Sweep axes from the command line: `--budget START:STOP:N` and `--param KEY=START:STOP:N`."""
from __future__ import annotations

import math
from dataclasses import dataclass

from planner.money import parse_money
from planner.scenario import MONEY_KEYS, TABLE_KEYS, Scenario, check_against_catalog, keys
from sites import Catalog
from sites.errors import InputError, Problem

MAX_POINTS = 10_000
MAX_AXES = 2  # two keys make a grid; more would be unreadable


@dataclass(frozen=True)
class Axis:
    key: str  # a numeric or true/false scenario key, or a table entry such as weights.Dy
    values: tuple[float, ...] | tuple[bool, ...]
    argument: str  # the command-line text, for messages


def numeric_keys() -> list[str]:
    return [k.name for k in keys().values() if k.type in ("float", "int")]


def bool_keys() -> list[str]:
    return [k.name for k in keys().values() if k.type == "bool"]


BOOL_WORDS = {"false": False, "true": True}


def shown(value) -> str:
    """An axis value as a reader writes it: true/false, 1.5, 2030."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}"


def _expected_range(money: bool = False) -> str:
    ends = "START and STOP amounts of US dollars such as 1.2e9, 1.2B, $600M or 600m, " if money else ""
    return f"START:STOP:N, e.g. 0:1.2e9:25 ({ends}START < STOP, N a whole number from 2 to 10,000)"


def _range(text: str, argument: str, shown: str, money: bool = False) -> tuple[float, ...]:
    parts = text.split(":")
    bad = Problem(argument, None, None, shown, _expected_range(money))
    if len(parts) != 3:
        raise InputError(bad)
    number = parse_money if money else (lambda t: float(t.replace("_", "")))
    try:
        start, stop = number(parts[0]), number(parts[1])
        n = int(parts[2])
    except ValueError:
        raise InputError(bad) from None
    if not (math.isfinite(start) and math.isfinite(stop)) or start >= stop or not 2 <= n <= MAX_POINTS:
        raise InputError(bad)
    step = (stop - start) / (n - 1)
    # computed from the ends, not by accumulation, so 0:1e9:11 gives exact round numbers
    return tuple(start + k * step if k < n - 1 else stop for k in range(n))


def budget_axis(text: str) -> Axis:
    return Axis("budget_usd", _range(text, "--budget", text, money=True), f"--budget {text}")


def param_axis(text: str) -> Axis:
    key, sep, spec = text.partition("=")
    key = key.strip()
    expected = ("KEY=START:STOP:N with KEY a numeric scenario key (" + ", ".join(numeric_keys())
                + ") or a table entry such as weights.Dy or demand_t.Dy.metal, or KEY=false,true with KEY a "
                "true/false scenario key (" + ", ".join(bool_keys()) + ")")
    if sep and key in bool_keys():
        return _bool_axis(key, spec, text)
    if not sep or not _known(key):
        raise InputError(Problem("--param", None, None, text, expected))
    values = _range(spec, "--param", text, money=key in MONEY_KEYS)
    if keys().get(key) is not None and keys()[key].type == "int":
        if any(v != round(v) for v in values):
            raise InputError(Problem("--param", None, None, text,
                                     f"whole-number steps for {key} (e.g. {key}=2028:2032:5)"))
        values = tuple(int(round(v)) for v in values)
    return Axis(key, values, f"--param {text}")


def _bool_axis(key: str, spec: str, text: str) -> Axis:
    """KEY=false,true (either order, each once): the scenario solved both ways, e.g. with and
    without feed options."""
    words = [w.strip().lower() for w in spec.split(",")]
    if len(words) < 2 or any(w not in BOOL_WORDS for w in words) or len(set(words)) != len(words):
        raise InputError(Problem("--param", None, None, text,
                                 f"{key}=false,true (the values false and true, each once, comma-separated)"))
    return Axis(key, tuple(BOOL_WORDS[w] for w in words), f"--param {text}")


def _known(key: str) -> bool:
    spec = keys()
    if key in spec:
        return spec[key].type in ("float", "int")
    table, _, rest = key.partition(".")
    depth = {"weights": 1, "demand_t": 2, "imports_t": 2}.get(table)
    return table in TABLE_KEYS and depth is not None and len(rest.split(".")) == depth and all(rest.split("."))


def with_value(scenario: Scenario, key: str, value, source: str) -> Scenario:
    """The scenario with one key (or table entry) set, validated like a file value."""
    if "." not in key:
        return scenario.with_overrides(source, **{key: value})
    table, *path = key.split(".")
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in scenario.values.get(table, {}).items()}
    if len(path) == 1:
        merged[path[0]] = value
    else:
        inner = merged.get(path[0])
        merged[path[0]] = {**(inner if isinstance(inner, dict) else {}), path[1]: value}
    return scenario.with_overrides(source, **{table: merged})


def _shown(value: float | bool) -> str:
    if isinstance(value, bool):
        return shown(value)
    return str(int(value)) if float(value).is_integer() else f"{value:.10g}"


def check_axes(scenario: Scenario, axes: list[Axis], catalog: Catalog | None = None) -> None:
    """Every point's value must be valid for its key, exactly as `run` checks it (and against
    the catalog when given); axes distinct and at most two. All problems at once."""
    if not axes:
        raise InputError(Problem("sweep", None, None, None, "--budget START:STOP:N or --param KEY=START:STOP:N"))
    if len(axes) > MAX_AXES:
        raise InputError(Problem(axes[MAX_AXES].argument.split()[0], None, None, axes[MAX_AXES].argument,
                                 "at most two swept keys (two keys give a grid)"))
    seen = set()
    for axis in axes:
        if axis.key in seen:
            raise InputError(Problem(axis.argument.split()[0], None, None, axis.argument,
                                     f"each key swept once ({axis.key} is already swept)"))
        seen.add(axis.key)
    bad: dict[tuple[str, str, str], list[str]] = {}  # (argument, key, expected) -> values refused
    for axis in axes:
        argument = axis.argument.split()[0]
        for value in axis.values:
            try:
                point = with_value(scenario, axis.key, value, argument)
                if catalog is not None:
                    check_against_catalog(point, catalog)
            except InputError as err:
                for p in err.problems:
                    bad.setdefault((argument, axis.key, p.expected), []).append(_shown(value))
    if bad:
        raise InputError([Problem(argument, None, None, f"{key} = " + ", ".join(values[:5])
                                  + (f" and {len(values) - 5} more" if len(values) > 5 else ""), expected)
                          for (argument, key, expected), values in bad.items()])
