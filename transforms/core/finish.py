"""Steps on the text that is written: run once per kept document in the apply phase, after every drop.

A `FinishFn` sees the row of a document that is certain to be written to data/ (after the dedup verdicts and the
corpus-wide frequent-line pass, which change the text after the map phase), edits it in place (the text, its own
columns) and returns totals for stats.json. The PII stage masks the written text here, and token counts are
counted on it. Pure: no Beam import; the apply phase calls `setup()` once per worker before any row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["TOTAL", "FinishFn", "total_key"]

TOTAL = "total"


def total_key(name: str, key: str) -> str:
    """The ledger key of a total that stats.json shows as `{name: {key: n}}` (e.g. pii_masked/email)."""
    return f"{TOTAL}\t{name}\t{key}"


class FinishFn:
    """Base of a finish step. Subclasses set `stage` and implement `finish(row)`."""

    stage: str = "finish"

    def setup(self) -> None:
        """Load heavy things (once per worker process)."""

    def finish(self, row: dict[str, Any]) -> Mapping[str, int]:
        """Edit the kept row in place; return ledger totals (`total_key(...) -> n`) to add to stats.json."""
        raise NotImplementedError
