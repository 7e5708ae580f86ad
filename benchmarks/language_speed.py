"""Cost of language ID (document + per-line stripping) as a fraction of trafilatura extraction time.

Same documents, same process, measured in one run: extraction of the bench WARC's pages with trafilatura, then
`clean_language` (per-line fastText, letter-weighted language vote, strip foreign lines, re-vote, one capped
scoring call, word-frequency evidence on the judged lines) on the extracted texts. Also printed apart: the stage's
pass 1 (the line table: per-line fastText, the vote that replaced the old whole-text call, the facts against the
page's language), passes 2 and 3 given that table (the decisions and the edit), and the time inside the model's
predict calls during the whole stage (fastText itself, the floor of per-line language ID). Target: whole stage
ratio <= 0.15. `--clock cpu` times this process's CPU time (`time.process_time`) instead of wall time: on a machine
shared with other work, the same code then measures the same.

    .venv/bin/python benchmarks/language_speed.py [--max-docs 300] [--clock wall|cpu]
"""

from __future__ import annotations

import argparse
import time

import trafilatura
from fastwarc.warc import ArchiveIterator, WarcRecordType
from harness import BENCH_WARC  # puts the repository on sys.path

from transforms.language import (
    LanguageConfig,
    LanguageModel,
    clean_language,
    decide,
    edit_text,
    read_lines,
)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-docs", type=int, default=300)
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall", help="wall time, or this process's CPU time")
    args = ap.parse_args(argv)
    clock = time.perf_counter if args.clock == "wall" else time.process_time

    bodies = []
    with open(BENCH_WARC, "rb") as f:
        for rec in ArchiveIterator(f, record_types=WarcRecordType.response):
            bodies.append(rec.reader.read())
            if len(bodies) >= args.max_docs:
                break

    t0 = clock()
    texts = [trafilatura.extract(b) or "" for b in bodies]
    t_extract = clock() - t0
    texts = ["\n".join(ln.strip() for ln in t.split("\n") if ln.strip()) for t in texts]

    def fresh_model() -> tuple[LanguageModel, float]:
        """A model as a worker starts it: loaded, word-frequency index built (timed apart), no cached lines."""
        model = LanguageModel()
        model.predict("warm up", k=1)
        _ = model.simplified_only
        t0 = clock()
        model.words.covers("en")  # the word-frequency index, built once per worker (like the model load)
        return model, clock() - t0

    cfg = LanguageConfig()
    model, t_build = fresh_model()
    in_fasttext = [0.0]  # seconds inside the model's predict calls (fastText, and the line cache around it)

    def timed(method):  # noqa: ANN001, ANN202
        def call(*a, **kw):  # noqa: ANN002, ANN003, ANN202
            t = clock()
            try:
                return method(*a, **kw)
            finally:
                in_fasttext[0] += clock() - t

        return call

    model.predict_many, model.predict = timed(model.predict_many), timed(model.predict)  # this instance only
    t0 = clock()
    for t in texts:
        clean_language(t, model, cfg)
    t_all = clock() - t0

    model, _ = fresh_model()  # the parts, each on a fresh line cache
    t0 = clock()
    tables = [read_lines(t, model, cfg) for t in texts]
    t_doc = clock() - t0
    t0 = clock()
    removed = sum(
        edit_text(t, tb, decide(tb, model, cfg)).lines_removed for t, tb in zip(texts, tables) if tb.scripts
    )
    t_lines = clock() - t0

    n_lines = sum(t.count("\n") + 1 for t in texts if t)
    print(f"docs: {len(texts)}  lines: {n_lines}  lines removed: {removed}")
    print(f"trafilatura extraction : {t_extract:8.3f} s")
    print(f"word-frequency index build (once per worker, not in the ratios): {t_build:.2f} s")
    print(f"pass 1 (line table, vote): {t_doc:8.3f} s  ratio {t_doc / t_extract:.4f}")
    print(f"passes 2-3 (given table) : {t_lines:8.3f} s  ratio {t_lines / t_extract:.4f}")
    print(f"whole stage (clean_language): {t_all:8.3f} s  ratio {t_all / t_extract:.4f}  (target <= 0.15)")
    print(f"  of which the model's predict calls: {in_fasttext[0]:8.3f} s  ratio {in_fasttext[0] / t_extract:.4f}"
          f"  ({in_fasttext[0] * 1000 / len(texts):.2f} ms/doc)")  # fmt: skip


if __name__ == "__main__":
    main()
