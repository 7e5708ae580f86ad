"""Run the corpus-wide phases (dedup, frequent lines) and the writer on documents of your own.

The pipeline reads crawl files; evaluations and tests often start from documents instead (texts with ids,
URLs, fetch times). `run_documents` stages them as the map phase would (`transforms.engine.stage_documents`,
spread over a few splits so every decision crosses splits) and runs the real decide, apply and finalize
phases on them, several independent cases in one Beam pipeline:

    from pipelines.documents import run_documents
    from pipelines.config import load_config
    cfg = load_config(None, ["output.dir=/tmp/case", "pipeline.stages=[extract,dedup]"])
    run_documents([("case", cfg, docs)])          # /tmp/case/data, rejected/, stats.json as after a real run
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from pipelines.config import CrawlwashConfig
from pipelines.pipeline import DecideAndApply, map_spec
from transforms.core import Doc, Dropped, Failed
from transforms.engine import stage_documents
from transforms.read import Split

__all__ = ["Case", "run_documents"]

Case = tuple[str, CrawlwashConfig, Sequence[Doc | Dropped | Failed]]  # (name, config, records)


def run_documents(
    cases: Sequence[Case],
    splits: int = 2,
    options: PipelineOptions | None = None,
    extra: Callable[[beam.Pipeline], None] | None = None,
    planned_extra: int = 0,
) -> None:
    """Stage each case's records (round-robin over `splits` splits) and run every case's decide, apply and
    finalize phases in one pipeline, each into its config's `output.dir`. `extra(p)` may add more to the same
    pipeline; `planned_extra` claims that many more splits were planned than staged (a lost split)."""
    pipeline = beam.Pipeline(options=options or PipelineOptions(["--direct_running_mode=in_memory"]))
    with pipeline as p:
        for name, cfg, records in cases:
            spec = map_spec(cfg)
            parts = [list(records[k::splits]) for k in range(splits)]
            summaries = [
                stage_documents(spec, Split(f"documents://split/{k}", 0), part)
                for k, part in enumerate(parts)
            ]
            staged = p | f"Summaries{name}" >> beam.Create(summaries)
            planned = p | f"Planned{name}" >> beam.Create(
                [{"guard\tsplits_planned": len(summaries) + planned_extra}]
            )
            _ = (staged, planned) | f"Case{name}" >> DecideAndApply(cfg)
        if extra is not None:
            extra(p)
