"""The read stage's config section, reason codes and error types."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from transforms.core import Doc, Dropped, Failed, Section

__all__ = [
    "ContentDecodingError",
    "CorruptFile",
    "EmptyFile",
    "FORMATS",
    "InvalidRecord",
    "Outcome",
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
    "ReadConfig",
    "RecordTooLarge",
    "STAGE",
    "TruncatedRecord",
    "UnsupportedFormat",
]


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
