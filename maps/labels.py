"""Permanent short site labels that appear from a zoom level on and never collide.

The short names are declared in maps/site_labels.csv (catalog names such as "Mountain Pass
mine and processing facility" are too long to sit beside a circle); a site missing there
gets its catalog name cut at the first parenthesis or dash. In the browser the labels are
placed largest site first, right of the site or else left of it; a label that would overlap
an already placed label or another labelled site's circle, or leave the frame, is hidden
until the reader zooms in far enough. Below LABEL_MIN_ZOOM all labels are hidden.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

from branca.element import MacroElement
from folium.template import Template

LABELS_CSV = Path(__file__).resolve().parent / "site_labels.csv"
# Below this zoom the lower 48 is under ~650 px wide and names would cover the plants.
LABEL_MIN_ZOOM = 4
LABEL_MAX_CHARS = 24
LABEL_GAP_PX = 3  # between a site's circle(s) and its label


@functools.lru_cache(maxsize=1)
def _declared() -> dict[str, str]:
    with LABELS_CSV.open(encoding="utf-8", newline="") as f:
        return {row["site_id"]: row["label"] for row in csv.DictReader(f)}


def short_label(site_id: str, name) -> str:
    """The declared short label of a site, else its name before any '(' or ' - ', at most
    LABEL_MAX_CHARS characters (cut at a word)."""
    if site_id in _declared():
        return _declared()[site_id]
    label = re.split(r" \(| - | – ", str(name or site_id))[0].strip() or site_id
    if len(label) > LABEL_MAX_CHARS:
        label = label[:LABEL_MAX_CHARS].rsplit(" ", 1)[0] + "…"
    return label


class SiteLabels(MacroElement):
    """`labels` is a list of [latitude, longitude, text, half_width_px], most important
    first; half_width_px is how far the site's drawing reaches right of its centre. Text
    is set with textContent, so it is never parsed as HTML."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .ree-label { font: 600 11px/14px sans-serif; color: #1b1b1b; white-space: nowrap;
                     background: rgba(255,255,255,0.78); border-radius: 2px; padding: 0 3px; }
        .ree-label.ree-label-hidden { visibility: hidden; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map, labels, minZoom, gap) {
            var pane = map.createPane("ree-labels");
            pane.style.zIndex = 460;  // above plants (450), below tooltips and popups
            pane.style.pointerEvents = "none";
            var markers = labels.map(function (label) {
                var icon = L.divIcon({className: "ree-label", html: "", iconSize: null,
                                      iconAnchor: [-(label[3] + gap), 8]});
                var marker = L.marker([label[0], label[1]],
                                      {icon: icon, pane: "ree-labels", interactive: false, keyboard: false});
                marker.on("add", function () {
                    var el = marker.getElement();
                    el.textContent = label[2];
                    el.setAttribute("data-label", label[2]);
                });
                return marker.addTo(map);
            });
            function overlaps(a, b) {
                return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
            }
            function declutter() {
                var zoom = map.getZoom();
                var points = labels.map(function (label) { return map.latLngToContainerPoint([label[0], label[1]]); });
                var circles = labels.map(function (label, i) {
                    var p = points[i], r = label[3];
                    return [p.x - r, p.y - r, p.x + r, p.y + r];
                });
                var size = map.getSize(), placed = [];
                markers.forEach(function (marker, i) {
                    var el = marker.getElement();
                    if (!el) { return; }
                    var p = points[i], reach = labels[i][3] + gap, width = el.offsetWidth;
                    // right of the site first, else left of it: inside the frame, clear of the
                    // labels already placed and of the other labelled sites' circles
                    var boxes = [[p.x + reach, p.y - 8, p.x + reach + width, p.y + 8],
                                 [p.x - reach - width, p.y - 8, p.x - reach, p.y + 8]];
                    var chosen = zoom < minZoom || width === 0 ? -1 : boxes.findIndex(function (box) {
                        return box[0] >= 0 && box[2] <= size.x && box[1] >= 0 && box[3] <= size.y
                            && !placed.some(function (b) { return overlaps(b, box); })
                            && !circles.some(function (c, j) { return j !== i && overlaps(c, box); });
                    });
                    if (chosen >= 0) {
                        placed.push(boxes[chosen]);
                        el.style.marginLeft = (chosen === 0 ? reach : -reach - width) + "px";
                    }
                    el.classList.toggle("ree-label-hidden", chosen < 0);
                    el.setAttribute("data-side", chosen === 1 ? "left" : "right");
                });
            }
            map.on("zoomend moveend resize", declutter);  // moveend: a label at the frame edge may fit again
            declutter();
        })({{ this._parent.get_name() }}, {{ this.labels|tojson }}, {{ this.min_zoom }}, {{ this.gap }});
        {% endmacro %}
        """
    )

    def __init__(self, labels: list[list], min_zoom: int = LABEL_MIN_ZOOM):
        super().__init__()
        self._name = "SiteLabels"
        self.labels = labels
        self.min_zoom = int(min_zoom)
        self.gap = LABEL_GAP_PX
