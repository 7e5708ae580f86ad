"""Quality signals of a document: the measuring half of the quality stage (no decisions, no Beam).

`compute_signals(text, lang)` computes every number the Gopher quality, Gopher repetition, C4 and FineWeb
rules need: one tokenization, one pass over the lines, one over the paragraphs, and an n-gram pass on integer
token ids. The deciding half (thresholds, reason codes, presets) is in `transforms/quality/filters.py`.

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
  and moves one token; the sum is over len(text). Tokens become integer ids (ranks of their hashes); n-gram ids
  are built level by level with `numpy.unique`, only at the positions where both the (n-1)-gram prefix and suffix
  repeat (no other n-gram can); only the scan over those positions is a Python loop.
- FineWeb: lines are `text.split("\n")` without the blank ones, not stripped; the line-punctuation ratio counts
  lines ending in FineWeb's stop characters (. ' " ! ?) for English, and in datatrove's TERMINAL_PUNCTUATION
  (sentence ends of many scripts) for the others and an unknown language, as FineWeb-2 ran it; a short line has at
  most `short_line_length` characters; the duplicate-character ratio is the characters of repeated lines over
  the characters that are not newlines; the newline ratio is newlines per token.
- C4 lines follow TFDS/datatrove: strip, drop lines with a word over the max length, remove citations, keep
  only lines ending in . ? ! " ' (and not "..."), with at least 3 words, not mentioning javascript or policy
  phrases; "lorem ipsum" or "{" in such a line marks the page. `c4_sentences` counts sentence ends in the kept
  lines (a regex, where datatrove runs spaCy's sentencizer over each kept line).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from transforms.quality.punctuation import (
    FINEWEB_STOP_CHARS,
    PROSE_PUNCTUATION,
    PUNCTUATION_SET,
    TERMINAL_PUNCTUATION,
)
from transforms.quality.stopwords import stop_words_for
from transforms.quality.words import UNSEGMENTED_RANGES, tokens_for

__all__ = [
    "UNSEGMENTED_LANGS",
    "SIGNAL_TYPES",
    "SignalParams",
    "base_lang",
    "compute_signals",
    "is_unsegmented",
]

_PARA_SPLIT_RE = re.compile(r"\n{2,}")
_LINE_SPLIT_RE = re.compile(r"\n+")
_UNSEG_RE = re.compile(f"[{UNSEGMENTED_RANGES}]")
_CITATION_RE = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
_SENTENCE_END_RE = re.compile(r"[.!?]+['\"”’»)\]]*(?=\s|$)")

BULLETS = ("•", "-")
ELLIPSES = ("...", "…")
C4_LINE_ENDS = (".", "?", "!", '"', "'")
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


def _duplicates(items: list[str]) -> tuple[int, int]:
    """(number of items equal to an earlier one, their characters): datatrove's `find_duplicates`."""
    seen: set[str] = set()
    dup = dup_chars = 0
    for it in items:
        if it in seen:
            dup += 1
            dup_chars += len(it)
        else:
            seen.add(it)
    return dup, dup_chars


def _greedy_dup_chars(cand: np.ndarray, ids: np.ndarray, spans: np.ndarray, n: int) -> int:
    """datatrove's `find_all_duplicate` over the candidate positions only: the scan visits positions left to
    right, and at one whose n-gram it has already recorded adds its characters and jumps n positions ahead;
    positions whose n-gram occurs once in the text can never be found again, so they are passed over."""
    seen: set[int] = set()
    total = 0
    nxt = 0  # the next position the scan visits
    for p, g, span in zip(cand.tolist(), ids.tolist(), spans.tolist()):
        if p < nxt:
            continue  # inside an n-gram already counted
        if g in seen:
            total += span
            nxt = p + n
        else:
            seen.add(g)
            nxt = p + 1
    return total


