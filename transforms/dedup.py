"""Deduplication stage: URL duplicates, exact text duplicates, MinHash near-duplicates (optionally incremental).

    docs -> DedupUrls -> DedupExact -> DedupNearDuplicates -> kept (+ attr dedup_cluster_size)

- `DedupUrls`: group by `normalize_url(doc.url)`; keep one per URL (newest fetch by default, ties -> smallest id).
  Docs without a usable URL pass. Others -> Dropped `duplicate_url` (detail `kept=<id>`).
- `DedupExact`: group by BLAKE2b of the dedup-normalized text; keep one by `exact.keep`. `duplicate_text`.
- `DedupNearDuplicates`:
    1. per doc: MinHash signature and band keys (transforms/minhash.py). A doc becomes a node
       `(1, k1, k2, id)` where (k1, k2) is its keep-rule key, so the smallest node of a cluster IS the doc to keep;
       prior-index docs are nodes `(0, 0, 0, id)` and sort first.
    2. `(band_key, node)` -> GroupByKey -> per bucket, star edges from each member to the bucket's minimum node
       (O(n) per bucket, streamed twice, never all pairs) -> Distinct. With `verify` (default on) the edges are
       joined with the signatures by node twice (member's by CoGroupByKey: at most `bands` anchors per member;
       then anchor's by a tagged GroupByKey streamed twice, so a hot anchor's members are never held in a list;
       each signature crosses the shuffle twice instead of once per band) and an edge is kept only when the estimated Jaccard of the two signatures is >= threshold - verify_margin (0.7), or the smaller
       doc's shingles are estimated to lie in the larger one for >= containment_threshold (0.8) of them (the same
       article with and without navigation/footer: seeds 000/001 have Jaccard 0.734 but 001 is wholly contained
       in 000). Verification drops LSH false positives, so the banding is tuned for recall (see minhash.py).
       Measured on 983 real pages x 6 variants (benchmarks/dedup_eval.py): recall at J >= 0.8 0.9963 with
       verification, 0.9968 LSH-only, 0.9951 without the containment rule; no false merge in any. Members that
       fail against the anchor get no edge from that bucket (they may link through another band). Buckets with
       only prior nodes emit nothing.
    3. edges -> `ConnectedComponents` (transforms/components.py, large-star/small-star rounds, each a
       GroupByKey; fails loudly if not converged in `max_rounds`) -> (node, label = smallest node).
    4. `(label, node)` -> GroupByKey -> per cluster: size (new docs only), verdict per node streamed out as
       `(id, (label, size))`; -> CoGroupByKey with the docs by id -> keep the label's doc with attr
       `dedup_cluster_size`, drop the others as `near_duplicate` (detail `kept=<id> cluster_size=<n>`), or as
       `near_duplicate_of_prior` (detail `prior=<id> cluster_size=<n>`) when the cluster holds a prior doc.
       Docs that are in no edge are kept with `dedup_cluster_size = 1` (empty texts included: no signature).
- Incremental: with `index_dir` the signatures (id, signature, shingle count, band keys) of every doc that reached near dedup
  are written as Parquet shards `index_dir/part-XXXXX-of-YYYYY.parquet` (MinHash params in the file metadata);
  `prior_index` paths (directories or globs of such files) are read back as prior nodes. Old docs are never
  re-emitted; an index written with other MinHash params is an error.

No step collects all ids, edges or docs on one worker: everything is GroupByKey / CoGroupByKey / CombinePerKey
keyed by URL, text hash, band, node, cluster label or id, plus one global count (an int) for the shard count.
The result does not depend on element order: every choice is a minimum over a total order ending in the id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import posixpath
from collections.abc import Iterable, Iterator
from typing import Any, Literal

import apache_beam as beam
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from pydantic import Field, model_validator

from transforms import minhash
from transforms.components import ConnectedComponents
from transforms.doc import Doc, Dropped, Failed
from transforms.section import Section
from transforms.stage import DROPPED, FAILED, KEPT, METRICS_NAMESPACE, StageOutputs

__all__ = [
    "COLUMNS",
    "INDEX_SCHEMA",
    "REASON_DUPLICATE_TEXT",
    "REASON_DUPLICATE_URL",
    "REASON_NEAR_DUPLICATE",
    "REASON_NEAR_DUPLICATE_OF_PRIOR",
    "STAGE",
    "DedupConfig",
    "DedupExact",
    "DedupNearDuplicates",
    "DedupUrls",
    "Deduplicate",
    "ExactDedupConfig",
    "IndexConfig",
    "KeepRule",
    "NearDedupConfig",
    "UrlDedupConfig",
    "keep_key",
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


# -- grouping dedup (URL, exact) ---------------------------------------------------------------------------------


class _KeyFn(beam.DoFn):
    """Route docs with a key to the keyed output, pass the rest on the 'pass' output."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self._kind = kind

    def process(self, doc: Doc) -> Iterator:
        key = minhash.normalize_url(doc.url) if self._kind == "url" else minhash.text_hash(doc.text)
        if key:
            yield (key, doc)
        else:
            yield beam.pvalue.TaggedOutput("pass", doc)


