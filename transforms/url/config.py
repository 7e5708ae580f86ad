"""Section `url` and the URL stage's reason codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from transforms.core import Section

__all__ = [
    "REASONS",
    "REASON_BANNED_SUBWORD",
    "REASON_BANNED_WORD",
    "REASON_BLOCKLISTED_DOMAIN",
    "REASON_BLOCKLISTED_URL",
    "REASON_SOFT_BANNED_WORDS",
    "STAGE",
    "UrlConfig",
]

STAGE = "url"
REASON_BLOCKLISTED_DOMAIN = "blocklisted_domain"
REASON_BLOCKLISTED_URL = "blocklisted_url"
REASON_BANNED_WORD = "banned_word"
REASON_SOFT_BANNED_WORDS = "soft_banned_words"
REASON_BANNED_SUBWORD = "banned_subword"
REASONS = (
    REASON_BLOCKLISTED_DOMAIN,
    REASON_BLOCKLISTED_URL,
    REASON_BANNED_WORD,
    REASON_SOFT_BANNED_WORDS,
    REASON_BANNED_SUBWORD,
)


def _entries(value: Any, key: str) -> Any:
    """A list as it is, or a file path: read now (one entry a line, '#' comments), so that cluster workers get
    the entries with the config and the resolved config.yaml records them."""
    if not isinstance(value, str):
        return value
    try:
        text = Path(value).expanduser().read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read the {key} file {value}: {exc.strerror or exc}") from None
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


class UrlConfig(Section):
    """Section `url`: which URLs are dropped before extraction (adult and spam sites)."""

    ut1: bool = Field(
        True,
        description="Drop pages whose host, or any parent domain of it, is on the bundled UT1 adult list "
        "(4.56 M domains; CC BY-SA 4.0, UT1 blacklists, Université Toulouse Capitole), or whose URL is on its "
        "URL list.",
    )
    word_lists: bool = Field(
        True,
        description="Apply datatrove's banned, soft-banned and banned-subword lists (Apache-2.0) to the "
        "normalised URL.",
    )
    soft_word_threshold: int = Field(
        2, ge=1, description="A URL is dropped when it holds at least this many distinct soft-banned words."
    )
    block_domains: list[str] = Field(
        default_factory=list,
        description="More domains to drop (a host and its subdomains), as a list or the path of a file with one "
        "domain a line (read when the config is loaded).",
    )
    allow_domains: list[str] = Field(
        default_factory=list,
        description="Domains never dropped by the URL stage (a host and its subdomains), as a list or a file: "
        "rescues false positives. The most specific listed domain wins: allowing example.com does not rescue "
        "a listed bad.example.com.",
    )
    block_urls: list[str] = Field(
        default_factory=list,
        description="More URLs to drop (with or without scheme; a URL also blocks the pages below its path), as "
        "a list or a file.",
    )

    @field_validator("block_domains", "allow_domains", "block_urls", mode="before")
    @classmethod
    def _read_file(cls, value: Any, info: Any) -> Any:
        return _entries(value, f"url.{info.field_name}")
