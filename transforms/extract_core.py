"""Extraction core (no Beam import): charset decoding, trafilatura with options from `ExtractConfig`, and the
sandbox process that bounds each page's time.

- `decode_html`: charset from the BOM, the HTTP header, the `<meta>`/XML declaration, detection, else UTF-8 with
  replacement.
- `extract_html`: decode + `trafilatura.extract` with the configured options.
- `ExtractorSandbox`: runs `extract_html` in a persistent child process so that a pathological page can be abandoned
  after `timeout_s` (threads cannot be killed and SIGALRM only works in the main thread, while Beam runs bundles in
  worker threads). The child is a fresh interpreter (never a fork: the Beam worker has gRPC threads) that imports
  only this module (no Beam, so it starts fast and small), killed and restarted on timeout or crash, and exits by
  itself when its parent dies.
"""

from __future__ import annotations

import codecs
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal, Self

import charset_normalizer
import trafilatura
from pydantic import Field
from trafilatura.deduplication import LRUCache
from trafilatura.settings import LRU_SIZE

from transforms.section import Section

__all__ = [
    "REASON_NO_TEXT_EXTRACTED",
    "ExtractConfig",
    "ExtractError",
    "ExtractResult",
    "ExtractionError",
    "ExtractionTimeout",
    "ExtractorCrashed",
    "ExtractorSandbox",
    "HtmlTooLarge",
    "UndecodableHtml",
    "decode_html",
    "extract_html",
    "normalize_charset",
    "sniff_meta_charset",
]

log = logging.getLogger(__name__)

STAGE = "extract"
# The directory holding the `transforms` package, for the sandbox child's sys.path.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])
REASON_NO_TEXT_EXTRACTED = "no_text_extracted"



class ExtractConfig(Section):
    """Section `extract`: how HTML payloads become text."""

    favor: Literal["precision", "recall", "balanced"] = Field(
        "balanced",
        description="trafilatura's trade-off: 'precision' (less text, less boilerplate), 'recall' (more text, "
        "more noise) or 'balanced' (trafilatura's default).",
    )
    include_tables: bool = Field(True, description="Keep the text of <table> elements.")
    include_comments: bool = Field(
        False, description="Keep user comments found below the main content (usually low quality)."
    )
    include_links: bool = Field(False, description="Keep link targets in the text (markdown-style).")
    fast: bool = Field(
        False,
        description="trafilatura's fast mode: no fallback extractors (readability/jusText); faster, a little "
        "less text on hard pages.",
    )
    with_metadata: bool = Field(
        False, description="Also extract metadata (sets the title); costs extra time per page."
    )
    deduplicate: bool = Field(
        False,
        description="trafilatura's dedup: drop a text segment (over 100 chars) from its third repetition on. "
        "Scoped to one page (a fresh cache per document) so that results do not depend on document order; "
        "cross-document dedup is the dedup stage's job.",
    )
    max_html_bytes: int = Field(
        5_000_000, gt=0, description="Payloads larger than this many bytes are failed, not extracted."
    )
    timeout_s: float = Field(
        10.0,
        ge=0,
        description="Per-document time budget in seconds for decoding + extraction, enforced in a sandbox "
        "process that is killed and restarted on overrun (a Failed row). 0 disables the budget and the "
        "sandbox: extraction then runs in the worker process itself.",
    )
    sandbox_pool_size: int = Field(
        4,
        ge=1,
        description="Most extraction sandbox processes per worker process: one per thread extracting at the same "
        "time, shared by every stage instance of the process (a single-threaded worker starts one).",
    )


@dataclass(frozen=True, slots=True)
class ExtractResult:
    """What extraction made of one payload: `text` is "" when trafilatura found no main text."""

    text: str
    title: str | None
    charset: str


class ExtractError(Exception):
    """Base class of the per-document extraction failures (each becomes a Failed row)."""


class HtmlTooLarge(ExtractError):
    """The payload is larger than `max_html_bytes`."""


class UndecodableHtml(ExtractError):
    """No charset turns the payload into text (binary data or heavy corruption)."""


class ExtractionTimeout(ExtractError):
    """Decoding + extraction exceeded the per-document time budget."""


class ExtractorCrashed(ExtractError):
    """The sandbox process died while working on the document (or could not start)."""


class ExtractionError(ExtractError):
    """trafilatura (or the decoder) raised inside the sandbox; the message names the original exception."""


# --------------------------------------------------------------------------------------------------------------
# Charsets
# --------------------------------------------------------------------------------------------------------------

