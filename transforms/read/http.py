"""HTTP payloads in WARC/ARC records: MIME sniffing, the HTTP parser, transfer and content decoding."""

from __future__ import annotations

import io
import re
import zlib

from transforms.read.config import ContentDecodingError, RecordTooLarge
from transforms.read.formats import _describe

__all__ = ["classify_payload", "decode_http_body", "parse_http_response", "sniff_mime"]


_BINARY_MAGIC = [
    (b"%pdf-", "application/pdf"),
    (b"\x89png", "image/png"),
    (b"gif87a", "image/gif"),
    (b"gif89a", "image/gif"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"pk\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
    (b"{\\rtf", "application/rtf"),
    (b"\xd0\xcf\x11\xe0", "application/x-ole-storage"),
    (b"fws", "application/x-shockwave-flash"),
    (b"cws", "application/x-shockwave-flash"),
    (b"\x00\x00\x01\x00", "image/x-icon"),
]

_HTML_OPENERS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<title",
    b"<meta",
    b"<script",
    b"<iframe",
    b"<table",
    b"<div",
    b"<p>",
    b"<h1",
    b"<br",
    b"<a ",
    b"<style",
    b"<font",
    b"<b>",
)

HTML_MIMES = frozenset({"text/html", "application/xhtml+xml", "application/vnd.wap.xhtml+xml"})

GENERIC_MIMES = frozenset(
    {
        "",
        "text/plain",
        "application/octet-stream",
        "binary/octet-stream",
        "unknown/unknown",
        "application/unknown",
        "application/x-unknown-content-type",
        "*/*",
        "text/x-unknown",
        "no-type",
    }
)

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def sniff_mime(payload: bytes) -> str | None:
    """A MIME type from the first bytes: 'text/html' for markup, a binary type for known magic, else None."""
    head = payload[:1024]
    low = head.lower()
    for magic, mime in _BINARY_MAGIC:
        if low.startswith(magic):
            return mime
    for bom in _BOMS:
        if low.startswith(bom):
            low = low[len(bom) :]
            break
    low = low.lstrip(b" \t\r\n\x0c")
    if low.startswith(b"<?xml"):
        return "application/xhtml+xml" if b"<html" in low else "text/xml"
    if low.startswith(_HTML_OPENERS):
        return "text/html"
    if low.startswith(b"<!--") and (b"<html" in low or b"<!doctype html" in low):
        return "text/html"
    return None


def classify_payload(declared_mime: str, payload: bytes, sniff: bool = True) -> tuple[bool, str]:
    """(is_html, mime): trust an HTML Content-Type unless the bytes are known binary; sniff generic ones."""
    sniffed = sniff_mime(payload) if sniff else None
    if declared_mime in HTML_MIMES:
        if sniffed is not None and sniffed not in HTML_MIMES and sniffed != "text/xml":
            return False, sniffed
        return True, declared_mime
    if declared_mime in GENERIC_MIMES and sniffed in HTML_MIMES:
        return True, sniffed
    return False, declared_mime or sniffed or "unknown"