def _ngram_signals(words: list[str], n_chars: int, out: dict[str, float | int]) -> None:
    for n in TOP_NGRAM_SIZES:
        out[f"top_{n}gram_char_frac"] = 0.0
    for n in DUP_NGRAM_SIZES:
        out[f"dup_{n}gram_char_frac"] = 0.0
    count = len(words)
    if not n_chars or count < 2:
        return
    lens = np.fromiter(map(len, words), dtype=np.int64, count=count)
    cum = np.concatenate(([0], np.cumsum(lens)))
    # An n-gram seen once is the most frequent when none repeats: the first one (Counter.most_common's order).
    for n in TOP_NGRAM_SIZES:
        if count >= n:
            out[f"top_{n}gram_char_frac"] = (int(cum[n]) + n - 1) / n_chars
    # Token ids: ranks of the tokens' hashes (a 64-bit collision inside one document is negligible, and no result
    # depends on the order of the ids).
    _, ids, cnt1 = np.unique(
        np.fromiter(map(hash, words), dtype=np.int64, count=count), return_inverse=True, return_counts=True
    )
    n_vocab = len(cnt1)
    if n_vocab == count:  # no token repeats, so no n-gram does
        return
    key = ids  # id of the (n-1)-gram starting at each position (meaningful where `dup`)
    dup = cnt1[ids] > 1
    for n in range(2, DUP_NGRAM_SIZES[-1] + 1):
        m = count - n + 1  # number of n-grams
        if m < 2:
            return
        # An n-gram can repeat only where both its (n-1)-gram prefix and suffix repeat: only those positions
        # are ranked; the id of a candidate is the rank of (prefix id, last token id), exact, no strings.
        cand = np.flatnonzero(dup[:m] & dup[1 : m + 1])
        if cand.size < 2:
            return
        pair = key[cand] * n_vocab + ids[cand + (n - 1)]
        _, inv, cnt = np.unique(pair, return_inverse=True, return_counts=True)
        occ = cnt[inv]  # occurrences of the n-gram at each candidate position
        repeated = occ > 1
        if not repeated.any():  # no n-gram repeats: no longer one can either
            return
        key = np.zeros(m, dtype=np.int64)
        key[cand] = inv
        dup = np.zeros(m, dtype=bool)
        dup[cand] = repeated
        rep = cand[repeated]
        spans = cum[rep + n] - cum[rep]  # characters of the n-gram joined without spaces
        if n in TOP_NGRAM_SIZES:
            top = int(cnt.max())
            first = int(cand[occ == top].min())  # the earliest first occurrence among the most frequent
            out[f"top_{n}gram_char_frac"] = (int(cum[first + n] - cum[first]) + n - 1) * top / n_chars
        if n in DUP_NGRAM_SIZES:
            out[f"dup_{n}gram_char_frac"] = _greedy_dup_chars(rep, inv[repeated], spans, n) / n_chars


def compute_signals(
    text: str, lang: str | None = None, params: SignalParams | None = None, tokens: list[str] | None = None
) -> dict[str, float | int]:
    """All quality signals of `text` (keys: SIGNAL_TYPES); `lang` selects the tokenizer, the stop words and the
    FineWeb line ends; `tokens`, when given, replace the tokenizer's (`benchmarks/tokenizer_compare.py` hands in
    another tokenizer's tokens to measure what it would change)."""
    p = params or _DEFAULT_PARAMS
    s: dict[str, float | int] = {"chars": len(text)}
    words = tokens_for(text, lang) if tokens is None else tokens
    _word_signals(text, words, lang, s)
    _gopher_line_signals(text, s)
    _repetition_signals(text, s)
    _fineweb_signals(text, len(words), lang, p, s)
    _c4_signals(text.splitlines(), p, s)
    _ngram_signals(words, len(text), s)
    return {k: s[k] for k in SIGNAL_TYPES}


def _is_word(token: str) -> bool:
    """A token with a character outside datatrove's punctuation (what Gopher counts as a word)."""
    return not PUNCTUATION_SET.issuperset(token)


def _word_signals(text: str, words: list[str], lang: str | None, s: dict[str, float | int]) -> None:
    """Gopher quality's token statistics, counted once per distinct token."""
    counts = Counter(words)
    n_tokens = len(words)
    n_words = word_chars = alpha = unseg = prose = 0
    for t, c in counts.items():
        if _is_word(t):
            n_words += c
            word_chars += len(t) * c
        elif PROSE_PUNCTUATION.issuperset(t):
            prose += c
        if any(ch.isalpha() for ch in t):
            alpha += c
        if _UNSEG_RE.match(t):
            unseg += len(t) * c
    s["words"] = n_words
    s["unsegmented_char_frac"] = unseg / word_chars if word_chars else 0.0
    s["mean_word_length"] = word_chars / n_words if n_words else 0.0
    s["hash_word_ratio"] = text.count("#") / n_tokens if n_tokens else 0.0
    s["ellipsis_word_ratio"] = (text.count("...") + text.count("…")) / n_tokens if n_tokens else 0.0
    # datatrove divides by every token; the punctuation of running text is left out here (a deliberate difference,
    # measured: README "Quality statistics"), symbol tokens still count
    s["alpha_words_frac"] = alpha / (n_tokens - prose) if n_tokens > prose else 0.0
    stop = stop_words_for(lang)
    s["stop_words"] = -1 if stop is None else len(stop.intersection(counts))


