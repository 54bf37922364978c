"""Hostile and careless input to every command: a clean refusal (exit 2 or 3), never a traceback,
never a user's file or folder lost, never a half-written folder left behind."""
import json
import os
import re
import signal
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import factory as f
from planner import cli
from planner.outputs.cells import csv_cell, csv_cell_back
from planner.cli import main
from planner.outputs.folder import MANIFEST


def write_scenario(folder: Path, text: str = "", name: str | None = "small", **tables) -> Path:
    f.write_catalog(folder / "cat", **(tables or f.ONE_MINE))
    head = f"name = {json.dumps(name)}\n" if name is not None else ""
    path = folder / "s.toml"
    path.write_text(head + 'catalog = "cat"\nbudget_usd = 1e7\n' + text, encoding="utf-8")
    return path


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every path under folder with its bytes (None for folders)."""
    return {str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes()) for p in sorted(folder.rglob("*"))}


def leftovers(folder: Path) -> list[str]:
    """Scratch or replaced folders left beside an output (planner/output_folder.py's names, and the
    .<name>.old of earlier versions)."""
    return [p.name for p in folder.rglob(".*") if re.match(r"^\..*\.(ree-(partial|old)-\d+-[0-9a-f]+|old)$", p.name)]


@pytest.fixture
def home(tmp_path, monkeypatch):
    """Run commands from inside tmp_path, as a user would from their project folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- 1. a scenario's name cannot reach outside out/ -----------------------------------------

NO_PATH = "a name without '/', '\\' or NUL (it names the output folder out/<name>, not a path)"

@pytest.mark.parametrize("name, expected", [
    ("/some/folder", NO_PATH),
    ("../../x", NO_PATH),
    ("..\\\\x", NO_PATH),
    ("", "a non-empty name (it names the output folder out/<name>)"),
    ("  ", "a non-empty name (it names the output folder out/<name>)"),
    ("..", "a name, not '.' or '..' (it names the output folder out/<name>)"),
    ("x" * 300, "a name of at most 80 characters"),
])
def test_a_name_that_is_a_path_is_refused_and_touches_nothing(home, capsys, name, expected):
    victim = home / "some" / "folder"
    victim.mkdir(parents=True)
    (victim / "keep.txt").write_text("mine")
    (home / "out").mkdir()
    (home / "out" / "earlier.txt").write_text("an earlier run")
    path = write_scenario(home, name=name)
    before = tree(home)
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    shown = name if len(name) <= 200 else name[:200] + "..."
    assert f"key name: got {shown!r}, expected {expected}\n" in err
    assert tree(home) == before


def test_an_odd_but_harmless_name_becomes_a_safe_folder_name(home, capsys):
    path = write_scenario(home, name="Budget: $600M / 2030?".replace("/", "-"))
    assert main(["run", str(path), "--no-map"]) == 0
    assert [p.name for p in (home / "out").iterdir()] == ["Budget-600M-2030"]


# --- 2. --out replaces only what ree-planner wrote ------------------------------------------

def test_out_refuses_a_folder_ree_planner_did_not_write(home, capsys):
    path = write_scenario(home)
    notes = home / "notes"
    notes.mkdir()
    (notes / "plan.docx").write_bytes(b"user's work")
    assert main(["run", str(path), "--out", "notes"]) == 2
    assert capsys.readouterr().err == (
        "ree-planner: notes: expected a new or empty folder, or one written by ree-planner (it holds other "
        "files); choose another --out, or add --force to replace it\n")
    assert (notes / "plan.docx").read_bytes() == b"user's work" and leftovers(home) == []


def test_force_replaces_a_foreign_folder_only_when_asked(home):
    path = write_scenario(home)
    notes = home / "notes"
    notes.mkdir()
    (notes / "old.txt").write_text("x")
    assert main(["run", str(path), "--out", "notes", "--no-map", "--force"]) == 0
    assert not (notes / "old.txt").exists() and (notes / MANIFEST).is_file()


def test_a_run_folder_is_replaced_by_the_next_run(home):
    path = write_scenario(home)
    assert main(["run", str(path), "--out", "o", "--no-map"]) == 0
    assert main(["run", str(path), "--out", "o", "--budget", "2e7", "--no-map"]) == 0
    assert json.loads((home / "o" / "summary.json").read_text())["budget_usd"] == 2e7
    assert leftovers(home) == []


