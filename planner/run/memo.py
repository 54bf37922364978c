"""The funding memo's reasoning, drawn from a solved run: the awards ranked by value for money
with one line of why each, existing plants apart from new awards, the measures in plain words,
and what a scenario changed against a reference run and why the answer did (or did not) move.

Only facts of the solution are used (capacity, production, feeds, element balance by form,
the summary); the words are built here and shown by planner/run/pages.py."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

# Tolerances for reading a solution: a feed "all used", demand "met", awards "the same".
USED_SHARE = 0.999
MET_T = 0.05
SAME_TPA = 1.0

DEFINITIONS = (
    ("Weighted t/yr", "tonnes per year of rare-earth oxide or metal made in the US for US demand, each element "
     "counted by how critical it is (its weight: {weights}). One tonne of terbium counts as much as "
     "{tb:.0f} t of neodymium."),
    ("Import reliance", "the share of an element's demand met by imports or left unmet."),
    ("Foreign-feed reliance", "the share of demand met by US plants working imported concentrate: made here, "
     "but on foreign ore."),
    ("Value floor", "the least an award must add per federal $1M: {floor}."),
)


def tech_words(name: str) -> str:
    """A technology's catalog name, short: 'Metallisation: oxide to metal ...' -> 'Metallisation'."""
    if ": " in name:
        return name.split(": ", 1)[0]
    return re.sub(r"\s*\([^)]*\)$", "", name)


def definitions(run) -> list[tuple[str, str]]:
    weights = _weights(run)
    shown = ", ".join(f"{e} {w:.3g}" for e, w in sorted(weights.items(), key=lambda kv: -kv[1]) if w > 0)
    floor = run.summary["min_value_per_musd"]
    floor_text = (f"{floor:g} weighted t/yr per federal $1M; awards within 25% of it are flagged" if floor
                  else "none is set in this scenario, so money is spent while supply grows")
    return [(term, text.format(weights=shown, tb=weights.get("Tb", 1.0) / max(weights.get("Nd", 1.0), 1e-9),
                               floor=floor_text)) for term, text in DEFINITIONS]


def _weights(run) -> dict[str, float]:
    weights = dict(zip(run.catalog.elements["element"], run.catalog.elements["weight"].astype(float)))
    weights.update(run.scenario.settings().weights)
    return {e: w for e, w in weights.items() if e != "other"}


def funded(capacity: pd.DataFrame) -> pd.DataFrame:
    from models.valuation import MIN_FUNDED_USD

    return capacity[(capacity["new_tpa"] > 0) & (capacity["federal_usd"] >= MIN_FUNDED_USD)]


def _limit(run, row, techs) -> str:
    """What stops this plant growing, in words: the budget, its demand, its feed or the value floor."""
    s = run.summary
    result = run.result
    if s.get("budget_binds", False):
        return f"budget: all ${s['budget_usd'] / 1e6:,.1f}M is awarded, so nothing can grow further"
    in_form, out_form = techs.at[row.technology, "input_form"], techs.at[row.technology, "output_form"]
    made = result.production[(result.production["site_id"] == row.site_id)
                             & (result.production["technology"] == row.technology)
                             & (result.production["output_t"] > 0)]
    elements = [e for e in made.sort_values("output_t", ascending=False)["element"] if e != "other"]
    by_form = result.elements_by_form.set_index(["element", "form"])
    short = [e for e in elements if (e, out_form) in by_form.index
             and by_form.at[(e, out_form), "credited_t"] < by_form.at[(e, out_form), "demand_t"] - MET_T]
    if elements and not short:
        return f"demand: with it, US demand for {_names(elements)} {out_form} is met in full"
    feeds = result.feeds[(result.feeds["form"] == in_form) & (result.feeds["supply_tpa"] > 0)]
    all_used = bool(len(feeds)) and bool((feeds["used_tpa"] >= USED_SHARE * feeds["supply_tpa"]).all())
    if short and (all_used or feeds.empty):
        where = "every tonne of it available is used" if all_used else "US plants upstream make no more of it"
        return f"feed: {_names(short)} {out_form} is still short of demand, but it needs {in_form} input and {where}"
    floor = s["min_value_per_musd"]
    if floor:
        return f"value floor: a larger plant would add less than {floor:g} weighted t/yr per further federal $1M"
    return "cost: the optimum sizes it against the other plants' output"


def _names(elements) -> str:
    items = list(elements)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Award:
    rank: int
    site: str
    state: str
    technology: str
    new_tpa: float
    federal_musd: float
    capex_musd: float
    weighted_t: float
    per_musd: float
    near_floor: bool
    why: str


