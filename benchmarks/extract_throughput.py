"""Extraction throughput on one core: crawlwash's extraction path next to a bare `trafilatura.extract` loop.

    .venv/bin/python benchmarks/extract_throughput.py [--limit N] [--cpu K] [--warc PATH]

Measured on the same records in the same run, interleaved chunk by chunk so that a noisy machine slows all three
alike:
- bare: `trafilatura.extract(payload_bytes, **same options)` (trafilatura decodes the bytes itself), with lxml.html's
  own Python element lookup, as users run it;
- in-process: `extract_html` (our charset decoding + the same trafilatura call, with lxml's C element lookup:
  `transforms.extract.html.set_element_lookup`), no sandbox;
- sandboxed: `ExtractorSandbox.extract` (what `ExtractText` runs with the default config: decode + extract in the
  child process, payload bytes over a socket, per-document time budget).
The process (and the sandbox child, which inherits the affinity) is pinned to one CPU.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

import trafilatura
from fastwarc.warc import ArchiveIterator, WarcRecordType
from harness import BENCH_WARC as DEFAULT_WARC  # puts the repository on sys.path

from transforms.extract import ExtractConfig, ExtractError, ExtractorSandbox
from transforms.extract.html import _trafilatura_options, extract_html, set_element_lookup

__all__ = ["main"]

log = logging.getLogger("extract_throughput")
CHUNK = 25


def _load(path: Path, limit: int | None) -> list[tuple[str, str | None, bytes]]:
    records = []
    with open(path, "rb") as f:
        for rec in ArchiveIterator(f, record_types=WarcRecordType.response, parse_http=True):
            ct = (rec.http_headers.get("Content-Type") if rec.http_headers else None) or ""
            charset = ct.split("charset=", 1)[1].split(";")[0].strip() if "charset=" in ct.lower() else None
            records.append((rec.headers.get("WARC-Target-URI"), charset, rec.reader.read()))
            if limit and len(records) >= limit:
                break
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--warc", type=Path, default=DEFAULT_WARC, help="WARC file of HTML responses")
    parser.add_argument("--limit", type=int, default=None, help="only the first N records")
    parser.add_argument(
        "--cpu", type=int, default=None, help="CPU to pin to (default: the first allowed one)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

    cpu = args.cpu if args.cpu is not None else min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    records = _load(args.warc, args.limit)
    total_mb = sum(len(r[2]) for r in records) / 1e6
    cfg = ExtractConfig()
    options = _trafilatura_options(cfg)

    sandbox = ExtractorSandbox(cfg)
    sandbox.extract(b"<html><body><p>warm up</p></body></html>")  # child started and imported

    elapsed = {"bare": 0.0, "in-process": 0.0, "sandboxed": 0.0}
    texts: dict[str, list[str | None]] = {k: [] for k in elapsed}
    failures = {k: 0 for k in elapsed}

    def run_bare(chunk: list) -> None:
        set_element_lookup(c_level=False)  # trafilatura as users run it: lxml.html's own (Python) element lookup
        try:
            for url, _, payload in chunk:
                texts["bare"].append(trafilatura.extract(payload, url=url, deduplicate=False, **options))
        finally:
            set_element_lookup()

    def run_in_process(chunk: list) -> None:
        for url, charset, payload in chunk:
            try:
                texts["in-process"].append(extract_html(payload, cfg, charset, url).text or None)
            except ExtractError:
                failures["in-process"] += 1
                texts["in-process"].append(None)

    def run_sandboxed(chunk: list) -> None:
        for url, charset, payload in chunk:
            try:
                texts["sandboxed"].append(sandbox.extract(payload, charset, url).text or None)
            except ExtractError:
                failures["sandboxed"] += 1
                texts["sandboxed"].append(None)

    runners = {"bare": run_bare, "in-process": run_in_process, "sandboxed": run_sandboxed}
    try:
        for i in range(0, len(records), CHUNK):
            chunk = records[i : i + CHUNK]
            order = list(runners) if (i // CHUNK) % 2 == 0 else list(reversed(runners))
            for name in order:
                t0 = time.perf_counter()
                runners[name](chunk)
                elapsed[name] += time.perf_counter() - t0
    finally:
        restarts = sandbox.starts - 1
        sandbox.close()

    n = len(records)
    log.info("records: %d (%.1f MB of HTML) from %s; pinned to CPU %d", n, total_mb, args.warc, cpu)
    log.info("config: %s", cfg.model_dump())
    base = n / elapsed["bare"]
    for name in runners:
        rate = n / elapsed[name]
        empty = sum(1 for t in texts[name] if not t) - failures[name]
        log.info(
            "%-11s %7.1f docs/s  %6.2f MB/s  ratio to bare %.3f  (no text: %d, failed: %d)",
            name, rate, total_mb / elapsed[name], rate / base, empty, failures[name],
        )  # fmt: skip
    same = sum(1 for a, b in zip(texts["bare"], texts["sandboxed"], strict=True) if a == b)
    log.info(
        "sandboxed text identical to bare trafilatura on %d of %d records; sandbox restarts: %d",
        same,
        n,
        restarts,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
