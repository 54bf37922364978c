"""The portfolio LP family by family: one build_<family> per section of docs/model.md's
"Variables and rows by family", in the order build_model calls them.

Each family adds its variables and rows to the model and its terms to the shared sums
(Terms) that later families close into rows: a plant's capacity, a site's balance, the
budget, the annual cost. Adding an index (a year, a future) touches each family once.
"""
from __future__ import annotations

import hashlib
import re
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import pandas as pd
import pulp
from pulp import _rustcore

from models import shipping
from models.records import records
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
    """A fixed number in [1, 2) per variable name (sha256, so the same in every process): its
    first 4 bytes as an integer over 2**32 (the first 8 hex digits, read without the hex)."""
    return 1.0 + int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big") / 2**32


def expression(prob: pulp.LpProblem, pairs: Pairs) -> pulp.LpAffineExpression:
    """The expression of (variable, coefficient) pairs, handed to PuLP's core in one call
    (ids and coefficients as two arrays) instead of one call per term: the same terms in the
    same order, repeated variables summed, as LpAffineExpression.from_list gives."""
    raw = _rustcore.AffineExpr()
    if pairs:  # PuLP's core refuses an empty buffer (its address may not be aligned)
        raw.add_term_ids_coeffs(prob._model, array("Q", [v._var.id() for v, _ in pairs]),
                                array("d", [c for _, c in pairs]))
    return pulp.LpAffineExpression(raw)


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

    # Every key below that ends in a year is per planned year (one year: the target year).
    projects_at: dict[Key, list] = field(default_factory=lambda: defaultdict(list))  # (site, tech) -> (y, t/yr)
    online: dict[Key, Pairs] = field(default_factory=lambda: defaultdict(list))  # (site, tech, year): -new capacity running
    capacity: dict[Key, Pairs] = field(default_factory=dict)  # (site, tech, year): input drawn, less new capacity
    # (site, form, element, origin class, year): in +, out -
    balance: dict[Key, Pairs] = field(default_factory=lambda: defaultdict(list))
    delivered: dict[Key, Pairs] = field(default_factory=lambda: defaultdict(list))  # (element, form, year) -> deliveries
    budget_musd: Pairs = field(default_factory=list)  # federal $M
    # (variable, federal $M per unit, year it is decided): paced by the spend profile (multi-year)
    spend_musd: list[tuple[pulp.LpVariable, float, int]] = field(default_factory=list)
    annual_cost_musd: Pairs = field(default_factory=list)  # $M/yr, each year at its weight
    weighted: Pairs = field(default_factory=list)  # weighted t/yr credited, each year at its weight
    credited_by_element: dict[Key, Pairs] = field(default_factory=lambda: defaultdict(list))  # (element, year)
    intermediate_arcs: list = field(default_factory=list)  # links from a site where a plant puts the form out
    pool_ends: dict = field(default_factory=dict)  # form -> (senders, takers, dearest $/t): _pool_ends
    # future index -> its weighted t/yr credited, each year at its weight (not at its probability)
    weighted_by_future: dict[int, Pairs] = field(default_factory=lambda: defaultdict(list))
    # a future's own cost ($M/yr, not at its probability): the first-stage cost plus its operating cost
    first_stage_cost_musd: Pairs = field(default_factory=list)
    cost_by_future: dict[int, Pairs] = field(default_factory=lambda: defaultdict(list))
    _futures: dict[int, "Terms"] = field(default_factory=dict)

    def at(self, future: int) -> "Terms":
        """The sums of one future: its own per-year operating sums (capacity, balances,
        deliveries, credit) sharing the first-stage ones (builds, budget, the objectives, which
        carry each future's terms at its probability). The first future's are these."""
        if not future:
            return self
        if future not in self._futures:
            self._futures[future] = Terms(
                projects_at=self.projects_at, online=self.online, budget_musd=self.budget_musd,
                spend_musd=self.spend_musd, annual_cost_musd=self.annual_cost_musd, weighted=self.weighted,
                intermediate_arcs=self.intermediate_arcs, pool_ends=self.pool_ends, weighted_by_future=self.weighted_by_future,
                first_stage_cost_musd=self.first_stage_cost_musd, cost_by_future=self.cost_by_future)
        return self._futures[future]

    def operating_cost(self, var: pulp.LpVariable, musd: float, future: int, probability: float) -> None:
        """A future's cost term: in the (expected) annual cost at its probability, and its own."""
        self.annual_cost_musd.append((var, musd * probability))
        self.cost_by_future[future].append((var, musd))

    def capital_cost(self, pairs: Pairs) -> None:
        """A first-stage cost term, counted once whatever the future."""
        self.annual_cost_musd += pairs
        self.first_stage_cost_musd += pairs


