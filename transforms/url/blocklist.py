"""The bundled UT1 adult list as a memory-mapped table of host hashes, shared by every process of a machine.

4.56 M domains as a Python set of strings take about 400 MB in each worker process. Here each domain is its
64-bit xxh3 hash, and the hashes are sorted and bucketed by their top bits:

    header (64 bytes)   magic, format, bucket bits, count, SHA-256 of the source list
    offsets             uint32 x (2^bits + 1): where each bucket starts in `hashes`
    hashes              uint64 x count, sorted

(~40 MB for UT1). The file is built once per machine from the bundled `data/ut1-adult.tar.gz` (~4 s) into the
cache directory (`transforms.core.cache`), named after the list's checksum (a changed list gets a new file), and
memory-mapped read-only: the pages live in the OS page cache, shared by every worker process of the machine, and
a process maps them in milliseconds. A lookup reads one offset pair and bisects a bucket of ~4 hashes (Python
ints through `memoryview`, no NumPy call per lookup). Two different hosts share a 64-bit hash with probability
~2.5e-13 per lookup against 4.56 M entries: a false block that rare is accepted.

The list is never downloaded: a new UT1 release is bundled by replacing the tar (with `domains` and `urls`
members) in `transforms/url/data/`.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import mmap
import os
import struct
import tarfile
import tempfile
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import numpy as np
from xxhash import xxh3_64_intdigest

from transforms.core.cache import cache_dir

__all__ = [
    "DomainIndex", "UT1_SOURCE", "build_index", "cached_bytes", "host_hash", "load_ut1", "read_member", "source_checksum",
]  # fmt: skip

log = logging.getLogger(__name__)

UT1_SOURCE = "ut1-adult.tar.gz"
_MAGIC = b"CWHOSTS\x00"
_FORMAT = 1
_HEADER = struct.Struct("<8sIIQ32s")  # magic, format, bucket bits, count, source SHA-256
_HEADER_BYTES = 64


def host_hash(host: str) -> int:
    """The 64-bit key of a host name (lower-case ASCII, punycode for IDN)."""
    return xxh3_64_intdigest(host.encode("utf-8", "surrogatepass"))


def data_path(name: str) -> Path:
    """A file bundled in `transforms/url/data/`."""
    return Path(str(resources.files("transforms.url").joinpath("data", name)))


def source_checksum(path: Path) -> bytes:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.digest()


def read_member(path: Path, name: str) -> bytes:
    """One member of a bundled tar (`domains` or `urls`)."""
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            if member.name.rsplit("/", 1)[-1] == name and member.isfile():
                f = tar.extractfile(member)
                assert f is not None
                return f.read()
    raise FileNotFoundError(f"{path} has no member {name!r}")


def _bucket_bits(count: int) -> int:
    """About 4 hashes per bucket; at least 1 bit."""
    return max(1, int(np.ceil(np.log2(max(count, 1) / 4))))


def build_index(hashes: np.ndarray, checksum: bytes) -> bytes:
    """The index file's bytes for these host hashes (any order, duplicates allowed)."""
    keys = np.unique(np.asarray(hashes, dtype=np.uint64))
    bits = _bucket_bits(len(keys))
    buckets = (keys >> np.uint64(64 - bits)).astype(np.int64)
    offsets = np.searchsorted(buckets, np.arange((1 << bits) + 1), side="left").astype("<u4")
    if len(offsets) % 2:  # keep the hashes 8-byte aligned
        offsets = np.append(offsets, offsets[-1]).astype("<u4")
    header = _HEADER.pack(_MAGIC, _FORMAT, bits, len(keys), checksum).ljust(_HEADER_BYTES, b"\x00")
    return header + offsets.tobytes() + keys.astype("<u8").tobytes()


