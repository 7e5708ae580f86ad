"""The output: schemas, staged files, the apply phase, the ledger and the finalize step.

The public API is importable from the package (`from transforms.write import ...`); each name is
loaded from its module on first use (PEP 562), so importing a pure module of the package never imports Beam.
"""

from __future__ import annotations

from transforms.core.lazy import lazy_getattr

_EXPORTS = {
    "ApplyShardFn": "apply",
    "ApplySpec": "apply",
    "CARD": "output",
    "DATA": "output",
    "DOC_FIELDS": "output",
    "ERRORS": "output",
    "ERRORS_SCHEMA": "output",
    "ErrorBudgetExceeded": "ledger",
    "Finalize": "output",
    "KIND_DOCS": "staging",
    "KIND_ERRORS": "staging",
    "KIND_KEYS": "staging",
    "KIND_LINES": "staging",
    "KIND_REJECTED": "staging",
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
    "TEMP_DIR": "staging",
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
    "iter_batches": "staging",
    "merge_counts": "ledger",
    "out_path": "staging",
    "plan_dir": "staging",
    "outcome_keys": "ledger",
    "prepare_output_dir": "output",
    "read_marker": "staging",
    "read_table": "staging",
    "shard_name": "output",
    "shard_of": "output",
    "split_path": "staging",
    "splits_dir": "staging",
    "write_bytes_atomic": "staging",
    "write_marker": "staging",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
