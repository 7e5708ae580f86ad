"""Pure line-level cleaning rules (no Beam import): boilerplate line patterns, navigation runs, repeated
paragraphs, and the line keys used by the corpus-wide frequent-line pass.

A document is a list of lines (after `normalize_text`, one paragraph per non-empty line). `clean_lines` decides
for every line whether it stays, and if not, why (a stable `REASON_*` code). The decisions, in order:

1. Pattern rules, each on one line (C4-style, but narrowed so article sentences survive): javascript notices,
   cookie notices, short policy-link lines, lorem ipsum, "Back to top", copyright / rights notices, pipe- or
   bullet-separated link lists, lines without a single letter and fewer than 4 digits ("|", "-", "1", "* * *"),
   and links to related articles: a "read more" label in one of the shared pages' languages, alone or before a
   headline ("Read more: Tencent profit falls ...", "Lea también: ...", "Czytaj też: ..."; a sentence after the
   label stays). Measured on the AEB ground truth and the trafilatura evaluation snippets: no real text removed.
2. Repeated paragraphs: a line whose normalized key (casefolded, punctuation and whitespace folded) was already
   seen earlier in the document is a repeat; the first occurrence always stays. Repeats are removed by *runs*:
   a run of consecutive repeats goes when its total normalized length reaches `repeated_min_run_chars` (500, about 80 words), so
   a page that repeats its body (or one long paragraph) loses the copy, while short structural repeats stay: an
   interview asking each guest the same question, a recipe plan repeating "Drink during your workout", tweet
   attributions, a product's feature bullets. Those are real text (the AEB ground truth keeps them; removing them
   cost recall there) and the quality stage's repetition filters judge a page that is mostly such repeats.
   Lines whose key is shorter than `repeated_min_chars` never count as paragraphs ("Share", "|", "Q:").
   Near-identical (not exact) sentences said twice are `transforms/clean/near.py`'s `near_repeated_line`: the
   later of an isolated pair goes, series of alike lines stay.
3. Navigation runs: at the start and at the end of a document, a run of short lines (few words, no sentence
   or label punctuation at the end, not starting with a number, not a table row) of at least `nav_min_run` lines is a menu, a "Related / Most popular" block or a
   footer. Lines already removed by 1. or 2. do not break a run. Runs in the middle of a document are never
   touched (lists, ingredient lists, tables), and a document made only of short lines (a poem, a list page)
   keeps them all: there must be at least one longer line for a run to be navigation. The last line of a leading
   run, right before the first longer line, is kept when it has two words or more: it is likely the page's
   title ("Brexit explained"); one-word section labels before a title ("Society") still go.
4. Copyright notices are context rules: a line that matches the copyright pattern ("Copyright ©1999-2018
   Chinanews.com. All rights reserved.", "Reproduction in whole or in part without permission is prohibited.")
   goes only when it belongs to a header or footer block, i.e. its nearest non-blank neighbour was removed by
   another rule of 1. or by 3. (or is such a confirmed notice). A lone credit line next to article text stays
   ("© Reuters", a wire service's rights line closing the story): it is part of the article as published, and a
   site's recurring footer is caught by the corpus-wide frequent-line pass anyway.

How it runs: one call of the compiled extension (`native/src/lines.rs`) computes every line's features in one pass
over the text and its casefolded form: word counts, letters, digits, the end punctuation, the paragraph key's length
and its paragraph key, and which rules' trigger substrings (`_NEEDLES`) the line holds. The rules
then decide in Python from that table; a rule's regular expression only runs on the few lines that hold one of its
triggers. The corpus keys of the frequent-line pass come from the extension too (`corpus_line_keys`). Characters are
classified by CPython's own Unicode database, so the keys are exactly those of the `re`/`str` definitions below.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np
from courlan import extract_domain

from transforms.clean.near import near_repeats
from transforms.core import _native

__all__ = [
    "PATTERN_RULES",
    "REASON_BACK_TO_TOP",
    "REASON_COOKIE",
    "REASON_COPYRIGHT",
    "REASON_FREQUENT",
    "REASON_JAVASCRIPT",
    "REASON_LINK_LIST",
    "REASON_LOREM_IPSUM",
    "REASON_NAVIGATION",
    "REASON_NEAR_REPEATED",
    "REASON_NO_LETTERS",
    "REASON_POLICY",
    "REASON_RELATED",
    "REASON_REPEATED",
    "LineRules",
    "LineVerdicts",
    "clean_lines",
    "clean_text",
    "corpus_line_key",
    "corpus_line_keys",
    "frequent_line_entries",
    "hash32",
    "host_line_keys",
    "host_of",
    "line_keys",
    "line_rule_reason",
    "paragraph_key",
    "remove_frequent_lines",
]

REASON_JAVASCRIPT = "javascript_notice"
REASON_COOKIE = "cookie_notice"
REASON_POLICY = "policy_link"
REASON_LOREM_IPSUM = "lorem_ipsum"
REASON_BACK_TO_TOP = "back_to_top"
REASON_COPYRIGHT = "copyright_notice"
REASON_LINK_LIST = "link_list"
REASON_RELATED = "related_link"
REASON_NO_LETTERS = "no_letters"
REASON_NAVIGATION = "navigation_run"
REASON_REPEATED = "repeated_paragraph"
REASON_NEAR_REPEATED = "near_repeated_line"
REASON_FREQUENT = "frequent_line"

# The per-line pattern rules, in the order they are tried (the first match names the reason).
PATTERN_RULES: tuple[str, ...] = (
    REASON_NO_LETTERS,
    REASON_LOREM_IPSUM,
    REASON_JAVASCRIPT,
    REASON_COOKIE,
    REASON_BACK_TO_TOP,
    REASON_COPYRIGHT,
    REASON_POLICY,
    REASON_LINK_LIST,
    REASON_RELATED,
)

_I = re.IGNORECASE
_LOREM = re.compile(r"\blorem ipsum\b", _I)
_JS_WORD = re.compile(r"\bjava\s?script\b", _I)
_JS_NOTICE = re.compile(
    r"\b(enabled?|disabled?|turn(ed)? (it )?(on|off)|activate[ds]?|requires?|required|support(s|ed)?|"
    r"must|need(s|ed)?|please|browser|aktivieren|activer|habilitar)\b",
    _I,
)
_COOKIE = re.compile(
    r"\b(uses?|using|use of|accept(ing)?|store[sd]?|set(s|ting)?|place[sd]?|allow|block(ing)?|consent to)\b"
    r"[^.!?]{0,40}\bcookies?\b"
    r"|\bcookies?\b[^.!?]{0,20}\b(policy|policies|settings|preferences|consent|notice|banner)\b"
    r"|\b(verwendet|nutzt|utilise|utiliza|usa)\b[^.!?]{0,40}\bcookies\b",
    _I,
)
_POLICY = re.compile(
    r"\b(privacy (policy|notice|statement|settings)|terms (of|and|&) (use|service|conditions)|"
    r"terms & conditions|cookie policy|legal notice|impressum|datenschutz\w*|"
    r"nutzungsbedingungen|mentions l[ée]gales|aviso legal|pol[íi]tica de privacidad)\b",
    _I,
)
_BACK_TO_TOP = re.compile(
    r"^\W*(back to (the )?top|scroll to (the )?top|return to (the )?top|go to top|top of (the )?page|"
    r"nach oben|zur[üu]ck nach oben|retour en haut|volver arriba)\b",
    _I,
)
_COPYRIGHT = re.compile(
    r"^\W*(copyright|\(c\)|©)\s*(©|\(c\))?\s*\S*\s*\d{4}"
    r"|©"
    r"|\ball rights reserved\b|\balle rechte vorbehalten\b|\btous droits r[ée]serv[ée]s\b"
    r"|\btodos los derechos reservados\b|\btutti i diritti riservati\b"
    r"|\b(reproduction|redistribution|republication|reprinting|copying)\b[^.]{0,60}\bwithout\b[^.]{0,40}"
    r"\bpermission\b"
    r"|\bmay not be (reproduced|republished|redistributed|copied)\b",
    _I,
)
_COPYRIGHT_HINTS = (
    "©",
    "(c)",
    "copyright",
    "rights",
    "rechte",
    "droits",
    "derechos",
    "diritti",
    "permission",
    "may not be",
)
_LINK_SEPARATORS = re.compile(r"\s*[|•·»]\s*")
# The labels news sites put before a link to another of their articles, inside or under the article ("Read more:
# ...", "Lea también: ...", "Lesen Sie auch: ...", "Czytaj też: ..."), in the languages of the shared pages.
_RELATED_LABELS = (
    r"read (?:more|also|next)|also read|see also|related(?: (?:articles?|posts?|stor(?:y|ies)|content|reading))?|"
    r"recommended(?: reading)?|you (?:may|might) also like|don'?t miss|further reading|"
    r"lesen sie (?:auch|mehr)|auch interessant|das könnte sie auch interessieren|mehr zum thema|weiterlesen|"
    r"siehe auch|passend dazu|zum thema|weitere artikel|ebenfalls interessant|auch lesenswert|mehr dazu|"
    r"verwandte artikel|lesetipp|"
    r"lea (?:también|más)|lee (?:también|más)|lea|lee|(?:también )?(?:le|te) puede interesar|puede interesarle|"
    r"(?:te|le) recomendamos|puedes ver|ver también|véase también|mira(?: también)?|contenido relacionado|"
    r"(?:notas|noticias) relacionadas|artículos relacionados|"
    r"(?:à )?lire aussi|lire également|(?:à )?voir aussi|sur le même sujet|articles (?:similaires|liés)|"
    r"leia (?:também|mais)|veja (?:também|mais)|saiba mais|confira também|(?:notícias|matérias) relacionadas|"
    r"leggi anche|potrebbe interessarti|vedi anche|articoli correlati|lees (?:ook|meer)|zie ook|"
    r"czytaj (?:też|także|więcej)|zobacz (?:też|także)|przeczytaj (?:też|także|również)|polecamy"
)
# The label alone (a heading over related links), or the label, a separator and a headline: at most 25 words, no
# sentence break inside and no full stop at the end (headlines have none; "Mira: no es tan fácil." is a sentence).
_RELATED = re.compile(
    rf"^\W*(?:{_RELATED_LABELS})(?:\W*$|\s*(?::|»|>>|→|\||\s[-–—])\s*(?P<rest>.*)$)", _I
)
_SENTENCE_BREAK = re.compile(r"[.!?]\s+\S")
# The rest of this section's definitions live in the extension, where the line table is computed:
# - the paragraph key: casefolded, runs of characters that are not letters or digits ([\W_]+) folded to one space,
#   stripped (the corpus keys: decimal digits, \d, as "0");
# - `tokens`: len(line.split()); `words`: the tokens that hold a letter or digit (str.isalnum);
# - NO_LETTERS: no str.isalpha character and fewer than 4 str.isdigit ones; TERMINAL: the line ends with one of
#   .!?。！？…:："'”’»)] ; TABLE_ROW: starts and ends with "|"; FIRST_DIGIT: its first letter or digit is a digit.

# Substrings of the casefolded line without which a rule's pattern cannot match (one group per rule): its regular
# expression runs only on lines that hold one. The first four are the checks the rules always made; back_to_top
# and policy_link have one word of each alternative, chosen without the letters i, k and s, which IGNORECASE
# matches to characters that casefold to something else (ı, K, ſ): tests/test_native.py checks that property.
_NEEDLES: dict[str, tuple[str, ...]] = {
    REASON_LOREM_IPSUM: ("lorem",),
    REASON_JAVASCRIPT: ("script",),
    REASON_COOKIE: ("cookie",),
    REASON_COPYRIGHT: _COPYRIGHT_HINTS,
    REASON_BACK_TO_TOP: ("top", "oben", "haut", "arr"),
    REASON_POLICY: ("acy ", "term", "pol", "legal", "mpre", "daten", "nutzung", "ment"),
    REASON_LINK_LIST: tuple("|•·»"),
}
_NEEDLE_BIT = {reason: 1 << (_native.NEEDLE_SHIFT + g) for g, reason in enumerate(_NEEDLES)}
_ANALYZER = _native.LineAnalyzer([list(group) for group in _NEEDLES.values()])
# A line without one of these flags cannot match any pattern rule.
_CANDIDATE = _native.NO_LETTERS | sum(_NEEDLE_BIT.values())
_UTF8 = ("utf-8", "surrogatepass")
_DIGIT = re.compile(r"\d")  # repeated_ignore_digits
# Repeats are the article's own lines said twice: they never make a neighbouring copyright line part of a footer.
_NOT_ANCHORS = frozenset({REASON_REPEATED, REASON_NEAR_REPEATED})


@dataclass(frozen=True, slots=True)
class LineRules:
    """Thresholds of the line rules (the Beam config section `boilerplate` maps onto this)."""

    rules: frozenset[str] = frozenset(PATTERN_RULES) | {
        REASON_NAVIGATION,
        REASON_REPEATED,
        REASON_NEAR_REPEATED,
    }
    notice_max_words: int = 60
    policy_max_words: int = 15
    copyright_max_words: int = 40
    link_list_min_items: int = 4
    link_list_max_item_words: int = 4
    nav_max_words: int = 4
    nav_max_chars: int = 50
    nav_min_run: int = 3
    nav_keep_heading: bool = True
    repeated_min_chars: int = 20
    repeated_min_run_chars: int = 500
    repeated_ignore_digits: bool = False
    near_min_words: int = 6
    near_min_similarity: float = 0.8


@dataclass(slots=True)
class LineVerdicts:
    """The outcome of `clean_lines`: the kept lines and, per reason, the removed ones (in document order)."""

    kept: list[str] = field(default_factory=list)
    removed: dict[str, list[str]] = field(default_factory=dict)

    def count(self, *reasons: str) -> int:
        """Number of lines removed for the given reasons (all reasons when none is given)."""
        keys = reasons or tuple(self.removed)
        return sum(len(self.removed.get(r, ())) for r in keys)


def paragraph_key(line: str, ignore_digits: bool = False) -> str:
    """The normalized form used to compare lines: casefolded, punctuation/symbols/whitespace folded to one
    space, digits optionally folded to 0 (cc_net's normalization, without accent stripping)."""
    return _native.paragraph_key(line.casefold().encode(*_UTF8), ignore_digits).decode(*_UTF8)


class _LineTable:
    """The features of a document's lines (one list entry per line; see the module docstring)."""

    __slots__ = ("chars", "flags", "keys", "tokens", "words")

    def __init__(self, text: str) -> None:
        table = _ANALYZER.table(text.encode(*_UTF8), text.casefold().encode(*_UTF8))
        self.tokens, self.words, self.chars, self.keys, self.flags = table


def _is_link_list(line: str, rules: LineRules) -> bool:
    if not any(sep in line for sep in "|•·»"):
        return False
    if line.startswith("|") and line.endswith("|"):  # a table row as trafilatura writes tables
        return False
    items = [i for i in _LINK_SEPARATORS.split(line) if i.strip(" -")]
    if len(items) < rules.link_list_min_items:
        return False
    return all(len(i.split()) <= rules.link_list_max_item_words for i in items)


def _is_related_link(line: str) -> bool:
    m = _RELATED.match(line)
    if m is None:
        return False
    rest = (m.group("rest") or "").rstrip(" )]")
    return not rest or (len(rest.split()) <= 25 and not rest.endswith(".") and not _SENTENCE_BREAK.search(rest))


def line_rule_reason(line: str, rules: LineRules) -> str | None:
    """The reason a single (stripped, non-empty) line is boilerplate by the pattern rules, or None."""
    table = _LineTable(line)
    if len(table.flags) != 1:
        raise ValueError("a line holds no line break")
    return _rule_reason(line, table.tokens[0], table.flags[0], rules)


def _rule_reason(line: str, n_words: int, flags: int, rules: LineRules) -> str | None:
    """`line_rule_reason` from the line's table entry: a regular expression runs only when its trigger is there."""
    enabled = rules.rules
    bit = _NEEDLE_BIT
    for reason in PATTERN_RULES:
        if reason not in enabled:
            continue
        if reason == REASON_NO_LETTERS:
            # "|", "-", "* * *", a page or comment count; phone numbers, years and times (4+ digits) stay
            if flags & _native.NO_LETTERS:
                return reason
        elif reason == REASON_RELATED:
            break  # the last rule: after the loop
        elif not flags & bit[reason]:
            continue
        elif reason == REASON_LOREM_IPSUM:
            if _LOREM.search(line):
                return reason
        elif reason == REASON_JAVASCRIPT:
            if n_words <= rules.notice_max_words and _JS_WORD.search(line) and _JS_NOTICE.search(line):
                return reason
        elif reason == REASON_COOKIE:
            if n_words <= rules.notice_max_words and _COOKIE.search(line):
                return reason
        elif reason == REASON_BACK_TO_TOP:
            if n_words <= 30 and _BACK_TO_TOP.search(line):
                return reason
        elif reason == REASON_COPYRIGHT:
            if n_words <= rules.copyright_max_words and _COPYRIGHT.search(line):
                return reason
        elif reason == REASON_POLICY:
            if n_words <= rules.policy_max_words and _POLICY.search(line):
                return reason
        elif reason == REASON_LINK_LIST and _is_link_list(line, rules):
            return reason
    if REASON_RELATED in enabled and n_words <= 30 and _is_related_link(line):  # the last rule, no trigger
        return REASON_RELATED
    return None


def _is_short(table: _LineTable, i: int, rules: LineRules) -> bool:
    """A menu-like line: few words, no sentence or label punctuation at the end, not data. Lines whose first
    letter or digit is a digit ("400 g", "390 kcal", "26899 Rhede", "2. Step", a poll's "- %165 votes") are quantities,
    addresses, steps or results, and table rows are tables: menus are made of words."""
    if table.chars[i] > rules.nav_max_chars or table.words[i] > rules.nav_max_words:
        return False
    return not table.flags[i] & (_native.TERMINAL | _native.TABLE_ROW | _native.FIRST_DIGIT)


def _mark_navigation(
    lines: Sequence[str], table: _LineTable, reasons: list[str | None], rules: LineRules
) -> None:
    """Mark runs of short lines that touch the start or the end of the document (see module docstring). A link to a
    related article ("Related", "Read more: ...") removed by its own rule still belongs to the menu or footer block
    it sits in: it counts toward a run (and keeps its reason)."""
    candidates = [i for i, r in enumerate(reasons) if lines[i] and (r is None or r == REASON_RELATED)]
    short = {i for i in candidates if reasons[i] is not None or _is_short(table, i, rules)}
    if len(short) == len(candidates):  # no prose anchor: a list or a poem, not a page with a menu
        return
    for leading, ordered in ((True, candidates), (False, candidates[::-1])):
        run: list[int] = []
        for i in ordered:
            if i not in short:
                break
            run.append(i)
        if len(run) < rules.nav_min_run:
            continue
        if leading and rules.nav_keep_heading and reasons[run[-1]] is None and table.words[run[-1]] >= 2:
            run.pop()  # the line just before the first longer line is likely the page's (short) title
        for i in run:
            if reasons[i] is None:
                reasons[i] = REASON_NAVIGATION


def _mark_repeats(keys: Sequence[str], reasons: list[str | None], rules: LineRules) -> None:
    """Mark repeated paragraphs: runs of consecutive repeats (blank and already-removed lines do not break a run)
    whose total normalized length reaches `repeated_min_run_chars`; the first occurrences stay. `keys` are the
    lines' `paragraph_key`s ("" for blank lines)."""
    seen: set[str] = set()
    run: list[int] = []
    run_chars = 0

    def close() -> None:
        if run and run_chars >= rules.repeated_min_run_chars:
            for j in run:
                reasons[j] = REASON_REPEATED
        run.clear()

    for i, key in enumerate(keys):
        if reasons[i] is not None or not key:
            continue
        if rules.repeated_ignore_digits:
            key = _DIGIT.sub("0", key)
        if len(key) >= rules.repeated_min_chars and key in seen:
            run.append(i)
            run_chars += len(key)
            continue
        close()
        run_chars = 0
        if len(key) >= rules.repeated_min_chars:
            seen.add(key)
    close()


def _confirm_copyright(lines: Sequence[str], reasons: list[str | None]) -> None:
    """Keep the copyright candidates that are not part of a header or footer block (see module docstring).

    A candidate is confirmed when its nearest non-blank neighbour on either side was removed by another pattern
    rule or as navigation, or is a confirmed candidate (so a two-line notice next to a footer menu goes whole).
    A lone credit next to article text ("© Reuters" under a photo, a wire service's "© 2019 Associated Press.
    All Rights Reserved..." closing the story) stays: article-extraction ground truth counts those lines as text,
    and a site's recurring footer is also caught by the corpus-wide frequent-line pass."""
    order = [i for i, line in enumerate(lines) if line]
    pending = {k for k, i in enumerate(order) if reasons[i] == REASON_COPYRIGHT}
    if not pending:
        return

    def anchor(k: int) -> bool:
        r = reasons[order[k]] if 0 <= k < len(order) else None
        return r is not None and r not in _NOT_ANCHORS and k not in pending

    todo = [k for k in pending if anchor(k - 1) or anchor(k + 1)]
    while todo:
        k = todo.pop()
        if k not in pending:
            continue
        pending.discard(k)  # confirmed: it now anchors its candidate neighbours
        todo.extend(j for j in (k - 1, k + 1) if j in pending)
    for k in pending:
        reasons[order[k]] = None


def clean_lines(lines: Sequence[str], rules: LineRules) -> LineVerdicts:
    """Decide, for each line of one document, keep or remove (with a reason). Blank lines are kept as they are."""
    return _clean(lines, "\n".join(lines), rules)


def clean_text(text: str, rules: LineRules) -> LineVerdicts:
    """`clean_lines` of a text's lines (split on "\n")."""
    return _clean(text.split("\n"), text, rules)


def _clean(lines: Sequence[str], text: str, rules: LineRules) -> LineVerdicts:
    table = _LineTable(text)
    if len(table.flags) != len(lines):
        raise ValueError("a line holds no line break")
    reasons: list[str | None] = [None] * len(lines)
    candidate = _CANDIDATE
    related = REASON_RELATED in rules.rules
    for i, (n_words, flags) in enumerate(zip(table.tokens, table.flags, strict=True)):
        if not lines[i]:
            continue
        if flags & candidate:
            reasons[i] = _rule_reason(lines[i], n_words, flags, rules)
        elif related and n_words <= 30 and _is_related_link(lines[i]):  # the only rule without a trigger
            reasons[i] = REASON_RELATED
    keys = table.keys
    if REASON_REPEATED in rules.rules:
        _mark_repeats(keys, reasons, rules)
    if REASON_NEAR_REPEATED in rules.rules:
        eligible = [bool(key) and reason is None for key, reason in zip(keys, reasons, strict=True)]
        for i in near_repeats(lines, keys, eligible, rules.near_min_words, rules.near_min_similarity):
            reasons[i] = REASON_NEAR_REPEATED
    if REASON_NAVIGATION in rules.rules:
        _mark_navigation(lines, table, reasons, rules)
    _confirm_copyright(lines, reasons)
    out = LineVerdicts()
    for line, reason in zip(lines, reasons, strict=True):
        if reason is None:
            out.kept.append(line)
        else:
            out.removed.setdefault(reason, []).append(line)
    return out


# --- corpus-wide frequent lines: keys shared by the counting pass and the removal pass -----------------------
#
# Every line whose normalized form (digits folded to 0) has at least `min_chars` characters gets a corpus key
# (even int64: BLAKE2b-64 of the form). Its host key (odd int64) is a fixed mix of the corpus key and a 32-bit
# hash of the page's host, so the decide phase can derive it from the small (line key, host hash, text hash)
# records alone, in NumPy, without ever seeing a host name or a line.

_MIX_A = np.uint64(0x9E3779B97F4A7C15)
_MIX_B = np.uint64(0xBF58476D1CE4E5B9)
_MIX_C = np.uint64(0x94D049BB133111EB)


def host_of(url: str | None) -> str | None:
    """The site of a URL for the frequent-line pass: its registered domain (courlan, on the Public Suffix List
    bundled with `tld`: news.example.co.uk and www.example.co.uk are example.co.uk, so a farm of spam subdomains
    counts as one site; foo.blogspot.com stays itself), else its host (an IP address, a single-label name), or
    None without one."""
    if not url:
        return None
    try:
        domain = extract_domain(url)
        host = domain or urlsplit(url).hostname
    except ValueError:
        return None
    return host.lower().removeprefix("www.") if host else None


def hash32(value: str) -> int:
    """A 32-bit hash (BLAKE2b) of a host name or a document text: the values whose distinct count is taken."""
    digest = hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=4).digest()
    return int.from_bytes(digest, "big")


