"""`ExtractorSandbox`: extraction in a persistent child process, with a per-page time budget."""

from __future__ import annotations

import dataclasses
import gc
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

# The plain types only: the child imports this module, and starts faster without pydantic (0.15 s).
from transforms.extract.types import (
    ExtractError,
    ExtractionError,
    ExtractionTimeout,
    ExtractOptions,
    ExtractorCrashed,
    ExtractResult,
    HtmlTooLarge,
    UndecodableHtml,
)

if TYPE_CHECKING:
    from transforms.extract.config import ExtractConfig

__all__ = ["ExtractorSandbox"]


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
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the directory holding `transforms/`
_CHILD_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from transforms.extract.sandbox import _sandbox_main; _sandbox_main(int(sys.argv[2]), int(sys.argv[3]))"
)

log = logging.getLogger(__name__)


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
    from transforms.extract.html import extract_html  # trafilatura: the child only, never the parent

    # trafilatura, lxml, charset_normalizer and their modules live as long as the child: frozen, the collector's
    # passes skip them (gc 0.20 -> 0.08 s over the 990 bench pages, the bare loop timed with gc.callbacks). Not
    # `transforms.core.per_process.freeze_heap`: that module imports Beam, which this child never loads.
    gc.freeze()
    conn = Connection(fd)
    cfg = ExtractOptions(**_loads(conn.recv_bytes()))
    conn.send_bytes(_READY)
    while True:
        try:
            http_charset, url = _loads(conn.recv_bytes())
            payload = conn.recv_bytes()
        except (EOFError, OSError):
            # The parent closed the socket: nothing is left to send, and nothing was written anywhere else. Exit
            # at once, without the interpreter's teardown of trafilatura's and lxml's objects: the parent waits
            # for this exit at the end of every run (0.12 s -> 0.01 s).
            os._exit(0)
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

    `extract` is `submit` then `collect`: a caller may send the next document, do other work while the child
    extracts it, and collect the result later (the map phase extracts a split's next page while the stages after
    extraction run on the current one). The time budget counts from the moment the document was sent.
    """

    def __init__(self, cfg: ExtractConfig, startup_timeout_s: float = 120.0) -> None:
        self._cfg = cfg
        self._options = dataclasses.asdict(cfg.options())
        self._startup_timeout_s = startup_timeout_s
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._conn: Connection | None = None
        self._ready = False
        self._finalizer: weakref.finalize | None = None
        self._inflight: tuple[str | None, float] | None = None  # (url, sent at) of the document being extracted
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

    def wait_ready(self) -> None:
        """Start the child if it is not running and wait until it is ready for documents."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._restart()
            self._await_ready()

    def extract(
        self, payload: bytes, http_charset: str | None = None, url: str | None = None
    ) -> ExtractResult:
        """Like `extract_html(payload, cfg, ...)`, bounded by `cfg.timeout_s` (0: wait as long as it takes).

        Raises `HtmlTooLarge` (checked here, nothing is sent), `UndecodableHtml`, `ExtractionTimeout`,
        `ExtractorCrashed` or `ExtractionError`.
        """
        self.submit(payload, http_charset, url)
        return self.collect()

    def submit(self, payload: bytes, http_charset: str | None = None, url: str | None = None) -> None:
        """Send one document to the child; `collect()` gives its result. Until then the sandbox is this caller's
        (the lock is held from here to the end of `collect`)."""
        if len(payload) > self._cfg.max_html_bytes:
            raise HtmlTooLarge(f"{len(payload)} bytes > max_html_bytes={self._cfg.max_html_bytes}")
        self._lock.acquire()
        try:
            self._send(payload, http_charset, url)
        except (EOFError, OSError) as exc:
            try:
                raise self._crashed(url) from exc
            finally:
                self._lock.release()
        except BaseException:
            self._lock.release()
            raise
        self._inflight = (url, time.monotonic())

    def cancel(self) -> None:
        """Give up the document `submit` sent, without waiting for it: the child is stopped (a later call starts
        a fresh one)."""
        if self._inflight is None:
            return
        self._inflight = None
        try:
            self._stop(kill=True)
        finally:
            self._lock.release()

    def collect(self) -> ExtractResult:
        """The result of the document `submit` sent (waiting at most what is left of its time budget)."""
        if self._inflight is None:
            raise RuntimeError("collect() without submit()")
        (url, sent), self._inflight = self._inflight, None
        timeout_s = self._cfg.timeout_s
        try:
            if timeout_s > 0 and not self._conn.poll(max(0.0, sent + timeout_s - time.monotonic())):
                log.warning("extraction of %s exceeded %s s: restarting the sandbox process", url, timeout_s)
                self._restart(kill=True)
                raise ExtractionTimeout(f"exceeded {timeout_s} s")
            reply = _loads(self._conn.recv_bytes())
        except (EOFError, OSError) as exc:
            raise self._crashed(url) from exc
        finally:
            self._lock.release()
        if reply[0] == _OK:
            return ExtractResult(text=reply[1], title=reply[2], charset=reply[3])
        name, message = reply[1], reply[2]
        known = _KNOWN_ERRORS.get(name)
        if known is not None:
            raise known(message)
        raise ExtractionError(f"{name}: {message}" if message else name)

    def _crashed(self, url: str | None) -> ExtractorCrashed:
        code = self._exit_code()
        log.warning("sandbox process died (exit code %s) on %s: restarting it", code, url)
        self._restart(kill=True)
        return ExtractorCrashed(f"extraction process died (exit code {code})")

    def close(self) -> None:
        """Stop the child process (idempotent)."""
        with self._lock:
            self._stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
