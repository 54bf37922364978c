"""A Monte Carlo run from a loaded scenario: ranges -> Latin hypercube -> solve -> summaries."""
from __future__ import annotations

from models.inputs import prepare
from planner.montecarlo import engine
from planner.montecarlo.files import MonteCarloResult, summarise
from planner.montecarlo.ranges import catalog_ranges, families
from planner.montecarlo.sampling import latin_hypercube
from planner.montecarlo.superset import superset_catalog
from planner.scenario import Scenario
from sites import Catalog
from sites.errors import InputError, Problem
from sites.sets import ELEMENTS


def run_montecarlo(scenario: Scenario, catalog: Catalog, samples: int, seed: int,
                   executor: engine.Executor = engine.Executor("local"), workers: int | None = None,
                   progress=None) -> MonteCarloResult:
    settings = scenario.settings()
    if settings.futures:
        raise InputError(Problem(str(scenario.path or scenario.name), None, "futures", ", ".join(f.name for f in settings.futures),
                                 "no [futures] for montecarlo: it samples one future's ranges; run each future as its "
                                 "own scenario", label="key"))
    # the ranges of the model a sample is solved on: every feed and option at its earliest timing
    inputs = prepare(superset_catalog(catalog, settings), settings)
    ranges, plants = catalog_ranges(catalog, settings, inputs)
    quantiles = latin_hypercube(samples, len(ranges), seed)
    solved, used = engine.run_samples(catalog, settings, ranges, plants, quantiles, executor, workers, progress)
    magnet = sorted({e for e, _ in inputs.demand_t}, key=ELEMENTS.index)
    return summarise(ranges, solved, magnet, used)


def about(scenario: Scenario, result: MonteCarloResult, samples: int, seed: int, executor: engine.Executor,
          inputs_sha256: str) -> dict:
    """montecarlo.json: what was sampled and how (no timings or executor details: the same
    seed gives the same bytes on any executor)."""
    solved = result.samples[result.samples["status"] == "optimal"]["objective_value"]
    entered = {r.family for r in result.ranges}
    return {
        "scenario": scenario.to_dict(), "inputs_sha256": inputs_sha256, "samples": samples, "seed": seed,
        "sampling": "Latin hypercube, triangular (low, base as mode, high), numpy PCG64",
        "chunk_samples": engine.CHUNK_SAMPLES, "objective": scenario.settings().objective,
        "solved": int(len(solved)),
        "objective_percentiles": {f"p{p:02d}": round(float(solved.quantile(p / 100)), 6)
                                  for p in (5, 50, 95)} if len(solved) else {},
        "sensitivity": "Spearman rank correlation of each range's sampled value with the objective",
        "ranges": [{"range_id": r.range_id, "low": r.low, "base": r.base, "high": r.high, "unit": r.unit}
                   for r in result.ranges],
        "families": [{"family": f["family"], "enters": f["enters"] == "yes",
                      "sampled_here": f["family"] in entered, "why": f["why"]} for f in families()],
    }
