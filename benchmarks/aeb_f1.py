"""Extraction quality through the whole pipeline against bare trafilatura, on real pages with ground truth.

    .venv/bin/python benchmarks/aeb_f1.py [--limit N] [--show-false N] [--out DIR] [--set key=value ...]

Pages (one `crawlwash run` over both, default config and default runner, like a crawl of ~1.2k pages):
- AEB: the 181 pages of ../shared/data/extraction/aeb (ScrapingHub article-extraction benchmark), written into a
  temporary WARC as response records (status 200, text/html without charset, the page's real URL). Scored by
  bag-of-words precision / recall / F1 against the human `articleBody`, macro-averaged over pages.
- eval: the 990 pages of ../shared/data/bench/trafilatura-eval.warc.gz (981 of them in trafilatura-evaldata.json),
  scored the way trafilatura's own evaluation does: a "with" snippet found is a true positive, one missing a false
  negative, a "without" snippet found a false positive; P / R / F1 over all snippets. Also: "with" and "without"
  snippets found, and empty extractions.

Rows: `bare` is `trafilatura.extract(html)` with trafilatura's defaults (comments included); `bare-cw` is
trafilatura with crawlwash's extraction options (`extract.*` defaults: no comments, tables, balanced); `pipeline`
is the text of the page in the run's `data/` (after normalize, language, boilerplate, quality, dedup and the
frequent-line pass). "kept" scores the pages the pipeline keeps (bare on the same pages); "all" scores every page,
a page the pipeline dropped counting as an empty extraction. Pages are split once, before any tuning, by the
first byte of sha1(url): even = dev, odd = held-out; tune on dev, read held-out.

The run is the default one except `boilerplate.audit_sample_rate=1.0` (every removed line gets an audit row in
`rejected/`; `data/` is unchanged): the last table lists, per removal reason, the lines the pipeline removed from
kept pages and how many of them look like real text (AEB: 90% of the line's words in the page's ground truth, a
removed repeat only when the ground truth holds it twice; eval: the line holds a "with" snippet).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import trafilatura
from gen_ccwarc import _record  # noqa: E402
from harness import BENCH_SNIPPETS, BENCH_WARC, CLI, SHARED

from transforms.extract.config import ExtractConfig  # noqa: E402
from transforms.extract.html import extract_html  # noqa: E402

AEB_DIR = SHARED / "extraction" / "aeb"
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"[^\W_]+")  # letters and digits; "___" rules are not words
SPLITS = ("dev", "held-out", "all")
REPEATS = ("repeated_paragraph", "near_repeated_line")


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.casefold()))


def prf(pred: Counter[str], truth: Counter[str]) -> tuple[float, float, float]:
    """Bag-of-words precision, recall, F1 (an empty prediction scores 0 precision, 0 recall)."""
    overlap = sum((pred & truth).values())
    n_pred, n_true = sum(pred.values()), sum(truth.values())
    p = overlap / n_pred if n_pred else 0.0
    r = overlap / n_true if n_true else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).casefold()


def split_of(url: str) -> str:
    """dev or held-out, fixed by the URL alone (decided before any tuning)."""
    return "dev" if hashlib.sha1(url.encode("utf-8")).digest()[0] % 2 == 0 else "held-out"


@dataclass
class Page:
    kind: str  # "aeb" or "eval"
    url: str
    html: bytes
    truth: str = ""  # AEB articleBody
    with_: list[str] = field(default_factory=list)  # eval snippets
    without: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # row -> extracted text ("" when none)
    dropped: str | None = None  # "stage/reason" when the pipeline did not keep the page


def load_pages(limit: int) -> list[Page]:
    truth = json.loads((AEB_DIR / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [
        Page("aeb", truth[k]["url"], gzip.decompress((AEB_DIR / "html" / f"{k}.html.gz").read_bytes()),
             truth=truth[k].get("articleBody") or "")
        for k in sorted(truth)
    ][: limit or None]  # fmt: skip
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    snippets = json.loads(BENCH_SNIPPETS.read_text(encoding="utf-8"))
    evals: list[Page] = []
    with BENCH_WARC.open("rb") as fh:
        for rec in ArchiveIterator(fh, record_types=WarcRecordType.response):
            url = rec.headers.get("WARC-Target-URI")
            if url in snippets:
                s = snippets[url]
                evals.append(
                    Page(
                        "eval", url, rec.reader.read(), with_=s.get("with", []), without=s.get("without", [])
                    )
                )
    return pages + evals[: limit or None]


def write_warc(path: Path, pages: Iterable[Page]) -> None:
    """Response records as a crawler writes them: status 200, text/html without charset, the page's URL."""
    import random

    rng = random.Random(0)
    date = datetime(2024, 5, 1, tzinfo=UTC)
    with path.open("wb") as f:
        for page in pages:
            http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(page.html)}\r\n\r\n"
            f.write(_record("response", page.url, date, http.encode() + page.html, rng,
                            "application/http; msgtype=response"))  # fmt: skip


