"""The portfolio LP family by family: one build_<family> per section of docs/model.md's
"Variables and rows by family", in the order build_model calls them.

Each family adds its variables and rows to the model and its terms to the shared sums
(Terms) that later families close into rows: a plant's capacity, a site's balance, the
budget, the annual cost. Adding an index (a year, a future) touches each family once.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import pulp

from models import shipping
from sites.sets import ELEMENTS, PRODUCT_FORMS

if TYPE_CHECKING:
    from models.formulation import PortfolioModel

Key = tuple
Pairs = list[tuple[pulp.LpVariable, float]]
UNBOUNDED = 1e30  # HiGHS treats any bound beyond 1e20 as infinite
USD_PER_MUSD = 1e6  # money rows and cost objective are in $M for numerical scaling
TIE_BREAK_MUSD = 1e-6  # $1-2 per unit of each variable's activity, added to the cost stage
# Where plans tie on cost (within $20/t), domestic feed is used before imported concentrate:
# otherwise which feed a shared plant takes, and so foreign-feed reliance, would be arbitrary.
FOREIGN_FEED_TIE_MUSD = 2e-5


def _tie_break_weight(name: str) -> float:
    """A fixed number in [1, 2) per variable name (sha256, so the same in every process)."""
    return 1.0 + int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) / 2**32


def _slug(*parts) -> str:
    return "_".join(map(_slug_part, parts))


@lru_cache(maxsize=65536)
def _slug_part(part) -> str:
    """One part of a name (site ids, forms and elements recur in thousands of names)."""
    return _NOT_NAME.sub("_", str(part))


_NOT_NAME = re.compile(r"[^A-Za-z0-9]+")


@dataclass
class Terms:
    """Sums that several families add to, closed into rows or objectives by a later family."""

    projects_at: dict[Key, list] = field(default_factory=lambda: defaultdict(list))  # (site, tech) -> (y, t/yr)
    capacity: dict[Key, Pairs] = field(default_factory=dict)  # (site, tech): input drawn, less new capacity
    # (site, form, element, origin class): in +, out -
    balance: dict[Key, Pairs] = field(default_factory=lambda: defaultdict(list))
    delivered: dict[Key, Pairs] = field(default_factory=lambda: defaultdict(list))  # (element, form) -> deliveries
    budget_musd: Pairs = field(default_factory=list)  # federal $M
    annual_cost_musd: Pairs = field(default_factory=list)  # $M/yr
    weighted: Pairs = field(default_factory=list)  # weighted t/yr credited
    credited_by_element: dict[str, Pairs] = field(default_factory=lambda: defaultdict(list))
    intermediate_arcs: list = field(default_factory=list)  # links from a site where a plant puts the form out


def build_projects(m: PortfolioModel, t: Terms) -> None:
    """funded[q]: a proposal built (fixed at 1) or chosen all or nothing; its request counts
    against the budget and its capex in the annual cost."""
    inputs = m.inputs
    for q in inputs.projects.itertuples(index=False):
        if inputs.project_mode == "choose":
            y = m.prob.add_variable(_slug("fund", q.project_id), 0, 1, cat="Binary" if inputs.integer else "Continuous")
        else:
            y = m.prob.add_variable(_slug("fund", q.project_id), 1, 1)
        m.funded[q.project_id] = y
        t.projects_at[(q.site_id, q.technology_id)].append((y, q.capacity_tpa))
        t.budget_musd.append((y, q.federal_usd / USD_PER_MUSD))
        t.annual_cost_musd.append((y, q.annual_capex_usd / USD_PER_MUSD))


def build_plants(m: PortfolioModel, t: Terms) -> None:
    """Per plant: new capacity (free, sized, or from proposals) and the intermediate product it
    draws from its site's stock, per element, with what it puts out."""
    plants = list(m.inputs.plants.itertuples(index=False))
    # Intermediate product (mixed oxide from recycling or leaching, heavy concentrate, separated
    # oxide, metal) is tracked per element and origin class: where plants put a form out
    # (their output form, and forms some elements are routed to), and where it can be shipped.
    produced = {(p.site_id, form) for p in plants for form in _output_forms(m, p)}
    t.intermediate_arcs = [a for a in m.inputs.arcs.itertuples(index=False) if (a.from_site, a.form) in produced]
    intermediate_at = produced | {(a.to_site, a.form) for a in t.intermediate_arcs}
    # with shipping_k_nearest, only each site's nearest links are built; the rest wait to be priced
    t.intermediate_arcs, m.omitted_arcs = shipping.nearest_first(t.intermediate_arcs, m.inputs.shipping_k_nearest)
    for p in plants:
        key = (p.site_id, p.technology_id)
        t.capacity[key] = _new_capacity(m, t, p, key) if p.buildable else []
        if (p.site_id, p.input_form) in intermediate_at:
            t.capacity[key] += _throughput(m, t, p, key)


