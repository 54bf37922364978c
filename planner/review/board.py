"""The award board (board.csv, board.html) of evaluate, rank and select: one row per application
with a verdict (fund / do not fund) and its reason, the applicant, site, request, federal $ per
weighted t/yr, the Dy and Tb its plant makes, a flag on applications far dearer than the others,
and the funding curve (weighted t/yr bought as federal money goes to the best-value awards first).

The columns are declared in planner/outputs/columns.csv (board.csv)."""
from __future__ import annotations

import math

import pandas as pd

from planner.outputs import charts, html as html_page
from planner.outputs.columns import columns_of
from planner.outputs.html import escape

# An application costing more than this multiple of the median of the others' federal $ per
# weighted t/yr is flagged as far above them.
OUTLIER_X = 5.0
ADDS_NOTHING_T = 0.01  # weighted t/yr: below this a project adds nothing (solver noise)

BOARD_COLUMNS = [c.name for c in columns_of("board.csv")]
NO_REGRET = "no_regret"  # select with several futures only (planner/review/noregret.py)


def _plant_output(ev, site_id: str, technology: str, element: str) -> float:
    made = ev.result.production
    rows = made[(made["site_id"] == site_id) & (made["technology"] == technology) & (made["element"] == element)]
    return float(rows["output_t"].sum())


def _flag_outliers(frame: pd.DataFrame) -> pd.Series:
    """Each row's $ per weighted t/yr as a multiple of the median of the other rows' (NaN if none)."""
    cost = frame["federal_usd_per_weighted_t"]
    ratios = []
    for i, value in cost.items():
        others = cost.drop(index=i).dropna()
        ratios.append(value / others.median() if len(others) >= 2 and not math.isnan(value) and others.median() > 0
                      else math.nan)
    return pd.Series(ratios, index=frame.index)


def _finish(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=[c for c in BOARD_COLUMNS if c != NO_REGRET])
    frame["times_others_median"] = _flag_outliers(frame)
    frame["far_above_others"] = frame["times_others_median"] > OUTLIER_X
    for i in frame.index[frame["far_above_others"]]:
        note = (f"far above the others: {frame.at[i, 'times_others_median']:,.0f}x their median federal $ per "
                "weighted t/yr")
        if frame.at[i, "verdict"] == "fund" and not frame.at[i, "selected"]:
            frame.at[i, "verdict"] = "do not fund"
            frame.at[i, "reason"] = note
        else:
            frame.at[i, "reason"] = f"{frame.at[i, 'reason']}; {note}"
    return frame[[c for c in BOARD_COLUMNS if c in frame]]


def _row(portfolio: str, q, ev, sites, marginals, verdict: str | None, reason: str | None,
         selected: bool) -> dict:
    weighted = float(marginals.at[q.project_id, "marginal_weighted_t"]) \
        if marginals is not None and q.project_id in marginals.index else math.nan
    per_t = q.federal_usd / weighted if weighted > ADDS_NOTHING_T else math.nan
    funded_plant = ev is not None and not math.isnan(weighted) and not q.is_option
    if verdict is None:  # evaluate and rank: judged by what the project adds at the margin
        if weighted > ADDS_NOTHING_T:
            verdict, reason = "fund", f"adds {weighted:,.1f} weighted t/yr at ${per_t:,.0f} per weighted t/yr"
        else:
            verdict, reason = "do not fund", "adds nothing at the margin: the rest of the portfolio makes what it would"
    return {
        "portfolio": portfolio, "project_id": q.project_id, "verdict": verdict, "reason": reason,
        "applicant": q.applicant, "site_id": q.site_id, "site_name": sites.get(q.site_id, q.site_id),
        "technology": q.technology_id, "option_id": q.option_id, "federal_request_usd": q.federal_usd,
        "marginal_weighted_t": weighted, "federal_usd_per_weighted_t": per_t,
        "weighted_t_per_federal_musd": weighted / (q.federal_usd / 1e6) if weighted > ADDS_NOTHING_T
        and q.federal_usd > 0 else math.nan,
        "dy_t": _plant_output(ev, q.site_id, q.technology_id, "Dy") if funded_plant else math.nan,
        "tb_t": _plant_output(ev, q.site_id, q.technology_id, "Tb") if funded_plant else math.nan,
        "selected": selected,
    }


