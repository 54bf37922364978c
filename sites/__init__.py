"""The catalog: US rare-earth sites, feedstocks, technologies, demand and their sources."""
from sites.catalog import Catalog, default_catalog_dir, load_catalog
from sites.errors import InputError, Problem

__all__ = ["Catalog", "InputError", "Problem", "default_catalog_dir", "load_catalog"]
