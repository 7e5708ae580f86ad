"""The apply phase: once per output shard, its splits' staged documents in, the final shard files out.

    (shard, {split summaries, URL/exact verdicts, near verdicts, frequent marks}) + frequent keys (side input)
        -> for each split of the shard, in split id order: read <sid>.docs.parquet a row group at a time,
           drop the dedup losers (rejected rows with the kept document's id), drop the frequent lines of the
           documents that stay, set `dedup_cluster_size`, run the finish steps on the text that is written
           (PII masking, token counts: `transforms.core.FinishFn`), and copy the split's staged rejected / errors
           rows
        -> _temporary/out/{data,rejected,errors}/part-<shard>-of-<N>.parquet, and the shard's ledger counts

Texts are read from the staged files here and nowhere else after the map phase: the verdicts that reach this
step are small records keyed by split.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import apache_beam as beam
import pyarrow as pa
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from transforms.core import Dropped, Failed, FinishFn, sample_keep, unpack
from transforms.core.stage import METRICS_NAMESPACE
from transforms.core.staged import KIND_DOCS, KIND_ERRORS, KIND_REJECTED, iter_batches, out_path, split_path
from transforms.core.verdicts import DEDUP_STAGE as DEDUP
from transforms.core.verdicts import REASON_CODES, REASON_NEAR_DUPLICATE, REASON_NEAR_DUPLICATE_OF_PRIOR, VERDICT
from transforms.write.ledger import outcome_keys
from transforms.write.output import (
    DATA,
    ERRORS,
    ERRORS_SCHEMA,
    REJECTED,
    REJECTED_SCHEMA,
    OutputConfig,
    compression_options,
    dropped_to_row,
    failed_to_row,
    shard_name,
)
from transforms.write.staging import StagedWriter

__all__ = ["ApplyShardFn", "ApplySpec", "RowEdit", "SplitVerdicts"]


class RowEdit(Protocol):
    """An edit of a kept document row in the apply phase, given the corpus-wide frequent keys: the boilerplate
    stage's frequent-line removal (`transforms.clean.FrequentLineRemoval`, passed in by the pipeline, so that the
    writer imports no stage). Edits the row in place; returns (keep, outcomes to drop: audit rows, and the
    document itself when keep is False)."""

    def __call__(self, row: dict[str, Any], frequent: Collection[int]) -> tuple[bool, list[Dropped]]: ...


@dataclass(frozen=True)
class ApplySpec:
    out_dir: str
    output: OutputConfig
    data_schema: pa.Schema
    frequent_lines: RowEdit | None = None  # the frequent-line pass, when on
    cluster_sizes: bool = False  # near dedup on: kept documents get dedup_cluster_size (1 outside clusters)
    finishers: tuple[FinishFn, ...] = ()  # steps on each kept row, in order, just before it is written


class SplitVerdicts:
    """What the decide phase said about the documents of one split, by row (`local`)."""

    def __init__(self) -> None:
        self.dropped: dict[int, tuple[str, str]] = {}  # local -> (reason, detail)
        self.cluster_size: dict[int, int] = {}  # local -> size, for the kept document of a cluster
        self.frequent: set[int] = set()  # frequent keys marked for this split (`cogroup` join)

    def add_packed(self, blob: bytes) -> int:
        """Add URL / exact verdicts; returns how many."""
        v = unpack(VERDICT, blob)
        for local, reason, kept in zip(v["local"].tolist(), v["reason"].tolist(), v["kept"].tolist(), strict=True):
            self.dropped.setdefault(local, (REASON_CODES[reason], f"kept={kept}"))
        return len(v["local"])

    def add_near(self, local: int, kind: str, label_id: str, size: int) -> None:
        if local in self.dropped:  # URL / exact losers never reach near dedup
            return
        if kind == "keep":
            self.cluster_size[local] = size
        elif kind == "prior":
            self.dropped[local] = (REASON_NEAR_DUPLICATE_OF_PRIOR, f"prior={label_id} cluster_size={size}")
        else:
            self.dropped[local] = (REASON_NEAR_DUPLICATE, f"kept={label_id} cluster_size={size}")


def _dropped_from_row(row: Mapping[str, Any], stage: str, reason: str, detail: str | None) -> Dropped:
    return Dropped(
        stage=stage,
        reason=reason,
        id=row["id"],
        source=row["source"],
        source_record=row["source_record"],
        url=row["url"],
        text=row["text"],
        detail=detail,
    )


class _ShardOutput:
    """The three files of one shard and its ledger counts."""

    def __init__(self, spec: ApplySpec, shard: int, num_shards: int) -> None:
        name = shard_name(shard, num_shards)
        o, comp = spec.output, compression_options(spec.output)
        self._output = o
        self.data = StagedWriter(out_path(spec.out_dir, DATA, name), spec.data_schema, o.row_group_rows, comp)
        self.rejected = StagedWriter(out_path(spec.out_dir, REJECTED, name), REJECTED_SCHEMA, o.row_group_rows, comp)
        self.errors = StagedWriter(out_path(spec.out_dir, ERRORS, name), ERRORS_SCHEMA, o.row_group_rows, comp)
        self.counts: Counter[str] = Counter()

    def keep(self, row: dict[str, Any]) -> None:
        self.counts["kept"] += 1
        self.data.write(row)

    def drop(self, outcome: Dropped) -> None:
        for key in outcome_keys(outcome):
            self.counts[key] += 1
        if sample_keep(outcome.id, self._output.rejected_sample_rate):
            self.rejected.write(dropped_to_row(outcome, self._output.rejected_max_text_chars))

    def fail(self, outcome: Failed) -> None:
        for key in outcome_keys(outcome):
            self.counts[key] += 1
        self.errors.write(failed_to_row(outcome))

    def close(self) -> dict[str, int]:
        return {DATA: self.data.close(), REJECTED: self.rejected.close(), ERRORS: self.errors.close()}


class ApplyShardFn(beam.DoFn):
    """(shard, grouped verdicts) -> the shard's three files under _temporary/out/; yields the shard's summary."""

    def __init__(self, spec: ApplySpec) -> None:
        super().__init__()
        self._spec = spec
        self._shards = Metrics.counter(METRICS_NAMESPACE, "apply.shards")

    def setup(self) -> None:
        for finisher in self._spec.finishers:
            finisher.setup()

    def process(
        self,
        element: tuple[int, Mapping[str, Iterable]],
        num_shards: int,
        frequent: Iterable[int] | None = None,
    ) -> Iterator[dict[str, Any]]:
        shard, grouped = element
        summaries = sorted(grouped["split"], key=lambda s: s["sid"])
        verdicts: dict[str, SplitVerdicts] = defaultdict(SplitVerdicts)
        out = _ShardOutput(self._spec, shard, num_shards)
        received: Counter[str] = Counter()
        for sid, blob in grouped.get("verdict", ()):
            received["guard\tverdicts_received"] += verdicts[sid].add_packed(blob)
        for sid, (local, kind, label_id, size) in grouped.get("near", ()):
            verdicts[sid].add_near(local, kind, label_id, size)
            received["guard\tnear_verdicts_received"] += 1
        for sid, key in grouped.get("marks", ()):
            verdicts[sid].frequent.add(key)
            received["guard\tmarks_received"] += 1
        out.counts.update(received)
        shared = frozenset(frequent) if frequent is not None else None
        for summary in summaries:
            v = verdicts.get(summary["sid"], SplitVerdicts())
            self._apply_split(summary["sid"], v, shared if shared is not None else v.frequent, out)
        out.counts["guard\tsplits_applied"] += len(summaries)
        self._shards.inc()
        yield {"shard": shard, "rows": out.close(), "counts": dict(out.counts)}

    def _apply_split(self, sid: str, v: SplitVerdicts, frequent: Collection[int], out: _ShardOutput) -> None:
        staged = self._spec.out_dir
        local = 0
        for batch in iter_batches(split_path(staged, sid, KIND_DOCS)):
            for row in batch:
                out.counts["guard\tapplied_docs"] += 1
                self._apply_row(local, row, v, frequent, out)
                local += 1
        for kind, writer in ((KIND_REJECTED, out.rejected), (KIND_ERRORS, out.errors)):
            path = split_path(staged, sid, kind)
            if FileSystems.exists(path):
                for batch in iter_batches(path):
                    for row in batch:
                        writer.write(row)

    def _apply_row(
        self, local: int, row: dict[str, Any], v: SplitVerdicts, frequent: Collection[int], out: _ShardOutput
    ) -> None:
        verdict = v.dropped.get(local)
        if verdict is not None:
            out.drop(_dropped_from_row(row, DEDUP, verdict[0], verdict[1]))
            return
        if self._spec.cluster_sizes:
            row["dedup_cluster_size"] = v.cluster_size.get(local, 1)
        edit = self._spec.frequent_lines
        if edit is not None:
            keep, outcomes = edit(row, frequent)
            for outcome in outcomes:
                out.drop(outcome)
            if not keep:
                return
        totals: Counter[str] = Counter()
        for finisher in self._spec.finishers:
            try:
                totals.update(finisher.finish(row))
            except Exception as exc:  # noqa: BLE001 -- one bad document is an errors/ row, the shard goes on
                out.fail(Failed(stage=finisher.stage, error=Failed.describe(exc), source=row["source"],
                                source_record=row["source_record"], id=row["id"], url=row["url"]))  # fmt: skip
                return
        out.counts.update(totals)
        out.keep(row)
