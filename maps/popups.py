"""HTML for the site and plant popups. Every catalog or result value goes through
escape.text, so names, operators and notes are shown as text, never run."""

from __future__ import annotations

import pandas as pd

from maps import numbers
from maps.escape import text
from maps.lookup import CatalogIndex, as_list
from sites.sets import ELEMENTS

_STYLE = (
    "<style>.ree-popup{font:12px/1.35 sans-serif;max-width:400px}"
    ".ree-popup h4{margin:0 0 4px;font-size:14px}"
    ".ree-popup table{border-collapse:collapse;margin:4px 0}"
    ".ree-popup th,.ree-popup td{border-bottom:1px solid #ddd;padding:1px 6px 1px 0;text-align:left}"
    ".ree-popup td.n{text-align:right}.ree-popup tr.ree-this td{font-weight:bold}"
    ".ree-popup ul{margin:2px 0 0 16px;padding:0}.ree-popup .muted{color:#666}</style>"
)


def _facts(rows: list[tuple[str, object]]) -> str:
    cells = "".join(
        f"<tr><th>{text(label)}</th><td>{text(value)}</td></tr>"
        for label, value in rows
        if value not in (None, "") and not (isinstance(value, float) and value != value)
    )
    return f"<table>{cells}</table>" if cells else ""


def _sources(site: dict | None, index: CatalogIndex) -> str:
    ids = as_list(site.get("sources")) if site else []
    if not ids:
        return ""
    items = "".join(f"<li>{text(index.source_label(i))}</li>" for i in ids)
    return f"<div><b>Sources</b><ul class='ree-sources'>{items}</ul></div>"


def _site_header(site: dict | None, site_id: str, fallback_name: str = "") -> str:
    name = (site or {}).get("name") or fallback_name or site_id
    state = (site or {}).get("state") or ""
    suffix = f" <span class='muted'>{text(state)}</span>" if state else ""
    return f"<h4 class='ree-name'>{text(name)}{suffix}</h4>"


ELEMENT_ORDER = list(ELEMENTS)


def _output_table(production: pd.DataFrame, index: CatalogIndex) -> str:
    """Output t/yr per technology and element. Kept per technology: a metal plant fed
    by the oxide plant next to it re-counts the same tonnes, so a site total would
    double count."""
    if production is None or not len(production) or "output_t" not in production:
        return ""
    table = production.pivot_table(index="technology", columns="element", values="output_t", aggfunc="sum")
    elements = [e for e in ELEMENT_ORDER if e in table.columns] + sorted(set(table.columns) - set(ELEMENT_ORDER))
    head = "<tr><th>Output t/yr</th>" + "".join(f"<th>{text(e)}</th>" for e in elements) + "</tr>"
    body = "".join(
        f"<tr><td>{text(index.technology_name(str(tech)))}</td>"
        + "".join(f"<td class='n'>{numbers.tonnes(table.at[tech, e])}</td>" for e in elements)
        + "</tr>"
        for tech in sorted(table.index, key=str)
    )
    return f"<table class='ree-output'>{head}{body}</table>"


def _award_what(row: dict, index: CatalogIndex) -> str:
    """A plant award's technology, or a feed option award's id and kind (portfolio.csv)."""
    option = row.get("option_id")
    if isinstance(option, str) and option:
        return f"Feed option {option} ({row.get('kind')})"
    return index.technology_name(str(row.get("technology")))


def _proposals_table(portfolio: pd.DataFrame, index: CatalogIndex) -> str:
    if not len(portfolio):
        return ""
    rows = "".join(
        f"<tr><td>{text(row.get('project_id'))}</td><td>{text(row.get('applicant'))}</td>"
        f"<td>{text(_award_what(row, index))}</td>"
        f"<td class='n'>{numbers.tonnes(row.get('capacity_tpa'))}</td>"
        f"<td class='n'>{numbers.usd(row.get('federal_request_usd'))}</td></tr>"
        for row in portfolio.sort_values("project_id").to_dict("records")
    )
    head = "<tr><th>Project</th><th>Applicant</th><th>Technology</th><th>t/yr</th><th>Federal</th></tr>"
    return f"<div><b>Funded proposals</b><table class='ree-proposals'>{head}{rows}</table></div>"


