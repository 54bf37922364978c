"""python -m benchmarks.orlib FILE... [--capacity C]: name, optimum and solve time, one line each."""
from __future__ import annotations

import argparse
import sys

from benchmarks.orlib.reader import read_instance, solve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.orlib", description=__doc__)
    parser.add_argument("files", nargs="+", help="OR-Library capacitated warehouse files (cap41.txt ...)")
    parser.add_argument("--capacity", type=float, help="capacity for files that write the word 'capacity'")
    args = parser.parse_args(argv)
    failed = 0
    for path in args.files:
        try:
            value, seconds = solve(read_instance(path, args.capacity))
        except (OSError, ValueError, RuntimeError) as err:
            print(f"{path}: {err}", file=sys.stderr)
            failed += 1
            continue
        print(f"{read_instance(path, args.capacity).name} {value:.4f} {seconds:.3f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
