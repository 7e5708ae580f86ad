"""Stop words for the Gopher "has stop words" rule: Gopher's list for English, FineWeb-2's for other languages.

Gopher (Rae et al. 2021) keeps a document only if it contains at least two of eight very common English words.
FineWeb-2 published a list per language (`transforms/quality/fineweb2.py`, Apache-2.0) and applied the same rule
with at least two occurrences. Keys are the codes fastText lid.176 emits. A language without a list gets no
stop-word rule at all (never judge German prose by English stop words). The words are matched against the
document's words (`transforms/quality/words.py`: ICU words for Chinese, Japanese, Thai, ...).
"""

from __future__ import annotations

from transforms.quality.fineweb2 import stop_words

__all__ = ["GOPHER_STOP_WORDS", "stop_words_for"]

# Gopher's own list (datatrove's STOP_WORDS).
GOPHER_STOP_WORDS = frozenset({"the", "be", "to", "of", "and", "that", "have", "with"})


def stop_words_for(lang: str | None) -> frozenset[str] | None:
    """The stop-word set of a language code ("de", "zh-Hant", "pt_BR"), or None where there is no list."""
    if not lang:
        return None
    base = lang.replace("_", "-").split("-")[0].lower()
    return GOPHER_STOP_WORDS if base == "en" else stop_words(base)
