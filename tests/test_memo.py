"""The funding memo (report.html, issue 14 item 1): awards ranked by value for money with one
line of why, near-floor awards flagged, existing plants apart, measures defined on first use,
what the scenario changed against the baseline, the map inlined (no iframe to another file),
print CSS, `ree-planner report --pdf`; in headless Chromium offline at 1,366 px."""
import re
import subprocess
import sys

import pytest
from browser import requires_chromium

from maps import chromium
from maps.screenshot import PDF_MARK
from planner.cli import main
from sweep_catalogs import TWO_ELEMENTS, scenario_file


@pytest.fixture(scope="module")
def reversal(tmp_path_factory):
    """policy-reversal on the shipped catalog: memo compared against the baseline."""
    out = tmp_path_factory.mktemp("memo") / "policy-reversal"
    assert main(["run", "policy-reversal", "--out", str(out)]) == 0
    return out


def _visible(html: str) -> str:
    html = re.sub(r'srcdoc="[^"]*"', "", html)
    html = re.sub(r"<details>.*?</details>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _award_rows(html: str) -> list[list[str]]:
    table = html.split("Recommended awards", 1)[1].split("<table>", 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in body.split("</tr>") if "<td" in row]


def test_memo_ranks_awards_by_value_with_a_reason_each(reversal):
    html = (reversal / "report.html").read_text()
    rows = _award_rows(html)
    assert len(rows) == 4
    per_musd = [float(r[8].replace(",", "")) for r in rows]
    assert per_musd == sorted(per_musd, reverse=True)
    assert [r[0] for r in rows] == ["1", "2", "3", "4"]
    for r in rows:
        assert re.fullmatch(r"[\d.]+x the value floor; limited by (demand|feed|budget|value floor|cost): .+\.", r[9])
    assert "limited by demand: with it, US demand for Nd and Pr metal is met in full." in html
    assert "limited by feed: Dy and Tb metal is still short of demand, but it needs scrap input and every tonne " \
        "of it available is used." in html


def test_memo_speaks_words_not_code_names(reversal):
    text = _visible((reversal / "report.html").read_text())
    for code in ("throughput_tpa", "ix_separation", "sx_separation", "new_tpa", "federal_usd", "site_name"):
        assert code not in text.replace("site_id, new_tpa, federal_usd", "")
    for head in ("New capacity or added feed (t/yr)", "Federal award ($M)", "Weighted t/yr per federal $1M",
                 "Existing capacity (t/yr of input)", "Made in the US (t/yr)", "Foreign-feed reliance"):
        assert head in text


def test_measures_are_defined_before_first_use(reversal):
    html = (reversal / "report.html").read_text()
    body = html.split("<body>", 1)[1]
    assert body.index("Weighted t/yr:</dt>") < body.index("weighted supply (t/yr)")
    assert body.index("Import reliance:</dt>") < body.index("import reliance, heavy")
    assert "One tonne of terbium counts as much as 14 t of neodymium." in html
    assert body.index("Foreign-feed reliance:</dt>") < body.index("<th", body.index("Element balance"))


def test_existing_plants_are_apart_from_new_awards(reversal):
    html = (reversal / "report.html").read_text()
    existing = html.split("Existing plants (already built, not awards)", 1)[1].split("</table>", 1)[0]
    assert "Mountain Pass mine and processing facility" in existing
    awards = html.split("Recommended awards", 1)[1].split("</table>", 1)[0]
    assert "Mountain Pass" not in awards


def test_memo_says_what_changed_against_the_baseline_and_why(reversal):
    text = (reversal / "report.html").read_text()
    assert ("Against the baseline scenario, this scenario changes: import_case truce -&gt; reversal. The awards did "
            "not move (weighted supply 9,193.9 -&gt; 9,193.9 t/yr") in text
    assert "Only the import side moved (Dy imported 155.9 -&gt; 29.9 t/yr, unmet 0.0 -&gt; 126.0 t/yr" in text


def test_the_answer_moves_with_a_command_line_budget(tmp_path, capsys):
    path = scenario_file(tmp_path, TWO_ELEMENTS, budget_usd=20e6)
    assert main(["run", str(path), "--budget", "10M", "--out", str(tmp_path / "o"), "--no-map"]) == 0
    out = capsys.readouterr().out
    assert "Against scenario small without the command-line overrides, this scenario changes: budget_usd $20.0M " \
        "-> $10.0M. The answer moved (weighted supply" in out
    assert "resized:" in out


def test_awards_near_the_value_floor_are_flagged(tmp_path):
    # the one plant adds 14 weighted t/yr per federal $1M; a floor of 12 puts it within 25%
    path = scenario_file(tmp_path, TWO_ELEMENTS, budget_usd=20e6, min_value_per_musd=12)
    assert main(["run", str(path), "--out", str(tmp_path / "o"), "--no-map"]) == 0
    html = (tmp_path / "o/report.html").read_text()
    assert '<p class="flag">1 award near the value floor: Mine' in html
    assert "NEAR THE FLOOR. 1.2x the value floor; limited by" in html


def test_memo_has_print_css_and_no_file_links(reversal):
    html = (reversal / "report.html").read_text()
    assert "@media print" in html and "@page" in html
    outside = re.sub(r'srcdoc="[^"]*"', "", html)
    assert not re.search(r'<iframe[^>]*\ssrc=', outside) and 'href="map.html"' not in outside


@requires_chromium
def test_memo_in_chromium_offline_map_inlined_nothing_overflows(browser, reversal):
    from browser import open_map

    with open_map(browser, reversal / "report.html", width=1366, height=900) as opened:
        page = opened.page
        assert opened.problems() == {k: [] for k in opened.problems()}
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        frames = [f for f in page.frames if f.url == "about:srcdoc"]
        assert len(frames) == 1
        frame = frames[0]
        frame.wait_for_function("() => window.L !== undefined")
        assert frame.evaluate("document.querySelectorAll('.leaflet-container').length") == 1
        assert frame.evaluate("document.querySelectorAll('path.leaflet-interactive').length") > 0
        # the inlined map reads without clicking: plant names shown, legend and layers folded
        labels = frame.evaluate("[...document.querySelectorAll('.ree-label')]"
                                ".filter(el => getComputedStyle(el).visibility === 'visible').map(el => el.textContent)")
        assert {"Mountain Pass", "USAR Stillwater", "MP Independence"} <= set(labels)
        assert frame.evaluate("document.querySelector('#ree-legend details').open") is False
        assert frame.evaluate("document.querySelector('.leaflet-control-layers-expanded')") is None
        assert frame.evaluate("document.querySelectorAll('path.ree-arrow').length") > 0
        assert frame.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert page.evaluate("[...document.querySelectorAll('iframe')].every(f => !f.getAttribute('src'))")


def ree(*args) -> subprocess.CompletedProcess:
    """The command in its own process (this module's Chromium is already driven by Playwright)."""
    return subprocess.run([sys.executable, "-m", "planner.cli", *map(str, args)], capture_output=True, text=True)


@requires_chromium
def test_report_pdf_is_written_through_chromium(reversal, tmp_path):
    pdf = tmp_path / "memo.pdf"
    assert ree("report", reversal, "--pdf", pdf).returncode == 0
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and data.endswith(PDF_MARK) and len(data) > 20_000
    assert ree("report", reversal, "--pdf", pdf).returncode == 0  # ours: replaced
    other = tmp_path / "other.pdf"
    other.write_bytes(b"%PDF-1.4 someone else's")
    done = ree("report", reversal, "--pdf", other)
    assert done.returncode == 2 and "written by ree-planner" in done.stderr
    assert other.read_bytes() == b"%PDF-1.4 someone else's"
    assert ree("report", tmp_path / "nowhere", "--pdf", tmp_path / "x.pdf").returncode == 2


def test_chromium_path_is_the_maps_one():
    from maps import screenshot
    assert screenshot.chromium is chromium


@requires_chromium
def test_memo_screenshot_through_the_map_command(reversal, tmp_path):
    """docs/img/policy-reversal-memo.png is made this way: the map command waits for the map
    inside the memo's frame, and a page with no map at all does not wait for one."""
    png = tmp_path / "memo.png"
    done = ree("map", reversal / "report.html", "--png", png, "--width", "800", "--height", "600")
    assert (done.returncode, done.stderr) == (0, "")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plain = tmp_path / "plain.html"
    plain.write_text("<!doctype html><title>no map</title><p>text</p>")
    assert ree("map", plain, "--png", tmp_path / "plain.png", "--width", "300", "--height", "200").returncode == 0
