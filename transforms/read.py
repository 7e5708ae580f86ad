"""The Beam side of the readers: input globs in, the "read" stage's `StageOutputs(kept, dropped, failed)` out.

The job graph has a constant size however many files match: `Create(patterns)` -> expand each pattern with
`FileSystems.match` (listing happens once, on a worker) -> `Reshuffle` (a giant file list is spread over
workers) -> read one file per element and route every record's outcome. Files are opened through Beam's
`FileSystems`, so local paths, gs:// and s3:// all work; the pure readers in `transforms.readers` decompress.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from transforms.doc import Doc, Dropped, Failed
from transforms.readers import STAGE, ReadConfig, read_file
from transforms.stage import DROPPED, FAILED, KEPT, METRICS_NAMESPACE, StageOutputs, TransientError, route

__all__ = ["ReadConfig", "ReadInputs", "check_inputs"]

log = logging.getLogger(__name__)


def check_inputs(patterns: list[str]) -> list[str]:
    """The files the patterns match (sorted, unique); a pattern matching nothing is a ValueError naming it.

    Called by the launcher before the pipeline starts, so a typo fails fast instead of producing an empty run.
    """
    if not patterns:
        raise ValueError("no input given: pass at least one --input pattern")
    files: set[str] = set()
    for pattern in patterns:
        try:
            result = FileSystems.match([pattern])[0]
        except Exception as exc:  # BeamIOError and friends: re-raise with the pattern named
            raise ValueError(f"input pattern {pattern!r} cannot be listed: {exc}") from exc
        paths = [m.path for m in result.metadata_list]
        if not paths:
            raise ValueError(f"input pattern {pattern!r} matches no file")
        files.update(paths)
    return sorted(files)


class _ExpandPatternFn(beam.DoFn):
    """pattern -> (path, size) for every file it matches (sorted, so the listing is deterministic)."""

    def process(self, pattern: str) -> Iterator[tuple[str, int]]:
        result = FileSystems.match([pattern])[0]
        if not result.metadata_list:
            log.warning("input pattern %r matches no file", pattern)
        for meta in sorted(result.metadata_list, key=lambda m: m.path):
            yield meta.path, meta.size_in_bytes


class _ReadFileFn(beam.DoFn):
    """(path, size) -> every record's outcome: Docs on the main output, Dropped / Failed tagged."""

    def __init__(self, config: ReadConfig) -> None:
        super().__init__()
        self._config = config
        self._files = Metrics.counter(METRICS_NAMESPACE, f"{STAGE}.files")
        self._kept = Metrics.counter(METRICS_NAMESPACE, f"{STAGE}.kept")
        self._dropped = Metrics.counter(METRICS_NAMESPACE, f"{STAGE}.dropped")
        self._failed = Metrics.counter(METRICS_NAMESPACE, f"{STAGE}.failed")

    def process(self, element: tuple[str, int]) -> Iterator:
        path, size = element
        started = time.monotonic()
        counts = {"kept": 0, "dropped": 0, "failed": 0}
        self._files.inc()
        try:
            stream = FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)
        except TransientError:
            raise
        except Exception as exc:  # noqa: BLE001 - an unreadable file (directory, permissions) is one errors/ row
            counts["failed"] += 1
            self._failed.inc()
            yield beam.pvalue.TaggedOutput(
                FAILED,
                Failed(stage=STAGE, error=Failed.describe(exc), source=path, source_record="offset:0"),
            )
        else:
            with stream:
                for outcome in read_file(stream, path, self._config):
                    if isinstance(outcome, Doc):
                        counts["kept"] += 1
                        self._kept.inc()
                    elif isinstance(outcome, Dropped):
                        counts["dropped"] += 1
                        self._dropped.inc()
                    else:
                        counts["failed"] += 1
                        self._failed.inc()
                    yield from route(outcome)
        log.info(
            "read %s (%d bytes): %d records (%d kept, %d dropped, %d failed) in %.2f s",
            path,
            size,
            sum(counts.values()),
            counts["kept"],
            counts["dropped"],
            counts["failed"],
            time.monotonic() - started,
        )


class ReadInputs(beam.PTransform):
    """Read every file the glob patterns match: `p | ReadInputs(patterns, config)` -> StageOutputs.

    Each source record becomes one kept Doc, one Dropped (stage "read", reason code) or one Failed; a per-file
    fault is one Failed row with `source_record="offset:N"`.
    """

    def __init__(
        self, patterns: list[str], config: ReadConfig | None = None, label: str | None = None
    ) -> None:
        super().__init__(label)
        self._patterns = list(patterns)
        self._config = config or ReadConfig()

    def expand(self, pbegin: beam.pvalue.PBegin) -> StageOutputs:
        outputs = (
            pbegin
            # str: a glob pattern (local path, gs://, s3://)
            | "Patterns" >> beam.Create(self._patterns)
            # (path, size_in_bytes): one element per matched file
            | "ExpandPatterns" >> beam.ParDo(_ExpandPatternFn())
            | "DistinctFiles" >> beam.Distinct()  # overlapping patterns must not read a file twice
            | "SpreadFiles" >> beam.Reshuffle()
            # Doc on the main output; Dropped / Failed on tagged outputs
            | "ReadFiles" >> beam.ParDo(_ReadFileFn(self._config)).with_outputs(DROPPED, FAILED, main=KEPT)
        )
        return StageOutputs(outputs[KEPT], outputs[DROPPED], outputs[FAILED])
