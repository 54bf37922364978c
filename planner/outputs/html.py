"""The one HTML page builder: self-contained pages, inline CSS, images as data URIs, and the one
escaper every page uses for user text (`escape`; maps have their own for JavaScript template
literals, maps/escape.py)."""
from __future__ import annotations

import base64
import math
from html import escape

import pandas as pd

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem auto; max-width: 70rem;
       padding: 0 1rem; color: #212529; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
.lede { color: #495057; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 0.8rem; }
.card { border: 1px solid #dee2e6; border-radius: 6px; padding: 0.6rem 0.9rem; min-width: 10rem; }
.card .v { font-size: 1.25rem; font-weight: 600; } .card .k { font-size: 0.8rem; color: #495057; }
.note { background: #f1f3f5; border-left: 4px solid #2b8a3e; padding: 0.5rem 0.8rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.4rem 0; }
th, td { border-bottom: 1px solid #dee2e6; padding: 0.25rem 0.6rem; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.diff td { background: #fff3bf; }
iframe { width: 100%; height: 32rem; border: 1px solid #dee2e6; }
img { max-width: 100%; }
footer { margin-top: 2rem; font-size: 0.75rem; color: #868e96; }
"""


def page(title: str, body: str, extra_style: str = "") -> str:
    """A whole page: the house style (plus a page's own rules) and body, which must be escaped HTML."""
    return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<style>{STYLE}{extra_style}</style>\n</head>\n<body>\n{body}\n"
            "</body>\n</html>\n")


def png_img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}">'


def cards(items: list[tuple[str, str]]) -> str:
    inner = "".join(f'<div class="card"><div class="v">{escape(v)}</div><div class="k">{escape(k)}</div></div>'
                    for k, v in items)
    return f'<div class="cards">{inner}</div>'


def cell(value, fmt: str | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if fmt is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt.format(value)
    return str(value)


def table(frame: pd.DataFrame, formats: dict[str, str] | None = None, highlight: pd.Series | None = None) -> str:
    """An HTML table; numeric columns (those with a format) right-aligned; highlight marks rows."""
    formats = formats or {}
    if frame.empty:
        return "<p>(none)</p>"
    head = "".join(f'<th class="{"n" if c in formats else ""}">{escape(str(c))}</th>' for c in frame.columns)
    rows = []
    for i, (_, row) in enumerate(frame.iterrows()):
        cls = ' class="diff"' if highlight is not None and bool(highlight.iloc[i]) else ""
        tds = "".join(f'<td class="{"n" if c in formats else ""}">{escape(cell(row[c], formats.get(c)))}</td>'
                      for c in frame.columns)
        rows.append(f"<tr{cls}>{tds}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
