"""Scale figures of the dedup stage: signature throughput, shuffle bytes per doc, worker RSS for N vs 4N, time share.

    .venv/bin/python benchmarks/dedup_scale.py            # everything, ~9 min on 2 cores (7.5 of them RSS)
    .venv/bin/python benchmarks/dedup_scale.py --only-rss [--rss-docs 4000] [--bundle-mb 0 --bundle-mb 8]
    options: [--n 1000] [--rss portable|direct|none] [--beam-arg=--opt=value ...]

Texts: the bench WARC pages extracted by benchmarks/dedup_eval.py (cached in /tmp; run that first or this script
extracts them), plus near-duplicate variants, so the corpus has realistic clusters.

1. Signature throughput: `minhash.sign` + `band_keys` in this process (one core), docs/s and MB/s.
2. Shuffle bytes per document, encoded with Beam's FastPrimitivesCoder (what the runner ships for these tuples):
   the band GroupByKey is bands x (key + node + [signature]) -> linear in bands (shown for several b x r); the
   connected-components rounds carry only edges between candidate duplicates; the final join ships each doc once.
3. Peak heap of each grouping reducer on one hot key of M vs 4M values (tracemalloc): flat = the DoFn streams its
   group. "anchor join as CoGBK" is what the verification join cost before it became a streamed GroupByKey
   (Beam Python's CoGroupByKey collects each key's values into lists).
4. Peak RSS the way a cluster runs it (`--rss portable`, the default): Beam's job service and an external worker
   pool as separate processes (tests/portable.py), fresh per run; the pipeline reads 10, N and 4N docs
   (`--rss-docs`, 4000 -> 16000 docs = 39 -> 186 MB of text) from JSONL. Printed per run: the SDK worker's peak
   RSS (VmHWM of the pool's child processes, polled every 50 ms), its peak glibc heap in use (mallinfo2, polled
   inside the worker), the job service's peak (it holds the shuffle here, like a shuffle service), the number of
   bundles and the largest bundle's input. A control (read + one GroupByKey of the docs, no dedup) gives the
   runner's share. Each is run twice (`--bundle-mb`):
   - stock (0): the local job service embeds the FnApiRunner, which hands each stage's WHOLE input to the worker
     as ONE bundle in ONE data message (GroupingBuffer.partition -> one blob; `_send_input_to_worker` writes it
     with no flush; `--direct_num_workers` is ignored by the job service, `--sdk_worker_parallelism` is read by
     no Python code). The worker holds that message (gRPC buffer, protobuf, bytes: ~3 copies) while it runs the
     bundle, so its peak grows with the input whatever the DoFns do. Beam's data-plane queues are not it: a probe
     of the worker's to_send/pending_send/received queues (not part of this script) found them empty at its peaks.
   - capped (8): a sitecustomize hook in the job service only (SERVICE_HOOKS) cuts every stage's input, at
     element boundaries, into bundles of <= 8 MB run one after another on the same worker, the way Flink, Spark
     and Dataflow feed workers bounded bundles. Same kept/dropped counts as stock. This is the regime where
     "a worker's peak stays flat when the input grows 4x" can be judged: it measures what the worker and the
     dedup DoFns keep across bundles and per bundle, not the reference runner's whole-stage message.
   `--rss direct` is the first measurement (DirectRunner multi_processing; same whole-stage bundles).
5. Time share: trafilatura extraction of the same pages vs the dedup pipeline per document, measured here.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Self

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np
from apache_beam.coders import FastPrimitivesCoder

from benchmarks.dedup_eval import BENCH_WARC, load_texts, make_variants
from transforms import minhash
from transforms.dedup import NearDedupConfig, keep_key
from transforms.doc import Doc

log = logging.getLogger("dedup_scale")


def corpus(n: int) -> list[dict]:
    """n docs: bench texts (past the ~980 real ones: distinct mixes of two pages' paragraphs) and, for every third,
    two near-duplicate variants (ids and texts deterministic)."""
    texts = [t for _, t in load_texts(990) if len(t.split()) >= 30]
    vocab = sorted({w for t in texts[:200] for w in t.split()[:200]})
    out: list[dict] = []
    i = 0
    while len(out) < n:
        base = texts[i % len(texts)]
        rnd = i // len(texts)
        rng = random.Random(i)
        if rnd == 0:
            text = base
        else:  # a distinct doc: paragraphs of two pages interleaved
            other = texts[(i * 31 + rnd * 17) % len(texts)].split("\n")
            mine = base.split("\n")
            text = "\n".join(x for pair in itertools.zip_longest(mine, other) for x in pair if x)
        out.append({"id": f"d{i:07d}", "text": text, "url": f"https://example.org/{i}"})
        if i % 3 == 0:
            v = make_variants(text, rng, vocab)
            out.append(
                {"id": f"d{i:07d}b", "text": v["boilerplate"], "url": f"https://mirror.example.net/{i}"}
            )
            out.append({"id": f"d{i:07d}t", "text": v["trim"], "url": f"https://other.example.com/{i}"})
        i += 1
    return out[:n]


def throughput(docs: list[dict], params: minhash.MinHashParams) -> None:
    t0 = time.process_time()  # CPU time of this process: the machine is shared, wall time is noisy
    nbytes = 0
    for d in docs:
        signed = minhash.sign(d["text"], params)
        nbytes += len(d["text"].encode())
        if signed is not None:
            minhash.band_keys(signed[0], params.bands, params.rows)
    dt = time.process_time() - t0
    print(f"signature throughput (1 core, {params.num_perm} perms, {params.bands}x{params.rows}): "
          f"{len(docs) / dt:.0f} docs/s, {nbytes / dt / 1e6:.2f} MB/s of text "
          f"(mean doc {nbytes / len(docs) / 1e3:.1f} KB)")  # fmt: skip


def shuffle_bytes(docs: list[dict]) -> None:
    coder = FastPrimitivesCoder()
    sample = docs[:300]
    n = len(sample)
    print("shuffle bytes per document (FastPrimitivesCoder, mean over 300 docs):")
    print(
        "  bands x rows | band GroupByKey (band key, node) | per band | verify joins (signature x 2, any b x r)"
    )
    for b, r in [(9, 13), (16, 8), (20, 6), (32, 4), (64, 2)]:
        p = minhash.MinHashParams(num_perm=128, bands=b, rows=r)
        tot_bands = tot_sig = 0
        for d in sample:
            sig, size = minhash.sign(d["text"], p)
            doc = Doc(id=d["id"], source="x", source_record="x", text=d["text"])
            node = (1, *keep_key(doc, "longest"), doc.id)
            for k in minhash.band_keys(sig, b, r):
                tot_bands += len(coder.encode((k, node)))
            tot_sig += 2 * len(coder.encode((node, (sig.tobytes(), size))))
        print(f"  {b:3d} x {r:2d}     | {tot_bands / n:8.0f}                         | {tot_bands / n / b:6.1f}"
              f"   | {tot_sig / n:8.0f}")  # fmt: skip
    node = (1, -5000, 0, "d0000000")
    edge = len(coder.encode((node, node)))
    edge_sig = len(coder.encode((node, (node, np.zeros(128, np.uint32).tobytes(), 500))))
    text = np.mean([len(coder.encode(("d0000000", d["text"]))) for d in sample])
    print(f"  verify, per candidate edge: {edge_sig} bytes (the member's signature travels to the anchor)")
    print(
        f"  components: {edge} bytes per edge per GroupByKey (2 per round; only docs with candidates have edges)"
    )
    print(
        f"  final verdict join: the doc itself once (mean text alone {text:.0f} bytes), like URL/exact dedup"
    )


CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions
from transforms.dedup import Deduplicate, DedupConfig
from transforms.doc import Doc

def to_doc(line):
    d = json.loads(line)
    return Doc(id=d["id"], source="bench", source_record=d["id"], text=d["text"], url=d["url"])

opts = PipelineOptions(["--direct_running_mode=multi_processing", "--direct_num_workers=1"])
t0 = time.perf_counter()
with beam.Pipeline(options=opts) as p:
    docs = p | beam.io.ReadFromText(sys.argv[1]) | beam.Map(to_doc)
    if sys.argv[4] == "control":  # same read, one shuffle of the docs by id, no dedup logic
        keyed = docs | "KeyById" >> beam.Map(lambda d: (d.id, d))
        kept = keyed | beam.GroupByKey() | "First" >> beam.Map(lambda kv: list(kv[1])[0])
        from transforms.stage import StageOutputs
        out = StageOutputs(kept, p | "NoDrops" >> beam.Create([]), None)
    else:
        out = docs | Deduplicate(DedupConfig())
    _ = out.kept | "CountKept" >> beam.combiners.Count.Globally() | beam.io.WriteToText(sys.argv[2] + ".kept", shard_name_template="")
    _ = out.dropped | "CountDropped" >> beam.combiners.Count.Globally() | "W2" >> beam.io.WriteToText(sys.argv[2] + ".dropped", shard_name_template="")
wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall,
                  "driver_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "workers_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def run_child(docs: list[dict], tmp: str, mode: str = "dedup") -> dict:
    path = os.path.join(tmp, f"docs_{len(docs)}.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)
    res = subprocess.run(
        [sys.executable, "-c", CHILD, path, os.path.join(tmp, f"out_{len(docs)}"), str(REPO), mode],
        capture_output=True,
        text=True,
        check=False,
    )
    if res.returncode:
        raise RuntimeError(f"child pipeline failed:\n{res.stderr[-3000:]}")
    stats = json.loads(res.stdout.strip().splitlines()[-1])
    with open(os.path.join(tmp, f"out_{len(docs)}.kept")) as f:
        stats["kept"] = int(f.read().strip() or 0)
    with open(os.path.join(tmp, f"out_{len(docs)}.dropped")) as f:
        stats["dropped"] = int(f.read().strip() or 0)
    return stats


class _Replay:
    """A re-iterable group that generates its values on each pass (like a runner's lazily paged iterable)."""

    def __init__(self, make, n: int) -> None:
        self._make, self._n = make, n

    def __iter__(self):
        return (self._make(i) for i in range(self._n))


def _cogbk_collect(tagged) -> dict[str, list]:
    """The per-key step of Beam Python's CoGroupByKey (apache_beam.transforms.util._CoGBKImpl.collect_values)."""
    grouped: dict[str, list] = {"sig": [], "member": []}
    for tag, value in tagged:
        grouped[tag].append(value)
    return grouped


def dofn_group_memory() -> None:
    """Peak Python heap (tracemalloc) of the grouping reducers on one hot key of M vs 4M values: flat = streaming."""
    import tracemalloc

    from transforms.components import large_star, small_star
    from transforms.dedup import _BucketEdgesFn, _cluster_verdicts, _KeepOneFn, _VerifyEdgesFn

    sig = np.arange(128, dtype=np.uint32).tobytes()

    def member(i: int) -> tuple:
        # a distinct signature per member, as in a real bucket (bytes are not shared between members)
        return ((1, 0, 0, f"id{i:09d}"), np.full(128, i, dtype=np.uint32).tobytes(), 500)

    def drain(it) -> int:
        n = 0
        for _ in it:
            n += 1
        return n

    cases = {
        "bucket edges": lambda m: _BucketEdgesFn().process(
            (1, _Replay(lambda i: (1, 0, 0, f"id{i:09d}"), m))
        ),
        "verify edges (anchor)": lambda m: _VerifyEdgesFn(0.7, 0.8).process(
            ((1, 0, 0, "a"), _Replay(lambda i: (0, (sig, 500)) if i == m else (1, member(i)), m + 1))
        ),
        # what the anchor join cost before (CoGroupByKey: Beam's _CoGBKImpl collects each key's values in lists)
        "anchor join as CoGBK": lambda m: iter(
            [
                _cogbk_collect(
                    _Replay(lambda i: ("sig", (sig, 500)) if i == m else ("member", member(i)), m + 1)
                )
            ]
        ),
        "large-star": lambda m: large_star(((1, 0, 0, "a"), _Replay(lambda i: (1, 0, 0, f"id{i:09d}"), m))),
        "small-star": lambda m: small_star(((1, 0, 0, "zz"), _Replay(lambda i: (1, 0, 0, f"id{i:09d}"), m))),
        "cluster verdicts": lambda m: _cluster_verdicts(
            ((1, 0, 0, "a"), _Replay(lambda i: (1, 0, 0, f"id{i:09d}"), m))
        ),
        "keep one per URL": lambda m: _KeepOneFn("newest", "duplicate_url").process(
            ("u", _Replay(lambda i: Doc(id=f"id{i:09d}", source="s", source_record="r", text="x" * 2000), m))
        ),
    }
    m = 20_000
    print(f"peak heap of one reducer call on a hot key (tracemalloc), group of {m} vs {4 * m} values:")
    for name, make in cases.items():
        peaks = []
        for size in (m, 4 * m):
            tracemalloc.start()
            drain(make(size))
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        print(
            f"  {name:22s} {peaks[0] / 1e3:8.1f} KB -> {peaks[1] / 1e3:8.1f} KB (x{peaks[1] / max(peaks[0], 1):.2f})"
        )


PORTABLE_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[3])
import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions
from transforms.dedup import Deduplicate, DedupConfig
from transforms.doc import Doc
from transforms.stage import StageOutputs

def to_doc(line):
    d = json.loads(line)
    return Doc(id=d["id"], source="bench", source_record=d["id"], text=d["text"], url=d["url"])

opts = PipelineOptions(json.loads(sys.argv[5]))
t0 = time.perf_counter()
with beam.Pipeline(options=opts) as p:
    docs = p | beam.io.ReadFromText(sys.argv[1]) | beam.Map(to_doc)
    if sys.argv[4] == "read":  # the read alone, no shuffle of the docs
        out = StageOutputs(docs, p | "NoDrops" >> beam.Create([]), None)
    elif sys.argv[4] == "control":  # same read, one shuffle of the docs by id, no dedup logic
        keyed = docs | "KeyById" >> beam.Map(lambda d: (d.id, d))
        kept = keyed | beam.GroupByKey() | "First" >> beam.FlatMap(lambda kv: itertools.islice(kv[1], 1))
        out = StageOutputs(kept, p | "NoDrops" >> beam.Create([]), None)
    else:
        out = docs | Deduplicate(DedupConfig())
    _ = out.kept | "CountKept" >> beam.combiners.Count.Globally() | beam.io.WriteToText(sys.argv[2] + ".kept", shard_name_template="")
    _ = out.dropped | "CountDropped" >> beam.combiners.Count.Globally() | "W2" >> beam.io.WriteToText(sys.argv[2] + ".dropped", shard_name_template="")
print(json.dumps({"wall_s": time.perf_counter() - t0}))
""".replace("import json, sys, time", "import itertools, json, sys, time")


def _proc_children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def _descendants(pid: int) -> list[int]:
    tree, out, todo = _proc_children(), [], [pid]
    while todo:
        for c in tree.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def _hwm_mb(pid: int) -> float | None:
    """Peak resident set (VmHWM) of a live process, in MB; None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class _PeakPoller:
    """Polls VmHWM of the job service and of every process under the worker pool (the SDK workers) until stopped;
    a worker's figure is its last reading before it exits (polled every 50 ms)."""

    def __init__(self, job_pid: int, pool_pid: int) -> None:
        import threading

        self._job, self._pool = job_pid, pool_pid
        self.job_mb = 0.0
        self.workers: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _poll(self) -> None:
        self.job_mb = max(self.job_mb, _hwm_mb(self._job) or 0.0)
        for pid in _descendants(self._pool):
            mb = _hwm_mb(pid)
            if mb is not None:
                self.workers[pid] = max(self.workers.get(pid, 0.0), mb)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self._poll()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._poll()
        self._stop.set()
        self._thread.join()


SERVICE_HOOKS = r'''"""Benchmark-only hooks, written by benchmarks/dedup_scale.py as sitecustomize.py into a temporary
directory that is put first on the PYTHONPATH of the job service and the worker pool (so of the SDK workers).

Job service (local_job_service_main, which embeds the FnApiRunner): logs the size of every bundle's input to
$CRAWLWASH_BENCH_DIR/runner.jsonl. Stock, the FnApiRunner hands a stage's whole input to a worker as ONE bundle
(GroupingBuffer.partition / ListBuffer.partition + BundleManager._send_input_to_worker: one data message).
With CRAWLWASH_BENCH_BUNDLE_MB > 0 it cuts each stage's input, at element boundaries, into bundles of at most
that many MB, run one after another on the same worker, as Flink, Spark and Dataflow feed their workers.
SDK workers: peak RSS and peak glibc heap in use (mallinfo2), polled every 50 ms, to $CRAWLWASH_BENCH_DIR.
"""
import os
import sys


def _cmdline():
    try:
        with open("/proc/self/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


_DIR = os.environ.get("CRAWLWASH_BENCH_DIR")
_CMD = _cmdline() if _DIR else ""

if _DIR and "local_job_service_main" in _CMD:
    import itertools
    import json
    import threading

    from apache_beam.coders.coder_impl import create_InputStream, create_OutputStream
    from apache_beam.metrics import monitoring_infos
    from apache_beam.portability.api import beam_fn_api_pb2
    from apache_beam.runners.portability.fn_api_runner import execution, fn_runner

    _MAX = int(float(os.environ.get("CRAWLWASH_BENCH_BUNDLE_MB", "0")) * 2**20)
    _Base = fn_runner.BundleManager
    _lock = threading.Lock()

    def _chunks(buf):
        if isinstance(buf, list):  # a part already cut by ParallelBundleManager (direct_num_workers > 1)
            return [buf]
        blobs = buf.partition(1)[0]
        if not _MAX:
            return [list(blobs)]
        if isinstance(buf, execution.GroupingBuffer):
            impl = buf._post_grouped_coder.get_impl()
        else:
            impl = buf._coder_impl
        out, chunks = create_OutputStream(), []
        for blob in blobs:
            s = create_InputStream(blob)
            while s.size() > 0:
                impl.encode_to_stream(impl.decode_from_stream(s, True), out, True)
                if out.size() >= _MAX:
                    chunks.append([out.get()])
                    out = create_OutputStream()
        if out.size() or not chunks:
            chunks.append([out.get()])
        return chunks

    class _LoggingBundleManager(_Base):
        def process_bundle(self, inputs, expected_outputs, fired_timers, expected_output_timers, dry_run=False):
            chunked = {name: _chunks(buf) for name, buf in inputs.items()}
            n = max([1] + [len(c) for c in chunked.values()])
            sizes = [sum(len(b) for c in chunked.values() if i < len(c) for b in c[i]) for i in range(n)]
            with _lock, open(os.path.join(_DIR, "runner.jsonl"), "a") as f:
                f.write(json.dumps({"bundles": n, "max_bundle_bytes": max(sizes), "input_bytes": sum(sizes)}) + "\n")
            merged, all_splits = None, []
            for i in range(n):
                part = {name: (c[i] if i < len(c) else []) for name, c in chunked.items()}
                result, splits = _Base.process_bundle(
                    self, part, expected_outputs, fired_timers if i == 0 else {}, expected_output_timers, dry_run
                )
                all_splits += splits
                if merged is None:
                    merged = result
                    continue
                merged = beam_fn_api_pb2.InstructionResponse(
                    process_bundle=beam_fn_api_pb2.ProcessBundleResponse(
                        monitoring_infos=monitoring_infos.consolidate(
                            itertools.chain(
                                result.process_bundle.monitoring_infos, merged.process_bundle.monitoring_infos
                            )
                        ),
                        residual_roots=[*merged.process_bundle.residual_roots, *result.process_bundle.residual_roots],
                    ),
                    error=result.error or merged.error,
                )
            return merged, all_splits

    fn_runner.BundleManager = _LoggingBundleManager  # also what ParallelBundleManager runs each part with
    sys.stderr.write(f"crawlwash bench hooks: FnApiRunner bundles capped at {_MAX} bytes (0 = stock)\n")

elif _DIR and "SdkHarness" in _CMD:
    import ctypes
    import json
    import threading
    import time

    class _MallInfo2(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_size_t)
            for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
                         "fordblks", "keepcost")
        ]

    def _probe():
        libc = ctypes.CDLL(None)
        libc.mallinfo2.restype = _MallInfo2
        path = os.path.join(_DIR, f"worker_{os.getpid()}.json")
        peak = {"rss_mb": 0.0, "inuse_mb": 0.0, "inuse_at_rss_peak_mb": 0.0, "heap_at_rss_peak_mb": 0.0}
        last_write = 0.0
        while True:
            with open("/proc/self/status") as f:
                rss = next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS:"))
            m = libc.mallinfo2()
            inuse = (m.uordblks + m.hblkhd) / 2**20  # heap chunks in use + mmapped chunks
            changed = False
            if rss > peak["rss_mb"]:
                heap = (m.arena + m.hblkhd) / 2**20
                peak.update(rss_mb=rss, inuse_at_rss_peak_mb=inuse, heap_at_rss_peak_mb=heap)
                changed = True
            if inuse > peak["inuse_mb"]:
                peak["inuse_mb"] = inuse
                changed = True
            now = time.monotonic()
            if changed and now - last_write > 0.2:
                last_write = now
                with open(path + ".tmp", "w") as f:
                    json.dump(peak, f)
                os.replace(path + ".tmp", path)
            time.sleep(0.05)

    threading.Thread(target=_probe, name="crawlwash_bench_probe", daemon=True).start()
'''


@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    """Set environment variables for the services started inside (they copy os.environ), then restore them."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_portable(
    docs: list[dict],
    tmp: str,
    mode: str = "dedup",
    extra_args: tuple[str, ...] = (),
    bundle_mb: float = 0.0,
) -> dict:
    """Run the pipeline on Beam's job service + an external worker pool (fresh services per run, so each peak
    belongs to this run); peak RSS of the SDK worker processes and of the job service, apart. `bundle_mb` > 0
    caps the runner's bundles (SERVICE_HOOKS); 0 is the stock FnApiRunner (one bundle per stage)."""
    from tests.portable import start_portable_services

    path = os.path.join(tmp, f"docs_{len(docs)}.jsonl")
    if not os.path.exists(path):
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)
    tag = f"{mode}_{len(docs)}_{bundle_mb:g}"
    out = os.path.join(tmp, f"pout_{tag}")
    log_dir = Path(tmp) / f"services_{tag}"
    probe_dir = Path(tmp) / f"probe_{tag}"
    hooks_dir = Path(tmp) / "hooks"
    probe_dir.mkdir(parents=True)
    hooks_dir.mkdir(exist_ok=True)
    (hooks_dir / "sitecustomize.py").write_text(SERVICE_HOOKS, encoding="utf-8")
    pythonpath = os.pathsep.join(p for p in (str(hooks_dir), os.environ.get("PYTHONPATH")) if p)
    env = {
        "PYTHONPATH": pythonpath,
        "CRAWLWASH_BENCH_DIR": str(probe_dir),
        "CRAWLWASH_BENCH_BUNDLE_MB": str(bundle_mb),
    }
    with _environ(**env), start_portable_services(log_dir) as services:
        job_pid = pool_pid = None
        for pid in _descendants(os.getpid()):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read()
            except OSError:
                continue
            if f"--port={services.job_port}".encode() in cmd:
                job_pid = pid
            elif f"--service_port={services.worker_port}".encode() in cmd:
                pool_pid = pid
        if job_pid is None or pool_pid is None:
            raise RuntimeError("could not find the job service / worker pool processes")
        pool_base = _hwm_mb(pool_pid) or 0.0
        argv = [*services.beam_args, *extra_args]
        with _PeakPoller(job_pid, pool_pid) as poller:
            res = subprocess.run(
                [sys.executable, "-c", PORTABLE_CHILD, path, out, str(REPO), mode, json.dumps(argv)],
                capture_output=True,
                text=True,
                check=False,
            )
        if res.returncode:
            raise RuntimeError(f"portable pipeline failed:\n{res.stderr[-3000:]}")
    if "crawlwash bench hooks" not in (log_dir / "job_service.log").read_text(errors="replace"):
        raise RuntimeError(f"the benchmark hooks were not loaded by the job service (see {log_dir})")
    stats = json.loads(res.stdout.strip().splitlines()[-1])
    stats["job_service_mb"] = poller.job_mb
    stats["workers_mb"] = sorted(poller.workers.values(), reverse=True)
    stats["worker_max_mb"] = max(poller.workers.values(), default=0.0)
    stats["pool_mb"] = pool_base
    probes = [json.loads(p.read_text()) for p in probe_dir.glob("worker_*.json")]
    stats["worker_inuse_mb"] = max((p["inuse_mb"] for p in probes), default=float("nan"))
    bundles = [json.loads(line) for line in (probe_dir / "runner.jsonl").read_text().splitlines()]
    stats["bundles"] = sum(b["bundles"] for b in bundles)
    stats["max_bundle_mb"] = max(b["max_bundle_bytes"] for b in bundles) / 2**20
    stats["text_mb"] = sum(len(d["text"].encode()) for d in docs) / 1e6
    for kind in ("kept", "dropped"):
        with open(f"{out}.{kind}") as f:
            stats[kind] = int(f.read().strip() or 0)
    return stats


