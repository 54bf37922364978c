"""Self-contained folium maps of the catalog and of planner results."""
from sites.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    'maps.offline': ('offline_html', 'save_offline'),
    'maps.render': ('render_catalog_map', 'render_result_map'),
})
