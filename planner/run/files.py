"""Write a run's folder: tables, summary, GeoJSON and map, all or nothing."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from models import PortfolioResult
from planner.outputs.folder import atomic_folder
from planner.outputs.forked import side_jobs
from planner.outputs.tables import write_csv
from sites import Catalog

# multi-year runs only
YEAR_FILES = ("capacity_by_year.csv", "elements_by_year.csv", "spend_by_year.csv", "flows_by_year.csv")
FUTURE_FILES = ("elements_by_future.csv", "futures.csv", "regret.csv")  # runs with futures only
TABLE_FILES = {
    "capacity.csv": "capacity",
    "elements.csv": "elements",
    "elements_by_form.csv": "elements_by_form",
    "flows.csv": "flows",
    "portfolio.csv": "portfolio",
    "production.csv": "production",
    "feeds.csv": "feeds",
    "duals.csv": "duals",
    "feed_options.csv": "feed_options",
    **{name: name.removesuffix(".csv") for name in YEAR_FILES + FUTURE_FILES},
}



def flows_with_coordinates(flows: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """flows.csv with each end's latitude and longitude (from sites.csv), so a flow can be drawn
    from the CSV alone."""
    where = catalog.sites.set_index("site_id")[["latitude", "longitude"]]
    out = flows.copy()
    for end in ("from", "to"):
        ids = out[f"{end}_site"].astype(str)
        out[f"{end}_latitude"] = ids.map(where["latitude"]).astype(float)
        out[f"{end}_longitude"] = ids.map(where["longitude"]).astype(float)
    return out


def run_tables(result: PortfolioResult, catalog: Catalog) -> dict[str, pd.DataFrame]:
    """Every CSV of a run folder as the DataFrame written to it, by file name (a one-year run
    has no by-year tables: its tables are the one-year files)."""
    tables = {}
    for name, attr in TABLE_FILES.items():
        frame = getattr(result, attr)
        if name in YEAR_FILES + FUTURE_FILES and frame.empty:
            continue
        tables[name] = flows_with_coordinates(frame, catalog) if name in ("flows.csv", "flows_by_year.csv") else frame
    return tables


def portfolio_geojson(result: PortfolioResult, catalog: Catalog) -> str:
    """Built sites as GeoJSON points with their capacity per technology."""
    cap = result.capacity
    wide = cap.pivot_table(index="site_id", columns="technology", values="total_tpa", aggfunc="sum").fillna(0.0)
    wide.columns = [f"{t}_tpa" for t in wide.columns]
    totals = cap.groupby("site_id")[["existing_tpa", "new_tpa", "total_tpa", "capex_usd", "federal_usd"]].sum()
    sites = catalog.sites.set_index("site_id").loc[sorted(totals.index)]
    frame = gpd.GeoDataFrame(
        pd.concat([sites[["name", "state", "kind", "status", "operator"]], totals, wide], axis=1)
        .rename_axis("site_id").reset_index(),
        geometry=list(sites.geometry), crs="EPSG:4326",
    )
    return frame.to_json(drop_id=True, sort_keys=True, indent=1) + "\n"


def write_run(target: Path, result: PortfolioResult, catalog: Catalog, summary: dict,
              render_map: Callable[[Path], None] | None = None,
              write_reports: Callable[[Path, Callable[[], None]], None] | None = None,
              force: bool = False, protect: Iterable[str | Path] = (),
              write_workbook: Callable[[Path], None] | None = None, parallel: bool | None = None) -> Path:
    """Write every output of a run into target (replacing an older ree-planner folder there).

    The map and the workbook are written in child processes while this one writes the tables
    and the reports (planner/outputs/forked.py; parallel False: one after another, the same
    bytes). write_reports(folder, map_written) calls map_written() before it reads map.html."""
    with atomic_folder(target, "run", force=force, protect=protect) as folder, side_jobs(parallel) as jobs:
        if render_map is not None:
            jobs.start(lambda: render_map(folder / "map.html"))
        if write_workbook is not None:
            jobs.start(lambda: write_workbook(folder))
        for name, frame in run_tables(result, catalog).items():
            write_csv(frame, folder / name)
        (folder / "portfolio.geojson").write_text(portfolio_geojson(result, catalog), encoding="utf-8")
        (folder / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        if write_reports is not None:  # last: the reports read and link the files above
            write_reports(folder, jobs.wait)
    return target
