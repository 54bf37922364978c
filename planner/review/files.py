"""Output folders of evaluate, rank and select (each appears whole or not at all), and their terminal text."""
from __future__ import annotations

from pathlib import Path

import maps
import pandas as pd
from maps.comparison import render_comparison_map
from planner.review.evaluation import Evaluation, Selection
from planner.outputs.folder import atomic_folder, slug
from planner.outputs.tables import write_csv
from planner.run.files import write_run
from planner.run import write_outputs
from planner.outputs.text import text_table
from planner.review.scorecard_files import write_scorecard


def _write_tables(folder: Path, ev: Evaluation) -> None:
    """run's tables and summary for one evaluation (no map, no reports)."""
    write_run(folder, ev.run.result, ev.run.catalog, ev.run.summary.to_dict())


def write_evaluation(target: Path, ev: Evaluation, portfolios: pd.DataFrame, projects: pd.DataFrame,
                     with_map: bool = True, extra: dict[str, pd.DataFrame] | None = None,
                     force: bool = False, protect: tuple = (), kind: str = "evaluate",
                     board: pd.DataFrame | None = None, board_title: str = "") -> Path:
    """run's files plus scorecard.csv and scorecard_projects.csv (and any extra tables), and the
    award board (board.csv, board.html) when given."""
    with atomic_folder(target, kind, force=force, protect=protect) as folder:
        # the very files run writes; write_outputs swaps its own scratch copy into folder
        write_outputs(ev.run, folder, with_map=with_map)
        write_scorecard(portfolios, projects, folder, "", [], xlsx_html=False)
        for name, frame in (extra or {}).items():
            write_csv(frame, folder / name)
        if board is not None:
            write_board(board, folder, board_title, [ev.run.summary["description"]])
    return Path(target)


def write_board(board: pd.DataFrame, folder: Path, title: str, notes: list[str]) -> None:
    from planner.review.board import board_html

    write_csv(board, folder / "board.csv")
    (folder / "board.html").write_text(board_html(board, title, notes), encoding="utf-8")


def write_ranking(target: Path, evaluations: list[Evaluation], portfolios: pd.DataFrame, projects: pd.DataFrame,
                  title: str, notes: list[str], with_map: bool = True, force: bool = False,
                  protect: tuple = (), board: pd.DataFrame | None = None,
                  no_regret: pd.DataFrame | None = None) -> Path:
    """The ranked scorecard (csv, xlsx, html), the comparison map and each portfolio's run files."""
    with atomic_folder(target, "rank", force=force, protect=protect) as folder:
        write_scorecard(portfolios, projects, folder, title, notes)
        from planner.review.board import board_of_evaluations
        if board is None:
            board = board_of_evaluations(evaluations)
        write_board(board, folder, f"Award board: {title}", notes)
        if no_regret is not None:  # several futures
            write_csv(no_regret, folder / "no_regret.csv")
        used: set[str] = set()
        for ev in evaluations:
            name, k = slug(ev.name, "portfolio"), 2
            while name in used:  # two names may make the same folder name
                name, k = f"{slug(ev.name, 'portfolio')}-{k}", k + 1
            used.add(name)
            _write_tables(folder / "portfolios" / name, ev)
        if with_map:
            results = {ev.name: ev.result for ev in evaluations}
            catalog = evaluations[0].run.catalog
            maps.save_offline(render_comparison_map(results, catalog), folder / "map.html", title=title)
    return Path(target)


def scorecard_text(portfolios: pd.DataFrame) -> str:
    cols = [c for c in ("rank", "portfolio", "projects", "objective_value", "regret", "weighted_supply_t",
                        "federal_usd", "federal_usd_per_weighted_t", "cost_share_achieved", "states",
                        "largest_site_share", "feed_coverage", "warnings") if c in portfolios]
    shown = portfolios[cols].copy()
    shown["federal_usd"] = shown["federal_usd"] / 1e6
    shown = shown.rename(columns={"federal_usd": "federal_$M", "federal_usd_per_weighted_t": "$_per_wt"})
    fmt = {"rank": "{}", "projects": "{}", "objective_value": "{:,.3f}", "regret": "{:,.3f}",
           "weighted_supply_t": "{:,.1f}", "federal_$M": "{:,.1f}", "$_per_wt": "{:,.0f}",
           "cost_share_achieved": "{:.1%}", "states": "{}", "largest_site_share": "{:.1%}", "warnings": "{}"}
    return text_table(shown, fmt)


