"""Latin hypercube samples of triangular distributions, from a seeded numpy Generator."""
from __future__ import annotations

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
