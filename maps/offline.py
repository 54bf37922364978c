"""Turn a folium map into one self-contained, deterministic HTML file.

folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs, and every element
gets a random id. Here the map is copied, each element gets an id from its position in
the element tree, the CDN links are dropped (on the copied instances only, never the
class-level lists, which would leak into later maps) and the vendored Leaflet/jQuery are
inlined, with the images the Leaflet CSS refers to turned into data URIs.
"""

from __future__ import annotations

import base64
import copy
import functools
import re
from html import escape as html_escape
from pathlib import Path

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink
from folium.elements import JSCSSMixin

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"

# folium's default assets that the vendored files replace.
_VENDORED = {"leaflet", "jquery", "leaflet_css"}
# folium's default assets these maps never use (CircleMarker only: no icon fonts).
_UNUSED = {
    "bootstrap",
    "awesome_markers",
    "bootstrap_css",
    "glyphicons_css",
    "awesome_markers_font_css",
    "awesome_markers_css",
    "awesome_rotate_css",
}

_REMOTE_REF = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


class OfflineAssetError(ValueError):
    """An element needs a remote JS/CSS asset that is not vendored."""


@functools.lru_cache(maxsize=1)
def _leaflet_css() -> str:
    css = (VENDOR_DIR / "leaflet.css").read_text(encoding="utf-8")

    def as_data_uri(match: re.Match) -> str:
        image = VENDOR_DIR / match.group(1)
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    return re.sub(r"""url\(\s*["']?(images/[\w.-]+\.png)["']?\s*\)""", as_data_uri, css)


@functools.lru_cache(maxsize=1)
def vendor_block() -> str:
    """The <style>/<script> tags that stand in for folium's CDN links."""
    jquery = (VENDOR_DIR / "jquery.min.js").read_text(encoding="utf-8")
    leaflet = (VENDOR_DIR / "leaflet.js").read_text(encoding="utf-8")
    for name, body in (("jquery", jquery), ("leaflet", leaflet)):
        # An inline script cannot contain its own end tag.
        if "</script" in body.lower():
            raise OfflineAssetError(f"vendored {name} contains '</script'")
    return (
        "<!-- Leaflet 1.9.4 (BSD-2-Clause) and jQuery 3.7.1 (MIT), see maps/vendor/ -->\n"
        f"<style>{_leaflet_css()}</style>\n"
        f"<script>{jquery}</script>\n"
        f"<script>{leaflet}</script>"
    )


def _elements(root: Element):
    """Every element reachable from root in a fixed order (children, then attributes)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        element = stack.pop()
        if id(element) in seen:
            continue
        seen.add(id(element))
        yield element
        nested = list(element._children.values())
        # Popup.html, Figure.header etc. hold elements outside _children.
        for attr in sorted(vars(element)):
            value = getattr(element, attr)
            if attr != "_parent" and isinstance(value, Element):
                nested.append(value)
        stack.extend(reversed(nested))


def _fix_ids(root: Element) -> None:
    """Replace folium's random ids by tree positions, renaming _children keys to match."""
    elements = list(_elements(root))
    old_names = {id(e): e.get_name() for e in elements}
    for number, element in enumerate(elements):
        element._id = str(number)
    for element in elements:
        renamed = {}
        for key, child in element._children.items():
            if key == old_names.get(id(child)):
                key = child.get_name()
            renamed[key] = child
        element._children = type(element._children)(renamed)


def _drop_cdn_links(root: Element) -> None:
    for element in _elements(root):
        if isinstance(element, JSCSSMixin):
            for name, url in list(element.default_js) + list(element.default_css):
                if name not in _VENDORED | _UNUSED:
                    raise OfflineAssetError(
                        f"{type(element).__name__} needs {name!r} from {url}; vendor it first"
                    )
            # Instance attributes shadow the class lists, which stay untouched.
            element.default_js = []
            element.default_css = []
    figure = root.get_root()
    # Links left by an earlier render of the caller's map.
    for key, child in list(figure.header._children.items()):
        if isinstance(child, (JavascriptLink, CssLink)):
            del figure.header._children[key]


def offline_html(m: folium.Map, title: str = "ree-planner map") -> str:
    """The whole page for map `m` as one HTML string that needs no network access."""
    original_root = m.get_root()
    if not isinstance(original_root, Figure):
        raise TypeError("the map must sit in a branca Figure (folium.Map does by default)")
    figure = copy.deepcopy(original_root)  # leave the caller's map untouched
    if title:
        figure.title = html_escape(title)  # branca writes it unescaped
    _fix_ids(figure)
    _drop_cdn_links(figure)

    # Right after the charset meta tag, so Leaflet exists before any map script.
    header = figure.header._children
    entries = list(header.items())
    header.clear()
    header.update(entries[:1])
    header["ree_vendor"] = Element(vendor_block())
    header.update(entries[1:])

    html = figure.render()
    remote = _REMOTE_REF.search(html)
    if remote:
        raise OfflineAssetError(f"remote asset left in map HTML: {remote.group(0)[:120]}")
    return html


def save_offline(m: folium.Map, path: str | Path, title: str = "ree-planner map") -> Path:
    """Write the self-contained map to `path` (UTF-8) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(offline_html(m, title=title).encode("utf-8"))
    return path
