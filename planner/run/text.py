"""Readable terminal tables of a run."""
from __future__ import annotations

from planner.outputs.text import text_table
from planner.run.pipeline import Run


# A terminal shows every plant up to this many; a larger catalog (hundreds of synthetic or
# candidate sites) shows the plants that are built or run, and capacity.csv keeps them all.
TERMINAL_PLANT_ROWS = 40


def capacity_text(run: Run) -> str:
    cap = run.result.capacity[["site_name", "state", "technology", "existing_tpa", "new_tpa", "available_tpa",
                               "throughput_tpa", "federal_usd"]].copy()
    idle = 0
    if len(cap) > TERMINAL_PLANT_ROWS:
        active = (cap["new_tpa"].round(0) > 0) | (cap["throughput_tpa"].round(0) > 0)
        idle = int((~active).sum())
        cap = cap[active]
    cap["federal_usd"] = cap["federal_usd"] / 1e6
    cap = cap.rename(columns={"site_name": "site", "federal_usd": "federal_$M"})
    fmt = {"existing_tpa": "{:,.0f}", "new_tpa": "{:,.0f}", "available_tpa": "{:,.0f}", "throughput_tpa": "{:,.0f}",
           "federal_$M": "{:,.1f}"}
    table = text_table(cap, fmt)
    if idle:
        table += (f"\n  ({idle:,} more plants add no capacity and process nothing at the optimum; "
                  "capacity.csv lists every plant)")
    return table


ELEMENT_TEXT_COLUMNS = {"element": None, "demand_t": "{:,.1f}", "domestic_t": "{:,.1f}", "imports_t": "{:,.1f}",
                        "unmet_t": "{:,.1f}", "import_reliance": "{:.1%}", "foreign_feed_reliance": "{:.1%}",
                        "heavy_concentrate_t": "{:,.1f}"}
SCOPE_TEXT = {"magnet_makers": "US magnet makers' need for oxide and metal (demand.csv plus eVAC Sumter)",
              "us_consumption": "US magnet consumption: magnet makers plus magnets imported bare and in products"}


def elements_text(run: Run) -> str:
    frame = run.result.elements[list(ELEMENT_TEXT_COLUMNS)]
    return text_table(frame, {k: v for k, v in ELEMENT_TEXT_COLUMNS.items() if v})


def scope_line(summary) -> str:
    """Which demand the element balance covers."""
    return f"Demand scope {summary.demand_scope}: {SCOPE_TEXT.get(summary.demand_scope, summary.demand_scope)}."


def value_lines(run: Run) -> list[str]:
    """Every funded new plant and developed feed option with its federal $ per weighted t/yr
    added; those within 25% of the value floor flagged."""
    from models.valuation import MIN_FUNDED_USD

    floor = run.summary.min_value_per_musd
    cap = run.result.capacity
    funded = cap[(cap["new_tpa"] > 0) & (cap["federal_usd"] >= MIN_FUNDED_USD)]
    options = _option_value_lines(run, floor)
    if funded.empty and not options:
        return ["Value for money: no new plant is funded."]
    head = f"Value for money (floor {floor:g} weighted t/yr per federal $1M):" if floor else \
        "Value for money (no value floor set):"
    lines = [head]
    for r in funded.itertuples(index=False):
        if r.weighted_added_t != r.weighted_added_t:  # NaN: proposals evaluated as built (see the projects table)
            lines.append(f"  {r.site_name} {r.technology}: ${r.federal_usd / 1e6:,.1f}M federal; what it adds is "
                         "measured per project below (marginal_wt)")
            continue
        lines.append(_value_line(f"  {r.site_name} {r.technology}: ${r.federal_usd / 1e6:,.1f}M federal", r, floor))
    return lines + options


def _value_line(head: str, r, floor: float) -> str:
    """What one award (plant or feed option) adds for its federal money, flagged near or below the floor."""
    from models.valuation import NEAR_FLOOR

    per_musd = r.weighted_added_t / (r.federal_usd / 1e6) if r.federal_usd else float("inf")
    flag = "  <- near the floor" if floor and per_musd < NEAR_FLOOR * floor else ""
    flag = "  <- BELOW the floor" if floor and per_musd < floor * (1 - 1e-6) else flag
    return (f"{head} adds {r.weighted_added_t:,.1f} weighted t/yr = ${r.federal_usd_per_weighted_t:,.0f} per "
            f"weighted t/yr ({per_musd:,.1f} per $1M){flag}")


