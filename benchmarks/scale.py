"""Scale of the whole job at real size, on the default runner: Common Crawl-like WARCs of 2,500, 10,000 and 40,000
responses in ONE file each, and 100 files of 100 responses (benchmarks/gen_ccwarc.py, seed 1).

    .venv/bin/python benchmarks/scale.py [--sizes 2500,10000,40000] [--files 100x100] [--work /tmp/crawlwash-scale]

Each input runs `crawlwash run` with the default config on the default runner (DirectRunner, multi-processing,
one worker per core) while this script samples the whole process tree (the CLI, the Beam workers, the extraction
sandboxes) every 0.5 s. Printed per input, and as one table at the end:
- wall time and documents/s (a document: an HTML response the reader hands to extraction);
- CPU use during the map phase: CPU seconds of the tree between the start of the first split and the end of the
  last one (read from the split markers while the job runs), over that time; target >= 1.8 cores on 2;
- peak RSS summed over all processes of the tree; target: at 40k no more than 1.3x the figure at 10k;
- bytes shuffled per document: the encoded bytes of every record that entered a shuffle (Beam counters
  `crawlwash/shuffle_bytes.*`, printed by the CLI) over the documents; target <= 2 KB;
- whether the ledger balanced.
Ratios are against figures measured in the same run (the machines are noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from harness import CLI, REPO, gen_ccwarc, process_tree

TICK_S = 0.5


def _kind(pid: int) -> str:
    """What a process of the job is: the CLI (Beam's runner), a Beam SDK worker, an extraction sandbox."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "gone"
    if "_sandbox_main" in cmd:
        return "sandbox"
    if "sdk_worker_main" in cmd or "worker_pool_main" in cmd:
        return "worker"
    return "runner" if "crawlwash" in cmd else "other"


def _sample(pid: int) -> tuple[int, dict[int, float], dict[int, int]]:
    """(summed RSS in bytes, CPU seconds per process, RSS per process) of the tree under `pid`."""
    rss, cpu, per = 0, {}, {}
    tick = os.sysconf("SC_CLK_TCK")
    page = os.sysconf("SC_PAGE_SIZE")
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{p}/statm", "rb") as f:
                per[p] = int(f.read().split()[1]) * page
        except OSError:
            continue
        rss += per[p]
        cpu[p] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return rss, cpu, per


class Monitor(threading.Thread):
    """Samples the process tree and the split markers of a running job."""

    def __init__(self, pid: int, out: Path) -> None:
        super().__init__(daemon=True)
        self._pid = pid
        self._markers = out / "_temporary" / "splits"
        self.peak_rss = 0
        self.peak_by_kind: dict[str, int] = {}  # RSS by process kind at the moment of the peak
        self.peak_at = 0.0
        self.rss_series: list[tuple[float, int]] = []  # (time, summed RSS)
        self.cpu_series: list[tuple[float, float]] = []  # (time, cumulative CPU seconds of the tree)
        self.splits: dict[str, tuple[float, float]] = {}  # sid -> (started, finished)
        self._done = threading.Event()

    def run(self) -> None:
        last: dict[int, float] = {}
        total = 0.0
        while not self._done.is_set():
            now = time.time()
            rss, cpu, per = _sample(self._pid)
            self.rss_series.append((now, rss))
            if rss > self.peak_rss:
                self.peak_rss, self.peak_at = rss, now
                by_kind: dict[str, int] = {}
                for p, r in per.items():
                    by_kind[_kind(p)] = by_kind.get(_kind(p), 0) + r
                self.peak_by_kind = by_kind
            for p, c in cpu.items():
                total += max(
                    0.0, c - last.get(p, 0.0)
                )  # a process's CPU since the last tick (new: all of it)
            last = cpu
            self.cpu_series.append((now, total))
            self._read_markers()
            self._done.wait(TICK_S)

    def _read_markers(self) -> None:
        try:
            names = [
                n for n in os.listdir(self._markers) if n.endswith(".done.json") and n[:16] not in self.splits
            ]
        except OSError:
            return
        for name in names:
            try:
                summary = json.loads((self._markers / name).read_text())
            except (OSError, ValueError):
                continue
            self.splits[name[:16]] = (summary["started"], summary["started"] + summary["seconds"])

    def stop(self) -> None:
        self._done.set()
        self.join()

    def rss_by_phase(self) -> tuple[int, int]:
        """Peak summed RSS during the map phase, and after it (decide, apply, finalize)."""
        if not self.splits:
            return 0, 0
        end = max(e for _, e in self.splits.values())
        during = [r for t, r in self.rss_series if t <= end]
        after = [r for t, r in self.rss_series if t > end]
        return max(during, default=0), max(after, default=0)

    def run_cores(self) -> float:
        """Cores busy over the whole run (CPU seconds of the tree over the wall time)."""
        if len(self.cpu_series) < 2:
            return 0.0
        (t0, c0), (t1, c1) = self.cpu_series[0], self.cpu_series[-1]
        return (c1 - c0) / (t1 - t0) if t1 > t0 else 0.0

    def map_cpu(self) -> tuple[float, float]:
        """(map phase seconds, cores busy during it)."""
        if not self.splits:
            return 0.0, 0.0
        start = min(s for s, _ in self.splits.values())
        end = max(e for _, e in self.splits.values())
        inside = [(t, c) for t, c in self.cpu_series if start <= t <= end]
        if len(inside) < 2 or end <= start:
            return end - start, 0.0
        (t0, c0), (t1, c1) = inside[0], inside[-1]
        return end - start, (c1 - c0) / (t1 - t0)


def generate(work: Path, responses: int, files: int) -> Path:
    target = work / (f"cc-{responses}.warc.gz" if files == 1 else f"cc-{files}x{responses}")
    return target if target.exists() else gen_ccwarc(responses, target, files)


def run(source: Path, out: Path) -> dict:
    pattern = f"{source}/*.warc.gz" if source.is_dir() else str(source)
    if "*" in source.name:
        pattern = str(source)
    cmd = [
        str(CLI),
        "run",
        "--input",
        pattern,
        "--output",
        str(out),
        "--set",
        "output.if_exists=overwrite",
        "--quiet",
    ]
    started = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    mon = Monitor(proc.pid, out)
    mon.start()
    stdout, stderr = proc.communicate()
    mon.stop()
    wall = time.time() - started
    if proc.returncode != 0:
        print(stderr[-3000:], file=sys.stderr)
        return {"input": source.name, "ok": False, "wall_s": wall}
    stats = json.loads((out / "stats.json").read_text())
    docs = (
        stats["read"]
        - sum(stats["dropped_by_stage"].get("read", {}).values())
        - stats["failed_by_stage"].get("read", 0)
    )
    shuffled = re.search(r"shuffled bytes\s+(\d+)", stdout)
    map_s, cores = mon.map_cpu()
    return {
        "input": source.name,
        "ok": True,
        "documents": docs,
        "kept": stats["kept"],
        "wall_s": wall,
        "docs_per_s": docs / wall,
        "map_s": map_s,
        "map_cores": cores,
        "run_cores": mon.run_cores(),
        "splits": len(mon.splits),
        "peak_rss_mb": mon.peak_rss / 2**20,
        "peak_rss_by_kind_mb": {k: round(v / 2**20) for k, v in sorted(mon.peak_by_kind.items())},
        "peak_at_s": round(mon.peak_at - started, 1),
        "peak_rss_map_mb": round(mon.rss_by_phase()[0] / 2**20),
        "peak_rss_after_map_mb": round(mon.rss_by_phase()[1] / 2**20),
        "shuffle_bytes_per_doc": int(shuffled.group(1)) / docs if shuffled and docs else None,
        "balanced": stats["balanced"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="2500,10000,40000", help="responses in one file, comma separated")
    ap.add_argument("--files", default="100x100", help="FILESxRESPONSES, or '' for none")
    ap.add_argument("--work", type=Path, default=Path("/tmp/crawlwash-scale"))
    ap.add_argument("--input", action="append", default=[], help="also run this file or glob (e.g. 4 copies)")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    inputs = [generate(args.work, int(n), 1) for n in args.sizes.split(",") if n]
    inputs += [Path(p) for p in args.input]
    if args.files:
        files, responses = (int(x) for x in args.files.split("x"))
        inputs.append(generate(args.work, responses, files))
    print(f"cores: {os.cpu_count()}; inputs: {', '.join(i.name for i in inputs)}", flush=True)
    results = []
    for source in inputs:
        res = run(source, args.work / f"out-{source.name.replace('*', '_')}")
        results.append(res)
        print(json.dumps(res), flush=True)
    head = (f"{'input':<22} {'docs':>6} {'kept':>6} {'wall s':>7} {'docs/s':>7} {'map s':>6} {'cores':>5} "
            f"{'run cores':>9} {'splits':>6} {'peak RSS MB':>11} {'shuffle B/doc':>13} ledger")  # fmt: skip
    print("\n" + head)
    for r in results:
        if not r["ok"]:
            print(f"{r['input']:<22} FAILED after {r['wall_s']:.0f} s")
            continue
        print(f"{r['input']:<22} {r['documents']:>6} {r['kept']:>6} {r['wall_s']:>7.0f} {r['docs_per_s']:>7.1f} "
              f"{r['map_s']:>6.0f} {r['map_cores']:>5.2f} {r['run_cores']:>9.2f} {r['splits']:>6} {r['peak_rss_mb']:>11.0f} "
              f"{r['shuffle_bytes_per_doc']:>13.0f} {'balanced' if r['balanced'] else 'NOT BALANCED'}")  # fmt: skip
    by_name = {r["input"]: r for r in results if r["ok"]}
    small, big = by_name.get("cc-10000.warc.gz"), by_name.get("cc-40000.warc.gz")
    if small and big:
        print(f"\npeak RSS 40k / 10k: x{big['peak_rss_mb'] / small['peak_rss_mb']:.2f} (target <= 1.3)")
    ok = [r for r in results if r["ok"]]
    if ok:
        print(f"map-phase cores, lowest: {min(r['map_cores'] for r in ok):.2f} (target >= 1.8 on 2 cores)")
        print(f"shuffle bytes/document, highest: {max(r['shuffle_bytes_per_doc'] or 0 for r in ok):.0f} "
              "(target <= 2048)")  # fmt: skip
        print(f"ledger balanced in every run: {all(r['balanced'] for r in ok) and len(ok) == len(results)}")
    return 0 if len(ok) == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
