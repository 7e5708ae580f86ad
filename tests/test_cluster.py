"""crawlwash on real distributed engines: a Flink and a Spark standalone cluster on loopback (deploy/local/cluster.sh),
Beam's job servers, one Beam worker pool beside each TaskManager or Spark worker.

The default pipeline on the cluster writes the same bytes as on the DirectRunner: data/, rejected/, errors/,
stats.json and the _SUCCESS manifest. The kill test (slow) kills a TaskManager with SIGKILL in the middle of the map
phase of a 66 MB Common Crawl-like WARC: Flink restarts the job (the TaskManager is started again, as Kubernetes
would), the splits that finished before are not read again, and the output is the uninterrupted run's.

    .venv/bin/python -m pytest -m cluster            # Flink and Spark (make test-cluster; CI runs it)
    .venv/bin/python -m pytest -m 'cluster and slow' # the kill tests
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cluster import STATE, cluster_status, flink_rest, local_cluster, output_digests
from tests.conftest import REPO, SEEDS, WARC_DIR, crawlwash

pytestmark = pytest.mark.cluster

INPUTS = ["--input", f"{SEEDS}/*.txt", "--input", str(WARC_DIR / "chatnoir-eu+chatnoir-resiliparse" / "warcfile.warc.gz")]
RUN_TIMEOUT_S = 1500


def _run(out: Path, *args: str) -> dict:
    proc = crawlwash("run", "--output", str(out), "--quiet", *args, timeout=RUN_TIMEOUT_S)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "balanced" in proc.stdout
    stats = json.loads((out / "stats.json").read_text())
    assert stats["read"] == stats["kept"] + stats["dropped"] + stats["failed"]
    assert (out / "_SUCCESS").is_file() and not (out / "_temporary").exists()
    return stats


@pytest.fixture(scope="module")
def direct(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The seeds and a Common Crawl excerpt (16 responses, 10 of them Chinese) on the DirectRunner."""
    out = tmp_path_factory.mktemp("direct") / "out"
    stats = _run(out, *INPUTS)
    assert (stats["read"], stats["kept"]) == (53, 6)
    return output_digests(out)


def _harness_starts(kind: str, i: int) -> int:
    log = STATE / kind / "log" / f"pool-{i}.log"
    return log.read_text(errors="replace").count("Starting worker")


def test_flink_cluster_writes_what_the_direct_runner_writes(direct: dict[str, str], tmp_path: Path) -> None:
    with local_cluster("flink") as beam_args:
        roles = cluster_status()
        assert {"flink-jobmanager", "flink-jobserver", "flink-taskmanager-1", "flink-taskmanager-2",
                "flink-pool-1", "flink-pool-2"} <= roles.keys()  # fmt: skip
        assert flink_rest("/overview")["taskmanagers"] == 2
        assert "--runner=FlinkRunner" in beam_args and "--parallelism=2" in beam_args
        _run(tmp_path / "out", *INPUTS, *beam_args)
        assert output_digests(tmp_path / "out") == direct
        jobs = flink_rest("/jobs/overview")["jobs"]
        assert [j["state"] for j in jobs] == ["FINISHED"]
        # each TaskManager started its SDK harness in its own pool, once for the whole job (environment cache)
        assert [_harness_starts("flink", i) for i in (1, 2)] == [1, 1]
    # `down` stopped every process `up` started
    assert cluster_status() == {}
    for pid in roles.values():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_spark_cluster_writes_what_the_direct_runner_writes(direct: dict[str, str], tmp_path: Path) -> None:
    with local_cluster("spark") as beam_args:
        roles = cluster_status()
        assert {"spark-master", "spark-jobserver", "spark-worker-1", "spark-worker-2", "spark-pool-1",
                "spark-pool-2"} <= roles.keys()  # fmt: skip
        assert "--runner=SparkRunner" in beam_args
        _run(tmp_path / "out", *INPUTS, *beam_args)
        assert output_digests(tmp_path / "out") == direct
        assert _harness_starts("spark", 1) >= 1 and _harness_starts("spark", 2) >= 1
    assert cluster_status() == {}


# -- fault tolerance (slow) ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_warc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 66 MB Common Crawl-like WARC (3,700 responses, 11,101 records) from the real pages of ../shared/data."""
    path = tmp_path_factory.mktemp("cc") / "cc-3700.warc.gz"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "gen_ccwarc.py"), "--responses", "3700",
                    "--out", str(path)], check=True, capture_output=True, timeout=600)  # fmt: skip
    assert 60e6 < path.stat().st_size < 72e6
    return path


