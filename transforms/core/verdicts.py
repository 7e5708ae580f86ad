"""What crosses from the dedup stage's decide phase to the writer's apply phase: the stage's name, its reason
codes, and the packed URL / exact verdict record (one split's verdicts, read back by `transforms.write.apply`).

It lives here, below both, so that the writer imports no stage (docs/architecture.md, "Packages"); the dedup
stage re-exports every name (`from transforms.dedup import REASON_NEAR_DUPLICATE`).
"""

from __future__ import annotations

import numpy as np

from transforms.core.packed import Layout

__all__ = [
    "DEDUP_STAGE",
    "REASON_CODES",
    "REASON_DUPLICATE_TEXT",
    "REASON_DUPLICATE_URL",
    "REASON_NEAR_DUPLICATE",
    "REASON_NEAR_DUPLICATE_OF_PRIOR",
    "VERDICT",
]

DEDUP_STAGE = "dedup"

REASON_DUPLICATE_URL = "duplicate_url"

REASON_DUPLICATE_TEXT = "duplicate_text"

REASON_NEAR_DUPLICATE = "near_duplicate"

REASON_NEAR_DUPLICATE_OF_PRIOR = "near_duplicate_of_prior"

# A URL or exact verdict: the dropped document's row in its split, the reason's code, the kept document's id.
VERDICT = Layout((("local", np.int32), ("reason", np.uint8), ("kept", str)))

# Verdict reasons as small codes inside packed values.
REASON_CODES = {1: REASON_DUPLICATE_URL, 2: REASON_DUPLICATE_TEXT}