class _KeepOneFn(beam.DoFn):
    """Per key: keep the best doc by (keep_key, id), drop the others with `reason` (streams the group twice)."""

    def __init__(self, rule: str, reason: str) -> None:
        super().__init__()
        self._rule = rule
        self._reason = reason
        self._dropped = Metrics.counter(METRICS_NAMESPACE, f"{STAGE}.{reason}")

    def process(self, element: tuple[str, Iterable[Doc]]) -> Iterator:
        _, docs = element
        best: tuple[Any, ...] | None = None
        for d in docs:
            k = (*keep_key(d, self._rule), d.id)
            if best is None or k < best:
                best = k
        assert best is not None
        kept_id = best[-1]
        seen_kept = False
        for d in docs:
            if d.id == kept_id and not seen_kept:
                seen_kept = True
                yield d
            else:
                self._dropped.inc()
                yield beam.pvalue.TaggedOutput(
                    DROPPED, Dropped.of(d, STAGE, self._reason, detail=f"kept={kept_id}")
                )


class _KeepOnePerKey(beam.PTransform):
    def __init__(self, kind: str, rule: str, reason: str) -> None:
        super().__init__()
        self._kind, self._rule, self._reason = kind, rule, reason

    def expand(self, docs: beam.PCollection) -> StageOutputs:
        keyed = docs | "Key" >> beam.ParDo(_KeyFn(self._kind)).with_outputs("pass", main="keyed")
        res = (
            keyed.keyed
            | "Group" >> beam.GroupByKey()
            | "KeepOne" >> beam.ParDo(_KeepOneFn(self._rule, self._reason)).with_outputs(DROPPED, main=KEPT)
        )
        kept = (res[KEPT], keyed["pass"]) | "Kept" >> beam.Flatten()
        failed = docs.pipeline | "NoFailures" >> beam.Create([])
        return StageOutputs(kept, res[DROPPED], failed)


class DedupUrls(beam.PTransform):
    """Keep one document per normalized URL (`url.keep`: newest/oldest fetch; ties -> smallest id)."""

    def __init__(self, config: UrlDedupConfig | None = None) -> None:
        super().__init__()
        self._config = config or UrlDedupConfig()

    def expand(self, docs: beam.PCollection) -> StageOutputs:
        return docs | "ByUrl" >> _KeepOnePerKey("url", self._config.keep, REASON_DUPLICATE_URL)


class DedupExact(beam.PTransform):
    """Keep one document per normalized text (`exact.keep`; ties -> smallest id)."""

    def __init__(self, config: ExactDedupConfig | None = None) -> None:
        super().__init__()
        self._config = config or ExactDedupConfig()

    def expand(self, docs: beam.PCollection) -> StageOutputs:
        return docs | "ByText" >> _KeepOnePerKey("text", self._config.keep, REASON_DUPLICATE_TEXT)


# -- near duplicates -------------------------------------------------------------------------------------------

_PRIOR, _NEW = 0, 1


def _node_id(node: tuple) -> str:
    return node[3]


