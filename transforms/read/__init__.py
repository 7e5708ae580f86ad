"""The read stage: format detection, WARC/ARC/WET/JSONL/text/HTML readers, splits of big files, and
the Beam transforms that plan splits and read them.

The public API is importable from the package (`from transforms.read import ...`); each name is
loaded from its module on first use (PEP 562), so importing a pure module of the package never imports Beam.
"""

from __future__ import annotations

from transforms.core.lazy import lazy_getattr

_EXPORTS = {
    "ContentDecodingError": "config",
    "CorruptFile": "config",
    "EmptyFile": "config",
    "FORMATS": "config",
    "InvalidRecord": "config",
    "Outcome": "config",
    "PlanSplits": "beam",
    "REASON_EMPTY_PAYLOAD": "config",
    "REASON_EMPTY_TEXT": "config",
    "REASON_HTTP_CLIENT_ERROR": "config",
    "REASON_HTTP_REDIRECT": "config",
    "REASON_HTTP_SERVER_ERROR": "config",
    "REASON_HTTP_STATUS_OTHER": "config",
    "REASON_NOT_HTML": "config",
    "REASON_WARC_CONTINUATION": "config",
    "REASON_WARC_METADATA": "config",
    "REASON_WARC_OTHER_TYPE": "config",
    "REASON_WARC_REQUEST": "config",
    "REASON_WARC_REVISIT": "config",
    "REASON_WARC_WARCINFO": "config",
    "ReadConfig": "config",
    "ReadInputs": "beam",
    "RecordTooLarge": "config",
    "STAGE": "config",
    "Split": "splits",
    "TruncatedRecord": "config",
    "UnsupportedFormat": "config",
    "WindowStream": "splits",
    "check_inputs": "beam",
    "classify_payload": "http",
    "decode_http_body": "http",
    "detect_format": "formats",
    "find_gzip_warc_member": "splits",
    "find_warc_record": "splits",
    "is_multi_member_gzip": "splits",
    "jsonl_cuts": "splits",
    "list_inputs": "beam",
    "normalize_fetch_time": "formats",
    "parse_http_response": "http",
    "plan_file": "splits",
    "read_arc": "warc",
    "read_file": "files",
    "read_html": "text",
    "read_jsonl": "text",
    "read_split": "beam",
    "read_text": "text",
    "read_warc": "warc",
    "sniff_mime": "http",
    "splittable_kind": "splits",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
