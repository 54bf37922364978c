"""How this project starts headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright; Playwright's own browser download is not used)."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM_PATH = Path(os.environ.get("REE_CHROMIUM", "/usr/bin/chromium"))
MISSING_REASON = f"Chromium not installed at {CHROMIUM_PATH} (apt install chromium)"

# Flags that work as root in a container; the rest keep Chromium from phoning home.
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def available() -> bool:
    return CHROMIUM_PATH.is_file() and os.access(CHROMIUM_PATH, os.X_OK)


def launch(playwright):
    """A Browser from a running sync_playwright(); Playwright gives it a fresh temporary
    profile, so nothing is shared between runs."""
    if not available():
        raise FileNotFoundError(MISSING_REASON)
    return playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=LAUNCH_ARGS)


def offline_route(counter: list[str], page_url: str | None = None):
    """A page.route handler that lets data: URLs and the page itself through (any
    file:// URL if page_url is None), aborts everything else and records the aborted
    URLs in `counter`."""

    def allowed(url: str) -> bool:
        if url.startswith("data:"):
            return True
        if page_url is None:
            return url.startswith("file://")
        return url.split("#", 1)[0] == page_url

    def handle(route):
        url = route.request.url
        if allowed(url):
            route.continue_()
        else:
            counter.append(url)
            route.abort()

    return handle
