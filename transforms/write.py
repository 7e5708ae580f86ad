"""Writing the outputs: Parquet shards for kept / rejected / failed records, the ledger, the success manifest.

Layout under the output directory (ARCHITECTURE.md):

    data/part-XXXXX-of-YYYYY.parquet      kept documents
    rejected/part-XXXXX-of-YYYYY.parquet  dropped records (stage, reason), optionally sampled
    errors/part-XXXXX-of-YYYYY.parquet    failed records (stage, error, source)
    stats.json                            the ledger: read == kept + dropped + failed
    _SUCCESS                              manifest, written last

How shards are made, and why:
- The number of shards is derived from the data (total row bytes / `shard_target_bytes`), so shard sizes follow the
  target whatever the corpus size. A row goes to shard `hash(id) mod N`; each shard's rows are sorted by id before
  writing, so the same input and config give byte-identical shards on every run and runner.
- Shards are written under `_temporary/` and renamed into place by one finalize step after every shard of every
  output is complete: nothing partial is ever visible under `data/`. A retried write overwrites its own temporary
  file; a retried finalize skips renames already done. `_SUCCESS` is written last.
- The ledger is computed from the data (never from Beam metrics, which some runners do not report).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import posixpath
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from pydantic import Field

from transforms.doc import UNIT_RECORD, Doc, Dropped, Failed
from transforms.section import Section

__all__ = [
    "DOC_FIELDS",
    "ERRORS_SCHEMA",
    "REJECTED_SCHEMA",
    "ComputeLedger",
    "ErrorBudgetExceeded",
    "Finalize",
    "LedgerError",
    "OutputConfig",
    "WriteShards",
    "doc_to_row",
    "docs_schema",
    "dropped_to_row",
    "failed_to_row",
    "shard_name",
]

log = logging.getLogger(__name__)

DATA, REJECTED, ERRORS = "data", "rejected", "errors"
TEMP_DIR = "_temporary"
SUCCESS = "_SUCCESS"
STATS = "stats.json"
DEDUP_INDEX = "dedup_index"  # the signature index of near-dedup (read by later incremental runs)


class OutputConfig(Section):
    """Where and how the outputs are written."""

    dir: str = Field("out", description="Output directory (local path, gs://, s3://). --output overrides it.")
    shard_target_bytes: int = Field(
        256 * 1024 * 1024,
        gt=0,
        description="Target size of one shard, counted as uncompressed row bytes; the shard count follows the data.",
    )
    compression: Literal["zstd", "snappy", "gzip", "none"] = Field("zstd", description="Parquet codec.")
    compression_level: int | None = Field(3, description="Codec level (zstd 1-22); null for the codec default.")
    row_group_rows: int = Field(10_000, gt=0, description="Maximum rows per Parquet row group.")
    rejected_sample_rate: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="Fraction of dropped records written to rejected/ (deterministic by id). Counts in stats.json "
        "are always exact.",
    )
    rejected_max_text_chars: int = Field(
        20_000, ge=0, description="Text of a rejected row is cut to this many characters (0 keeps no text)."
    )
    if_exists: Literal["fail", "overwrite"] = Field(
        "fail",
        description="When the output directory already has content: 'fail' refuses to start; 'overwrite' deletes "
        "the previous data/, rejected/, errors/, dedup_index/, stats.json and _SUCCESS before the run.",
    )
    max_error_ratio: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="Fail the job (no _SUCCESS) when failed/read exceeds this ratio; the message names the worst "
        "sources. 1.0 never fails.",
    )


# -- schemas ---------------------------------------------------------------------------------------------------

DOC_FIELDS: list[pa.Field] = [
    pa.field("id", pa.string(), nullable=False),
    pa.field("text", pa.string(), nullable=False),
    pa.field("url", pa.string()),
    pa.field("source", pa.string(), nullable=False),
    pa.field("source_record", pa.string(), nullable=False),
    pa.field("fetch_time", pa.timestamp("us", tz="UTC")),
    pa.field("content_type", pa.string()),
    pa.field("charset", pa.string()),
    pa.field("title", pa.string()),
    pa.field("lang", pa.string()),
    pa.field("lang_score", pa.float32()),
    pa.field("lang2", pa.string()),
    pa.field("lang2_score", pa.float32()),
    pa.field("n_chars", pa.int32(), nullable=False),
]

REJECTED_SCHEMA = pa.schema(
    [
        pa.field("stage", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("detail", pa.string()),
        pa.field("unit", pa.string(), nullable=False),
        pa.field("id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_record", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("text", pa.string(), nullable=False),
    ]
)

ERRORS_SCHEMA = pa.schema(
    [
        pa.field("stage", pa.string(), nullable=False),
        pa.field("error", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_record", pa.string(), nullable=False),
        pa.field("id", pa.string()),
        pa.field("url", pa.string()),
    ]
)


def docs_schema(extra_columns: Sequence[pa.Field] = ()) -> pa.Schema:
    """The explicit schema of data/: the base Doc columns plus the columns the enabled stages contribute."""
    names = {f.name for f in DOC_FIELDS}
    for f in extra_columns:
        if f.name in names:
            raise ValueError(f"column {f.name!r} is declared twice")
        names.add(f.name)
    return pa.schema([*DOC_FIELDS, *extra_columns])


def _parse_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.astimezone(dt.UTC)


def doc_to_row(doc: Doc, extra_names: Sequence[str] = ()) -> dict[str, Any]:
    row = {
        "id": doc.id,
        "text": doc.text,
        "url": doc.url,
        "source": doc.source,
        "source_record": doc.source_record,
        "fetch_time": _parse_time(doc.fetch_time),
        "content_type": doc.content_type,
        "charset": doc.charset,
        "title": doc.title,
        "lang": doc.lang,
        "lang_score": doc.lang_score,
        "lang2": doc.lang2,
        "lang2_score": doc.lang2_score,
        "n_chars": len(doc.text),
    }
    for name in extra_names:
        row[name] = doc.attrs.get(name)
    return row


def dropped_to_row(d: Dropped, max_text_chars: int) -> dict[str, Any]:
    return {
        "stage": d.stage,
        "reason": d.reason,
        "detail": d.detail,
        "unit": d.unit,
        "id": d.id,
        "source": d.source,
        "source_record": d.source_record,
        "url": d.url,
        "text": d.text[:max_text_chars],
    }


def failed_to_row(f: Failed) -> dict[str, Any]:
    return {
        "stage": f.stage,
        "error": f.error,
        "source": f.source,
        "source_record": f.source_record,
        "id": f.id,
        "url": f.url,
    }


# -- shards ----------------------------------------------------------------------------------------------------


def shard_name(index: int, count: int) -> str:
    return f"part-{index:05d}-of-{count:05d}.parquet"


def _hash64(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def _row_key(row: dict[str, Any]) -> str:
    # ids are unique in data/; rejected/errors rows may share an id (audit rows), so break ties deterministically.
    return "\x00".join(str(row.get(k) or "") for k in ("id", "stage", "reason", "source", "source_record", "unit"))


def _row_bytes(row: dict[str, Any]) -> int:
    n = 64
    for v in row.values():
        if isinstance(v, str):
            n += len(v)
        elif v is not None:
            n += 8
    return n


def _write_table(path: str, rows: list[dict[str, Any]], schema: pa.Schema, cfg: OutputConfig) -> int:
    table = pa.Table.from_pylist(rows, schema=schema)
    compression = None if cfg.compression == "none" else cfg.compression
    level = cfg.compression_level if compression in ("zstd", "gzip") else None
    with FileSystems.create(path) as f:
        pq.write_table(
            table,
            f,
            compression=compression,
            compression_level=level,
            row_group_size=cfg.row_group_rows,
            write_statistics=True,
        )
    return table.num_rows


class _WriteShardFn(beam.DoFn):
    def __init__(self, temp_dir: str, schema: pa.Schema, cfg: OutputConfig) -> None:
        self._temp_dir = temp_dir
        self._schema = schema
        self._cfg = cfg

    def process(self, element: tuple[int, Iterable[dict[str, Any]]], num_shards: int) -> Iterator[dict]:
        index, rows = element
        rows = sorted(rows, key=_row_key)
        name = shard_name(index, num_shards)
        path = FileSystems.join(self._temp_dir, name)
        n = _write_table(path, rows, self._schema, self._cfg)
        yield {"name": name, "index": index, "rows": n}


class WriteShards(beam.PTransform):
    """Write a PCollection of row dicts as `part-XXXXX-of-YYYYY.parquet` shards under `<output>/_temporary/<kind>/`.

    Returns a PCollection of one small dict per written shard ({name, index, rows}) plus the shard count as a
    singleton (tuple of two PCollections); `Finalize` renames them into `<output>/<kind>/`.
    """

    def __init__(self, output_dir: str, kind: str, schema: pa.Schema, cfg: OutputConfig) -> None:
        super().__init__()
        self._temp_dir = FileSystems.join(output_dir, TEMP_DIR, kind)
        self._schema = schema
        self._cfg = cfg

    def expand(self, rows: beam.PCollection) -> tuple[beam.PCollection, beam.PCollection]:
        target = self._cfg.shard_target_bytes
        num_shards = (
            rows
            | "RowBytes" >> beam.Map(_row_bytes)
            | "TotalBytes" >> beam.CombineGlobally(sum)
            | "ShardCount" >> beam.Map(lambda total: max(1, math.ceil(total / target)))
        )
        written = (
            rows
            | "AssignShard"
            >> beam.Map(lambda r, n: (_hash64(_row_key(r)) % n, r), n=beam.pvalue.AsSingleton(num_shards))
            | "GroupByShard" >> beam.GroupByKey()
            | "WriteShard"
            >> beam.ParDo(_WriteShardFn(self._temp_dir, self._schema, self._cfg), beam.pvalue.AsSingleton(num_shards))
        )
        return written, num_shards


# -- ledger ----------------------------------------------------------------------------------------------------

_READ, _KEPT, _DROPPED, _FAILED = "read", "kept", "dropped", "failed"


def _ledger_keys(kind: str):
    def keys(element: Any) -> Iterator[str]:
        if kind == _READ:
            yield _READ
        elif kind == _KEPT:
            yield _KEPT
        elif kind == _DROPPED:
            if element.unit == UNIT_RECORD:
                yield f"{_DROPPED}\t{element.stage}\t{element.reason}"
            else:
                yield f"lines\t{element.stage}\t{element.reason}"
        else:
            yield f"{_FAILED}\t{element.stage}"
            yield f"failed_source\t{element.source}"

    return keys


def build_stats(counts: dict[str, int], top_sources: int = 10) -> dict[str, Any]:
    """Turn flat ledger counts into the stats.json structure (pure; tested directly)."""
    read = counts.get(_READ, 0)
    kept = counts.get(_KEPT, 0)
    dropped_by: dict[str, dict[str, int]] = {}
    failed_by: dict[str, int] = {}
    lines_by: dict[str, dict[str, int]] = {}
    failed_sources: dict[str, int] = {}
    for key, n in counts.items():
        parts = key.split("\t")
        if parts[0] == _DROPPED:
            dropped_by.setdefault(parts[1], {})[parts[2]] = n
        elif parts[0] == _FAILED:
            failed_by[parts[1]] = n
        elif parts[0] == "lines":
            lines_by.setdefault(parts[1], {})[parts[2]] = n
        elif parts[0] == "failed_source":
            failed_sources[parts[1]] = n
    dropped = sum(sum(v.values()) for v in dropped_by.values())
    failed = sum(failed_by.values())
    worst = sorted(failed_sources.items(), key=lambda kv: (-kv[1], kv[0]))[:top_sources]
    return {
        "read": read,
        "kept": kept,
        "dropped": dropped,
        "failed": failed,
        "balanced": read == kept + dropped + failed,
        "dropped_by_stage": {s: dict(sorted(r.items())) for s, r in sorted(dropped_by.items())},
        "failed_by_stage": dict(sorted(failed_by.items())),
        "audit_rows_by_stage": {s: dict(sorted(r.items())) for s, r in sorted(lines_by.items())},
        "worst_sources": [{"source": s, "failed": n} for s, n in worst],
    }


class ComputeLedger(beam.PTransform):
    """Count read / kept / dropped (stage, reason) / failed (stage) from the data into one dict (a singleton).

    Applied to a dict {"read": docs_and_outcomes_as_read, "kept": ..., "dropped": ..., "failed": ...}.
    """

    def expand(self, parts: dict[str, beam.PCollection]) -> beam.PCollection:
        keyed = [
            parts[kind] | f"LedgerKeys_{kind}" >> beam.FlatMap(_ledger_keys(kind))
            for kind in (_READ, _KEPT, _DROPPED, _FAILED)
        ]
        return (
            keyed
            | "LedgerFlatten" >> beam.Flatten()
            | "LedgerCount" >> beam.combiners.Count.PerElement()
            | "LedgerPairs" >> beam.combiners.ToList()
            | "LedgerBuild" >> beam.Map(lambda pairs: build_stats(dict(pairs)))
        )


# -- finalize --------------------------------------------------------------------------------------------------


class LedgerError(RuntimeError):
    """The ledger does not balance: a stage lost or duplicated records (a bug, never bad input)."""


class ErrorBudgetExceeded(RuntimeError):
    """More records failed than `output.max_error_ratio` allows."""


def _move(src: str, dst: str) -> None:
    if FileSystems.exists(dst) and not FileSystems.exists(src):
        return  # a retried finalize: already moved
    if FileSystems.exists(dst):
        FileSystems.delete([dst])
    FileSystems.rename([src], [dst])


def _write_bytes(path: str, data: bytes) -> None:
    tmp = path + ".tmp"
    with FileSystems.create(tmp) as f:
        f.write(data)
    _move(tmp, path)


class _FinalizeFn(beam.DoFn):
    def __init__(self, output_dir: str, schemas: dict[str, pa.Schema], cfg: OutputConfig) -> None:
        self._out = output_dir
        self._schemas = schemas
        self._cfg = cfg

    def process(self, _: Any, stats: dict, **shards: Any) -> Iterator[dict]:
        out = self._out
        manifest: dict[str, Any] = {"outputs": {}}
        for kind, schema in self._schemas.items():
            written = {s["index"]: s for s in shards[f"{kind}_written"]}
            count = shards[f"{kind}_count"]
            final_dir = FileSystems.join(out, kind)
            temp_dir = FileSystems.join(out, TEMP_DIR, kind)
            if not FileSystems.exists(final_dir):
                FileSystems.mkdirs(final_dir)
            files = []
            for index in range(count):
                name = shard_name(index, count)
                src = FileSystems.join(temp_dir, name)
                if index not in written:  # a shard that no row hashed to: write it empty, keep names honest
                    _write_table(src, [], schema, self._cfg)
                    rows = 0
                else:
                    rows = written[index]["rows"]
                _move(src, FileSystems.join(final_dir, name))
                files.append({"name": name, "rows": rows})
            manifest["outputs"][kind] = files
        _write_bytes(FileSystems.join(out, STATS), (json.dumps(stats, indent=2, sort_keys=False) + "\n").encode())
        temp_root = FileSystems.join(out, TEMP_DIR)
        if FileSystems.exists(temp_root):
            FileSystems.delete([temp_root])
        if not stats["balanced"]:
            raise LedgerError(
                f"ledger does not balance: read={stats['read']} kept={stats['kept']} "
                f"dropped={stats['dropped']} failed={stats['failed']} (see {STATS})"
            )
        ratio = stats["failed"] / stats["read"] if stats["read"] else 0.0
        if ratio > self._cfg.max_error_ratio:
            worst = ", ".join(f"{w['source']} ({w['failed']})" for w in stats["worst_sources"][:5])
            raise ErrorBudgetExceeded(
                f"{stats['failed']} of {stats['read']} records failed ({ratio:.1%}), above "
                f"output.max_error_ratio={self._cfg.max_error_ratio}; worst sources: {worst}"
            )
        manifest["stats"] = {k: stats[k] for k in ("read", "kept", "dropped", "failed")}
        _write_bytes(FileSystems.join(out, SUCCESS), (json.dumps(manifest, indent=2) + "\n").encode())
        yield manifest


class Finalize(beam.PTransform):
    """Rename every temporary shard into place, write stats.json, check the ledger, then write `_SUCCESS`."""

    def __init__(self, output_dir: str, cfg: OutputConfig, stats: beam.PCollection,
                 shards: dict[str, tuple[beam.PCollection, beam.PCollection]],
                 schemas: dict[str, pa.Schema]) -> None:
        super().__init__()
        self._out = output_dir
        self._cfg = cfg
        self._stats = stats
        self._shards = shards
        self._schemas = schemas

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        side = {}
        for kind, (written, count) in self._shards.items():
            side[f"{kind}_written"] = beam.pvalue.AsList(written)
            side[f"{kind}_count"] = beam.pvalue.AsSingleton(count)
        return (
            pbegin
            | "FinalizeImpulse" >> beam.Create([None])
            | "FinalizeOutputs"
            >> beam.ParDo(
                _FinalizeFn(self._out, self._schemas, self._cfg), beam.pvalue.AsSingleton(self._stats), **side
            )
        )


def prepare_output_dir(output_dir: str, cfg: OutputConfig) -> None:
    """Apply `if_exists` before any work starts: refuse to mix runs, or clear the previous run's outputs."""
    owned = [DATA, REJECTED, ERRORS, TEMP_DIR, STATS, SUCCESS, DEDUP_INDEX]
    present = [n for n in owned if FileSystems.exists(FileSystems.join(output_dir, n))]
    if present and cfg.if_exists == "fail":
        raise FileExistsError(
            f"output directory {output_dir} already holds a run ({', '.join(present)}); choose another --output "
            "or pass --set output.if_exists=overwrite"
        )
    for name in present:
        FileSystems.delete([FileSystems.join(output_dir, name)])
    if not FileSystems.exists(output_dir):
        FileSystems.mkdirs(output_dir)


def join_path(*parts: str) -> str:
    return posixpath.join(*parts)
