"""Geodesic distances between sites and the bundled US state boundaries."""
from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Geod

_GEOD = Geod(ellps="WGS84")


def distance_matrix_km(sites: pd.DataFrame) -> pd.DataFrame:
    """Geodesic (WGS84 ellipsoid) distance in km between every pair of sites (computed once
    per set of sites and points: every prepare of a sweep asks again)."""
    ids = tuple(sites["site_id"])
    lat = sites["latitude"].to_numpy(float)
    lon = sites["longitude"].to_numpy(float)
    return pd.DataFrame(_distances_km(ids, lat.tobytes(), lon.tobytes()), index=list(ids), columns=list(ids), copy=True)


@lru_cache(maxsize=8)
def _distances_km(ids: tuple[str, ...], lat_bytes: bytes, lon_bytes: bytes) -> np.ndarray:
    lat, lon = np.frombuffer(lat_bytes), np.frombuffer(lon_bytes)
    n = len(ids)
    i, j = np.triu_indices(n, k=1)
    _, _, metres = _GEOD.inv(lon[i], lat[i], lon[j], lat[j])  # one vectorised call for every pair
    km = np.zeros((n, n))
    km[i, j] = km[j, i] = np.asarray(metres) / 1000.0
    km.setflags(write=False)
    return km


def _boundaries():
    return resources.files("sites").joinpath("boundaries")


@cache
def state_codes() -> pd.DataFrame:
    """name, usps, fips for the 50 states, DC and Puerto Rico (codes kept as strings)."""
    with resources.as_file(_boundaries().joinpath("state_codes.csv")) as path:
        return pd.read_csv(path, dtype=str)


@cache
def states() -> gpd.GeoDataFrame:
    """US states (Census 2017 cartographic boundaries via us-atlas) with USPS codes (None for
    outlines outside the 50 states, DC and Puerto Rico). Callers must not modify it (cached)."""
    with resources.as_file(_boundaries().joinpath("states-10m.json")) as path:
        shapes = gpd.read_file(path, layer="states")
    if shapes.crs is None:
        shapes = shapes.set_crs(4326)
    shapes["geometry"] = shapes.geometry.make_valid(method="structure", keep_collapsed=False)
    shapes = shapes.merge(state_codes()[["name", "usps"]], on="name", how="left")
    return shapes[["usps", "name", "geometry"]].sort_values("usps").reset_index(drop=True)


def state_of_points(lon: np.ndarray, lat: np.ndarray) -> list[str | None]:
    """USPS code of the state containing each point (None outside every state)."""
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    joined = gpd.sjoin(points, states(), how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")].sort_index()
    return [None if pd.isna(v) else v for v in joined["usps"]]


def distance_to_state_km(lon: float, lat: float, usps: str) -> float | None:
    """Distance from a point to a state's boundary in km (0 inside); None for an unknown code."""
    shapes = states()
    shape = shapes.loc[shapes["usps"] == usps]
    if shape.empty:
        return None
    point = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs=4326)
    # Alaska's Aleutians cross 180 degrees; a metre CRS near the point is good enough here
    local = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +units=m"
    return float(shape.to_crs(local).distance(point.to_crs(local).iloc[0]).min() / 1000.0)
