"""Issue 12 catalog checks (origin, ownership, milestones, ramp-up, heavy routing, capex, scopes,
import cases, dates), each shown on a deliberately broken copy of the shipped catalog, plus the
facts the shipped catalog must keep."""
import shutil

import pandas as pd
import pytest

from catalog_copies import problems_of
from sites import default_catalog_dir


def edit_row(key_column: str, key: str, **cells):
    def edit(frame):
        rows = frame.index[frame[key_column] == key]
        assert len(rows) == 1, key
        for column, value in cells.items():
            frame.loc[rows[0], column] = value
        return frame
    return edit


def row_of(folder, table: str, key_column: str, key: str) -> int:
    frame = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
    return int(frame.index[frame[key_column] == key][0]) + 1


def the_problem(folder) -> str:
    found = problems_of(folder)
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------- feed origin and ownership

def test_origin_must_be_a_known_kind(broken):
    folder = broken("feedstocks", edit_row("feedstock_id", "mp-bastnaesite", origin="domestic"))
    row = row_of(folder, "feedstocks", "feedstock_id", "mp-bastnaesite")
    assert the_problem(folder) == (
        f"{folder}/feedstocks.csv, row {row} (mp-bastnaesite), column origin: got 'domestic', expected one of "
        "domestic_mine, domestic_byproduct, domestic_recycling, imported_concentrate")


def test_origin_country_is_a_two_letter_code(broken):
    folder = broken("feedstocks", edit_row("feedstock_id", "wm-monazite-p2-toliara", origin_country="Madagascar"))
    row = row_of(folder, "feedstocks", "feedstock_id", "wm-monazite-p2-toliara")
    assert the_problem(folder) == (
        f"{folder}/feedstocks.csv, row {row} (wm-monazite-p2-toliara), column origin_country: got 'Madagascar', "
        "expected a two-letter ISO 3166-1 country code, e.g. US")


def test_imported_concentrate_cannot_be_from_the_us(broken):
    folder = broken("feedstocks", edit_row("feedstock_id", "wm-monazite-p2-donald", origin_country="US"))
    row = row_of(folder, "feedstocks", "feedstock_id", "wm-monazite-p2-donald")
    assert the_problem(folder) == (
        f"{folder}/feedstocks.csv, row {row} (wm-monazite-p2-donald), column origin_country: got 'US', "
        "expected a country other than US for imported_concentrate")


def test_domestic_feed_must_be_from_the_us(broken):
    folder = broken("feedstocks", edit_row("feedstock_id", "wm-monazite-p2-us", origin_country="AU"))
    assert the_problem(folder).endswith("column origin_country: got 'AU', expected US for a domestic_* origin")


def test_captive_feed_needs_an_owner(broken):
    folder = broken("feedstocks", edit_row("feedstock_id", "wm-monazite-p1", owner=""))
    assert the_problem(folder).endswith("(wm-monazite-p1), column owner: got '', "
                                        "expected an owner for a captive feed (captive = true)")


def test_owner_must_be_an_operator_in_sites(broken):
    folder = broken("feedstocks", edit_row("feedstock_id", "mp-bastnaesite", owner="Shenghe"))
    assert the_problem(folder).endswith(
        f"column owner: got 'Shenghe', expected ids from {folder}/sites.csv (operator)")


def test_captive_plant_needs_a_feed_of_its_owner(broken):
    folder = broken("site_capacity", lambda f: f.assign(
        toll_processing=[("false" if s == "phoenix-exeter" else t) for s, t in zip(f.site_id, f.toll_processing)]))
    problem = the_problem(folder)
    assert "site_capacity.csv" in problem and "(phoenix-exeter/metallisation), column toll_processing" in problem
    assert problem.endswith("got 'false', expected true, or a feed owned by Phoenix Tailings Inc. in feedstocks.csv "
                            "(a captive plant takes only its owner's feed)")


