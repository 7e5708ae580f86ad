"""Token counts with a local tokenizer (pure, no Beam): Hugging Face `tokenizers` or `tiktoken`, never downloaded.

`resolve_tokenizer(name)` checks a name before any work (the config validator calls it) and returns what the
workers load: the absolute path of a `tokenizer.json`, or `tiktoken:<encoding>`. A tiktoken encoding is loaded
with tiktoken's remote reads refused, so that only a BPE file already in its cache (TIKTOKEN_CACHE_DIR,
DATA_GYM_CACHE_DIR or the system's temp directory) can serve it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["TokenizerError", "load_counter", "resolve_tokenizer"]

TIKTOKEN = "tiktoken:"


class TokenizerError(ValueError):
    """A tokenizer that cannot be loaded offline."""


@contextmanager
def _offline_tiktoken() -> Iterator[None]:
    import tiktoken.load

    real = tiktoken.load.read_file

    def local_only(blobpath: str) -> bytes:
        if "://" in blobpath:
            raise TokenizerError(
                f"its BPE file is not in tiktoken's local cache and crawlwash downloads nothing ({blobpath}); "
                "put the file in TIKTOKEN_CACHE_DIR, or give a local tokenizer.json"
            )
        return real(blobpath)

    tiktoken.load.read_file = local_only
    try:
        yield
    finally:
        tiktoken.load.read_file = real


def _tiktoken_counter(name: str) -> Callable[[str], int]:
    import tiktoken

    try:
        with _offline_tiktoken():
            encoding = tiktoken.get_encoding(name)
    except TokenizerError as exc:
        raise TokenizerError(f"tiktoken encoding {name!r}: {exc}") from None
    except ValueError as exc:  # an unknown encoding name
        raise TokenizerError(f"{name!r} is neither a tokenizer.json file nor a tiktoken encoding ({exc})") from None
    return lambda text: len(encoding.encode_ordinary(text))


def _hf_counter(path: str) -> Callable[[str], int]:
    from tokenizers import Tokenizer

    try:
        tokenizer = Tokenizer.from_file(path)
    except Exception as exc:  # noqa: BLE001 - the library raises a bare Exception on a bad file
        raise TokenizerError(f"cannot load the tokenizer {path}: {exc}") from None
    return lambda text: len(tokenizer.encode(text, add_special_tokens=False).ids)


def _is_path(name: str) -> bool:
    return name.endswith(".json") or "/" in name or Path(name).exists()


def resolve_tokenizer(name: str) -> str:
    """The canonical name of a loadable tokenizer (absolute path, or 'tiktoken:<encoding>'), or TokenizerError."""
    name = name.strip()
    if name.startswith(TIKTOKEN):
        _tiktoken_counter(name[len(TIKTOKEN) :])
        return name
    if _is_path(name):
        path = Path(name).expanduser()
        if not path.is_file():
            raise TokenizerError(f"tokenizer file {name} does not exist")
        resolved = str(path.resolve())
        _hf_counter(resolved)
        return resolved
    _tiktoken_counter(name)
    return TIKTOKEN + name


def load_counter(resolved: str) -> Callable[[str], int]:
    """text -> its number of tokens, for a name `resolve_tokenizer` returned."""
    if resolved.startswith(TIKTOKEN):
        return _tiktoken_counter(resolved[len(TIKTOKEN) :])
    return _hf_counter(resolved)
