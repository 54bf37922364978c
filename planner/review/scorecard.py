"""Scorecard metrics of evaluated portfolios: one row per portfolio, one per project.

Every column is defined once, in planner/outputs/columns.csv; the xlsx "Columns" sheet, the
html glossary and docs/outputs.md all come from it.
"""
from __future__ import annotations

import math

import pandas as pd

from planner.review.evaluation import Evaluation, gain
from planner.review.proposals import unfed_projects
from planner.outputs.columns import columns_of
from sites.sets import MAGNET_ELEMENTS, PRODUCT_FORMS

# A plant running below this share of its capacity gets a low-feed warning: the
# proposal can still be evaluated, but its feed (or demand for its product) is short.
LOW_UTILISATION = 0.5

# (name, unit, definition) of every scorecard column, from planner/outputs/columns.csv
PORTFOLIO_COLUMNS: list[tuple[str, str, str]] = [(c.name, c.unit, c.definition) for c in columns_of("scorecard.csv")]
PROJECT_COLUMNS: list[tuple[str, str, str]] = [(c.name, c.unit, c.definition)
                                               for c in columns_of("scorecard_projects.csv")]


def _ratio(num: float, den: float) -> float:
    return num / den if den and abs(den) > 1e-12 else math.nan


def _warning_text(problem) -> str:
    return f"{problem.column} {problem.value}: expected {problem.expected}"


def _plants(ev: Evaluation) -> pd.DataFrame:
    """Capacity rows of the plants the projects build or expand."""
    cap = ev.result.capacity
    keys = {(q.site_id, q.technology_id) for q in ev.proposals.projects if not q.is_option}
    mask = [(s, t) in keys for s, t in zip(cap["site_id"], cap["technology"])]
    return cap[mask]


def project_rows(ev: Evaluation) -> pd.DataFrame:
    cap = ev.result.capacity.set_index(["site_id", "technology"])
    states = ev.run.catalog.sites.set_index("site_id")["state"]
    marginals = ev.marginals.set_index("project_id") if len(ev.marginals) else None
    rows = []
    for q in ev.proposals.projects:
        key = (q.site_id, q.technology_id)
        used = cap.loc[key] if not q.is_option and key in cap.index else None
        utilisation = _ratio(used["throughput_tpa"], used["total_tpa"]) if used is not None else math.nan
        warnings = [_warning_text(p) for p in ev.review.warnings_of(q.project_id)]
        if not math.isnan(utilisation) and utilisation < LOW_UTILISATION:
            warnings.append(f"low feed: the plant runs at {utilisation:.0%} of its capacity (feed, or demand for "
                            "its product, is short)")
        m = marginals.loc[q.project_id] if marginals is not None and q.project_id in marginals.index else None
        weighted = float(m["marginal_weighted_t"]) if m is not None else math.nan
        rows.append({
            "portfolio": ev.name, "project_id": q.project_id, "applicant": q.applicant, "site_id": q.site_id,
            "state": states.get(q.site_id, ""), "technology": q.technology_id, "capacity_tpa": q.capacity_tpa,
            "federal_request_usd": q.federal_usd, "total_capex_usd": q.capex_usd,
            "federal_share_requested": _ratio(q.federal_usd, q.capex_usd),
            "marginal_objective": float(m["marginal_objective"]) if m is not None else math.nan,
            "marginal_weighted_t": weighted,
            "federal_usd_per_weighted_t": _ratio(q.federal_usd, weighted) if weighted > 1e-6 else math.nan,
            "weighted_t_per_federal_musd": _ratio(weighted, q.federal_usd / 1e6) if q.federal_usd > 0 else math.nan,
            "option_id": q.option_id,
            "plant_utilisation": utilisation,
            "warnings": " | ".join(warnings),
        })
    return pd.DataFrame(rows, columns=[c for c, _, _ in PROJECT_COLUMNS])


def largest_site(ev: Evaluation) -> tuple[str, float]:
    """The site whose separation and metal plants make the most weighted product, and its
    share of weighted domestic supply (capped at 1: a chain re-counts tonnes it passes on).

    Made, not delivered: with free freight the model may deliver product anywhere, but
    what a site makes is what is lost if that site stops."""
    made = ev.result.production
    total = float(ev.result.summary.weighted_supply)
    if not len(made) or total <= 0:
        return "", math.nan
    forms = ev.run.catalog.technologies.set_index("technology_id")["output_form"]
    made = made[made["technology"].map(forms).isin(PRODUCT_FORMS)]
    weighted = made["output_t"] * made["element"].map(ev.weights).fillna(0.0)
    # per site and product form; a site making both oxide and metal counts the larger
    per_form = weighted.groupby([made["site_id"], made["technology"].map(forms)]).sum()
    per_site = per_form.groupby(level=0).max().sort_values(ascending=False, kind="stable")
    if not len(per_site) or per_site.iloc[0] <= 0:
        return "", math.nan
    return str(per_site.index[0]), min(1.0, float(per_site.iloc[0]) / total)


