"""Map furniture: the fixed legend, the region buttons and the marker-offset hook."""

from __future__ import annotations

from branca.element import MacroElement
from folium.template import Template


class PageStyle(MacroElement):
    """Sea-coloured background around the state outlines (there are no tiles)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>.leaflet-container { background: #dde8ef; }</style>
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "PageStyle"


class PlantOffsets(MacroElement):
    """Let circle markers carry a pixel offset (option offsetPx: [dx, dy]).

    Several plants at one site would otherwise be drawn on top of each other; an offset
    in pixels keeps them side by side, and clickable, at every zoom level."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <script>
        L.CircleMarker.include({
            _project: function () {
                this._point = this._map.latLngToLayerPoint(this._latlng);
                var offset = this.options.offsetPx;
                if (offset) { this._point = this._point.add(L.point(offset[0], offset[1])); }
                this._updateBounds();
            }
        });
        </script>
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "PlantOffsets"


class RegionButtons(MacroElement):
    """Buttons that fit the view to named regions, e.g. the plants, Alaska, Hawaii.

    `views` is a list of (label, [[south, west], [north, east]]); labels are set with
    textContent, so they are never parsed as HTML."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .ree-regions a { width: auto !important; padding: 0 7px; font: bold 12px/26px sans-serif; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map, views) {
            var control = L.control({position: "topleft"});
            control.onAdd = function () {
                var bar = L.DomUtil.create("div", "leaflet-bar ree-regions");
                views.forEach(function (view) {
                    var button = L.DomUtil.create("a", "ree-region", bar);
                    button.href = "#";
                    button.textContent = view[0];
                    button.title = "Show " + view[0];
                    button.setAttribute("role", "button");
                    button.setAttribute("data-region", view[0]);
                    L.DomEvent.on(button, "click", function (event) {
                        L.DomEvent.preventDefault(event);
                        L.DomEvent.stopPropagation(event);
                        map.fitBounds(view[1], {padding: [30, 30], maxZoom: 8});
                    });
                });
                return bar;
            };
            control.addTo(map);
        })({{ this._parent.get_name() }}, {{ this.views|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, views: list[tuple[str, list[list[float]]]]):
        super().__init__()
        self._name = "RegionButtons"
        self.views = [[label, bounds] for label, bounds in views]


class Legend(MacroElement):
    """A fixed legend box. `body_html` must already be escaped (see maps.legend)."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <div id="ree-legend" class="ree-legend" style="position: fixed; right: 10px; bottom: 24px;
             z-index: 1001; max-height: 60%; max-width: 280px; overflow-y: auto; background: rgba(255,255,255,0.92);
             border: 1px solid #999; border-radius: 4px; padding: 6px 9px;
             font: 11px/1.35 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,0.3);">
        <details><summary><b>Legend</b></summary>
        {{ this.body_html }}
        </details>
        </div>
        {% endmacro %}
        """
    )

    def __init__(self, body_html: str):
        super().__init__()
        self._name = "Legend"
        self.body_html = body_html