def test_a_run_folder_from_before_the_manifest_is_still_recognised(home):
    path = write_scenario(home)
    old = home / "o"
    old.mkdir()
    for name in ("capacity.csv", "summary.json", "map.html"):
        (old / name).write_text("earlier")
    assert main(["run", str(path), "--out", "o", "--no-map"]) == 0
    assert (old / MANIFEST).is_file()


@pytest.mark.parametrize("out_of", ["catalog", "scenario folder"])
def test_out_never_replaces_the_commands_own_inputs_even_with_force(home, capsys, out_of):
    path = write_scenario(home)
    target = home / "cat" if out_of == "catalog" else home
    before = tree(home)
    assert main(["run", str(path), "--out", str(target), "--force"]) == 2
    err = capsys.readouterr().err
    assert "expected an output folder that" in err
    assert tree(home) == before


def test_compare_cannot_write_over_a_compared_run(home, capsys):
    path = write_scenario(home)
    for name in ("a", "b"):
        assert main(["run", str(path), "--out", name, "--no-map"]) == 0
    before = tree(home / "a")
    assert main(["compare", "a", "b", "--out", "a", "--force"]) == 2
    assert "expected an output folder that does not hold this command's input a" in capsys.readouterr().err
    assert tree(home / "a") == before


def test_out_that_is_a_file_is_never_replaced_or_renamed(home, capsys):
    path = write_scenario(home)
    (home / "notes.txt").write_text("user's notes")
    for extra in ([], ["--force"]):
        assert main(["run", str(path), "--out", "notes.txt", *extra]) == 2
        assert capsys.readouterr().err == ("ree-planner: notes.txt: expected a folder path, not an existing file "
                                           "(ree-planner never replaces a file it did not create)\n")
    assert (home / "notes.txt").read_text() == "user's notes"
    assert sorted(p.name for p in home.iterdir()) == ["cat", "notes.txt", "s.toml"]


@pytest.mark.parametrize("out", [".", "..", ""])
def test_out_cannot_be_the_current_folder_or_above(home, capsys, out):
    path = write_scenario(home)
    before = tree(home)
    assert main(["run", str(path), "--out", out, "--force"]) == 2
    assert capsys.readouterr().err == (f"ree-planner: {out or '.'}: expected an output folder other than the "
                                       "current folder or its parent\n")
    assert tree(home) == before


def test_out_is_checked_before_the_solve(home, capsys, monkeypatch):
    import planner.run

    path = write_scenario(home)
    (home / "notes.txt").write_text("x")
    monkeypatch.setattr(planner.run, "run_scenario", lambda *a, **k: pytest.fail("solved before checking --out"))
    assert main(["run", str(path), "--out", "notes.txt"]) == 2


def test_catalog_map_and_png_refuse_a_folder_and_a_foreign_file(home, capsys):
    (home / "sites_dir").mkdir()
    assert main(["catalog", "map", "--out", "sites_dir"]) == 2
    assert capsys.readouterr().err == "ree-planner: sites_dir: expected a file path, not a folder or link\n"
    (home / "letter.html").write_text("<html>a letter</html>")
    assert main(["catalog", "map", "--out", "letter.html"]) == 2
    assert "expected a new file or one written by ree-planner" in capsys.readouterr().err
    assert (home / "letter.html").read_text() == "<html>a letter</html>"
    assert main(["catalog", "map", "--out", "sites.html"]) == 0
    assert main(["catalog", "map", "--out", "sites.html"]) == 0  # its own file: replaced
    assert sorted(p.name for p in home.iterdir()) == ["letter.html", "sites.html", "sites_dir"]


def test_png_stamp_marks_only_ree_planner_pictures(tmp_path):
    import zlib

    from maps.screenshot import is_ree_planner_png, stamp_png

    ihdr = b"IHDR" + bytes(13)
    png = b"\x89PNG\r\n\x1a\n" + len(ihdr[4:]).to_bytes(4, "big") + ihdr + zlib.crc32(ihdr).to_bytes(4, "big")
    (tmp_path / "theirs.png").write_bytes(png)
    (tmp_path / "ours.png").write_bytes(stamp_png(png))
    assert not is_ree_planner_png(tmp_path / "theirs.png")
    assert is_ree_planner_png(tmp_path / "ours.png")
    chunk = stamp_png(png)[33:]
    length = int.from_bytes(chunk[:4], "big")
    assert chunk[4:8 + length] == b"tEXtSoftware\x00ree-planner"
    assert int.from_bytes(chunk[8 + length:12 + length], "big") == zlib.crc32(chunk[4:8 + length])