def _output_forms(m: PortfolioModel, p) -> set[str]:
    return {p.output_form} | {form for (tech, _), (form, _) in m.inputs.routes.items() if tech == p.technology_id}


def _yields(m: PortfolioModel, p, e: str, heavy_fraction: float) -> list[tuple[str, float]]:
    """(form, t out per t of element e in) of plant p: its output form at its recovery, or the
    routed form at the route's recovery; of "other", only the SEG+ fraction is routed."""
    rec = m.inputs.recovery[(p.technology_id, e)]
    route = m.inputs.routes.get((p.technology_id, e))
    if route is None:
        return [(p.output_form, rec)]
    form, routed = route
    if e != "other":
        return [(form, routed)]
    return [(form, heavy_fraction * routed), (p.output_form, (1.0 - heavy_fraction) * rec)]


def _new_capacity(m: PortfolioModel, t: Terms, p, key: Key) -> Pairs:
    """new_p, as capacity terms (-ramp share x new_p: a plant decided in decision_year runs
    at its ramp curve's share in the target year); with proposals, what the funded ones add."""
    name = _slug("new", len(m.new_capacity), *key)
    if key in t.projects_at:
        v = m.new_capacity[key] = m.prob.add_variable(name, 0)
        m.row("project_capacity", key, [(v, 1.0), *((y, -tpa) for y, tpa in t.projects_at[key])], "==", 0.0)
        return [(v, -p.new_share)]
    v = m.new_capacity[key] = m.prob.add_variable(name, 0, p.max_new_tpa)
    t.budget_musd.append((v, m.inputs.federal_share * p.capex_usd_per_tpa / USD_PER_MUSD))
    t.annual_cost_musd.append((v, p.annual_capex_usd_per_tpa / USD_PER_MUSD))
    if m.inputs.discrete_sizes:  # 0, or a plant between min and max size
        b = m.build[key] = m.prob.add_variable(_slug("build", len(m.build), *key), 0, 1,
                                               cat="Binary" if m.inputs.integer else "Continuous")
        m.row("min_size", key, [(v, 1.0), (b, -p.min_size_tpa)], ">=", 0.0)
        m.row("max_size", key, [(v, 1.0), (b, -p.max_new_tpa)], "<=", 0.0)
    return [(v, -p.new_share)]


def _throughput(m: PortfolioModel, t: Terms, p, key: Key) -> Pairs:
    """x_{p,e,o}: drawn from the site's stock of p's input form of origin class o, recovered
    into its output (or routed) form, keeping the origin class."""
    capacity: Pairs = []
    for e in ELEMENTS:
        for o in m.inputs.origins:
            x = m.throughput[(*key, e, o)] = m.prob.add_variable(_slug("proc", len(m.throughput), *key, e, o), 0)
            capacity.append((x, 1.0))
            t.balance[(p.site_id, p.input_form, e, o)].append((x, -1.0))
            for form, coef in _yields(m, p, e, m.inputs.heavy_other_mixed):
                t.balance[(p.site_id, form, e, o)].append((x, coef))
            if p.opex_usd_per_t:
                t.annual_cost_musd.append((x, p.opex_usd_per_t / USD_PER_MUSD))
    return capacity


