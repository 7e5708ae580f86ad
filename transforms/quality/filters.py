"""Quality filters with named reasons: Gopher quality, Gopher repetition, C4 (as a document filter), FineWeb.

Scoring is apart from deciding: `transforms.quality.signals.compute_signals` measures a document once; the
verdict functions here compare those numbers with the thresholds of a `QualityConfig` and return `None` (keep)
or a stable reason code `"<family>:<rule>"` (all codes are in `REASONS`). The stage drops a document at the
first failing rule, families in FineWeb's order (Gopher repetition, Gopher quality, C4, FineWeb), and writes
the signals as `q_*` columns when `write_signals` is on, so users can re-filter without re-running.

Language-aware (the doc's `lang`, set by the language stage; None = unknown): words of scripts without spaces
come from ICU (see signals), stop words are per language (no list -> no stop-word rule). Every statistic and
every comparison is datatrove's (`transforms/quality/signals.py`; `benchmarks/datatrove_parity.py`). Presets:
- `auto` (the default): each document is judged by its own language's rules. English (and a document of unknown
  language) by the section's values, which are FineWeb's; every other language by FineWeb-2's published
  values for it (`transforms/quality/fineweb2.py`: repetition, FineWeb and Gopher quality thresholds, stop
  words, no C4 rules), or by the documented fallback where FineWeb-2 has none. A key set in the config to a
  value other than its default applies to every language.
- `en`: the section's values for every language (no mean-word-length rule for unsegmented languages).
- `multilingual`: as `en` with C4 off (FineWeb-2 found C4's English-centric line rules harmful elsewhere).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import apache_beam as beam
import pyarrow as pa
from pydantic import Field, model_validator

from transforms.core import Doc, Dropped, Section, StageFn, StageOutputs, apply_stage
from transforms.quality.fineweb2 import language_thresholds
from transforms.quality.signals import (
    DUP_NGRAM_SIZES,
    SIGNAL_TYPES,
    TOP_NGRAM_SIZES,
    SignalParams,
    base_lang,
    compute_signals,
    is_unsegmented,
)
from transforms.quality.words import word_tokenizer

__all__ = [
    "COLUMNS",
    "COLUMN_PREFIX",
    "FAMILIES",
    "PRESETS",
    "REASONS",
    "RULES",
    "STAGE",
    "FilterQuality",
    "QualityConfig",
    "QualityFn",
    "Rejection",
    "Rule",
    "c4_verdict",
    "columns_for",
    "config_params",
    "decide",
    "failing_reasons",
    "fineweb_verdict",
    "gopher_quality_verdict",
    "gopher_repetition_verdict",
    "signal_attrs",
]

STAGE = "quality"
COLUMN_PREFIX = "q_"
FAMILIES = ("gopher_repetition", "gopher_quality", "c4", "fineweb")

# Presets fill every key the user did not set. `en` is the field defaults; `multilingual` turns C4 off
# (FineWeb-2 found C4's English-centric line rules harmful on other languages).
PRESETS: dict[str, dict[str, Any]] = {
    "auto": {},
    "en": {},
    "multilingual": {"c4_enabled": False},
}


def _f(default: Any, description: str) -> Any:
    return Field(default=default, description=description)


class QualityConfig(Section):
    """Section `quality`: which filter families run, and every threshold (null disables that rule).

    `preset` fills the keys not given explicitly; explicit keys always win.
    """

    preset: Literal["auto", "en", "multilingual"] = _f(
        "auto",
        "Defaults to start from: 'auto' (each document by its language: English by these values, FineWeb's; every "
        "other language by FineWeb-2's published thresholds and stop words for it, without C4; see "
        "transforms/quality/fineweb2.py), 'en' (these values for every language) or 'multilingual' (as 'en' "
        "with C4 off).",
    )
    write_signals: bool = _f(False, "Write every signal as a q_* column of kept documents (re-filter later).")
    gopher_quality_enabled: bool = _f(True, "Run the Gopher quality rules (Rae et al. 2021).")
    gopher_repetition_enabled: bool = _f(True, "Run the Gopher repetition rules.")
    c4_enabled: bool = _f(True, "Run the C4 rules as a document filter (Raffel et al. 2020).")
    fineweb_enabled: bool = _f(True, "Run the FineWeb quality rules (Penedo et al. 2024).")

    # Gopher quality
    gopher_min_words: int | None = _f(50, "Drop documents with fewer words.")
    gopher_max_words: int | None = _f(100_000, "Drop documents with more words.")
    gopher_min_mean_word_length_chars: float | None = _f(
        3.0,
        "Drop when the mean word length is below (presets en/multilingual: not applied to languages written "
        "without spaces; auto: their FineWeb-2 bounds apply, on ICU words).",
    )
    gopher_max_mean_word_length_chars: float | None = _f(
        10.0, "Drop when the mean word length is above (as the minimum: per preset and language)."
    )
    gopher_max_hash_word_ratio: float | None = _f(0.1, "Drop when '#' symbols per token exceed this.")
    gopher_max_ellipsis_word_ratio: float | None = _f(0.1, "Drop when '...'/'…' per token exceed this.")
    gopher_max_bullet_lines_frac: float | None = _f(
        0.9, "Drop when more lines than this start with a bullet ('•' or '-')."
    )
    gopher_max_ellipsis_lines_frac: float | None = _f(
        0.3, "Drop when more lines than this end with an ellipsis."
    )
    gopher_min_alpha_words_frac: float | None = _f(
        0.8,
        "Drop when fewer tokens than this contain an alphabetic character (symbol and digit tokens count, as in "
        "datatrove; tokens of prose punctuation such as commas and quotes do not: README, Quality statistics).",
    )
    gopher_min_stop_words: int | None = _f(
        2,
        "Drop when fewer distinct stop words occur (Gopher's list for English, FineWeb-2's for other languages; "
        "a language without a list gets no stop-word rule).",
    )

    # Gopher repetition
    rep_max_dup_para_frac: float | None = _f(
        0.3, "Drop when more paragraphs than this repeat an earlier one."
    )
    rep_max_dup_para_char_frac: float | None = _f(
        0.2, "Drop when repeated paragraphs hold more chars than this."
    )
    rep_max_dup_line_frac: float | None = _f(0.3, "Drop when more lines than this repeat an earlier line.")
    rep_max_dup_line_char_frac: float | None = _f(0.2, "Drop when repeated lines hold more chars than this.")
    rep_max_top_2gram_char_frac: float | None = _f(
        0.20, "Max char fraction of the most frequent word 2-gram."
    )
    rep_max_top_3gram_char_frac: float | None = _f(
        0.18, "Max char fraction of the most frequent word 3-gram."
    )
    rep_max_top_4gram_char_frac: float | None = _f(
        0.16, "Max char fraction of the most frequent word 4-gram."
    )
    rep_max_dup_5gram_char_frac: float | None = _f(0.15, "Max char fraction in repeats of earlier 5-grams.")
    rep_max_dup_6gram_char_frac: float | None = _f(0.14, "Max char fraction in repeats of earlier 6-grams.")
    rep_max_dup_7gram_char_frac: float | None = _f(0.13, "Max char fraction in repeats of earlier 7-grams.")
    rep_max_dup_8gram_char_frac: float | None = _f(0.12, "Max char fraction in repeats of earlier 8-grams.")
    rep_max_dup_9gram_char_frac: float | None = _f(0.11, "Max char fraction in repeats of earlier 9-grams.")
    rep_max_dup_10gram_char_frac: float | None = _f(0.10, "Max char fraction in repeats of earlier 10-grams.")

    # C4 (document filter; removing lines is the boilerplate stage's job)
    c4_min_sentences: int | None = _f(5, "Drop documents with fewer sentences in the lines C4 would keep.")
    c4_min_words_per_line: int = _f(3, "Lines with fewer words do not count as C4 lines.")
    c4_max_word_length_chars: int = _f(1000, "Lines with a longer word do not count as C4 lines.")
    c4_remove_citations: bool = _f(True, "Strip [1], [edit], [citation needed] before judging a line.")
    c4_filter_javascript_lines: bool = _f(True, "Lines mentioning 'javascript' do not count as C4 lines.")
    c4_filter_policy_lines: bool = _f(True, "Lines with privacy/cookie/terms-of-use phrases do not count.")
    c4_filter_lorem_ipsum: bool = _f(True, "Drop documents with 'lorem ipsum' in a C4 line.")
    c4_filter_curly_bracket: bool = _f(True, "Drop documents with '{' in a C4 line (likely code).")

    # FineWeb
    fineweb_min_line_punct_ratio: float | None = _f(
        0.12,
        "Drop when the fraction of lines ending in terminal punctuation is below this (FineWeb's . ' \" ! ? for "
        "English; datatrove's TERMINAL_PUNCTUATION, sentence ends of many scripts, for the other languages and "
        "an unknown one).",
    )
    fineweb_max_short_line_ratio: float | None = _f(
        0.67, "Drop when the fraction of short lines is above this."
    )
    fineweb_short_line_length_chars: int = _f(30, "A line of at most this many characters is short.")
    fineweb_max_char_dup_ratio: float | None = _f(
        0.01, "Drop when characters in repeated lines are above this fraction of the characters (newlines excluded)."
    )
    fineweb_max_newline_word_ratio: float | None = _f(0.3, "Drop when line breaks per token exceed this.")

    @model_validator(mode="before")
    @classmethod
    def _fill_from_preset(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            preset = data.get("preset", "auto")
            if isinstance(preset, str) and preset in PRESETS:
                return {**PRESETS[preset], **data}
        return data

    def for_language(self, lang: str | None) -> QualityConfig:
        """The section a document in `lang` is judged by (see the module docstring): under `auto`, FineWeb-2's
        values for a non-English language, except for keys whose value differs from their default (a value the
        user chose applies to every language; a saved, fully resolved config.yaml behaves like the defaults);
        otherwise the section itself."""
        if self.preset != "auto":
            return self
        return _for_language(self, base_lang(lang))


# (id of a section, language) -> (the section, its copy for that language). Keyed by identity: hashing a section
# hashes every field, which would cost more than the rules it selects; the section is kept in the value so that
# its id is never reused while the entry exists.
_BY_LANGUAGE: dict[tuple[int, str | None], tuple[QualityConfig, QualityConfig]] = {}


def _for_language(config: QualityConfig, lang: str | None) -> QualityConfig:
    key = (id(config), lang)
    hit = _BY_LANGUAGE.get(key)
    if hit is not None and hit[0] is config:
        return hit[1]
    overrides = language_thresholds(lang)
    resolved = config
    if overrides is not None:
        fields = type(config).model_fields
        kept = {k for k in overrides if getattr(config, k) != fields[k].default}  # the user's own values
        resolved = config.model_copy(update={k: v for k, v in overrides.items() if k not in kept})
    if len(_BY_LANGUAGE) >= 4096:
        _BY_LANGUAGE.clear()
    _BY_LANGUAGE[key] = (config, resolved)
    return resolved


class Rejection(NamedTuple):
    """Why a document was dropped: the reason code, the signal value and the threshold it crossed."""

    reason: str
    value: float
    threshold: float

    @property
    def detail(self) -> str:
        return f"value={self.value:.4g} threshold={self.threshold:g}"


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: drop when `signal` <op> the config field `threshold` (None there disables the rule)."""

    family: str
    name: str
    signal: str
    op: Literal["lt", "gt"]
    threshold: str | None  # config field; None = fixed threshold 0 behind the bool field `flag`
    flag: str | None = None
    needs: Literal["stop_words", "segmented"] | None = None

    @property
    def reason(self) -> str:
        return f"{self.family}:{self.name}"