def test_heavy_other_is_part_of_other(broken):
    folder = broken("feedstocks", edit_row("feedstock_id", "mp-bastnaesite", heavy_other_share="0.9"))
    assert the_problem(folder).endswith(
        "column heavy_other_share: got '0.9', expected no more than share_other (0.84228): heavy others are part of other")


def test_mine_capex_all_or_none(broken):
    folder = broken("feedstocks", edit_row("feedstock_id", "roundtop-concentrate", mine_capex_dollar_year=""))
    assert the_problem(folder).endswith(
        "(roundtop-concentrate), column mine_capex_dollar_year: got '', expected all of mine_capex_usd, "
        "mine_capex_dollar_year, mine_capex_scope, mine_capex_source or none")


# ---------------------------------------------------------------- milestones and ramp-up

def test_first_output_follows_the_milestone_rule(broken):
    folder = broken("feedstocks", edit_row("feedstock_id", "roundtop-concentrate", first_output_year_base="2033"))
    row = row_of(folder, "feedstocks", "feedstock_id", "roundtop-concentrate")
    assert the_problem(folder) == (
        f"{folder}/feedstocks.csv, row {row} (roundtop-concentrate), column first_output_year_base: got '2033', "
        "expected 2032 (milestone_year 2025 + milestones.csv years_base for (mine, pea_scoping))")


def test_changing_the_rule_table_flags_every_dependent_row(broken):
    def edit(frame):
        rows = (frame.lead_time_basis == "plant") & (frame.milestone == "construction")
        frame.loc[rows, "years_base"] = "2"
        return frame
    found = problems_of(broken("milestones", edit))
    assert found and all("first_output_year_base" in p and "(plant, construction)" in p for p in found)
    assert any("mountain-pass/heavy_separation" in p for p in found)


def test_producing_asset_has_one_historical_year(broken):
    folder = broken("site_capacity", lambda f: f.assign(first_output_year_high=[
        ("2030" if (s, t) == ("mountain-pass", "sx_separation") else h)
        for s, t, h in zip(f.site_id, f.technology_id, f.first_output_year_high)]))
    assert the_problem(folder).endswith(
        "(mountain-pass/sx_separation), column first_output_year_low: got '2023/2023/2030', "
        "expected one historical year, no later than milestone_year (2025), for a producing asset")


def test_milestone_needs_a_rule_row(broken):
    def edit(frame):
        return frame[~((frame.lead_time_basis == "mine") & (frame.milestone == "exploration"))]
    found = problems_of(broken("milestones", edit))
    assert found and all(p.endswith("column milestone: got 'exploration', expected a row (mine, exploration) "
                                    "in milestones.csv") for p in found)


def test_unknown_milestone_value(broken):
    folder = broken("feedstocks", edit_row("feedstock_id", "bokan-concentrate", milestone="prefeasibility"))
    assert the_problem(folder).endswith(
        "column milestone: got 'prefeasibility', expected one of producing, construction, permitted, "
        "definitive_study, pea_scoping, exploration, stalled")


def test_ramp_curve_must_exist(broken):
    folder = broken("feedstocks", edit_row("feedstock_id", "bokan-concentrate", ramp_curve="instant"))
    assert the_problem(folder).endswith(
        f"column ramp_curve: got 'instant', expected ids from {folder}/ramp_curves.csv (curve_id)")


def test_ramp_years_in_order(broken):
    def edit(frame):
        frame.loc[(frame.curve_id == "mine") & (frame.year == "3"), "year"] = "5"
        return frame
    assert the_problem(broken("ramp_curves", edit)).endswith(
        "column year: got '1;2;5;4', expected years 1, 2, 3 ... in order for curve mine")


def test_ramp_never_falls(broken):
    def edit(frame):
        frame.loc[(frame.curve_id == "separation") & (frame.year == "4"), ["share_low", "share_base"]] = ["0.2", "0.3"]
        return frame
    assert the_problem(broken("ramp_curves", edit)).endswith(
        "column share_base: got '0.3', expected a share no lower than year 3 (0.44)")