def portfolio_row(ev: Evaluation, projects: pd.DataFrame | None = None) -> dict:
    s = ev.result.summary
    projects = project_rows(ev) if projects is None else projects
    elements = ev.result.elements.set_index("element")
    weighted = float(s.weighted_supply)
    added = weighted - ev.existing_only.weighted_supply if ev.existing_only else math.nan
    federal, capex = float(s.federal_usd), float(s.capex_usd)
    plants = _plants(ev)
    keys = sorted({(q.site_id, q.technology_id) for q in ev.proposals.projects if not q.is_option})
    unfed = unfed_projects(list(ev.proposals.projects), ev.run.scenario, ev.run.catalog)
    unfed_keys = {(q.site_id, q.technology_id) for q in ev.proposals.projects if q.project_id in unfed}
    sites = {q.site_id for q in ev.proposals.projects}  # plants' and feed options' sites
    site, share = largest_site(ev)
    row = {
        "portfolio": ev.name, "source": ev.source, "projects": len(ev.proposals.projects),
        "objective": s.objective, "objective_value": float(s.objective_value),
        "objective_unit": s.objective_unit,
        "weighted_supply_t": weighted, "weighted_supply_added_t": added,
    }
    for e in MAGNET_ELEMENTS:
        known = e in elements.index
        row[f"domestic_t_{e}"] = float(elements.at[e, "domestic_t"]) if known else math.nan
        row[f"import_reliance_{e}"] = float(elements.at[e, "import_reliance"]) if known else math.nan
    row.update({
        "federal_usd": federal, "budget_usd": float(s["budget_usd"]),
        "budget_used_share": _ratio(federal, float(s["budget_usd"])),
        "federal_usd_per_weighted_t": _ratio(federal, added) if added > 1e-6 else math.nan,
        "total_capex_usd": capex,
        "cost_share_achieved": 1 - _ratio(federal, capex) if capex > 0 else math.nan,
        "cost_share_required": 1 - float(s["federal_share"]),
        "states": len({str(x) for x in projects["state"]}), "sites": len(sites),
        "largest_site": site, "largest_site_share": share,
        "plants": len(keys), "plants_fed": len(keys) - len(unfed_keys),
        "feed_coverage": "yes" if not unfed_keys else "no",
        "new_capacity_utilisation": _ratio(float(plants["throughput_tpa"].sum()), float(plants["total_tpa"].sum()))
        if len(plants) else math.nan,
        "annual_cost_musd": float(s["annual_cost_musd"]),
        "warnings": sum(len(w.split(" | ")) for w in projects["warnings"] if w),
    })
    return row


def scorecards(evaluations: list[Evaluation], optimum: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(portfolio table, project table); with an optimum, ranked with regret."""
    project_tables = [project_rows(ev) for ev in evaluations]
    rows = [portfolio_row(ev, p) for ev, p in zip(evaluations, project_tables)]
    table = pd.DataFrame(rows)
    if optimum is not None and len(evaluations):
        sense = evaluations[0].sense
        table["regret"] = [gain(sense, optimum, v) for v in table["objective_value"]]
        table["regret_share"] = [_ratio(r, abs(optimum)) for r in table["regret"]]
        order = table.assign(_key=table["regret"]).sort_values(["_key", "federal_usd", "portfolio"], kind="stable")
        table = order.drop(columns="_key").reset_index(drop=True)
        table.insert(0, "rank", range(1, len(table) + 1))
    columns = [c for c, _, _ in PORTFOLIO_COLUMNS if c in table.columns]
    projects = pd.concat(project_tables, ignore_index=True) if project_tables else pd.DataFrame(
        columns=[c for c, _, _ in PROJECT_COLUMNS])
    if "rank" in table:  # projects follow the ranking
        order = {name: i for i, name in enumerate(table["portfolio"])}
        projects = projects.sort_values("portfolio", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    return _tidy(table[columns]), _tidy(projects)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Round floats as the run tables are, and turn -0.0 into 0.0 (equal answers, equal bytes)."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(6) + 0.0
    return out
