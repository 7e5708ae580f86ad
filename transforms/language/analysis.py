"""Per-line analysis of a document (fastText once per judged line) and the document language: a
letter-weighted vote over the lines (`vote_language`), scored on fastText's whole-text scale (`score_language`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from transforms.language.config import UNKNOWN_LANG, LanguageConfig
from transforms.language.labels import _HAN_GROUP, language_group
from transforms.language.model import LanguageModel
from transforms.language.mojibake import is_mojibake
from transforms.language.scripts import _DROP_ASCII_LETTERS, HAN, HANGUL, KANA, LATIN, script_counts

__all__ = ["LangResult", "LineAnalysis", "analyze_lines", "identify", "score_language", "vote_language"]


class LangResult(NamedTuple):
    lang: str
    score: float
    lang2: str | None
    score2: float | None


_UNKNOWN = LangResult(UNKNOWN_LANG, 0.0, None, None)


@dataclass(frozen=True)
class LineAnalysis:
    """Per-line facts computed once per document and shared by the language vote and the strip.

    `preds[i]` is the line's top-k (language, probability) list, or None for lines that are not judged by
    language (no or too few letters, mojibake). Lines with kana are Japanese and lines mostly in Hangul are
    Korean without asking fastText.
    """

    lines: list[str]
    letters: list[int]
    counts: list[dict[str, int]]
    mojibake: list[bool]
    preds: list[list[tuple[str, float]] | None]
    # What fastText read for each predicted line (URLs, code and digit tokens left out) and its letters: the
    # evidence a prediction stands on, which weighs it in the vote and in runs. None: the lines themselves.
    texts: list[str] | None = None
    evidence: list[int] | None = None
    vote_weights: dict[int, float] = field(default_factory=dict)  # lines that weigh less in the vote

    def vote_weight(self, i: int) -> float:
        """Factor on line `i`'s letters in the document-language vote: keyword lists and brand codes weigh
        less, and so do short lines (menus, captions, links and injected one-liners) against paragraphs, which
        carry a page's own text: a line's letters count in full from `_PARAGRAPH_LETTERS` letters up."""
        return self.vote_weights.get(i, 1.0) * min(1.0, self.weight(i) / _PARAGRAPH_LETTERS)

    def weight(self, i: int) -> int:
        """Letters of line `i` that its language prediction stands on."""
        return self.letters[i] if self.evidence is None else self.evidence[i]

    def text_of(self, i: int) -> str:
        """The text of line `i` as fastText read it."""
        return self.lines[i] if self.texts is None else self.texts[i]


_HAS_DIGIT = re.compile(r"[0-9]")

_NON_LETTER = re.compile(r"[\W\d_]+")


def _count_letters(text: str) -> int:
    if text.isascii():  # the common case, without building a regex substitution
        return len(text) - len(text.translate(_DROP_ASCII_LETTERS))
    return len(_NON_LETTER.sub("", text))


# Tokens that are not words of any language: URLs, domains, e-mail and @handles, file paths, shell variables,
# code identifiers (snake_case, dotted.names, key=value). fastText reads them as English (or noise).
# A digit or one of those marks: one search decides whether a line needs rewriting.
_REWRITE = re.compile(r"[0-9@/\\=$_{}<>]|www\.|[a-z]\.[a-z]")

# A whole ASCII token (between spaces) with a digit or one of the marks above.
# ("://" and "www." are covered by "/" and "[a-z0-9].[a-z]".)
_NO_LANGUAGE_TOKEN = re.compile(r"(?<!\S)[\x21-\x7e]*?(?:[0-9@/\\=$_{}<>]|[a-z0-9]\.[a-z])[\x21-\x7e]*(?!\S)")


def _prediction_text(line: str, max_chars: int) -> str:
    """The text fastText sees for a line: stripped, capped at a word boundary, all-caps lowered.

    lid.176 is trained on ordinary mixed-case text and reads all-caps headlines as noise (a Spanish headline in
    capitals comes out 'en'); the first few hundred characters of a line decide its language as well as all.
    ASCII tokens with digits ("SLOT88", "20mg", "80%", "2024") carry no language either; fastText reads them as
    noise (a brand name like "MAXWIN303" pulls a whole Indonesian line towards English). Nor do URLs, paths and
    code identifiers (a line of shell or a list of links is not English). What is left may be empty: the line
    then gives no evidence.
    """
    text = line.strip()
    if _REWRITE.search(text):
        text = " ".join(_NO_LANGUAGE_TOKEN.sub(" ", text).split())
    if len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars)
        text = text[: cut if cut > max_chars // 2 else max_chars]
    if text.isupper():
        text = text.lower()
    return text


_CJK_CHARS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]+")


def _without_quoted_cjk(line: str, counts: dict[str, int]) -> str:
    """A line of Latin text with a short Japanese or Chinese phrase in it (a quote, a term, a name: "the phrase
    'こんにちは' sums it up") is read without that phrase: fastText reads a few kana as Japanese whatever the
    rest says. Only where Latin letters are at least 3/4 of the line's; a line mostly in Han or kana is read
    as it is."""
    cjk = counts.get(KANA, 0) + counts.get(HAN, 0)
    if not cjk or counts.get(LATIN, 0) * 4 < 3 * sum(counts.values()):
        return line
    return _CJK_CHARS.sub(" ", line)


def analyze_lines(text: str, model: LanguageModel, cfg: LanguageConfig) -> LineAnalysis:
    """Script histogram, mojibake flag and language prediction of every line of `text`."""
    lines = text.split("\n")
    n = len(lines)
    letters = [0] * n
    counts: list[dict[str, int]] = [{}] * n
    mojibake = [False] * n
    preds: list[list[tuple[str, float]] | None] = [None] * n
    read: list[str] = [""] * n
    evidence = [0] * n
    to_predict: list[int] = []
    for i, line in enumerate(lines):
        c = script_counts(line)
        total = sum(c.values())
        if total == 0:
            continue
        letters[i] = total
        counts[i] = c
        if cfg.detect_mojibake and (HAN in c or KANA in c) and is_mojibake(line.strip()):
            mojibake[i] = True
            continue
        if total < cfg.line_min_letters:
            continue
        if KANA in c and (c[KANA] + c.get(HAN, 0)) * 2 > total:
            preds[i] = [("ja", 1.0)]
            read[i], evidence[i] = line, total
        elif c.get(HANGUL, 0) * 2 > total:
            preds[i] = [("ko", 1.0)]
            read[i], evidence[i] = line, total
        else:
            to_predict.append(i)
    if to_predict:
        texts = [_prediction_text(_without_quoted_cjk(lines[i], counts[i]), cfg.max_predict_chars) for i in to_predict]
        # a line read as it is: its letters are already counted (the regex count only for rewritten lines)
        alpha = [letters[i] if t == lines[i] else _count_letters(t) for i, t in zip(to_predict, texts)]
        keep = [k for k, a in enumerate(alpha) if a >= cfg.line_min_letters]
        results = model.predict_many([texts[k] for k in keep], k=cfg.top_k, threshold=0.005)
        for k, p in zip(keep, results):
            if not model.no_evidence(p):
                i = to_predict[k]
                preds[i], read[i], evidence[i] = p, texts[k], alpha[k]
    vote_weights = {}
    for i in range(n):
        if preds[i] is not None:
            w = _vote_weight(lines[i], HAN in counts[i])
            if w != 1.0:
                vote_weights[i] = w
    return LineAnalysis(lines, letters, counts, mojibake, preds, read, evidence, vote_weights)


# Keyword lists and menus: short items between separators (CJK lists need no separator but a space).
_LIST_SEP = re.compile(r"\s*[|\u3001\uff0c\u00b7\u2022/\uff5c]\s*")

_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")

# Brand and product codes (SLOT88, FB88, 12BET, W88): mixed letters and digits in one ASCII token.
_BRAND_CODE = re.compile(r"(?<![\w.-])(?:[A-Za-z]+\d+|\d+[A-Za-z]{2,})(?![\w.-])")

_MATERIAL_WEIGHT = 0.25

_PARAGRAPH_LETTERS = 200

_LIST_CHARS = "|\u3001\uff0c\u00b7\u2022/\uff5c"


def _vote_weight(line: str, has_han: bool = True) -> float:
    """How much a line counts in deciding the page's language: keyword lists (a Han "spider pool" county list,
    a menu) and lines with brand codes (SLOT88, FB88) are what injections and templates are made of, not the
    page's own text, so they weigh `_MATERIAL_WEIGHT` of their letters; a page of nothing else still gets a
    language from them."""
    if _HAS_DIGIT.search(line) and _BRAND_CODE.search(line):
        return _MATERIAL_WEIGHT
    seps = sum(line.count(c) for c in _LIST_CHARS)
    if seps < 4 and (not has_han or line.count(" ") < 4):
        return 1.0  # fewer than 5 items (only spaces between Han characters separate items too)
    items = [t for t in _LIST_SEP.split(_CJK_SPACE.sub("|", line)) if t.strip()]
    if len(items) >= 5 and sum(len(t) for t in items) <= 8 * len(items):
        return _MATERIAL_WEIGHT
    return 1.0


# Kana letters (hiragana, katakana) that make a page Japanese whatever else it holds: Chinese is never written with
# kana, so Chinese lines injected into a Japanese page (gambling spam runs, often longer than the page's own text)
# must not turn the page "Chinese" and get its Japanese lines stripped. 10% of the page's Han and kana letters.
KANA_JAPANESE_SHARE = 0.1


def _kana_decides(an: LineAnalysis, indices: Sequence[int] | None, scores: dict[str, float]) -> None:
    """When kana are at least `KANA_JAPANESE_SHARE` of the Han and kana letters, Japanese leads the vote over the
    Chinese group (its mass is raised just above theirs); nothing changes otherwise."""
    kana = han = 0
    for i in range(len(an.lines)) if indices is None else indices:
        c = an.counts[i]
        kana += c.get(KANA, 0)
        han += c.get(HAN, 0)
    if not kana or kana < KANA_JAPANESE_SHARE * (kana + han):
        return
    top_han = max((v for k, v in scores.items() if language_group(k) == _HAN_GROUP), default=0.0)
    if top_han >= scores.get("ja", 0.0):
        scores["ja"] = top_han * 1.0001 + 1e-9


def vote_language(analysis: LineAnalysis, indices: Sequence[int] | None = None) -> LangResult:
    """Document language as a letter-weighted vote of its lines' predictions.

    Each judged line adds `letters * probability` to each of its top-k languages; the winner is the language
    with the largest total, and its score is that total over all judged letters (the letter-weighted mean
    probability of the winner, in [0, 1]). Unlike one fastText call on the whole text, a block of foreign lines
    weighs exactly its share of the letters (fastText on a whole page is swayed far beyond that share by a few
    lines with distinctive character n-grams, such as Han lists or Vietnamese diacritics).
    """
    scores, weight = _letter_mass(analysis, indices, factor=analysis.vote_weight)
    if not weight:
        return _UNKNOWN
    _kana_decides(analysis, indices, scores)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    lang, top = ranked[0]
    if len(ranked) > 1:
        return LangResult(lang, min(top / weight, 1.0), ranked[1][0], min(ranked[1][1] / weight, 1.0))
    return LangResult(lang, min(top / weight, 1.0), None, None)


def score_language(text: str, lang: str, model: LanguageModel, cfg: LanguageConfig) -> LangResult:
    """fastText's probability for `lang` (decided by the line vote) on the first `score_sample_chars` of `text`.

    The vote decides *which* language (robust to injected blocks); this one capped call gives a score on the
    familiar whole-text fastText scale, which the per-language `min_score` thresholds are set on (a letter-
    weighted mean of per-line probabilities runs much lower on pages of short lines, e.g. Chinese). The
    runner-up is fastText's best other language on the same sample.
    """
    if lang == UNKNOWN_LANG:
        return _UNKNOWN
    sample = " ".join(text[: cfg.score_sample_chars].split())
    preds = model.predict(sample, k=cfg.top_k) if sample else []
    score = sum(p for label, p in preds if label == lang)
    others = [(label, p) for label, p in preds if label != lang]
    lang2, score2 = others[0] if others else (None, None)
    return LangResult(lang, min(score, 1.0), lang2, score2)


def identify(text: str, model: LanguageModel, cfg: LanguageConfig | None = None) -> LangResult:
    """Language of a whole document: top language and score, runner-up and score (see `vote_language`)."""
    return vote_language(analyze_lines(text, model, cfg or LanguageConfig()))


def _by_group(preds: list[tuple[str, float]]) -> dict[str, float]:
    """A line's probability summed per language group."""
    by_group: dict[str, float] = {}
    for lang, p in preds:
        g = language_group(lang)
        by_group[g] = by_group.get(g, 0.0) + p
    return by_group


