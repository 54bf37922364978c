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
            if site == "bokan":  # in Alaska: the plants view leaves it to the inset, which zooms there
                page.locator(".ree-inset[data-region='Alaska']").click()
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


def _visible_labels(page) -> dict[str, dict]:
    """Text -> bounding box of every site label shown on the main map."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.ree-label')]
        .filter(el => getComputedStyle(el).visibility === 'visible')
        .map(el => { const r = el.getBoundingClientRect();
                     return [el.textContent, {x: r.x, y: r.y, right: r.right, bottom: r.bottom}]; }))""")


def _overlapping(boxes: dict[str, dict]) -> list[tuple[str, str]]:
    names = sorted(boxes)
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]
            if boxes[a]["x"] < boxes[b]["right"] and boxes[b]["x"] < boxes[a]["right"]
            and boxes[a]["y"] < boxes[b]["bottom"] and boxes[b]["y"] < boxes[a]["bottom"]]


def test_site_labels_show_at_the_default_view_and_hide_below_their_zoom(browser, result_file):
    """Issue 14: short names beside the plants, none overlapping, none when zoomed out."""
    from maps.labels import LABEL_MIN_ZOOM, short_label

    with open_map(browser, result_file) as opened:
        page = opened.page
        assert page.evaluate(f"{FIND_MAP}.getZoom()") >= LABEL_MIN_ZOOM
        shown = _visible_labels(page)
        # the lower-48 plant sites and the demand site; Bokan (Alaska) is outside the main view
        assert set(shown) == {"Mountain Pass", "White Mesa", short_label("xss-site", XSS_NAME), "MP Independence"}
        assert _overlapping(shown) == []
        assert page.locator("img[src='x']").count() == 0  # the hostile name is label text
        # each label sits right of its site, clear of the site's circles
        mp = page.locator("path.ree-plant.ree-site-mountain-pass")
        boxes = [mp.nth(i).bounding_box() for i in range(mp.count())]
        right_edge = max(b["x"] + b["width"] for b in boxes)
        assert right_edge <= shown["Mountain Pass"]["x"] <= right_edge + 10
        page.evaluate(f"{FIND_MAP}.setZoom({LABEL_MIN_ZOOM - 1}, {{animate: false}})")
        page.wait_for_timeout(300)
        assert _visible_labels(page) == {}
        assert page.locator(".ree-label").count() == 5  # hidden, not removed
        page.evaluate(f"{FIND_MAP}.setZoom({LABEL_MIN_ZOOM}, {{animate: false}})")
        page.wait_for_timeout(300)
        assert "Mountain Pass" in _visible_labels(page)
        _assert_clean(opened)


ARROWS = """() => { const map = Object.values(window).find(v => v instanceof L.Map), lines = [], arrows = [];
    map.eachLayer(l => { if (l.options.flowArrows) lines.push(l);
                         if (l.options.className === 'ree-arrow') arrows.push(l); });
    const px = ll => map.project(ll, map.getZoom());
    return {lines: lines.map(l => ({colour: l.options.color, a: px(l.getLatLngs()[0]), b: px(l.getLatLngs()[1])})),
            arrows: arrows.map(l => ({colour: l.options.fillColor, points: l.getLatLngs()[0].map(px)}))}; }"""


def test_flows_carry_arrowheads_pointing_from_origin_to_destination(browser, result_file):
    from maps import style

    with open_map(browser, result_file) as opened:
        page = opened.page
        drawn = page.evaluate(ARROWS)
        assert len(drawn["lines"]) == 3
        assert {line["colour"] for line in drawn["lines"]} == {style.FORM_COLOURS[f] for f in ("metal", "oxide", "mixed")}
        by_colour = {line["colour"]: line for line in drawn["lines"]}  # one line per form here
        assert len(drawn["arrows"]) >= 3
        for arrow in drawn["arrows"]:
            line = by_colour[arrow["colour"]]  # an arrow has its line's colour
            tip, left, right = arrow["points"]
            base = {"x": (left["x"] + right["x"]) / 2, "y": (left["y"] + right["y"]) / 2}
            dx, dy = line["b"]["x"] - line["a"]["x"], line["b"]["y"] - line["a"]["y"]
            length = (dx * dx + dy * dy) ** 0.5
            along = ((tip["x"] - base["x"]) * dx + (tip["y"] - base["y"]) * dy) / length
            off_line = abs((base["x"] - line["a"]["x"]) * dy - (base["y"] - line["a"]["y"]) * dx) / length
            assert along > 5 and off_line < 1  # on the line, pointing at the destination
        assert {a["colour"] for a in drawn["arrows"]} == set(by_colour)  # every line has some
        before = len(drawn["arrows"])
        page.evaluate(f"{FIND_MAP}.setZoom({FIND_MAP}.getZoom() + 1, {{animate: false}})")
        page.wait_for_timeout(300)
        assert len(page.evaluate(ARROWS)["arrows"]) > before  # longer lines on screen, more arrows
        # switching the flows layer off takes its arrowheads too
        page.locator(".leaflet-control-layers").dispatch_event("mouseover")
        toggle = page.locator(".leaflet-control-layers-overlays label", has_text="Flows between sites").locator("input")
        toggle.evaluate("el => el.click()")
        assert page.evaluate(ARROWS) == {"lines": [], "arrows": []}
        toggle.evaluate("el => el.click()")
        assert len(page.evaluate(ARROWS)["lines"]) == 3
        _assert_clean(opened)