_NO_KEY = 1  # what `corpus_line_keys` gives a line without a key (corpus keys are even)


def corpus_line_keys(text: str, min_chars: int) -> list[int]:
    """The corpus key of every line of `text` (split on "\n"): BLAKE2b-64 (big-endian, signed) of "c\\0", the
    line's paragraph key with digits folded to 0 and "\\0", lowest bit cleared; `_NO_KEY` (odd) for lines whose
    key is shorter than `min_chars`."""
    return _native.corpus_line_keys(text.casefold().encode(*_UTF8), min_chars)


def corpus_line_key(line: str, min_chars: int) -> int | None:
    """The corpus key of a line (even), or None for lines shorter than `min_chars` once normalized."""
    keys = corpus_line_keys(line, min_chars)
    if len(keys) != 1:
        raise ValueError("a line holds no line break")
    return None if keys[0] == _NO_KEY else keys[0]


def host_line_keys(corpus_keys: np.ndarray, host32: np.ndarray | int) -> np.ndarray:
    """The host keys (odd int64) of corpus keys on a host: splitmix64 of the corpus key xor the mixed host hash."""
    with np.errstate(over="ignore"):
        z = corpus_keys.astype(np.int64).view(np.uint64) ^ (np.asarray(host32, dtype=np.uint64) * _MIX_A)
        z = (z ^ (z >> np.uint64(30))) * _MIX_B
        z = (z ^ (z >> np.uint64(27))) * _MIX_C
        z = z ^ (z >> np.uint64(31))
    return z.view(np.int64) | 1


