"""Heavy objects shared by every DoFn instance of a worker process (`apache_beam.utils.shared.Shared`).

A runner may run several instances of a stage in one process (one per thread, one per fused stage, new ones after
a retry); each loading its own copy would multiply the memory and start-up time (fastText's lid.176 model and the
57 MB word-frequency model, an extraction sandbox, a child process of its own). A `PerProcess` handle makes each
object once per process and tag, and hands the same one out to every caller.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Generic, TypeVar

from apache_beam.utils import shared

__all__ = ["PerProcess", "freeze_heap"]

T = TypeVar("T")


class PerProcess(Generic[T]):
    """One handle per kind of object; the objects live in Beam's per-process map behind it, one per tag."""

    def __init__(self) -> None:
        self._shared = shared.Shared()

    def get(self, tag: str, make: Callable[[], T]) -> T:
        """The process's object for `tag`, made by `make()` on first use (it must be weak-referenceable)."""
        return self._shared.acquire(make, tag=tag)


_frozen = False


def freeze_heap() -> None:
    """Once per worker process, after its stages' setup: move every object alive now (Beam, the stages' modules,
    the models) into the collector's permanent generation (`gc.freeze`), as the launcher does after its imports.

    The collector's full passes skip them from then on, and so does the interpreter's shutdown: a worker process
    that held the models took 1.0-1.2 s to exit after the last bundle (the runner waits for it at the end of every
    job), 0.1 s frozen. Once per process, so nothing the corpus brings is ever frozen: memory stays flat."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()
