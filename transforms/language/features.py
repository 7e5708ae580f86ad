"""Pass 1 of the language stage: the line table, every fact about each line that the decisions read.

`read_lines` fills the table in three steps, top to bottom of this module:
1. each line's own facts (`_own_facts`): its letters per script, the mojibake flag, fastText's top-k languages for
   the text fastText read (URLs, code and digit tokens left out) and that text's letters, its weight in the vote,
   and the flags of lines that are legitimately in another language (names and titles, quotes and references,
   table label rows);
2. the page's language (`vote_language`): a letter-weighted vote over those predictions;
3. each line's facts against the page's language (`relate`): the letters in scripts that language does not use,
   the probability fastText gives its language group and the best other group, the words' evidence
   (`wordlm`: the best foreign group's log10 likelihood ratio and the share of the letters favouring it), and for a
   Japanese page the Chinese evidence of each Han line without kana (simplified-only characters, `hanwords`).

Nothing here decides what goes: `transforms.language.decisions` (pass 2) reads the table and decides over runs of
lines, `transforms.language.edit` (pass 3) makes the edit and counts it. Every column is a list with one entry per
line of the text (`text.split("\\n")`), of plain types (int, float, bool, str; the script histogram, fastText's
(language, probability) pairs and the probability per language group are small per-line maps). Step 1's per-line
work is one call of the compiled extension per document (`native/src/langfeat.rs`, see "step 1" below); what
remains in Python is fastText, the mojibake check of Han and kana lines, hashtags and bookkeeping.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from transforms.core import _native
from transforms.language import gambling, gambling_vocabulary, linkfarm, pharmacy
from transforms.language.config import UNKNOWN_LANG, LanguageConfig
from transforms.language.labels import (
    _GROUP_OF,
    _GROUPS,
    _HAN_GROUP,
    _MARKER_SCRIPT,
    group_facts,
    language_group,
)
from transforms.language.model import LanguageModel
from transforms.language.mojibake import is_mojibake
from transforms.language.scripts import HAN, KANA, LATIN

__all__ = [
    "LangResult",
    "LineTable",
    "PageScripts",
    "identify",
    "is_label_row",
    "is_name_like",
    "is_quote_or_reference",
    "read_lines",
    "relate",
    "vote_language",
    "LINGUA_FRANCA",
    "title_case",
    "vote_without_block",
    "word_text",
]

Preds = list[tuple[str, float]]


class LangResult(NamedTuple):
    lang: str
    score: float
    lang2: str | None
    score2: float | None


_UNKNOWN = LangResult(UNKNOWN_LANG, 0.0, None, None)


@dataclass(frozen=True)
class PageScripts:
    """The scripts of the page's language: allowed, tolerated (Latin added), the marker script that settles a
    line without fastText (kana, Hangul), and the primary ones whose lines are judged by language. None: the
    page's language is unknown (every line stays)."""

    allowed: frozenset[str] | None
    tolerated: frozenset[str] | None
    marker: str | None
    primary: frozenset[str] | None

    @classmethod
    def of(cls, doc_lang: str, model: LanguageModel) -> PageScripts:
        allowed = model.scripts_for(doc_lang) if doc_lang != UNKNOWN_LANG else None
        tolerated = allowed | {LATIN} if allowed is not None else None
        primary = allowed - {LATIN} if allowed and allowed != {LATIN} else allowed
        return cls(allowed, tolerated, _MARKER_SCRIPT.get(doc_lang), primary)


