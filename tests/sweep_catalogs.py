"""Hand-solvable catalogs and scenario files for the sweep, compare and report tests."""
from __future__ import annotations

import json
from pathlib import Path

import factory as f

# One mine that may build sx at $100k per t/yr; feed 30% Nd, 10% Dy. At a 50% federal
# share $1M federal buys 20 t/yr of plant = 6 t Nd + 2 t Dy = 14 weighted t (Dy weight 4).
# 1,000 t/yr of feed is all processed at $50M federal: 300 t Nd + 100 t Dy = 700 weighted.
TWO_ELEMENTS = dict(
    sites=[f.site("mine", allowed="sx")],
    feedstocks=[f.feed("conc", "mine", 1000, nd=0.3, dy=0.1, other=0.6)],
    technologies=[f.tech("sx", "mixed", "oxide", 100_000)],
    demand=[f.demand("Nd", 1000), f.demand("Dy", 1000)],
    imports=[f.imports("Nd", 0), f.imports("Dy", 0)],
)


def supply_at(budget_usd: float) -> float:
    return min(14.0 * budget_usd / 1e6, 700.0)


# Two mills with the same cost and free freight: every budget has tied plans.
TIED_MILLS = dict(
    sites=[f.site("mine"), f.site("near", allowed="sx"), f.site("mill", allowed="sx")],
    feedstocks=[f.feed("conc", "mine", 1000, nd=0.3, pr=0.1, dy=0.05, other=0.55)],
    technologies=[f.tech("sx", "mixed", "oxide", 100_000, max_size_tpa=600)],
    demand=[f.demand("Nd", 1000), f.demand("Pr", 1000), f.demand("Dy", 1000)],
    imports=[f.imports("Nd", 0), f.imports("Pr", 0), f.imports("Dy", 0)],
)


def scenario_file(folder: Path, tables: dict, name: str = "small", **keys) -> Path:
    """A catalog in folder/catalog and a scenario file using it."""
    f.write_catalog(folder / "catalog", **tables)
    lines = [f'name = "{name}"', 'catalog = "catalog"']
    for key, value in keys.items():
        lines.append(f"{key} = {json.dumps(value)}")  # JSON strings and numbers are valid TOML
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
