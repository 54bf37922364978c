"""Far sites (Alaska, Hawaii, Puerto Rico) in small inset maps instead of a zoomed-out view.

Fitting the main view to a plant in Alaska would shrink the lower 48 to a third of the
frame; instead the main view fits the lower-48 sites and each far region that has
something to show gets a small second Leaflet map in the bottom-left corner with its
state outline, its sites (labelled) and the flows that start or end there (with
arrowheads). Clicking an inset moves the main map to that region. Where the frame is so
short that an inset would cover a fitted site, the main view is fitted again beside it.
"""

from __future__ import annotations

from branca.element import MacroElement
from folium.template import Template

from maps.basemap import REGION_BOUNDS

INSET_WIDTH_PX = 220
INSET_HEIGHT_PX = 150


class Insets(MacroElement):
    """`insets` is a list of dicts: name, bounds [[s, w], [n, e]], sites [[lat, lon, label,
    colour, radius, fill_colour]], flows [[[lat, lon], [lat, lon], colour, weight]]. Text is
    set with textContent, never parsed as HTML."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .ree-inset { background: #dde8ef; padding: 0; cursor: pointer; }
        .ree-inset-title { font: bold 11px/16px sans-serif; padding: 0 5px; background: rgba(255,255,255,0.9);
                           border-bottom: 1px solid #bbb; }
        .ree-inset-map { width: {{ this.width }}px; height: {{ this.height }}px; background: #dde8ef; }
        .ree-inset-label { font: 600 10px/12px sans-serif; padding: 0 2px; white-space: nowrap;
                            background: rgba(255,255,255,0.85); border-radius: 2px; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (main, insets, fit) {
            var states = null;
            main.eachLayer(function (layer) {
                if (layer instanceof L.GeoJSON && layer.options.pane === "ree-states") { states = layer; }
            });
            insets.forEach(function (inset) {
                var control = L.control({position: "bottomleft"});
                control.onAdd = function () {
                    var box = L.DomUtil.create("div", "leaflet-bar ree-inset");
                    box.setAttribute("data-region", inset.name);
                    box.title = "Show " + inset.name + " on the main map";
                    L.DomUtil.create("div", "ree-inset-title", box).textContent = inset.name + " (inset)";
                    L.DomUtil.create("div", "ree-inset-map", box);
                    L.DomEvent.disableClickPropagation(box);
                    L.DomEvent.disableScrollPropagation(box);
                    L.DomEvent.on(box, "click", function () {
                        main.fitBounds(inset.bounds, {padding: [30, 30], maxZoom: 8});
                    });
                    return box;
                };
                control.addTo(main);
                var box = control.getContainer();
                var map = L.map(box.querySelector(".ree-inset-map"), {
                    zoomControl: false, attributionControl: false, dragging: false, scrollWheelZoom: false,
                    doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false, zoomSnap: 0.25
                });
                box.reeMap = map;
                map.fitBounds(inset.bounds);
                var view = L.latLngBounds(inset.bounds);
                if (states) {
                    states.eachLayer(function (state) {
                        if (view.intersects(state.getBounds())) {
                            L.geoJSON(state.feature, {style: states.options.style, interactive: false}).addTo(map);
                        }
                    });
                }
                inset.flows.forEach(function (flow) {
                    L.polyline([flow[0], flow[1]], {color: flow[2], weight: flow[3], opacity: 0.85,
                        dashArray: "{{ this.dash }}", interactive: false, flowArrows: true,
                        className: "ree-inset-flow"}).addTo(map);
                });
                inset.sites.forEach(function (site) {
                    L.circleMarker([site[0], site[1]], {radius: site[4], color: site[3], weight: 1.5,
                        fillColor: site[5], fillOpacity: 0.9, interactive: false, className: "ree-inset-site"})
                        .addTo(map);
                    var label = L.marker([site[0], site[1]], {icon: L.divIcon({className: "ree-inset-label",
                        html: "", iconSize: null, iconAnchor: [0, 6]}), interactive: false, keyboard: false}).addTo(map);
                    var el = label.getElement(), reach = site[4] + 3;
                    el.textContent = site[2];
                    // a site in the east half of the inset gets its label on its left, inside the frame
                    el.style.marginLeft = (site[1] > view.getCenter().lng ? -reach - el.offsetWidth : reach) + "px";
                });
                if (window.reeFlowArrows) { window.reeFlowArrows(map, {{ this.arrow_spacing }}); }
            });
            // An inset must not hide a plant: if one of the fitted sites lies under an inset
            // (a short frame, e.g. the memo), fit again leaving the insets' column free.
            var frame = main.getContainer().getBoundingClientRect(), right = 0, covered = false;
            main.getContainer().querySelectorAll(".ree-inset").forEach(function (box) {
                var r = box.getBoundingClientRect();
                var rect = [r.left - frame.left, r.top - frame.top, r.right - frame.left, r.bottom - frame.top];
                right = Math.max(right, rect[2]);
                fit.points.forEach(function (point) {
                    var p = main.latLngToContainerPoint(point), m = fit.margin;
                    if (p.x > rect[0] - m && p.x < rect[2] + m && p.y > rect[1] - m && p.y < rect[3] + m) { covered = true; }
                });
            });
            if (covered) {
                main.fitBounds(fit.bounds, {paddingTopLeft: [right + fit.padding[0], fit.padding[1]],
                                            paddingBottomRight: fit.padding, maxZoom: fit.maxZoom, animate: false});
            }
        })({{ this._parent.get_name() }}, {{ this.insets|tojson }}, {{ this.fit|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, insets: list[dict], dash: str, arrow_spacing_px: int, fit: dict):
        """fit: the main view's {bounds, points, padding, maxZoom, margin (px around a point)}."""
        super().__init__()
        self.fit = fit
        self._name = "Insets"
        self.insets = insets
        self.dash = dash
        self.arrow_spacing = int(arrow_spacing_px)
        self.width = INSET_WIDTH_PX
        self.height = INSET_HEIGHT_PX


def in_lower48(point: tuple[float, float]) -> bool:
    (south, west), (north, east) = REGION_BOUNDS["Lower 48"]
    return south <= point[0] <= north and west <= point[1] <= east


def far_region(point: tuple[float, float]) -> str:
    """The named region (Alaska, Hawaii, Puerto Rico) of a point outside the lower 48, or
    'Other sites' for a point in none of them."""
    for name, ((south, west), (north, east)) in REGION_BOUNDS.items():
        if name != "Lower 48" and south <= point[0] <= north and west <= point[1] <= east:
            return name
    return "Other sites"


def region_bounds(name: str, points: list[tuple[float, float]]) -> list[list[float]]:
    """The declared bounds of a named region, else the points' box with a 2 degree margin."""
    if name in REGION_BOUNDS:
        return REGION_BOUNDS[name]
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return [[min(lats) - 2, min(lons) - 2], [max(lats) + 2, max(lons) + 2]]
