"""Text normalization: Unicode NFC, mojibake repair (ftfy), control characters, whitespace, blank lines.

The pure core is `normalize_text(text, cfg)`; `NormalizeText(cfg)` is the Beam stage ("normalize"). After it,
a document is a sequence of paragraphs, one per non-empty line (and at most `max_blank_lines` blank lines between
them, 0 by default), with single spaces inside lines and no leading or trailing whitespace on any line.

Cost: plain-ASCII text cannot hold mojibake or non-NFC sequences, so it skips NFC and ftfy entirely; text whose
only non-ASCII characters are general punctuation (curly quotes, dashes) or CJK gets NFC only (mojibake always
holds Latin-1, Latin Extended, Greek, Cyrillic or box-drawing characters); everything else gets what one
`ftfy.fix_text` call with the options below gives, by the cheapest path that gives the same string (`_ftfy`):
NFC alone for most pages. The checks that choose the path (ftfy's own badness expression, translated for Rust's
`regex` crate, and the characters its fixers change) and the character passes after ftfy (control characters,
horizontal whitespace, stripping lines, blank lines) run in the compiled extension (`native/src/normalize.rs`),
one pass over the text each.
"""

from __future__ import annotations

import functools
import re
import re._constants as _sre
import re._parser as _sre_parse
import unicodedata

import apache_beam as beam
import ftfy
import ftfy.badness
import ftfy.chardata
import pyarrow as pa
from pydantic import Field

from transforms.core import Doc, Dropped, Section, StageFn, StageOutputs, _native, apply_stage

__all__ = [
    "COLUMNS",
    "REASON_EMPTY_AFTER_NORMALIZE",
    "STAGE",
    "NormalizeConfig",
    "NormalizeFn",
    "NormalizeText",
    "normalize_text",
]

STAGE = "normalize"
COLUMNS: list[pa.Field] = []  # normalization changes `text` and `title` only; it adds no column
REASON_EMPTY_AFTER_NORMALIZE = "empty_after_normalize"

# Line breaks other than \n (CR, CRLF, VT, FF, NEL, LINE/PARAGRAPH SEPARATOR) become \n.
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_LINE_BREAK_CHARS = "\r\x0b\x0c\x85\u2028\u2029"  # `in` finds each with memchr: most texts hold none
# Done by the extension (`_native.tidy_text`), in this order:
# - C0/C1 controls except \t and \n, and invisible format characters that carry no meaning in running text (soft
#   hyphen, zero-width space, word joiner, BOM, bidi embeddings and isolates) are removed: [\x00-\x08\x0e-\x1f
#   \x7f-\x84\x86-\x9f\u00ad\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]. ZWJ/ZWNJ stay: scripts and emoji need them.
# - Runs of horizontal whitespace (tab, space, NBSP, the Unicode space separators: [\t \u00a0\u1680\u2000-\u200a
#   \u202f\u205f\u3000]) become one space; no run crosses a line break.
# - Every line is stripped (str.strip) and blank lines are dropped, at most `max_blank_lines` kept between two lines.
# Characters that can never be part of mojibake: mis-decoded UTF-8 always yields Latin-1/Latin Extended, Greek,
# Cyrillic or box-drawing characters (the lead bytes), so a text whose non-ASCII characters are all general
# punctuation (curly quotes, dashes, ellipsis) or CJK / Hangul / full-width forms has nothing for ftfy to repair.
_MOJIBAKE_POSSIBLE = re.compile(r"[^\x00-\x7f\u2000-\u206f\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]")
_UTF8 = ("utf-8", "surrogatepass")


class NormalizeConfig(Section):
    """Section `normalize`: how text is normalized before language identification and the quality stages."""

    nfc: bool = Field(True, description="Apply Unicode NFC composition (skipped for pure-ASCII text).")
    fix_mojibake: bool = Field(
        True,
        description="Repair mojibake and broken encodings with ftfy (UTF-8 read as Latin-1/cp1252 and similar; "
        "GBK-as-UTF-8 damage is not repairable and is left to the language stages).",
    )
    fix_latin_ligatures: bool = Field(
        True, description="With fix_mojibake: replace ligatures such as 'ﬁ' by 'fi'."
    )
    remove_control_chars: bool = Field(
        True, description="Remove control and invisible format characters (keeps \\n, \\t, ZWJ and ZWNJ)."
    )
    collapse_whitespace: bool = Field(
        True, description="Collapse runs of spaces, tabs and Unicode spaces inside a line into one space."
    )
    strip_lines: bool = Field(True, description="Strip leading and trailing whitespace of every line.")
    max_blank_lines: int = Field(
        0, ge=0, description="Blank lines kept between paragraphs (0: one paragraph per non-empty line)."
    )


