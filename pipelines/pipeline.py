"""Pipeline assembly: one Beam job in phases, in which only small records are shuffled (docs/architecture.md).

plan    input globs -> files -> splits (a whole file, or a byte range of a big one) -> Reshuffle
map     per split, fused: read -> url -> extract -> normalize -> language -> boilerplate -> quality
        -> staged Parquet (documents, rejected, errors, keys, lines) + one summary per split
decide  on the staged keys only: URL, exact and near-duplicate verdicts; frequent lines
apply   per split, in parallel: its staged documents minus the verdicts, then the finish steps on the text that is
        written (PII masking, token counts); then per output shard: its splits' rows in split order -> data/,
        rejected/, errors/
finish  the ledger (from every phase's counts) -> stats.json, checks, _SUCCESS
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
import pyarrow as pa
from apache_beam.options.pipeline_options import DirectOptions, PipelineOptions, StandardOptions

from pipelines.config import CrawlwashConfig
from transforms.clean import FrequentLines, boilerplate, normalize
from transforms.clean.frequent import FrequentSpec
from transforms.core import FinishFn, StageFn, bucket_counts
from transforms.dedup import COLUMNS as DEDUP_COLUMNS
from transforms.dedup import DecideDuplicates, DecideSpec, WriteIndex
from transforms.engine import MapSpec, MapSplitFn
from transforms.extract import beam as extract
from transforms.language import beam as language
from transforms.pii import beam as pii
from transforms.quality import filters as quality
from transforms.read import PlanSplits
from transforms.tokens import beam as tokens
from transforms.url import beam as url
from transforms.write import (
    DATA,
    ERRORS,
    ERRORS_SCHEMA,
    REJECTED,
    REJECTED_SCHEMA,
    ApplySpec,
    ApplySplitFn,
    AssembleShardFn,
    Finalize,
    build_stats,
    docs_schema,
    merge_counts,
    plan_dir,
    shard_of,
)
from transforms.write.output import DEDUP_INDEX, shard_count

__all__ = [
    "DIRECT_RUNNERS", "FINISH_REGISTRY", "STAGE_REGISTRY", "DecideAndApply", "build_pipeline", "finishers", "map_spec",
    "runner_name", "stage_columns", "workers_fill_the_cpus",
]  # fmt: skip


@dataclass(frozen=True)
class _StageSpec:
    make: Callable[[CrawlwashConfig], StageFn | None]  # the stage's per-document function in the map phase
    columns: Callable[[CrawlwashConfig], list[pa.Field]]


STAGE_REGISTRY: dict[str, _StageSpec] = {
    "url": _StageSpec(lambda c: url.UrlFn(c.url), lambda c: list(url.COLUMNS)),
    "extract": _StageSpec(lambda c: extract.ExtractFn(c.extract), lambda c: []),
    "normalize": _StageSpec(lambda c: normalize.NormalizeFn(c.normalize), lambda c: list(normalize.COLUMNS)),
    "language": _StageSpec(lambda c: language.CleanLanguageFn(c.language), lambda c: list(language.COLUMNS)),
    "boilerplate": _StageSpec(
        lambda c: boilerplate.CleanDocumentFn(c.boilerplate), lambda c: list(boilerplate.COLUMNS)
    ),
    "quality": _StageSpec(lambda c: quality.QualityFn(c.quality), lambda c: quality.columns_for(c.quality)),
    "dedup": _StageSpec(lambda c: None, lambda c: list(DEDUP_COLUMNS)),  # global: decide and apply phases
}


@dataclass(frozen=True)
class _FinishSpec:
    make: Callable[[CrawlwashConfig], FinishFn | None]  # the step on each kept row in the apply phase, None: off
    columns: Callable[[CrawlwashConfig], list[pa.Field]]


# Steps on the text that is written, in this order, after every stage (their sections turn them on).
FINISH_REGISTRY: dict[str, _FinishSpec] = {
    "pii": _FinishSpec(
        lambda c: pii.PiiFinishFn(c.pii) if c.pii.kinds() else None,
        lambda c: pii.columns_for(c.pii),
    ),
    "tokens": _FinishSpec(
        lambda c: tokens.TokensFinishFn(c.tokens) if c.tokens.tokenizer else None,
        lambda c: list(tokens.COLUMNS) if c.tokens.tokenizer else [],
    ),
}


def finishers(cfg: CrawlwashConfig) -> tuple[FinishFn, ...]:
    return tuple(fn for spec in FINISH_REGISTRY.values() if (fn := spec.make(cfg)) is not None)


def stage_columns(cfg: CrawlwashConfig) -> list[pa.Field]:
    """The extra data/ columns contributed by the enabled stages (in stage order) and finish steps."""
    cols: list[pa.Field] = []
    for name in cfg.pipeline.stages:
        cols.extend(STAGE_REGISTRY[name].columns(cfg))
    for spec in FINISH_REGISTRY.values():
        cols.extend(spec.columns(cfg))
    return cols


class _SumTotals(beam.CombineFn):
    """Corpus totals of the map phase (a handful of ints, whatever the corpus size)."""

    _KEYS = ("docs", "kept_bytes", "keys", "urls", "texts", "bands", "lines")

    def create_accumulator(self) -> dict[str, int]:
        return dict.fromkeys(self._KEYS, 0)

    def add_input(self, acc: dict[str, int], summary: Mapping[str, Any]) -> dict[str, int]:
        for k in self._KEYS:
            acc[k] += int(summary[k])
        return acc

    def merge_accumulators(self, accs):  # noqa: ANN001, ANN201
        out = self.create_accumulator()
        for acc in accs:
            for k in self._KEYS:
                out[k] += acc[k]
        return out

    def extract_output(self, acc: dict[str, int]) -> dict[str, int]:
        return acc


def _summary_counts(summary: Mapping[str, Any]) -> dict[str, int]:
    counts = {k: v for k, v in summary["counts"].items() if k != "kept_map"}
    counts["guard\tsplits_mapped"] = 1
    counts["guard\tstaged_docs"] = int(summary["docs"])
    if summary.get("reused"):
        counts["fact\tsplits_reused"] = 1
    for step, us in summary.get("timing_us", {}).items():
        counts[f"time\t{step}"] = int(us)
    return counts


def map_spec(cfg: CrawlwashConfig, overlap: bool = True) -> MapSpec:
    """What the map phase needs to know of the config (`overlap`: `MapSpec.overlap`)."""
    stages = cfg.pipeline.stages
    extra = stage_columns(cfg)
    frequent_on = "boilerplate" in stages and cfg.boilerplate.frequent_lines
    return MapSpec(
        out_dir=cfg.output.dir, read=cfg.read, output=cfg.output, data_schema=docs_schema(extra),
        extra_names=tuple(f.name for f in extra), line_stage="boilerplate" if frequent_on else None,
        line_min_chars=cfg.boilerplate.frequent_min_chars, dedup=cfg.dedup if "dedup" in stages else None,
        overlap=overlap,
    )  # fmt: skip


DIRECT_RUNNERS = {"directrunner", "bundlebaseddirectrunner", "switchingdirectrunner"}


def runner_name(options: PipelineOptions) -> str:
    """The runner's class name (`DataflowRunner`), also for a dotted path or a runner object; DirectRunner if unset."""
    runner = options.view_as(StandardOptions).runner or "DirectRunner"
    if not isinstance(runner, str):
        runner = type(runner).__name__
    return runner.rsplit(".", 1)[-1]


