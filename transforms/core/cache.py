"""Where crawlwash keeps what it derives once per machine (indexes built from bundled data), pure.

`CRAWLWASH_CACHE_DIR`, else `$XDG_CACHE_HOME/crawlwash`, else `~/.cache/crawlwash`. Deleting it is safe: each
index is rebuilt on first use; an unwritable directory only means each process builds its index again.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir"]


def cache_dir() -> Path:
    """The machine's crawlwash cache directory (not created here)."""
    if env := os.environ.get("CRAWLWASH_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "crawlwash"