@dataclass
class LineTable:
    """One row per line of a document, one column per fact (see the module docstring).

    `preds[i]` is line i's top-k (language, probability) list, or None for lines that are not judged by language
    (no or too few letters, mojibake, nothing fastText knows). Lines with kana are Japanese and lines mostly in
    Hangul are Korean without asking fastText.
    """

    # step 1: each line's own facts
    lines: list[str]
    letters: list[int]  # letters of the line (all scripts)
    counts: list[dict[str, int]]  # letters per script code (`scripts`)
    mojibake: list[bool]
    preds: list[Preds | None]
    texts: list[str]  # what fastText read ("" for lines without a prediction)
    evidence: list[int]  # letters of `texts`: the weight of the line's prediction
    material: list[float]  # factor on the letters in the vote: keyword lists and brand codes weigh less
    name_like: list[bool]  # flags of lines never judged foreign by language (on predicted lines only)
    quote_or_reference: list[bool]
    label_row: list[bool]
    # step 2: the page's language, voted by the lines (`read_lines` without a language given)
    vote: LangResult = _UNKNOWN
    # step 3: the facts against the page's language (`relate`; empty until then)
    doc_lang: str = UNKNOWN_LANG
    doc_group: str = UNKNOWN_LANG
    scripts: PageScripts | None = None
    native_langs: tuple[str, ...] = ()  # languages of the page's group the word lists cover; (): no words
    # letters in scripts the page's language does not use
    foreign_script: list[int] = field(default_factory=list)
    # the foreign group a line is gambling spam of by its vocabulary ("": none; `gambling.fill`)
    gambling: list[str] = field(default_factory=list)
    gambling_hint: list[bool] = field(default_factory=list)  # some of its vocabulary: joins a gambling block
    pharmacy: list[bool] = field(default_factory=list)  # English pharmacy spam by its vocabulary (`pharmacy.fill`)
    pharmacy_hint: list[bool] = field(default_factory=list)  # a shop's vocabulary: joins an English block
    # fastText: probability per language group; of the page's group; of the most likely other group, and that
    # group (the page's own when there is none)
    groups: list[dict[str, float]] = field(default_factory=list)
    native: list[float] = field(default_factory=list)
    foreign: list[float] = field(default_factory=list)
    top_foreign: list[str] = field(default_factory=list)
    # the words (`wordlm`): the best foreign group's log10 likelihood ratio, that group ("" when no word
    # counts), and the share of the letters in words that favour it (words both sides use alike left out)
    word_llr: list[float] = field(default_factory=list)
    word_group: list[str] = field(default_factory=list)
    word_share: list[float] = field(default_factory=list)
    folded: list[bool] = field(default_factory=list)  # the words were weighed case-folded (`_title_case_evidence`)
    # a Japanese page's Han lines without kana: simplified-only characters, log10 P(Chinese) / P(Japanese) of
    # their Han words (`hanwords`)
    simplified: list[int] = field(default_factory=list)
    han_llr: list[float] = field(default_factory=list)

    def next_with_letters(self, i: int, step: int) -> int | None:
        """The next line from line i in direction `step` (-1 or 1) that has letters, or None: lines without letters
        do not separate the lines of a block (the gambling and pharmacy block rules)."""
        j = i + step
        while 0 <= j < len(self.lines) and not self.letters[j]:
            j += step
        return j if 0 <= j < len(self.lines) else None


def read_lines(
    text: str, model: LanguageModel, cfg: LanguageConfig, doc_lang: str | None = None
) -> LineTable:
    """Pass 1: the line table of `text`, with the facts against `doc_lang` (or, when it is None and lines are to
    be judged, against the page's voted language)."""
    table = _own_facts(text, model, cfg)
    if doc_lang is None:
        table.vote = vote_language(table)
        if cfg.gambling_lexicon:
            table.vote = vote_without_block(
                table, table.vote, gambling_vocabulary.GAMBLING_GROUPS, gambling_vocabulary.block_lines,
                cfg.second_language_min_share,
            )
        if cfg.pharmacy_lexicon:
            table.vote = vote_without_block(
                table, table.vote, _ENGLISH_ONLY, pharmacy.spam_lines, cfg.second_language_min_share
            )
        if cfg.link_farm_revote:
            table.vote = vote_without_block(
                table, table.vote, _CHINESE_ONLY, linkfarm.spam_lines, cfg.second_language_min_share
            )
        doc_lang = table.vote.lang
        if not cfg.strip_lines or doc_lang == UNKNOWN_LANG:
            return table
    relate(table, doc_lang, model, cfg)
    return table


