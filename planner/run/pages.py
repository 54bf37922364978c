"""A run's report.xlsx (tables for analysts) and report.html (one page for a manager)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.outputs import charts, html as html_page
from planner.outputs.html import escape
from planner.outputs.xlsx import Sheet, write_workbook
from planner.run.text import scope_line, value_lines
from sites import Catalog



def headline(summary: dict) -> list[tuple[str, str]]:
    """The numbers a reader looks at first, already formatted."""
    return [
        ("objective: " + summary["objective"], f"{summary['objective_value']:,.1f} {summary['objective_unit']}"),
        ("weighted supply", f"{summary['weighted_supply']:,.1f} t/yr"),
        ("federal money used", f"${summary['federal_usd'] / 1e6:,.1f}M of ${summary['budget_usd'] / 1e6:,.1f}M"),
        ("total capex", f"${summary['capex_usd'] / 1e6:,.1f}M"),
        ("annual cost", f"${summary['annual_cost_musd']:,.1f}M/yr"),
        ("next $100M adds", f"{100 * summary['budget_marginal_value']:,.2f} {summary['objective_unit']}"),
    ]


def _cited_ids(values) -> list[str]:
    if isinstance(values, (list, tuple)):
        return [str(v) for v in values if v]
    return [v for v in str(values).split(";") if v] if isinstance(values, str) else []


def provenance_used(run) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sources and assumptions cited by the catalog rows this run's answer rests on."""
    catalog: Catalog = run.catalog
    result = run.result
    settings = run.summary["settings"]
    sites_used = set(result.capacity["site_id"]) | set(result.feeds.loc[result.feeds["used_tpa"] > 0, "site_id"])
    techs_used = set(result.capacity["technology"])
    feeds_used = set(result.feeds.loc[result.feeds["used_tpa"] > 0, "feedstock_id"])
    used = {
        "sites": (catalog.sites[catalog.sites["site_id"].isin(sites_used)], "site_id"),
        "technologies": (catalog.technologies[catalog.technologies["technology_id"].isin(techs_used)],
                         "technology_id"),
        "feedstocks": (catalog.feedstocks[catalog.feedstocks["feedstock_id"].isin(feeds_used)], "feedstock_id"),
        "site_capacity": (catalog.site_capacity[catalog.site_capacity["site_id"].isin(sites_used)
                                                & catalog.site_capacity["technology_id"].isin(techs_used)], "site_id"),
        "elements": (catalog.elements, "element"),
        "demand": (catalog.demand[catalog.demand["target_year"] == settings["target_year"]], "element"),
        "imports": (catalog.imports[catalog.imports["case"] == settings["import_case"]], "element"),
        "parameters": (catalog.parameters, "parameter"),
    }
    cited: dict[str, set[str]] = {}
    for table, (frame, id_col) in used.items():
        columns = [c for c in frame.columns if c.endswith("_source") or c in ("source", "sources")]
        for _, row in frame.iterrows():
            for col in columns:
                for ref in _cited_ids(row[col]):
                    cited.setdefault(ref, set()).add(f"{table}:{row[id_col]}.{col}")
    where = {ref: "; ".join(sorted(places)) for ref, places in cited.items()}
    sources = catalog.sources[catalog.sources["source_id"].isin(where)].copy()
    sources["cited_by"] = sources["source_id"].map(where)
    assumptions = catalog.assumptions[catalog.assumptions["assumption_id"].isin(where)].copy()
    assumptions["cited_by"] = assumptions["assumption_id"].map(where)
    return (assumptions.sort_values("assumption_id").reset_index(drop=True),
            sources.sort_values("source_id").reset_index(drop=True))


def settings_frame(summary: dict) -> pd.DataFrame:
    rows = []
    for key, value in summary["settings"].items():
        if isinstance(value, dict):
            text = ", ".join(f"{k} = {v:g}" if isinstance(v, (int, float)) else f"{k} = {v}" for k, v in value.items())
        elif isinstance(value, list):
            text = ", ".join(map(str, value))
        else:
            text = "" if value is None else str(value)
        rows.append((key, text or "(catalog default / none)"))
    return pd.DataFrame(rows, columns=["setting", "value"])


