"""Read an OR-Library capacitated warehouse file and solve it the way the planner solves.

Format (Beasley, OR-Library capinfo): `m n`; m pairs `capacity fixed_cost`; for each of the
n customers its demand d_j then m costs c_ij of serving all of j's demand from warehouse i.
Line breaks carry no meaning. Model behind the published optima (demand may be split):

    min  sum_i f_i y_i + sum_ij c_ij x_ij
    s.t. sum_i x_ij = 1 (each j);  sum_j d_j x_ij <= s_i y_i (each i);  x_ij <= y_i;  y binary

Warehouse i is a fixed-charge choice exactly like a feed option: fixed_charge gives y_i and
the amount served a_i <= s_i y_i (`warehouse_max`); `served[i]` ties a_i to sum_j d_j x_ij.
"""
from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pulp

from models.families import fixed_charge
from models.formulation import PortfolioModel
from models.solve import StageSolver

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Instance:
    name: str
    capacity: list[float]
    fixed: list[float]
    demand: list[float]
    cost: list[list[float]]  # cost[j][i]: all of customer j's demand from warehouse i


def read_instance(path: str | Path, capacity: float | None = None) -> Instance:
    """Parse one file; `capacity` replaces the literal word 'capacity' (capa/capb/capc)."""
    path = Path(path)
    tokens = path.read_text().split()
    if capacity is None and "capacity" in tokens:
        raise ValueError(f"{path}: capacities are the word 'capacity'; give a value (--capacity)")
    numbers = [float(capacity if t == "capacity" else t) for t in tokens]
    m, n = int(numbers[0]), int(numbers[1])
    pairs = numbers[2:2 + 2 * m]
    rest = numbers[2 + 2 * m:]
    if len(rest) != n * (m + 1):
        raise ValueError(f"{path}: expected {n * (m + 1)} customer numbers after the warehouses, got {len(rest)}")
    rows = [rest[j * (m + 1):(j + 1) * (m + 1)] for j in range(n)]
    return Instance(path.stem, pairs[0::2], pairs[1::2], [r[0] for r in rows], [r[1:] for r in rows])


def pose(inst: Instance, integer: bool = True) -> PortfolioModel:
    """The instance as a PortfolioModel whose one stage is min annual_cost."""
    # StageSolver reads the budget (none here) and the value floor (none) from the inputs
    m = PortfolioModel(inputs=SimpleNamespace(budget_usd=0.0, min_value_per_musd=0.0), objective="min_cost",
                       prob=pulp.LpProblem(inst.name, pulp.LpMinimize))
    cost: list = []
    opened = []
    for i, (cap, fixed) in enumerate(zip(inst.capacity, inst.fixed)):
        y, served = fixed_charge(m, "warehouse", (i,), cap, integer=integer)
        opened.append((y, served))
        cost.append((y, fixed))
    into = [[] for _ in opened]
    for j, (d, costs) in enumerate(zip(inst.demand, inst.cost)):
        share = [m.prob.add_variable(f"x_{i}_{j}", 0, 1) for i in range(len(opened))]
        m.row("customer", (j,), [(x, 1.0) for x in share], "==", 1.0)
        for i, x in enumerate(share):
            m.row("open_only", (i, j), [(x, 1.0), (opened[i][0], -1.0)], "<=", 0.0)
            into[i].append((x, -d))
            cost.append((x, costs[i]))
    for i, (_, served) in enumerate(opened):
        m.row("served", (i,), [(served, 1.0), *into[i]], "==", 0.0)
    m.objectives = {"annual_cost": cost, "tie_break": []}
    m.prob.setObjective(pulp.LpAffineExpression.from_list(cost))
    return m


def solve(inst: Instance, mip_gap: float = 0.0) -> tuple[float, float]:
    """(optimum, solve seconds) through StageSolver, MIP gap 0 by default."""
    model = pose(inst)
    start = time.perf_counter()
    solution = StageSolver(model, mip_gap=mip_gap).solve()
    seconds = time.perf_counter() - start
    if not solution.optimal:
        raise RuntimeError(f"{inst.name}: {solution.status} {solution.message}")
    return solution.stage_values["annual_cost"], seconds


def optima() -> dict[str, float]:
    """Published optima (OR-Library capopt.txt) of the fixtures in data/."""
    with open(DATA / "optima.csv", newline="") as fh:
        return {r["instance"]: float(r["optimum"]) for r in csv.DictReader(fh)}
