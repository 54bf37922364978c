"""Cross-table sense checks on a typed catalog: references, provenance, splits, ranges, places."""
from __future__ import annotations

import re

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
    "milestones": ("lead_time_basis", "milestone"),
    "ramp_curves": ("curve_id", "year"),
    "technology_outputs": ("technology_id", "element"),
    "demand_scopes": ("scope", "element", "form", "target_year"),
    "production_history": ("site_id", "feedstock_id", "technology_id", "product", "year"),
}
DOMESTIC_ORIGINS = ("domestic_mine", "domestic_byproduct", "domestic_recycling")
DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
CAPACITY_TOLERANCE = 0.01  # capex_anchors.usd_per_unit vs capex_usd / capacity


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

    for aid_i, aid in enumerate(tables["assumptions"]["assumption_id"]):
        if not str(aid).startswith("a-"):
            add("assumptions", aid_i, "assumption_id", aid, "an id starting 'a-'")
    for sid_i, sid in enumerate(tables["sources"]["source_id"]):
        if str(sid).startswith("a-"):
            add("sources", sid_i, "source_id", sid, "a source id not starting 'a-' (that prefix marks assumptions)")

    problems.extend(reference_problems(tables, files))

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
    _check_origin_ownership_timing(tables, add)
    _check_routes_capex_cases(tables, files, add)
    return problems



def reference_problems(tables: dict[str, pd.DataFrame], files: dict[str, str]) -> list[Problem]:
    """Repeated ids and references to unknown ids. Runs also when some cells failed their
    type check (those cells are skipped), so a bad reference is reported with them, at once."""
    problems: list[Problem] = []

    def add(table: str, i: int, column: str | None, value, expected: str) -> None:
        problems.append(Problem(files[table], i + 1, column, None if value is None else str(value), expected,
                                _row_id(table, tables[table], i)))

    known_ids = set(tables["sources"]["source_id"]) | set(tables["assumptions"]["assumption_id"])
    for table, cols in columns().items():
        frame = tables[table]
        for col in cols:
            values = frame[col.name]
            if col.unique:
                seen: dict = {}
                for i, v in enumerate(values):
                    if v in seen and not _blank(v):
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
                if _blank(v):
                    continue  # an optional reference left empty, or a cell that failed its type check
                items = v if isinstance(v, list) else [v]
                bad = [x for x in items if x not in allowed_ids]
                if bad:
                    add(table, i, col.name, ";".join(map(str, bad)), what)
    return problems

def _blank(value) -> bool:
    """An optional cell left empty (typed as '', [] , None or NaN)."""
    if isinstance(value, list):
        return not value
    return value is None or value == "" or (isinstance(value, float) and value != value)


def _check_origin_ownership_timing(tables: dict[str, pd.DataFrame], add) -> None:
    """Feed origin, captive feeds and plants, milestone-derived first-output years, ramp curves."""
    feeds, caps = tables["feedstocks"], tables["site_capacity"]
    for i, f in feeds.iterrows():
        country = str(f["origin_country"])
        if not re.fullmatch(r"[A-Z]{2}", country):
            add("feedstocks", i, "origin_country", country, "a two-letter ISO 3166-1 country code, e.g. US")
        elif (f["origin"] in DOMESTIC_ORIGINS) != (country == "US"):
            add("feedstocks", i, "origin_country", country,
                "US for a domestic_* origin" if f["origin"] in DOMESTIC_ORIGINS else "a country other than US for imported_concentrate")
        if f["captive"] and not f["owner"]:
            add("feedstocks", i, "owner", "", "an owner for a captive feed (captive = true)")
        if f["heavy_other_share"] > f["share_other"] + SPLIT_TOLERANCE:
            add("feedstocks", i, "heavy_other_share", f"{f['heavy_other_share']:g}",
                f"no more than share_other ({f['share_other']:g}): heavy others are part of other")
        capex_cols = ["mine_capex_usd", "mine_capex_dollar_year", "mine_capex_scope", "mine_capex_source"]
        filled = [c for c in capex_cols if not _blank(f[c])]
        if filled and len(filled) < len(capex_cols):
            missing = [c for c in capex_cols if c not in filled]
            add("feedstocks", i, missing[0], "", "all of " + ", ".join(capex_cols) + " or none")
    owners_with_feed = set(feeds["owner"])
    for i, c in caps.iterrows():
        if not c["toll_processing"] and c["owner"] not in owners_with_feed:
            add("site_capacity", i, "toll_processing", "false",
                f"true, or a feed owned by {c['owner']} in feedstocks.csv (a captive plant takes only its owner's feed)")

    lead = {(r.lead_time_basis, r.milestone): (r.years_low, r.years_base, r.years_high)
            for r in tables["milestones"].itertuples(index=False)}
    for table, frame in (("feedstocks", feeds), ("site_capacity", caps)):
        for i, r in frame.iterrows():
            basis = r["lead_time_basis"] if table == "feedstocks" else "plant"
            years = (r["first_output_year_low"], r["first_output_year_base"], r["first_output_year_high"])
            if r["milestone"] == "producing":
                if years[0] != years[2] or years[0] > r["milestone_year"]:
                    add(table, i, "first_output_year_low", "/".join(map(str, years)),
                        f"one historical year, no later than milestone_year ({r['milestone_year']}), for a producing asset")
                continue
            if (basis, r["milestone"]) not in lead:
                add(table, i, "milestone", r["milestone"], f"a row ({basis}, {r['milestone']}) in milestones.csv")
                continue
            want = tuple(r["milestone_year"] + k for k in lead[(basis, r["milestone"])])
            for case, got, exp in zip(("low", "base", "high"), years, want):
                if got != exp:
                    add(table, i, f"first_output_year_{case}", got,
                        f"{exp} (milestone_year {r['milestone_year']} + milestones.csv years_{case} for ({basis}, {r['milestone']}))")

    ramps = tables["ramp_curves"]
    for curve, group in ramps.groupby("curve_id", sort=False):
        rows = list(group.index)
        years = list(group["year"])
        if years != list(range(1, len(years) + 1)):
            add("ramp_curves", rows[0], "year", ";".join(map(str, years)), f"years 1, 2, 3 ... in order for curve {curve}")
        shares = list(group["share_base"])
        for k in range(1, len(shares)):
            if shares[k] < shares[k - 1]:
                add("ramp_curves", rows[k], "share_base", f"{shares[k]:g}", f"a share no lower than year {years[k - 1]} ({shares[k - 1]:g})")


