"""Extraction quality on the ScrapingHub article-extraction benchmark (../shared/data/extraction/aeb): bag-of-words
precision / recall / F1 of (a) bare `trafilatura.extract` and (b) the same extraction followed by crawlwash's
`normalize_text` and the per-document boilerplate pass (repeated paragraphs, line rules, navigation runs), against
the human `articleBody`, macro-averaged over the pages. Both rows come from the same run on the same pages.

The corpus-wide frequent-line pass is not applied: the 181 pages come from ~150 different sites, so no line can
recur on enough hosts to matter.

Also prints, per removal reason, how many lines were removed and how many of those lines look like article text
(90% or more of their words occur in the page's ground truth; for a removed repeat: the ground truth holds the
line twice or more): the suspected false removals.

    .venv/bin/python benchmarks/aeb_f1.py [--aeb DIR] [--limit N] [--show-false N]

With `--snippets`, it also runs the same two pipelines on ../shared/data/bench/trafilatura-eval.warc.gz (990 real
pages, mostly German) against trafilatura's evaluation snippets (per page: snippets that must appear, and
boilerplate snippets that must not): how many "with" snippets the cleaning loses (it should lose none) and how
many "without" snippets it removes. This takes a few minutes (trafilatura on 990 pages).
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import sys
import time
from collections import Counter
from pathlib import Path

import trafilatura

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from transforms.clean import BoilerplateConfig, NormalizeConfig, clean_document, normalize_text

AEB_DIR = REPO.parent / "shared" / "data" / "extraction" / "aeb"
BENCH_WARC = REPO.parent / "shared" / "data" / "bench" / "trafilatura-eval.warc.gz"
BENCH_SNIPPETS = REPO.parent / "shared" / "data" / "bench" / "trafilatura-evaldata.json"
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"[^\W_]+")  # letters and digits; "___" rules are not words

log = logging.getLogger("aeb_f1")


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


def snippet_report(limit: int, show: int) -> None:
    """The trafilatura evaluation snippets, bare extraction vs. extraction + cleaning."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    evaldata = json.loads(BENCH_SNIPPETS.read_text(encoding="utf-8"))
    ncfg = NormalizeConfig()
    rules = BoilerplateConfig().line_rules()
    n_pages = 0
    found = {("with", "bare"): 0, ("with", "cleaned"): 0, ("without", "bare"): 0, ("without", "cleaned"): 0}
    totals = {"with": 0, "without": 0}
    lost: list[tuple[str, str, str]] = []
    removed_by_reason: Counter[str] = Counter()
    with BENCH_WARC.open("rb") as fh:
        for rec in ArchiveIterator(fh, record_types=WarcRecordType.response):
            url = rec.headers.get("WARC-Target-URI")
            if url not in evaldata:
                continue
            html = rec.reader.read()
            bare = trafilatura.extract(html) or ""
            res = clean_document(normalize_text(bare, ncfg), rules)
            for reason, lines in res.removed.items():
                removed_by_reason[reason] += len(lines)
            texts = {"bare": _flat(normalize_text(bare, ncfg)), "cleaned": _flat(res.text)}
            for kind in ("with", "without"):
                for snip in evaldata[url].get(kind, []):
                    flat = _flat(snip)
                    totals[kind] += 1
                    for row in ("bare", "cleaned"):
                        found[(kind, row)] += flat in texts[row]
                    if kind == "with" and flat in texts["bare"] and flat not in texts["cleaned"]:
                        why = next(
                            (r for r, ls in res.removed.items() if any(flat in _flat(x) for x in ls)), "?"
                        )
                        lost.append((why, url, snip))
            n_pages += 1
            if limit and n_pages >= limit:
                break
    print()
    print(
        f"trafilatura eval snippets: {n_pages} pages, {totals['with']} 'with', {totals['without']} 'without'"
    )
    print(f"{'row':<44} {'with found':>10} {'without found':>14}")
    for row, label in (("bare", "(a) trafilatura.extract"), ("cleaned", "(b) + normalize + boilerplate")):
        print(f"{label:<44} {found[('with', row)]:>10} {found[('without', row)]:>14}")
    print(f"'with' snippets lost by cleaning: {len(lost)}; by reason: {dict(Counter(r for r, _, _ in lost))}")
    print(f"lines removed by reason: {dict(removed_by_reason.most_common())}")
    for why, url, snip in lost[:show]:
        print(f"  lost [{why}] {url[:60]}: {snip[:80]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--aeb", type=Path, default=AEB_DIR)
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages (0: all)")
    ap.add_argument("--show-false", type=int, default=0, help="print up to N suspected false removals")
    ap.add_argument("--snippets", action="store_true", help="also run the trafilatura evaluation snippets")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    truth_all = json.loads((args.aeb / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth_all)
    if args.limit:
        ids = ids[: args.limit]
    ncfg = NormalizeConfig()
    rules = BoilerplateConfig().line_rules()
    no_copyright = BoilerplateConfig(
        rules=tuple(r for r in BoilerplateConfig().rules if r != "copyright_notice")
    ).line_rules()

    rows: dict[str, list[tuple[float, float, float]]] = {"bare": [], "cleaned": [], "no_copyright": []}
    removed_by_reason: Counter[str] = Counter()
    false_by_reason: Counter[str] = Counter()
    false_examples: list[tuple[str, str, str]] = []
    t_extract = t_clean = 0.0
    for page_id in ids:
        html = gzip.decompress((args.aeb / "html" / f"{page_id}.html.gz").read_bytes())
        truth_text = truth_all[page_id].get("articleBody") or ""
        truth = tokens(truth_text)
        t0 = time.perf_counter()
        extracted = trafilatura.extract(html.decode("utf-8", errors="replace")) or ""
        t1 = time.perf_counter()
        res = clean_document(normalize_text(extracted, ncfg), rules)
        t2 = time.perf_counter()
        t_extract += t1 - t0
        t_clean += t2 - t1
        rows["bare"].append(prf(tokens(extracted), truth))
        rows["cleaned"].append(prf(tokens(res.text), truth))
        rows["no_copyright"].append(
            prf(tokens(clean_document(normalize_text(extracted, ncfg), no_copyright).text), truth)
        )
        for reason, lines in res.removed.items():
            removed_by_reason[reason] += len(lines)
            for line in lines:
                words = _TOKEN.findall(line.casefold())
                # a removed repeat's first occurrence stayed: it is a false removal if the truth repeats it
                if reason == "repeated_paragraph":
                    suspect = truth_text.casefold().count(line.casefold()) >= 2
                else:
                    suspect = bool(words) and sum(1 for w in words if w in truth) >= 0.9 * len(words)
                if suspect:
                    false_by_reason[reason] += 1
                    false_examples.append((reason, page_id[:10], line))

    n = len(ids)
    print(f"AEB pages: {n}   (bag-of-words vs articleBody, macro-averaged)")
    print(f"{'row':<44} {'precision':>9} {'recall':>7} {'F1':>7}")
    means = {}
    for name, label in (
        ("bare", "(a) trafilatura.extract"),
        ("cleaned", "(b) + normalize + boilerplate (per-document)"),
        ("no_copyright", "(c) = (b) without the copyright_notice rule"),
    ):
        p = sum(x[0] for x in rows[name]) / n
        r = sum(x[1] for x in rows[name]) / n
        f = sum(x[2] for x in rows[name]) / n
        means[name] = (p, r, f)
        print(f"{label:<44} {p:9.4f} {r:7.4f} {f:7.4f}")
    (pa, ra, fa), (pb, rb, fb) = means["bare"], means["cleaned"]
    print(f"{'delta (b) - (a)':<44} {pb - pa:+9.4f} {rb - ra:+7.4f} {fb - fa:+7.4f}")
    better = sum(1 for a, b in zip(rows["bare"], rows["cleaned"], strict=True) if b[2] > a[2] + 1e-9)
    worse = sum(1 for a, b in zip(rows["bare"], rows["cleaned"], strict=True) if b[2] < a[2] - 1e-9)
    print(f"pages with F1 up: {better}, down: {worse}, same: {n - better - worse}")
    for page_id, a, b in zip(ids, rows["bare"], rows["cleaned"], strict=True):
        if b[2] < a[2] - 1e-9:
            print(f"  down: {page_id[:10]}  P {a[0]:.3f}->{b[0]:.3f}  R {a[1]:.3f}->{b[1]:.3f}")
    print(
        f"time: extract {t_extract:.2f}s, normalize+boilerplate {t_clean:.3f}s "
        f"(cleaning / extraction = {t_clean / t_extract:.4f})"
    )
    print(
        "removed lines by reason (suspected false removals: >=90% of the line's words in the ground truth):"
    )
    for reason, count in removed_by_reason.most_common():
        print(f"  {reason:<22} {count:6d}   suspected false: {false_by_reason[reason]}")
    for reason, pid, line in false_examples[: args.show_false]:
        print(f"  [{reason}] {pid}: {line[:120]}")
    if args.snippets:
        snippet_report(args.limit, args.show_false)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