# --- step 1: each line's own facts ---------------------------------------------------------------------------
#
# The per-line work is one call of the compiled extension per document (`native/src/langfeat.rs`, which states
# each rule next to its code; characters are classified by CPython's own Unicode database):
# - the letters per script (`scripts.script_counts`);
# - the text fastText reads for a line (`prediction_text`): stripped; tokens that are no words of any language
#   left out (ASCII tokens with a digit or one of @/\=$_{}<> or a dotted name: URLs, domains, e-mail and
#   @handles, paths, shell variables, code identifiers, brand codes such as "SLOT88", "20mg", "2024": fastText
#   reads them as English or noise, and a brand name like "MAXWIN303" pulls a whole Indonesian line towards
#   English); capped at `max_predict_chars` at a word boundary (the first few hundred characters of a line decide
#   its language as well as all); and lowered when ALL CAPS (lid.176 is trained on ordinary mixed-case text and
#   reads an all-caps Spanish headline as 'en'). What is left may be empty: the line then gives no evidence;
# - a line of Latin text (3/4 of its letters or more) with a short Japanese or Chinese phrase in it (a quote, a
#   term, a name: "the phrase 'こんにちは' sums it up") is read without that phrase: fastText reads a few kana as
#   Japanese whatever the rest says;
# - the letters of what fastText reads (`[^\W\d_]`; the line's own letters when it is read as it is): the weight
#   of its prediction;
# - the weight factor in the page's vote (`_MATERIAL_WEIGHT` for keyword lists, a Han "spider pool" county list
#   or a menu, at least 5 short items between separators, and for lines with brand codes: what injections and
#   templates are made of, not the page's own text; a page of nothing else still gets a language from them);
# - the flags of lines never judged foreign by language: name-like (`is_name_like`), quote or reference
#   (`is_quote_or_reference`), table label row (`is_label_row`).
# Hashtags are read as the words they are made of (`_split_hashtags`, in Python: it asks the word lists).

_UTF8 = ("utf-8", "surrogatepass")


def prediction_text(line: str, max_chars: int) -> tuple[str, int]:
    """The text fastText reads for `line` (see above) and its letters."""
    return _native.prediction_text_of(line.encode(*_UTF8), max_chars)


# A hashtag: "#" (not after a word character or "&", as in "C#" or "&#39;") and letters, maybe with digits.
_HASHTAG = re.compile(r"(?<![\w&])#([^\W_]+)")
# The parts of a CamelCase hashtag ("SlotGacor", "JudiOnline2024"): capitalized or lowercase words, ALL CAPS runs.
_CAMEL_PART = re.compile(r"[A-Z][a-z]+|[a-z]+|[A-Z]+(?![a-z])|\d+")


def _split_hashtags(line: str, model: LanguageModel) -> str:
    """The line with each hashtag read as the words it is made of: "#slotgacorhariini #JudiOnline" is
    "slot ga cor hari ini judi online" (`WordFrequencyModel.segment`, CamelCase split at its capitals, the words
    lowercased: a tag's capitals are typography). One run of letters is no word to fastText or to the word lists,
    so a line of tags had no evidence. A tag with a digit is a brand code ("#SLOT88": left to `prediction_text`,
    which drops it), and an ALL CAPS tag a brand or an acronym ("#HOKIBET": kept as it is, without the "#")."""

    def words(m: re.Match[str]) -> str:
        tag = m.group(1)
        if any(c.isdigit() for c in tag):
            return m.group(0)
        out: list[str] = []
        for part in _CAMEL_PART.findall(tag) if tag.isascii() else [tag]:
            if part.isupper() and len(part) > 1:
                out.append(part)
            else:
                out.extend(model.words.segment(part.lower()))
        return " ".join(out)

    return _HASHTAG.sub(words, line)


