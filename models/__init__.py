"""The optimisation: catalog + settings -> PuLP model -> solved stages -> result tables.

models.Pipeline is the one way through (prepare -> build -> solve -> result); the stages
are also exported on their own.
"""
from models.formulation import PortfolioModel, build_model
from models.inputs import ModelInputs, prepare
from models.pipeline import Pipeline, plan
from models.result import PortfolioResult, extract
from models.settings import OBJECTIVES, ModelSettings
from models.solve import Solution, StageSolver
from models.summary import RunLabel, Summary

__all__ = [
    "OBJECTIVES", "ModelInputs", "ModelSettings", "Pipeline", "PortfolioModel", "PortfolioResult", "RunLabel",
    "Solution", "StageSolver", "Summary", "build_model", "extract", "plan", "prepare",
]
