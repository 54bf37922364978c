"""What the next $100M of federal money buys, in words: measured by re-solving with $100M
more, never a local slope (a shadow price) multiplied out to $100M, and never "does not bind"
of a budget that is all spent.

The model's own sentence (models/marginal.py) stays in the model's summary for the other
objectives; for max_weighted_supply the run and the sweep say the measured gain instead."""
from __future__ import annotations

NEXT_USD = 100e6
GAIN_T = 0.05  # weighted t/yr: below this the next $100M adds nothing
ALL_USED = 1e-3  # share of the budget left over below which the budget counts as all used


def measure_next(pipeline, budget_usd: float):
    """The solution with $100M more (a models.marginal.Snapshot: weighted supply and t/yr
    credited per element), re-solved warm, or None; the budget is put back after.
    Afterwards the model's variables hold the stepped solution: read everything else first."""
    from models.marginal import snapshot

    pipeline.set_budget(budget_usd + NEXT_USD)
    try:
        solution = pipeline.solve()
        return snapshot(pipeline.model) if solution.optimal else None
    finally:
        pipeline.set_budget(budget_usd)


def sentence(model_text: str, objective: str, status: str, weighted_now: float, after,
             federal_usd: float, budget_usd: float, floor: float, credited_now: dict | None = None) -> str:
    """The marginal-value sentence the run and the sweep print. after: measure_next's snapshot;
    credited_now: t/yr credited per element now, for the element split of the gain."""
    from models.marginal import element_clause

    weighted_next = after.weighted_supply if after is not None else None
    all_used = federal_usd >= budget_usd * (1 - ALL_USED) and budget_usd > 0
    if status != "optimal" or objective != "max_weighted_supply" or weighted_next is None:
        if all_used and model_text.startswith("The budget does not bind"):
            return (f"All ${budget_usd / 1e6:,.1f}M is used, but more federal money would not add supply.")
        return model_text
    gain = weighted_next - weighted_now
    if gain >= GAIN_T:
        split = ""
        if credited_now:  # element_clause takes t/yr per $1M and says it per $100M
            split = element_clause({e: (after.credited_t.get(e, 0.0) - t) / (NEXT_USD / 1e6)
                                    for e, t in credited_now.items()})
        return (f"The next $100M adds {gain:,.1f} t/yr of weighted supply{split} (measured: re-solved with "
                f"${(budget_usd + NEXT_USD) / 1e6:,.1f}M).")
    if floor > 0 and not all_used:
        return (f"Spending stops at the value floor (${federal_usd / 1e6:,.1f}M of ${budget_usd / 1e6:,.1f}M used): "
                f"no further plant adds {floor:g} weighted t/yr per federal $1M.")
    if not all_used:
        return (f"The budget does not bind (${federal_usd / 1e6:,.1f}M of ${budget_usd / 1e6:,.1f}M used): "
                "more federal money would not add supply.")
    return (f"All ${budget_usd / 1e6:,.1f}M is used, yet another $100M would add nothing (measured): "
            "feed and demand limit supply here, not money.")
