"""The superset catalog a Monte Carlo model is built from: every feed and feed option at its
EARLIEST timing, so that whatever a sample draws for first output years and lead times, the
variables it needs exist. A sample then switches off what is not running in its draw by
bounds (docs/montecarlo.md, "Structure by bounds")."""
from __future__ import annotations

from dataclasses import replace

from models.inputs import TIMING_COLUMNS
from models.settings import ModelSettings
from sites import Catalog


def superset_catalog(catalog: Catalog, settings: ModelSettings) -> Catalog:
    """The catalog with the column the scenario's timing case reads set to the earliest value:
    feeds' first_output_year and feed options' lead_time_years. Existing plants need no
    change (the model always has them; their capacity is a right-hand side)."""
    column = TIMING_COLUMNS[settings.timing_case][0]
    if column == "low":
        return catalog
    feeds = catalog.feedstocks.copy()
    feeds[f"first_output_year_{column}"] = feeds[["first_output_year_low", f"first_output_year_{column}"]].min(axis=1)
    options = catalog.feed_options.copy()
    options[f"lead_time_years_{column}"] = options[["lead_time_years_low", f"lead_time_years_{column}"]].min(axis=1)
    return replace(catalog, feedstocks=feeds, feed_options=options)
