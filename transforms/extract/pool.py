"""The extraction sandboxes of a worker process: a bounded pool per extraction config, made once per process
(`transforms.core.PerProcess`).

A runner may run several instances of the stage in one process (one per thread, one per fused stage, new ones
after a retry); each starting its own child processes would multiply the memory and start-up time. A sandbox
serves one document at a time, so concurrent threads borrow different ones, and never more than
`extract.sandbox_pool_size`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from transforms.core import PerProcess
from transforms.extract.config import ExtractConfig
from transforms.extract.sandbox import ExtractorSandbox

__all__ = ["SandboxPool", "sandbox_pool"]

_SANDBOX_POOLS: PerProcess[SandboxPool] = PerProcess()


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
        """Stop the idle sandboxes. The pool stays usable: a later `borrow` starts a new one (the process's pool is
        shared, so a caller that closed it may not be the last to use it)."""
        with self._cond:
            boxes, self._free = self._free, []
            self._started -= len(boxes)
            self._cond.notify_all()
        for box in boxes:
            box.close()


def sandbox_pool(config: ExtractConfig) -> SandboxPool:
    """The process's sandbox pool for this extraction config."""
    return _SANDBOX_POOLS.get(json.dumps(config.model_dump(), sort_keys=True), lambda: SandboxPool(config))
