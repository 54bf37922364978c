"""A run's report.xlsx (tables for analysts) and report.html (one page for a manager)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.outputs import html as html_page
from planner.outputs.html import escape
from planner.outputs.xlsx import Sheet, write_workbook
from planner.run import memo, when
from planner.run.text import scope_line
from sites import Catalog



def headline(summary: dict) -> list[tuple[str, str]]:
    """The numbers a reader looks at first, already formatted."""
    return [
        ("objective: " + summary["objective"], f"{summary['objective_value']:,.1f} {summary['objective_unit']}"),
        ("weighted supply", f"{summary['weighted_supply']:,.1f} t/yr"),
        ("federal money used", f"${summary['federal_usd'] / 1e6:,.1f}M of ${summary['budget_usd'] / 1e6:,.1f}M"),
        ("total capex", f"${summary['capex_usd'] / 1e6:,.1f}M"),
        ("annual cost", f"${summary['annual_cost_musd']:,.1f}M/yr"),
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


YEAR_SHEETS = ("capacity_by_year", "elements_by_year", "spend_by_year")
WHEN_FORMATS = {"Federal award ($M)": "{:,.1f}"}


def timeline_png(run) -> bytes | None:
    """A multi-year run's timeline chart (None for a one-year run)."""
    result = run.result
    if result.elements_by_year.empty:
        return None
    from planner.outputs import charts  # matplotlib: only where a chart is drawn (not for the workbook)

    return charts.timeline_png(result.elements_by_year, result.spend_by_year, when.phases(run))


def _timeline_part(run, png: bytes | None) -> str:
    """A multi-year run's memo opens with what runs when: the timeline chart, each award's
    decision, first output and full-rate years, and when each element's reliance falls."""
    result = run.result
    if result.elements_by_year.empty:
        return ""
    table = when.phases(run)
    png = png if png is not None else timeline_png(run)
    lines = "".join(f"<li>{escape(line)}</li>" for line in when.reliance_lines(result.elements_by_year))
    years = sorted(set(result.elements_by_year["year"]))
    return f"""
<h2>What runs when, {years[0]}-{years[-1]}</h2>
<p>A build decided in one year spends its federal money over the spend profile
({escape(", ".join(f"{x:.0%}" for x in run.summary["settings"]["spend_profile"]))} a year from its decision) and
first produces after its technology's lead time, then ramps up. {escape(when.demand_note(result.elements_by_year))}</p>
{html_page.table(when.when_frame(table), WHEN_FORMATS)}
<p>When each element's import reliance falls:</p>
<ul>{lines}</ul>
{html_page.png_img(png, "Timeline: supply and import reliance per element per year, federal spend per year, awards")}
"""


def _futures_part(run) -> str:
    """A run with futures: each future's result under the one plan, EVPI and VSS in words."""
    from planner.run.text import future_lines

    lines = future_lines(run)
    if not lines:
        return ""
    head, *rest = [line.strip() for line in lines if line.strip()]
    items = "".join(f"<li>{escape(line)}</li>" for line in rest)
    return f"""
<h2>One plan across futures</h2>
<p>{escape(head)}</p>
<ul>{items}</ul>
"""


