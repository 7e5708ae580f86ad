"""What every stage shares: the record types, config sections, the stage DoFn base, coders, packed records.

The public API is importable from the package (`from transforms.core import ...`); each name is
loaded from its module on first use (PEP 562), so importing a pure module of the package never imports Beam.
"""

from __future__ import annotations

from transforms.core.lazy import lazy_getattr

_EXPORTS = {
    "DROPPED": "stage",
    "EXTRACTED_CHARS": "doc",
    "Doc": "doc",
    "DocCoder": "coders",
    "Dropped": "doc",
    "DroppedCoder": "coders",
    "FAILED": "stage",
    "FinishFn": "finish",
    "Failed": "doc",
    "FailedCoder": "coders",
    "KEPT": "stage",
    "Layout": "packed",
    "PerProcess": "per_process",
    "REMOVED_BY_REASON": "doc",
    "Section": "section",
    "StageFn": "stage",
    "StageOutputs": "stage",
    "TransientError": "doc",
    "UNIT_LINES": "doc",
    "UNIT_RECORD": "doc",
    "add_removed": "doc",
    "apply_stage": "stage",
    "bucket_counts": "shuffle",
    "bundled_model_path": "models",
    "concat": "packed",
    "empty": "packed",
    "note_removed": "doc",
    "pack": "packed",
    "register": "coders",
    "route": "stage",
    "sample_keep": "doc",
    "sid_hex": "shuffle",
    "sid_int": "shuffle",
    "split_rows": "packed",
    "stable_id": "doc",
    "total_key": "finish",
    "typed_outputs": "stage",
    "unpack": "packed",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
