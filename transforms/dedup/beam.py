"""The dedup decisions in Beam: URL, exact and near-duplicate verdicts from the staged keys."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from transforms.core import concat, sid_hex, sid_int, split_rows, unpack
from transforms.core.shuffle import GUARD, guard, max_rows_for, meter
from transforms.core.stage import METRICS_NAMESPACE
from transforms.core.staged import KIND_KEYS, read_table, split_path
from transforms.dedup import minhash
from transforms.dedup.components import ConnectedComponents
from transforms.dedup.config import DedupConfig
from transforms.dedup.index import expand_index_paths, read_index_table, source_id
from transforms.dedup.reducers import BAND, EDGE, EXACT, URL, VERDICT, band_edges, keep_one_per_key

__all__ = ["DecideDuplicates", "DecideSpec", "Decisions"]


_NEW = 1

_PRIOR = 0


@dataclass(frozen=True)
class DecideSpec:
    out_dir: str
    dedup: DedupConfig


def _keys_table(out_dir: str, sid: str, columns: Sequence[str]) -> dict[str, np.ndarray]:
    """Columns of a split's keys file as NumPy arrays; nulls (no URL, no text) read as 0."""
    t = read_table(split_path(out_dir, sid, KIND_KEYS), columns)
    out = {}
    for c in columns:
        col = t.column(c)
        if col.null_count and pa.types.is_integer(col.type):
            col = pc.fill_null(col, 0)
        out[c] = col.to_numpy(zero_copy_only=False)
    return out


class _ScatterUrlExactFn(beam.DoFn):
    """Split summary -> its records for the first enabled step: URL records by URL bucket (documents without a
    URL get a key of their own, so they pass that step untouched and every exact record comes from one place),
    or, with URL dedup off, text records by text bucket."""

    _COLUMNS = ("local", "id", "has_url", "u_hi", "u_lo", "u_k1", "u_k2", "has_text", "e_hi", "e_lo", "e_k1",
                "e_k2")  # fmt: skip

    def __init__(self, spec: DecideSpec) -> None:
        self._spec = spec

    def process(self, summary: Mapping[str, Any], buckets: Mapping[str, int]) -> Iterator:
        if not summary["keys"]:
            return
        sid = summary["sid"]
        t = _keys_table(self._spec.out_dir, sid, self._COLUMNS)
        has_url = t["has_url"].astype(bool)
        has_text = t["has_text"].astype(bool)
        sids = np.full(len(t["local"]), sid_int(sid), dtype=np.uint64)
        if self._spec.dedup.url.enabled:
            rows = np.flatnonzero(has_url | has_text)
            own = ~has_url[rows]  # a key no URL has: (split id, row | 2^63)
            cols = {
                "u_hi": np.where(own, sids[rows], t["u_hi"][rows]),
                "u_lo": np.where(own, t["local"][rows].astype(np.uint64) | np.uint64(1 << 63), t["u_lo"][rows]),
                "k1": t["u_k1"][rows], "k2": t["u_k2"][rows], "sid": sids[rows], "local": t["local"][rows],
                "has_text": has_text[rows].astype(np.uint8), "e_hi": t["e_hi"][rows], "e_lo": t["e_lo"][rows],
                "e_k1": t["e_k1"][rows], "e_k2": t["e_k2"][rows], "id": t["id"][rows],
            }  # fmt: skip
            for b, blob in split_rows(URL, cols, cols["u_lo"] % np.uint64(buckets["url"]), max_rows_for(URL)):
                yield ("url", b), blob
            yield guard("url_records_sent", len(rows))
            return
        rows = np.flatnonzero(has_text)
        cols = {"e_hi": t["e_hi"][rows], "e_lo": t["e_lo"][rows], "k1": t["e_k1"][rows], "k2": t["e_k2"][rows],
                "sid": sids[rows], "local": t["local"][rows], "id": t["id"][rows]}  # fmt: skip
        for b, blob in split_rows(
            EXACT, cols, cols["e_lo"] % np.uint64(buckets["exact"]), max_rows_for(EXACT)
        ):
            yield ("exact", b), blob
        yield guard("exact_records_sent", len(rows))


