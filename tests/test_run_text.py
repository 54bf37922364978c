"""What a run prints: with a large catalog the capacity table keeps to the plants that matter."""
import csv
import sys
from pathlib import Path

from planner.cli import main
from planner.run.text import TERMINAL_PLANT_ROWS

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from synthetic_catalog import write_synthetic_catalog  # noqa: E402


def test_a_large_catalog_prints_the_plants_built_or_running(tmp_path, capsys):
    write_synthetic_catalog(tmp_path / "cat", 120, seed=17)
    scenario = tmp_path / "s.toml"
    scenario.write_text('name = "syn"\nextends = "baseline"\ncatalog = "cat"\n', encoding="utf-8")
    assert main(["run", str(scenario), "--out", str(tmp_path / "out"), "--no-map"]) == 0
    printed = capsys.readouterr().out
    with open(tmp_path / "out" / "capacity.csv", encoding="utf-8") as f:
        plants = list(csv.DictReader(f))
    assert len(plants) > TERMINAL_PLANT_ROWS
    shown = [p for p in plants if round(float(p["new_tpa"])) > 0 or round(float(p["throughput_tpa"])) > 0]
    table = printed.split("Capacity (t/yr of REO input):\n")[1].split("\n\n")[0].splitlines()
    assert 0 < len(shown) < len(plants)
    assert len(table) == 2 + len(shown) + 1  # header, rule, the plants built or running, the note
    assert table[-1] == (f"  ({len(plants) - len(shown):,} more plants add no capacity and process nothing at "
                         "the optimum; capacity.csv lists every plant)")


def test_the_shipped_catalog_prints_every_plant(tmp_path, capsys):
    assert main(["run", "baseline", "--out", str(tmp_path / "out"), "--no-map"]) == 0
    printed = capsys.readouterr().out
    with open(tmp_path / "out" / "capacity.csv", encoding="utf-8") as f:
        plants = list(csv.DictReader(f))
    table = printed.split("Capacity (t/yr of REO input):\n")[1].split("\n\n")[0].splitlines()
    assert len(plants) <= TERMINAL_PLANT_ROWS and len(table) == 2 + len(plants)
