"""The two maps: the catalog (where things could go) and a result (what gets built).

Layers, bottom to top: state outlines (own pane, not clickable), optional web tiles
(off by default), candidate sites by kind, demand sites, flows (own pane) and built
plants (own pane, so re-showing another layer never covers them).
"""

from __future__ import annotations

import warnings

import folium
import pandas as pd

from maps import legend, numbers, style
from maps.arrows import ARROW_SPACING_PX, INSET_ARROW_SPACING_PX, FlowArrows
from maps.basemap import REGION_BOUNDS, states_geojson
from maps.controls import Legend, PageStyle, PlantOffsets, RegionButtons
from maps.escape import css_token, text
from maps.inset import Insets, far_region, in_lower48, region_bounds
from maps.labels import SiteLabels, short_label
from maps.lookup import CatalogIndex
from maps.popups import plant_popup, site_popup
from maps.years import YearControl, capacity_in, flows_in, inset_contents, plan_years

POPUP_WIDTH = 460
PLANT_GAP_PX = 3  # between circles of one site drawn side by side
FIT_PADDING = (40, 40)
FIT_MAX_ZOOM = 7


def _state_style(_feature) -> dict:
    return {"color": "#8a8a8a", "weight": 0.8, "fillColor": "#f3efe6", "fillOpacity": 1.0}


def base_map(web_tiles: bool) -> folium.Map:
    """Offline base: state outlines in their own pane, panes for flows and plants, optional tiles."""
    m = folium.Map(location=[39.5, -98.35], zoom_start=4, tiles=None, control_scale=True)
    PageStyle().add_to(m)
    PlantOffsets().add_to(m)
    folium.map.CustomPane("ree-states", z_index=350, pointer_events=False).add_to(m)
    folium.map.CustomPane("ree-flows", z_index=420, pointer_events=True).add_to(m)
    folium.map.CustomPane("ree-plants", z_index=450, pointer_events=True).add_to(m)
    if web_tiles:
        # Needs the network; off until the reader ticks it in the layer control.
        folium.TileLayer(
            "OpenStreetMap", name="Web map tiles (online only)", overlay=True, show=False, control=True
        ).add_to(m)
    states = folium.GeoJson(states_geojson(), name="State boundaries", style_function=_state_style, control=False)
    states.options.update({"pane": "ree-states", "interactive": False})
    states.add_to(m)
    return m


def _kinds_in(index: CatalogIndex) -> list[str]:
    present = {str(site.get("kind")) for site in index.sites.values()}
    return [k for k in style.KIND_ORDER if k in present] + sorted(present - set(style.KIND_ORDER))


def _add_sites(m: folium.Map, index: CatalogIndex, show_candidates: bool) -> None:
    """One toggleable layer per site kind; magnet makers form the demand layer."""
    for kind in _kinds_in(index):
        demand = kind == "magnet"
        label = "Demand sites: magnet makers" if demand else f"Candidate sites: {style.KIND_LABELS.get(kind, kind)}"
        group = folium.FeatureGroup(name=text(label), show=demand or show_candidates)
        colour = style.KIND_COLOURS.get(kind, "#777777")
        for site_id in sorted(s for s, row in index.sites.items() if str(row.get("kind")) == kind):
            site = index.sites[site_id]
            classes = f"ree-site ree-kind-{css_token(kind)} ree-site-{css_token(site_id)}"
            folium.CircleMarker(
                index.location(site_id),
                radius=style.SITE_RADIUS + (1 if demand else 0),
                color=colour,
                weight=3 if demand else 1,
                fill=True,
                fill_color="#ffffff" if demand else colour,
                fill_opacity=0.9 if demand else 0.75,
                class_name=classes + (" ree-demand" if demand else ""),
                popup=folium.Popup(site_popup(site_id, index), max_width=POPUP_WIDTH),
                tooltip=folium.Tooltip(text(site.get("name") or site_id)),
            ).add_to(group)
        group.add_to(m)


def _side_by_side(radii: list[float]) -> list[float]:
    """x offsets (px) that put circles of these radii in a row centred on the site."""
    width = sum(2 * r for r in radii) + PLANT_GAP_PX * (len(radii) - 1)
    x, offsets = -width / 2, []
    for r in radii:
        offsets.append(round(x + r, 2))
        x += 2 * r + PLANT_GAP_PX
    return offsets


def _rows_for(frame: pd.DataFrame | None, site_id: str) -> pd.DataFrame | None:
    if not isinstance(frame, pd.DataFrame) or "site_id" not in frame:
        return None
    return frame[frame["site_id"].astype(str) == site_id]


