"""Where the phases leave their staged files under `OUTPUT/_temporary/`, and how a stage reads them back.

    _temporary/splits/<sid>.<kind>.parquet   a split's staged files (docs, rejected, errors, keys, lines)
    _temporary/splits/<sid>.done.json        the split's completion marker ('progress': its progress note)
    _temporary/plan/<hash>.json              per input file: how many splits the plan made
    _temporary/out/<kind>/part-*.parquet     the final shards, before the finalize step renames them

The layout is shared by the map phase that writes these files (`transforms/engine`, `transforms/write`) and the
decide steps of the stages that read them (`transforms/clean/frequent.py`, `transforms/dedup/beam.py`): it lives
here, below all of them, so that no stage package imports the writer. How the files are written (atomic renames,
markers, fingerprints) is `transforms/write/staging.py`'s business.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

__all__ = [
    "KIND_DOCS",
    "KIND_ERRORS",
    "KIND_KEYS",
    "KIND_LINES",
    "KIND_REJECTED",
    "READ_OPTIONS",
    "TEMP_DIR",
    "iter_batches",
    "iter_record_batches",
    "out_path",
    "plan_dir",
    "read_table",
    "split_path",
    "splits_dir",
]

TEMP_DIR = "_temporary"
SPLITS_DIR = "splits"
OUT_DIR = "out"
PLAN_DIR = "plan"
KIND_DOCS, KIND_REJECTED, KIND_ERRORS = "docs", "rejected", "errors"
KIND_KEYS, KIND_LINES = "keys", "lines"


def _join(*parts: str) -> str:
    return FileSystems.join(*parts)


def split_path(out_dir: str, sid: str, kind: str) -> str:
    """A staged file of one split (`kind`: docs, rejected, errors, keys, lines, applied-data / -rejected / -errors;
    'done' is the marker, 'progress' the progress note of a split being read)."""
    suffix = f"{kind}.json" if kind in ("done", "progress") else f"{kind}.parquet"
    return _join(out_dir, TEMP_DIR, SPLITS_DIR, f"{sid}.{suffix}")


def splits_dir(out_dir: str) -> str:
    return _join(out_dir, TEMP_DIR, SPLITS_DIR)


def plan_dir(out_dir: str) -> str:
    """Where the plan leaves one note per input file: how many splits it was cut into (for progress)."""
    return _join(out_dir, TEMP_DIR, PLAN_DIR)


def out_path(out_dir: str, kind: str, name: str) -> str:
    """A final shard before the finalize step renames it into `OUTPUT/<kind>/`."""
    return _join(out_dir, TEMP_DIR, OUT_DIR, kind, name)


# Parquet files are read through Beam's file objects (any filesystem): with Arrow's thread pool (`use_threads`,
# `pre_buffer`), the pool's threads hold buffers of Python bytes and may drop the last of them just after the read
# returns. Were the process ending then (the report is a run's last read), such a thread would need the GIL of an
# interpreter that is shutting down: CPython ends the thread, its C++ frames cannot unwind, and the process aborts
# ("terminate called without an active exception"). Every read here decodes on the calling thread instead: the
# files are small (a split's staged rows, a shard's row group), and a Beam worker's other cores are its peers'.
READ_OPTIONS = {"use_threads": False}


def iter_batches(path: str, batch_rows: int = 1000) -> Iterator[list[dict[str, Any]]]:
    """The rows of a staged Parquet file, a batch at a time (memory bounded by one batch)."""
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as f:
        pf = pq.ParquetFile(f)
        for batch in pf.iter_batches(batch_size=batch_rows, **READ_OPTIONS):
            yield batch.to_pylist()


def iter_record_batches(path: str, batch_rows: int = 1000) -> Iterator[pa.RecordBatch]:
    """The rows of a staged Parquet file as Arrow record batches (memory bounded by one batch)."""
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as f:
        yield from pq.ParquetFile(f).iter_batches(batch_size=batch_rows, **READ_OPTIONS)


def read_table(path: str, columns: Sequence[str] | None = None) -> pa.Table:
    """A whole small staged file (keys, lines)."""
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as f:
        return pq.read_table(f, columns=list(columns) if columns is not None else None, pre_buffer=False,
                             **READ_OPTIONS)