_OPS = {
    "lt": lambda v, t: v < t,
    "gt": lambda v, t: v > t,
}

# In the order they are checked (within a family, first failing wins).
RULES: tuple[Rule, ...] = (
    Rule("gopher_repetition", "dup_para_frac", "dup_para_frac", "gt", "rep_max_dup_para_frac"),
    Rule("gopher_repetition", "dup_para_char_frac", "dup_para_char_frac", "gt", "rep_max_dup_para_char_frac"),
    Rule("gopher_repetition", "dup_line_frac", "dup_line_frac", "gt", "rep_max_dup_line_frac"),
    Rule("gopher_repetition", "dup_line_char_frac", "dup_line_char_frac", "gt", "rep_max_dup_line_char_frac"),
    *(
        Rule(
            "gopher_repetition",
            f"top_{n}gram_char_frac",
            f"top_{n}gram_char_frac",
            "gt",
            f"rep_max_top_{n}gram_char_frac",
        )
        for n in TOP_NGRAM_SIZES
    ),
    *(
        Rule(
            "gopher_repetition",
            f"dup_{n}gram_char_frac",
            f"dup_{n}gram_char_frac",
            "gt",
            f"rep_max_dup_{n}gram_char_frac",
        )
        for n in DUP_NGRAM_SIZES
    ),
    Rule("gopher_quality", "word_count_below_min", "words", "lt", "gopher_min_words"),
    Rule("gopher_quality", "word_count_above_max", "words", "gt", "gopher_max_words"),
    Rule(
        "gopher_quality",
        "mean_word_length_below_min",
        "mean_word_length",
        "lt",
        "gopher_min_mean_word_length_chars",
        needs="segmented",
    ),
    Rule(
        "gopher_quality",
        "mean_word_length_above_max",
        "mean_word_length",
        "gt",
        "gopher_max_mean_word_length_chars",
        needs="segmented",
    ),
    Rule(
        "gopher_quality", "hash_word_ratio_above_max", "hash_word_ratio", "gt", "gopher_max_hash_word_ratio"
    ),
    Rule(
        "gopher_quality",
        "ellipsis_word_ratio_above_max",
        "ellipsis_word_ratio",
        "gt",
        "gopher_max_ellipsis_word_ratio",
    ),
    Rule(
        "gopher_quality",
        "bullet_lines_frac_above_max",
        "bullet_lines_frac",
        "gt",
        "gopher_max_bullet_lines_frac",
    ),
    Rule(
        "gopher_quality",
        "ellipsis_lines_frac_above_max",
        "ellipsis_lines_frac",
        "gt",
        "gopher_max_ellipsis_lines_frac",
    ),
    Rule(
        "gopher_quality",
        "alpha_words_frac_below_min",
        "alpha_words_frac",
        "lt",
        "gopher_min_alpha_words_frac",
    ),
    Rule(
        "gopher_quality",
        "stop_words_below_min",
        "stop_words",
        "lt",
        "gopher_min_stop_words",
        needs="stop_words",
    ),
    Rule("c4", "lorem_ipsum", "c4_lorem_ipsum", "gt", None, flag="c4_filter_lorem_ipsum"),
    Rule("c4", "curly_bracket", "c4_curly_bracket", "gt", None, flag="c4_filter_curly_bracket"),
    Rule("c4", "too_few_sentences", "c4_sentences", "lt", "c4_min_sentences"),
    # datatrove keeps a document at exactly the threshold of each FineWeb rule (`ratio < thr`, `ratio > thr`)
    Rule("fineweb", "line_punct_ratio", "fineweb_line_punct_ratio", "lt", "fineweb_min_line_punct_ratio"),
    Rule("fineweb", "short_line_ratio", "fineweb_short_line_ratio", "gt", "fineweb_max_short_line_ratio"),
    Rule("fineweb", "char_dup_ratio", "fineweb_char_dup_ratio", "gt", "fineweb_max_char_dup_ratio"),
    Rule(
        "fineweb", "newline_word_ratio", "fineweb_newline_word_ratio", "gt", "fineweb_max_newline_word_ratio"
    ),
)

