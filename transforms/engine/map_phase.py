"""The map phase: one split in, its staged files and ONE small summary out.

    split -> read -> extract -> normalize -> language -> boilerplate (per document) -> quality
          -> _temporary/splits/<sid>.{docs,rejected,errors,keys,lines}.parquet, then <sid>.done.json

The per-document stages run as plain calls, fused: no element crosses a Beam boundary between them, and no text
ever enters a shuffle. A worker on one CPU runs each stage over a batch of documents before the next stage
(`_BATCH_DOCS`); one that may use more CPUs hands documents over one at a time, extracting the next page while the
later stages run on the current one. What the global decisions need is written to the split's `keys` file (URL
and text keys, keep ranks, MinHash signature and band keys of each kept document) and `lines` file (line keys for
the frequent-line pass); the decide phase reads them back per split. The summary (the split's ledger counts and
record counts) is the only element the DoFn emits, so the runner never holds a page or a text.

- Atomic and repeatable: files are renamed into place, the marker is written last, and a split is
  deterministic, so a retried or re-run split overwrites its files with identical bytes.
- A split whose marker exists is not read again; its summary is re-emitted. The launcher empties `_temporary/`
  before a run unless it resumes one (`output.if_exists: resume`), so a marker found while a job runs was written
  by this job, by an attempt the runner retried (a bundle retried, or a Flink job restarted after a lost
  TaskManager), or by the run being resumed: retried bundles redo only the splits that did not finish.
- A worker that is stopping never commits a split: when its runner goes away (a Flink TaskManager or Spark
  executor lost), Beam's SDK harness tears the DoFns down and its interpreter exits while a split may still be
  read in another thread, and the models and extraction sandboxes it relies on are closed under it. Once
  `teardown` has begun, or the process's main thread has ended, the split is abandoned (`WorkerStopping`, no
  marker); the runner's retry reads it again.
- Transient read errors: a failed read of the input (a remote stream breaking mid-way) restarts the split,
  up to `read.io_retries` times with backoff; after that the error goes to the runner, which may retry the
  bundle (Dataflow) or fail the job (the local runner). A half-read split never counts.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
import numpy as np
import pyarrow as pa
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from transforms.clean import frequent_line_entries, host_of
from transforms.core import (
    DROPPED,
    FAILED,
    UNIT_LINES,
    Doc,
    Dropped,
    Failed,
    StageFn,
    TransientError,
    sample_keep,
)
from transforms.core.per_process import freeze_heap
from transforms.core.stage import METRICS_NAMESPACE
from transforms.dedup import DedupConfig, hash128, keep_key, minhash, url_key
from transforms.read import ReadConfig, Split, read_split
from transforms.write import (
    ERRORS_SCHEMA,
    KIND_DOCS,
    KIND_ERRORS,
    KIND_KEYS,
    KIND_LINES,
    KIND_REJECTED,
    REJECTED_SCHEMA,
    OutputConfig,
    StagedWriter,
    compression_options,
    doc_to_row,
    dropped_to_row,
    failed_to_row,
    outcome_keys,
    read_marker,
    split_path,
    write_bytes_atomic,
    write_marker,
)

__all__ = [
    "KEYS_SCHEMA",
    "LINES_SCHEMA",
    "MapSpec",
    "MapSplitFn",
    "WorkerStopping",
    "dedup_key_row",
    "stage_documents",
]

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 2.0  # progress notes of a split being read, local output directory
PROGRESS_EVERY_REMOTE_S = 15.0  # ... on gs:// or s3:// (one object write each)

KEYS_SCHEMA = pa.schema(
    [
        pa.field("local", pa.int32(), nullable=False),
        pa.field("id", pa.string(), nullable=False),
        pa.field("has_url", pa.bool_(), nullable=False),
        pa.field("u_hi", pa.uint64()),
        pa.field("u_lo", pa.uint64()),
        pa.field("u_k1", pa.int64()),
        pa.field("u_k2", pa.int64()),
        pa.field("has_text", pa.bool_(), nullable=False),
        pa.field("e_hi", pa.uint64()),
        pa.field("e_lo", pa.uint64()),
        pa.field("e_k1", pa.int64()),
        pa.field("e_k2", pa.int64()),
        pa.field("n_k1", pa.int64()),
        pa.field("n_k2", pa.int64()),
        pa.field("sig", pa.binary()),  # uint32 little-endian x num_perm; null: no shingles (empty text)
        pa.field("n_shingles", pa.int64()),
        pa.field("bands", pa.list_(pa.int64())),
    ]
)
LINES_SCHEMA = pa.schema([pa.field("key", pa.int64()), pa.field("host", pa.uint32()), pa.field("text", pa.uint32())])


@dataclass(frozen=True)
class MapSpec:
    """Everything the map phase needs besides the per-document stage functions."""

    out_dir: str
    read: ReadConfig
    output: OutputConfig
    data_schema: pa.Schema
    extra_names: tuple[str, ...]
    line_stage: str | None = None  # compute line keys right after this stage (boilerplate), None: no pass
    line_min_chars: int = 20
    dedup: DedupConfig | None = None
    # False: the runner gives every CPU a worker of its own (`pipelines.pipeline.workers_fill_the_cpus`), so a
    # worker's extraction has no CPU to overlap with: it runs batches (`_BATCH_DOCS`) whatever CPUs it may use.
    overlap: bool = True


def dedup_key_row(doc: Doc, local: int, cfg: DedupConfig, params: minhash.MinHashParams) -> dict[str, Any]:
    """The keys-file row of one kept document: URL and text keys, the keep ranks, signature and band keys."""
    row: dict[str, Any] = {"local": local, "id": doc.id}
    url = url_key(doc.url)
    row["has_url"] = url is not None
    if url is not None:
        row["u_hi"], row["u_lo"] = hash128(url)
        row["u_k1"], row["u_k2"] = keep_key(doc, cfg.url.keep)
    norm = minhash.normalize_for_dedup(doc.text)  # once, for the exact key and the signature
    text_key = minhash.normalized_text_hash(norm)
    row["has_text"] = bool(text_key)
    if text_key:
        row["e_hi"], row["e_lo"] = int(text_key[:16], 16), int(text_key[16:], 16)
    row["e_k1"], row["e_k2"] = keep_key(doc, cfg.exact.keep)
    row["n_k1"], row["n_k2"] = keep_key(doc, cfg.near.keep)
    signed = minhash.sign_normalized(norm, params)
    if signed is not None:
        sig, size = signed
        row["sig"] = sig.astype("<u4").tobytes()
        row["n_shingles"] = size
        row["bands"] = minhash.band_keys(sig, params.bands, params.rows)
    return row


class _SplitRun:
    """The state of one attempt at one split: open writers, counts, collected keys."""

    def __init__(self, spec: MapSpec, split: Split) -> None:
        self.spec = spec
        self.split = split
        out, sid, o = spec.out_dir, split.sid, spec.output
        compression = compression_options(o)
        self.docs = StagedWriter(split_path(out, sid, KIND_DOCS), spec.data_schema, o.row_group_rows, compression)
        self.rejected = StagedWriter(split_path(out, sid, KIND_REJECTED), REJECTED_SCHEMA, o.row_group_rows,
                                     compression, keep_empty=False)  # fmt: skip
        self.errors = StagedWriter(split_path(out, sid, KIND_ERRORS), ERRORS_SCHEMA, o.row_group_rows,
                                   compression, keep_empty=False)  # fmt: skip
        self.counts: Counter[str] = Counter()
        self.keys = StagedWriter(split_path(out, sid, KIND_KEYS), KEYS_SCHEMA, o.row_group_rows, compression)
        self.line_keys: list[np.ndarray] = []
        self.line_hosts: list[int] = []
        self.line_texts: list[int] = []
        self.kept_bytes = 0
        self.timing: Counter[str] = Counter()  # seconds per step, from the map phase's own timers

    def record(self, outcome: Dropped | Failed) -> None:
        for key in outcome_keys(outcome):
            self.counts[key] += 1
        o = self.spec.output
        if isinstance(outcome, Failed):
            self.errors.write(failed_to_row(outcome))
        elif sample_keep(outcome.id, o.rejected_sample_rate):
            self.rejected.write(dropped_to_row(outcome, o.rejected_max_text_chars))

    def add_lines(self, doc: Doc) -> None:
        keys, host32, text32 = frequent_line_entries(doc.text, host_of(doc.url), self.spec.line_min_chars)
        if len(keys):
            self.line_keys.append(keys)
            self.line_hosts.append(host32)
            self.line_texts.append(text32)

    def keep(self, doc: Doc, params: minhash.MinHashParams | None) -> None:
        local = self.counts["kept_map"]  # the row's index in the split's docs file
        t0 = time.perf_counter()
        if self.spec.dedup is not None and params is not None:
            row = dedup_key_row(doc, local, self.spec.dedup, params)
            self.keys.write(row)
            self.counts["keys_urls"] += row["has_url"]
            self.counts["keys_texts"] += row["has_text"]
            self.counts["keys_bands"] += len(row.get("bands") or ())
        t1 = time.perf_counter()
        self.timing["dedup_keys"] += t1 - t0
        self.docs.write(doc_to_row(doc, self.spec.extra_names))
        self.timing["stage_write"] += time.perf_counter() - t1
        self.counts["kept_map"] += 1
        self.kept_bytes += len(doc.text.encode("utf-8", "surrogatepass"))

    def abort(self) -> None:
        for w in (self.docs, self.rejected, self.errors, self.keys):
            w.abort()

    def finish(self) -> dict[str, Any]:
        """Close every file (the marker comes after, written by the caller); return the split's summary."""
        o, out, sid = self.spec.output, self.spec.out_dir, self.split.sid
        n_docs = self.docs.close()
        n_rejected = self.rejected.close()
        n_errors = self.errors.close()
        n_keys = self.keys.close() if self.spec.dedup is not None else 0
        n_lines = 0
        if self.spec.line_stage is not None:
            lines = StagedWriter(split_path(out, sid, KIND_LINES), LINES_SCHEMA, 1 << 30, compression_options(o))
            lines.write_table(self._lines_table())
            n_lines = lines.close()
        keys = {k: self.counts.pop(f"keys_{k}", 0) for k in ("urls", "texts", "bands")}
        return {
            "sid": sid,
            "path": self.split.path,
            "start": self.split.start,
            "end": self.split.end,
            "counts": dict(sorted(self.counts.items())),
            "docs": n_docs,
            "rejected": n_rejected,
            "errors": n_errors,
            "kept_bytes": self.kept_bytes,
            "keys": n_keys,
            **keys,
            "lines": n_lines,
            "timing_us": {k: round(v * 1e6) for k, v in sorted(self.timing.items())},
        }

    def _lines_table(self) -> pa.Table:
        if not self.line_keys:
            return LINES_SCHEMA.empty_table()
        sizes = [len(k) for k in self.line_keys]
        return pa.table(
            {
                "key": np.concatenate(self.line_keys),
                "host": np.repeat(np.array(self.line_hosts, dtype=np.uint32), sizes),
                "text": np.repeat(np.array(self.line_texts, dtype=np.uint32), sizes),
            },
            schema=LINES_SCHEMA,
        )


