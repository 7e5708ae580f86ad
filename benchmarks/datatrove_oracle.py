"""datatrove 0.10.1 as the oracle of crawlwash's quality statistics: runs in datatrove's own venv.

    .bench/datatrove-venv/bin/python benchmarks/datatrove_oracle.py IN.jsonl OUT.jsonl

`benchmarks/datatrove_parity.py` writes IN (one document a line: text, the datatrove language code FineWeb or
FineWeb-2 ran it with, crawlwash's tokens, the thresholds crawlwash judged it by, the stop words and line ends)
and reads OUT. For each document and each of two tokenizations:
- `assigned`: the word tokenizer datatrove assigns to the language (`load_word_tokenizer`, what FineWeb-2 used);
- `ours`: crawlwash's own tokens, handed to datatrove as a custom `WordTokenizer` (so only definitions differ),
it writes the statistics as datatrove's filters compute them (the same expressions, on datatrove's own helpers:
`find_duplicates`, `find_top_duplicate`, `find_all_duplicate`, `get_n_grams`, `PUNCTUATION_SET`), and the
verdicts of datatrove's real filters built with the same thresholds (the parity script checks that these
statistics, held against the thresholds, give the same verdicts: a check of the oracle itself). A document with
`"return_tokens": true` also gets the assigned tokenizer's tokens back (`benchmarks/tokenizer_compare.py`).
"""

from __future__ import annotations

import json
import re
import sys
import time

import numpy as np
from datatrove.data import Document
from datatrove.pipeline.filters import (
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
)
from datatrove.pipeline.filters.gopher_repetition_filter import (
    find_all_duplicate,
    find_duplicates,
    find_top_duplicate,
    get_n_grams,
)
from datatrove.utils.text import PUNCTUATION_SET
from datatrove.utils.word_tokenizers import WordTokenizer, load_word_tokenizer

PARA_RE = re.compile(r"\n{2,}")
LINE_RE = re.compile("\n+")


class GivenTokens(WordTokenizer):
    """crawlwash's tokens of the current document, handed to datatrove's filters."""

    def __init__(self) -> None:
        super().__init__("given")
        self.tokens: list[str] = []

    def word_tokenize(self, text: str) -> list[str]:
        return list(self.tokens)

    def sent_tokenize(self, text: str) -> list[str]:
        return [text]

    def span_tokenize(self, text: str) -> list[tuple[int, int]]:
        return [(0, len(text))]


def statistics(text: str, words: list[str], stop_words: set[str], line_ends: tuple[str, ...], short: int) -> dict:
    """Every statistic, written as datatrove's filters compute it (their expressions, their helpers)."""
    s: dict[str, float] = {"chars": len(text)}
    n_words = len(words)
    non_symbol = [w for w in words if any(ch not in PUNCTUATION_SET for ch in w)]
    s["words"] = len(non_symbol)
    s["mean_word_length"] = float(np.mean([len(w) for w in non_symbol])) if non_symbol else 0.0
    s["hash_word_ratio"] = text.count("#") / n_words if n_words else 0.0
    s["ellipsis_word_ratio"] = (text.count("...") + text.count("…")) / n_words if n_words else 0.0
    lines = text.splitlines()
    s["bullet_lines_frac"] = (
        sum(x.lstrip().startswith("•") or x.lstrip().startswith("-") for x in lines) / len(lines) if lines else 0.0
    )
    s["ellipsis_lines_frac"] = (
        sum(x.rstrip().endswith("...") or x.rstrip().endswith("…") for x in lines) / len(lines) if lines else 0.0
    )
    s["alpha_words_frac"] = sum(any(c.isalpha() for c in w) for w in words) / n_words if n_words else 0.0
    s["stop_words"] = len(stop_words.intersection(set(words))) if stop_words else -1
    paragraphs = PARA_RE.split(text.strip())
    dup, chars = find_duplicates(paragraphs)
    s["dup_para_frac"] = dup / len(paragraphs)
    s["dup_para_char_frac"] = chars / len(text)
    rlines = LINE_RE.split(text)
    dup, chars = find_duplicates(rlines)
    s["dup_line_frac"] = dup / len(rlines)
    s["dup_line_char_frac"] = chars / len(text)
    for n in (2, 3, 4):
        grams = get_n_grams(words, n)
        s[f"top_{n}gram_char_frac"] = find_top_duplicate(grams) / len(text) if grams else 0.0
    for n in range(5, 11):
        s[f"dup_{n}gram_char_frac"] = find_all_duplicate(words, n) / len(text)
    flines = [x for x in text.split("\n") if x.strip() != ""]
    s["lines"] = len(flines)
    s["fineweb_line_punct_ratio"] = sum(1 for x in flines if x.endswith(line_ends)) / len(flines) if flines else 0.0
    s["fineweb_short_line_ratio"] = sum(1 for x in flines if len(x) <= short) / len(flines) if flines else 1.0
    no_nl = len(text.replace("\n", ""))
    s["fineweb_char_dup_ratio"] = find_duplicates(flines)[1] / no_nl if no_nl else 0.0
    s["fineweb_newline_word_ratio"] = text.count("\n") / n_words if n_words else 0.0
    return s


def _off(v):  # noqa: ANN001, ANN202
    """crawlwash's None (rule off) as datatrove's falsy value."""
    return 0 if v is None else v


