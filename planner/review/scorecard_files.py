"""Scorecard tables as files: CSV (the contract), XLSX (for reviewers) and one self-contained HTML page."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from planner.outputs.tables import write_csv
from planner.review.scorecard import PORTFOLIO_COLUMNS, PROJECT_COLUMNS
from planner.outputs import html as html_page
from planner.outputs.html import escape
from planner.outputs.xlsx import Sheet, write_workbook

# How each column is shown in the xlsx and the html (CSV keeps full precision).
_FRACTION = {"regret_share", "budget_used_share", "cost_share_achieved", "cost_share_required",
             "largest_site_share", "new_capacity_utilisation", "plant_utilisation", "federal_share_requested",
             *(c for c, _, _ in PORTFOLIO_COLUMNS if c.startswith("import_reliance_"))}
_USD = {"federal_usd", "budget_usd", "total_capex_usd", "federal_request_usd", "federal_usd_per_weighted_t"}


def _definitions(columns, present) -> list[tuple[str, str, str]]:
    return [c for c in columns if c[0] in present]


def write_scorecard_csv(portfolios: pd.DataFrame, projects: pd.DataFrame, folder: Path) -> None:
    write_csv(portfolios, folder / "scorecard.csv")
    write_csv(projects, folder / "scorecard_projects.csv")


def _number_format(column: str) -> str:
    return "0.0%" if column in _FRACTION else "#,##0" if column in _USD else "#,##0.000"


def _width(column: str) -> float:
    return max(10, min(40, len(column) + 2))


def write_scorecard_xlsx(portfolios: pd.DataFrame, projects: pd.DataFrame, path: Path, title: str) -> None:
    """Portfolios, Projects and a Columns glossary, through the project's one XLSX writer."""
    glossary = pd.DataFrame(
        [(table, *c) for table, columns, frame in (("Portfolios", PORTFOLIO_COLUMNS, portfolios),
                                                   ("Projects", PROJECT_COLUMNS, projects))
         for c in _definitions(columns, frame.columns)], columns=["table", "column", "unit", "definition"])
    write_workbook(path, [
        Sheet("Portfolios", portfolios, widths=_width, number_format=_number_format, freeze="B2"),
        Sheet("Projects", projects, widths=_width, number_format=_number_format, freeze="B2"),
        Sheet("Columns", glossary, widths=None, fixed_widths=dict(zip("ABCD", (12, 28, 22, 100)))),
    ], title=title)


def _cell(column: str, value) -> str:
    """One escaped, formatted table cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "<td class='n'>–</td>"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"<td>{escape(str(value))}</td>"
    if column in _FRACTION:
        shown = f"{value:.1%}"
    elif column in _USD:
        shown = f"{value:,.0f}"
    elif isinstance(value, int):
        shown = f"{value:,d}"
    else:
        shown = f"{value:,.3f}"
    return f"<td class='n'>{escape(shown)}</td>"


def _table(frame: pd.DataFrame, css: str) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(_cell(c, v) for c, v in zip(frame.columns, record)) + "</tr>"
                   for record in frame.itertuples(index=False))
    return f"<table class='{css}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# the scorecard's tables are wide: they scroll inside the page instead of widening it
EXTRA_STYLE = ".wide{display:block;overflow-x:auto;max-width:100%}.muted{color:#666}td.n{white-space:nowrap}"


def scorecard_html(portfolios: pd.DataFrame, projects: pd.DataFrame, title: str, notes: list[str]) -> str:
    """A whole page, no scripts and no remote assets; every value is escaped."""
    sections = [f"<h1>{escape(title)}</h1>", *(f"<p class='muted'>{escape(n)}</p>" for n in notes),
                "<h2>Portfolios</h2>", _table(portfolios, "wide ranking")]
    for name in dict.fromkeys(projects["portfolio"]):
        rows = projects[projects["portfolio"] == name].drop(columns="portfolio")
        sections += [f"<h2>Projects of {escape(str(name))}</h2>", _table(rows, "wide projects")]
    glossary = [(t, *c) for t, cols, frame in (("Portfolios", PORTFOLIO_COLUMNS, portfolios),
                                             ("Projects", PROJECT_COLUMNS, projects))
                for c in _definitions(cols, frame.columns)]
    sections += ["<h2>Columns</h2>", _table(pd.DataFrame(glossary, columns=["table", "column", "unit", "definition"]),
                                            "glossary")]
    return html_page.page(title, "\n".join(sections), extra_style=EXTRA_STYLE)


def write_scorecard(portfolios: pd.DataFrame, projects: pd.DataFrame, folder: Path, title: str,
                    notes: list[str], xlsx_html: bool = True) -> None:
    write_scorecard_csv(portfolios, projects, folder)
    if xlsx_html:
        write_scorecard_xlsx(portfolios, projects, folder / "scorecard.xlsx", title)
        (folder / "scorecard.html").write_text(scorecard_html(portfolios, projects, title, notes), encoding="utf-8")
