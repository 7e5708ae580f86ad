"""The staged files between the phases, under `OUTPUT/_temporary/`, and how they are written (Beam FileSystems).

    _temporary/run.json                 the run's fingerprint (config and input list), for `if_exists: resume`
    _temporary/splits/<sid>.docs.parquet      the split's documents kept by the map phase (full rows)
    _temporary/splits/<sid>.rejected.parquet  its dropped records and audit rows (rejected/ rows)
    _temporary/splits/<sid>.errors.parquet    its failed records (errors/ rows)
    _temporary/splits/<sid>.keys.parquet      per kept document: the small keys the decide phase reads
    _temporary/splits/<sid>.lines.parquet     per document: its line keys for the frequent-line pass
    _temporary/splits/<sid>.done.json         the split's summary; written last: the split's completion marker
    _temporary/splits/<sid>.progress.json     records and bytes read so far by a split in progress (for progress)
    _temporary/splits/<sid>.applied-{data,rejected,errors}.parquet  the split after the apply step (for its shard)
    _temporary/plan/<hash>.json               per input file: how many splits the plan made (for progress)
    _temporary/out/<kind>/part-*.parquet      the final shards, renamed into OUTPUT/<kind>/ by the finalize step

Every file is written under a unique temporary name and renamed into place, so a retried or re-run split (or
a straggler of a killed run still writing) never leaves a half-written file under a final name. A split's files
are trusted only when its marker exists; the marker is written after all of them. The paths and the readers are
`transforms/core/staged.py`'s (the stages that read these files import them from there).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from transforms.core.staged import split_path

__all__ = [
    "ROW_GROUP_BYTES",
    "RunFingerprintError",
    "StagedWriter",
    "check_fingerprint",
    "fingerprint",
    "read_marker",
    "write_bytes_atomic",
    "write_marker",
]

RUN_FILE = "run.json"
# A row group is flushed at this many bytes of row data even below `output.row_group_rows` (memory bound).
ROW_GROUP_BYTES = 8 << 20


class RunFingerprintError(ValueError):
    """`if_exists: resume` on a directory whose run used another config or input list."""


def _temp_name(path: str) -> str:
    head, _, tail = path.rpartition("/")
    return f"{head}/.{tail}.{uuid.uuid4().hex[:12]}.tmp"


def _replace(src: str, dst: str) -> None:
    if FileSystems.exists(dst):
        FileSystems.delete([dst])
    FileSystems.rename([src], [dst])


def write_bytes_atomic(path: str, data: bytes) -> None:
    tmp = _temp_name(path)
    with FileSystems.create(tmp, compression_type=CompressionTypes.UNCOMPRESSED) as f:
        f.write(data)
    _replace(tmp, path)


class StagedWriter:
    """A Parquet file written row group by row group under a temporary name, renamed into place by `close`.

    Rows are buffered until `row_group_rows` rows or `ROW_GROUP_BYTES` bytes of strings; the file layout
    depends only on the rows, so the same rows give the same bytes. With `keep_empty=False` a writer that got no
    rows writes nothing and `close` returns 0.
    """

    def __init__(self, path: str, schema: pa.Schema, row_group_rows: int, compression: dict[str, Any],
                 keep_empty: bool = True) -> None:  # fmt: skip
        self.path = path
        self._schema = schema
        self._row_group_rows = row_group_rows
        self._compression = compression
        self._keep_empty = keep_empty
        self._rows: list[dict[str, Any]] = []  # rows given to `write`, not yet flushed
        self._pending: list[pa.RecordBatch | pa.Table] = []  # batches given to `copy_batch` (rows first when both)
        self._pending_rows = 0
        self._bytes = 0
        self._tmp: str | None = None
        self._file: Any = None
        self._writer: pq.ParquetWriter | None = None
        self.rows_written = 0

    def _open(self) -> None:
        self._tmp = _temp_name(self.path)
        self._file = FileSystems.create(self._tmp, compression_type=CompressionTypes.UNCOMPRESSED)
        self._writer = pq.ParquetWriter(self._file, self._schema, write_statistics=True, **self._compression)

    def write(self, row: dict[str, Any]) -> None:
        if self._pending:  # after copied batches (never the case in this project): kept in order
            self._pending.append(pa.Table.from_pylist([row], schema=self._schema))
        else:
            self._rows.append(row)
        self._pending_rows += 1
        self._bytes += sum(len(v) for v in row.values() if isinstance(v, (str, bytes)))
        if self._pending_rows >= self._row_group_rows or self._bytes >= ROW_GROUP_BYTES:
            self._flush()

    def copy_batch(self, batch: pa.RecordBatch | pa.Table) -> None:
        """Append rows read back from a file of this schema, as `write` would one row at a time (the same row
        groups, so the same bytes), without making Python objects of them: the apply phase's shard assembly."""
        n = batch.num_rows
        if n == 0:
            return
        if self._rows:  # rows written before: they come first
            self._pending.append(pa.Table.from_pylist(self._rows, schema=self._schema))
            self._rows = []
        # A row's weight, as `write` counts it: the length of its top-level string and binary values.
        weights = np.zeros(n, dtype=np.int64)
        for field, column in zip(batch.schema, batch.columns, strict=True):
            t = field.type
            if pa.types.is_string(t) or pa.types.is_large_string(t):
                weights += pc.fill_null(pc.utf8_length(column), 0).to_numpy(zero_copy_only=False)
            elif pa.types.is_binary(t) or pa.types.is_large_binary(t):
                weights += pc.fill_null(pc.binary_length(column), 0).to_numpy(zero_copy_only=False)
        start = 0
        for i, w in enumerate(weights.tolist()):
            self._pending_rows += 1
            self._bytes += w
            if self._pending_rows >= self._row_group_rows or self._bytes >= ROW_GROUP_BYTES:
                self._pending.append(batch.slice(start, i + 1 - start))
                start = i + 1
                self._flush()
        if start < n:
            self._pending.append(batch.slice(start, n - start))

    def write_table(self, table: pa.Table) -> None:
        """Append whole columns (keys and lines files)."""
        self._flush()
        if self._writer is None:
            self._open()
        assert self._writer is not None
        self._writer.write_table(table.cast(self._schema), row_group_size=max(1, table.num_rows))
        self.rows_written += table.num_rows

    def _flush(self) -> None:
        if not self._pending_rows:
            return
        if self._writer is None:
            self._open()
        assert self._writer is not None
        if self._pending:  # copied batches (and rows written after them), as one contiguous table
            parts = [pa.Table.from_batches([b]) if isinstance(b, pa.RecordBatch) else b for b in self._pending]
            table = pa.concat_tables([t.cast(self._schema) for t in parts]).combine_chunks()
        else:
            table = pa.Table.from_pylist(self._rows, schema=self._schema)
        self._writer.write_table(table, row_group_size=self._pending_rows)
        self.rows_written += self._pending_rows
        self._rows, self._pending, self._pending_rows, self._bytes = [], [], 0, 0

    def close(self) -> int:
        """Finish the file and rename it into place; returns the number of rows."""
        self._flush()
        if self._writer is None:
            if not self._keep_empty:
                return 0
            self._open()
        assert self._writer is not None and self._tmp is not None
        self._writer.close()
        self._file.close()
        _replace(self._tmp, self.path)
        self._writer = None
        return self.rows_written

    def abort(self) -> None:
        """Drop what was written (a retried split starts over)."""
        if self._writer is not None:
            try:
                self._writer.close()
                self._file.close()
            finally:
                self._writer = None
                if self._tmp and FileSystems.exists(self._tmp):
                    FileSystems.delete([self._tmp])


