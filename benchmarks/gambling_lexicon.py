"""A spam lexicon of the language stage on real text: the gambling lexicon (`transforms/language/gambling.py`,
`language.gambling_lexicon`) or, with `--lexicon pharmacy`, the pharmacy one (`transforms/language/pharmacy.py`,
`language.pharmacy_lexicon`), or with `--lexicon linkfarm` the Chinese link-farm shape of the page re-vote
(`transforms/language/linkfarm.py`, `language.link_farm_revote`): every line it removes that the language stage without it keeps, and what it costs
per document.

    .venv/bin/python -m benchmarks quality gambling [--lexicon gambling|pharmacy|linkfarm] [--rounds 3] [--show 50]

Real text, no injection: the article pages of the multilingual evaluation (the shared bench WARC and the Common
Crawl / ClueWeb / Dolma excerpts, read and extracted by the pipeline's own stages, `multilingual_eval`), and the
ground-truth article texts of AEB (`../shared/data/extraction/aeb`: text a person marked as the article, so none of
it may go). Each text goes through `clean_language` with the lexicon on and off (the default config otherwise).

Prints: documents and lines; the lines removed only with the lexicon on, each with the page's language and URL
(on real pages these are false removals unless the page itself carries such spam; the Common Crawl excerpt
has some); the documents whose language it changes (a vote taken again without the lexicon's block,
`features.vote_without_block`); the lines the table marks as its spam (removed anyway or not); and the language
stage's CPU time
per document with the lexicon on and off (medians of `--rounds` alternated rounds over all documents, CPU time of
this process: the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import time

from harness import SHARED  # puts the repository on sys.path
from multilingual_eval import extracted_docs

from pipelines.config import load_config
from pipelines.pipeline import STAGE_REGISTRY
from transforms.language import LanguageConfig, LanguageModel, clean_language, linkfarm
from transforms.language.features import read_lines

AEB_TRUTH = SHARED / "extraction" / "aeb" / "ground-truth.json"


# --lexicon -> the config key that turns it off
KEYS = {"gambling": "gambling_lexicon", "pharmacy": "pharmacy_lexicon", "linkfarm": "link_farm_revote"}


def load_texts() -> list[tuple[str, str]]:
    """(source URL, text) of every real text: the multilingual evaluation's extracted pages, AEB's articles."""
    cfg = load_config(None, ["output.dir=/tmp/crawlwash-gambling-eval"])
    chain = [(n, fn) for n in cfg.pipeline.stages if (fn := STAGE_REGISTRY[n].make(cfg)) is not None]
    for _, fn in chain:
        fn.setup()
    texts = [(d.url, d.text) for d in extracted_docs(cfg, chain) if d.text.strip()]
    truth = json.loads(AEB_TRUTH.read_text(encoding="utf-8"))
    texts += [(v["url"], v["articleBody"]) for _, v in sorted(truth.items()) if v.get("articleBody")]
    return texts


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lexicon", choices=list(KEYS), default="gambling", help="the lexicon measured")
    ap.add_argument("--rounds", type=int, default=3, help="alternated timing rounds (lexicon on, off)")
    ap.add_argument("--show", type=int, default=50, help="lines listed")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    model = LanguageModel()
    on, off = LanguageConfig(), LanguageConfig(**{KEYS[args.lexicon]: False})
    texts = load_texts()
    n_lines = sum(t.count("\n") + 1 for _, t in texts)
    print(f"real texts: {len(texts)} ({n_lines} lines)")

    only_on: list[str] = []
    marked: list[str] = []
    docs_only_on = 0
    chars_only_on = 0
    relabelled: list[str] = []
    for url, text in texts:
        a, b = clean_language(text, model, on), clean_language(text, model, off)
        if a.before.lang != b.before.lang:
            relabelled.append(f"{b.before.lang} -> {a.before.lang}  {url[:90]}")
        extra = sorted(set(a.strip.removed_at) - set(b.strip.removed_at))
        lines = text.split("\n")
        if extra:
            docs_only_on += 1
            chars_only_on += sum(len(lines[i]) for i in extra)
            only_on += [f"[{a.after.lang}] {lines[i][:110]}  <- {url[:70]}" for i in extra]
        if args.lexicon == "linkfarm":  # a shape the re-vote reads, not a column of the table
            marked += [f"[{a.before.lang}] {line[:110]}" for line in lines if linkfarm.is_spam(line)]
            continue
        table = read_lines(text, model, on)
        column = getattr(table, args.lexicon)
        if column:
            marked += [f"[{table.doc_lang}] {lines[i][:110]}" for i, g in enumerate(column) if g]
    total_chars = sum(len(t) for _, t in texts)
    print(f"lines removed only with the lexicon on: {len(only_on)} in {docs_only_on} documents, "
          f"{chars_only_on} chars ({100.0 * chars_only_on / total_chars:.4f} % of all)")
    for line in only_on[: args.show]:
        print(f"    {line}")
    print(f"documents whose language the lexicon changes (`features.vote_without_block`): {len(relabelled)}")
    for line in relabelled[: args.show]:
        print(f"    {line}")
    print(f"lines the table marks as {args.lexicon} spam (removed by other evidence too, or not): {len(marked)}")
    for line in marked[: args.show]:
        print(f"    {line}")

    times: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(args.rounds):
        for name, cfg in (("on", on), ("off", off)):
            t0 = time.process_time()
            for _, text in texts:
                clean_language(text, model, cfg)
            times[name].append((time.process_time() - t0) / len(texts))
    t_on, t_off = statistics.median(times["on"]), statistics.median(times["off"])
    print(f"language stage CPU per document: lexicon on {1000 * t_on:.3f} ms, off {1000 * t_off:.3f} ms, "
          f"on/off {t_on / t_off:.3f} (+{1000 * (t_on - t_off):.3f} ms); medians of {args.rounds} alternated rounds")


if __name__ == "__main__":
    main()