def summary_frame(summary: dict) -> pd.DataFrame:
    rows = [("scenario", summary["scenario"]), ("description", summary["description"]),
            ("status", summary["status"]), *[(k, v) for k, v in headline(summary)],
            ("demand scope", summary.get("demand_scope", "")),
            ("value floor (weighted t/yr per federal $1M)", summary.get("min_value_per_musd", 0.0)),
            ("marginal value", summary["budget_marginal_value_text"]),
            ("marginal value method", summary.get("budget_marginal_method", "LP shadow price")),
            ("solver", summary["solver"]), ("inputs sha256", summary["inputs_sha256"])]
    return pd.DataFrame(rows, columns=["item", "value"])


def write_xlsx(run, path: Path) -> None:
    assumptions, sources = provenance_used(run)
    sheets = {
        "summary": pd.concat([summary_frame(run.summary), pd.DataFrame([("", "")], columns=["item", "value"]),
                              settings_frame(run.summary).set_axis(["item", "value"], axis=1)]),
        "capacity": run.result.capacity,
        "elements": run.result.elements,
        "flows": run.result.flows,
        "assumptions": assumptions,
        "sources": sources,
    }
    write_workbook(path, [Sheet(name, frame) for name, frame in sheets.items()])


CAPACITY_FORMATS = {"existing_tpa": "{:,.0f}", "new_tpa": "{:,.0f}", "total_tpa": "{:,.0f}",
                    "throughput_tpa": "{:,.0f}", "federal_$M": "{:,.1f}", "capex_$M": "{:,.1f}"}
ELEMENT_FORMATS = {"demand_t": "{:,.1f}", "domestic_t": "{:,.1f}", "imports_t": "{:,.1f}", "unmet_t": "{:,.1f}",
                   "import_reliance": "{:.1%}", "foreign_feed_t": "{:,.1f}", "foreign_feed_reliance": "{:.1%}",
                   "heavy_concentrate_t": "{:,.1f}"}


def capacity_view(capacity: pd.DataFrame) -> pd.DataFrame:
    view = capacity[["site_name", "state", "technology", "existing_tpa", "new_tpa", "total_tpa", "throughput_tpa",
                     "capex_usd", "federal_usd"]].copy()
    view["capex_usd"] = view["capex_usd"] / 1e6
    view["federal_usd"] = view["federal_usd"] / 1e6
    return view.rename(columns={"site_name": "site", "capex_usd": "capex_$M", "federal_usd": "federal_$M"})


def html_report(run, has_map: bool) -> str:
    s = run.summary
    title = f"ree-planner: {s['scenario']}"
    png = charts.element_balance_png(run.result.elements)
    map_part = ('<iframe src="map.html" title="Portfolio map"></iframe>'
                '<p><a href="map.html">Open the map on its own page</a></p>') if has_map \
        else "<p>(This run was written without a map.)</p>"
    body = f"""
<h1>{escape(title)}</h1>
<p class="lede">{escape(s['description'])}</p>
{html_page.cards(headline(s))}
<p class="note">{escape(s['budget_marginal_value_text'])}</p>
<h2>New and existing capacity (t/yr of input)</h2>
{html_page.table(capacity_view(run.result.capacity), CAPACITY_FORMATS)}
<h2>Value for money: funded plants</h2>
<pre>{escape(chr(10).join(value_lines(run)))}</pre>
<h2>Element balance ({escape(str(s['settings']['target_year']))} demand, t/yr REO)</h2>
<p>{escape(scope_line(run.summary))} Import reliance: share of demand met by imports or left unmet;
foreign-feed reliance: share met by US plants from imported concentrate.</p>
{html_page.png_img(png, "Element balance: domestic supply, imports and unmet demand per element")}
{html_page.table(run.result.elements, ELEMENT_FORMATS)}
<h2>Map</h2>
{map_part}
<h2>Scenario settings</h2>
{html_page.table(settings_frame(s))}
<footer>Status {escape(s['status'])}; {escape(s['solver'])}; marginal value: {escape(s.get('budget_marginal_method', ''))};
inputs sha256 {escape(s['inputs_sha256'])}. Tables, flows and sources: report.xlsx and the CSV files in this folder.</footer>
"""
    return html_page.page(title, body)


def write_run_reports(run, folder: Path) -> None:
    """report.xlsx and report.html, written into the run's (scratch) folder."""
    folder = Path(folder)
    write_xlsx(run, folder / "report.xlsx")
    (folder / "report.html").write_text(html_report(run, (folder / "map.html").exists()), encoding="utf-8")
