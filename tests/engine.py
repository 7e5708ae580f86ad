"""Test harness: records of a test's own through the pipeline's real decide, apply and finalize phases
(`pipelines.documents.run_documents`), read back like a user would."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.testing.util import assert_that

from pipelines.config import CrawlwashConfig
from pipelines.documents import Case, run_documents

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
    cases: Sequence[Case],
    extra: Callable[[beam.Pipeline], list] | None = None,
    planned_extra: int = 0,
) -> dict[str, Outputs]:
    """Run every case (name, config whose output.dir is under root, records) in one pipeline (records over two
    splits); `extra(p)` may add more to it and returns (PCollection, matcher) pairs to assert."""

    def more(p: beam.Pipeline) -> None:
        for i, (pcoll, matcher) in enumerate(extra(p) if extra is not None else []):
            assert_that(pcoll, matcher, label=f"Extra{i}")

    run_documents(cases, extra=more, planned_extra=planned_extra)
    return {name: Outputs(Path(cfg.output.dir)) for name, cfg, _ in cases}
