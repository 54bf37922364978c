"""Output folders that cannot hurt: what may be replaced, and how it is written.

ree-planner writes every output folder whole or not at all (a scratch folder beside the
target, renamed into place at the end). It replaces an existing folder only when the
folder is missing, empty, or was written by ree-planner (it holds the manifest the writer
leaves, or only files ree-planner writes); anything else needs an explicit `--force`.
A file, a symbolic link, the current folder, a folder above it, or a folder that holds
one of the command's own inputs is never replaced, with or without `--force`.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from sites.errors import InputError, Problem

MANIFEST = ".ree-planner.json"
SCRATCH_TAG = "ree-partial"  # .<name>.ree-partial-<pid>-<hex>: a folder being written
OLD_TAG = "ree-old"  # .<name>.ree-old-<pid>-<hex>: the replaced folder, removed right after
SLUG_MAX = 80

# Every file name a ree-planner command writes into an output folder (run, sweep, compare,
# evaluate, rank, select). A folder holding only these (and rank's portfolios/ subfolders)
# was written by an earlier ree-planner that left no manifest.
OUTPUT_FILES = frozenset({
    "capacity.csv", "elements.csv", "elements_by_form.csv", "flows.csv", "portfolio.csv", "production.csv",
    "feeds.csv", "duals.csv", "feed_options.csv", "summary.json", "portfolio.geojson", "map.html", "report.html", "report.xlsx",
    "sweep.csv", "sweep_capacity.csv", "ladder.csv", "sweep.png", "sweep.json",
    "samples.csv", "plant_frequency.csv", "reliance_percentiles.csv", "sensitivity.csv", "tornado.png", "montecarlo.json",
    "comparison.csv", "comparison.xlsx", "comparison.html", "comparison.png", "comparison_map.html",
    "scorecard.csv", "scorecard_projects.csv", "scorecard.xlsx", "scorecard.html", "selection.csv",
    "board.csv", "board.html",
    MANIFEST,
})
SUBFOLDERS = frozenset({"portfolios"})

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def slug(name: str, fallback: str = "scenario") -> str:
    """A folder name made from a user's name: letters, digits, '.', '_' and '-' only."""
    text = re.sub(r"-{2,}", "-", _UNSAFE.sub("-", name)).strip(".-")[:SLUG_MAX].strip(".-")
    return text or fallback


def name_problem(name) -> str | None:
    """What a scenario name was expected to be, if it cannot name an output folder."""
    if not isinstance(name, str):
        return "text"
    if not name.strip():
        return "a non-empty name (it names the output folder out/<name>)"
    if name.strip() in (".", ".."):
        return "a name, not '.' or '..' (it names the output folder out/<name>)"
    if any(c in name for c in "/\\\0"):
        return "a name without '/', '\\' or NUL (it names the output folder out/<name>, not a path)"
    if len(name) > SLUG_MAX:
        return f"a name of at most {SLUG_MAX} characters"
    return None


def _refuse(path: Path, expected: str) -> InputError:
    return InputError(Problem(str(path), None, None, None, expected))


def _is_within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def _written_by_us(folder: Path, top: bool = True) -> bool:
    """True if every entry is a file ree-planner writes (or a portfolios/ subfolder of them)."""
    for entry in folder.iterdir():
        if entry.is_symlink():
            return False
        if entry.is_dir():
            if top and entry.name not in SUBFOLDERS:
                return False
            if not _written_by_us(entry, top=False):
                return False
        elif entry.name not in OUTPUT_FILES:
            return False
    return True


