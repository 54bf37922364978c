"""Map HTML without a browser: nothing remote, byte-identical re-renders, escaping.

The fake catalog and result here are also used by test_maps_browser.py."""

from __future__ import annotations

import re
import types

import folium
import geopandas as gpd
import pandas as pd
import pytest

from maps import offline_html, render_catalog_map, render_result_map, save_offline
from maps.escape import text

XSS_NAME = "<img src=x onerror=alert(1)>"
# A backtick, ${...} and a backslash would break out of folium's JS template literals.
XSS_OPERATOR = "Evil `${alert(2)}` \\u0041 Co"
XSS_NOTE = "</script><script>alert(3)</script>"
XSS_APPLICANT = "<svg onload=alert(4)>Acme"

SITE_COLUMNS = [
    "site_id", "name", "state", "latitude", "longitude", "location_precision", "location_basis",
    "location_source", "kind", "status", "operator", "cost_multiplier", "cost_multiplier_reason",
    "cost_multiplier_source", "allowed_technologies", "note", "sources",
]


def _site(site_id, name, state, lat, lon, kind, operator, allowed, note="", sources=("usgs-mcs-2025",)):
    return dict(
        site_id=site_id, name=name, state=state, latitude=lat, longitude=lon,
        location_precision="approximate", location_basis="public facility address",
        location_source=["a-coords"], kind=kind, status="planned", operator=operator,
        cost_multiplier=1.2, cost_multiplier_reason="remote", cost_multiplier_source=["a-cost"],
        allowed_technologies=list(allowed), note=note, sources=list(sources),
    )


def fake_catalog():
    rows = [
        _site("mountain-pass", "Mountain Pass", "CA", 35.48, -115.53, "deposit", "MP Materials",
              ["sx_separation", "metallisation"], sources=("usgs-mcs-2025", "mp-10k")),
        _site("fort-worth", "MP Independence", "TX", 32.98, -97.31, "magnet", "MP Materials", []),
        _site("bokan", "Bokan Mountain - Dotson Ridge", "AK", 54.91, -132.14, "deposit", "Ucore",
              ["sx_separation"]),
        _site("white-mesa", "White Mesa Mill", "UT", 37.53, -109.51, "separation", "Energy Fuels",
              ["sx_separation"]),
        _site("xss-site", XSS_NAME, "OK", 36.16, -97.09, "metal", XSS_OPERATOR, ["metallisation"],
              note=XSS_NOTE),
        _site("noveon", "Noveon Magnetics", "TX", 29.88, -97.94, "recycling", "Noveon",
              ["short_loop_recycling"]),
    ]
    sites = pd.DataFrame(rows, columns=SITE_COLUMNS)
    sites = gpd.GeoDataFrame(sites, geometry=gpd.points_from_xy(sites.longitude, sites.latitude), crs=4326)
    site_capacity = pd.DataFrame(
        [("mountain-pass", "sx_separation", 20000.0), ("fort-worth", "metallisation", 1000.0)],
        columns=["site_id", "technology_id", "existing_tpa"],
    )
    technologies = pd.DataFrame(
        [
            ("sx_separation", "Solvent-extraction separation", "mixed", "oxide"),
            ("metallisation", "Oxide-to-metal reduction", "oxide", "metal"),
            ("short_loop_recycling", "Short-loop magnet recycling", "scrap", "metal"),
        ],
        columns=["technology_id", "name", "input_form", "output_form"],
    )
    sources = pd.DataFrame(
        [
            ("usgs-mcs-2025", "Mineral Commodity Summaries 2025: Rare Earths", "USGS", 2025,
             "https://doi.org/10.5066/P13XCP3R", "solid"),
            ("mp-10k", "MP Materials 10-K 2024", "MP Materials", 2025, "https://example.org/10k", "solid"),
        ],
        columns=["source_id", "title", "publisher", "year", "url", "quality"],
    )
    return types.SimpleNamespace(sites=sites, site_capacity=site_capacity, technologies=technologies, sources=sources)


