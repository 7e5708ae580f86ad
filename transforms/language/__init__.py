"""The language stage: fastText per document and per line, word-frequency evidence, and the removal of foreign
lines (spam in another script or language).

The public API is importable from the package (`from transforms.language import ...`); each name is
loaded from its module on first use (PEP 562), so importing a pure module of the package never imports Beam.
"""

from __future__ import annotations

from transforms.core.lazy import lazy_getattr

_EXPORTS = {
    "ARABIC": "scripts",
    "COLUMNS": "beam",
    "CYRILLIC": "scripts",
    "CleanLanguage": "beam",
    "CleanLanguageFn": "beam",
    "CleanResult": "strip",
    "FLOOR_LOG10": "wordlm",
    "GREEK": "scripts",
    "HAN": "scripts",
    "HANGUL": "scripts",
    "HEBREW": "scripts",
    "KANA": "scripts",
    "LATIN": "scripts",
    "LangResult": "analysis",
    "LanguageConfig": "config",
    "LanguageModel": "model",
    "LineAnalysis": "analysis",
    "OTHER": "scripts",
    "REASON_FOREIGN_LANGUAGE": "config",
    "REASON_FOREIGN_SCRIPT": "config",
    "REASON_LANG_NOT_ALLOWED": "config",
    "REASON_LANG_SCORE_BELOW_THRESHOLD": "config",
    "REASON_MOJIBAKE": "config",
    "REASON_NO_TEXT": "config",
    "SCRIPT_NAMES": "scripts",
    "STAGE": "beam",
    "StripResult": "strip",
    "THAI": "scripts",
    "UNKNOWN_LANG": "config",
    "WordFrequencyModel": "wordlm",
    "analyze_lines": "analysis",
    "bundled_model_path": "labels",
    "clean_language": "strip",
    "counted_words": "wordlm",
    "expected_scripts": "labels",
    "identify": "analysis",
    "is_label_row": "evidence",
    "is_mojibake": "mojibake",
    "is_name_like": "evidence",
    "is_quote_or_reference": "evidence",
    "language_group": "labels",
    "letter_count": "scripts",
    "normalize_label": "labels",
    "score_language": "analysis",
    "script_counts": "scripts",
    "strip_foreign_lines": "strip",
    "vote_language": "analysis",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
