"""Progress of a running job, watched from the launching process.

The map phase leaves notes in the output directory while it works (transforms/engine/map_phase.py):
`_temporary/plan/*.json` (how many splits each input file makes), `<sid>.progress.json` every few seconds while a split is read (records,
bytes) and `<sid>.done.json` when a split is finished (its counts). A thread of the launcher reads them every
`interval` seconds through Beam's FileSystems, so it works the same for a local directory and for gs:// / s3://
(a cluster run), whatever the runner, and shows:

    map: splits 12/40, 48210 records (2711 kept), 63.2 docs/s, 41% of 668.4 MB, about 9m10s left

On a terminal it is one line, redrawn in place; otherwise (a log file, CI, a cluster launcher) a log line every
`log_every` seconds. When every split is mapped it says so and the decide / apply phases run until the job ends.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any, TextIO

from apache_beam.io.filesystems import FileSystems

from transforms.write import plan_dir, splits_dir

__all__ = ["Progress", "ProgressState", "format_eta"]

log = logging.getLogger("crawlwash")


def format_eta(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


def _read_json(path: str) -> Any:
    try:
        with FileSystems.open(path) as f:
            return json.loads(f.read().decode("utf-8"))
    except Exception:  # noqa: BLE001 - a note being replaced or already cleaned up: read it next time
        return None


class ProgressState:
    """What the notes say at one moment; `line()` is the text shown."""

    def __init__(self, out_dir: str, inputs: Mapping[str, int]) -> None:
        self.out_dir = out_dir
        self.sizes = dict(inputs)
        self.total_bytes = sum(self.sizes.values())
        self.planned: int | None = None  # splits in all, once every input file has been planned
        self._plan_notes: dict[str, int] = {}
        self.done: dict[str, dict[str, Any]] = {}  # sid -> marker (read once)
        self.running: dict[str, dict[str, Any]] = {}  # sid -> latest progress note
        self.started = time.monotonic()
        self._base: tuple[int, int] | None = None  # (records, bytes) already done when watching began (resume)

    def _split_bytes(self, marker: Mapping[str, Any]) -> int:
        end = marker.get("end")
        if end is None:
            end = self.sizes.get(marker.get("path", ""), 0)
        return max(0, int(end) - int(marker.get("start", 0)))

    def poll(self) -> None:
        """Read the notes that changed since the last poll."""
        if self.planned is None:
            self._poll_plan()
        try:
            found = FileSystems.match([FileSystems.join(splits_dir(self.out_dir), "*.json")])[0].metadata_list
        except Exception:  # noqa: BLE001 - the directory does not exist yet
            return
        running: dict[str, dict[str, Any]] = {}
        for meta in found:
            name = meta.path.rsplit("/", 1)[-1]
            sid, _, kind = name.partition(".")
            if kind == "done.json" and sid not in self.done:
                marker = _read_json(meta.path)
                if marker is not None:
                    self.done[sid] = marker
            elif kind == "progress.json" and sid not in self.done:
                note = _read_json(meta.path)
                if note is not None:
                    running[sid] = note
        self.running = {sid: note for sid, note in running.items() if sid not in self.done}
        if self._base is None:
            self._base = (self.records, self.bytes_done)

    def _poll_plan(self) -> None:
        try:
            found = FileSystems.match([FileSystems.join(plan_dir(self.out_dir), "*.json")])[0].metadata_list
        except Exception:  # noqa: BLE001 - no note yet
            return
        for meta in found:
            if meta.path not in self._plan_notes:
                note = _read_json(meta.path)
                if note is not None:
                    self._plan_notes[meta.path] = int(note["splits"])
        if len(self._plan_notes) >= len(self.sizes):  # every input file planned: the split count is known
            self.planned = sum(self._plan_notes.values())

    @property
    def records(self) -> int:
        done = sum(int(m.get("counts", {}).get("read", 0)) for m in self.done.values())
        return done + sum(int(n.get("records", 0)) for n in self.running.values())

    @property
    def kept(self) -> int:
        done = sum(int(m.get("docs", 0)) for m in self.done.values())
        return done + sum(int(n.get("kept", 0)) for n in self.running.values())

    @property
    def bytes_done(self) -> int:
        done = sum(self._split_bytes(m) for m in self.done.values())
        return done + sum(int(n.get("bytes", 0)) for n in self.running.values())

    @property
    def mapped(self) -> bool:
        return self.planned is not None and len(self.done) >= self.planned

    def line(self) -> str:
        elapsed = max(1e-6, time.monotonic() - self.started)
        base_records, base_bytes = self._base or (0, 0)
        records, done_bytes = self.records, self.bytes_done
        rate = (records - base_records) / elapsed
        splits = f"{len(self.done)}/{self.planned}" if self.planned is not None else f"{len(self.done)}/?"
        text = f"map: splits {splits}, {records} records, {self.kept} staged, {rate:.1f} docs/s"
        if self.mapped:
            return f"map done: {splits} splits, {records} records, {self.kept} staged; deciding and writing shards " \
                f"({format_eta(elapsed)} elapsed)"  # fmt: skip
        if self.total_bytes:
            share = min(1.0, done_bytes / self.total_bytes)
            text += f", {share:.0%} of {self.total_bytes / 1e6:.1f} MB"
            byte_rate = (done_bytes - base_bytes) / elapsed
            if byte_rate > 0 and elapsed >= 5:
                text += f", about {format_eta((self.total_bytes - done_bytes) / byte_rate)} left (map)"
        return text


class Progress:
    """The watching thread: `with Progress(out_dir, inputs): result.wait_until_finish()`."""

    def __init__(self, out_dir: str, inputs: Mapping[str, int], *, stream: TextIO | None = None,
                 interval: float | None = None, log_every: float = 15.0, enabled: bool = True) -> None:  # fmt: skip
        self.state = ProgressState(out_dir, inputs)
        self._stream = stream if stream is not None else sys.stderr
        self._tty = bool(getattr(self._stream, "isatty", lambda: False)())
        remote = "://" in out_dir
        self._interval = interval if interval is not None else (15.0 if remote else 1.0)
        self._log_every = log_every
        self._enabled = enabled
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_log = time.monotonic()  # the first log line after `log_every`, when there is news
        self._width = 0

    def __enter__(self) -> Progress:
        if self._enabled:
            self._thread = threading.Thread(target=self._watch, name="crawlwash-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._tty and self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()

    def _watch(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.state.poll()
                self._show(self.state.line())
            except Exception as exc:  # noqa: BLE001 - progress must never take the job down
                log.debug("progress: %s", exc)

    def _show(self, text: str) -> None:
        if self._tty:
            text = text[: max(20, shutil.get_terminal_size().columns - 1)]
            padded = text.ljust(self._width)
            self._width = len(text)
            self._stream.write("\r" + padded)
            self._stream.flush()
        elif time.monotonic() - self._last_log >= self._log_every:
            self._last_log = time.monotonic()
            log.info("progress: %s", text)