def fake_result():
    capacity = pd.DataFrame(
        [
            ("mountain-pass", "Mountain Pass", "CA", "sx_separation", 20000.0, 0.0, 20000.0, 18000.0, 0.0, 0.0),
            ("mountain-pass", "Mountain Pass", "CA", "metallisation", 0.0, 1500.0, 1500.0, 1400.0, 45e6, 22.5e6),
            ("bokan", "Bokan Mountain - Dotson Ridge", "AK", "sx_separation", 0.0, 800.0, 800.0, 800.0, 120e6, 60e6),
            ("xss-site", XSS_NAME, "OK", "metallisation", 0.0, 1200.0, 1200.0, 900.0, 30e6, 15e6),
            ("white-mesa", "White Mesa Mill", "UT", "sx_separation", 1000.0, 250.0, 1250.0, 1250.0, 16e6, 8e6),
        ],
        columns=["site_id", "site_name", "state", "technology", "existing_tpa", "new_tpa", "total_tpa",
                 "throughput_tpa", "capex_usd", "federal_usd"],
    )
    flows = pd.DataFrame(
        [
            ("mountain-pass", "fort-worth", "metal", "Nd", 900.0, 1703.6, 1.5e5),
            ("mountain-pass", "fort-worth", "metal", "Pr", 280.0, 1703.6, 0.5e5),
            ("white-mesa", "xss-site", "oxide", "Nd", 300.0, 1300.0, 4e4),
            ("bokan", "mountain-pass", "mixed", "Dy", 30.0, 2400.0, 9e3),
            ("mountain-pass", "mountain-pass", "oxide", "Nd", 1000.0, 0.0, 0.0),
        ],
        columns=["from_site", "to_site", "form", "element", "tonnes", "distance_km", "transport_usd"],
    )
    production = pd.DataFrame(
        [
            ("mountain-pass", "sx_separation", "Nd", 18000.0 * 0.12, 2100.0),
            ("mountain-pass", "sx_separation", "Pr", 18000.0 * 0.04, 700.0),
            ("mountain-pass", "metallisation", "Nd", 1000.0, 950.0),
            ("bokan", "sx_separation", "Dy", 40.0, 36.0),
            ("xss-site", "metallisation", "Nd", 300.0, 290.0),
        ],
        columns=["site_id", "technology", "element", "input_t", "output_t"],
    )
    portfolio = pd.DataFrame(
        [("P01", XSS_APPLICANT, "xss-site", "metallisation", 1200.0, 15e6, 30e6),
         ("P02", "Bokan Partners", "bokan", "sx_separation", 800.0, 60e6, 120e6)],
        columns=["project_id", "applicant", "site_id", "technology", "capacity_tpa", "federal_request_usd",
                 "total_capex_usd"],
    )
    summary = {"scenario": "reversal <b>test</b>", "objective": "max_weighted_supply",
               "objective_value": 12345.678, "budget_usd": 1.2e9, "federal_usd": 105.5e6}
    return types.SimpleNamespace(capacity=capacity, flows=flows, production=production, portfolio=portfolio,
                                 summary=summary)


