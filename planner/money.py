"""Money as people write it: 1.2e9, 1200000000, 1,200,000,000, 1.2B, $600M, 600m, 250k.

One parser for every place a dollar amount is typed (command-line flags, scenario TOML
budget keys, sweep ranges), so they all accept the same forms and refuse with the same words.
"""
from __future__ import annotations

import math
import re

# suffix (lower case) -> multiplier; "mm" is the finance habit for millions
SUFFIXES = {"": 1.0, "k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}
EXPECTED = "an amount of US dollars such as 1.2e9, 1.2B, $600M or 600m"
_MONEY = re.compile(r"^(?P<sign>-?)\s*\$?\s*(?P<number>[0-9][0-9,_]*(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)"
                    r"\s*(?P<suffix>[A-Za-z]*)$")


def parse_money(text) -> float:
    """US dollars from a number or a text such as '1.2B'; ValueError saying what was expected.
    A sign is read (-5M is -5e6) so the caller's bounds say what is wrong with a negative amount."""
    if isinstance(text, bool):
        raise ValueError(EXPECTED)
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        found = _MONEY.match(str(text).strip())
        if not found or found["suffix"].lower() not in SUFFIXES:
            raise ValueError(EXPECTED)
        number = found["number"]
        if "," in number and not re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})*(\.[0-9]*)?([eE][+-]?[0-9]+)?", number):
            raise ValueError(EXPECTED)
        value = float(number.replace(",", "").replace("_", "")) * SUFFIXES[found["suffix"].lower()]
        value = -value if found["sign"] else value
    if not math.isfinite(value):
        raise ValueError(EXPECTED)
    return value


def short_money(usd: float) -> str:
    """A compact dollar figure for names and headlines: 2B, 1.25B, 600M, 250k, 0."""
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(usd) >= size:
            return f"{usd / size:.4g}{unit}"
    return f"{usd:.4g}"