# Labels browsers know that Python does not (WHATWG Encoding Standard), mapped to Python codec names.
_LABEL_ALIASES = {
    "windows-874": "cp874",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "x-euc-jp": "euc_jp",
    "x-gbk": "gb18030",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-ukrainian": "mac-cyrillic",
    "x-mac-roman": "mac-roman",
    "iso-8859-8-i": "iso8859-8",
    "csiso88598i": "iso8859-8",
    "logical": "iso8859-8",
    "visual": "iso8859-8",
    "x-cp1250": "cp1250",
    "x-cp1251": "cp1251",
    "x-cp1252": "cp1252",
    "x-cp1253": "cp1253",
    "x-cp1254": "cp1254",
    "x-cp1255": "cp1255",
    "x-cp1256": "cp1256",
    "x-cp1257": "cp1257",
    "x-cp1258": "cp1258",
    "windows-949": "cp949",
    "x-x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "csbig5": "big5hkscs",
    "x-user-defined": "cp1252",
    "unicode-1-1-utf-8": "utf-8",
    "unicode11utf8": "utf-8",
    "unicode20utf8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "unicodefeff": "utf-16-le",
    "unicodefffe": "utf-16-be",
    "ucs-2": "utf-16-le",
    "csunicode": "utf-16-le",
    "iso-10646-ucs-2": "utf-16-le",
    "dos-874": "cp874",
}

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
    name = _LABEL_ALIASES.get(key, key)
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


# --------------------------------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------------------------------


def _trafilatura_options(cfg: ExtractConfig) -> dict[str, Any]:
    return {
        "fast": cfg.fast,
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
    payload: bytes, cfg: ExtractConfig, http_charset: str | None = None, url: str | None = None
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


# --------------------------------------------------------------------------------------------------------------
# Sandbox
# --------------------------------------------------------------------------------------------------------------

_READY = b"ready"
_OK = "ok"
_ERROR = "error"
_KNOWN_ERRORS: dict[str, type[ExtractError]] = {
    "HtmlTooLarge": HtmlTooLarge,
    "UndecodableHtml": UndecodableHtml,
}
_PARENT_POLL_S = 0.5
# The child is a fresh interpreter that imports this module from the same place as the parent did. (Not
# multiprocessing's spawn: it re-runs the parent's __main__ in the child, which breaks under `python -c`, stdin,
# notebooks and some launchers.)
_CHILD_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from transforms.extract_core import _sandbox_main; _sandbox_main(int(sys.argv[2]), int(sys.argv[3]))"
)


def _dumps(obj: Any) -> bytes:
    # JSON, never pickle, across the process boundary: the child parses untrusted HTML, so nothing it sends back
    # may be able to run code in the parent when decoded.
    return json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _loads(data: bytes) -> Any:
    return json.loads(data.decode("utf-8", "surrogatepass"))


def _exit_when_orphaned(parent_pid: int) -> None:
    # When the parent dies the child is re-parented (to init or a subreaper): stop at once, even mid-page.
    while os.getppid() == parent_pid:
        time.sleep(_PARENT_POLL_S)
    os._exit(0)


def _sandbox_main(fd: int, parent_pid: int) -> None:
    """Child process: serve extraction requests over the socket `fd` until the parent closes it or dies."""
    # Ctrl-C in a terminal reaches the whole process group: the parent decides when this child stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_when_orphaned, args=(parent_pid,), name="parent-watch", daemon=True).start()
    # trafilatura logs a warning for every page it discards; here nobody would read it.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    conn = Connection(fd)
    cfg = ExtractConfig(**_loads(conn.recv_bytes()))
    conn.send_bytes(_READY)
    while True:
        try:
            http_charset, url = _loads(conn.recv_bytes())
            payload = conn.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            res = extract_html(payload, cfg, http_charset=http_charset, url=url)
            reply: list = [_OK, res.text, res.title, res.charset]
        except Exception as exc:  # noqa: BLE001 -- any error on one page: the parent makes it a Failed row
            reply = [_ERROR, type(exc).__name__, str(exc).strip().replace("\n", " ")]
        try:
            conn.send_bytes(_dumps(reply))
        except (EOFError, OSError):
            return


