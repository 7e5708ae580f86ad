"""Pure core of the decide phase (NumPy, no Beam): per-document decision keys and the reducers that turn packed
small records into verdicts. `transforms/decide.py` wires them into Beam.

Records never hold a text. A document is referred to by its split (`sid`, 64-bit) and its row in that split's
staged files (`local`); `id` travels only where a verdict must name the kept document (`kept=<id>`).

- URL dedup: one record per document with a URL: (URL key, keep rank, ref, exact key, exact rank, id). Per URL
  key the smallest (rank, id) stays; the others get `duplicate_url`. The survivors go on to exact dedup.
- Exact dedup: one record per URL survivor (or document without URL) with a text: (text key, rank, ref, id).
  Per text key the smallest (rank, id) stays; the others get `duplicate_text`.
- Near dedup: one record per LSH band of every document left: (band key, new?, ref). Per band key the
  smallest ref is the bucket's anchor and every other member gets a candidate edge to it (star edges: O(n) per
  bucket). Prior-index documents are refs with `new = 0`; they sort first, and prior-prior edges are dropped.
- Frequent lines: one record per distinct line of a document: (corpus line key, host hash, text hash). A
  corpus key is frequent with `min_hosts` distinct hosts; a (key, host) pair with `min_host_docs` distinct
  texts makes the host key frequent (see `transforms/lines.py`).

Every choice is a minimum over a total order ending in the id: the verdicts do not depend on record order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from transforms.lines import host_line_keys
from transforms.packed import Layout

__all__ = [
    "BAND",
    "EDGE",
    "EXACT",
    "LINE",
    "LINE_WITH_SPLIT",
    "REASON_CODES",
    "URL",
    "VERDICT",
    "band_edges",
    "frequent_line_keys",
    "frequent_line_splits",
    "hash128",
    "keep_one_per_key",
]

# -- layouts ---------------------------------------------------------------------------------------------------

_REF = (("sid", np.uint64), ("local", np.int32))
URL = Layout(
    (
        ("u_hi", np.uint64), ("u_lo", np.uint64), ("k1", np.int64), ("k2", np.int64), *_REF,
        ("has_text", np.uint8), ("e_hi", np.uint64), ("e_lo", np.uint64), ("e_k1", np.int64),
        ("e_k2", np.int64), ("id", str),
    )
)  # fmt: skip
EXACT = Layout(
    (("e_hi", np.uint64), ("e_lo", np.uint64), ("k1", np.int64), ("k2", np.int64), *_REF, ("id", str))
)
VERDICT = Layout((("local", np.int32), ("reason", np.uint8), ("kept", str)))
BAND = Layout((("band", np.int64), ("new", np.uint8), *_REF))
EDGE = Layout((("local", np.int32), ("a_new", np.uint8), ("a_sid", np.uint64), ("a_local", np.int32)))
LINE = Layout((("key", np.int64), ("host", np.uint32), ("text", np.uint32)))
LINE_WITH_SPLIT = Layout((("key", np.int64), ("host", np.uint32), ("text", np.uint32), ("sid", np.uint64)))

# Verdict reasons as small codes inside packed values (names are the stable reason strings of transforms.dedup).
REASON_CODES = {1: "duplicate_url", 2: "duplicate_text"}


def hash128(value: str) -> tuple[int, int]:
    """BLAKE2b-128 of a string as two unsigned 64-bit halves (URL and text keys: no collision at any scale)."""
    digest = hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return int.from_bytes(digest[:8], "big"), int.from_bytes(digest[8:], "big")


# -- keep one per key (URL, exact) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KeptAndDropped:
    """Row indices of a table: the rows that stay, and the dropped rows with the row that stays for each."""

    kept: np.ndarray
    dropped: np.ndarray
    winner: np.ndarray


def keep_one_per_key(
    key_hi: np.ndarray, key_lo: np.ndarray, table: Mapping[str, np.ndarray]
) -> KeptAndDropped:
    """Per key (hi, lo), the row with the smallest (k1, k2, id) stays; every other row of the key is dropped."""
    n = len(key_hi)
    if n == 0:
        empty = np.empty(0, dtype=np.int64)
        return KeptAndDropped(empty, empty, empty)
    order = np.lexsort((table["id"], table["k2"], table["k1"], key_lo, key_hi))
    hi, lo = key_hi[order], key_lo[order]
    first = np.ones(n, dtype=bool)
    first[1:] = (hi[1:] != hi[:-1]) | (lo[1:] != lo[:-1])
    group_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    return KeptAndDropped(order[first], order[~first], order[group_start[~first]])


# -- near duplicates: LSH buckets -> candidate edges ---------------------------------------------------------


def band_edges(table: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Star edges of every LSH bucket: for each band key with 2+ members, (member -> anchor) for each member
    other than the anchor (the smallest (new, sid, local)). Prior members get no edge. Each (member, anchor) pair
    appears once. Returns columns m_sid, m_local, a_new, a_sid, a_local."""
    band, new, sid, local = table["band"], table["new"], table["sid"], table["local"]
    out = {k: np.empty(0, dtype=t) for k, t in (("m_sid", np.uint64), ("m_local", np.int32),
                                                ("a_new", np.uint8), ("a_sid", np.uint64),
                                                ("a_local", np.int32))}  # fmt: skip
    n = len(band)
    if n < 2:
        return out
    order = np.lexsort((local, sid, new, band))
    b = band[order]
    first = np.ones(n, dtype=bool)
    first[1:] = b[1:] != b[:-1]
    anchor_pos = order[np.maximum.accumulate(np.where(first, np.arange(n), 0))]
    member = ~first & (new[order] == 1)
    m = order[member]
    a = anchor_pos[member]
    pairs = np.stack([sid[m], local[m].astype(np.uint64), sid[a], local[a].astype(np.uint64),
                      new[a].astype(np.uint64)], axis=1)  # fmt: skip
    pairs = np.unique(pairs, axis=0)
    return {
        "m_sid": pairs[:, 0],
        "m_local": pairs[:, 1].astype(np.int32),
        "a_sid": pairs[:, 2],
        "a_local": pairs[:, 3].astype(np.int32),
        "a_new": pairs[:, 4].astype(np.uint8),
    }


