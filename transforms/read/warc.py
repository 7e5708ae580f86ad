"""WARC and WET (FastWARC) and ARC (warcio) readers: one outcome per record."""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from typing import IO, Any

from transforms.core import Doc, Dropped, Failed, TransientError, stable_id
from transforms.read.config import (
    REASON_EMPTY_PAYLOAD,
    REASON_EMPTY_TEXT,
    REASON_HTTP_CLIENT_ERROR,
    REASON_HTTP_REDIRECT,
    REASON_HTTP_SERVER_ERROR,
    REASON_HTTP_STATUS_OTHER,
    REASON_NOT_HTML,
    REASON_WARC_CONTINUATION,
    REASON_WARC_METADATA,
    REASON_WARC_OTHER_TYPE,
    REASON_WARC_REQUEST,
    REASON_WARC_REVISIT,
    REASON_WARC_WARCINFO,
    STAGE,
    ContentDecodingError,
    Outcome,
    ReadConfig,
    RecordTooLarge,
)
from transforms.read.formats import (
    _decode_text,
    _describe,
    _empty_file,
    _is_panic,
    _safe_time,
    _seekable,
    _split_content_type,
    _tell,
)
from transforms.read.http import (
    GENERIC_MIMES,
    HTML_MIMES,
    classify_payload,
    decode_http_body,
    parse_http_response,
)

__all__ = ["read_arc", "read_warc"]


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
