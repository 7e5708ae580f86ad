"""Removing foreign lines: each line's state, runs of foreign-leaning lines, bilingual pages, the
neighbour rule, and `clean_language` (identify, strip, identify again)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from transforms.language.analysis import (
    LangResult,
    LineAnalysis,
    _by_group,
    _group_mass,
    _group_scores,
    _top_group,
    analyze_lines,
    score_language,
    vote_language,
)
from transforms.language.config import (
    REASON_FOREIGN_LANGUAGE,
    REASON_FOREIGN_SCRIPT,
    REASON_MOJIBAKE,
    UNKNOWN_LANG,
    LanguageConfig,
)
from transforms.language.evidence import (
    _confident_foreign,
    _leans_foreign,
    _WordEvidence,
    is_label_row,
    is_name_like,
    is_quote_or_reference,
)
from transforms.language.labels import _HAN_GROUP, _MARKER_SCRIPT, language_group
from transforms.language.model import LanguageModel
from transforms.language.scripts import HAN, KANA, LATIN

__all__ = ["CleanResult", "StripResult", "clean_language", "strip_foreign_lines"]


@dataclass(frozen=True)
class StripResult:
    """Outcome of `strip_foreign_lines`: the kept text and what was removed, line by line."""

    text: str
    lines_removed: int = 0
    chars_removed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # reason -> lines removed
    removed: list[str] = field(default_factory=list)  # removed lines, in order
    removed_reasons: list[str] = field(default_factory=list)  # reason of each removed line
    removed_at: list[int] = field(default_factory=list)  # index of each removed line in the input text


# The state of each line: no letters (transparent for runs), decided to stay, leaning foreign (may join a run),
# neither judged nor removed (transparent: names, quotes, tolerated Latin, removed by script).
_NEUTRAL, _KEEP, _CANDIDATE, _TRANSPARENT = 0, 1, 2, 3


@dataclass
class _Page:
    """One document being stripped: its line analysis, its language group, and each line's state and verdict."""

    an: LineAnalysis
    doc_lang: str
    doc_group: str
    model: LanguageModel
    cfg: LanguageConfig
    words: _WordEvidence | None
    state: list[int]
    removed_reason: list[str | None]
    removed_group: dict[int, str] = field(
        default_factory=dict
    )  # line -> foreign group (foreign_language only)

    @classmethod
    def start(cls, an: LineAnalysis, doc_lang: str, model: LanguageModel, cfg: LanguageConfig) -> _Page:
        n = len(an.lines)
        words = _WordEvidence.of(an, doc_lang, model, cfg)
        return cls(an, doc_lang, language_group(doc_lang), model, cfg, words, [_NEUTRAL] * n, [None] * n)

    def remove(self, i: int, reason: str, group: str | None = None) -> None:
        self.removed_reason[i] = reason
        if group is not None:
            self.removed_group[i] = group


@dataclass(frozen=True)
class _Scripts:
    """The scripts of the document's language: allowed, tolerated (Latin added), the marker script that settles a
    line without fastText (kana, Hangul), and the primary ones whose lines are judged by language."""

    allowed: frozenset[str] | None
    tolerated: frozenset[str] | None
    marker: str | None
    primary: frozenset[str] | None

    @classmethod
    def of(cls, doc_lang: str, model: LanguageModel) -> _Scripts:
        allowed = model.scripts_for(doc_lang) if doc_lang != UNKNOWN_LANG else None
        tolerated = allowed | {LATIN} if allowed is not None else None
        primary = allowed - {LATIN} if allowed and allowed != {LATIN} else allowed
        return cls(allowed, tolerated, _MARKER_SCRIPT.get(doc_lang), primary)


def strip_foreign_lines(
    text: str,
    doc_lang: str,
    model: LanguageModel,
    cfg: LanguageConfig,
    analysis: LineAnalysis | None = None,
) -> StripResult:
    """Remove lines whose script or language is inconsistent with `doc_lang` when the evidence is strong."""
    an = analysis if analysis is not None else analyze_lines(text, model, cfg)
    page = _Page.start(an, doc_lang, model, cfg)
    scripts = _Scripts.of(doc_lang, model)
    for i in range(len(an.lines)):
        _classify_line(page, scripts, i)
    _judge_runs(page)
    if cfg.neighbour_min_foreign_score < 1.0:
        _extend_to_neighbours(page)
    return _strip_result(text, an.lines, page.removed_reason)