def _rust_regex(pattern: re.Pattern[str]) -> str:
    r"""A Python expression in the syntax of Rust's `regex` crate, from `re`'s own parse of it (so it means what
    Python reads, VERBOSE whitespace and all): every character escaped as `\x{...}`, `.` as "not \n", `^` as the
    start of the text, and Python's `\w` and `\s` as `<W>` and `<S>` inside a class, which the extension spells
    out from CPython's Unicode database (the crate's own `\w` and `\s` differ from Python's). Raises ValueError on
    what it does not know; the flags must be those of a plain case-sensitive str pattern."""
    if pattern.flags & ~(re.UNICODE | re.VERBOSE):
        raise ValueError(f"unsupported flags {pattern.flags!r}")
    categories = {
        _sre.CATEGORY_WORD: "<W>",
        _sre.CATEGORY_SPACE: "<S>",
        _sre.CATEGORY_NOT_WORD: "[^<W>]",
        _sre.CATEGORY_NOT_SPACE: "[^<S>]",
    }

    def char(c: int) -> str:
        return f"\\x{{{c:X}}}"

    def seq(items: list) -> str:
        out = []
        for op, av in items:
            if op is _sre.LITERAL:
                out.append(char(av))
            elif op is _sre.NOT_LITERAL:
                out.append(f"[^{char(av)}]")
            elif op is _sre.ANY:
                out.append("[^\\n]")
            elif op is _sre.AT and av in (_sre.AT_BEGINNING, _sre.AT_BEGINNING_STRING):
                out.append("\\A")
            elif op is _sre.IN:
                parts = []
                for iop, iav in av:
                    if iop is _sre.NEGATE:
                        parts.append("^")
                    elif iop is _sre.LITERAL:
                        parts.append(char(iav))
                    elif iop is _sre.RANGE:
                        parts.append(f"{char(iav[0])}-{char(iav[1])}")
                    elif iop is _sre.CATEGORY and iav in categories:
                        parts.append(categories[iav])
                    else:
                        raise ValueError(f"unsupported class item {iop} {iav}")
                out.append("[" + "".join(parts) + "]")
            elif op is _sre.BRANCH:
                out.append("(?:" + "|".join(seq(list(b)) for b in av[1]) + ")")
            elif op is _sre.SUBPATTERN and not av[1] and not av[2]:
                out.append("(?:" + seq(list(av[3])) + ")")
            elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
                lo, hi, sub = av
                bound = f"{{{lo},}}" if hi is _sre.MAXREPEAT else f"{{{lo},{hi}}}"
                out.append("(?:" + seq(list(sub)) + ")" + bound + ("?" if op is _sre.MIN_REPEAT else ""))
            else:
                raise ValueError(f"unsupported {op} {av}")
        return "".join(out)

    return seq(list(_sre_parse.parse(pattern.pattern, pattern.flags)))


def _ranges(codepoints: object) -> list[tuple[int, int]]:
    return [(c, c) for c in sorted(codepoints)]  # type: ignore[call-overload]


_BAD_REACH = 7  # ftfy 6.3.1: its badness alternatives are at most 7 characters long, each with a non-ASCII one
# What `_ftfy` asks before choosing its path, in one pass of the extension (`native/src/normalize.rs`):
# MAYBE_BAD, when ftfy's badness expression may match (see `_ftfy`); HAS_LIGATURE and HAS_CONTROL, a character
# ftfy's ligature or control-character fixer changes (`str.translate` tables); HAS_OTHER_FIX, one that its other
# fixers on that path change: C1 controls (fix_c1_controls), ESC (remove_terminal_escapes), the line breaks of
# fix_line_breaks, surrogates (fix_surrogates).
@functools.cache
def _scan() -> _native.MojibakeScan:
    """The scan, built once per process (spelling out Python's \\w and \\s takes 20-40 ms): by the stage's
    `setup` in a worker, before any record; the launcher, which never normalizes, never builds it."""
    return _native.MojibakeScan(
        _rust_regex(ftfy.badness.BADNESS_RE),
        _ranges(ftfy.chardata.LIGATURES),
        _ranges(ftfy.chardata.CONTROL_CHARS),
        [(0x80, 0x9F), (0x1B, 0x1B), (0x0D, 0x0D), (0x85, 0x85), (0x2028, 0x2029), (0xD800, 0xDFFF)],
        _BAD_REACH,
    )


