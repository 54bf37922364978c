"""Proposal files: every problem listed at once, exact messages, exit 2 and no output folder."""
import pytest

import proposal_factory as pf
from planner.cli import main
from planner.review.proposals import load_proposals, read_proposals, review
from planner.run import load_inputs
from planner.scenario import load_scenario
from sites.errors import InputError

BAD_ROWS = [
    pf.project("A", 100, 5),
    pf.project("B", 100, 5, site="nowhere"),
    pf.project("C", 100, 5, site="mill", tech="metal"),
    pf.project("D", 100, 6, 10),
    pf.project("E", "lots", 5),
    pf.project("F", 100, 5, tech="recycle"),
]


def _expected(file):
    return [
        f"{file}, row 2 (B), column site_id: got 'nowhere', expected a site id from the catalog (mill, mine)",
        f"{file}, row 3 (C), column technology: got 'metal', expected a technology allowed at mill "
        "(sites.csv allowed_technologies: sx)",
        f"{file}, row 4 (D), column federal_request_usd: got '6000000', expected at most the scenario's "
        "federal_share (0.5) of total_capex_usd (10,000,000 USD), i.e. <= 5,000,000; requested share 0.6",
        f"{file}, row 5 (E), column capacity_tpa: got 'lots', expected a number of t/yr of input capacity > 0",
        f"{file}, row 6 (F), column technology: got 'recycle', expected a plant that can be fed: nothing in the "
        "catalog or this file supplies scrap (its input form) to mine",
        f"{file}, column federal_request_usd: got '26,000,000 USD in total', expected a total within the "
        "scenario's budget_usd (20,000,000 USD)",
    ]


@pytest.fixture
def bad(tmp_path):
    toml = pf.write_scenario(tmp_path, budget_usd=20e6)
    return toml, pf.write_proposals(tmp_path / "bad.csv", BAD_ROWS)


def test_every_problem_is_listed_together(bad):
    toml, path = bad
    scenario = load_scenario(toml)
    with pytest.raises(InputError) as err:
        load_proposals(path, scenario, load_inputs(scenario))
    assert [str(p) for p in err.value.problems] == _expected(str(path))
    assert str(err.value).splitlines()[0] == "6 problems in the input:"


def test_evaluate_exits_2_and_writes_nothing(bad, tmp_path, capsys):
    toml, path = bad
    out = tmp_path / "out"
    assert main(["evaluate", str(path), "--scenario", str(toml), "--out", str(out)]) == 2
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]  # no scratch folder left
    err = capsys.readouterr().err
    for line in _expected(str(path)):
        assert f"  - {line}" in err


def test_rank_lists_problems_of_every_file(bad, tmp_path, capsys):
    toml, path = bad
    other = pf.write_proposals(tmp_path / "other.csv", [pf.project("Z", 100, 5, tech="unobtainium")])
    out = tmp_path / "ranked"
    assert main(["rank", str(path), str(other), "--scenario", str(toml), "--out", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "7 problems in the input:" in err
    assert (f"{other}, row 1 (Z), column technology: got 'unobtainium', expected a technology id from the "
            "catalog (metal, recycle, sx)") in err


def test_numbers_ids_and_columns(tmp_path):
    path = pf.write_proposals(tmp_path / "p.csv", [
        pf.project("A", "-5", 5), pf.project("A", 100, "1e400"), pf.project("", 100, 5, capex_musd=0)])
    found = read_proposals(path)
    assert [str(p) for p in found.format_problems] == [
        f"{path}, row 1 (A), column capacity_tpa: got '-5', expected a number of t/yr of input capacity > 0",
        f"{path}, row 2 (A), column project_id: got 'A', expected a unique project_id (row 1 has it too)",
        f"{path}, row 2 (A), column federal_request_usd: got '1e400', expected a number of US dollars >= 0",
        f"{path}, row 3, column project_id: got '', expected a project id",
        f"{path}, row 3, column total_capex_usd: got '0.0', expected a number of US dollars > 0",
    ]
    assert found.projects == ()
    (tmp_path / "cols.csv").write_text("project_id,site_id\nA,mine\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_proposals(tmp_path / "cols.csv")
    assert [p.column for p in err.value.problems] == ["applicant", "technology", "capacity_tpa",
                                                      "federal_request_usd", "total_capex_usd"]


def test_select_pool_may_exceed_budget_but_not_have_bad_numbers(tmp_path, capsys):
    toml = pf.write_scenario(tmp_path, budget_usd=10e6)
    pool = pf.write_proposals(tmp_path / "pool.csv", [pf.project("A", 100, 5), pf.project("B", 100, 5),
                                                      pf.project("C", 100, 5)])
    scenario = load_scenario(toml)
    assert review(read_proposals(pool), scenario, load_inputs(scenario), check_budget=False).errors == []
    bad = pf.write_proposals(tmp_path / "badpool.csv", [pf.project("A", "x", 5)])
    assert main(["select", str(bad), "--scenario", str(toml), "--out", str(tmp_path / "sel")]) == 2
    assert not (tmp_path / "sel").exists()
    assert "column capacity_tpa: got 'x'" in capsys.readouterr().err


def test_warnings_do_not_stop_evaluation(tmp_path):
    """A size outside the technology's range, a capex far from the catalog's estimate and
    a lead time too long for the target year are warnings, not errors."""
    slow = dict(pf.TABLES, technologies=[pf.f.tech("sx", "mixed", "oxide", 100_000, max_size_tpa=500,
                                                   lead_time_years=6), *pf.TABLES["technologies"][1:]])
    toml = pf.write_scenario(tmp_path, budget_usd=1e9, **slow)
    path = pf.write_proposals(tmp_path / "p.csv", [pf.project("A", 600, 1, 2)])
    scenario = load_scenario(toml)
    _, found = load_proposals(path, scenario, load_inputs(scenario))
    assert [(p.row_id, p.column) for p in found.warnings] == [
        ("A", "technology"), ("A", "capacity_tpa"), ("A", "total_capex_usd")]
    assert found.warnings[0].expected == ("a plant running by target_year 2030 (lead time 6 years from "
                                          "decision_year 2026 gives 2032; the optimiser may not build it)")