def _verdicts(
    table: Mapping[str, np.ndarray], rows: np.ndarray, winners: np.ndarray, reason: int
) -> Iterator:
    """(sid, packed VERDICT) per split for the dropped rows, each naming the id of the row that stays."""
    if not len(rows):
        return
    sids = table["sid"][rows]
    cols = {"local": table["local"][rows], "reason": np.full(len(rows), reason, dtype=np.uint8),
            "kept": table["id"][winners]}  # fmt: skip
    for sid, blob in split_rows(VERDICT, cols, sids, max_rows_for(VERDICT)):
        yield sid_hex(sid), blob
    yield guard("verdicts_sent", len(rows))


class _ReduceUrlFn(beam.DoFn):
    """One URL bucket -> duplicate_url verdicts by split; the survivors' text records by text bucket."""

    def __init__(self, exact_enabled: bool) -> None:
        self._exact = exact_enabled

    def process(self, element: tuple[Any, Iterable[bytes]], buckets: Mapping[str, int]) -> Iterator:
        _, blobs = element
        t = concat(URL, (unpack(URL, b) for b in blobs))
        yield guard("url_records_received", len(t["sid"]))
        res = keep_one_per_key(t["u_hi"], t["u_lo"], t)
        yield from _verdicts(t, res.dropped, res.winner, 1)
        if not self._exact:
            return
        kept = res.kept[t["has_text"][res.kept] == 1]
        exact = {"e_hi": t["e_hi"][kept], "e_lo": t["e_lo"][kept], "k1": t["e_k1"][kept], "k2": t["e_k2"][kept],
                 "sid": t["sid"][kept], "local": t["local"][kept], "id": t["id"][kept]}  # fmt: skip
        for b, blob in split_rows(
            EXACT, exact, exact["e_lo"] % np.uint64(buckets["exact"]), max_rows_for(EXACT)
        ):
            yield pvalue.TaggedOutput("exact", (("exact", b), blob))
        yield guard("exact_records_sent", len(kept))


class _ReduceExactFn(beam.DoFn):
    """One text bucket -> duplicate_text verdicts by split."""

    def process(self, element: tuple[Any, Iterable[bytes]]) -> Iterator:
        _, blobs = element
        t = concat(EXACT, (unpack(EXACT, b) for b in blobs))
        yield guard("exact_records_received", len(t["sid"]))
        res = keep_one_per_key(t["e_hi"], t["e_lo"], t)
        yield from _verdicts(t, res.dropped, res.winner, 2)


def _band_table(bands: list[list[int]], rows: list[int], new: int, sid: int, locals_: np.ndarray) -> dict:
    sizes = [len(bands[i]) for i in rows]
    return {
        "band": np.concatenate([np.asarray(bands[i], dtype=np.int64) for i in rows]),
        "new": np.full(sum(sizes), new, dtype=np.uint8),
        "sid": np.full(sum(sizes), sid, dtype=np.uint64),
        "local": np.repeat(locals_[rows], sizes).astype(np.int32),
    }


