"""Parity of crawlwash's quality statistics with datatrove 0.10.1's, on real documents, datatrove as the oracle.

    .venv/bin/python benchmarks/datatrove_parity.py [--limit N] [--extra DOCS.jsonl ...] [--no-pipeline-docs]

Documents: every page of `../shared/data/bench/trafilatura-eval.warc.gz`, the Common Crawl / ClueWeb / Dolma
excerpts of `../shared/data/warc/` (Chinese and Japanese pages among them; `benchmarks/multilingual_eval.py`'s
sources), and the 181 pages of `../shared/data/extraction/aeb/`, read, extracted, normalized, language-identified
and boilerplate-cleaned by the pipeline's own stages: the text and language the quality stage sees. `--extra`
adds JSONL documents ({"id", "text", "lang"}) judged as they are (`benchmarks/tokenizer_compare.py` writes the
real multilingual documents it gathered in that form).

datatrove runs in its own venv (`.bench/datatrove-venv`, built by `benchmarks/bench.py`'s `ensure_datatrove`),
as a subprocess (`benchmarks/datatrove_oracle.py`): never in crawlwash's. For each document it computes every
statistic as its filters do, twice: over crawlwash's own tokens (`ours`: only the definitions differ) and over
the tokens of the word tokenizer it assigns to the language (`assigned`: what FineWeb-2 measured), and runs its
real filters with the thresholds crawlwash judged the document by (FineWeb's for English, FineWeb-2's for the
others). Printed:
- per statistic, the share of documents whose values agree to 1e-6, in both modes;
- per language, keep/drop agreement of crawlwash's verdict with datatrove's filters, in both modes;
- the oracle's own check: its statistics, held against the thresholds, give datatrove's filters' verdicts;
- tokenization ms/doc per language: crawlwash's tokens against the assigned tokenizer.
Target: >= 99% agreement on every statistic in `ours` mode (definitions); the `assigned` column measures the
tokenizer (see README, "Quality statistics").
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from apache_beam import pvalue  # noqa: E402
from harness import BENCHMARKS, DT_PYTHON, ensure_datatrove, quantile
from harness import SHARED as DATA

from pipelines.config import load_config  # noqa: E402
from pipelines.pipeline import STAGE_REGISTRY  # noqa: E402
from transforms.core import Doc  # noqa: E402
from transforms.quality import QualityConfig, base_lang, compute_signals, decide  # noqa: E402
from transforms.quality.fineweb2 import table  # noqa: E402
from transforms.quality.signals import fineweb_line_ends  # noqa: E402
from transforms.quality.stopwords import stop_words_for  # noqa: E402
from transforms.quality.words import tokens_for  # noqa: E402
from transforms.read import read_split  # noqa: E402
from transforms.read.splits import Split  # noqa: E402

AEB = DATA / "extraction" / "aeb" / "html"
STATS = (
    "chars", "words", "lines", "mean_word_length", "hash_word_ratio", "ellipsis_word_ratio", "bullet_lines_frac",
    "ellipsis_lines_frac", "alpha_words_frac", "stop_words", "dup_para_frac", "dup_para_char_frac", "dup_line_frac",
    "dup_line_char_frac", "top_2gram_char_frac", "top_3gram_char_frac", "top_4gram_char_frac",
    "dup_5gram_char_frac", "dup_6gram_char_frac", "dup_7gram_char_frac", "dup_8gram_char_frac",
    "dup_9gram_char_frac", "dup_10gram_char_frac", "fineweb_line_punct_ratio", "fineweb_short_line_ratio",
    "fineweb_char_dup_ratio", "fineweb_newline_word_ratio",
)  # fmt: skip
TOL = 1e-6

log = logging.getLogger("datatrove_parity")


def pipeline_docs(limit: int | None) -> list[tuple[str, str, str | None]]:
    """(id, text, lang) of the real pages as the quality stage receives them."""
    import multilingual_eval

    cfg = load_config(None, ["output.dir=/tmp/crawlwash-parity"])
    chain = [(n, fn) for n in cfg.pipeline.stages if (fn := STAGE_REGISTRY[n].make(cfg)) is not None]
    for _, fn in chain:
        fn.setup()
    docs = list(multilingual_eval.extracted_docs(cfg, chain))
    extract = dict(chain)["extract"]
    for path in sorted(AEB.glob("*.html.gz")):
        for rec in read_split(Split(path=str(path), size=path.stat().st_size), cfg.read, None):
            if isinstance(rec, Doc):
                docs.extend(o for o in extract.outcomes(rec) if isinstance(o, Doc))
    stages = [(n, fn) for n, fn in chain if n in ("normalize", "language", "boilerplate")]
    out = []
    for doc in docs[:limit]:
        cur = doc
        for _, fn in stages:
            nxt = [o for o in fn.outcomes(cur) if not isinstance(o, pvalue.TaggedOutput)]
            cur = nxt[0] if nxt else None
            if cur is None:
                break
        if cur is not None and cur.text.strip():
            out.append((cur.id, cur.text, cur.lang))
    return out


def datatrove_lang(lang: str | None) -> str | None:
    """The language code FineWeb (English) or FineWeb-2 (its config name) ran datatrove with."""
    b = base_lang(lang)
    if b is None or b == "en":
        return "en"
    entry = table()["languages"].get(b)
    return entry["config"] if entry else None


def oracle_record(key: str, text: str, lang: str | None, toks: list[str], cfg: QualityConfig, **extra) -> dict:
    """One input line of `datatrove_oracle.py`: the text, crawlwash's tokens and everything crawlwash judged it by."""
    stop = stop_words_for(lang)
    return {
        "id": key, "text": text, "tokens": toks, "dt_lang": datatrove_lang(lang),
        "thresholds": cfg.for_language(lang).model_dump(mode="json"),
        "stop_words": sorted(stop) if stop else None, "line_ends": list(fineweb_line_ends(lang)), **extra,
    }  # fmt: skip