# A tag that would load something from the network. (Leaflet's own attribution text holds
# an <a href="https://leafletjs.com"> inside a JS string; a link is not a load.)
REMOTE = re.compile(r"""<(?:script|link|img|iframe|source|embed)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def result_html():
    return offline_html(render_result_map(fake_result(), fake_catalog()))


@pytest.fixture(scope="module")
def catalog_html():
    return offline_html(render_catalog_map(fake_catalog()))


def test_no_remote_src_or_href(result_html, catalog_html):
    for html in (result_html, catalog_html):
        assert not REMOTE.search(html)
        assert "cdn." not in html and "code.jquery.com" not in html
        assert "Leaflet 1.9.4" in html and "jQuery v3.7.1" in html
        assert "url(images/" not in html  # CSS images became data URIs


def test_web_tiles_are_optional_and_off(result_html):
    assert "tile.openstreetmap" not in result_html
    html = offline_html(render_result_map(fake_result(), fake_catalog(), web_tiles=True))
    assert "tile.openstreetmap" in html and not REMOTE.search(html)


def test_render_is_deterministic(result_html, catalog_html):
    assert offline_html(render_result_map(fake_result(), fake_catalog())) == result_html
    assert offline_html(render_catalog_map(fake_catalog())) == catalog_html
    assert not re.search(r"\b[0-9a-f]{32}\b", result_html)  # no folium random ids left


def test_same_map_renders_twice_identically():
    m = render_result_map(fake_result(), fake_catalog())
    assert offline_html(m) == offline_html(m)


def test_class_level_asset_lists_untouched():
    before_js, before_css = list(folium.Map.default_js), list(folium.Map.default_css)
    offline_html(render_catalog_map(fake_catalog()))
    assert folium.Map.default_js == before_js and folium.Map.default_css == before_css
    assert any("http" in url for _, url in folium.Map().default_js)


def test_file_is_small(tmp_path):
    path = save_offline(render_result_map(fake_result(), fake_catalog()), tmp_path / "map.html")
    assert path.stat().st_size < 3_000_000


def test_user_text_is_escaped(result_html, catalog_html):
    assert XSS_APPLICANT not in result_html and text(XSS_APPLICANT) in result_html
    for html in (result_html, catalog_html):
        assert XSS_NAME not in html
        assert "<script>alert(3)" not in html
        assert "${alert(2)}" not in html and "`${" not in html
        assert text(XSS_NAME) in html
    assert "<b>test</b>" not in result_html and text("reversal <b>test</b>") in result_html


def test_escape_text_covers_template_literal_characters():
    assert text("a<b>&'\"`${x}\\") == "a&lt;b&gt;&amp;&#39;&quot;&#96;&#36;&#123;x&#125;&#92;"
    assert text(None) == "" and text(float("nan")) == ""


def test_one_plant_marker_per_capacity_row(result_html):
    assert result_html.count('"className": "ree-plant ') == len(fake_result().capacity)


def test_states_cover_alaska_and_hawaii():
    from maps.basemap import states_geojson

    codes = {f["properties"]["usps"] for f in states_geojson()["features"]}
    assert len(codes) == 52 and {"AK", "HI", "PR", "DC"} <= codes


def test_deterministic_across_interpreters(result_html):
    """folium ids come from os.urandom and set order from the hash seed: a fresh
    interpreter with another seed must still write the same bytes."""
    import hashlib
    import os
    import subprocess
    import sys
    from pathlib import Path

    tests_dir = Path(__file__).resolve().parent
    code = (
        "import hashlib, sys; sys.path.insert(0, %r)\n"
        "from test_maps_offline import fake_catalog, fake_result\n"
        "from maps import offline_html, render_result_map\n"
        "html = offline_html(render_result_map(fake_result(), fake_catalog()))\n"
        "print(hashlib.sha256(html.encode()).hexdigest())\n" % str(tests_dir)
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tests_dir.parent, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == hashlib.sha256(result_html.encode()).hexdigest()


def test_unvendored_plugin_is_refused():
    from folium.plugins import MiniMap

    from maps.offline import OfflineAssetError

    m = render_catalog_map(fake_catalog())
    MiniMap().add_to(m)
    with pytest.raises(OfflineAssetError, match="vendor it first"):
        offline_html(m)


def test_output_is_per_technology_not_summed():
    """Mountain Pass makes 2,100 t Nd oxide and turns 950 t into metal: the popup shows
    both, never a 3,050 t site total that counts the metal twice."""
    html = offline_html(render_result_map(fake_result(), fake_catalog()))
    assert "2,100" in html and "950" in html and "3,050" not in html


def test_renders_real_catalog_and_result_types(solve, tmp_path):
    """The contract with sites.Catalog and models.PortfolioResult, via tests/conftest.py."""
    import factory as f

    from models import ModelSettings

    result, _, _ = solve(
        ModelSettings(budget_usd=50e6),
        sites=[f.site("mine", allowed="sx;metal"), f.site("mill", kind="magnet", name=XSS_NAME)],
        feedstocks=[f.feed("conc", "mine", 1000, nd=0.5, other=0.5)],
        technologies=[f.tech("sx", "mixed", "oxide", 100_000), f.tech("metal", "oxide", "metal", 50_000)],
        demand=[f.demand("Nd", 1000, form="metal")],
        imports=[f.imports("Nd", 0, form="metal")],
    )
    from sites import load_catalog

    catalog = load_catalog(tmp_path / "catalog")  # where the solve fixture wrote it
    html = offline_html(render_result_map(result, catalog))
    assert len(result.capacity) > 0
    assert html.count('"className": "ree-plant ') == len(result.capacity)
    assert XSS_NAME not in html and text(XSS_NAME) in html


def test_flow_palette_is_apart_from_the_technology_palette(result_html):
    """Issue 14: flows no longer share colours with technologies; they are dashed too."""
    import math

    from maps import style

    def rgb(colour):
        return [int(colour[i:i + 2], 16) for i in (1, 3, 5)]

    for form, colour in style.FORM_COLOURS.items():
        nearest = min(math.dist(rgb(colour), rgb(t)) for t in style.TECHNOLOGY_COLOURS.values())
        assert nearest >= 90, form
    assert '"dashArray": "8 5"' in result_html


def test_flows_csv_carries_endpoint_coordinates(tmp_path):
    from planner.cli import main
    from planner.run import load_inputs
    from planner.scenario import load_scenario

    out = tmp_path / "run"
    assert main(["run", "--out", str(out), "--no-map"]) == 0
    flows = pd.read_csv(out / "flows.csv")
    sites = load_inputs(load_scenario()).sites.set_index("site_id")
    assert len(flows) > 0
    for end in ("from", "to"):
        assert flows[f"{end}_latitude"].tolist() == pytest.approx(sites.loc[flows[f"{end}_site"], "latitude"].tolist())
        assert flows[f"{end}_longitude"].tolist() == pytest.approx(
            sites.loc[flows[f"{end}_site"], "longitude"].tolist())


def test_every_shipped_site_has_a_short_label_and_no_stale_ones():
    """maps/site_labels.csv names each catalog site once, short enough to sit beside a circle."""
    from maps.labels import LABEL_MAX_CHARS, _declared
    from sites import load_catalog

    declared = _declared()
    shipped = set(load_catalog().sites["site_id"].astype(str))
    assert set(declared) == shipped
    assert all(0 < len(label) <= LABEL_MAX_CHARS for label in declared.values())
    assert len(set(declared.values())) == len(declared)


def test_short_label_of_an_undeclared_site_is_its_name_cut_short():
    from maps.labels import short_label

    assert short_label("mountain-pass", "Mountain Pass mine and processing facility") == "Mountain Pass"
    assert short_label("x", "Halleck Creek (Cowboy State Mine)") == "Halleck Creek"
    assert short_label("x", "Bokan Mountain - Dotson Ridge") == "Bokan Mountain"
    assert short_label("x", "A very long plant name that goes on") == "A very long plant name…"
    assert short_label("x", None) == "x"


def test_far_sites_go_to_their_region():
    from maps.inset import far_region, in_lower48

    assert in_lower48((35.48, -115.53)) and in_lower48((43.0, -71.0))
    assert not in_lower48((54.91, -132.14))
    assert far_region((54.91, -132.14)) == "Alaska"
    assert far_region((21.3, -157.8)) == "Hawaii"
    assert far_region((18.4, -66.1)) == "Puerto Rico"
    assert far_region((13.4, 144.8)) == "Other sites"


def test_insets_carry_the_far_sites_and_their_flows(result_html, catalog_html):
    import json

    from maps import style
    from maps.render import far_insets
    from maps.lookup import CatalogIndex

    index = CatalogIndex.of(fake_catalog())
    lines = [("bokan", "mountain-pass", "mixed", 3.0), ("white-mesa", "xss-site", "oxide", 2.0)]
    insets = far_insets(index, {"bokan": ("#222222", 14.0, "#1f5fa8")}, lines)
    assert insets == [{
        "name": "Alaska", "bounds": [[51.2, -188.0], [71.4, -129.9]],
        "sites": [[54.91, -132.14, "Bokan Mountain", "#222222", 10.0, "#1f5fa8"]],
        "flows": [[[54.91, -132.14], [35.48, -115.53], style.FORM_COLOURS["mixed"], 3.0]],
    }]
    for html in (result_html, catalog_html):
        assert '"name": "Alaska"' in html and json.dumps("Bokan Mountain") in html
        # the main view fits the lower 48 (the fake result builds a plant at Bokan, Alaska)
        fit = json.loads(re.search(r"map_\d+\.fitBounds\(\s*(\[\[.*?\]\])", html).group(1))
        assert fit[1][0] < 49.4 and fit[0][1] > -124.8
