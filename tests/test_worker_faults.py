"""Worker faults on the portable runner: Beam's job service and an external worker pool as separate processes
(tests/portable.py, the API Flink's and Spark's job servers expose). An SDK worker process is SIGKILLed mid-job.

What happens (Beam's local job service, 2.77 and 2.62 alike): the job fails, exit code 1, the CLI's last line reads
`crawlwash: job failed: RuntimeError: Pipeline job-... failed in state FAILED: ...` (the cause, "Channel closed
prematurely", follows), and no `_SUCCESS` and no partial shard are written; the worker
pool starts fresh workers for the next job, and re-running with `output.if_exists=overwrite` gives exactly the
output of a DirectRunner run. (Flink and Spark retry the failed tasks themselves; this local service does not.)
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.badinput import cli_command, cli_env, run_cli
from tests.conftest import WARC_DIR
from tests.portable import PortableServices, portable_services  # noqa: F401  (pytest fixture)

log = logging.getLogger(__name__)

INPUTS = [
    WARC_DIR / "chatnoir-eu+chatnoir-resiliparse/warcfile.warc.gz",
    WARC_DIR / "archivesunleashed+aut/example.warc.gz",
    WARC_DIR / "oduwsdl+ipwb/sample-1.warc.gz",
    WARC_DIR / "webrecorder+warcio/example-trunc.warc",
]
KILL_AFTER_S = 6.0  # after the first SDK worker appears: the job is reading and extracting by then
JOB_TIMEOUT_S = 400


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) for every process we can see."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        found[int(entry)] = (ppid, cmd)
    return found


def _sdk_workers(services: PortableServices) -> list[int]:
    """The SDK worker processes the worker pool of `services` has started (children running SdkHarness)."""
    procs = _processes()
    pools = {
        pid
        for pid, (_, cmd) in procs.items()
        if "worker_pool_main" in cmd and f"--service_port={services.worker_port}" in cmd
    }
    assert pools, "worker pool process not found"
    return sorted(pid for pid, (ppid, cmd) in procs.items() if ppid in pools and "SdkHarness" in cmd)


def _args(out: Path, *extra: str) -> list[str]:
    return ["run", "--quiet", "--output", str(out), *[a for p in INPUTS for a in ("--input", str(p))], *extra]


def _snapshot(out: Path) -> dict[str, bytes]:
    files = {}
    for kind in ("data", "rejected", "errors"):
        for f in sorted((out / kind).glob("*")):
            files[f"{kind}/{f.name}"] = f.read_bytes()
    files["stats.json"] = (out / "stats.json").read_bytes()
    return files


@pytest.mark.slow
def test_killed_sdk_worker_fails_cleanly_and_a_rerun_is_correct(
    tmp_path: Path,
    portable_services: PortableServices,  # noqa: F811
) -> None:
    reference = tmp_path / "direct"
    run = run_cli(_args(reference, "--direct_running_mode=in_memory", "--direct_num_workers=1"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    expected = _snapshot(reference)

    out = tmp_path / "portable"
    proc = subprocess.Popen(
        cli_command(_args(out, *portable_services.beam_args)),
        cwd=tmp_path,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    started = time.monotonic()
    first_seen = None
    killed = None
    try:
        while proc.poll() is None and time.monotonic() - started < JOB_TIMEOUT_S:
            workers = _sdk_workers(portable_services)
            if workers and first_seen is None:
                first_seen = time.monotonic()
            if killed is None and first_seen is not None and time.monotonic() - first_seen > KILL_AFTER_S:
                killed = workers[0]
                os.kill(killed, signal.SIGKILL)  # a worker process the pool started for this test's job
            time.sleep(0.2)
        assert proc.poll() is not None, f"the job hung for {JOB_TIMEOUT_S} s after its worker was killed"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        _, stderr = proc.communicate(timeout=60)
    assert killed is not None, "no SDK worker was seen: the job ended before the fault could be injected"
    log.info(
        "SDK worker %d killed; the job exited %d: %s", killed, proc.returncode, stderr.splitlines()[-1][:300]
    )

    if proc.returncode == 0:  # the runner retried the work: the output must be right
        assert _snapshot(out) == expected
    else:  # a clear failure, and nothing that looks like a finished output
        assert proc.returncode == 1, stderr[-3000:]
        last = stderr.splitlines()[-1]
        assert last.startswith("crawlwash: job failed: RuntimeError: Pipeline job-"), last[:500]
        assert "failed in state FAILED" in last, last[:500]
        assert "Channel closed prematurely" in stderr or "Socket closed" in stderr, stderr[-3000:]
        assert not (out / "_SUCCESS").exists()
        for kind in ("data", "rejected", "errors"):
            for f in (out / kind).glob("*") if (out / kind).exists() else []:
                pq.read_metadata(f)  # anything renamed into place is a whole shard

    # the same services run the job again; overwrite gives exactly the DirectRunner's output
    rerun = run_cli(
        _args(out, "--set", "output.if_exists=overwrite", *portable_services.beam_args), cwd=tmp_path
    )
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert _snapshot(out) == expected
    assert (out / "_SUCCESS").exists()


class _TearDownMidSplit:
    """A map-phase stage that, on the split's 3rd document, calls the DoFn's teardown as Beam's SDK harness does
    from its shutdown thread when the runner is gone (a lost Flink TaskManager or Spark executor)."""

    def __init__(self, fn_ref: list) -> None:
        self.fn_ref, self.seen = fn_ref, 0

    def setup(self) -> None: ...

    def teardown(self) -> None: ...

    def outcomes(self, doc):  # noqa: ANN001, ANN201
        self.seen += 1
        if self.seen == 3 and self.fn_ref:
            self.fn_ref[0].teardown()
        yield doc


def test_a_stopping_worker_never_commits_a_split(tmp_path: Path) -> None:
    """Once teardown has begun, the split being read is abandoned: no done marker, so no retry reuses it (a
    marker is trusted as the split's final result), and WorkerStopping goes to the runner."""
    from pipelines.config import load_config
    from pipelines.pipeline import map_spec
    from transforms.engine import MapSplitFn, WorkerStopping
    from transforms.read import Split

    path = WARC_DIR / "chatnoir-eu+chatnoir-resiliparse" / "warcfile.warc.gz"
    cfg = load_config(None, [f"output.dir={tmp_path}", "pipeline.stages=[extract]"])
    ref: list = []
    fn = MapSplitFn(map_spec(cfg), [("extract", _TearDownMidSplit(ref))])
    ref.append(fn)
    fn.setup()
    split = Split(str(path), path.stat().st_size)
    with pytest.raises(WorkerStopping, match="the worker is stopping: split .* abandoned, not committed"):
        list(fn.process(split))
    splits = tmp_path / "_temporary" / "splits"
    assert not list(splits.glob("*.done.json")) and not list(splits.glob("*.docs.parquet"))
    # a fresh instance (the runner's retry) reads the split whole and commits it
    retry = MapSplitFn(map_spec(cfg), [("extract", _TearDownMidSplit([]))])
    retry.setup()
    (summary,) = list(retry.process(split))
    assert summary["docs"] == 16 and (splits / f"{split.sid}.done.json").is_file()  # its 16 HTML responses
