"""The planner's fixed-charge form and solver reproduce OR-Library's published optima for
the capacitated warehouse instances cap41-cap74 (Beasley, OR-Library; capopt.txt)."""
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.orlib import optima, read_instance, solve
from benchmarks.orlib.reader import DATA, pose

PUBLISHED = optima()


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_optimum_matches_published(name):
    value, _ = solve(read_instance(DATA / f"{name}.txt"))
    assert value == pytest.approx(PUBLISHED[name], rel=1e-6)


def test_reader_reads_the_format():
    inst = read_instance(DATA / "cap41.txt")
    assert (len(inst.capacity), len(inst.demand)) == (16, 50)
    assert inst.capacity[0] == 5000 and inst.fixed[0] == 7500 and inst.fixed[10] == 0
    assert sum(inst.demand) == 58268
    model = pose(inst)
    assert ("warehouse_max", 0) in model.rows  # the fixed-charge rows the feed options use


def test_command_prints_name_optimum_time_per_file():
    files = [str(DATA / "cap41.txt"), str(DATA / "cap71.txt")]
    done = subprocess.run([sys.executable, "-m", "benchmarks.orlib", *files], capture_output=True, text=True,
                          cwd=Path(__file__).parents[1])
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [["cap41", "1040444.3750"], ["cap71", "932615.7500"]]
    assert all(line.split()[2].endswith("s") for line in lines)