def stage_documents(spec: MapSpec, split: Split, records: Sequence[Doc | Dropped | Failed]) -> dict[str, Any]:
    """Stage records as the files of one split (with its completion marker), exactly as the map phase would
    after the per-document stages: Docs as kept documents, Dropped / Failed as its rejected / errors rows.
    Returns the split's summary. The decide and apply phases (`pipelines.pipeline.DecideAndApply`) then work on
    them: how tests drive dedup, the frequent-line pass and the writer with records of their own."""
    run = _SplitRun(spec, split)
    params = spec.dedup.near.params() if spec.dedup is not None else None
    for rec in records:
        if isinstance(rec, Doc):
            run.counts["read"] += 1
            if spec.line_stage is not None:
                run.add_lines(rec)
            run.keep(rec, params)
        else:
            if not (isinstance(rec, Dropped) and rec.unit == UNIT_LINES):
                run.counts["read"] += 1  # an audit row is not a record
            run.record(rec)
    summary = run.finish()
    write_marker(spec.out_dir, split.sid, summary)
    return summary


class _ProgressNote:
    """Writes `<sid>.progress.json` (records and bytes read so far) every few seconds while a split is read, so
    the launcher can show progress inside big files (pipelines/progress.py). Best effort: a failed write is
    logged once and never fails the split."""

    def __init__(self, out_dir: str, split: Split) -> None:
        self._path = split_path(out_dir, split.sid, "progress")
        self._split = split
        local = "://" not in out_dir
        self._every = PROGRESS_EVERY_S if local else PROGRESS_EVERY_REMOTE_S
        self._next = time.monotonic() + self._every
        self._tell: Any = None
        self._broken = False

    def opened(self, tell: Any) -> None:
        self._tell = tell

    def maybe_write(self, records: int, kept: int) -> None:
        now = time.monotonic()
        if now < self._next or self._broken:
            return
        self._next = now + self._every
        position = self._tell() if self._tell is not None else self._split.start
        note = {
            "records": records,
            "kept": kept,
            "bytes": max(0, position - self._split.start),
            "t": time.time(),
        }
        try:
            write_bytes_atomic(self._path, json.dumps(note).encode("utf-8"))
        except Exception as exc:  # noqa: BLE001 - progress is a convenience, the split goes on
            self._broken = True
            log.warning("cannot write progress note %s: %s", self._path, exc)