def workers_fill_the_cpus(options: PipelineOptions) -> bool:
    """True when the local runner runs at least as many workers as this machine gives the job CPUs (crawlwash's
    default: `--direct_num_workers` = the CPU count). No CPU is then left for a worker's extraction to overlap its
    later stages: the map phase runs batches instead (`MapSpec.overlap`). On the generated 66 MB WARC on two CPUs,
    batches took 30.2 and 31.8 s at 187% and 186% CPU (56.7 and 59.0 CPU s); one page at a time, overlapping, 33.3 s
    twice at 190% and 187% (63.3 and 62.4 CPU s), the same bytes. Other runners place workers themselves: False."""
    if runner_name(options).lower() not in DIRECT_RUNNERS:
        return False
    workers = options.view_as(DirectOptions).direct_num_workers or 1
    return workers >= len(os.sched_getaffinity(0))


def build_pipeline(
    p: beam.Pipeline, cfg: CrawlwashConfig, fingerprint: Mapping[str, Any] | None = None
) -> beam.PCollection:
    """Add the whole crawlwash job to `p` (inputs must already be checked, the output dir prepared)."""
    chain = [(n, fn) for n in cfg.pipeline.stages if (fn := STAGE_REGISTRY[n].make(cfg)) is not None]
    splits = p | "Plan" >> PlanSplits(cfg.input.paths, cfg.read, plan_notes=plan_dir(cfg.output.dir))
    spec = map_spec(cfg, overlap=not workers_fill_the_cpus(p.options))
    summaries = splits | "Map" >> beam.ParDo(MapSplitFn(spec, chain))
    planned = splits | "CountPlanned" >> beam.Map(lambda _: {"guard\tsplits_planned": 1})
    return (summaries, planned) | "Finish" >> DecideAndApply(cfg, fingerprint)


