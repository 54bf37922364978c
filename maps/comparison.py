"""One map comparing several portfolios: a toggleable layer per portfolio.

Each portfolio's new plants are circles in its colour, sized by new capacity. Where
several portfolios (or technologies) build at one site, their circles sit on a small
ring around the site's point (pixel offsets, so they stay apart at every zoom); a dark
dot marks the site itself. Every user string goes through maps.escape.text.
"""

from __future__ import annotations

import math

import folium

from maps import legend, numbers, style
from maps.escape import css_token, text
from maps.labels import short_label
from maps.lookup import CatalogIndex
from maps.render import finish, far_insets, base_map

PORTFOLIO_COLOURS = ["#1f5fa8", "#c0392b", "#2e8b3a", "#7b3fa0", "#e67e22", "#19a3b8", "#8b5a2b", "#d4ac0d",
                     "#ff69b4", "#5d6d7e"]
RING_GAP_PX = 3.0  # between neighbouring circles on a site's ring
POPUP_WIDTH = 420


def portfolio_colours(names) -> dict[str, str]:
    """Colour per portfolio in the order given (cycled past ten)."""
    return {name: PORTFOLIO_COLOURS[i % len(PORTFOLIO_COLOURS)] for i, name in enumerate(names)}


def _new_plants(result):
    cap = result.capacity
    return cap[cap["new_tpa"] > 0]


def ring_offsets(radii: list[float]) -> list[tuple[float, float]]:
    """Pixel offsets putting circles of these radii evenly on a ring without overlap."""
    n = len(radii)
    if n <= 1:
        return [(0.0, 0.0)] * n
    biggest = max(radii)
    # neighbours on a ring of radius R are 2 R sin(pi/n) apart; that must exceed two radii
    ring = (biggest + RING_GAP_PX / 2) / math.sin(math.pi / n)
    return [(round(ring * math.sin(2 * math.pi * k / n), 2), round(-ring * math.cos(2 * math.pi * k / n), 2))
            for k in range(n)]


def _popup(name: str, row: dict, projects, index: CatalogIndex) -> str:
    site = index.sites.get(str(row["site_id"]), {})
    lines = [
        f"<h4 style='margin:0 0 4px'>{text(name)}</h4>",
        f"<div><b>{text(site.get('name') or row['site_id'])}</b> {text(site.get('state') or '')}</div>",
        f"<div>{text(index.technology_name(str(row['technology'])))}</div>",
        f"<div>New capacity: {numbers.tonnes(row['new_tpa'])} t/yr; running {numbers.tonnes(row['throughput_tpa'])}"
        " t/yr</div>",
        f"<div>Federal: {numbers.usd(row['federal_usd'])} of capex {numbers.usd(row['capex_usd'])}</div>",
    ]
    if projects is not None and len(projects):
        items = "".join(f"<li>{text(p['project_id'])}: {text(p['applicant'])}, {numbers.tonnes(p['capacity_tpa'])}"
                        f" t/yr, {numbers.usd(p['federal_request_usd'])}</li>" for p in projects.to_dict("records"))
        lines.append(f"<div>Projects<ul style='margin:2px 0 0 16px;padding:0'>{items}</ul></div>")
    return "<div class='ree-popup ree-compare-popup' style='font:12px/1.35 sans-serif'>" + "".join(lines) + "</div>"


def _legend(colours: dict[str, str], summaries: dict[str, dict], largest: float) -> str:
    items = []
    for name, colour in colours.items():
        s = summaries.get(name) or {}
        value = s.get("objective_value")
        extra = f" ({numbers.usd(s.get('federal_usd'))}; objective {value:,.1f})" if value is not None else ""
        items.append("<div class='ree-legend-item'><svg width='14' height='14' style='vertical-align:middle'>"
                     f"<circle cx='7' cy='7' r='5' fill='{colour}' stroke='#222' stroke-width='1'/></svg> "
                     f"{text(name)}{text(extra)}</div>")
    head = "<div class='ree-legend-section'><b>Portfolios (new plants)</b>" + "".join(items) + "</div>"
    return head + legend.sizes(largest) + (
        "<div class='ree-legend-section'><b>Sites</b><div class='ree-legend-item'>dark dot: the site; circles "
        "around it: portfolios building there</div></div>")