def build_projects(m: PortfolioModel, t: Terms) -> None:
    """funded[q]: a proposal built (fixed at 1) or chosen all or nothing; its request counts
    against the budget and its capex in the annual cost."""
    inputs = m.inputs
    for q in records(inputs.projects):
        if inputs.project_mode == "choose":
            y = m.prob.add_variable(_slug("fund", q.project_id), 0, 1, cat="Binary" if inputs.integer else "Continuous")
        else:
            y = m.prob.add_variable(_slug("fund", q.project_id), 1, 1)
        m.funded[q.project_id] = y
        t.projects_at[(q.site_id, q.technology_id)].append((y, q.capacity_tpa))
        t.budget_musd.append((y, q.federal_usd / USD_PER_MUSD))
        t.spend_musd.append((y, q.federal_usd / USD_PER_MUSD, inputs.timeline.decision_year))
        t.capital_cost(_yearly(m, y, q.annual_capex_usd / USD_PER_MUSD,
                               _online_years(m, (q.site_id, q.technology_id), inputs.timeline.decision_year)))


def build_plants(m: PortfolioModel, t: Terms) -> None:
    """Per plant: new capacity (free, sized, or from proposals) and the intermediate product it
    draws from its site's stock, per element, with what it puts out."""
    plants = records(m.inputs.plants)
    # Intermediate product (mixed oxide from recycling or leaching, heavy concentrate, separated
    # oxide, metal) is tracked per element and origin class: where plants put a form out
    # (their output form, and forms some elements are routed to), and where it can be shipped.
    produced = {(p.site_id, form) for p in plants for form in _output_forms(m, p)}
    arcs = m.inputs.arcs
    arcs = arcs[pd.MultiIndex.from_arrays([arcs["from_site"], arcs["form"]]).isin(list(produced))]
    intermediate_at = produced | set(zip(arcs["to_site"].tolist(), arcs["form"].tolist()))
    # with shipping_k_nearest, only each site's nearest links are built; the rest wait to be priced.
    # A link's number is its place among every link: its columns are named (and so tie-broken,
    # _tie_break_weight) the same whether built first or priced in, so pruning cannot change the plan.
    arcs = arcs.assign(number=range(len(arcs)))
    t.intermediate_arcs, m.omitted_arcs = shipping.nearest_first(arcs, m.inputs.shipping_k_nearest)
    if m.omitted_arcs:
        t.pool_ends = _pool_ends(arcs)
    for p in plants:
        key = (p.site_id, p.technology_id)
        if p.buildable:
            _new_capacity(m, t, p, key)
        for i, future in enumerate(m.inputs.future_list):
            tf = t.at(i)
            scale = future.capacity_scale.get(key, 1.0)  # a capex overrun: the plan's money buys less
            for year in m.inputs.years:
                tf.capacity[(*key, year)] = [(v, c * scale) for v, c in t.online[(*key, year)]] if scale != 1.0 \
                    else list(t.online[(*key, year)])
                if (p.site_id, p.input_form) in intermediate_at:
                    tf.capacity[(*key, year)] += _throughput(m, tf, p, key, year, i, future.probability)


def _yearly(m: PortfolioModel, var: pulp.LpVariable, coef: float, years) -> Pairs:
    """A yearly cost term for each given year, at the year's weight in the objectives."""
    weight = m.inputs.timeline.weight
    return [(var, coef * weight[year]) for year in years]


def _online_years(m: PortfolioModel, key: Key, decided: int) -> list[int]:
    """Planned years in which a build of plant key decided in year `decided` runs at all (the
    one-year model charges its capital whatever the ramp share, as it always has)."""
    if not m.inputs.multi_year:
        return list(m.inputs.years)
    share = m.inputs.timeline.new_share
    return [year for year in m.inputs.years if share.get((*key, decided, year), 0.0) > 0]


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


