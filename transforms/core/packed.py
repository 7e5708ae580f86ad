"""Packed columns: many small decision records as ONE bytes value (pure, NumPy only).

The decide phase shuffles per-document keys (URL key, text hash, LSH band keys, line hashes). Sent one record
at a time they would cost a Python object per record on every runner (Beam's local runner keeps each shuffled
value as an object in memory), a coder call each, and a key and framing each. Packed, one value carries the
records of one split for one bucket: fixed-width columns as raw little-endian arrays, string columns as
offsets plus UTF-8 bytes. The layout is fixed per record kind (`Layout`), so a value holds no schema: the
overhead is 4 bytes for the row count plus 4 per string column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Layout", "concat", "empty", "pack", "split_rows", "unpack"]

_COUNT = np.dtype("<u4")
_OFFSET = np.dtype("<u4")


@dataclass(frozen=True)
class Layout:
    """Column names and types of one record kind: NumPy dtypes for fixed-width columns, `str` for strings."""

    columns: tuple[tuple[str, object], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def fixed(self) -> list[tuple[str, np.dtype]]:
        return [(n, np.dtype(t).newbyteorder("<")) for n, t in self.columns if t is not str]

    def strings(self) -> list[str]:
        return [n for n, t in self.columns if t is str]


def empty(layout: Layout) -> dict[str, np.ndarray]:
    """A table of zero rows."""
    out: dict[str, np.ndarray] = {n: np.empty(0, dtype=d) for n, d in layout.fixed()}
    for n in layout.strings():
        out[n] = np.empty(0, dtype=object)
    return out


def pack(layout: Layout, table: Mapping[str, np.ndarray | Sequence[str]]) -> bytes:
    """Encode the columns of `table` (all of equal length) as one bytes value."""
    names = layout.names
    n = len(table[names[0]]) if names else 0
    parts = [np.array([n], dtype=_COUNT).tobytes()]
    for name, dtype in layout.fixed():
        col = np.asarray(table[name], dtype=dtype)
        if len(col) != n:
            raise ValueError(f"column {name} has {len(col)} rows, expected {n}")
        parts.append(col.tobytes())
    for name in layout.strings():
        encoded = [s.encode("utf-8", "surrogatepass") for s in table[name]]
        if len(encoded) != n:
            raise ValueError(f"column {name} has {len(encoded)} rows, expected {n}")
        blob = b"".join(encoded)
        parts.append(np.array([len(blob)], dtype=_OFFSET).tobytes())
        parts.append(np.fromiter((len(e) for e in encoded), dtype=_OFFSET, count=n).tobytes())
        parts.append(blob)
    return b"".join(parts)


def unpack(layout: Layout, data: bytes) -> dict[str, np.ndarray]:
    """Decode a value made by `pack` with the same layout."""
    view = memoryview(data)
    n = int(np.frombuffer(view[:4], dtype=_COUNT)[0])
    pos = 4
    out: dict[str, np.ndarray] = {}
    for name, dtype in layout.fixed():
        size = n * dtype.itemsize
        out[name] = np.frombuffer(view[pos : pos + size], dtype=dtype)
        pos += size
    for name in layout.strings():
        total = int(np.frombuffer(view[pos : pos + 4], dtype=_OFFSET)[0])
        pos += 4
        lengths = np.frombuffer(view[pos : pos + 4 * n], dtype=_OFFSET)
        pos += 4 * n
        blob = bytes(view[pos : pos + total])
        pos += total
        ends = np.cumsum(lengths, dtype=np.int64)
        starts = ends - lengths
        out[name] = np.array(
            [blob[s:e].decode("utf-8", "surrogatepass") for s, e in zip(starts.tolist(), ends.tolist())],
            dtype=object,
        )
    if pos != len(data):
        raise ValueError(f"packed value has {len(data) - pos} trailing bytes: wrong layout")
    return out


def concat(layout: Layout, tables: Iterable[Mapping[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Rows of several tables, in order."""
    tables = list(tables)
    if not tables:
        return empty(layout)
    return {name: np.concatenate([t[name] for t in tables]) for name in layout.names}


def split_rows(
    layout: Layout, table: Mapping[str, np.ndarray], groups: np.ndarray, max_rows: int
) -> Iterable[tuple[int, bytes]]:
    """(group, packed value) for the rows of each group, at most `max_rows` rows per value (elements stay small).

    Groups come out in ascending order, rows in their original order within a group.
    """
    if len(groups) == 0:
        return
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    bounds = np.flatnonzero(np.diff(sorted_groups)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [len(order)]))
    for s, e in zip(starts.tolist(), ends.tolist()):
        for lo in range(s, e, max_rows):
            idx = order[lo : min(e, lo + max_rows)]
            yield int(sorted_groups[s]), pack(layout, {name: table[name][idx] for name in layout.names})
