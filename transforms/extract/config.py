"""The extract stage's config section (its plain options, result and error types: `types.py`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from transforms.core import Section
from transforms.extract.types import ExtractOptions

__all__ = ["ExtractConfig", "REASON_NO_TEXT_EXTRACTED"]  # the plain types: transforms/extract/types.py


STAGE = "extract"

# The directory holding the `transforms` package, for the sandbox child's sys.path.

REASON_NO_TEXT_EXTRACTED = "no_text_extracted"


class ExtractConfig(Section):
    """Section `extract`: how HTML payloads become text."""

    @property
    def fast_mode(self) -> bool:
        """trafilatura's fast mode: `mode: fast` (or the older `fast: true`)."""
        return self.mode == "fast" or self.fast

    favor: Literal["precision", "recall", "balanced"] = Field(
        "balanced",
        description="trafilatura's trade-off: 'precision' (less text, less boilerplate), 'recall' (more text, "
        "more noise) or 'balanced' (trafilatura's default).",
    )
    include_tables: bool = Field(True, description="Keep the text of <table> elements.")
    include_comments: bool = Field(
        False, description="Keep user comments found below the main content (usually low quality)."
    )
    include_links: bool = Field(False, description="Keep link targets in the text (markdown-style).")
    mode: Literal["default", "fast"] = Field(
        "default",
        description="'fast': trafilatura's fast mode, no fallback extractors (readability/jusText): about 29% "
        "less extraction time, and about 1.3% fewer of the text snippets a page must keep are found "
        "(README, 'Extraction modes'). 'default' runs the fallbacks.",
    )
    fast: bool = Field(False, description="The same as mode: fast (kept for older configs).")
    with_metadata: bool = Field(
        False, description="Also extract metadata (sets the title); costs extra time per page."
    )
    deduplicate: bool = Field(
        False,
        description="trafilatura's dedup: drop a text segment (over 100 chars) from its third repetition on. "
        "Scoped to one page (a fresh cache per document) so that results do not depend on document order; "
        "cross-document dedup is the dedup stage's job.",
    )
    max_html_bytes: int = Field(
        5_000_000, gt=0, description="Payloads larger than this many bytes are failed, not extracted."
    )
    timeout_s: float = Field(
        10.0,
        ge=0,
        description="Per-document time budget in seconds for decoding + extraction, enforced in a sandbox "
        "process that is killed and restarted on overrun (a Failed row). 0 disables the budget and the "
        "sandbox: extraction then runs in the worker process itself.",
    )
    sandbox_pool_size: int = Field(
        4,
        ge=1,
        description="Most extraction sandbox processes per worker process: one per thread extracting at the same "
        "time, shared by every stage instance of the process (a single-threaded worker starts one).",
    )

    def options(self) -> ExtractOptions:
        """What `extract_html` reads, as plain values: the sandbox child gets these (it never imports pydantic)."""
        return ExtractOptions(
            fast_mode=self.fast_mode, favor=self.favor, include_tables=self.include_tables,
            include_comments=self.include_comments, include_links=self.include_links,
            with_metadata=self.with_metadata, deduplicate=self.deduplicate, max_html_bytes=self.max_html_bytes,
        )  # fmt: skip