def run_pipeline(inputs: list[Path], out: Path, overrides: list[str], beam_args: list[str]) -> float:
    """`crawlwash run` with the default config and runner; returns its wall seconds."""
    cmd = [str(CLI), "run", "--output", str(out), "--quiet", *beam_args]
    for path in inputs:
        cmd += ["--input", str(path)]
    for kv in [
        "output.if_exists=overwrite",
        "output.report=false",
        "boilerplate.audit_sample_rate=1.0",
        *overrides,
    ]:
        cmd += ["--set", kv]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def read_run(out: Path, pages: list[Page]) -> dict[str, list[tuple[str, str]]]:
    """Fill each page's pipeline text (or why it was dropped); return the removed lines per URL: (reason, line)."""
    by_url = {p.url: p for p in pages}
    for f in sorted((out / "data").glob("*.parquet")):
        for row in pq.read_table(f, columns=["url", "text"]).to_pylist():
            if row["url"] in by_url:
                by_url[row["url"]].texts["pipeline"] = row["text"]
    removed: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for f in sorted((out / "rejected").glob("*.parquet")):
        for row in pq.read_table(f, columns=["url", "stage", "reason", "unit", "text"]).to_pylist():
            page = by_url.get(row["url"])
            if page is None:
                continue
            if row["unit"] == "lines":
                removed[row["url"]] += [
                    (f"{row['stage']}/{row['reason']}", line) for line in row["text"].split("\n")
                ]
            elif "pipeline" not in page.texts:
                page.dropped = f"{row['stage']}/{row['reason']}"
    for page in pages:
        if "pipeline" not in page.texts:  # neither kept nor dropped: an errors/ row
            page.texts["pipeline"] = ""
            page.dropped = page.dropped or "errors/failed"
    return removed


def extract_bare(pages: list[Page]) -> dict[str, float]:
    """The two bare rows, and their CPU seconds."""
    cw = ExtractConfig(timeout_s=0)
    seconds = {"bare": 0.0, "bare-cw": 0.0}
    for page in pages:
        t0 = time.process_time()
        page.texts["bare"] = trafilatura.extract(page.html) or ""
        t1 = time.process_time()
        try:
            page.texts["bare-cw"] = extract_html(page.html, cw, None, page.url).text
        except Exception:  # noqa: BLE001 - an undecodable or oversized page is an empty extraction here
            page.texts["bare-cw"] = ""
        seconds["bare"] += t1 - t0
        seconds["bare-cw"] += time.process_time() - t1
    return seconds


def _aeb_scores(pages: list[Page], row: str) -> tuple[float, float, float]:
    scores = [prf(tokens(p.texts[row]), tokens(p.truth)) for p in pages]
    return tuple(sum(s[k] for s in scores) / len(scores) for k in range(3)) if scores else (0.0, 0.0, 0.0)


def _eval_scores(pages: list[Page], row: str) -> tuple[float, float, float, int, int, int]:
    tp = fn = fp = empty = 0
    for p in pages:
        text = _flat(p.texts[row])
        empty += not text.strip()
        for s in p.with_:
            hit = _flat(s) in text
            tp += hit
            fn += not hit
        fp += sum(_flat(s) in text for s in p.without)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1, tp, fp, empty


def _subsets(pages: list[Page], kind: str) -> Iterable[tuple[str, str, list[Page]]]:
    for split in SPLITS:
        mine = [p for p in pages if p.kind == kind and (split == "all" or split_of(p.url) == split)]
        yield split, "kept", [p for p in mine if p.dropped is None]
        yield split, "all", mine


