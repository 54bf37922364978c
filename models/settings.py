"""Scenario settings the model needs, as plain values (no files, no TOML)."""
from __future__ import annotations

from dataclasses import dataclass, field

OBJECTIVES = ("max_weighted_supply", "min_import_reliance", "min_cost")
CASES = ("low", "base", "high")


@dataclass(frozen=True)
class ModelSettings:
    """What a scenario sets. Defaults are the $1.2B baseline."""

    objective: str = "max_weighted_supply"
    budget_usd: float = 1.2e9
    federal_share: float = 0.5  # DOE's rule: at least 50% non-federal cost share
    target_year: int = 2030  # demand year; feeds and plants must be running by then
    decision_year: int = 2026  # when money is committed; plus lead time must reach target_year
    demand_case: str = "base"
    supply_case: str = "base"
    capex_case: str = "base"
    capex_multiplier: float = 1.0  # on top of capex_case, e.g. 1.5 for a 50% overrun
    import_case: str = "truce"
    weights: dict[str, float] = field(default_factory=dict)  # element -> weight; overrides catalog
    demand_t: dict[tuple[str, str], float] = field(default_factory=dict)  # (element, form) -> t/yr
    imports_t: dict[tuple[str, str], float] = field(default_factory=dict)  # (element, form) -> t/yr
    exclude_sites: tuple[str, ...] = ()
    exclude_technologies: tuple[str, ...] = ()
    exclude_feedstocks: tuple[str, ...] = ()
    allow_new_capacity: bool = True
    transport_usd_per_tkm: float | None = None  # None: the catalog's parameter
    discount_rate: float | None = None
    unmet_penalty_x_price: float | None = None
