"""Popup contents of the shipped catalog's sites (no browser needed)."""
from maps.lookup import CatalogIndex
from maps.popups import site_popup


def test_site_popup_lists_feeds_capacity_and_sources(shipped_catalog):
    html = site_popup("mountain-pass", CatalogIndex.of(shipped_catalog))
    feed = shipped_catalog.feedstocks.set_index("feedstock_id").loc["mp-bastnaesite"]
    assert f"<td class='n'>{feed.supply_tpa_base:,.0f}</td>" in html
    assert f"<td class='n'>{100 * feed.share_dy:.2f}</td>" in html
    assert "<th>Existing t/yr</th>" in html
    sources = shipped_catalog.sites.set_index("site_id").at["mountain-pass", "sources"]
    titles = shipped_catalog.sources.set_index("source_id").loc[sources, "title"]
    assert all(t.replace("&", "&amp;") in html or t in html for t in titles)


def test_feed_names_are_escaped(shipped_catalog):
    index = CatalogIndex.of(shipped_catalog)
    index.feedstocks["mountain-pass"][0]["name"] = "<img src=x onerror=alert(1)>"
    html = site_popup("mountain-pass", index)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
