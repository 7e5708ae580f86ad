"""The output: schemas, staged files, the apply phase, the ledger and the finalize step.

The public API is importable from the package (`from transforms.write import ...`); each name is
loaded from its module on first use (PEP 562), so importing a pure module of the package never imports Beam.
"""

from __future__ import annotations

from transforms.core.lazy import lazy_getattr

_EXPORTS = {
    "ApplySpec": "apply",
    "ApplySplitFn": "apply",
    "AssembleShardFn": "apply",
    "CARD": "output",
    "DATA": "output",
    "DOC_FIELDS": "output",
    "ERRORS": "output",
    "ERRORS_SCHEMA": "output",
    "ErrorBudgetExceeded": "ledger",
    "Finalize": "output",
    "KIND_DOCS": "transforms.core.staged",
    "KIND_ERRORS": "transforms.core.staged",
    "KIND_KEYS": "transforms.core.staged",
    "KIND_LINES": "transforms.core.staged",
    "KIND_REJECTED": "transforms.core.staged",
    "LedgerError": "ledger",
    "OutputConfig": "output",
    "REJECTED": "output",
    "REJECTED_SCHEMA": "output",
    "REPORT": "output",
    "RUN_FACTS": "output",
    "STATS": "output",
    "SUCCESS": "output",
    "ROW_GROUP_BYTES": "staging",
    "RunFingerprintError": "staging",
    "SplitVerdicts": "apply",
    "StagedWriter": "staging",
    "TEMP_DIR": "transforms.core.staged",
    "build_stats": "ledger",
    "check": "ledger",
    "check_fingerprint": "staging",
    "compression_options": "output",
    "crawlwash_version": "output",
    "doc_to_row": "output",
    "docs_schema": "output",
    "dropped_to_row": "output",
    "failed_to_row": "output",
    "fingerprint": "staging",
    "iter_batches": "transforms.core.staged",
    "merge_counts": "ledger",
    "out_path": "transforms.core.staged",
    "plan_dir": "transforms.core.staged",
    "outcome_keys": "ledger",
    "prepare_output_dir": "output",
    "read_marker": "staging",
    "read_table": "transforms.core.staged",
    "shard_name": "output",
    "shard_of": "output",
    "split_path": "transforms.core.staged",
    "splits_dir": "transforms.core.staged",
    "write_bytes_atomic": "staging",
    "write_marker": "staging",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