class HttpResponse:
    """A parsed HTTP response block: status code (None if unparsable), lowercased headers, raw body."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int | None, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body


def parse_http_response(block: bytes) -> HttpResponse:
    """Split an HTTP response block (status line, headers, body); tolerant of bare-LF line ends."""
    end, sep = block.find(b"\r\n\r\n"), 4
    lf = block.find(b"\n\n")
    if lf >= 0 and (end < 0 or lf < end):
        end, sep = lf, 2
    if end < 0:
        head, body = block, b""
    else:
        head, body = block[:end], block[end + sep :]
    lines = re.split(r"\r?\n", head.decode("latin-1"))
    status = None
    first = lines[0].split(None, 2) if lines else []
    if len(first) >= 2 and first[0].upper().startswith("HTTP/"):
        try:
            status = int(first[1])
        except ValueError:
            status = None
    headers: dict[str, str] = {}
    last = None
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and last is not None:
            headers[last] += " " + line.strip()
            continue
        k, colon, v = line.partition(":")
        if not colon:
            continue
        last = k.strip().lower()
        if last in headers and last in ("content-encoding", "transfer-encoding"):
            headers[last] += ", " + v.strip()
        else:
            headers[last] = v.strip()
    return HttpResponse(status, headers, body)


def _dechunk(body: bytes) -> bytes:
    """Undo chunked transfer coding; a body that does not start with a chunk-size line is returned as is."""
    out: list[bytes] = []
    pos = 0
    n = len(body)
    sized = False
    while pos < n:
        nl = body.find(b"\n", pos)
        if nl < 0:
            break
        line = body[pos:nl].split(b";", 1)[0].strip()
        try:
            size = int(line, 16)
        except ValueError:
            break
        sized = True
        if size == 0:
            break
        start = nl + 1
        out.append(body[start : start + size])
        pos = start + size
        if body[pos : pos + 2] == b"\r\n":
            pos += 2
        elif body[pos : pos + 1] == b"\n":
            pos += 1
    if not sized:
        return body  # declared chunked but is not: keep the raw bytes (crawlers often store decoded bodies)
    return b"".join(out)


def _inflate(data: bytes, wbits: int, limit: int) -> bytes:
    """Inflate `data`, never producing more than `limit` bytes (RecordTooLarge past it).

    A gzip body may hold several members one after the other (RFC 1952): all are decoded, so a body cannot hide
    most of its size behind a small first member.
    """
    view = memoryview(data)
    out: list[bytes] = []
    size = 0
    step = 1 << 16
    pos = 0
    n = len(data)
    while True:
        d = zlib.decompressobj(wbits)
        while pos < n and not d.eof:
            chunk = view[pos : pos + step]
            pos += len(chunk)
            while chunk and not d.eof:
                try:
                    piece = d.decompress(chunk, limit + 1 - size)
                except zlib.error:
                    if size:
                        return b"".join(out)  # corrupt tail: keep what decoded (browsers do the same)
                    raise
                out.append(piece)
                size += len(piece)
                if size > limit:
                    raise RecordTooLarge(f"decompressed payload exceeds max_record_bytes={limit}")
                chunk = d.unconsumed_tail
        if not d.eof:
            return b"".join(out)  # the body ends inside the stream: keep what decoded
        pos -= len(d.unused_data)
        if view[pos : pos + 2] != b"\x1f\x8b":
            return b"".join(out)  # trailing bytes that are not another gzip member are ignored


def _unbrotli(data: bytes, limit: int) -> bytes:
    import brotli

    d = brotli.Decompressor()
    out = [d.process(data, output_buffer_limit=limit + 1)]
    size = len(out[0])
    while size <= limit and not d.is_finished() and not d.can_accept_more_data():
        piece = d.process(b"", output_buffer_limit=limit + 1 - size)
        if not piece:
            break
        out.append(piece)
        size += len(piece)
    if size > limit:
        raise RecordTooLarge(f"decompressed payload exceeds max_record_bytes={limit}")
    return b"".join(out)


def _unzstd(data: bytes, limit: int) -> bytes:
    import zstandard

    with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)) as r:
        out = r.read(limit + 1)
    if len(out) > limit:
        raise RecordTooLarge(f"decompressed payload exceeds max_record_bytes={limit}")
    return out


def _decode_one(body: bytes, coding: str, limit: int) -> bytes:
    if coding in ("gzip", "x-gzip"):
        return _inflate(body, 47, limit)  # 47 = 32 + 15: gzip or zlib header, auto-detected
    if coding == "deflate":
        try:
            return _inflate(body, 15, limit)
        except zlib.error:
            return _inflate(body, -15, limit)  # raw deflate, as some servers send it
    if coding == "br":
        return _unbrotli(body, limit)
    if coding in ("zstd", "x-zstd"):
        return _unzstd(body, limit)
    raise ContentDecodingError(f"unsupported content encoding {coding!r}")


def decode_http_body(
    body: bytes, transfer_encoding: str | None, content_encoding: str | None, limit: int
) -> bytes:
    """Undo chunked transfer coding and gzip/deflate/br/zstd content codings, never producing > `limit` bytes.

    A body declared compressed that is not (the crawler stored it decoded) is kept as is when it sniffs as
    markup; otherwise an undecodable body raises `ContentDecodingError`, an oversize one `RecordTooLarge`.
    """
    te = [t.strip().lower() for t in (transfer_encoding or "").split(",") if t.strip()]
    if "chunked" in te:
        body = _dechunk(body)
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    codings += [t for t in te if t not in ("chunked", "identity")]
    for coding in reversed(codings):
        if coding in ("identity", "none", "utf-8", "utf8"):
            continue
        try:
            body = _decode_one(body, coding, limit)
        except RecordTooLarge:
            raise
        except Exception as exc:  # zlib.error, brotli.error, zstd.ZstdError, ContentDecodingError
            if sniff_mime(body) in HTML_MIMES or sniff_mime(body) == "text/xml":
                continue
            if isinstance(exc, ContentDecodingError):
                raise
            raise ContentDecodingError(f"{coding}: {_describe(exc)}") from exc
    return body
