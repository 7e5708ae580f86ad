"""Word-frequency evidence of a line's language: a unigram model over the `wordfreq` lists (pure core, no Beam).

fastText's `lid.176.ftz` reads a line as a bag of character n-grams and averages them: on short, code-mixed lines
("Link SLOT88 terbaru: login alternatif anti blokir, deposit 10 ribu") the shared loanwords (login, deposit, bonus,
slot, online) outweigh the words only one language has, and it says English. A unigram model weighs each word by
how frequent it is in each language: "ribu", "terbaru", "blokir" are common Indonesian and (almost) absent from
English, while "deposit" and "bonus" are common in both and cancel out. The evidence for a foreign language F
against the document's language N is the log-likelihood ratio

    LLR(F) = sum over the line's words of log10 f(w, F) - log10 f(w, N)

over the line's distinct lowercase words (`counted_words`), with f floored at 10^`FLOOR_LOG10` (a word neither list
has adds nothing; a brand name or a typo adds nothing either). A language group's score is the best of its members
per word (`id`/`ms`, `no`/`da`), so a document's sibling languages are never foreign. Besides the ratio, the share
of the line's letters in words that favour F (by more than a factor of 10^0.5) says how much of the line is in F;
words both languages use alike (within that factor: loanwords such as bonus, member, deposit, jackpot, and words
neither list has) are left out of it, so the loanwords of code-mixed spam do not hide the words only F has
("Hanya di BOLA855: bonus new member 15%, bisa deposit via dana, ovo dan gopay" is 0.32 Indonesian over all of
its letters and 0.67 over the letters of the words that tell the two languages apart).

The lists are wordfreq's "small" lists (words with a frequency of at least 1e-6 in each of 39 languages written
with spaces: Chinese, Japanese and Korean need a segmenter and are left out), packed once per worker into one
sorted array of 1.27 million word hashes and one uint8 matrix of frequencies (~60 MB), built lazily in the
process that uses it. Words are hashed with xxh3-64, which is stable across processes, so the packed index is
built once per machine (~2.5 s) and kept in the cache directory (`CRAWLWASH_CACHE_DIR`, else
`$XDG_CACHE_HOME/crawlwash`, else `~/.cache/crawlwash`), keyed by the wordfreq version and the packing format;
every later process loads it in a few milliseconds. An unwritable cache directory only costs the build.
The data is wordfreq's (Apache-2.0 code, CC-BY-SA 4.0 data), shipped inside its wheel: nothing is downloaded.

Tokenizing, lowercasing, hashing, looking the words up and scoring them run in the compiled extension
(`native/src/wordlm.rs`), which reads the packed arrays in place; its arithmetic is numpy's, step for step (float32
frequencies, a line's sum over its words in the order of their hashes, as `np.add.reduceat` adds), so the figures
are the ones this model gave when it was written with numpy.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path

import numpy as np
from xxhash import xxh3_64_intdigest

from transforms.core import _native
from transforms.core.cache import cache_dir
from transforms.core.charclass import category_ranges

__all__ = ["FLOOR_LOG10", "WordFrequencyModel", "counted_words"]

log = logging.getLogger(__name__)

# wordfreq codes -> the codes lid.176 emits (the rest are the same).
_TO_LID = {"nb": "no", "fil": "tl", "sh": "hr"}
# Languages without spaces between words (wordfreq tokenizes them with jieba/MeCab, which we do not use).
_UNSEGMENTED = frozenset({"zh", "ja", "ko"})
# Frequencies are stored as -cB/4 (cB = centibels, 100 * log10 f): 1..250 in a uint8; 0 = not in the list.
_STEP = 4
FLOOR_LOG10 = -7.0  # a word missing from a list counts as frequency 1e-7 (the lists stop at ~1e-6)
_FLOOR_CODE = int(-FLOOR_LOG10 * 100 / _STEP)

# `segment`: the longest word looked up, the longest text split, the cost of each letter of an unknown piece.
_SEGMENT_MAX_WORD = 20
_SEGMENT_MAX_CHARS = 60
_UNKNOWN_PER_LETTER = 1.5
_PIECE_COST = 3.0

_UTF8 = ("utf-8", "surrogatepass")


def _stable_hash(word: str) -> int:
    """The hash the index is keyed by (xxh3-64 of the word's UTF-8; `native/src/wordlm.rs` hashes as this does)."""
    return xxh3_64_intdigest(word.encode(*_UTF8))


_CACHE_FORMAT = 2  # bump when the packing or the files change (2: one .npy per array, memory-mapped)
_CACHE_ARRAYS = ("hashes", "codes", "langs")


def counted_words(text: str) -> list[str]:
    """The words of `text` that count as evidence: lowercased, letters only, two letters or more, and starting with
    a lowercase letter. Capitalized words are names, brands, titles ("The Pain That Is Unlike All Other Pain" in a
    German article), menu and calendar labels ("January | Su | Mo | Tu"): they say little about the language a
    line is written in, and title-case English is everywhere in other languages' pages. (A German line's nouns
    and first word are left out too; its evidence is then its verbs, articles and adjectives.)

    A word is `(?<![^\\W\\d_])[Ll][^\\W\\d_]*(?:['\\u2019][^\\W\\d_]+)*` (Ll: the Basic Multilingual Plane's lowercase
    letters, `charclass.category_ranges`), two letters or more, lowercased as `str.lower` does; the compiled
    extension finds them (`native/src/wordlm.rs`), for `WordFrequencyModel.llr_many` as here."""
    return _native.counted_words(text.encode(*_UTF8), category_ranges("Ll"))


def _pack_wordfreq() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """wordfreq's small lists -> (sorted unique word hashes, words x languages uint8 codes, wordfreq codes)."""
    from wordfreq import available_languages, read_cBpack

    files = available_languages("small")
    langs = sorted(lang for lang in files if lang not in _UNSEGMENTED)
    per_lang: list[tuple[np.ndarray, np.ndarray]] = []
    for lang in langs:
        words: list[str] = []
        codes: list[int] = []
        for i, bucket in enumerate(read_cBpack(str(files[lang]))):
            if bucket:
                words.extend(bucket)
                codes.extend([min(max(1, round(i / _STEP)), 255)] * len(bucket))
        h = np.fromiter(map(_stable_hash, words), dtype=np.uint64, count=len(words))
        h, first = np.unique(h, return_index=True)  # a word listed twice keeps its highest frequency
        per_lang.append((h, np.asarray(codes, dtype=np.uint8)[first]))
    hashes = np.unique(np.concatenate([h for h, _ in per_lang]))
    table = np.zeros((len(hashes), len(langs)), dtype=np.uint8)
    for j, (h, c) in enumerate(per_lang):
        table[np.searchsorted(hashes, h), j] = c
    return hashes, table, tuple(langs)


def _cache_files(stem: Path) -> dict[str, Path]:
    return {name: stem.with_name(f"{stem.name}.{name}.npy") for name in _CACHE_ARRAYS}


def _save_atomic(stem: Path, **arrays: np.ndarray) -> None:
    """Write one .npy per array next to its final name and rename it into place; a failure is logged, never
    raised."""
    try:
        stem.parent.mkdir(parents=True, exist_ok=True)
        for name, path in _cache_files(stem).items():
            fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                np.save(fh, arrays[name], allow_pickle=False)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
    except OSError as exc:
        log.info("cannot cache the word-frequency index at %s (%s): it is rebuilt per process", stem, exc)


def _load_cached(stem: Path) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """The cached arrays, memory-mapped (a process reads only the pages its lookups touch: a short run does not
    read 60 MB first)."""
    files = _cache_files(stem)
    hashes, table = (np.load(files[name], mmap_mode="r", allow_pickle=False) for name in ("hashes", "codes"))
    langs = tuple(np.load(files["langs"], allow_pickle=False).tolist())
    if hashes.dtype != np.uint64 or table.shape != (len(hashes), len(langs)):
        raise ValueError(f"{stem}: a damaged word-frequency index")
    return hashes, table, langs


class WordFrequencyModel:
    """Per-language unigram frequencies of wordfreq's small lists; `llr` scores a line against a language group.

    Built on first use, once per worker process.
    """

    def __init__(self) -> None:
        self._hashes: np.ndarray | None = None
        self._codes: np.ndarray | None = None
        self._index: _native.WordIndex | None = None
        self.langs: tuple[str, ...] = ()  # lid.176 codes, one per column
        self._col: dict[str, int] = {}
        self._layouts: dict[tuple, _native.WordEvidence | None] = {}

    def _build(self) -> None:
        stem = cache_dir() / f"wordlm-wordfreq{version('wordfreq')}-v{_CACHE_FORMAT}"
        try:
            hashes, table, langs = _load_cached(stem)
        except (OSError, ValueError):
            hashes, table, langs = _pack_wordfreq()
            _save_atomic(stem, hashes=hashes, codes=table, langs=np.array(langs))
        # plain ndarray views of the memory maps, which the compiled index reads in place
        self._hashes, self._codes = np.asarray(hashes), np.asarray(table)
        self._index = _native.WordIndex(
            self._hashes, self._codes, category_ranges("Ll"), _STEP, _FLOOR_CODE, FLOOR_LOG10
        )
        self.langs = tuple(_TO_LID.get(lang, lang) for lang in langs)
        self._col = {lang: j for j, lang in enumerate(self.langs)}
        log.debug(
            "word-frequency model: %d languages, %d words, %.0f MB",
            len(langs),
            len(hashes),
            (hashes.nbytes + table.nbytes) / 2**20,
        )

    def covers(self, lang: str) -> bool:
        """True when the model has a list for `lang` (a lid.176 code)."""
        if self._hashes is None:
            self._build()
        return lang in self._col

    def log10_freqs(self, words: Sequence[str]) -> np.ndarray:
        """log10 frequency of each word in each language (rows: words, columns: `langs`), floored."""
        if self._index is None:
            self._build()
        assert self._index is not None
        packed = self._index.log10_freqs(list(words))
        return np.frombuffer(packed, dtype="<f4").reshape(len(words), len(self.langs))

    def segment(self, word: str) -> list[str]:
        """`word` (a run of letters without spaces, lowercase: a hashtag's body, "slotgacorhariini") split into the
        words that make it most likely: a unigram Viterbi over every language's frequency (the best of the
        lists for each candidate word, two letters or more). A piece no list has costs `FLOOR_LOG10` less
        `_UNKNOWN_PER_LETTER` per letter, so known words win over an unknown remainder when they cover it
        ("judionline" is "judi" + "online"); every piece costs `_PIECE_COST` more, so a common word is not broken
        into common fragments of other languages ("together" stays whole, "togel" is not "tog" + "el"); unknown
        pieces next to each other come back as one. Written here rather than taken from `wordninja` or
        `wordsegment`, which know English only."""
        n = len(word)
        if n < 4 or n > _SEGMENT_MAX_CHARS:
            return [word]
        spans = [(i, j) for i in range(n) for j in range(i + 2, min(n, i + _SEGMENT_MAX_WORD) + 1)]
        best = self.log10_freqs([word[i:j] for i, j in spans]).max(axis=1)
        known = {span: float(f) for span, f in zip(spans, best) if f > FLOOR_LOG10}
        score = [0.0] + [float("-inf")] * n
        back = [0] * (n + 1)
        for j in range(1, n + 1):
            for i in range(j):
                f = known.get((i, j), FLOOR_LOG10 - _UNKNOWN_PER_LETTER * (j - i)) - _PIECE_COST
                if score[i] + f > score[j]:
                    score[j], back[j] = score[i] + f, i
        pieces: list[tuple[int, int]] = []
        j = n
        while j:
            pieces.append((back[j], j))
            j = back[j]
        words: list[str] = []
        unknown_before = False
        for i, j in reversed(pieces):  # unknown pieces next to each other are one unknown piece
            unknown = (i, j) not in known
            if unknown and unknown_before:
                words[-1] += word[i:j]
            else:
                words.append(word[i:j])
            unknown_before = unknown
        return words

    def _layout(self, native: tuple[str, ...], group_of: Callable[[str], str]) -> _native.WordEvidence | None:
        """The scorer of texts against the native languages (`native/src/wordlm.rs`): their columns, and the
        foreign languages' columns ordered by group (contiguous ranges, groups in name order); cached per document
        language group. None when nothing is native or nothing foreign."""
        key = (native, group_of)
        if key not in self._layouts:
            assert self._index is not None
            cols = [self._col[lang] for lang in native if lang in self._col]
            native_groups = {group_of(lang) for lang in native}
            group_names = sorted({group_of(lang) for lang in self.langs} - native_groups)
            if not cols or not group_names:
                self._layouts[key] = None
            else:
                index = {g: n for n, g in enumerate(group_names)}
                order = sorted(
                    (j for j in range(len(self.langs)) if group_of(self.langs[j]) in index),
                    key=lambda j: index[group_of(self.langs[j])],
                )
                group_of_col = [index[group_of(self.langs[j])] for j in order]
                self._layouts[key] = _native.WordEvidence(self._index, cols, order, group_of_col, group_names)
        return self._layouts[key]

    def llr(
        self, text: str, native: Sequence[str], group_of: Callable[[str], str]
    ) -> tuple[float, str, float]:
        """(best log-likelihood ratio of a foreign language group against the native languages, that group, the
        share of the text's letters in words that favour that group, words used alike by both sides left out) for
        the `counted_words` of `text`, each distinct word once (a table that repeats "sec." forty times is not
        forty times the evidence).

        `native`: the lid.176 codes of the document's language group that the model covers (at least one);
        `group_of` maps a code to its group, so that the document's sibling languages are never "foreign".
        (0.0, "", 0.0) when no word counts.
        """
        return self.llr_many([text], native, group_of)[0]

    def llr_many(
        self,
        texts: Sequence[str],
        native: Sequence[str],
        group_of: Callable[[str], str],
        letters: Sequence[int] | None = None,
    ) -> list[tuple[float, str, float]]:
        """`llr` of each text, in one call of the compiled extension. `letters`: the letters of each text (the
        share's denominator, less the words used alike), when the caller has counted them; else the letters of its
        words, `[^\\W\\d_]+(?:['\\u2019][^\\W\\d_]+)?`.

        Per text: its counted words, each distinct word once, in the order of their hashes; per word, its log10
        frequency in every language less the best of the native languages'; the sum over the words per foreign
        language, and the best language's group; the share of the letters in words that favour that group (its
        best language by more than 10^0.5), less the letters of words within that factor either way."""
        if not texts or not self.covers(native[0]):
            return [(0.0, "", 0.0)] * len(texts)
        layout = self._layout(tuple(native), group_of)
        if layout is None:
            return [(0.0, "", 0.0)] * len(texts)
        return layout.llr_many(list(texts), None if letters is None else list(letters))
