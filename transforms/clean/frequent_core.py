"""frequent_core"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from transforms.clean.lines import host_line_keys
from transforms.core import Layout

__all__ = ["LINE", "LINE_WITH_SPLIT", "frequent_line_keys", "frequent_line_splits"]


LINE = Layout((("key", np.int64), ("host", np.uint32), ("text", np.uint32)))

LINE_WITH_SPLIT = Layout((("key", np.int64), ("host", np.uint32), ("text", np.uint32), ("sid", np.uint64)))


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
