"""Load a catalog folder (the shipped one or a user's) into validated pandas tables."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import geopandas as gpd
import pandas as pd

from sites import geo
from sites.checks import check_catalog, reference_problems
from sites.errors import InputError, Problem
from sites.schema import TABLES, coerce_table


def default_catalog_dir() -> Path:
    """The catalog shipped as package data."""
    return Path(str(resources.files("sites").joinpath("data")))


@dataclass(frozen=True)
class Catalog:
    """A validated catalog. Tables keep the column names of docs/data.md."""

    folder: Path
    sources: pd.DataFrame
    assumptions: pd.DataFrame
    elements: pd.DataFrame
    sites: gpd.GeoDataFrame  # EPSG:4326 points
    site_capacity: pd.DataFrame
    feedstocks: pd.DataFrame
    technologies: pd.DataFrame
    demand: pd.DataFrame
    imports: pd.DataFrame
    parameters: pd.DataFrame
    milestones: pd.DataFrame  # (lead_time_basis, milestone) -> years to first output
    ramp_curves: pd.DataFrame  # (curve_id, year) -> share of nameplate
    technology_outputs: pd.DataFrame  # (technology, element) routed to another form, e.g. heavy_concentrate
    capex_anchors: pd.DataFrame  # named plants that calibrate technology capex
    demand_scopes: pd.DataFrame  # demand added per scope (us_consumption)
    import_cases: pd.DataFrame  # one row per imports.case
    trade_events: pd.DataFrame  # dated trade-regime facts
    production_history: pd.DataFrame  # reported output, for backcasts
    cost_index: pd.DataFrame  # year -> CPI-U; catalog dollars are the last year's
    feed_options: pd.DataFrame  # investments that add feed (mines, collection programmes)
    sha256: str  # of the catalog files' bytes, to tie outputs to their inputs

    def parameter(self, name: str) -> float:
        return float(self.parameters.set_index("parameter").at[name, "value"])

    def distances_km(self) -> pd.DataFrame:
        """Geodesic distance between sites, km."""
        return geo.distance_matrix_km(self.sites)


def _read_raw(path: Path, label: str, problems: list[Problem]) -> pd.DataFrame | None:
    if not path.is_file():
        problems.append(Problem(label, None, None, None, "this file to exist"))
        return None
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")  # Excel writes a BOM
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        reason = str(err).splitlines()[0]
        problems.append(Problem(label, None, None, None, f"a readable UTF-8 CSV file ({reason})"))
        return None


def load_catalog(folder: str | Path | None = None) -> Catalog:
    """Read and validate every table; raise InputError listing all problems found."""
    folder = Path(folder) if folder is not None else default_catalog_dir()
    if not folder.is_dir():
        raise InputError(Problem(str(folder), None, None, None, "a catalog folder (see docs/data.md)"))
    problems: list[Problem] = []
    files = {t: str(folder / f"{t}.csv") for t in TABLES}
    digest = hashlib.sha256()
    typed: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        path = folder / f"{table}.csv"
        raw = _read_raw(path, files[table], problems)
        if raw is None:
            continue
        digest.update(f"{table}.csv\0".encode() + path.read_bytes() + b"\0")
        typed[table] = coerce_table(table, files[table], raw, problems)
    if problems:  # cross-table checks need every cell typed; ids and references need only text, so
        # they are reported with the cell problems (unless a whole column or file is missing)
        if len(typed) == len(TABLES) and all(p.row is not None for p in problems):
            failed = {(p.file, p.row, p.column) for p in problems}
            problems.extend(p for p in reference_problems(typed, files) if (p.file, p.row, p.column) not in failed)
        raise InputError(problems)
    problems.extend(check_catalog(typed, files))
    if problems:
        raise InputError(problems)
    sites = _as_points(typed.pop("sites"))
    return Catalog(folder=folder, sites=sites, sha256=digest.hexdigest(), **typed)


def _as_points(sites: pd.DataFrame) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        sites, geometry=gpd.points_from_xy(sites["longitude"], sites["latitude"]), crs="EPSG:4326"
    )