# --- 3. numbers, OS errors and odd files end in a message, not a traceback ------------------

@pytest.mark.parametrize("text, where", [
    ("budget_usd = 1e300\n", "key budget_usd: got '1e+300', expected a number <= 1e+12"),
    ("[weights]\nDy = 1e300\n", "key weights.Dy: got '1e+300', expected a number <= 10000"),
    ("[demand_t.Nd]\noxide = 1e300\n", "key demand_t.Nd.oxide: got '1e+300', expected a number <= 1e+09"),
    ("target_year = " + "9" * 400 + "\n", "key target_year: got '" + "9" * 200 + "...', expected a number <= 2060"),
    ("budget_usd = " + "9" * 400 + "\n", "key budget_usd: got '" + "9" * 200 + "...', expected a number <= 1e+12"),
    ("budget_usd = nan\n", "key budget_usd: got 'nan', expected a finite number"),
])
def test_huge_numbers_in_a_scenario_are_refused(home, capsys, text, where):
    path = write_scenario(home, text.replace("budget_usd = 1e7\n", ""))
    path.write_text(path.read_text().replace("budget_usd = 1e7\n", "") if "budget_usd" in text else path.read_text())
    assert main(["run", str(path), "--no-map"]) == 2
    assert where in capsys.readouterr().err
    assert not (home / "out").exists()


@pytest.mark.parametrize("table, column, expected", [
    ("demand", "demand_t_base", "expected a value <= 1e+09 t/yr REO"),
    ("technologies", "capex_usd_per_tpa_base", "expected a value <= 1e+09 USD per t/yr of input capacity"),
    ("site_capacity", "existing_tpa", "expected a value <= 1e+09 t/yr REO input"),
    ("elements", "weight", "expected a value <= 10000 weighted t per t"),
    ("feedstocks", "supply_tpa_base", "expected a value <= 1e+09 t/yr REO"),
])
def test_huge_numbers_in_a_catalog_are_refused(home, capsys, table, column, expected):
    tables = {k: [dict(r) for r in v] for k, v in f.ONE_MINE.items()}
    tables["site_capacity"] = [f.capacity("mine", "sx", 10)]
    if table == "elements":
        tables["elements"] = f.default_tables()["elements"]
    tables[table][0][column] = "1e300"
    path = write_scenario(home, **tables)
    assert main(["run", str(path), "--no-map"]) == 2
    err = capsys.readouterr().err
    assert f"column {column}: got '1e300', {expected}" in err
    assert not (home / "out").exists()


def test_deeply_nested_toml_is_refused(home, capsys):
    path = write_scenario(home)
    path.write_text(path.read_text() + "weights = " + "[" * 5000 + "]" * 5000 + "\n")
    assert main(["run", str(path)]) == 2
    assert capsys.readouterr().err == f"ree-planner: {path}: expected TOML nested at most a few levels deep\n"


def test_a_toml_file_with_a_byte_order_mark_loads(home):
    path = write_scenario(home)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert main(["run", str(path), "--no-map"]) == 0


def test_a_catalog_file_that_is_a_folder_is_an_input_error(home, capsys):
    path = write_scenario(home)
    (home / "cat" / "sites.csv").unlink()
    (home / "cat" / "sites.csv").mkdir()
    assert main(["run", str(path)]) == 2
    assert "sites.csv" in capsys.readouterr().err


def test_out_below_a_file_is_refused(home, capsys):
    path = write_scenario(home)
    (home / "afile").write_text("x")
    assert main(["run", str(path), "--out", "afile/run", "--no-map"]) == 2
    assert capsys.readouterr().err == "ree-planner: afile/run: expected a folder path (afile is a file, not a folder)\n"


def test_a_300_character_folder_name_is_an_os_error_on_a_named_path(home, capsys):
    path = write_scenario(home)
    assert main(["run", str(path), "--out", "x" * 300, "--no-map"]) == 2
    assert "File name too long" in capsys.readouterr().err
    assert leftovers(home) == []


def test_disk_full_while_writing_leaves_nothing_behind(home, capsys, monkeypatch):
    import planner.run.files

    path = write_scenario(home)

    def full(frame, target):
        raise OSError(28, "No space left on device", str(target))
    monkeypatch.setattr(planner.run.files, "write_csv", full)
    assert main(["run", str(path), "--out", "o", "--no-map"]) == 2
    assert capsys.readouterr().err.endswith("capacity.csv: No space left on device\n")
    assert not (home / "o").exists() and leftovers(home) == []


