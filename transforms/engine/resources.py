"""Heavy objects of the map phase's stages, made once per worker process (`transforms.core.PerProcess`).

A runner may run several instances of a stage in one process (one per thread, one per fused stage, new ones after
a retry); each loading its own copy would multiply the memory and start-up time: the URL stage's lists
(`UrlFilter`), the tokenizer of the token counts, and the extraction sandbox, a child process of its own. Here
each is made once per process and handed out: a bounded pool of extraction sandboxes per extraction config (a
sandbox serves one document at a time, so concurrent threads borrow different ones, and never more than
`extract.sandbox_pool_size`). (The language model of a process is the language stage's own:
`transforms.language.beam.language_model`.)
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from transforms.core import PerProcess
from transforms.extract import ExtractConfig, ExtractorSandbox
from transforms.tokens import load_counter
from transforms.url import UrlConfig, UrlFilter

__all__ = ["SandboxPool", "TokenCounter", "sandbox_pool", "token_counter", "url_filter"]

_SANDBOX_POOLS: PerProcess[SandboxPool] = PerProcess()
_URL_FILTERS: PerProcess[UrlFilter] = PerProcess()
_TOKENIZERS: PerProcess[TokenCounter] = PerProcess()


class TokenCounter:
    """text -> tokens with one loaded tokenizer (an object, so that `PerProcess` (Beam's `Shared`) can reference
    it weakly: hold it while you use it)."""

    def __init__(self, resolved: str) -> None:
        self._count = load_counter(resolved)

    def __call__(self, text: str) -> int:
        return self._count(text)


def token_counter(resolved: str) -> TokenCounter:
    """The process's tokenizer for `tokens.tokenizer` (as its config resolved it), loaded on first use."""
    return _TOKENIZERS.get(resolved, lambda: TokenCounter(resolved))


class SandboxPool:
    """At most `size` extraction sandboxes, lent one document at a time (started on demand)."""

    def __init__(self, config: ExtractConfig) -> None:
        self._config = config
        self._size = config.sandbox_pool_size
        self._free: list[ExtractorSandbox] = []
        self._started = 0
        self._cond = threading.Condition()

    @property
    def started(self) -> int:
        """Sandboxes started by this pool so far."""
        return self._started

    @contextmanager
    def borrow(self) -> Iterator[ExtractorSandbox]:
        with self._cond:
            while not self._free and self._started >= self._size:
                self._cond.wait()
            if self._free:
                box = self._free.pop()
            else:
                self._started += 1
                box = None
        if box is None:
            try:
                box = ExtractorSandbox(self._config)
            except BaseException:
                with self._cond:
                    self._started -= 1
                    self._cond.notify()
                raise
        try:
            yield box
        finally:
            with self._cond:
                self._free.append(box)
                self._cond.notify()

    def close(self) -> None:
        with self._cond:
            boxes, self._free = self._free, []
        for box in boxes:
            box.close()


def url_filter(config: UrlConfig) -> UrlFilter:
    """The process's URL filter for this config (the UT1 index memory-mapped, the word lists compiled once)."""
    return _URL_FILTERS.get(
        json.dumps(config.model_dump(), sort_keys=True), lambda: UrlFilter.from_config(config)
    )


def sandbox_pool(config: ExtractConfig) -> SandboxPool:
    """The process's sandbox pool for this extraction config."""
    return _SANDBOX_POOLS.get(json.dumps(config.model_dump(), sort_keys=True), lambda: SandboxPool(config))
