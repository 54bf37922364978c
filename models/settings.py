"""Scenario settings the model needs, as plain values (no files, no TOML)."""
from __future__ import annotations

from dataclasses import dataclass, field

OBJECTIVES = ("max_weighted_supply", "min_import_reliance", "min_cost", "min_worst_year_reliance")
# Construction spend by year of construction, from the year a build is decided: a labelled
# assumption (a-spend-profile in docs/model.md, "Money by year"), not a sourced figure.
SPEND_PROFILE = (0.1, 0.6, 0.3)


@dataclass(frozen=True)
class Project:
    """A proposed plant: fixed size, federal request and capex as the applicant states them.
    With option_id, a feed-option application instead (feed_options.csv): capacity_tpa is the
    supply it adds, technology_id is empty."""

    project_id: str
    applicant: str
    site_id: str
    technology_id: str
    capacity_tpa: float
    federal_usd: float
    capex_usd: float
    option_id: str = ""

    @property
    def is_option(self) -> bool:
        return bool(self.option_id)


# What a future may change (docs/scenarios.md, "Futures"): operation, and what the plan's money
# buys (capex_case, capex_multiplier). The plan and its money are first-stage, shared by every future.
FUTURE_KEYS = ("import_case", "import_case_year", "demand_case", "supply_case", "capex_case", "capex_multiplier",
               "failed_options", "exclude_feedstocks")


@dataclass(frozen=True)
class Future:
    """One named future of a stochastic scenario: its probability and what it changes
    (key, value) pairs of FUTURE_KEYS."""

    name: str
    probability: float
    changes: tuple[tuple[str, object], ...] = ()

    def get(self, key: str, default=None):
        return dict(self.changes).get(key, default)


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
    # Which first-output year and ramp-up share of feeds and plants (docs/model.md, Timing):
    # early = first_output_year_low with the fast ramp (share_high), late = _high with the
    # slow ramp (share_low), base = both base.
    timing_case: str = "base"
    # Whose demand: magnet_makers (demand.csv + missing US magnet makers) or us_consumption
    # (also magnets the US imports, bare and in products): demand_scopes.csv.
    demand_scope: str = "magnet_makers"
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
    # Plant sizes: continuous (LP) by default; with min_plant_size each new plant is
    # 0 or between its technology's min and max size (MILP). plant_size_range_tpa
    # overrides every technology's (min, max), e.g. the demo call's (150, 1000).
    min_plant_size: bool = False
    plant_size_range_tpa: tuple[float, float] | None = None
    # Feeds already delivering when money is committed (start_year <= decision_year) only,
    # e.g. "no new mines"; and which input forms new plants may take (empty: any).
    existing_feeds_only: bool = False
    new_build_input_forms: tuple[str, ...] = ()
    # Proposals instead of free sizing: "fixed" builds every project as proposed (the
    # model then chooses only operations); "choose" funds each project all or nothing.
    # New capacity then comes only from projects, and the budget counts their requests.
    # Value floor for money (max_weighted_supply only): a further $1M of federal money is
    # spent only if it adds at least this many weighted t/yr (0: spend while supply grows).
    min_value_per_musd: float = 0.0
    projects: tuple[Project, ...] = ()
    project_mode: str = "fixed"
    # Money can buy feed (feed_options.csv): mine development and collection programmes, each
    # developed or not (a binary) and, once developed, adding between its minimum viable
    # fraction and all of its added t/yr. integer = False relaxes every binary (the LP
    # relaxation, for sweeps and duals).
    feed_options: bool = False
    integer: bool = True
    # Shipping links (models/shipping.py): 0 offers every link from the start; k > 0 starts
    # from each site's k nearest links per form and prices the rest back in until none would
    # lower the cost (column generation: the same optimum, far fewer columns at 1,000 sites).
    shipping_k_nearest: int = 0
    # auto: interior point (with crossover, for duals and a warm basis) for the cold solve of a
    # large LP, dual simplex otherwise (models/solve.py, solver_method); or simplex / ipm
    solver_method: str = "auto"
    # Years planned (docs/model.md, "Years"): () is the one-year model, (target_year,). With
    # more than one year, builds are decided year by year, money is paced by spend_profile
    # against appropriations_usd (dollars per year from decision_year; () = the whole budget
    # in decision_year) and each year's supply and cost count with weight (1 + r)^-(t - first).
    years: tuple[int, ...] = ()
    spend_profile: tuple[float, ...] = SPEND_PROFILE
    appropriations_usd: tuple[float, ...] = ()
    time_discount_rate: float = 0.0
    # Futures (docs/model.md, "Futures"): () is one future, the scenario itself. With futures the
    # plan is shared and operation is per future; the objectives are expectations over futures,
    # and with cvar_weight > 0 the first stage also weighs the CVaR of the worst (1 - cvar_alpha)
    # of futures' weighted supply.
    futures: tuple[Future, ...] = ()
    cvar_alpha: float = 0.0
    cvar_weight: float = 0.0
    regret: bool = False  # also the minimax-regret plan and the regret table (futures only)

    @property
    def planning_years(self) -> tuple[int, ...]:
        return tuple(self.years) if self.years else (self.target_year,)
