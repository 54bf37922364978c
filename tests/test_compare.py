"""`ree-planner compare`: side-by-side tables, what differs, and the three files."""
import pandas as pd
import pytest

from planner.cli import main
from sweep_catalogs import TWO_ELEMENTS, scenario_file


@pytest.fixture
def two_runs(tmp_path):
    path = scenario_file(tmp_path, TWO_ELEMENTS)
    runs = []
    for label, budget in (("ten", "10e6"), ("twenty", "20e6")):
        out = tmp_path / label
        assert main(["run", str(path), "--budget", budget, "--out", str(out), "--no-map"]) == 0
        runs.append(out)
    return runs


def test_compare_writes_tables_and_says_what_differs(tmp_path, two_runs, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", *map(str, two_runs), "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {".ree-planner.json", "comparison.csv", "comparison.xlsx", "comparison.html",
                                               "comparison.png", "comparison_map.html"}
    page = (out / "comparison_map.html").read_text()
    assert page.count("ree-portfolio-ten") == 1 and page.count("ree-portfolio-twenty") == 1
    table = pd.read_csv(out / "comparison.csv")
    assert list(table.columns) == ["section", "item", "metric", "ten", "twenty", "differs"]
    cap = table[(table["section"] == "capacity") & (table["metric"] == "new_tpa")].iloc[0]
    assert (cap["item"], float(cap["ten"]), float(cap["twenty"]), bool(cap["differs"])) == \
        ("mine / sx", 200.0, 400.0, True)
    dy = table[(table["section"] == "elements") & (table["item"] == "Dy") & (table["metric"] == "domestic_t")]
    assert dy[["ten", "twenty"]].astype(float).values.tolist() == [[20.0, 40.0]]
    settings = table[table["section"] == "settings"].set_index("item")
    assert bool(settings.at["budget_usd", "differs"]) and not bool(settings.at["federal_share", "differs"])
    sheets = pd.read_excel(out / "comparison.xlsx", sheet_name=None)
    assert set(sheets) == {"headline", "capacity", "elements", "settings", "differences"}
    html = (out / "comparison.html").read_text()
    assert "data:image/png;base64," in html and "http" not in html.replace("http-equiv", "")
    printed = capsys.readouterr().out
    assert "setting budget_usd: ten = 10000000.0 | twenty = 20000000.0" in printed


def test_compare_a_run_with_itself_finds_nothing(tmp_path, two_runs, capsys):
    assert main(["compare", str(two_runs[0]), str(two_runs[0]), "--out", str(tmp_path / "same")]) == 0
    assert "nothing: the runs agree" in capsys.readouterr().out
    table = pd.read_csv(tmp_path / "same" / "comparison.csv")
    assert list(table.columns)[3:5] == ["ten", "ten#2"] and not table["differs"].any()


def test_compare_needs_two_run_folders(tmp_path, two_runs, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", str(two_runs[0]), "--out", str(out)]) == 2
    assert capsys.readouterr().err == "ree-planner: compare: expected two or more RUN_DIR folders\n"
    assert main(["compare", str(two_runs[0]), str(tmp_path / "nope"), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (f"ree-planner: {tmp_path / 'nope'}: expected a run folder written by "
                                       "`ree-planner run` (missing summary.json, capacity.csv, elements.csv)\n")
    assert not out.exists()