def may_take(f, p) -> bool:
    """Ownership: a captive feed goes only to its owner's plants; a captive plant (no toll
    processing) takes only its owner's feed."""
    if f.captive and p.owner != f.owner:
        return False
    return bool(p.toll_processing) or p.owner == f.owner


def build_feeds(m: PortfolioModel, t: Terms) -> None:
    """Raw feed (concentrate, ore, scrap) goes from its source straight into a plant, in the
    feed's own element split: no plant can take only a feed's Dy and leave its La and Ce.
    Only plants the ownership rules allow (may_take) are offered the feed."""
    inputs = m.inputs
    takers: dict[str, list] = defaultdict(list)
    for p in inputs.plants.itertuples(index=False):
        takers[p.input_form].append(p)
    arc_usd = {(a.from_site, a.to_site, a.form): a.usd_per_t for a in inputs.arcs.itertuples(index=False)}
    for f in inputs.feeds.itertuples(index=False):
        u = m.feed_use[f.feedstock_id] = m.prob.add_variable(_slug("feed", f.feedstock_id), 0, f.supply_tpa)
        dispatch: Pairs = [(u, 1.0)]
        shares = {e: getattr(f, f"share_{e.lower()}") for e in ELEMENTS}
        for p in (p for p in takers[f.form] if may_take(f, p)):
            usd_per_t = 0.0 if p.site_id == f.site_id else arc_usd.get((f.site_id, p.site_id, f.form))
            if usd_per_t is not None:
                dispatch.append((_feed_delivery(m, t, f, p, shares, usd_per_t), -1.0))
        m.row("feed_dispatch", (f.feedstock_id,), dispatch, "==", 0.0)


def _feed_delivery(m: PortfolioModel, t: Terms, f, p, shares: dict[str, float], usd_per_t: float) -> pulp.LpVariable:
    """q_{k,p}: feed k delivered into plant p; fills p's capacity (shares sum to 1)."""
    key = (f.feedstock_id, p.site_id, p.technology_id)
    d = m.feed_delivery[key] = m.prob.add_variable(_slug("feedin", len(m.feed_delivery), *key), 0)
    t.capacity[(p.site_id, p.technology_id)].append((d, 1.0))
    per_t = usd_per_t + p.opex_usd_per_t
    if per_t:
        t.annual_cost_musd.append((d, per_t / USD_PER_MUSD))
    for e, share in shares.items():
        if share:
            for form, coef in _yields(m, p, e, f.heavy_other_fraction):
                t.balance[(p.site_id, form, e, f.origin_class)].append((d, share * coef))
    return d


def fixed_charge(m: PortfolioModel, kind: str, key: Key, size: float, min_fraction: float = 0.0,
                 integer: bool = True) -> tuple[pulp.LpVariable, pulp.LpVariable]:
    """A fixed-charge choice: y in {0, 1} (in [0, 1] when not integer) and an amount x with
    min_fraction x size x y <= x <= size x y (rows <kind>_max, <kind>_min). The planner's feed
    options and the OR-Library warehouses (benchmarks/orlib) are posed through this one form."""
    name = _slug(kind, *key)
    y = m.prob.add_variable(_slug("develop", name), 0, 1, cat="Binary" if integer else "Continuous")
    x = m.prob.add_variable(_slug("added", name), 0)
    m.row(f"{kind}_max", key, [(x, 1.0), (y, -size)], "<=", 0.0)
    if min_fraction > 0:
        m.row(f"{kind}_min", key, [(x, 1.0), (y, -min_fraction * size)], ">=", 0.0)
    return y, x


