"""Write small custom catalogs for hand-solved tests (every table valid by default)."""
from __future__ import annotations

import csv
from pathlib import Path

from sites.schema import TABLES, columns

SRC = "test-src"
ELEMENT_SHARES = ("nd", "pr", "dy", "tb", "other")

# Real places, so the state check passes: the model only sees the coordinates.
PLACES = {
    "mine": ("Mine", "CA", 35.48, -115.53),
    "mill": ("Mill", "TX", 32.98, -97.31),
    "far": ("Far mill", "AK", 54.91, -132.14),
    "near": ("Near mill", "NV", 35.98, -114.83),
}


def site(site_id: str, place: str | None = None, allowed: str = "", multiplier: float = 1.0, **extra) -> dict:
    name, state, lat, lon = PLACES[place or site_id]
    row = {
        "site_id": site_id, "name": name, "state": state, "latitude": lat, "longitude": lon,
        "location_precision": "approximate", "location_basis": "test", "location_source": SRC,
        "kind": "deposit", "status": "producing", "operator": f"{name} Co", "cost_multiplier": multiplier,
        "cost_multiplier_reason": "test", "cost_multiplier_source": SRC, "allowed_technologies": allowed,
        "note": "", "sources": SRC,
    }
    row.update(extra)
    return row


def feed(feedstock_id: str, site_id: str, supply_tpa: float, form: str = "mixed", start_year: int = 2020,
         **shares: float) -> dict:
    split = {f"share_{k}": shares.get(k, 0.0) for k in ELEMENT_SHARES}
    return {
        "feedstock_id": feedstock_id, "site_id": site_id, "name": feedstock_id, "form": form,
        "supply_tpa_low": supply_tpa, "supply_tpa_base": supply_tpa, "supply_tpa_high": supply_tpa,
        "supply_source": SRC, **split, "share_source": SRC, "start_year": start_year, "start_source": SRC, "note": "",
        # origin, ownership and timing (docs/data.md): a producing domestic mine, open market, no ramp
        "origin": "domestic_mine", "origin_country": "US", "origin_source": SRC, "owner": "", "captive": "false",
        "lead_time_basis": "mine", "milestone": "producing", "milestone_year": start_year, "milestone_source": SRC,
        "first_output_year_low": start_year, "first_output_year_base": start_year, "first_output_year_high": start_year,
        "ramp_curve": "steady", "heavy_other_share": 0.0, "heavy_other_source": SRC,
    }


def tech(technology_id: str, input_form: str, output_form: str, capex_usd_per_tpa: float, opex_usd_per_t: float = 0.0,
         recovery: float = 1.0, max_size_tpa: float = 1e6, lead_time_years: float = 2, life_years: float = 20) -> dict:
    return {
        "technology_id": technology_id, "name": technology_id, "input_form": input_form, "output_form": output_form,
        **{f"recovery_{k}": recovery for k in ELEMENT_SHARES}, "recovery_source": SRC,
        "capex_usd_per_tpa_low": capex_usd_per_tpa, "capex_usd_per_tpa_base": capex_usd_per_tpa,
        "capex_usd_per_tpa_high": capex_usd_per_tpa * 2, "capex_source": SRC,
        "capex_brownfield_usd_per_tpa_low": capex_usd_per_tpa, "capex_brownfield_usd_per_tpa_base": capex_usd_per_tpa,
        "capex_brownfield_usd_per_tpa_high": capex_usd_per_tpa * 2, "capex_brownfield_source": SRC,
        "opex_usd_per_t": opex_usd_per_t, "opex_source": SRC, "min_size_tpa": 0, "max_size_tpa": max_size_tpa,
        "size_source": SRC, "lead_time_years": lead_time_years, "lead_time_source": SRC, "life_years": life_years,
        "life_source": SRC, "trl": 9, "trl_source": SRC, "note": "", "ramp_curve": "steady", "ramp_curve_source": SRC,
    }


def demand(element: str, t: float, form: str = "oxide", year: int = 2030) -> dict:
    return {"element": element, "form": form, "target_year": year, "demand_t_low": t, "demand_t_base": t,
            "demand_t_high": t, "demand_source": SRC, "note": ""}


def imports(element: str, t: float, form: str = "oxide", case: str = "truce") -> dict:
    return {"case": case, "element": element, "form": form, "available_t": t, "available_source": SRC, "note": ""}


def capacity(site_id: str, technology_id: str, existing_tpa: float) -> dict:
    return {"site_id": site_id, "technology_id": technology_id, "existing_tpa": existing_tpa,
            "existing_source": SRC, "note": "", "toll_processing": "true", "owner_source": SRC,
            "milestone": "producing", "milestone_year": 2020, "milestone_source": SRC, "first_output_year_low": 2020,
            "first_output_year_base": 2020, "first_output_year_high": 2020, "ramp_curve": "steady"}


