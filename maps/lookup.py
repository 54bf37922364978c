"""Read-only views of a catalog that the map code needs (by id, tolerant of gaps)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd


def as_list(value) -> list[str]:
    """A list-valued cell as a list of str: accepts a list/tuple/array or 'a;b' text."""
    if value is None:
        return []
    if isinstance(value, float) and math.isnan(value):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return [str(part) for part in value]


def _present(value) -> bool:
    return value is not None and value != "" and not (isinstance(value, float) and math.isnan(value))


def _frame(catalog, name: str) -> pd.DataFrame:
    frame = getattr(catalog, name, None)
    return frame if isinstance(frame, pd.DataFrame) else pd.DataFrame()


@dataclass
class CatalogIndex:
    sites: dict[str, dict] = field(default_factory=dict)
    technology_names: dict[str, str] = field(default_factory=dict)
    sources: dict[str, dict] = field(default_factory=dict)
    existing: dict[str, dict[str, float]] = field(default_factory=dict)
    feedstocks: dict[str, list[dict]] = field(default_factory=dict)  # site_id -> feedstock rows

    @classmethod
    def of(cls, catalog) -> "CatalogIndex":
        index = cls()
        for row in _frame(catalog, "sites").to_dict("records"):
            index.sites[str(row["site_id"])] = row
        for row in _frame(catalog, "technologies").to_dict("records"):
            index.technology_names[str(row["technology_id"])] = str(row.get("name") or row["technology_id"])
        for row in _frame(catalog, "sources").to_dict("records"):
            index.sources[str(row["source_id"])] = row
        for row in _frame(catalog, "site_capacity").to_dict("records"):
            per_site = index.existing.setdefault(str(row["site_id"]), {})
            tpa = float(row.get("existing_tpa") or 0.0)
            per_site[str(row["technology_id"])] = per_site.get(str(row["technology_id"]), 0.0) + tpa
        for row in _frame(catalog, "feedstocks").to_dict("records"):
            index.feedstocks.setdefault(str(row["site_id"]), []).append(row)
        return index

    def technology_name(self, technology_id: str) -> str:
        return self.technology_names.get(technology_id, technology_id)

    def location(self, site_id: str) -> tuple[float, float]:
        """(latitude, longitude) of a catalog site; ValueError if the site is unknown."""
        try:
            row = self.sites[site_id]
        except KeyError:
            raise ValueError(f"site {site_id!r} is not in the catalog") from None
        return float(row["latitude"]), float(row["longitude"])

    def source_label(self, source_id: str) -> str:
        """'Title (publisher, year)' for a source id, or the id itself if unknown."""
        row = self.sources.get(source_id)
        if row is None:
            return source_id
        extra = ", ".join(str(row[k]) for k in ("publisher", "year") if _present(row.get(k)))
        title = str(row["title"]) if _present(row.get("title")) else source_id
        return f"{title} ({extra})" if extra else title
