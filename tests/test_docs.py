"""The README stays true: the config reference it embeds is the one generated from the typed schema."""

from __future__ import annotations

from pipelines.config_doc import BEGIN, END, reference_markdown, reference_rows
from tests.conftest import REPO


def test_readme_carries_the_current_config_reference() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start, end = readme.index(BEGIN), readme.index(END) + len(END)
    assert readme[start:end] == reference_markdown(), "run: python -m pipelines.config_doc, paste into README.md"


def test_every_config_key_is_documented() -> None:
    undocumented = [key for key, _, _, desc in reference_rows() if not desc.strip()]
    assert undocumented == []
