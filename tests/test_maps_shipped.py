"""The real baseline map.html and catalog map, written by the CLI, in offline Chromium."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from browser import FIND_MAP, open_map, requires_chromium

from maps import numbers
from planner.cli import main

pytestmark = requires_chromium


@pytest.fixture(scope="module")
def baseline_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "baseline"
    assert main(["run", "--out", str(out)]) == 0
    return out


def test_baseline_map_markers_popups_flows_legend(browser, baseline_dir):
    capacity = pd.read_csv(baseline_dir / "capacity.csv")
    flows = pd.read_csv(baseline_dir / "flows.csv")
    with open_map(browser, baseline_dir / "map.html") as opened:
        page = opened.page
        assert page.evaluate("L.version") == "1.9.4"
        markers = page.locator("path.ree-plant")
        assert markers.count() == len(capacity)
        assert page.locator("path.ree-flow").count() == len(flows.drop_duplicates(["from_site", "to_site", "form"]))
        assert page.locator("#ree-legend").is_visible()
        # click the largest plant: its popup shows its total capacity
        big = capacity.sort_values("total_tpa", ascending=False).iloc[0]
        marker = page.locator(f"path.ree-plant.ree-site-{big.site_id}.ree-tech-{big.technology}")
        opened.click_centre(marker)
        popup = page.locator(".leaflet-popup-content .ree-plant-popup")
        popup.wait_for(state="visible", timeout=3000)
        assert popup.locator("tr.ree-this .ree-total").inner_text() == numbers.tonnes(big.total_tpa)
        assert opened.problems() == {k: [] for k in opened.problems()}


def test_catalog_map_shows_every_site(browser, tmp_path, shipped_catalog):
    out = tmp_path / "sites.html"
    assert main(["catalog", "map", "--out", str(out)]) == 0
    with open_map(browser, out) as opened:
        page = opened.page
        n = page.evaluate("""() => { let n = 0; const m = Object.values(window).find(v => v instanceof L.Map);
            m.eachLayer(l => { if (l instanceof L.CircleMarker) n += 1; }); return n; }""")
        assert n >= len(shipped_catalog.sites)  # one per site, plus demand rings on magnet makers
        assert page.locator("#ree-legend").is_visible()
        assert opened.problems() == {k: [] for k in opened.problems()}


def test_map_png_command(baseline_dir, tmp_path):
    """In its own process: Playwright's sync API allows one instance per thread, and the
    module's browser fixture holds this one."""
    png = tmp_path / "map.png"
    done = subprocess.run([sys.executable, "-m", "planner.cli", "map", str(baseline_dir), "--png", str(png),
                           "--width", "800", "--height", "500"], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"Screenshot of {baseline_dir / 'map.html'} written to {png}\n"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_comparison_map_of_two_runs(browser, baseline_dir, tmp_path):
    """compare writes a map with one layer per run; every new plant of each run is a marker."""
    other = tmp_path / "reversal"
    assert main(["run", "policy-reversal", "--out", str(other), "--no-map"]) == 0
    out = tmp_path / "cmp"
    assert main(["compare", str(baseline_dir), str(other), "--out", str(out)]) == 0
    new = sum(int((pd.read_csv(d / "capacity.csv")["new_tpa"] > 0).sum()) for d in (baseline_dir, other))
    with open_map(browser, out / "comparison_map.html") as opened:
        page = opened.page
        assert page.locator("path.ree-plant").count() == new
        assert page.locator("path.ree-portfolio-baseline").count() > 0
        assert page.locator("path.ree-portfolio-reversal").count() > 0
        assert opened.problems() == {k: [] for k in opened.problems()}


def test_report_html_opens_offline_with_its_map(browser, baseline_dir):
    """report.html is one page for a manager: it loads with no outside request and shows the
    run's own map inside it (srcdoc, no file beside it needed) with Leaflet and every plant."""
    from maps import chromium

    blocked, errors = [], []
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    try:
        page.route("**/*", chromium.offline_route(blocked))  # file:// and data: only
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((baseline_dir / "report.html").resolve().as_uri(), wait_until="load")
        page.wait_for_timeout(500)
        frames = [f for f in page.frames if f.url == "about:srcdoc"]
        assert len(frames) == 1
        assert frames[0].evaluate("typeof window.L") == "object"
        capacity = pd.read_csv(baseline_dir / "capacity.csv")
        assert frames[0].locator("path.ree-plant").count() == len(capacity)
        assert "capacity" in page.inner_text("body").lower()
        assert (blocked, errors) == ([], [])
    finally:
        page.close()


def test_baseline_map_labels_the_main_plants_at_its_default_view(browser, baseline_dir):
    """Issue 14: at the view the map opens with (1,366 px wide), the five largest plant sites
    carry their short names, no two labels overlap, and zoomed out below LABEL_MIN_ZOOM none show."""
    from test_maps_browser import _overlapping, _visible_labels

    from maps.labels import LABEL_MIN_ZOOM, short_label

    capacity = pd.read_csv(baseline_dir / "capacity.csv")
    largest = capacity.groupby("site_id")["total_tpa"].sum().sort_values(ascending=False).index[:5]
    with open_map(browser, baseline_dir / "map.html", width=1366, height=768) as opened:
        page = opened.page
        shown = _visible_labels(page)
        assert {short_label(s, None) for s in largest} <= set(shown)
        assert _overlapping(shown) == []
        assert page.evaluate("document.querySelector('#ree-legend details').open") is False
        page.evaluate(f"{FIND_MAP}.setZoom({LABEL_MIN_ZOOM - 1}, {{animate: false}})")
        page.wait_for_timeout(300)
        assert _visible_labels(page) == {}
        assert opened.problems() == {k: [] for k in opened.problems()}


def test_horizon_2035_shows_bokan_mountain_in_an_alaska_inset(browser, tmp_path):
    """horizon-2035 ships Bokan Mountain ore to Mountain Pass: the main view still fits the
    lower 48, and the Alaska inset shows the deposit and its flow, with arrowheads."""
    out = tmp_path / "horizon"
    assert main(["run", "horizon-2035", "--out", str(out)]) == 0
    flows = pd.read_csv(out / "flows.csv")
    from_bokan = flows[flows["from_site"] == "bokan-mountain"].drop_duplicates(["to_site", "form"])
    assert len(from_bokan) >= 1
    with open_map(browser, out / "map.html", width=1366, height=768) as opened:
        page = opened.page
        assert not page.evaluate(f"{FIND_MAP}.getBounds().contains([54.91, -132.14])")
        assert page.evaluate(f"{FIND_MAP}.getBounds().contains([35.48, -115.53])")  # Mountain Pass
        inset = page.locator(".ree-inset[data-region='Alaska']")
        assert inset.evaluate("el => el.reeMap.getBounds().contains([54.91, -132.14])")
        assert inset.locator(".ree-inset-label").inner_text() == "Bokan Mountain"
        assert inset.locator("path.ree-inset-flow").count() == len(from_bokan)
        assert inset.locator("path.ree-arrow").count() >= 1
        assert page.locator(".ree-inset").count() == 1
        assert opened.problems() == {k: [] for k in opened.problems()}
    # in the memo's shorter map frame the inset would sit on Cyclic Mesa (Arizona): the view is
    # fitted again beside the inset, so every plant's centre is still the plant
    with open_map(browser, out / "report.html", width=1366, height=900) as opened:
        frame = next(f for f in opened.page.frames if f.url == "about:srcdoc")
        frame.wait_for_function("() => window.L !== undefined")
        covered = frame.evaluate("""() => [...document.querySelectorAll('path.ree-plant')].filter(el => {
            const r = el.getBoundingClientRect(), top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            return top !== el && !(top && top.classList.contains('ree-label')); }).map(el => el.getAttribute('class'))""")
        assert covered == []
        assert frame.locator(".ree-inset[data-region='Alaska'] .ree-inset-label").inner_text() == "Bokan Mountain"
        assert opened.problems() == {k: [] for k in opened.problems()}


def _year_view(page) -> dict:
    """What the map shows now: the slider's year, plant circles, flow lines, arrowheads, labels."""
    return page.evaluate("""() => ({
        year: document.querySelector('.ree-years').getAttribute('data-year'),
        plants: document.querySelectorAll('path.ree-plant').length,
        new_plants: document.querySelectorAll('path.ree-plant.ree-plant-new').length,
        flows: document.querySelectorAll('path.ree-flow').length,
        arrows: document.querySelectorAll('path.ree-arrow').length,
        sites: [...new Set([...document.querySelectorAll('path.ree-plant')].map(el =>
            [...el.classList].find(c => c.startsWith('ree-site-')).slice(9)))].sort()})""")


@pytest.fixture(scope="module")
def timeline_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "timeline"
    assert main(["run", "timeline", "--out", str(out)]) == 0
    return out


def test_timeline_map_year_slider_shows_each_years_plants_and_flows(browser, timeline_dir, shipped_catalog):
    """Issue 15 item 5: the timeline run's map opens on the target year (2030) and its slider
    shows the plants running (capacity_by_year.csv) and the flows (flows_by_year.csv) of the
    year chosen; 2027 has fewer of both than 2035. Offline, and it fits 1,366 px."""
    from test_maps_browser import _overlapping, _visible_labels

    from maps.labels import short_label

    out = timeline_dir
    cap = pd.read_csv(out / "capacity_by_year.csv")
    flows = pd.read_csv(out / "flows_by_year.csv")
    years = sorted(cap["year"].unique())

    def expected(year):
        running = cap[(cap["year"] == year) & (cap["available_tpa"] > 0)]
        lines = flows[(flows["year"] == year) & (flows["from_site"] != flows["to_site"]) & (flows["tonnes"] > 0)]
        return {"plants": len(running), "new_plants": int((running["new_running_tpa"] > 0).sum()),
                "flows": len(lines.drop_duplicates(["from_site", "to_site", "form"])),
                "sites": sorted(running["site_id"].unique())}

    assert expected(2027)["plants"] < expected(2035)["plants"]
    assert expected(2027)["flows"] < expected(2035)["flows"]
    with open_map(browser, out / "map.html", width=1366, height=768) as opened:
        page = opened.page
        slider = page.locator(".ree-years input")
        for year in (2030, 2027, 2035):  # 2030: as it opens
            if year != 2030:
                slider.fill(str(years.index(year)))
                page.wait_for_timeout(200)
            shown = _year_view(page)
            assert shown["year"] == str(year)
            assert {k: shown[k] for k in expected(year)} == expected(year), year
            assert shown["arrows"] >= shown["flows"]  # at least one arrowhead per line
            labels = _visible_labels(page)
            magnet = {short_label(r.site_id, r.name) for r in shipped_catalog.sites.itertuples() if r.kind == "magnet"}
            names = shipped_catalog.sites.set_index("site_id")["name"]
            assert set(labels) <= {short_label(s, names[s]) for s in shown["sites"]} | magnet, year
            assert _overlapping(labels) == []
        # a plant's popup gives the capacity running in the year shown (ramping in 2028)
        slider.fill(str(years.index(2028)))
        page.wait_for_timeout(200)
        ramping = cap[(cap["year"] == 2028) & (cap["new_running_tpa"] > 0)].sort_values("available_tpa").iloc[-1]
        opened.click_centre(page.locator(f"path.ree-plant.ree-site-{ramping.site_id}.ree-tech-{ramping.technology}"))
        popup = page.locator(".leaflet-popup-content .ree-plant-popup")
        popup.wait_for(state="visible", timeout=3000)
        assert popup.locator("tr.ree-this .ree-total").inner_text() == numbers.tonnes(ramping.available_tpa)
        assert "running in 2028" in popup.inner_text()
        page.keyboard.press("Escape")
        # the layer control still hides a whole layer, whatever the year
        page.evaluate(f"""() => {{ const m = {FIND_MAP}; m.eachLayer(l => {{
            if (l instanceof L.FeatureGroup && l.hasLayer && l.getLayers().some(g => g instanceof L.FeatureGroup)
                && l.getLayers()[0].getLayers().some(x => x.options.pane === 'ree-plants')) m.removeLayer(l); }}); }}""")
        assert page.locator("path.ree-plant").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        for selector in (".ree-years", "#ree-legend", ".leaflet-control-layers", ".ree-regions"):
            box = page.locator(selector).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 1366 and box["y"] + box["height"] <= 768, selector
        assert opened.problems() == {k: [] for k in opened.problems()}


def test_one_year_map_has_no_year_slider(browser, baseline_dir):
    with open_map(browser, baseline_dir / "map.html") as opened:
        assert opened.page.locator("path.ree-plant").count() > 0
        assert opened.page.locator(".ree-years").count() == 0
    assert "ree-years" not in (baseline_dir / "map.html").read_text(encoding="utf-8")


def test_timeline_year_slider_moves_the_alaska_inset_and_works_in_the_memo(browser, timeline_dir):
    """The Alaska inset shows Bokan Mountain and its flows only in years it ships ore
    (flows_by_year.csv); the memo's inlined map has the same slider, opening on 2030."""
    flows = pd.read_csv(timeline_dir / "flows_by_year.csv")
    bokan = flows[(flows["from_site"] == "bokan-mountain") & (flows["tonnes"] > 0)]
    shipping = sorted(bokan["year"].unique())
    assert 2027 not in shipping and 2035 in shipping
    with open_map(browser, timeline_dir / "map.html", width=1366, height=768) as opened:
        page = opened.page
        inset = page.locator(".ree-inset[data-region='Alaska']")
        assert inset.count() == 1 and inset.is_visible() == (2030 in shipping)  # as the map opens
        for year in (2027, 2035):
            page.locator(".ree-years input").fill(str(year - 2026))
            page.wait_for_timeout(200)
            lines = bokan[bokan["year"] == year].drop_duplicates(["to_site", "form"])
            assert inset.is_visible() == (year in shipping)
            shown = inset.evaluate("""el => [...el.querySelectorAll('path.ree-inset-flow')]
                .filter(p => p.style.display !== 'none').length""")
            assert shown == len(lines)
            arrows = inset.locator("path.ree-arrow").count()
            assert (arrows >= len(lines)) if len(lines) else arrows == 0
        assert inset.locator(".ree-inset-label").inner_text() == "Bokan Mountain"
        assert opened.problems() == {k: [] for k in opened.problems()}
    with open_map(browser, timeline_dir / "report.html", width=1366, height=900) as opened:
        frame = next(f for f in opened.page.frames if f.url == "about:srcdoc")
        frame.wait_for_function("() => window.L !== undefined")
        assert frame.locator(".ree-years").get_attribute("data-year") == "2030"
        frame.locator(".ree-years input").fill("1")
        assert frame.locator(".ree-years").get_attribute("data-year") == "2027"
        assert opened.page.evaluate("document.documentElement.scrollWidth") <= 1366
        assert opened.problems() == {k: [] for k in opened.problems()}
