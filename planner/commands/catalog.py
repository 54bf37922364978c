"""`ree-planner catalog check|show|map`: look at a catalog."""
from __future__ import annotations

from pathlib import Path

from planner.commands.options import example_help
from planner.exit_codes import EXIT_OK

NAME = "catalog"


def add_parser(sub) -> None:
    cat = sub.add_parser(NAME, help="check, show or map a catalog", **example_help(
        "ree-planner catalog check", "ree-planner catalog map --out catalog-map.html"))
    actions = cat.add_subparsers(dest="action", required=True)
    for name, text in (("check", "validate a catalog folder"), ("show", "print its sites and technologies"),
                       ("map", "draw its candidate sites")):
        c = actions.add_parser(name, help=text)
        c.add_argument("folder", nargs="?", type=Path, help="catalog folder (default: the shipped catalog)")
        if name == "map":
            c.add_argument("--out", type=Path, required=True, metavar="FILE.html",
                           help="HTML file to write (an existing file only if ree-planner wrote it)")
            c.add_argument("--force", action="store_true", help="replace an existing file ree-planner did not write")


def main(args) -> int:
    from planner import catalog_view
    from sites import default_catalog_dir, load_catalog

    catalog = load_catalog(args.folder)
    if args.action == "check":
        print(catalog_view.check_text(catalog, args.folder or default_catalog_dir()))
    elif args.action == "show":
        print(catalog_view.show_text(catalog))
    else:
        catalog_view.write_map(catalog, args.out, force=args.force)
        print(f"Catalog map written to {args.out}")
    return EXIT_OK
