"""Section `tokens`: token counts of the kept text."""

from __future__ import annotations

from pydantic import Field, field_validator

from transforms.core import Section

__all__ = ["STAGE", "TokensConfig"]

STAGE = "tokens"


class TokensConfig(Section):
    """Section `tokens`: count the tokens of each kept document (column `n_tokens`, totals per language)."""

    tokenizer: str | None = Field(
        None,
        description="A local Hugging Face `tokenizer.json` (path), or the name of a `tiktoken` encoding whose BPE "
        "file is already in tiktoken's local cache (TIKTOKEN_CACHE_DIR); null = no token counts. Nothing is "
        "downloaded: a name that cannot be resolved offline is a config error. n_tokens = the length of "
        "`encode(text, add_special_tokens=False)` (tiktoken: `encode_ordinary`).",
    )

    @field_validator("tokenizer")
    @classmethod
    def _resolvable(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from transforms.tokens.count import TokenizerError, resolve_tokenizer

        try:
            return resolve_tokenizer(value)
        except TokenizerError as exc:
            raise ValueError(str(exc)) from None
