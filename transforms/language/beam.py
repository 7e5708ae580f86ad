"""Language stage: identify each document's language, strip foreign-language / foreign-script lines, re-identify,
and keep or drop the document by language and score.

The pure logic lives in the other modules of `transforms.language` (no Beam); this module holds the DoFn and the public transform.
Removed lines go to the dropped output as `Dropped(unit="lines")` audit rows (one per document and reason,
sampled by `rejected_lines_sample_rate`); they are not ledger records.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import apache_beam as beam
import pyarrow as pa

from transforms.core import (
    Doc,
    Dropped,
    PerProcess,
    StageFn,
    StageOutputs,
    apply_stage,
    note_removed,
    sample_keep,
)
from transforms.language.config import (
    REASON_LANG_NOT_ALLOWED,
    REASON_LANG_SCORE_BELOW_THRESHOLD,
    REASON_NO_TEXT,
    LanguageConfig,
)
from transforms.language.edit import clean_language
from transforms.language.labels import normalize_label
from transforms.language.model import LanguageModel

__all__ = ["COLUMNS", "CleanLanguage", "CleanLanguageFn", "STAGE", "language_model"]

STAGE = "language"

# Extra output columns this stage writes into Doc.attrs (lang, lang_score, lang2, lang2_score are base columns).
COLUMNS: list[pa.Field] = [
    pa.field("foreign_lines_removed", pa.int32(), nullable=True),
    pa.field("foreign_chars_removed", pa.int32(), nullable=True),
    # JSON object reason -> lines removed, e.g. {"foreign_script": 1}; "{}" when nothing was removed
    pa.field("foreign_removed_by_reason", pa.string(), nullable=True),
]

_LANGUAGE_MODELS: PerProcess[LanguageModel] = PerProcess()


def language_model(path: str | None) -> LanguageModel:
    """The process's language model for `path` (None: the bundled lid.176.ftz), loaded on first use: one per
    worker process, shared by every instance of the stage in it."""
    return _LANGUAGE_MODELS.get(path or "", lambda: LanguageModel(path))


class CleanLanguageFn(StageFn):
    stage = STAGE

    def __init__(self, config: LanguageConfig) -> None:
        super().__init__()
        self._cfg = config
        self._model: LanguageModel | None = None
        self._allowed = frozenset(normalize_label(a)[0] for a in config.allowed)
        self._min_by_lang = {normalize_label(k)[0]: v for k, v in config.min_score_by_lang.items()}

    def setup(self) -> None:
        self._model = language_model(self._cfg.model_path)  # one per worker process, shared by all instances
        self._model.predict("warm up", k=1)  # load now: a bad model path fails at setup, not per record
        if self._cfg.wordfreq_enabled and self._cfg.strip_lines:
            self._model.words.covers("en")  # build the word-frequency index once per worker, before any record

    def apply(self, doc: Doc) -> Iterator[Doc | Dropped]:
        if self._model is None:  # runners call setup(); direct use in tests may not
            self.setup()
        assert self._model is not None
        cfg = self._cfg
        if not doc.text.strip():
            yield Dropped.of(doc, STAGE, REASON_NO_TEXT)
            return
        res = clean_language(doc.text, self._model, cfg)
        strip = res.strip
        by_reason: dict[str, list[str]] = {}
        for line, why in zip(strip.removed, strip.removed_reasons):
            by_reason.setdefault(why, []).append(line)
        if strip.lines_removed and sample_keep(doc.id, cfg.rejected_lines_sample_rate):
            for why, lines in sorted(by_reason.items()):
                yield Dropped.lines(doc, STAGE, why, lines, detail=f"doc_lang={res.before.lang} lines={len(lines)}")
        after = res.after
        out = doc.replace(
            text=strip.text,
            lang=after.lang,
            lang_score=after.score,
            lang2=after.lang2,
            lang2_score=after.score2,
        ).with_attrs(
            foreign_lines_removed=strip.lines_removed,
            foreign_chars_removed=strip.chars_removed,
            foreign_removed_by_reason=json.dumps(strip.reasons, sort_keys=True),
        )
        out = note_removed(out, STAGE, by_reason)
        if not strip.text.strip():
            yield Dropped.of(out, STAGE, REASON_NO_TEXT, detail="empty after stripping foreign lines")
            return
        if self._allowed and after.lang not in self._allowed:
            yield Dropped.of(out, STAGE, REASON_LANG_NOT_ALLOWED, detail=f"lang={after.lang}")
            return
        threshold = self._min_by_lang.get(after.lang, cfg.min_score)
        if after.score < threshold:
            yield Dropped.of(
                out,
                STAGE,
                REASON_LANG_SCORE_BELOW_THRESHOLD,
                detail=f"lang={after.lang} score={after.score:.4f} min={threshold}",
            )
            return
        yield out


class CleanLanguage(beam.PTransform):
    """Identify language, strip foreign lines, re-identify, keep/drop by language: -> StageOutputs."""

    def __init__(self, config: LanguageConfig | None = None, label: str | None = None) -> None:
        super().__init__(label)
        self._config = config or LanguageConfig()

    def expand(self, pcoll: beam.PCollection) -> StageOutputs:
        return apply_stage(pcoll, "CleanLanguageFn", CleanLanguageFn(self._config))
