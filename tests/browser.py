"""Open a saved map in headless Chromium with the network cut off, and record what
the page tried to fetch, every error it raised and every dialog it opened."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from maps import chromium

import os

# CI sets REE_REQUIRE_BROWSER=1: there a missing Chromium is a failure, not a skip.
if os.environ.get("REE_REQUIRE_BROWSER") == "1" and not chromium.available():
    raise RuntimeError(chromium.MISSING_REASON + " and REE_REQUIRE_BROWSER=1 is set")
requires_chromium = pytest.mark.skipif(not chromium.available(), reason=chromium.MISSING_REASON)

# Finds the Leaflet map object without knowing folium's variable name for it.
FIND_MAP = "Object.values(window).find(v => v instanceof L.Map)"


@dataclass
class OpenedMap:
    page: object
    blocked: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        """Everything that should be empty on a healthy offline map."""
        return {
            "blocked requests": self.blocked,
            "page errors": self.page_errors,
            "console errors": self.console_errors,
            "dialogs": self.dialogs,
        }

    def click_centre(self, locator) -> None:
        """Click the middle of an SVG marker with the mouse (a forced locator click
        does not reach Leaflet), after checking nothing else sits on top of it."""
        box = locator.bounding_box()
        assert box is not None, "marker is not rendered"
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        on_top = locator.evaluate("(el, p) => document.elementFromPoint(p[0], p[1]) === el", [x, y])
        assert on_top, f"something covers {locator.get_attribute('class')} at ({x:.0f}, {y:.0f})"
        self.page.mouse.click(x, y)


@contextlib.contextmanager
def chromium_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = chromium.launch(p)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def open_map(browser, html_path: Path, width: int = 1400, height: int = 900):
    url = Path(html_path).resolve().as_uri()
    page = browser.new_page(viewport={"width": width, "height": height})
    opened = OpenedMap(page=page)
    page.route("**/*", chromium.offline_route(opened.blocked, url))
    page.on("pageerror", lambda error: opened.page_errors.append(str(error)))
    page.on("console", lambda msg: opened.console_errors.append(msg.text) if msg.type == "error" else None)

    def on_dialog(dialog):
        opened.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        page.goto(url, wait_until="load")
        page.wait_for_timeout(300)  # let fitBounds and the SVG renderer settle
        yield opened
    finally:
        page.close()
