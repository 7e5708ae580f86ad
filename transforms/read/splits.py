"""Splits: the unit of work of the map phase, a whole file or a byte range of a big one (pure, no Beam import).

A big file is cut where a reader can start on its own, so that one 1 GB crawl file keeps every core busy:

- `.warc.gz` / `.wet.gz` made of one gzip member per record (Common Crawl's layout): at gzip member boundaries.
  The planner seeks to each nominal cut (`size * k / n`) and scans forward for the gzip magic `1f 8b 08`; a
  candidate counts only when its header is well formed (reserved flag bits clear) and its first decompressed
  bytes are a WARC record header (`WARC/1.`). A file that is one gzip stream (its first member does not end
  within `scan_bytes`, or is not followed by another member) stays one split: a gzip stream cannot be entered
  in the middle.
- uncompressed WARC / WET: at record boundaries, `\\r\\n\\r\\nWARC/1.x\\r\\n` followed by a header block that
  names a `WARC-Type` and a `Content-Length`.
- uncompressed JSONL: after a newline. The planner counts the lines before each cut (`first_line`), so records
  keep the line numbers (and the ids made from them) of an unsplit read.
- everything else (ARC, compressed JSONL/text, HTML, text): one split per file.

A split reads the records that START in `[start, end)`; cuts are record starts, so every record is read by
exactly one split whatever the cut positions. A cut whose scan finds no record start before the next nominal
cut is dropped (the previous split grows).
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from dataclasses import dataclass
from typing import IO

__all__ = [
    "Split",
    "WindowStream",
    "find_gzip_warc_member",
    "find_warc_record",
    "is_multi_member_gzip",
    "jsonl_cuts",
    "plan_file",
    "splittable_kind",
]

_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_START = re.compile(rb"\r\n\r\nWARC/1\.[01]\r\n")
_CHUNK = 1 << 20
# How much compressed input a candidate member may take before its first WARC header bytes come out.
_PROBE_BYTES = 1 << 16


@dataclass(frozen=True, order=True)
class Split:
    """A byte range of one input file: records starting in `[start, end)`; `end` None = to the end of the file.

    `first_line` is the number of lines before `start` (JSONL only), so line numbers match an unsplit read.
    """

    path: str
    size: int
    start: int = 0
    end: int | None = None
    first_line: int = 0

    @property
    def sid(self) -> str:
        """Stable split id: 16 hex digits from the path and start offset (names the split's staged files)."""
        h = hashlib.blake2b(f"{self.path}\x00{self.start}".encode("utf-8", "surrogatepass"), digest_size=8)
        return h.hexdigest()

    @property
    def whole(self) -> bool:
        return self.start == 0 and self.end is None

    def describe(self) -> str:
        if self.whole:
            return self.path
        end = self.end if self.end is not None else self.size
        return f"{self.path} [{self.start}, {end})"


def splittable_kind(fmt: str, path: str) -> str | None:
    """How a file of read format `fmt` can be cut: 'gzip_warc', 'warc', 'jsonl', or None (one split)."""
    name = path.lower()
    gz = name.endswith((".gz", ".gzip"))
    if fmt in ("warc", "wet"):
        return "gzip_warc" if gz else "warc"
    if fmt == "jsonl" and not name.endswith((".gz", ".gzip", ".zst", ".zstd")):
        return "jsonl"
    return None


# -- gzip members ----------------------------------------------------------------------------------------------


def _member_starts_warc(stream: IO[bytes], offset: int) -> bool:
    """True when a gzip member starts at `offset` and decompresses to a WARC record header."""
    stream.seek(offset)
    head = stream.read(_PROBE_BYTES)
    if len(head) < 10 or head[:3] != _GZIP_MAGIC or head[3] & 0xE0:
        return False
    d = zlib.decompressobj(31)
    try:
        out = d.decompress(head, 16)
    except zlib.error:
        return False
    return out.startswith(b"WARC/1.")


def find_gzip_warc_member(stream: IO[bytes], offset: int, limit: int) -> int | None:
    """The first offset >= `offset` (and < `offset + limit`) where a gzip member holding a WARC record starts."""
    pos = offset
    stop = offset + limit
    while pos < stop:
        stream.seek(pos)
        chunk = stream.read(min(_CHUNK, stop - pos) + len(_GZIP_MAGIC) - 1)
        if len(chunk) < len(_GZIP_MAGIC):
            return None
        i = chunk.find(_GZIP_MAGIC)
        while i != -1 and pos + i < stop:
            if _member_starts_warc(stream, pos + i):
                return pos + i
            i = chunk.find(_GZIP_MAGIC, i + 1)
        pos += len(chunk) - (len(_GZIP_MAGIC) - 1)
    return None


def is_multi_member_gzip(stream: IO[bytes], size: int, limit: int) -> bool:
    """True when the first gzip member ends within `limit` compressed bytes and another WARC member follows."""
    stream.seek(0)
    d = zlib.decompressobj(31)
    consumed = 0
    try:
        while not d.eof:
            chunk = stream.read(min(_CHUNK, limit - consumed))
            if not chunk:
                return False
            d.decompress(chunk, 1)
            while d.unconsumed_tail and not d.eof:
                d.decompress(d.unconsumed_tail, 1 << 16)
            consumed += len(chunk) - len(d.unused_data)
            if not d.eof and consumed >= limit:
                return False
    except zlib.error:
        return False
    return consumed < size and _member_starts_warc(stream, consumed)


# -- uncompressed WARC and JSONL -----------------------------------------------------------------------------


def _warc_header_ok(stream: IO[bytes], start: int) -> bool:
    stream.seek(start)
    head = stream.read(_PROBE_BYTES)
    end = head.find(b"\r\n\r\n")
    if end == -1:
        return False
    block = head[:end].lower()
    return b"\r\nwarc-type:" in block and b"\r\ncontent-length:" in block


def find_warc_record(stream: IO[bytes], offset: int, limit: int) -> int | None:
    """The first offset >= `offset` (and < `offset + limit`) where an uncompressed WARC record starts."""
    if offset == 0:
        return 0
    pos = max(0, offset - 4)
    stop = offset + limit
    while pos < stop:
        stream.seek(pos)
        chunk = stream.read(min(_CHUNK, stop - pos) + 16)
        if len(chunk) < 16:
            return None
        for m in _WARC_START.finditer(chunk):
            start = pos + m.start() + 4
            if offset <= start < stop and _warc_header_ok(stream, start):
                return start
        pos += len(chunk) - 16
    return None


def jsonl_cuts(stream: IO[bytes], size: int, nominal: list[int]) -> list[tuple[int, int]]:
    """(offset, lines before it) of the first line start at or after each nominal cut, in one pass."""
    cuts: list[tuple[int, int]] = []
    targets = iter(sorted(nominal))
    target = next(targets, None)
    stream.seek(0)
    pos = 0
    lines = 0
    while target is not None and pos < size:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        while target is not None and target <= pos + len(chunk):
            # a line starts at `target` when the byte before it is a newline
            i = chunk.find(b"\n", max(0, target - 1 - pos))
            if i == -1:
                break
            cut = pos + i + 1
            cuts.append((cut, lines + chunk.count(b"\n", 0, i + 1)))
            target = next(targets, None)
            while target is not None and target < cut:
                target = next(targets, None)
        lines += chunk.count(b"\n")
        pos += len(chunk)
    return [(c, n) for c, n in cuts if c < size]


# -- planning --------------------------------------------------------------------------------------------------


def _nominal_cuts(size: int, split_bytes: int) -> list[int]:
    n = -(-size // split_bytes)
    return [size * k // n for k in range(1, n)]


def plan_file(stream: IO[bytes], path: str, size: int, kind: str | None, split_bytes: int) -> list[Split]:
    """The splits of one file (`kind` from `splittable_kind`); a small or unsplittable file is one split."""
    if kind is None or size <= split_bytes:
        return [Split(path, size)]
    nominal = _nominal_cuts(size, split_bytes)
    firsts: dict[int, int] = {}
    if kind == "jsonl":
        found = jsonl_cuts(stream, size, nominal)
        firsts = dict(found)
        cuts = [c for c, _ in found]
    else:
        if kind == "gzip_warc" and not is_multi_member_gzip(stream, size, split_bytes):
            return [Split(path, size)]
        find = find_gzip_warc_member if kind == "gzip_warc" else find_warc_record
        cuts = []
        for k, at in enumerate(nominal):
            nxt = nominal[k + 1] if k + 1 < len(nominal) else size
            found_at = find(stream, at, nxt - at)
            if found_at is not None and (not cuts or found_at > cuts[-1]):
                cuts.append(found_at)
    cuts = sorted({c for c in cuts if 0 < c < size})
    bounds = [0, *cuts]
    return [
        Split(path, size, start, bounds[i + 1] if i + 1 < len(bounds) else None, firsts.get(start, 0))
        for i, start in enumerate(bounds)
    ]


# -- reading one split -----------------------------------------------------------------------------------------


class WindowStream(io.RawIOBase):
    """Bytes `[start, end)` of an opened, seekable file, with absolute positions (tell/seek as in the file).

    Any error of the underlying stream (a remote read that failed mid-way) is remembered in `error` and raised;
    the caller turns it into a retry of the split, since readers report the errors they catch as corrupt input.
    """

    def __init__(self, raw: IO[bytes], start: int, end: int | None) -> None:
        super().__init__()
        self._raw = raw
        self._start = start
        self._end = end
        self._pos = start
        self.error: BaseException | None = None
        self._seek_raw(start)

    def _seek_raw(self, pos: int) -> None:
        try:
            self._raw.seek(pos)
        except Exception as exc:
            self.error = exc
            raise

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        else:
            if self._end is None:
                raise OSError("cannot seek from the end of an open-ended window")
            pos = self._end + offset
        pos = max(self._start, pos)
        if pos != self._pos:
            self._seek_raw(pos)
            self._pos = pos
        return pos

    def readinto(self, buffer) -> int:  # noqa: ANN001 - a writable buffer (memoryview, bytearray)
        want = len(buffer)
        if self._end is not None:
            want = min(want, self._end - self._pos)
        if want <= 0:
            return 0
        try:
            data = self._raw.read(want)
        except Exception as exc:
            self.error = exc
            raise
        n = len(data)
        buffer[:n] = data
        self._pos += n
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()
