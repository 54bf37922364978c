"""Legend contents (escaped HTML): colours per technology, kind and flow form, circle
sizes, and the scenario summary."""

from __future__ import annotations

from maps import numbers, style
from maps.escape import text


def _swatch(colour: str, label: str, ring: bool = False) -> str:
    fill = "#fff" if ring else colour
    return (
        "<div class='ree-legend-item'><svg width='14' height='14' style='vertical-align:middle'>"
        f"<circle cx='7' cy='7' r='5' fill='{fill}' stroke='{colour}' stroke-width='{3 if ring else 1}'/></svg> "
        f"{text(label)}</div>"
    )


def _line(colour: str, label: str) -> str:
    return (
        "<div class='ree-legend-item'><svg width='22' height='10' style='vertical-align:middle'>"
        f"<line x1='1' y1='5' x2='15' y2='5' stroke='{colour}' stroke-width='3' stroke-dasharray='5 3'/>"
        f"<polygon points='14,1 21,5 14,9' fill='{colour}'/></svg> "
        f"{text(label)}</div>"
    )


def _section(title: str, items: list[str]) -> str:
    return f"<div class='ree-legend-section'><b>{text(title)}</b>{''.join(items)}</div>" if items else ""


def technologies(colours: dict[str, str], names: dict[str, str]) -> str:
    # the short name (before any parenthesis) keeps the legend narrow enough not to hide plants
    items = [_swatch(colour, names.get(tech, tech).split(" (")[0]) for tech, colour in colours.items()]
    return _section("Plants by technology", items)


def new_outline(weight: float) -> str:
    """A multi-year map's mark for plants running new capacity in the year shown."""
    item = ("<div class='ree-legend-item'><svg width='14' height='14' style='vertical-align:middle'>"
            f"<circle cx='7' cy='7' r='5' fill='#bbb' stroke='#222' stroke-width='{weight}'/></svg> "
            f"{text('thick outline: new capacity running in the year shown')}</div>")
    return _section("Year shown (slider)", [item])


def sizes(largest_tpa: float) -> str:
    items = []
    for tpa in style.legend_sizes(largest_tpa):
        r = style.plant_radius(tpa, largest_tpa)
        box = int(2 * style.PLANT_RADIUS_MAX + 2)
        items.append(
            f"<div class='ree-legend-item'><svg width='{box}' height='{int(2 * r + 2)}' style='vertical-align:middle'>"
            f"<circle cx='{box / 2}' cy='{r + 1}' r='{r}' fill='#bbb' stroke='#555'/></svg> "
            f"{numbers.tonnes(tpa)} t/yr</div>"
        )
    return _section("Capacity (circle area)", items)


def kinds(kinds_present: list[str]) -> str:
    items = [
        _swatch(style.KIND_COLOURS.get(k, "#777"), style.KIND_LABELS.get(k, k), ring=(k == "magnet"))
        for k in kinds_present
    ]
    return _section("Catalog sites", items)


def forms(forms_present: list[str]) -> str:
    items = [_line(style.FORM_COLOURS.get(f, style.DEFAULT_FORM_COLOUR), f"{f} shipments") for f in forms_present]
    return _section("Flows (width by tonnes, arrowheads point downstream)", items)


def _objective(value) -> str:
    value = float(value)
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def summary(values: dict) -> str:
    keys = [
        ("scenario", "Scenario", str),
        ("objective", "Objective", str),
        ("objective_value", "Objective value", _objective),
        ("budget_usd", "Budget", numbers.usd),
        ("federal_usd", "Federal", numbers.usd),
    ]
    rows = []
    for key, label, fmt in keys:
        if values.get(key) is None:
            continue
        try:
            shown = fmt(values[key])
        except (TypeError, ValueError):
            shown = str(values[key])
        rows.append(f"<div>{text(label)}: {text(shown)}</div>")
    return _section("Result", rows)
