"""Quality-stage cost per document vs trafilatura extraction and datatrove's filters (same docs, same run).

Takes the first N pages of the bench WARC, extracts them with trafilatura (timed), then times on the extracted
texts (best of --repeats passes):
- ours: `compute_signals` (all four families' signals) + `decide`, per document;
- "datatrove-style repetition": datatrove's GopherRepetitionFilter logic reproduced in a few lines (joined
  string n-grams, Counter, sets), with our word regex standing in for its spaCy tokenizer;
- real datatrove (optional): its GopherRepetitionFilter, GopherQualityFilter, C4QualityFilter and
  FineWebQualityFilter, run by datatrove's own venv (`.bench/datatrove-venv`, never our .venv; built by
  `python -m benchmarks speed bench` or `python -m benchmarks quality datatrove-parity`, or pass --datatrove-python)
  (nltk's punkt data is not downloadable here; the filters that need it are reported as skipped).
Everything is printed as ms/doc and as a ratio to trafilatura's time on the same documents.

    .venv/bin/python -m benchmarks speed quality [--limit 300] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from harness import DT_PYTHON  # puts the repository on sys.path

from benchmarks.quality_report import _decode, load_pages
from transforms.quality import QualityConfig, compute_signals, config_params, decide

# Runs inside the datatrove interpreter: times each filter over the texts in argv[1], prints JSON.
_DATATROVE_TIMER = r"""
import json, sys, time
from datatrove.data import Document
from datatrove.pipeline.filters import (
    GopherRepetitionFilter, GopherQualityFilter, C4QualityFilter, FineWebQualityFilter)
texts = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
repeats = int(sys.argv[2])
out = {}
for name, make in [("gopher_repetition", GopherRepetitionFilter), ("gopher_quality", GopherQualityFilter),
                   ("c4", C4QualityFilter), ("fineweb", FineWebQualityFilter)]:
    try:
        f = make()
        f.filter(Document(text="Warm up the tokenizer. It loads once.", id="w"))
        best = float("inf")
        for _ in range(repeats):
            docs = [Document(text=t, id=str(i)) for i, t in enumerate(texts)]
            t0 = time.perf_counter()
            for d in docs:
                f.filter(d)
            best = min(best, time.perf_counter() - t0)
        out[name] = best / len(texts)
    except Exception as exc:  # a filter whose data cannot be loaded here is reported, not fatal
        out[name] = f"skipped: {type(exc).__name__}: {str(exc).splitlines()[0][:100]}"
print(json.dumps(out))
"""

_WORDS = re.compile(r"\w+|[^\w\s]")


def datatrove_style_repetition(text: str) -> str | None:
    """datatrove's GopherRepetitionFilter.filter reproduced (tokenizer aside): the baseline to beat."""

    def find_duplicates(x: list[str]) -> tuple[int, int]:
        unique, dup_chars, dup = set(), 0, 0
        for e in x:
            if e in unique:
                dup_chars += len(e)
                dup += 1
            else:
                unique.add(e)
        return dup, dup_chars

    if not text:
        return "empty"
    paragraphs = re.split(r"\n{2,}", text.strip())
    pd, pc = find_duplicates(paragraphs)
    if pd / len(paragraphs) > 0.3:
        return "dup_para_frac"
    if pc / len(text) > 0.2:
        return "dup_para_char_frac"
    lines = re.split("\n+", text)
    ld, lc = find_duplicates(lines)
    if ld / len(lines) > 0.3:
        return "dup_line_frac"
    if lc / len(text) > 0.2:
        return "dup_line_char_frac"
    words = _WORDS.findall(text)
    for n, frac in ((2, 0.2), (3, 0.18), (4, 0.16)):
        grams = [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
        if grams:
            g, c = Counter(grams).most_common(1)[0]
            if len(g) * c / len(text) > frac:
                return f"top_{n}_gram"
    for n, frac in ((5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10)):
        unique: set[str] = set()
        rep, idx = 0, 0
        while idx < len(words) - n + 1:
            g = "".join(words[idx : idx + n])
            if g in unique:
                rep += len(g)
                idx += n
            else:
                unique.add(g)
                idx += 1
        if rep / len(text) > frac:
            return f"duplicated_{n}_n_grams"
    return None


def _best_per_doc(fn, items: list, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for it in items:
            fn(it)
        best = min(best, time.perf_counter() - t0)
    return best / len(items)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=300, help="pages of the bench WARC to use")
    ap.add_argument("--repeats", type=int, default=3, help="passes per measurement (the best is kept)")
    ap.add_argument("--datatrove-python", type=Path, default=DT_PYTHON)
    args = ap.parse_args(argv)

    import trafilatura

    pages = load_pages(limit=args.limit)
    htmls = [(url, _decode(body)) for url, body in pages]
    t0 = time.perf_counter()
    texts = [trafilatura.extract(html, url=url) or "" for url, html in htmls]
    extract_s = (time.perf_counter() - t0) / len(texts)
    chars = sum(map(len, texts)) / len(texts)
    print(f"{len(texts)} pages, {chars:.0f} extracted chars/doc on average")
    print(f"{'step':<44}{'ms/doc':>9}{'vs trafilatura':>16}")

    def row(name: str, per_doc: float) -> None:
        print(f"{name:<44}{per_doc * 1e3:>9.3f}{per_doc / extract_s:>15.1%}")

    row("trafilatura.extract (default settings)", extract_s)
    cfg = QualityConfig()
    params = config_params(cfg)

    def ours_one(text: str) -> None:
        decide(compute_signals(text, "de", params), "de", cfg, params)

    ours = _best_per_doc(ours_one, texts, args.repeats)
    row("ours: all signals + verdict (4 families)", ours)
    dts = _best_per_doc(datatrove_style_repetition, texts, args.repeats)
    row("datatrove-style Gopher repetition (repro)", dts)
    print(f"ours (all 4 families) / datatrove-style repetition alone: {ours / dts:.2f}x")

    if not args.datatrove_python.exists():
        print(f"real datatrove: skipped ({args.datatrove_python} not found; see the module docstring)")
        return
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as f:
        for t in texts:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    res = subprocess.run(
        [str(args.datatrove_python), "-c", _DATATROVE_TIMER, f.name, str(args.repeats)],
        capture_output=True,
        text=True,
        check=False,
    )
    Path(f.name).unlink()
    if res.returncode != 0:
        print(f"real datatrove: failed: {res.stderr.strip().splitlines()[-1:]}")
        return
    got = json.loads(res.stdout.strip().splitlines()[-1])
    total = 0.0
    for name, v in got.items():
        if isinstance(v, float):
            row(f"datatrove {name}", v)
            total += v
        else:
            print(f"datatrove {name:<34} {v}")
    if isinstance(got.get("gopher_repetition"), float):
        ratio = ours / got["gopher_repetition"]
        print(f"ours (all 4 families) / datatrove GopherRepetitionFilter: {ratio:.2f}x")
    print(f"ours (all 4 families) / datatrove filters that ran, summed: {ours / total:.2f}x")


if __name__ == "__main__":
    main()
