"""Regex character classes of Unicode general categories (pure; `re` has no \\p{...})."""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["category_class", "category_ranges"]


@functools.cache
def category_ranges(*prefixes: str) -> list[tuple[int, int]]:
    """The characters of the Basic Multilingual Plane whose general category starts with one of `prefixes`
    ("Ll": lowercase letters; "M": every combining mark), as inclusive code-point ranges."""
    ranges: list[list[int]] = []
    for cp in range(0x10000):
        if unicodedata.category(chr(cp)).startswith(prefixes):
            if ranges and cp == ranges[-1][1] + 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    return [(a, b) for a, b in ranges]


@functools.cache
def category_class(*prefixes: str) -> str:
    """`category_ranges` as the inside of a regex class (`[...]`): one C-level regex pass is much cheaper than
    testing each character in Python."""
    ranges = category_ranges(*prefixes)
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
