"""Latin hypercube samples of triangular distributions, from a seeded numpy Generator."""
from __future__ import annotations

import math

import numpy as np


def latin_hypercube(n: int, dims: int, seed: int) -> np.ndarray:
    """n x dims quantiles in (0, 1): each column has exactly one point in each of its n equal
    strata, in a random order. The draws are made column by column, so the same seed
    gives the same matrix on every machine (numpy's PCG64)."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, dims))
    for d in range(dims):
        out[:, d] = (rng.permutation(n) + rng.random(n)) / n
    return out


def triangular(u: np.ndarray | float, low: float, mode: float, high: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution (low, mode, high) at quantiles u."""
    u = np.asarray(u, dtype=float)
    if high <= low:
        return np.full_like(u, low)
    mode = min(max(mode, low), high)
    split = (mode - low) / (high - low)
    left = low + np.sqrt(u * (high - low) * (mode - low))
    right = high - np.sqrt((1.0 - u) * (high - low) * (high - mode))
    return np.where(u < split, left, right)


def draw(q: float, low: float, base: float, high: float) -> float:
    """One range's value at quantile q; q NaN means the range's base (the mode)."""
    if q != q:  # NaN
        return float(base)
    if high <= low:
        return float(low)
    # triangular() for one number, in plain floats (a sample draws thousands of these)
    mode = min(max(base, low), high)
    if q < (mode - low) / (high - low):
        return low + math.sqrt(q * (high - low) * (mode - low))
    return high - math.sqrt((1.0 - q) * (high - low) * (high - mode))


def draw_year(q: float, low: float, base: float, high: float) -> int:
    """A whole year (a first output year, a lead time in years) at quantile q: the moment is
    continuous, triangular from the start of the low year to the end of the high year with
    its mode in the middle of the base year, and the draw is the year that moment falls in
    (floor). Every year from low to high can come up; base is the likeliest. q NaN: base."""
    if q != q:  # NaN
        return int(base)
    return math.floor(draw(q, low, base + 0.5, high + 1.0))
