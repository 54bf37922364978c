"""`ree-planner catalog ...`: a catalog as text and as a map."""
from __future__ import annotations

from pathlib import Path

import maps
from planner.outputs.folder import atomic_file
from planner.outputs.text import text_table
from sites import Catalog


def check_text(catalog: Catalog, folder) -> str:
    counts = ", ".join(
        f"{len(getattr(catalog, t))} {t.replace('_', ' ')}"
        for t in ("sites", "feedstocks", "technologies", "site_capacity", "demand", "imports", "sources",
                  "assumptions")
    )
    return f"Catalog {folder}: OK ({counts}); sha256 {catalog.sha256}"


def show_text(catalog: Catalog) -> str:
    sites = catalog.sites[["site_id", "name", "state", "kind", "status", "latitude", "longitude",
                           "location_precision", "cost_multiplier"]].copy()
    existing = catalog.site_capacity.groupby("site_id")["existing_tpa"].sum()
    sites["existing_tpa"] = sites["site_id"].map(existing).fillna(0.0)
    sites["can_build"] = [", ".join(a) for a in catalog.sites["allowed_technologies"]]
    techs = catalog.technologies[["technology_id", "input_form", "output_form", "capex_usd_per_tpa_base",
                                  "opex_usd_per_t", "min_size_tpa", "max_size_tpa", "lead_time_years", "trl"]]
    fmt = {"latitude": "{:.3f}", "longitude": "{:.3f}", "cost_multiplier": "{:.2f}", "existing_tpa": "{:,.0f}"}
    tfmt = {"capex_usd_per_tpa_base": "{:,.0f}", "opex_usd_per_t": "{:,.0f}", "min_size_tpa": "{:,.0f}",
            "max_size_tpa": "{:,.0f}", "lead_time_years": "{:g}", "trl": "{}"}
    return "\n".join([f"Sites ({len(sites)}):", text_table(sites, fmt), "",
                      f"Technologies ({len(techs)}):", text_table(techs, tfmt)])


MAP_TITLE = "ree-planner: candidate sites"


def is_catalog_map(path: Path) -> bool:
    """True if path is an HTML map ree-planner wrote (its title says so)."""
    with open(path, "rb") as f:
        head = f.read(4096)
    return b"<title>ree-planner" in head


def write_map(catalog: Catalog, out: Path, force: bool = False) -> Path:
    """Write the catalog map; the file appears whole or not at all, and replaces only a map
    ree-planner wrote (or any file with force; never a folder)."""
    with atomic_file(out, is_catalog_map, force=force) as scratch:
        maps.save_offline(maps.render_catalog_map(catalog), scratch, title=MAP_TITLE)
    return Path(out)
