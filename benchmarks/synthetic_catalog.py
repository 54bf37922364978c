"""Synthetic catalogs at scale, in the project's own format: the shipped catalog's sites
replicated at seeded points across the US (each copy with its feedstocks and existing
plants), so a 1,000-site catalog has the shipped catalog's mix of mines, mills and recyclers.

    write_synthetic_catalog(folder, n_sites, seed=17) -> folder

The first copy is the shipped catalog itself; each further site copies shipped site number
(i mod 23) with "-s<i>" appended to its id and its feeds' ids, at a random point of the
contiguous US (kept only if it falls inside a state, which becomes its state). Other tables
(sources, technologies, demand, options, history) are the shipped ones unchanged: demand
stays national, so a large catalog has many more candidates for the same need.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from sites import default_catalog_dir
from sites.geo import state_of_points

# the contiguous US, for drawing points (a point outside every state is drawn again)
LON_RANGE = (-124.0, -67.5)
LAT_RANGE = (25.5, 48.9)


def _points(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, list[str]]:
    lon, lat, state = [], [], []
    while len(lon) < n:
        x = np.round(rng.uniform(*LON_RANGE, size=2 * (n - len(lon))), 4)
        y = np.round(rng.uniform(*LAT_RANGE, size=len(x)), 4)
        for xi, yi, s in zip(x, y, state_of_points(x, y)):
            if s is not None and len(lon) < n:
                lon.append(xi)
                lat.append(yi)
                state.append(s)
    return np.array(lon), np.array(lat), state


def write_synthetic_catalog(folder: Path, n_sites: int, seed: int = 17) -> Path:
    """A catalog folder with n_sites sites (at least the shipped catalog's), seeded."""
    source = default_catalog_dir()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for path in source.glob("*.csv"):
        shutil.copyfile(path, folder / path.name)
    read = {name: pd.read_csv(source / f"{name}.csv", dtype=str, keep_default_na=False)
            for name in ("sites", "feedstocks", "site_capacity")}
    shipped = read["sites"]
    extra = max(0, n_sites - len(shipped))
    rng = np.random.default_rng(seed)
    lon, lat, state = _points(extra, rng)
    copies = {"sites": [shipped], "feedstocks": [read["feedstocks"]], "site_capacity": [read["site_capacity"]]}
    for i in range(extra):
        original = shipped.iloc[i % len(shipped)]
        new_id = f"{original['site_id']}-s{i + 1}"
        site = original.copy()
        site["site_id"], site["name"] = new_id, f"{original['name']} (synthetic {i + 1})"
        site["longitude"], site["latitude"], site["state"] = f"{lon[i]:.4f}", f"{lat[i]:.4f}", state[i]
        copies["sites"].append(site.to_frame().T)
        feeds = read["feedstocks"][read["feedstocks"]["site_id"] == original["site_id"]].copy()
        feeds["feedstock_id"] = feeds["feedstock_id"] + f"-s{i + 1}"
        feeds["site_id"] = new_id
        copies["feedstocks"].append(feeds)
        plants = read["site_capacity"][read["site_capacity"]["site_id"] == original["site_id"]].copy()
        plants["site_id"] = new_id
        copies["site_capacity"].append(plants)
    for name, frames in copies.items():
        pd.concat(frames, ignore_index=True).to_csv(folder / f"{name}.csv", index=False)
    return folder
