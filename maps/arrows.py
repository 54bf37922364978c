"""Arrowheads along flow lines, so a reader sees which way material moves without clicking.

A few lines of JavaScript with core Leaflet only (nothing to vendor): every polyline with
the option flowArrows gets filled triangles in its own colour, evenly spaced in screen
pixels, redrawn after each zoom and when a layer is switched on or off. They are drawn
shapes, not an animation, so they show in screenshots and in the printed memo too.
"""

from __future__ import annotations

from branca.element import MacroElement
from folium.template import Template

ARROW_SPACING_PX = 160  # one arrowhead per this many pixels of line, at least one per line
INSET_ARROW_SPACING_PX = 36


class FlowArrows(MacroElement):
    """Defines window.reeFlowArrows(map, spacingPx) and applies it to the parent map."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <script>
        window.reeFlowArrows = function (map, spacing) {
            var arrows = L.layerGroup().addTo(map);
            function triangle(a, ux, uy, at, size, zoom) {
                var half = size / 2, wing = size * 0.55;
                var tip = L.point(a.x + ux * (at + half), a.y + uy * (at + half));
                var back = L.point(a.x + ux * (at - half), a.y + uy * (at - half));
                return [tip, L.point(back.x - uy * wing, back.y + ux * wing),
                        L.point(back.x + uy * wing, back.y - ux * wing)].map(function (p) {
                    return map.unproject(p, zoom);
                });
            }
            function draw() {
                arrows.clearLayers();
                var zoom = map.getZoom(), lines = [];
                map.eachLayer(function (layer) {
                    if (layer instanceof L.Polyline && layer.options.flowArrows) { lines.push(layer); }
                });
                lines.forEach(function (line) {
                    var latlngs = line.getLatLngs();
                    var a = map.project(latlngs[0], zoom), b = map.project(latlngs[latlngs.length - 1], zoom);
                    var length = a.distanceTo(b);
                    if (length < 1) { return; }
                    var ux = (b.x - a.x) / length, uy = (b.y - a.y) / length;
                    var size = 7 + 1.6 * line.options.weight;
                    var count = Math.max(1, Math.floor(length / spacing));
                    for (var i = 0; i < count; i++) {
                        L.polygon(triangle(a, ux, uy, (i + 0.5) * length / count, size, zoom), {
                            pane: line.options.pane || "overlayPane", stroke: false, fill: true,
                            fillColor: line.options.color, fillOpacity: 0.95, interactive: false,
                            className: "ree-arrow"
                        }).addTo(arrows);
                    }
                });
            }
            map.on("zoomend overlayadd overlayremove", draw);
            draw();
            return arrows;
        };
        </script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        window.reeFlowArrows({{ this._parent.get_name() }}, {{ this.spacing }});
        {% endmacro %}
        """
    )

    def __init__(self, spacing_px: int = ARROW_SPACING_PX):
        super().__init__()
        self._name = "FlowArrows"
        self.spacing = int(spacing_px)
