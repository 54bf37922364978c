"""rank and select: marginal contributions, regret and the all-or-nothing choice, by hand."""
import pytest

import factory as f
from models import ModelSettings
from models.settings import Project

ONE_MINE = dict(
    sites=[f.site("mine", allowed="sx")],
    feedstocks=[f.feed("conc", "mine", 1000, nd=0.5, other=0.5)],
    technologies=[f.tech("sx", "mixed", "oxide", 100_000)],
    demand=[f.demand("Nd", 1000)],
    imports=[f.imports("Nd", 0)],
)


def _project(pid, tpa, federal_musd):
    return Project(pid, f"Applicant {pid}", "mine", "sx", tpa, federal_musd * 1e6, 2 * federal_musd * 1e6)


def test_set_bounds_drops_and_forces_a_project_warm(solve):
    """Pool A (100 t/yr, $6M), B (80, $5M), C (60, $4M), $10M: A+C = 80 t Nd. Forcing B in
    leaves room only for C (B+C = 70 t); dropping A as well leaves B+C (70 t)."""
    pool = (_project("A", 100, 6), _project("B", 80, 5), _project("C", 60, 4))
    _, model, solver = solve(ModelSettings(budget_usd=10e6, projects=pool, project_mode="choose"), **ONE_MINE)
    solver.set_bounds(model.funded["B"], 1, 1)
    assert solver.solve().stage_values["weighted_supply"] == pytest.approx(70.0)
    solver.set_bounds(model.funded["B"], 0, 1)
    solver.set_bounds(model.funded["A"], 0, 0)
    assert solver.solve().stage_values["weighted_supply"] == pytest.approx(70.0)
    solver.set_bounds(model.funded["A"], 0, 1)
    assert solver.solve().stage_values["weighted_supply"] == pytest.approx(80.0)
