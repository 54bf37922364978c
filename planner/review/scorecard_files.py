"""Scorecard tables as files: CSV (the contract), XLSX (for reviewers) and one self-contained HTML page."""
from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import pandas as pd

from maps.escape import text
from planner.outputs.tables import write_csv
from planner.review.scorecard import PORTFOLIO_COLUMNS, PROJECT_COLUMNS
from planner.outputs.cells import formulas_as_text
from planner.outputs.xlsx import make_reproducible

FIXED_TIME = datetime(2025, 1, 1)  # workbook metadata: the same scorecard gives the same properties

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


def write_scorecard_xlsx(portfolios: pd.DataFrame, projects: pd.DataFrame, path: Path, title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.properties.creator = "ree-planner"
    book.properties.title = title
    book.properties.created = book.properties.modified = FIXED_TIME
    sheets = [("Portfolios", portfolios), ("Projects", projects)]
    for k, (name, frame) in enumerate(sheets):
        sheet = book.active if k == 0 else book.create_sheet()
        sheet.title = name
        sheet.append(list(frame.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for record in frame.itertuples(index=False):
            sheet.append([None if isinstance(v, float) and math.isnan(v) else v for v in record])
        for j, column in enumerate(frame.columns, start=1):
            fmt = "0.0%" if column in _FRACTION else "#,##0" if column in _USD else "#,##0.000"
            for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                if isinstance(cell.value, float):
                    cell.number_format = fmt
            sheet.column_dimensions[get_column_letter(j)].width = max(10, min(40, len(str(column)) + 2))
        sheet.freeze_panes = "B2"
    glossary = book.create_sheet("Columns")
    glossary.append(["table", "column", "unit", "definition"])
    for cell in glossary[1]:
        cell.font = Font(bold=True)
    for table, columns, frame in (("Portfolios", PORTFOLIO_COLUMNS, portfolios), ("Projects", PROJECT_COLUMNS, projects)):
        for name, unit, definition in _definitions(columns, frame.columns):
            glossary.append([table, name, unit, definition])
    for letter, width in zip("ABCD", (12, 28, 22, 100)):
        glossary.column_dimensions[letter].width = width
    formulas_as_text(book)
    book.save(path)
    make_reproducible(path)


def _cell(column: str, value) -> str:
    """One escaped, formatted table cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "<td class='n'>–</td>"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"<td>{text(value)}</td>"
    if column in _FRACTION:
        shown = f"{value:.1%}"
    elif column in _USD:
        shown = f"{value:,.0f}"
    elif isinstance(value, int):
        shown = f"{value:,d}"
    else:
        shown = f"{value:,.3f}"
    return f"<td class='n'>{text(shown)}</td>"


def _table(frame: pd.DataFrame, css: str) -> str:
    head = "".join(f"<th>{text(c)}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(_cell(c, v) for c, v in zip(frame.columns, record)) + "</tr>"
                   for record in frame.itertuples(index=False))
    return f"<table class='{css}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0;font-size:12px}
th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top}
th{background:#f0f0f0;text-align:left}td.n{text-align:right;white-space:nowrap}
.wide{display:block;overflow-x:auto;max-width:100%}.muted{color:#666}
"""


def scorecard_html(portfolios: pd.DataFrame, projects: pd.DataFrame, title: str, notes: list[str]) -> str:
    """A whole page, no scripts and no remote assets; every value is escaped."""
    sections = [f"<h1>{text(title)}</h1>", *(f"<p class='muted'>{text(n)}</p>" for n in notes),
                "<h2>Portfolios</h2>", _table(portfolios, "wide ranking")]
    for name in dict.fromkeys(projects["portfolio"]):
        rows = projects[projects["portfolio"] == name].drop(columns="portfolio")
        sections += [f"<h2>Projects of {text(name)}</h2>", _table(rows, "wide projects")]
    glossary = [(t, *c) for t, cols, frame in (("Portfolios", PORTFOLIO_COLUMNS, portfolios),
                                             ("Projects", PROJECT_COLUMNS, projects))
                for c in _definitions(cols, frame.columns)]
    sections += ["<h2>Columns</h2>", _table(pd.DataFrame(glossary, columns=["table", "column", "unit", "definition"]),
                                            "glossary")]
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<title>{text(title)}</title><style>{_STYLE}</style></head><body>\n"
            + "\n".join(sections) + "\n</body></html>\n")


def write_scorecard(portfolios: pd.DataFrame, projects: pd.DataFrame, folder: Path, title: str,
                    notes: list[str], xlsx_html: bool = True) -> None:
    write_scorecard_csv(portfolios, projects, folder)
    if xlsx_html:
        write_scorecard_xlsx(portfolios, projects, folder / "scorecard.xlsx", title)
        (folder / "scorecard.html").write_text(scorecard_html(portfolios, projects, title, notes), encoding="utf-8")
