"""Pass 3 of the language stage: the edit (the kept text, the removed lines and their counts per reason) and the
language of what is left; and `clean_language`, which runs the three passes over one document.

    table = read_lines(text, model, cfg)     pass 1 (`features`): every per-line fact, the page's language
    decisions = decide(table, model, cfg)    pass 2 (`decisions`): which lines go, and why
    stripped = edit_text(text, table, decisions)  pass 3 (here): the text without them, counted
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from transforms.language.config import UNKNOWN_LANG, LanguageConfig
from transforms.language.decisions import Decisions, decide
from transforms.language.features import LangResult, LineTable, read_lines, relate, vote_language
from transforms.language.model import LanguageModel

__all__ = [
    "CleanResult",
    "StripResult",
    "clean_language",
    "edit_text",
    "score_language",
    "strip_foreign_lines",
]


class CleanResult(NamedTuple):
    """Language before stripping, the strip outcome, and the language of the stripped text."""

    before: LangResult
    strip: StripResult
    after: LangResult


@dataclass(frozen=True)
class StripResult:
    """Outcome of the edit: the kept text and what was removed, line by line."""

    text: str
    lines_removed: int = 0
    chars_removed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # reason -> lines removed
    removed: list[str] = field(default_factory=list)  # removed lines, in order
    removed_reasons: list[str] = field(default_factory=list)  # reason of each removed line
    removed_at: list[int] = field(default_factory=list)  # index of each removed line in the input text


def clean_language(text: str, model: LanguageModel, cfg: LanguageConfig) -> CleanResult:
    """Identify the document's language, strip foreign lines (if configured), and re-identify.

    fastText runs once per line (plus once per multi-line foreign run); the language before and after stripping
    are both votes over those same line predictions (`vote_language`), the second over the kept lines only.
    """
    table = read_lines(text, model, cfg)
    before = table.vote
    if not cfg.strip_lines or before.lang == UNKNOWN_LANG:
        return CleanResult(before, StripResult(text=text), before)
    stripped = edit_text(text, table, decide(table, model, cfg))
    return CleanResult(before, stripped, _language_after(text, table, stripped, model, cfg))


def strip_foreign_lines(
    text: str, doc_lang: str, model: LanguageModel, cfg: LanguageConfig, table: LineTable | None = None
) -> StripResult:
    """Remove lines whose script or language is inconsistent with `doc_lang` when the evidence is strong: the
    three passes with the page's language given. `table`: the line table of `text` already read with `cfg`
    (`read_lines`); its facts are related to `doc_lang` here unless they already are."""
    if table is None:
        table = read_lines(text, model, cfg, doc_lang=doc_lang)
    elif table.scripts is None or table.doc_lang != doc_lang:
        relate(table, doc_lang, model, cfg)
    return edit_text(text, table, decide(table, model, cfg))


def edit_text(text: str, table: LineTable, decisions: Decisions) -> StripResult:
    """Pass 3: `text` without the lines pass 2 removed, and what was removed (each line, its reason, its index)."""
    kept, removed, reasons_list, removed_at = [], [], [], []
    reasons: dict[str, int] = {}
    chars = 0
    for idx, (line, why) in enumerate(zip(table.lines, decisions.reason, strict=True)):
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


def _language_after(
    text: str, table: LineTable, stripped: StripResult, model: LanguageModel, cfg: LanguageConfig
) -> LangResult:
    """The language of the edited text: the vote over the kept lines, scored by fastText on the kept text."""
    if stripped.lines_removed == 0:
        return score_language(text, table.vote.lang, model, cfg)
    gone = set(stripped.removed_at)
    after = vote_language(table, [i for i in range(len(table.lines)) if i not in gone])
    return score_language(stripped.text, after.lang, model, cfg)


def score_language(text: str, lang: str, model: LanguageModel, cfg: LanguageConfig) -> LangResult:
    """fastText's probability for `lang` (decided by the line vote) on the first `score_sample_chars` of `text`.

    The vote decides *which* language (robust to injected blocks); this one capped call gives a score on the
    familiar whole-text fastText scale, which the per-language `min_score` thresholds are set on (a letter-
    weighted mean of per-line probabilities runs much lower on pages of short lines, e.g. Chinese). The
    runner-up is fastText's best other language on the same sample.
    """
    if lang == UNKNOWN_LANG:
        return LangResult(UNKNOWN_LANG, 0.0, None, None)
    sample = " ".join(text[: cfg.score_sample_chars].split())
    preds = model.predict(sample, k=cfg.top_k) if sample else []
    score = sum(p for label, p in preds if label == lang)
    others = [(label, p) for label, p in preds if label != lang]
    lang2, score2 = others[0] if others else (None, None)
    return LangResult(lang, min(score, 1.0), lang2, score2)