def test_ramp_share_is_a_fraction(broken):
    def edit(frame):
        frame.loc[0, "share_high"] = "1.2"
        return frame
    assert the_problem(broken("ramp_curves", edit)).endswith(
        "column share_high: got '1.2', expected a value <= 1 fraction of nameplate")


# ---------------------------------------------------------------- heavy routing and capex

def test_route_must_change_the_form(broken):
    folder = broken("technology_outputs", lambda f: f.assign(output_form="oxide"))
    found = problems_of(folder)
    assert len(found) == 3
    assert found[0].endswith("column output_form: got 'oxide', expected a form other than the technology's own "
                             "output_form (oxide): the row re-routes an element")


def test_routed_form_needs_a_taker(broken):
    folder = broken("technologies", lambda f: f[f.technology_id != "heavy_separation"])
    shutil.copy(default_catalog_dir() / "site_capacity.csv", folder / "site_capacity.csv")
    found = problems_of(folder)
    assert any(p.endswith("column output_form: got 'heavy_concentrate', expected a form some technology takes as "
                          "input_form (else the element is stranded)") for p in found)


def test_brownfield_capex_not_above_greenfield(broken):
    folder = broken("technologies", edit_row("technology_id", "heavy_separation", capex_brownfield_usd_per_tpa_base="80000",
                                             capex_brownfield_usd_per_tpa_high="90000"))
    assert the_problem(folder).endswith(
        "(heavy_separation), column capex_brownfield_usd_per_tpa_base: got '80000', "
        "expected no more than capex_usd_per_tpa_base (75000)")


def test_capex_anchor_arithmetic(broken):
    folder = broken("capex_anchors", edit_row("anchor_id", "iluka-eneabba", usd_per_unit="16000"))
    assert the_problem(folder).endswith(
        "(iluka-eneabba), column usd_per_unit: got '16000', expected capex_usd / capacity = 65000 (within 1%)")


# ---------------------------------------------------------------- demand scopes, import cases, dates

def test_demand_scope_row_needs_a_demand_row(broken):
    folder = broken("demand_scopes", lambda f: f.assign(target_year=f.target_year.replace("2035", "2040")))
    found = problems_of(folder)
    assert found and all("expected a (" in p and "year) that has a row in demand.csv" in p for p in found)


def test_demand_scope_must_be_declared(broken):
    folder = broken("demand_scopes", lambda f: f.assign(scope=f.scope.replace("us_consumption", "world")))
    found = problems_of(folder)
    assert found[0].endswith("column scope: got 'world', expected one of magnet_makers, us_consumption")


def test_import_case_must_be_described(broken):
    folder = broken("import_cases", lambda f: f[f.case != "allied_only"])
    found = problems_of(folder)
    assert len(found) == 8
    assert found[0].endswith(f"column case: got 'allied_only', expected a case described in {folder}/import_cases.csv")


def test_described_case_must_have_imports(broken):
    folder = broken("imports", lambda f: f[f.case != "allied_only"])
    assert the_problem(folder).endswith(
        f"(allied_only), column case: got 'allied_only', expected rows for this case in {folder}/imports.csv")


def test_trade_event_dates(broken):
    folder = broken("trade_events", edit_row("event_id", "cn-suspension-2025-11", ends="Nov 2026"))
    assert the_problem(folder).endswith(
        "(cn-suspension-2025-11), column ends: got 'Nov 2026', expected a date YYYY-MM-DD (or YYYY-MM)")


def test_production_history_references(broken):
    folder = broken("production_history", lambda f: f.assign(feedstock_id=f.feedstock_id.replace("mp-bastnaesite", "mp-ore")))
    found = problems_of(folder)
    assert len(found) == 2 and all("column feedstock_id: got 'mp-ore', expected ids from" in p for p in found)


