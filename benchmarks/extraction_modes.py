"""trafilatura's extraction settings side by side: quality on two benchmarks and time, for the speed/quality choice.

    .venv/bin/python benchmarks/extraction_modes.py [--limit N]

Settings: `balanced` (crawlwash's default, `extract.favor: balanced`), `precision` (`extract.favor: precision`, what
datatrove's FineWeb stage uses), `fast` (`extract.fast: true`: no readability/jusText fallback) and both. For each:

- bag-of-words precision / recall / F1 against the human `articleBody` of `../shared/data/extraction/aeb` (181
  pages, macro-averaged; `benchmarks/aeb_f1.py`'s row (a));
- on `../shared/data/bench/trafilatura-eval.warc.gz` (990 pages) against trafilatura's evaluation snippets: the
  "with" snippets found (text that must be extracted: higher is better), the "without" snippets found (boilerplate
  that must not be: lower is better) and the pages extracted to nothing;
- the seconds of `trafilatura.extract` over each set, on this process's CPU (time ratios between settings are what
  carry over to a run: the same pages in the same process).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

import trafilatura
from fastwarc.warc import ArchiveIterator, WarcRecordType

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aeb_f1 import AEB_DIR, BENCH_SNIPPETS, BENCH_WARC, _flat, prf, tokens  # noqa: E402

MODES = {
    "balanced": {},
    "precision": {"favor_precision": True},
    "fast": {"fast": True},
    "precision+fast": {"favor_precision": True, "fast": True},
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages of each set (0: all)")
    args = ap.parse_args()
    truth = json.loads((AEB_DIR / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[: args.limit or None]
    aeb = [
        (
            gzip.decompress((AEB_DIR / "html" / f"{i}.html.gz").read_bytes()).decode("utf-8", "replace"),
            tokens(truth[i].get("articleBody") or ""),
        )
        for i in ids
    ]
    evaldata = json.loads(BENCH_SNIPPETS.read_text(encoding="utf-8"))
    pages: list[tuple[str, bytes]] = []
    with BENCH_WARC.open("rb") as fh:
        for rec in ArchiveIterator(fh, record_types=WarcRecordType.response):
            url = rec.headers.get("WARC-Target-URI")
            if url in evaldata:
                pages.append((url, rec.reader.read()))
    pages = pages[: args.limit or None]
    n_with = sum(len(evaldata[u].get("with", [])) for u, _ in pages)
    n_without = sum(len(evaldata[u].get("without", [])) for u, _ in pages)
    print(f"AEB: {len(aeb)} pages; trafilatura eval: {len(pages)} pages, {n_with} 'with', {n_without} 'without'")
    print(f"{'setting':15s} {'AEB P':>7s} {'R':>7s} {'F1':>7s} {'s':>6s} | {'with':>5s} {'without':>7s} "
          f"{'empty':>5s} {'s':>6s}")  # fmt: skip
    for name, options in MODES.items():
        t0 = time.process_time()
        scores = [prf(tokens(trafilatura.extract(html, **options) or ""), truth_tokens) for html, truth_tokens in aeb]
        t_aeb = time.process_time() - t0
        p, r, f = (sum(s[k] for s in scores) / len(scores) for k in range(3))
        found_with = found_without = empty = 0
        t0 = time.process_time()
        for url, html in pages:
            text = _flat(trafilatura.extract(html, **options) or "")
            empty += not text
            found_with += sum(_flat(s) in text for s in evaldata[url].get("with", []))
            found_without += sum(_flat(s) in text for s in evaldata[url].get("without", []))
        t_eval = time.process_time() - t0
        print(f"{name:15s} {p:7.4f} {r:7.4f} {f:7.4f} {t_aeb:6.1f} | {found_with:5d} {found_without:7d} "
              f"{empty:5d} {t_eval:6.1f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