@functools.lru_cache(maxsize=16)
def _fixer(ligatures: bool, controls: bool, nfc: bool, encoding: bool) -> ftfy.TextFixerConfig:
    return ftfy.TextFixerConfig(
        unescape_html=False,  # extraction already unescaped; a literal "&amp;" in text is content
        fix_encoding=encoding,
        fix_character_width=False,  # keeps CJK full-width punctuation as written
        uncurl_quotes=False,  # curly quotes are legitimate text
        fix_latin_ligatures=ligatures,
        remove_control_chars=controls,
        normalization="NFC" if nfc else None,
        explain=False,
    )


def _ftfy(text: str, cfg: NormalizeConfig) -> str:
    """`ftfy.fix_text(text)` with our options, computed faster where the result is the same.

    `fix_text` runs its fixers line by line, and its mojibake repair only acts on a line that its badness
    pattern matches. When the pattern matches nowhere in the text (nor at any line start), every line's repair
    is a no-op, and the remaining fixers (ligatures, C1 controls, line breaks, surrogates, terminal escapes,
    control characters, NFC) act on single characters, so one pass over the whole text gives the same string as
    one pass per line: ~25 calls fewer per document. Those fixers change only the characters the scan looks for;
    without any, that pass is NFC alone.

    The badness pattern runs, translated (`_rust_regex`), in the extension on the surroundings of the non-ASCII
    characters (every alternative of the pattern holds one and spans at most `_BAD_REACH` characters), joined by
    line breaks: a joined window can only add matches, which send the text down the exact `fix_text` path: never
    a wrong result, only a slower one. `tests/test_normalize.py` checks the equality on real pages and the
    translation against `re` on strings made of the pattern's own characters.
    """
    flags = _scan().scan(text.encode(*_UTF8))
    if len(text) <= ftfy.TextFixerConfig().max_decode_length and not flags & _native.MAYBE_BAD:
        ligatures = cfg.fix_latin_ligatures and bool(flags & _native.HAS_LIGATURE)
        controls = cfg.remove_control_chars and bool(flags & _native.HAS_CONTROL)
        if not (ligatures or controls or flags & _native.HAS_OTHER_FIX):
            return unicodedata.normalize("NFC", text) if cfg.nfc else text
        return ftfy.fix_and_explain(text, _fixer(ligatures, controls, cfg.nfc, encoding=False)).text
    return ftfy.fix_text(text, _fixer(cfg.fix_latin_ligatures, cfg.remove_control_chars, cfg.nfc, encoding=True))


def normalize_text(text: str, cfg: NormalizeConfig) -> str:
    """Normalize one document's text (see module docstring). Pure and deterministic."""
    if not text:
        return ""
    if any(c in text for c in _LINE_BREAK_CHARS):
        text = _LINE_BREAKS.sub("\n", text)
    if not text.isascii():
        if cfg.fix_mojibake and _MOJIBAKE_POSSIBLE.search(text):
            text = _ftfy(text, cfg)
        elif cfg.nfc:
            text = unicodedata.normalize("NFC", text)
    tidy = _native.tidy_text(
        text.encode(*_UTF8), cfg.remove_control_chars, cfg.collapse_whitespace, cfg.strip_lines, cfg.max_blank_lines
    )
    return tidy.decode(*_UTF8)


class NormalizeFn(StageFn):
    stage = STAGE

    def __init__(self, cfg: NormalizeConfig) -> None:
        super().__init__()
        self._cfg = cfg

    def setup(self) -> None:
        _scan()  # once per worker, before any record

    def apply(self, doc: Doc) -> Doc | Dropped:
        text = normalize_text(doc.text, self._cfg)
        if not text:
            return Dropped.of(doc, STAGE, REASON_EMPTY_AFTER_NORMALIZE)
        title = doc.title
        if title:  # the title column gets the same treatment, on one line
            title = " ".join(normalize_text(title, self._cfg).split("\n")) or None
        if text == doc.text and title == doc.title:
            return doc
        return doc.replace(text=text, title=title)


class NormalizeText(beam.PTransform):
    """Normalize the text of every document; a document left empty is dropped (`empty_after_normalize`)."""

    def __init__(self, config: NormalizeConfig | None = None, label: str | None = None) -> None:
        super().__init__(label)
        self._cfg = config or NormalizeConfig()

    def expand(self, docs: beam.PCollection) -> StageOutputs:
        return apply_stage(docs, "Normalize", NormalizeFn(self._cfg))
