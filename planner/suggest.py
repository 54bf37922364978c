""""Did you mean ...?" for a mistyped name, from the names that exist."""
from __future__ import annotations

import difflib


def did_you_mean(word, choices) -> str:
    """' (did you mean 'x'?)' for the closest choice, or '' when nothing is close."""
    if not isinstance(word, str) or not word:
        return ""
    names = [str(c) for c in choices]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if not close:
        lower = {n.lower(): n for n in names}
        close = [lower[m] for m in difflib.get_close_matches(word.lower(), list(lower), n=1, cutoff=0.6)]
    return f" (did you mean {close[0]!r}?)" if close and close[0] != word else ""
