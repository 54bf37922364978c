"""Readable terminal tables of a run."""
from __future__ import annotations

from planner.outputs.text import text_table
from planner.run.pipeline import Run


def capacity_text(run: Run) -> str:
    cap = run.result.capacity[["site_name", "state", "technology", "existing_tpa", "new_tpa", "throughput_tpa",
                               "federal_usd"]].copy()
    cap["federal_usd"] = cap["federal_usd"] / 1e6
    cap = cap.rename(columns={"site_name": "site", "federal_usd": "federal_$M"})
    fmt = {"existing_tpa": "{:,.0f}", "new_tpa": "{:,.0f}", "throughput_tpa": "{:,.0f}", "federal_$M": "{:,.1f}"}
    return text_table(cap, fmt)


def elements_text(run: Run) -> str:
    fmt = {"demand_t": "{:,.1f}", "domestic_t": "{:,.1f}", "imports_t": "{:,.1f}", "unmet_t": "{:,.1f}",
           "import_reliance": "{:.1%}"}
    return text_table(run.result.elements, fmt)


def run_text(run: Run, out_dir) -> str:
    s = run.summary
    head = [
        f"Scenario {s.scenario}: {s.description}".rstrip(": "),
        f"Status: {s.status}; objective {s.objective} = {s.objective_value:,.3f} {s.objective_unit}",
        f"Federal money: ${s.federal_usd / 1e6:,.1f}M of ${s.budget_usd / 1e6:,.1f}M "
        f"(total capex ${s.capex_usd / 1e6:,.1f}M at {s.federal_share:.0%} federal share)",
        s.budget_marginal_value_text,
    ]
    return "\n".join([
        *head, "", "Capacity (t/yr of REO input):", capacity_text(run), "",
        f"Element balance (t/yr REO, {s.settings['target_year']} demand):", elements_text(run), "", f"Outputs written to {out_dir}/",
    ])
