"""Deduplication: its config, keep rules, reasons, and the MinHash signature index of incremental runs.

Dedup is a global decision, so it runs in the decide phase on small records (`transforms/decide.py`, pure core
in `transforms/decide_core.py`); the apply phase drops the losers (`transforms/apply.py`). In order:

- URL: per `normalize_url(doc.url)`, keep one document (newest fetch by default, ties -> smallest id); the
  others are dropped as `duplicate_url` (detail `kept=<id>`). Documents without a usable URL pass.
- Exact: among the URL survivors, per BLAKE2b-128 of the dedup-normalized text, keep one by `exact.keep`; the
  others are `duplicate_text`.
- Near: the survivors' MinHash signatures (transforms/minhash.py) are banded (LSH); each bucket gives star
  edges from its members to its smallest member; with `verify` (default on) an edge stays only when the
  estimated Jaccard of the two signatures is >= threshold - verify_margin (0.7), or the smaller document's
  shingles are estimated to lie in the larger one for >= containment_threshold (0.8) of them (the same article
  with and without navigation/footer: seeds 000/001 have Jaccard 0.734 but 001 is wholly contained in 000).
  Verification drops LSH false positives, so the banding is tuned for recall (see minhash.py). Measured on 983
  real pages x 6 variants (benchmarks/dedup_eval.py): recall at J >= 0.8 0.9963 with verification, 0.9968
  LSH-only, 0.9951 without the containment rule; no false merge in any. The verified edges go through
  `ConnectedComponents` (transforms/components.py); a cluster keeps its smallest node by (keep rank, id)
  (`near.keep`, default the longest text) with `dedup_cluster_size`; the others are `near_duplicate`
  (detail `kept=<id> cluster_size=<n>`), or `near_duplicate_of_prior` (detail `prior=<id> cluster_size=<n>`)
  when the cluster holds a document of a prior index. Documents in no edge keep `dedup_cluster_size = 1`.
- Incremental: with `index.write` the signatures (id, signature, shingle count, band keys) of every document that
  reached near dedup are written as Parquet shards `OUTPUT/dedup_index/part-XXXXX-of-YYYYY.parquet` (MinHash
  params in the file metadata); `index.prior` paths (directories or globs of such files) take part in the
  banding as prior documents, which are never re-emitted. An index written with other MinHash params is an
  error.

Texts are keyed after every per-document stage (the map phase), before the corpus-wide frequent-line pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import posixpath
from collections.abc import Iterable, Iterator
from typing import Literal

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from pydantic import Field, model_validator

from transforms import minhash
from transforms.doc import Doc
from transforms.section import Section

__all__ = [
    "COLUMNS",
    "INDEX_SCHEMA",
    "REASON_DUPLICATE_TEXT",
    "REASON_DUPLICATE_URL",
    "REASON_NEAR_DUPLICATE",
    "REASON_NEAR_DUPLICATE_OF_PRIOR",
    "STAGE",
    "DedupConfig",
    "ExactDedupConfig",
    "IndexConfig",
    "KeepRule",
    "NearDedupConfig",
    "UrlDedupConfig",
    "WriteIndex",
    "expand_index_paths",
    "keep_key",
    "params_meta",
    "read_index_table",
    "source_id",
]

log = logging.getLogger(__name__)

STAGE = "dedup"
REASON_DUPLICATE_URL = "duplicate_url"
REASON_DUPLICATE_TEXT = "duplicate_text"
REASON_NEAR_DUPLICATE = "near_duplicate"
REASON_NEAR_DUPLICATE_OF_PRIOR = "near_duplicate_of_prior"

COLUMNS: list[pa.Field] = [pa.field("dedup_cluster_size", pa.int32(), nullable=True)]

INDEX_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("signature", pa.binary(), nullable=False),  # uint32 little-endian x num_perm
        pa.field("num_shingles", pa.int64(), nullable=False),
        pa.field("bands", pa.list_(pa.int64()), nullable=False),
    ]
)
_INDEX_META_KEY = b"crawlwash.dedup.minhash"

KeepRule = Literal["longest", "newest", "oldest", "first_id"]


# -- config ----------------------------------------------------------------------------------------------------


class UrlDedupConfig(Section):
    """One document per normalized URL."""

    enabled: bool = Field(True, description="Drop documents whose normalized URL was already seen.")
    keep: Literal["newest", "oldest"] = Field(
        "newest", description="Which fetch of a URL to keep (by fetch_time; unknown times lose; ties -> id)."
    )


class ExactDedupConfig(Section):
    """One document per normalized text (NFKC, case-folded, punctuation and whitespace folded)."""

    enabled: bool = Field(True, description="Drop documents whose normalized text equals another's.")
    keep: KeepRule = Field(
        "first_id", description="Which copy to keep: longest / newest / oldest / first_id."
    )


class NearDedupConfig(Section):
    """MinHash LSH near-duplicate detection with distributed connected components."""

    enabled: bool = Field(True, description="Drop near-duplicates (keep one document per cluster).")
    threshold: float = Field(
        0.8,
        gt=0.0,
        lt=1.0,
        description="Jaccard similarity of shingle sets at which two documents are duplicates.",
    )
    num_perm: int = Field(128, ge=8, le=1024, description="MinHash permutations (signature length).")
    shingle_size: int = Field(5, ge=1, le=64, description="Words per shingle.")
    char_shingle_size: int = Field(
        5,
        ge=1,
        le=64,
        description="Characters per shingle for texts mostly in scripts without spaces (CJK, Thai).",
    )
    bands: int | None = Field(None, ge=1, description="LSH bands; null = derived from the thresholds.")
    rows: int | None = Field(None, ge=1, description="Rows per band; null = derived from the thresholds.")
    lsh_threshold: float | None = Field(
        None,
        gt=0.0,
        lt=1.0,
        description="Jaccard the LSH banding is tuned around; null = threshold - 0.1 (candidates are verified).",
    )
    lsh_false_negative_weight: float = Field(
        0.7,
        gt=0.0,
        lt=1.0,
        description="Weight of missed pairs vs false candidates when deriving bands/rows.",
    )
    verify: bool = Field(
        True, description="Keep an LSH edge only if the estimated Jaccard of the signatures passes the cut."
    )
    verify_margin: float = Field(
        0.1,
        ge=0.0,
        lt=1.0,
        description="Verification cut = threshold - verify_margin (absorbs MinHash noise).",
    )
    containment_threshold: float | None = Field(
        0.8,
        gt=0.0,
        le=1.0,
        description="With verify, also accept a candidate pair when this share of the smaller doc's shingles is "
        "estimated to be in the larger one (the same article with/without boilerplate); null = Jaccard only.",
    )
    seed: int = Field(1, ge=0, description="Seed of the MinHash permutations (an index needs the same seed).")
    max_rounds: int = Field(
        8,
        ge=1,
        le=64,
        description="Large-star/small-star rounds unrolled into the graph for clustering (a worst-case "
        "path of 1,000 docs needs 8; LSH star edges give shallow clusters that need 1-3).",
    )
    on_unconverged: Literal["fail", "partial"] = Field(
        "fail",
        description="If clustering did not converge in max_rounds: fail the job, or keep partial clusters.",
    )
    keep: KeepRule = Field(
        "longest", description="Which document of a cluster to keep (ties -> smallest id)."
    )

    @model_validator(mode="after")
    def _check_bands(self) -> NearDedupConfig:
        if (self.bands is None) != (self.rows is None):
            raise ValueError("set both near.bands and near.rows, or neither")
        b, r = self.bands_rows()
        if b * r > self.num_perm:
            raise ValueError(f"near.bands * near.rows = {b * r} exceeds near.num_perm = {self.num_perm}")
        return self

    def bands_rows(self) -> tuple[int, int]:
        """The (bands, rows) in effect: explicit overrides, else derived from lsh_threshold."""
        if self.bands is not None and self.rows is not None:
            return self.bands, self.rows
        lsh_t = self.lsh_threshold if self.lsh_threshold is not None else max(0.05, self.threshold - 0.1)
        w = self.lsh_false_negative_weight
        return minhash.optimal_bands_rows(round(lsh_t, 6), self.num_perm, 1.0 - w, w)

    def params(self) -> minhash.MinHashParams:
        b, r = self.bands_rows()
        return minhash.MinHashParams(
            num_perm=self.num_perm,
            shingle_size=self.shingle_size,
            char_shingle_size=self.char_shingle_size,
            bands=b,
            rows=r,
            seed=self.seed,
        )

    def verify_cut(self) -> float | None:
        return max(0.0, self.threshold - self.verify_margin) if self.verify else None


class IndexConfig(Section):
    """The persisted MinHash signature index for incremental dedup."""

    write: bool = Field(False, description="Write this run's signatures under OUTPUT/dedup_index/.")
    prior: list[str] = Field(
        default_factory=list,
        description="Index directories (or globs of .parquet files) of earlier runs; their docs are never re-emitted.",
    )
    rows_per_shard: int = Field(200_000, gt=0, description="Rows per index Parquet file.")


class DedupConfig(Section):
    """Deduplication: URL, then exact text, then near-duplicates (each can be disabled)."""

    url: UrlDedupConfig = Field(default_factory=UrlDedupConfig, description="URL dedup.")
    exact: ExactDedupConfig = Field(default_factory=ExactDedupConfig, description="Exact text dedup.")
    near: NearDedupConfig = Field(
        default_factory=NearDedupConfig, description="MinHash near-duplicate dedup."
    )
    index: IndexConfig = Field(
        default_factory=IndexConfig, description="Signature index for incremental runs."
    )


# -- keep rules (pure) -----------------------------------------------------------------------------------------


def _epoch(fetch_time: str | None) -> int | None:
    if not fetch_time:
        return None
    try:
        t = dt.datetime.fromisoformat(fetch_time)  # 3.11 reads "Z"
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return int(t.timestamp() * 1_000_000)


def keep_key(doc: Doc, rule: str) -> tuple[int, int]:
    """Sort key of a doc under a keep rule (smaller is better; callers append the id as the tie-break)."""
    if rule == "longest":
        return (-len(doc.text), 0)
    if rule in ("newest", "oldest"):
        t = _epoch(doc.fetch_time)
        if t is None:
            return (1, 0)  # unknown fetch time loses to any known one
        return (0, -t if rule == "newest" else t)
    if rule == "first_id":
        return (0, 0)
    raise ValueError(f"unknown keep rule {rule!r}")


# -- the signature index (incremental dedup) -------------------------------------------------------------------


def params_meta(params: minhash.MinHashParams) -> bytes:
    p = params
    return (
        f"num_perm={p.num_perm};shingle_size={p.shingle_size};char_shingle_size={p.char_shingle_size};"
        f"bands={p.bands};rows={p.rows};seed={p.seed};hash=blake2b-splitmix64-v1"
    ).encode()


def source_id(path: str) -> int:
    """A 64-bit id of a prior index file (the `sid` of its documents in the decide phase)."""
    return int.from_bytes(hashlib.blake2b(path.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


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
        return pf.read(columns=columns)


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
            | "AssignShard" >> beam.Map(lambda rec, n: (_shard_of(rec[0], n), rec), n=beam.pvalue.AsSingleton(num_shards))
            | "GroupByShard" >> beam.GroupByKey()
            | "WriteShard"
            >> beam.ParDo(_WriteIndexShardFn(self._dir, self._params), beam.pvalue.AsSingleton(num_shards))
        )
