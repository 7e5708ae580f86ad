"""Language labels, scripts and groups: fastText/GlotLID labels normalized, the scripts each
language uses, the groups of languages told apart badly (counted as one), the bundled model."""

from __future__ import annotations

from collections.abc import Sequence

from transforms.core.models import bundled_model_path
from transforms.language.scripts import (
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
)

__all__ = [
    "bundled_model_path",
    "expected_scripts",
    "group_facts",
    "language_group",
    "normalize_label",
]


# ISO 639-3 (GlotLID) -> ISO 639-1 (lid.176) for the languages where both exist and matter most.
_ISO3_TO_1 = {
    "eng": "en",
    "deu": "de",
    "fra": "fr",
    "spa": "es",
    "ita": "it",
    "por": "pt",
    "nld": "nl",
    "pol": "pl",
    "rus": "ru",
    "ukr": "uk",
    "bel": "be",
    "bul": "bg",
    "ces": "cs",
    "slk": "sk",
    "slv": "sl",
    "hrv": "hr",
    "srp": "sr",
    "bos": "bs",
    "mkd": "mk",
    "ron": "ro",
    "hun": "hu",
    "fin": "fi",
    "est": "et",
    "lav": "lv",
    "lvs": "lv",
    "lit": "lt",
    "swe": "sv",
    "dan": "da",
    "nor": "no",
    "nob": "no",
    "nno": "nn",
    "isl": "is",
    "ell": "el",
    "tur": "tr",
    "ara": "ar",
    "arb": "ar",
    "heb": "he",
    "fas": "fa",
    "pes": "fa",
    "urd": "ur",
    "hin": "hi",
    "ben": "bn",
    "tam": "ta",
    "tel": "te",
    "mar": "mr",
    "guj": "gu",
    "kan": "kn",
    "mal": "ml",
    "pan": "pa",
    "tha": "th",
    "vie": "vi",
    "ind": "id",
    "msa": "ms",
    "zsm": "ms",
    "jav": "jv",
    "sun": "su",
    "tgl": "tl",
    "fil": "tl",
    "zho": "zh",
    "cmn": "zh",
    "yue": "yue",
    "wuu": "wuu",
    "jpn": "ja",
    "kor": "ko",
    "cat": "ca",
    "glg": "gl",
    "eus": "eu",
    "cym": "cy",
    "gle": "ga",
    "kat": "ka",
    "hye": "hy",
    "kaz": "kk",
    "uzb": "uz",
    "uzn": "uz",
    "aze": "az",
    "azj": "az",
    "afr": "af",
    "swa": "sw",
    "swh": "sw",
    "sqi": "sq",
    "als": "sq",
    "epo": "eo",
    "lat": "la",
    "ltz": "lb",
    "mlt": "mt",
    "khm": "km",
    "lao": "lo",
    "mya": "my",
    "sin": "si",
    "nep": "ne",
    "npi": "ne",
    "amh": "am",
    "kir": "ky",
    "tat": "tt",
    "tgk": "tg",
    "mon": "mn",
    "khk": "mn",
    "pus": "ps",
    "pbt": "ps",
    "ckb": "ckb",
    "kur": "ku",
    "kmr": "ku",
    "som": "so",
    "yor": "yo",
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
    "Latn": {LATIN},
    "Hani": {HAN},
    "Hans": {HAN},
    "Hant": {HAN},
    "Jpan": {HAN, KANA},
    "Kore": {HANGUL, HAN},
    "Hang": {HANGUL},
    "Cyrl": {CYRILLIC},
    "Arab": {ARABIC},
    "Hebr": {HEBREW},
    "Grek": {GREEK},
    "Thai": {THAI},
    "Deva": {DEVANAGARI},
    "Beng": {BENGALI},
    "Geor": {GEORGIAN},
    "Armn": {ARMENIAN},
    "Guru": {"a"},
    "Gujr": {"b"},
    "Orya": {"c"},
    "Taml": {"d"},
    "Telu": {"e"},
    "Knda": {"f"},
    "Mlym": {"g"},
    "Sinh": {"h"},
    "Laoo": {"i"},
    "Tibt": {"j"},
    "Mymr": {"k"},
    "Ethi": {"l"},
    "Khmr": {"m"},
    "Thaa": {"n"},
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


def group_facts(preds: Sequence[tuple[str, float]], doc_group: str) -> tuple[dict[str, float], float, float, str]:
    """A line's facts against the document's language group, in one pass over its predictions: its probability
    per language group (`language_group`, in the order the groups first occur), the probability of the
    document's group, that of the most likely other group, and that group (the first of equals; the document's
    when there is none)."""
    by_group: dict[str, float] = {}
    for lang, p in preds:
        g = _GROUP_KEY.get(lang, lang)
        by_group[g] = by_group.get(g, 0.0) + p
    top, foreign = doc_group, None
    for g, v in by_group.items():
        if g != doc_group and (foreign is None or v > foreign):
            top, foreign = g, v
    return by_group, by_group.get(doc_group, 0.0), 0.0 if foreign is None else foreign, top
