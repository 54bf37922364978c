"""Shipping links and raw-feed deliveries priced back in: column generation.

With every pair of sites linked, a catalog of n sites has about n² links, each a column per
element and origin class (567,076 links at 1,000 sites), and about n² raw-feed deliveries
(feed x plant that takes its form: 208,309 at 1,000 sites). Few are ever used. With the
scenario key shipping_k_nearest = k > 0 the model is built with each site's k nearest links
per form (out of it and into it: nearest_first) and each feed's and plant's k nearest
deliveries (nearest_deliveries), and the others wait here. After each stage of the
lexicographic solve, every waiting column is priced with the duals y of its rows:

    reduced cost of shipping element e along i -> j in year t = c - (y[j, form, e, t] - y[i, form, e, t])
    reduced cost of delivering feed k into plant p in year t   = c - Σ_rows a_row y[row]

(a delivery's rows: -1 in k's dispatch row, +1 in p's capacity row, share x yield in the
balance rows at p), where c is the column's coefficient in the stage's objective (its
annual cost at year t's weight in the cost stage, nothing in the others). A multi-year model
ships per year, so each year's column is priced against that year's rows. Of the columns
that would improve the stage, each destination balance row (links) and each feed's dispatch
row (deliveries) gets its BEST_PER_ROW most improving (partial pricing); they are added to
the PuLP model, with the column families.shipment_column / delivery_column gives every
one, and to the live HiGHS model, the stage is re-solved warm, and so on until no waiting
column would improve it. Then the stage's optimum over the columns built is the optimum over
all of them (LP duality: the duals prove it).

With links waiting, the model also has a pool per form (families._pool): free where shipping
is free, so those stages need no link priced in however degenerate their duals, and dearer
than any link in the cost stage, so it carries nothing at that stage's optimum (StageSolver
checks). Waiting columns are numbered by their place among all (families.build_shipments,
build_feeds): a column priced in has the name, and the tie-break, it has with every link built.

A model with binaries has no duals to price with: all waiting columns are then built before
the first solve.
"""
from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models import families
from models.records import records
from sites.sets import ELEMENTS

# A waiting link is added when it would improve the stage by more than this per unit (the
# objective's units: weighted t/yr or $M/yr per t). HiGHS's dual feasibility tolerance is 1e-7.
PRICE_TOLERANCE = 1e-9
COST_STAGE = "annual_cost"  # the one stage objective in which a shipment has a coefficient
# Partial pricing: a round adds, per destination balance row (links) or per feed (deliveries),
# only this many of the most improving columns. Degenerate duals make thousands of columns
# look improving at once; most are never used. Pricing goes on until none improves, so the
# optimum is still proven.
BEST_PER_ROW = 2


def nearest_first(arcs, k: int) -> tuple[list, list]:
    """(built, waiting) links, each list in the given order: with k > 0 a link is built if it
    is among the k nearest links of its form out of its origin, or into its destination (ties
    broken by site id, then order); k = 0 builds every link. Every site and form with any link
    keeps at least one, so the model's balance rows are the same as with every link. arcs: a
    list of links, or a table of them (inputs.arcs' columns), ranked with pandas."""
    frame = arcs if isinstance(arcs, pd.DataFrame) else pd.DataFrame(list(arcs), columns=ARC_FIELDS)
    rows = records(arcs) if isinstance(arcs, pd.DataFrame) else list(arcs)
    if k <= 0:
        return rows, []
    keep = np.zeros(len(frame), dtype=bool)
    ranked = frame[list(ARC_FIELDS[:4])].reset_index(drop=True)
    for end, other in (("from_site", "to_site"), ("to_site", "from_site")):
        order = ranked.sort_values([end, "form", "distance_km", other], kind="mergesort")
        keep[order.index[order.groupby([end, "form"], sort=False).cumcount().to_numpy() < k]] = True
    return [a for a, kept in zip(rows, keep) if kept], [a for a, kept in zip(rows, keep) if not kept]


ARC_FIELDS = ("from_site", "to_site", "form", "distance_km", "usd_per_t")  # inputs.arcs' columns, in order


