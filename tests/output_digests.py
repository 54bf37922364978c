"""sha256 digests of every output of the shipped scenarios, the review examples and a sweep.

The regression test (tests/test_output_digests.py) proves that a refactor leaves every
file byte for byte as it was. When the model changes numbers on purpose, regenerate:

    .venv/bin/python tests/output_digests.py --write

and commit tests/data/output_digests.json together with the change that explains it.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIGESTS = Path(__file__).parent / "data" / "output_digests.json"
# relative to ROOT, where produce() runs the commands: file names that land in outputs
# (a proposal file's path) must not depend on where the checkout is
EXAMPLES = Path("examples") / "portfolios"
# Keys of summary.json that change from run to run (wall-clock time): dropped before hashing.
VOLATILE_SUMMARY_KEYS = ("solve_seconds",)


def commands(out: Path) -> dict[str, list[str]]:
    """One `ree-planner` command line per output folder (name -> argv)."""
    scenarios = sorted(p.stem for p in (ROOT / "planner" / "scenarios").glob("*.toml"))
    runs = {f"run/{s}": ["run", s, "--out", str(out / "run" / s)] for s in scenarios}
    review = {
        "evaluate": ["evaluate", str(EXAMPLES / "recycling_heavy.csv"), "--out", str(out / "evaluate")],
        "rank": ["rank", *(str(EXAMPLES / f) for f in ("heavy_ree_focus.csv", "light_ree_scale.csv",
                                                       "recycling_heavy.csv")), "--out", str(out / "rank")],
        "select": ["select", str(EXAMPLES / "applications.csv"), "--scenario", str(EXAMPLES / "round_60m.toml"),
                   "--out", str(out / "select")],
    }
    # a small sweep: warm budget re-solves and the marginal value of money at each point
    sweeps = {"sweep/no-new-mines": ["sweep", "no-new-mines", "--budget", "0:4e8:5", "--workers", "1",
                                     "--out", str(out / "sweep" / "no-new-mines")]}
    # a small Monte Carlo: the same seed must keep giving the same draws, answers and chart
    sweeps["montecarlo/baseline"] = ["montecarlo", "baseline", "--samples", "30", "--seed", "1", "--workers", "1",
                                     "--out", str(out / "montecarlo" / "baseline")]
    # compare reads two of the runs above back from their folders
    # (run from the output folder: the page names the compared folders as given)
    compare = {"compare": ["compare", "run/baseline", "run/no-new-mines", "--out", "compare"]}
    return {**runs, **review, **sweeps, **compare}


def file_digest(path: Path) -> str:
    data = path.read_bytes()
    if path.name == "summary.json":
        summary = json.loads(data)
        for key in VOLATILE_SUMMARY_KEYS:
            summary.pop(key, None)
        data = json.dumps(summary, indent=2, sort_keys=True).encode()
    return hashlib.sha256(data).hexdigest()


def produce(out: Path, names: list[str] | None = None) -> dict[str, str]:
    """Run the commands in this process; relative output path -> sha256."""
    from planner.cli import main

    digests = {}
    for name, argv in commands(out).items():
        if names is not None and name not in names:
            continue
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
                contextlib.chdir(out if name == "compare" else ROOT):
            code = main(argv)
        if code != 0:
            raise RuntimeError(f"ree-planner {' '.join(argv)} exited {code}")
        folder = out / name
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digests[f"{name}/{path.relative_to(folder).as_posix()}"] = file_digest(path)
    return digests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"store the digests in {DIGESTS.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        digests = produce(Path(tmp))
    if args.write:
        DIGESTS.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{len(digests)} digests written to {DIGESTS}")
        return 0
    stored = json.loads(DIGESTS.read_text(encoding="utf-8"))
    changed = sorted(k for k in stored.keys() | digests.keys() if stored.get(k) != digests.get(k))
    print("\n".join(changed) if changed else f"all {len(digests)} digests match")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