def _classify_line(page: _Page, scripts: _Scripts, i: int) -> None:
    """Line `i`'s state (and its removal, for mojibake, a foreign script, or Chinese in a Japanese page)."""
    an, cfg = page.an, page.cfg
    line, total = an.lines[i], an.letters[i]
    if total == 0:
        return
    if an.mojibake[i]:
        page.remove(i, REASON_MOJIBAKE)
        page.state[i] = _TRANSPARENT
        return
    if scripts.tolerated is None:
        page.state[i] = _KEEP
        return
    counts = an.counts[i]
    foreign = sum(c for s, c in counts.items() if s not in scripts.tolerated)
    if foreign and foreign >= cfg.foreign_script_min_fraction * total:
        page.remove(i, REASON_FOREIGN_SCRIPT)
        page.state[i] = _TRANSPARENT
        return
    if scripts.marker is not None and counts.get(scripts.marker, 0) > 0:
        page.state[i] = _KEEP  # kana / Hangul: the document's own language, no need to ask fastText
        return
    if scripts.marker == KANA and counts.get(HAN, 0) * 2 > total:
        _classify_han_in_japanese(page, i, counts[HAN])
        return
    main_script = max(counts, key=counts.__getitem__)
    if main_script == HAN and page.doc_group == _HAN_GROUP:
        page.state[i] = _KEEP  # Han in a Chinese page: other Han-script languages are told apart by script
        return
    if main_script not in scripts.primary:
        page.state[i] = _TRANSPARENT  # tolerated Latin inside a non-Latin page: neither judged nor removed
        return
    p = an.preds[i]
    if (
        not p
        or is_name_like(an.text_of(i), cfg.name_max_words)
        or is_quote_or_reference(line)
        or is_label_row(line)
    ):
        page.state[i] = _TRANSPARENT
        return
    page.state[i] = _CANDIDATE if _leans_foreign(p, page.doc_group, cfg) else _KEEP
    if page.state[i] == _KEEP and page.words is not None and page.words.leans(i):
        page.state[i] = _CANDIDATE  # fastText reads it as the page's language; its words do not


def _classify_han_in_japanese(page: _Page, i: int, han: int) -> None:
    """Han without kana in a Japanese page: Chinese when it uses characters Japanese does not have, or when its
    words are Chinese ones (`HanWordModel`); fastText's zh/ja split on short Han-only text is not reliable enough
    either way."""
    simplified = page.model.simplified_only
    line = page.an.lines[i]
    n_simplified = sum(1 for ch in line if ch in simplified)
    if (n_simplified >= 2 and n_simplified >= page.cfg.simplified_min_fraction * han) or (
        page.model.han_words.llr(line) >= page.cfg.han_words_min_llr
    ):
        preds = page.an.preds[i]
        page.remove(i, REASON_FOREIGN_LANGUAGE, _top_group(preds, page.doc_group) if preds else None)
        page.state[i] = _TRANSPARENT
    else:
        page.state[i] = _KEEP


def _judge_runs(page: _Page) -> None:
    """Judge each run of foreign-leaning lines (neutral and already-decided lines do not break a run).

    A language group that carries a large share of the page is a second language of a bilingual page (a
    translation, a language-learning Q&A), not an injection: its same-script lines are not judged foreign. Spam
    comes as one block: only what the group carries outside the run being judged counts."""
    an, n = page.an, len(page.an.lines)
    own, weight = _group_mass(an)
    mass = _settled_mass(page, range(n))
    mass[page.doc_group] = own.get(page.doc_group, 0.0)
    i = 0
    while i < n:
        if page.state[i] != _CANDIDATE:
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < n and page.state[j] != _KEEP:
            if page.state[j] == _CANDIDATE:
                run.append(j)
            j += 1
        _judge_run(page, run, _bilingual(page, run, mass, weight))
        i = j


