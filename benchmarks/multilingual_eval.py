"""Dev evaluation of the default pipeline per language: which real article pages it keeps, next to English.

    .venv/bin/python benchmarks/multilingual_eval.py [--config PATH] [--set key=value ...] [--show N]

Pages: every HTML response of `../shared/data/bench/trafilatura-eval.warc.gz` (990 real pages, trafilatura's
evaluation set: articles in de, en, es, fr, pl, zh, ...) and of the Common Crawl / ClueWeb excerpts in
`../shared/data/warc/` (Chinese pages in the CC excerpt, Japanese ones in `clueweb-quirk`). They are read and
extracted by the pipeline's own read and extract stages (cached in the temp dir between runs), then go through
the default per-document stages (normalize, language, boilerplate, quality) as `crawlwash run` would run them.
An "article page" here is one whose extracted text has at least 500 characters (menus, error pages and stubs
are left out), except the pages listed in `NOT_ARTICLES`: pages of the Common Crawl excerpt read by hand and
found to be link lists, gambling or adult spam, catalogues, job tables or error pages (a filter that drops them
is right to). The language is the one the language stage gives the page.

Prints per language: article pages, kept, the keep rate, its ratio to English's, the mean share of their
extracted text the kept pages keep (and how many keep less than half), and why each lost page was dropped
(stage/reason). Target (multilingual issue): every language with at least 10 pages keeps at least 90%
of English's rate.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import pickle
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from apache_beam import pvalue  # noqa: E402
from harness import SHARED as DATA  # puts the repository on sys.path

from pipelines.config import load_config  # noqa: E402
from pipelines.pipeline import STAGE_REGISTRY  # noqa: E402
from transforms.core import Doc, Dropped  # noqa: E402
from transforms.read import read_split  # noqa: E402
from transforms.read.splits import Split  # noqa: E402

SOURCES = [
    DATA / "bench" / "trafilatura-eval.warc.gz",
    DATA / "warc" / "commoncrawl+whirlwind-python" / "whirlwind.warc.gz",
    DATA / "warc" / "iipc+jwarc" / "cc.warc.gz",
    DATA / "warc" / "chatnoir-eu+chatnoir-resiliparse" / "clueweb-quirk.warc.gz",
    DATA / "warc" / "chatnoir-eu+chatnoir-resiliparse" / "warcfile.warc.gz",
    DATA / "warc" / "allenai+dolma" / "sample-0000.warc.gz",
    DATA / "warc" / "allenai+dolma" / "sample-0001.warc.gz",
]
MIN_ARTICLE_CHARS = 500
# Read by hand (CC-MAIN-2020-34 excerpt): not articles, whatever their length.
NOT_ARTICLES = {
    "http://003338.cn/l41/481397.html": "mojibake keyword spam around copied news",
    "http://035.psb556.com/24/i/u_1090813/article.html": "car-site navigation and a 404 message",
    "http://041696.com/15477/list_6_4.html": "gambling link list",
    "http://044545.com/topic/20200207/015849.html": "gambling advertisement",
    "http://0513mt.com/index.php/art/detail/id/8884.html": "adult fiction spam",
    "http://0615235.com/02mjqjo%7Bibotij2.btq?odmbtt=106&tdmbtt=121": "product catalogue",
    "http://0755krk.com/76104/list_4_1.html": "gambling link list",
    "http://0760.jxtdw.com/area/sanxiang/": "job table",
    "http://077678u.info/erxiaoshujinguang/list_6_2.html": "gambling link list",
}
MIN_PAGES = 10
TARGET = 0.9


def extracted_docs(cfg, chain) -> list[Doc]:  # noqa: ANN001
    """Docs after the read and extract stages (cached by input sizes and extract config)."""
    sources = [p for p in SOURCES if p.exists()]
    key = json.dumps([[str(p), p.stat().st_size] for p in sources] + [cfg.extract.model_dump(mode="json")])
    cache = Path(tempfile.gettempdir()) / f"crawlwash-multilingual-{hashlib.sha1(key.encode()).hexdigest()[:12]}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    extract = dict(chain)["extract"]
    docs: list[Doc] = []
    for path in sources:
        split = Split(path=str(path), size=path.stat().st_size)
        for rec in read_split(split, cfg.read, None):
            if isinstance(rec, Doc):
                docs.extend(o for o in extract.outcomes(rec) if isinstance(o, Doc))
    cache.write_bytes(pickle.dumps(docs))
    return docs


def run_stages(docs: list[Doc], chain) -> list[tuple[Doc, str | None, str | None]]:  # noqa: ANN001
    """(doc after the language stage, its language, None if kept else "stage/reason") per article page."""
    out = []
    stages = [(n, fn) for n, fn in chain if n in ("normalize", "language", "boilerplate", "quality")]
    for doc in docs:
        if len(doc.text) < MIN_ARTICLE_CHARS or doc.url in NOT_ARTICLES:
            continue
        cur, lang, why = doc, None, None
        for name, fn in stages:
            nxt = None
            for o in fn.outcomes(cur):
                if isinstance(o, pvalue.TaggedOutput):
                    if isinstance(o.value, Dropped) and o.value.unit == "record":
                        why = f"{o.value.stage}/{o.value.reason}"
                else:
                    nxt = o
            if nxt is None:
                why = why or f"{name}/failed"
                break
            cur = nxt
            if name == "language":
                lang = cur.lang
        out.append((cur, lang or getattr(cur, "lang", None) or "und", why))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default=None)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="config override")
    ap.add_argument("--show", type=int, default=3, help="lost pages listed per language")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    cfg = load_config(args.config, ["output.dir=/tmp/crawlwash-multilingual-eval", *args.set])
    chain = [(n, fn) for n in cfg.pipeline.stages if (fn := STAGE_REGISTRY[n].make(cfg)) is not None]
    for _, fn in chain:
        fn.setup()
    docs = extracted_docs(cfg, chain)
    rows = run_stages(docs, chain)
    by_lang: dict[str, list] = defaultdict(list)
    share: dict[str, list[float]] = defaultdict(list)  # kept pages: text after the stages / text extracted
    extracted = {d.id: len(d.text) for d in docs}
    for doc, lang, why in rows:
        by_lang[lang].append((doc, why))
        if why is None:
            share[lang].append(len(doc.text) / max(1, extracted[doc.id]))
    en = by_lang.get("en", [])
    en_rate = sum(w is None for _, w in en) / len(en) if en else 0.0
    print(
        f"article pages (>= {MIN_ARTICLE_CHARS} chars extracted, {len(NOT_ARTICLES)} non-articles left out): "
        f"{len(rows)}; quality preset: {cfg.quality.preset}"
    )
    print(f"{'lang':6} {'pages':>5} {'kept':>5} {'rate':>6} {'/ en':>6} {'text':>5} {'<1/2':>4}  lost by reason")
    failing = []
    for lang, items in sorted(by_lang.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        kept = sum(w is None for _, w in items)
        rate = kept / len(items)
        ratio = rate / en_rate if en_rate else 0.0
        reasons = Counter(w for _, w in items if w is not None)
        text = sum(share[lang]) / len(share[lang]) if share[lang] else 0.0
        halved = sum(x < 0.5 for x in share[lang])
        print(f"{lang:6} {len(items):5d} {kept:5d} {rate:6.3f} {ratio:6.3f} {text:5.3f} {halved:4d}  "
              f"{dict(reasons.most_common())}")  # fmt: skip
        if len(items) >= MIN_PAGES and lang != "en" and ratio < TARGET:
            failing.append(lang)
        for doc, why in [(d, w) for d, w in items if w is not None][: args.show if lang != "en" else 0]:
            print(f"         lost [{why}] {doc.url or doc.source}: {doc.text[:70]!r}")
    verdict = "met" if not failing else f"missed for {failing}"
    print(f"target (languages with >= {MIN_PAGES} pages keep >= {TARGET:.0%} of English's rate): {verdict}")


if __name__ == "__main__":
    main()
