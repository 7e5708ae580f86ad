"""Word segmenters for scripts without spaces: characters per second on one core, ICU (what crawlwash uses) next to
the dictionary segmenters it was chosen over, where they are installed.

    .venv/bin/python benchmarks/segmenter_speed.py [--cpu 0] [--save-texts PATH] [--texts PATH]

Text: the Chinese pages of the Common Crawl excerpt and the Japanese pages of `clueweb-quirk` (as extracted by
`benchmarks/language_eval.py`), and for Thai, which `../shared/data` does not hold, one Thai sentence; each is
repeated to about 200,000 characters.
Candidates: ICU word breaks through `icu4py` (crawlwash's dependency); jieba (Chinese), fugashi with unidic-lite
(Japanese) and pythainlp's newmm (Thai) when importable. They are not crawlwash dependencies; to compare, install
them in a scratch venv next to icu4py and hand it the same texts:

    .venv/bin/python benchmarks/segmenter_speed.py --save-texts /tmp/seg-texts.json
    python3.11 -m venv /tmp/segvenv && /tmp/segvenv/bin/pip install icu4py==1.2.0 jieba fugashi unidic-lite pythainlp
    /tmp/segvenv/bin/python benchmarks/segmenter_speed.py --texts /tmp/seg-texts.json
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import harness  # noqa: F401  (puts the repository on sys.path)

THAI = "กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทยและเป็นศูนย์กลางทางเศรษฐกิจที่สำคัญของภูมิภาค"


def _texts() -> dict[str, str]:
    from language_eval import load_pages

    pages = load_pages(0)
    zh = "\n".join(p["text"] for p in pages if p["src"] != "trafilatura-eval.warc.gz" and "clueweb" not in p["src"])
    ja = "\n".join(p["text"] for p in pages if "clueweb" in p["src"])
    # repeated to ~200,000 characters each, so that one timing is long enough on a noisy machine
    return {k: "\n".join([t] * max(1, 200_000 // len(t))) for k, t in {"zh": zh, "ja": ja, "th": THAI}.items()}


def _icu(lang: str) -> Callable[[str], list]:
    from icu4py.breakers import WordBreaker

    return lambda text: list(WordBreaker(text, lang).segments())


def _candidates() -> dict[str, list[tuple[str, Callable[[], Callable[[str], list]]]]]:
    def jieba_cut():  # noqa: ANN202
        import jieba

        return jieba.lcut

    def fugashi_cut():  # noqa: ANN202
        import fugashi

        tagger = fugashi.Tagger()
        return lambda text: [w.surface for w in tagger(text)]

    def newmm_cut():  # noqa: ANN202
        from pythainlp.tokenize import word_tokenize

        return word_tokenize

    return {
        "zh": [("icu", lambda: _icu("zh")), ("jieba", jieba_cut)],
        "ja": [("icu", lambda: _icu("ja")), ("fugashi+unidic-lite", fugashi_cut)],
        "th": [("icu", lambda: _icu("th")), ("pythainlp newmm", newmm_cut)],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cpu", type=int, default=0)
    ap.add_argument("--save-texts", type=Path, help="also write the texts as JSON (for a scratch venv)")
    ap.add_argument("--texts", type=Path, help="read the texts from such a JSON instead of ../shared/data")
    args = ap.parse_args()
    os.sched_setaffinity(0, {args.cpu})
    texts = json.loads(args.texts.read_text(encoding="utf-8")) if args.texts else _texts()
    if args.save_texts:
        args.save_texts.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    for lang, cands in _candidates().items():
        text = texts[lang]
        for name, make in cands:
            try:
                cut = make()
            except ImportError:
                print(f"{lang} {name:22s} not installed")
                continue
            cut(text[:1000])  # load dictionaries outside the timing
            start = time.perf_counter()
            words = cut(text)
            seconds = time.perf_counter() - start
            print(f"{lang} {name:22s} {len(text) / seconds / 1e6:6.2f} M chars/s  ({len(text)} chars, {len(words)} segments)")


if __name__ == "__main__":
    main()
