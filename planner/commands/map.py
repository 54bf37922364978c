"""`ree-planner map RUN_DIR --png FILE`: a PNG picture of a run's map (or of any saved map)."""
from __future__ import annotations

from pathlib import Path

from planner.commands.options import example_help, positive_int, saved_page
from planner.exit_codes import EXIT_OK

NAME = "map"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="save a PNG screenshot of a run's map.html (headless Chromium, offline)",
                       **example_help("ree-planner map out/baseline --png baseline-map.png"))
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run's output folder, or a map .html file")
    p.add_argument("--png", type=Path, required=True, metavar="FILE",
                   help="PNG file to write (an existing file only if ree-planner wrote it)")
    p.add_argument("--width", type=positive_int(200, 8000), default=1400, help="pixels, 200-8000 (default 1400)")
    p.add_argument("--height", type=positive_int(200, 8000), default=900, help="pixels, 200-8000 (default 900)")
    p.add_argument("--force", action="store_true", help="replace an existing PNG ree-planner did not write")


def main(args) -> int:
    from maps.screenshot import is_ree_planner_png, screenshot
    from planner.outputs.folder import atomic_file

    html = saved_page(args.run_dir, "map.html", "map")
    with atomic_file(args.png, is_ree_planner_png, force=args.force) as scratch:
        screenshot(html, scratch, width=args.width, height=args.height)
    print(f"Screenshot of {html} written to {args.png}")
    return EXIT_OK
