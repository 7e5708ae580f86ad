"""JSONL, plain-text and HTML file readers."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from typing import IO, Any

from transforms.core import Doc, Dropped, Failed, stable_id
from transforms.read.config import REASON_EMPTY_PAYLOAD, REASON_EMPTY_TEXT, STAGE, Outcome, ReadConfig
from transforms.read.formats import _describe, _empty_file, _open_decompressed, _tell, normalize_fetch_time
from transforms.read.warc import _text_outcome

__all__ = ["read_html", "read_jsonl", "read_text"]


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