def _new_capacity(m: PortfolioModel, t: Terms, p, key: Key) -> None:
    """new_p (the nameplate added over all years) and new_{p,y} per year a build may be decided
    (one year: new_p itself); each year's capacity terms -ramp share x new_{p,y} (a build decided
    in y first produces in y + lead time and runs at its ramp curve's share, within its life);
    with proposals, what the funded ones add."""
    timeline = m.inputs.timeline
    name = _slug("new", len(m.new_capacity), *key)
    years = timeline.build_years[key]
    if key in t.projects_at:
        v = m.new_capacity[key] = m.prob.add_variable(name, 0)
        m.row("project_capacity", key, [(v, 1.0), *((y, -tpa) for y, tpa in t.projects_at[key])], "==", 0.0)
    else:
        v = m.new_capacity[key] = m.prob.add_variable(name, 0, p.max_new_tpa)
        t.budget_musd.append((v, m.inputs.federal_share * p.capex_usd_per_tpa / USD_PER_MUSD))
        if m.inputs.discrete_sizes:  # 0, or a plant between min and max size
            b = m.build[key] = m.prob.add_variable(_slug("build", len(m.build), *key), 0, 1,
                                                   cat="Binary" if m.inputs.integer else "Continuous")
            m.row("min_size", key, [(v, 1.0), (b, -p.min_size_tpa)], ">=", 0.0)
            m.row("max_size", key, [(v, 1.0), (b, -p.max_new_tpa)], "<=", 0.0)
    by_year = {years[0]: v} if len(years) == 1 else {y: m.prob.add_variable(f"{name}_b{y}", 0) for y in years}
    if len(years) > 1:
        m.row("new_total", key, [(v, 1.0), *((x, -1.0) for x in by_year.values())], "==", 0.0)
    for decided, x in by_year.items():
        m.new_by_year[(*key, decided)] = x
        if key not in t.projects_at:
            t.spend_musd.append((x, m.inputs.federal_share * p.capex_usd_per_tpa / USD_PER_MUSD, decided))
            t.capital_cost(_yearly(m, x, p.annual_capex_usd_per_tpa / USD_PER_MUSD, _online_years(m, key, decided)))
        for year in m.inputs.years:
            share = timeline.new_share[(*key, decided, year)]
            if share or len(m.inputs.years) == 1:
                t.online[(*key, year)].append((x, -share))


def _throughput(m: PortfolioModel, t: Terms, p, key: Key, year: int, future: int, probability: float) -> Pairs:
    """x_{p,e,o}: drawn from the site's stock of p's input form of origin class o, recovered
    into its output (or routed) form, keeping the origin class."""
    capacity: Pairs = []
    at = m.at(year, future)
    weight = m.inputs.timeline.weight[year]
    for e in ELEMENTS:
        for o in m.inputs.origins:
            x = at.throughput[(*key, e, o)] = m.prob.add_variable(
                m.named(_slug("proc", len(at.throughput), *key, e, o), year, future), 0)
            capacity.append((x, 1.0))
            t.balance[(p.site_id, p.input_form, e, o, year)].append((x, -1.0))
            for form, coef in _yields(m, p, e, m.inputs.heavy_other_mixed):
                t.balance[(p.site_id, form, e, o, year)].append((x, coef))
            if p.opex_usd_per_t:
                t.operating_cost(x, p.opex_usd_per_t / USD_PER_MUSD * weight, future, probability)
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
    Only plants the ownership rules allow (may_take) are offered the feed. With
    shipping_k_nearest, only each feed's and plant's nearest deliveries are built; the rest
    wait in m.omitted_deliveries to be priced in (models/shipping.py)."""
    inputs = m.inputs
    takers: dict[str, list] = defaultdict(list)
    for p in records(inputs.plants):
        takers[p.input_form].append(p)
    raw_forms = set(inputs.feeds["form"])
    arcs = inputs.arcs[inputs.arcs["form"].isin(raw_forms)]  # raw feed moves only along its own form's links
    arc_usd = dict(zip(zip(*(arcs[c].tolist() for c in ("from_site", "to_site", "form"))), arcs["usd_per_t"].tolist()))
    # (feed, [(plant, $/t of the link, number)]) in the order the columns have always been built;
    # a delivery's number (its place among all) names its columns, built first or priced in
    offers, number = [], 0
    for f in records(inputs.feeds):
        offered = []
        for p in (p for p in takers[f.form] if may_take(f, p)):
            usd_per_t = 0.0 if p.site_id == f.site_id else arc_usd.get((f.site_id, p.site_id, f.form))
            if usd_per_t is not None:
                offered.append((p, usd_per_t, number))
                number += 1
        offers.append((f, offered))
    offers, m.omitted_deliveries = shipping.nearest_deliveries(m, t, offers, inputs.shipping_k_nearest)
    for i, future in enumerate(inputs.future_list):
        tf = t.at(i)
        for year in inputs.years:
            at = m.at(year, i)
            for f, offered in offers:
                supply = future.timeline.supply_tpa[(f.feedstock_id, year)]
                u = at.feed_use[f.feedstock_id] = m.prob.add_variable(
                    m.named(_slug("feed", f.feedstock_id), year, i), 0, supply)
                dispatch: Pairs = [(u, 1.0)]
                for p, usd_per_t, number in offered:
                    dispatch.append((_feed_delivery(m, tf, f, p, usd_per_t, number, year, i, future.probability), -1.0))
                m.row("feed_dispatch", (f.feedstock_id,), dispatch, "==", 0.0, year, i)


def _feed_delivery(m: PortfolioModel, t: Terms, f, p, usd_per_t: float, number: int,
                   year: int, future: int, probability: float) -> pulp.LpVariable:
    """q_{k,p}: feed k delivered into plant p; fills p's capacity (shares sum to 1)."""
    key, capacity, balance, cost_musd = delivery_column(m, f, p, usd_per_t, year)
    at = m.at(year, future)
    d = at.feed_delivery[key] = m.prob.add_variable(m.named(_slug("feedin", number, *key), year, future), 0)
    t.capacity[capacity].append((d, 1.0))
    if cost_musd is not None:
        t.operating_cost(d, cost_musd, future, probability)
    for row, coef in balance:
        t.balance[row].append((d, coef))
    return d


