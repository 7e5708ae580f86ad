"""trafilatura's extraction settings side by side: quality on two benchmarks and time, for the speed/quality choice.

    .venv/bin/python benchmarks/extraction_modes.py [--limit N]

Settings (trafilatura's keyword arguments): `default` (trafilatura's own defaults: comments included), `crawlwash`
(crawlwash's `extract.*` defaults: no comments, tables, balanced), and from there `precision` (`extract.favor:
precision`, what datatrove's FineWeb stage uses), `recall` (`extract.favor: recall`), `no-tables`
(`extract.include_tables: false`), `fast` (`extract.fast: true`: no readability/jusText fallback) and
`precision+fast`. For each, on the pages and dev / held-out split of `benchmarks/aeb_f1.py`:

- bag-of-words F1 against the human `articleBody` of `../shared/data/extraction/aeb` (181 pages, macro-averaged);
- on `../shared/data/bench/trafilatura-eval.warc.gz` (981 pages with snippets): F1 over trafilatura's evaluation
  snippets, the "with" snippets found (text that must be extracted: higher is better), the "without" snippets
  found (boilerplate that must not be: lower is better) and the pages extracted to nothing;
- the CPU seconds of `trafilatura.extract` over both sets (time ratios between settings are what carry over to a
  run: the same pages in the same process).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aeb_f1 import SPLITS, _aeb_scores, _eval_scores, load_pages, split_of  # noqa: E402

CRAWLWASH = {"include_comments": False}
MODES = {
    "default": {},
    "crawlwash": CRAWLWASH,
    "precision": {**CRAWLWASH, "favor_precision": True},
    "recall": {**CRAWLWASH, "favor_recall": True},
    "no-tables": {**CRAWLWASH, "include_tables": False},
    "fast": {**CRAWLWASH, "fast": True},
    "precision+fast": {**CRAWLWASH, "favor_precision": True, "fast": True},
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages of each set (0: all)")
    args = ap.parse_args()
    pages = load_pages(args.limit)
    n_aeb = sum(p.kind == "aeb" for p in pages)
    print(
        f"AEB: {n_aeb} pages; trafilatura eval: {len(pages) - n_aeb} pages; F1 per split (dev / held-out / all)"
    )
    print(f"{'setting':15s} {'AEB F1 dev':>10s} {'held':>6s} {'all':>6s} | {'eval F1 dev':>11s} {'held':>6s} "
          f"{'all':>6s} {'with':>5s} {'w/out':>5s} {'empty':>5s} | {'CPU s':>6s}")  # fmt: skip
    for name, options in MODES.items():
        t0 = time.process_time()
        for page in pages:
            page.texts[name] = trafilatura.extract(page.html, **options) or ""
        seconds = time.process_time() - t0
        cells: dict[str, list[float]] = {"aeb": [], "eval": []}
        totals = (0, 0, 0)
        for kind in ("aeb", "eval"):
            for split in SPLITS:
                sub = [p for p in pages if p.kind == kind and (split == "all" or split_of(p.url) == split)]
                if kind == "aeb":
                    cells[kind].append(_aeb_scores(sub, name)[2])
                else:
                    s = _eval_scores(sub, name)
                    cells[kind].append(s[2])
                    totals = s[3:]
        a, e = cells["aeb"], cells["eval"]
        print(f"{name:15s} {a[0]:10.4f} {a[1]:6.4f} {a[2]:6.4f} | {e[0]:11.4f} {e[1]:6.4f} {e[2]:6.4f} "
              f"{totals[0]:5d} {totals[1]:5d} {totals[2]:5d} | {seconds:6.1f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
