"""FineWeb-2's per-language quality thresholds and stop words, for the languages lid.176 names (pure core).

Source: huggingface/fineweb-2 `configs/{iso639-3}_{Script}.yml` (commit d0defb24f1, Apache-2.0; the license is
shipped next to the table as `FINEWEB2_LICENSE`). The table `fineweb2.json` holds, for each lid.176 label
that has a FineWeb-2 config, that config's values and the name of the file they come from, plus the fallback
(see below). It is built from the configs by

    .venv/bin/python -m transforms.quality.fineweb2 ../shared/data/fineweb2/configs

Which config a label gets: the ISO 639-3 code of the label (`langcodes`), where FineWeb-2 has it; for a
macrolanguage, FineWeb-2's individual language (`_MACRO`: zh -> cmn, ar -> arb, ms -> zsm, ...); when several
scripts exist, the language's usual script (`_SCRIPT`: hi -> Deva, sr -> Cyrl, ...), else the only one.
English has no FineWeb-2 config and keeps FineWeb's (the quality section's own values).

How FineWeb-2 used each value (its `fineweb-2-pipeline.py`), which `language_thresholds` repeats:
- Gopher repetition: `dup_line_frac`, `top_n_grams` (2-4), `dup_n_grams` (5-10); the paragraph rules and
  `dup_line_char_frac` off;
- FineWeb quality: `line_punct_thr`, `new_line_ratio`, `char_duplicates_ratio` 0.1 (FineWeb: 0.01), the short
  line rule off;
- Gopher quality: `min_avg_word_length`, `max_avg_word_length`, `max_non_alpha_words_ratio` (the minimum share
  of words with a letter, despite its name), `stopwords` with at least 2 occurrences;
- no C4 rules.
`language_score` is GlotLID's scale, not lid.176's, so it is not used.

A language lid.176 names but FineWeb-2 has no config for (or an unknown label) gets `fallback`: the median of
every value over the configs of the table (the lid.176 languages: FineWeb-2's configs of low-resource languages
hold untuned values such as a negative `line_punct_thr`), with no stop-word rule (there is no list to count).
"""

from __future__ import annotations

import functools
import json
import statistics
import sys
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["FALLBACK", "language_thresholds", "stop_words", "table"]

TABLE_FILE = "fineweb2.json"
FALLBACK = "fallback"
SOURCE = "huggingface/fineweb-2 configs/ (commit d0defb24f1), Apache-2.0"

# Macrolanguage labels of lid.176 -> the individual language FineWeb-2 filtered.
_MACRO = {
    "ar": "arb", "az": "azj", "bh": "bho", "et": "ekk", "gn": "gug", "ku": "kmr", "kv": "kpv",
    "lv": "lvs", "mg": "plt", "mn": "khk", "ms": "zsm", "ne": "npi", "no": "nob", "or": "ory", "ps": "pbt",
    "qu": "quy", "sq": "als", "sw": "swh", "uz": "uzn", "yi": "ydd", "zh": "cmn",
}  # fmt: skip
# Languages FineWeb-2 has in several scripts -> the script lid.176's training text is written in.
_SCRIPT = {
    "as": "Beng", "bn": "Beng", "gom": "Deva", "gu": "Gujr", "hi": "Deva", "kn": "Knda", "min": "Latn",
    "ml": "Mlym", "mr": "Deva", "pa": "Guru", "ro": "Latn", "sa": "Deva", "sd": "Arab", "sh": "Latn",
    "sr": "Cyrl", "ta": "Taml", "te": "Telu", "tk": "Latn", "tt": "Cyrl", "ug": "Arab", "ur": "Arab",
    "az": "Latn", "uz": "Latn", "ku": "Latn", "ms": "Latn", "pnb": "Arab", "ckb": "Arab", "ar": "Arab",
    "ne": "Deva", "or": "Orya",
}  # fmt: skip
_KEYS = (
    "dup_line_frac", "dup_n_grams", "top_n_grams", "line_punct_thr", "new_line_ratio", "min_avg_word_length",
    "max_avg_word_length", "max_non_alpha_words_ratio",
)  # fmt: skip


@functools.cache
def table() -> Mapping[str, Any]:
    """The packaged table (loaded once per process)."""
    with resources.files("transforms.quality").joinpath(TABLE_FILE).open(encoding="utf-8") as fh:
        return json.load(fh)


def _entry(lang: str | None) -> Mapping[str, Any] | None:
    if not lang:
        return None
    base = lang.replace("_", "-").split("-")[0].lower()
    if base == "en":
        return None
    return table()["languages"].get(base) or table()[FALLBACK]