# Every reason code this stage can emit (stable: tests and downstream users match on them).
REASONS: tuple[str, ...] = tuple(r.reason for r in RULES)
_RULES_BY_FAMILY: dict[str, tuple[Rule, ...]] = {
    f: tuple(r for r in RULES if r.family == f) for f in FAMILIES
}

COLUMNS: list[pa.Field] = [
    pa.field(COLUMN_PREFIX + name, pa.int32() if kind == "int" else pa.float32(), nullable=True)
    for name, kind in SIGNAL_TYPES.items()
]


def columns_for(config: QualityConfig) -> list[pa.Field]:
    """The q_* columns this stage writes under `config` (none unless `write_signals`)."""
    return list(COLUMNS) if config.write_signals else []


def config_params(config: QualityConfig) -> SignalParams:
    """The measuring settings of a config."""
    return SignalParams(
        c4_min_words_per_line=config.c4_min_words_per_line,
        c4_max_word_length_chars=config.c4_max_word_length_chars,
        c4_remove_citations=config.c4_remove_citations,
        c4_filter_javascript_lines=config.c4_filter_javascript_lines,
        c4_filter_policy_lines=config.c4_filter_policy_lines,
        fineweb_short_line_length_chars=config.fineweb_short_line_length_chars,
    )


def _check(
    rule: Rule,
    signals: Mapping[str, float | int],
    lang: str | None,
    config: QualityConfig,
    params: SignalParams,
) -> Rejection | None:
    if rule.threshold is None:
        if rule.flag is not None and not getattr(config, rule.flag):
            return None
        threshold: float | None = 0
    else:
        threshold = getattr(config, rule.threshold)
        if threshold is None:
            return None
    value = signals[rule.signal]
    if rule.needs == "stop_words" and value < 0:  # no stop-word list for this language
        return None
    if rule.needs == "segmented" and config.preset != "auto" and is_unsegmented(lang, signals):
        return None  # under `auto` the language's own word-length bounds apply (its words come from ICU)
    if _OPS[rule.op](value, threshold):
        return Rejection(rule.reason, float(value), float(threshold))
    return None


