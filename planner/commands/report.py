"""`ree-planner report RUN_DIR --pdf FILE`: the run's funding memo (report.html) as a PDF,
printed by the headless Chromium the map screenshots use, offline."""
from __future__ import annotations

from pathlib import Path

from planner.commands.options import example_help, saved_page
from planner.exit_codes import EXIT_OK

NAME = "report"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="print a run's funding memo (report.html) to PDF (headless Chromium, offline)",
                       **example_help("ree-planner report out/baseline --pdf baseline-memo.pdf"))
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run's output folder, or a report .html file")
    p.add_argument("--pdf", type=Path, required=True, metavar="FILE",
                   help="PDF file to write (an existing file only if ree-planner wrote it)")
    p.add_argument("--force", action="store_true", help="replace an existing PDF ree-planner did not write")


def main(args) -> int:
    from maps.screenshot import is_ree_planner_pdf, print_pdf
    from planner.outputs.folder import atomic_file

    html = saved_page(args.run_dir, "report.html", "report")
    with atomic_file(args.pdf, is_ree_planner_pdf, force=args.force) as scratch:
        print_pdf(html, scratch)
    print(f"Funding memo {html} printed to {args.pdf}")
    return EXIT_OK
