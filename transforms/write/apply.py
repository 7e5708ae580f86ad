"""The apply phase: per split in parallel, its staged documents in; then per output shard, the final files out.

    (sid, {split summary, URL/exact verdicts, near verdicts, frequent marks}) + frequent keys (side input)
        -> ApplySplitFn, one split, in parallel over the workers: read <sid>.docs.parquet a row group at a time,
           drop the dedup losers (rejected rows with the kept document's id), drop the frequent lines of the
           documents that stay, set `dedup_cluster_size`, run the finish steps on the text that is written
           (PII masking, token counts: `transforms.core.FinishFn`)
        -> _temporary/splits/<sid>.applied-{data,rejected,errors}.parquet, and the split's ledger counts
    (shard, its splits' results)
        -> AssembleShardFn: per split in split id order, copy its applied rows and its staged rejected / errors
           rows into the shard's writers: the same rows in the same order as one pass over the shard, so the
           same bytes (a writer's row groups depend only on its rows)
        -> _temporary/out/{data,rejected,errors}/part-<shard>-of-<N>.parquet, and the shard's ledger counts

Applying per split takes the dedup / line edits and the finish steps (PII masking is most of it) off the serial
tail of a run with few shards: the 66 MB run's one shard took 1.4 s on one worker while the other idled.

Texts are read from the staged files here and nowhere else after the map phase: the verdicts that reach this
step are small records keyed by split.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import apache_beam as beam
import pyarrow as pa
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from transforms.core import Dropped, Failed, FinishFn, sample_keep, unpack
from transforms.core.stage import METRICS_NAMESPACE
from transforms.core.staged import (
    KIND_DOCS,
    KIND_ERRORS,
    KIND_REJECTED,
    iter_batches,
    iter_record_batches,
    out_path,
    split_path,
)
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

__all__ = ["ApplySpec", "ApplySplitFn", "AssembleShardFn", "RowEdit", "SplitVerdicts", "applied_path"]


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


class _Outputs:
    """Three Parquet files (data, rejected, errors) and their ledger counts: a shard's final files, or a split's
    applied files (`applied_path`) that the shard's assembly copies."""

    def __init__(self, spec: ApplySpec, paths: Mapping[str, str], keep_empty: bool = True) -> None:
        o, comp = spec.output, compression_options(spec.output)
        self._output = o
        self.data = StagedWriter(paths[DATA], spec.data_schema, o.row_group_rows, comp, keep_empty)
        self.rejected = StagedWriter(paths[REJECTED], REJECTED_SCHEMA, o.row_group_rows, comp, keep_empty)
        self.errors = StagedWriter(paths[ERRORS], ERRORS_SCHEMA, o.row_group_rows, comp, keep_empty)
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


def applied_path(out_dir: str, sid: str, kind: str) -> str:
    """A split's applied file: its rows of `kind` (data, rejected, errors) made by the apply step, in order."""
    return split_path(out_dir, sid, f"applied-{kind}")


class ApplySplitFn(beam.DoFn):
    """(sid, grouped verdicts) -> the split's applied files under _temporary/splits/; yields the split's result
    (sid, rows per kind, ledger counts). Splits are applied in parallel; `AssembleShardFn` copies them into
    their shard."""

    def __init__(self, spec: ApplySpec) -> None:
        super().__init__()
        self._spec = spec
        self._frequent: tuple[Iterable[int], frozenset[int]] | None = None  # (side input, its keys as a set)

    def setup(self) -> None:
        for finisher in self._spec.finishers:
            finisher.setup()

    def process(
        self, element: tuple[str, Mapping[str, Iterable]], frequent: Iterable[int] | None = None
    ) -> Iterator[dict[str, Any]]:
        sid, grouped = element
        v = SplitVerdicts()
        counts: Counter[str] = Counter()
        for blob in grouped.get("verdict", ()):
            counts["guard\tverdicts_received"] += v.add_packed(blob)
        for local, kind, label_id, size in grouped.get("near", ()):
            v.add_near(local, kind, label_id, size)
            counts["guard\tnear_verdicts_received"] += 1
        for key in grouped.get("marks", ()):
            v.frequent.add(key)
            counts["guard\tmarks_received"] += 1
        if not list(grouped.get("split", ())):  # records for no split of this run: counted, for the guards
            yield {"sid": sid, "split": False, "rows": dict.fromkeys((DATA, REJECTED, ERRORS), 0),
                   "counts": dict(counts)}  # fmt: skip
            return
        out = _Outputs(self._spec, {k: applied_path(self._spec.out_dir, sid, k) for k in (DATA, REJECTED, ERRORS)},
                       keep_empty=False)  # fmt: skip
        out.counts.update(counts)
        keys = v.frequent if frequent is None else self._shared(frequent)
        local = 0
        for batch in iter_batches(split_path(self._spec.out_dir, sid, KIND_DOCS)):
            for row in batch:
                out.counts["guard\tapplied_docs"] += 1
                self._apply_row(local, row, v, keys, out)
                local += 1
        yield {"sid": sid, "split": True, "rows": out.close(), "counts": dict(out.counts)}

    def _shared(self, frequent: Iterable[int]) -> frozenset[int]:
        """The corpus-wide frequent keys (side input), made a set once per worker, not once per split."""
        if self._frequent is None or self._frequent[0] is not frequent:
            self._frequent = (frequent, frozenset(frequent))
        return self._frequent[1]

    def _apply_row(
        self, local: int, row: dict[str, Any], v: SplitVerdicts, frequent: Collection[int], out: _Outputs
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


class AssembleShardFn(beam.DoFn):
    """(shard, its splits' apply results) -> the shard's three files under _temporary/out/; yields the shard's
    summary (rows per kind, ledger counts). Splits in id order; per split its applied data rows, then its applied
    rejected rows and its staged (map phase) rejected rows, then its applied and staged errors rows: the order a
    single pass over the shard writes, so the files' bytes do not depend on how the splits were spread."""

    def __init__(self, spec: ApplySpec) -> None:
        super().__init__()
        self._spec = spec
        self._shards = Metrics.counter(METRICS_NAMESPACE, "apply.shards")

    def process(self, element: tuple[int, Iterable[Mapping[str, Any]]], num_shards: int) -> Iterator[dict[str, Any]]:
        shard, results = element
        staged = self._spec.out_dir
        name = shard_name(shard, num_shards)
        out = _Outputs(self._spec, {k: out_path(staged, k, name) for k in (DATA, REJECTED, ERRORS)})
        results = sorted(results, key=lambda r: r["sid"])
        for res in results:
            out.counts.update(res["counts"])
            if not res["split"]:
                continue
            sid, rows = res["sid"], res["rows"]
            out.counts["guard\tsplits_applied"] += 1
            copies = (
                (out.data, applied_path(staged, sid, DATA), rows[DATA]),
                (out.rejected, applied_path(staged, sid, REJECTED), rows[REJECTED]),
                (out.rejected, split_path(staged, sid, KIND_REJECTED), None),
                (out.errors, applied_path(staged, sid, ERRORS), rows[ERRORS]),
                (out.errors, split_path(staged, sid, KIND_ERRORS), None),
            )
            for writer, path, n in copies:
                # applied files exist when they have rows; the map phase's when it had rows (None: look)
                if n == 0 or (n is None and not FileSystems.exists(path)):
                    continue
                for batch in iter_record_batches(path):
                    writer.copy_batch(batch)
        self._shards.inc()
        yield {"shard": shard, "rows": out.close(), "counts": dict(out.counts)}