def delivery_column(m: PortfolioModel, f, p, usd_per_t: float, year: int) -> tuple[Key, Key, Pairs, float | None]:
    """One year's delivery column q_{k,p}: its key, its capacity row (Terms.capacity key, +1),
    its entries in the balance rows (Terms.balance keys: the feed's split x the plant's
    yields) and its annual cost in $M per t at the year's weight (None: no cost term). The
    feed_dispatch row of the feed takes it at -1. models/shipping.py prices waiting
    deliveries with the same column."""
    per_t = usd_per_t + p.opex_usd_per_t
    cost = per_t / USD_PER_MUSD * m.inputs.timeline.weight[year] if per_t else None
    balance = []
    for e in ELEMENTS:
        share = getattr(f, f"share_{e.lower()}")
        if share:
            for form, coef in _yields(m, p, e, f.heavy_other_fraction):
                balance.append(((p.site_id, form, e, f.origin_class, year), share * coef))
    return (f.feedstock_id, p.site_id, p.technology_id), (p.site_id, p.technology_id, year), balance, cost


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
    timeline = inputs.timeline
    futures = inputs.future_list
    # future index -> (feedstock, year) -> what options add (a failed option adds nothing in its future)
    added: dict[int, dict[Key, Pairs]] = {i: defaultdict(list) for i in range(len(futures))}
    for o in records(inputs.options):
        decided = timeline.option_years[o.option_id]
        if len(decided) == 1:
            y, x = fixed_charge(m, "option", (o.option_id,), o.added_tpa, o.min_fraction, inputs.integer)
            by_year = {decided[0]: (y, x)}
        else:  # develop[o] = the sum of develop[o, y] over the years it may be decided (at most one)
            y = m.prob.add_variable(_slug("develop", "option", o.option_id), 0, 1)
            x = m.prob.add_variable(_slug("added", "option", o.option_id), 0)
            by_year = {d: fixed_charge(m, "option", (o.option_id, d), o.added_tpa, o.min_fraction, inputs.integer)
                       for d in decided}
            m.row("option_total", (o.option_id,), [(y, 1.0), *((yd, -1.0) for yd, _ in by_year.values())], "==", 0.0)
            m.row("option_added_total", (o.option_id,), [(x, 1.0), *((xd, -1.0) for _, xd in by_year.values())],
                  "==", 0.0)
        m.develop[o.option_id], m.feed_added[o.option_id] = y, x
        if o.project_id:  # a feed-option application: funded as a project (built, or chosen)
            m.funded[o.project_id] = y
            if inputs.project_mode == "fixed":
                y.lowBound = 1
        t.budget_musd.append((y, o.federal_usd / USD_PER_MUSD))
        lead = o.first_output_year - timeline.decision_year
        for d, (yd, xd) in by_year.items():
            m.develop_by_year[(o.option_id, d)], m.added_by_year[(o.option_id, d)] = yd, xd
            t.spend_musd.append((yd, o.federal_usd / USD_PER_MUSD, d))
            # its yearly costs run from its first output (always, in a one-year model)
            running = [year for year in inputs.years if year >= d + lead]
            t.capital_cost(_yearly(m, yd, (o.annual_capex_usd + o.fixed_opex_usd_per_yr) / USD_PER_MUSD, running))
            for i, future in enumerate(futures):
                for year in inputs.years:
                    share = future.timeline.option_share[(o.option_id, d, year)]
                    added[i][(o.feedstock_id, year)].append((xd, -share))
                    if o.opex_usd_per_t and year in running:
                        t.operating_cost(xd, share * o.opex_usd_per_t / USD_PER_MUSD * timeline.weight[year], i,
                                         future.probability)
    for i, future in enumerate(futures):
        for k, year in sorted(added[i], key=lambda ky: (ky[1], ky[0])):
            u = m.at(year, i).feed_use[k]
            u.upBound = None
            m.row("feed_supply", (k,), [(u, 1.0), *added[i][(k, year)]], "<=",
                  float(future.timeline.supply_tpa[(k, year)]), year, i)


