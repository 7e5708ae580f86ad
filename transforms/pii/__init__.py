"""The PII stage: e-mail addresses, public IP addresses, phone numbers and payment cards masked in the kept text.

The public API is importable from the package (`from transforms.pii import ...`); each name is
loaded from its module on first use (PEP 562), so importing a pure module of the package never imports Beam.
"""

from __future__ import annotations

from transforms.core.lazy import lazy_getattr

_EXPORTS = {
    "COLUMN": "beam",
    "KINDS": "config",
    "MaskPii": "beam",
    "MaskResult": "mask",
    "PiiConfig": "config",
    "PiiFinishFn": "beam",
    "PiiFn": "beam",
    "STAGE": "config",
    "TOTALS": "beam",
    "columns_for": "beam",
    "fake_value": "mask",
    "mask_pii": "mask",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
