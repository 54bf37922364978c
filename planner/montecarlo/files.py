"""Summaries of a Monte Carlo run and its output folder: samples.csv, plant_frequency.csv,
reliance_percentiles.csv, sensitivity.csv, tornado.png, montecarlo.json."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from models.marginal import DECIMALS
from planner.montecarlo.ranges import Range
from planner.outputs import charts
from planner.outputs.folder import atomic_folder
from planner.outputs.tables import write_csv

PERCENTILES = (5, 25, 50, 75, 95)
TORNADO_BARS = 15  # the ranges that move the objective most; the rest are in sensitivity.csv


@dataclass
class MonteCarloResult:
    ranges: list[Range]
    samples: pd.DataFrame  # one row per sample
    plant_frequency: pd.DataFrame
    reliance: pd.DataFrame
    sensitivity: pd.DataFrame
    workers: int


def _r(x: float) -> float:
    return round(float(x), DECIMALS) + 0.0


def summarise(ranges: list[Range], solved: list[dict], magnet: list[str], workers: int) -> MonteCarloResult:
    columns = ["sample_id", *(r.range_id for r in ranges), "status", "objective_value", "weighted_supply",
               "federal_usd", *(f"import_reliance_{e}" for e in magnet), "plants_built", "options_built"]
    samples = pd.DataFrame([s["row"] for s in solved]).reindex(columns=columns)
    return MonteCarloResult(ranges, samples, plant_frequency(solved), reliance_percentiles(samples, magnet),
                            sensitivity(ranges, samples), workers)


def plant_frequency(solved: list[dict]) -> pd.DataFrame:
    """How often each plant and feed option is built, and its mean size when built."""
    n = max(1, len(solved))
    plants: dict[tuple[str, str], list[float]] = {}
    options: dict[str, int] = {}
    for s in solved:
        for site, tech, tpa in s["plants"]:
            plants.setdefault((site, tech), []).append(tpa)
        for o in s["options"]:
            options[o] = options.get(o, 0) + 1
    rows = [("plant", site, tech, len(t), _r(len(t) / n), _r(np.mean(t))) for (site, tech), t in plants.items()]
    rows += [("feed_option", "", o, k, _r(k / n), np.nan) for o, k in options.items()]
    frame = pd.DataFrame(rows, columns=["kind", "site_id", "technology_or_option", "samples_built", "share_built",
                                        "mean_new_tpa_when_built"])
    return frame.sort_values(["samples_built", "kind", "site_id", "technology_or_option"],
                             ascending=[False, True, True, True]).reset_index(drop=True)


def reliance_percentiles(samples: pd.DataFrame, magnet: list[str]) -> pd.DataFrame:
    solved = samples[samples["status"] == "optimal"]
    rows = []
    for e in magnet:
        values = solved[f"import_reliance_{e}"].to_numpy(dtype=float)
        if len(values):
            rows.append((e, len(values), _r(values.mean()), *(_r(np.percentile(values, p)) for p in PERCENTILES)))
        else:
            rows.append((e, 0, np.nan, *(np.nan for _ in PERCENTILES)))
    return pd.DataFrame(rows, columns=["element", "samples", "mean", *(f"p{p:02d}" for p in PERCENTILES)])


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Rank correlation (average ranks for ties); NaN when either side does not vary."""
    rx, ry = pd.Series(x).rank().to_numpy(), pd.Series(y).rank().to_numpy()
    if len(x) < 2 or rx.std() == 0 or ry.std() == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])


def sensitivity(ranges: list[Range], samples: pd.DataFrame) -> pd.DataFrame:
    """Spearman rank correlation of each sampled range with the objective (solved samples)."""
    solved = samples[samples["status"] == "optimal"]
    y = solved["objective_value"].to_numpy(dtype=float)
    rows = [(r.range_id, r.family, r.low, r.base, r.high, r.unit,
             _r(rho) if np.isfinite(rho := _spearman(solved[r.range_id].to_numpy(dtype=float), y)) else np.nan)
            for r in ranges]
    frame = pd.DataFrame(rows, columns=["range_id", "family", "low", "base", "high", "unit", "rank_correlation"])
    order = frame["rank_correlation"].abs().fillna(-1.0)
    return frame.assign(_o=order).sort_values(["_o", "range_id"], ascending=[False, True]).drop(columns="_o") \
        .reset_index(drop=True)


def tornado_png(table: pd.DataFrame, objective: str) -> bytes:
    """The ranges with the largest rank correlation with the objective, largest on top."""
    top = table.dropna(subset=["rank_correlation"]).head(TORNADO_BARS).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8.0, 1.2 + 0.32 * max(1, len(top))), layout="constrained")
    colours = ["#2b8a3e" if v >= 0 else "#c92a2a" for v in top["rank_correlation"]]
    ax.barh(top["range_id"], top["rank_correlation"], color=colours)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlim(-1, 1)
    ax.set_xlabel(f"Spearman rank correlation with the objective ({objective})\n"
                  "green: higher draws, higher objective; red: lower")
    ax.set_title("Which ranges move the answer most")
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="x", alpha=0.3)
    return charts.png_bytes(fig)


def write_montecarlo(result: MonteCarloResult, about: dict, target: Path, force: bool = False,
                     protect: tuple = ()) -> Path:
    """All files or none."""
    with atomic_folder(Path(target), "montecarlo", force=force, protect=protect) as folder:
        write_csv(result.samples, folder / "samples.csv")
        write_csv(result.plant_frequency, folder / "plant_frequency.csv")
        write_csv(result.reliance, folder / "reliance_percentiles.csv")
        write_csv(result.sensitivity, folder / "sensitivity.csv")
        (folder / "tornado.png").write_bytes(tornado_png(result.sensitivity, about["objective"]))
        (folder / "montecarlo.json").write_text(json.dumps(about, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return Path(target)