@pytest.fixture(scope="module")
def big_direct(big_warc: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("big_direct") / "out"
    _run(out, "--input", str(big_warc))
    return output_digests(out)


def _start(out: Path, *args: str) -> subprocess.Popen:
    cli = str(Path(sys.executable).with_name("crawlwash"))
    return subprocess.Popen([cli, "run", "--output", str(out), "--quiet", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


def _wait_for_markers(out: Path, proc: subprocess.Popen, n: int, timeout_s: float = 900) -> int:
    splits = out / "_temporary" / "splits"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        done = len(list(splits.glob("*.done.json")))
        if done >= n:
            return done
        time.sleep(0.2)
    raise AssertionError(f"no {n} split markers in {timeout_s} s (job ended: {proc.poll()})")


@pytest.mark.slow
def test_flink_survives_a_killed_taskmanager(big_warc: Path, big_direct: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    with local_cluster("flink") as beam_args:
        proc = _start(out, "--input", str(big_warc), *beam_args)
        done_before = _wait_for_markers(out, proc, 1)
        planned = len(list((out / "_temporary" / "plan").glob("*.json")))
        victim = cluster_status()["flink-taskmanager-2"]
        os.kill(victim, signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=RUN_TIMEOUT_S)
        assert proc.returncode == 0, stderr[-4000:]
        assert "balanced" in stdout
        assert output_digests(out) == big_direct
        # the TaskManager was started again and the job restarted (not a second job)
        assert cluster_status()["flink-taskmanager-2"] != victim
        jobs = flink_rest("/jobs/overview")["jobs"]
        assert [j["state"] for j in jobs] == ["FINISHED"]
        failures = flink_rest(f"/jobs/{jobs[0]['jid']}/exceptions")["exceptionHistory"]["entries"]
        assert failures, "the job finished without a failure: the TaskManager died too late"
        # the splits finished before the kill were not read again
        assert json.loads((out / "run_info.json").read_text())["splits_reused"] >= done_before
        assert planned == 1  # one input file


@pytest.mark.slow
def test_spark_survives_a_lost_worker(big_warc: Path, big_direct: dict[str, str], tmp_path: Path) -> None:
    """A Spark worker killed mid-map (its executor goes with it, and its worker pool's harness loses its runner):
    Spark reruns the lost tasks on the worker left, and the output is the uninterrupted run's."""
    out = tmp_path / "out"
    with local_cluster("spark") as beam_args:
        proc = _start(out, "--input", str(big_warc), *beam_args)
        done_before = _wait_for_markers(out, proc, 1)
        os.kill(cluster_status()["spark-worker-2"], signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=RUN_TIMEOUT_S)
        assert proc.returncode == 0, stderr[-4000:]
        assert "balanced" in stdout
        assert output_digests(out) == big_direct
        assert "spark-worker-2" not in cluster_status()  # Spark workers are not restarted
        assert json.loads((out / "run_info.json").read_text())["splits_reused"] >= done_before


@pytest.mark.slow
def test_spark_job_jar_through_spark_submit(direct: dict[str, str], tmp_path: Path) -> None:
    """The Dataproc route: `crawlwash run ... --output_executable_path=JAR` has Beam's Spark job server write the
    job as a jar (nothing runs), and Spark's own spark-submit runs it (`gcloud dataproc jobs submit spark` does
    the same): the same bytes as the DirectRunner."""
    out, jar = tmp_path / "out", tmp_path / "crawlwash-job.jar"
    with local_cluster("spark") as beam_args:
        proc = crawlwash("run", "--output", str(out), *INPUTS, *beam_args, f"--output_executable_path={jar}",
                         timeout=RUN_TIMEOUT_S)  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-4000:]
        assert f"crawlwash: wrote the job to {jar}" in proc.stdout
        assert jar.is_file() and not (out / "stats.json").exists()
        submit = subprocess.run([str(REPO / "deploy" / "local" / "cluster.sh"), "spark-submit", str(jar)],
                                capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False)  # fmt: skip
        assert submit.returncode == 0, submit.stderr[-4000:]
        assert "finished successfully" in submit.stdout + submit.stderr
    assert output_digests(out) == direct
