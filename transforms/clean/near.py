"""Near-identical lines inside one document (pure, no Beam import): the `near_repeated_line` rule.

A page often carries the same boilerplate sentence twice in slightly different words: a "report an error" notice
in its desktop and its mobile variant, a caption repeated under a gallery with the credit appended, a teaser of the
first paragraph above the paragraph itself. Exact repeats (after `paragraph_key`'s folding) are the
`repeated_paragraph` rule's business; this rule finds the near ones and removes the later line of each pair, so that
the quality stage's repetition statistics (duplicate lines, duplicate n-grams) judge the article and not its
doubled boilerplate.

Near-identical lines are far more often real content than boilerplate: table rows and list items that differ in one
cell ("Shot Speed – User ..." / "Shot Speed – CPU ..."), an FAQ asking the same question for two services, a recipe
card repeating steps, results differing in numbers. Measured on the real pages of ../shared/data (AEB and the
trafilatura evaluation pages: 1,162 documents with ground truth), pairs of near-identical lines whose two members
both belong to the article are the rule. So a pair is collapsed only when it looks like a doubled sentence:

- both lines hold at least `near_min_words` words (a sentence, not a label, a name or a URL);
- neither is a list item or a table row (structured content, where near-identical items are data);
- their character 5-gram sets have a Jaccard similarity of at least `near_min_similarity`, and their normalized
  keys differ in more than digits (an exact repeat is `repeated_paragraph`'s; a difference in numbers is data);
- the pair is isolated: neither line is even loosely alike (half of their words in common) to a third line of the
  document. A series of alike lines is a list, a table or a template the page is made of: an interview asking each
  guest the same question, an FAQ answering the same questions for several services (where two answers may be
  word for word the same). Lines opening with the same three words as two other lines are a series as well.

With these, the 1,162 pages lose 13 lines (a summary or teaser above its paragraph, a doubled title, a doubled
cookie notice, a forum post quoting the one above), no "with" snippet of the trafilatura evaluation, and on the AEB
ground truth one word (the later copy's "as" for the earlier "with"). At a similarity of 0.7 twice as many lines go,
among them FAQ answers, shell commands and headings of a comparison (`tests/test_near_repeats.py` holds the exact
lines of the default).

Cost is bounded per document, never quadratic: a line's candidates are the earlier lines sharing one of its three
longest words (a dictionary lookup each), at most 32 per word, checked first on their word sets
and only then on their 5-gram sets (built for those lines only). It runs in the compiled extension
(`native/src/near.rs`): 0.1 ms per page of the shared bench, where Python's sets and dictionaries took 0.28.
"""

from __future__ import annotations

from collections.abc import Sequence

from transforms.core import _native

__all__ = ["near_repeats"]

# The constants of the rule (native/src/near.rs): 5-character shingles (one or two changed words in a sentence
# keep most of them); a line's candidates share one of its 3 longest words (long words are rare words), at most 32
# earlier lines per word; lines whose word sets have a Jaccard similarity of at least 0.5 are alike (also the cheap
# pre-check before the 5-gram sets are built), and a line alike to two others is in a series, as are lines opening
# with the same 3 words as two others; list items are lines starting with one of "- ", "• ", "* ", "· ", "– ",
# "— ", "|", or with a digit, "." or ")" in the first 4 characters and a space in the first 5.
_UTF8 = ("utf-8", "surrogatepass")


def near_repeats(
    lines: Sequence[str],
    keys: Sequence[str],
    eligible: Sequence[bool],
    min_words: int,
    min_similarity: float,
) -> list[int]:
    """Indices of the lines to remove: the later line of each isolated near-identical pair (see module docstring).

    `keys` are the lines' `paragraph_key`s (digits kept); `eligible[i]` is False for blank lines and for lines
    another rule already removed. A line's words are its own (`line.split()`: a URL is one word, whatever its key)."""
    text = "\n".join(lines).encode(*_UTF8)
    return _native.near_repeats(text, list(keys), list(eligible), min_words, min_similarity)