def _own_facts(text: str, model: LanguageModel, cfg: LanguageConfig) -> LineTable:
    """Step 1: script histogram, mojibake flag, language prediction, vote weight and flags of every line."""
    lines = text.split("\n")
    n = len(lines)
    letters, counts, kinds, texts, alpha, material_of, name_of, quote_of, label_of = _native.language_lines(
        text.encode(*_UTF8), cfg.line_min_letters, cfg.max_predict_chars, cfg.name_max_words
    )
    mojibake = [False] * n
    if cfg.detect_mojibake:
        for i in [i for i, kind in enumerate(kinds) if kind & _native.LINE_CJK]:
            mojibake[i] = is_mojibake(lines[i].strip())
    preds: list[Preds | None] = [None] * n
    to_predict: list[int] = []
    for i, kind in enumerate(kinds):
        kind &= ~_native.LINE_CJK
        if kind < _native.LINE_JA or mojibake[i]:
            continue
        if kind == _native.LINE_PREDICT:
            to_predict.append(i)
        elif kind == _native.LINE_JA:
            preds[i] = _JA
        elif kind == _native.LINE_KO:
            preds[i] = _KO
        else:  # hashtags: the text as the words of its tags (a text read as it is has its letters counted)
            t, a = prediction_text(_split_hashtags(texts[i], model), cfg.max_predict_chars)
            texts[i], alpha[i] = t, letters[i] if t == lines[i] else a
            if alpha[i] >= cfg.line_min_letters:
                to_predict.append(i)
    if to_predict:
        results = model.predict_many([texts[i] for i in to_predict], k=cfg.top_k, threshold=0.005)
        for i, p in zip(to_predict, results):
            if not model.no_evidence(p):
                preds[i] = p
    read = [""] * n
    evidence = [0] * n
    material = [1.0] * n
    name_like = [False] * n
    quote = [False] * n
    label = [False] * n
    for i, p in enumerate(preds):
        if p is not None:
            read[i], evidence[i] = texts[i], alpha[i]
            material[i], name_like[i], quote[i], label[i] = material_of[i], name_of[i], quote_of[i], label_of[i]
    return LineTable(
        lines, letters, counts, mojibake, preds, read, evidence, material, name_like, quote, label
    )


_JA: Preds = [("ja", 1.0)]
_KO: Preds = [("ko", 1.0)]

_MATERIAL_WEIGHT = 0.25  # native/src/langfeat.rs: MATERIAL_WEIGHT

_PARAGRAPH_LETTERS = 200


def is_label_row(line: str) -> bool:
    """A table row of short labels ("| | January 2021 | | Su | Mo | Tu | ... | 1 | 2 |", "| Belegt / occupied |"):
    cells of one or two words say nothing reliable about the language of the page's text (calendars, specs and
    price tables keep their template's language), so such rows are never judged foreign by language. (It starts
    with "|", and its non-blank cells hold at most two words each on average.)"""
    return _native.line_flags(line.encode(*_UTF8), 0, False)[2]


def is_name_like(line: str, max_words: int) -> bool:
    """A short line of capitalized words (a title, an award, a product or a person's name): at most `max_words`
    words (runs of letters, `[^\\W\\d_]`) of at most 16 characters each on average, 3/4 of them capitalized.

    Names and titles carry little evidence of the language of the text around them (an English award title in a
    German page is legitimate), so such lines are never judged foreign on their own language.
    """
    return _native.line_flags(line.encode(*_UTF8), max_words, False)[0]


_CAPITALIZED_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_][^\W\d_]+")


def title_case(text: str) -> bool:
    """At least 3 words of two letters or more, and 3/4 of them capitalized: capitals are typography there, not
    names. (ALL CAPS text is lowered already, `prediction_text`.)"""
    words = _CAPITALIZED_WORD.findall(text)
    return len(words) >= 3 and sum(1 for w in words if w[0].isupper()) >= 0.75 * len(words)


def is_quote_or_reference(line: str) -> bool:
    """A quotation or a bibliographic reference: legitimately in another language than the text around it.

    Quotes and cited titles keep their original language (an English quotation or paper title in a German
    article); injected spam is neither quoted nor cited, so such lines are never judged foreign by language.
    A quotation: most (60%) of the line's letters inside double quotation marks (an English quote in a German
    article). A reference or footnote: a year together with a citation mark (a year in parentheses, "et al.",
    "Surname, I." or "Surname AB," authors, or a leading footnote number).
    """
    return _native.line_flags(line.encode(*_UTF8), 0, False)[1]