@functools.cache
def language_thresholds(lang: str | None, recalibrated: bool = True) -> dict[str, Any] | None:
    """The quality-section overrides that make a document in `lang` be judged as FineWeb-2 judged its language
    (see the module docstring); None for English and for an unknown language (the section's own values).
    `recalibrated=False`: FineWeb-2's published values even where `RECALIBRATED` scales them (benchmarks)."""
    e = _entry(lang)
    if e is None:
        return None
    out: dict[str, Any] = {
        "rep_max_dup_para_frac": None,
        "rep_max_dup_para_char_frac": None,
        "rep_max_dup_line_char_frac": None,
        "rep_max_dup_line_frac": e["dup_line_frac"],
        "fineweb_max_short_line_ratio": None,
        "fineweb_max_char_dup_ratio": 0.1,
        # FineWeb-2 writes 0 where a language has no terminal punctuation to count (Thai, German): rule off
        "fineweb_min_line_punct_ratio": e["line_punct_thr"] or None,
        "fineweb_max_newline_word_ratio": e["new_line_ratio"],
        "gopher_min_mean_word_length_chars": e["min_avg_word_length"],
        "gopher_max_mean_word_length_chars": e["max_avg_word_length"],
        "gopher_min_alpha_words_frac": e["max_non_alpha_words_ratio"],
        "gopher_min_stop_words": 2 if e.get("stopwords") else None,
        "c4_enabled": False,
    }
    out.update({f"rep_max_top_{n}gram_char_frac": v for n, v in e["top_n_grams"]})
    out.update({f"rep_max_dup_{n}gram_char_frac": v for n, v in e["dup_n_grams"]})
    scale = RECALIBRATED.get(lang.replace("_", "-").split("-")[0].lower())
    if scale is not None and recalibrated:
        out["gopher_min_words"] = round(50 * scale["words"])
        out["fineweb_max_newline_word_ratio"] = round(e["new_line_ratio"] * scale["newline_word_ratio"], 4)
        out["gopher_min_mean_word_length_chars"] = round(e["min_avg_word_length"] * scale["mean_word_length"], 2)
        out["gopher_max_mean_word_length_chars"] = round(e["max_avg_word_length"] * scale["mean_word_length"], 2)
    return out


# Thresholds recalibrated to crawlwash's tokens where FineWeb-2's tokenizer words differ from them and that
# tokenizer is not one crawlwash runs. Vietnamese: FineWeb-2 counted pyvi's words (syllables joined into words,
# "Việt Nam" one word); crawlwash counts syllables (spaCy's rules), and pyvi (0.1.1, 2021, scikit-learn and a
# CRF model) is no maintained package. Method (`benchmarks/tokenizer_compare.py`, 300 real Vietnamese help pages
# of gnome-user-docs and libreoffice-help-vi): per document, crawlwash's statistic over pyvi's; each threshold
# that counts words is multiplied by the median of that ratio: words 1.144 (min words 50 -> 57), newlines per
# token 0.898 (0.103 -> 0.0925), mean word length 0.845 (3-11 -> 2.54-9.3). The n-gram fractions were left as they
# are: their distributions agree (median dup 5-gram 0.052 against 0.042, p90 0.264 against 0.268).
RECALIBRATED: dict[str, dict[str, float]] = {
    "vi": {"words": 1.144, "newline_word_ratio": 0.898, "mean_word_length": 0.845},
}


@functools.cache
def stop_words(lang: str | None) -> frozenset[str] | None:
    """FineWeb-2's stop words of `lang` (lowercased), None where it has none (or for English)."""
    e = _entry(lang)
    if e is None or not e.get("stopwords"):
        return None
    return frozenset(w.lower() for w in e["stopwords"])


# -- building the table from FineWeb-2's configs -----------------------------------------------------------------


def _lid_labels() -> list[str]:
    """Every label of the bundled lid.176 model (its prediction over all labels of any text)."""
    import fasttext

    from transforms.core.models import bundled_model_path

    model = fasttext.load_model(bundled_model_path()).f
    return sorted({label.replace("__label__", "") for _, label in model.predict("text\n", 1000, 0.0, "replace")})


def _config_for(label: str, available: Mapping[str, list[str]]) -> str | None:
    import langcodes

    code = _MACRO.get(label)
    if code is None:
        try:
            code = langcodes.Language.get(label).to_alpha3()
        except (LookupError, ValueError):
            return None
    scripts = available.get(code)
    if not scripts:
        return None
    script = _SCRIPT.get(label) if len(scripts) > 1 else scripts[0]
    return f"{code}_{script}" if script in scripts else None


def build(configs_dir: Path) -> dict[str, Any]:
    """The table from FineWeb-2's `configs/` directory (see the module docstring)."""
    import yaml

    configs = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(configs_dir.glob("*.yml"))}
    available: dict[str, list[str]] = {}
    for name in configs:
        code, script = name.split("_", 1)
        available.setdefault(code, []).append(script)
    languages = {}
    for label in _lid_labels():
        name = _config_for(label, available)
        if label != "en" and name is not None:
            languages[label] = {"config": name, **{k: configs[name][k] for k in (*_KEYS, "stopwords")}}
    fallback: dict[str, Any] = {"config": f"median of the {len(languages)} configs above", "stopwords": []}
    for key in _KEYS:
        values = [e[key] for e in languages.values()]
        if isinstance(values[0], list):  # [[n, threshold], ...]
            sizes = [n for n, _ in values[0]]
            fallback[key] = [[n, round(statistics.median(dict(v)[n] for v in values), 3)] for n in sizes]
        else:
            fallback[key] = round(statistics.median(values), 3)
    return {"source": SOURCE, "languages": languages, FALLBACK: fallback}


if __name__ == "__main__":
    built = build(Path(sys.argv[1]))
    out = Path(__file__).with_name(TABLE_FILE)
    out.write_text(json.dumps(built, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(built['languages'])} languages and the fallback")
