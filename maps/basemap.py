"""US state boundaries as a light GeoJSON base layer (the maps carry no web tiles).

Reads the bundled us-atlas TopoJSON, repairs it, keeps the 50 states, DC and Puerto
Rico, moves Alaska's Aleutian islands west of the 180th meridian so Alaska is drawn as
one piece next to the rest of the country, and simplifies the outlines so a map file
stays small.
"""

from __future__ import annotations

import functools
import json

import shapely
from shapely.affinity import translate

from sites import geo

# Degrees; about 2 km, invisible at country zoom and keeps the layer near 150 kB.
SIMPLIFY_TOLERANCE = 0.02
# Coordinates are rounded to this grid (about 100 m) before writing JSON.
COORDINATE_GRID = 0.001

# Views the region buttons jump to: [[south, west], [north, east]].
REGION_BOUNDS = {
    "Lower 48": [[24.4, -124.8], [49.4, -66.9]],
    "Alaska": [[51.2, -188.0], [71.4, -129.9]],
    "Hawaii": [[18.9, -160.3], [22.3, -154.8]],
    "Puerto Rico": [[17.9, -67.3], [18.6, -65.2]],
}


def _west_of_antimeridian(geom):
    """Shift the parts of a geometry that lie east of 180 deg W to negative longitudes."""
    parts = []
    for part in shapely.get_parts(geom):
        if part.centroid.x > 0:
            part = translate(part, xoff=-360.0)
        parts.append(part)
    return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]


@functools.lru_cache(maxsize=1)
def _states_geojson_text() -> str:
    # the catalog's repaired boundaries, minus outlines with no USPS code (minor territories)
    states = geo.states().dropna(subset=["usps"]).reset_index(drop=True)

    alaska = states["usps"] == "AK"
    states.loc[alaska, "geometry"] = states.loc[alaska, "geometry"].map(_west_of_antimeridian)

    simplified = states.geometry.simplify(SIMPLIFY_TOLERANCE, preserve_topology=True)
    states["geometry"] = shapely.set_precision(simplified.values, COORDINATE_GRID)
    states = states[~states.geometry.is_empty]

    frame = states[["usps", "name", "geometry"]]
    return json.dumps(frame.to_geo_dict(drop_id=True), separators=(",", ":"), sort_keys=True)


def states_geojson() -> dict:
    """GeoJSON FeatureCollection of state outlines; properties usps and name."""
    # Parsed fresh each call so a caller cannot alter the cached copy.
    return json.loads(_states_geojson_text())
