"""PII stage: mask e-mail addresses, public IPs, phone numbers and card numbers in the text that is written.

In the pipeline it runs in the apply phase (`PiiFinishFn`), on the kept text after the corpus-wide steps: the
quality filters and dedup judge the real text, the frequent-line pass finds footer lines by the keys of their
real text (a contact line repeated on every page is removed whole, not kept masked), and what is masked is
exactly what is written. `MaskPii` is the same core as a per-document Beam stage, for pipelines of your own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import apache_beam as beam
import pyarrow as pa

from transforms.core import Doc, FinishFn, StageFn, StageOutputs, apply_stage, total_key
from transforms.pii.config import STAGE, PiiConfig
from transforms.pii.mask import mask_pii

__all__ = ["COLUMN", "MaskPii", "PiiFinishFn", "PiiFn", "TOTALS", "columns_for"]

COLUMN = "pii_counts"
TOTALS = "pii_masked"  # stats.json: {kind: values masked in the kept documents}


def columns_for(cfg: PiiConfig) -> list[pa.Field]:
    """`pii_counts`: kind -> values masked, one int32 field per kind turned on. A struct rather than an Arrow
    map: Hugging Face `datasets` cannot read map columns, and a struct reads as a dict everywhere."""
    kinds = cfg.kinds()
    return [pa.field(COLUMN, pa.struct([pa.field(k, pa.int32()) for k in kinds]))] if kinds else []


class PiiFinishFn(FinishFn):
    stage = STAGE

    def __init__(self, config: PiiConfig) -> None:
        self._cfg = config
        self._kinds = config.kinds()

    def finish(self, row: dict[str, Any]) -> Mapping[str, int]:
        res = mask_pii(row["text"], row.get("url"), row.get("lang"), self._cfg, self._kinds)
        if res.text != row["text"]:
            row["text"] = res.text
            row["n_chars"] = len(res.text)
        row[COLUMN] = res.counts
        return {total_key(TOTALS, kind): n for kind, n in res.counts.items()}


class PiiFn(StageFn):
    stage = STAGE

    def __init__(self, config: PiiConfig) -> None:
        super().__init__()
        self._cfg = config
        self._kinds = config.kinds()

    def apply(self, doc: Doc) -> Doc:
        res = mask_pii(doc.text, doc.url, doc.lang, self._cfg, self._kinds)
        return doc.replace(text=res.text).with_attrs(**{COLUMN: res.counts})


class MaskPii(beam.PTransform):
    """Mask personal data in every document (`pii_counts` in attrs); returns StageOutputs (nothing is dropped)."""

    def __init__(self, config: PiiConfig | None = None, label: str | None = None) -> None:
        super().__init__(label)
        self._cfg = config or PiiConfig()

    def expand(self, docs: beam.PCollection) -> StageOutputs:
        return apply_stage(docs, "MaskPii", PiiFn(self._cfg))
