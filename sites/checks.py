"""Cross-table sense checks on a typed catalog: references, provenance, splits, ranges, places."""
from __future__ import annotations

import pandas as pd

from sites import geo
from sites.errors import Problem
from sites.schema import PROVENANCE, columns, id_column
from sites.sets import ELEMENTS

SHARE_COLUMNS = tuple(f"share_{e.lower()}" for e in ELEMENTS)
RECOVERY_COLUMNS = tuple(f"recovery_{e.lower()}" for e in ELEMENTS)
SPLIT_TOLERANCE = 1e-6
# How far outside its declared state a point may lie: the boundary file is simplified
# (1:10m), and an approximate location is only good to a few km.
STATE_TOLERANCE_KM = {"exact": 2.0, "approximate": 10.0}
REQUIRED_PARAMETERS = tuple(c for c in columns()["parameters"] if c.name == "parameter")[0].allowed
COMPOSITE_KEYS = {
    "site_capacity": ("site_id", "technology_id"),
    "demand": ("element", "form", "target_year"),
    "imports": ("case", "element", "form"),
}


def _row_id(table: str, frame: pd.DataFrame, i: int) -> str | None:
    key = id_column(table)
    if key:
        return str(frame.at[i, key])
    if table in COMPOSITE_KEYS:
        return "/".join(str(frame.at[i, k]) for k in COMPOSITE_KEYS[table])
    return None


def check_catalog(tables: dict[str, pd.DataFrame], files: dict[str, str]) -> list[Problem]:
    """All cross-table problems of a catalog whose cells already passed type checks."""
    problems: list[Problem] = []

    def add(table: str, i: int, column: str | None, value, expected: str) -> None:
        shown = None if value is None else (";".join(value) if isinstance(value, list) else str(value))
        problems.append(Problem(files[table], i + 1, column, shown, expected, _row_id(table, tables[table], i)))

    known_ids = set(tables["sources"]["source_id"]) | set(tables["assumptions"]["assumption_id"])
    for aid_i, aid in enumerate(tables["assumptions"]["assumption_id"]):
        if not str(aid).startswith("a-"):
            add("assumptions", aid_i, "assumption_id", aid, "an id starting 'a-'")
    for sid_i, sid in enumerate(tables["sources"]["source_id"]):
        if str(sid).startswith("a-"):
            add("sources", sid_i, "source_id", sid, "a source id not starting 'a-' (that prefix marks assumptions)")

    for table, cols in columns().items():
        frame = tables[table]
        for col in cols:
            values = frame[col.name]
            if col.unique:
                seen: dict = {}
                for i, v in enumerate(values):
                    if v in seen:
                        add(table, i, col.name, v, f"a unique id (row {seen[v] + 1} has it too)")
                    seen.setdefault(v, i)
            if not col.ref:
                continue
            if col.ref == PROVENANCE:
                allowed_ids, what = known_ids, "ids from sources.csv or assumptions.csv"
            else:
                ref_table, ref_col = col.ref.split(".")
                allowed_ids, what = set(tables[ref_table][ref_col]), f"ids from {files[ref_table]} ({ref_col})"
            for i, v in enumerate(values):
                items = v if isinstance(v, list) else [v]
                bad = [x for x in items if x not in allowed_ids]
                if bad:
                    add(table, i, col.name, ";".join(map(str, bad)), what)

    for table, key in COMPOSITE_KEYS.items():
        dup = tables[table].duplicated(list(key), keep="first")
        for i in dup[dup].index:
            add(table, i, key[-1], None, f"one row per ({', '.join(key)})")

    feeds = tables["feedstocks"]
    for i, total in enumerate(feeds[list(SHARE_COLUMNS)].sum(axis=1)):
        if abs(total - 1.0) > SPLIT_TOLERANCE:
            add("feedstocks", i, "share_*", f"{total:.6g}", "element shares summing to 1")

    techs = tables["technologies"]
    for col in RECOVERY_COLUMNS:
        for i, v in enumerate(techs[col]):
            if not 0.0 < v <= 1.0:
                add("technologies", i, col, v, "a recovery in (0, 1]")
    for i, (lo, hi) in enumerate(zip(techs["min_size_tpa"], techs["max_size_tpa"])):
        if lo > hi:
            add("technologies", i, "min_size_tpa", lo, f"min_size_tpa <= max_size_tpa ({hi:g})")

    for table, cols in columns().items():
        names = [c.name for c in cols]
        lows = [n for n in names if n.endswith("_low") or n == "low"]
        for lo_col in lows:
            stem = lo_col[: -len("low")]
            base_col, hi_col = stem + "base", stem + "high"
            frame = tables[table]
            for i, (lo, base, hi) in enumerate(zip(frame[lo_col], frame[base_col], frame[hi_col])):
                if not lo <= base <= hi:
                    add(table, i, base_col, f"{lo:g} / {base:g} / {hi:g}", f"{lo_col} <= {base_col} <= {hi_col}")

    present = set(tables["parameters"]["parameter"])
    for name in REQUIRED_PARAMETERS:
        if name not in present:
            problems.append(Problem(files["parameters"], None, "parameter", None, f"a row for {name}"))
    elements = list(tables["elements"]["element"])
    for e in ELEMENTS:
        if e not in elements:
            problems.append(Problem(files["elements"], None, "element", None, f"a row for {e}"))

    problems.extend(_check_states(tables["sites"], files["sites"]))
    return problems


def _check_states(sites: pd.DataFrame, file: str) -> list[Problem]:
    """Each site's point must fall in (or within tolerance of) its declared state."""
    problems: list[Problem] = []
    known = set(geo.states()["usps"].dropna())
    found = geo.state_of_points(sites["longitude"].to_numpy(float), sites["latitude"].to_numpy(float))
    for i, row in enumerate(sites.itertuples(index=False)):
        if row.state not in known:
            problems.append(Problem(file, i + 1, "state", row.state, "a two-letter USPS state code", row.site_id))
            continue
        if found[i] == row.state:
            continue
        tolerance = STATE_TOLERANCE_KM[row.location_precision]
        gap = geo.distance_to_state_km(row.longitude, row.latitude, row.state)
        if gap is not None and gap <= tolerance:
            continue
        inside = found[i] or "no US state"
        problems.append(
            Problem(
                file, i + 1, "latitude/longitude", f"{row.latitude}, {row.longitude}",
                f"a point in {row.state} (it falls in {inside}, {gap:.1f} km from {row.state}; "
                f"tolerance {tolerance:g} km for {row.location_precision} locations)",
                row.site_id,
            )
        )
    return problems
