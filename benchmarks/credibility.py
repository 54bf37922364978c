"""Run the credibility table of docs/data.md: each figure that moves the answer at its low and
high value, on a patched copy of the shipped catalog (or a scenario key), against the base run.

    .venv/bin/python benchmarks/credibility.py [--markdown]

Prints one line per run: federal $M used, weighted t/yr, the funded plants, and Dy / Tb import
reliance and Nd foreign-feed reliance. Deterministic: the same catalog gives the same table.
"""
from __future__ import annotations

import argparse
import dataclasses
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from models import Pipeline
from models.valuation import MIN_FUNDED_USD
from planner import load_scenario
from sites import load_catalog
from sites.catalog import default_catalog_dir

Patch = Callable[[dict[str, pd.DataFrame]], None]
SHORT = {"metallisation": "metal", "short_loop_recycling": "short-loop", "sx_separation": "SX",
         "ix_separation": "IX", "heavy_separation": "heavy SX", "hydromet_recycling": "hydromet"}


def cell(table: str, key: dict, column: str, value) -> Patch:
    """Set one catalog cell (rows matching key)."""
    def patch(tables: dict[str, pd.DataFrame]) -> None:
        frame = tables[table]
        rows = pd.Series(True, index=frame.index)
        for k, v in key.items():
            rows &= frame[k] == v
        assert rows.any(), (table, key)
        frame.loc[rows, column] = str(value)
    return patch


def cells(*patches: Patch) -> Patch:
    def patch(tables):
        for p in patches:
            p(tables)
    return patch


def p2_split(us_share: float) -> Patch:
    """Phase 2's 22,000 t/yr: us_share from US sands, the rest 60% Toliara / 40% Donald."""
    total = 22_000
    rows = {"wm-monazite-p2-us": us_share, "wm-monazite-p2-toliara": (1 - us_share) * 0.6,
            "wm-monazite-p2-donald": (1 - us_share) * 0.4}
    return cells(*[cells(cell("feedstocks", {"feedstock_id": f}, "supply_tpa_base", round(total * s)),
                         cell("feedstocks", {"feedstock_id": f}, "supply_tpa_high", round(total * s * 1.2)))
                   for f, s in rows.items()])


def round_top(milestone: str, year: int, first: tuple[int, int, int]) -> Patch:
    key = {"feedstock_id": "roundtop-concentrate"}
    return cells(cell("feedstocks", key, "milestone", milestone), cell("feedstocks", key, "milestone_year", year),
                 *[cell("feedstocks", key, f"first_output_year_{c}", y) for c, y in zip(("low", "base", "high"), first)])


def scope_rows(scope: str, column: str) -> Patch:
    def patch(tables):
        frame = tables["demand_scopes"]
        rows = frame["scope"] == scope
        frame.loc[rows, "extra_t_base"] = frame.loc[rows, column]
    return patch


def heavy_recovery(value: float) -> Patch:
    return cells(*[cell("technologies", {"technology_id": "heavy_separation"}, f"recovery_{e}", value)
                   for e in ("dy", "tb")])


def route_recovery(value: float) -> Patch:
    return cells(*[cell("technology_outputs", {"technology_id": "sx_separation"}, "recovery_base", value)])