def _gopher_line_signals(text: str, s: dict[str, float | int]) -> None:
    lines = text.splitlines()
    n = len(lines)
    s["bullet_lines_frac"] = sum(1 for ln in lines if ln.lstrip().startswith(BULLETS)) / n if n else 0.0
    s["ellipsis_lines_frac"] = sum(1 for ln in lines if ln.rstrip().endswith(ELLIPSES)) / n if n else 0.0


def _repetition_signals(text: str, s: dict[str, float | int]) -> None:
    n_chars = len(text)
    paras = _PARA_SPLIT_RE.split(text.strip())
    dup, dup_chars = _duplicates(paras)
    s["paragraphs"] = sum(1 for pp in paras if pp)
    s["dup_para_frac"] = dup / len(paras)
    s["dup_para_char_frac"] = dup_chars / n_chars if n_chars else 0.0
    lines = _LINE_SPLIT_RE.split(text)
    dup, dup_chars = _duplicates(lines)
    s["dup_line_frac"] = dup / len(lines)
    s["dup_line_char_frac"] = dup_chars / n_chars if n_chars else 0.0


def fineweb_line_ends(lang: str | None) -> tuple[str, ...]:
    """The line ends of the FineWeb line-punctuation rule: FineWeb's for English (the value it calibrated is the
    quality section's own), datatrove 0.10.1's default TERMINAL_PUNCTUATION for every other language (FineWeb-2's)
    and an unknown one (whose text may be in any script)."""
    return FINEWEB_STOP_CHARS if base_lang(lang) == "en" else TERMINAL_PUNCTUATION


def _fineweb_signals(
    text: str, n_tokens: int, lang: str | None, p: SignalParams, s: dict[str, float | int]
) -> None:
    lines = [ln for ln in text.split("\n") if ln.strip()]
    n = len(lines)
    s["lines"] = n
    if n:
        ends = fineweb_line_ends(lang)
        short = p.fineweb_short_line_length_chars
        s["fineweb_line_punct_ratio"] = sum(1 for ln in lines if ln.endswith(ends)) / n
        s["fineweb_short_line_ratio"] = sum(1 for ln in lines if len(ln) <= short) / n
    else:
        s["fineweb_line_punct_ratio"] = 0.0
        s["fineweb_short_line_ratio"] = 1.0
    no_newlines = len(text) - text.count("\n")
    s["fineweb_char_dup_ratio"] = _duplicates(lines)[1] / no_newlines if no_newlines else 0.0
    s["fineweb_newline_word_ratio"] = text.count("\n") / n_tokens if n_tokens else 0.0


def _c4_signals(raw_lines: list[str], p: SignalParams, s: dict[str, float | int]) -> None:
    """C4 as a document filter: the sentences of the lines C4 would keep, and its page-level marks."""
    sentences = lorem = curly = 0
    max_len = p.c4_max_word_length_chars
    for raw in raw_lines:
        ln = raw.strip()
        if not ln:
            continue
        if len(ln) > max_len and any(len(w) > max_len for w in ln.split()):
            continue
        if p.c4_remove_citations and "[" in ln:
            ln = _CITATION_RE.sub("", ln)
        if not ln.endswith(C4_LINE_ENDS) or ln.endswith("..."):
            continue
        if len(ln.split()) < p.c4_min_words_per_line:
            continue
        low = ln.lower()
        if "lorem ipsum" in low:
            lorem = 1
            continue
        if p.c4_filter_javascript_lines and "javascript" in low:
            continue
        if "{" in ln:
            curly = 1
            continue
        if p.c4_filter_policy_lines and any(ph in low for ph in C4_POLICY_PHRASES):
            continue
        sentences += max(1, len(_SENTENCE_END_RE.findall(ln)))
    s["c4_sentences"] = sentences
    s["c4_lorem_ipsum"] = lorem
    s["c4_curly_bracket"] = curly
