"""The Beam side of the readers: input globs in, splits (the map phase's unit of work) or records out.

The job graph has a constant size however many files match: `Create(patterns)` -> expand each pattern with
`FileSystems.match` (listing happens once, on a worker) -> plan each file's splits (`transforms.splits`: a
big Common Crawl file becomes many byte ranges cut at gzip member boundaries) -> `Reshuffle` (the splits are
spread over workers: one giant file keeps every core busy). Files are opened through Beam's `FileSystems`, so
local paths, gs:// and s3:// all work; the pure readers of this package decompress and parse.

`ReadInputs` reads the records of every split as a stage of its own (kept Docs, dropped, failed); the pipeline
reads splits inside its fused map phase instead (`transforms.engine.map_phase`).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import time
from collections.abc import Callable, Iterator

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from transforms.core import (
    DROPPED,
    FAILED,
    KEPT,
    Doc,
    Dropped,
    Failed,
    StageOutputs,
    TransientError,
    route,
    typed_outputs,
)
from transforms.core.stage import METRICS_NAMESPACE
from transforms.read.config import STAGE, ReadConfig, UnsupportedFormat
from transforms.read.files import read_file
from transforms.read.formats import detect_format
from transforms.read.splits import Split, WindowStream, plan_file, splittable_kind

__all__ = ["PlanSplits", "ReadInputs", "check_inputs", "list_inputs", "read_split"]

log = logging.getLogger(__name__)


def list_inputs(patterns: list[str]) -> list[tuple[str, int]]:
    """(path, size) of every file the patterns match (sorted, unique); a pattern matching nothing is a
    ValueError naming it. Called by the launcher before the pipeline starts, so a typo fails fast."""
    if not patterns:
        raise ValueError("no input given: pass at least one --input pattern")
    files: dict[str, int] = {}
    for pattern in patterns:
        try:
            result = FileSystems.match([pattern])[0]
        except Exception as exc:  # BeamIOError and friends: re-raise with the pattern named
            raise ValueError(f"input pattern {pattern!r} cannot be listed: {exc}") from exc
        if not result.metadata_list:
            raise ValueError(f"input pattern {pattern!r} matches no file")
        for m in result.metadata_list:
            files[m.path] = m.size_in_bytes
    return sorted(files.items())


def check_inputs(patterns: list[str]) -> list[str]:
    """The files the patterns match (sorted, unique); a pattern matching nothing is a ValueError naming it."""
    return [path for path, _ in list_inputs(patterns)]


class _ExpandPatternFn(beam.DoFn):
    """pattern -> (path, size) for every file it matches (sorted, so the listing is deterministic)."""

    def process(self, pattern: str) -> Iterator[tuple[str, int]]:
        result = FileSystems.match([pattern])[0]
        if not result.metadata_list:
            log.warning("input pattern %r matches no file", pattern)
        for meta in sorted(result.metadata_list, key=lambda m: m.path):
            yield meta.path, meta.size_in_bytes


class _PlanFileFn(beam.DoFn):
    """(path, size) -> the file's splits. A file that cannot be planned (unreadable, unknown format) is one
    split: reading it reports the problem as an errors/ row."""

    def __init__(self, config: ReadConfig, notes: str | None = None) -> None:
        super().__init__()
        self._config = config
        self._notes = notes
        self._splits = Metrics.counter(METRICS_NAMESPACE, "plan.splits")

    def process(self, element: tuple[str, int]) -> Iterator[Split]:
        path, size = element
        splits = [Split(path, size)]
        try:
            fmt, _ = detect_format(path, self._config.format)
            kind = splittable_kind(fmt, path)
            if kind is not None and size > self._config.split_bytes:
                with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as raw:
                    splits = plan_file(io.BufferedReader(WindowStream(raw, 0, None)), path, size, kind,
                                       self._config.split_bytes)  # fmt: skip
        except UnsupportedFormat:
            pass
        except Exception as exc:  # noqa: BLE001 - planning is an optimisation: read the file whole instead
            log.warning("cannot plan splits of %s (%s): reading it as one split", path, exc)
        if len(splits) > 1:
            log.debug("%s: %d bytes in %d splits", path, size, len(splits))
        self._splits.inc(len(splits))
        if self._notes is not None:
            _write_plan_note(self._notes, path, len(splits))
        yield from splits


def _write_plan_note(notes: str, path: str, splits: int) -> None:
    """`notes/<hash of path>.json`: {"path", "splits"}; read by the launcher's progress display. Best effort."""
    name = hashlib.blake2b(path.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest() + ".json"
    try:
        with FileSystems.create(FileSystems.join(notes, name)) as f:
            f.write(json.dumps({"path": path, "splits": splits}).encode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - progress is a convenience
        log.warning("cannot write the plan note of %s: %s", path, exc)


class PlanSplits(beam.PTransform):
    """Glob patterns -> the splits of every matched file, spread over workers: `p | PlanSplits(patterns, cfg)`."""

    def __init__(
        self,
        patterns: list[str],
        config: ReadConfig | None = None,
        label: str | None = None,
        plan_notes: str | None = None,
    ) -> None:
        super().__init__(label)
        self._patterns = list(patterns)
        self._config = config or ReadConfig()
        self._notes = plan_notes  # a directory: one note per file with its split count (progress display)

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        return (
            pbegin
            # str: a glob pattern (local path, gs://, s3://)
            | "Patterns" >> beam.Create(self._patterns)
            # (path, size_in_bytes): one element per matched file
            | "ExpandPatterns" >> beam.ParDo(_ExpandPatternFn())
            | "DistinctFiles" >> beam.Distinct()  # overlapping patterns must not read a file twice
            # Split: a whole file or a byte range of a big one
            | "PlanFiles" >> beam.ParDo(_PlanFileFn(self._config, self._notes))
            | "SpreadSplits" >> beam.Reshuffle()
        )


def read_split(
    split: Split, config: ReadConfig, on_open: Callable[[Callable[[], int]], None] | None = None
) -> Iterator[Doc | Dropped | Failed]:
    """Every record outcome of one split, streamed. A file that cannot be opened is one Failed row; a stream that
    breaks while it is read raises TransientError (never a row: the records after the break are not bad).
    `on_open` receives a function that tells the current position in the file (bytes read, for progress)."""
    try:
        raw = FileSystems.open(split.path, compression_type=CompressionTypes.UNCOMPRESSED)
    except TransientError:
        raise
    except Exception as exc:  # noqa: BLE001 - an unreadable file (gone, a directory, permissions) is one row
        yield Failed(stage=STAGE, error=Failed.describe(exc), source=split.path, source_record=f"offset:{split.start}")
        return
    window = WindowStream(raw, split.start, split.end)
    if on_open is not None:
        on_open(window.tell)
    with io.BufferedReader(window, buffer_size=1 << 20) as stream:
        for outcome in read_file(stream, split.path, config, split.first_line):
            if window.error is not None:  # a reader reported the broken stream as corrupt input
                break
            yield outcome
    if window.error is not None:
        raise TransientError(f"{type(window.error).__name__}: {window.error}") from window.error


class _ReadSplitFn(beam.DoFn):
    """Split -> every record's outcome: Docs on the main output, Dropped / Failed tagged."""

    def __init__(self, config: ReadConfig) -> None:
        super().__init__()
        self._config = config
        self._counters = {
            kind: Metrics.counter(METRICS_NAMESPACE, f"{STAGE}.{kind}") for kind in ("kept", "dropped", "failed")
        }

    def process(self, split: Split) -> Iterator:
        started = time.monotonic()
        n = 0
        for outcome in read_split(split, self._config):
            n += 1
            kind = "kept" if isinstance(outcome, Doc) else "dropped" if isinstance(outcome, Dropped) else "failed"
            self._counters[kind].inc()
            yield from route(outcome)
        log.debug("read %s: %d records in %.2f s", split.describe(), n, time.monotonic() - started)


class ReadInputs(beam.PTransform):
    """Read every file the glob patterns match: `p | ReadInputs(patterns, config)` -> StageOutputs.

    Each source record becomes one kept Doc, one Dropped (stage "read", reason code) or one Failed; a per-file
    fault is one Failed row with `source_record="offset:N"`.
    """

    def __init__(
        self,
        patterns: list[str],
        config: ReadConfig | None = None,
        label: str | None = None,
        plan_notes: str | None = None,
    ) -> None:
        super().__init__(label)
        self._patterns = list(patterns)
        self._config = config or ReadConfig()
        self._notes = plan_notes  # a directory: one note per file with its split count (progress display)

    def expand(self, pbegin: beam.pvalue.PBegin) -> StageOutputs:
        outputs = (
            pbegin
            | "Plan" >> PlanSplits(self._patterns, self._config)
            # Doc on the main output; Dropped / Failed on tagged outputs
            | "ReadSplits"
            >> beam.ParDo(_ReadSplitFn(self._config)).with_output_types(Doc).with_outputs(DROPPED, FAILED, main=KEPT)
        )
        return typed_outputs(outputs)
