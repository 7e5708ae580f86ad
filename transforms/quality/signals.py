"""Quality signals of a document: the measuring half of the quality stage (no decisions, no Beam).

`compute_signals(text, lang)` computes every number the Gopher quality, Gopher repetition, C4 and FineWeb
rules need: one tokenization, then one compiled call (`native/src/quality.rs`, `_native.QualityMeasure`) for the
token statistics, the passes over the lines and paragraphs, and the n-gram pass on integer token ids. The
deciding half (thresholds, reason codes, presets) is in `transforms/quality/filters.py`.

Every statistic is defined as datatrove 0.10.1 defines it (`pipeline/filters/{gopher_quality,gopher_repetition,
fineweb_quality}_filter.py`), the code FineWeb's and FineWeb-2's thresholds were calibrated with;
`benchmarks/datatrove_parity.py` checks it against datatrove itself on real documents:
- Tokens (`transforms/quality/words.py`): datatrove's word tokenizers keep punctuation and symbols as tokens; so
  do ours (case kept). "Words" (the Gopher word count and mean word length) are the tokens with a character
  outside datatrove's `PUNCTUATION_SET`; the hash and ellipsis ratios and the newline ratio divide by all tokens.
  The share of tokens with a letter divides by all tokens but those made only of the punctuation of running text
  (`PROSE_PUNCTUATION`: sentence ends, commas, quotes, brackets, dashes), the one deliberate difference from
  datatrove: symbol junk ("./!*?<><>") and digits still lower it, a comma does not (README, "Quality statistics").
- Stop words: the number of *distinct* stop words among the tokens (`len(stop_words & set(tokens))`: Gopher's "at
  least two of these words").
- Gopher lines: `text.splitlines()` (blank lines count); a bullet line starts with "•" or "-" after leading
  spaces, an ellipsis line ends with "..." or "…" before trailing spaces.
- Repetition: paragraphs are `re.split(r"\n{2,}", text.strip())`, lines `re.split(r"\n+", text)`; a duplicate is
  an element equal to an earlier one, its characters are counted, fractions of characters are over `len(text)`.
  "top n-gram char frac" is len(" ".join(g)) x count(g) / len(text) for the most frequent n-gram g (the first
  seen among ties; an n-gram seen once counts too); "dup n-gram char frac" scans the tokens left to right, and at
  an n-gram already seen adds its characters (tokens joined without spaces) and jumps past it, else records it
  and moves one token; the sum is over len(text). Tokens become integer ids (exact: equal strings, equal ids);
  n-gram ids are built level by level, only at the positions where both the (n-1)-gram prefix and suffix repeat
  (no other n-gram can).
- FineWeb: lines are `text.split("\n")` without the blank ones, not stripped; the line-punctuation ratio counts
  lines ending in FineWeb's stop characters (. ' " ! ?) for English, and in datatrove's TERMINAL_PUNCTUATION
  (sentence ends of many scripts) for the others and an unknown language, as FineWeb-2 ran it; a short line has at
  most `short_line_length` characters; the duplicate-character ratio is the characters of repeated lines over
  the characters that are not newlines; the newline ratio is newlines per token.
- C4 lines follow TFDS/datatrove: strip, drop lines with a word over the max length, remove citations, keep
  only lines ending in . ? ! " ' (and not "..."), with at least 3 words, not mentioning javascript or policy
  phrases; "lorem ipsum" or "{" in such a line marks the page. `c4_sentences` counts sentence ends in the kept
  lines (a run of . ! ? then closing quotes or brackets, before a space or the line's end; datatrove runs spaCy's
  sentencizer over each kept line); the phrases are looked for in `line.lower()`; a citation is "[" decimal
  digits "]", "[edit]" or "[citation needed]".
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from transforms.core._native import QualityMeasure
from transforms.quality.punctuation import (
    FINEWEB_STOP_CHARS,
    PROSE_PUNCTUATION,
    PUNCTUATION_SET,
    TERMINAL_PUNCTUATION,
)
from transforms.quality.stopwords import stop_words_for
from transforms.quality.assigned import ASSIGNED_LANGS
from transforms.quality.words import UNSEGMENTED, tokens_for, word_tokenizer

__all__ = [
    "UNSEGMENTED_LANGS",
    "SIGNAL_TYPES",
    "SignalParams",
    "base_lang",
    "compute_signals",
    "is_unsegmented",
]

# The phrases of C4's policy-line rule (lowercase ASCII: they are looked for in the lowercased line).
C4_POLICY_PHRASES = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)

# Languages written without spaces between words (their words come from ICU, `transforms/quality/words.py`).
UNSEGMENTED_LANGS = frozenset({"zh", "yue", "wuu", "ja", "th", "lo", "km", "my", "bo"})

TOP_NGRAM_SIZES = (2, 3, 4)
DUP_NGRAM_SIZES = (5, 6, 7, 8, 9, 10)

# Every signal, in column order, with its kind ("int" or "float").
SIGNAL_TYPES: dict[str, str] = {
    "chars": "int",
    "words": "int",
    "lines": "int",
    "paragraphs": "int",
    "unsegmented_char_frac": "float",
    "mean_word_length": "float",
    "hash_word_ratio": "float",
    "ellipsis_word_ratio": "float",
    "bullet_lines_frac": "float",
    "ellipsis_lines_frac": "float",
    "alpha_words_frac": "float",
    "stop_words": "int",  # -1: no stop-word list for the language
    "dup_line_frac": "float",
    "dup_para_frac": "float",
    "dup_line_char_frac": "float",
    "dup_para_char_frac": "float",
    **{f"top_{n}gram_char_frac": "float" for n in TOP_NGRAM_SIZES},
    **{f"dup_{n}gram_char_frac": "float" for n in DUP_NGRAM_SIZES},
    "c4_sentences": "int",
    "c4_lorem_ipsum": "int",
    "c4_curly_bracket": "int",
    "fineweb_line_punct_ratio": "float",
    "fineweb_short_line_ratio": "float",
    "fineweb_char_dup_ratio": "float",
    "fineweb_newline_word_ratio": "float",
}


@dataclass(frozen=True, slots=True)
class SignalParams:
    """The few settings that change how signals are measured (thresholds are applied later, in quality.py)."""

    c4_min_words_per_line: int = 3
    c4_max_word_length_chars: int = 1000
    c4_remove_citations: bool = True
    c4_filter_javascript_lines: bool = True
    c4_filter_policy_lines: bool = True
    fineweb_short_line_length_chars: int = 30


_DEFAULT_PARAMS = SignalParams()


def base_lang(lang: str | None) -> str | None:
    """ "zh-Hant" -> "zh", "pt_BR" -> "pt", None -> None."""
    if not lang:
        return None
    return lang.replace("_", "-").split("-")[0].lower()


def is_unsegmented(lang: str | None, signals: Mapping[str, float | int]) -> bool:
    """True for a language written without spaces, or an unknown one whose words are mostly such script."""
    b = base_lang(lang)
    if b is not None and b in UNSEGMENTED_LANGS:
        return True
    return b is None and signals["unsegmented_char_frac"] > 0.5


def compute_signals(
    text: str, lang: str | None = None, params: SignalParams | None = None, tokens: list[str] | None = None
) -> dict[str, float | int]:
    """All quality signals of `text` (keys: SIGNAL_TYPES); `lang` selects the tokenizer, the stop words and the
    FineWeb line ends; `tokens`, when given, replace the tokenizer's (`benchmarks/tokenizer_compare.py` hands in
    another tokenizer's tokens to measure what it would change)."""
    base = base_lang(lang)
    measure = _measure(base, params or _DEFAULT_PARAMS)
    raw = text.encode("utf-8", "surrogatepass")
    out = None
    if tokens is None and base not in ASSIGNED_LANGS:
        # tokens and statistics in one call; None where the text has unsegmented script (ICU's words, below)
        out = measure.text_signals(word_tokenizer(base), raw)
    if out is None:
        out = measure.signals(raw, tokens_for(text, lang) if tokens is None else list(tokens))
    ints, floats = out
    s = dict(zip(_NATIVE_ORDER, ints + floats))
    return {k: s[k] for k in SIGNAL_TYPES}