def test_compare_on_malformed_run_folders_names_the_file(home, capsys):
    path = write_scenario(home)
    for name in ("a", "b"):
        assert main(["run", str(path), "--out", name, "--no-map"]) == 0
    (home / "a" / "summary.json").write_text("[1, 2]")
    (home / "b" / "capacity.csv").write_text("site_id,technology\nmine,sx\n")
    assert main(["compare", "a", "b", "--out", "cmp"]) == 2
    assert capsys.readouterr().err == (
        "ree-planner: 2 problems in the input:\n"
        "  - a/summary.json: expected a JSON object written by ree-planner\n"
        "  - b/capacity.csv, column existing_tpa, new_tpa, total_tpa, capex_usd, federal_usd: "
        "expected these columns to be present\n")
    (home / "a" / "summary.json").write_text("{")
    (home / "b" / "capacity.csv").write_bytes(b"\xff\xfe")
    assert main(["compare", "a", "b", "--out", "cmp"]) == 2
    assert not (home / "cmp").exists()


def test_select_on_a_header_only_pool_writes_nothing(home, capsys):
    path = write_scenario(home)
    (home / "pool.csv").write_text("project_id,applicant,site_id,technology,capacity_tpa,federal_request_usd,"
                                   "total_capex_usd\n")
    assert main(["select", "pool.csv", "--scenario", str(path)]) == 2
    assert capsys.readouterr().err == "ree-planner: pool.csv: expected at least one application row under the header\n"
    assert not (home / "out").exists()


@pytest.mark.parametrize("args, expected", [
    (["map", "out", "--png", "x.png", "--width", "0"], "argument --width: expected a whole number from 200 to 8000, got '0'"),
    (["sweep", "--budget", "0:1:3", "--workers", "0"], "argument --workers: expected a whole number from 1 to 256, got '0'"),
])
def test_bad_counts_on_the_command_line_are_refused(home, capsys, args, expected):
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    assert expected in capsys.readouterr().err


