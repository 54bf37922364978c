"""PNG snapshot of a saved map, for reports (`ree-planner map RUN_DIR --png FILE`)."""

from __future__ import annotations

from pathlib import Path

from maps import chromium

# Give Leaflet a moment after load to lay out the SVG and fit the view.
SETTLE_MS = 500


def screenshot(html_path, png_path, width: int = 1400, height: int = 900) -> Path:
    """Open `html_path` offline in headless Chromium and save a `width` x `height` PNG.

    Any request that is not for a file:// or data: URL is refused, so a map that
    still needed the network shows up blank instead of quietly fetching tiles."""
    from playwright.sync_api import sync_playwright

    html_path = Path(html_path).resolve()
    png_path = Path(png_path)
    png_path.parent.mkdir(parents=True, exist_ok=True)
    blocked: list[str] = []
    with sync_playwright() as p:
        browser = chromium.launch(p)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route("**/*", chromium.offline_route(blocked, html_path.as_uri()))
            page.goto(html_path.as_uri(), wait_until="load")
            page.wait_for_function("() => window.L !== undefined")
            page.wait_for_timeout(SETTLE_MS)
            page.screenshot(path=str(png_path), full_page=False)
        finally:
            browser.close()
    return png_path