def portable_rss(
    docs4: list[dict], n: int, extra_args: tuple[str, ...] = (), bundle_mbs: tuple[float, ...] = (0.0, 8.0)
) -> dict:
    """Worker vs job-service peak RSS at N and 4N docs, Deduplicate and a control (read + one GroupByKey of the
    docs), on the portable runner: stock (a stage's whole input = one bundle) and with bundles capped."""
    runs: dict[tuple[str, int, float], dict] = {}
    plan = [(mode, size) for mode in ("dedup", "control") for size in (10, n, 4 * n)]
    with tempfile.TemporaryDirectory() as tmp:
        for bundle_mb in bundle_mbs:
            for mode, size in plan:
                runs[(mode, size, bundle_mb)] = s = run_portable(
                    docs4[:size], tmp, mode, extra_args, bundle_mb
                )
                log.info("%s %d bundle_mb=%g: %s", mode, size, bundle_mb, s)
    opts = " ".join(extra_args) or "default options"
    print(f"portable runner (job service + EXTERNAL worker pool, separate processes; {opts}). Peak RSS = VmHWM; "
          "heap in use = peak of glibc mallinfo2 (in-use heap chunks + mmapped chunks) in the SDK worker:")  # fmt: skip
    print(f"  {'runner bundles':24s} {'run':9s} {'docs':>6s} {'text MB':>8s} {'bundles':>7s} {'largest':>8s} "
          f"{'worker MB':>9s} {'in use':>7s} {'job svc MB':>10s} {'wall s':>7s}  kept/dropped")  # fmt: skip
    for bundle_mb in bundle_mbs:
        name = "stock (1 per stage)" if not bundle_mb else f"capped at {bundle_mb:g} MB"
        for mode, size in plan:
            r = runs[(mode, size, bundle_mb)]
            print(f"  {name:24s} {mode:9s} {size:6d} {r['text_mb']:8.1f} {r['bundles']:7d} "
                  f"{r['max_bundle_mb']:6.1f}MB {r['worker_max_mb']:9.0f} {r['worker_inuse_mb']:7.0f} "
                  f"{r['job_service_mb']:10.0f} {r['wall_s']:7.1f}  {r['kept']}/{r['dropped']}")  # fmt: skip
    print("  ratios 4N/N (baseline: the 10-doc run of the same pipeline and runner):")
    for bundle_mb in bundle_mbs:
        name = "stock FnApiRunner" if not bundle_mb else f"bundles capped at {bundle_mb:g} MB"
        for mode in ("dedup", "control"):
            base = runs[(mode, 10, bundle_mb)]
            s, l = runs[(mode, n, bundle_mb)], runs[(mode, 4 * n, bundle_mb)]
            label = "Deduplicate" if mode == "dedup" else "control (read + GroupByKey)"
            print(f"    {name:28s} {label:27s} SDK worker x{l['worker_max_mb'] / s['worker_max_mb']:.2f} "
                  f"({s['worker_max_mb'] - base['worker_max_mb']:.0f} -> "
                  f"{l['worker_max_mb'] - base['worker_max_mb']:.0f} MB above baseline), heap in use "
                  f"x{l['worker_inuse_mb'] / s['worker_inuse_mb']:.2f}, job service "
                  f"x{l['job_service_mb'] / s['job_service_mb']:.2f}; text x{l['text_mb'] / s['text_mb']:.2f}, "
                  f"largest bundle {s['max_bundle_mb']:.0f} -> {l['max_bundle_mb']:.0f} MB")  # fmt: skip
    return runs