def _add_plants(m, capacity, production, portfolio, index: CatalogIndex, colours, group=None, largest=None,
                year=None) -> dict[str, dict]:
    """Returns, per site, what labels and insets need: capacity, half width (px), colour, radius.
    A multi-year map passes the year's group, the largest plant of all years (circles keep one
    scale) and the year (tooltips say it, and how much of the capacity is new)."""
    parent, group = group, group or folium.FeatureGroup(name=text("Built plants"), show=True)
    drawn = {}
    if largest is None:
        largest = float(capacity["total_tpa"].max()) if len(capacity) else 0.0
    for site_id, rows in capacity.groupby("site_id", sort=True):
        site_id = str(site_id)
        location = index.location(site_id)
        rows = rows.sort_values(["total_tpa", "technology"], ascending=[False, True])
        radii = [style.plant_radius(float(t), largest) for t in rows["total_tpa"]]
        offsets = _side_by_side(radii) if len(rows) > 1 else [0.0]
        site_production = _rows_for(production, site_id)
        site_portfolio = _rows_for(portfolio, site_id)
        site_name = index.sites.get(site_id, {}).get("name") or rows["site_name"].iloc[0]
        drawn[site_id] = {"tpa": float(rows["total_tpa"].sum()), "half_width": round(offsets[-1] + radii[-1], 2),
                          "colour": colours[str(rows["technology"].iloc[0])], "radius": radii[0]}
        for row, radius, dx in zip(rows.to_dict("records"), radii, offsets):
            tech = str(row["technology"])
            new = year is not None and row["new_tpa"] > 0  # new capacity running: a thicker outline
            marker = folium.CircleMarker(
                location,
                radius=radius,
                color="#222222",
                weight=NEW_PLANT_WEIGHT if new else 1,
                fill=True,
                fill_color=colours[tech],
                fill_opacity=0.85,
                class_name=f"ree-plant ree-tech-{css_token(tech)} ree-site-{css_token(site_id)}"
                           + (" ree-plant-new" if new else ""),
                popup=folium.Popup(
                    plant_popup(site_id, tech, rows, site_production, index, site_portfolio, year),
                    max_width=POPUP_WIDTH,
                ),
                tooltip=folium.Tooltip(
                    text(f"{site_name} – {index.technology_name(tech)}: {numbers.tonnes(row['total_tpa'])} t/yr"
                         + (_year_note(row, year) if year is not None else "")),
                    sticky=True,
                ),
            )
            marker.options["pane"] = "ree-plants"
            if dx:
                marker.options["offsetPx"] = [dx, 0]
            marker.add_to(group)
    if parent is None:
        group.add_to(m)
    return drawn


NEW_PLANT_WEIGHT = 3  # outline of a plant running new capacity in the year shown (multi-year maps)


def _year_note(row, year: int) -> str:
    new = float(row["new_tpa"])
    return f" running in {year}" + (f", {numbers.tonnes(new)} of it new" if new > 0 else ", all existing")


def _drawable_flows(flows: pd.DataFrame, index: CatalogIndex) -> pd.DataFrame:
    """Flows between two different catalog sites with tonnes (a warning names the others)."""
    flows = flows[flows["from_site"].astype(str) != flows["to_site"].astype(str)]
    known = flows["from_site"].astype(str).isin(index.sites) & flows["to_site"].astype(str).isin(index.sites)
    if (~known).any():
        warnings.warn(f"{int((~known).sum())} flow rows name sites not in the catalog; not drawn", stacklevel=4)
    return flows[known & (flows["tonnes"] > 0)]


def _largest_flow(flows: pd.DataFrame) -> float:
    return float(flows.groupby(["from_site", "to_site", "form"])["tonnes"].sum().max()) if len(flows) else 0.0