def _family(
    family: str,
    signals: Mapping[str, float | int],
    lang: str | None,
    config: QualityConfig,
    params: SignalParams | None = None,
) -> Rejection | None:
    params = params or config_params(config)
    config = config.for_language(lang)
    for rule in _RULES_BY_FAMILY[family]:
        rej = _check(rule, signals, lang, config, params)
        if rej is not None:
            return rej
    return None


def gopher_quality_verdict(
    signals: Mapping[str, float | int], lang: str | None, config: QualityConfig
) -> str | None:
    """None (keep) or the first failing `gopher_quality:*` reason (ignores the enable flag)."""
    rej = _family("gopher_quality", signals, lang, config)
    return rej.reason if rej else None


def gopher_repetition_verdict(
    signals: Mapping[str, float | int], lang: str | None, config: QualityConfig
) -> str | None:
    """None (keep) or the first failing `gopher_repetition:*` reason (ignores the enable flag)."""
    rej = _family("gopher_repetition", signals, lang, config)
    return rej.reason if rej else None


def c4_verdict(signals: Mapping[str, float | int], lang: str | None, config: QualityConfig) -> str | None:
    """None (keep) or the first failing `c4:*` reason (ignores the enable flag)."""
    rej = _family("c4", signals, lang, config)
    return rej.reason if rej else None