def _marginals(ev):
    return ev.marginals.set_index("project_id") if len(ev.marginals) else None


def board_of_evaluations(evaluations, no_regret: pd.DataFrame | None = None, pool: dict | None = None) -> pd.DataFrame:
    """evaluate and rank: every project of every proposal portfolio (not the optimiser's own);
    rank with several futures: each one's no-regret award (blank for an id whose application
    differs from the one in the pool, see ranking._pool)."""
    awards = {} if no_regret is None else dict(zip(no_regret["project_id"], no_regret["award"]))
    rows = []
    for ev in evaluations:
        if ev.proposals is None or getattr(ev, "source", "") == "optimiser":
            continue
        sites = ev.run.catalog.sites.set_index("site_id")["name"].to_dict()
        m = _marginals(ev)
        for q in ev.proposals.projects:
            rows.append(_row(ev.name, q, ev, sites, m, None, None, False))
            if no_regret is not None:
                rows[-1][NO_REGRET] = awards.get(q.project_id, "") if (pool or {}).get(q.project_id) == q else ""
    return _finish(rows)


def board_of_selection(selection) -> pd.DataFrame:
    """select: every application of the pool, with the choice's verdict and reason."""
    ev = selection.chosen
    sites = ev.run.catalog.sites.set_index("site_id")["name"].to_dict()
    m = _marginals(ev)
    apps = selection.applications.set_index("project_id")
    awards = selection.no_regret.set_index("project_id")["award"] if selection.no_regret is not None else None
    rows = []
    for q in selection.pool.projects:
        funded = bool(apps.at[q.project_id, "funded"])
        rows.append(_row(selection.pool.name, q, ev if funded else None, sites, m if funded else None,
                         "fund" if funded else "do not fund", str(apps.at[q.project_id, "reason"]), funded))
        if awards is not None:
            rows[-1][NO_REGRET] = str(awards[q.project_id])
    return _finish(rows)


# ---- the page ------------------------------------------------------------------------------------

HEADS = {"verdict": "Verdict", "project_id": "Application", "portfolio": "Portfolio", "applicant": "Applicant",
         "site_name": "Site", "technology": "Plant or feed option", "federal_request_usd": "Request ($M)",
         "federal_usd_per_weighted_t": "Federal $ per weighted t/yr",
         "weighted_t_per_federal_musd": "Weighted t/yr per federal $1M", "dy_t": "Dy (t/yr)", "tb_t": "Tb (t/yr)",
         "reason": "Reason"}
FORMATS = {"Request ($M)": "{:,.1f}", "Federal $ per weighted t/yr": "{:,.0f}",
           "Weighted t/yr per federal $1M": "{:,.1f}", "Dy (t/yr)": "{:,.1f}", "Tb (t/yr)": "{:,.1f}"}
STYLE = """
table.board { width: 100%; table-layout: auto; }
table.board td { vertical-align: top; }
tr.fund td:first-child { color: #2b8a3e; font-weight: 600; white-space: nowrap; }
tr.nofund td:first-child { color: #c92a2a; font-weight: 600; white-space: nowrap; }
table.board td:last-child { min-width: 16rem; }
tr.outlier td { background: #fff3bf; }
.defs { font-size: 0.9rem; }
"""
# only on a board with no-regret awards, so other boards keep their bytes
NO_REGRET_STYLE = """
tr.every td:first-child::after { content: " \\2605"; color: #2b8a3e; }
tr.none td:first-child::after { content: " \\2715"; color: #c92a2a; }
"""


def funding_curve(board: pd.DataFrame) -> pd.DataFrame:
    """Funded applications, best value first, with cumulative federal $ and weighted t/yr."""
    funded = board[(board["verdict"] == "fund") & board["marginal_weighted_t"].notna()]
    funded = funded.sort_values(["federal_usd_per_weighted_t", "project_id"])
    return pd.DataFrame({"label": funded["project_id"],
                         "federal_musd": funded["federal_request_usd"].cumsum() / 1e6,
                         "weighted_t": funded["marginal_weighted_t"].cumsum()})


