"""Regression (slow): crawlwash's own graph on large pages, on the default runner (DirectRunner, multi-processing,
2 workers), 10 times: the ledger balances every time and every run keeps the same documents.

This is the input that lost records before (docs/beam-notes.md): Beam's local runner loses elements on a
Flatten's path when parallel workers send a lot of data. The job now never sends a page or a text through Beam
and no Flatten carries volume; the ledger and the job guards (splits, staged documents, decide records) would
name a loss.
"""

from __future__ import annotations

import gzip
import html
import json
from functools import cache
from pathlib import Path

import pytest

from tests.badinput import http_response, run_cli, warc_record
from tests.conftest import AEB_DIR

PAGES = 120
PAGE_BYTES = 300_000


@cache
def _paragraphs() -> list[str]:
    truth = json.loads((AEB_DIR / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        p.strip()
        for _, v in sorted(truth.items())
        for p in v["articleBody"].split("\n")
        if len(p.strip()) > 80
    ]


def _large_page(i: int) -> bytes:
    """A real-text HTML page of about 300 KB: consecutive paragraphs of the AEB articles (no paragraph twice in
    a page), each page starting elsewhere."""
    paras = _paragraphs()
    body, n = [], 0
    k = i * 37
    while n < PAGE_BYTES:
        p = f"<p>{html.escape(paras[k % len(paras)])}</p>\n"
        body.append(p)
        n += len(p)
        k += 1
    page = (
        f"<!DOCTYPE html><html><head><title>Page {i}</title></head><body><article>{''.join(body)}</article>"
    )
    return (page + "</body></html>").encode()


@pytest.fixture(scope="module")
def large_warc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "large-pages.warc.gz"
    with path.open("wb") as f:
        for i in range(PAGES):
            rec = warc_record("response", http_response(_large_page(i)), f"00000000-0000-4000-8000-{i:012d}",
                              f"https://large.example/page/{i}")  # fmt: skip
            f.write(gzip.compress(rec, mtime=0))
    return path


@pytest.mark.slow
@pytest.mark.timeout(1800)  # ten jobs of about a minute each on 2 cores: the suite's 600 s is for one test's hang
def test_large_pages_ten_runs_on_the_default_runner_always_balance(large_warc: Path, tmp_path: Path) -> None:
    outcomes = []
    for run_no in range(10):
        out = tmp_path / f"run{run_no}"
        run = run_cli(["run", "--input", str(large_warc), "--output", str(out), "--set", "read.split_bytes=262144",
                       "--direct_num_workers=2"], cwd=tmp_path, timeout_s=600)  # fmt: skip
        assert run.returncode == 0, run.stderr[-3000:]
        stats = json.loads((out / "stats.json").read_text())
        assert stats["balanced"] and stats["read"] == PAGES, stats
        job = stats["job"]
        assert (
            job["splits_planned"] == job["splits_applied"] > 1
            and job["staged_docs"] == job["applied_docs"] > 0
        )
        outcomes.append((stats["kept"], stats["dropped"], stats["failed"]))
    assert len(set(outcomes)) == 1, outcomes
