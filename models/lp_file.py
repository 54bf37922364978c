"""The first stage's LP as a CPLEX LP file a person can read (`ree-planner run --write-lp`).

Written from a copy of the PuLP problem after the solve, so the file holds every shipping
link the pricing built (its optimum is the first stage's), and writing it changes nothing
in the model the run goes on to use (PuLP's writer may add a placeholder variable for an
empty row). Names are the model's own: docs/model.md, "The LP file", explains them.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

MARK = "\\ Written by ree-planner"  # first line of every LP file we write: a comment in LP format
NAME_LIMIT = 255  # characters of a name in CPLEX LP format


def write_lp(model, path: Path, scenario: str) -> None:
    """Write model's first-stage LP (its objective, every row and bound as built and priced)."""
    first, sense = model.stages[0]
    copy = model.prob.copy()
    with tempfile.TemporaryDirectory(prefix="ree-planner-lp-") as tmp:
        raw = Path(tmp) / "model.lp"
        copy.writeLP(str(raw), max_length=NAME_LIMIT)
        with open(path, "w", encoding="utf-8") as out, open(raw, encoding="utf-8") as lp:
            out.write(f"{MARK} (run --write-lp): the first stage of scenario {scenario}, "
                      f"{sense} {first}; names are explained in docs/model.md (The LP file)\n")
            shutil.copyfileobj(lp, out)


def is_ree_planner_lp(path: Path) -> bool:
    """True if path is an LP file this module wrote (its first line is MARK)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.readline().startswith(MARK)
    except OSError:
        return False


def check_lp_path(path: Path, out_folder: Path, inputs: tuple = ()) -> None:
    """Refuse (InputError, exit 2) an LP path inside the run's output folder, which is replaced
    whole, or one of the command's own inputs; atomic_file refuses folders, links and files
    ree-planner did not write."""
    from planner.outputs.folder import _is_within, _refuse

    target = Path(path).resolve()
    if _is_within(target, Path(out_folder).resolve()):
        raise _refuse(Path(path), f"an LP file outside the output folder {out_folder} (that folder is written whole)")
    if target.is_file() and not Path(path).is_symlink() and not is_ree_planner_lp(target):
        raise _refuse(Path(path), "a new file or an LP file ree-planner wrote; choose another name (--write-lp "
                                  "never replaces another file)")
    for given in inputs:
        if _is_within(target, Path(given).resolve()):
            raise _refuse(Path(path), f"an LP file that is not one of the run's inputs ({given})")
