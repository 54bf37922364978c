"""Starting the command is cheap: --help and the scenario list load no modelling, table,
chart or map library (their imports live in the commands and modules that use them)."""
import json
import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "matplotlib", "folium", "jinja2", "branca", "pulp", "highspy", "geopandas", "pyproj",
         "shapely", "openpyxl")
PROBE = """
import json, sys
from planner.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def loaded_after(*args) -> tuple[int, set[str], str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], {m.split(".")[0] for m in report["modules"]}, done.stdout


@pytest.mark.parametrize("args", [("--help",), ("run", "--help"), ("sweep", "--help"), ("catalog", "check", "--help")])
def test_help_loads_no_heavy_library(args):
    code, loaded, printed = loaded_after(*args)
    assert code == 0 and "usage: ree-planner" in printed
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_scenarios_lists_the_library_without_heavy_libraries():
    code, loaded, printed = loaded_after("scenarios")
    assert code == 0
    assert printed.splitlines()[0].startswith("backcast-2024") and "baseline " in printed
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_run_still_loads_what_it_uses(tmp_path):
    """The probe can see an import: a run that solves loads PuLP and pandas."""
    code, loaded, _ = loaded_after("run", "baseline", "--no-map", "--out", str(tmp_path / "out"))
    assert code == 0 and {"pulp", "highspy", "pandas"} <= loaded


def test_package_exports_still_resolve():
    import maps
    import models
    import planner
    import sites

    assert planner.load_scenario("baseline").name == "baseline"
    assert models.ModelSettings().objective == "max_weighted_supply"
    assert callable(maps.save_offline) and sites.Problem.__name__ == "Problem"
    assert {"load_catalog", "InputError"} <= set(dir(sites)) and "Catalog" in sites.__all__
    with pytest.raises(AttributeError, match="module 'planner' has no attribute 'nothing'"):
        planner.nothing  # noqa: B018
