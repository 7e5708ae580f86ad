"""The quality stage: Gopher, C4 and FineWeb signals and filters, per language (FineWeb-2's thresholds).

The public API is importable from the package (`from transforms.quality import ...`); each name is
loaded from its module on first use (PEP 562), so importing a pure module of the package never imports Beam.
"""

from __future__ import annotations

from transforms.core.lazy import lazy_getattr

_EXPORTS = {
    "COLUMNS": "filters",
    "COLUMN_PREFIX": "filters",
    "FAMILIES": "filters",
    "FilterQuality": "filters",
    "PRESETS": "filters",
    "QualityConfig": "filters",
    "QualityFn": "filters",
    "REASONS": "filters",
    "RULES": "filters",
    "Rejection": "filters",
    "Rule": "filters",
    "SIGNAL_TYPES": "signals",
    "STAGE": "filters",
    "GOPHER_STOP_WORDS": "stopwords",
    "UNSEGMENTED_LANGS": "signals",
    "SignalParams": "signals",
    "base_lang": "signals",
    "c4_verdict": "filters",
    "columns_for": "filters",
    "compute_signals": "signals",
    "config_params": "filters",
    "decide": "filters",
    "failing_reasons": "filters",
    "fineweb_verdict": "filters",
    "gopher_quality_verdict": "filters",
    "gopher_repetition_verdict": "filters",
    "is_unsegmented": "signals",
    "language_thresholds": "fineweb2",
    "signal_attrs": "filters",
    "split_words": "words",
    "stop_words_for": "stopwords",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
