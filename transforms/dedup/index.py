"""The MinHash signature index of incremental dedup: written by a run, read back as prior documents."""

from __future__ import annotations

import hashlib
import math
import posixpath
from collections.abc import Iterable, Iterator

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from transforms.core.staged import READ_OPTIONS
from transforms.dedup import minhash

__all__ = ["INDEX_SCHEMA", "WriteIndex", "expand_index_paths", "params_meta", "read_index_table", "source_id"]


INDEX_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("signature", pa.binary(), nullable=False),  # uint32 little-endian x num_perm
        pa.field("num_shingles", pa.int64(), nullable=False),
        pa.field("bands", pa.list_(pa.int64()), nullable=False),
    ]
)

_INDEX_META_KEY = b"crawlwash.dedup.minhash"


def params_meta(params: minhash.MinHashParams) -> bytes:
    p = params
    return (
        f"num_perm={p.num_perm};shingle_size={p.shingle_size};char_shingle_size={p.char_shingle_size};"
        f"bands={p.bands};rows={p.rows};seed={p.seed};hash=blake2b-splitmix64-v1"
    ).encode()


def source_id(path: str) -> int:
    """A 64-bit id of a prior index file (the `sid` of its documents in the decide phase)."""
    return int.from_bytes(
        hashlib.blake2b(path.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big"
    )


def expand_index_paths(path: str) -> Iterator[str]:
    """The index files of a prior run: a directory (its part-*.parquet) or a glob of files."""
    pattern = path
    if not any(c in path for c in "*?["):
        pattern = FileSystems.join(path.rstrip("/"), "part-*.parquet")
    matched = FileSystems.match([pattern])[0].metadata_list
    if not matched:
        raise FileNotFoundError(f"no dedup index files match {pattern!r}")
    for m in sorted(matched, key=lambda m: m.path):
        if not posixpath.basename(m.path).startswith("."):
            yield m.path


def read_index_table(path: str, params: minhash.MinHashParams, columns: list[str]) -> pa.Table:
    """Columns of one prior index file, after checking it was written with the same MinHash params."""
    with FileSystems.open(path) as f:
        pf = pq.ParquetFile(f)
        meta = (pf.schema_arrow.metadata or {}).get(_INDEX_META_KEY)
        if meta != params_meta(params):
            raise ValueError(
                f"dedup index {path} was written with MinHash params {meta!r}, "
                f"this run uses {params_meta(params)!r}"
            )
        return pf.read(columns=columns, **READ_OPTIONS)


class _WriteIndexShardFn(beam.DoFn):
    """Write one index shard (streamed in row groups) to a temporary name, then rename it into place."""

    def __init__(self, index_dir: str, params: minhash.MinHashParams, batch_rows: int = 10_000) -> None:
        super().__init__()
        self._dir = index_dir
        self._params = params
        self._batch_rows = batch_rows

    def process(self, element: tuple[int, Iterable[tuple]], num_shards: int) -> Iterator[str]:
        shard, recs = element
        name = f"part-{shard:05d}-of-{num_shards:05d}.parquet"
        final = FileSystems.join(self._dir, name)
        temp = FileSystems.join(self._dir, f".tmp-{name}")
        schema = INDEX_SCHEMA.with_metadata({_INDEX_META_KEY: params_meta(self._params)})
        rows = sorted(recs, key=lambda r: r[0])  # a shard's rows by id: the same bytes on every run
        with FileSystems.create(temp) as f:
            writer = pq.ParquetWriter(f, schema, compression="zstd")
            for lo in range(0, max(1, len(rows)), self._batch_rows):
                writer.write_table(self._table(rows[lo : lo + self._batch_rows], schema))
            writer.close()
        if FileSystems.exists(final):
            FileSystems.delete([final])
        FileSystems.rename([temp], [final])
        yield final

    @staticmethod
    def _table(batch: list[tuple], schema: pa.Schema) -> pa.Table:
        return pa.table(
            {
                "id": [rec[0] for rec in batch],
                "signature": [rec[1] for rec in batch],
                "num_shingles": [rec[2] for rec in batch],
                "bands": [rec[3] for rec in batch],
            },
            schema=schema,
        )


def _shard_of(doc_id: str, num_shards: int) -> int:
    digest = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % num_shards


class WriteIndex(beam.PTransform):
    """(id, signature bytes, shingle count, band keys) records -> `index_dir/part-XXXXX-of-YYYYY.parquet`."""

    def __init__(self, index_dir: str, params: minhash.MinHashParams, rows_per_shard: int) -> None:
        super().__init__()
        self._dir = index_dir
        self._params = params
        self._rows = rows_per_shard

    def expand(self, sigs: beam.PCollection) -> beam.PCollection:
        rows = self._rows
        num_shards = (
            sigs
            | "Count" >> beam.combiners.Count.Globally()
            | "Shards" >> beam.Map(lambda n: max(1, math.ceil(n / rows)))
        )
        return (
            sigs
            | "AssignShard"
            >> beam.Map(lambda rec, n: (_shard_of(rec[0], n), rec), n=beam.pvalue.AsSingleton(num_shards))
            | "GroupByShard" >> beam.GroupByKey()
            | "WriteShard"
            >> beam.ParDo(_WriteIndexShardFn(self._dir, self._params), beam.pvalue.AsSingleton(num_shards))
        )
