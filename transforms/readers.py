"""Pure record readers: one opened input file in, one outcome per source record out (no Beam import).

Every reader takes an already-opened binary stream (the Beam side opens it with
`FileSystems.open(..., UNCOMPRESSED)`, so local paths, gs:// and s3:// all work) and yields, for every record
of the input, exactly one `Doc` (kept, awaiting extraction), `Dropped(stage="read")` (a record skipped on
purpose, with a stable reason) or `Failed(stage="read")` (a record that could not be read). A fault that ends
a file early (truncated gzip, corrupt WARC header, random bytes) is ONE `Failed` row whose `source_record` is
`offset:N`, the byte offset where reading broke as well as we can tell (for gzip files: an offset in the
compressed file); the records read before it are yielded normally.

Everything is bounded by `ReadConfig.max_record_bytes`: a record (or a decompressed payload, a JSONL line, a
text file) larger than that is never read into memory whole; it becomes a `Failed` row and reading goes on.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import re
import tempfile
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any, Literal

from pydantic import Field

from transforms.doc import Doc, Dropped, Failed, TransientError, stable_id
from transforms.section import Section

__all__ = [
    "FORMATS",
    "REASON_EMPTY_PAYLOAD",
    "REASON_EMPTY_TEXT",
    "REASON_HTTP_CLIENT_ERROR",
    "REASON_HTTP_REDIRECT",
    "REASON_HTTP_SERVER_ERROR",
    "REASON_HTTP_STATUS_OTHER",
    "REASON_NOT_HTML",
    "REASON_WARC_CONTINUATION",
    "REASON_WARC_METADATA",
    "REASON_WARC_OTHER_TYPE",
    "REASON_WARC_REQUEST",
    "REASON_WARC_REVISIT",
    "REASON_WARC_WARCINFO",
    "STAGE",
    "ContentDecodingError",
    "CorruptFile",
    "EmptyFile",
    "InvalidRecord",
    "Outcome",
    "ReadConfig",
    "RecordTooLarge",
    "TruncatedRecord",
    "UnsupportedFormat",
    "classify_payload",
    "decode_http_body",
    "detect_format",
    "normalize_fetch_time",
    "parse_http_response",
    "read_arc",
    "read_file",
    "read_html",
    "read_jsonl",
    "read_text",
    "read_warc",
    "sniff_mime",
]

log = logging.getLogger(__name__)

STAGE = "read"

REASON_WARC_WARCINFO = "warc_warcinfo"
REASON_WARC_REQUEST = "warc_request"
REASON_WARC_METADATA = "warc_metadata"
REASON_WARC_REVISIT = "warc_revisit"
REASON_WARC_CONTINUATION = "warc_continuation"
REASON_WARC_OTHER_TYPE = "warc_other_type"  # unknown WARC-Type (detail: the type)
REASON_NOT_HTML = "not_html"  # detail: the MIME type (declared or sniffed)
REASON_HTTP_REDIRECT = "http_redirect"  # 3xx, detail: status code
REASON_HTTP_CLIENT_ERROR = "http_client_error"  # 4xx
REASON_HTTP_SERVER_ERROR = "http_server_error"  # 5xx
REASON_HTTP_STATUS_OTHER = "http_status_other"  # 1xx or an unparsable status line
REASON_EMPTY_PAYLOAD = "empty_payload"  # a 2xx HTML response/resource with no body bytes
REASON_EMPTY_TEXT = "empty_text"  # a text/WET/JSONL document whose text is empty or whitespace

FORMATS = ("auto", "warc", "arc", "wet", "jsonl", "text", "html")

Outcome = Doc | Dropped | Failed


class RecordTooLarge(Exception):
    """A record, line, file or decompressed payload is larger than `max_record_bytes`."""


class TruncatedRecord(Exception):
    """The file ended inside a record."""


class CorruptFile(Exception):
    """The file cannot be parsed from some offset on (corrupt header, bad compressed data)."""


class EmptyFile(Exception):
    """A zero-length input file."""


class UnsupportedFormat(Exception):
    """The input format cannot be told from the file name (or is not one we read)."""


class ContentDecodingError(Exception):
    """An HTTP transfer/content encoding could not be decoded."""


class InvalidRecord(Exception):
    """A JSONL line that is not valid JSON or has fields of the wrong type."""


class ReadConfig(Section):
    """Section `read`: how input files are recognised and parsed."""

    format: Literal["auto", "warc", "arc", "wet", "jsonl", "text", "html"] = Field(
        default="auto",
        description="Input format; `auto` picks it from each file's extension (.warc[.gz], .arc[.gz], "
        ".warc.wet.gz/.wet[.gz], .jsonl[.gz|.zst], .txt[.gz], .html/.htm[.gz]).",
    )
    max_record_bytes: int = Field(
        default=64 << 20,
        gt=0,
        description="Largest record, JSONL line, text/HTML file or decompressed HTTP payload read, in bytes; "
        "anything larger becomes an errors/ row instead of being read into memory.",
    )
    jsonl_text_field: str = Field(
        default="text", description="JSONL field holding the document text (dotted path for nested objects)."
    )
    jsonl_url_field: str | None = Field(default="url", description="JSONL field holding the URL, or null.")
    jsonl_id_field: str | None = Field(
        default="id", description="JSONL field holding a record id (used for the stable id), or null."
    )
    jsonl_fetch_time_field: str | None = Field(
        default="fetch_time",
        description="JSONL field holding the fetch time (ISO 8601 string or Unix seconds), or null.",
    )
    sniff_html: bool = Field(
        default=True,
        description="Sniff WARC/ARC payloads whose Content-Type is missing or generic (text/plain, "
        "application/octet-stream) and keep them when they look like HTML.",
    )
    split_bytes: int = Field(
        default=8 << 20,
        ge=1 << 16,
        description="Files larger than this are read as several splits of about this size, in parallel: "
        ".warc.gz/.wet.gz with one gzip member per record (Common Crawl's layout) cut at member boundaries, "
        "uncompressed WARC/WET at record boundaries, uncompressed JSONL at line boundaries. Other files (one gzip "
        "stream, ARC, compressed JSONL) are one split.",
    )
    io_retries: int = Field(
        default=3,
        ge=0,
        description="Times a split is read again after its input stream failed mid-read (a transient remote "
        "error), with backoff; after that the error goes to the runner (which retries or fails the job).",
    )


# ----------------------------------------------------------------------------------------------------
# formats

_COMPRESSION_SUFFIXES = {".gz": "gzip", ".gzip": "gzip", ".zst": "zstd", ".zstd": "zstd"}


def detect_format(path: str, configured: str = "auto") -> tuple[str, str | None]:
    """(format, compression) of a file from its name; `compression` is for the non-WARC formats only.

    WARC/ARC/WET readers detect gzip themselves from the bytes, so their compression is reported as None.
    """
    shown = path.rstrip("/").rsplit("/", 1)[-1]
    name = shown.lower()
    stem, compression = name, None
    for suffix, comp in _COMPRESSION_SUFFIXES.items():
        if name.endswith(suffix):
            stem, compression = name[: -len(suffix)], comp
            break
    if configured != "auto":
        fmt = configured
    elif stem.endswith((".wet", ".warc.wet")):
        fmt = "wet"
    elif stem.endswith((".warc", ".wat", ".warc.wat")):
        fmt = "warc"
    elif stem.endswith(".arc"):
        fmt = "arc"
    elif stem.endswith((".jsonl", ".ndjson")):
        fmt = "jsonl"
    elif stem.endswith(".txt"):
        fmt = "text"
    elif stem.endswith((".html", ".htm", ".xhtml")):
        fmt = "html"
    else:
        raise UnsupportedFormat(f"cannot tell the format of {shown!r} from its extension (set read.format)")
    if fmt in ("warc", "arc", "wet"):
        compression = None
    return fmt, compression


# ----------------------------------------------------------------------------------------------------
# small helpers


def _empty_file(source: str) -> Failed:
    return Failed(stage=STAGE, error="EmptyFile: zero-length file", source=source, source_record="offset:0")


def _describe(exc: BaseException) -> str:
    return Failed.describe(exc)


def _is_panic(exc: BaseException) -> bool:
    # FastWARC (Rust/pyo3) reports some internal errors as pyo3_runtime.PanicException, a BaseException.
    return type(exc).__name__ == "PanicException"


def normalize_fetch_time(value: Any) -> str | None:
    """ISO 8601 UTC with a trailing `Z` from an ISO string, a 14-digit WARC/ARC date or Unix seconds."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError(f"not a time: {value!r}")
    if isinstance(value, (int, float)):
        dt = datetime.fromtimestamp(float(value), tz=UTC)
    else:
        s = str(value).strip()
        if not s:
            return None
        if re.fullmatch(r"\d{14}", s):
            dt = datetime.strptime(s, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        else:
            if s.endswith(("Z", "z")):
                s = s[:-1] + "+00:00"
            dt = datetime.fromisoformat(s)
            dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    out = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if dt.microsecond:
        out += f".{dt.microsecond:06d}".rstrip("0")
    return out + "Z"


def _safe_time(value: Any) -> str | None:
    try:
        return normalize_fetch_time(value)
    except (ValueError, TypeError, OverflowError, OSError):
        return None


def _split_content_type(value: str | None) -> tuple[str, str | None]:
    """('text/html', 'utf-8') from 'text/html; charset="UTF-8"'; ('', None) when absent."""
    if not value:
        return "", None
    parts = value.split(";")
    mime = parts[0].strip().lower()
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset":
            charset = v.strip().strip("\"'").strip().lower() or None
    return mime, charset


def _decode_text(data: bytes) -> tuple[str, str]:
    """Text and the charset used: UTF-8 (BOM allowed) first, else charset-normalizer's best guess."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Mostly UTF-8 with a few broken bytes (a cut sequence, one pasted legacy paragraph): the bad bytes become
    # U+FFFD. A detector would pick a single-byte charset that "decodes" every byte and garbles every non-ASCII
    # character of the text (mac_iceland for an English article with curly quotes).
    lenient = data.decode("utf-8-sig", errors="replace")
    bad = lenient.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    valid_non_ascii = sum(1 for ch in lenient if ch > "\x7f") - bad
    if 0 < bad <= valid_non_ascii:
        return lenient, "utf-8"
    from charset_normalizer import from_bytes  # imported lazily: only non-UTF-8 inputs need it

    best = from_bytes(data).best()
    if best is None:
        raise ContentDecodingError("text is not UTF-8 and no charset could be detected")
    return str(best), best.encoding


def _seekable(stream: IO[bytes]) -> IO[bytes]:
    """The stream itself when it can seek, else a spooled local copy (readers peek and FastWARC seeks)."""
    try:
        if stream.seekable():
            return stream
    except (AttributeError, OSError, ValueError):
        pass
    spool = tempfile.SpooledTemporaryFile(max_size=32 << 20)  # noqa: SIM115 - returned, closed by the caller
    while chunk := stream.read(1 << 20):
        spool.write(chunk)
    spool.seek(0)
    return spool  # type: ignore[return-value]


def _tell(stream: IO[bytes]) -> int | None:
    try:
        return stream.tell()
    except (OSError, ValueError, AttributeError):
        return None


# ----------------------------------------------------------------------------------------------------
# HTTP payloads

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


# ----------------------------------------------------------------------------------------------------
# WARC (FastWARC) and WET


def _record_base(
    source: str, record_id: str | None, url: str | None, date: str | None, offset: int | None
) -> Doc:
    if record_id:
        rid = record_id
        did = stable_id("warc", record_id)
    else:
        rid = f"offset:{offset if offset is not None else 0}"
        did = stable_id("warc-noid", url or "", date or "", rid)
    return Doc(id=did, source=source, source_record=rid, url=url, fetch_time=_safe_time(date))


def _clean_uri(uri: str | None) -> str | None:
    if not uri:
        return None
    uri = uri.strip()
    if uri.startswith("<") and uri.endswith(">"):  # WARC/1.0 drafts wrapped the URI in angle brackets
        uri = uri[1:-1]
    return uri or None


def _status_reason(status: int | None) -> str | None:
    if status is not None and 200 <= status < 300:
        return None
    if status is None or status < 200 or status >= 600:
        return REASON_HTTP_STATUS_OTHER
    if status < 400:
        return REASON_HTTP_REDIRECT
    if status < 500:
        return REASON_HTTP_CLIENT_ERROR
    return REASON_HTTP_SERVER_ERROR


def _payload_outcome(
    base: Doc, block: bytes, warc_content_type: str | None, http: bool, cfg: ReadConfig
) -> Outcome:
    """A response/resource block -> Doc(html=...) or Dropped (status, not HTML, empty) or Failed."""
    if http:
        resp = parse_http_response(block)
        reason = _status_reason(resp.status)
        if reason is not None:
            return Dropped.of(
                base, STAGE, reason, detail=str(resp.status) if resp.status is not None else None
            )
        mime, charset = _split_content_type(resp.headers.get("content-type"))
        if mime not in HTML_MIMES and mime not in GENERIC_MIMES:  # no need to decode what is dropped anyway
            return Dropped.of(
                base.replace(content_type=mime, charset=charset), STAGE, REASON_NOT_HTML, detail=mime
            )
        try:
            payload = decode_http_body(
                resp.body,
                resp.headers.get("transfer-encoding"),
                resp.headers.get("content-encoding"),
                cfg.max_record_bytes,
            )
        except (RecordTooLarge, ContentDecodingError) as exc:
            return Failed.of(base.replace(content_type=mime or None), STAGE, _describe(exc))
    else:
        mime, charset = _split_content_type(warc_content_type)
        payload = block
    is_html, mime = classify_payload(mime, payload, cfg.sniff_html)
    doc = base.replace(content_type=mime, charset=charset)
    if not is_html:
        return Dropped.of(doc, STAGE, REASON_NOT_HTML, detail=mime)
    if not payload.strip():
        return Dropped.of(doc, STAGE, REASON_EMPTY_PAYLOAD)
    return doc.replace(html=payload)


def _text_outcome(base: Doc, block: bytes, content_type: str | None) -> Outcome:
    mime, charset = _split_content_type(content_type)
    try:
        text, used = _decode_text(block)
    except ContentDecodingError as exc:
        return Failed.of(base, STAGE, _describe(exc))
    doc = base.replace(text=text, content_type=mime or "text/plain", charset=charset or used)
    if not text.strip():
        return Dropped.of(doc, STAGE, REASON_EMPTY_TEXT)
    return doc


_DROP_TYPES = {
    "warcinfo": REASON_WARC_WARCINFO,
    "request": REASON_WARC_REQUEST,
    "metadata": REASON_WARC_METADATA,
    "revisit": REASON_WARC_REVISIT,
    "continuation": REASON_WARC_CONTINUATION,
}


def _gzip_member_end(stream: IO[bytes], start: int, limit: int) -> int | None:
    """Offset just after the gzip member that starts at `start` (None when it cannot be told)."""
    try:
        stream.seek(start)
        d = zlib.decompressobj(31)
        consumed = 0
        while not d.eof:
            chunk = stream.read(1 << 16)
            if not chunk:
                return None
            d.decompress(chunk, 1)  # we only need the member's length: keep the output tiny
            while d.unconsumed_tail and not d.eof:
                d.decompress(d.unconsumed_tail, 1 << 16)
            consumed += len(chunk) - len(d.unused_data)
            if consumed > limit:
                return None
        return start + consumed
    except (OSError, ValueError, zlib.error):
        return None


def read_warc(stream: IO[bytes], source: str, cfg: ReadConfig) -> Iterator[Outcome]:
    """Outcomes of every record of a WARC or WET file (plain or gzip), read with FastWARC."""
    from fastwarc.warc import ArchiveIterator

    stream = _seekable(stream)
    start = _tell(stream) or 0
    head = stream.read(2)
    stream.seek(start)
    if not head:
        yield _empty_file(source)
        return
    gz = head == b"\x1f\x8b"
    limit = cfg.max_record_bytes
    it = ArchiveIterator(stream, parse_http=False)
    last = None  # (stream_pos, header_bytes, content_length, record_id) of the last complete record
    while True:
        try:
            rec = next(it)
        except StopIteration:
            return
        except TransientError:
            raise
        except Exception as exc:  # noqa: BLE001 - FastWARC raises OSError/ValueError for corrupt input
            yield _warc_fault(stream, source, gz, last, exc, limit)
            return
        except BaseException as exc:
            if not _is_panic(exc):
                raise
            yield _warc_fault(stream, source, gz, last, exc, limit)
            return
        outcome, complete = _warc_record(rec, source, cfg, stream, gz)
        yield outcome
        if not complete:
            return
        last = rec


def _warc_fault(
    stream: IO[bytes], source: str, gz: bool, last: Any, exc: BaseException, limit: int
) -> Failed:
    if last is None:
        offset: int | None = 0
        after = "at the start of the file"
    else:
        rid = last.record_id or "?"
        after = f"after record {rid}"
        if gz:
            offset = _gzip_member_end(stream, last.stream_pos, limit + (1 << 20))
            if offset is None:
                offset = last.stream_pos
        else:
            hdr = io.BytesIO()
            last.headers.write(hdr)
            offset = last.stream_pos + len(hdr.getvalue()) + last.content_length
            try:  # the record's block ends here; the fault is in its CRLFCRLF trailer or in the next header
                stream.seek(offset)
                if stream.read(4) == b"\r\n\r\n":
                    offset += 4
            except (OSError, ValueError):
                pass
    return Failed(
        stage=STAGE,
        error=f"CorruptFile: {_describe(exc)} at offset {offset} ({after})",
        source=source,
        source_record=f"offset:{offset}",
    )


def _warc_record(rec: Any, source: str, cfg: ReadConfig, stream: IO[bytes], gz: bool) -> tuple[Outcome, bool]:
    """One FastWARC record -> (outcome, complete); complete is False when the file ended inside it."""
    headers = rec.headers
    rtype = str(rec.record_type)
    if rtype == "unknown":
        rtype = (headers.get("WARC-Type") or "unknown").strip().lower()
    record_id = (headers.get("WARC-Record-ID") or "").strip() or None
    url = _clean_uri(headers.get("WARC-Target-URI"))
    base = _record_base(source, record_id, url, headers.get("WARC-Date"), rec.stream_pos)
    length = rec.content_length
    limit = cfg.max_record_bytes

    wanted = rtype in ("response", "resource", "conversion")
    if wanted and length <= limit:
        block = rec.reader.read(length)
        got = len(block)
    else:
        block = b""
        got = rec.consume()
    if got < length:
        end = _tell(stream) if gz else None
        if end is None:
            hdr = io.BytesIO()
            headers.write(hdr)
            end = rec.stream_pos + len(hdr.getvalue()) + got
        err = (
            f"TruncatedRecord: {rtype} record {record_id or '?'} declares {length} bytes but the file ends "
            f"after {got} of them (offset {end})"
        )
        return Failed(
            stage=STAGE, error=err, source=source, source_record=f"offset:{end}", id=base.id, url=url
        ), False

    if rtype in _DROP_TYPES:
        return Dropped.of(base, STAGE, _DROP_TYPES[rtype]), True
    if not wanted:
        return Dropped.of(base, STAGE, REASON_WARC_OTHER_TYPE, detail=rtype), True
    if length > limit:
        err = f"RecordTooLarge: {rtype} record of {length} bytes exceeds max_record_bytes={limit}"
        return Failed.of(base, STAGE, err), True
    warc_ct = headers.get("Content-Type")
    if rtype == "conversion":
        return _text_outcome(base, block, warc_ct), True
    http = (warc_ct or "").lower().startswith("application/http") or (
        rtype == "response" and block[:5].upper() == b"HTTP/"
    )
    return _payload_outcome(base, block, warc_ct, http, cfg), True


# ----------------------------------------------------------------------------------------------------
# ARC (warcio, converted to WARC records on the fly)


def _read_bounded(stream: IO[bytes], n: int) -> bytes:
    """Up to n bytes, in pieces (warcio's readers return nothing for one huge read)."""
    parts: list[bytes] = []
    got = 0
    while got < n:
        piece = stream.read(min(1 << 16, n - got))
        if not piece:
            break
        parts.append(piece)
        got += len(piece)
    return b"".join(parts)


def read_arc(stream: IO[bytes], source: str, cfg: ReadConfig) -> Iterator[Outcome]:
    """Outcomes of every record of an ARC file (plain or gzip), read with warcio (FastWARC reads no ARC)."""
    from warcio.archiveiterator import ArchiveIterator as WarcioIterator

    stream = _seekable(stream)
    start = _tell(stream) or 0
    if not stream.read(1):
        yield _empty_file(source)
        return
    stream.seek(start)
    limit = cfg.max_record_bytes
    it = WarcioIterator(stream, arc2warc=True)
    gen = iter(it)
    next_offset = 0
    while True:
        try:
            rec = next(gen)
        except StopIteration:
            return
        except TransientError:
            raise
        except Exception as exc:  # noqa: BLE001 - warcio raises ArchiveLoadFailed, zlib.error, ValueError...
            yield Failed(
                stage=STAGE,
                error=f"CorruptFile: {_describe(exc)} at offset {next_offset}",
                source=source,
                source_record=f"offset:{next_offset}",
            )
            return
        h = rec.rec_headers
        rtype = rec.rec_type
        length = rec.length or 0
        wanted = rtype in ("response", "resource") and length <= limit
        # read the payload before asking for the offset: warcio's get_record_offset() reads to the record end
        body = _read_bounded(rec.raw_stream, limit + 1) if wanted else b""
        offset = it.get_record_offset()
        next_offset = offset + (it.get_record_length() or 0)
        url = _clean_uri(h.get_header("WARC-Target-URI"))
        date = h.get_header("WARC-Date")
        # arc2warc invents random WARC-Record-IDs: the stable key of an ARC record is its URL, date and offset
        rid = f"offset:{offset}"
        base = Doc(
            id=stable_id("arc", url or "", date or "", rid),
            source=source,
            source_record=rid,
            url=url,
            fetch_time=_safe_time(date),
        )
        if rtype in _DROP_TYPES:
            outcome: Outcome = Dropped.of(base, STAGE, _DROP_TYPES[rtype])
        elif rtype not in ("response", "resource"):
            outcome = Dropped.of(base, STAGE, REASON_WARC_OTHER_TYPE, detail=rtype)
        elif length > limit:
            err = f"RecordTooLarge: {rtype} record of {length} bytes exceeds max_record_bytes={limit}"
            outcome = Failed.of(base, STAGE, err)
        elif rec.http_headers is not None and rtype == "response":
            status_s = rec.http_headers.get_statuscode()
            head = f"HTTP/1.0 {status_s or '?'} x\r\n"
            for k, v in rec.http_headers.headers:
                head += f"{k}: {v}\r\n"
            block = head.encode("latin-1", "replace") + b"\r\n" + body
            outcome = _payload_outcome(base, block, None, True, cfg)
        else:
            outcome = _payload_outcome(base, body, h.get_header("Content-Type"), False, cfg)
        yield outcome


# ----------------------------------------------------------------------------------------------------
# JSONL, text, HTML


def _open_decompressed(stream: IO[bytes], compression: str | None) -> IO[bytes]:
    if compression == "gzip":
        return gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[return-value]
    if compression == "zstd":
        import zstandard

        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(stream, read_across_frames=True))
    return stream


def _get_field(obj: dict, path: str) -> Any:
    cur: Any = obj
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _jsonl_record(raw: bytes, line_no: int, source: str, cfg: ReadConfig) -> Outcome:
    rid = f"line:{line_no}"
    fallback = Doc(id=stable_id("jsonl", source, rid), source=source, source_record=rid)
    try:
        obj = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return Failed.of(fallback, STAGE, f"InvalidRecord: line {line_no}: not valid JSON ({_describe(exc)})")
    if not isinstance(obj, dict):
        return Failed.of(
            fallback, STAGE, f"InvalidRecord: line {line_no}: a {type(obj).__name__}, not an object"
        )
    text = _get_field(obj, cfg.jsonl_text_field)
    if not isinstance(text, str):
        what = "missing" if text is None else f"a {type(text).__name__}"
        return Failed.of(
            fallback,
            STAGE,
            f"InvalidRecord: line {line_no}: field {cfg.jsonl_text_field!r} is {what}, not a string",
        )
    url = _get_field(obj, cfg.jsonl_url_field) if cfg.jsonl_url_field else None
    if url is not None and not isinstance(url, str):
        return Failed.of(
            fallback,
            STAGE,
            f"InvalidRecord: line {line_no}: field {cfg.jsonl_url_field!r} is a {type(url).__name__}, "
            "not a string",
        )
    fallback = fallback.replace(url=url or None)
    rec_id = _get_field(obj, cfg.jsonl_id_field) if cfg.jsonl_id_field else None
    if rec_id is not None and (isinstance(rec_id, bool) or not isinstance(rec_id, (str, int))):
        return Failed.of(
            fallback,
            STAGE,
            f"InvalidRecord: line {line_no}: field {cfg.jsonl_id_field!r} is a {type(rec_id).__name__}, "
            "not a string or integer",
        )
    raw_time = _get_field(obj, cfg.jsonl_fetch_time_field) if cfg.jsonl_fetch_time_field else None
    try:
        fetch_time = normalize_fetch_time(raw_time)
    except (ValueError, OverflowError, OSError, TypeError):
        return Failed.of(
            fallback,
            STAGE,
            f"InvalidRecord: line {line_no}: field {cfg.jsonl_fetch_time_field!r} is not a time: "
            f"{raw_time!r:.80}",
        )
    doc = Doc(
        id=stable_id("jsonl-id", str(rec_id)) if rec_id is not None else fallback.id,
        source=source,
        source_record=rid,
        text=text,
        url=url or None,
        fetch_time=fetch_time,
        content_type="text/plain",
        charset="utf-8",
    )
    if not text.strip():
        return Dropped.of(doc, STAGE, REASON_EMPTY_TEXT)
    return doc


def read_jsonl(
    stream: IO[bytes], source: str, cfg: ReadConfig, compression: str | None = None, first_line: int = 0
) -> Iterator[Outcome]:
    """One outcome per non-blank line; a broken line or wrong types -> Failed naming the line; on it goes.

    `first_line` is the number of lines before the stream's position (a split of a big file)."""
    limit = cfg.max_record_bytes
    f = _open_decompressed(stream, compression)
    line_no = first_line
    offset = 0  # in the decompressed text
    empty = True
    try:
        while True:
            line = f.readline(limit + 1)
            if not line:
                break
            empty = False
            line_no += 1
            line_start = offset
            offset += len(line)
            if len(line) > limit and not line.endswith(b"\n"):
                # skip the rest of the oversize line without holding it
                while True:
                    more = f.readline(1 << 20)
                    offset += len(more)
                    if not more or more.endswith(b"\n"):
                        break
                rid = f"line:{line_no}"
                yield Failed(
                    stage=STAGE,
                    error=f"RecordTooLarge: line {line_no} exceeds max_record_bytes={limit}",
                    source=source,
                    source_record=rid,
                    id=stable_id("jsonl", source, rid),
                )
                continue
            if not line.strip():
                continue  # blank lines are not records
            del line_start
            yield _jsonl_record(line, line_no, source, cfg)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        where = _tell(stream)
        where_s = f"{where}" if where is not None else "?"
        yield Failed(
            stage=STAGE,
            error=f"CorruptFile: {_describe(exc)} at offset {where_s} (after line {line_no})",
            source=source,
            source_record=f"offset:{where_s}",
        )
        return
    if empty and compression is None:
        yield _empty_file(source)


def _read_whole(stream: IO[bytes], source: str, cfg: ReadConfig, compression: str | None) -> bytes | Failed:
    limit = cfg.max_record_bytes
    try:
        data = _open_decompressed(stream, compression).read(limit + 1)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        where = _tell(stream)
        return Failed(
            stage=STAGE,
            error=f"CorruptFile: {_describe(exc)} at offset {where}",
            source=source,
            source_record=f"offset:{where}",
        )
    if not data:
        return _empty_file(source)
    if len(data) > limit:
        return Failed(
            stage=STAGE,
            error=f"RecordTooLarge: file exceeds max_record_bytes={limit}",
            source=source,
            source_record="file",
            id=stable_id("file", source),
        )
    return data


def read_text(
    stream: IO[bytes], source: str, cfg: ReadConfig, compression: str | None = None
) -> Iterator[Outcome]:
    """A plain-text file is one document: UTF-8, else the charset charset-normalizer detects."""
    data = _read_whole(stream, source, cfg, compression)
    if isinstance(data, Failed):
        yield data
        return
    base = Doc(id=stable_id("file", source), source=source, source_record="file")
    yield _text_outcome(base, data, None)


def read_html(
    stream: IO[bytes], source: str, cfg: ReadConfig, compression: str | None = None
) -> Iterator[Outcome]:
    """An HTML file is one document: `html` holds the bytes; extraction decides the charset."""
    data = _read_whole(stream, source, cfg, compression)
    if isinstance(data, Failed):
        yield data
        return
    doc = Doc(id=stable_id("file", source), source=source, source_record="file", content_type="text/html")
    if not data.strip():
        yield Dropped.of(doc, STAGE, REASON_EMPTY_PAYLOAD)
        return
    yield doc.replace(html=data)


def read_file(stream: IO[bytes], source: str, cfg: ReadConfig, first_line: int = 0) -> Iterator[Outcome]:
    """Outcomes of every record of one opened input file, the reader chosen by `cfg.format` / the extension.

    The stream may be a split of the file (`transforms.splits.WindowStream`): readers start at its position and
    stop at its end; `first_line` is the number of lines before it (JSONL). A zero-length file, an unknown
    extension or an unexpected error while reading is one Failed row (`offset:N`); the outcomes yielded before
    it stand. `TransientError` (a failed remote read) is never turned into a row.
    """
    try:
        fmt, compression = detect_format(source, cfg.format)
    except UnsupportedFormat as exc:
        yield Failed(stage=STAGE, error=_describe(exc), source=source, source_record="offset:0")
        return
    stream = _seekable(stream)
    start = _tell(stream) or 0
    if not stream.read(1):
        yield _empty_file(source)
        return
    stream.seek(start)
    if fmt in ("warc", "wet"):
        records = read_warc(stream, source, cfg)
    elif fmt == "arc":
        records = read_arc(stream, source, cfg)
    elif fmt == "jsonl":
        records = read_jsonl(stream, source, cfg, compression, first_line)
    elif fmt == "text":
        records = read_text(stream, source, cfg, compression)
    else:
        records = read_html(stream, source, cfg, compression)
    try:
        yield from records
    except (MemoryError, RecursionError, TransientError):
        raise
    except Exception as exc:  # noqa: BLE001 - a reader bug or odd input must cost one file, not the job
        where = _tell(stream)
        log.warning("reading %s failed: %s", source, _describe(exc))
        yield Failed(
            stage=STAGE,
            error=f"CorruptFile: {_describe(exc)} at offset {where}",
            source=source,
            source_record=f"offset:{where if where is not None else '?'}",
        )