def _add_flows(m, flows: pd.DataFrame, index: CatalogIndex, group=None,
               largest=None) -> list[tuple[str, str, str, float]]:
    """One line per (from, to, form), with arrowheads; returns (from, to, form, weight) per line.
    A multi-year map passes the year's group and the largest flow of all years (one width
    scale); it adds the arrowheads itself."""
    parent, group = group, group or folium.FeatureGroup(name=text("Flows between sites"), show=True)
    flows = _drawable_flows(flows, index)
    if largest is None:
        largest = _largest_flow(flows)
    drawn = []
    for (origin, destination, form), rows in flows.groupby(["from_site", "to_site", "form"], sort=True):
        tonnes = float(rows["tonnes"].sum())
        per_element = rows.groupby("element", sort=True)["tonnes"].sum()
        names = [index.sites[str(s)].get("name") or str(s) for s in (origin, destination)]
        distance = rows["distance_km"].iloc[0] if "distance_km" in rows else None
        label = (
            f"<b>{text(names[0])} → {text(names[1])}</b><br>{text(form)}: {numbers.tonnes(tonnes)} t"
            + "".join(f"<br>{text(el)}: {numbers.tonnes(t)} t" for el, t in per_element.items())
            + (f"<br>{numbers.tonnes(distance)} km" if distance is not None else "")
        )
        weight = style.flow_weight(tonnes, largest)
        line = folium.PolyLine(
            [index.location(str(origin)), index.location(str(destination))],
            color=style.FORM_COLOURS.get(str(form), style.DEFAULT_FORM_COLOUR),
            weight=weight,
            opacity=0.85,
            dash_array=style.FLOW_DASH,
            class_name=f"ree-flow ree-form-{css_token(form)}",
            tooltip=folium.Tooltip(label, sticky=True),
        )
        line.options["pane"] = "ree-flows"
        line.options["flowArrows"] = True  # maps/arrows.py draws its arrowheads
        line.add_to(group)
        drawn.append((str(origin), str(destination), str(form), weight))
    if parent is None:
        group.add_to(m)
        if drawn:
            FlowArrows(ARROW_SPACING_PX).add_to(m)
    return drawn


DEVELOPED_COLOUR = "#8c2d04"  # dark orange: feed bought with federal money


def _add_developed(m, options: pd.DataFrame | None, index: CatalogIndex) -> None:
    """A layer of the feed options the plan develops (mines, collection programmes), one
    dashed ring per site; drawn only when some are developed."""
    if not isinstance(options, pd.DataFrame) or options.empty:
        return
    developed = options[options["developed"].astype(bool)]
    if developed.empty:
        return
    group = folium.FeatureGroup(name=text("Developed deposits and collection programmes"), show=True)
    for site_id, rows in developed.groupby("site_id", sort=True):
        lines = [f"{text(r.option_id)} ({text(r.kind)}): +{numbers.tonnes(r.added_tpa)} t/yr nameplate, "
                 f"+{numbers.tonnes(r.added_in_target_year_tpa)} t/yr in the target year, federal "
                 f"{numbers.usd(r.federal_usd)}" for r in rows.itertuples(index=False)]
        name = text(index.sites.get(site_id, {}).get("name") or site_id)
        folium.CircleMarker(  # a thick dashed ring around the site (offline: core Leaflet markers only)
            index.location(str(site_id)), radius=style.SITE_RADIUS + 6, color=DEVELOPED_COLOUR, weight=4,
            dash_array="4 3", fill=False, class_name=f"ree-developed ree-site-{css_token(site_id)}",
            popup=folium.Popup(f"<b>{name}</b><br>" + "<br>".join(lines), max_width=POPUP_WIDTH),
            tooltip=folium.Tooltip(f"{name}: feed developed"),
        ).add_to(group)
    group.add_to(m)


def _bounds(points: list[tuple[float, float]]) -> list[list[float]]:
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def far_insets(index: CatalogIndex, sites: dict[str, tuple[str, float, str]], lines) -> list[dict]:
    """One inset per far region holding a drawn site or a flow end. sites: site_id ->
    (colour, radius, fill colour) as drawn; lines: (from, to, form, weight)."""
    far: dict[str, list[str]] = {}
    ends = {s for line in lines for s in line[:2]}
    for site_id in sorted(set(sites) | ends):
        point = index.location(site_id)
        if not in_lower48(point):
            far.setdefault(far_region(point), []).append(site_id)
    insets = []
    for name in sorted(far, key=lambda n: list(REGION_BOUNDS).index(n) if n in REGION_BOUNDS else len(REGION_BOUNDS)):
        members = far[name]
        rows = []
        for site_id in members:
            kind = str(index.sites[site_id].get("kind"))
            colour, radius, fill = sites.get(site_id) or (style.KIND_COLOURS.get(kind, "#777777"), style.SITE_RADIUS,
                                                          style.KIND_COLOURS.get(kind, "#777777"))
            lat, lon = index.location(site_id)
            rows.append([lat, lon, short_label(site_id, index.sites[site_id].get("name")), colour,
                         min(radius, 10.0), fill])
        flows = [[list(index.location(a)), list(index.location(b)),
                  style.FORM_COLOURS.get(form, style.DEFAULT_FORM_COLOUR), weight]
                 for a, b, form, weight in lines if a in members or b in members]
        insets.append({"name": name, "bounds": region_bounds(name, [index.location(s) for s in members]),
                       "sites": rows, "flows": flows})
    return insets