def filters(t: dict, stop_words: list[str] | None, line_ends: tuple[str, ...], language) -> list:  # noqa: ANN001
    """datatrove's filters with the thresholds crawlwash judged the document by."""
    out = []
    if t["gopher_repetition_enabled"]:
        out.append(
            GopherRepetitionFilter(
                dup_line_frac=_off(t["rep_max_dup_line_frac"]),
                dup_para_frac=_off(t["rep_max_dup_para_frac"]),
                dup_line_char_frac=_off(t["rep_max_dup_line_char_frac"]),
                dup_para_char_frac=_off(t["rep_max_dup_para_char_frac"]),
                top_n_grams=[(n, t[f"rep_max_top_{n}gram_char_frac"]) for n in (2, 3, 4)
                             if t[f"rep_max_top_{n}gram_char_frac"] is not None],
                dup_n_grams=[(n, t[f"rep_max_dup_{n}gram_char_frac"]) for n in range(5, 11)
                             if t[f"rep_max_dup_{n}gram_char_frac"] is not None],
                language=language,
            )
        )  # fmt: skip
    if t["gopher_quality_enabled"]:
        out.append(
            GopherQualityFilter(
                min_doc_words=_off(t["gopher_min_words"]),
                max_doc_words=_off(t["gopher_max_words"]),
                min_avg_word_length=_off(t["gopher_min_mean_word_length_chars"]),
                max_avg_word_length=_off(t["gopher_max_mean_word_length_chars"]),
                max_symbol_word_ratio=_off(t["gopher_max_hash_word_ratio"]),
                max_bullet_lines_ratio=_off(t["gopher_max_bullet_lines_frac"]),
                max_ellipsis_lines_ratio=_off(t["gopher_max_ellipsis_lines_frac"]),
                max_non_alpha_words_ratio=_off(t["gopher_min_alpha_words_frac"]),
                min_stop_words=_off(t["gopher_min_stop_words"]) if stop_words else 0,
                stop_words=stop_words or [],
                language=language,
            )
        )
    if t["c4_enabled"]:
        out.append(
            C4QualityFilter(
                filter_no_terminal_punct=True,
                min_num_sentences=-1 if t["c4_min_sentences"] is None else t["c4_min_sentences"],
                min_words_per_line=t["c4_min_words_per_line"],
                max_word_length=t["c4_max_word_length_chars"],
                remove_citations=t["c4_remove_citations"],
                filter_javascript=t["c4_filter_javascript_lines"],
                filter_policy=t["c4_filter_policy_lines"],
                filter_lorem_ipsum=t["c4_filter_lorem_ipsum"],
                filter_curly_bracket=t["c4_filter_curly_bracket"],
                language="en",
            )
        )
    if t["fineweb_enabled"]:
        out.append(
            FineWebQualityFilter(
                line_punct_thr=_off(t["fineweb_min_line_punct_ratio"]),
                short_line_thr=999 if t["fineweb_max_short_line_ratio"] is None else t["fineweb_max_short_line_ratio"],
                short_line_length=t["fineweb_short_line_length_chars"],
                char_duplicates_ratio=999 if t["fineweb_max_char_dup_ratio"] is None else t["fineweb_max_char_dup_ratio"],
                new_line_ratio=999 if t["fineweb_max_newline_word_ratio"] is None else t["fineweb_max_newline_word_ratio"],
                stop_chars=line_ends,
                language=language,
            )
        )  # fmt: skip
    return out


def verdicts(text: str, flts: list) -> list[str]:
    """The reason of every filter that drops the document (empty: kept)."""
    out = []
    for f in flts:
        res = f.filter(Document(text=text, id="0"))
        if res is not True:
            out.append(f"{type(f).__name__}:{res[1] if isinstance(res, tuple) else 'drop'}")
    return out


def main() -> None:
    src, dst = sys.argv[1], sys.argv[2]
    given = GivenTokens()
    with open(src, encoding="utf-8") as fin, open(dst, "w", encoding="utf-8") as fout:
        for line in fin:
            d = json.loads(line)
            text, t = d["text"], d["thresholds"]
            stop = d["stop_words"]
            ends = tuple(d["line_ends"])
            short = t["fineweb_short_line_length_chars"]
            out = {"id": d["id"]}
            modes = [("ours", given)]
            if d.get("dt_lang"):
                try:
                    modes.append(("assigned", load_word_tokenizer(d["dt_lang"])))
                except Exception as e:  # a tokenizer whose models cannot be had offline (Stanza, ...)
                    out["assigned_error"] = f"{type(e).__name__}: {e}"[:200]
            for name, tok in modes:
                given.tokens = d["tokens"]
                if name == "assigned":
                    try:
                        tok.word_tokenize("warm up")  # models load on first use: not timed
                    except Exception as e:
                        out["assigned_error"] = f"{type(e).__name__}: {e}"[:200]
                        continue
                try:
                    t0 = time.perf_counter()
                    words = tok.word_tokenize(text)
                    seconds = time.perf_counter() - t0
                    stats = statistics(text, words, set(stop or []), ends, short)
                    v = verdicts(text, filters(t, stop, ends, tok))
                except Exception as e:
                    out[f"{name}_error"] = f"{type(e).__name__}: {e}"[:200]
                    continue
                out[name] = {"stats": stats, "verdict": v, "tokenize_s": seconds, "n_tokens": len(words)}
                if name == "assigned" and d.get("return_tokens"):
                    out[name]["tokens"] = words
            fout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
