"""Property-based hostile input (Hypothesis): scenario keys, catalog cells and output paths.

Whatever is generated, a command ends with exit 0, 2 or 3, prints no traceback, touches no
file outside its output folder and leaves no half-written folder. The number of examples
comes from the Hypothesis profile: `dev` (default, quick) or `ci` (HYPOTHESIS_PROFILE=ci,
as .ci/run sets it: more than 2,000 generated inputs in all).
"""
from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import factory as f
from planner.cli import main
from planner.scenario import keys
from sites.schema import columns

settings.register_profile("dev", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("ci", max_examples=800, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
# share of the profile's examples each property gets (ci: 800 + 800 + 480 = 2,080)
OUTPUT_PATH_SHARE = 0.6

# --- values a careless or hostile user might type ---------------------------------------

NASTY_TEXT = ["", " ", ".", "..", "/", "/tmp", "../../x", "..\\x", "out", "=HYPERLINK(\"http://x\")", "+1", "-1",
              "@SUM(A1)", "\t", "\r\n", "a" * 300, "\x00", "é", "☃", "<script>alert(1)</script>", "${x}", "`x`",
              "baseline", "bokan-mountain", "truce", "reversal", "Nd", "metal", "oxide"]
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from([0, 1, -1, 0.5, 2, 1e-300, 1e300, 2024, 2030, 2035, 2061, 1.2e9, 1e12, 1e13, 1e4, 1e9, 1e10]),
)
TEXT = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=40))
SCALARS = st.one_of(NUMBERS, TEXT, st.booleans())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(TEXT, inner, max_size=4)), max_leaves=8)


def toml_key(key: str) -> str:
    return key if key and all(c.isalnum() or c in "_-" for c in key) and key.isascii() else json.dumps(key)


def toml_value(value) -> str:
    """A TOML literal for value (TOML basic strings accept JSON's escapes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def scenario_values():
    """Mostly real keys with plausible or hostile values, sometimes unknown keys."""
    known = sorted(k for k in keys() if k not in ("extends", "catalog"))
    key = st.one_of(st.sampled_from(known), st.sampled_from(known), TEXT)
    plausible = {
        "budget_usd": st.one_of(st.sampled_from([0, 1e6, 6e8, 1.2e9]), NUMBERS),
        "federal_share": st.one_of(st.sampled_from([0.5, 1.0]), NUMBERS),
        "target_year": st.one_of(st.just(2030), NUMBERS),
        "weights": st.one_of(st.fixed_dictionaries({"Dy": NUMBERS}), VALUES),
        "demand_t": st.one_of(st.fixed_dictionaries({"Nd": st.fixed_dictionaries({"oxide": NUMBERS})}), VALUES),
        "name": TEXT,
    }
    return st.dictionaries(key, VALUES, max_size=4).flatmap(
        lambda d: st.fixed_dictionaries({k: plausible.get(k, st.just(v)) for k, v in d.items()}))


# --- the invariant ------------------------------------------------------------------------

SCRATCH = re.compile(r"^\..*\.ree-(partial|old)-\d+-[0-9a-f]+$")  # planner/output_folder.py's scratch names


def state(folder: Path, target: Path | None) -> dict[str, bytes | None]:
    """Every path under folder except target and what is under it, with its bytes."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if target is not None and (p.resolve() == target or target in p.resolve().parents):
            continue
        out[str(p.relative_to(folder))] = None if p.is_dir() else p.read_bytes()
    return out


