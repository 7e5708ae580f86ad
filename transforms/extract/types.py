"""The extract stage's plain types: the options `extract_html` reads, its result and its errors.

No pydantic here: the extraction sandbox's child process imports this module and `html.py` only, so that it
starts without pydantic (0.15 s of every run's start, and of every restart after a timeout). `config.py` holds the
validated config section, `ExtractConfig`, whose `options()` are these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ExtractError",
    "ExtractOptions",
    "ExtractResult",
    "ExtractionError",
    "ExtractionTimeout",
    "ExtractorCrashed",
    "HtmlTooLarge",
    "UndecodableHtml",
]


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """What extraction reads of the `extract` section (`ExtractConfig.options()`; the fields mean the same)."""

    fast_mode: bool = False
    favor: Literal["precision", "recall", "balanced"] = "balanced"
    include_tables: bool = True
    include_comments: bool = False
    include_links: bool = False
    with_metadata: bool = False
    deduplicate: bool = False
    max_html_bytes: int = 5_000_000


@dataclass(frozen=True, slots=True)
class ExtractResult:
    """What extraction made of one payload: `text` is "" when trafilatura found no main text."""

    text: str
    title: str | None
    charset: str


class ExtractError(Exception):
    """Base class of the per-document extraction failures (each becomes a Failed row)."""


class HtmlTooLarge(ExtractError):
    """The payload is larger than `max_html_bytes`."""


class UndecodableHtml(ExtractError):
    """No charset turns the payload into text (binary data or heavy corruption)."""


class ExtractionTimeout(ExtractError):
    """Decoding + extraction exceeded the per-document time budget."""


class ExtractorCrashed(ExtractError):
    """The sandbox process died while working on the document (or could not start)."""


class ExtractionError(ExtractError):
    """trafilatura (or the decoder) raised inside the sandbox; the message names the original exception."""
