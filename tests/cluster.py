"""A real local Flink or Spark cluster for a test, started and stopped with deploy/local/cluster.sh.

    from tests.cluster import local_cluster

    with local_cluster("flink") as beam_args:   # JobManager, 2 TaskManagers, their worker pools, the job server
        crawlwash("run", ..., *beam_args)

The cluster's distributions and Beam's job servers come from `make cluster-deps` (the script runs it when they are
missing); the tests marked `cluster` need Java 17 and Maven Central on first use.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

__all__ = ["CLUSTER_SH", "STATE", "cluster_status", "flink_rest", "local_cluster", "output_digests"]

REPO = Path(__file__).resolve().parents[1]
CLUSTER_SH = REPO / "deploy" / "local" / "cluster.sh"
STATE = REPO / ".cache" / "cluster"
UP_TIMEOUT_S = 1200  # the first `up` fetches Flink or Spark and the job server's jars


def _sh(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLUSTER_SH), *args], capture_output=True, text=True, timeout=timeout, check=False)


@contextlib.contextmanager
def local_cluster(kind: str, workers: int = 2) -> Iterator[list[str]]:
    """`cluster.sh up KIND` with `workers` TaskManagers (or Spark workers); yields the Beam options of
    `cluster.sh args KIND`; `cluster.sh down KIND` afterwards, also when `up` failed half-way."""
    flag = "--taskmanagers" if kind == "flink" else "--workers"
    try:
        up = _sh("up", kind, flag, str(workers), timeout=UP_TIMEOUT_S)
        assert up.returncode == 0, f"cluster.sh up {kind} failed:\n{up.stdout[-2000:]}\n{up.stderr[-4000:]}"
        args = _sh("args", kind)
        assert args.returncode == 0, args.stderr
        yield args.stdout.split()
    finally:
        _sh("down", kind)


def cluster_status() -> dict[str, int]:
    """`cluster.sh status`: role -> pid of every running process."""
    proc = _sh("status")
    assert proc.returncode == 0, proc.stderr
    return {role: int(pid) for role, pid in (line.split() for line in proc.stdout.splitlines())}


def flink_rest(path: str, port: int = 8081) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
        return json.load(r)


def output_digests(out: Path) -> dict[str, str]:
    """SHA-256 of every file the issue compares between runners: data/, rejected/, errors/ shards, stats.json and
    the _SUCCESS manifest."""
    files = [p for kind in ("data", "rejected", "errors") for p in sorted((out / kind).glob("*.parquet"))]
    files += [out / "stats.json", out / "_SUCCESS"]
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
