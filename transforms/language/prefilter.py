"""A spam lexicon's compiled prefilter (`native/src/lexicon.rs`), asked about a page's lines in one call (pure core,
no Beam): `gambling_vocabulary.evidence_lines` and `pharmacy.spam_lines` run their Python test on the lines it
answers "maybe" for."""

from __future__ import annotations

from collections.abc import Sequence

from transforms.core import _native

__all__ = ["maybe_lines"]


def maybe_lines(prefilter: _native.LexiconPrefilter, lines: Sequence[str]) -> list[bool]:
    """For each of `lines` (lines of a text: no line break in them), False when the lexicon's test finds nothing in
    it, True when it may. The lines go over lowercased (`str.lower`, as the tests read them), as one surrogatepass
    UTF-8 text."""
    if not lines:
        return []
    return prefilter.maybe_lines("\n".join(lines).lower().encode("utf-8", "surrogatepass"))
