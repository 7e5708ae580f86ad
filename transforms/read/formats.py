"""Input formats (from file names), fetch times, text decoding and stream helpers of the readers."""

from __future__ import annotations

import gzip
import io
import re
import tempfile
from datetime import UTC, datetime
from typing import IO, Any

from transforms.core import Failed
from transforms.read.config import STAGE, ContentDecodingError, UnsupportedFormat

__all__ = ["detect_format", "normalize_fetch_time"]


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


def _open_decompressed(stream: IO[bytes], compression: str | None) -> IO[bytes]:
    if compression == "gzip":
        return gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[return-value]
    if compression == "zstd":
        import zstandard

        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(stream, read_across_frames=True))
    return stream