def render_comparison_map(results: dict, catalog, *, web_tiles: bool = False) -> folium.Map:
    """New plants of each portfolio (name -> PortfolioResult) on one offline-ready map."""
    index = CatalogIndex.of(catalog)
    colours = portfolio_colours(list(results))
    plants = {name: _new_plants(r) for name, r in results.items()}
    largest = max((float(p["new_tpa"].max()) for p in plants.values() if len(p)), default=0.0)

    at_site: dict[str, list[tuple[str, dict]]] = {}  # site -> (portfolio, capacity row), drawing order
    for name, frame in plants.items():
        for row in frame.sort_values(["site_id", "technology"]).to_dict("records"):
            at_site.setdefault(str(row["site_id"]), []).append((name, row))

    m = base_map(web_tiles)  # the result map's base, so both look alike
    reach: dict[str, float] = {}  # site -> how far its circles reach right of the site (px)
    groups = {name: folium.FeatureGroup(name=text(f"Portfolio: {name}"), show=True) for name in results}
    anchors = folium.FeatureGroup(name=text("Sites in any portfolio"), show=True)
    for site_id in sorted(at_site):
        location = index.location(site_id)
        site_name = index.sites[site_id].get("name") or site_id
        entries = at_site[site_id]
        radii = [style.plant_radius(float(row["new_tpa"]), largest) for _, row in entries]
        offsets = ring_offsets(radii)
        reach[site_id] = round(max(dx + r for r, (dx, _) in zip(radii, offsets)), 2)
        for (name, row), radius, (dx, dy) in zip(entries, radii, offsets):
            portfolio = getattr(results[name], "portfolio", None)
            projects = None
            if portfolio is not None and len(portfolio):
                projects = portfolio[(portfolio["site_id"].astype(str) == site_id)
                                     & (portfolio["technology"].astype(str) == str(row["technology"]))]
            marker = folium.CircleMarker(
                location, radius=radius, color="#222222", weight=1, fill=True, fill_color=colours[name],
                fill_opacity=0.85,
                class_name=f"ree-plant ree-portfolio-{css_token(name)} ree-site-{css_token(site_id)}",
                popup=folium.Popup(_popup(name, row, projects, index), max_width=POPUP_WIDTH),
                tooltip=folium.Tooltip(text(f"{name}: {site_name} – {index.technology_name(str(row['technology']))}"
                                            f": {numbers.tonnes(row['new_tpa'])} t/yr new"), sticky=True),
            )
            marker.options["pane"] = "ree-plants"
            if dx or dy:
                marker.options["offsetPx"] = [dx, dy]
            marker.add_to(groups[name])
        dot = folium.CircleMarker(location, radius=2.5, color="#111111", weight=1, fill=True, fill_color="#111111",
                                  fill_opacity=1.0, class_name=f"ree-site-anchor ree-site-{css_token(site_id)}",
                                  tooltip=folium.Tooltip(text(site_name)))
        dot.options["pane"] = "ree-plants"
        dot.add_to(anchors)
    for group in groups.values():
        group.add_to(m)
    anchors.add_to(m)

    summaries = {name: getattr(r, "summary", None) for name, r in results.items()}
    # labels: sites by the new capacity built there (all portfolios), largest first
    built = {s: sum(float(row["new_tpa"]) for _, row in entries) for s, entries in at_site.items()}
    labels = [[*index.location(s), short_label(s, index.sites[s].get("name")), reach[s]]
              for s in sorted(built, key=lambda s: (-built[s], s))]
    insets = far_insets(index, {s: ("#111111", 4.0, "#111111") for s in at_site}, [])
    return finish(m, "Plants", [index.location(s) for s in at_site], _legend(colours, summaries, largest),
                   labels, insets)
