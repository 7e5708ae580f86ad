"""Unicode script of letters: the one-character script codes and the letters per script of a text.

Only letters count (digits, punctuation, symbols and private-use characters carry no script). Each script is
one code character; the compiled extension counts them (`native/src/langfeat.rs`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from transforms.core import _native

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


def script_counts(text: str) -> Counter[str]:
    """Letters per script code in `text` (non-letters are not counted), in the order the scripts first occur
    (scripts first met above the BMP after the others). The blocks of each script and the rules (a letter is
    `str.isalpha()`; every character of the Han blocks counts as Han, 々〆〇 included) are in
    `native/src/langfeat.rs`, which also counts a whole document's lines at once (`features.read_lines`)."""
    return Counter(_native.script_counts(text.encode("utf-8", "surrogatepass")))


def letter_count(counts: Mapping[str, int]) -> int:
    """Total letters in a script histogram."""
    return sum(counts.values())