def default_tables() -> dict[str, list[dict]]:
    weights = {"Nd": 1.0, "Pr": 1.0, "Dy": 4.0, "Tb": 10.0, "other": 0.0}
    return {
        "sources": [{"source_id": SRC, "title": "Test source", "publisher": "tests", "year": 2025,
                     "url": "urn:test", "quality": "rough", "note": ""}],
        "assumptions": [],
        "elements": [{"element": e, "name": e, "magnet": str(e != "other").lower(), "weight": w,
                      "weight_source": SRC, "price_usd_per_kg": 100.0, "price_source": SRC}
                     for e, w in weights.items()],
        "sites": [],
        "site_capacity": [],
        "feedstocks": [],
        "technologies": [],
        "demand": [],
        "imports": [],
        "parameters": [
            {"parameter": "transport_usd_per_tkm", "value": 0.1, "unit": "USD/t-km", "source": SRC, "note": ""},
            {"parameter": "road_circuity", "value": 1.0, "unit": "x", "source": SRC, "note": ""},
            {"parameter": "discount_rate", "value": 0.0, "unit": "1/yr", "source": SRC, "note": ""},
            {"parameter": "unmet_penalty_x_price", "value": 10.0, "unit": "x", "source": SRC, "note": ""},
        ],
        "milestones": [{"lead_time_basis": b, "milestone": "producing", "years_low": 0, "years_base": 0, "years_high": 0,
                        "source": SRC, "note": ""} for b in ("mine", "plant")],
        "ramp_curves": [{"curve_id": "steady", "year": 1, "share_low": 1, "share_base": 1, "share_high": 1, "source": SRC,
                         "note": ""}],
        "technology_outputs": [],
        "capex_anchors": [],
        "demand_scopes": [],
        "trade_events": [],
        "production_history": [],
        "cost_index": [{"year": 2025, "index": 100, "source": SRC, "note": ""}],
        "feed_options": [],
    }


def write_catalog(folder: Path, **tables: list[dict]) -> Path:
    """Write every table (defaults, overridden by keyword) as CSV in folder."""
    folder.mkdir(parents=True, exist_ok=True)
    merged = default_tables() | tables
    operators = {s["site_id"]: s["operator"] for s in merged["sites"]}
    merged["site_capacity"] = [{"owner": operators.get(c["site_id"], ""), **c} for c in merged["site_capacity"]]
    if "import_cases" not in merged:  # one described case per case the imports use
        merged["import_cases"] = [
            {"case": c, "description": c, "foreign_concentrate_share_low": 1, "foreign_concentrate_share_base": 1,
             "foreign_concentrate_share_high": 1, "foreign_concentrate_source": SRC, "note": ""}
            for c in sorted({r["case"] for r in merged["imports"]})]
    for table in TABLES:
        names = [c.name for c in columns()[table]]
        with open(folder / f"{table}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=names)
            writer.writeheader()
            for row in merged[table]:
                writer.writerow({k: row.get(k, "") for k in names})
    return folder


# The smallest useful catalog: one mine with a 50% Nd concentrate and one buildable
# separation technology at $100k per t/yr (so $1M federal at 50% buys 20 t/yr = 10 t Nd).
ONE_MINE = dict(
    sites=[site("mine", allowed="sx")],
    feedstocks=[feed("conc", "mine", 1000, nd=0.5, other=0.5)],
    technologies=[tech("sx", "mixed", "oxide", 100_000)],
    demand=[demand("Nd", 1000)],
    imports=[imports("Nd", 0)],
)

# The same mine with a second site (a mill in Texas) where separation may also be built.
MINE_AND_MILL = dict(ONE_MINE, sites=[site("mine", allowed="sx"), site("mill", allowed="sx")])


def feed_option(option_id: str, feed_id: str, added: float, capex: float, year: int = 2025, **extra) -> dict:
    """A feed_options.csv row: a new_mine option adding `added` t/yr for `capex` (in `year`
    dollars), 2-year lead time, 20-year life, 50% federal share, min_fraction 0.5."""
    row = {"option_id": option_id, "feedstock_id": feed_id, "kind": "new_mine", "added_source": SRC,
           "capex_dollar_year": year, "capex_source": SRC, "fixed_opex_usd_per_yr": 0, "opex_usd_per_t": 0,
           "opex_source": SRC, "lead_time_years_low": 2, "lead_time_years_base": 2, "lead_time_years_high": 2,
           "lead_time_source": SRC, "life_years": 20, "life_source": SRC, "max_federal_share": 0.5,
           "federal_share_source": SRC, "success_probability": 0.5, "success_source": SRC, "min_fraction": 0.5,
           "min_fraction_source": SRC, "note": ""}
    row.update({f"added_tpa_{c}": added for c in ("low", "base", "high")})
    row.update({f"capex_usd_{c}": capex for c in ("low", "base", "high")})
    row.update(extra)
    return row


def two_deposit_tables() -> dict[str, list[dict]]:
    """Two deposits at one site (no freight), each 50% Nd, and one existing 5,000 t/yr
    separation plant there; Nd oxide demand 1,000 t/yr, no imports. Deposit A's option adds
    1,000 t/yr for $200M (2025 dollars); B's 600 t/yr for $60M in 2020 dollars, which the cost
    index (50 -> 100) doubles to $120M. Lists, so a test can append sites, feeds or options."""
    return dict(
        sites=[site("mine")],
        feedstocks=[feed("dep-a", "mine", 1000, nd=0.5, other=0.5), feed("dep-b", "mine", 600, nd=0.5, other=0.5)],
        technologies=[tech("sx", "mixed", "oxide", 100_000)],
        site_capacity=[capacity("mine", "sx", 5000)],
        demand=[demand("Nd", 1000)],
        imports=[imports("Nd", 0)],
        cost_index=[{"year": 2020, "index": 50, "source": SRC, "note": ""},
                    {"year": 2025, "index": 100, "source": SRC, "note": ""}],
        feed_options=[feed_option("opt-a", "dep-a", 1000, 200e6), feed_option("opt-b", "dep-b", 600, 60e6, year=2020)],
    )