class _SignFn(beam.DoFn):
    """Doc -> the doc (unchanged) + tagged 'sig': (node, signature bytes, shingle count, band keys) if it has any.

    Like `StageFn`, an exception on one doc becomes a Failed row (not a job failure)."""

    def __init__(self, params: minhash.MinHashParams, rule: str) -> None:
        super().__init__()
        self._params = params
        self._rule = rule
        self._failed = Metrics.counter(METRICS_NAMESPACE, f"{STAGE}.failed")

    def process(self, doc: Doc) -> Iterator:
        try:
            signed = minhash.sign(doc.text, self._params)
            rec = None
            if signed is not None:
                sig, size = signed
                node = (_NEW, *keep_key(doc, self._rule), doc.id)
                rec = (
                    node,
                    sig.tobytes(),
                    size,
                    minhash.band_keys(sig, self._params.bands, self._params.rows),
                )
        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the job: an errors/ row
            self._failed.inc()
            yield beam.pvalue.TaggedOutput(FAILED, Failed.of(doc, STAGE, Failed.describe(exc)))
            return
        if rec is not None:
            yield beam.pvalue.TaggedOutput("sig", rec)
        yield doc


def _band_elements(rec: tuple) -> Iterator[tuple[int, tuple]]:
    node, _, _, keys = rec
    for k in keys:
        yield (k, node)


class _BucketEdgesFn(beam.DoFn):
    """One LSH bucket -> star edges (anchor, member) from each member to the bucket's minimum node."""

    def __init__(self) -> None:
        super().__init__()
        self._edges = Metrics.counter(METRICS_NAMESPACE, f"{STAGE}.lsh_edges")

    def process(self, element: tuple[int, Iterable[tuple]]) -> Iterator[tuple[tuple, tuple]]:
        _, members = element
        anchor: tuple | None = None
        count = 0
        for node in members:
            count += 1
            if anchor is None or node < anchor:
                anchor = node
        if count < 2 or anchor is None:
            return
        for node in members:
            if node == anchor or node[0] == _PRIOR:
                continue  # prior-prior edges are useless: old docs are never re-emitted
            self._edges.inc()
            yield (anchor, node)


def _attach_member_signature(element: tuple[tuple, dict[str, Iterable]]) -> Iterator[tuple[tuple, tuple]]:
    """(member, {sig: [(sig, size)], anchor: [anchors]}) -> (anchor, (member, sig, size)) per edge."""
    member, grouped = element
    for sig, size in grouped["sig"]:
        for anchor in grouped["anchor"]:
            yield (anchor, (member, sig, size))
        return


_SIG_TAG, _MEMBER_TAG = 0, 1


class _VerifyEdgesFn(beam.DoFn):
    """(anchor, tagged values) -> the verified edges (anchor, member). The values are the anchor's own signature
    `(0, (sig, size))` and one `(1, (member, sig, size))` per candidate edge; the group is streamed twice (find
    the anchor's signature, then verify each member), so a hot anchor with millions of members is never held in
    memory (a CoGroupByKey would materialize them all as a list)."""

    def __init__(self, jaccard_cut: float, containment_cut: float | None) -> None:
        super().__init__()
        self._cut = jaccard_cut
        self._containment_cut = containment_cut
        self._rejected = Metrics.counter(METRICS_NAMESPACE, f"{STAGE}.lsh_edges_rejected")

    def process(self, element: tuple[tuple, Iterable[tuple[int, tuple]]]) -> Iterator[tuple[tuple, tuple]]:
        anchor, values = element
        anchor_sig: tuple | None = None
        for tag, value in values:
            if tag == _SIG_TAG:
                anchor_sig = value
                break
        if anchor_sig is None:
            return
        a = np.frombuffer(anchor_sig[0], dtype=np.uint32)
        anchor_size = anchor_sig[1]
        for tag, value in values:
            if tag != _MEMBER_TAG:
                continue
            member, sig, size = value
            b = np.frombuffer(sig, dtype=np.uint32)
            if minhash.is_near_duplicate(a, anchor_size, b, size, self._cut, self._containment_cut):
                yield (anchor, member)
            else:
                self._rejected.inc()