def extraction_time(pages: int) -> float:
    """Seconds per page for trafilatura on the bench pages (the stage that dominates a crawl-cleaning job)."""
    import trafilatura
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    htmls = []
    with open(BENCH_WARC, "rb") as f:
        for rec in ArchiveIterator(f, record_types=WarcRecordType.response):
            htmls.append(rec.reader.read().decode("utf-8", "replace"))
            if len(htmls) >= pages:
                break
    t0 = time.perf_counter()
    for h in htmls:
        trafilatura.extract(h)
    return (time.perf_counter() - t0) / len(htmls)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="docs of the small run (the large one has 4x)")
    ap.add_argument(
        "--rss",
        choices=("portable", "direct", "none"),
        default="portable",
        help="how to measure worker peak RSS: portable job service + external worker pool (the cluster shape), "
        "the DirectRunner in multi_processing mode (kept for comparison), or not at all",
    )
    ap.add_argument("--skip-rss", action="store_true", help="same as --rss none")
    ap.add_argument(
        "--beam-arg",
        action="append",
        default=[],
        help="extra pipeline option for the portable runs (repeatable)",
    )
    ap.add_argument(
        "--only-rss", action="store_true", help="skip throughput, shuffle bytes and heap sections"
    )
    ap.add_argument(
        "--rss-docs",
        type=int,
        default=4000,
        help="docs of the small portable RSS run (the large one has 4x); past ~1000 docs the corpus mixes two "
        "pages per doc, so 4000 -> 16000 docs is 39 -> 186 MB of text",
    )
    ap.add_argument(
        "--bundle-mb",
        type=float,
        action="append",
        default=None,
        help="runner bundle cap for the portable RSS runs, repeatable; 0 = the stock FnApiRunner (a stage's "
        "whole input is one bundle). Default: 0 and 8",
    )
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    params = NearDedupConfig().params()
    docs4 = corpus(4 * args.n)
    if not args.only_rss:
        throughput(docs4[: args.n], params)
        shuffle_bytes(docs4)
        dofn_group_memory()
    rss = "none" if args.skip_rss else args.rss
    if rss == "none":
        return
    if rss == "portable":
        bundle_mbs = tuple(args.bundle_mb) if args.bundle_mb else (0.0, 8.0)
        rss_docs = corpus(4 * args.rss_docs) if args.rss_docs != args.n else docs4
        runs = portable_rss(rss_docs, args.rss_docs, tuple(args.beam_arg), bundle_mbs)
        large_wall = runs[("dedup", 4 * args.rss_docs, bundle_mbs[0])]["wall_s"]
        dedup_docs = 4 * args.rss_docs
    else:
        large_wall = direct_rss(docs4, args.n)
        dedup_docs = 4 * args.n
    per_page = extraction_time(100)
    dedup_per_doc = large_wall / dedup_docs
    print(f"time share: trafilatura {per_page * 1e3:.1f} ms/page, dedup pipeline {dedup_per_doc * 1e3:.2f} ms/doc "
          f"({rss} runner, incl. its overhead) -> dedup = {dedup_per_doc / (per_page + dedup_per_doc):.1%} of "
          f"extract + dedup (an upper bound on its share of the whole job: other stages not counted)")  # fmt: skip