def build_options(m: PortfolioModel, t: Terms) -> None:
    """develop[o], feed_added[o]: a feed option developed or not, and the nameplate t/yr it adds
    (fixed_charge); feed_supply[k]: a feed's use within its own supply plus what its developed
    options add at their ramp share in the target year. The budget counts the option's federal
    $ (max federal share x capex), the cost its annualised capex, fixed opex and opex per t."""
    inputs = m.inputs
    if inputs.options is None or inputs.options.empty:
        return
    added: dict[str, Pairs] = defaultdict(list)
    for o in inputs.options.itertuples(index=False):
        y, x = fixed_charge(m, "option", (o.option_id,), o.added_tpa, o.min_fraction, inputs.integer)
        m.develop[o.option_id], m.feed_added[o.option_id] = y, x
        added[o.feedstock_id].append((x, -o.ramp_share))
        t.budget_musd.append((y, o.federal_usd / USD_PER_MUSD))
        t.annual_cost_musd.append((y, (o.annual_capex_usd + o.fixed_opex_usd_per_yr) / USD_PER_MUSD))
        if o.opex_usd_per_t:
            t.annual_cost_musd.append((x, o.ramp_share * o.opex_usd_per_t / USD_PER_MUSD))
    supply = inputs.feeds.set_index("feedstock_id")["supply_tpa"]
    for k in sorted(added):
        u = m.feed_use[k]
        u.upBound = None
        m.row("feed_supply", (k,), [(u, 1.0), *added[k]], "<=", float(supply[k]))


def build_capacity(m: PortfolioModel, t: Terms) -> None:
    """capacity_limit[p]: input drawn and delivered, less new capacity, within existing capacity."""
    for p in m.inputs.plants.itertuples(index=False):
        key = (p.site_id, p.technology_id)
        m.row("capacity_limit", key, t.capacity[key], "<=", p.existing_available_tpa)


def build_shipments(m: PortfolioModel, t: Terms) -> None:
    """s_{a,e,o}: intermediate product shipped along a link, out of one site's balance into
    another's, keeping its origin class."""
    for a in t.intermediate_arcs:
        for e in ELEMENTS:
            for o in m.inputs.origins:
                key, balance, cost_musd = shipment_column(a, e, o)
                s = m.shipment[key] = m.prob.add_variable(_slug("ship", len(m.shipment), *key), 0)
                for row, coefficient in balance:
                    t.balance[row].append((s, coefficient))
                t.annual_cost_musd.append((s, cost_musd))


def shipment_column(a, e: str, o: str) -> tuple[Key, list[tuple[Key, float]], float]:
    """One shipment's column: its key, its entries in the balance rows (out of the origin
    site's, into the destination's) and its annual cost in $M per t. The column generation
    of models/shipping.py adds priced links with the same column."""
    return ((a.from_site, a.to_site, a.form, e, o), [((a.from_site, a.form, e, o), -1.0), ((a.to_site, a.form, e, o), 1.0)],
            a.usd_per_t / USD_PER_MUSD)


def build_deliveries(m: PortfolioModel, t: Terms) -> None:
    """d_{i,f,e,o}: separated oxide and metal delivered to users; k_{i,f,e,o}: routed product
    (heavy concentrate) stocked or sold as concentrate, never credited. Mixed product cannot leave."""
    routed = {form for form, _ in m.inputs.routes.values()} - set(PRODUCT_FORMS)
    for key in sorted(k for k in t.balance if k[1] in PRODUCT_FORMS):
        d = m.delivery[key] = m.prob.add_variable(_slug("deliver", len(m.delivery), *key), 0)
        t.balance[key].append((d, -1.0))
        t.delivered[(key[2], key[1])].append((d, 1.0))
    for key in sorted(k for k in t.balance if k[1] in routed):
        k_var = m.stock[key] = m.prob.add_variable(_slug("stock", len(m.stock), *key), 0)
        t.balance[key].append((k_var, -1.0))


def build_balances(m: PortfolioModel, t: Terms) -> None:
    """balance[i, f, e]: what plants put out and ships bring equals what plants draw, ships
    take away and users receive, per site, form and element."""
    for key in sorted(t.balance):
        m.row("balance", key, t.balance[key], "==", 0.0)


