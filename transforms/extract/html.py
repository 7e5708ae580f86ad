"""HTML bytes to text: charset decoding (BOM, HTTP header, <meta>, detection) and trafilatura."""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING, Any

import charset_normalizer
import lxml.html
import trafilatura
import trafilatura.utils
import webencodings
from lxml import etree
from trafilatura.deduplication import LRUCache
from trafilatura.settings import LRU_SIZE

from transforms.extract.types import ExtractResult, HtmlTooLarge, UndecodableHtml

if TYPE_CHECKING:  # the sandbox child imports this module without pydantic
    from transforms.extract.config import ExtractConfig
    from transforms.extract.types import ExtractOptions

__all__ = ["decode_html", "extract_html", "normalize_charset", "set_element_lookup", "sniff_meta_charset"]


def _element_lookup_in_c() -> etree.ElementNamespaceClassLookup:
    """lxml.html's element classes, chosen by lxml's own C lookups instead of a Python callback.

    lxml.html's parsers pick each element's class with `HtmlElementClassLookup.lookup`, a Python method that lxml
    calls every time it makes a Python object for a node: 3.75 million calls for the 990 pages of the shared
    bench, 4-5% of trafilatura's time. This lookup gives every node the same class (`form`, `input`, `select`,
    `textarea` and `label` their own classes, every other element `HtmlElement`, and comments, processing
    instructions and entities theirs), so trafilatura's output cannot change; `tests/test_extract_lookup.py`
    checks both, class by class on real pages and text by text.
    """
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    # HTML parsing gives lower-case tag names without a namespace, which is what the Python lookup lower-cases to.
    elements = lookup.get_namespace(None)
    for tag, cls in lxml.html.HtmlElementClassLookup._default_element_classes.items():
        elements[tag] = cls
    return lookup


_ELEMENT_LOOKUP = _element_lookup_in_c()


def set_element_lookup(c_level: bool = True) -> None:
    """Set the element lookup of the two parsers trafilatura parses with: its own `HTML_PARSER` and lxml.html's
    default one (`fragment_fromstring`). `c_level=False` puts back lxml.html's Python lookup, which is what a bare
    trafilatura loop runs with: the benchmarks' baseline."""
    lookup = _ELEMENT_LOOKUP if c_level else lxml.html.HtmlElementClassLookup()
    for parser in (trafilatura.utils.HTML_PARSER, lxml.html.html_parser):
        parser.set_element_class_lookup(lookup)


# This module is what runs trafilatura (in the extraction sandbox's child, in tests and benchmarks).
set_element_lookup()


# WHATWG encoding names (webencodings resolves every label of the Encoding Standard to one of them) that Python
# names otherwise, mapped to Python codecs. x-user-defined (bytes as private-use characters) is read as cp1252.
_WHATWG_CODECS = {
    "windows-874": "cp874",
    "shift_jis": "cp932",
    "x-mac-cyrillic": "mac-cyrillic",
    "macintosh": "mac-roman",
    "iso-8859-8-i": "iso8859-8",
    "utf-16le": "utf-16-le",
    "utf-16be": "utf-16-be",
    "x-user-defined": "cp1252",
}
# Labels the Encoding Standard added after webencodings 0.5.1, with their WHATWG encoding.
_NEWER_LABELS = {
    "unicode": "utf-16le", "unicodefeff": "utf-16le", "ucs-2": "utf-16le", "csunicode": "utf-16le",
    "iso-10646-ucs-2": "utf-16le", "unicodefffe": "utf-16be", "unicode11utf8": "utf-8", "unicode20utf8": "utf-8",
    "x-unicode20utf8": "utf-8",
}  # fmt: skip

# Python canonical codec name -> the codec browsers actually use for that label (WHATWG: latin-1 and ascii are
# windows-1252, gb2312/gbk are decoded as gb18030, shift_jis as windows-31j, euc-kr as windows-949, ...).
_CODEC_REMAP = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift_jis_2004": "cp932",
    "shift_jisx0213": "cp932",
    "euc_kr": "cp949",
    "euc_jis_2004": "euc_jp",
    "euc_jisx0213": "euc_jp",
}

# Only the encodings of the WHATWG standard are accepted: a page must not be able to select utf-7, rot13,
# unicode_escape, idna or any other codec Python happens to know.
_ALLOWED_CODECS = frozenset(
    {
        "utf-8", "utf-16", "utf-16-le", "utf-16-be", "cp866", "iso8859-2", "iso8859-3", "iso8859-4",
        "iso8859-5", "iso8859-6", "iso8859-7", "iso8859-8", "iso8859-10", "iso8859-13", "iso8859-14",
        "iso8859-15", "iso8859-16", "koi8-r", "koi8-u", "mac-roman", "mac-cyrillic", "cp874", "cp1250",
        "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "gb18030",
        "big5hkscs", "euc_jp", "iso2022_jp", "cp932", "cp949",
    }
)  # fmt: skip