class _VerifyEdges(beam.PTransform):
    """Keep the LSH edges whose signatures pass the cut: two joins on node, so each signature crosses the shuffle
    twice (O(num_perm) per doc) instead of once per band."""

    def __init__(self, jaccard_cut: float, containment_cut: float | None) -> None:
        super().__init__()
        self._cut = jaccard_cut
        self._containment_cut = containment_cut

    def expand(self, pcolls: tuple[beam.PCollection, beam.PCollection]) -> beam.PCollection:
        edges, sigs = pcolls  # (anchor, member); (node, (signature bytes, shingle count))
        by_member = edges | "ByMember" >> beam.Map(lambda e: (e[1], e[0]))
        with_member_sig = (
            {"sig": sigs, "anchor": by_member}
            | "JoinMemberSig" >> beam.CoGroupByKey()
            | "AttachMemberSig" >> beam.FlatMap(_attach_member_signature)
        )
        # by anchor: its own signature and every candidate member's, tagged; a plain GroupByKey (streamed)
        anchor_sigs = sigs | "TagAnchorSig" >> beam.Map(lambda kv: (kv[0], (_SIG_TAG, kv[1])))
        members = with_member_sig | "TagMember" >> beam.Map(lambda kv: (kv[0], (_MEMBER_TAG, kv[1])))
        return (
            (anchor_sigs, members)
            | "FlattenAnchorSide" >> beam.Flatten()
            | "JoinAnchorSig" >> beam.GroupByKey()
            | "Verify" >> beam.ParDo(_VerifyEdgesFn(self._cut, self._containment_cut))
        )


def _cluster_verdicts(element: tuple[tuple, Iterable[tuple]]) -> Iterator[tuple[str, tuple[tuple, int]]]:
    """(label, nodes) -> (id, (label, size)) for the new docs of the cluster (size counts new docs only)."""
    label, nodes = element
    size = sum(1 for n in nodes if n[0] == _NEW)
    for n in nodes:
        if n[0] == _NEW:
            yield (_node_id(n), (label, size))


class _ApplyVerdictFn(beam.DoFn):
    def __init__(self) -> None:
        super().__init__()
        self._near = Metrics.counter(METRICS_NAMESPACE, f"{STAGE}.{REASON_NEAR_DUPLICATE}")
        self._prior = Metrics.counter(METRICS_NAMESPACE, f"{STAGE}.{REASON_NEAR_DUPLICATE_OF_PRIOR}")

    def process(self, element: tuple[str, dict[str, Iterable]]) -> Iterator:
        doc_id, grouped = element
        verdicts = list(grouped["verdict"])
        for doc in grouped["doc"]:
            if not verdicts:
                yield doc.with_attrs(dedup_cluster_size=1)
                continue
            label, size = verdicts[0]
            if label[0] == _PRIOR:
                self._prior.inc()
                detail = f"prior={_node_id(label)} cluster_size={size}"
                yield beam.pvalue.TaggedOutput(
                    DROPPED, Dropped.of(doc, STAGE, REASON_NEAR_DUPLICATE_OF_PRIOR, detail=detail)
                )
            elif _node_id(label) == doc_id:
                yield doc.with_attrs(dedup_cluster_size=size)
            else:
                self._near.inc()
                detail = f"kept={_node_id(label)} cluster_size={size}"
                yield beam.pvalue.TaggedOutput(
                    DROPPED, Dropped.of(doc, STAGE, REASON_NEAR_DUPLICATE, detail=detail)
                )