class DomainIndex:
    """Membership of host hashes in a built index (a file, memory-mapped, or bytes)."""

    def __init__(self, buffer: bytes | mmap.mmap) -> None:
        magic, fmt, bits, count, checksum = _HEADER.unpack_from(buffer, 0)
        if magic != _MAGIC or fmt != _FORMAT:
            raise ValueError("not a crawlwash host index of this format")
        self.checksum: bytes = checksum
        self.count: int = count
        self._buffer = buffer  # kept alive: the views below point into it
        view = memoryview(buffer)
        n_offsets = (1 << bits) + 1 + ((1 << bits) + 1) % 2
        start = _HEADER_BYTES + 4 * n_offsets
        self._offsets = view[_HEADER_BYTES:start].cast("I")
        self._hashes = view[start : start + 8 * count].cast("Q")
        self._shift = 64 - bits

    @classmethod
    def open(cls, path: Path) -> DomainIndex:
        with path.open("rb") as f:
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        return cls(mapped)

    @classmethod
    def of_hosts(cls, hosts: Iterable[str]) -> DomainIndex:
        """An in-memory index of these hosts (tests, small lists)."""
        hashes = np.fromiter((host_hash(h) for h in hosts), dtype=np.uint64)
        return cls(build_index(hashes, b"\x00" * 32))

    def __len__(self) -> int:
        return self.count

    def contains_hash(self, h: int) -> bool:
        offsets, hashes = self._offsets, self._hashes
        b = h >> self._shift
        lo, hi = offsets[b], offsets[b + 1]
        if lo == hi:
            return False
        i = bisect_left(hashes, h, lo, hi)
        return i < hi and hashes[i] == h

    def __contains__(self, host: str) -> bool:
        return self.contains_hash(host_hash(host))


def _domain_hashes(source: Path) -> np.ndarray:
    """Hashes of the list's `domains`: one entry a line, lower-cased, without a trailing dot; blank and '#'
    lines left out. Streamed: the 124 MB of text are never held at once."""
    with tarfile.open(source, "r:gz") as tar:
        for member in tar:
            if member.name.rsplit("/", 1)[-1] == "domains" and member.isfile():
                f = tar.extractfile(member)
                assert f is not None
                lines = (s.strip().lower().rstrip(b".") for s in f)
                return np.fromiter(
                    (xxh3_64_intdigest(s) for s in lines if s and not s.startswith(b"#")), dtype=np.uint64
                )
    raise FileNotFoundError(f"{source} has no member 'domains'")


def _write_atomic(path: Path, data: bytes) -> bool:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        return True
    except OSError as exc:
        log.info("cannot cache the UT1 host index at %s (%s): it is rebuilt per process", path, exc)
        return False


@contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    """One process of the machine builds the index, the others wait for it (best effort: no lock, no wait)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(f"{path}.lock", os.O_CREAT | os.O_RDWR, 0o644)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _open_cached(path: Path, checksum: bytes) -> DomainIndex | None:
    if not path.exists():
        return None
    try:
        index = DomainIndex.open(path)
    except (OSError, ValueError, struct.error):
        return None
    return index if index.checksum == checksum else None


def cached_bytes(name: str, build: Callable[[], bytes]) -> bytes:
    """The bytes of the machine's cache file `name` (whose name must change with what it is built from), built
    there first by one process when missing; built per process when the cache cannot be written."""
    path = cache_dir() / name
    with contextlib.suppress(OSError):
        return path.read_bytes()
    with _build_lock(path):
        with contextlib.suppress(OSError):  # another process built it meanwhile
            return path.read_bytes()
        data = build()
        _write_atomic(path, data)
        return data


def load_ut1(source: Path | None = None) -> DomainIndex:
    """The UT1 domain index of this machine: memory-mapped from the cache, built there first when missing or
    built from another list (the file name and header carry the source's SHA-256)."""
    source = source or data_path(UT1_SOURCE)
    checksum = source_checksum(source)
    path = cache_dir() / f"url-hosts-v{_FORMAT}-{checksum.hex()[:20]}.bin"
    if (cached := _open_cached(path, checksum)) is not None:
        return cached
    with _build_lock(path):
        if (cached := _open_cached(path, checksum)) is not None:  # another process built it meanwhile
            return cached
        data = build_index(_domain_hashes(source), checksum)
        log.info("built the UT1 host index (%d bytes) at %s", len(data), path)
        if _write_atomic(path, data):
            return DomainIndex.open(path)
    return DomainIndex(data)


if __name__ == "__main__":  # `make install` builds the index and the URL keys once, before the first run needs them
    from transforms.url.match import ut1_url_keys

    index = load_ut1()
    print(f"UT1 host index: {len(index)} hosts, {len(ut1_url_keys(index.checksum))} URL keys, in {cache_dir()}")
