"""Static charts (matplotlib, Agg backend) for reports, sweeps and comparisons, as PNG bytes.

PNGs are written without the "Software" tag and with a fixed size and dpi, so the same
numbers give the same bytes on the same matplotlib version.
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
# Figures are made directly, not through pyplot: no global figure registry or backend
# set-up, and pyplot's import alone costs more than drawing a chart. savefig renders
# with the Agg canvas, so there is no display either way.
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

DPI = 100
COLOURS = {"domestic": "#2b8a3e", "imports": "#1c7ed6", "unmet": "#c92a2a"}


def png_bytes(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _subplots(nrows: int = 1, ncols: int = 1, *, figsize, layout: str, **kw):
    """(figure, axes) as pyplot.subplots gives them, without pyplot."""
    fig = Figure(figsize=figsize, layout=layout)
    return fig, fig.subplots(nrows, ncols, **kw)


def element_balance_png(elements: pd.DataFrame) -> bytes:
    """Each magnet element's demand split into US supply, imports and unmet, as shares."""
    fig, ax = _subplots(figsize=(7.0, 0.6 + 0.55 * max(1, len(elements))), layout="constrained")
    frame = elements.iloc[::-1]  # first element on top
    demand = frame["demand_t"].where(frame["demand_t"] > 0, 1.0)
    credited = (frame["demand_t"] - frame["imports_t"] - frame["unmet_t"]).clip(lower=0.0)
    left = pd.Series(0.0, index=frame.index)
    for label, tonnes in (("domestic", credited), ("imports", frame["imports_t"]), ("unmet", frame["unmet_t"])):
        share = 100 * tonnes / demand
        ax.barh(frame["element"], share, left=left, color=COLOURS[label], label=label)
        for y, (x0, w, t) in enumerate(zip(left, share, tonnes)):
            if w >= 9:
                ax.text(x0 + w / 2, y, f"{t:,.0f} t", ha="center", va="center", color="white", fontsize=8)
        left = left + share
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of demand, % (labels: t/yr REO)")
    ax.legend(ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    return png_bytes(fig)


def _money_axis(values: pd.Series) -> tuple[pd.Series, str]:
    return values / 1e6, "federal budget, $M"


def _axis_value(value) -> str:
    """A swept key's value in a legend: true/false for a switch, else the number."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    return f"{value:g}"


def sweep_png(table: pd.DataFrame, x_key: str, series_key: str | None) -> bytes:
    """Weighted supply (top) and the budget's marginal value (bottom) against x_key."""
    fig, (top, bottom) = _subplots(2, 1, figsize=(7.5, 6.5), sharex=True, layout="constrained")
    groups = [(None, table)] if series_key is None else list(table.groupby(series_key, sort=True))
    for value, frame in groups:
        frame = frame.sort_values(x_key)
        x, xlabel = _money_axis(frame[x_key]) if x_key == "budget_usd" else (frame[x_key], x_key)
        label = None if value is None else f"{series_key} = {_axis_value(value)}"
        top.plot(x, frame["weighted_supply"], marker="o", markersize=3, label=label)
        bottom.step(x, frame["budget_marginal_value"] * 100, where="post", label=label)
        bottom.plot(x, frame["budget_marginal_value"] * 100, "o", markersize=3, color=bottom.lines[-1].get_color())
    top.set_ylabel("weighted supply, t/yr")
    top.set_title("Domestic supply credited against demand")
    bottom.set_ylabel("t/yr per next $100M")
    bottom.set_title("Marginal value of federal money")
    bottom.set_xlabel(xlabel)
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
        if series_key is not None:
            ax.legend(fontsize=8)
    return png_bytes(fig)


def comparison_png(elements: pd.DataFrame, headline: pd.DataFrame, runs: list[str]) -> bytes:
    """Import reliance by element per run (left) and weighted supply per run (right)."""
    fig, (left, right) = _subplots(1, 2, figsize=(10, 4), layout="constrained",
                                   gridspec_kw={"width_ratios": [2, 1]})
    reliance = elements[elements["metric"] == "import_reliance"].set_index("element")[runs]
    width = 0.8 / max(1, len(runs))
    for k, run in enumerate(runs):
        xs = [i + (k - (len(runs) - 1) / 2) * width for i in range(len(reliance))]
        left.bar(xs, 100 * reliance[run], width=width, label=run)
    left.set_xticks(range(len(reliance)), reliance.index)
    left.set_ylabel("import reliance, % of demand")
    left.set_ylim(0, 100)
    left.legend(fontsize=8)
    left.grid(axis="y", alpha=0.3)
    supply = headline.set_index("metric").loc["weighted_supply", runs].astype(float)
    right.bar(range(len(runs)), supply, color=[f"C{k}" for k in range(len(runs))])
    right.set_xticks(range(len(runs)), runs, rotation=20, ha="right", fontsize=8)
    right.set_ylabel("weighted supply, t/yr")
    right.grid(axis="y", alpha=0.3)
    return png_bytes(fig)


def funding_curve_png(curve: pd.DataFrame) -> bytes:
    """Cumulative weighted t/yr against cumulative federal $M, best-value awards first."""
    fig, ax = _subplots(figsize=(7.5, 3.6), layout="constrained")
    x = [0.0, *curve["federal_musd"]]
    y = [0.0, *curve["weighted_t"]]
    ax.plot(x, y, marker="o", markersize=4, color="#2b8a3e")
    for xi, yi, label in zip(x[1:], y[1:], curve["label"]):
        ax.annotate(str(label), (xi, yi), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlabel(r"federal money awarded, \$M (best value per \$ first)")
    ax.set_ylabel("weighted t/yr added")
    ax.set_title("Funding curve")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    return png_bytes(fig)


ELEMENT_COLOURS = {"Nd": "#1c7ed6", "Pr": "#7048e8", "Dy": "#e8590c", "Tb": "#2b8a3e"}
PHASE_COLOURS = {"construction": "#adb5bd", "ramp-up": "#fcc419", "full rate": "#2b8a3e"}


def timeline_png(elements_by_year: pd.DataFrame, spend_by_year: pd.DataFrame, phases: pd.DataFrame) -> bytes:
    """A multi-year run at a glance: domestic supply credited and import reliance per element per
    year, federal spend per year against appropriations, and each award's construction, ramp-up
    and full-rate years (phases: label, construction, first_output, full_rate, last year)."""
    fig, (supply, reliance, money, gantt) = _subplots(
        4, 1, figsize=(8.0, 11.0), layout="constrained",
        gridspec_kw={"height_ratios": [3, 3, 2.5, 0.6 + 0.35 * max(1, len(phases))]})
    years = sorted(set(elements_by_year["year"]))
    for element, frame in elements_by_year.groupby("element", sort=False):
        colour = ELEMENT_COLOURS.get(element)
        supply.plot(frame["year"], frame["credited_t"].clip(lower=0.1), marker="o", markersize=3, color=colour,
                    label=element)
        reliance.plot(frame["year"], 100 * frame["import_reliance"], marker="o", markersize=3, color=colour,
                      label=element)
    supply.set_yscale("log")
    supply.set_ylabel("t/yr (log scale)")
    supply.set_title("Domestic supply credited against demand, per element")
    reliance.set_ylabel("% of demand")
    reliance.set_ylim(0, 100)
    reliance.set_title("Import reliance (imports or unmet, share of demand)")
    spend_years = spend_by_year["year"]
    money.bar(spend_years, spend_by_year["federal_spend_usd"] / 1e6, color="#1c7ed6", label="federal spend")
    money.step(spend_years, spend_by_year["cumulative_appropriated_usd"] / 1e6, where="mid", color="#495057",
               label="appropriated to date")
    money.plot(spend_years, spend_by_year["cumulative_federal_spend_usd"] / 1e6, marker="o", markersize=3,
               color="#e8590c", label="spent to date")
    money.set_ylabel(r"\$M")
    money.set_title("Federal money by year")
    for ax in (supply, reliance, money):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, ncols=4)
        ax.set_xticks(list(range(min(min(years), int(spend_years.min())), max(years + [int(spend_years.max())]) + 1)))
    for y, row in enumerate(phases.iloc[::-1].itertuples(index=False)):
        spans = (("construction", row.construction, row.first_output), ("ramp-up", row.first_output, row.full_rate),
                 ("full rate", row.full_rate, row.last + 1))
        for phase, start, end in spans:
            if end > start:
                gantt.barh(y, end - start, left=start - 0.5, color=PHASE_COLOURS[phase])
        # labels inside the bars: long site names on the axis would squeeze the panels above
        gantt.text(row.construction - 0.4, y, row.label, va="center", fontsize=7)
    gantt.set_yticks([])
    gantt.set_title("Awards: construction, ramp-up, full rate")
    gantt.set_xlim(supply.get_xlim())
    gantt.set_xticks(supply.get_xticks())
    gantt.grid(axis="x", alpha=0.3)
    handles = [Rectangle((0, 0), 1, 1, color=c) for c in PHASE_COLOURS.values()]
    gantt.legend(handles, list(PHASE_COLOURS), fontsize=8, ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.08),
                 frameon=False)
    return png_bytes(fig)
