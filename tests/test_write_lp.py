"""`ree-planner run --write-lp FILE`: the first stage's LP, readable, solvable to the run's own
first-stage optimum, changing no other output; bad paths refused with exit 2, nothing written."""
import json

import highspy
import pytest

from models.lp_file import MARK
from planner.cli import main


def lp_optimum(path) -> float:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    assert h.readModel(str(path)) == highspy.HighsStatus.kOk
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return h.getInfo().objective_function_value


def test_lp_file_solves_to_the_first_stage_optimum_and_changes_nothing_else(tmp_path, capsys):
    lp = tmp_path / "lp" / "baseline.lp"
    assert main(["run", "baseline", "--no-map", "--out", str(tmp_path / "with"), "--write-lp", str(lp)]) == 0
    assert f"First-stage LP written to {lp}" in capsys.readouterr().out
    text = lp.read_text()
    assert text.startswith(MARK)
    # the names a reader meets, as docs/model.md explains them
    assert "Maximize" in text and "credited_Nd_oxide" in text and "\nbudget_" in text
    summary = json.loads((tmp_path / "with" / "summary.json").read_text())
    assert lp_optimum(lp) == pytest.approx(summary["objective_value"], rel=1e-9)
    assert main(["run", "baseline", "--no-map", "--out", str(tmp_path / "without")]) == 0
    for name in ("capacity.csv", "elements.csv", "flows.csv", "duals.csv", "portfolio.csv"):
        assert (tmp_path / "with" / name).read_bytes() == (tmp_path / "without" / name).read_bytes(), name


def test_lp_file_of_a_priced_run_holds_the_links_pricing_built(tmp_path):
    """With shipping_k_nearest the file is written after pricing: its optimum is the run's."""
    scenario = tmp_path / "near.toml"
    scenario.write_text('name = "near"\nextends = "baseline"\nshipping_k_nearest = 1\n')
    lp = tmp_path / "near.lp"
    assert main(["run", str(scenario), "--no-map", "--out", str(tmp_path / "out"), "--write-lp", str(lp)]) == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert lp_optimum(lp) == pytest.approx(summary["objective_value"], rel=1e-9)


def test_our_own_lp_file_is_replaced(tmp_path):
    lp = tmp_path / "again.lp"
    lp.write_text(MARK + " (an older run)\n")
    assert main(["run", "baseline", "--no-map", "--out", str(tmp_path / "out"), "--write-lp", str(lp)]) == 0
    assert "Maximize" in lp.read_text()


@pytest.mark.parametrize("where, expected", [
    ("other.lp", "expected a new file or an LP file ree-planner wrote; choose another name (--write-lp never "
                 "replaces another file)"),
    ("out/model.lp", "expected an LP file outside the output folder"),
    ("folder", "expected a file path, not a folder or link"),
])
def test_bad_lp_path_exits_2_and_writes_nothing(tmp_path, capsys, where, expected):
    (tmp_path / "other.lp").write_text("someone else's notes\n")
    (tmp_path / "folder").mkdir()
    out = tmp_path / "out"
    code = main(["run", "baseline", "--no-map", "--out", str(out), "--write-lp", str(tmp_path / where)])
    assert code == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / where}: {expected}" in err and "Traceback" not in err
    assert (tmp_path / "other.lp").read_text() == "someone else's notes\n"
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "other.lp"]
