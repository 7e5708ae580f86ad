"""Progress of a running job, watched from the launching process.

The map phase leaves notes in the output directory while it works (transforms/engine/map_phase.py):
`_temporary/plan/*.json` (how many splits each input file makes), `<sid>.progress.json` every few seconds while a split is read (records,
bytes) and `<sid>.done.json` when a split is finished (its counts). A thread of the launcher reads them every
`interval` seconds through Beam's FileSystems, so it works the same for a local directory and for gs:// / s3://
(a cluster run), whatever the runner, and shows:

    map: splits 12/40, 48210 records, 2711 staged (5.6%), 63.2 records/s, 41% of 668.4 MB, about 9m10s left (map)

On a terminal it is one live progress bar (tqdm), redrawn in place, with the same figures and tqdm's time left:

    map  41%|████▏     | 48210 records, 63.2 records/s, kept 5.6%, splits 12/40 [00:41<00:59]

otherwise (a log file, CI, Airflow, a cluster launcher) the line above as a log line every `log_every` seconds.
"kept" is the share of the records read that the map phase staged (dedup and the frequent-line pass come after).
When every split is mapped it says so and the decide / apply phases run until the job ends.
"""

from __future__ import annotations

import json
import logging
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

    @property
    def kept_share(self) -> float:
        """Documents staged by the map phase per record read."""
        return self.kept / self.records if self.records else 0.0

    def rate(self) -> float:
        """Records read per second since watching began."""
        return (self.records - (self._base or (0, 0))[0]) / max(1e-6, time.monotonic() - self.started)

    def line(self) -> str:
        elapsed = max(1e-6, time.monotonic() - self.started)
        base_bytes = (self._base or (0, 0))[1]
        records, done_bytes = self.records, self.bytes_done
        splits = f"{len(self.done)}/{self.planned}" if self.planned is not None else f"{len(self.done)}/?"
        text = f"map: splits {splits}, {records} records, {self.kept} staged ({self.kept_share:.1%}), " \
            f"{self.rate():.1f} records/s"  # fmt: skip
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
        self._bar: Any = None  # the terminal's tqdm bar, made on the first poll

    def __enter__(self) -> Progress:
        if self._enabled:
            self._thread = threading.Thread(target=self._watch, name="crawlwash-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._bar is not None:
            self._bar.close()  # leave=False: the line is cleared for the summary

    def _watch(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.state.poll()
                self._show()
            except Exception as exc:  # noqa: BLE001 - progress must never take the job down
                log.debug("progress: %s", exc)

    def _show(self) -> None:
        if self._tty:
            self._draw()
        elif time.monotonic() - self._last_log >= self._log_every:
            self._last_log = time.monotonic()
            log.info("progress: %s", self.state.line())

    def _draw(self) -> None:
        from tqdm import tqdm  # a terminal only

        state = self.state
        if self._bar is None:
            self._bar = _bar_class(tqdm)(
                total=state.total_bytes or None, unit="B", unit_scale=True, unit_divisor=1000, file=self._stream,
                dynamic_ncols=True, leave=False, mininterval=0,
                bar_format="{phase} {percentage:3.0f}%|{bar}| {info} [{elapsed}<{remaining}]",
            )  # fmt: skip
        bar = self._bar
        splits = f"{len(state.done)}/{state.planned if state.planned is not None else '?'}"
        if state.mapped:
            bar.phase = "map done"
            bar.info = f"{state.records} records, kept {state.kept_share:.1%}; deciding and writing shards"
        else:
            bar.info = (f"{state.records} records, {state.rate():.1f} records/s, kept {state.kept_share:.1%}, "
                        f"splits {splits}")  # fmt: skip
        bar.update(max(0, min(state.bytes_done, bar.total or state.bytes_done) - bar.n))
        bar.refresh()


def _bar_class(tqdm: type) -> type:
    """tqdm with two fields of its own in `bar_format`: `phase` and `info` (tqdm's postfix starts with a comma)."""

    class _Bar(tqdm):  # type: ignore[misc, valid-type]
        phase = "map"
        info = ""

        @property
        def format_dict(self) -> dict[str, Any]:
            return {**super().format_dict, "phase": self.phase, "info": self.info}

    return _Bar
