"""Splits of big files (transforms/read/splits.py): cut where a reader can start, and every record read exactly once.

Real data: the 990-page bench WARC (one gzip member per record, as Common Crawl writes them) and files derived
from it: an uncompressed copy, a single-gzip-stream copy, and a JSONL of the AEB articles.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from pathlib import Path

import pytest

from tests.conftest import AEB_DIR, BENCH_WARC
from transforms.core import Doc, TransientError
from transforms.read import (
    ReadConfig,
    Split,
    WindowStream,
    find_gzip_warc_member,
    is_multi_member_gzip,
    plan_file,
    read_split,
    splittable_kind,
)

CFG = ReadConfig()


def _members(data: bytes, limit: int) -> list[int]:
    """Offsets of the first `limit` gzip members (by decompressing member after member)."""
    offsets, pos = [], 0
    while pos < len(data) and len(offsets) < limit:
        offsets.append(pos)
        d = zlib.decompressobj(31)
        d.decompress(data[pos:])
        pos = len(data) - len(d.unused_data)
    return offsets


@pytest.fixture(scope="module")
def bench_part(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    """The first 120 records of the bench WARC (120 gzip members, 2.5 MB), and their member offsets."""
    data = BENCH_WARC.read_bytes()
    offsets = _members(data, 121)
    path = tmp_path_factory.mktemp("splits") / "part.warc.gz"
    path.write_bytes(data[: offsets[120]])
    return path, offsets[:120]


def _plan(path: Path, split_bytes: int) -> list[Split]:
    size = path.stat().st_size
    with path.open("rb") as f:
        return plan_file(f, str(path), size, splittable_kind("warc" if ".warc" in path.name else "jsonl", path.name),
                         split_bytes)  # fmt: skip


def _outcomes(splits: list[Split]) -> list[tuple]:
    out = []
    for s in splits:
        for o in read_split(s, CFG):
            out.append(
                (type(o).__name__, o.id, o.source_record, getattr(o, "reason", None), getattr(o, "url", None))
            )
    return out


def test_gzip_warc_is_cut_at_member_boundaries_and_reads_every_record_once(bench_part) -> None:
    path, members = bench_part
    splits = _plan(path, 512 << 10)
    assert len(splits) == -(-path.stat().st_size // (512 << 10)) == 5  # 2.5 MB in splits of about 512 KB
    assert splits[0].start == 0 and splits[-1].end is None
    for a, b in zip(splits, splits[1:], strict=False):
        assert a.end == b.start and b.start in members  # a cut is a member (record) start
    whole = _outcomes([Split(str(path), path.stat().st_size)])
    assert len(whole) == 120 and all(o[0] == "Doc" for o in whole)
    assert _outcomes(splits) == whole  # the same records, same ids, same order
    assert len({s.sid for s in splits}) == 5


def test_member_scan_checks_the_header_and_the_warc_record(bench_part) -> None:
    path, members = bench_part
    with path.open("rb") as f:
        assert is_multi_member_gzip(f, path.stat().st_size, 1 << 20)
        # from inside a member, the scan finds the next member that holds a WARC record
        assert find_gzip_warc_member(f, members[5] + 1, 1 << 20) == members[6]
        assert find_gzip_warc_member(f, members[5], 1 << 20) == members[5]
        assert find_gzip_warc_member(f, members[5] + 1, 10) is None  # not within the limit


def test_gzip_magic_inside_a_member_is_not_a_cut(tmp_path: Path) -> None:
    # a WARC record whose payload holds gzip magic bytes, and a gzip member that is not a WARC record
    payload = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + b"\x1f\x8b\x08\x00" * 200
    record = (
        (b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: %d\r\n\r\n" % len(payload))
        + payload
        + b"\r\n\r\n"
    )
    not_warc = gzip.compress(b"\x1f\x8b\x08 just some text, not a WARC record")
    data = gzip.compress(record) + not_warc + gzip.compress(record)
    f = io.BytesIO(data)
    first_end = len(gzip.compress(record))
    assert find_gzip_warc_member(f, 1, len(data)) == first_end + len(not_warc)


def test_one_gzip_stream_stays_one_split(tmp_path: Path, bench_part) -> None:
    path, _ = bench_part
    single = tmp_path / "single.warc.gz"
    single.write_bytes(gzip.compress(gzip.decompress(path.read_bytes()), compresslevel=1))
    with single.open("rb") as f:
        assert not is_multi_member_gzip(f, single.stat().st_size, 512 << 10)
    assert _plan(single, 512 << 10) == [Split(str(single), single.stat().st_size)]


def test_uncompressed_warc_is_cut_at_record_boundaries(tmp_path: Path, bench_part) -> None:
    path, _ = bench_part
    plain = tmp_path / "plain.warc"
    plain.write_bytes(gzip.decompress(path.read_bytes()))
    splits = _plan(plain, 1 << 20)
    assert len(splits) > 5
    data = plain.read_bytes()
    for s in splits[1:]:
        assert data[s.start - 4 : s.start] == b"\r\n\r\n" and data[s.start : s.start + 8] == b"WARC/1.0"
    assert _outcomes(splits) == _outcomes([Split(str(plain), plain.stat().st_size)])


def test_jsonl_is_cut_at_lines_and_keeps_line_numbers(tmp_path: Path) -> None:
    truth = json.loads((AEB_DIR / "ground-truth.json").read_text(encoding="utf-8"))
    lines = []
    for i, (key, v) in enumerate(sorted(truth.items())):
        lines.append(json.dumps({"text": v["articleBody"], "url": f"https://aeb.example/{key}"}))
        if i % 10 == 0:
            lines.append("")  # blank lines are not records, but they count as lines
    path = tmp_path / "aeb.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    splits = _plan(path, 64 << 10)
    assert len(splits) > 4
    data = path.read_bytes()
    for s in splits[1:]:
        assert data[s.start - 1 : s.start] == b"\n" and s.first_line == data[: s.start].count(b"\n")
    whole = _outcomes([Split(str(path), path.stat().st_size)])
    assert len(whole) == len(truth)
    assert _outcomes(splits) == whole  # ids are made from line numbers: they match the unsplit read


class _BreakingStream(io.BytesIO):
    """A remote stream that fails after `after` bytes (a connection reset mid-read)."""

    def __init__(self, data: bytes, after: int) -> None:
        super().__init__(data)
        self._after = after

    def read(self, n: int = -1) -> bytes:
        if self.tell() >= self._after:
            raise ConnectionResetError("connection reset by peer")
        return super().read(n)


def test_a_stream_breaking_mid_read_is_transient_never_a_row(
    bench_part, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, members = bench_part
    data = path.read_bytes()
    from transforms.read import beam as read_module

    monkeypatch.setattr(read_module.FileSystems, "open", lambda *a, **k: _BreakingStream(data, members[50]))
    got: list = []
    with pytest.raises(TransientError, match="ConnectionResetError: connection reset by peer"):
        for o in read_split(Split(str(path), len(data)), CFG):
            got.append(o)
    assert 0 < len(got) < 120 and all(isinstance(o, Doc) for o in got)  # no Failed row for the break


def test_window_reads_only_its_range_with_absolute_positions() -> None:
    raw = io.BytesIO(bytes(range(256)) * 4)
    w = WindowStream(raw, 100, 200)
    assert w.tell() == 100
    assert w.read(10) == bytes(range(100, 110))
    w.seek(195)
    assert w.read(100) == bytes(range(195, 200))
    assert w.read(1) == b""
