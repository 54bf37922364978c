"""PNG snapshot of a saved map or page, for reports (`ree-planner map RUN_DIR --png FILE`; a
memo or award board .html works too)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from maps import chromium

# Give Leaflet a moment after load to lay out the SVG and fit the view.
SETTLE_MS = 500


@contextlib.contextmanager
def offline_page(html_path, width: int, height: int) -> Iterator:
    """A headless Chromium page with html_path loaded offline: any request that is not for a
    file:// or data: URL is refused, so a page that still needed the network shows up blank
    instead of quietly fetching tiles."""
    from playwright.sync_api import sync_playwright

    uri = Path(html_path).resolve().as_uri()
    blocked: list[str] = []
    with sync_playwright() as p:
        browser = chromium.launch(p)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route("**/*", chromium.offline_route(blocked, uri))
            page.goto(uri, wait_until="load")
            yield page
        finally:
            browser.close()


def wait_for_maps(page) -> None:
    """Until Leaflet has loaded in every frame that holds a map (the page itself for a map,
    the srcdoc frame for the memo); a page without a map (the award board) does not wait."""
    for frame in page.frames:
        frame.wait_for_function("() => !document.querySelector('.folium-map') || window.L !== undefined")


def screenshot(html_path, png_path, width: int = 1400, height: int = 900) -> Path:
    """Open `html_path` offline in headless Chromium and save a `width` x `height` PNG."""
    png_path = Path(png_path)
    png_path.parent.mkdir(parents=True, exist_ok=True)
    with offline_page(html_path, width, height) as page:
        wait_for_maps(page)
        page.wait_for_timeout(SETTLE_MS)
        png = page.screenshot(full_page=False)
    png_path.write_bytes(stamp_png(png))
    return png_path


SOFTWARE_CHUNK = b"tEXt" + b"Software\0ree-planner"


def stamp_png(png: bytes) -> bytes:
    """The PNG with a tEXt chunk 'Software: ree-planner' after its header chunk.

    It marks the file as written by ree-planner, so a later run may replace it."""
    import struct
    import zlib

    end_of_header = 8 + 4 + 4 + 13 + 4  # signature, IHDR length, type, data, CRC
    data = SOFTWARE_CHUNK[4:]
    chunk = struct.pack(">I", len(data)) + SOFTWARE_CHUNK + struct.pack(">I", zlib.crc32(SOFTWARE_CHUNK))
    return png[:end_of_header] + chunk + png[end_of_header:]


def is_ree_planner_png(path) -> bool:
    """True if path is a PNG that stamp_png marked."""
    with open(path, "rb") as f:
        head = f.read(128)
    return head.startswith(b"\x89PNG") and SOFTWARE_CHUNK in head


PDF_MARK = b"\n%ree-planner\n"  # a PDF comment after %%EOF: readers ignore it, it marks our files


def print_pdf(html_path, pdf_path) -> Path:
    """Print a saved page (the funding memo) to PDF in headless Chromium, offline, with the
    page's print CSS; maps inside it (srcdoc frames) are drawn before printing."""
    pdf_path = Path(pdf_path)
    with offline_page(html_path, 1366, 900) as page:
        page.wait_for_timeout(SETTLE_MS)
        page.emulate_media(media="print")
        pdf = page.pdf(format="Letter", print_background=True, prefer_css_page_size=True)
    pdf_path.write_bytes(pdf + PDF_MARK)
    return pdf_path


def is_ree_planner_pdf(path) -> bool:
    """True if path is a PDF that print_pdf wrote."""
    with open(path, "rb") as f:
        head = f.read(5)
        f.seek(0, 2)
        f.seek(max(0, f.tell() - len(PDF_MARK)))
        tail = f.read()
    return head == b"%PDF-" and tail == PDF_MARK