class _ScatterBandsFn(beam.DoFn):
    """A band source -> its band records by band bucket. Sources: ('split', (sid, {split, verdict})) gives the
    bands of the split's documents that survived URL and exact dedup (and, when the index is written, their
    signatures); ('prior', path) gives a prior index file's (prior refs: new = 0, sid = the file's id)."""

    def __init__(self, spec: DecideSpec, write_index: bool) -> None:
        self._spec = spec
        self._write_index = write_index

    def process(self, source: tuple[str, Any], buckets: Mapping[str, int]) -> Iterator:
        kind, payload = source
        if kind == "prior":
            table = self._prior(payload)
        else:
            table = yield from self._split(*payload)
        if table is None or not len(table["band"]):
            return
        groups = table["band"].view(np.uint64) % np.uint64(buckets["band"])
        for b, blob in split_rows(BAND, table, groups, max_rows_for(BAND)):
            yield ("band", b), blob
        yield guard("band_records_sent", len(table["band"]))

    def _prior(self, path: str) -> dict | None:
        bands = read_index_table(path, self._spec.dedup.near.params(), ["bands"]).column("bands").to_pylist()
        rows = [i for i, b in enumerate(bands) if b]
        if not rows:
            return None
        return _band_table(bands, rows, _PRIOR, source_id(path), np.arange(len(bands), dtype=np.int32))

    def _split(self, sid: str, grouped: Mapping[str, Iterable]):  # noqa: ANN202 - a generator returning a table
        dropped: set[int] = set()
        for blob in grouped["verdict"]:
            dropped.update(unpack(VERDICT, blob)["local"].tolist())
        yield guard("verdicts_seen_by_near", len(dropped))
        summaries = list(grouped["split"])
        if not summaries or not summaries[0]["bands"]:
            return None
        cols = ["local", "bands"] + (["id", "sig", "n_shingles"] if self._write_index else [])
        t = read_table(split_path(self._spec.out_dir, sid, KIND_KEYS), cols)
        locals_ = t.column("local").to_numpy()
        bands = t.column("bands").to_pylist()
        rows = [
            i
            for i, (loc, b) in enumerate(zip(locals_.tolist(), bands, strict=True))
            if b and loc not in dropped
        ]
        if self._write_index:
            ids, sigs, shingles = (
                t.column("id").to_pylist(),
                t.column("sig").to_pylist(),
                t.column("n_shingles"),
            )
            for i in rows:
                yield pvalue.TaggedOutput("index", (ids[i], sigs[i], shingles[i].as_py(), bands[i]))
        return _band_table(bands, rows, _NEW, sid_int(sid), locals_) if rows else None


def _reduce_bands(element: tuple[Any, Iterable[bytes]]) -> Iterator:
    """One band bucket -> candidate edges (member split -> packed EDGE)."""
    _, blobs = element
    t = concat(BAND, (unpack(BAND, b) for b in blobs))
    yield guard("band_records_received", len(t["band"]))
    e = band_edges(t)
    cols = {"local": e["m_local"], "a_new": e["a_new"], "a_sid": e["a_sid"], "a_local": e["a_local"]}
    for sid, blob in split_rows(EDGE, cols, e["m_sid"], max_rows_for(EDGE)):
        yield sid_hex(sid), blob


class _SourceReader:
    """Signatures and keep ranks of one split (its keys file) or one prior index file, by row."""

    def __init__(self, spec: DecideSpec, priors: Mapping[int, str]) -> None:
        self._spec = spec
        self._priors = priors

    def nodes(self, new: int, sid: int) -> tuple[list[tuple], list[bytes | None], list[int | None]]:
        """(nodes, signatures, shingle counts) by row; a node is (new, k1, k2, id, sid, row)."""
        if new == _NEW:
            t = read_table(split_path(self._spec.out_dir, sid_hex(sid), KIND_KEYS),
                           ["local", "id", "n_k1", "n_k2", "sig", "n_shingles"])  # fmt: skip
            locs, ids = t.column("local").to_pylist(), t.column("id").to_pylist()
            if locs != list(range(len(locs))):
                raise ValueError(f"the keys of split {sid_hex(sid)} are not in row order")
            k1, k2 = t.column("n_k1").to_pylist(), t.column("n_k2").to_pylist()
            nodes = [(_NEW, a, b, i, sid, loc) for a, b, i, loc in zip(k1, k2, ids, locs, strict=True)]
            return nodes, t.column("sig").to_pylist(), t.column("n_shingles").to_pylist()
        t = read_index_table(
            self._priors[sid], self._spec.dedup.near.params(), ["id", "signature", "num_shingles"]
        )
        nodes = [(_PRIOR, 0, 0, i, sid, row) for row, i in enumerate(t.column("id").to_pylist())]
        return nodes, t.column("signature").to_pylist(), t.column("num_shingles").to_pylist()