def report_aeb(pages: list[Page]) -> None:
    print("\nAEB: bag-of-words P / R / F1 against articleBody, macro-averaged over pages")
    print(f"{'split':9} {'pages':>9} {'bare P':>7} {'R':>6} {'F1':>6} | {'bare-cw F1':>10} | "
          f"{'pipeline P':>10} {'R':>6} {'F1':>6} | {'/ bare':>6} {'/ bare-cw':>9}")  # fmt: skip
    for split, which, sub in _subsets(pages, "aeb"):
        b, c, q = (_aeb_scores(sub, row) for row in ("bare", "bare-cw", "pipeline"))
        label = f"{len(sub)} {which}"
        print(f"{split:9} {label:>9} {b[0]:7.4f} {b[1]:6.4f} {b[2]:6.4f} | {c[2]:10.4f} | {q[0]:10.4f} {q[1]:6.4f} "
              f"{q[2]:6.4f} | {q[2] / b[2]:6.4f} {q[2] / c[2]:9.4f}")  # fmt: skip


def report_eval(pages: list[Page]) -> None:
    print("\ntrafilatura eval: snippets ('with' found = TP, missing = FN; 'without' found = FP), P / R / F1")
    print(f"{'split':9} {'pages':>9} | {'row':8} {'P':>6} {'R':>6} {'F1':>6} {'with':>5} {'w/out':>5} "
          f"{'empty':>5} | {'F1 / bare':>9} {'/ bare-cw':>9}")  # fmt: skip
    for split, which, sub in _subsets(pages, "eval"):
        base = {row: _eval_scores(sub, row) for row in ("bare", "bare-cw", "pipeline")}
        n_with, n_without = sum(len(p.with_) for p in sub), sum(len(p.without) for p in sub)
        for row, s in base.items():
            ratio = (
                f"{s[2] / base['bare'][2]:9.4f} {s[2] / base['bare-cw'][2]:9.4f}" if row == "pipeline" else ""
            )
            label = f"{len(sub)} {which}" if row == "bare" else ""
            print(f"{split if row == 'bare' else '':9} {label:>9} | {row:8} {s[0]:6.4f} {s[1]:6.4f} {s[2]:6.4f} "
                  f"{s[3]:5d} {s[4]:5d} {s[5]:5d} | {ratio}")  # fmt: skip
        print(f"{'':9} {'':>9} | of {n_with} 'with' and {n_without} 'without' snippets")


def _suspect(page: Page, reason: str, line: str) -> bool:
    """Does a removed line look like real text of the page (see module docstring)?"""
    if page.kind == "eval":
        flat = _flat(line)
        return any(_flat(s) in flat for s in page.with_)
    if reason.split("/")[-1] in REPEATS:
        return _flat(page.truth).count(_flat(line)) >= 2
    words = _TOKEN.findall(line.casefold())
    truth = tokens(page.truth)
    return bool(words) and sum(1 for w in words if w in truth) >= 0.9 * len(words)


def report_removed(pages: list[Page], removed: dict[str, list[tuple[str, str]]], show: int) -> None:
    print("\nlines removed from kept pages, by stage/reason (suspected real text: see module docstring)")
    counts: Counter[tuple[str, str]] = Counter()
    examples: list[tuple[str, str, str]] = []
    for page in pages:
        if page.dropped is not None:
            continue
        for reason, line in removed.get(page.url, ()):
            counts[(page.kind, reason)] += 1
            if _suspect(page, reason, line):
                counts[(page.kind, reason, "suspect")] += 1  # type: ignore[index]
                examples.append((reason, page.url, line))
    for kind in ("aeb", "eval"):
        for (k, reason), n in sorted((k, n) for k, n in counts.items() if len(k) == 2 and k[0] == kind):
            print(f"  {kind:5} {reason:38} {n:6d}   suspected real text: {counts[(kind, reason, 'suspect')]}")  # type: ignore[index]
    for reason, url, line in examples[:show]:
        print(f"  [{reason}] {url[:60]}: {line[:100]}")


def report_dropped(pages: list[Page]) -> None:
    for kind in ("aeb", "eval"):
        why = Counter(p.dropped for p in pages if p.kind == kind and p.dropped is not None)
        print(f"{kind}: pages not kept by the pipeline: {sum(why.values())} {dict(why.most_common())}")


