"""Escaping of user-supplied text before it goes into a folium map.

folium pastes popup and tooltip HTML verbatim into JavaScript template literals
(`...`), so plain HTML escaping is not enough: a backtick would end the literal,
`${...}` would be evaluated and a backslash would start an escape sequence. Every
character that matters to HTML or to a template literal becomes a numeric entity,
which the browser shows as the original character.
"""

from __future__ import annotations

import math
import re

_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
    "`": "&#96;",
    "$": "&#36;",
    "\\": "&#92;",
    "{": "&#123;",
    "}": "&#125;",
}
_UNSAFE = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")


def text(value: object) -> str:
    """HTML for `value` shown as literal text (None and NaN become an empty string)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    # Newlines are legal inside template literals and harmless in HTML.
    return _UNSAFE.sub(lambda m: _ENTITIES[m.group(0)], str(value))


def css_token(value: object) -> str:
    """A CSS class token built from an id (letters, digits, '-' and '_' only)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(value)).strip("-") or "x"
