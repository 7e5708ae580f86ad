"""FineWeb-2's own word tokenizers, for the languages where crawlwash's regex + ICU tokens change the statistics
(pure core, no Beam).

FineWeb-2 calibrated each language's thresholds over the words of the tokenizer datatrove 0.10.1 assigns to it
(`../shared/data/fineweb2/tokenizer_assignment.csv`). `benchmarks/tokenizer_compare.py` measured crawlwash's
tokens against those on real documents of ten languages (README, "Quality statistics"); two differ materially and
are tokenized here as datatrove tokenized them:

- **Korean: Kiwi** (`kiwipiepy` 0.20.4, `model_type="sbg"`, its model in the pinned companion package
  `kiwipiepy_model` 0.20.0, the last release that ships the skip-bigram model datatrove's `KiwiTokenizer` asks
  for). FineWeb-2's Korean stop words are particles and endings ("의", "는", "을", "다"): Kiwi splits them off
  the word they end, spaces do not, so over crawlwash's tokens 107 of 300 real Korean help pages failed the
  stop-word rule that Kiwi's tokens pass; mean word length 3.24 against Kiwi's 1.89.
- **Thai: PyThaiNLP** (`pythainlp` 5.4.0, engine `newmm-safe`, its dictionary in the wheel): ICU's Thai words
  are shorter (median mean word length 3.84 against 4.83) and a quarter more numerous (median per document
  1.27) than newmm's; on 8 of 54 real documents that decides the word-count rule.

Like datatrove, a token is the text of the tokenizer's span (Kiwi: `text[start:end]`, so a morpheme that merges
with its neighbour can repeat its characters, as in datatrove) with surrounding whitespace stripped, empty ones
dropped; Kiwi first loses runs of 20 or more digits and commas (datatrove's work-around for a Kiwi fault on huge
numbers). Each tokenizer is loaded once per process, on first use, under a lock (one instance built in one thread
and then used from any thread is how Kiwi's author says to share it: bab2min/Kiwi#145); nothing is downloaded.

Cost, measured by `benchmarks/tokenizer_compare.py` on the same real documents (shared 2-core machine): Kiwi 20 ms
per Korean help page of 894 characters on average (crawlwash's regex: 0.22 ms), newmm 0.73 ms per Thai UDHR
article of 329 characters (ICU: 0.16 ms). Korean pages pay Kiwi's price; no other language does.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable

__all__ = ["ASSIGNED_LANGS", "assigned_tokenizer"]

_KIWI_PREPROCESS = re.compile("[0-9,]{20,}")
_LOCK = threading.Lock()


def _strip(tokens: list[str]) -> list[str]:
    """datatrove's `strip_strings`."""
    return [s for t in tokens if (s := t.strip())]


@functools.cache
def _kiwi() -> Callable[[str], list[str]]:
    from kiwipiepy import Kiwi

    kiwi = Kiwi(model_type="sbg")

    def tokenize(text: str) -> list[str]:
        text = _KIWI_PREPROCESS.sub("", text)
        return _strip([text[t.start : t.end] for t in kiwi.tokenize(text)])

    return tokenize


@functools.cache
def _thai() -> Callable[[str], list[str]]:
    from pythainlp.tokenize import word_tokenize

    def tokenize(text: str) -> list[str]:
        return _strip(word_tokenize(text, keep_whitespace=False, engine="newmm-safe"))

    return tokenize


_LOADERS: dict[str, Callable[[], Callable[[str], list[str]]]] = {"ko": _kiwi, "th": _thai}
ASSIGNED_LANGS = frozenset(_LOADERS)


def assigned_tokenizer(base: str) -> Callable[[str], list[str]] | None:
    """The process's tokenizer of FineWeb-2 for the base language `base` ("ko", "th"), None for the others
    (crawlwash's own tokens)."""
    loader = _LOADERS.get(base)
    if loader is None:
        return None
    with _LOCK:  # one load per process even when several threads ask first
        return loader()
