"""The optimisation: catalog + settings -> PuLP model -> solved stages -> result tables.

models.Pipeline is the one way through (prepare -> build -> solve -> result); the stages
are also exported on their own.
"""
from sites.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    'models.formulation': ('PortfolioModel', 'build_model'),
    'models.inputs': ('ModelInputs', 'prepare'),
    'models.pipeline': ('Pipeline', 'plan'),
    'models.result': ('PortfolioResult', 'extract'),
    'models.settings': ('OBJECTIVES', 'ModelSettings'),
    'models.solve': ('Solution', 'StageSolver'),
    'models.summary': ('RunLabel', 'Summary'),
})
