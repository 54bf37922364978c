"""Monte Carlo over the catalog's low/base/high ranges: sample (Latin hypercube, triangular),
solve each sample on a live model, summarise (docs/montecarlo.md)."""
