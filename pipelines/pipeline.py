"""Pipeline assembly: read -> the configured stages in order -> write shards, ledger and manifest.

    input globs -> ReadInputs -> ExtractText -> NormalizeText -> CleanLanguage -> RemoveBoilerplate
                -> FilterQuality -> Deduplicate -> WriteShards(data/)
    every stage's dropped -> rejected/, failed -> errors/; all outcomes -> ComputeLedger -> stats.json
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import apache_beam as beam
import pyarrow as pa

from pipelines.config import CrawlwashConfig
from transforms import boilerplate, dedup, extract, language, normalize, quality, read
from transforms.doc import Doc, sample_keep
from transforms.write import (
    DATA,
    DEDUP_INDEX,
    ERRORS,
    ERRORS_SCHEMA,
    REJECTED,
    REJECTED_SCHEMA,
    ComputeLedger,
    Finalize,
    WriteShards,
    doc_to_row,
    docs_schema,
    dropped_to_row,
    failed_to_row,
    join_path,
)

__all__ = ["STAGE_REGISTRY", "build_pipeline", "stage_columns"]


@dataclass(frozen=True)
class _StageSpec:
    make: Callable[[CrawlwashConfig], beam.PTransform]
    columns: Callable[[CrawlwashConfig], list[pa.Field]]


def _dedup_transform(cfg: CrawlwashConfig) -> beam.PTransform:
    index_dir = join_path(cfg.output.dir, DEDUP_INDEX) if cfg.dedup.index.write else None
    return dedup.Deduplicate(cfg.dedup, index_dir=index_dir, prior_index=tuple(cfg.dedup.index.prior))


STAGE_REGISTRY: dict[str, _StageSpec] = {
    "extract": _StageSpec(lambda c: extract.ExtractText(c.extract), lambda c: []),
    "normalize": _StageSpec(lambda c: normalize.NormalizeText(c.normalize), lambda c: list(normalize.COLUMNS)),
    "language": _StageSpec(lambda c: language.CleanLanguage(c.language), lambda c: list(language.COLUMNS)),
    "boilerplate": _StageSpec(
        lambda c: boilerplate.RemoveBoilerplate(c.boilerplate), lambda c: list(boilerplate.COLUMNS)
    ),
    "quality": _StageSpec(lambda c: quality.FilterQuality(c.quality), lambda c: quality.columns_for(c.quality)),
    "dedup": _StageSpec(_dedup_transform, lambda c: list(dedup.COLUMNS)),
}


def stage_columns(cfg: CrawlwashConfig) -> list[pa.Field]:
    """The extra data/ columns contributed by the enabled stages, in stage order."""
    cols: list[pa.Field] = []
    for name in cfg.pipeline.stages:
        cols.extend(STAGE_REGISTRY[name].columns(cfg))
    return cols


def _to_row(names: tuple[str, ...]) -> Callable[[Doc], dict]:
    return lambda doc: doc_to_row(doc, names)


def build_pipeline(p: beam.Pipeline, cfg: CrawlwashConfig) -> None:
    """Add the whole crawlwash job to `p` (inputs must already be checked, the output dir prepared)."""
    out_dir = cfg.output.dir
    reads = p | "Read" >> read.ReadInputs(cfg.input.paths, cfg.read)
    docs = reads.kept
    dropped = [reads.dropped]
    failed = [reads.failed]
    for name in cfg.pipeline.stages:
        outputs = docs | f"Stage_{name}" >> STAGE_REGISTRY[name].make(cfg)
        docs = outputs.kept
        dropped.append(outputs.dropped)
        failed.append(outputs.failed)

    all_read = (reads.kept, reads.dropped, reads.failed) | "AllRead" >> beam.Flatten()
    all_dropped = dropped | "AllDropped" >> beam.Flatten()
    all_failed = failed | "AllFailed" >> beam.Flatten()

    extra = stage_columns(cfg)
    extra_names = tuple(f.name for f in extra)
    schemas = {DATA: docs_schema(extra), REJECTED: REJECTED_SCHEMA, ERRORS: ERRORS_SCHEMA}
    out = cfg.output
    kept_rows = docs | "KeptRows" >> beam.Map(_to_row(extra_names))
    rejected_rows = (
        all_dropped
        | "SampleRejected" >> beam.Filter(lambda d, rate: sample_keep(d.id, rate), out.rejected_sample_rate)
        | "RejectedRows" >> beam.Map(dropped_to_row, out.rejected_max_text_chars)
    )
    error_rows = all_failed | "ErrorRows" >> beam.Map(failed_to_row)

    shards = {
        DATA: kept_rows | "WriteData" >> WriteShards(out_dir, DATA, schemas[DATA], out),
        REJECTED: rejected_rows | "WriteRejected" >> WriteShards(out_dir, REJECTED, schemas[REJECTED], out),
        ERRORS: error_rows | "WriteErrors" >> WriteShards(out_dir, ERRORS, schemas[ERRORS], out),
    }
    stats = {"read": all_read, "kept": docs, "dropped": all_dropped, "failed": all_failed} | "Ledger" >> (
        ComputeLedger()
    )
    _ = p | "Finalize" >> Finalize(out_dir, out, stats, shards, schemas)