# figure, base, (low label, low change), (high label, high change); a change is a Patch or a dict
# of scenario keys, run on the baseline unless "scenario" names another shipped scenario
FIGURES = [
    ("Mountain Pass light line input (t/yr concentrate REO)", "40,000",
     ("36,000", cell("site_capacity", {"site_id": "mountain-pass", "technology_id": "sx_separation"}, "existing_tpa", 36000)),
     ("40,200", cell("site_capacity", {"site_id": "mountain-pass", "technology_id": "sx_separation"}, "existing_tpa", 40200))),
    ("Separation ramp, year 2 (new SX/IX/heavy plants decided 2026 run at it in 2030)", "0.22",
     ("0.15", cell("ramp_curves", {"curve_id": "separation", "year": "2"}, "share_base", 0.15)),
     ("0.44", cell("ramp_curves", {"curve_id": "separation", "year": "2"}, "share_base", 0.44))),
    ("Timing case: first-output years and ramp-up of every feed and plant", "base",
     ("early", {"timing_case": "early"}), ("late", {"timing_case": "late"})),
    ("Phase 2 monazite from US sands (share of 22,000 t/yr)", "15%", ("5%", p2_split(0.05)), ("30%", p2_split(0.30))),
    ("Foreign concentrate reaching the US (policy-reversal)", "0.8",
     ("0.5", dict(scenario="policy-reversal", patch=cell("import_cases", {"case": "reversal"},
                                                        "foreign_concentrate_share_base", 0.5))),
     ("1.0", dict(scenario="policy-reversal", patch=cell("import_cases", {"case": "reversal"},
                                                        "foreign_concentrate_share_base", 1.0)))),
    ("Greenfield SX capex ($ per t/yr input)", "40,000",
     ("25,000", cell("technologies", {"technology_id": "sx_separation"}, "capex_usd_per_tpa_base", 25000)),
     ("65,000", cell("technologies", {"technology_id": "sx_separation"}, "capex_usd_per_tpa_base", 65000))),
    ("Brownfield SX capex ($ per t/yr input)", "16,000",
     ("4,000", cell("technologies", {"technology_id": "sx_separation"}, "capex_brownfield_usd_per_tpa_base", 4000)),
     ("25,000", cell("technologies", {"technology_id": "sx_separation"}, "capex_brownfield_usd_per_tpa_base", 25000))),
    ("Heavy separation capex, brownfield ($ per t/yr heavy feed)", "50,000",
     ("25,000", cell("technologies", {"technology_id": "heavy_separation"}, "capex_brownfield_usd_per_tpa_base", 25000)),
     ("75,000", cell("technologies", {"technology_id": "heavy_separation"}, "capex_brownfield_usd_per_tpa_base", 75000))),
    ("Light SX Dy/Tb to heavy concentrate", "0.96", ("0.93", route_recovery(0.93)), ("0.98", route_recovery(0.98))),
    ("Heavy separation Dy/Tb recovery", "0.92", ("0.85", heavy_recovery(0.85)), ("0.97", heavy_recovery(0.97))),
    ("Round Top first output", "2032", ("2030", round_top("definitive_study", 2025, (2028, 2030, 2032))),
     ("2035", round_top("pea_scoping", 2028, (2033, 2035, 2038)))),
    ("US magnets made abroad, 2030 (us-consumption)", "22,700 t/yr",
     ("19,100", dict(scenario="us-consumption", patch=scope_rows("us_consumption", "extra_t_low"))),
     ("30,700", dict(scenario="us-consumption", patch=scope_rows("us_consumption", "extra_t_high")))),
    ("eVAC Sumter magnet output", "2,000 t/yr", ("1,000", scope_rows("magnet_makers", "extra_t_low")),
     ("2,500", scope_rows("magnet_makers", "extra_t_high"))),
    ("Import case (Dy/Tb licences)", "truce", ("reversal", {"import_case": "reversal"}),
     ("allied_only", {"import_case": "allied_only"})),
    ("Demand case (magnet makers)", "base", ("low", {"demand_case": "low"}), ("high", {"demand_case": "high"})),
    ("Value floor (weighted t/yr per federal $1M)", "5", ("2", {"min_value_per_musd": 2}),
     ("20", {"min_value_per_musd": 20})),
]


def run(change=None) -> dict:
    """Solve the baseline (or change['scenario']) with a catalog patch or scenario keys."""
    change = change if isinstance(change, dict) else {"patch": change}
    scenario = load_scenario(change.get("scenario", "baseline"))
    keys = {k: v for k, v in change.items() if k not in ("scenario", "patch")}
    settings = dataclasses.replace(scenario.settings(), **keys)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "catalog"
        shutil.copytree(default_catalog_dir(), folder)
        if change.get("patch") is not None:
            tables = {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in folder.glob("*.csv")}
            change["patch"](tables)
            for name, frame in tables.items():
                frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
        catalog = load_catalog(folder)
    pipeline = Pipeline.prepare(catalog, settings)
    pipeline.solve()
    return describe(pipeline.result(with_marginal=False))


def describe(result) -> dict:
    cap = result.capacity
    funded = cap[cap["federal_usd"] >= MIN_FUNDED_USD].sort_values("federal_usd", ascending=False)
    plants = ", ".join(f"{SHORT.get(r.technology, r.technology)} {r.site_id} ${r.federal_usd / 1e6:,.0f}M"
                       for r in funded.itertuples(index=False))
    el = result.elements.set_index("element")
    return {"federal": result.summary.federal_usd / 1e6, "weighted": result.summary.weighted_supply,
            "plants": plants or "none", "dy": el.at["Dy", "import_reliance"], "tb": el.at["Tb", "import_reliance"],
            "ffr": el["foreign_feed_t"].sum() / el["demand_t"].sum()}


def text(r: dict) -> str:
    return (f"${r['federal']:,.0f}M, {r['weighted']:,.0f} weighted t/yr, Dy/Tb import reliance "
            f"{r['dy']:.0%}/{r['tb']:.0%}, foreign-feed {r['ffr']:.1%}; funds {r['plants']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print the docs/data.md table rows")
    args = parser.parse_args()
    base = run()
    print("base:", text(base))
    for figure, value, (lo_label, lo), (hi_label, hi) in FIGURES:
        low, high = run(lo), run(hi)
        if args.markdown:
            print(f"| {figure} | {value} | {lo_label}: {text(low)} | {hi_label}: {text(high)} |")
        else:
            print(f"{figure} = {value}\n  {lo_label}: {text(low)}\n  {hi_label}: {text(high)}")


if __name__ == "__main__":
    main()
