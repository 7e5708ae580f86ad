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
longest words (a dictionary lookup each), at most `_MAX_CANDIDATES` per word, checked first on their word sets
and only then on their 5-gram sets (built for those lines only). 0.25 ms per document on those pages, one core.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

__all__ = ["near_repeats"]

_SHINGLE = 5  # characters per shingle: one or two changed words in a sentence keep most 5-grams
_SIGNATURE_WORDS = 3  # a line's candidates share one of its longest words (long words are rare words)
_MAX_CANDIDATES = 32  # earlier lines examined per signature word: bounds the work on pages of similar lines
# Lines whose word sets have at least this Jaccard similarity are alike; a line alike to two others is part of a
# series (an FAQ repeating its questions, table-like sentences) and never collapsed. Also the cheap pre-check
# before the 5-gram sets are built.
_SERIES_WORD_JACCARD = 0.5
# Lines opening with the same words as two others are a series too: an FAQ repeating its questions for several
# services, a table flattened into sentences, a page of "Vote for X on the last page!" lines.
_OPENING_WORDS = 3
_SERIES_OPENINGS = 3
_LIST_MARKERS = ("- ", "• ", "* ", "· ", "– ", "— ", "|")


def _shingles(key: str) -> frozenset[str]:
    return frozenset(key[i : i + _SHINGLE] for i in range(max(1, len(key) - _SHINGLE + 1)))


def _structured(line: str) -> bool:
    """A list item or a table row as trafilatura writes them ("- item", "| a | b |", "1. step")."""
    if line.startswith(_LIST_MARKERS):
        return True
    head = line[:4]
    return head[:1].isdigit() and any(c in head for c in ".)") and " " in line[:5]


def near_repeats(
    lines: Sequence[str],
    keys: Sequence[str],
    eligible: Sequence[bool],
    min_words: int,
    min_similarity: float,
) -> list[int]:
    """Indices of the lines to remove: the later line of each isolated near-identical pair (see module docstring).

    `keys` are the lines' `paragraph_key`s (digits kept); `eligible[i]` is False for blank lines and for lines
    another rule already removed."""
    cands = [i for i, ok in enumerate(eligible) if ok and not _structured(lines[i])]
    # the line's own words: a URL is one word, whatever its key
    cands = [i for i in cands if len(lines[i].split()) >= min_words]
    if len(cands) < 2:
        return []
    opening = {i: _opening(keys[i]) for i in cands}
    openings = Counter(opening.values())
    words: dict[int, frozenset[str]] = {}
    index: dict[str, list[int]] = {}
    similar: dict[int, list[int]] = {}  # loosely similar lines (word sets): a line with two is in a series
    near: list[tuple[int, int]] = []  # (earlier, later) pairs that pass the 5-gram test
    shingles: dict[int, frozenset[str]] = {}
    for i in cands:
        if openings[opening[i]] >= _SERIES_OPENINGS:
            continue
        key = keys[i]
        distinct = dict.fromkeys(key.split())  # in line order: ties between equally long words go by position
        ws = frozenset(distinct)
        candidates: set[int] = set()
        for w in sorted(distinct, key=len)[-_SIGNATURE_WORDS:]:
            seen = index.setdefault(w, [])
            candidates.update(seen[-_MAX_CANDIDATES:])
            seen.append(i)
        words[i] = ws
        for c in sorted(candidates):
            wc = words[c]
            inter = len(ws & wc)
            if inter < _SERIES_WORD_JACCARD * (len(ws) + len(wc) - inter):
                continue
            similar.setdefault(c, []).append(i)
            similar.setdefault(i, []).append(c)
            if key == keys[c] or len(similar[c]) > 1 or len(similar[i]) > 1:
                continue
            a = shingles.get(c) or shingles.setdefault(c, _shingles(keys[c]))
            b = shingles.get(i) or shingles.setdefault(i, _shingles(key))
            common = len(a & b)
            if common >= min_similarity * (len(a) + len(b) - common):
                near.append((c, i))
    return [
        later
        for earlier, later in near
        if len(similar[earlier]) == 1
        and len(similar[later]) == 1
        and _fold_digits(keys[earlier]) != _fold_digits(keys[later])
    ]


def _opening(key: str) -> str:
    return " ".join(key.split(" ", _OPENING_WORDS)[:_OPENING_WORDS])


def _fold_digits(key: str) -> str:
    return "".join("0" if c.isdigit() else c for c in key)
