"""Beam's portable job API for real, on loopback: a job service and an external worker pool as separate processes.

This is the API that Flink's and Spark's job servers expose, so a pipeline that runs here submits the same way to
a cluster. Usage from a test module:

    from tests.portable import portable_services  # noqa: F401  (pytest fixture)

    def test_x(portable_services):
        argv = [..., *portable_services.beam_args]

Both services are started with the project's virtual environment first on PATH: the worker pool launches its SDK
workers as a plain `python`, which must be the interpreter that has apache_beam and crawlwash installed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["PortableServices", "free_port", "portable_services", "start_portable_services"]

log = logging.getLogger(__name__)

JOB_SERVICE_MODULE = "apache_beam.runners.portability.local_job_service_main"
WORKER_POOL_MODULE = "apache_beam.runners.worker.worker_pool_main"
START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class PortableServices:
    """Endpoints of a running job service and worker pool."""

    job_port: int
    worker_port: int

    @property
    def job_endpoint(self) -> str:
        return f"localhost:{self.job_port}"

    @property
    def worker_endpoint(self) -> str:
        return f"localhost:{self.worker_port}"

    @property
    def beam_args(self) -> list[str]:
        """The pipeline options that submit to these services."""
        return [
            "--runner=PortableRunner",
            f"--job_endpoint={self.job_endpoint}",
            "--environment_type=EXTERNAL",
            f"--environment_config={self.worker_endpoint}",
        ]


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("localhost", 0))
        return int(s.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("localhost", port)) == 0


def _env() -> dict[str, str]:
    env = dict(os.environ)
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")
    # The workers import crawlwash from the checkout even where it is not installed into the environment.
    repo = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = repo + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _stop(proc: subprocess.Popen) -> None:
    """Stop one service and the workers it launched (its own process group, started by us)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    else:  # the service is gone; its workers may not be
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)


@contextlib.contextmanager
def start_portable_services(log_dir: Path) -> Iterator[PortableServices]:
    """Start the job service and the worker pool on free loopback ports; stop both (and their workers) after."""
    log_dir.mkdir(parents=True, exist_ok=True)
    env = _env()
    procs: list[tuple[str, subprocess.Popen, int, Path]] = []
    try:
        for name, module, flag in (
            ("job_service", JOB_SERVICE_MODULE, "--port"),
            ("worker_pool", WORKER_POOL_MODULE, "--service_port"),
        ):
            port = free_port()
            log_path = log_dir / f"{name}.log"
            with open(log_path, "wb") as log_file:
                proc = subprocess.Popen(
                    [sys.executable, "-m", module, f"{flag}={port}"],
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    env=env,
                    start_new_session=True,  # own process group: stopping it also stops the SDK workers
                )
            procs.append((name, proc, port, log_path))
        deadline = time.monotonic() + START_TIMEOUT_S
        for name, proc, port, log_path in procs:
            while not _listening(port):
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"{name} exited with {proc.returncode}: {log_path.read_text()[-2000:]}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not listen on port {port} in {START_TIMEOUT_S:.0f} s")
                time.sleep(0.2)
        log.info("job service on %d, worker pool on %d", procs[0][2], procs[1][2])
        yield PortableServices(job_port=procs[0][2], worker_port=procs[1][2])
    finally:
        for _, proc, _, _ in reversed(procs):
            _stop(proc)


@pytest.fixture(scope="module")
def portable_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortableServices]:
    """A job service and a worker pool for the tests of one module."""
    with start_portable_services(tmp_path_factory.mktemp("portable-services")) as services:
        yield services