def _strip_result(text: str, lines: Sequence[str], removed_reason: Sequence[str | None]) -> StripResult:
    kept, removed, reasons_list, removed_at = [], [], [], []
    reasons: dict[str, int] = {}
    chars = 0
    for idx, (line, why) in enumerate(zip(lines, removed_reason, strict=True)):
        if why is None:
            kept.append(line)
        else:
            removed.append(line)
            removed_at.append(idx)
            reasons_list.append(why)
            reasons[why] = reasons.get(why, 0) + 1
            chars += len(line)
    if not removed:
        return StripResult(text=text)
    return StripResult(
        text="\n".join(kept),
        lines_removed=len(removed),
        chars_removed=chars,
        reasons=reasons,
        removed=removed,
        removed_reasons=reasons_list,
        removed_at=removed_at,
    )


class CleanResult(NamedTuple):
    """Language before stripping, the strip outcome, and the language of the stripped text."""

    before: LangResult
    strip: StripResult
    after: LangResult


def clean_language(text: str, model: LanguageModel, cfg: LanguageConfig) -> CleanResult:
    """Identify the document's language, strip foreign lines (if configured), and re-identify.

    fastText runs once per line (plus once per multi-line foreign run); the language before and after stripping
    are both votes over those same line predictions (`vote_language`), the second over the kept lines only.
    """
    an = analyze_lines(text, model, cfg)
    before = vote_language(an)
    if not cfg.strip_lines or before.lang == UNKNOWN_LANG:
        return CleanResult(before, StripResult(text=text), before)
    stripped = strip_foreign_lines(text, before.lang, model, cfg, analysis=an)
    if stripped.lines_removed == 0:
        return CleanResult(before, stripped, score_language(text, before.lang, model, cfg))
    gone = set(stripped.removed_at)
    after = vote_language(an, [i for i in range(len(an.lines)) if i not in gone])
    return CleanResult(before, stripped, score_language(stripped.text, after.lang, model, cfg))


def _settled_mass(page: _Page, indices: Sequence[int]) -> dict[str, float]:
    """Letter-weighted mass of each foreign group over the judged lines that are mostly in it (the group gets at
    least half of the line's probability): the evidence of a second language. Lines that only lean a little
    towards a language (names and numbers in a results table read 0.3 English) and names, titles, quotes and
    table labels (not judged) are no evidence that the page is bilingual; lines in the group's own script count
    even though they are removed (the Japanese of an English page about Japanese)."""
    an = page.an
    mass: dict[str, float] = {}
    for i in indices:
        p = an.preds[i]
        if not p or (
            page.state[i] not in (_KEEP, _CANDIDATE) and page.removed_reason[i] != REASON_FOREIGN_SCRIPT
        ):
            continue
        for g, prob in _by_group(p).items():
            if g != page.doc_group and prob >= 0.5:
                mass[g] = mass.get(g, 0.0) + an.weight(i) * prob
    return mass


def _bilingual(page: _Page, run: list[int], mass: dict[str, float], weight: float) -> set[str]:
    """Foreign groups that carry at least `second_language_min_share` of the page outside this run (counted on
    the lines mostly in them, `_settled_mass`); on a multilingual page (the page's own language carries less
    than half of it, and two or more foreign groups besides the run's own carry at least
    `second_language_min_share` each: a text with its translations), every foreign group with that share. One
    injected block adds one language, not three."""
    if not weight:
        return set()
    doc_group = page.doc_group
    share = page.cfg.second_language_min_share * weight
    in_run = _settled_mass(page, run)
    if mass.get(doc_group, 0.0) < 0.5 * weight:
        large = {g for g, m in mass.items() if g != doc_group and m >= share}
        run_group = max((g for g in in_run if g != doc_group), key=in_run.__getitem__, default=None)
        if len(large - {run_group}) >= 2:
            return large
    return {g for g, m in mass.items() if g != doc_group and (m - in_run.get(g, 0.0)) >= share}