# A worker whose extraction does not overlap the later stages (one CPU: the sandbox process and the worker take
# turns) runs each stage over a batch of documents before the next stage starts: each stage's code and data (the
# fastText model, the word lists, the quality tables) stay in the CPU's caches across the batch, instead of being
# evicted by trafilatura's work on every page. On the shared bench on one CPU (990 pages, `crawlwash run ...
# --direct_running_mode=in_memory`), the stages after extraction went from 4.1-4.7 s to 2.9-3.2 s (language 2.5-2.9
# -> 1.7-2.0 s); a bare loop that alternates trafilatura and the language stage in one process shows the same
# (language 2.64 -> 1.95 ms per page). The output is the same: each stage sees the documents in input order, and
# the batch's rows are written in input order. A batch ends at `_BATCH_DOCS` documents or once its documents hold
# `_BATCH_HTML_BYTES` of HTML or at `_BATCH_RECORDS` records (the reader's own drops: requests, metadata, images),
# whichever comes first: the memory a batch holds is bounded. A worker that overlaps (more than one CPU, and a runner
# that leaves CPUs to spare: `MapSpec.overlap`; the next page is extracted while the current one goes through the
# later stages) runs batches of one document.
_BATCH_DOCS = 64
_BATCH_HTML_BYTES = 8 << 20
_BATCH_RECORDS = 1024