def oracle_lines(text: str, truth: Counter[str]) -> str:
    """The best a line remover can make of `text` against the page's ground truth (greedy): lines are dropped one
    at a time while dropping one raises the page's bag-of-words F1. Nothing is added: an upper bound for every
    line-level rule (boilerplate, frequent lines, language) applied to this extraction."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    counts = [tokens(ln) for ln in lines]
    keep = [True] * len(lines)
    pred: Counter[str] = sum(counts, Counter())
    best = prf(pred, truth)[2]
    changed = True
    while changed:
        changed = False
        for i, c in enumerate(counts):
            if keep[i] and c:
                f = prf(pred - c, truth)[2]
                if f > best:
                    keep[i], pred, best, changed = False, pred - c, f, True
    return "\n".join(ln for ln, k in zip(lines, keep, strict=True) if k)


def report_ceiling(pages: list[Page]) -> None:
    """Where line removal ends: AEB F1 of the oracle line remover over crawlwash's extraction (the text the
    pipeline's line rules start from) and over trafilatura's favor_recall extraction (more text to remove from),
    against bare trafilatura, on the pages the pipeline keeps."""
    recall = ExtractConfig(timeout_s=0, favor="recall")
    for p in pages:
        if p.kind != "aeb":
            continue
        truth = tokens(p.truth)
        try:
            p.texts["recall"] = extract_html(p.html, recall, None, p.url).text
        except Exception:  # noqa: BLE001 - as extract_bare
            p.texts["recall"] = ""
        p.texts["oracle-cw"] = oracle_lines(p.texts["bare-cw"], truth)
        p.texts["oracle-recall"] = oracle_lines(p.texts["recall"], truth)
    print("\nAEB ceilings of line removal (kept pages): F1, and F1 / bare")
    print(f"{'split':9} {'pages':>6} | {'bare':>6} {'pipeline':>8} {'oracle over crawlwash':>22} {'recall':>7} "
          f"{'oracle over recall':>19}")  # fmt: skip
    for split, which, sub in _subsets(pages, "aeb"):
        if which != "kept":
            continue
        f = {row: _aeb_scores(sub, row)[2] for row in ("bare", "pipeline", "oracle-cw", "recall", "oracle-recall")}
        b = f["bare"]
        print(f"{split:9} {len(sub):6d} | {b:6.4f} {f['pipeline']:8.4f} {f['oracle-cw']:8.4f} ({f['oracle-cw'] / b:.4f}x)"
              f"{'':4} {f['recall']:7.4f} {f['oracle-recall']:8.4f} ({f['oracle-recall'] / b:.4f}x)")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages of each set (0: all)")
    ap.add_argument("--show-false", type=int, default=0, help="print up to N suspected real-text removals")
    ap.add_argument("--out", type=Path, default=None, help="run directory to keep (default: a temporary one)")
    ap.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="config override of the run"
    )
    ap.add_argument(
        "--beam-arg",
        action="append",
        default=[],
        help="a Beam option for the run, e.g. "
        "--beam-arg=--direct_running_mode=in_memory (the shards are the same on every runner)",
    )
    ap.add_argument("--ceiling", action="store_true", help="also the AEB F1 an oracle line remover reaches over "
                    "crawlwash's and over trafilatura's favor_recall extraction")  # fmt: skip
    args = ap.parse_args(argv)
    pages = load_pages(args.limit)
    with tempfile.TemporaryDirectory(prefix="crawlwash-aeb-") as tmp:
        aeb_warc = Path(tmp) / "aeb.warc.gz"
        write_warc(aeb_warc, (p for p in pages if p.kind == "aeb"))
        inputs = [aeb_warc] if args.limit else [aeb_warc, BENCH_WARC]
        if args.limit:  # the first N eval pages only
            inputs.append(Path(tmp) / "eval.warc.gz")
            write_warc(inputs[-1], (p for p in pages if p.kind == "eval"))
        out = args.out or Path(tmp) / "run"
        wall = run_pipeline(inputs, out, args.set, args.beam_arg)
        removed = read_run(out, pages)
    seconds = extract_bare(pages)
    n_aeb = sum(p.kind == "aeb" for p in pages)
    runner = " ".join(args.beam_arg) or "default runner"
    print(f"pages: AEB {n_aeb}, eval {len(pages) - n_aeb}; dev/held-out by sha1(url); crawlwash run {wall:.0f} s wall "
          f"({runner}); bare extraction {seconds['bare']:.0f} s, bare-cw {seconds['bare-cw']:.0f} s CPU")  # fmt: skip
    report_dropped(pages)
    report_aeb(pages)
    report_eval(pages)
    report_removed(pages, removed, args.show_false)
    if args.ceiling:
        report_ceiling(pages)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