def direct_rss(docs4: list[dict], n: int) -> float:
    """The first measurement: DirectRunner multi_processing (the runner buffers whole PCollections and sends a
    stage's whole input as one bundle, so its workers grow with the input whatever the DoFns do)."""
    with tempfile.TemporaryDirectory() as tmp:
        empty = run_child(docs4[:10], tmp)
        small = run_child(docs4[:n], tmp)
        large = run_child(docs4, tmp)
        control_small = run_child(docs4[:n], tmp, "control")
        control_large = run_child(docs4, tmp, "control")
    print(f"DirectRunner baseline (10 docs): worker max RSS {empty['workers_maxrss_mb']:.0f} MB, "
          f"driver {empty['driver_maxrss_mb']:.0f} MB")  # fmt: skip
    for name, s, size in (("N", small, n), ("4N", large, 4 * n)):
        print(f"Deduplicate on {size} docs ({name}): wall {s['wall_s']:.1f} s ({s['wall_s'] / size * 1e3:.2f} ms/doc), "
              f"kept {s['kept']}, dropped {s['dropped']}, worker max RSS {s['workers_maxrss_mb']:.0f} MB, "
              f"driver max RSS {s['driver_maxrss_mb']:.0f} MB")  # fmt: skip
    base = empty["workers_maxrss_mb"]
    print(f"worker max RSS ratio 4N/N: {large['workers_maxrss_mb'] / small['workers_maxrss_mb']:.2f}; above the "
          f"10-doc baseline: {small['workers_maxrss_mb'] - base:.0f} MB -> {large['workers_maxrss_mb'] - base:.0f} MB "
          f"(driver ratio {large['driver_maxrss_mb'] / small['driver_maxrss_mb']:.2f})")  # fmt: skip
    print(f"control (read + one GroupByKey of the docs, no dedup): worker max RSS "
          f"{control_small['workers_maxrss_mb']:.0f} MB -> {control_large['workers_maxrss_mb']:.0f} MB "
          f"(above baseline {control_small['workers_maxrss_mb'] - base:.0f} -> "
          f"{control_large['workers_maxrss_mb'] - base:.0f} MB)")  # fmt: skip
    return large["wall_s"]


if __name__ == "__main__":
    main()