# -- frequent lines ----------------------------------------------------------------------------------------------


def _distinct_rows(*cols: np.ndarray) -> tuple[np.ndarray, ...]:
    """The distinct rows of parallel columns, sorted by the columns in the given order."""
    order = np.lexsort(tuple(reversed(cols)))
    s = [c[order] for c in cols]
    keep = np.ones(len(order), dtype=bool)
    if len(order) > 1:
        diff = np.zeros(len(order) - 1, dtype=bool)
        for c in s:
            diff |= c[1:] != c[:-1]
        keep[1:] = diff
    return tuple(c[keep] for c in s)


def _counts_at_least(cols: tuple[np.ndarray, ...], minimum: int) -> tuple[np.ndarray, ...]:
    """Of rows sorted by their columns, the distinct rows that occur at least `minimum` times."""
    n = len(cols[0])
    if n == 0:
        return cols
    diff = np.zeros(n, dtype=bool)
    diff[0] = True
    for c in cols:
        diff[1:] |= c[1:] != c[:-1]
    starts = np.flatnonzero(diff)
    counts = np.diff(np.append(starts, n))
    hit = starts[counts >= minimum]
    return tuple(c[hit] for c in cols)


def frequent_line_keys(table: Mapping[str, np.ndarray], min_hosts: int, min_host_docs: int) -> np.ndarray:
    """The frequent keys (corpus keys and host keys, int64) among line records (key, host, text)."""
    key, host, text = table["key"], table["host"], table["text"]
    if len(key) == 0:
        return np.empty(0, dtype=np.int64)
    k_h = _distinct_rows(key, host)  # distinct (key, host), sorted by key
    (corpus,) = _counts_at_least((k_h[0],), min_hosts)
    k_h_t = _distinct_rows(key, host, text)  # distinct texts per (key, host)
    hk, hh = _counts_at_least((k_h_t[0], k_h_t[1]), min_host_docs)
    return np.unique(np.concatenate([corpus, host_line_keys(hk, hh)]))


def frequent_line_splits(table: Mapping[str, np.ndarray], frequent: np.ndarray) -> dict[str, np.ndarray]:
    """(sid, frequent key) pairs for the splits whose documents hold a frequent key (the `cogroup` join)."""
    key, host, sid = table["key"], table["host"], table["sid"]
    corpus_hit = np.isin(key, frequent)
    host_keys = host_line_keys(key, host)
    host_hit = np.isin(host_keys, frequent)
    sids = np.concatenate([sid[corpus_hit], sid[host_hit]])
    keys = np.concatenate([key[corpus_hit], host_keys[host_hit]])
    s, k = _distinct_rows(sids, keys)
    return {"sid": s, "key": k}
