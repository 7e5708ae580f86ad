"""What is (and is not) evidence that a line is in a foreign language: fastText's group scores, the
words' frequencies (`wordlm`), and the lines never judged (names, label rows, quotes, references)."""

from __future__ import annotations

import re

from transforms.language.analysis import _HAS_DIGIT, LineAnalysis, _count_letters, _group_scores, _top_group
from transforms.language.config import UNKNOWN_LANG, LanguageConfig
from transforms.language.labels import _GROUP_OF, _GROUPS, language_group
from transforms.language.model import LanguageModel
from transforms.language.wordlm import WordFrequencyModel

__all__ = ["is_label_row", "is_name_like", "is_quote_or_reference"]


_WORD_SPLIT = re.compile(r"[^\w]+|[\d_]+")


def is_label_row(line: str) -> bool:
    """A table row of short labels ("| | January 2021 | | Su | Mo | Tu | ... | 1 | 2 |", "| Belegt / occupied |"):
    cells of one or two words say nothing reliable about the language of the page's text (calendars, specs and
    price tables keep their template's language), so such rows are never judged foreign by language."""
    if not line.startswith("|"):
        return False
    cells = [c for c in line.split("|") if c.strip()]
    return bool(cells) and sum(len(c.split()) for c in cells) <= 2 * len(cells)


def is_name_like(line: str, max_words: int) -> bool:
    """A short line of capitalized words (a title, an award, a product or a person's name).

    Names and titles carry little evidence of the language of the text around them (an English award title in a
    German page is legitimate), so such lines are never judged foreign on their own language.
    """
    if len(line) > 16 * max_words:
        return False
    words = [w for w in _WORD_SPLIT.split(line) if w]
    if not words or len(words) > max_words:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps >= 0.75 * len(words)


# A quotation: most of the line's letters inside double quotation marks (an English quote in a German article).
_QUOTED = re.compile(
    '["\u201e\u201c\u00ab\u300c\u300e]([^"\u201c\u201d\u00ab\u00bb\u300d\u300f]{3,})["\u201c\u201d\u00bb\u300d\u300f]'
)

# A bibliographic reference or footnote: a year together with a citation mark (a year in parentheses, "et al.",
# "Surname, I." or "Surname AB," authors, or a leading footnote number).
_YEAR = re.compile(r"\b(?:1[6-9]|20)\d\d[a-z]?\b")

_CITATION = re.compile(
    r"\(\s*(?:1[6-9]|20)\d\d[a-z]?\s*\)|\bet al\b|\b[A-Z][a-z]+,\s(?:[A-Z]\.\s?){1,3}|\b[A-Z][a-z]+\s[A-Z]{1,2}[,.]"
    r"|^\W*(?:\[\d+\]|\(\d+\)|\d+\s|[\u2070-\u209f\u00b9\u00b2\u00b3]+)"
)

_QUOTE_MARK = re.compile('["\u201e\u201c\u00ab\u300c\u300e]')


def is_quote_or_reference(line: str) -> bool:
    """A quotation or a bibliographic reference: legitimately in another language than the text around it.

    Quotes and cited titles keep their original language (an English quotation or paper title in a German
    article); injected spam is neither quoted nor cited, so such lines are never judged foreign by language.
    """
    if _HAS_DIGIT.search(line) and _YEAR.search(line) and _CITATION.search(line):
        return True
    if not _QUOTE_MARK.search(line):
        return False
    quotes = _QUOTED.findall(line)
    if not quotes:
        return False
    return _count_letters("".join(quotes)) >= 0.6 * _count_letters(line)


class _WordEvidence:
    """Word-frequency evidence (`transforms.language.wordlm`) of a document's lines against its language group: the best
    foreign group's log10 likelihood ratio over the words fastText read (digit tokens, URLs and code left out),
    and the share of the letters in words that favour it."""

    def __init__(
        self,
        an: LineAnalysis,
        doc_group: str,
        native: list[str],
        model: WordFrequencyModel,
        cfg: LanguageConfig,
    ) -> None:
        self._an = an
        self._native = native
        self._model = model
        self._cfg = cfg
        judged = [
            i
            for i, p in enumerate(an.preds)
            if p
            and (
                an.weight(i) < cfg.wordfreq_skip_min_letters
                or _group_scores(p, doc_group)[0] < cfg.wordfreq_max_native_score
            )
        ]
        texts = [an.text_of(i) for i in judged]
        letters = [an.weight(i) for i in judged]
        self._cache = dict(zip(judged, model.llr_many(texts, native, language_group, letters)))

    @classmethod
    def of(
        cls, an: LineAnalysis, doc_lang: str, model: LanguageModel, cfg: LanguageConfig
    ) -> _WordEvidence | None:
        """None when the evidence is off or the lists cover no language of the document's group."""
        if not cfg.wordfreq_enabled or doc_lang == UNKNOWN_LANG:
            return None
        g = _GROUP_OF.get(doc_lang)
        members = _GROUPS[g].split() if g is not None else [doc_lang]
        native = [lang for lang in members if model.words.covers(lang)]
        return cls(an, language_group(doc_lang), native, model.words, cfg) if native else None

    def line(self, i: int) -> tuple[float, str, float]:
        return self._cache.get(i, (0.0, "", 0.0))

    def lines(self, indices: list[int]) -> tuple[float, str, float]:
        if len(indices) == 1:
            return self.line(indices[0])
        return self._model.llr(" ".join(self._an.text_of(i) for i in indices), self._native, language_group)

    def leans(self, i: int) -> bool:
        """Line `i`'s words lean to a foreign group (`wordfreq_lean_llr`, `wordfreq_min_share`)."""
        llr, _, share = self.line(i)
        return llr >= self._cfg.wordfreq_lean_llr and share >= self._cfg.wordfreq_min_share


def _leans_foreign(preds: list[tuple[str, float]], doc_group: str, cfg: LanguageConfig) -> bool:
    native, foreign = _group_scores(preds, doc_group)
    return native < cfg.line_native_min_score or (native < 0.5 and foreign >= native)


def _confident_foreign(
    preds: list[tuple[str, float]], doc_group: str, cfg: LanguageConfig, bilingual: set[str] = frozenset()
) -> bool:
    if not preds:
        return False
    if bilingual and _top_group(preds, doc_group) in bilingual:
        return False
    native, foreign = _group_scores(preds, doc_group)
    if native < cfg.run_max_native_score:
        return True
    return foreign >= cfg.run_min_foreign_score and foreign >= cfg.foreign_to_native * native