def word_text(table: LineTable, i: int) -> str:
    """The text of line `i` whose words are weighed: what fastText read, case-folded where the table says so."""
    return table.texts[i].lower() if table.folded[i] else table.texts[i]


# --- step 2: the page's language -----------------------------------------------------------------------------

# Kana letters (hiragana, katakana) that make a page Japanese whatever else it holds: Chinese is never written with
# kana, so Chinese lines injected into a Japanese page (gambling spam runs, often longer than the page's own text)
# must not turn the page "Chinese" and get its Japanese lines stripped. 10% of the page's Han and kana letters.
KANA_JAPANESE_SHARE = 0.1


def _kana_decides(table: LineTable, indices: Sequence[int] | None, scores: dict[str, float]) -> None:
    """When kana are at least `KANA_JAPANESE_SHARE` of the Han and kana letters, Japanese leads the vote over the
    Chinese group (its mass is raised just above theirs); nothing changes otherwise."""
    kana = han = 0
    for i in range(len(table.lines)) if indices is None else indices:
        c = table.counts[i]
        kana += c.get(KANA, 0)
        han += c.get(HAN, 0)
    if not kana or kana < KANA_JAPANESE_SHARE * (kana + han):
        return
    top_han = max((v for k, v in scores.items() if language_group(k) == _HAN_GROUP), default=0.0)
    if top_han >= scores.get("ja", 0.0):
        scores["ja"] = top_han * 1.0001 + 1e-9


def vote_language(table: LineTable, indices: Sequence[int] | None = None) -> LangResult:
    """Document language as a letter-weighted vote of its lines' predictions (of the lines `indices`, or all).

    Each judged line adds `letters * probability` to each of its top-k languages; the winner is the language
    with the largest total, and its score is that total over all judged letters (the letter-weighted mean
    probability of the winner, in [0, 1]). Unlike one fastText call on the whole text, a block of foreign lines
    weighs exactly its share of the letters (fastText on a whole page is swayed far beyond that share by a few
    lines with distinctive character n-grams, such as Han lists or Vietnamese diacritics).
    """
    scores: dict[str, float] = {}
    weight = 0.0
    preds, evidence, material = table.preds, table.evidence, table.material
    for i in range(len(preds)) if indices is None else indices:
        p = preds[i]
        if not p:
            continue
        # the line's letters, times a factor: keyword lists and brand codes weigh less (`material`), and so do short
        # lines (menus, captions, links and injected one-liners) against paragraphs, which carry a page's own
        # text: a line's letters count in full from `_PARAGRAPH_LETTERS` letters up
        ev = evidence[i]
        w = ev * (material[i] * min(1.0, ev / _PARAGRAPH_LETTERS))
        weight += w
        for lang, prob in p:
            scores[lang] = scores.get(lang, 0.0) + w * prob
    if not weight:
        return _UNKNOWN
    _kana_decides(table, indices, scores)
    # the two best by (-score, language), as sorting all of them by that key would rank them
    lang, top = second = None, -1.0
    for item in scores.items():
        k, v = item
        if v > top or (v == top and k < lang):
            lang, top, second = k, v, (lang, top)
        elif second[0] is None or v > second[1] or (v == second[1] and k < second[0]):
            second = item
    if second[0] is not None:
        return LangResult(lang, min(top / weight, 1.0), second[0], min(second[1] / weight, 1.0))
    return LangResult(lang, min(top / weight, 1.0), None, None)


_ENGLISH_ONLY = frozenset({pharmacy.ENGLISH})
_CHINESE_ONLY = frozenset({linkfarm.CHINESE})
# The least share of the vote (`LangResult.score2`) the runner-up language must have for a page to be voted again:
# the rest of a page that an injected block outvotes is in another language, and that language has a share of the
# whole vote (the block's pages in the banks: 0.1 and more); a page with almost nothing else (370 real pages voted
# English in `benchmarks quality gambling`: 341 under 0.01) is not looked at line by line.
_REVOTE_MIN_RUNNER_UP = 0.01