KIND_WORDS = {"new_mine": "Develop the deposit", "expansion": "Expand the feed", "acceleration": "Bring the feed forward",
              "collection": "Magnet collection programme"}


def awards(run) -> list[Award]:
    """New awards, plants and feed options together, best weighted t/yr per federal $1M first,
    each with its reason."""
    from models.valuation import NEAR_FLOOR

    techs = run.catalog.technologies.set_index("technology_id")
    floor = run.summary["min_value_per_musd"]
    rows = funded(run.result.capacity).copy()
    rows["per_musd"] = rows["weighted_added_t"].fillna(0.0) / (rows["federal_usd"] / 1e6)
    items = [(row.per_musd, row.site_id, row.technology, row) for row in rows.itertuples(index=False)]
    items += [(row.per_musd, row.site_id, row.option_id, row) for row in developed_options(run).itertuples(index=False)]
    sites = run.catalog.sites.set_index("site_id")
    out = []
    for rank, (per_musd, site_id, what, row) in enumerate(sorted(items, key=lambda i: (-i[0], i[1], i[2])), start=1):
        near = bool(floor) and per_musd < NEAR_FLOOR * floor
        value = f"{per_musd / floor:,.1f}x the value floor; " if floor else ""
        if hasattr(row, "option_id"):
            out.append(Award(rank, sites.at[site_id, "name"], sites.at[site_id, "state"],
                             f"{KIND_WORDS.get(row.kind, row.kind)} ({row.option_id})", row.added_tpa,
                             row.federal_usd / 1e6, row.capex_usd / 1e6, float(row.weighted_added_t or 0), per_musd,
                             near, f"{value}{_option_why(row)}"))
            continue
        out.append(Award(rank, row.site_name, row.state, tech_words(techs.at[row.technology, "name"]),
                         row.new_tpa, row.federal_usd / 1e6, row.capex_usd / 1e6, float(row.weighted_added_t or 0),
                         per_musd, near, f"{value}limited by {_limit(run, row, techs)}."))
    return out


def developed_options(run) -> pd.DataFrame:
    """Feed options the plan develops (feed_options.csv), with weighted t/yr per federal $1M."""
    options = run.result.feed_options
    rows = options[options["developed"].astype(bool)].copy()
    rows["per_musd"] = rows["weighted_added_t"].astype(float).fillna(0.0) / (rows["federal_usd"] / 1e6)
    return rows


def _option_why(row) -> str:
    """A feed option's line: the feed it adds, from when, and the chance it works."""
    return (f"a feed award: adds {row.added_tpa:,.0f} t/yr of {row.feedstock_id} (nameplate; "
            f"{row.added_in_target_year_tpa:,.0f} t/yr in the target year) from {row.first_output_year:.0f}; "
            f"probability of technical success {row.success_probability:.0%}, which the plan does not discount.")


def awards_frame(items: list[Award]) -> pd.DataFrame:
    return pd.DataFrame(
        [(a.rank, a.site, a.state, a.technology, a.new_tpa, a.federal_musd, a.capex_musd, a.weighted_t, a.per_musd,
          ("NEAR THE FLOOR. " if a.near_floor else "") + a.why) for a in items],
        columns=AWARD_HEADS)


AWARD_HEADS = ["Rank", "Site", "State", "What it builds", "New capacity or added feed (t/yr)", "Federal award ($M)",
               "Total cost ($M)", "Adds (weighted t/yr)", "Weighted t/yr per federal $1M", "Why, and what limits it"]


def existing_frame(run) -> pd.DataFrame:
    """Plants already built: what they can take and what the plan runs through them."""
    techs = run.catalog.technologies.set_index("technology_id")
    cap = run.result.capacity
    cap = cap[cap["existing_tpa"] > 0].sort_values(["existing_tpa", "site_id"], ascending=[False, True])
    return pd.DataFrame({
        "Site": cap["site_name"], "State": cap["state"],
        "What it does": [tech_words(techs.at[t, "name"]) for t in cap["technology"]],
        "Existing capacity (t/yr of input)": cap["existing_tpa"],
        "Run in this plan (t/yr of input)": cap["throughput_tpa"],
        "Expansion awarded (t/yr)": cap["new_tpa"],
    })


# ---- what a scenario changed, against a reference run -----------------------------------------

SKIP_KEYS = ("name", "description")