# ---------------------------------------------------------------- facts the shipped catalog keeps

def test_every_feed_has_an_origin_and_phase2_is_split(shipped_catalog):
    feeds = shipped_catalog.feedstocks.set_index("feedstock_id")
    assert feeds["origin"].notna().all()
    p2 = feeds.loc[["wm-monazite-p2-us", "wm-monazite-p2-toliara", "wm-monazite-p2-donald"]]
    assert p2["supply_tpa_base"].sum() == pytest.approx(22000)
    assert set(p2["origin_country"]) == {"US", "MG", "AU"}
    assert (p2.loc[["wm-monazite-p2-toliara", "wm-monazite-p2-donald"], "origin"] == "imported_concentrate").all()


def test_mountain_pass_is_captive_and_sized_after_ce_removal(shipped_catalog):
    cat = shipped_catalog
    feeds = cat.feedstocks.set_index("feedstock_id")
    caps = cat.site_capacity.set_index(["site_id", "technology_id"])
    assert feeds.at["mp-bastnaesite", "captive"] and feeds.at["mp-bastnaesite", "owner"] == "MP Materials Corp."
    line = caps.loc[("mountain-pass", "sx_separation")]
    assert not line["toll_processing"]
    # 20,000 t TREO after Ce removal = ~40,000 t of concentrate REO; nameplate ~6,000 t NdPr
    ndpr = feeds.at["mp-bastnaesite", "share_nd"] + feeds.at["mp-bastnaesite", "share_pr"]
    recovery = cat.technologies.set_index("technology_id").at["sx_separation", "recovery_nd"]
    assert line["existing_tpa"] * ndpr * recovery == pytest.approx(line["nameplate_output_t"], rel=0.05)


def test_light_sx_sends_dy_tb_to_heavy_concentrate(shipped_catalog):
    routes = shipped_catalog.technology_outputs.set_index(["technology_id", "element"])
    for e in ("Dy", "Tb"):
        assert routes.at[("sx_separation", e), "output_form"] == "heavy_concentrate"
    techs = shipped_catalog.technologies.set_index("technology_id")
    assert list(techs.index[techs["input_form"] == "heavy_concentrate"]) == ["heavy_separation"]


def test_backcast_2024_arithmetic_within_15_percent(shipped_catalog):
    """What the phase-2 backcast will compute from the catalog: ramped MP line output in 2024 and the
    2024 concentrate, against MP's 10-K; no Dy/Tb oxide before the heavy circuits start."""
    cat = shipped_catalog
    caps = cat.site_capacity.set_index(["site_id", "technology_id"])
    feeds = cat.feedstocks.set_index("feedstock_id")
    ramps = cat.ramp_curves.set_index(["curve_id", "year"])
    history = cat.production_history

    def reported(product, year):
        rows = history[(history["site_id"] == "mountain-pass") & (history["product"] == product)
                       & (history["year"] == year)]
        return float(rows["reported_t"].iloc[0])

    line = caps.loc[("mountain-pass", "sx_separation")]
    ramp_year = 2024 - line["first_output_year_base"] + 1
    share = ramps.at[(line["ramp_curve"], ramp_year), "share_base"]
    mp = feeds.loc["mp-bastnaesite"]
    recovery = cat.technologies.set_index("technology_id").at["sx_separation", "recovery_nd"]
    ndpr = line["existing_tpa"] * share * (mp["share_nd"] + mp["share_pr"]) * recovery
    assert ndpr == pytest.approx(reported("ndpr_oxide", 2024), rel=0.15)
    assert mp["supply_tpa_base"] == pytest.approx(reported("reo_in_concentrate", 2024), rel=0.15)
    heavy = caps[caps.index.get_level_values("technology_id") == "heavy_separation"]
    assert (heavy["first_output_year_low"] > 2024).all()
    assert reported("dy_tb_oxide", 2024) == 0
