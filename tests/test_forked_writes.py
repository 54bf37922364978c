"""A run's map and workbook written in forked children: the same bytes as in one process, and a
child's failure fails the command as cleanly (exit 2, the path in words, nothing left behind)."""
import os
import time

import pytest

import factory as f
from planner.cli import main
from planner.outputs.forked import SideJobs, side_jobs
from planner.run import run_scenario, write_outputs
from planner.scenario import load_scenario
from sites.errors import InputError, Problem
from test_hostile_inputs import leftovers, tree, write_scenario

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_parallel_and_serial_writes_give_the_same_bytes(tmp_path):
    run = run_scenario(load_scenario(write_scenario(tmp_path)))
    write_outputs(run, tmp_path / "parallel", parallel=True)
    write_outputs(run, tmp_path / "serial", parallel=False)
    parallel, serial = tree(tmp_path / "parallel"), tree(tmp_path / "serial")
    assert {"map.html", "report.xlsx", "report.html", "capacity.csv"} <= set(parallel)
    assert parallel == serial
    # the memo embeds the map the child wrote
    assert b"srcdoc=" in parallel["report.html"]


def test_a_failing_map_child_exits_2_naming_the_path_and_leaves_nothing(home, capsys, monkeypatch):
    import maps

    path = write_scenario(home)

    def full(document, target, **_):
        raise OSError(28, "No space left on device", str(target))
    monkeypatch.setattr(maps, "save_offline", full)  # the forked child inherits the patch
    assert main(["run", str(path), "--out", "o"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ree-planner: ") and err.endswith("map.html: No space left on device\n")
    assert "Traceback" not in err
    assert not (home / "o").exists() and leftovers(home) == []


def test_a_child_input_error_keeps_its_problems(tmp_path):
    problem = Problem("catalog/sites.csv", 3, "latitude", "north", "a number")
    jobs = SideJobs(parallel=True)

    def bad():
        raise InputError(problem)
    jobs.start(bad)
    with pytest.raises(InputError) as raised:
        jobs.wait()
    assert raised.value.problems == [problem]
    assert str(raised.value) == "catalog/sites.csv, row 3, column latitude: got 'north', expected a number"


def test_a_child_that_dies_without_a_word_is_an_error_and_the_first_failure_wins(tmp_path):
    jobs = SideJobs(parallel=True)
    jobs.start(lambda: os._exit(3))
    jobs.start(lambda: (_ for _ in ()).throw(ValueError("second")))
    with pytest.raises(RuntimeError, match="ended with status 768"):  # exit status 3, as waitpid reports it
        jobs.wait()


def test_children_write_side_by_side_and_a_parent_failure_kills_the_rest(tmp_path):
    with side_jobs(parallel=True) as jobs:
        jobs.start(lambda: (tmp_path / "a").write_text("a"))
        jobs.start(lambda: (tmp_path / "b").write_text("b"))
    assert (tmp_path / "a").read_text() == "a" and (tmp_path / "b").read_text() == "b"

    start = time.monotonic()
    with pytest.raises(KeyError), side_jobs(parallel=True) as jobs:
        jobs.start(lambda: (time.sleep(30), (tmp_path / "late").write_text("late")))
        pid = jobs._children[0][0]
        raise KeyError("the parent failed")
    assert time.monotonic() - start < 10  # killed, not waited for
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped
    assert not (tmp_path / "late").exists()


def test_serial_jobs_run_at_once_in_this_process():
    seen = []
    with side_jobs(parallel=False) as jobs:
        jobs.start(lambda: seen.append(os.getpid()))
        assert seen == [os.getpid()]
