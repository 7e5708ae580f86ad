"""The pure readers on real crawl files from ../shared/data and on crafted faults (bombs, oversize, JSONL)."""

from __future__ import annotations

import collections
import gzip
import io
import json
import tracemalloc
import zlib
from pathlib import Path

import brotli
import pytest
from pydantic import ValidationError

from tests.conftest import SEED_CLEAN, SEEDS, WARC_DIR, WET_DIR
from transforms.core import Doc, Dropped, Failed
from transforms.read import (
    REASON_EMPTY_TEXT,
    REASON_HTTP_CLIENT_ERROR,
    REASON_HTTP_REDIRECT,
    REASON_NOT_HTML,
    REASON_WARC_REVISIT,
    ReadConfig,
    UnsupportedFormat,
    classify_payload,
    decode_http_body,
    detect_format,
    normalize_fetch_time,
    parse_http_response,
    read_file,
    sniff_mime,
)

CFG = ReadConfig()


def read_path(path: Path | str, cfg: ReadConfig = CFG) -> list[Doc | Dropped | Failed]:
    with open(path, "rb") as f:
        return list(read_file(f, str(path), cfg))


def tally(outcomes: list) -> dict[str, int]:
    c: collections.Counter = collections.Counter()
    for o in outcomes:
        c["doc" if isinstance(o, Doc) else o.reason if isinstance(o, Dropped) else "failed"] += 1
    return dict(c)


# --- per-file exact outcomes on real data -----------------------------------------------------------------

