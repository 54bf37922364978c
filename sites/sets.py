"""The catalog's sets, declared once: elements and the forms users buy come from schema.csv's
allowed values (in their declared order), the magnet elements from the shipped elements.csv.

Every module that loops over elements or forms reads them from here, so adding an element
or a form is a change to the catalog's tables, not to code.
"""
from __future__ import annotations

import csv
from importlib import resources

from sites.schema import columns


def _allowed(table: str, column: str) -> tuple[str, ...]:
    return next(c for c in columns()[table] if c.name == column).allowed


def _magnet(elements: tuple[str, ...]) -> tuple[str, ...]:
    text = resources.files("sites").joinpath("data", "elements.csv").read_text(encoding="utf-8-sig")
    magnet = {row["element"] for row in csv.DictReader(text.splitlines()) if row["magnet"].lower() == "true"}
    return tuple(e for e in elements if e in magnet)


ELEMENTS: tuple[str, ...] = _allowed("elements", "element")  # Nd, Pr, Dy, Tb, other
PRODUCT_FORMS: tuple[str, ...] = _allowed("demand", "form")  # oxide, metal: what users buy
MAGNET_ELEMENTS: tuple[str, ...] = _magnet(ELEMENTS)  # Nd, Pr, Dy, Tb: what the objectives count
