"""Compare run folders side by side: headline numbers, capacities, element balances, settings."""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from planner.outputs import charts, html as html_page
from planner.outputs.folder import atomic_folder
from planner.outputs.tables import write_csv
from planner.outputs.html import escape
from planner.outputs.xlsx import Sheet, write_workbook
from planner.outputs.text import text_table
from planner.run.folder import read_run_folder
from sites.errors import InputError, Problem

HEADLINE = (("status", "status"), ("objective", "objective"), ("objective_value", "objective value"),
            ("weighted_supply", "weighted supply, t/yr"), ("budget_usd", "budget, USD"),
            ("federal_usd", "federal money used, USD"), ("capex_usd", "total capex, USD"),
            ("annual_cost_musd", "annual cost, $M/yr"), ("budget_marginal_value", "weighted t/yr per next $1M"))
ELEMENT_METRICS = ("demand_t", "domestic_t", "imports_t", "unmet_t", "import_reliance")
TOLERANCE = 1e-6


@dataclass
class Comparison:
    runs: list[str]  # labels, one per run (the folder or scenario name, made unique)
    folders: list[Path]  # the compared folders (none for runs compared in memory)
    summaries: list[dict]
    headline: pd.DataFrame  # metric, label, <runs>, differs
    capacity: pd.DataFrame  # site_id, technology, metric, <runs>, differs
    elements: pd.DataFrame  # element, metric, <runs>, differs
    settings: pd.DataFrame  # setting, <runs>, differs
    results: list = None  # per run: summary (dict), capacity, elements, portfolio (a RunFolder or alike)

    def write(self, out_dir: Path, force: bool = False) -> Path:
        """comparison.csv/.xlsx/.html/.png and the map, as `ree-planner compare` writes them."""
        return write_comparison(self, out_dir, force=force)


def _labels(names: list[str]) -> list[str]:
    labels: list[str] = []
    for name in names:
        label, k = name, 2
        while label in labels:
            label, k = f"{name}#{k}", k + 1
        labels.append(label)
    return labels


def _same(values) -> bool:
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(numbers) == len(values):
        finite = [v for v in numbers if not math.isnan(v)]
        if len(finite) != len(numbers):
            return len(finite) == 0
        return max(finite) - min(finite) <= TOLERANCE * max(1.0, *map(abs, finite))
    return len({str(v) for v in values}) == 1


def _mark(frame: pd.DataFrame, runs: list[str]) -> pd.DataFrame:
    frame["differs"] = [not _same(list(row)) for row in frame[runs].itertuples(index=False)]
    return frame


def _setting_text(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} = {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


def compare_runs(folders: list[Path]) -> Comparison:
    """Compare run folders (read back and checked: every folder's problems at once)."""
    folders = [Path(f) for f in folders]
    if len(folders) < 2:
        raise InputError(Problem("compare", None, None, None, "two or more RUN_DIR folders"))
    read, problems = [], []
    for folder in folders:
        try:
            read.append(read_run_folder(folder))
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    return compare_results([f.resolve().name or str(f) for f in folders], read, folders)


def compare_results(names: list[str], results: list, folders: list[Path] = ()) -> Comparison:
    """Compare runs already in hand: each with summary (a dict), capacity and elements tables
    (and portfolio, for the map); names label them (made unique)."""
    runs = _labels(names)
    loaded = [(r.summary, r.capacity, r.elements) for r in results]
    summaries = [s for s, _, _ in loaded]

    headline = pd.DataFrame([(key, label, *(s.get(key) for s in summaries)) for key, label in HEADLINE],
                            columns=["metric", "label", *runs])

    keys = sorted({(r.site_id, r.technology) for _, cap, _ in loaded for r in cap.itertuples(index=False)})
    rows = []
    for metric in ("new_tpa", "total_tpa", "federal_usd"):
        for site, tech in keys:
            values = []
            for _, cap, _ in loaded:
                hit = cap[(cap["site_id"] == site) & (cap["technology"] == tech)]
                values.append(float(hit[metric].sum()) if len(hit) else 0.0)
            rows.append((site, tech, metric, *values))
    capacity = pd.DataFrame(rows, columns=["site_id", "technology", "metric", *runs])

    elements_order = list(dict.fromkeys(e for _, _, el in loaded for e in el["element"]))
    rows = []
    for metric in ELEMENT_METRICS:
        for element in elements_order:
            values = []
            for _, _, el in loaded:
                hit = el[el["element"] == element]
                values.append(float(hit[metric].iloc[0]) if len(hit) else float("nan"))
            rows.append((element, metric, *values))
    elements = pd.DataFrame(rows, columns=["element", "metric", *runs])

    names = list(dict.fromkeys(k for s in summaries for k in s.get("settings", {})))
    settings = pd.DataFrame([(k, *(_setting_text(s.get("settings", {}).get(k)) for s in summaries)) for k in names],
                            columns=["setting", *runs])
    return Comparison(runs, list(folders), summaries, _mark(headline, runs), _mark(capacity, runs),
                      _mark(elements, runs), _mark(settings, runs), list(results))


def long_table(c: Comparison) -> pd.DataFrame:
    """Every section in one table: section, item, metric, one column per run, differs."""
    parts = [
        c.headline.assign(section="headline", item=c.headline["label"]).drop(columns="label"),
        c.capacity.assign(section="capacity", item=c.capacity["site_id"] + " / " + c.capacity["technology"]),
        c.elements.assign(section="elements", item=c.elements["element"]),
        c.settings.assign(section="settings", item=c.settings["setting"], metric="value"),
    ]
    columns = ["section", "item", "metric", *c.runs, "differs"]
    return pd.concat([p[columns] for p in parts], ignore_index=True).astype({r: object for r in c.runs})


def differences_text(c: Comparison) -> list[str]:
    """What differs between the runs, in a few plain lines."""
    lines = []
    settings = c.settings[c.settings["differs"]]
    for setting, *values in settings[["setting", *c.runs]].itertuples(index=False, name=None):
        lines.append(f"setting {setting}: " + " | ".join(f"{r} = {v or '-'}" for r, v in zip(c.runs, values)))
    cap = c.capacity[(c.capacity["metric"] == "new_tpa") & c.capacity["differs"]]
    if len(cap):
        lines.append(f"new capacity differs at {len(cap)} site/technology pair(s): "
                     + ", ".join(f"{s} {t}" for s, t in zip(cap["site_id"], cap["technology"])))
    for row in c.headline[c.headline["differs"]].itertuples(index=False):
        lines.append(f"{row.label} differs")
    return lines or ["nothing: the runs agree on every setting, capacity and headline number"]


def comparison_text(c: Comparison) -> str:
    head = c.headline[["label", *c.runs]].copy()
    for run in c.runs:
        head[run] = [f"{v:,.2f}" if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)
                     for v in head[run]]
    return "\n".join([f"Comparison of {len(c.runs)} runs: " + ", ".join(c.runs), text_table(head, {}), "",
                      "What differs:", *(f"  - {line}" for line in differences_text(c))])