def fineweb_verdict(
    signals: Mapping[str, float | int], lang: str | None, config: QualityConfig
) -> str | None:
    """None (keep) or the first failing `fineweb:*` reason (ignores the enable flag)."""
    rej = _family("fineweb", signals, lang, config)
    return rej.reason if rej else None


def _enabled(config: QualityConfig) -> list[str]:
    return [f for f in FAMILIES if getattr(config, f"{f}_enabled")]


def decide(
    signals: Mapping[str, float | int],
    lang: str | None,
    config: QualityConfig,
    params: SignalParams | None = None,
) -> Rejection | None:
    """The stage's verdict: None (keep) or the first failing rule of the enabled families (FAMILIES order)."""
    params = params or config_params(config)
    config = config.for_language(lang)
    for family in _enabled(config):
        rej = _family(family, signals, lang, config, params)
        if rej is not None:
            return rej
    return None


def failing_reasons(signals: Mapping[str, float | int], lang: str | None, config: QualityConfig) -> list[str]:
    """Every failing rule of the enabled families (for reports: what each rule would drop on its own)."""
    params = config_params(config)
    config = config.for_language(lang)
    out = []
    for family in _enabled(config):
        for rule in _RULES_BY_FAMILY[family]:
            if _check(rule, signals, lang, config, params) is not None:
                out.append(rule.reason)
    return out


def signal_attrs(signals: Mapping[str, float | int]) -> dict[str, float | int]:
    """Signals as `q_*` attrs (ints stay ints, the rest floats), matching COLUMNS."""
    return {COLUMN_PREFIX + k: (int(v) if SIGNAL_TYPES[k] == "int" else float(v)) for k, v in signals.items()}


class QualityFn(StageFn):
    stage = STAGE

    def __init__(self, config: QualityConfig) -> None:
        super().__init__()
        self._config = config
        self._params: SignalParams | None = None

    def setup(self) -> None:
        self._params = config_params(self._config)
        word_tokenizer(None)  # the compiled tokenizer's Unicode tables (~30 ms): once per worker, before any record

    def apply(self, doc: Doc) -> Doc | Dropped:
        if self._params is None:
            self.setup()
        signals = compute_signals(doc.text, doc.lang, self._params)
        rej = decide(signals, doc.lang, self._config, self._params)
        if rej is not None:
            return Dropped.of(doc, self.stage, rej.reason, rej.detail)
        if self._config.write_signals:
            return doc.with_attrs(**signal_attrs(signals))
        return doc


class FilterQuality(beam.PTransform):
    """Drop documents failing the enabled quality rules (reasons in REASONS); optionally add q_* signals."""

    def __init__(self, config: QualityConfig | None = None, label: str | None = None) -> None:
        super().__init__(label)
        self._config = config or QualityConfig()

    def expand(self, pcoll: beam.PCollection) -> StageOutputs:
        return apply_stage(pcoll, "ScoreAndFilter", QualityFn(self._config))