def _params_meta(params: minhash.MinHashParams) -> bytes:
    p = params
    return (
        f"num_perm={p.num_perm};shingle_size={p.shingle_size};char_shingle_size={p.char_shingle_size};"
        f"bands={p.bands};rows={p.rows};seed={p.seed};hash=blake2b-splitmix64-v1"
    ).encode()


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
        schema = INDEX_SCHEMA.with_metadata({_INDEX_META_KEY: _params_meta(self._params)})
        batch: list[tuple] = []
        with FileSystems.create(temp) as f:
            writer = pq.ParquetWriter(f, schema, compression="zstd")
            for rec in recs:
                batch.append(rec)
                if len(batch) >= self._batch_rows:
                    writer.write_table(self._table(batch, schema))
                    batch = []
            writer.write_table(self._table(batch, schema))  # also makes an empty shard a valid file
            writer.close()
        if FileSystems.exists(final):
            FileSystems.delete([final])
        FileSystems.rename([temp], [final])
        yield final

    @staticmethod
    def _table(batch: list[tuple], schema: pa.Schema) -> pa.Table:
        return pa.table(
            {
                "id": [_node_id(rec[0]) for rec in batch],
                "signature": [rec[1] for rec in batch],
                "num_shingles": [rec[2] for rec in batch],
                "bands": [rec[3] for rec in batch],
            },
            schema=schema,
        )


def _shard_of(doc_id: str, num_shards: int) -> int:
    digest = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % num_shards


class _WriteIndex(beam.PTransform):
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
            >> beam.Map(
                lambda rec, n: (_shard_of(_node_id(rec[0]), n), rec),
                n=beam.pvalue.AsSingleton(num_shards),
            )
            | "GroupByShard" >> beam.GroupByKey()
            | "WriteShard"
            >> beam.ParDo(_WriteIndexShardFn(self._dir, self._params), beam.pvalue.AsSingleton(num_shards))
        )


def _expand_index_paths(path: str) -> Iterator[str]:
    pattern = path
    if not any(c in path for c in "*?["):
        pattern = FileSystems.join(path.rstrip("/"), "part-*.parquet")
    matched = FileSystems.match([pattern])[0].metadata_list
    if not matched:
        raise FileNotFoundError(f"no dedup index files match {pattern!r}")
    for m in sorted(matched, key=lambda m: m.path):
        if not posixpath.basename(m.path).startswith("."):
            yield m.path


class _ReadIndexFn(beam.DoFn):
    """One prior index file -> (band_key, prior node) elements, and tagged 'sig': (prior node, (signature, size))
    when signatures are needed; streamed per row group."""

    def __init__(self, params: minhash.MinHashParams, with_sig: bool) -> None:
        super().__init__()
        self._params = params
        self._with_sig = with_sig

    def process(self, path: str) -> Iterator:
        with FileSystems.open(path) as f:
            pf = pq.ParquetFile(f)
            meta = (pf.schema_arrow.metadata or {}).get(_INDEX_META_KEY)
            if meta != _params_meta(self._params):
                raise ValueError(
                    f"dedup index {path} was written with MinHash params {meta!r}, "
                    f"this run uses {_params_meta(self._params)!r}"
                )
            for i in range(pf.num_row_groups):
                t = pf.read_row_group(i)
                ids = t.column("id").to_pylist()
                sigs = t.column("signature").to_pylist()
                sizes = t.column("num_shingles").to_pylist()
                bands = t.column("bands").to_pylist()
                for doc_id, sig, size, keys in zip(ids, sigs, sizes, bands, strict=True):
                    node = (_PRIOR, 0, 0, doc_id)
                    if self._with_sig:
                        yield beam.pvalue.TaggedOutput("sig", (node, (sig, size)))
                    for k in keys:
                        yield (k, node)


