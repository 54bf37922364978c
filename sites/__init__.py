"""The catalog: US rare-earth sites, feedstocks, technologies, demand and their sources."""
from sites.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    'sites.catalog': ('Catalog', 'default_catalog_dir', 'load_catalog'),
    'sites.errors': ('InputError', 'Problem'),
})