def _judge_run(page: _Page, run: list[int], bilingual: set[str]) -> None:
    """Remove the run when its joined text is confidently foreign, to fastText or by its words; else the lines of
    a mixed run that are confidently foreign on their own."""
    an, cfg, model = page.an, page.cfg, page.model
    total = sum(an.weight(i) for i in run)
    if total >= cfg.run_min_letters:
        if len(run) == 1:
            preds = an.preds[run[0]] or []
        else:
            joined = " ".join(an.text_of(i) for i in run)
            preds = model.predict(joined[: 4 * cfg.max_predict_chars], k=cfg.top_k)
            if model.no_evidence(preds):
                preds = []
        group = _foreign_group(page, preds, run, bilingual)
        if group is not None:
            for i in run:
                page.remove(
                    i, REASON_FOREIGN_LANGUAGE, group or _top_group(an.preds[i] or [], page.doc_group)
                )
            return
    if len(run) > 1:  # a mixed run: single lines may still stand on their own
        for i in run:
            if an.weight(i) < cfg.run_min_letters:
                continue
            group = _foreign_group(page, an.preds[i] or [], [i], bilingual)
            if group is not None:
                page.remove(
                    i, REASON_FOREIGN_LANGUAGE, group or _top_group(an.preds[i] or [], page.doc_group)
                )


def _foreign_group(
    page: _Page, preds: list[tuple[str, float]], lines: list[int], bilingual: set[str]
) -> str | None:
    """None when `lines` are not confidently foreign; "" when fastText's `preds` for their text say so (each line
    then passes on its own top group); else the foreign group their words favour."""
    cfg = page.cfg
    if preds and _confident_foreign(preds, page.doc_group, cfg, bilingual):
        return ""
    if page.words is not None:
        llr, group, share = page.words.lines(lines)
        if llr >= cfg.wordfreq_run_llr and share >= cfg.wordfreq_min_share and group not in bilingual:
            return group
    return None


def _extend_to_neighbours(page: _Page) -> None:
    """Spam comes in blocks: a judged line right next to lines removed as foreign language goes with them when
    its own prediction gives the removed line's language group at least `neighbour_min_foreign_score` and the
    page's group less than `neighbour_max_native_score`, or when its words favour that group by
    `wordfreq_neighbour_llr` (a mixed line that reads partly like the block beside it). Lines without letters
    between do not separate. A line removed this way passes it on only when it leans foreign on its own (the
    rest of a block whose joined text was not conclusive); a line that reads as the page's language stops the
    chain, and a lone weak line inside the article has no removed neighbour, so it stays."""
    n = len(page.an.lines)
    seeds = [
        (i, g) for i, g in page.removed_group.items() if page.removed_reason[i] == REASON_FOREIGN_LANGUAGE
    ]
    while seeds:
        i, block_group = seeds.pop()
        for step in (-1, 1):
            j = i + step
            while 0 <= j < n and page.removed_reason[j] is None and page.state[j] == _NEUTRAL:
                j += step  # no letters: transparent
            if 0 <= j < n and page.removed_reason[j] is None and _joins_block(page, j, block_group):
                page.remove(j, REASON_FOREIGN_LANGUAGE, block_group)
                if page.state[j] == _CANDIDATE:
                    seeds.append((j, block_group))


def _joins_block(page: _Page, j: int, block_group: str) -> bool:
    """Line `j` reads enough like the removed block of `block_group` next to it (see `_extend_to_neighbours`)."""
    an, cfg = page.an, page.cfg
    p = an.preds[j]
    if (
        not p
        or page.state[j] not in (_KEEP, _CANDIDATE)
        or is_name_like(an.text_of(j), cfg.name_max_words)
        or is_quote_or_reference(an.lines[j])
    ):
        return False
    native, _ = _group_scores(p, page.doc_group)
    foreign = sum(prob for lang, prob in p if language_group(lang) == block_group)
    if native < cfg.neighbour_max_native_score and foreign >= cfg.neighbour_min_foreign_score:
        return True
    if page.words is not None:
        llr, group, _ = page.words.line(j)
        return group == block_group and llr >= cfg.wordfreq_neighbour_llr
    return False
