"""Shipping links priced back in: column generation over the intermediate-product links.

With every pair of sites linked, a catalog of n sites has about n² links, each a column per
element and origin class: 567,076 links at 1,000 sites. Few are ever used. With the scenario
key shipping_k_nearest = k > 0 the model is built with each site's k nearest links per form
(out of it and into it: nearest_first), and the others wait here. After each stage of the
lexicographic solve, every waiting link is priced with the duals y of the balance rows:

    reduced cost of shipping element e along i -> j in year t = c - (y[j, form, e, t] - y[i, form, e, t])

where c is the link's coefficient in the stage's objective (its annual cost at year t's weight
in the cost stage, nothing in the others). A multi-year model ships per year, so each year's
column of a link is priced against that year's balance rows. Links that would improve the
stage are added (to the PuLP model, with the column families.shipment_column gives every
shipment, and to the live HiGHS model), the stage is re-solved warm, and so on until no waiting link would improve it. Then the stage's
optimum over the links built is the optimum over all links (LP duality: the duals prove it).

Only the balance rows hold shipments, so only their duals enter the price. A model with
binaries has no duals to price with: all waiting links are then built before the first solve.
"""
from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from models import families
from sites.sets import ELEMENTS

# A waiting link is added when it would improve the stage by more than this per unit (the
# objective's units: weighted t/yr or $M/yr per t). HiGHS's dual feasibility tolerance is 1e-7.
PRICE_TOLERANCE = 1e-9
COST_STAGE = "annual_cost"  # the one stage objective in which a shipment has a coefficient


def nearest_first(arcs: list, k: int) -> tuple[list, list]:
    """(built, waiting) links, each list in the given order: with k > 0 a link is built if it
    is among the k nearest links of its form out of its origin, or into its destination (ties
    broken by site id); k = 0 builds every link. Every site and form with any link keeps at
    least one, so the model's balance rows are the same as with every link."""
    if k <= 0:
        return list(arcs), []
    out_of: dict = defaultdict(list)
    into: dict = defaultdict(list)
    for n, a in enumerate(arcs):
        out_of[(a.from_site, a.form)].append((a.distance_km, a.to_site, n))
        into[(a.to_site, a.form)].append((a.distance_km, a.from_site, n))
    keep = {n for group in (*out_of.values(), *into.values()) for _, _, n in heapq.nsmallest(k, group)}
    return [a for n, a in enumerate(arcs) if n in keep], [a for n, a in enumerate(arcs) if n not in keep]


@dataclass
class PricingReport:
    """What the pricing did over a solve: rounds that added links, and links built in all."""

    rounds: int = 0
    links_added: int = 0
    links_built: int = 0
    links_in_all: int = 0


