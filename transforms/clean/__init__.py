"""Text cleaning: normalization, boilerplate line rules, and the corpus-wide frequent-line pass.

The public API is importable from the package (`from transforms.clean import ...`); each name is
loaded from its module on first use (PEP 562), so importing a pure module of the package never imports Beam.
"""

from __future__ import annotations

from transforms.core.lazy import lazy_getattr

_EXPORTS = {
    "ALL_LINE_RULES": "boilerplate",
    "BoilerplateConfig": "boilerplate",
    "BoilerplateResult": "boilerplate",
    "CleanDocumentFn": "boilerplate",
    "FrequentLineRemoval": "boilerplate",
    "FrequentLines": "frequent",
    "LINE": "frequent_core",
    "LINE_WITH_SPLIT": "frequent_core",
    "LineRules": "lines",
    "LineVerdicts": "lines",
    "NormalizeConfig": "normalize",
    "NormalizeFn": "normalize",
    "NormalizeText": "normalize",
    "PATTERN_RULES": "lines",
    "REASON_BACK_TO_TOP": "lines",
    "REASON_COOKIE": "lines",
    "REASON_COPYRIGHT": "lines",
    "REASON_EMPTY_AFTER_BOILERPLATE": "boilerplate",
    "REASON_EMPTY_AFTER_NORMALIZE": "normalize",
    "REASON_FREQUENT": "lines",
    "REASON_JAVASCRIPT": "lines",
    "REASON_LINK_LIST": "lines",
    "REASON_LOREM_IPSUM": "lines",
    "REASON_NAVIGATION": "lines",
    "REASON_NEAR_REPEATED": "lines",
    "REASON_NO_LETTERS": "lines",
    "REASON_POLICY": "lines",
    "REASON_RELATED": "lines",
    "REASON_REPEATED": "lines",
    "RemoveBoilerplate": "boilerplate",
    "audit_rows": "boilerplate",
    "clean_document": "boilerplate",
    "clean_lines": "lines",
    "clean_text": "lines",
    "corpus_line_key": "lines",
    "corpus_line_keys": "lines",
    "frequent_line_entries": "lines",
    "frequent_line_keys": "frequent_core",
    "frequent_line_splits": "frequent_core",
    "hash32": "lines",
    "host_line_keys": "lines",
    "host_of": "lines",
    "line_keys": "lines",
    "line_rule_reason": "lines",
    "near_repeats": "near",
    "normalize_text": "normalize",
    "paragraph_key": "lines",
    "remove_frequent_lines": "lines",
    "strip_frequent": "boilerplate",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
