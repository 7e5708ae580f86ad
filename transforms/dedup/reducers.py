"""Pure core of the dedup decisions (NumPy): packed record layouts and the URL / exact / LSH reducers."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from transforms.core import Layout
from transforms.core.verdicts import REASON_CODES, VERDICT

__all__ = [
    "BAND",
    "EDGE",
    "EXACT",
    "REASON_CODES",
    "URL",
    "VERDICT",
    "band_edges",
    "hash128",
    "keep_one_per_key",
]


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

BAND = Layout((("band", np.int64), ("new", np.uint8), *_REF))

EDGE = Layout((("local", np.int32), ("a_new", np.uint8), ("a_sid", np.uint64), ("a_local", np.int32)))



def hash128(value: str) -> tuple[int, int]:
    """BLAKE2b-128 of a string as two unsigned 64-bit halves (URL and text keys: no collision at any scale)."""
    digest = hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return int.from_bytes(digest[:8], "big"), int.from_bytes(digest[8:], "big")


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