class DedupNearDuplicates(beam.PTransform):
    """MinHash LSH + distributed connected components: keep one document per near-duplicate cluster."""

    def __init__(
        self,
        config: NearDedupConfig | None = None,
        index_dir: str | None = None,
        prior_index: Iterable[str] = (),
        rows_per_shard: int = 200_000,
    ) -> None:
        super().__init__()
        self._config = config or NearDedupConfig()
        self._params = self._config.params()
        self._index_dir = index_dir
        self._prior = tuple(prior_index)
        self._rows_per_shard = rows_per_shard

    def expand(self, docs: beam.PCollection) -> StageOutputs:
        cfg, params = self._config, self._params
        verify_cut = cfg.verify_cut()
        with_sig = verify_cut is not None
        signed = docs | "Sign" >> beam.ParDo(_SignFn(params, cfg.keep)).with_outputs("sig", FAILED, main=KEPT)
        sigs = signed["sig"]  # (node, signature bytes, band keys)

        if self._index_dir:
            _ = sigs | "WriteIndex" >> _WriteIndex(self._index_dir, params, self._rows_per_shard)

        band_parts = [sigs | "BandKeys" >> beam.FlatMap(_band_elements)]
        sig_parts = [sigs | "SigByNode" >> beam.Map(lambda rec: (rec[0], (rec[1], rec[2])))]
        if self._prior:
            prior = (
                docs.pipeline
                | "PriorPaths" >> beam.Create(list(self._prior))
                | "PriorFiles" >> beam.FlatMap(_expand_index_paths)
                | "SpreadFiles" >> beam.Reshuffle()
                | "ReadPrior" >> beam.ParDo(_ReadIndexFn(params, with_sig)).with_outputs("sig", main="bands")
            )
            band_parts.append(prior.bands)
            sig_parts.append(prior.sig)
        bands = band_parts[0] if len(band_parts) == 1 else tuple(band_parts) | "AllBands" >> beam.Flatten()
        edges = (
            bands
            | "GroupByBand" >> beam.GroupByKey()
            | "BucketEdges" >> beam.ParDo(_BucketEdgesFn())
            | "DistinctEdges" >> beam.Distinct()
        )
        if verify_cut is not None:
            all_sigs = sig_parts[0] if len(sig_parts) == 1 else tuple(sig_parts) | "AllSigs" >> beam.Flatten()
            edges = (edges, all_sigs) | "VerifyEdges" >> _VerifyEdges(verify_cut, cfg.containment_threshold)
        labels = edges | "Components" >> ConnectedComponents(cfg.max_rounds, cfg.on_unconverged)
        verdicts = (
            labels
            | "ByLabel" >> beam.Map(lambda nl: (nl[1], nl[0]))
            | "GroupByLabel" >> beam.GroupByKey()
            | "ClusterVerdicts" >> beam.FlatMap(_cluster_verdicts)
        )
        docs_by_id = signed[KEPT] | "KeyById" >> beam.Map(lambda d: (d.id, d))
        res = (
            {"doc": docs_by_id, "verdict": verdicts}
            | "JoinVerdicts" >> beam.CoGroupByKey()
            | "ApplyVerdicts" >> beam.ParDo(_ApplyVerdictFn()).with_outputs(DROPPED, main=KEPT)
        )
        return StageOutputs(res[KEPT], res[DROPPED], signed[FAILED])


class Deduplicate(beam.PTransform):
    """The dedup stage: the enabled steps in order url -> exact -> near, with their outputs merged."""

    def __init__(
        self, config: DedupConfig | None = None, index_dir: str | None = None, prior_index: Iterable[str] = ()
    ) -> None:
        super().__init__()
        self._config = config or DedupConfig()
        self._index_dir = index_dir
        self._prior = tuple(prior_index)

    def expand(self, docs: beam.PCollection) -> StageOutputs:
        cfg = self._config
        dropped, failed = [], []
        steps: list[tuple[str, beam.PTransform]] = []
        if cfg.url.enabled:
            steps.append(("Urls", DedupUrls(cfg.url)))
        if cfg.exact.enabled:
            steps.append(("Exact", DedupExact(cfg.exact)))
        if cfg.near.enabled:
            steps.append(
                (
                    "Near",
                    DedupNearDuplicates(cfg.near, self._index_dir, self._prior, cfg.index.rows_per_shard),
                )
            )
        for label, step in steps:
            out = docs | label >> step
            docs = out.kept
            dropped.append(out.dropped)
            failed.append(out.failed)
        if not steps:
            empty = docs.pipeline | "NoDrops" >> beam.Create([])
            return StageOutputs(docs, empty, empty)
        return StageOutputs(
            docs,
            dropped | "AllDropped" >> beam.Flatten(),
            failed | "AllFailed" >> beam.Flatten(),
        )