class _AttachMemberFn(beam.DoFn):
    """(member split, candidate edges) -> ((anchor new, anchor sid), (anchor row, member node, sig, size))."""

    def __init__(self, spec: DecideSpec) -> None:
        self._spec = spec

    def process(self, element: tuple[str, Iterable[bytes]], priors: Mapping[int, str]) -> Iterator:
        sid, blobs = element
        e = concat(EDGE, (unpack(EDGE, b) for b in blobs))
        nodes, sigs, sizes = _SourceReader(self._spec, priors).nodes(_NEW, sid_int(sid))
        seen: set[tuple[int, int, int, int]] = set()
        for loc, a_new, a_sid, a_loc in zip(e["local"].tolist(), e["a_new"].tolist(), e["a_sid"].tolist(),
                                            e["a_local"].tolist()):  # fmt: skip
            if (loc, a_new, a_sid, a_loc) in seen:
                continue
            seen.add((loc, a_new, a_sid, a_loc))
            yield (a_new, a_sid), (a_loc, nodes[loc], sigs[loc], sizes[loc])


class _VerifyFn(beam.DoFn):
    """((anchor new, anchor sid), edges) -> (anchor node, member node) for the edges whose signatures pass."""

    def __init__(self, spec: DecideSpec) -> None:
        self._spec = spec
        near = spec.dedup.near
        self._cut = near.verify_cut()
        self._containment = near.containment_threshold
        self._rejected = Metrics.counter(METRICS_NAMESPACE, "dedup.lsh_edges_rejected")

    def process(
        self, element: tuple[tuple[int, int], Iterable[tuple]], priors: Mapping[int, str]
    ) -> Iterator:
        (a_new, a_sid), edges = element
        nodes, sigs, sizes = _SourceReader(self._spec, priors).nodes(a_new, a_sid)
        for a_loc, member, m_sig, m_size in edges:
            if self._cut is not None:
                a = np.frombuffer(sigs[a_loc], dtype="<u4")
                b = np.frombuffer(m_sig, dtype="<u4")
                if not minhash.is_near_duplicate(a, sizes[a_loc], b, m_size, self._cut, self._containment):
                    self._rejected.inc()
                    continue
            yield nodes[a_loc], member


def _cluster_verdicts(element: tuple[tuple, Iterable[tuple]]) -> Iterator[tuple[str, tuple]]:
    """(label, nodes) -> (sid, (local, kind, label id, size)) for each new document of the cluster.

    kind: 'keep' (the label itself), 'near' (a near duplicate of the label), 'prior' (the label is an old doc).
    """
    label, nodes = element
    size = sum(1 for n in nodes if n[0] == _NEW)
    yield guard("near_verdicts_sent", size)
    for n in nodes:
        if n[0] != _NEW:
            continue
        if label[0] == _PRIOR:
            kind = "prior"
        elif n == label:
            kind = "keep"
        else:
            kind = "near"
        yield sid_hex(n[4]), (n[5], kind, label[3], size)


@dataclass(frozen=True)
class Decisions:
    """What the decide phase hands to the apply phase, all keyed by split id (hex)."""

    verdicts: beam.PCollection  # (sid, packed VERDICT): duplicate_url / duplicate_text
    near: beam.PCollection  # (sid, (local, kind, kept id, cluster size))
    guards: list[beam.PCollection]  # {guard key: count} dicts


