"""The dedup stage's config section, reason codes and keep rules."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pyarrow as pa
from pydantic import Field, model_validator

from transforms.core import Doc, Section
from transforms.core.verdicts import (
    DEDUP_STAGE,
    REASON_DUPLICATE_TEXT,
    REASON_DUPLICATE_URL,
    REASON_NEAR_DUPLICATE,
    REASON_NEAR_DUPLICATE_OF_PRIOR,
)
from transforms.dedup import minhash

__all__ = [
    "COLUMNS",
    "DedupConfig",
    "ExactDedupConfig",
    "IndexConfig",
    "KeepRule",
    "NearDedupConfig",
    "REASON_DUPLICATE_TEXT",
    "REASON_DUPLICATE_URL",
    "REASON_NEAR_DUPLICATE",
    "REASON_NEAR_DUPLICATE_OF_PRIOR",
    "STAGE",
    "UrlDedupConfig",
    "keep_key",
]


STAGE = DEDUP_STAGE  # the name and reason codes are in transforms/core/verdicts.py: the writer reads them too

COLUMNS: list[pa.Field] = [pa.field("dedup_cluster_size", pa.int32(), nullable=True)]

KeepRule = Literal["longest", "newest", "oldest", "first_id"]


class UrlDedupConfig(Section):
    """One document per normalized URL."""

    enabled: bool = Field(True, description="Drop documents whose normalized URL was already seen.")
    keep: Literal["newest", "oldest"] = Field(
        "newest", description="Which fetch of a URL to keep (by fetch_time; unknown times lose; ties -> id)."
    )


class ExactDedupConfig(Section):
    """One document per normalized text (NFKC, case-folded, punctuation and whitespace folded)."""

    enabled: bool = Field(True, description="Drop documents whose normalized text equals another's.")
    keep: KeepRule = Field(
        "first_id", description="Which copy to keep: longest / newest / oldest / first_id."
    )


class NearDedupConfig(Section):
    """MinHash LSH near-duplicate detection with distributed connected components."""

    enabled: bool = Field(True, description="Drop near-duplicates (keep one document per cluster).")
    threshold: float = Field(
        0.8,
        gt=0.0,
        lt=1.0,
        description="Jaccard similarity of shingle sets at which two documents are duplicates.",
    )
    num_perm: int = Field(128, ge=8, le=1024, description="MinHash permutations (signature length).")
    shingle_size: int = Field(5, ge=1, le=64, description="Words per shingle.")
    char_shingle_size: int = Field(
        5,
        ge=1,
        le=64,
        description="Characters per shingle for texts mostly in scripts without spaces (CJK, Thai).",
    )
    bands: int | None = Field(None, ge=1, description="LSH bands; null = derived from the thresholds.")
    rows: int | None = Field(None, ge=1, description="Rows per band; null = derived from the thresholds.")
    lsh_threshold: float | None = Field(
        None,
        gt=0.0,
        lt=1.0,
        description="Jaccard the LSH banding is tuned around; null = threshold - 0.1 (candidates are verified).",
    )
    lsh_false_negative_weight: float = Field(
        0.7,
        gt=0.0,
        lt=1.0,
        description="Weight of missed pairs vs false candidates when deriving bands/rows.",
    )
    verify: bool = Field(
        True, description="Keep an LSH edge only if the estimated Jaccard of the signatures passes the cut."
    )
    verify_margin: float = Field(
        0.1,
        ge=0.0,
        lt=1.0,
        description="Verification cut = threshold - verify_margin (absorbs MinHash noise).",
    )
    containment_threshold: float | None = Field(
        0.8,
        gt=0.0,
        le=1.0,
        description="With verify, also accept a candidate pair when this share of the smaller doc's shingles is "
        "estimated to be in the larger one (the same article with/without boilerplate); null = Jaccard only.",
    )
    seed: int = Field(1, ge=0, description="Seed of the MinHash permutations (an index needs the same seed).")
    max_rounds: int = Field(
        8,
        ge=1,
        le=64,
        description="Large-star/small-star rounds unrolled into the graph for clustering (a worst-case "
        "path of 1,000 docs needs 8; LSH star edges give shallow clusters that need 1-3).",
    )
    on_unconverged: Literal["fail", "partial"] = Field(
        "fail",
        description="If clustering did not converge in max_rounds: fail the job, or keep partial clusters.",
    )
    keep: KeepRule = Field(
        "longest", description="Which document of a cluster to keep (ties -> smallest id)."
    )

    @model_validator(mode="after")
    def _check_bands(self) -> NearDedupConfig:
        if (self.bands is None) != (self.rows is None):
            raise ValueError("set both near.bands and near.rows, or neither")
        b, r = self.bands_rows()
        if b * r > self.num_perm:
            raise ValueError(f"near.bands * near.rows = {b * r} exceeds near.num_perm = {self.num_perm}")
        return self

    def bands_rows(self) -> tuple[int, int]:
        """The (bands, rows) in effect: explicit overrides, else derived from lsh_threshold."""
        if self.bands is not None and self.rows is not None:
            return self.bands, self.rows
        lsh_t = self.lsh_threshold if self.lsh_threshold is not None else max(0.05, self.threshold - 0.1)
        w = self.lsh_false_negative_weight
        return minhash.optimal_bands_rows(round(lsh_t, 6), self.num_perm, 1.0 - w, w)

    def params(self) -> minhash.MinHashParams:
        b, r = self.bands_rows()
        return minhash.MinHashParams(
            num_perm=self.num_perm,
            shingle_size=self.shingle_size,
            char_shingle_size=self.char_shingle_size,
            bands=b,
            rows=r,
            seed=self.seed,
        )

    def verify_cut(self) -> float | None:
        return max(0.0, self.threshold - self.verify_margin) if self.verify else None


class IndexConfig(Section):
    """The persisted MinHash signature index for incremental dedup."""

    write: bool = Field(False, description="Write this run's signatures under OUTPUT/dedup_index/.")
    prior: list[str] = Field(
        default_factory=list,
        description="Index directories (or globs of .parquet files) of earlier runs; their docs are never re-emitted.",
    )
    rows_per_shard: int = Field(200_000, gt=0, description="Rows per index Parquet file.")


class DedupConfig(Section):
    """Deduplication: URL, then exact text, then near-duplicates (each can be disabled)."""

    url: UrlDedupConfig = Field(default_factory=UrlDedupConfig, description="URL dedup.")
    exact: ExactDedupConfig = Field(default_factory=ExactDedupConfig, description="Exact text dedup.")
    near: NearDedupConfig = Field(
        default_factory=NearDedupConfig, description="MinHash near-duplicate dedup."
    )
    index: IndexConfig = Field(
        default_factory=IndexConfig, description="Signature index for incremental runs."
    )


def _epoch(fetch_time: str | None) -> int | None:
    if not fetch_time:
        return None
    try:
        t = dt.datetime.fromisoformat(fetch_time)  # 3.11 reads "Z"
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return int(t.timestamp() * 1_000_000)


def keep_key(doc: Doc, rule: str) -> tuple[int, int]:
    """Sort key of a doc under a keep rule (smaller is better; callers append the id as the tie-break)."""
    if rule == "longest":
        return (-len(doc.text), 0)
    if rule in ("newest", "oldest"):
        t = _epoch(doc.fetch_time)
        if t is None:
            return (1, 0)  # unknown fetch time loses to any known one
        return (0, -t if rule == "newest" else t)
    if rule == "first_id":
        return (0, 0)
    raise ValueError(f"unknown keep rule {rule!r}")
