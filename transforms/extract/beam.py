"""Extraction stage: raw HTML payload bytes -> main text (trafilatura), bounded in size and time.

The pure core (charset decoding, trafilatura options, the sandbox child process) lives in `transforms.extract.html` and `.sandbox`
and is re-exported here. This module adds the stage DoFn and the public transform `ExtractText`. Text-only records
(WET, txt, JSONL: `html is None`) pass through untouched and count as kept by this stage. Every document
leaving the stage carries `n_chars_extracted`, its text's length before cleaning (a base column of data/).
"""

from __future__ import annotations

import logging

import apache_beam as beam
import pyarrow as pa

from transforms.core import EXTRACTED_CHARS, Doc, Dropped, Failed, StageFn, StageOutputs, apply_stage
from transforms.engine import SandboxPool, sandbox_pool
from transforms.extract.config import (
    REASON_NO_TEXT_EXTRACTED,
    STAGE,
    ExtractConfig,
    ExtractError,
    ExtractResult,
)
from transforms.extract.html import extract_html

__all__ = ["COLUMNS", "ExtractFn", "ExtractText"]

log = logging.getLogger(__name__)

# This stage only fills base Doc fields (text, html=None, charset, title): no extra columns.
COLUMNS: list[pa.Field] = []


# --------------------------------------------------------------------------------------------------------------
# Beam
# --------------------------------------------------------------------------------------------------------------


class ExtractFn(StageFn):
    """Extraction of one document; the sandbox processes come from the worker process's pool (one per thread
    extracting at a time, shared by every instance of this DoFn in the process)."""

    stage = STAGE

    def __init__(self, config: ExtractConfig) -> None:
        super().__init__()
        self._config = config
        self._pool: SandboxPool | None = None

    def setup(self) -> None:
        if self._config.timeout_s > 0:  # children start on the first HTML record, never for text-only input
            self._pool = sandbox_pool(self._config)

    def teardown(self) -> None:
        self._pool = None  # the pool stops its children when no instance of the process holds it any more

    def _extract(self, doc: Doc) -> ExtractResult:
        if self._config.timeout_s <= 0:
            return extract_html(doc.html, self._config, http_charset=doc.charset, url=doc.url)
        if self._pool is None:
            self.setup()
        assert self._pool is not None
        with self._pool.borrow() as sandbox:
            return sandbox.extract(doc.html, http_charset=doc.charset, url=doc.url)

    def apply(self, doc: Doc) -> Doc | Dropped | Failed:
        if doc.html is None:
            return doc.with_attrs(**{EXTRACTED_CHARS: len(doc.text)})
        try:
            res = self._extract(doc)
        except ExtractError as exc:
            return Failed.of(doc, self.stage, Failed.describe(exc))
        if not res.text:
            return Dropped.of(doc.replace(html=None, charset=res.charset), self.stage, REASON_NO_TEXT_EXTRACTED)
        out = doc.replace(text=res.text, html=None, charset=res.charset, title=res.title or doc.title)
        return out.with_attrs(**{EXTRACTED_CHARS: len(res.text)})


class ExtractText(beam.PTransform):
    """Turn HTML records into text records with trafilatura; text-only records pass through untouched.

    kept: Docs with `text` set and `html=None`; dropped: `no_text_extracted`; failed: oversized, undecodable,
    timed-out or crashing pages.
    """

    def __init__(self, config: ExtractConfig | None = None, label: str | None = None) -> None:
        super().__init__(label)
        self._config = config if config is not None else ExtractConfig()

    def expand(self, pcoll: beam.PCollection) -> StageOutputs:
        return apply_stage(pcoll, "ExtractFn", ExtractFn(self._config))
