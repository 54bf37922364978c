"""OR-Library capacitated warehouse location (Beasley) posed through the planner's own
fixed-charge form (models.families.fixed_charge), rows (PortfolioModel.row) and solver
(models.solve.StageSolver), to check them against published optima."""
from benchmarks.orlib.reader import Instance, optima, pose, read_instance, solve  # noqa: F401