EXPECTED = {
    "commoncrawl+whirlwind-python/whirlwind.warc.gz": {
        "doc": 1, "warc_metadata": 1, "warc_request": 1, "warc_warcinfo": 1,
    },
    "chatnoir-eu+chatnoir-resiliparse/warcfile.warc.gz": {
        "doc": 16, "warc_metadata": 16, "warc_request": 17, "warc_warcinfo": 1,
    },
    "chatnoir-eu+chatnoir-resiliparse/clueweb-quirk.warc.gz": {"doc": 29, "warc_warcinfo": 1},
    "archivesunleashed+aut/example.warc.gz": {
        "doc": 94, "http_client_error": 40, "http_redirect": 7, "not_html": 158,
        "warc_metadata": 261, "warc_request": 261, "warc_warcinfo": 1,
    },
    "archivesunleashed+aut/example.arc.gz": {
        "doc": 94, "http_client_error": 40, "http_redirect": 7, "not_html": 158, "warc_warcinfo": 1,
    },
    "archivesunleashed+aut/example.pdf.warc.gz": {
        "doc": 1, "http_client_error": 1, "http_redirect": 2, "not_html": 31,
        "warc_request": 37, "warc_revisit": 2, "warc_warcinfo": 2,
    },
    "oduwsdl+ipwb/sample-1.warc.gz": {
        "doc": 63, "http_redirect": 1, "not_html": 6, "warc_metadata": 75, "warc_request": 75,
        "warc_revisit": 10, "warc_warcinfo": 1,
    },
    "N0taN3rd+node-warc/parseMe.warc.gz": {
        "doc": 1, "http_client_error": 1, "http_redirect": 5, "not_html": 7,
        "warc_metadata": 1, "warc_request": 14, "warc_warcinfo": 1,
    },
    "webrecorder+warcio/example.warc.gz": {
        "doc": 1, "warc_request": 2, "warc_revisit": 1, "warc_warcinfo": 2,
    },
    "webrecorder+warcio/example-resource.warc.gz": {"doc": 1, "warc_warcinfo": 2},
    "webrecorder+warcio/example-bad-non-chunked.warc.gz": {
        "doc": 1, "warc_request": 2, "warc_revisit": 1, "warc_warcinfo": 2,
    },
    "webrecorder+warcio/example-wrong-chunks.warc.gz": {"doc": 1, "warc_request": 1},
    "webrecorder+warcio/example-trunc.warc": {"doc": 1, "failed": 1, "warc_warcinfo": 2},
    "chatnoir-eu+chatnoir-resiliparse/clipped.warc.gz": {"failed": 1},
    "ukwa+webarchive-test-suite/LICENSE": {"failed": 1},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_warc_counts_by_outcome_and_reason(name: str) -> None:
    assert tally(read_path(WARC_DIR / name)) == EXPECTED[name]


def test_every_shared_warc_file_is_fully_accounted_without_crashing() -> None:
    files = sorted(p for p in WARC_DIR.glob("*/*") if p.is_file())
    assert len(files) == 31  # 30 WARC/ARC files and a LICENSE
    totals: collections.Counter = collections.Counter()
    for p in files:
        totals.update(tally(read_path(p)))
    assert totals["doc"] == 353
    assert sum(totals.values()) == 2177
    assert totals["failed"] == 3  # example-trunc.warc, clipped.warc.gz, LICENSE


def test_warc_doc_provenance() -> None:
    outs = read_path(WARC_DIR / "webrecorder+warcio/example.warc.gz")
    docs = [o for o in outs if isinstance(o, Doc)]
    assert len(docs) == 1
    d = docs[0]
    assert d.source_record == "<urn:uuid:a9c51e3e-0221-11e7-bf66-0242ac120005>"
    assert d.url == "http://example.com/"
    assert d.fetch_time == "2017-03-06T04:02:06Z"
    assert d.content_type == "text/html"
    assert d.charset is None
    assert d.text == ""
    assert d.html is not None and b"<title>Example Domain</title>" in d.html  # gzip content-encoding decoded
    # stable across runs and file moves: the id depends on the WARC-Record-ID only
    again = [
        o
        for o in read_path(WARC_DIR / "webrecorder+warcio/example-bad-non-chunked.warc.gz")
        if isinstance(o, Doc)
    ]
    assert again[0].id == d.id
    revisit = [o for o in outs if isinstance(o, Dropped) and o.reason == REASON_WARC_REVISIT]
    assert len(revisit) == 1


def test_not_html_detail_and_http_status_details() -> None:
    outs = read_path(WARC_DIR / "oduwsdl+ipwb/sample-1.warc.gz")
    details = collections.Counter((o.reason, o.detail) for o in outs if isinstance(o, Dropped))
    assert details[(REASON_NOT_HTML, "text/dns")] == 5
    assert details[(REASON_NOT_HTML, "application/rss+xml")] == 1
    assert details[(REASON_HTTP_REDIRECT, "302")] == 1
    outs = read_path(WARC_DIR / "N0taN3rd+node-warc/parseMe.warc.gz")
    assert [o.detail for o in outs if isinstance(o, Dropped) and o.reason == REASON_HTTP_CLIENT_ERROR] == [
        "404"
    ]


def test_sniffs_html_when_content_type_is_missing_and_keeps_header_charset() -> None:
    outs = read_path(WARC_DIR / "chatnoir-eu+chatnoir-resiliparse/clueweb-quirk.warc.gz")
    docs = [o for o in outs if isinstance(o, Doc)]
    assert len(docs) == 29
    first = docs[0]
    assert first.url == "http://www.uraharajuku.st/shopdetail/001005000005/019/000/order/"
    assert first.content_type == "text/html"
    assert first.charset == "euc-jp"


def test_chunked_and_gzip_transfer_encodings_decode_to_html() -> None:
    outs = read_path(WARC_DIR / "netarchivesuite+solrwayback/transfer_compression_gzip_chunked.warc.gz")
    (doc,) = [o for o in outs if isinstance(o, Doc)]
    assert doc.url == "http://mek.oszk.hu/"
    assert doc.html is not None and len(doc.html) == 72442
    assert doc.html.startswith(b"<html>") and b"<title>MEK (Magyar Elektronikus K" in doc.html
    assert doc.html.rstrip().endswith(b"</html>")

    outs = read_path(WARC_DIR / "webrecorder+warcio/example-iana.org-chunked.warc")
    (doc,) = [o for o in outs if isinstance(o, Doc)]
    assert doc.charset == "utf-8"
    assert doc.html is not None and len(doc.html) == 7223
    assert (
        doc.html.startswith(b"<!doctype html>")
        and b"<title>Internet Assigned Numbers Authority</title>" in doc.html
    )


def test_arc_records_have_stable_offset_ids() -> None:
    outs = read_path(WARC_DIR / "archivesunleashed+aut/example.arc.gz")
    docs = [o for o in outs if isinstance(o, Doc)]
    assert docs[0].source_record == "offset:1306"
    assert docs[0].url == "http://www.archive.org/"
    assert docs[0].fetch_time == "2008-04-30T20:48:26Z"
    assert docs[0].charset == "utf-8"
    assert docs[0].html is not None and docs[0].html.startswith(b"<html>")
    again = [o for o in read_path(WARC_DIR / "archivesunleashed+aut/example.arc.gz") if isinstance(o, Doc)]
    assert [d.id for d in again] == [d.id for d in docs]  # arc2warc's random record ids are not used


def test_wet_conversion_record_is_text() -> None:
    outs = read_path(WET_DIR / "commoncrawl+whirlwind-python/whirlwind.warc.wet.gz")
    assert tally(outs) == {"doc": 1, "warc_warcinfo": 1}
    (doc,) = [o for o in outs if isinstance(o, Doc)]
    assert doc.html is None
    assert doc.url == "https://an.wikipedia.org/wiki/Escopete"
    assert doc.fetch_time == "2024-05-18T01:58:10Z"
    assert doc.text.startswith("Escopete - Biquipedia, a enciclopedia libre")


def test_seeds_are_one_text_doc_each() -> None:
    for p in sorted(SEEDS.glob("*.txt")):
        (doc,) = read_path(p)
        assert isinstance(doc, Doc)
        assert doc.source_record == "file" and doc.html is None and doc.charset == "utf-8"
        assert doc.text == p.read_text(encoding="utf-8")


# --- malformed files: records before the fault kept, the fault is one Failed row --------------------------


def test_truncated_warc_keeps_records_before_the_fault() -> None:
    outs = read_path(WARC_DIR / "webrecorder+warcio/example-trunc.warc")
    assert [type(o).__name__ for o in outs] == ["Dropped", "Dropped", "Doc", "Failed"]
    assert b"Example Domain" in outs[2].html  # gzip body 2 bytes short of its trailer: content still decodes
    fault = outs[3]
    # the response record's Content-Length is 2 bytes short: its CRLFCRLF trailer is expected at byte 2560,
    # where 2 stray bytes sit, and the request record after them cannot be reached
    assert fault.source_record == "offset:2560"
    assert fault.error == (
        "CorruptFile: OSError: Invalid WARC header at offset 2560 "
        "(after record <urn:uuid:a9c51e3e-0221-11e7-bf66-0242ac120005>)"
    )


def test_clipped_gzip_warc_is_one_truncated_record() -> None:
    (fault,) = read_path(WARC_DIR / "chatnoir-eu+chatnoir-resiliparse/clipped.warc.gz")
    assert isinstance(fault, Failed)
    assert fault.source_record == "offset:18184"  # the end of the clipped file
    assert fault.error == (
        "TruncatedRecord: response record <urn:uuid:f3dfa8fa-f031-4a38-90cc-1dcee3d07bb5> "
        "declares 88275 bytes but the file ends after 75207 of them (offset 18184)"
    )
    assert fault.url is not None and fault.url.startswith("http://www.houstonpress.com/music/")


def test_crafted_faults(tmp_path: Path) -> None:
    example = (WARC_DIR / "webrecorder+warcio/example.warc.gz").read_bytes()
    # a truncated gzip WARC: cut inside the 4th member (the request at offset 2012)
    p = tmp_path / "cut.warc.gz"
    p.write_bytes(example[:2500])
    outs = read_path(p)
    assert tally(outs) == {"doc": 1, "failed": 1, "warc_warcinfo": 2}
    assert outs[-1].source_record == "offset:2500"
    assert outs[-1].error.startswith("TruncatedRecord: request record <urn:uuid:a9c5c23a-")
    # corrupt compressed bytes in the member starting at 2012
    bad = bytearray(example)
    bad[2100:2110] = b"XXXXXXXXXX"
    p = tmp_path / "corrupt.warc.gz"
    p.write_bytes(bytes(bad))
    outs = read_path(p)
    assert tally(outs) == {"doc": 1, "failed": 1, "warc_warcinfo": 2}
    assert outs[-1].source_record == "offset:2012"
    assert "Gzip decompression error" in outs[-1].error
    # random bytes named .warc.gz, a zero-length file
    p = tmp_path / "random.warc.gz"
    p.write_bytes(bytes((i * 7919 + 13) % 251 for i in range(50_000)))
    assert [(o.source_record, o.error) for o in read_path(p)] == [
        ("offset:0", "CorruptFile: OSError: Invalid WARC header at offset 0 (at the start of the file)")
    ]
    p = tmp_path / "empty.warc"
    p.write_bytes(b"")
    assert [(o.source_record, o.error) for o in read_path(p)] == [("offset:0", "EmptyFile: zero-length file")]
    # a corrupt header after the first records of a plain WARC: the fault is at the start of that header
    iana = bytearray((WARC_DIR / "webrecorder+warcio/example-iana.org-chunked.warc").read_bytes())
    iana[8379:8383] = b"WXYZ"
    p = tmp_path / "badheader.warc"
    p.write_bytes(bytes(iana))
    outs = read_path(p)
    assert tally(outs) == {"doc": 1, "failed": 1, "warc_warcinfo": 1}
    assert outs[-1].source_record == "offset:8379"


# --- bounded reading --------------------------------------------------------------------------------------


def warc_record(
    rtype: str, body: bytes, rid: str, url: str = "http://example.org/", ct: str | None = None
) -> bytes:
    ct = ct or ("application/http; msgtype=response" if rtype == "response" else "text/html")
    head = (
        f"WARC/1.0\r\nWARC-Type: {rtype}\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\nWARC-Target-URI: {url}\r\n"
        f"WARC-Date: 2024-05-01T12:00:00Z\r\nContent-Type: {ct}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body + b"\r\n\r\n"


def http_response(body: bytes, extra: str = "") -> bytes:
    return f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-1\r\n{extra}\r\n".encode() + body


def test_gzip_bomb_in_content_encoding_is_bounded(tmp_path: Path) -> None:
    bomb = gzip.compress(b"\0" * (64 << 20), compresslevel=9, mtime=0)
    assert len(bomb) < 100_000
    page = b"<html><body><p>fine</p></body></html>"
    data = warc_record(
        "response", http_response(bomb, "Content-Encoding: gzip\r\n"), "00000000-0000-0000-0000-000000000001"
    )
    data += warc_record("response", http_response(page), "00000000-0000-0000-0000-000000000002")
    p = tmp_path / "bomb.warc"
    p.write_bytes(data)
    cfg = ReadConfig(max_record_bytes=1 << 20)
    tracemalloc.start()
    outs = read_path(p, cfg)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 << 20
    assert isinstance(outs[0], Failed)
    assert outs[0].error == "RecordTooLarge: decompressed payload exceeds max_record_bytes=1048576"
    assert outs[0].source_record == "<urn:uuid:00000000-0000-0000-0000-000000000001>"
    assert isinstance(outs[1], Doc) and outs[1].html == page and outs[1].charset == "iso-8859-1"


def test_oversize_record_is_failed_and_the_next_record_is_read(tmp_path: Path) -> None:
    big = b"<html>" + b"a" * (8 << 20)
    page = b"<!DOCTYPE html><title>next</title>"
    data = gzip.compress(warc_record("resource", big, "00000000-0000-0000-0000-00000000000a"), mtime=0)
    data += gzip.compress(warc_record("resource", page, "00000000-0000-0000-0000-00000000000b"), mtime=0)
    p = tmp_path / "big.warc.gz"
    p.write_bytes(data)
    tracemalloc.start()
    outs = read_path(p, ReadConfig(max_record_bytes=1 << 20))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 << 20
    assert tally(outs) == {"failed": 1, "doc": 1}
    assert (
        outs[0].error
        == f"RecordTooLarge: resource record of {len(big)} bytes exceeds max_record_bytes=1048576"
    )
    assert outs[1].html == page and outs[1].content_type == "text/html"


def test_oversize_text_file_and_jsonl_line(tmp_path: Path) -> None:
    cfg = ReadConfig(max_record_bytes=1000)
    p = tmp_path / "big.txt.gz"
    p.write_bytes(gzip.compress(b"x" * (50 << 20)))  # a 50 MiB text bomb in ~50 KB
    tracemalloc.start()
    (out,) = read_path(p, cfg)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 << 20  # the 50 MiB were never decompressed into memory
    assert out.error == "RecordTooLarge: file exceeds max_record_bytes=1000"
    p = tmp_path / "long.jsonl"
    p.write_bytes(
        json.dumps({"text": "y" * 5000}).encode() + b"\n" + json.dumps({"text": "ok"}).encode() + b"\n"
    )
    outs = read_path(p, cfg)
    assert (
        isinstance(outs[0], Failed)
        and outs[0].error == "RecordTooLarge: line 1 exceeds max_record_bytes=1000"
    )
    assert isinstance(outs[1], Doc) and outs[1].text == "ok" and outs[1].source_record == "line:2"


# --- JSONL, text, HTML ------------------------------------------------------------------------------------


def test_jsonl_broken_lines_and_wrong_types(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "id": "a1",
                "text": "first doc",
                "url": "https://a.example/",
                "fetch_time": "2024-05-01T12:00:00+02:00",
            }
        ),
        '{"text": "broken json',
        json.dumps({"text": 42}),
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"text": "second", "url": 7}),
        json.dumps({"text": "   "}),
        json.dumps({"body": "missing text field"}),
        json.dumps({"text": "third", "fetch_time": "yesterday"}),
        json.dumps({"text": "fourth", "fetch_time": 1714564800}),
    ]
    p = tmp_path / "docs.jsonl"
    p.write_text("\n".join(lines) + "\n")
    outs = read_path(p)
    assert [o.source_record for o in outs] == [f"line:{i}" for i in (1, 2, 3, 5, 6, 7, 8, 9, 10)]
    first = outs[0]
    assert isinstance(first, Doc) and first.text == "first doc" and first.url == "https://a.example/"
    assert first.fetch_time == "2024-05-01T10:00:00Z"
    errors = [o.error for o in outs if isinstance(o, Failed)]
    assert errors[0].startswith("InvalidRecord: line 2: not valid JSON (JSONDecodeError: ")
    assert errors[1:] == [
        "InvalidRecord: line 3: field 'text' is a int, not a string",
        "InvalidRecord: line 5: a list, not an object",
        "InvalidRecord: line 6: field 'url' is a int, not a string",
        "InvalidRecord: line 8: field 'text' is missing, not a string",
        "InvalidRecord: line 9: field 'fetch_time' is not a time: 'yesterday'",
    ]
    assert [o.reason for o in outs if isinstance(o, Dropped)] == [REASON_EMPTY_TEXT]
    assert outs[-1].fetch_time == "2024-05-01T12:00:00Z"
    # the same records compressed, and configurable field names with dotted paths
    p = tmp_path / "docs.jsonl.gz"
    p.write_bytes(gzip.compress(b'{"doc": {"body": "nested"}, "link": "u", "uid": 5}\n'))
    cfg = ReadConfig(jsonl_text_field="doc.body", jsonl_url_field="link", jsonl_id_field="uid")
    (doc,) = read_path(p, cfg)
    assert isinstance(doc, Doc) and doc.text == "nested" and doc.url == "u"


