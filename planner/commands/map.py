"""`ree-planner map RUN_DIR --png FILE`: a PNG picture of a run's map (or of any saved map)."""
from __future__ import annotations

from pathlib import Path

from planner.exit_codes import EXIT_OK
from sites.errors import InputError, Problem

NAME = "map"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="save a PNG screenshot of a run's map.html (headless Chromium, offline)")
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run's output folder, or a map .html file")
    p.add_argument("--png", type=Path, required=True, metavar="FILE", help="PNG file to write")
    p.add_argument("--width", type=int, default=1400, help="pixels (default 1400)")
    p.add_argument("--height", type=int, default=900, help="pixels (default 900)")


def main(args) -> int:
    from maps import chromium
    from maps.screenshot import screenshot

    html = args.run_dir / "map.html" if args.run_dir.is_dir() else args.run_dir
    if not html.is_file():
        raise InputError(Problem(str(html), None, None, None, "a run folder with map.html, or a map .html file"))
    if not chromium.available():
        raise InputError(Problem(str(chromium.CHROMIUM_PATH), None, None, None, chromium.MISSING_REASON))
    screenshot(html, args.png, width=args.width, height=args.height)
    print(f"Screenshot of {html} written to {args.png}")
    return EXIT_OK
