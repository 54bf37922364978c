"""What runs when, in words and tables, for a multi-year run's memo: each award's decision,
first output and full-rate years (from capacity_by_year.csv) and when each element's import
reliance falls (from elements_by_year.csv)."""
from __future__ import annotations

import pandas as pd

FULL_RATE = 0.99  # a build runs "at full rate" from the year its running capacity reaches this share
PHASE_COLUMNS = ["label", "site_id", "technology", "decided", "construction", "first_output", "full_rate", "last",
                 "new_tpa", "federal_usd"]


def phases(run) -> pd.DataFrame:
    """Per plant with new capacity: the years it is decided (t/yr each), its first decision,
    first output and full-rate years, and its federal money; earliest decision first."""
    result = run.result
    cap = result.capacity_by_year
    if cap.empty:
        return pd.DataFrame(columns=PHASE_COLUMNS)
    names = run.catalog.sites.set_index("site_id")["name"]
    federal = result.capacity.set_index(["site_id", "technology"])["federal_usd"]
    last = int(cap["year"].max())
    rows = []
    for (site, tech), frame in cap.groupby(["site_id", "technology"], sort=True):
        frame = frame.sort_values("year")
        total = float(frame["new_nameplate_tpa"].iloc[-1])
        if total <= 0:
            continue
        decided = [(int(y), float(t)) for y, t in zip(frame["year"], frame["decided_tpa"]) if t > 0]
        # decisions in the decision year are on the first row; a year without a row has none
        first_decision = decided[0][0] if decided else int(frame["year"].iloc[0])
        running = frame[frame["new_running_tpa"] > 0]
        full = frame[frame["new_running_tpa"] >= FULL_RATE * total]
        first_output = int(running["year"].iloc[0]) if len(running) else last + 1
        full_rate = int(full["year"].iloc[0]) if len(full) else last + 1
        rows.append((f"{names.get(site, site)}: {tech}", site, tech, decided, first_decision, first_output,
                     full_rate, last, total, float(federal.get((site, tech), 0.0))))
    out = pd.DataFrame(rows, columns=PHASE_COLUMNS)
    return out.sort_values(["construction", "first_output", "label"], kind="stable").reset_index(drop=True)


def when_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The memo's 'what runs when' table."""
    def said(decided, last):
        return "; ".join(f"{y}: {t:,.0f} t/yr" for y, t in decided) if decided else "before the first year planned"

    return pd.DataFrame({
        "Award": table["label"],
        "Decided (year: t/yr of input)": [said(d, last) for d, last in zip(table["decided"], table["last"])],
        "First output": [str(y) if y <= last else f"after {last}" for y, last in
                         zip(table["first_output"], table["last"])],
        "Full rate from": [str(y) if y <= last else f"after {last}" for y, last in
                           zip(table["full_rate"], table["last"])],
        "Federal award ($M)": table["federal_usd"] / 1e6,
    })


def reliance_lines(elements_by_year: pd.DataFrame) -> list[str]:
    """Per element: its import reliance in the first year, when it falls below half and to its
    lowest, and where it ends."""
    lines = []
    for element, frame in elements_by_year.groupby("element", sort=False):
        frame = frame.sort_values("year")
        years, share = list(frame["year"]), list(frame["import_reliance"])
        low = min(share)
        low_year = years[share.index(low)]
        below_half = next((y for y, s in zip(years, share) if s < 0.5), None)
        words = [f"{element}: {share[0]:.0%} in {years[0]}"]
        if below_half is not None and below_half != years[0]:
            words.append(f"below half from {below_half}")
        if low < share[0] - 0.005:
            words.append(f"lowest {low:.0%} in {low_year}")
        words.append(f"{share[-1]:.0%} in {years[-1]}")
        lines.append(", ".join(words) + ".")
    return lines


def demand_note(elements_by_year: pd.DataFrame) -> str:
    """Which years' demand is sourced, interpolated or held, said once."""
    basis = dict(zip(elements_by_year["year"], elements_by_year["demand_basis"]))
    held = [y for y, b in basis.items() if b.startswith("held")]
    between = [y for y, b in basis.items() if b.startswith("interpolated")]
    parts = []
    if held:
        parts.append(f"{_span(held)}: held at the first anchor year's level (no earlier demand is sourced)")
    if between:
        parts.append(f"{_span(between)}: interpolated linearly between anchor years")
    anchors = [y for y, b in basis.items() if b.startswith("catalog anchor")]
    head = f"Demand is sourced for {', '.join(map(str, anchors))}" if anchors else "No planned year is an anchor year"
    return head + ("; " + "; ".join(parts) if parts else "") + "."


def _span(years: list[int]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
