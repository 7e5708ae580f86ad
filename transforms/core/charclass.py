"""Regex character classes of Unicode general categories (pure; `re` has no \\p{...})."""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["category_class"]


@functools.cache
def category_class(*prefixes: str) -> str:
    """The characters of the Basic Multilingual Plane whose general category starts with one of `prefixes`
    ("Ll": lowercase letters; "M": every combining mark), as the inside of a regex class (`[...]`), in ranges:
    one C-level regex pass is much cheaper than testing each character in Python."""
    ranges: list[list[int]] = []
    for cp in range(0x10000):
        if unicodedata.category(chr(cp)).startswith(prefixes):
            if ranges and cp == ranges[-1][1] + 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
