"""A fix for a data race in Beam's local runner (FnApiRunner, DirectRunner in multi_processing or
multi_threading mode), applied by `crawlwash run` before a local job starts. See docs/beam-notes.md.

The race: the runner processes a stage's bundle as one partition per worker, on parallel threads. Each thread
appends the output data it receives to the stage's output buffers, which it looks up or creates with
`BundleContextManager.get_buffer`: "if the buffer is not in the dict, make one and put it there". Two threads
can both find it missing and both create it; the second replaces the first, and whatever the first thread had
appended is gone. Outputs flushed early (large elements fill the data channel's 10 MB buffer quickly) make the
two first appends concurrent, which is why large pages lose elements in a Flatten (1,310 of 1,500 300 KB
elements in the pure-Beam reproduction). Making the lookup-or-create atomic fixes it: the reproduction then
delivers 1,500 of 1,500 every time.
"""

from __future__ import annotations

import functools
import logging
import threading

__all__ = ["patch_local_runner"]

log = logging.getLogger(__name__)
_LOCK = threading.Lock()
_MARK = "_crawlwash_atomic_get_buffer"


def patch_local_runner() -> bool:
    """Make `BundleContextManager.get_buffer` atomic (idempotent). False when this Beam has no such method."""
    try:
        from apache_beam.runners.portability.fn_api_runner import execution
    except ImportError:  # pragma: no cover - a Beam without the FnApiRunner
        return False
    manager = getattr(execution, "BundleContextManager", None)
    original = getattr(manager, "get_buffer", None)
    if original is None:
        log.warning("Beam's local runner has no BundleContextManager.get_buffer: buffer race fix not applied")
        return False
    if getattr(original, _MARK, False):
        return True

    @functools.wraps(original)
    def get_buffer(self, buffer_id, transform_id):  # noqa: ANN001, ANN202 - Beam's own signature
        with _LOCK:
            return original(self, buffer_id, transform_id)

    setattr(get_buffer, _MARK, True)
    manager.get_buffer = get_buffer
    return True