def _check_routes_capex_cases(tables: dict[str, pd.DataFrame], files: dict[str, str], add) -> None:
    """Output routing, brownfield capex, capex anchors, demand scopes, import cases, dates."""
    techs = tables["technologies"].set_index("technology_id")
    inputs = set(techs["input_form"])
    for i, r in tables["technology_outputs"].iterrows():
        if r["technology_id"] not in techs.index:
            continue  # reported as a dangling reference
        if r["output_form"] == techs.at[r["technology_id"], "output_form"]:
            add("technology_outputs", i, "output_form", r["output_form"],
                f"a form other than the technology's own output_form ({r['output_form']}): the row re-routes an element")
        if r["output_form"] not in inputs:
            add("technology_outputs", i, "output_form", r["output_form"],
                "a form some technology takes as input_form (else the element is stranded)")
    t = tables["technologies"]
    for i, (bf, gf) in enumerate(zip(t["capex_brownfield_usd_per_tpa_base"], t["capex_usd_per_tpa_base"])):
        if bf > gf:
            add("technologies", i, "capex_brownfield_usd_per_tpa_base", f"{bf:g}", f"no more than capex_usd_per_tpa_base ({gf:g})")

    for i, r in tables["capex_anchors"].iterrows():
        if r["capacity"] <= 0:
            add("capex_anchors", i, "capacity", f"{r['capacity']:g}", "a capacity > 0")
            continue
        derived = r["capex_usd"] / r["capacity"]
        if abs(r["usd_per_unit"] - derived) > CAPACITY_TOLERANCE * derived:
            add("capex_anchors", i, "usd_per_unit", f"{r['usd_per_unit']:g}", f"capex_usd / capacity = {derived:.0f} (within 1%)")

    demand_keys = set(zip(tables["demand"]["element"], tables["demand"]["form"], tables["demand"]["target_year"]))
    for i, r in tables["demand_scopes"].iterrows():
        if (r["element"], r["form"], r["target_year"]) not in demand_keys:
            add("demand_scopes", i, "target_year", r["target_year"],
                f"a ({r['element']}, {r['form']}, year) that has a row in demand.csv")

    cases = set(tables["import_cases"]["case"])
    for i, case in enumerate(tables["imports"]["case"]):
        if case not in cases:
            add("imports", i, "case", case, f"a case described in {files['import_cases']}")
    used = set(tables["imports"]["case"])
    for i, case in enumerate(tables["import_cases"]["case"]):
        if case not in used:
            add("import_cases", i, "case", case, f"rows for this case in {files['imports']}")

    for i, r in tables["trade_events"].iterrows():
        for col in ("date", "ends"):
            if (r[col] or col == "date") and not DATE.match(str(r[col])):
                add("trade_events", i, col, r[col], "a date YYYY-MM-DD (or YYYY-MM)")


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
