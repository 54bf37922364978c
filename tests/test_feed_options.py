"""feed_options.csv: investments that add feed (mine development, collection programmes),
validated like every catalog table."""
import shutil
import subprocess
import sys

import pandas as pd

from sites import default_catalog_dir, load_catalog


def test_shipped_options_are_sourced_and_escalated(shipped_catalog):
    options = shipped_catalog.feed_options.set_index("option_id")
    assert {"roundtop-develop", "halleck-develop", "bearlodge-develop", "bokan-develop", "elkcreek-develop"} \
        <= set(options.index)
    assert options.at["roundtop-develop", "capex_usd_base"] == 350.4e6
    assert options.at["roundtop-develop", "capex_dollar_year"] == 2019
    assert options.at["elkcreek-develop", "capex_usd_base"] == 1.1e9
    assert (options["kind"] == "collection").sum() == 8
    index = shipped_catalog.cost_index.set_index("year")["index"]
    assert index.index.max() == 2025  # catalog dollars: 2025
    assert index[2019] == 255.657


def test_bad_option_rows_exit_2_all_at_once(tmp_path):
    """Unknown feedstock, negative capex, min_fraction > 1 and a missing lead time, each on
    its own row, are all reported in one run with file, row, column and value."""
    folder = tmp_path / "catalog"
    shutil.copytree(default_catalog_dir(), folder)
    path = folder / "feed_options.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "feedstock_id"] = "atlantis-ore"
    frame.loc[1, "capex_usd_low"] = "-5"
    frame.loc[2, "min_fraction"] = "1.5"
    frame.loc[3, "lead_time_years_base"] = ""
    frame.to_csv(path, index=False)
    scenario = tmp_path / "s.toml"
    scenario.write_text(f'catalog = "{folder}"\n')
    done = subprocess.run([sys.executable, "-m", "planner.cli", "run", str(scenario), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    ids = list(frame["option_id"][:4])
    f = f"{folder}/feed_options.csv"
    for text in (f"{f}, row 1 ({ids[0]}), column feedstock_id: got 'atlantis-ore'",
                 f"{f}, row 2 ({ids[1]}), column capex_usd_low: got '-5'",
                 f"{f}, row 3 ({ids[2]}), column min_fraction: got '1.5'",
                 f"{f}, row 4 ({ids[3]}), column lead_time_years_base:"):
        assert text in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_option_dollar_year_must_be_indexed(tmp_path):
    folder = tmp_path / "catalog"
    shutil.copytree(default_catalog_dir(), folder)
    path = folder / "feed_options.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "capex_dollar_year"] = "1995"
    frame.to_csv(path, index=False)
    try:
        load_catalog(folder)
    except Exception as err:  # InputError
        assert "column capex_dollar_year: got '1995'" in str(err.problems[0])
    else:
        raise AssertionError("expected an InputError")
