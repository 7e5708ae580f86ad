"""Extraction stage: raw HTML payload bytes -> main text (trafilatura), bounded in size and time.

The pure core (charset decoding, trafilatura options, the sandbox child process) lives in `transforms.extract.html` and `.sandbox`
and is re-exported here. This module adds the stage DoFn and the public transform `ExtractText`. Text-only records
(WET, txt, JSONL: `html is None`) pass through untouched and count as kept by this stage. Every document
leaving the stage carries `n_chars_extracted`, its text's length before cleaning (a base column of data/).
"""

from __future__ import annotations

import logging
import os
from contextlib import ExitStack

import apache_beam as beam
import pyarrow as pa

from transforms.core import EXTRACTED_CHARS, Doc, Dropped, Failed, StageFn, StageOutputs, apply_stage
from transforms.extract.config import REASON_NO_TEXT_EXTRACTED, STAGE, ExtractConfig
from transforms.extract.types import ExtractError, ExtractResult
from transforms.extract.pool import SandboxPool, sandbox_pool

__all__ = ["COLUMNS", "ExtractFn", "ExtractText"]

log = logging.getLogger(__name__)

# This stage only fills base Doc fields (text, html=None, charset, title): no extra columns.
COLUMNS: list[pa.Field] = []


# --------------------------------------------------------------------------------------------------------------
# Beam
# --------------------------------------------------------------------------------------------------------------


class _Ahead:
    """A document already sent to a borrowed sandbox (`ExtractFn.prefetch`), its result not collected yet."""

    def __init__(self, doc: Doc, pool: SandboxPool) -> None:
        self.doc = doc
        self._borrowed = ExitStack()
        self._sandbox = self._borrowed.enter_context(pool.borrow())
        self._error: ExtractError | None = None
        try:
            self._sandbox.submit(doc.html, http_charset=doc.charset, url=doc.url)
        except ExtractError as exc:  # the document's own failure: given when its result is asked for
            self._error = exc
            self._borrowed.close()
        except BaseException:
            self._borrowed.close()
            raise

    def cancel(self) -> None:
        if self._error is None:
            try:
                self._sandbox.cancel()
            finally:
                self._borrowed.close()

    def result(self) -> ExtractResult:
        if self._error is not None:
            raise self._error
        try:
            return self._sandbox.collect()
        finally:
            self._borrowed.close()  # the sandbox goes back to the pool


class ExtractFn(StageFn):
    """Extraction of one document; the sandbox processes come from the worker process's pool (one per thread
    extracting at a time, shared by every instance of this DoFn in the process).

    `prefetch(next_doc)` sends the next page to a sandbox right away, so that its extraction (in the sandbox
    process) runs while the worker does the stages after extraction on the current page: a worker process then
    keeps two cores busy. It is on when the process may run on more than one CPU (on one, the two would only take
    turns, and the map phase's per-stage timers would count the sandbox's time against the later stages). Where the
    map phase runs batches all the same (a local runner with a worker on every CPU: `MapSpec.overlap`), only the
    first page of the next batch is sent ahead."""

    stage = STAGE

    def __init__(self, config: ExtractConfig) -> None:
        super().__init__()
        self._config = config
        self._pool: SandboxPool | None = None
        self._ahead: _Ahead | None = None
        self._overlap = False

    def setup(self) -> None:
        if self._config.timeout_s > 0:  # children start on the first HTML record, never for text-only input
            self._pool = sandbox_pool(self._config)
            self._overlap = len(os.sched_getaffinity(0)) > 1

    @property
    def overlaps(self) -> bool:  # type: ignore[override]  # a property over the base class's attribute
        return self._overlap

    def teardown(self) -> None:
        ahead, self._ahead = self._ahead, None
        if ahead is not None:  # the worker is stopping: the page it read ahead is not waited for
            ahead.cancel()
        self._pool = None  # the pool stops its children when no instance of the process holds it any more

    def warm_up(self, doc: Doc) -> None:
        """The first HTML document: a sandbox of the pool is started and waited for (the start of a process is no
        document's cost)."""
        if doc.html is None or self._config.timeout_s <= 0:
            return
        if self._pool is None:
            self.setup()
        assert self._pool is not None
        with self._pool.borrow() as sandbox:
            sandbox.wait_ready()

    def prefetch(self, doc: Doc | None) -> None:
        ahead, self._ahead = self._ahead, None
        if ahead is not None:  # never asked for (a split restarted): its result is not needed
            try:
                ahead.result()
            except ExtractError:
                pass
        if doc is None or doc.html is None or not self._overlap or self._pool is None:
            return
        if len(doc.html) <= self._config.max_html_bytes:
            self._ahead = _Ahead(doc, self._pool)

    def _extract(self, doc: Doc) -> ExtractResult:
        if self._ahead is not None and self._ahead.doc is doc:
            ahead, self._ahead = self._ahead, None
            return ahead.result()
        self.prefetch(None)
        if self._config.timeout_s <= 0:
            from transforms.extract.html import extract_html  # trafilatura in this process: no sandbox

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
