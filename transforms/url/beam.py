"""URL stage: drop pages of blocklisted sites and URLs full of banned words, before extraction.

It runs right after reading (`pipeline.stages` starts with `url`), on records that still hold their HTML, so
a blocked page is never extracted. The rules are in `transforms.url.match`; the lists are loaded once per worker
process (`url_filter`, `transforms.core.PerProcess`; UT1 is memory-mapped, shared by the machine's processes).
"""

from __future__ import annotations

import json

import apache_beam as beam
import pyarrow as pa

from transforms.core import Doc, Dropped, PerProcess, StageFn, StageOutputs, apply_stage
from transforms.url.config import STAGE, UrlConfig
from transforms.url.match import UrlFilter

__all__ = ["COLUMNS", "FilterUrls", "UrlFn"]

COLUMNS: list[pa.Field] = []  # the stage only drops

_URL_FILTERS: PerProcess[UrlFilter] = PerProcess()


def url_filter(config: UrlConfig) -> UrlFilter:
    """The process's URL filter for this config (the UT1 index memory-mapped, the word lists compiled once)."""
    return _URL_FILTERS.get(
        json.dumps(config.model_dump(), sort_keys=True), lambda: UrlFilter.from_config(config)
    )


class UrlFn(StageFn):
    stage = STAGE

    def __init__(self, config: UrlConfig) -> None:
        super().__init__()
        self._cfg = config
        self._filter: UrlFilter | None = None

    def setup(self) -> None:
        self._filter = url_filter(self._cfg)  # one per worker process and config

    def apply(self, doc: Doc) -> Doc | Dropped:
        if self._filter is None:  # runners call setup(); direct use in tests may not
            self.setup()
        assert self._filter is not None
        verdict = self._filter.verdict(doc.url)
        if verdict is None:
            return doc
        return Dropped.of(doc, STAGE, verdict.reason, verdict.detail)


class FilterUrls(beam.PTransform):
    """Drop records whose URL is blocklisted (UT1, `url.block_domains`, `url.block_urls`) or full of banned
    words; returns StageOutputs (kept records unchanged, dropped with stage `url` and the reason)."""

    def __init__(self, config: UrlConfig | None = None, label: str | None = None) -> None:
        super().__init__(label)
        self._cfg = config or UrlConfig()

    def expand(self, docs: beam.PCollection) -> StageOutputs:
        return apply_stage(docs, "FilterUrls", UrlFn(self._cfg))