class DecideAndApply(beam.PTransform):
    """The phases after the map: (split summaries, planned-split counts) -> decide, apply, ledger, finalize.

    Returns the manifest (one element) once `_SUCCESS` is written.
    """

    def __init__(self, cfg: CrawlwashConfig, fingerprint: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self._cfg = cfg
        self._fingerprint = fingerprint

    def expand(self, inputs: tuple[beam.PCollection, beam.PCollection]) -> beam.PCollection:
        summaries, planned = inputs
        cfg = self._cfg
        out_dir, out, stages = cfg.output.dir, cfg.output, cfg.pipeline.stages
        schemas = {DATA: docs_schema(stage_columns(cfg)), REJECTED: REJECTED_SCHEMA, ERRORS: ERRORS_SCHEMA}
        frequent_on = "boilerplate" in stages and cfg.boilerplate.frequent_lines
        dedup_on = "dedup" in stages

        totals = summaries | "Totals" >> beam.CombineGlobally(_SumTotals())
        buckets = beam.pvalue.AsSingleton(totals | "Buckets" >> beam.Map(bucket_counts))
        num_shards = totals | "ShardCount" >> beam.Map(lambda t: shard_count(t["kept_bytes"], t["docs"], out))
        shards = beam.pvalue.AsSingleton(num_shards)

        guards: list[beam.PCollection] = []
        grouped = {"split": summaries | "BySplit" >> beam.Map(lambda s: (s["sid"], s))}  # verdicts come keyed by sid
        if dedup_on:
            decisions = summaries | "Dedup" >> DecideDuplicates(
                DecideSpec(out_dir, cfg.dedup), buckets, cfg.dedup.index.prior, _index_writer(cfg)
            )
            guards.extend(decisions.guards)
            grouped["verdict"] = decisions.verdicts
            grouped["near"] = decisions.near
        side = {}
        if frequent_on:
            bp = cfg.boilerplate
            with_splits = bp.frequent_join == "cogroup"
            spec = FrequentSpec(out_dir, bp.frequent_min_hosts, bp.frequent_min_host_docs, with_splits)
            keys, line_guards = summaries | "FrequentLines" >> FrequentLines(spec, buckets)
            guards.append(line_guards)
            if with_splits:
                grouped["marks"] = keys
            else:
                side["frequent"] = beam.pvalue.AsList(keys)

        apply_spec = ApplySpec(
            out_dir=out_dir, output=out, data_schema=schemas[DATA],
            frequent_lines=boilerplate.FrequentLineRemoval(cfg.boilerplate) if frequent_on else None,
            cluster_sizes=dedup_on and cfg.dedup.near.enabled,
            finishers=finishers(cfg),
        )  # fmt: skip
        # Applied per split (in parallel over the workers), then assembled per shard in split order.
        applied = (
            grouped
            | "GroupBySplit" >> beam.CoGroupByKey()
            | "ApplySplits" >> beam.ParDo(ApplySplitFn(apply_spec), **side)
            | "ByShard" >> beam.Map(lambda r, n: (shard_of(r["sid"], n), r), n=shards)
            | "GroupByShard" >> beam.GroupByKey()
            | "Assemble" >> beam.ParDo(AssembleShardFn(apply_spec), shards)
        )
        counts = [
            planned,
            summaries | "MapCounts" >> beam.Map(_summary_counts),
            applied | "ApplyCounts" >> beam.Map(lambda a: a["counts"]),
            *guards,
        ]
        stats = (
            tuple(counts)
            | "AllCounts" >> beam.Flatten()
            | "Ledger" >> beam.CombineGlobally(merge_counts)
            | "Stats" >> beam.Map(build_stats)
        )
        return (stats, applied, num_shards) | "Finalize" >> Finalize(out_dir, out, schemas, self._fingerprint)


def _index_writer(cfg: CrawlwashConfig) -> beam.PTransform | None:
    if not cfg.dedup.index.write:
        return None
    index_dir = f"{cfg.output.dir.rstrip('/')}/{DEDUP_INDEX}"
    return WriteIndex(index_dir, cfg.dedup.near.params(), cfg.dedup.index.rows_per_shard)