def _group_scores(preds: list[tuple[str, float]], doc_group: str) -> tuple[float, float]:
    """(probability of the document's language group, probability of the most likely other group)."""
    by_group = _by_group(preds)
    native = by_group.pop(doc_group, 0.0)
    return native, max(by_group.values(), default=0.0)


def _letter_mass(
    an: LineAnalysis,
    indices: Sequence[int] | None = None,
    key: Callable[[str], str] | None = None,
    factor: Callable[[int], float] | None = None,
) -> tuple[dict[str, float], float]:
    """Letter-weighted probability mass of each language (or of `key(language)`, e.g. its group) over the judged
    lines, and the letters of those lines (each line's letters times `factor(index)` when given)."""
    mass: dict[str, float] = {}
    weight = 0.0
    for i in range(len(an.lines)) if indices is None else indices:
        p = an.preds[i]
        if not p:
            continue
        w = an.weight(i) * (factor(i) if factor is not None else 1.0)
        weight += w
        for lang, prob in p:
            k = key(lang) if key is not None else lang
            mass[k] = mass.get(k, 0.0) + w * prob
    return mass, weight


def _group_mass(an: LineAnalysis, indices: Sequence[int] | None = None) -> tuple[dict[str, float], float]:
    """Letter-weighted probability mass of each language group over the judged lines, and their letters."""
    return _letter_mass(an, indices, language_group)


def _top_group(preds: list[tuple[str, float]], doc_group: str) -> str:
    by_group = _by_group(preds)
    by_group.pop(doc_group, None)
    return max(by_group, key=by_group.__getitem__) if by_group else doc_group