def build_capacity(m: PortfolioModel, t: Terms) -> None:
    """capacity_limit[p]: input drawn and delivered, less new capacity, within existing capacity."""
    existing = m.inputs.timeline.existing_available_tpa
    for i in range(len(m.inputs.future_list)):
        for year in m.inputs.years:
            for p in records(m.inputs.plants):
                key = (p.site_id, p.technology_id)
                m.row("capacity_limit", key, t.at(i).capacity[(*key, year)], "<=", existing[(*key, year)], year, i)


def build_shipments(m: PortfolioModel, t: Terms) -> None:
    """s_{a,e,o}: intermediate product shipped along a link, out of one site's balance into
    another's, keeping its origin class."""
    combos = [(e, o, _slug(e, o)) for e in ELEMENTS for o in m.inputs.origins]
    links = [(a, _slug(a.from_site, a.to_site, a.form)) for a in t.intermediate_arcs]
    for i, future in enumerate(m.inputs.future_list):
        tf = t.at(i)
        for year in m.inputs.years:
            at = m.at(year, i)
            # the columns first, their variables in one batch (same names and order as one by one)
            columns, names = [], []
            suffix = m.named("", year, i)  # the year's and future's ending of every name
            for a, link in links:
                for c, (e, o, tail) in enumerate(combos):
                    columns.append(shipment_column(m, a, e, o, year))
                    names.append(f"ship_{a.number * len(combos) + c}_{link}_{tail}{suffix}")
            for (key, balance, cost_musd), s in zip(columns, m.prob.add_variable_matrix("%s", names, 0)):
                at.shipment[key] = s
                for row, coefficient in balance:
                    tf.balance[row].append((s, coefficient))
                t.operating_cost(s, cost_musd, i, future.probability)
            if m.omitted_arcs:
                _pool(m, t, i, year)


def _pool_ends(arcs: pd.DataFrame) -> dict[str, tuple[list, list, float]]:
    """Per form, over every link (built or waiting): the sites that send it, the sites that
    take it (each sorted) and the dearest link's $/t."""
    out = {}
    for form, links in arcs.groupby("form", sort=True):
        out[form] = (sorted(set(links["from_site"].tolist())), sorted(set(links["to_site"].tolist())),
                     float(links["usd_per_t"].max()))
    return out