def test_jsonl_zstd_and_truncated_gzip(tmp_path: Path) -> None:
    import zstandard

    body = b"".join(json.dumps({"text": f"doc {i}"}).encode() + b"\n" for i in range(2000))
    p = tmp_path / "docs.jsonl.zst"
    p.write_bytes(zstandard.ZstdCompressor().compress(body))
    assert tally(read_path(p)) == {"doc": 2000}
    gz = gzip.compress(body)
    p = tmp_path / "cut.jsonl.gz"
    p.write_bytes(gz[: len(gz) // 2])
    outs = read_path(p)
    docs = [o for o in outs if isinstance(o, Doc)]
    assert 0 < len(docs) < 2000 and docs[-1].text == f"doc {len(docs) - 1}"
    fault = outs[-1]
    assert isinstance(fault, Failed) and fault.source_record == f"offset:{len(gz) // 2}"
    assert fault.error.startswith(
        "CorruptFile: EOFError: Compressed file ended before the end-of-stream marker"
    )


def test_text_charset_detection_and_html_files(tmp_path: Path) -> None:
    p = tmp_path / "latin.txt"
    text = (
        "Les élèves étudièrent à l'école française pendant l'été, où ils apprirent des choses intéressantes. "
        * 3
    )
    p.write_bytes(text.encode("latin-1"))
    (doc,) = read_path(p)
    assert isinstance(doc, Doc) and doc.text == text and doc.charset != "utf-8"
    p = tmp_path / "blank.txt"
    p.write_text("  \n\n")
    assert tally(read_path(p)) == {REASON_EMPTY_TEXT: 1}
    p = tmp_path / "page.html"
    p.write_bytes(b"<html><body>hi</body></html>")
    (doc,) = read_path(p)
    assert doc.html == b"<html><body>hi</body></html>" and doc.text == "" and doc.content_type == "text/html"
    (doc,) = read_path(SEED_CLEAN)
    assert doc.source == str(SEED_CLEAN)


# --- small pure helpers -----------------------------------------------------------------------------------


def test_detect_format() -> None:
    assert detect_format("gs://b/x/CC-MAIN-1.warc.gz") == ("warc", None)
    assert detect_format("a.warc.wet.gz") == ("wet", None)
    assert detect_format("a.arc.gz") == ("arc", None)
    assert detect_format("a.jsonl.zst") == ("jsonl", "zstd")
    assert detect_format("a.txt") == ("text", None)
    assert detect_format("a.HTML.gz") == ("html", "gzip")
    assert detect_format("whatever.bin", "jsonl") == ("jsonl", None)
    with pytest.raises(UnsupportedFormat, match="LICENSE"):
        detect_format("x/LICENSE")


def test_http_helpers() -> None:
    r = parse_http_response(
        b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n  ;charset=utf-8\r\n\r\nbody"
    )
    assert (r.status, r.headers["content-type"], r.body) == (404, "text/html ;charset=utf-8", b"body")
    assert decode_http_body(b"4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n", "chunked", None, 100) == b"Wikipedia"
    assert decode_http_body(b"<html>not chunked", "chunked", None, 100) == b"<html>not chunked"
    assert decode_http_body(brotli.compress(b"<p>br</p>"), None, "br", 100) == b"<p>br</p>"
    assert decode_http_body(zlib.compress(b"<p>zlib</p>"), None, "deflate", 100) == b"<p>zlib</p>"
    raw = zlib.compressobj(wbits=-15)
    assert decode_http_body(raw.compress(b"<p>raw</p>") + raw.flush(), None, "deflate", 100) == b"<p>raw</p>"
    assert decode_http_body(b"<html>already decoded", None, "gzip", 100) == b"<html>already decoded"
    with pytest.raises(Exception, match="RecordTooLarge|exceeds"):
        decode_http_body(brotli.compress(b"z" * 10_000), None, "br", 100)
    assert sniff_mime(b"\xef\xbb\xbf  <!DOCTYPE html><html>") == "text/html"
    assert sniff_mime(b"%PDF-1.4 ...") == "application/pdf"
    assert classify_payload("text/html", b"%PDF-1.4") == (False, "application/pdf")
    assert classify_payload("", b"<html>") == (True, "text/html")
    assert classify_payload("text/css", b"<html>") == (False, "text/css")
    assert normalize_fetch_time("20080430204825") == "2008-04-30T20:48:25Z"
    assert normalize_fetch_time("2024-05-01T12:00:00.250Z") == "2024-05-01T12:00:00.25Z"


def test_config_is_strict() -> None:
    with pytest.raises(ValidationError):
        ReadConfig(fromat="warc")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        ReadConfig(format="pdf")  # type: ignore[arg-type]
    assert ReadConfig().max_record_bytes == 64 << 20


def test_non_seekable_stream_is_spooled() -> None:
    data = (WARC_DIR / "webrecorder+warcio/example.warc.gz").read_bytes()

    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self._b = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buf) -> int:  # type: ignore[no-untyped-def]
            chunk = self._b.read(len(buf))
            buf[: len(chunk)] = chunk
            return len(chunk)

    outs = list(read_file(io.BufferedReader(Pipe()), "pipe.warc.gz", CFG))
    assert tally(outs) == {"doc": 1, "warc_request": 2, "warc_revisit": 1, "warc_warcinfo": 2}
