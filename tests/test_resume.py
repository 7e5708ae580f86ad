"""A killed run resumed with `output.if_exists=resume` redoes only the splits that did not complete and gives the
same shards as an uninterrupted run; a changed config or input list is refused; a remote read that fails once,
mid-read, is retried (the split is read again) instead of becoming a corrupt-file row.

Input: the first 80 records of the real bench WARC (one gzip member per record, as Common Crawl's), read as
splits of 256 KB (about 8 splits), on the default runner (DirectRunner, multi-processing).
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import time
import zlib
from pathlib import Path

import pytest
from apache_beam.io.filesystem import CompressionTypes, FileMetadata, MatchResult
from apache_beam.io.localfilesystem import LocalFileSystem

from pipelines import cli
from tests.badinput import cli_command, cli_env, run_cli
from tests.conftest import BENCH_WARC

OUTPUTS = ("data", "rejected", "errors")
SPLITS = ["--set", "read.split_bytes=262144"]


@pytest.fixture(scope="module")
def small_cc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = BENCH_WARC.read_bytes()
    pos = 0
    for _ in range(80):
        d = zlib.decompressobj(31)
        d.decompress(data[pos:])
        pos = len(data) - len(d.unused_data)
    path = tmp_path_factory.mktemp("resume_in") / "cc-80.warc.gz"
    path.write_bytes(data[:pos])
    return path


def _snapshot(out: Path) -> dict[str, bytes]:
    files = {f"{k}/{f.name}": f.read_bytes() for k in OUTPUTS for f in sorted((out / k).glob("*.parquet"))}
    files["stats.json"] = (out / "stats.json").read_bytes()
    return files


def _args(src: Path, out: Path, *extra: str) -> list[str]:
    return ["run", "--input", str(src), "--output", str(out), *SPLITS, *extra]


@pytest.fixture(scope="module")
def clean(small_cc: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("resume_clean") / "out"
    run = run_cli(_args(small_cc, out), cwd=out.parent)
    assert run.returncode == 0, run.stderr[-3000:]
    return _snapshot(out)


def _kill_after_markers(args: list[str], cwd: Path, markers: Path, n: int, timeout_s: float = 240) -> int:
    """Start `crawlwash run`, SIGKILL its process group once `n` split markers exist; the markers seen."""
    proc = subprocess.Popen(cli_command(args), cwd=cwd, env=cli_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(markers.glob("*.done.json"))) >= n:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    time.sleep(0.5)  # orphaned workers notice their parent is gone
    return len(list(markers.glob("*.done.json")))


def test_killed_run_resumes_to_identical_shards(
    small_cc: Path, clean: dict[str, bytes], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    resume = ["--set", "output.if_exists=resume"]
    done = _kill_after_markers(_args(small_cc, out, *resume), tmp_path, out / "_temporary" / "splits", 3)
    assert done >= 3 and not (out / "_SUCCESS").exists()
    # the same output with another config or another input list is refused before any work
    changed = run_cli(_args(small_cc, out, *resume, "--set", "quality.gopher_min_words=40"), cwd=tmp_path)
    assert changed.returncode == 2
    assert (
        "was started with a different config (config keys changed: quality.gopher_min_words)"
        in changed.stderr
    )
    more = run_cli([*_args(small_cc, out, *resume), "--input", str(BENCH_WARC)], cwd=tmp_path)
    assert more.returncode == 2 and "different input list (inputs added: 1" in more.stderr
    # the same command again: the completed splits are not read again
    run = run_cli([*_args(small_cc, out, *resume), "-v"], cwd=tmp_path)  # -v: each split's debug line
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stderr.count("already done (resume or retry)") >= done
    assert json.loads((out / "run_info.json").read_text())["splits_reused"] >= done
    assert _snapshot(out) == clean
    assert not (out / "_temporary").exists()
    # once complete, resuming again does nothing and reports the same ledger
    again = run_cli(_args(small_cc, out, *resume), cwd=tmp_path)
    assert again.returncode == 0 and "nothing to do" in again.stderr
    assert _snapshot(out) == clean


# -- a remote file system whose stream breaks once, mid-read -------------------------------------------------------

_STATE = {"marker": None, "after": 0}


class _BreaksOnce(io.RawIOBase):
    """A file that raises ConnectionResetError once, after `after` bytes (the marker file records it)."""

    def __init__(self, path: str) -> None:
        self._f = open(path, "rb")  # noqa: SIM115 - closed by close()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._f.seek(offset, whence)

    def tell(self) -> int:
        return self._f.tell()

    def readinto(self, buffer) -> int:  # noqa: ANN001
        marker: Path = _STATE["marker"]
        if self._f.tell() >= _STATE["after"] and not marker.exists():
            marker.write_text("failed once")
            raise ConnectionResetError("connection reset by peer (test)")
        data = self._f.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._f.close()
        super().close()


class FlakyFileSystem(LocalFileSystem):
    """`flaky://<local path>`: the local file system, but the first read past a byte offset fails."""

    PREFIX = "flaky://"

    @classmethod
    def scheme(cls) -> str:
        return "flaky"

    def _local(self, path: str) -> str:
        return path[len(self.PREFIX) :] if path.startswith(self.PREFIX) else path

    def match(self, patterns, limits=None):  # noqa: ANN001, ANN201
        results = super().match([self._local(p) for p in patterns], limits)
        return [
            MatchResult(
                self.PREFIX + r.pattern,
                [
                    FileMetadata(self.PREFIX + m.path, m.size_in_bytes, m.last_updated_in_seconds)
                    for m in r.metadata_list
                ],
            )
            for r in results
        ]

    def open(self, path, mime_type="application/octet-stream", compression_type=CompressionTypes.AUTO):  # noqa: ANN001, ANN201
        return io.BufferedReader(_BreaksOnce(self._local(path)))

    def exists(self, path: str) -> bool:
        return super().exists(self._local(path))

    def size(self, path: str) -> int:
        return super().size(self._local(path))


def test_a_read_that_fails_once_mid_read_retries_the_split(
    small_cc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _STATE.update(marker=tmp_path / "failed-once", after=small_cc.stat().st_size // 2)
    monkeypatch.chdir(tmp_path)
    one_process = ["--direct_running_mode=in_memory", "--direct_num_workers=1"]  # the flaky scheme lives here
    args = ["run", "--input", f"flaky://{small_cc}", "--set", "pipeline.stages=[extract]", *one_process]
    assert cli.run([*args, "--output", str(tmp_path / "flaky")]) == 0
    assert (tmp_path / "failed-once").read_text() == "failed once"  # the read did fail, mid-file
    assert cli.run([*args[:2], str(small_cc), *args[3:], "--output", str(tmp_path / "plain")]) == 0
    capsys.readouterr()
    flaky = json.loads((tmp_path / "flaky" / "stats.json").read_text())
    plain = json.loads((tmp_path / "plain" / "stats.json").read_text())
    assert flaky["failed"] == 0 and flaky["balanced"]  # no corrupt-file row, nothing lost
    assert {k: flaky[k] for k in ("read", "kept", "dropped", "dropped_by_stage")} == {
        k: plain[k] for k in ("read", "kept", "dropped", "dropped_by_stage")
    }
