"""shuffle"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import apache_beam as beam
import numpy as np
from apache_beam import pvalue
from apache_beam.coders import FastPrimitivesCoder
from apache_beam.metrics import Metrics

from transforms.core.packed import Layout
from transforms.core.stage import METRICS_NAMESPACE

__all__ = ["bucket_counts", "sid_hex", "sid_int"]


GUARD = "guard"

_BLOB_BYTES = 256 << 10  # packed values stay small: at most this many bytes of records each

# Records per reducer (per bucket): bounds the memory of one reducer whatever the corpus size.
_PER_BUCKET = {"url": 100_000, "exact": 100_000, "band": 500_000, "line": 500_000}  # about 10 MB each


def sid_int(sid: str) -> int:
    return int(sid, 16)


def sid_hex(sid: int) -> str:
    return f"{int(sid):016x}"


def bucket_counts(totals: Mapping[str, int]) -> dict[str, int]:
    """Buckets per record kind, from the corpus totals of the map phase."""
    counts = {"url": totals.get("keys", 0), "exact": totals.get("texts", 0), "band": totals.get("bands", 0),
              "line": totals.get("lines", 0)}  # fmt: skip
    return {k: max(1, math.ceil(n / _PER_BUCKET[k])) for k, n in counts.items()}


def max_rows_for(layout: Layout) -> int:
    per_row = sum(np.dtype(t).itemsize if t is not str else 40 for _, t in layout.columns)
    return max(1, _BLOB_BYTES // per_row)


def guard(name: str, n: int) -> pvalue.TaggedOutput:
    return pvalue.TaggedOutput(GUARD, {f"{GUARD}\t{name}": int(n)})


def meter(pcoll: beam.PCollection, name: str) -> beam.PCollection:
    """Count the encoded bytes of what enters a shuffle (Beam counter `crawlwash/shuffle_bytes.<name>`)."""
    counter = Metrics.counter(METRICS_NAMESPACE, f"shuffle_bytes.{name}")
    coder = FastPrimitivesCoder()

    def count(element: Any) -> Any:
        counter.inc(len(coder.encode(element)))
        return element

    return pcoll | f"Meter{name}" >> beam.Map(count)