_NATIVE_ORDER = (*QualityMeasure.INT_SIGNALS, *QualityMeasure.FLOAT_SIGNALS)


@functools.lru_cache(maxsize=512)
def _measure(base: str | None, p: SignalParams) -> QualityMeasure:
    """The compiled measurer of one language and parameters (`native/src/quality.rs`), built once."""
    stop = stop_words_for(base)
    return QualityMeasure(
        "".join(sorted(PUNCTUATION_SET)),
        "".join(sorted(PROSE_PUNCTUATION)),
        UNSEGMENTED,
        None if stop is None else sorted(stop),
        "".join(fineweb_line_ends(base)),
        list(C4_POLICY_PHRASES),
        p.c4_min_words_per_line,
        p.c4_max_word_length_chars,
        p.c4_remove_citations,
        p.c4_filter_javascript_lines,
        p.c4_filter_policy_lines,
        p.fineweb_short_line_length_chars,
    )


def fineweb_line_ends(lang: str | None) -> tuple[str, ...]:
    """The line ends of the FineWeb line-punctuation rule: FineWeb's for English (the value it calibrated is the
    quality section's own), datatrove 0.10.1's default TERMINAL_PUNCTUATION for every other language (FineWeb-2's)
    and an unknown one (whose text may be in any script)."""
    return FINEWEB_STOP_CHARS if base_lang(lang) == "en" else TERMINAL_PUNCTUATION
