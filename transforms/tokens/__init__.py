"""Token counts of the kept text with a local tokenizer (Hugging Face `tokenizers` or `tiktoken`).

The public API is importable from the package (`from transforms.tokens import ...`); each name is
loaded from its module on first use (PEP 562), so importing a pure module of the package never imports Beam.
"""

from __future__ import annotations

from transforms.core.lazy import lazy_getattr

_EXPORTS = {
    "COLUMN": "beam",
    "COLUMNS": "beam",
    "CountTokens": "beam",
    "STAGE": "config",
    "TOTALS": "beam",
    "TokenizerError": "count",
    "TokensConfig": "config",
    "TokensFinishFn": "beam",
    "TokensFn": "beam",
    "load_counter": "count",
    "resolve_tokenizer": "count",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
