"""Words of a text, for the quality signals: a regex where words are separated by spaces, ICU word breaks for the
scripts written without spaces (pure core, no Beam).

Chinese, Japanese, Thai, Lao, Khmer, Burmese and Tibetan put no spaces between words. Counting their characters
as words (what the signals did before) makes every repetition rule see "n-grams" of single characters, which
repeat in any real text (a Japanese article scores 0.22-0.65 on `dup_5gram_char_frac`), and makes word counts
and word lengths meaningless. Each maximal run of those scripts is split into words by ICU's word break
iterator (dictionary-based for Chinese/Japanese, Thai, Lao, Khmer and Burmese; Tibetan breaks at the tsheg),
through `icu4py`, which bundles ICU 78 in its wheel (no system library, nothing downloaded).

Why ICU (measured on one core with `benchmarks/segmenter_speed.py`): it covers all seven scripts with one library
and one behaviour, and it is the fastest of the candidates, in the same process on the same text: Chinese
2.9 M chars/s (jieba 0.29 M), Japanese 2.7 M chars/s (fugashi + unidic-lite 0.68 M), Thai 6.5 M chars/s
(pythainlp newmm 0.19 M). The dictionary
segmenters can be more accurate on domain words, but the quality rules only need words of a plausible size, and
FineWeb-2's per-language thresholds (`transforms/quality/fineweb2.py`) were tuned on segmenter words too.

Everything else keeps the regex: letters/digits and combining marks (the vowel signs of Indic scripts, Arabic
diacritics), with single inner apostrophes, hyphens, dots or commas ("don't", "173,569", "e.g").
"""

from __future__ import annotations

import re

from icu4py.breakers import WordBreaker

from transforms.core.charclass import category_class

__all__ = ["UNSEGMENTED_RANGES", "split_words"]

# Characters of scripts written without spaces between words.
UNSEGMENTED_RANGES = (
    "\u0e00-\u0e7f"  # Thai
    "\u0e80-\u0eff"  # Lao
    "\u0f00-\u0fff"  # Tibetan
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0002fa1f"  # CJK extensions B-F
)


# Combining marks (Mn, Mc, Me): Python's `\w` leaves them out, which would cut a Bengali, Hindi, Tamil or Arabic
# word at every vowel sign or diacritic.
_MARKS = category_class("M")
_UNSEG_RE = re.compile(f"[{UNSEGMENTED_RANGES}]")
_HAS_MARK = re.compile(f"[{_MARKS}]")
_LETTER = rf"(?:[^\W_]|[{_MARKS}])"
_WORD_RE = re.compile(rf"{_LETTER}+(?:['’.,\-]?{_LETTER}+)*")
_PLAIN_WORD_RE = re.compile(r"[^\W_]+(?:['’.,\-]?[^\W_]+)*")  # the same words where the text has no marks
_WORD_CHAR = rf"(?:[^\W_{UNSEGMENTED_RANGES}]|[{_MARKS}])"
# A run of unsegmented script (split by ICU) or a regex word.
_TOKEN_RE = re.compile(rf"[{UNSEGMENTED_RANGES}]+|{_WORD_CHAR}+(?:['’.,\-]?{_WORD_CHAR}+)*")
_HAS_WORD_CHAR = re.compile(r"[^\W_]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _icu_words(run: str) -> list[str]:
    """ICU's words of a run of unsegmented script (segments holding a letter or digit)."""
    spans = WordBreaker(run, "").segments()
    if _ASTRAL.search(run) is None:
        pieces = [run[a:b] for a, b in spans]
    else:  # ICU counts UTF-16 code units: slice the UTF-16 form
        u16 = run.encode("utf-16-le", "surrogatepass")
        pieces = [u16[2 * a : 2 * b].decode("utf-16-le", "surrogatepass") for a, b in spans]
    return [p for p in pieces if _HAS_WORD_CHAR.search(p)]


def split_words(text: str) -> tuple[list[str], int]:
    """(the words of `text` in order, the number of characters of unsegmented scripts among them)."""
    if _UNSEG_RE.search(text) is None:
        return (_WORD_RE if _HAS_MARK.search(text) else _PLAIN_WORD_RE).findall(text), 0
    words: list[str] = []
    unsegmented = 0
    for token in _TOKEN_RE.findall(text):
        if _UNSEG_RE.match(token):
            unsegmented += len(token)
            words.extend(_icu_words(token))
        else:
            words.append(token)
    return words, unsegmented
