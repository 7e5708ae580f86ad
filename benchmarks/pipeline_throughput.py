"""Whole-pipeline throughput on one core, next to a bare trafilatura loop measured in the same run.

    .venv/bin/python benchmarks/pipeline_throughput.py [--warc PATH] [--cpu K] [--stages extract|all]

Both sides are pinned to one CPU (children inherit the pin, so the extraction sandbox shares it):
- bare: FastWARC over the same file, `trafilatura.extract` on every HTML response payload with the same options as
  crawlwash's default `extract` config (no reading into Beam, no writing);
- crawlwash: `crawlwash run` on the DirectRunner (in-memory mode, one worker), with only the extract stage (the
  spine: read -> extract -> Parquet + ledger) and/or with every default stage.
Prints docs/s of each and the ratios crawlwash / bare. The machine is noisy: compare ratios, not absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import trafilatura
from fastwarc import ArchiveIterator, WarcRecordType
from harness import BENCH_WARC as DEFAULT_WARC  # puts the repository on sys.path
from harness import REPO

from transforms.extract import ExtractConfig
from transforms.extract.html import _trafilatura_options, set_element_lookup
from transforms.read import decode_http_body, parse_http_response


def bare_loop(warc: Path) -> tuple[int, float]:
    """Read every response with FastWARC and run trafilatura.extract on its payload; (docs, seconds)."""
    options = _trafilatura_options(ExtractConfig())
    set_element_lookup(c_level=False)  # trafilatura as users run it: lxml.html's own (Python) element lookup
    start = time.perf_counter()
    n = 0
    with open(warc, "rb") as f:
        for rec in ArchiveIterator(f, record_types=WarcRecordType.response, parse_http=False):
            block = rec.reader.read()
            resp = parse_http_response(block)
            body = decode_http_body(
                resp.body, resp.headers.get("transfer-encoding"), resp.headers.get("content-encoding"), 1 << 30
            )
            trafilatura.extract(body, **options)
            n += 1
    return n, time.perf_counter() - start


def crawlwash_run(warc: Path, stages: str) -> tuple[dict, float]:
    out = Path(tempfile.mkdtemp(prefix="crawlwash-bench-")) / "out"
    cmd = [
        str(Path(sys.executable).with_name("crawlwash")), "run", "--input", str(warc), "--output", str(out),
        "--direct_running_mode=in_memory", "--direct_num_workers=1", "--quiet",
    ]
    if stages == "extract":
        cmd += ["--set", "pipeline.stages=[extract]"]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=REPO, capture_output=True)
    seconds = time.perf_counter() - start
    return json.loads((out / "stats.json").read_text()), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warc", type=Path, default=DEFAULT_WARC)
    parser.add_argument("--cpu", type=int, default=0, help="the CPU to pin to")
    parser.add_argument("--stages", choices=["extract", "all", "both"], default="both")
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.cpu})

    n, bare_s = bare_loop(args.warc)
    print(f"bare trafilatura loop : {n} docs in {bare_s:.1f} s = {n / bare_s:.2f} docs/s")
    for stages in (["extract", "all"] if args.stages == "both" else [args.stages]):
        stats, seconds = crawlwash_run(args.warc, stages)
        rate = n / seconds
        print(
            f"crawlwash ({stages:7s})   : {n} docs in {seconds:.1f} s = {rate:.2f} docs/s  "
            f"ratio to bare {rate / (n / bare_s):.3f}  (read {stats['read']}, kept {stats['kept']}, "
            f"dropped {stats['dropped']}, failed {stats['failed']}, balanced {stats['balanced']})"
        )


if __name__ == "__main__":
    main()