def _shown(value, key: str = "") -> str:
    if key.endswith("_usd") and isinstance(value, list):
        return ", ".join(_shown(v, key) for v in value) or "none"
    if key.endswith("_usd") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"${value / 1e6:,.1f}M"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e6 else f"${value / 1e6:,.1f}M"
    if isinstance(value, (list, dict)):
        return ", ".join(f"{k} = {v}" for k, v in value.items()) if isinstance(value, dict) else \
            (", ".join(map(str, value)) or "none")
    return "none" if value is None else str(value)


YEAR_KEYS = ("years", "spend_profile", "appropriations_usd", "time_discount_rate")  # multi-year runs only


def changed_keys(run, reference) -> list[str]:
    mine, theirs = run.scenario.to_dict(), reference.scenario.to_dict()

    def shown(settings: dict, k: str) -> str:
        if k in YEAR_KEYS and k not in settings:  # a one-year run: these keys do not apply
            return f"{settings['target_year']} alone" if k == "years" else "(one year: not used)"
        return _shown(settings.get(k), k)

    return [f"{k} {shown(theirs, k)} -> {shown(mine, k)}" for k in mine
            if k not in SKIP_KEYS and mine.get(k) != theirs.get(k)]


def _award_map(run) -> dict[tuple[str, str], float]:
    rows = funded(run.result.capacity)
    out = {(r.site_name, r.technology): float(r.new_tpa) for r in rows.itertuples(index=False)}
    names = run.catalog.sites.set_index("site_id")["name"]
    out |= {(names[r.site_id], r.option_id): float(r.added_tpa) for r in developed_options(run).itertuples(index=False)}
    return out


def change_paragraph(run, reference, reference_label: str) -> str:
    """What the scenario changed against the reference, and why the answer did or did not move."""
    keys = changed_keys(run, reference)
    s, r = run.summary, reference.summary
    if not keys:
        return f"This scenario sets nothing differently from {reference_label}; its answer is the same run."
    head = f"Against {reference_label}, this scenario changes: {'; '.join(keys)}."
    mine, theirs = _award_map(run), _award_map(reference)
    same_awards = set(mine) == set(theirs) and all(abs(mine[k] - theirs[k]) <= SAME_TPA for k in mine)
    supply = (f"weighted supply {r['weighted_supply']:,.1f} -> {s['weighted_supply']:,.1f} t/yr, federal money "
              f"${r['federal_usd'] / 1e6:,.1f}M -> ${s['federal_usd'] / 1e6:,.1f}M")
    reliance = [f"{e} import reliance {r['import_reliance'].get(e, 0):.0%} -> {v:.0%}"
                for e, v in s["import_reliance"].items() if abs(v - r["import_reliance"].get(e, 0)) >= 0.005]
    before = reference.result.elements.set_index("element")
    for e in run.result.elements.itertuples(index=False):
        if e.element not in before.index:
            continue
        moved = [f"{what} {before.at[e.element, col]:,.1f} -> {getattr(e, col):,.1f} t/yr"
                 for what, col in (("imported", "imports_t"), ("unmet", "unmet_t"))
                 if abs(getattr(e, col) - before.at[e.element, col]) >= 0.5]
        if moved:
            reliance.append(f"{e.element} " + ", ".join(moved))
    if same_awards:
        why = (f"The awards did not move ({supply}). What limits the plan is the same in both: "
               f"{s['budget_marginal_value_text']}")
        if reliance:
            why += (" Only the import side moved (" + "; ".join(reliance) + "): imports are not bought with the "
                    "budget, so they change how much demand is met from abroad or left unmet, not which US plants "
                    "are worth funding.")
        else:
            why += " The change does not reach that limit, so the answer stays put."
        return f"{head} {why}"
    added = sorted(k for k in mine if k not in theirs)
    dropped = sorted(k for k in theirs if k not in mine)
    resized = sorted(k for k in mine if k in theirs and abs(mine[k] - theirs[k]) > SAME_TPA)
    moves = ([f"new: {', '.join(f'{a} {b}' for a, b in added)}"] if added else []) + \
            ([f"no longer funded: {', '.join(f'{a} {b}' for a, b in dropped)}"] if dropped else []) + \
            ([f"resized: {', '.join(f'{a} {b} {theirs[(a, b)]:,.0f} -> {mine[(a, b)]:,.0f} t/yr' for a, b in resized)}"]
             if resized else [])
    why = (f"The answer moved ({supply}; {'; '.join(moves)}). In {reference_label}: {r['budget_marginal_value_text']} "
           f"Here: {s['budget_marginal_value_text']}")
    if reliance:
        why += " " + "; ".join(reliance) + "."
    return f"{head} {why}"
