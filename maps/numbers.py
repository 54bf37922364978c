"""Number formatting for popups and the legend (NaN and None show as a dash)."""

from __future__ import annotations

import math


def _missing(value) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def tonnes(value) -> str:
    if _missing(value):
        return "–"
    value = float(value)
    if value == 0:
        return "0"
    if abs(value) < 10:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:,.0f}"


def usd(value) -> str:
    if _missing(value):
        return "–"
    value = float(value)
    if abs(value) >= 1e9:
        return f"${value / 1e9:,.2f}B"
    if abs(value) >= 1e6:
        return f"${value / 1e6:,.1f}M"
    return f"${value:,.0f}"