def _pool(m: PortfolioModel, t: Terms, future: int, year: int) -> None:
    """With links left to pricing (shipping_k_nearest), one pool per form, element, origin class
    and year: any site that can send the form may put it in (pool_in), any site that takes it
    may draw from it (pool_out). Where shipping costs nothing (every stage but the cost stage)
    the pool is every link at once, so pricing finds nothing to add there however degenerate
    the duals (a pool column in the basis ties the duals of its two ends). In the cost stage
    each leg costs the dearest link of its form, so a ton through the pool costs more than
    along any link: the pool keeps the pruned model feasible for the held optimum of the stage
    before, pricing brings in the links that replace it, and at the cost stage's proven
    optimum it carries nothing (models/solve.py checks)."""
    tf, at = t.at(future), m.at(year, future)
    weight, probability = m.inputs.timeline.weight[year], m.inputs.future_list[future].probability
    for form, (holders, takers, dearest_usd_per_t) in sorted(t.pool_ends.items()):
        # at least $1/t a leg: with every link free the pool must still cost more than none
        leg_musd = max(dearest_usd_per_t, 1.0) / USD_PER_MUSD * weight
        for e in ELEMENTS:
            for o in m.inputs.origins:
                pairs: Pairs = []
                for direction, sites, sign in (("in", holders, -1.0), ("out", takers, 1.0)):
                    for site in sites:
                        v = at.pool[(direction, site, form, e, o)] = m.prob.add_variable(
                            m.named(_slug("pool", direction, site, form, e, o), year, future), 0)
                        tf.balance[(site, form, e, o, year)].append((v, sign))
                        pairs.append((v, -sign))
                        t.operating_cost(v, leg_musd, future, probability)
                m.row("pool", (form, e, o), pairs, "==", 0.0, year, future)


def shipment_column(m: PortfolioModel, a, e: str, o: str, year: int) -> tuple[Key, list[tuple[Key, float]], float]:
    """One year's shipment column: its key (the year is m.at(year)'s), its entries in that
    year's balance rows (out of the origin site's, into the destination's; Terms.balance keys)
    and its annual cost in $M per t at the year's weight. The column generation of
    models/shipping.py adds priced links with the same column."""
    weight = m.inputs.timeline.weight[year]
    return ((a.from_site, a.to_site, a.form, e, o),
            [((a.from_site, a.form, e, o, year), -1.0), ((a.to_site, a.form, e, o, year), 1.0)],
            a.usd_per_t / USD_PER_MUSD * weight)


def build_deliveries(m: PortfolioModel, t: Terms) -> None:
    """d_{i,f,e,o}: separated oxide and metal delivered to users; k_{i,f,e,o}: routed product
    (heavy concentrate) stocked or sold as concentrate, never credited. Mixed product cannot leave."""
    routed = {form for form, _ in m.inputs.routes.values()} - set(PRODUCT_FORMS)
    for i in range(len(m.inputs.future_list)):
        tf = t.at(i)
        for year in m.inputs.years:
            at = m.at(year, i)
            for key in sorted(k[:-1] for k in tf.balance if k[1] in PRODUCT_FORMS and k[-1] == year):
                d = at.delivery[key] = m.prob.add_variable(
                    m.named(_slug("deliver", len(at.delivery), *key), year, i), 0)
                tf.balance[(*key, year)].append((d, -1.0))
                tf.delivered[(key[2], key[1], year)].append((d, 1.0))
            for key in sorted(k[:-1] for k in tf.balance if k[1] in routed and k[-1] == year):
                k_var = at.stock[key] = m.prob.add_variable(m.named(_slug("stock", len(at.stock), *key), year, i), 0)
                tf.balance[(*key, year)].append((k_var, -1.0))


def build_balances(m: PortfolioModel, t: Terms) -> None:
    """balance[i, f, e]: what plants put out and ships bring equals what plants draw, ships
    take away and users receive, per site, form and element."""
    for i in range(len(m.inputs.future_list)):
        balance = t.at(i).balance
        for key in sorted(balance, key=lambda k: (k[-1], k)):
            m.row("balance", key[:-1], balance[key], "==", 0.0, key[-1], i)


