"""Words and tokens of a text (pure core, no Beam): `tokens_for` gives what the quality statistics are computed over
(datatrove's tokens: punctuation and symbols included, see the section below; `tokens`, except for Korean and Thai,
where FineWeb-2's own tokenizers run, `transforms/quality/assigned.py`); `split_words` gives the words
alone (a regex where words are separated by spaces, ICU word breaks for the scripts written without spaces), as
the language stage's Han-word evidence reads them.

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

In `split_words` everything else is a regex word: letters/digits and combining marks (the vowel signs of Indic
scripts, Arabic diacritics), with single inner apostrophes, hyphens, dots or commas ("don't", "173,569", "e.g").
"""

from __future__ import annotations

import functools
import re

from icu4py.breakers import WordBreaker

from transforms.core._native import WordTokenizer
from transforms.core.charclass import category_class, category_ranges
from transforms.quality.assigned import ASSIGNED_LANGS, assigned_tokenizer

__all__ = ["UNSEGMENTED", "UNSEGMENTED_RANGES", "split_words", "tokens", "tokens_for", "word_tokenizer"]

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
# The same as inclusive code-point ranges (for the compiled tokenizer and statistics).
UNSEGMENTED = [(ord(r[0]), ord(r[2])) for r in map("".join, zip(*[iter(UNSEGMENTED_RANGES)] * 3))]


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


# -- tokens: what datatrove's word tokenizers give the statistics ------------------------------------------------
#
# FineWeb and FineWeb-2 computed every word statistic over the tokens of a word tokenizer (spaCy's rule-based one
# for most languages), punctuation and symbols included: "Gopher: 80% of words contain a letter" is measured over
# them, and the n-gram statistics see them too. spaCy's tokenizer costs 10-20x a regex pass (24-34 ms against 2 ms
# per page on the bench, `benchmarks/datatrove_parity.py`), so its common behaviour is written as one left-to-right
# scan (what was a regex and a few fix-ups, now compiled: `WordTokenizer` in native/src/quality.rs) and measured
# against it by the same script:
# - whitespace separates; a URL or an e-mail address is one token;
# - a word is letters, digits and marks, joined across an inner ' or ’ or _, across "." (not lowercase.Uppercase,
#   which spaCy splits as a sentence end), across "," ":" "/" between digits ("1,000.50", "9:00", "1/2"), across
#   "-" from a letter to a digit ("COVID-19") and across "+" unless between digits ("C3+C5"); any other hyphen,
#   slash or colon is a token of its own ("well", "-", "known"); a hyphen or "+" at a word's end stays ("Kinder-",
#   "Google+");
# - a single letter followed by "." keeps it ("U.S.", "J.", "z."), and so does an English abbreviation ("Dr.");
#   any other final "." is a token;
# - "'s" / "’s" are split off ("it", "'s"), and in English also 'm 're 've 'll 'd n't ("do", "n't") and "cannot";
#   a number glued to a unit is split ("10", "km"); a "/" opening a token stays on it ("/usr");
# - every other non-space character is a token of its own, except runs of . / \ | ^ @ ~ - ("...", "./") and
#   the smileys :) ;) :-) ):.
# - German (spaCy's `de` rules): a hyphen between letters joins ("E-Mail"), a number keeps its final "." (the
#   ordinal "1."), German abbreviations keep theirs, and no clitic is split.
# Runs of scripts without spaces are split into words by ICU (`_icu_words`, here in Python).
_UNITS = (
    "km|m|cm|mm|nm|kg|g|mg|t|lb|oz|ft|yd|in|ha|mph|kmh|km/h|h|min|s|ms|ml|l|gb|mb|kb|tb|hz|khz|mhz|ghz|"
    "kw|w|v|mah|°c|°f|км|м|см|мм|кг|г"
).split("|")  # matched case-insensitively (as re.IGNORECASE), after a number's digits
# spaCy's English exceptions that keep their period (the common ones on web pages)
_EN_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr co corp inc ltd vs gov mt jan feb mar apr jun jul aug sep sept oct nov dec "
    "e.g i.e a.m p.m".split()
)
_DE_ABBREVIATIONS = frozenset(
    "bzw usw ca nr dr abs mio mrd st co abb lt ggf inkl evtl vgl hr fr str tel etc jh jhd bsp max min zzgl "
    "prof dipl ing gmbh jan feb bspw bd al sog vs".split()
)


def word_tokenizer(base: str | None) -> WordTokenizer:
    """The compiled tokenizer (`native/src/quality.rs`) of a base language code ("en", "de", any other, None)."""
    return _tokenizer(base if base in ("en", "de") else None)


@functools.lru_cache(maxsize=8)
def _tokenizer(base: str | None) -> WordTokenizer:
    english, german = base == "en", base == "de"
    abbreviations = _EN_ABBREVIATIONS if english else _DE_ABBREVIATIONS if german else None
    return WordTokenizer(
        category_ranges("M"),
        category_ranges("Lu"),
        category_ranges("Ll"),
        UNSEGMENTED,
        english,
        german,
        None if abbreviations is None else sorted(abbreviations),
        list(_UNITS),
    )


def tokens(text: str, lang: str | None = None) -> list[str]:
    """The tokens of `text` as datatrove's word tokenizers see them (case kept; punctuation and symbols are
    tokens; see above); `lang` "en" adds spaCy's English exceptions, "de" spaCy's German rules."""
    base = lang.split("-")[0].split("_")[0].lower() if lang else None
    out, runs = word_tokenizer(base).tokens(text.encode("utf-8", "surrogatepass"))
    if runs:
        pieces = [[t] for t in out]
        for i in runs:
            pieces[i] = _icu_words(out[i])
        out = [t for p in pieces for t in p]
    return out


def tokens_for(text: str, lang: str | None) -> list[str]:
    """The tokens the quality statistics of a document in `lang` are computed over: FineWeb-2's own tokenizer
    for Korean and Thai (`transforms/quality/assigned.py`: there crawlwash's tokens change the statistics),
    crawlwash's `tokens` for every other language."""
    base = lang.split("-")[0].split("_")[0].lower() if lang else None
    if base in ASSIGNED_LANGS:
        return assigned_tokenizer(base)(text)
    return tokens(text, lang)