def check_output_folder(target: str | Path, force: bool = False, protect: Iterable[str | Path] = ()) -> Path:
    """Refuse (InputError, exit 2) a target this command must not replace; return it."""
    target = Path(target)
    if str(target).strip() in ("", ".", ".."):
        raise _refuse(target, "an output folder other than the current folder or its parent")
    resolved = target.resolve()
    if _is_within(Path.cwd().resolve(), resolved) or resolved == Path.home().resolve():
        raise _refuse(target, "an output folder that is not the current folder, your home folder or a folder "
                              "above them (ree-planner replaces its output folder whole)")
    for given in protect:
        held = Path(given).resolve()
        if _is_within(held, resolved):
            raise _refuse(target, f"an output folder that does not hold this command's input {given} "
                                  "(ree-planner replaces its output folder whole)")
    if target.is_symlink():
        raise _refuse(target, "a folder path, not a symbolic link (ree-planner never replaces a link)")
    for above in target.parents:
        if above.exists() and not above.is_dir():
            raise _refuse(target, f"a folder path ({above} is a file, not a folder)")
    if target.exists() and not target.is_dir():
        raise _refuse(target, "a folder path, not an existing file (ree-planner never replaces a file it did "
                              "not create)")
    if target.is_dir() and not force:
        try:
            ours = (target / MANIFEST).is_file() or _written_by_us(target)
        except OSError as err:
            raise _refuse(target, f"a readable folder ({err.strerror})") from None
        if not ours:
            raise _refuse(target, "a new or empty folder, or one written by ree-planner (it holds other files); "
                                  "choose another --out, or add --force to replace it")
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but not ours
        return True
    return True


def sweep_leftovers(parent: Path, name: str) -> None:
    """Remove scratch and old folders a killed ree-planner left beside target."""
    pattern = re.compile(rf"^\.{re.escape(name)}\.(?:{SCRATCH_TAG}|{OLD_TAG})-(\d+)-[0-9a-f]+$")
    with contextlib.suppress(OSError):
        for entry in parent.iterdir():
            match = pattern.match(entry.name)
            if match and entry.is_dir() and not entry.is_symlink() and not _pid_alive(int(match.group(1))):
                shutil.rmtree(entry, ignore_errors=True)


def _sibling(target: Path, tag: str) -> Path:
    return target.with_name(f".{target.name}.{tag}-{os.getpid()}-{secrets.token_hex(4)}")


def manifest_text(kind: str) -> str:
    return json.dumps({"tool": "ree-planner", "kind": kind,
                       "note": "Written by ree-planner; it may replace this folder on a later run."},
                      indent=2, sort_keys=True) + "\n"


@contextlib.contextmanager
def atomic_folder(target: str | Path, kind: str, force: bool = False,
                  protect: Iterable[str | Path] = ()) -> Iterator[Path]:
    """Yield a scratch folder that replaces target only if the block succeeds.

    The scratch folder is removed on any failure, Ctrl-C or SIGTERM (the CLI turns SIGTERM
    into an exception); one left by SIGKILL is swept the next time the same target is written.
    """
    protect = tuple(protect)
    target = check_output_folder(target, force, protect)
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(target.parent, target.name)
    scratch = _sibling(target, SCRATCH_TAG)
    scratch.mkdir(mode=0o777 & ~_umask())
    try:
        yield scratch
        (scratch / MANIFEST).write_text(manifest_text(kind), encoding="utf-8")
        check_output_folder(target, force, protect)  # the folder may have changed meanwhile
        old = None
        if target.exists():
            old = _sibling(target, OLD_TAG)
            target.rename(old)
        scratch.rename(target)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def atomic_file(target: str | Path, is_ours, force: bool = False) -> Iterator[Path]:
    """Yield a scratch path that replaces the file target only if the block succeeds.

    An existing target is replaced only if `is_ours(path)` says ree-planner wrote it, or with force;
    a folder or link is never replaced.
    """
    target = Path(target)
    if target.is_symlink() or target.is_dir():
        raise _refuse(target, "a file path, not a folder or link")
    if target.exists() and not force and not is_ours(target):
        raise _refuse(target, "a new file or one written by ree-planner; choose another name, or add --force "
                              "to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = _sibling(target, SCRATCH_TAG)
    try:
        yield scratch
        os.chmod(scratch, 0o666 & ~_umask())
        os.replace(scratch, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            scratch.unlink()