def finish(m, fit_label: str, fit_points, legend_html: str, labels=(), insets=(), years=None) -> folium.Map:
    """Fit the view to fit_points in the lower 48 (far ones go to insets), then the labels,
    buttons, insets, year slider (multi-year maps), legend and layer control."""
    views = [(name, bounds) for name, bounds in REGION_BOUNDS.items()]
    fit_points = [p for p in fit_points if in_lower48(p)] or list(fit_points)
    if fit_points:
        fit = _bounds(fit_points)
        views.insert(0, (fit_label, fit))
    else:
        fit = REGION_BOUNDS["Lower 48"]
    opening = folium.map.FitBounds(fit, padding=FIT_PADDING, max_zoom=FIT_MAX_ZOOM)
    # no zoom animation on opening: labels, screenshots and the printed memo see the settled view
    opening.options["animate"] = False
    opening.add_to(m)
    if labels:
        SiteLabels(list(labels)).add_to(m)
    RegionButtons(views).add_to(m)
    if insets:
        fitted = {"bounds": fit, "points": [list(p) for p in fit_points], "padding": list(FIT_PADDING),
                  "maxZoom": FIT_MAX_ZOOM, "margin": style.PLANT_RADIUS_MAX}
        Insets(list(insets), style.FLOW_DASH, INSET_ARROW_SPACING_PX, fitted).add_to(m)
    if years is not None:  # after the labels and insets: it sets what they show for its year
        years.add_to(m)
    Legend(legend_html).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def render_catalog_map(catalog, *, web_tiles: bool = False) -> folium.Map:
    """All catalog sites by kind, with their facts, existing capacity and sources."""
    index = CatalogIndex.of(catalog)
    m = base_map(web_tiles)
    _add_sites(m, index, show_candidates=True)
    body = legend.kinds(_kinds_in(index))
    # sites with existing capacity first (the ones readers look for), then by name
    order = sorted(index.sites, key=lambda s: (-sum(index.existing.get(s, {}).values()), s))
    labels = [[*index.location(s), short_label(s, index.sites[s].get("name")), style.SITE_RADIUS + 1] for s in order]
    drawn = {s: (style.KIND_COLOURS.get(str(row.get("kind")), "#777777"), style.SITE_RADIUS,
                 style.KIND_COLOURS.get(str(row.get("kind")), "#777777")) for s, row in index.sites.items()}
    insets = far_insets(index, drawn, [])
    return finish(m, "All sites", [index.location(s) for s in index.sites], body, labels, insets)


def _legend_values(summary) -> dict:
    """A run's typed summary shows the model's own figures (it never showed the scenario's
    label, kept so maps stay byte-identical); a comparison passes summary.json's dict."""
    if hasattr(summary, "to_dict"):
        return summary.to_dict(with_label=False)
    return summary or {}


def _target_year(result, years: list[int]) -> int:
    """The year a multi-year map opens on: the scenario's target year (the one-year tables')."""
    settings = getattr(getattr(result, "summary", None), "settings", None) or {}
    year = settings.get("target_year") if isinstance(settings, dict) else None
    return int(year) if year in years else years[-1]


