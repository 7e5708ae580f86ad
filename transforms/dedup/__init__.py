"""The dedup stage: URL, exact and MinHash near-duplicate decisions over small records, and the signature
index of incremental runs.

The public API is importable from the package (`from transforms.dedup import ...`); each name is
loaded from its module on first use (PEP 562), so importing a pure module of the package never imports Beam.
"""

from __future__ import annotations

from transforms.core.lazy import lazy_getattr

_EXPORTS = {
    "BAND": "reducers",
    "CJK_CHAR_SHARE": "minhash",
    "COLUMNS": "config",
    "ConnectedComponents": "components",
    "DecideDuplicates": "beam",
    "DecideSpec": "beam",
    "Decisions": "beam",
    "DedupConfig": "config",
    "EDGE": "reducers",
    "EXACT": "reducers",
    "ExactDedupConfig": "config",
    "INDEX_SCHEMA": "index",
    "IndexConfig": "config",
    "KeepRule": "config",
    "MinHashParams": "minhash",
    "NearDedupConfig": "config",
    "NotConvergedError": "components",
    "REASON_CODES": "reducers",
    "REASON_DUPLICATE_TEXT": "config",
    "REASON_DUPLICATE_URL": "config",
    "REASON_NEAR_DUPLICATE": "config",
    "REASON_NEAR_DUPLICATE_OF_PRIOR": "config",
    "STAGE": "config",
    "URL": "reducers",
    "UrlDedupConfig": "config",
    "VERDICT": "reducers",
    "WriteIndex": "index",
    "band_edges": "reducers",
    "band_keys": "minhash",
    "candidate_probability": "minhash",
    "estimated_containment": "minhash",
    "estimated_jaccard": "minhash",
    "expand_index_paths": "index",
    "hash128": "reducers",
    "is_near_duplicate": "minhash",
    "jaccard": "minhash",
    "keep_key": "config",
    "keep_one_per_key": "reducers",
    "large_star": "components",
    "minhash_signature": "minhash",
    "normalize_for_dedup": "minhash",
    "optimal_bands_rows": "minhash",
    "params_meta": "index",
    "permutations": "minhash",
    "read_index_table": "index",
    "shingle_hashes": "minhash",
    "shingle_set": "minhash",
    "sign": "minhash",
    "signature_of": "minhash",
    "small_star": "components",
    "source_id": "index",
    "star_check": "components",
    "text_hash": "minhash",
    "url_key": "urls",
    "uses_char_shingles": "minhash",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