def run_cli(folder: Path, args: list[str], target: Path | None) -> tuple[int, str]:
    """Run the command in folder and check the invariants; only target (and folders on the way
    to it) may change. Returns (exit code, stderr)."""
    before = state(folder, target)
    fresh = target is not None and not os.path.lexists(target)  # (False, not an error, for a too-long name)
    err = io.StringIO()
    with contextlib.chdir(folder), contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(args)
        except SystemExit as stop:  # argparse refusing an argument
            code = stop.code
    text = err.getvalue()
    assert code in (0, 2, 3), (code, text)
    assert "Traceback" not in text, text
    after = state(folder, target)
    assert {k: v for k, v in after.items() if k in before} == before, f"a file outside the output changed: {text}"
    partial = [str(p) for p in folder.rglob(".*") if SCRATCH.match(p.name)]
    assert partial == [], partial
    if code != 0 and fresh:  # a refused or failed command leaves no output behind
        assert not os.path.lexists(target) or (target.is_dir() and not any(target.rglob("*"))), text
    return code, text


def fresh_folder() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="ree-fuzz-")


# --- properties ---------------------------------------------------------------------------

@given(values=scenario_values())
def test_any_scenario_file_is_solved_or_refused_cleanly(values):
    with fresh_folder() as tmp:
        folder = Path(tmp)
        f.write_catalog(folder / "cat", **f.ONE_MINE)
        text = "".join(f"{toml_key(k)} = {toml_value(v)}\n" for k, v in values.items() if k != "catalog")
        (folder / "s.toml").write_text('catalog = "cat"\n' + text, encoding="utf-8")
        run_cli(folder, ["run", "s.toml", "--no-map"], (folder / "out").resolve())


def _catalog_cells():
    tables = {**f.default_tables(), **f.ONE_MINE, "site_capacity": [f.capacity("mine", "sx", 10)]}
    return [(t, i, c.name) for t in tables for i in range(len(tables[t])) for c in columns()[t]]


CELLS = _catalog_cells()


@given(edits=st.lists(st.tuples(st.sampled_from(CELLS), st.one_of(TEXT, NUMBERS.map(str))), min_size=1, max_size=3))
def test_any_catalog_cell_is_solved_or_refused_cleanly(edits):
    tables = {**f.default_tables(), **f.ONE_MINE, "site_capacity": [f.capacity("mine", "sx", 10)]}
    tables = {k: [dict(r) for r in v] for k, v in tables.items()}
    for (table, row, column), value in edits:
        tables[table][row][column] = value
    with fresh_folder() as tmp:
        folder = Path(tmp)
        f.write_catalog(folder / "cat", **tables)
        (folder / "s.toml").write_text('name = "fuzz"\ncatalog = "cat"\n', encoding="utf-8")
        run_cli(folder, ["run", "s.toml", "--no-map"], (folder / "out").resolve())


OUT_TARGETS = st.one_of(
    st.sampled_from([".", "..", "", "cat", "s.toml", "notes", "notes/inner", "s.toml/x", "out", "out/", "./out",
                     "out/..", "cat/..", "notes/..", "a" * 300, "~", "/", "map.html", "sites.html"]),
    # relative names only: a generated absolute path would write outside the test's folder
    st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), min_size=1,
            max_size=20).filter(lambda t: not t.startswith("/") and ".." not in t))


@settings(max_examples=max(10, int(settings().max_examples * OUTPUT_PATH_SHARE)))
@given(target=OUT_TARGETS, force=st.booleans(), command=st.sampled_from(["run", "catalog map"]))
def test_any_output_path_is_written_or_refused_without_touching_anything_else(target, force, command):
    with fresh_folder() as tmp:
        folder = Path(tmp).resolve()
        f.write_catalog(folder / "cat", **f.ONE_MINE)
        (folder / "s.toml").write_text('name = "fuzz"\ncatalog = "cat"\n', encoding="utf-8")
        (folder / "notes").mkdir()
        (folder / "notes" / "plan.txt").write_text("the user's own work")
        args = (["run", "s.toml", "--no-map", "--out", target] if command == "run"
                else ["catalog", "map", "cat", "--out", target]) + (["--force"] if force else [])
        resolved = (folder / target).resolve()
        if resolved == folder or resolved in folder.parents:
            code, _ = run_cli(folder, args, None)  # the working folder or above: always refused
            assert code == 2
        else:
            run_cli(folder, args, resolved)
