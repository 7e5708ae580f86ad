"""Unicode script of letters, fast: one `str.translate` per line and a C-level count.

Only letters count (digits, punctuation, symbols and private-use characters carry no script). Each script is
one code character in a translation table built once at import (an immutable str, not mutable state), so a
line's script histogram costs one `translate` and one `Counter` in C.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

__all__ = [
    "ARABIC",
    "CYRILLIC",
    "GREEK",
    "HAN",
    "HANGUL",
    "HEBREW",
    "KANA",
    "LATIN",
    "OTHER",
    "SCRIPT_NAMES",
    "THAI",
    "letter_count",
    "script_counts",
]

# One-character codes for scripts (values of the translation table).
LATIN = "L"
HAN = "H"
KANA = "J"  # Hiragana and Katakana
HANGUL = "K"
CYRILLIC = "C"
ARABIC = "A"
THAI = "T"
GREEK = "G"
HEBREW = "E"
DEVANAGARI = "D"
BENGALI = "B"
GEORGIAN = "Y"
ARMENIAN = "M"
OTHER = "O"  # a letter of a script not listed here: each such script is its own "other"
_NONLETTER = "\x00"

SCRIPT_NAMES: Mapping[str, str] = {
    LATIN: "Latin",
    HAN: "Han",
    KANA: "Kana",
    HANGUL: "Hangul",
    CYRILLIC: "Cyrillic",
    ARABIC: "Arabic",
    THAI: "Thai",
    GREEK: "Greek",
    HEBREW: "Hebrew",
    DEVANAGARI: "Devanagari",
    BENGALI: "Bengali",
    GEORGIAN: "Georgian",
    ARMENIAN: "Armenian",
    "a": "Gurmukhi",
    "b": "Gujarati",
    "c": "Oriya",
    "d": "Tamil",
    "e": "Telugu",
    "f": "Kannada",
    "g": "Malayalam",
    "h": "Sinhala",
    "i": "Lao",
    "j": "Tibetan",
    "k": "Myanmar",
    "l": "Ethiopic",
    "m": "Khmer",
    "n": "Thaana",
    "o": "Bopomofo",
    OTHER: "Other",
}

_RANGES: list[tuple[int, int, str]] = [
    (0x0041, 0x024F, LATIN),
    (0x0250, 0x02AF, LATIN),
    (0x1E00, 0x1EFF, LATIN),
    (0x2C60, 0x2C7F, LATIN),
    (0xA720, 0xA7FF, LATIN),
    (0xAB30, 0xAB6F, LATIN),
    (0xFB00, 0xFB06, LATIN),
    (0xFF21, 0xFF5A, LATIN),  # fullwidth Latin (common in CJK pages)
    (0x0370, 0x03FF, GREEK),
    (0x1F00, 0x1FFF, GREEK),
    (0x0400, 0x052F, CYRILLIC),
    (0x1C80, 0x1C8F, CYRILLIC),
    (0x2DE0, 0x2DFF, CYRILLIC),
    (0xA640, 0xA69F, CYRILLIC),
    (0x0530, 0x058F, ARMENIAN),
    (0x0590, 0x05FF, HEBREW),
    (0xFB1D, 0xFB4F, HEBREW),
    (0x0600, 0x06FF, ARABIC),
    (0x0750, 0x077F, ARABIC),
    (0x08A0, 0x08FF, ARABIC),
    (0xFB50, 0xFDFF, ARABIC),
    (0xFE70, 0xFEFF, ARABIC),
    (0x0780, 0x07BF, "n"),
    (0x0900, 0x097F, DEVANAGARI),
    (0xA8E0, 0xA8FF, DEVANAGARI),
    (0x0980, 0x09FF, BENGALI),
    (0x0A00, 0x0A7F, "a"),
    (0x0A80, 0x0AFF, "b"),
    (0x0B00, 0x0B7F, "c"),
    (0x0B80, 0x0BFF, "d"),
    (0x0C00, 0x0C7F, "e"),
    (0x0C80, 0x0CFF, "f"),
    (0x0D00, 0x0D7F, "g"),
    (0x0D80, 0x0DFF, "h"),
    (0x0E00, 0x0E7F, THAI),
    (0x0E80, 0x0EFF, "i"),
    (0x0F00, 0x0FFF, "j"),
    (0x1000, 0x109F, "k"),
    (0x10A0, 0x10FF, GEORGIAN),
    (0x1C90, 0x1CBF, GEORGIAN),
    (0x1100, 0x11FF, HANGUL),
    (0x3130, 0x318F, HANGUL),
    (0xA960, 0xA97F, HANGUL),
    (0xAC00, 0xD7FF, HANGUL),
    (0xFFA0, 0xFFDC, HANGUL),
    (0x1200, 0x139F, "l"),
    (0x1780, 0x17FF, "m"),
    (0x3040, 0x309F, KANA),
    (0x30A0, 0x30FF, KANA),
    (0x31F0, 0x31FF, KANA),
    (0xFF66, 0xFF9F, KANA),
    (0x3100, 0x312F, "o"),
    (0x31A0, 0x31BF, "o"),
    (0x3005, 0x3007, HAN),
    (0x3021, 0x3029, HAN),
    (0x3400, 0x4DBF, HAN),
    (0x4E00, 0x9FFF, HAN),
    (0xF900, 0xFAFF, HAN),
]


def _build_table() -> str:
    table = [_NONLETTER] * 0x10000
    for lo, hi, code in _RANGES:
        for cp in range(lo, hi + 1):
            table[cp] = code
    for cp in range(0x10000):
        ch = chr(cp)
        if not ch.isalpha():
            if table[cp] != HAN:  # 々〆〇 are Han for our purpose even where not "alpha"
                table[cp] = _NONLETTER
        elif table[cp] == _NONLETTER:
            table[cp] = OTHER
    return "".join(table)


_TABLE = _build_table()


# ASCII letters (all Latin; every other ASCII character is a non-letter), deleted to count them.
_DROP_ASCII_LETTERS = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_FEW_CODES = 16


def script_counts(text: str) -> Counter[str]:
    """Letters per script code in `text` (non-letters are not counted), in the order the scripts first occur."""
    if text.isascii():  # ASCII in, ASCII out: str.translate's fast path, no per-character mapping
        n = len(text) - len(text.translate(_DROP_ASCII_LETTERS))
        return Counter({LATIN: n}) if n else Counter()
    coded = text.translate(_TABLE)
    codes = dict.fromkeys(coded)
    if len(codes) <= _FEW_CODES:  # a few script codes: one C-level count each, not a dict update per character
        counts = Counter({code: coded.count(code) for code in codes})
    else:  # many distinct characters above the BMP (translate leaves them): one pass, never len x distinct
        counts = Counter(coded)
    counts.pop(_NONLETTER, None)
    # characters above the BMP are left untouched by translate: classify them here
    for ch in [c for c in counts if c not in SCRIPT_NAMES]:
        n = counts.pop(ch)
        if 0x20000 <= ord(ch) <= 0x3FFFF:
            counts[HAN] += n
        elif ch.isalpha():
            counts[OTHER] += n
    return counts


def letter_count(counts: Mapping[str, int]) -> int:
    """Total letters in a script histogram."""
    return sum(counts.values())
