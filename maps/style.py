"""Colours and sizes shared by the markers and the legend."""

from __future__ import annotations

import math

TECHNOLOGY_COLOURS = {
    "sx_separation": "#1f5fa8",
    "ix_separation": "#19a3b8",
    "hydromet_recycling": "#2e8b3a",
    "short_loop_recycling": "#8cc63f",
    "metallisation": "#7b3fa0",
    "bioleaching": "#8b5a2b",
    "clay_leaching": "#e67e22",
}
# Technologies the catalog may add later get these, in sorted-id order.
SPARE_COLOURS = ["#c0392b", "#d4ac0d", "#5d6d7e", "#ff69b4", "#00897b", "#6d4c41"]

KIND_COLOURS = {
    "deposit": "#a0522d",
    "unconventional": "#b8860b",
    "separation": "#4682b4",
    "metal": "#6a5acd",
    "magnet": "#c62828",
    "recycling": "#3c9d5d",
}
KIND_ORDER = ["deposit", "unconventional", "separation", "metal", "recycling", "magnet"]
KIND_LABELS = {
    "deposit": "deposits",
    "unconventional": "unconventional feed",
    "separation": "separation plants",
    "metal": "metal makers",
    "recycling": "recyclers",
    "magnet": "magnet makers",
}

# Flows by form: a palette kept apart from the technology colours (every flow colour is at
# least 90 apart in RGB from every technology colour; tests/test_maps_offline.py checks it),
# and drawn dashed, so a line never reads as a plant of the same colour.
FORM_COLOURS = {
    "ore": "#9e9e9e",
    "mixed": "#d81b60",
    "scrap": "#00e5ff",
    "oxide": "#212121",
    "metal": "#fdd835",
}
FLOW_DASH = "8 5"
DEFAULT_FORM_COLOUR = "#555555"

# Plant circles: the largest plant on a map gets this radius in pixels; the rest scale
# with sqrt(capacity) so circle *area* is proportional to capacity.
PLANT_RADIUS_MAX = 24.0
# Below this a circle is hard to see and to click; such plants are drawn at this size.
PLANT_RADIUS_MIN = 4.0
SITE_RADIUS = 5.0
FLOW_WEIGHT_MIN = 1.5
FLOW_WEIGHT_MAX = 8.0


def technology_colours(technology_ids) -> dict[str, str]:
    """Colour per technology id: fixed for known ids, spare colours for the rest."""
    colours = {}
    spare = iter(SPARE_COLOURS * 4)
    for tech in sorted(set(technology_ids)):
        colours[tech] = TECHNOLOGY_COLOURS.get(tech) or next(spare, "#333333")
    return colours


def plant_radius(tpa: float, largest_tpa: float) -> float:
    if largest_tpa <= 0 or tpa <= 0:
        return PLANT_RADIUS_MIN
    radius = PLANT_RADIUS_MAX * math.sqrt(tpa / largest_tpa)
    return round(max(PLANT_RADIUS_MIN, radius), 2)


def flow_weight(tonnes: float, largest_tonnes: float) -> float:
    if largest_tonnes <= 0 or tonnes <= 0:
        return FLOW_WEIGHT_MIN
    span = FLOW_WEIGHT_MAX - FLOW_WEIGHT_MIN
    return round(FLOW_WEIGHT_MIN + span * math.sqrt(tonnes / largest_tonnes), 2)


def legend_sizes(largest_tpa: float) -> list[float]:
    """Round capacities for the size legend: the largest 1-2-5 step not above the largest
    plant, and a quarter and a sixteenth of it (half and quarter the radius)."""
    if largest_tpa <= 0:
        return []
    exponent = math.floor(math.log10(largest_tpa))
    top = max(step * 10**exponent for step in (1, 2, 5) if step * 10**exponent <= largest_tpa)
    return [top, top / 4, top / 16]