def vote_without_block(
    table: LineTable,
    vote: LangResult,
    groups: frozenset[str],
    in_block: Callable[[list[str]], list[bool]],
    min_share: float,
) -> LangResult:
    """The page's language when an injected spam block outvotes the page's own text (a short English page under ten
    Indonesian gambling lines reads Indonesian, a short German page under eight English pharmacy lines reads
    English, and its own lines were then removed as foreign): when the vote went to one of `groups` (the languages a
    lexicon's spam is written in), the judged lines that are the block's by its lexicon (`in_block`, of a list of
    lines: `gambling_vocabulary.block_lines`, `pharmacy.spam_lines`, `linkfarm.spam_lines`) are left out and the
    others vote again. Their language wins when it is another group and they carry at least `min_share` of the
    judged letters; a page that is mostly such lines is a spam page (or an article in that language about the
    subject), and keeps its language. A page whose runner-up language has less than `_REVOTE_MIN_RUNNER_UP` of the
    vote has no other language to vote for."""
    if language_group(vote.lang) not in groups or (vote.score2 or 0.0) < _REVOTE_MIN_RUNNER_UP:
        return vote
    judged = [i for i, p in enumerate(table.preds) if p]
    block = {i for i, spam in zip(judged, in_block([table.lines[i] for i in judged]), strict=True) if spam}
    rest = [i for i in judged if i not in block]
    rest_letters = sum(table.evidence[i] for i in rest)
    if not block or rest_letters < min_share * sum(table.evidence[i] for i in judged):
        return vote
    other = vote_language(table, rest)
    if other.score == 0.0 or language_group(other.lang) == language_group(vote.lang):
        return vote
    return other


def identify(text: str, model: LanguageModel, cfg: LanguageConfig | None = None) -> LangResult:
    """Language of a whole document: top language and score, runner-up and score (see `vote_language`)."""
    return vote_language(_own_facts(text, model, cfg or LanguageConfig()))


# --- step 3: each line's facts against the page's language ---------------------------------------------------


def relate(table: LineTable, doc_lang: str, model: LanguageModel, cfg: LanguageConfig) -> None:
    """Step 3: fill the table's columns that depend on the page's language `doc_lang`."""
    n = len(table.lines)
    doc_group = language_group(doc_lang)
    scripts = PageScripts.of(doc_lang, model)
    table.doc_lang, table.doc_group, table.scripts = doc_lang, doc_group, scripts
    table.foreign_script = [0] * n
    if scripts.tolerated is not None:
        tolerated = scripts.tolerated
        table.foreign_script = [
            0 if c.keys() <= tolerated else sum(v for s, v in c.items() if s not in tolerated) for c in table.counts
        ]
    table.groups = [{}] * n
    table.native, table.foreign, table.top_foreign = [0.0] * n, [0.0] * n, [doc_group] * n
    for i, p in enumerate(table.preds):
        if p:
            table.groups[i], table.native[i], table.foreign[i], table.top_foreign[i] = group_facts(p, doc_group)
    _word_evidence(table, model, cfg)
    _han_evidence(table, model)
    if cfg.gambling_lexicon:
        gambling.fill(
            table,
            model,
            cfg.neighbour_max_native_score,
            cfg.wordfreq_lean_llr,
            cfg.wordfreq_min_share,
            cfg.gambling_min_foreign_score,
            (cfg.wordfreq_skip_min_letters, cfg.wordfreq_max_native_score),
            cfg.short_run_min_letters,
        )
    else:
        table.gambling, table.gambling_hint = [""] * n, [False] * n
    if cfg.pharmacy_lexicon:
        pharmacy.fill(table, model, cfg.neighbour_max_native_score)
    else:
        table.pharmacy, table.pharmacy_hint = [False] * n, [False] * n