def build_demand(m: PortfolioModel, t: Terms) -> None:
    """Per (element, form) with demand: credited domestic supply (capped by delivery), imports
    and unmet demand add up to demand; imports and unmet demand are priced in the cost."""
    inputs = m.inputs
    for n, future in enumerate(inputs.future_list):
        tf, timeline = t.at(n), future.timeline
        for year in inputs.years:
            at, weight = m.at(year, n), inputs.timeline.weight[year]
            for (e, form), demand in timeline.demand_t[year].items():
                c = m.prob.add_variable(m.named(_slug("credited", e, form), year, n), 0)
                i = m.prob.add_variable(m.named(_slug("imports", e, form), year, n), 0,
                                        timeline.imports_t[year][(e, form)])
                u = m.prob.add_variable(m.named(_slug("unmet", e, form), year, n), 0)
                at.credited[(e, form)], at.imports[(e, form)], at.unmet[(e, form)] = c, i, u
                m.row("credit_limit", (e, form), [(c, 1.0), *((d, -1.0) for d, _ in tf.delivered[(e, form, year)])],
                      "<=", 0.0, year, n)
                m.row("demand_balance", (e, form), [(c, 1.0), (i, 1.0), (u, 1.0)], "==", demand, year, n)
                t.weighted.append((c, inputs.weights[e] * weight * future.probability))
                t.weighted_by_future[n].append((c, inputs.weights[e] * weight))
                tf.credited_by_element[(e, year)].append((c, 1.0))
                t.operating_cost(i, inputs.price_usd_per_t[e] / USD_PER_MUSD * weight, n, future.probability)
                t.operating_cost(u, inputs.unmet_usd_per_t[e] / USD_PER_MUSD * weight, n, future.probability)


def build_budget(m: PortfolioModel, t: Terms) -> None:
    """budget: federal $M of new capacity (or of funded proposals) within the budget. With more
    than one year, appropriation[Y]: federal $M spent by the end of year Y (each build's
    federal share paced by the spend profile from the year it is decided) within what was
    appropriated by then; unspent money carries forward."""
    m.row("budget", (), t.budget_musd, "<=", m.inputs.budget_usd / USD_PER_MUSD)
    if not m.inputs.multi_year or not m.inputs.timeline.appropriations_usd:
        return  # no appropriations declared: the whole budget is there from the decision year
    timeline = m.inputs.timeline
    profile = timeline.spend_profile
    cumulative = [sum(profile[: i + 1]) for i in range(len(profile))]
    last = max(y for _, _, y in t.spend_musd) + len(profile) - 1 if t.spend_musd else timeline.decision_year
    appropriated = 0.0
    for year in range(timeline.decision_year, last + 1):
        appropriated += timeline.appropriations_usd.get(year, 0.0)
        pairs = [(v, musd * cumulative[min(year - decided, len(profile) - 1)])
                 for v, musd, decided in t.spend_musd if decided <= year]
        m.row("appropriation", (year,), pairs, "<=", appropriated / USD_PER_MUSD)


def build_reliance(m: PortfolioModel, t: Terms) -> None:
    """min_import_reliance only: ρ at least each magnet element's share of demand not credited."""
    if m.objective not in ("min_import_reliance", "min_worst_year_reliance"):
        return
    r = m.max_import_reliance = m.prob.add_variable("max_import_reliance", 0)
    # min_import_reliance: the target year's elements; min_worst_year_reliance: every year's;
    # with futures, in every future (the worst future's reliance)
    years = set(m.inputs.years) if m.objective == "min_worst_year_reliance" else {m.inputs.timeline.report_year}
    for i, future in enumerate(m.inputs.future_list):
        credited, timeline = t.at(i).credited_by_element, future.timeline
        for e, year in sorted((k for k in credited if k[1] in years), key=lambda k: (k[1], k[0])):
            total = sum(v for (el, _), v in timeline.demand_t[year].items() if el == e)  # floats, not PuLP terms
            m.row("reliance_limit", (e,), [*credited[(e, year)], (r, total)], ">=", total, year, i)