class WorkerStopping(RuntimeError):
    """The worker process is stopping (its runner is gone): the split being read is abandoned, never committed."""


class MapSplitFn(beam.DoFn):
    """Split -> its staged files; yields the split's summary (a small dict). See the module docstring."""

    def __init__(self, spec: MapSpec, chain: Sequence[tuple[str, StageFn]]) -> None:
        super().__init__()
        self._spec = spec
        self._chain = tuple(chain)
        self._io_retries = spec.read.io_retries
        self._params = spec.dedup.near.params() if spec.dedup is not None else None
        self._splits = Metrics.counter(METRICS_NAMESPACE, "map.splits")
        self._records = Metrics.counter(METRICS_NAMESPACE, "map.records")
        self._retries = Metrics.counter(METRICS_NAMESPACE, "map.read_retries")
        self._stopping = False
        # The first stage that starts work on the next document while the current one goes on (extraction);
        # the stages before it (the URL filter) run on the next document first, their records held in order.
        overridden = [
            i for i, (_, fn) in enumerate(self._chain)
            if getattr(type(fn), "prefetch", StageFn.prefetch) is not StageFn.prefetch
        ]  # fmt: skip
        self._ahead_at: int | None = overridden[0] if overridden else None
        self._warm = False
        self._batch_docs = 1

    def setup(self) -> None:
        self._stopping = False
        self._warm = False
        for _, fn in self._chain:
            fn.setup()
        overlaps = self._spec.overlap and self._ahead_at is not None and self._chain[self._ahead_at][1].overlaps
        self._batch_docs = 1 if overlaps else _BATCH_DOCS
        freeze_heap()

    def teardown(self) -> None:
        # First: a split still being read in another thread (a harness shutting down) must not commit results
        # that the stages' teardown below can spoil.
        self._stopping = True
        for _, fn in self._chain:
            fn.teardown()

    def _check_running(self, split: Split) -> None:
        if self._stopping or not threading.main_thread().is_alive():
            raise WorkerStopping(f"the worker is stopping: split {split.describe()} abandoned, not committed")

    def process(self, split: Split) -> Iterator[dict[str, Any]]:
        done = read_marker(self._spec.out_dir, split.sid)
        if done is not None:
            log.debug("split %s already done (resume or retry): %s", split.sid, split.describe())
            yield {**done, "reused": True}
            return
        started = time.time()
        for attempt in range(self._io_retries + 1):
            run = _SplitRun(self._spec, split)
            try:
                self._read_split(run)
                break
            except TransientError as exc:
                run.abort()
                if attempt >= self._io_retries:
                    raise
                self._retries.inc()
                delay = min(30.0, 2.0**attempt)
                log.warning("reading %s failed (%s): retrying the split in %.0f s", split.describe(), exc, delay)
                time.sleep(delay)
        self._check_running(split)
        summary = run.finish()
        summary["seconds"] = round(time.time() - started, 3)
        summary["started"] = round(started, 3)
        self._check_running(split)
        write_marker(self._spec.out_dir, split.sid, summary)
        self._splits.inc()
        c = summary["counts"]
        log.debug(
            "split %s: %d records (%d kept, %d failed) in %.1f s",
            split.describe(), c.get("read", 0), summary["docs"], summary["errors"], summary["seconds"],
        )  # fmt: skip
        yield summary

    def _read_split(self, run: _SplitRun) -> None:
        note = _ProgressNote(self._spec.out_dir, run.split)
        timing, clock = run.timing, time.perf_counter
        outcomes = iter(read_split(run.split, self._spec.read, note.opened))

        def pull() -> Doc | Dropped | Failed | None:
            t0 = clock()
            outcome = next(outcomes, None)
            timing["read"] += clock() - t0
            return outcome

        # Records are read in batches, in order (`_batch_docs` documents at most): each stage runs over a batch's
        # documents before the next stage starts, and the batch's rows are then written in input order. The first
        # document after the batch is read ahead too, so that the stage that prefetches may start on it
        # (`StageFn.prefetch`) while the later stages run.
        ahead: deque[Doc | Dropped | Failed | None] = deque()
        prepared: _Prepared | None = None
        while True:
            batch: list[Doc | Dropped | Failed] = []
            docs = html_bytes = 0
            while docs < self._batch_docs and html_bytes < _BATCH_HTML_BYTES and len(batch) < _BATCH_RECORDS:
                outcome = ahead.popleft() if ahead else pull()
                if outcome is None:
                    break
                batch.append(outcome)
                if isinstance(outcome, Doc):
                    docs += 1
                    html_bytes += len(outcome.html or b"")
            if not batch:
                break
            following = None
            if docs and self._ahead_at is not None:
                while not (ahead and (ahead[-1] is None or isinstance(ahead[-1], Doc))):
                    ahead.append(pull())
                following = ahead[-1] if isinstance(ahead[-1], Doc) else None
            preps: list[_Prepared] = []
            for outcome in batch:
                if isinstance(outcome, Doc):
                    reuse = prepared is not None and prepared.doc is outcome
                    preps.append(prepared if reuse else self._front(run, outcome))
            prepared = self._process_batch(run, preps, following)
            done = iter(preps)
            for outcome in batch:
                run.counts["read"] += 1
                self._records.inc()
                if isinstance(outcome, Doc):
                    p = next(done)
                    for record in p.records:
                        run.record(record)
                    if p.current is not None:
                        run.keep(p.current, self._params)
                else:
                    run.record(outcome)
                self._check_running(run.split)
                note.maybe_write(run.counts["read"], run.counts["kept_map"])

    def _run_stage(self, run: _SplitRun, index: int, doc: Doc, records: list[Dropped | Failed]) -> Doc | None:
        """One stage on one document, timed; its dropped and failed records go to `records`."""
        name, fn = self._chain[index]
        t0 = time.perf_counter()
        nxt: Doc | None = None
        for out in fn.outcomes(doc):
            if isinstance(out, pvalue.TaggedOutput):
                assert out.tag in (DROPPED, FAILED)
                records.append(out.value)
            else:
                nxt = out
        run.timing[name] += time.perf_counter() - t0
        return nxt

    def _front(self, run: _SplitRun, doc: Doc) -> _Prepared:
        """The stages before the one that prefetches (the URL filter), run on a document; their records are held
        until the document's turn, so that rows are written in input order."""
        records: list[Dropped | Failed] = []
        current: Doc | None = doc
        for index in range(self._ahead_at or 0):
            current = self._run_stage(run, index, current, records)
            if current is None:
                break
        return _Prepared(doc, current, records)

    def _process_batch(self, run: _SplitRun, preps: list[_Prepared], following: Doc | None) -> _Prepared | None:
        """The rest of the chain on a batch of prepared documents, stage by stage (each `_Prepared` ends with what
        is left of its document and its records); returns the next document prepared (its extraction started:
        `prefetch`) when there is one."""
        timing, clock = run.timing, time.perf_counter
        upcoming: _Prepared | None = None
        for index in range(self._ahead_at or 0, len(self._chain)):
            name, fn = self._chain[index]
            for p in preps:
                if p.current is None:
                    continue
                if index == self._ahead_at and not self._warm:  # getting ready is a fixed cost, timed apart
                    t0 = clock()
                    fn.warm_up(p.current)
                    timing["warm_up"] += clock() - t0
                    self._warm = True
                p.current = self._run_stage(run, index, p.current, p.records)
                if p.current is not None and name == self._spec.line_stage:
                    t1 = clock()
                    run.add_lines(p.current)
                    timing["line_keys"] += clock() - t1
            # Not before the stage's warm-up (a batch whose documents all stopped before it, at the start of a
            # split): the warm-up waits for the sandbox that a prefetch would hold.
            if index == self._ahead_at and following is not None and self._warm:
                upcoming = self._front(run, following)
                fn.prefetch(upcoming.current)
        return upcoming


@dataclass
class _Prepared:
    """A document after the stages before the prefetching one: what is left of it, and the records they made."""

    doc: Doc
    current: Doc | None
    records: list[Dropped | Failed]