def _html(c: Comparison, png: bytes) -> str:
    fmt = {r: "{:,.2f}" for r in c.runs}
    runs_list = "".join(f"<li><b>{escape(r)}</b>: {escape(str(s.get('description', '')))} "
                        + (f"<small>({escape(str(f))})</small>" if f is not None else "") + "</li>"
                        for r, s, f in zip(c.runs, c.summaries, c.folders or [None] * len(c.runs)))
    capacity = c.capacity[c.capacity["metric"] != "federal_usd"]
    body = f"""
<h1>ree-planner comparison</h1>
<ul>{runs_list}</ul>
<h2>What differs</h2>
<ul>{''.join(f'<li>{escape(line)}</li>' for line in differences_text(c))}</ul>
<h2>Headline numbers</h2>
{html_page.table(c.headline[["label", *c.runs]], fmt, c.headline["differs"])}
{html_page.png_img(png, "Import reliance by element and weighted supply per run")}
<p><a href="comparison_map.html">Map of the runs' new plants</a> (one layer per run, in this folder)</p>
<h2>Capacity, t/yr (site / technology)</h2>
{html_page.table(capacity.drop(columns="differs"), fmt, capacity["differs"])}
<h2>Element balance, t/yr REO</h2>
{html_page.table(c.elements.drop(columns="differs"), fmt, c.elements["differs"])}
<h2>Settings</h2>
{html_page.table(c.settings.drop(columns="differs"), None, c.settings["differs"])}
<footer>Highlighted rows differ between runs. Written by ree-planner compare.</footer>
"""
    return html_page.page("ree-planner comparison", body)


def _run_catalog(summary: dict):
    """The catalog a run was solved on (shipped, or the folder its summary names)."""
    from sites import load_catalog

    where = summary.get("settings", {}).get("catalog", "shipped")
    return load_catalog(None if where == "shipped" else where)


def comparison_map(c: Comparison):
    """The runs' new plants as one toggled layer each, on the first run's catalog."""
    import maps
    from maps.comparison import render_comparison_map

    results = {label: SimpleNamespace(capacity=run.capacity, portfolio=run.portfolio, summary=run.summary)
               for label, run in zip(c.runs, c.results)}
    return maps, render_comparison_map(results, _run_catalog(c.summaries[0]))


def write_comparison(c: Comparison, target: Path, force: bool = False) -> Path:
    """comparison.csv/.xlsx/.html/.png and the map; never into (or above) a compared run."""
    png = charts.comparison_png(c.elements, c.headline, c.runs)
    maps, m = comparison_map(c)
    with atomic_folder(Path(target), "compare", force=force, protect=c.folders) as folder:
        maps.save_offline(m, folder / "comparison_map.html", title="ree-planner comparison map")
        table = long_table(c)
        write_csv(table, folder / "comparison.csv")
        write_workbook(folder / "comparison.xlsx", [
            Sheet(name, frame, widths=None)
            for name, frame in (("headline", c.headline), ("capacity", c.capacity), ("elements", c.elements),
                                ("settings", c.settings), ("differences", table.query("differs")))])
        (folder / "comparison.png").write_bytes(png)
        (folder / "comparison.html").write_text(_html(c, png), encoding="utf-8")
    return Path(target)
