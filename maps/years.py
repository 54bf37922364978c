"""A multi-year run's map: the plants and flows of each planned year, and a year slider.

Each year's plants and flows are a Leaflet layer group inside the "Built plants" and "Flows
between sites" layers (so the layer control still hides them all); the slider swaps which
year's groups are in their parents, shows the labels of that year's sites, and has the
arrowheads and labels redrawn. Core Leaflet and a few lines of JavaScript: nothing to vendor.
A one-year run's map has no slider and is drawn exactly as before (maps/render.py).
"""

from __future__ import annotations

import pandas as pd
from branca.element import MacroElement
from folium.template import Template


def plan_years(result) -> list[int]:
    """The planned years of a multi-year result (capacity_by_year), else [] (one year, or a
    result read back from a folder without the by-year tables)."""
    frame = getattr(result, "capacity_by_year", None)
    if not isinstance(frame, pd.DataFrame) or frame.empty or "year" not in frame:
        return []
    years = sorted(int(y) for y in frame["year"].unique())
    return years if len(years) > 1 else []


def capacity_in(result, year: int) -> pd.DataFrame:
    """capacity.csv's layout for one year: the capacity running then (existing and new after
    ramp-up, capacity_by_year.csv) with each plant's names and money from capacity.csv."""
    by_year = result.capacity_by_year
    rows = by_year[(by_year["year"] == year) & (by_year["available_tpa"] > 0)]
    frame = rows.rename(columns={"existing_available_tpa": "existing_tpa", "new_running_tpa": "new_tpa",
                                 "available_tpa": "total_tpa"})
    frame = frame[["site_id", "technology", "existing_tpa", "new_tpa", "total_tpa", "throughput_tpa"]]
    money = result.capacity[["site_id", "technology", "site_name", "capex_usd", "federal_usd"]]
    return frame.merge(money, on=["site_id", "technology"], how="left").reset_index(drop=True)


def flows_in(result, year: int) -> pd.DataFrame:
    """flows.csv's rows for one year (flows_by_year.csv)."""
    frame = getattr(result, "flows_by_year", None)
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        return pd.DataFrame(columns=["from_site", "to_site", "form", "element", "tonnes"])
    return frame[frame["year"] == year].drop(columns="year").reset_index(drop=True)


class YearControl(MacroElement):
    """A slider over `years` (default `current`). `layers`: year -> [(parent group, year's
    group)]; `labels`: year -> the site labels (text) shown that year; `insets`: year -> region
    -> {"sites": [[lat, lon]], "flows": [[lat, lon, lat, lon, colour]]} shown in its inset."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .ree-years { background: #fff; padding: 3px 8px 2px; font: 12px/16px sans-serif; }
        .ree-years input { display: block; width: 150px; margin: 2px 0 0; }
        .ree-years .ree-years-ends { display: flex; justify-content: space-between; font-size: 10px; color: #555; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map, years, current, labels, insets, layers) {
            var control = L.control({position: "topright"});
            var box;
            function key(values) { return values.join(","); }
            // a far region's inset (maps/inset.py) shows that year's sites and flows; an inset
            // with nothing that year is hidden. Elements are hidden, not removed: labels keep their text.
            function showInsets(year) {
                map.getContainer().querySelectorAll(".ree-inset").forEach(function (inset) {
                    var want = insets[year][inset.getAttribute("data-region")] || {sites: [], flows: []};
                    var sites = want.sites.map(key), flows = want.flows.map(key);
                    inset.style.display = sites.length || flows.length ? "" : "none";
                    inset.reeMap.eachLayer(function (layer) {
                        var el = layer.getElement && layer.getElement();
                        if (layer.options.className === "ree-inset-flow") {
                            var ends = layer.getLatLngs();
                            var on = flows.indexOf(key([ends[0].lat, ends[0].lng, ends[1].lat, ends[1].lng,
                                                        layer.options.color])) >= 0;
                            layer.options.flowArrows = on;  // arrowheads only on the year's flows
                        } else if (el && (layer instanceof L.Marker || layer instanceof L.CircleMarker)
                                   && !layer.options.flowArrows) {
                            var at = layer.getLatLng(), on = sites.indexOf(key([at.lat, at.lng])) >= 0;
                        } else { return; }
                        if (el) { el.style.display = on ? "" : "none"; }
                    });
                    inset.reeMap.fire("overlayadd");
                });
            }
            function show(year) {
                years.forEach(function (y) {
                    layers[y].forEach(function (pair) {
                        if (y === year) { pair[0].addLayer(pair[1]); } else { pair[0].removeLayer(pair[1]); }
                    });
                });
                var shown = labels[year];
                map.getContainer().querySelectorAll(".ree-label").forEach(function (el) {
                    el.style.display = shown.indexOf(el.getAttribute("data-label")) >= 0 ? "" : "none";
                });
                showInsets(year);
                box.setAttribute("data-year", year);
                box.querySelector("b").textContent = year;
                box.querySelector("input").setAttribute("aria-valuetext", year);
                // an overlay changed: arrowheads (maps/arrows.py) are redrawn on overlayadd,
                // labels (maps/labels.py) placed again on moveend
                map.fire("overlayadd");
                map.fire("moveend");
            }
            control.onAdd = function () {
                box = L.DomUtil.create("div", "leaflet-bar ree-years");
                box.title = "Show the plants running and the flows of one planned year";
                var head = L.DomUtil.create("label", "", box);
                head.appendChild(document.createTextNode("Year "));
                L.DomUtil.create("b", "", head);
                var input = L.DomUtil.create("input", "", head);
                input.type = "range";
                input.min = 0;
                input.max = years.length - 1;
                input.step = 1;
                input.value = years.indexOf(current);
                var ends = L.DomUtil.create("div", "ree-years-ends", box);
                L.DomUtil.create("span", "", ends).textContent = years[0];
                L.DomUtil.create("span", "", ends).textContent = years[years.length - 1];
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                L.DomEvent.on(input, "input change", function () { show(years[Number(input.value)]); });
                return box;
            };
            control.addTo(map);
            show(current);
        })({{ this._parent.get_name() }}, {{ this.years|tojson }}, {{ this.current|tojson }}, {{ this.labels|tojson }}, {{ this.insets|tojson }}, {
        {%- for year, pairs in this.layers %}
            {{ year|tojson }}: [{% for parent, group in pairs %}[{{ parent.get_name() }}, {{ group.get_name() }}]{{ ", " if not loop.last }}{% endfor %}]{{ "," if not loop.last }}
        {%- endfor %}
        });
        {% endmacro %}
        """
    )

    def __init__(self, years: list[int], current: int, layers: dict, labels: dict[int, list[str]],
                 insets: dict[int, dict]):
        super().__init__()
        self._name = "YearControl"
        self.years = [str(y) for y in years]  # strings: the keys of labels and layers in JavaScript
        self.current = str(current)
        self.layers = [(str(y), layers[y]) for y in years]
        self.labels = {str(y): labels[y] for y in years}
        self.insets = {str(y): insets[y] for y in years}


def inset_contents(insets: list[dict]) -> dict[str, dict]:
    """region -> the sites ([lat, lon]) and flows ([lat, lon, lat, lon, colour]) of far_insets'
    insets (maps/render.py), as the year slider matches them in the inset maps."""
    return {inset["name"]: {"sites": [site[:2] for site in inset["sites"]],
                            "flows": [[*flow[0], *flow[1], flow[2]] for flow in inset["flows"]]}
            for inset in insets}