def _add_years(m, result, index: CatalogIndex, production, portfolio, years: list[int]):
    """Each planned year's flows and plants as a group inside the "Flows between sites" and
    "Built plants" layers, one scale for all years; the target year's groups shown.
    Returns (plants drawn in any year, largest, flow lines of any year, colours, year -> sites
    drawn, year -> [(layer, year's group)], year -> flow lines, the target year)."""
    current = _target_year(result, years)
    capacity = {y: capacity_in(result, y) for y in years}
    flows = {y: _drawable_flows(flows_in(result, y), index) for y in years}
    every = pd.concat(list(capacity.values()), ignore_index=True)
    colours = style.technology_colours(every["technology"].astype(str))
    largest = float(every["total_tpa"].max()) if len(every) else 0.0
    largest_flow = max(_largest_flow(f) for f in flows.values())
    no_output = production.iloc[0:0]  # production.csv is the target year's: other years' popups omit it
    flow_layer = folium.FeatureGroup(name=text("Flows between sites"), show=True)
    plant_layer = folium.FeatureGroup(name=text("Built plants"), show=True)
    plants, lines, drawn, layers, lines_by = {}, {}, {}, {}, {}
    for year in years:
        flow_group = folium.FeatureGroup(name=f"Flows {year}", control=False, show=year == current)
        plant_group = folium.FeatureGroup(name=f"Built plants {year}", control=False, show=year == current)
        flow_layer.add_child(flow_group)
        plant_layer.add_child(plant_group)
        lines_by[year] = _add_flows(m, flows[year], index, group=flow_group, largest=largest_flow)
        for line in lines_by[year]:  # the widest of a line's years, for the insets
            lines[line[:3]] = max(line, lines.get(line[:3], line), key=lambda x: x[3])
        drawn[year] = _add_plants(m, capacity[year], production if year == current else no_output, portfolio,
                                  index, colours, group=plant_group, largest=largest, year=year)
        for site, plant in drawn[year].items():
            if site not in plants or plant["half_width"] > plants[site]["half_width"]:
                plants[site] = plant
        layers[year] = [(flow_layer, flow_group), (plant_layer, plant_group)]
    flow_layer.add_to(m)
    if lines:
        FlowArrows(ARROW_SPACING_PX).add_to(m)
    plant_layer.add_to(m)
    return plants, largest, [lines[k] for k in sorted(lines)], colours, drawn, layers, lines_by, current


def render_result_map(result, catalog, *, web_tiles: bool = False) -> folium.Map:
    """What a solved scenario builds: plants sized by capacity, flows, demand sites;
    the catalog's candidate sites are available as hidden layers. A multi-year result's map
    draws every planned year and opens on the target year, with a year slider."""
    index = CatalogIndex.of(catalog)
    capacity = result.capacity
    capacity = capacity[capacity["total_tpa"] > 0].copy()
    production = getattr(result, "production", None)
    if not isinstance(production, pd.DataFrame):
        production = pd.DataFrame(columns=["site_id", "technology", "element", "output_t"])
    portfolio = getattr(result, "portfolio", None)  # funded proposals, if the run had any
    flows = getattr(result, "flows", None)
    years = plan_years(result)

    m = base_map(web_tiles)
    _add_sites(m, index, show_candidates=False)
    if years:
        plants, largest, lines, colours, by_year, layers, lines_by, current = _add_years(
            m, result, index, production, portfolio, years)
    else:
        lines = _add_flows(m, flows, index) if isinstance(flows, pd.DataFrame) and len(flows) else []
        colours = style.technology_colours(capacity["technology"].astype(str))
        plants = _add_plants(m, capacity, production, portfolio, index, colours)
        largest = float(capacity["total_tpa"].max()) if len(capacity) else 0.0
    forms = sorted({line[2] for line in lines})
    _add_developed(m, getattr(result, "feed_options", None), index)

    body = (
        legend.summary(_legend_values(getattr(result, "summary", None)))
        + legend.technologies(colours, index.technology_names)
        + (legend.new_outline(NEW_PLANT_WEIGHT) if years else "")
        + legend.sizes(largest)
        + legend.forms(forms)
        + legend.kinds(_kinds_in(index))
    )
    # labels: plant sites, largest first, then the demand sites (magnet makers) drawn as rings
    order = sorted(plants, key=lambda s: (-plants[s]["tpa"], s))
    demand = sorted(s for s, row in index.sites.items() if str(row.get("kind")) == "magnet" and s not in plants)
    labels = [[*index.location(s), short_label(s, index.sites[s].get("name")), plants[s]["half_width"]] for s in order]
    labels += [[*index.location(s), short_label(s, index.sites[s].get("name")), style.SITE_RADIUS + 2] for s in demand]
    drawn = {s: ("#222222", p["radius"], p["colour"]) for s, p in plants.items()}
    insets = far_insets(index, drawn, lines)
    control = None
    if years:
        # a year shows the labels of its plant sites and of every magnet maker (drawn in all years)
        rings = [s for s in order + demand if str(index.sites[s].get("kind")) == "magnet"]
        shown = {y: [short_label(s, index.sites[s].get("name")) for s in order + demand
                     if s in by_year[y] or s in rings] for y in years}
        far = {y: inset_contents(far_insets(index, {s: ("#222222", p["radius"], p["colour"])
                                                    for s, p in by_year[y].items()}, lines_by[y])) for y in years}
        control = YearControl(years, current, layers, shown, far)
    return finish(m, "Plants", [index.location(s) for s in plants], body, labels, insets, control)
