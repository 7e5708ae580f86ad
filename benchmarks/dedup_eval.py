"""Dev evaluation of near-duplicate dedup on real pages: recall at true Jaccard >= 0.8 and false merges.

    .venv/bin/python benchmarks/dedup_eval.py [--pages 990] [--min-words 30]

1. Extract the texts of the bench WARC pages (../shared/data/bench/trafilatura-eval.warc.gz) with trafilatura
   (cached in /tmp/crawlwash_dedup_eval_texts.json; only the first run pays for the extraction).
2. For each original make near-duplicate variants (seeded, deterministic): boilerplate added (navigation and
   footer lines), a few words changed (2 %), trimmed ends (start and end), two paragraphs swapped, and a mix of
   boilerplate + edits + trim.
3. The true Jaccard of every pair inside a group (original + its variants) is computed exactly on the same word
   5-gram shingles the pipeline uses (`minhash.shingle_set`, strings, no hashing).
4. Near dedup runs through the pipeline's own decide and apply phases (`pipelines.documents.run_documents`,
   DirectRunner) over all docs, in several configurations in one pipeline; the cluster of a doc is its kept doc
   (from the dropped row's detail). Recall = share of pairs with true Jaccard
   >= 0.8 that end in one cluster. A false merge = a cluster holding docs of two different originals; each is
   printed with the true Jaccard of the two originals (a real duplicate in the source data is not a false merge).
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import logging
import random
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
from harness import BENCH_WARC  # puts the repository on sys.path

from pipelines.config import CrawlwashConfig
from pipelines.documents import run_documents
from transforms.core import Doc
from transforms.dedup import NearDedupConfig, minhash

CACHE = Path("/tmp/crawlwash_dedup_eval_texts.json")
log = logging.getLogger("dedup_eval")

NAV = ["Home", "News", "World", "Politics", "Business", "Sport", "Culture", "Contact", "About us", "Login",
       "Subscribe", "Newsletter", "Search", "Menu", "Opinion", "Video", "Weather", "Jobs"]  # fmt: skip
FOOTER = [
    "Copyright 2024 Example Media Group. All rights reserved.",
    "Share this article on Facebook Twitter LinkedIn Email",
    "Related articles you may also like",
    "Cookie settings Privacy policy Terms of use Imprint",
    "Follow us on social media for the latest updates",
    "Reproduction in whole or in part without permission is prohibited.",
]


def load_texts(limit: int) -> list[tuple[str, str]]:
    """(url, text) of the bench pages, extracted with trafilatura once and cached in /tmp."""
    if CACHE.exists():
        cached = json.loads(CACHE.read_text(encoding="utf-8"))
        if len(cached) >= limit or cached and cached[-1][0] == "__complete__":
            return [tuple(x) for x in cached if x[0] != "__complete__"][:limit]
    import trafilatura
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    out: list[tuple[str, str]] = []
    t0 = time.perf_counter()
    with open(BENCH_WARC, "rb") as f:
        for rec in ArchiveIterator(f, record_types=WarcRecordType.response):
            url = rec.headers.get("WARC-Target-URI")
            html = rec.reader.read()
            text = trafilatura.extract(html.decode("utf-8", "replace"), url=None, favor_precision=False) or ""
            out.append((url, text))
    log.info("extracted %d pages in %.1f s", len(out), time.perf_counter() - t0)
    CACHE.write_text(json.dumps(out + [("__complete__", "")], ensure_ascii=False), encoding="utf-8")
    return out[:limit]


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def make_variants(text: str, rng: random.Random, vocab: list[str]) -> dict[str, str]:
    paras = _paragraphs(text)
    words = text.split()

    def boilerplate(t: str) -> str:
        nav = " | ".join(rng.sample(NAV, rng.randint(5, 10)))
        foot = "\n".join(rng.sample(FOOTER, rng.randint(2, 4)))
        return f"{nav}\n{t}\n{foot}"

    def edits(t: str, share: float = 0.02) -> str:
        ws = t.split(" ")
        for i in rng.sample(range(len(ws)), max(1, int(len(ws) * share))):
            ws[i] = rng.choice(vocab)
        return " ".join(ws)

    def trim(t: str) -> str:
        ws = t.split(" ")
        a = int(len(ws) * rng.uniform(0.0, 0.04))
        b = int(len(ws) * rng.uniform(0.02, 0.06))
        return " ".join(ws[a : len(ws) - b])

    def swap(ps: list[str]) -> str:
        ps = ps[:]
        if len(ps) >= 2:
            i = rng.randrange(len(ps) - 1)
            ps[i], ps[i + 1] = ps[i + 1], ps[i]
        return "\n".join(ps)

    del words
    return {
        "boilerplate": boilerplate(text),
        "edits": edits(text),
        "trim": trim(text),
        "swap": swap(paras),
        "mixed": boilerplate(trim(edits(text, 0.01))),
    }


def build_corpus(texts: list[tuple[str, str]], min_words: int) -> tuple[list[Doc], dict[str, int]]:
    vocab = sorted({w for _, t in texts[:200] for w in t.split()[:200]})
    docs: list[Doc] = []
    group: dict[str, int] = {}
    kept_originals = 0
    for gi, (url, text) in enumerate(texts):
        if len(text.split()) < min_words:
            continue
        kept_originals += 1
        rng = random.Random(gi)
        variants = {"orig": text, **make_variants(text, rng, vocab)}
        for name, vt in variants.items():
            doc_id = f"g{gi:04d}-{name}"
            docs.append(Doc(id=doc_id, source="bench", source_record=doc_id, text=vt, url=url))
            group[doc_id] = gi
    return docs, group


def run_dedup(
    docs: list[Doc], configs: dict[str, NearDedupConfig], out_dir: str
) -> dict[str, dict[str, str]]:
    """Run each config through the pipeline's decide and apply phases (near dedup only; one DirectRunner
    pipeline for all); return {config: {doc id: kept id of its cluster}}."""
    cases = []
    for name, near in configs.items():
        cfg = CrawlwashConfig.model_validate({
            "output": {"dir": f"{out_dir}/{name}"},
            "pipeline": {"stages": ["extract", "dedup"]},
            "dedup": {"url": {"enabled": False}, "exact": {"enabled": False}, "near": near.model_dump()},
        })  # fmt: skip
        cases.append((name, cfg, docs))
    run_documents(cases)
    result = {}
    for name in configs:
        label_of = {r["id"]: r["id"] for r in pq.read_table(f"{out_dir}/{name}/data").to_pylist()}
        for r in pq.read_table(f"{out_dir}/{name}/rejected").to_pylist():
            label_of[r["id"]] = r["detail"].split()[0].split("=", 1)[1]
        result[name] = label_of
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=990)
    ap.add_argument("--min-words", type=int, default=30)
    ap.add_argument("--threshold", type=float, default=0.8)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("apache_beam").setLevel(logging.WARNING)

    texts = load_texts(args.pages)
    docs, group = build_corpus(texts, args.min_words)
    by_id = {d.id: d for d in docs}
    n_groups = len(set(group.values()))
    print(f"originals: {n_groups} (>= {args.min_words} words, of {len(texts)} pages), docs: {len(docs)}")

    # exact Jaccard of all within-group pairs on the string shingles
    t0 = time.perf_counter()
    shingles = {d.id: minhash.shingle_set(d.text) for d in docs}
    members: dict[int, list[str]] = collections.defaultdict(list)
    for d in docs:
        members[group[d.id]].append(d.id)
    pairs = []
    for ids in members.values():
        for a, b in itertools.combinations(ids, 2):
            pairs.append((a, b, minhash.jaccard(shingles[a], shingles[b])))
    print(f"within-group pairs: {len(pairs)} (exact Jaccard in {time.perf_counter() - t0:.1f} s)")

    base = NearDedupConfig(threshold=args.threshold)
    configs = {
        "default": base,
        "no_containment": base.model_copy(update={"containment_threshold": None}),
        "lsh_only": base.model_copy(update={"verify": False}),
        "datasketch_9x13": base.model_copy(update={"bands": 9, "rows": 13}),
    }
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        clusters = run_dedup(docs, configs, tmp)
    print(f"pipeline ({len(configs)} configs, DirectRunner): {time.perf_counter() - t0:.1f} s")
    b, r = base.bands_rows()
    print(f"default: threshold {args.threshold}, num_perm {base.num_perm}, bands x rows {b} x {r}, "
          f"verify cut {base.verify_cut():.2f}, containment cut {base.containment_threshold}")  # fmt: skip

    buckets = [(0.8, 0.85), (0.85, 0.9), (0.9, 0.95), (0.95, 1.01)]
    kinds = ["boilerplate", "edits", "trim", "swap", "mixed"]
    for name, label_of in clusters.items():
        assert set(label_of) == set(by_id), f"{name}: some docs missing from the output"
        above = [(a, b, j) for a, b, j in pairs if j >= args.threshold]
        hit = [label_of[a] == label_of[b] for a, b, _ in above]
        recall = sum(hit) / len(hit) if hit else float("nan")
        parts = []
        for lo, hi in buckets:
            sel = [label_of[a] == label_of[b] for a, b, j in above if lo <= j < hi]
            if sel:
                parts.append(f"[{lo:.2f},{min(hi, 1):.2f}): {sum(sel) / len(sel):.3f} of {len(sel)}")
        per_kind = []
        for k in kinds:
            sel = [
                label_of[a] == label_of[b] for a, b, j in above if a.endswith("-orig") and b.endswith(f"-{k}")
            ]
            if sel:
                per_kind.append(f"{k} {sum(sel) / len(sel):.3f}/{len(sel)}")
        below = [(a, b, j) for a, b, j in pairs if 0.5 <= j < args.threshold]
        merged_below = sum(label_of[a] == label_of[b] for a, b, _ in below)
        # false merges: clusters with docs from two different originals
        cluster_groups: dict[str, set[int]] = collections.defaultdict(set)
        for doc_id, lab in label_of.items():
            cluster_groups[lab].add(group[doc_id])
        multi = {lab: gs for lab, gs in cluster_groups.items() if len(gs) > 1}
        false_merges, true_dups = [], []
        for lab, gs in sorted(multi.items()):
            gl = sorted(gs)
            worst = min(
                minhash.jaccard(shingles[f"g{x:04d}-orig"], shingles[f"g{y:04d}-orig"])
                for x, y in itertools.combinations(gl, 2)
            )
            (true_dups if worst >= 0.5 else false_merges).append((lab, gl, worst))
        n_clusters = len(cluster_groups)
        print(f"\n[{name}] recall at J >= {args.threshold}: {recall:.4f} ({sum(hit)}/{len(hit)} pairs); "
              f"clusters {n_clusters} for {n_groups} originals")  # fmt: skip
        print("  by true Jaccard: " + "; ".join(parts))
        print("  original~variant by kind: " + "; ".join(per_kind))
        print(f"  pairs with 0.5 <= J < {args.threshold} merged: {merged_below}/{len(below)}")
        print(f"  false merges (clusters with two distinct originals, their J < 0.5): {len(false_merges)}")
        for lab, gl, worst in false_merges[:10]:
            print(f"    cluster {lab}: groups {gl}, min original Jaccard {worst:.3f}")
        if true_dups:
            print(f"  merged originals that are duplicates in the source data (J >= 0.5): {len(true_dups)}")
            for lab, gl, worst in true_dups[:10]:
                print(f"    cluster {lab}: groups {gl}, original Jaccard {worst:.3f}")


if __name__ == "__main__":
    main()
