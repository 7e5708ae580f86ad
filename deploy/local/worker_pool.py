"""A Beam Python worker pool bound to ONE address, for the sidecar layout on one machine (deploy/local/cluster.sh).

    python deploy/local/worker_pool.py --host 127.0.1.1 --port 50000

This is Beam's own worker pool (`apache_beam.runners.worker.worker_pool_main`'s servicer, in its process mode:
every StartWorker request from a TaskManager or executor starts one SDK harness process, `python` from PATH),
with one difference: `worker_pool_main` listens on every interface (`[::]:PORT`), so two pools cannot share a
port on one machine. On Kubernetes each TaskManager pod has its own pool at `localhost:50000`; here every pool
listens on its own loopback address, and each TaskManager's (or Spark worker's) JVM resolves the pool's host
name `crawlwash-worker-pool` to its own pool through a private hosts file (`-Djdk.net.hosts.file`). The job then
passes the same `--environment_config=crawlwash-worker-pool:50000` to every worker, as on Kubernetes.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading

import grpc
from apache_beam.portability.api import beam_fn_api_pb2_grpc
from apache_beam.runners.worker.worker_pool_main import BeamFnExternalWorkerPoolServicer
from apache_beam.utils import thread_pool_executor


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", required=True, help="the loopback address to listen on (127.0.1.1, ...)")
    ap.add_argument("--port", type=int, default=50000)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The options worker_pool_main uses: the TaskManager's channel may be idle for a long time between bundles.
    options = [("grpc.http2.max_pings_without_data", 0), ("grpc.http2.max_ping_strikes", 0)]
    server = grpc.server(thread_pool_executor.shared_unbounded_instance(), options=options)
    bound = server.add_insecure_port(f"{args.host}:{args.port}")
    if bound != args.port:
        raise SystemExit(f"worker pool: cannot listen on {args.host}:{args.port}")
    pool = BeamFnExternalWorkerPoolServicer(use_process=True)
    beam_fn_api_pb2_grpc.add_BeamFnExternalWorkerPoolServicer_to_server(pool, server)
    server.start()
    logging.info("Beam worker pool listening at %s:%d", args.host, args.port)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    # Stop the SDK harness processes this pool started (worker_pool_main does the same at exit).
    for proc in list(pool._worker_processes.values()):  # noqa: SLF001 - Beam keeps them only there
        proc.terminate()
    for proc in list(pool._worker_processes.values()):  # noqa: SLF001
        try:
            proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - a harness that ignores SIGTERM is killed
            proc.kill()
    server.stop(5).wait()


if __name__ == "__main__":
    main()