def board_html(board: pd.DataFrame, title: str, notes: list[str]) -> str:
    """One self-contained page; every text escaped; fits a 1,366 px screen."""
    shown = board.copy()
    shown["federal_request_usd"] = shown["federal_request_usd"] / 1e6
    # a feed-option application shows its option where a plant shows its technology (words
    # that can wrap, so the table fits a laptop screen)
    shown["technology"] = [t.replace("_", " ") if t else (f"feed option {o}" if o else "")
                           for t, o in zip(shown["technology"], shown["option_id"])]
    columns = [c for c in HEADS if (c != "portfolio" or shown["portfolio"].nunique() > 1) and c in shown]
    view = shown[columns].rename(columns=HEADS)
    funded = int((board["verdict"] == "fund").sum())
    flagged = board[board["far_above_others"]]
    parts = [f"<h1>{escape(title)}</h1>", *(f"<p class='lede'>{escape(n)}</p>" for n in notes),
             "<p class='defs'><b>Weighted t/yr</b>: tonnes per year of rare-earth oxide or metal made in the US for "
             "US demand, each element counted by how critical it is (a tonne of Tb or Dy counts many tonnes of Nd). "
             "<b>Federal $ per weighted t/yr</b>: the request divided by the weighted t/yr the application adds "
             "at the margin (what is lost if it alone is dropped); <b>weighted t/yr per federal $1M</b> is the same "
             "value the other way up. Dy and Tb: what its plant makes, t/yr. A feed-option application (a mine "
             "or a collection programme) shows its option where a plant shows its technology.</p>",
             f"<p class='note'>{funded} of {len(board)} applications to fund.</p>"]
    if len(flagged):
        parts.append("<p class='flag'>Far above the others' federal $ per weighted t/yr (more than "
                     f"{OUTLIER_X:g}x their median): " + escape(", ".join(
                         f"{r.project_id} ({r.applicant}, ${r.federal_usd_per_weighted_t:,.0f})"
                         for r in flagged.itertuples(index=False))) + "</p>")
    if NO_REGRET in board:
        parts.append(_no_regret_note(board))
    curve = funding_curve(board)
    if len(curve):
        parts += ["<h2>Funding curve</h2>",
                  html_page.png_img(charts.funding_curve_png(curve),
                                    "Funding curve: cumulative weighted t/yr against cumulative federal $M, "
                                    "best-value applications first")]
    parts += ["<h2>Applications</h2>", _board_table(view, board)]
    style = STYLE + (NO_REGRET_STYLE if NO_REGRET in board else "")
    return html_page.page(title, "\n".join(parts), style + ".flag{color:#c92a2a;font-weight:600}")


def _no_regret_note(board: pd.DataFrame) -> str:
    """Which applications each future's own choice funds: every future's (no regret in funding
    them), and none (no regret in leaving them out)."""
    def ids(award: str) -> str:
        found = board[board[NO_REGRET] == award]
        return ", ".join(f"{r.project_id} ({r.applicant})" for r in found.itertuples(index=False)) or "none"

    from planner.review.noregret import EVERY, NONE
    return ("<h2>No-regret awards</h2><p class='defs'>The pool chosen again in each future alone, as if that "
            "future were certain (same budget; no_regret.csv has each application's regret if funded or dropped "
            f"per future). <b>Fund in every future</b> (&#9733;): {escape(ids(EVERY))}. "
            f"<b>Funded in no future</b> (&#10005;): {escape(ids(NONE))}.</p>")


def _board_table(view: pd.DataFrame, board: pd.DataFrame) -> str:
    head = "".join(f'<th class="{"n" if c in FORMATS else ""}">{escape(c)}</th>' for c in view.columns)
    rows = []
    # the no-regret award is a mark on the verdict (no column: the table must fit a laptop screen)
    awards = board[NO_REGRET] if NO_REGRET in board else [""] * len(board)
    marks = {"fund in every future": " every", "fund in no future": " none"}
    for (_, r), verdict, outlier, award in zip(view.iterrows(), board["verdict"], board["far_above_others"], awards):
        cls = ("fund" if verdict == "fund" else "nofund") + (" outlier" if outlier else "") + marks.get(award, "")
        tds = "".join(f'<td class="{"n" if c in FORMATS else ""}">{escape(html_page.cell(r[c], FORMATS.get(c)))}</td>'
                      for c in view.columns)
        rows.append(f'<tr class="{cls}">{tds}</tr>')
    return f'<table class="board"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