def projects_text(projects: pd.DataFrame) -> str:
    cols = ["project_id", "site_id", "technology", "capacity_tpa", "federal_request_usd", "marginal_objective",
            "marginal_weighted_t", "federal_usd_per_weighted_t", "plant_utilisation"]
    shown = projects[cols].copy()
    if "option_id" in projects:  # a feed-option application: its option where a plant has its technology
        shown["technology"] = [t or (f"option {o}" if o else "") for t, o in zip(shown["technology"],
                                                                                 projects["option_id"])]
    shown["federal_request_usd"] = shown["federal_request_usd"] / 1e6
    shown = shown.rename(columns={"federal_request_usd": "federal_$M", "marginal_objective": "marginal",
                                  "marginal_weighted_t": "marginal_wt", "federal_usd_per_weighted_t": "$_per_wt",
                                  "plant_utilisation": "utilisation"})
    fmt = {"capacity_tpa": "{:,.0f}", "federal_$M": "{:,.1f}", "marginal": "{:,.3f}", "marginal_wt": "{:,.1f}",
           "$_per_wt": "{:,.0f}", "utilisation": "{:.0%}"}
    # a feed option has no plant utilisation: blank, not nan%
    shown["utilisation"] = ["" if u != u else f"{u:.0%}" for u in shown["utilisation"]]
    fmt["utilisation"] = "{}"
    return text_table(shown, fmt)


def warnings_text(projects: pd.DataFrame) -> str:
    lines = [f"  {r.portfolio} {r.project_id}: {w}" for r in projects.itertuples(index=False) if r.warnings
             for w in r.warnings.split(" | ")]
    return "\n".join(["Warnings (the evaluation stands; a reviewer should look):", *lines]) if lines else \
        "Warnings: none"


def selection_text(selection: Selection) -> str:
    apps = selection.applications
    funded = apps[apps["funded"]]
    out = apps[~apps["funded"]]
    s = selection.chosen.run.summary
    lines = [f"Funded {len(funded)} of {len(apps)} applications: {', '.join(funded['project_id']) or 'none'}",
             f"Objective {s.objective} = {s.objective_value:,.3f} {s.objective_unit}; federal "
             f"${s.federal_usd / 1e6:,.1f}M of ${s.budget_usd / 1e6:,.1f}M"]
    if len(out):
        lines.append("Left out:")
        lines += [f"  {r.project_id}: {r.reason}" for r in out.itertuples(index=False)]
    if selection.no_regret is not None:
        lines += ["", no_regret_text(selection.no_regret)]
    return "\n".join(lines)


def no_regret_text(table: pd.DataFrame) -> str:
    """The no-regret awards: each application's futures funded, and its largest regrets."""
    from planner.review.noregret import EVERY, NONE

    every = table[table["award"] == EVERY]["project_id"]
    none = table[table["award"] == NONE]["project_id"]
    unit = table["value_unit"].iloc[0] if len(table) else ""
    lines = [f"No-regret awards (each future chosen alone; no_regret.csv): fund in every future: "
             f"{', '.join(every) or 'none'}; funded in no future: {', '.join(none) or 'none'}"]
    shown = table[["project_id", "futures_funded", "funded_in", "funded_in_stochastic", "max_regret_if_funded",
                   "max_regret_if_dropped"]].rename(columns={"futures_funded": "futures", "funded_in_stochastic":
                                                              "stochastic", "max_regret_if_funded": "regret_if_funded",
                                                              "max_regret_if_dropped": "regret_if_dropped"})
    for c in ("regret_if_funded", "regret_if_dropped"):
        shown[c] = ["" if v != v else f"{v:,.3f}" for v in shown[c]]
    lines.append(text_table(shown, {"futures": "{}", "regret_if_funded": "{}", "regret_if_dropped": "{}"}))
    lines.append(f"(largest regret over the futures, {unit}; blank: cannot be funded within the budget)")
    return "\n".join(lines)
