"""Banned words glued to other words in a URL: "freejizz.org", "/hotcreampievideos" (pure core, no Beam).

datatrove splits a URL into words only at non-alphanumeric characters, so a banned word written together with
ordinary words passes it; such URLs are common on adult sites. A token of the URL (a run of letters) that is not
itself an English word and contains a banned word is split into English words, the way a reader would: into
the fewest words, every one of at least three letters, and among splits of as many words the one whose words
are the most frequent. The URL is blocked when that split holds a banned word of at least four letters ("free"
"jizz", "hot" "creampie" "videos").

Words and names that merely contain a banned word never count:
- a token that is itself a word of the list is not split ("middlesex", "cocktail", "therapist", "analytics");
- the fewest-words split wins over a longer one that shows a banned word ("therapist" "finder", not "the"
  "rapist" "finder"; "experts" "exchange", not "expert" "sex" "change");
- a token the list cannot split entirely is left alone ("scunthorpe", "twatt", "homosassa", "clitheroe");
- banned words with a common innocent sense are not looked for inside tokens (`INNOCENT_SENSE`: "cock" as in
  cockburn and hitchcock, "tits" as in bluetits, "hooker", "sucking", "fingering" ...); as whole words they
  still block.
The word list is wordfreq's small English list (28,917 words with a frequency of at least 1e-6, inside its
wheel: nothing is downloaded; 2.5 MB per process, read in milliseconds) with the banned and soft-banned words
added; only tokens that contain a banned word (one Aho-Corasick pass) are split, so ordinary URLs cost one scan.
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick

from transforms.core.wordlists import wordfreq_bins

__all__ = ["INNOCENT_SENSE", "CompoundWords"]

# Banned words looked for as whole words only, never inside a token: ordinary English words with a sense that has
# nothing to do with their listing (a rooster, a bird, a rugby position, a guitar technique, a tool, a surname),
# and words that begin or end common innocent words (spic: spice, spicers; paki: pakistan; poon: spoon; scat:
# scatter; milf: milford; twink: twinkle; cumming: cummings; cock: cocktail, hancock).
INNOCENT_SENSE = frozenset({
    "cock", "cocks", "tits", "hooker", "sucking", "stroking", "fingering", "bondage", "vibrator", "bollocks",
    "boner", "kinky", "grope", "swinger", "undressing", "humping", "rimming", "pegging", "shrimping", "scissoring",
    "throating", "knobbing", "eunuch", "dommes", "pissing", "figging", "santorum", "twinkie",
    "spic", "paki", "poon", "scat", "milf", "twink", "cumming",
})  # fmt: skip
_MIN_PART = 3  # letters of every word of a split
_MIN_BANNED = 4  # letters of a banned word found inside a token ("xxx" too, which no innocent word holds)
_MIN_TOKEN = 6


class CompoundWords:
    """`find(tokens)`: the first banned word that a glued token of `tokens` splits into, with that token."""

    def __init__(self, banned: Iterable[str], soft: Iterable[str]) -> None:
        # wordfreq's English list, read without importing wordfreq (`transforms.core.wordlists`): bin i holds the
        # words of frequency 10^(-i/100), and a word's cost is i, in centibels.
        bins = wordfreq_bins("small_en")
        self._cost: dict[str, int] = {w: i for i, words in enumerate(bins) for w in words if w.isalpha()}
        floor = 700  # a listed word the English list lacks: frequency 1e-7, below every word of the list
        self._added = frozenset(
            w for w in (*banned, *soft) if w.isalpha() and len(w) >= _MIN_PART and w not in self._cost
        )  # fmt: skip
        for w in self._added:
            self._cost[w] = floor
        self._longest = max(map(len, self._cost))
        self._banned = frozenset(
            w for w in banned
            if w.isalpha() and (len(w) >= _MIN_BANNED or w == "xxx") and w not in INNOCENT_SENSE
        )  # fmt: skip
        automaton = ahocorasick.Automaton()
        for w in self._banned:
            automaton.add_word(w, w)
        automaton.make_automaton()
        self._automaton = automaton

    def split(self, token: str) -> list[str] | None:
        """The fewest words (each >= 3 letters, in the list), then the most frequent, that make `token`; None if
        no such split exists."""
        n = len(token)
        best: list[tuple[int, int, int] | None] = [None] * (n + 1)  # (words, cost, start of the last word)
        best[0] = (0, 0, 0)
        cost = self._cost
        for end in range(_MIN_PART, n + 1):
            here = None
            for start in range(max(0, end - self._longest), end - _MIN_PART + 1):
                prev = best[start]
                if prev is None:
                    continue
                c = cost.get(token[start:end])
                if c is None:
                    continue
                cand = (prev[0] + 1, prev[1] + c, start)
                if here is None or cand[:2] < here[:2]:
                    here = cand
            best[end] = here
        if best[n] is None:
            return None
        parts = []
        end = n
        while end > 0:
            start = best[end][2]  # type: ignore[index]
            parts.append(token[start:end])
            end = start
        return parts[::-1]

    def find(self, tokens: Iterable[str]) -> tuple[str, str] | None:
        """Candidates are tried in sorted order, so that the answer does not depend on the order of `tokens` (a
        set's follows the process's str hashes); only the few tokens that hold a banned word are sorted."""
        candidates = sorted(
            t for t in tokens
            if len(t) >= _MIN_TOKEN and t.isalpha() and not (t in self._cost and t not in self._added)
            and next(self._automaton.iter(t), None) is not None
        )  # fmt: skip
        for token in candidates:
            parts = self.split(token)
            if parts is None:
                continue
            for p in parts:
                if p in self._banned:
                    return p, token
        return None
