"""The optimisation: catalog + settings -> PuLP model -> solved stages -> result tables."""
from models.formulation import PortfolioModel, build_model
from models.inputs import ModelInputs, prepare
from models.result import PortfolioResult, extract
from models.settings import OBJECTIVES, ModelSettings
from models.solve import Solution, StageSolver


def plan(catalog, settings: ModelSettings, time_limit_s: float | None = None) -> PortfolioResult:
    """Run every stage for one scenario: prepare, build, solve, extract."""
    model = build_model(prepare(catalog, settings), settings.objective)
    solution = StageSolver(model, time_limit_s=time_limit_s).solve()
    return extract(model, solution)


__all__ = [
    "OBJECTIVES", "ModelInputs", "ModelSettings", "PortfolioModel", "PortfolioResult", "Solution",
    "StageSolver", "build_model", "extract", "plan", "prepare",
]