def nearest_deliveries(m, t, offers: list, k: int) -> tuple[list, list]:
    """Raw-feed deliveries, pruned as links are: offers is [(feed, [(plant, $/t, number)])]; with k > 0
    a delivery is built if it is among the k cheapest-to-ship (nearest) of its feed, or of its
    plant (ties broken by id). A waiting delivery whose balance rows the built model would
    lack is built too: pricing needs every row of a column. Returns the offers kept, in the
    given order, and the waiting deliveries as (feed, plant, $/t, number)."""
    if k <= 0:
        return offers, []
    keep: set = set()
    by_plant: dict = defaultdict(list)
    for n, (f, offered) in enumerate(offers):
        ranked = [(usd, p.site_id, p.technology_id, n, c) for c, (p, usd, _) in enumerate(offered)]
        keep.update((n, c) for *_, n, c in heapq.nsmallest(k, ranked))
        for usd, site, tech, _, c in ranked:
            by_plant[(site, tech)].append((usd, f.feedstock_id, n, c))
    for group in by_plant.values():
        keep.update((n, c) for *_, n, c in heapq.nsmallest(k, group))
    # balance rows the built model has: the plants' own, each end of a built link (every
    # element and origin class), and those of the deliveries kept
    linked = {(a.from_site, a.form) for a in t.intermediate_arcs} | {(a.to_site, a.form) for a in t.intermediate_arcs}
    present = set(t.balance)
    rows = _BalanceRows(m)
    for n, (f, offered) in enumerate(offers):
        for c, (p, _, _) in enumerate(offered):
            if (n, c) in keep:
                present.update(rows(f, p))
    for n, (f, offered) in enumerate(offers):
        for c, (p, _, _) in enumerate(offered):
            if (n, c) not in keep and not rows.present(f, p, linked, present):
                keep.add((n, c))
                present.update(rows(f, p))
    kept = [(f, [o for c, o in enumerate(offered) if (n, c) in keep]) for n, (f, offered) in enumerate(offers)]
    waiting = [(f, *offer) for n, (f, offered) in enumerate(offers) for c, offer in enumerate(offered)
               if (n, c) not in keep]
    return kept, waiting


def best_per_group(columns: np.ndarray, score: np.ndarray, group: np.ndarray, best: int = BEST_PER_ROW) -> np.ndarray:
    """The `best` columns of lowest score in each group (ties by column number), in column order."""
    order = np.lexsort((columns, score, group))
    sorted_group = group[order]
    first = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
    rank = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
    return np.sort(columns[order[rank < best]])


class _BalanceRows:
    """The balance rows (Terms.balance keys, every planned year) a delivery of feed f into plant
    p enters: they depend only on the plant, the feed's origin class and which elements it holds."""

    def __init__(self, m):
        self.m, self.cache, self.feeds = m, {}, {}
        self.all_present: set = set()  # keys whose rows were all present (the sets only grow)

    def _key(self, f, p) -> tuple:
        if f.feedstock_id not in self.feeds:
            self.feeds[f.feedstock_id] = (f.origin_class, tuple(bool(getattr(f, f"share_{e.lower()}")) for e in ELEMENTS))
        return (p.site_id, p.technology_id, *self.feeds[f.feedstock_id])

    def __call__(self, f, p) -> list:
        key = self._key(f, p)
        if key not in self.cache:
            self.cache[key] = [row for year in self.m.inputs.years
                               for row, _ in families.delivery_column(self.m, f, p, 0.0, year)[2]]
        return self.cache[key]

    def present(self, f, p, linked: set, present: set) -> bool:
        """Every balance row of the delivery is in the built model."""
        key = self._key(f, p)
        if key in self.all_present:
            return True
        if all(r[:2] in linked or r in present for r in self(f, p)):
            self.all_present.add(key)
            return True
        return False


@dataclass
class PricingReport:
    """What the pricing did over a solve: rounds that added links, and links built in all."""

    rounds: int = 0
    links_added: int = 0
    links_built: int = 0
    links_in_all: int = 0
    deliveries_built: int = 0  # raw-feed deliveries (feed, plant) with a column in any year
    deliveries_in_all: int = 0
    # stage -> links and deliveries priced in during it (free stages add no links: the pool)
    added_by_stage: dict = field(default_factory=dict)
    pool_t: float = 0.0  # t/yr the pool (families._pool) carries at the end: 0 at the optimum