def _stop_child(proc: subprocess.Popen, conn: Connection, kill: bool = False) -> None:
    """Close the socket (an idle child exits on EOF; a busy one is killed) and reap the process."""
    if kill:
        proc.kill()
    try:
        conn.close()
    except OSError:
        pass
    try:
        proc.wait(2.0)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class ExtractorSandbox:
    """`extract_html` in a persistent child process, with a per-document time budget.

    The child is a fresh interpreter (`subprocess`, never fork: the caller may have gRPC threads whose locks a
    fork would copy) connected by a socket pair. A request is two messages: (http charset, url), then the raw
    payload bytes as they are; the reply is a small tuple. On timeout the child is killed (SIGKILL) and a fresh
    one is started; the time a fresh child needs to start is not charged to any document. The child exits by
    itself when the socket closes or when its parent process dies, even in the middle of a page.
    Calls are serialized with a lock.
    """

    def __init__(self, cfg: ExtractConfig, startup_timeout_s: float = 120.0) -> None:
        self._cfg = cfg
        self._options = cfg.model_dump()
        self._startup_timeout_s = startup_timeout_s
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._conn: Connection | None = None
        self._ready = False
        self._finalizer: weakref.finalize | None = None
        self.starts = 0  # how many child processes were started (1 + restarts)
        self._start()

    @property
    def pid(self) -> int | None:
        """Process id of the current child (for monitoring and tests)."""
        return self._proc.pid if self._proc is not None else None

    def _start(self) -> None:
        parent_sock, child_sock = socket.socketpair()
        child_fd = child_sock.detach()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-c", _CHILD_BOOT, _PACKAGE_ROOT, str(child_fd), str(os.getpid())],
                pass_fds=(child_fd,),
                stdin=subprocess.DEVNULL,
            )
        except BaseException:
            parent_sock.close()
            raise
        finally:
            os.close(child_fd)
        conn = Connection(parent_sock.detach())
        self._proc, self._conn, self._ready = proc, conn, False
        self._finalizer = weakref.finalize(self, _stop_child, proc, conn)
        self.starts += 1
        try:
            conn.send_bytes(_dumps(self._options))
        except OSError:
            pass  # the child is already gone: _await_ready reports it

    def _stop(self, kill: bool = False) -> None:
        if self._finalizer is not None:
            detached = self._finalizer.detach()  # None if it already ran (at interpreter exit)
            if detached is not None:
                _, func, args, _ = detached
                func(*args, kill=kill)
            self._finalizer = None
        self._proc = self._conn = None
        self._ready = False

    def _restart(self, kill: bool = False) -> None:
        self._stop(kill=kill)
        self._start()

    def _exit_code(self) -> int | None:
        try:
            return self._proc.wait(1.0)
        except subprocess.TimeoutExpired:
            return None

    def _await_ready(self) -> None:
        if self._ready:
            return
        try:
            if not self._conn.poll(self._startup_timeout_s):
                self._stop(kill=True)
                raise ExtractorCrashed(f"extraction process did not start within {self._startup_timeout_s} s")
            msg = self._conn.recv_bytes()
        except (EOFError, OSError) as exc:
            code = self._exit_code()
            self._stop()
            raise ExtractorCrashed(f"extraction process exited during startup (exit code {code})") from exc
        if msg != _READY:
            self._stop(kill=True)
            raise ExtractorCrashed(f"unexpected startup message from extraction process: {msg[:40]!r}")
        self._ready = True

    def _send(self, payload: bytes, http_charset: str | None, url: str | None) -> None:
        for attempt in (1, 2):
            if self._proc is None or self._proc.poll() is not None:
                self._restart()
            self._await_ready()
            try:
                self._conn.send_bytes(_dumps([http_charset, url]))
                self._conn.send_bytes(payload)
                return
            except OSError:
                # The idle child died between documents: it never saw this one, so start over once.
                if attempt == 2:
                    raise
                self._restart()

    def extract(
        self, payload: bytes, http_charset: str | None = None, url: str | None = None
    ) -> ExtractResult:
        """Like `extract_html(payload, cfg, ...)`, bounded by `cfg.timeout_s` (0: wait as long as it takes).

        Raises `HtmlTooLarge` (checked here, nothing is sent), `UndecodableHtml`, `ExtractionTimeout`,
        `ExtractorCrashed` or `ExtractionError`.
        """
        if len(payload) > self._cfg.max_html_bytes:
            raise HtmlTooLarge(f"{len(payload)} bytes > max_html_bytes={self._cfg.max_html_bytes}")
        timeout_s = self._cfg.timeout_s
        with self._lock:
            try:
                self._send(payload, http_charset, url)
                if timeout_s > 0 and not self._conn.poll(timeout_s):
                    log.warning(
                        "extraction of %s exceeded %s s: restarting the sandbox process", url, timeout_s
                    )
                    self._restart(kill=True)
                    raise ExtractionTimeout(f"exceeded {timeout_s} s")
                reply = _loads(self._conn.recv_bytes())
            except (EOFError, OSError) as exc:
                code = self._exit_code()
                log.warning("sandbox process died (exit code %s) on %s: restarting it", code, url)
                self._restart(kill=True)
                raise ExtractorCrashed(f"extraction process died (exit code {code})") from exc
        if reply[0] == _OK:
            return ExtractResult(text=reply[1], title=reply[2], charset=reply[3])
        name, message = reply[1], reply[2]
        known = _KNOWN_ERRORS.get(name)
        if known is not None:
            raise known(message)
        raise ExtractionError(f"{name}: {message}" if message else name)

    def close(self) -> None:
        """Stop the child process (idempotent)."""
        with self._lock:
            self._stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
