"""The map phase: one split through every per-document stage, fused.

The public API is importable from the package (`from transforms.engine import ...`); each name is
loaded from its module on first use (PEP 562), so importing a pure module of the package never imports Beam.
"""

from __future__ import annotations

from transforms.core.lazy import lazy_getattr

_EXPORTS = {
    "KEYS_SCHEMA": "map_phase",
    "LINES_SCHEMA": "map_phase",
    "MapSpec": "map_phase",
    "MapSplitFn": "map_phase",
    "WorkerStopping": "map_phase",
    "dedup_key_row": "map_phase",
    "stage_documents": "map_phase",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