def _word_evidence(table: LineTable, model: LanguageModel, cfg: LanguageConfig) -> None:
    """Word-frequency evidence (`transforms.language.wordlm`) of the lines against the page's language group: the
    best foreign group's log10 likelihood ratio over the words fastText read, that group, and the share of the
    letters in words that favour it. Only on the lines fastText may misjudge: short ones, and those it gives the
    page's group less than `wordfreq_max_native_score` (on long lines it is reliable, and most of a page's words
    are in such lines). Off when disabled, or when the lists cover no language of the page's group."""
    n = len(table.lines)
    table.native_langs = ()
    table.word_llr, table.word_group, table.word_share = [0.0] * n, [""] * n, [0.0] * n
    table.folded = [False] * n
    if not cfg.wordfreq_enabled or table.doc_lang == UNKNOWN_LANG:
        return
    g = _GROUP_OF.get(table.doc_lang)
    members = _GROUPS[g].split() if g is not None else [table.doc_lang]
    table.native_langs = tuple(lang for lang in members if model.words.covers(lang))
    if not table.native_langs:
        return
    judged = [
        i
        for i, p in enumerate(table.preds)
        if p
        and (
            table.evidence[i] < cfg.wordfreq_skip_min_letters
            or table.native[i] < cfg.wordfreq_max_native_score
        )
    ]
    texts = [table.texts[i] for i in judged]
    letters = [table.evidence[i] for i in judged]
    for i, (llr, group, share) in zip(
        judged, model.words.llr_many(texts, table.native_langs, language_group, letters)
    ):
        table.word_llr[i], table.word_group[i], table.word_share[i] = llr, group, share
    _title_case_evidence(table, model, cfg, judged)


# English is the web's lingua franca: its titles, slogans, names and short interface lines ("Jurassic Park Airport
# Programme Spot Not Using Programme Footage", "Have any questions?") stand in pages of every language.
LINGUA_FRANCA = language_group("en")


def _title_case_evidence(table: LineTable, model: LanguageModel, cfg: LanguageConfig, judged: list[int]) -> None:
    """The words of Title Case lines, case-folded (`title_case`): `counted_words` leaves capitalized words out (in
    running text they are names), so "Situs Slot Gacor Hari Ini GARUDA88 Gampang Menang" has no word to weigh.
    Folded only where fastText already gives the page's group less than `line_native_min_score` (the folded
    words confirm fastText, they never overturn it: a Title Case line may still be a name, "Van Ooijen Technische
    Informatica" in a German page), and kept only where the folded words favour a group other than English
    (`LINGUA_FRANCA`: English Title Case headings stand in pages of every language)."""
    fold = [
        i
        for i in judged
        if table.native[i] < cfg.line_native_min_score and title_case(table.texts[i])
    ]
    if not fold:
        return
    texts = [table.texts[i].lower() for i in fold]
    letters = [table.evidence[i] for i in fold]
    for i, (llr, group, share) in zip(fold, model.words.llr_many(texts, table.native_langs, language_group, letters)):
        if group != LINGUA_FRANCA:
            table.folded[i] = True
            table.word_llr[i], table.word_group[i], table.word_share[i] = llr, group, share


def _han_evidence(table: LineTable, model: LanguageModel) -> None:
    """In a Japanese page, the evidence that a line mostly of Han characters and without kana is Chinese: the
    characters of simplified Chinese that Japanese does not use, and the words' likelihood ratio of Chinese
    against Japanese (`HanWordModel`). fastText's zh/ja split on short Han-only text is not reliable either way."""
    n = len(table.lines)
    table.simplified, table.han_llr = [0] * n, [0.0] * n
    if table.scripts is None or table.scripts.marker != KANA:
        return
    simplified = model.simplified_only
    for i, c in enumerate(table.counts):
        if (
            table.letters[i]
            and not table.mojibake[i]
            and not c.get(KANA, 0)
            and c.get(HAN, 0) * 2 > table.letters[i]
        ):
            line = table.lines[i]
            table.simplified[i] = sum(1 for ch in line if ch in simplified)
            table.han_llr[i] = model.han_words.llr(line)
