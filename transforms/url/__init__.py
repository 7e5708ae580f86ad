"""The URL stage: adult and spam sites dropped before extraction (UT1 list, datatrove's word lists, your own).

The public API is importable from the package (`from transforms.url import ...`); each name is
loaded from its module on first use (PEP 562), so importing a pure module of the package never imports Beam.
"""

from __future__ import annotations

from transforms.core.lazy import lazy_getattr

_EXPORTS = {
    "COLUMNS": "beam",
    "DomainIndex": "blocklist",
    "FilterUrls": "beam",
    "REASONS": "config",
    "STAGE": "config",
    "UrlConfig": "config",
    "UrlFilter": "match",
    "UrlFn": "beam",
    "load_ut1": "blocklist",
    "split_url": "match",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