class ShippingPricer:
    """The waiting links of one model, priced after each stage of StageSolver.solve.

    A waiting column is (link, element, origin class, year), numbered link x combos + combo,
    and held as arrays (1,000 sites leave millions waiting): its cost, its two balance rows
    and whether it still waits."""

    def __init__(self, model):
        self.model = model
        self.links = list(model.omitted_arcs)
        self.combos = [(e, o, year) for year in model.inputs.years for e in ELEMENTS for o in model.inputs.origins]
        weight = model.inputs.timeline.weight
        self._combo_weight = np.array([weight[year] for _, _, year in self.combos], dtype=float)
        built = len(self._links_built())
        self._first_built = built
        self.report = PricingReport(links_built=built, links_in_all=built + len(self.links))
        self.waiting = np.ones(len(self.links) * len(self.combos), dtype=bool)
        self._arrays = None  # (cost $M per t by link, origin row, destination row by column)

    def _links_built(self) -> set:
        """(from, to, form) of every link with a shipment column in any year."""
        return {key[:3] for year in self.model.inputs.years for key in self.model.at(year).shipment}

    @property
    def needs_all(self) -> bool:
        """True where pricing cannot prove optimality: binaries (no duals), or a cost stage
        that is not last (a floor row on the cost would hold shipments too)."""
        m = self.model
        return m.has_integers or ("floor", COST_STAGE) in m.rows

    def build_all(self) -> None:
        """Add every waiting link to the PuLP model (before its first solve)."""
        self._add_to_model(np.flatnonzero(self.waiting).tolist())
        self.waiting[:] = False

    def add_improving(self, solver, stage: str, sense: str) -> int:
        """Price the waiting links against the stage just solved; add the improving ones to
        the PuLP and HiGHS models. The number added (0: the stage is optimal over all links)."""
        if not self.waiting.any():
            return 0
        cost, origin_row, destination_row = self._price_arrays()
        y = np.asarray(solver._highs.getSolution().row_dual)
        c = self._stage_cost(np.outer(cost, self._combo_weight).ravel(), stage)
        reduced = c - (y[destination_row] - y[origin_row])
        # HiGHS's reduced costs are c - A'y for both senses: a column at its lower bound 0
        # improves a maximum when positive and a minimum when negative
        improving = reduced > PRICE_TOLERANCE if sense == "max" else reduced < -PRICE_TOLERANCE
        chosen = np.flatnonzero(improving & self.waiting)
        if not len(chosen):
            return 0
        variables, stage_costs = self._add_to_model(chosen.tolist(), stage)
        solver.add_columns(variables, stage_costs, origin_row[chosen], destination_row[chosen])
        self.waiting[chosen] = False
        self.report.rounds += 1
        return len(chosen)

    def _stage_cost(self, cost: np.ndarray, stage: str) -> np.ndarray:
        """A waiting column's coefficient in the stage's objective. In the cost stage each
        column also carries its tie-break (1 to 2 x TIE_BREAK_MUSD, known once it is named):
        priced at the smallest, so no link that could improve the stage is missed."""
        if stage != COST_STAGE:
            return np.zeros_like(cost)
        return cost + families.TIE_BREAK_MUSD

    def _price_arrays(self):
        if self._arrays is None:
            # the column's shape, as families.shipment_column gives it: out of the origin's
            # balance row of its form, element and origin class, into the destination's
            # balance rows of the column's year; its cost at the year's weight (_combo_weight)
            m, a, (e, o, year) = self.model, self.links[0], self.combos[0]
            _, balance, cost_musd = families.shipment_column(m, a, e, o, year)
            assert balance == [((a.from_site, a.form, e, o, year), -1.0), ((a.to_site, a.form, e, o, year), 1.0)]
            assert cost_musd == a.usd_per_t / families.USD_PER_MUSD * m.inputs.timeline.weight[year]
            rows: dict = {}

            def row_ids(site, form):
                if (site, form) not in rows:
                    rows[(site, form)] = [m.year_constraint("balance", site, form, e, o, year=year).id
                                          for e, o, year in self.combos]
                return rows[(site, form)]

            origin = np.array([row_ids(a.from_site, a.form) for a in self.links], dtype=np.int64).ravel()
            destination = np.array([row_ids(a.to_site, a.form) for a in self.links], dtype=np.int64).ravel()
            cost = np.array([a.usd_per_t for a in self.links], dtype=float) / families.USD_PER_MUSD
            self._arrays = (cost, origin, destination)
        return self._arrays

    def _add_to_model(self, chosen: list[int], stage: str | None = None) -> tuple[list, list[float]]:
        """Shipment variables for the chosen waiting columns, added column-wise to the PuLP
        model exactly as families.build_shipments builds them (name, balance rows, cost, tie-
        break), and each one's coefficient in the stage's objective."""
        m = self.model
        first_stage = m.stages[0][0]
        variables, stage_costs = [], []
        for n in chosen:
            a, (e, o, year) = self.links[n // len(self.combos)], self.combos[n % len(self.combos)]
            at = m.at(year)
            key, balance, cost_musd = families.shipment_column(m, a, e, o, year)
            name = m.named(families._slug("ship", len(at.shipment), *key), year)
            tie = families.TIE_BREAK_MUSD * families._tie_break_weight(name)
            objective = cost_musd + tie if first_stage == COST_STAGE else 0.0
            var = m.prob.add_column(name, 0, None, obj=objective,
                                    coefficients={m.year_constraint("balance", *row[:-1], year=row[-1]): c
                                                  for row, c in balance})
            at.shipment[key] = var
            m.objectives[COST_STAGE].append((var, cost_musd))
            m.objectives["tie_break"].append((var, tie))
            variables.append(var)
            stage_costs.append(cost_musd + tie if stage == COST_STAGE else 0.0)
        self.report.links_built = len(self._links_built())
        self.report.links_added = self.report.links_built - self._first_built
        return variables, stage_costs
