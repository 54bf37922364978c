"""Self-contained folium maps of the catalog and of planner results."""

from maps.offline import offline_html, save_offline
from maps.render import render_catalog_map, render_result_map

__all__ = ["offline_html", "render_catalog_map", "render_result_map", "save_offline"]
