"""Small per-language stop-word lists for the Gopher "has stop words" rule.

Gopher (Rae et al. 2021) keeps a document only if it contains at least two of eight very common English words.
For other languages we use a comparable handful of the most frequent function words (articles, copulas,
prepositions, conjunctions): frequent enough that any running prose of 50+ words contains several, absent from
menus, tables and keyword lists. Keys are the ISO 639-1 codes fastText lid.176 emits. A language without a
list here gets no stop-word rule at all (never judge German prose by English stop words).

For Chinese and Japanese (no spaces) the entries are single characters, matched against the per-character
tokens the signal code produces for those languages.
"""

from __future__ import annotations

__all__ = ["STOP_WORDS", "stop_words_for"]

STOP_WORDS: dict[str, frozenset[str]] = {
    # Gopher's own list (datatrove STOP_WORDS).
    "en": frozenset({"the", "be", "to", "of", "and", "that", "have", "with"}),
    "de": frozenset(
        {"der", "die", "das", "und", "ist", "nicht", "mit", "von", "zu", "den", "ein", "eine", "sich"}
    ),
    "fr": frozenset({"le", "la", "les", "de", "des", "et", "est", "un", "une", "que", "pour", "dans", "du"}),
    "es": frozenset(
        {"el", "la", "los", "las", "de", "que", "y", "en", "es", "un", "una", "por", "con", "del"}
    ),
    "it": frozenset({"il", "la", "di", "che", "e", "è", "un", "una", "per", "non", "del", "della", "con"}),
    "pt": frozenset(
        {"o", "a", "os", "as", "de", "que", "e", "do", "da", "em", "um", "uma", "para", "com", "não"}
    ),
    "nl": frozenset(
        {"de", "het", "een", "en", "van", "is", "dat", "niet", "op", "te", "met", "voor", "zijn"}
    ),
    "pl": frozenset({"i", "w", "nie", "się", "na", "że", "z", "do", "to", "jest", "jak", "o", "co", "ale"}),
    "ru": frozenset({"и", "в", "не", "на", "что", "с", "по", "это", "как", "он", "а", "к", "но", "из"}),
    "cs": frozenset({"a", "v", "se", "na", "je", "že", "to", "s", "z", "do", "o", "jsou", "by", "ale"}),
    "sv": frozenset({"och", "att", "det", "i", "en", "är", "som", "på", "av", "för", "med", "den", "inte"}),
    "da": frozenset(
        {"og", "i", "at", "det", "er", "en", "til", "som", "på", "de", "med", "for", "af", "ikke"}
    ),
    "no": frozenset(
        {"og", "i", "det", "er", "en", "til", "som", "på", "at", "med", "for", "av", "ikke", "den"}
    ),
    # Per character (see module docstring).
    "zh": frozenset({"的", "了", "是", "在", "和", "有", "不", "这", "也", "就", "我", "们", "他", "与"}),
    "ja": frozenset({"の", "に", "は", "を", "た", "が", "で", "て", "と", "し", "も", "な", "い", "る"}),
}


def stop_words_for(lang: str | None) -> frozenset[str] | None:
    """The stop-word set of a language code ("de", "zh-Hant", "pt_BR"), or None where we have no list."""
    if not lang:
        return None
    return STOP_WORDS.get(lang.replace("_", "-").split("-")[0].lower())