def write_xlsx(run, path: Path) -> None:
    assumptions, sources = provenance_used(run)
    sheets = {
        "summary": pd.concat([summary_frame(run.summary), pd.DataFrame([("", "")], columns=["item", "value"]),
                              settings_frame(run.summary).set_axis(["item", "value"], axis=1)]),
        "capacity": run.result.capacity,
        "elements": run.result.elements,
        "flows": run.result.flows,
        # multi-year runs: what runs when
        **{name: getattr(run.result, name) for name in YEAR_SHEETS if not getattr(run.result, name).empty},
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


MEMO_STYLE = """
.memo-defs dt { font-weight: 600; float: left; clear: left; margin-right: 0.4rem; }
.memo-defs dd { margin: 0 0 0.3rem 0; }
.flag { color: #c92a2a; font-weight: 600; }
td.why { max-width: 26rem; }
iframe.map { height: 34rem; }
details summary { cursor: pointer; color: #495057; }
@page { size: Letter; margin: 1.4cm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; } tr, .card, img, iframe { break-inside: avoid; }
  iframe.map { height: 15cm; }
  details { display: none; } .cards { gap: 0.4rem; }
}
"""
AWARD_FORMATS = {"Rank": "{:d}", "New capacity or added feed (t/yr)": "{:,.0f}", "Federal award ($M)": "{:,.1f}",
                 "Total cost ($M)": "{:,.1f}", "Adds (weighted t/yr)": "{:,.1f}",
                 "Weighted t/yr per federal $1M": "{:,.0f}"}
EXISTING_FORMATS = {"Existing capacity (t/yr of input)": "{:,.0f}", "Run in this plan (t/yr of input)": "{:,.0f}",
                    "Expansion awarded (t/yr)": "{:,.0f}"}
ELEMENT_WORDS = {"element": "Element", "demand_t": "Demand (t/yr)", "domestic_t": "Made in the US (t/yr)",
                 "imports_t": "Imported (t/yr)", "unmet_t": "Unmet (t/yr)", "import_reliance": "Import reliance",
                 "foreign_feed_reliance": "Foreign-feed reliance"}


def _supply_card(run) -> str:
    """A multi-year run's weighted supply is its (discount-weighted) average over the years."""
    years = sorted(set(run.result.elements_by_year["year"])) if not run.result.elements_by_year.empty else []
    return f"weighted supply (t/yr, average {years[0]}-{years[-1]})" if years else "weighted supply (t/yr)"


def memo_cards(run) -> list[tuple[str, str]]:
    """Headline numbers, each said once."""
    s = run.summary
    items = memo.awards(run)
    heavy = [f"{e} {s['import_reliance'].get(e, 0):.0%}" for e in ("Dy", "Tb") if e in s["import_reliance"]]
    return [
        (_supply_card(run), f"{s['weighted_supply']:,.0f}"),
        ("federal money awarded", f"${s['federal_usd'] / 1e6:,.1f}M of ${s['budget_usd'] / 1e6:,.1f}M"),
        ("new awards", f"{len(items)} (total cost ${sum(a.capex_musd for a in items):,.1f}M)"),
        ("import reliance, heavy rare earths", ", ".join(heavy) or "none"),
    ]


def _map_part(folder: Path | None, has_map: bool) -> str:
    """The run's map inside the page (srcdoc), so the memo keeps its map when sent alone."""
    if not has_map or folder is None:
        return "<p>(This run was written without a map.)</p>"
    inner = (Path(folder) / "map.html").read_text(encoding="utf-8")
    return (f'<iframe class="map" title="Map of the plan: plants, feeds and flows" '
            f'srcdoc="{escape(inner, quote=True)}"></iframe>')


def html_report(run, has_map: bool, folder: Path | None = None, reference=None, timeline: bytes | None = None,
                balance: bytes | None = None) -> str:
    """The funding memo: what to fund, in what order and why; reference = (Run, label) or None;
    balance: the element-balance chart, if already drawn."""
    s = run.summary
    title = f"Funding memo: {s['scenario']}"
    if balance is None:
        from planner.outputs import charts

        balance = charts.element_balance_png(run.result.elements)
    defs = "".join(f"<dt>{escape(term)}:</dt><dd>{escape(text)}</dd>" for term, text in memo.definitions(run))
    items = memo.awards(run)
    near = [a for a in items if a.near_floor]
    flag = (f'<p class="flag">{len(near)} award{"s" if len(near) != 1 else ""} near the value floor: '
            f'{escape(", ".join(f"{a.site} ({a.technology})" for a in near))}.</p>') if near else ""
    if reference is not None:
        ref_run, label = reference
        change = f"<p>{escape(memo.change_paragraph(run, ref_run, label))}</p>"
    else:
        change = "<p>(No reference run was given, so this memo does not compare against the baseline.)</p>"
    elements = run.result.elements[list(ELEMENT_WORDS)].rename(columns=ELEMENT_WORDS)
    element_formats = {v: ELEMENT_FORMATS[k] for k, v in ELEMENT_WORDS.items() if k in ELEMENT_FORMATS}
    body = f"""
<h1>{escape(title)}</h1>
<p class="lede">{escape(s['description'])}</p>
<dl class="memo-defs">{defs}</dl>
{html_page.cards(memo_cards(run))}{_timeline_part(run, timeline)}{_futures_part(run)}
<h2>Recommended awards, best value for money first</h2>
<p class="note">{escape(s['budget_marginal_value_text'])}</p>
{flag}
{html_page.table(memo.awards_frame(items), AWARD_FORMATS)}
<h2>What this scenario changed, and why the answer did or did not move</h2>
{change}
<h2>Existing plants (already built, not awards)</h2>
{html_page.table(memo.existing_frame(run), EXISTING_FORMATS)}
<h2>Element balance ({escape(str(s['settings']['target_year']))} demand, t/yr of oxide or metal)</h2>
<p>{escape(scope_line(run.summary))}</p>
{html_page.png_img(balance, "Element balance: domestic supply, imports and unmet demand per element")}
{html_page.table(elements, element_formats)}
<h2>Map</h2>
{_map_part(folder, has_map)}
<details><summary>All scenario settings (for analysts)</summary>
{html_page.table(settings_frame(s))}
</details>
<footer>Status {escape(s['status'])}; {escape(s['solver'])}; marginal value: {escape(s.get('budget_marginal_method', ''))};
inputs sha256 {escape(s['inputs_sha256'])}. Tables, flows and sources: report.xlsx and the CSV files in this folder
(they keep the code names: site_id, new_tpa, federal_usd, ...).</footer>
"""
    return html_page.page(title, body, MEMO_STYLE)


def write_run_reports(run, folder: Path, reference=None, workbook: bool = True, map_written=None) -> None:
    """report.xlsx (workbook False: written elsewhere) and report.html, written into the run's
    (scratch) folder; the memo takes in map.html, so map_written() (if given) is called, once
    the charts are drawn, to wait for it. reference = (Run, label) to compare against, or None."""
    folder = Path(folder)
    if workbook:
        write_xlsx(run, folder / "report.xlsx")
    png = timeline_png(run)
    if png is not None:  # multi-year runs
        (folder / "timeline.png").write_bytes(png)
    from planner.outputs import charts

    balance = charts.element_balance_png(run.result.elements)  # drawn while the map may still be written
    if map_written is not None:
        map_written()
    html = html_report(run, (folder / "map.html").exists(), folder, reference, png, balance)
    (folder / "report.html").write_text(html, encoding="utf-8")
