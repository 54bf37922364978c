"""The portfolio LP: variables, constraints and objective expressions (see docs/model.md).

Every expression is built from (variable, coefficient) lists with
LpAffineExpression.from_list: Python's sum() over PuLP terms is quadratic.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pulp

from models.inputs import ELEMENTS, PRODUCT_FORMS, ModelInputs

Key = tuple
Pairs = list[tuple[pulp.LpVariable, float]]
UNBOUNDED = 1e30  # HiGHS treats any bound beyond 1e20 as infinite
USD_PER_MUSD = 1e6  # money rows and cost objective are in $M for numerical scaling

# Lexicographic stages per objective: the first is the objective proper, later ones
# break ties among its optima (each earlier optimum is held by a floor row).
STAGES = {
    "max_weighted_supply": (("weighted_supply", "max"), ("annual_cost", "min")),
    "min_import_reliance": (("max_import_reliance", "min"), ("weighted_supply", "max"), ("annual_cost", "min")),
    "min_cost": (("annual_cost", "min"),),
}


TIE_BREAK_MUSD = 1e-6  # $1-2 per unit of each variable's activity, added to the cost stage


def _tie_break_weight(name: str) -> float:
    """A fixed number in [1, 2) per variable name (sha256, so the same in every process)."""
    return 1.0 + int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) / 2**32


def _slug(*parts) -> str:
    return "_".join(re.sub(r"[^A-Za-z0-9]+", "_", str(p)) for p in parts)


@dataclass
class PortfolioModel:
    """A built PuLP model plus the maps from domain keys to its variables and rows."""

    inputs: ModelInputs
    objective: str
    prob: pulp.LpProblem
    new_capacity: dict[Key, pulp.LpVariable] = field(default_factory=dict)  # (site, tech)
    # (site, tech, element): input drawn from the site's stock of intermediate product
    throughput: dict[Key, pulp.LpVariable] = field(default_factory=dict)
    feed_use: dict[str, pulp.LpVariable] = field(default_factory=dict)  # feedstock_id
    # (feedstock, site, tech): raw feed delivered straight into a plant, at the feed's split
    feed_delivery: dict[Key, pulp.LpVariable] = field(default_factory=dict)
    shipment: dict[Key, pulp.LpVariable] = field(default_factory=dict)  # (from, to, form, element)
    delivery: dict[Key, pulp.LpVariable] = field(default_factory=dict)  # (site, form, element)
    credited: dict[Key, pulp.LpVariable] = field(default_factory=dict)  # (element, form)
    imports: dict[Key, pulp.LpVariable] = field(default_factory=dict)
    unmet: dict[Key, pulp.LpVariable] = field(default_factory=dict)
    build: dict[Key, pulp.LpVariable] = field(default_factory=dict)  # (site, tech) binaries, discrete sizing
    funded: dict[str, pulp.LpVariable] = field(default_factory=dict)  # project_id -> share funded (0/1)
    max_import_reliance: pulp.LpVariable | None = None
    rows: dict[Key, str] = field(default_factory=dict)  # (kind, *key) -> constraint name
    objectives: dict[str, Pairs] = field(default_factory=dict)

    @property
    def stages(self) -> tuple[tuple[str, str], ...]:
        if self.objective == "max_weighted_supply" and self.inputs.min_value_per_musd > 0:
            return (("net_weighted_supply", "max"), *STAGES[self.objective][1:])
        return STAGES[self.objective]

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

    def constraint(self, kind: str, *key) -> pulp.LpConstraint:
        return self.prob.get_constraint_by_name(self.rows[(kind, *key)])


def build_model(inputs: ModelInputs, objective: str) -> PortfolioModel:
    """Build the LP for one scenario; the first stage's objective is set on prob."""
    prob = pulp.LpProblem("ree_portfolio", pulp.LpMaximize)
    m = PortfolioModel(inputs=inputs, objective=objective, prob=prob)
    add = prob.add_variable

    def row(kind: str, key: Key, pairs: Pairs, sense: str, rhs: float) -> None:
        name = _slug(kind, len(m.rows), *key)
        expr = pulp.LpAffineExpression.from_list(pairs)
        constraint = {"<=": expr <= rhs, ">=": expr >= rhs, "==": expr == rhs}[sense]
        prob.addConstraint(constraint, name)
        m.rows[(kind, *key)] = name

    balance: dict[Key, Pairs] = defaultdict(list)  # (site, form, element): in positive, out negative
    capex_musd: Pairs = []  # federal $M per unit of new capacity
    cost: Pairs = []  # $M/yr

    projects_at: dict[Key, list] = defaultdict(list)
    for q in inputs.projects.itertuples(index=False):
        if inputs.project_mode == "choose":
            y = add(_slug("fund", q.project_id), cat="Binary")
        else:
            y = add(_slug("fund", q.project_id), 1, 1)
        m.funded[q.project_id] = y
        projects_at[(q.site_id, q.technology_id)].append((y, q.capacity_tpa))
        capex_musd.append((y, q.federal_usd / USD_PER_MUSD))
        cost.append((y, q.annual_capex_usd / USD_PER_MUSD))

    plants = list(inputs.plants.itertuples(index=False))
    # Intermediate product (mixed oxide from recycling or leaching, separated oxide, metal)
    # is tracked per element: where plants put a form out, and where it can be shipped.
    produced = {(p.site_id, p.output_form) for p in plants}
    arcs = [a for a in inputs.arcs.itertuples(index=False) if (a.from_site, a.form) in produced]
    intermediate_at = produced | {(a.to_site, a.form) for a in arcs}

    capacity_terms: dict[Key, Pairs] = {}
    for p in plants:
        key = (p.site_id, p.technology_id)
        capacity: Pairs = []
        if p.buildable and key in projects_at:  # capacity is what the funded proposals add
            v = add(_slug("new", len(m.new_capacity), *key), 0)
            m.new_capacity[key] = v
            capacity.append((v, -1.0))
            row("project_capacity", key, [(v, 1.0), *((y, -tpa) for y, tpa in projects_at[key])], "==", 0.0)
        elif p.buildable:
            v = add(_slug("new", len(m.new_capacity), *key), 0, p.max_new_tpa)
            m.new_capacity[key] = v
            capacity.append((v, -1.0))
            capex_musd.append((v, inputs.federal_share * p.capex_usd_per_tpa / USD_PER_MUSD))
            cost.append((v, p.annual_capex_usd_per_tpa / USD_PER_MUSD))
            if inputs.discrete_sizes:  # 0, or a plant between min and max size
                b = add(_slug("build", len(m.build), *key), cat="Binary")
                m.build[key] = b
                row("min_size", key, [(v, 1.0), (b, -p.min_size_tpa)], ">=", 0.0)
                row("max_size", key, [(v, 1.0), (b, -p.max_new_tpa)], "<=", 0.0)
        if (p.site_id, p.input_form) in intermediate_at:
            for e in ELEMENTS:
                x = add(_slug("proc", len(m.throughput), *key, e), 0)
                m.throughput[(*key, e)] = x
                capacity.append((x, 1.0))
                balance[(p.site_id, p.input_form, e)].append((x, -1.0))
                balance[(p.site_id, p.output_form, e)].append((x, inputs.recovery[(p.technology_id, e)]))
                if p.opex_usd_per_t:
                    cost.append((x, p.opex_usd_per_t / USD_PER_MUSD))
        capacity_terms[key] = capacity

    # Raw feed (concentrate, ore, scrap) goes from its source straight into a plant, in the
    # feed's own element split: no plant can take only a feed's Dy and leave its La and Ce.
    takers: dict[str, list] = defaultdict(list)
    for p in plants:
        takers[p.input_form].append(p)
    arc_usd = {(a.from_site, a.to_site, a.form): a.usd_per_t for a in inputs.arcs.itertuples(index=False)}
    for f in inputs.feeds.itertuples(index=False):
        u = add(_slug("feed", f.feedstock_id), 0, f.supply_tpa)
        m.feed_use[f.feedstock_id] = u
        dispatch: Pairs = [(u, 1.0)]
        shares = {e: getattr(f, f"share_{e.lower()}") for e in ELEMENTS}
        for p in takers[f.form]:
            usd_per_t = 0.0 if p.site_id == f.site_id else arc_usd.get((f.site_id, p.site_id, f.form))
            if usd_per_t is None:
                continue
            key = (f.feedstock_id, p.site_id, p.technology_id)
            d = add(_slug("feedin", len(m.feed_delivery), *key), 0)
            m.feed_delivery[key] = d
            dispatch.append((d, -1.0))
            capacity_terms[(p.site_id, p.technology_id)].append((d, 1.0))  # shares sum to 1
            per_t = usd_per_t + p.opex_usd_per_t
            if per_t:
                cost.append((d, per_t / USD_PER_MUSD))
            for e, share in shares.items():
                if share:
                    balance[(p.site_id, p.output_form, e)].append((d, share * inputs.recovery[(p.technology_id, e)]))
        row("feed_dispatch", (f.feedstock_id,), dispatch, "==", 0.0)

    for p in plants:
        key = (p.site_id, p.technology_id)
        row("capacity_limit", key, capacity_terms[key], "<=", p.existing_tpa)

    for a in arcs:
        for e in ELEMENTS:
            s = add(_slug("ship", len(m.shipment), a.from_site, a.to_site, a.form, e), 0)
            m.shipment[(a.from_site, a.to_site, a.form, e)] = s
            balance[(a.from_site, a.form, e)].append((s, -1.0))
            balance[(a.to_site, a.form, e)].append((s, 1.0))
            cost.append((s, a.usd_per_t / USD_PER_MUSD))

    delivered: dict[Key, Pairs] = defaultdict(list)  # (element, form) -> deliveries
    for site, form, e in sorted(k for k in balance if k[1] in PRODUCT_FORMS):
        d = add(_slug("deliver", len(m.delivery), site, form, e), 0)
        m.delivery[(site, form, e)] = d
        balance[(site, form, e)].append((d, -1.0))
        delivered[(e, form)].append((d, 1.0))

    for key in sorted(balance):
        row("balance", key, balance[key], "==", 0.0)

    weighted: Pairs = []
    by_element: dict[str, Pairs] = defaultdict(list)
    for (e, form), demand in inputs.demand_t.items():
        c = add(_slug("credited", e, form), 0)
        i = add(_slug("imports", e, form), 0, inputs.imports_t[(e, form)])
        u = add(_slug("unmet", e, form), 0)
        m.credited[(e, form)], m.imports[(e, form)], m.unmet[(e, form)] = c, i, u
        row("credit_limit", (e, form), [(c, 1.0), *((d, -1.0) for d, _ in delivered[(e, form)])], "<=", 0.0)
        row("demand_balance", (e, form), [(c, 1.0), (i, 1.0), (u, 1.0)], "==", demand)
        weighted.append((c, inputs.weights[e]))
        by_element[e].append((c, 1.0))
        cost.append((i, inputs.price_usd_per_t[e] / USD_PER_MUSD))
        cost.append((u, inputs.unmet_usd_per_t[e] / USD_PER_MUSD))

    row("budget", (), capex_musd, "<=", inputs.budget_usd / USD_PER_MUSD)
    m.objectives = {"weighted_supply": weighted, "annual_cost": cost}
    if inputs.min_value_per_musd > 0:
        # each federal $M is charged at the floor's value: money is spent only where it buys more
        m.objectives["net_weighted_supply"] = weighted + [(v, -inputs.min_value_per_musd * c) for v, c in capex_musd]

    if objective == "min_import_reliance":
        r = add("max_import_reliance", 0)
        m.max_import_reliance = r
        for e in sorted(by_element):
            total = sum(v for (el, _), v in inputs.demand_t.items() if el == e)  # floats, not PuLP terms
            row("reliance_limit", (e,), [*by_element[e], (r, total)], ">=", total)
        m.objectives["max_import_reliance"] = [(r, 1.0)]

    m.objectives["tie_break"] = [(v, TIE_BREAK_MUSD * _tie_break_weight(v.name)) for v in prob.variables()]

    # Floor rows hold an earlier stage's optimum while a later stage re-optimises;
    # they start unbounded and the solver sets them (see models/solve.py).
    for name, sense in m.stages[:-1]:
        if sense == "max":
            row("floor", (name,), m.objectives[name], ">=", -UNBOUNDED)
        else:
            row("floor", (name,), m.objectives[name], "<=", UNBOUNDED)

    first, sense = m.stages[0]
    prob.sense = pulp.LpMaximize if sense == "max" else pulp.LpMinimize
    prob.setObjective(pulp.LpAffineExpression.from_list(m.stage_objective(first)))
    return m
