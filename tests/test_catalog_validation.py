"""Every catalog check, each shown on a deliberately broken copy of the shipped catalog."""
import shutil

import pandas as pd

from catalog_copies import problems_of
from sites import default_catalog_dir, load_catalog


def set_cell(column: str, value: str, row: int = 0):
    def edit(frame):
        frame.loc[row, column] = value
        return frame
    return edit


def test_shipped_catalog_is_valid(shipped_catalog):
    assert len(shipped_catalog.sites) >= 18
    assert {"mountain-pass", "bokan-mountain"} <= set(shipped_catalog.sites["site_id"])
    assert shipped_catalog.sites.crs.to_epsg() == 4326


def test_split_not_summing_to_one(broken):
    def edit(frame):
        frame.loc[0, "share_other"] = str(float(frame.loc[0, "share_other"]) / 2)
        return frame
    folder = broken("feedstocks", edit)
    frame = pd.read_csv(folder / "feedstocks.csv")
    total = frame.loc[0, [c for c in frame.columns if c.startswith("share_") and c != "share_source"]].sum()
    fid = frame.loc[0, "feedstock_id"]
    assert problems_of(folder) == [
        f"{folder}/feedstocks.csv, row 1 ({fid}), column share_*: got '{total:.6g}', expected element shares summing to 1"
    ]


def test_bad_number_names_file_row_column_value(broken):
    folder = broken("sites", set_cell("latitude", "north-ish"))
    sid = pd.read_csv(folder / "sites.csv")["site_id"][0]
    assert problems_of(folder) == [
        f"{folder}/sites.csv, row 1 ({sid}), column latitude: got 'north-ish', expected a number"]


def test_all_problems_reported_at_once(broken, tmp_path):
    folder = broken("technologies", set_cell("recovery_nd", "1.5"))
    techs = pd.read_csv(folder / "technologies.csv", dtype=str, keep_default_na=False)
    techs.loc[1, "capex_usd_per_tpa_low"] = "-3"
    techs.loc[2, "input_form"] = "sludge"
    techs.to_csv(folder / "technologies.csv", index=False)
    found = problems_of(folder)
    ids = techs["technology_id"]
    assert found == [
        f"{folder}/technologies.csv, row 1 ({ids[0]}), column recovery_nd: got '1.5', expected a value <= 1 fraction",
        f"{folder}/technologies.csv, row 2 ({ids[1]}), column capex_usd_per_tpa_low: got '-3', "
        "expected a value >= 0 USD per t/yr of input capacity",
        f"{folder}/technologies.csv, row 3 ({ids[2]}), column input_form: got 'sludge', "
        "expected one of ore, mixed, scrap, oxide, metal, heavy_concentrate",
    ]


def test_low_base_high_order(broken):
    def edit(frame):
        frame.loc[0, "capex_usd_per_tpa_low"] = str(float(frame.loc[0, "capex_usd_per_tpa_high"]) + 1)
        return frame
    found = problems_of(broken("technologies", edit))
    assert len(found) == 1 and "expected capex_usd_per_tpa_low <= capex_usd_per_tpa_base <= capex_usd_per_tpa_high" in found[0]


def test_unknown_source_id(broken):
    folder = broken("sites", set_cell("sources", "no-such-source"))
    sid = pd.read_csv(folder / "sites.csv")["site_id"][0]
    assert problems_of(folder) == [
        f"{folder}/sites.csv, row 1 ({sid}), column sources: got 'no-such-source', "
        "expected ids from sources.csv or assumptions.csv"]


def test_number_without_source(broken):
    folder = broken("technologies", set_cell("opex_source", ""))
    tid = pd.read_csv(folder / "technologies.csv")["technology_id"][0]
    assert problems_of(folder) == [
        f"{folder}/technologies.csv, row 1 ({tid}), column opex_source: got '', "
        "expected at least one source or assumption id"]


def test_duplicate_id_and_dangling_reference(broken):
    def edit(frame):
        frame.loc[1, "site_id"] = frame.loc[0, "site_id"]
        return frame
    folder = broken("sites", edit)
    found = problems_of(folder)
    assert any("column site_id" in p and "expected a unique id (row 1 has it too)" in p for p in found)


def test_reference_to_unknown_technology(broken):
    folder = broken("site_capacity", set_cell("technology_id", "cold_fusion"))
    found = problems_of(folder)
    assert len(found) == 1
    assert found[0].endswith("column technology_id: got 'cold_fusion', expected ids from "
                             f"{folder}/technologies.csv (technology_id)")


def test_point_outside_declared_state(broken):
    """Move the first site to Denver: it is no longer in its declared state."""
    def edit(frame):
        frame.loc[0, ["latitude", "longitude"]] = ["39.74", "-104.99"]
        return frame
    folder = broken("sites", edit)
    state = pd.read_csv(folder / "sites.csv")["state"][0]
    found = problems_of(folder)
    assert len(found) == 1
    assert "column latitude/longitude: got '39.74, -104.99', expected a point in " + state in found[0]
    assert "(it falls in CO," in found[0]


def test_point_outside_the_us(broken):
    folder = broken("sites", set_cell("latitude", "19.0"))  # Gulf of Mexico / Caribbean latitude
    found = problems_of(folder)
    assert len(found) == 1 and "it falls in no US state" in found[0]


def test_missing_file_and_unknown_column(tmp_path, broken):
    folder = broken("imports", lambda f: f.assign(extra="1"))
    (folder / "demand.csv").unlink()
    assert problems_of(folder) == [
        f"{folder}/demand.csv: expected this file to exist",
        f"{folder}/imports.csv, column extra: expected only the columns case, element, form, available_t, "
        "available_source, note",
    ]


def test_every_assumption_is_explained_in_docs(shipped_catalog):
    from pathlib import Path
    doc = (Path(__file__).parents[1] / "docs" / "data.md").read_text()
    missing = [a for a in shipped_catalog.assumptions["assumption_id"] if f"### `{a}`" not in doc]
    assert missing == []


def test_every_source_and_assumption_is_cited(shipped_catalog):
    """No orphan provenance rows: each is cited by some number (or kept as context in its note)."""
    cat = shipped_catalog
    cited = set()
    from sites.schema import TABLES
    for table in [t for t in TABLES if t not in ("sources", "assumptions")]:
        frame = getattr(cat, table)
        for col in frame.columns:
            if col.endswith("source") or col == "sources":
                if frame[col].dtype != object:
                    continue
                for ids in frame[col]:
                    cited |= set(ids)
    for basis in cat.assumptions["basis"]:  # assumptions lean on sources by naming them
        cited |= {s for s in cat.sources["source_id"] if s in basis}
    orphans = [s for s in cat.sources["source_id"] if s not in cited and "context" not in cat.sources.set_index(
        "source_id").at[s, "note"].lower()]
    assert orphans == []
    assert [a for a in cat.assumptions["assumption_id"] if a not in cited] == []


def test_csv_saved_by_excel_with_a_bom_loads(tmp_path, shipped_catalog):
    """Spreadsheet programs often write UTF-8 with a byte-order mark; it must not break the header."""
    folder = tmp_path / "catalog"
    shutil.copytree(default_catalog_dir(), folder)
    path = folder / "sites.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert list(load_catalog(folder).sites["site_id"]) == list(shipped_catalog.sites["site_id"])
