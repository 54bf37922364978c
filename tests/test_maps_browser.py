"""The saved maps in real headless Chromium, offline: Leaflet loads from the file, one
clickable marker per built plant, popups show capacity, hostile names stay text."""

from __future__ import annotations

import pytest
from browser import FIND_MAP, open_map, requires_chromium
from test_maps_offline import XSS_APPLICANT, XSS_NAME, XSS_NOTE, XSS_OPERATOR, fake_catalog, fake_result

from maps import numbers, render_catalog_map, render_result_map, save_offline

pytestmark = requires_chromium


@pytest.fixture(scope="module")
def result_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("maps") / "result.html"
    return save_offline(render_result_map(fake_result(), fake_catalog()), path)


@pytest.fixture(scope="module")
def catalog_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("maps") / "catalog.html"
    return save_offline(render_catalog_map(fake_catalog()), path)


def _assert_clean(opened):
    assert opened.problems() == {k: [] for k in opened.problems()}


def _tokens(classes: str, prefix: str) -> str:
    return next(c[len(prefix):] for c in classes.split() if c.startswith(prefix))


def test_result_map_loads_offline(browser, result_file):
    with open_map(browser, result_file) as opened:
        page = opened.page
        assert page.evaluate("typeof window.L") == "object"
        assert page.evaluate("L.version") == "1.9.4"
        assert page.evaluate("typeof window.jQuery") == "function"
        assert page.locator("path.ree-plant").count() == len(fake_result().capacity)
        assert page.locator("path.ree-flow").count() == 3  # same-site flow not drawn
        assert page.locator("path.ree-demand").count() == 1
        assert page.locator("#ree-legend").is_visible()
        _assert_clean(opened)


def test_every_plant_opens_its_capacity_popup(browser, result_file):
    capacity = fake_result().capacity
    with open_map(browser, result_file) as opened:
        page = opened.page
        markers = page.locator("path.ree-plant")
        assert markers.count() == len(capacity)
        seen = set()
        for i in range(markers.count()):
            marker = markers.nth(i)
            classes = marker.get_attribute("class")
            site, tech = _tokens(classes, "ree-site-"), _tokens(classes, "ree-tech-")
            row = capacity[(capacity.site_id == site) & (capacity.technology == tech)].iloc[0]
            # The last popup may have panned the map: go back to the plants view.
            page.locator("a.ree-region[data-region='Plants']").click()
            page.wait_for_timeout(400)
            opened.click_centre(marker)
            popup = page.locator(".leaflet-popup-content .ree-plant-popup")
            popup.wait_for(state="visible", timeout=3000)
            assert popup.locator("tr.ree-this .ree-total").inner_text() == numbers.tonnes(row.total_tpa)
            assert row.site_name in popup.locator(".ree-name").inner_text()
            page.locator(".leaflet-popup-close-button").click()
            popup.wait_for(state="detached", timeout=3000)
            seen.add((site, tech))
        assert len(seen) == len(capacity)
        _assert_clean(opened)


def test_hostile_site_text_is_shown_not_run(browser, result_file):
    with open_map(browser, result_file) as opened:
        page = opened.page
        marker = page.locator("path.ree-plant.ree-site-xss-site")
        assert marker.count() == 1
        marker.hover()
        tooltip = page.locator(".leaflet-tooltip")
        tooltip.wait_for(state="visible", timeout=3000)
        assert XSS_NAME in tooltip.inner_text()
        opened.click_centre(marker)
        popup = page.locator(".leaflet-popup-content .ree-plant-popup")
        popup.wait_for(state="visible", timeout=3000)
        assert XSS_NAME in popup.inner_text()
        assert XSS_OPERATOR in popup.inner_text()
        assert XSS_APPLICANT in popup.inner_text()
        assert page.locator(".leaflet-popup-content svg").count() == 0
        assert page.locator("img[src='x']").count() == 0
        page.locator("#ree-legend summary").click()  # the legend starts folded (issue 14)
        assert "reversal <b>test</b>" in page.locator("#ree-legend").inner_text()
        assert opened.dialogs == []
        _assert_clean(opened)


def test_catalog_site_popup_keeps_notes_as_text(browser, catalog_file):
    with open_map(browser, catalog_file) as opened:
        page = opened.page
        assert page.locator("path.ree-site").count() == len(fake_catalog().sites)
        assert page.locator("path.ree-plant").count() == 0
        opened.click_centre(page.locator("path.ree-site-xss-site"))
        popup = page.locator(".leaflet-popup-content .ree-site-popup")
        popup.wait_for(state="visible", timeout=3000)
        body = popup.inner_text()
        assert XSS_NAME in body and XSS_NOTE in body
        assert "Mineral Commodity Summaries" not in body or "USGS" in body
        assert page.locator("img[src='x']").count() == 0
        _assert_clean(opened)


def test_alaska_button_and_layer_toggle(browser, result_file):
    with open_map(browser, result_file) as opened:
        page = opened.page
        page.locator("a.ree-region[data-region='Alaska']").click()
        page.wait_for_timeout(400)
        assert page.evaluate(f"{FIND_MAP}.getBounds().contains([54.91, -132.14])")
        assert page.evaluate(f"{FIND_MAP}.getBounds().contains([61.2, -150.0])")
        assert not page.evaluate(f"{FIND_MAP}.getBounds().contains([35.48, -115.53])")
        # The layer control starts collapsed (issue 14); hovering opens it. Hiding the plants
        # layer removes its markers; showing it brings all back.
        assert not page.locator(".leaflet-control-layers-overlays").is_visible()
        page.locator(".leaflet-control-layers").dispatch_event("mouseover")
        toggle = page.locator(".leaflet-control-layers-overlays label", has_text="Built plants").locator("input")
        assert page.locator(".leaflet-control-layers-overlays").is_visible()
        toggle.evaluate("el => el.click()")  # (a pointer click would move off the control and fold it)
        assert page.locator("path.ree-plant").count() == 0
        toggle.evaluate("el => el.click()")
        assert page.locator("path.ree-plant").count() == len(fake_result().capacity)
        _assert_clean(opened)


def test_screenshot_writes_png(result_file, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from maps.screenshot import screenshot

    # screenshot() starts its own Playwright; this module's browser fixture already runs
    # one on this thread, and the sync API allows one per thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        png = pool.submit(screenshot, result_file, tmp_path / "map.png", 800, 500).result()
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (800, 500)


def test_legend_and_layer_control_start_folded(browser, result_file):
    """Issue 14: neither covers the map until asked for."""
    with open_map(browser, result_file) as opened:
        page = opened.page
        assert page.evaluate("document.querySelector('#ree-legend details').open") is False
        box = page.locator("#ree-legend").bounding_box()
        assert box["width"] * box["height"] < 200 * 60
        assert page.locator(".leaflet-control-layers").get_attribute("class").count("leaflet-control-layers-expanded") == 0
        _assert_clean(opened)
