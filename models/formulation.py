"""The portfolio LP: the model record, and build_model, which builds it family by family
(models/families.py; one build_<family> per section of docs/model.md).

Every expression is built from (variable, coefficient) lists, handed to PuLP's core as two
arrays (families.expression): Python's sum() over PuLP terms is quadratic, and a call per
term costs more than the rest of a row.
"""
from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass, field

import pulp

from models.families import (  # noqa: F401  (UNBOUNDED, USD_PER_MUSD: re-exported for solve and valuation)
    FAMILIES, UNBOUNDED, USD_PER_MUSD, Key, Pairs, Terms, _slug, expression)
from models.inputs import ModelInputs

# Lexicographic stages per objective: the first is the objective proper, later ones
# break ties among its optima (each earlier optimum is held by a floor row).
STAGES = {
    "max_weighted_supply": (("weighted_supply", "max"), ("annual_cost", "min")),
    "min_import_reliance": (("max_import_reliance", "min"), ("weighted_supply", "max"), ("annual_cost", "min")),
    "min_cost": (("annual_cost", "min"),),
    "min_worst_year_reliance": (("max_import_reliance", "min"), ("weighted_supply", "max"), ("annual_cost", "min")),
}


@dataclass
class YearVars:
    """One planned year's operating variables (flows, feed use, demand), keyed as in a one-year model."""

    # (site, tech, element, origin class): input drawn from the site's stock of intermediate product
    throughput: dict[Key, pulp.LpVariable] = field(default_factory=dict)
    feed_use: dict[str, pulp.LpVariable] = field(default_factory=dict)  # feedstock_id
    # (feedstock, site, tech): raw feed delivered straight into a plant, at the feed's split
    feed_delivery: dict[Key, pulp.LpVariable] = field(default_factory=dict)
    shipment: dict[Key, pulp.LpVariable] = field(default_factory=dict)  # (from, to, form, element, origin)
    delivery: dict[Key, pulp.LpVariable] = field(default_factory=dict)  # (site, form, element, origin)
    stock: dict[Key, pulp.LpVariable] = field(default_factory=dict)  # (site, routed form, element, origin)
    credited: dict[Key, pulp.LpVariable] = field(default_factory=dict)  # (element, form)
    imports: dict[Key, pulp.LpVariable] = field(default_factory=dict)
    unmet: dict[Key, pulp.LpVariable] = field(default_factory=dict)
    # (in|out, site, form, element, origin): the pool of models/families._pool (shipping_k_nearest only)
    pool: dict[Key, pulp.LpVariable] = field(default_factory=dict)