class ShippingPricer:
    """The waiting links and deliveries of one model, priced after each stage of StageSolver.solve.

    A waiting link column is (link, element, origin class, year), numbered link x combos +
    combo, and held as arrays (1,000 sites leave millions waiting): its cost, its two balance
    rows and whether it still waits. A waiting delivery column is (delivery, year), held as
    a sparse column (its dispatch, capacity and balance rows) in CSR arrays."""

    def __init__(self, model):
        self.model = model
        self.links = list(model.omitted_arcs)
        self.combos = [(e, o, year) for year in model.inputs.years for e in ELEMENTS for o in model.inputs.origins]
        weight = model.inputs.timeline.weight
        self._combo_weight = np.array([weight[year] for _, _, year in self.combos], dtype=float)
        built = len(self._links_built())
        self._first_built = built
        self.deliveries = list(model.omitted_deliveries)
        self.years = list(model.inputs.years)
        built_deliveries = len(self._deliveries_built())
        self.report = PricingReport(links_built=built, links_in_all=built + len(self.links),
                                    deliveries_built=built_deliveries,
                                    deliveries_in_all=built_deliveries + len(self.deliveries))
        self.waiting = np.ones(len(self.links) * len(self.combos), dtype=bool)
        self.waiting_deliveries = np.ones(len(self.deliveries) * len(self.years), dtype=bool)
        self._arrays = None  # (cost $M per t by link, origin row, destination row by column)
        self._delivery_arrays = None  # (cost $M per t, starts, row index, coefficient) by column
        self._row_ids: dict = {}

    def _links_built(self) -> set:
        """(from, to, form) of every link with a shipment column in any year."""
        return {key[:3] for year in self.model.inputs.years for key in self.model.at(year).shipment}

    def _deliveries_built(self) -> set:
        return {key for year in self.model.inputs.years for key in self.model.at(year).feed_delivery}

    @property
    def needs_all(self) -> bool:
        """True where pricing cannot prove optimality: binaries (no duals), or a cost stage
        that is not last (a floor row on the cost would hold shipments too)."""
        m = self.model
        return m.has_integers or ("floor", COST_STAGE) in m.rows

    def build_all(self) -> None:
        """Add every waiting link and delivery to the PuLP model (before its first solve)."""
        self._add_to_model(np.flatnonzero(self.waiting).tolist())
        self.waiting[:] = False
        self._add_deliveries(np.flatnonzero(self.waiting_deliveries).tolist())
        self.waiting_deliveries[:] = False

    def add_improving(self, solver, stage: str, sense: str) -> int:
        """Price the waiting links and deliveries against the stage just solved; add the
        improving ones to the PuLP and HiGHS models. The number of columns added (0: the
        stage is optimal over every link and delivery)."""
        y = np.asarray(solver._highs.getSolution().row_dual)
        links = self._add_improving_links(solver, stage, sense, y)
        deliveries = self._add_improving_deliveries(solver, stage, sense, y)
        added = links + deliveries
        if added:
            self.report.rounds += 1
            before = self.report.added_by_stage.get(stage, (0, 0))
            self.report.added_by_stage[stage] = (before[0] + links, before[1] + deliveries)
        return added

    @staticmethod
    def _improving(reduced: np.ndarray, sense: str) -> np.ndarray:
        # HiGHS's reduced costs are c - A'y for both senses: a column at its lower bound 0
        # improves a maximum when positive and a minimum when negative
        return reduced > PRICE_TOLERANCE if sense == "max" else reduced < -PRICE_TOLERANCE

    def _add_improving_links(self, solver, stage: str, sense: str, y: np.ndarray) -> int:
        if not self.waiting.any():
            return 0
        cost, origin_row, destination_row = self._price_arrays()
        c = self._stage_cost(np.outer(cost, self._combo_weight).ravel(), stage)
        reduced = c - (y[destination_row] - y[origin_row])
        chosen = np.flatnonzero(self._improving(reduced, sense) & self.waiting)
        if not len(chosen):
            return 0
        chosen = best_per_group(chosen, reduced[chosen] if sense == "min" else -reduced[chosen], destination_row[chosen])
        variables, stage_costs = self._add_to_model(chosen.tolist(), stage)
        k = len(chosen)
        index = np.empty(2 * k, dtype=np.int32)
        index[0::2], index[1::2] = origin_row[chosen], destination_row[chosen]
        solver.add_columns(variables, stage_costs, np.arange(0, 2 * k, 2, dtype=np.int32), index, np.tile([-1.0, 1.0], k))
        self.waiting[chosen] = False
        return k

    def _add_improving_deliveries(self, solver, stage: str, sense: str, y: np.ndarray) -> int:
        if not self.waiting_deliveries.any():
            return 0
        cost, starts, index, value = self._delivery_price_arrays()
        c = self._stage_cost(cost, stage)
        reduced = c - np.add.reduceat(value * y[index], starts)
        chosen = np.flatnonzero(self._improving(reduced, sense) & self.waiting_deliveries)
        if not len(chosen):
            return 0
        chosen = best_per_group(chosen, reduced[chosen] if sense == "min" else -reduced[chosen], index[starts[chosen]])
        variables, stage_costs = self._add_deliveries(chosen.tolist(), stage)
        ends = np.append(starts[1:], len(index))
        lengths = ends[chosen] - starts[chosen]
        take = np.concatenate([np.arange(a, b) for a, b in zip(starts[chosen], ends[chosen])])
        solver.add_columns(variables, stage_costs, np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int32),
                           index[take].astype(np.int32), value[take])
        self.waiting_deliveries[chosen] = False
        return len(chosen)

    def _stage_cost(self, cost: np.ndarray, stage: str) -> np.ndarray:
        """A waiting column's coefficient in the stage's objective. In the cost stage each
        column also carries its tie-break (1 to 2 x TIE_BREAK_MUSD, known once it is named):
        priced at the smallest, so no column that could improve the stage is missed."""
        if stage != COST_STAGE:
            return np.zeros_like(cost)
        return cost + families.TIE_BREAK_MUSD

    def _row_id(self, kind: str, key: tuple, year: int) -> int:
        """HiGHS's index of a per-year row (kind, *key) (PuLP's constraint id), found by name in
        one table of every row (looking each up in PuLP costs more than the pricing itself)."""
        m = self.model
        if not self._row_ids:
            self._row_ids = {c.name: c.id for c in m.prob.constraints()}
        return self._row_ids[m.rows[(kind, *key, *((year,) if m.inputs.multi_year else ()))]]

    def _price_arrays(self):
        if self._arrays is None:
            # the column's shape, as families.shipment_column gives it: out of the origin's
            # balance row of its form, element and origin class, into the destination's
            # balance rows of the column's year; its cost at the year's weight (_combo_weight)
            m, a, (e, o, year) = self.model, self.links[0], self.combos[0]
            _, balance, cost_musd = families.shipment_column(m, a, e, o, year)
            assert balance == [((a.from_site, a.form, e, o, year), -1.0), ((a.to_site, a.form, e, o, year), 1.0)]
            assert cost_musd == a.usd_per_t / families.USD_PER_MUSD * m.inputs.timeline.weight[year]
            # row ids per (site, form), one per combo: looked up once per site and form, then
            # gathered for every link with numpy (millions of columns wait at 1,000 sites)
            ends = sorted({(a.from_site, a.form) for a in self.links} | {(a.to_site, a.form) for a in self.links})
            position = {end: n for n, end in enumerate(ends)}
            table = np.array([[self._row_id("balance", (site, form, e, o), year) for e, o, year in self.combos]
                              for site, form in ends], dtype=np.int64)
            origin = table[[position[(a.from_site, a.form)] for a in self.links]].ravel()
            destination = table[[position[(a.to_site, a.form)] for a in self.links]].ravel()
            cost = np.array([a.usd_per_t for a in self.links], dtype=float) / families.USD_PER_MUSD
            self._arrays = (cost, origin, destination)
        return self._arrays

    def _delivery_entries(self, n: int):
        """Waiting delivery column n: its key, year, [(row id, coefficient)] and cost ($M per t)."""
        f, p, usd, number = self.deliveries[n // len(self.years)]
        year = self.years[n % len(self.years)]
        key, capacity, balance, cost = families.delivery_column(self.model, f, p, usd, year)
        entries = [(self._row_id("feed_dispatch", (f.feedstock_id,), year), -1.0),
                   (self._row_id("capacity_limit", capacity[:-1], year), 1.0),
                   *((self._row_id("balance", row[:-1], year), coef) for row, coef in balance)]
        return key, year, entries, cost, number

    def _delivery_price_arrays(self):
        if self._delivery_arrays is None:
            # a column's rows and yields depend only on the plant, the year and the feed's origin
            # class, elements held and heavy fraction: its entries are a template x the feed's shares
            templates: dict = {}
            weight = self.model.inputs.timeline.weight
            cost, starts, index, value = [], [], [], []
            for f, p, usd, _ in self.deliveries:
                shares = [getattr(f, f"share_{e.lower()}") for e in ELEMENTS]
                for year in self.years:
                    key = (p.site_id, p.technology_id, f.origin_class, f.heavy_other_fraction,
                           tuple(bool(x) for x in shares), year)
                    if key not in templates:  # as families.delivery_column builds the column
                        balance = [(self._row_id("balance", (p.site_id, form, e, f.origin_class), year), n, coef)
                                   for n, e in enumerate(ELEMENTS) if shares[n]
                                   for form, coef in families._yields(self.model, p, e, f.heavy_other_fraction)]
                        templates[key] = (self._row_id("capacity_limit", (p.site_id, p.technology_id), year), balance)
                    capacity_row, balance = templates[key]
                    per_t = usd + p.opex_usd_per_t
                    cost.append(per_t / families.USD_PER_MUSD * weight[year] if per_t else 0.0)
                    starts.append(len(index))
                    index += [self._row_id("feed_dispatch", (f.feedstock_id,), year), capacity_row, *(r for r, _, _ in balance)]
                    value += [-1.0, 1.0, *(shares[e] * coef for _, e, coef in balance)]
            self._delivery_arrays = (np.array(cost), np.array(starts, dtype=np.int64), np.array(index, dtype=np.int64),
                                     np.array(value))
        return self._delivery_arrays

    def _new_column(self, name: str, entries: list, cost_musd: float | None, stage: str | None):
        """A column added to the PuLP model as the build adds it (cost, tie-break), and its
        coefficient in the stage's objective."""
        m = self.model
        tie = families.TIE_BREAK_MUSD * families._tie_break_weight(name)
        objective = (cost_musd or 0.0) + tie if m.stages[0][0] == COST_STAGE else 0.0
        rows = self._rows_by_id()
        var = m.prob.add_column(name, 0, None, obj=objective, coefficients={rows[r]: c for r, c in entries})
        if cost_musd is not None:
            m.objectives[COST_STAGE].append((var, cost_musd))
        m.objectives["tie_break"].append((var, tie))
        return var, ((cost_musd or 0.0) + tie if stage == COST_STAGE else 0.0)

    def _rows_by_id(self) -> dict:
        if not hasattr(self, "_constraints"):
            self._constraints = {c.id: c for c in self.model.prob.constraints()}
        return self._constraints

    def _add_deliveries(self, chosen: list[int], stage: str | None = None) -> tuple[list, list[float]]:
        """Delivery variables for the chosen waiting columns, named and costed as
        families._feed_delivery builds them."""
        variables, stage_costs = [], []
        for n in chosen:
            key, year, entries, cost, number = self._delivery_entries(n)
            at = self.model.at(year)
            name = self.model.named(families._slug("feedin", number, *key), year)
            var, stage_cost = self._new_column(name, entries, cost, stage)
            at.feed_delivery[key] = var
            variables.append(var)
            stage_costs.append(stage_cost)
        self.report.deliveries_built = len(self._deliveries_built())
        return variables, stage_costs

    def _add_to_model(self, chosen: list[int], stage: str | None = None) -> tuple[list, list[float]]:
        """Shipment variables for the chosen waiting columns, added column-wise to the PuLP
        model exactly as families.build_shipments builds them (name, balance rows, cost, tie-
        break), and each one's coefficient in the stage's objective."""
        m = self.model
        variables, stage_costs = [], []
        per_year = len(self.combos) // len(self.years)  # a year's (element, origin class) combos
        for n in chosen:
            a, (e, o, year) = self.links[n // len(self.combos)], self.combos[n % len(self.combos)]
            at = m.at(year)
            key, balance, cost_musd = families.shipment_column(m, a, e, o, year)
            # numbered as build_shipments numbers it: the link's number x a year's combos + the combo
            name = m.named(families._slug("ship", a.number * per_year + n % per_year, *key), year)
            entries = [(self._row_id("balance", row[:-1], row[-1]), c) for row, c in balance]
            var, stage_cost = self._new_column(name, entries, cost_musd, stage)
            at.shipment[key] = var
            variables.append(var)
            stage_costs.append(stage_cost)
        self.report.links_built = len(self._links_built())
        self.report.links_added = self.report.links_built - self._first_built
        return variables, stage_costs