_UTF16 = frozenset({"utf-16", "utf-16-le", "utf-16-be"})

# Multi-byte codecs; everything else in _ALLOWED_CODECS (but UTF-16) maps each byte to one character.
_MULTI_BYTE = frozenset({"utf-8", "gb18030", "big5hkscs", "euc_jp", "iso2022_jp", "cp932", "cp949"}) | _UTF16

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_PRESCAN_BYTES = 4096

_COMMENT_RE = re.compile(rb"<!--.*?(?:-->|$)", re.DOTALL)

_META_CHARSET_RE = re.compile(rb"<meta\s[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.IGNORECASE)

_XML_DECL_RE = re.compile(rb"^\s*<\?xml\s[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9_.:\-]+)", re.IGNORECASE)

_XML_DECL_TEXT_RE = re.compile(r"^\s*<\?xml\s[^>]*\?>")

_NON_ASCII_RE = re.compile(rb"[\x80-\xff]")

# Characters that do not occur in real text: U+FFFD (a byte the codec could not map) and C0/C1 controls other
# than tab, newline, form feed and carriage return.
_BAD_CHARS_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")

_CHECK_CHARS = 32_768

_MAX_DECLARED_DAMAGE_RATIO = 0.001

_MAX_BAD_CHAR_RATIO = 0.02  # real pages stay below 0.001, binary payloads above 0.1


def normalize_charset(label: str | None) -> str | None:
    """The Python codec to use for a charset label as browsers interpret it, or None if unknown or unsafe.

    WHATWG-style: "latin-1", "iso-8859-1" and "ascii" -> "cp1252"; "gb2312"/"gbk" -> "gb18030"; "x-sjis" and
    "shift_jis" -> "cp932" (windows-31j, what browsers decode as Shift_JIS); "euc-kr" -> "cp949"; "big5" ->
    "big5hkscs". Labels for non-WHATWG codecs (utf-7, rot13, ...) give None.
    """
    if not label:
        return None
    key = label.strip().strip("\"'").strip().lower()
    if not key:
        return None
    whatwg = webencodings.lookup(
        _NEWER_LABELS.get(key, key)
    )  # None: a label the Encoding Standard does not know
    name = whatwg.name if whatwg is not None else key  # Python's own codec names are accepted too
    name = _WHATWG_CODECS.get(name, name)
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    name = _CODEC_REMAP.get(name, name)
    return name if name in _ALLOWED_CODECS else None


def sniff_meta_charset(payload: bytes) -> str | None:
    """The charset declared in the page itself (`<meta charset>`, http-equiv Content-Type, XML declaration).

    Only the first few KB are scanned (as browsers do); comments are skipped. A UTF-16 label in a meta tag means
    UTF-8 (the tag could not have been read as ASCII otherwise). Returns a normalized codec name or None.
    """
    head = payload[:_PRESCAN_BYTES]
    m = _XML_DECL_RE.match(head)
    if m is None:
        m = _META_CHARSET_RE.search(_COMMENT_RE.sub(b"", head))
    if m is None:
        return None
    codec = normalize_charset(m.group(1).decode("ascii"))
    return "utf-8" if codec in _UTF16 else codec


def _detect_charset(payload: bytes) -> str | None:
    best = charset_normalizer.from_bytes(payload).best()
    return normalize_charset(best.encoding) if best is not None else None


def _strict(payload: bytes, codec: str) -> str | None:
    try:
        return payload.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _check_decodable(text: str, codec: str) -> None:
    # Binary data is binary from its first bytes: a prefix decides, at a fraction of the cost of a full scan.
    sample = text[:_CHECK_CHARS]
    if not sample:
        return
    bad = sum(1 for _ in _BAD_CHARS_RE.finditer(sample))
    if bad > _MAX_BAD_CHAR_RATIO * len(sample):
        raise UndecodableHtml(
            f"{bad} of {len(sample)} characters undecodable or control characters as {codec}"
        )


def decode_html(payload: bytes, http_charset: str | None) -> tuple[str, str]:
    """Decode an HTML payload; returns (text, codec used).

    Order: a byte-order mark; the charset from the HTTP header; the page's own `<meta>`/XML declaration in the
    first few KB; valid UTF-8; a declared charset that fails on only a few bytes (pages mixing encodings; the
    bad bytes become U+FFFD); detection (charset-normalizer); and, when no codec decodes the bytes cleanly, the
    candidate that leaves the fewest U+FFFD (UTF-8 with replacement when there is none). A declared charset that
    does not decode the bytes (a lying header) is skipped. A declared single-byte charset (latin-1, cp1251...)
    loses to UTF-8 when the bytes are valid UTF-8 with non-ASCII sequences: such bytes are practically never
    legacy-encoded text, and servers often send a default ISO-8859-1 for UTF-8 pages. Raises `UndecodableHtml`
    when more than 2% of the result's first 32K characters are U+FFFD or control characters (binary data; real
    pages stay far below).
    """
    for bom, codec in _BOMS:
        if payload.startswith(bom):
            text = payload[len(bom) :].decode(codec, errors="replace")
            _check_decodable(text, codec)
            return text, codec

    candidates: list[str] = []
    for codec in (normalize_charset(http_charset), sniff_meta_charset(payload)):
        if codec and codec not in candidates:
            candidates.append(codec)

    utf8_text: str | None = None
    utf8_checked = False
    for codec in candidates:
        if codec not in _MULTI_BYTE and _NON_ASCII_RE.search(payload) is not None:
            if not utf8_checked:
                utf8_text, utf8_checked = _strict(payload, "utf-8"), True
            if utf8_text is not None:
                _check_decodable(utf8_text, "utf-8")
                return utf8_text, "utf-8"
        text = _strict(payload, codec)
        if text is not None:
            _check_decodable(text, codec)
            return text, codec

    if not utf8_checked:
        utf8_text = _strict(payload, "utf-8")
    if utf8_text is not None:
        _check_decodable(utf8_text, "utf-8")
        return utf8_text, "utf-8"

    # A declared charset that fails on a few bytes (a page mixing encodings) beats a detector's guess for the
    # whole page; one that fails everywhere was a lie.
    if candidates:
        text, codec, bad = _least_damaged(payload, candidates)
        if bad <= _MAX_DECLARED_DAMAGE_RATIO * len(text):
            _check_decodable(text, codec)
            return text, codec

    detected = _detect_charset(payload)
    if detected and detected not in candidates:
        text = _strict(payload, detected)
        if text is not None:
            _check_decodable(text, detected)
            return text, detected
        candidates.append(detected)

    # Nothing decodes cleanly: the least damaged reading of the declared/detected candidates, else UTF-8.
    text, codec, _ = _least_damaged(payload, candidates or ["utf-8"])
    _check_decodable(text, codec)
    return text, codec


def _least_damaged(payload: bytes, codecs_: list[str]) -> tuple[str, str, int]:
    best: tuple[str, str, int] | None = None
    for codec in codecs_:
        text = payload.decode(codec, errors="replace")
        bad = text.count("\ufffd")
        if best is None or bad < best[2]:
            best = (text, codec, bad)
    assert best is not None
    return best


def _trafilatura_options(cfg: ExtractConfig | ExtractOptions) -> dict[str, Any]:
    return {
        "fast": cfg.fast_mode,
        "favor_precision": cfg.favor == "precision",
        "favor_recall": cfg.favor == "recall",
        "include_comments": cfg.include_comments,
        "include_tables": cfg.include_tables,
        "include_links": cfg.include_links,
        "include_images": False,
        "output_format": "txt",
    }


def _strip_metadata_header(text: str | None) -> str | None:
    # With metadata, trafilatura's txt output starts with a YAML block ("---\ntitle: ...\n---\n"), one line per
    # field (values are quoted when they contain control characters); the metadata we keep goes to columns.
    if text is None or not text.startswith("---\n"):
        return text
    end = text.find("\n---\n", 3)
    return text[end + 5 :] if end >= 0 else text


def extract_html(
    payload: bytes, cfg: ExtractConfig | ExtractOptions, http_charset: str | None = None, url: str | None = None
) -> ExtractResult:
    """Decode `payload` and extract its main text with trafilatura (in this process, no time budget).

    Raises `HtmlTooLarge` above `cfg.max_html_bytes` and `UndecodableHtml` for binary payloads.
    """
    if len(payload) > cfg.max_html_bytes:
        raise HtmlTooLarge(f"{len(payload)} bytes > max_html_bytes={cfg.max_html_bytes}")
    html, charset = decode_html(payload, http_charset)
    # The payload is decoded now: a leftover `<?xml ... encoding=...?>` would only make lxml refuse the string
    # and trafilatura parse the page a second time.
    decl = _XML_DECL_TEXT_RE.match(html)
    if decl is not None:
        html = html[decl.end() :]
    options = _trafilatura_options(cfg)
    # A fresh cache per page: trafilatura's default cache is process-wide, which would make the output depend
    # on which documents a worker happened to see before.
    dedup: bool | LRUCache = LRUCache(maxsize=LRU_SIZE) if cfg.deduplicate else False
    title: str | None = None
    if cfg.with_metadata:
        document = trafilatura.extract_with_metadata(html, url=url, deduplicate=dedup, **options)
        text = _strip_metadata_header(document.text) if document is not None else None
        title = (document.title or None) if document is not None else None
    else:
        text = trafilatura.extract(html, url=url, deduplicate=dedup, **options)
    if text is None or not text.strip():
        text = ""
    return ExtractResult(text=text, title=title, charset=charset)
