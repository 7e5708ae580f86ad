"""Base class for the typed config sections each stage owns.

Every stage module defines its own `...Config(Section)`; `pipelines/config.py` assembles them into one tree that is
loaded from YAML, validated before any work starts (an unknown or mistyped key is an error naming the key), and
saved next to the output. A transform receives only its own section.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Section"]


class Section(BaseModel):
    """A frozen, strictly validated config section: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)
