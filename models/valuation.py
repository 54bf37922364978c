"""What each new plant adds: the value-for-money check behind the value floor.

For every plant the solution builds, the model is re-solved warm with the other new plants
held at their solved sizes and this one's new capacity removed; the drop in weighted supply
is what the plant adds to the portfolio (flows re-optimised, so a plant whose output another
plant could have made adds little). Its federal dollars over that drop are its federal $
per weighted t/yr. With a value floor λ the LP optimum guarantees drop >= λ x federal $M
(removing a plant, the others fixed, is a feasible plan the optimiser did not prefer).
"""
from __future__ import annotations

from models.formulation import USD_PER_MUSD, Key
from models.solve import ZERO_T, StageSolver, solved_value

NEAR_FLOOR = 1.25  # a plant adding less than 1.25 x the floor per $1M is flagged "near the floor"
# New capacity whose federal dollars are below this is solver slack, not a funded plant: the
# cost stage may move up to 1e-7 of stage 1's optimum (models/solve.py, FLOOR_TOLERANCE)
MIN_FUNDED_USD = 10_000.0


OPTION = "feed_option"  # key (OPTION, option_id): what a developed feed option adds


def plant_additions(solver: StageSolver, sizes: dict[Key, float],
                    developed: dict[str, float] | None = None) -> dict[Key, float]:
    """(site, tech) -> weighted t/yr lost without that plant's new capacity, and (OPTION,
    option_id) -> lost without that developed feed option, everything else held as solved.

    sizes: the solved new capacity per plant, developed: the solved develop[o] (both read
    before any re-solve). Afterwards every bound is put back; the model's variables hold the
    last re-solve's values."""
    model = solver.model
    held = {k: (v, sizes.get(k, 0.0)) for k, v in model.new_capacity.items()}
    held |= {(OPTION, o): (v, round((developed or {}).get(o, 0.0))) for o, v in model.develop.items()}
    chosen = sorted(k for k, (_, value) in held.items() if value > ZERO_T)
    if not chosen or model.funded:
        return {}
    saved = {k: (v.lowBound, v.upBound) for k, (v, _) in held.items()}
    try:
        for v, value in held.values():
            solver.set_bounds(v, value, value)
        base = _weighted(solver)
        added = {}
        for key in chosen:
            var, value = held[key]
            solver.set_bounds(var, 0.0, 0.0)
            without = _weighted(solver)
            solver.set_bounds(var, value, value)
            added[key] = max(0.0, base - without) if base is not None and without is not None else float("nan")
    finally:
        for key, (v, _) in held.items():
            solver.set_bounds(v, *saved[key])
    return added


def _weighted(solver: StageSolver) -> float | None:
    solution = solver.solve()
    return solver.model.weighted_supply(solved_value) if solution.optimal else None


def per_weighted_t(federal_usd: float, added_t: float) -> float:
    """Federal $ per weighted t/yr added (inf where the plant adds nothing)."""
    return federal_usd / added_t if added_t > ZERO_T else float("inf")


def per_musd(federal_usd: float, added_t: float) -> float:
    """Weighted t/yr added per federal $1M."""
    return added_t / (federal_usd / USD_PER_MUSD) if federal_usd > 0 else float("inf")
