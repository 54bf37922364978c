"""Package exports that load on first use (PEP 562): importing a light submodule such as
sites.errors, or running `ree-planner --help`, then does not pull in pandas, PuLP or folium."""
from __future__ import annotations

import importlib


def lazy_exports(package: str, exports: dict[str, tuple[str, ...]]):
    """(__all__, __getattr__, __dir__) for a package whose names live in submodules:
    exports maps a submodule to the names it provides; a submodule may name itself (its last
    part) to be exported as a module, e.g. {"planner.api": ("api", "statistics")}."""
    where = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str):
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(where[name])
        value = module if module.__name__ == f"{package}.{name}" else getattr(module, name)
        setattr(importlib.import_module(package), name, value)  # later look-ups skip this hook
        return value

    def __dir__():
        return sorted(set(vars(importlib.import_module(package))) | set(where))

    return sorted(where), __getattr__, __dir__
