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
    "CleanResult": "edit",
    "FLOOR_LOG10": "wordlm",
    "GREEK": "scripts",
    "HAN": "scripts",
    "HANGUL": "scripts",
    "HEBREW": "scripts",
    "KANA": "scripts",
    "LATIN": "scripts",
    "LangResult": "features",
    "LanguageConfig": "config",
    "LanguageModel": "model",
    "Decisions": "decisions",
    "LineTable": "features",
    "OTHER": "scripts",
    "REASON_FOREIGN_LANGUAGE": "config",
    "REASON_FOREIGN_SCRIPT": "config",
    "REASON_LANG_NOT_ALLOWED": "config",
    "REASON_LANG_SCORE_BELOW_THRESHOLD": "config",
    "REASON_MOJIBAKE": "config",
    "REASON_NO_TEXT": "config",
    "SCRIPT_NAMES": "scripts",
    "STAGE": "beam",
    "StripResult": "edit",
    "THAI": "scripts",
    "UNKNOWN_LANG": "config",
    "WordFrequencyModel": "wordlm",
    
    "bundled_model_path": "labels",
    "clean_language": "edit",
    "decide": "decisions",
    "counted_words": "wordlm",
    "edit_text": "edit",
    "expected_scripts": "labels",
    "identify": "features",
    "is_label_row": "features",
    "is_mojibake": "mojibake",
    "is_name_like": "features",
    "is_quote_or_reference": "features",
    "language_group": "labels",
    "language_model": "beam",
    "letter_count": "scripts",
    "normalize_label": "labels",
    "read_lines": "features",
    "score_language": "edit",
    "script_counts": "scripts",
    "strip_foreign_lines": "edit",
    "vote_language": "features",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
