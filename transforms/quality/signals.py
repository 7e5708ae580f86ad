"""Quality signals of a document: the measuring half of the quality stage (no decisions, no Beam).

`compute_signals(text, lang)` computes every number the Gopher quality, Gopher repetition, C4 and FineWeb
rules need, in one pass family over the text: one tokenization of the lowercased text, one pass over its
lines, one over its paragraphs, and an n-gram pass on integer word ids. The deciding half (thresholds, reason
codes, presets) is in `transforms/quality/filters.py`.

Definitions (where they differ from datatrove, it is on purpose and said here):
- Words (`transforms/quality/words.py`): runs of letters/digits (inner ' ’ - . , allowed: "don't", "173,569",
  "e.g") found by one regex on the lowercased text; punctuation and symbols are not words. Runs of scripts
  written without spaces (Han, Kana, Thai, Lao, Khmer, Myanmar, Tibetan) are split into words by ICU's word
  break iterator, so word counts, word lengths and n-grams mean the same in every language.
- Lines are the non-empty lines after stripping (blank lines between paragraphs do not count as lines, so the
  same text scores the same whether paragraphs are separated by one newline or two); paragraphs are split at
  blank lines.
- Repetition n-grams are over the words; "top n-gram char frac"
  is (occurrences of the most frequent n-gram, counted only if it occurs more than once) x (its characters) /
  (all word characters), capped at 1; "dup n-gram char frac" is the fraction of word characters covered by any
  occurrence of an n-gram that occurs more than once (RedPajama-v2's definition). Words become integer ids
  (ranks of their hashes); n-gram ids are built level by level from (n-1)-gram ids with `numpy.unique`, only
  at the positions where both the (n-1)-gram prefix and suffix repeat (no other n-gram can), so no strings are
  joined; when no n-gram repeats at some length, no longer one does, and the pass stops.
- C4 lines follow TFDS/datatrove: strip, drop lines with a word over the max length, remove citations, keep
  only lines ending in . ? ! " ' (and not "..."), with at least 3 words, not mentioning javascript or policy
  phrases; "lorem ipsum" or "{" in such a line marks the page. `c4_sentences` counts sentence ends in the kept
  lines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from transforms.quality.stopwords import stop_words_for
from transforms.quality.words import split_words

__all__ = [
    "UNSEGMENTED_LANGS",
    "SIGNAL_TYPES",
    "SignalParams",
    "base_lang",
    "compute_signals",
    "is_unsegmented",
]

_HAS_ALPHA_RE = re.compile(r"[^\W\d_]")
_PARA_SPLIT_RE = re.compile(r"\n[ \t\r\f\v]*\n")
_CITATION_RE = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
_SENTENCE_END_RE = re.compile(r"[.!?]+['\"”’»)\]]*(?=\s|$)")

BULLETS = ("•", "‣", "◦", "▪", "▫", "●", "○", "■", "□", "·", "►", "▸", "➢", "✓", "✔", "*", "-")
ELLIPSES = ("...", "…")
# FineWeb's stop characters (. ' " ! ?) plus the sentence ends of other scripts FineWeb-2's languages use: CJK
# full-width (。！？｡), Devanagari/Bengali danda (। ॥), Myanmar (။), Arabic/Urdu (؟ ۔), Armenian (։), Ethiopic (።),
# Tibetan (།), and typographic closing quotes.
FINEWEB_LINE_ENDS = (
    ".", "'", '"', "!", "?", "。", "！", "？", "｡", "”", "“", "’", "»", "«", "」", "』", "।", "॥", "။", "؟", "۔",
    "։", "።", "།",
)  # fmt: skip
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
    """(number of items that repeat an earlier one, their characters)."""
    seen: set[str] = set()
    dup = dup_chars = 0
    for it in items:
        if it in seen:
            dup += 1
            dup_chars += len(it)
        else:
            seen.add(it)
    return dup, dup_chars


def _ngram_signals(tokens: list[str], counts: Counter[str], out: dict[str, float | int]) -> None:
    for n in TOP_NGRAM_SIZES:
        out[f"top_{n}gram_char_frac"] = 0.0
    for n in DUP_NGRAM_SIZES:
        out[f"dup_{n}gram_char_frac"] = 0.0
    count = len(tokens)
    n_vocab = len(counts)
    if count < 2 or n_vocab == count:  # no word repeats, so no n-gram does
        return
    # Word ids: ranks of the words' hashes (a 64-bit collision inside one document is negligible, and no
    # result depends on the order of the ids).
    ids_hash = np.array(list(map(hash, tokens)), dtype=np.int64)
    _, ids, cnt1 = np.unique(ids_hash, return_inverse=True, return_counts=True)
    lens = np.array(list(map(len, tokens)), dtype=np.int64)
    total = int(lens.sum())
    cum = np.concatenate(([0], np.cumsum(lens)))
    key = ids  # id of the (n-1)-gram starting at each position (meaningful where `dup`)
    dup = cnt1[ids] > 1
    for n in range(2, DUP_NGRAM_SIZES[-1] + 1):
        m = count - n + 1  # number of n-grams
        if m < 2:
            return
        # An n-gram can repeat only where both its (n-1)-gram prefix and suffix repeat: only those positions
        # are ranked; the id of a candidate is the rank of (prefix id, last word id), exact, no strings.
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
        if n in TOP_NGRAM_SIZES:
            top = cnt.max()
            starts = cand[occ == top]
            best = int((cum[starts + n] - cum[starts]).max())  # among the most frequent, the longest
            out[f"top_{n}gram_char_frac"] = min(1.0, int(top) * best / total)
        if n in DUP_NGRAM_SIZES:
            covered = np.convolve(dup.astype(np.int32), np.ones(n, dtype=np.int32))[:count] > 0
            out[f"dup_{n}gram_char_frac"] = int(lens[covered].sum()) / total


def compute_signals(
    text: str, lang: str | None = None, params: SignalParams | None = None
) -> dict[str, float | int]:
    """All quality signals of `text` (keys: SIGNAL_TYPES); `lang` selects word counting and stop words."""
    p = params or _DEFAULT_PARAMS
    s: dict[str, float | int] = {"chars": len(text)}
    tokens, counts, n_words = _word_signals(text, lang, p, s)
    lines = [ln for ln in (raw.strip() for raw in text.splitlines()) if ln]
    _line_signals(text, lines, n_words, p, s)
    _paragraph_signals(text, s)
    _c4_signals(lines, p, s)
    _ngram_signals(tokens, counts, s)
    return {k: s[k] for k in SIGNAL_TYPES}


def _word_signals(
    text: str, lang: str | None, p: SignalParams, s: dict[str, float | int]
) -> tuple[list[str], Counter[str], int]:
    """Word signals from one tokenization of the lowercased text, counted once (per-word work runs per distinct
    word); returns (tokens, their counts, the number of words)."""
    tokens, n_unseg = split_words(text.lower())
    counts = Counter(tokens)
    n_tokens = n_words = len(tokens)
    word_chars = sum(len(t) * c for t, c in counts.items())
    s["words"] = n_words
    s["unsegmented_char_frac"] = n_unseg / word_chars if word_chars else 0.0
    s["mean_word_length"] = word_chars / n_words if n_words else 0.0
    s["hash_word_ratio"] = text.count("#") / n_words if n_words else 0.0
    s["ellipsis_word_ratio"] = (text.count("...") + text.count("…")) / n_words if n_words else 0.0
    isalpha = str.isalpha
    alpha = sum(c for t, c in counts.items() if isalpha(t[0]) or _HAS_ALPHA_RE.search(t))
    s["alpha_words_frac"] = alpha / n_tokens if n_tokens else 0.0
    stop = stop_words_for(lang)
    s["stop_words"] = -1 if stop is None else sum(counts[w] for w in stop if w in counts)
    return tokens, counts, n_words


def _line_signals(
    text: str, lines: list[str], n_words: int, p: SignalParams, s: dict[str, float | int]
) -> None:
    n_chars = len(text)
    n_lines = len(lines)
    s["lines"] = n_lines
    dup_lines, dup_line_chars = _duplicates(lines)
    if n_lines:
        short = p.fineweb_short_line_length_chars
        s["bullet_lines_frac"] = sum(1 for ln in lines if ln.startswith(BULLETS)) / n_lines
        s["ellipsis_lines_frac"] = sum(1 for ln in lines if ln.endswith(ELLIPSES)) / n_lines
        s["dup_line_frac"] = dup_lines / n_lines
        # a table row "| text. |" (trafilatura's cell marks) ends where its text ends
        s["fineweb_line_punct_ratio"] = (
            sum(1 for ln in lines if ln.rstrip("| ").endswith(FINEWEB_LINE_ENDS)) / n_lines
        )
        s["fineweb_short_line_ratio"] = sum(1 for ln in lines if len(ln) <= short) / n_lines
    else:
        for k in ("bullet_lines_frac", "ellipsis_lines_frac", "dup_line_frac", "fineweb_line_punct_ratio"):
            s[k] = 0.0
        s["fineweb_short_line_ratio"] = 1.0
    s["dup_line_char_frac"] = dup_line_chars / n_chars if n_chars else 0.0
    no_newlines = n_chars - text.count("\n")
    s["fineweb_char_dup_ratio"] = dup_line_chars / no_newlines if no_newlines else 0.0
    s["fineweb_newline_word_ratio"] = max(n_lines - 1, 0) / n_words if n_words else 0.0


def _paragraph_signals(text: str, s: dict[str, float | int]) -> None:
    paras = [pp for pp in (raw.strip() for raw in _PARA_SPLIT_RE.split(text)) if pp]
    s["paragraphs"] = len(paras)
    dup_paras, dup_para_chars = _duplicates(paras)
    s["dup_para_frac"] = dup_paras / len(paras) if paras else 0.0
    s["dup_para_char_frac"] = dup_para_chars / len(text) if text else 0.0


def _c4_signals(lines: list[str], p: SignalParams, s: dict[str, float | int]) -> None:
    """C4 as a document filter: the sentences of the lines C4 would keep, and its page-level marks."""
    sentences = lorem = curly = 0
    max_len = p.c4_max_word_length_chars
    for ln in lines:
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
