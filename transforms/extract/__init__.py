"""The extract stage: charset decoding and trafilatura, in a sandbox process with a time budget.

The public API is importable from the package (`from transforms.extract import ...`); each name is
loaded from its module on first use (PEP 562), so importing a pure module of the package never imports Beam.
"""

from __future__ import annotations

from transforms.core.lazy import lazy_getattr

_EXPORTS = {
    "COLUMNS": "beam",
    "ExtractConfig": "config",
    "ExtractError": "types",
    "ExtractFn": "beam",
    "ExtractOptions": "types",
    "ExtractResult": "types",
    "ExtractText": "beam",
    "ExtractionError": "types",
    "ExtractionTimeout": "types",
    "ExtractorCrashed": "types",
    "ExtractorSandbox": "sandbox",
    "HtmlTooLarge": "types",
    "REASON_NO_TEXT_EXTRACTED": "config",
    "SandboxPool": "pool",
    "UndecodableHtml": "types",
    "decode_html": "html",
    "extract_html": "html",
    "normalize_charset": "html",
    "sandbox_pool": "pool",
    "sniff_meta_charset": "html",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