def test_ctrl_c_while_writing_exits_130_and_leaves_nothing(home, capsys, monkeypatch):
    import planner.run.files

    path = write_scenario(home)
    assert main(["run", str(path), "--out", "o", "--no-map"]) == 0
    before = tree(home / "o")

    def interrupt(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(planner.run.files, "portfolio_geojson", interrupt)
    assert main(["run", str(path), "--out", "o", "--no-map", "--budget", "2e7"]) == 130
    assert capsys.readouterr().err == "ree-planner: interrupted; nothing half-written was left\n"
    assert tree(home / "o") == before and leftovers(home) == []


def test_sigterm_while_writing_exits_143_and_leaves_nothing(home, capsys, monkeypatch):
    import planner.run.files

    path = write_scenario(home)
    previous = signal.getsignal(signal.SIGTERM)
    cli._install_signal_handlers()
    try:
        def terminate(*a, **k):
            os.kill(os.getpid(), signal.SIGTERM)
            raise AssertionError("SIGTERM did not interrupt")
        monkeypatch.setattr(planner.run.files, "portfolio_geojson", terminate)
        assert main(["run", str(path), "--out", "o", "--no-map"]) == 143
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    assert capsys.readouterr().err == "ree-planner: stopped by SIGTERM; nothing half-written was left\n"
    assert not (home / "o").exists() and leftovers(home) == []


def test_scratch_left_by_a_killed_run_is_swept_next_time(home):
    path = write_scenario(home)
    (home / "o").mkdir()
    dead = home / ".o.ree-partial-999999999-0badc0de"  # no such process
    dead.mkdir()
    (dead / "capacity.csv").write_text("half")
    foreign = home / ".o.keep-me"
    foreign.mkdir()
    assert main(["run", str(path), "--out", "o", "--no-map"]) == 0
    assert not dead.exists() and foreign.is_dir()


def test_output_folders_get_the_users_umask(home):
    path = write_scenario(home)
    old = os.umask(0o022)
    try:
        assert main(["run", str(path), "--out", "o", "--no-map"]) == 0
    finally:
        os.umask(old)
    assert (home / "o").stat().st_mode & 0o777 == 0o755
    assert (home / "o" / "capacity.csv").stat().st_mode & 0o777 == 0o644


# --- 4. sweep values are validated exactly as run validates them --------------------------

def test_sweep_refuses_years_run_refuses(home, capsys):
    path = write_scenario(home)
    assert main(["sweep", str(path), "--param", "target_year=2028:2032:5", "--out", "sw"]) == 2
    assert capsys.readouterr().err == (
        "ree-planner: --param: got 'target_year = 2028, 2029, 2031, 2032', expected a year the catalog has "
        "demand for: 2030\n")
    assert not (home / "sw").exists()


# --- 5. text a spreadsheet would run is written as text ------------------------------------

HOSTILE = ['=HYPERLINK("http://example.com","x")', "=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(A1)",
           "\tTab", "\rCR", "'=already quoted", "plain name", "O'Neil"]


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_cell_round_trip(text):
    written = csv_cell(text)
    assert csv_cell_back(written) == text
    assert written[0] not in "=+-@\t\r"


def test_names_starting_with_formula_characters_stay_text_everywhere(home):
    path = write_scenario(home, **{**f.ONE_MINE, "sites": [f.site("mine", allowed="sx", operator="@evil",
                                                                  name='=HYPERLINK("http://x","y")')]})
    assert main(["run", str(path), "--out", "o", "--no-map"]) == 0
    cap = pd.read_csv(home / "o" / "capacity.csv", dtype=str)
    assert cap["site_name"].tolist() == ["'=HYPERLINK(\"http://x\",\"y\")"]
    portfolio = pd.read_csv(home / "o" / "portfolio.csv", dtype=str)
    assert portfolio["applicant"].tolist() == ["'@evil"]
    with zipfile.ZipFile(home / "o" / "report.xlsx") as book:
        sheets = [book.read(n) for n in book.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in s for s in sheets)
    # the portfolio run wrote reads back as the user's text
    assert main(["evaluate", str(home / "o" / "portfolio.csv"), "--scenario", str(path), "--out", "ev",
                 "--no-map"]) == 0
    assert pd.read_csv(home / "ev" / "portfolio.csv", dtype=str)["applicant"].tolist() == ["'@evil"]
    with zipfile.ZipFile(home / "ev" / "report.xlsx") as book:
        assert not any(b"<f>" in book.read(n) for n in book.namelist() if n.startswith("xl/worksheets/"))


# --- 6. solver failures are exit 3 with what the solver said --------------------------------

def test_a_model_that_does_not_solve_is_exit_3(home, capsys, monkeypatch):
    from models.solve import Solution, StageSolver

    path = write_scenario(home)
    monkeypatch.setattr(StageSolver, "solve", lambda self: Solution("infeasible", message="primal infeasible"))
    assert main(["run", str(path), "--out", "o"]) == 3
    assert capsys.readouterr().err == ("ree-planner: scenario small: the model did not solve (infeasible: primal "
                                       "infeasible); no outputs written\n")
    assert not (home / "o").exists()


def test_control_characters_in_a_catalog_cell_are_refused(home, capsys):
    tables = {k: [dict(r) for r in v] for k, v in f.ONE_MINE.items()}
    tables["sites"][0]["name"] = "Mine\x08"
    path = write_scenario(home, **tables)
    assert main(["run", str(path), "--no-map"]) == 2
    assert "column name: got 'Mine\\x08', expected text without control characters" in capsys.readouterr().err


def test_control_characters_in_a_scenario_description_do_not_break_the_workbook(home):
    from openpyxl import load_workbook

    path = write_scenario(home, 'description = "budget\\bcut"\n')
    assert main(["run", str(path), "--out", "o", "--no-map"]) == 0
    cells = [c.value for row in load_workbook(home / "o" / "report.xlsx")["summary"].iter_rows() for c in row]
    assert "budget\ufffdcut" in cells


def test_select_on_a_scenario_that_does_not_solve_is_exit_3(home, capsys, monkeypatch):
    from models.solve import Solution, StageSolver

    path = write_scenario(home)
    (home / "pool.csv").write_text("project_id,applicant,site_id,technology,capacity_tpa,federal_request_usd,"
                                   "total_capex_usd\np1,Mine Co,mine,sx,10,500000,1000000\n")
    monkeypatch.setattr(StageSolver, "solve", lambda self: Solution("infeasible", message="primal infeasible"))
    assert main(["select", "pool.csv", "--scenario", str(path), "--out", "sel"]) == 3
    assert capsys.readouterr().err.endswith("the model did not solve (infeasible: primal infeasible); "
                                            "no outputs written\n")
    assert not (home / "sel").exists()