BOKAN = [54.91, -132.14]


def test_main_view_fits_the_lower_48_and_alaska_is_an_inset(browser, result_file):
    """Issue 14: the Bokan plant no longer zooms the map out; an inset shows it and its flow."""
    with open_map(browser, result_file) as opened:
        page = opened.page
        assert not page.evaluate(f"{FIND_MAP}.getBounds().contains({BOKAN})")
        assert not page.evaluate(f"{FIND_MAP}.getBounds().contains([61.2, -150.0])")
        for lower48 in ([35.48, -115.53], [37.53, -109.51], [36.16, -97.09]):
            assert page.evaluate(f"{FIND_MAP}.getBounds().contains({lower48})")
        inset = page.locator(".ree-inset[data-region='Alaska']")
        assert page.locator(".ree-inset").count() == 1 and inset.is_visible()
        assert inset.evaluate(f"el => el.reeMap.getBounds().contains({BOKAN})")
        label = inset.locator(".ree-inset-label")
        assert label.inner_text() == "Bokan Mountain" and label.is_visible()
        box, label_box = inset.bounding_box(), label.bounding_box()
        assert box["x"] <= label_box["x"] and label_box["x"] + label_box["width"] <= box["x"] + box["width"]
        assert inset.locator("path.ree-inset-flow").count() == 1  # Bokan -> Mountain Pass
        assert inset.locator("path.ree-arrow").count() >= 1
        inset.click()
        page.wait_for_timeout(400)
        assert page.evaluate(f"{FIND_MAP}.getBounds().contains({BOKAN})")
        _assert_clean(opened)


def test_catalog_map_puts_alaska_in_an_inset_too(browser, catalog_file):
    with open_map(browser, catalog_file) as opened:
        page = opened.page
        assert not page.evaluate(f"{FIND_MAP}.getBounds().contains({BOKAN})")
        inset = page.locator(".ree-inset[data-region='Alaska']")
        assert inset.locator(".ree-inset-label").inner_text() == "Bokan Mountain"
        shown = _visible_labels(page)
        assert "White Mesa" in shown and "Mountain Pass" in shown and _overlapping(shown) == []
        assert "Noveon Magnetics" in shown  # id "noveon" has no declared short name: its catalog name
        _assert_clean(opened)


def test_map_fits_a_laptop_screen(browser, result_file):
    """At 1,366 x 768 nothing overflows and the furniture stays clear of the plants."""
    with open_map(browser, result_file, width=1366, height=768) as opened:
        page = opened.page
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        furniture = [page.locator(s).bounding_box() for s in (".ree-inset", "#ree-legend", ".leaflet-control-layers",
                                                               ".ree-regions")]
        for box in furniture:
            assert box["x"] >= 0 and box["x"] + box["width"] <= 1366 and box["y"] + box["height"] <= 768
        plants = page.locator("path.ree-plant.ree-site-mountain-pass, path.ree-plant.ree-site-white-mesa, "
                              "path.ree-plant.ree-site-xss-site")
        for i in range(plants.count()):  # nothing sits on a lower-48 plant
            p = plants.nth(i).bounding_box()
            x, y = p["x"] + p["width"] / 2, p["y"] + p["height"] / 2
            assert plants.nth(i).evaluate("(el, p) => document.elementFromPoint(p[0], p[1]) === el", [x, y])
        _assert_clean(opened)
