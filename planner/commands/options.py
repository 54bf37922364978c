"""Options several subcommands share, declared once so they read the same everywhere."""
from __future__ import annotations

from pathlib import Path


def add_review_options(p, default_out: str, map_help: str = "skip map.html") -> None:
    """--scenario, --out and --no-map, as evaluate, rank and select take them."""
    p.add_argument("--scenario", help="scenario file or shipped scenario name (default: baseline)")
    p.add_argument("--out", type=Path, metavar="DIR", help=f"output folder (default: {default_out})")
    p.add_argument("--no-map", action="store_true", help=map_help)