class DecideDuplicates(beam.PTransform):
    """Split summaries -> URL, exact and near-duplicate verdicts (see the module docstring)."""

    def __init__(self, spec: DecideSpec, buckets: beam.pvalue.AsSingleton, prior: Sequence[str] = (),
                 index_writer: beam.PTransform | None = None) -> None:  # fmt: skip
        super().__init__()
        self._spec = spec
        self._buckets = buckets
        self._prior = tuple(prior)
        self._index_writer = index_writer

    def expand(self, summaries: beam.PCollection) -> Decisions:
        cfg = self._spec.dedup
        guards: list[beam.PCollection] = []
        verdict_parts: list[beam.PCollection] = []
        p = summaries.pipeline
        if cfg.url.enabled or cfg.exact.enabled:
            # No Flatten of these records anywhere: each step has one source (docs/beam-notes.md)
            scatter = summaries | "ScatterUrlExact" >> beam.ParDo(
                _ScatterUrlExactFn(self._spec), self._buckets
            ).with_outputs(GUARD, main="records")
            guards.append(scatter[GUARD])
            exact_in = scatter.records
            if cfg.url.enabled:
                url = (
                    meter(scatter.records, "url")
                    | "GroupUrl" >> beam.GroupByKey()
                    | "ReduceUrl"
                    >> beam.ParDo(_ReduceUrlFn(cfg.exact.enabled), self._buckets).with_outputs(
                        "exact", GUARD, main="verdicts"
                    )
                )
                verdict_parts.append(url.verdicts)
                guards.append(url[GUARD])
                exact_in = url.exact
            if cfg.exact.enabled:
                exact = (
                    meter(exact_in, "exact")
                    | "GroupExact" >> beam.GroupByKey()
                    | "ReduceExact" >> beam.ParDo(_ReduceExactFn()).with_outputs(GUARD, main="verdicts")
                )
                verdict_parts.append(exact.verdicts)
                guards.append(exact[GUARD])
        if verdict_parts:  # verdicts are few (one per dropped document): small enough to flatten
            verdicts = tuple(verdict_parts) | "AllVerdicts" >> beam.Flatten()
        else:
            verdicts = p | "NoVerdicts" >> beam.Create([])
        near = p | "NoNear" >> beam.Create([])
        if cfg.near.enabled:
            near = self._near(summaries, verdicts, guards)
        return Decisions(verdicts, near, guards)

    def _near(
        self, summaries: beam.PCollection, verdicts: beam.PCollection, guards: list
    ) -> beam.PCollection:
        spec, cfg = self._spec, self._spec.dedup
        p = summaries.pipeline
        by_sid = summaries | "SummaryBySplit" >> beam.Map(lambda s: (s["sid"], s))
        split_sources = (
            {"split": by_sid, "verdict": meter(verdicts, "verdicts")}
            | "JoinSplitVerdicts" >> beam.CoGroupByKey()
            | "SplitSource" >> beam.Map(lambda e: ("split", e))
        )
        prior_files = (
            p
            | "PriorPaths" >> beam.Create(list(self._prior))
            | "PriorFiles" >> beam.FlatMap(expand_index_paths)
        )
        priors = beam.pvalue.AsDict(
            prior_files | "PriorIds" >> beam.Map(lambda path: (source_id(path), path))
        )
        prior_sources = prior_files | "PriorSource" >> beam.Map(lambda path: ("prior", path))
        bands = (
            (split_sources, prior_sources)
            | "BandSources" >> beam.Flatten()  # one small descriptor per split or prior file
            | "ScatterBands"
            >> beam.ParDo(_ScatterBandsFn(spec, self._index_writer is not None), self._buckets).with_outputs(
                GUARD, "index", main="bands"
            )
        )
        guards.append(bands[GUARD])
        if self._index_writer is not None:
            _ = bands.index | "WriteIndex" >> self._index_writer
        edges = (
            meter(bands.bands, "bands")
            | "GroupBand" >> beam.GroupByKey()
            | "ReduceBands" >> beam.FlatMap(_reduce_bands).with_outputs(GUARD, main="edges")
        )
        guards.append(edges[GUARD])
        candidates = (
            meter(edges.edges, "edges")
            | "GroupByMember" >> beam.GroupByKey()
            | "AttachMember" >> (beam.ParDo(_AttachMemberFn(spec), priors))
        )
        verified = (
            meter(candidates, "candidates")
            | "GroupByAnchor" >> beam.GroupByKey()
            | "Verify" >> beam.ParDo(_VerifyFn(spec), priors)
        )
        labels = verified | "Components" >> ConnectedComponents(cfg.near.max_rounds, cfg.near.on_unconverged)
        near = (
            labels
            | "ByLabel" >> beam.Map(lambda nl: (nl[1], nl[0]))
            | "GroupByLabel" >> beam.GroupByKey()
            | "ClusterVerdicts" >> beam.FlatMap(_cluster_verdicts).with_outputs(GUARD, main="near")
        )
        guards.append(near[GUARD])
        return near.near