def site_popup(site_id: str, index: CatalogIndex) -> str:
    """Catalog facts about one site: what it is, where the point comes from, capacity
    already built, what may be built, and its sources."""
    site = index.sites[site_id]
    precision = site.get("location_precision") or ""
    basis = site.get("location_basis") or ""
    location = f"{precision}: {basis}" if basis else precision
    facts = _facts([
        ("Operator", site.get("operator")),
        ("Kind", site.get("kind")),
        ("Status", site.get("status")),
        ("Location", location),
        ("Cost multiplier", site.get("cost_multiplier")),
        ("May build", ", ".join(index.technology_name(t) for t in as_list(site.get("allowed_technologies")))),
        ("Note", site.get("note")),
    ])
    existing = index.existing.get(site_id, {})
    capacity = ""
    if existing:
        rows = "".join(
            f"<tr><td>{text(index.technology_name(tech))}</td><td class='n'>{numbers.tonnes(tpa)}</td></tr>"
            for tech, tpa in sorted(existing.items())
        )
        capacity = f"<table><tr><th>Technology</th><th>Existing t/yr</th></tr>{rows}</table>"
    feeds = _feeds_table(index.feedstocks.get(site_id, []))
    return (f"{_STYLE}<div class='ree-popup ree-site-popup'>{_site_header(site, site_id)}{facts}{capacity}{feeds}"
            f"{_sources(site, index)}</div>")


def _feeds_table(feeds: list[dict]) -> str:
    """The site's feedstocks: base supply, the magnet elements' shares and first year."""
    if not feeds:
        return ""
    head = "<tr><th>Feed</th><th>Form</th><th>t/yr REO</th><th>Nd %</th><th>Pr %</th><th>Dy %</th><th>Tb %</th><th>From</th></tr>"
    rows = "".join(
        f"<tr><td>{text(f.get('name'))}</td><td>{text(f.get('form'))}</td>"
        f"<td class='n'>{numbers.tonnes(f.get('supply_tpa_base'))}</td>"
        + "".join(f"<td class='n'>{100 * float(f.get(k) or 0.0):.2f}</td>"
                  for k in ("share_nd", "share_pr", "share_dy", "share_tb"))
        + f"<td class='n'>{text(f.get('start_year'))}</td></tr>"
        for f in sorted(feeds, key=lambda f: str(f.get("feedstock_id")))
    )
    return f"<table class='ree-feeds'>{head}{rows}</table>"


def plant_popup(
    site_id: str,
    technology: str,
    capacity: pd.DataFrame,
    production: pd.DataFrame,
    index: CatalogIndex,
    portfolio: pd.DataFrame | None = None,
    year: int | None = None,
) -> str:
    """What the result builds at one site: capacity per technology (the clicked one in
    bold), money, output per element, and the site's sources.

    `capacity`, `production` and `portfolio` (funded proposals) are the result rows
    for this site only; a multi-year map's `year` is the year whose capacity is shown."""
    site = index.sites.get(site_id)
    fallback = str(capacity["site_name"].iloc[0]) if "site_name" in capacity and len(capacity) else ""
    head = "<tr><th>Technology</th><th>Existing</th><th>New</th><th>Total t/yr</th><th>Used t/yr</th><th>Capex</th><th>Federal</th></tr>"
    body = ""
    for row in capacity.sort_values("technology").to_dict("records"):
        mark = " class='ree-this'" if row["technology"] == technology else ""
        body += (
            f"<tr{mark}><td>{text(index.technology_name(str(row['technology'])))}</td>"
            f"<td class='n'>{numbers.tonnes(row.get('existing_tpa'))}</td>"
            f"<td class='n'>{numbers.tonnes(row.get('new_tpa'))}</td>"
            f"<td class='n ree-total'>{numbers.tonnes(row.get('total_tpa'))}</td>"
            f"<td class='n'>{numbers.tonnes(row.get('throughput_tpa'))}</td>"
            f"<td class='n'>{numbers.usd(row.get('capex_usd'))}</td>"
            f"<td class='n'>{numbers.usd(row.get('federal_usd'))}</td></tr>"
        )
    totals = _facts([
        ("Capex at site", numbers.usd(capacity["capex_usd"].sum()) if "capex_usd" in capacity else None),
        ("Federal at site", numbers.usd(capacity["federal_usd"].sum()) if "federal_usd" in capacity else None),
    ])
    output = _output_table(production, index)
    proposals = _proposals_table(portfolio, index) if portfolio is not None else ""
    operator = _facts([("Operator", (site or {}).get("operator"))]
                      + ([("Capacity shown", f"running in {year} (existing, and new after ramp-up); "
                                             "capex and federal: the whole plan")] if year is not None else []))
    return (
        f"{_STYLE}<div class='ree-popup ree-plant-popup'>{_site_header(site, site_id, fallback)}{operator}"
        f"<table class='ree-capacity'>{head}{body}</table>{totals}{output}{proposals}{_sources(site, index)}</div>"
    )