def _option_value_lines(run: Run, floor: float) -> list[str]:
    """Developed feed options (mines, collection tiers), valued as the plants above."""
    options = run.result.feed_options
    names = run.catalog.sites.set_index("site_id")["name"]
    lines = []
    for r in options[options["developed"].astype(bool)].itertuples(index=False):
        head = f"  {names[r.site_id]} {r.option_id} ({r.kind}): ${r.federal_usd / 1e6:,.1f}M federal"
        if r.weighted_added_t != r.weighted_added_t:
            lines.append(f"{head} for {r.added_tpa:,.1f} t/yr of feed; what it adds is measured per project below "
                         "(marginal_wt)")
            continue
        lines.append(_value_line(head, r, floor))
    return lines


def timeline_lines(run: Run) -> list[str]:
    """A multi-year run's what runs when: each award's decision, first output and full rate, and
    when each element's import reliance falls (none for a one-year run)."""
    from planner.run import when

    by_year = run.result.elements_by_year
    if by_year.empty:
        return []
    years = sorted(set(by_year["year"]))
    table = when.when_frame(when.phases(run))
    fmt = {"Federal award ($M)": "{:,.1f}"}
    return [f"What runs when, {years[0]}-{years[-1]} (capacity_by_year.csv, spend_by_year.csv, timeline.png):",
            text_table(table, fmt) if len(table) else "  no new capacity is decided.",
            "Import reliance by year (elements_by_year.csv):", *(f"  {line}" for line in when.reliance_lines(by_year)),
            f"  {when.demand_note(by_year)}", ""]


def future_lines(run: Run) -> list[str]:
    """A run with futures: the futures, the stochastic plan's result and regret in each, and
    EVPI and VSS in words (none without futures)."""
    values = run.summary.futures
    if not values:
        return []
    unit, reference = values["unit"], values["reference_future"]
    table = run.result.futures
    lines = [f"Futures (futures.csv, elements_by_future.csv): one plan for {len(table)} futures, "
             + ", ".join(f"{f} {p:.0%}" for f, p in zip(table["future"], table["probability"])) + "."]
    for r in table.itertuples(index=False):
        lines.append(f"  {r.future}: weighted supply {r.weighted_supply:,.1f} t/yr; own optimum {r.own_optimum:,.3f}, "
                     f"this plan {r.stochastic_plan_value:,.3f}, regret {r.regret:,.3f}")
    lines.append(f"  EVPI {values['evpi']:,.3f} {unit}: what knowing the future before funding would add, in expectation.")
    lines.append(f"  VSS {values['vss']:,.3f} {unit}: what this plan adds, in expectation, over funding the plan "
                 f"that is best if {reference} is sure.")
    if "minimax_regret" in values:
        lines.append(f"  Largest regret (regret.csv): this plan {values['stochastic_max_regret']:,.3f}, the minimax-regret "
                     f"plan {values['minimax_regret']:,.3f} {unit}.")
    return [*lines, ""]


def run_text(run: Run, out_dir) -> str:
    s = run.summary
    head = [
        f"Scenario {s.scenario}: {s.description}".rstrip(": "),
        f"Status: {s.status}; objective {s.objective} = {s.objective_value:,.3f} {s.objective_unit}",
        f"Federal money: ${s.federal_usd / 1e6:,.1f}M of ${s.budget_usd / 1e6:,.1f}M "
        f"(total capex ${s.capex_usd / 1e6:,.1f}M at {s.federal_share:.0%} federal share)",
        s.budget_marginal_value_text,
    ]
    if s.shipping is not None:  # shipping_k_nearest: say how the pricing went
        sh = s.shipping
        head.append(f"Shipping links: {sh['links_built']:,} of {sh['links_in_all']:,} built, feed deliveries "
                    f"{sh['deliveries_built']:,} of {sh['deliveries_in_all']:,} (each site's "
                    f"{sh['k_nearest']} nearest first, {sh['pricing_rounds']} round(s) of pricing added the rest "
                    "that could improve the plan; the others are proven not to)")
    return "\n".join([
        *head, "", "Capacity (t/yr of REO input):", capacity_text(run), "",
        *value_lines(run), "",
        *timeline_lines(run),
        *future_lines(run),
        f"Element balance (t/yr REO, {s.settings['target_year']} demand):", scope_line(s), elements_text(run), "",
        f"Outputs written to {out_dir}/",
    ])