@dataclass
class PortfolioModel:
    """A built PuLP model plus the maps from domain keys to its variables and rows."""

    inputs: ModelInputs
    objective: str
    prob: pulp.LpProblem
    new_capacity: dict[Key, pulp.LpVariable] = field(default_factory=dict)  # (site, tech): nameplate added
    # (site, tech, year decided): what a year's build adds (one year: new_capacity itself)
    new_by_year: dict[Key, pulp.LpVariable] = field(default_factory=dict)
    year_vars: dict[int, YearVars] = field(default_factory=dict)  # planned year -> its operating variables
    # (future index, year) -> a later future's operating variables (the first future's are year_vars)
    future_vars: dict[Key, YearVars] = field(default_factory=dict)
    build: dict[Key, pulp.LpVariable] = field(default_factory=dict)  # (site, tech) binaries, discrete sizing
    funded: dict[str, pulp.LpVariable] = field(default_factory=dict)  # project_id -> share funded (0/1)
    develop: dict[str, pulp.LpVariable] = field(default_factory=dict)  # option_id -> developed (0/1)
    feed_added: dict[str, pulp.LpVariable] = field(default_factory=dict)  # option_id -> nameplate t/yr added
    # (option_id, year decided) -> developed then / t/yr added (one year: develop and feed_added themselves)
    develop_by_year: dict[Key, pulp.LpVariable] = field(default_factory=dict)
    added_by_year: dict[Key, pulp.LpVariable] = field(default_factory=dict)
    max_import_reliance: pulp.LpVariable | None = None
    cvar_threshold: pulp.LpVariable | None = None  # eta: the CVaR's value-at-risk level (futures only)
    rows: dict[Key, str] = field(default_factory=dict)  # (kind, *key) -> constraint name
    # intermediate links not built yet (shipping_k_nearest): models/shipping.py prices them in
    omitted_arcs: list = field(default_factory=list)
    # raw-feed deliveries not built yet, (feed, plant, $/t of the link): priced in the same way
    omitted_deliveries: list = field(default_factory=list)
    objectives: dict[str, Pairs] = field(default_factory=dict)

    def at(self, year: int, future: int = 0) -> YearVars:
        """A planned year's operating variables (in a future: index into inputs.future_list)."""
        if future:
            return self.future_vars.setdefault((future, year), YearVars())
        return self.year_vars.setdefault(year, YearVars())

    @property
    def report(self) -> YearVars:
        """The target year's: what the one-year tables (capacity.csv, elements.csv ...) read."""
        return self.at(self.inputs.timeline.report_year)

    # the one-year tables read the target year's variables under their one-year names
    throughput = property(lambda self: self.report.throughput)
    feed_use = property(lambda self: self.report.feed_use)
    feed_delivery = property(lambda self: self.report.feed_delivery)
    shipment = property(lambda self: self.report.shipment)
    delivery = property(lambda self: self.report.delivery)
    stock = property(lambda self: self.report.stock)
    credited = property(lambda self: self.report.credited)
    imports = property(lambda self: self.report.imports)
    unmet = property(lambda self: self.report.unmet)

    def named(self, name: str, year: int, future: int = 0) -> str:
        """A per-year variable's name: the one-year name, with the year when there are several,
        and a later future's index (the first future's keep the one-future names)."""
        name = f"{name}_y{year}" if self.inputs.multi_year else name
        return f"{name}_f{future}" if future else name

    def available_tpa(self, key: Key, year: int, read=lambda var: var.varValue or 0.0) -> float:
        """Plant key's capacity running in a year: existing after ramp-up plus each year's builds
        at their ramp share, at the solved values."""
        timeline = self.inputs.timeline
        out = timeline.existing_available_tpa[(*key, year)]
        for decided in timeline.build_years.get(key, ()):
            out += timeline.new_share[(*key, decided, year)] * read(self.new_by_year[(*key, decided)])
        return out

    @property
    def stages(self) -> tuple[tuple[str, str], ...]:
        if "max_regret" in self.objectives:  # minimax regret first, then the expected objective
            return (("max_regret", "min"), *self._expected_stages)
        return self._expected_stages

    @property
    def _expected_stages(self) -> tuple[tuple[str, str], ...]:
        if "risk_adjusted_supply" in self.objectives:
            return (("risk_adjusted_supply", "max"), *STAGES[self.objective][1:])
        if self.objective == "max_weighted_supply" and self.inputs.min_value_per_musd > 0:
            return (("net_weighted_supply", "max"), *STAGES[self.objective][1:])
        return STAGES[self.objective]

    @property
    def has_integers(self) -> bool:
        """Binaries in the model (plant builds, chosen projects, feed options): a MILP."""
        return any(v.cat != "Continuous" for family in (self.build, self.funded, self.develop) for v in family.values())

    def stage_objective(self, name: str) -> Pairs:
        """What a stage optimises. The cost stage, last in every objective, also carries a tiny
        cost per unit of every variable, different for each: where plans tie on cost (e.g. Nd
        and Pr, equally weighted and priced) one plan is then strictly cheapest, so the
        answer does not depend on where the solver started (warm re-solves, sweeps)."""
        pairs = self.objectives[name]
        return pairs + self.objectives["tie_break"] if name == "annual_cost" else pairs

    def weighted_supply(self, read=lambda var: var.varValue or 0.0) -> float:
        """Σ w_e c_{e,f} at the solved values (weighted t/yr): the one definition every
        reader uses. read: how a variable's value is read (raw, or as the tables report it)."""
        return float(sum(coef * read(var) for var, coef in self.objectives["weighted_supply"]))

    def row(self, kind: str, key: Key, pairs: Pairs, sense: str, rhs: float, year: int | None = None,
            future: int = 0) -> None:
        """Add one constraint, named and filed under (kind, *key) in rows. A per-year row of a
        multi-year model is filed under (kind, *key, year), and the target year's also under
        (kind, *key), where the one-year tables look for it. A later future's row is filed
        under (kind, *key, year, ("future", index)) only."""
        multi = year is not None and self.inputs.multi_year
        name = _slug(kind, len(self.rows), *key, *((year,) if multi else ()), *(("f", future) if future else ()))
        expr = expression(self.prob, pairs)
        # only the one comparison asked for: each builds a constraint (and copies the expression)
        constraint = expr <= rhs if sense == "<=" else expr >= rhs if sense == ">=" else expr == rhs
        self.prob.addConstraint(constraint, name)
        if future:
            self.rows[(kind, *key, year, ("future", future))] = name
            return
        if multi:
            self.rows[(kind, *key, year)] = name
            if year != self.inputs.timeline.report_year:
                return
        self.rows[(kind, *key)] = name

    def constraint(self, kind: str, *key) -> pulp.LpConstraint:
        return self.prob.get_constraint_by_name(self.rows[(kind, *key)])

    def year_constraint(self, kind: str, *key, year: int) -> pulp.LpConstraint:
        """A per-year row (row(..., year)): filed with its year in a multi-year model, without
        it in the one-year model."""
        return self.constraint(kind, *key, *((year,) if self.inputs.multi_year else ()))


def build_model(inputs: ModelInputs, objective: str) -> PortfolioModel:
    """Build the LP for one scenario; the first stage's objective is set on prob.

    The families run in this order because each adds variables or rows in the order the
    solver has always seen them (a new index, such as a year, goes into every family)."""
    m = PortfolioModel(inputs=inputs, objective=objective, prob=pulp.LpProblem("ree_portfolio", pulp.LpMaximize))
    terms = Terms()
    with paused_gc():
        for build in FAMILIES:
            build(m, terms)
    return m


@contextlib.contextmanager
def paused_gc():
    """Python's cycle collector off while a model is built or loaded: every variable and term
    is a new object that lives on, so its full passes find nothing to free, and at 200 sites
    they took about 40% of the build (benchmarks/bench_scale.py). Back on afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