def build_objectives(m: PortfolioModel, t: Terms) -> None:
    """The expressions the stages optimise, and the tie-break the cost stage carries."""
    m.objectives = {"weighted_supply": t.weighted, "annual_cost": t.annual_cost_musd}
    floor = m.inputs.min_value_per_musd
    if floor > 0:
        # each federal $M is charged at the floor's value: money is spent only where it buys more
        m.objectives["net_weighted_supply"] = t.weighted + [(v, -floor * c) for v, c in t.budget_musd]
    if m.max_import_reliance is not None:
        m.objectives["max_import_reliance"] = [(m.max_import_reliance, 1.0)]
    futures = m.inputs.future_list
    for i in range(len(futures) if m.inputs.futures else 0):
        m.objectives[f"weighted_supply_f{i}"] = t.weighted_by_future[i]
    if m.inputs.futures and m.inputs.cvar_weight > 0 and m.objective == "max_weighted_supply":
        _cvar(m, t, "net_weighted_supply" if floor > 0 else "weighted_supply")
    if m.inputs.regret_optima:
        _regret(m, t)
    m.objectives["tie_break"] = [(v, TIE_BREAK_MUSD * _tie_break_weight(v.name)) for v in m.prob.variables()]
    foreign = m.inputs.feeds.loc[m.inputs.feeds["origin_class"] == "foreign", "feedstock_id"]
    for i in range(len(futures)):
        for year in m.inputs.years:
            m.objectives["tie_break"] += [(m.at(year, i).feed_use[k], FOREIGN_FEED_TIE_MUSD) for k in foreign]


def future_value(m: PortfolioModel, t: Terms, future: int) -> Pairs:
    """A future's own value of the first stage's objective proper: its weighted supply (less the
    value floor's charge) or its annual cost (first-stage cost plus its operating cost)."""
    if m.objective == "min_cost":
        return t.first_stage_cost_musd + t.cost_by_future[future]
    floor = m.inputs.min_value_per_musd
    charge = [(v, -floor * c) for v, c in t.budget_musd] if floor > 0 else []
    return t.weighted_by_future[future] + charge


def _regret(m: PortfolioModel, t: Terms) -> None:
    """max_regret R >= each future's shortfall from its own optimum z_f (inputs.regret_optima):
    regret[f]: R + V_f >= z_f (supply), R - V_f >= -z_f (cost). Its stage comes first."""
    r = m.prob.add_variable("max_regret", 0)
    sign = -1.0 if m.objective == "min_cost" else 1.0
    for i, (future, z) in enumerate(zip(m.inputs.future_list, m.inputs.regret_optima)):
        m.row("regret", (future.name,), [(r, 1.0), *((v, sign * c) for v, c in future_value(m, t, i))], ">=",
              sign * z)
    m.objectives["max_regret"] = [(r, 1.0)]


def _cvar(m: PortfolioModel, t: Terms, expected: str) -> None:
    """risk_adjusted_supply = (1 - λ) E[W] + λ CVaR_α[W], W a future's weighted supply (its
    value floor charge included): CVaR_α = η - Σ_f p_f s_f / (1 - α) with s_f >= η - W_f,
    s_f >= 0, the mean of the worst (1 - α) of futures by probability (Rockafellar-Uryasev)."""
    inputs = m.inputs
    alpha, weight = inputs.cvar_alpha, inputs.cvar_weight
    eta = m.cvar_threshold = m.prob.add_variable("cvar_threshold", None, None)
    charge = [(v, -inputs.min_value_per_musd * c) for v, c in t.budget_musd] if expected != "weighted_supply" else []
    risk: Pairs = [(v, (1.0 - weight) * c) for v, c in m.objectives[expected]] + [(eta, weight)]
    for i, future in enumerate(inputs.future_list):
        s = m.prob.add_variable(_slug("cvar_shortfall", future.name), 0)
        m.row("cvar_shortfall", (future.name,), [(s, 1.0), (eta, -1.0), *t.weighted_by_future[i], *charge], ">=", 0.0)
        risk.append((s, -weight * future.probability / (1.0 - alpha)))
    m.objectives["risk_adjusted_supply"] = risk


def build_floors(m: PortfolioModel, t: Terms) -> None:
    """floor[name] holds an earlier stage's optimum while a later stage re-optimises; the rows
    start unbounded and the solver sets them (models/solve.py). The first stage is set on prob."""
    for name, sense in m.stages[:-1]:
        bound = -UNBOUNDED if sense == "max" else UNBOUNDED
        m.row("floor", (name,), m.objectives[name], ">=" if sense == "max" else "<=", bound)
    first, sense = m.stages[0]
    m.prob.sense = pulp.LpMaximize if sense == "max" else pulp.LpMinimize
    m.prob.setObjective(expression(m.prob, m.stage_objective(first)))


# build_model's order: each family may use the variables and terms of those before it
FAMILIES = (build_projects, build_plants, build_feeds, build_options, build_capacity, build_shipments, build_deliveries,
            build_balances, build_demand, build_budget, build_reliance, build_objectives, build_floors)
