"""Token counts of the kept text (`tokens.tokenizer`), counted on the text that is written.

In the pipeline it runs in the apply phase (`TokensFinishFn`), after the PII masking and every change to the text,
so that `n_tokens` is the count of exactly the written text; totals per language go to stats.json
(`tokens_by_lang`). The tokenizer is loaded once per worker process (`token_counter`, `transforms.core.PerProcess`).
`CountTokens` is the same as a per-document Beam stage.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import apache_beam as beam
import pyarrow as pa

from transforms.core import Doc, FinishFn, PerProcess, StageFn, StageOutputs, apply_stage, total_key
from transforms.tokens.config import STAGE, TokensConfig
from transforms.tokens.count import load_counter

__all__ = ["COLUMN", "COLUMNS", "CountTokens", "TOTALS", "TokensFinishFn", "TokensFn"]

COLUMN = "n_tokens"
COLUMNS: list[pa.Field] = [pa.field(COLUMN, pa.int64())]
TOTALS = "tokens_by_lang"  # stats.json: {lang: tokens in the kept documents}
UNKNOWN_LANG = "unknown"


class TokenCounter:
    """text -> tokens with one loaded tokenizer (an object, so that `PerProcess` (Beam's `Shared`) can reference
    it weakly: hold it while you use it)."""

    def __init__(self, resolved: str) -> None:
        self._count = load_counter(resolved)

    def __call__(self, text: str) -> int:
        return self._count(text)


_TOKENIZERS: PerProcess[TokenCounter] = PerProcess()


def token_counter(resolved: str) -> TokenCounter:
    """The process's tokenizer for `tokens.tokenizer` (as its config resolved it), loaded on first use."""
    return _TOKENIZERS.get(resolved, lambda: TokenCounter(resolved))


def _counter(cfg: TokensConfig) -> Callable[[str], int]:
    assert cfg.tokenizer is not None
    return token_counter(cfg.tokenizer)


class TokensFinishFn(FinishFn):
    stage = STAGE

    def __init__(self, config: TokensConfig) -> None:
        self._cfg = config
        self._count: Callable[[str], int] | None = None

    def setup(self) -> None:
        self._count = _counter(self._cfg)

    def finish(self, row: dict[str, Any]) -> Mapping[str, int]:
        if self._count is None:
            self.setup()
        assert self._count is not None
        n = self._count(row["text"])
        row[COLUMN] = n
        return {total_key(TOTALS, row.get("lang") or UNKNOWN_LANG): n}


class TokensFn(StageFn):
    stage = STAGE

    def __init__(self, config: TokensConfig) -> None:
        super().__init__()
        self._cfg = config
        self._count: Callable[[str], int] | None = None

    def setup(self) -> None:
        self._count = _counter(self._cfg)

    def apply(self, doc: Doc) -> Doc:
        if self._count is None:
            self.setup()
        assert self._count is not None
        return doc.with_attrs(**{COLUMN: self._count(doc.text)})


class CountTokens(beam.PTransform):
    """Add `n_tokens` to every document's attrs; returns StageOutputs (nothing is dropped)."""

    def __init__(self, config: TokensConfig, label: str | None = None) -> None:
        super().__init__(label)
        self._cfg = config

    def expand(self, docs: beam.PCollection) -> StageOutputs:
        return apply_stage(docs, "CountTokens", TokensFn(self._cfg))
