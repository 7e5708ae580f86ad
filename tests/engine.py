"""Test harness: documents of a test's own, through the pipeline's real decide and apply phases.

Each case stages its documents as the map phase would (`transforms.mapper.stage_documents`, spread over two
splits so that every corpus-wide decision crosses splits), then `DecideAndApply` runs on them. All cases of one
call run in ONE Beam pipeline (start-up and per-stage overhead dominate on small inputs), each into its own
output directory, which the test then reads like a user would.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that

from pipelines.config import CrawlwashConfig
from pipelines.pipeline import DecideAndApply, map_spec
from transforms.doc import Doc, Dropped, Failed
from transforms.mapper import stage_documents
from transforms.splits import Split

__all__ = ["Outputs", "case_config", "run_staged"]


def case_config(out: Path, stages: Sequence[str], **sections: Any) -> CrawlwashConfig:
    """A config writing to `out` with these stages; `sections` are config sections (models or dicts)."""
    tree: dict[str, Any] = {"output": {"dir": str(out)}, "pipeline": {"stages": list(stages)}}
    for name, value in sections.items():
        tree[name] = value.model_dump() if hasattr(value, "model_dump") else value
    return CrawlwashConfig.model_validate(tree)


class Outputs:
    """What one case wrote: its data/, rejected/ and errors/ rows and stats.json."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
        self.data = pq.read_table(out / "data").to_pylist()
        self.rejected = pq.read_table(out / "rejected").to_pylist()
        self.errors = pq.read_table(out / "errors").to_pylist()
        assert self.stats["balanced"] and (out / "_SUCCESS").is_file(), self.stats


def run_staged(
    root: Path,
    cases: Sequence[tuple[str, CrawlwashConfig, Sequence[Doc | Dropped | Failed]]],
    extra=None,  # noqa: ANN001
    planned_extra: int = 0,
) -> dict[str, Outputs]:
    """Run every case (name, config whose output.dir is under root, records); `extra(p)` may add more to the
    pipeline (it returns (PCollection, matcher) pairs to assert); `planned_extra` claims that many more splits
    were planned than staged (a lost split)."""
    with TestPipeline() as p:
        for name, cfg, docs in cases:
            spec = map_spec(cfg)
            parts = [list(docs[0::2]), list(docs[1::2])]
            summaries = [
                stage_documents(spec, Split(f"test://split/{k}", 0), part) for k, part in enumerate(parts)
            ]
            staged = p | f"Summaries{name}" >> beam.Create(summaries)
            planned = p | f"Planned{name}" >> beam.Create(
                [{"guard\tsplits_planned": len(summaries) + planned_extra}]
            )
            _ = (staged, planned) | f"Case{name}" >> DecideAndApply(cfg)
        if extra is not None:
            for i, (pcoll, matcher) in enumerate(extra(p)):
                assert_that(pcoll, matcher, label=f"Extra{i}")
    return {name: Outputs(Path(cfg.output.dir)) for name, cfg, _ in cases}