def write_marker(out_dir: str, sid: str, summary: Mapping[str, Any]) -> None:
    write_bytes_atomic(split_path(out_dir, sid, "done"), json.dumps(summary, sort_keys=True).encode("utf-8"))


def read_marker(out_dir: str, sid: str) -> dict[str, Any] | None:
    """The summary of a completed split, or None when the split has not completed."""
    path = split_path(out_dir, sid, "done")
    try:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as f:
            return json.loads(f.read().decode("utf-8"))
    except Exception:  # noqa: BLE001 - absent (the usual case) or unreadable: the split is redone
        return None


# -- resume ----------------------------------------------------------------------------------------------------


def fingerprint(config: Mapping[str, Any], inputs: Sequence[tuple[str, int]]) -> dict[str, Any]:
    """What a resumed run must share with the run it continues: the config (without the output directory,
    `if_exists`, `report` and the input patterns) and the input files the patterns matched, with their sizes."""
    cfg = json.loads(json.dumps(config))
    cfg.get("output", {}).pop("dir", None)
    cfg.get("output", {}).pop("if_exists", None)
    cfg.get("output", {}).pop("report", None)
    cfg.get("input", {}).pop("paths", None)
    files = sorted([p, int(s)] for p, s in inputs)
    digest = hashlib.blake2b(json.dumps([cfg, files], sort_keys=True).encode(), digest_size=16).hexdigest()
    return {"digest": digest, "config": cfg, "inputs": files}


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in tree.items():
        if isinstance(v, Mapping):
            out.update(_flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def check_fingerprint(previous: Mapping[str, Any], current: Mapping[str, Any], out_dir: str) -> None:
    """Refuse to resume a run started with another config or input list, naming what changed."""
    if previous.get("digest") == current["digest"]:
        return
    old_cfg, new_cfg = _flatten(previous.get("config", {})), _flatten(current["config"])
    keys = sorted(k for k in old_cfg.keys() | new_cfg.keys() if old_cfg.get(k) != new_cfg.get(k))
    old_files = {p: s for p, s in previous.get("inputs", [])}
    new_files = {p: s for p, s in current["inputs"]}
    problems = []
    if keys:
        problems.append("config keys changed: " + ", ".join(keys[:10]) + (" ..." if len(keys) > 10 else ""))
    added = sorted(new_files.keys() - old_files.keys())
    removed = sorted(old_files.keys() - new_files.keys())
    resized = sorted(p for p in new_files.keys() & old_files.keys() if new_files[p] != old_files[p])
    for label, paths in (
        ("inputs added", added),
        ("inputs removed", removed),
        ("inputs changed size", resized),
    ):
        if paths:
            problems.append(f"{label}: {len(paths)} ({', '.join(paths[:3])}{' ...' if len(paths) > 3 else ''})")
    raise RunFingerprintError(
        f"output.if_exists=resume: the run in {out_dir} was started with a different "
        f"{'config' if keys else 'input list'} ({'; '.join(problems) or 'fingerprint differs'}); "
        "resume it with the same command, or pass --set output.if_exists=overwrite to start over"
    )
