"""The record types that flow through every crawlwash stage.

One `Doc` type travels from the readers to the writer. Stages never mutate a Doc: they emit a copy made with
`Doc.replace` / `Doc.with_attrs`. A record that leaves the pipeline early becomes a `Dropped` (a stage decided
to remove it, with a stable reason code) or a `Failed` (a stage could not process it, with the error). Every
record read ends as exactly one of: a kept `Doc` written to `data/`, a `Dropped` in `rejected/`, a `Failed` in
`errors/`; the ledger in `stats.json` counts all three and checks `read == kept + dropped + failed`.

This module has no Beam import: pure stage cores use these types directly.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "EXTRACTED_CHARS",
    "REMOVED_BY_REASON",
    "add_removed",
    "note_removed",
    "UNIT_LINES",
    "UNIT_RECORD",
    "Doc",
    "Dropped",
    "Failed",
    "TransientError",
    "sample_keep",
    "stable_id",
]

# A `Dropped` either stands for a whole input record (it counts in the ledger) or for lines removed from a
# kept document (written to rejected/ for audit only; the document itself is counted where it ends).
UNIT_RECORD = "record"
UNIT_LINES = "lines"


class TransientError(Exception):
    """A problem a retry may fix (a remote read that failed mid-way): the split is read again, then the runner
    retries. Never caught as bad input."""


# Attributes every document may carry (base columns of data/): the text length right after extraction, and the
# lines the per-document passes removed, as JSON {"stage/reason": [lines, characters]}.
EXTRACTED_CHARS = "n_chars_extracted"
REMOVED_BY_REASON = "removed_by_reason"


def add_removed(counts_json: str | None, stage: str, removed: Mapping[str, Sequence[str]]) -> str | None:
    """`removed_by_reason` JSON plus these removed lines (reason -> lines) of `stage`; unchanged when none."""
    if not any(removed.values()):
        return counts_json
    counts = json.loads(counts_json or "{}")
    for reason, lines in removed.items():
        if lines:
            n, chars = counts.get(f"{stage}/{reason}", (0, 0))
            counts[f"{stage}/{reason}"] = [n + len(lines), chars + sum(len(line) for line in lines)]
    return json.dumps(counts, sort_keys=True, separators=(",", ":"))


def note_removed(doc: Doc, stage: str, removed: Mapping[str, Sequence[str]]) -> Doc:
    """A copy of `doc` whose `removed_by_reason` also counts these removed lines (reason -> lines) of `stage`."""
    if not any(removed.values()):
        return doc
    return doc.with_attrs(**{REMOVED_BY_REASON: add_removed(doc.attrs.get(REMOVED_BY_REASON), stage, removed)})


def sample_keep(key: str, rate: float) -> bool:
    """Deterministic sampling by a hash of `key`: the same key gets the same answer on every run and runner."""
    if rate >= 1.0:
        return True
    if rate <= 0.0:
        return False
    h = hashlib.blake2b(b"sample\x00" + key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(h, "big") / 2**64 < rate


def stable_id(*parts: str) -> str:
    """A short, stable hex id from the natural key of a record (same input -> same id on every run)."""
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class Doc:
    """One document (or one raw record awaiting extraction).

    `html` holds the raw payload of an HTML record until the extraction stage turns it into `text`; after
    extraction it is None. `attrs` carries the extra columns that stages contribute (quality signals, line
    removal counts, dedup cluster size...): each stage declares the Parquet fields it writes there.
    """

    id: str
    source: str  # input path as matched by the glob
    source_record: str  # WARC-Record-ID, "line:N", "offset:N" or "file"
    text: str = ""
    url: str | None = None
    fetch_time: str | None = None  # ISO 8601, UTC ("2024-05-01T12:00:00Z")
    content_type: str | None = None  # MIME type as declared or sniffed ("text/html")
    charset: str | None = None  # charset used to decode the payload, where known
    html: bytes | None = None
    title: str | None = None
    lang: str | None = None
    lang_score: float | None = None
    lang2: str | None = None
    lang2_score: float | None = None
    attrs: Mapping[str, Any] = field(default_factory=dict)

    def replace(self, **changes: Any) -> Doc:
        """A copy with some fields changed (Docs are never mutated in place)."""
        return dataclasses.replace(self, **changes)

    def with_attrs(self, **attrs: Any) -> Doc:
        """A copy with extra columns added to (or overriding) `attrs`."""
        merged = dict(self.attrs)
        merged.update(attrs)
        return dataclasses.replace(self, attrs=merged)


@dataclass(frozen=True, slots=True)
class Dropped:
    """A record a stage decided to remove: `reason` is a stable code (see each stage's REASON_* constants)."""

    stage: str
    reason: str
    id: str
    source: str
    source_record: str
    url: str | None = None
    text: str = ""  # the text as it was when dropped (may be capped by the rejected writer)
    detail: str | None = None  # optional human-readable detail (score, threshold...)
    unit: str = UNIT_RECORD

    @classmethod
    def lines(cls, doc: Doc, stage: str, reason: str, lines: list[str], detail: str | None = None) -> Dropped:
        """An audit row for lines removed from a kept document (not a ledger record)."""
        return cls(
            stage=stage,
            reason=reason,
            id=doc.id,
            source=doc.source,
            source_record=doc.source_record,
            url=doc.url,
            text="\n".join(lines),
            detail=detail,
            unit=UNIT_LINES,
        )

    @classmethod
    def of(cls, doc: Doc, stage: str, reason: str, detail: str | None = None) -> Dropped:
        return cls(
            stage=stage,
            reason=reason,
            id=doc.id,
            source=doc.source,
            source_record=doc.source_record,
            url=doc.url,
            text=doc.text,
            detail=detail,
        )


@dataclass(frozen=True, slots=True)
class Failed:
    """A record (or the unreadable rest of a file) that a stage could not process."""

    stage: str
    error: str  # "ExceptionType: message", readable on its own
    source: str
    source_record: str  # record id, or "offset:N" where a file broke
    id: str | None = None
    url: str | None = None

    @classmethod
    def of(cls, doc: Doc, stage: str, error: str) -> Failed:
        return cls(
            stage=stage,
            error=error,
            source=doc.source,
            source_record=doc.source_record,
            id=doc.id,
            url=doc.url,
        )

    @staticmethod
    def describe(exc: BaseException) -> str:
        msg = str(exc).strip().replace("\n", " ")
        return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__