def build_demand(m: PortfolioModel, t: Terms) -> None:
    """Per (element, form) with demand: credited domestic supply (capped by delivery), imports
    and unmet demand add up to demand; imports and unmet demand are priced in the cost."""
    inputs = m.inputs
    for (e, form), demand in inputs.demand_t.items():
        c = m.prob.add_variable(_slug("credited", e, form), 0)
        i = m.prob.add_variable(_slug("imports", e, form), 0, inputs.imports_t[(e, form)])
        u = m.prob.add_variable(_slug("unmet", e, form), 0)
        m.credited[(e, form)], m.imports[(e, form)], m.unmet[(e, form)] = c, i, u
        m.row("credit_limit", (e, form), [(c, 1.0), *((d, -1.0) for d, _ in t.delivered[(e, form)])], "<=", 0.0)
        m.row("demand_balance", (e, form), [(c, 1.0), (i, 1.0), (u, 1.0)], "==", demand)
        t.weighted.append((c, inputs.weights[e]))
        t.credited_by_element[e].append((c, 1.0))
        t.annual_cost_musd.append((i, inputs.price_usd_per_t[e] / USD_PER_MUSD))
        t.annual_cost_musd.append((u, inputs.unmet_usd_per_t[e] / USD_PER_MUSD))


def build_budget(m: PortfolioModel, t: Terms) -> None:
    """budget: federal $M of new capacity (or of funded proposals) within the budget."""
    m.row("budget", (), t.budget_musd, "<=", m.inputs.budget_usd / USD_PER_MUSD)


def build_reliance(m: PortfolioModel, t: Terms) -> None:
    """min_import_reliance only: ρ at least each magnet element's share of demand not credited."""
    if m.objective != "min_import_reliance":
        return
    r = m.max_import_reliance = m.prob.add_variable("max_import_reliance", 0)
    for e in sorted(t.credited_by_element):
        total = sum(v for (el, _), v in m.inputs.demand_t.items() if el == e)  # floats, not PuLP terms
        m.row("reliance_limit", (e,), [*t.credited_by_element[e], (r, total)], ">=", total)


def build_objectives(m: PortfolioModel, t: Terms) -> None:
    """The expressions the stages optimise, and the tie-break the cost stage carries."""
    m.objectives = {"weighted_supply": t.weighted, "annual_cost": t.annual_cost_musd}
    floor = m.inputs.min_value_per_musd
    if floor > 0:
        # each federal $M is charged at the floor's value: money is spent only where it buys more
        m.objectives["net_weighted_supply"] = t.weighted + [(v, -floor * c) for v, c in t.budget_musd]
    if m.max_import_reliance is not None:
        m.objectives["max_import_reliance"] = [(m.max_import_reliance, 1.0)]
    m.objectives["tie_break"] = [(v, TIE_BREAK_MUSD * _tie_break_weight(v.name)) for v in m.prob.variables()]
    foreign = m.inputs.feeds.loc[m.inputs.feeds["origin_class"] == "foreign", "feedstock_id"]
    m.objectives["tie_break"] += [(m.feed_use[k], FOREIGN_FEED_TIE_MUSD) for k in foreign]


def build_floors(m: PortfolioModel, t: Terms) -> None:
    """floor[name] holds an earlier stage's optimum while a later stage re-optimises; the rows
    start unbounded and the solver sets them (models/solve.py). The first stage is set on prob."""
    for name, sense in m.stages[:-1]:
        bound = -UNBOUNDED if sense == "max" else UNBOUNDED
        m.row("floor", (name,), m.objectives[name], ">=" if sense == "max" else "<=", bound)
    first, sense = m.stages[0]
    m.prob.sense = pulp.LpMaximize if sense == "max" else pulp.LpMinimize
    m.prob.setObjective(pulp.LpAffineExpression.from_list(m.stage_objective(first)))


# build_model's order: each family may use the variables and terms of those before it
FAMILIES = (build_projects, build_plants, build_feeds, build_options, build_capacity, build_shipments, build_deliveries,
            build_balances, build_demand, build_budget, build_reliance, build_objectives, build_floors)