def line_keys(line: str, host: str | None, min_chars: int) -> tuple[int, ...]:
    """The frequent-pass keys of one line: its corpus key and, when the host is known, its host key."""
    corpus = corpus_line_key(line, min_chars)
    if corpus is None:
        return ()
    if host is None:
        return (corpus,)
    return (corpus, int(host_line_keys(np.array([corpus], dtype=np.int64), hash32(host))[0]))


def frequent_line_entries(text: str, host: str | None, min_chars: int) -> tuple[np.ndarray, int, int]:
    """(distinct corpus keys of the document's lines, host hash, text hash): what the counting pass needs.

    The counting pass counts distinct hosts per corpus key and distinct texts per (corpus key, host). A document
    without a host counts as its own host (its host hash is its text hash)."""
    keys = set(corpus_line_keys(text, min_chars))
    keys.discard(_NO_KEY)
    text32 = hash32(text)
    host32 = hash32(host) if host else text32
    return np.array(sorted(keys), dtype=np.int64), host32, text32


def remove_frequent_lines(
    text: str, frequent: Collection[int], host: str | None, min_chars: int
) -> tuple[list[str], list[str]]:
    """Split a document's lines into (kept, removed) by membership of their keys (`line_keys`) in `frequent`."""
    corpus = corpus_line_keys(text, min_chars)
    hosted = (
        host_line_keys(np.array(corpus, dtype=np.int64), hash32(host)).tolist() if host is not None else None
    )
    kept: list[str] = []
    removed: list[str] = []
    for i, line in enumerate(text.split("\n")):
        key = corpus[i]
        if line and key != _NO_KEY and (key in frequent or (hosted is not None and hosted[i] in frequent)):
            removed.append(line)
        else:
            kept.append(line)
    return kept, removed


def join_lines(lines: Iterable[str]) -> str:
    """Join kept lines, collapsing the blank runs that removals leave behind and trimming the ends."""
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
