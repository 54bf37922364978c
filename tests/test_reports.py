"""report.xlsx and report.html in every run folder: sheets, self-contained page, escaping."""
import pandas as pd
import pytest

from planner.outputs import charts
from planner.cli import main
from sweep_catalogs import TWO_ELEMENTS, scenario_file


@pytest.fixture
def run_dir(tmp_path):
    path = scenario_file(tmp_path, TWO_ELEMENTS, budget_usd=20e6,
                         description='Tiny <script>alert("x")</script> & co')
    out = tmp_path / "run"
    assert main(["run", str(path), "--out", str(out)]) == 0
    return out


def test_run_writes_both_reports(run_dir):
    assert (run_dir / "report.xlsx").is_file() and (run_dir / "report.html").is_file()
    sheets = pd.read_excel(run_dir / "report.xlsx", sheet_name=None)
    assert list(sheets) == ["summary", "capacity", "elements", "flows", "assumptions", "sources"]
    assert sheets["capacity"]["new_tpa"].tolist() == [400.0]
    assert sheets["sources"]["source_id"].tolist() == ["test-src"]
    assert "cited_by" in sheets["sources"].columns
    summary = sheets["summary"].set_index("item")["value"]
    # measured: from $20M only $30M more is worth anything (30 x 14 = 420 weighted t/yr)
    assert summary["marginal value"] == ("The next $100M adds 420.0 t/yr of weighted supply "
                                         "(180.0 t/yr NdPr, 60.0 t/yr Dy) (measured: re-solved with $120.0M).")


def test_html_report_is_self_contained_and_escaped(run_dir):
    html = (run_dir / "report.html").read_text()
    assert "data:image/png;base64," in html
    assert '<iframe class="map"' in html and 'srcdoc="&lt;!DOCTYPE html&gt;' in html and 'src="map.html"' not in html
    assert "<script>alert" not in html and "Tiny &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html
    for attr in ('src="http', "src='http", 'href="http', "@import", "url(http"):
        assert attr not in html
    for text in ("The next $100M adds 420.0", "Mine", "capex_multiplier", "Element balance"):
        assert text in html


def test_report_without_map_says_so(tmp_path):
    path = scenario_file(tmp_path, TWO_ELEMENTS)
    out = tmp_path / "run"
    assert main(["run", str(path), "--out", str(out), "--no-map"]) == 0
    html = (out / "report.html").read_text()
    assert "<iframe" not in html and "without a map" in html


def test_charts_are_byte_identical(run_dir):
    elements = pd.read_csv(run_dir / "elements.csv")
    first = charts.element_balance_png(elements)
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and b"Software" not in first
    assert charts.element_balance_png(elements) == first


def test_run_tables_are_byte_identical(tmp_path):
    path = scenario_file(tmp_path, TWO_ELEMENTS, budget_usd=20e6)
    for out in ("a", "b"):
        assert main(["run", str(path), "--out", str(tmp_path / out), "--no-map"]) == 0
    for name in ("capacity.csv", "elements.csv", "flows.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