def run_oracle(records: list[dict]) -> dict[str, dict]:
    """datatrove's answers (`datatrove_oracle.py`, in its own venv) for `oracle_record`s, by id."""
    if not DT_PYTHON.exists():
        ensure_datatrove()
    with tempfile.TemporaryDirectory(prefix="crawlwash-parity-") as tmp:
        src, dst = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        with open(src, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        subprocess.run([str(DT_PYTHON), str(BENCHMARKS / "datatrove_oracle.py"), str(src), str(dst)],
                       check=True, stderr=subprocess.DEVNULL)  # fmt: skip
        with open(dst, encoding="utf-8") as f:
            return {d["id"]: d for d in map(json.loads, f)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=None, help="only the first N pipeline documents")
    ap.add_argument("--extra", action="append", default=[], help="JSONL documents {id, text, lang} to add")
    ap.add_argument("--no-pipeline-docs", action="store_true", help="only the --extra documents")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    docs = [] if args.no_pipeline_docs else pipeline_docs(args.limit)
    for path in args.extra:
        with open(path, encoding="utf-8") as f:
            docs.extend((d["id"], d["text"], d["lang"]) for d in map(json.loads, f))
    cfg = QualityConfig()
    ours: dict[str, dict] = {}
    tok_s: dict[str, list[float]] = defaultdict(list)
    records = []
    for i, (doc_id, text, lang) in enumerate(docs):
        key = f"{i}:{doc_id}"
        t0 = time.perf_counter()
        toks = tokens_for(text, lang)
        tok_s[base_lang(lang) or "und"].append(time.perf_counter() - t0)
        sig = compute_signals(text, lang)
        ours[key] = {"lang": base_lang(lang) or "und", "sig": sig, "kept": decide(sig, lang, cfg) is None}
        records.append(oracle_record(key, text, lang, toks, cfg))
    t0 = time.perf_counter()
    oracle = run_oracle(records)
    oracle_s = time.perf_counter() - t0
    report(ours, oracle, tok_s, cfg, oracle_s)


def _agree(a: float, b: float) -> bool:
    return abs(float(a) - float(b)) <= TOL


def report(ours: dict, oracle: dict, tok_s: dict, cfg: QualityConfig, oracle_s: float) -> None:
    n = len(ours)
    print(f"{n} documents; languages: {dict(Counter(o['lang'] for o in ours.values()).most_common(12))}; "
          f"oracle ran {oracle_s:.0f} s")  # fmt: skip
    errors = Counter(k for d in oracle.values() for k in d if k.endswith("_error"))
    if errors:
        print(f"oracle errors: {dict(errors)}")
    print("\n| statistic | agree to 1e-6, our tokens (definitions) | agree to 1e-6, assigned tokenizer |")
    print("|---|---|---|")
    worst: dict[str, list] = defaultdict(list)
    for stat in STATS:
        cells = []
        for mode in ("ours", "assigned"):
            pairs = [(k, o["sig"][stat], oracle[k][mode]["stats"][stat]) for k, o in ours.items()
                     if mode in oracle.get(k, {})]  # fmt: skip
            agree = sum(_agree(a, b) for _, a, b in pairs)
            cells.append(f"{agree}/{len(pairs)} = {100 * agree / max(1, len(pairs)):.2f}%")
            if mode == "ours":
                worst[stat] = [(k, a, b) for k, a, b in pairs if not _agree(a, b)][:3]
        print(f"| {stat} | {cells[0]} | {cells[1]} |")
    for stat, bad in worst.items():
        for k, a, b in bad:
            print(f"  differs ({stat}): {k[:70]} crawlwash={a:.6g} datatrove={b:.6g}")
    # keep/drop per language
    print("\n| lang | docs | kept (crawlwash) | keep/drop agree, our tokens | keep/drop agree, assigned tokenizer |")
    print("|---|---|---|---|---|")
    by_lang: dict[str, list[str]] = defaultdict(list)
    for k, o in ours.items():
        by_lang[o["lang"]].append(k)
    total = {"ours": [0, 0], "assigned": [0, 0]}
    for lang, keys in sorted(by_lang.items(), key=lambda kv: -len(kv[1])):
        cells = []
        for mode in ("ours", "assigned"):
            ks = [k for k in keys if mode in oracle.get(k, {})]
            agree = sum(ours[k]["kept"] == (not oracle[k][mode]["verdict"]) for k in ks)
            total[mode][0] += agree
            total[mode][1] += len(ks)
            cells.append(f"{agree}/{len(ks)}" if ks else "n/a")
        kept = sum(ours[k]["kept"] for k in keys)
        print(f"| {lang} | {len(keys)} | {kept} | {cells[0]} | {cells[1]} |")
    for mode, (a, b) in total.items():
        print(f"keep/drop agreement, {mode}: {a}/{b} = {100 * a / max(1, b):.2f}%")
    # the oracle's own check: its statistics against the thresholds give datatrove's filters' verdicts
    consistent = checked = 0
    for k, o in ours.items():
        d = oracle.get(k, {}).get("ours")
        if d is None:
            continue
        fams = {v.split(":")[0] for v in d["verdict"]} - {"C4QualityFilter"}
        sig = {**o["sig"], **d["stats"]}
        lang = None if o["lang"] == "und" else o["lang"]
        no_c4 = cfg.model_copy(update={"c4_enabled": False})
        mine = decide(sig, lang, no_c4) is None
        checked += 1
        consistent += mine == (not fams)
    print(f"oracle self-check (its statistics + the thresholds give its filters' keep/drop, C4 aside): "
          f"{consistent}/{checked}")  # fmt: skip
    distributions(ours, oracle, by_lang)
    print("\n| lang | docs | crawlwash tokens ms/doc | assigned tokenizer ms/doc |")
    print("|---|---|---|---|")
    for lang, keys in sorted(by_lang.items(), key=lambda kv: -len(kv[1])):
        mine = 1000 * sum(tok_s[lang]) / len(tok_s[lang])
        theirs = [oracle[k]["assigned"]["tokenize_s"] for k in keys if "assigned" in oracle.get(k, {})]
        cell = f"{1000 * sum(theirs) / len(theirs):.2f}" if theirs else "n/a"
        print(f"| {lang} | {len(keys)} | {mine:.2f} | {cell} |")


DIST = (
    "words", "mean_word_length", "alpha_words_frac", "top_2gram_char_frac", "top_4gram_char_frac",
    "dup_5gram_char_frac", "dup_10gram_char_frac", "fineweb_newline_word_ratio",
)  # fmt: skip


def distributions(ours: dict, oracle: dict, by_lang: dict, min_docs: int = 20) -> None:
    """Per language: median and 90th percentile of the tokenizer-dependent statistics, crawlwash's tokens against
    the assigned tokenizer's, and the share of documents each keeps."""
    print("\n| lang | docs | statistic | median ours / assigned | p90 ours / assigned |")
    print("|---|---|---|---|---|")
    for lang, keys in sorted(by_lang.items(), key=lambda kv: -len(kv[1])):
        ks = [k for k in keys if "assigned" in oracle.get(k, {})]
        if len(ks) < min_docs:
            continue
        for stat in DIST:
            a = [float(ours[k]["sig"][stat]) for k in ks]
            b = [float(oracle[k]["assigned"]["stats"][stat]) for k in ks]
            print(f"| {lang} | {len(ks)} | {stat} | {quantile(a, 0.5):.4g} / {quantile(b, 0.5):.4g} | "
                  f"{quantile(a, 0.9):.4g} / {quantile(b, 0.9):.4g} |")  # fmt: skip
        kept_ours = sum(ours[k]["kept"] for k in ks)
        kept_dt = sum(not oracle[k]["assigned"]["verdict"] for k in ks)
        print(f"| {lang} | {len(ks)} | kept (crawlwash / datatrove, assigned tokenizer) | {kept_ours} / {kept_dt} | |")


if __name__ == "__main__":
    main()
