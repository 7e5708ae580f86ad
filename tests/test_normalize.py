"""Tests of transforms/clean/normalize.py: the pure normalizer on crafted and real seed texts, and the Beam stage."""

from __future__ import annotations

import json
import re

import apache_beam as beam
import pydantic
import pytest
from apache_beam.testing import test_pipeline
from apache_beam.testing.util import assert_that, equal_to

from tests.conftest import AEB_DIR, SEED_CLEAN, SEED_REPEATED, SEED_SPAM
from transforms.clean import REASON_EMPTY_AFTER_NORMALIZE, NormalizeConfig, NormalizeText, normalize_text
from transforms.clean.normalize import STAGE
from transforms.core import Doc, Dropped, _native

CFG = NormalizeConfig()


def test_nfc_composes() -> None:
    assert normalize_text("Cafe\u0301 au lait", CFG) == "Caf\u00e9 au lait"
    assert normalize_text("Cafe\u0301", NormalizeConfig(nfc=False, fix_mojibake=False)) == "Cafe\u0301"


def test_mojibake_repaired_and_quotes_kept_curly() -> None:
    assert normalize_text("cafÃ© Ã  Paris", CFG) == "café à Paris"
    assert normalize_text("â€œquotedâ€\x9d text", CFG) == "\u201cquoted\u201d text"
    assert normalize_text("cafÃ©", NormalizeConfig(fix_mojibake=False)) == "cafÃ©"


def test_ftfy_does_not_touch_html_entities_or_full_width_punctuation() -> None:
    assert normalize_text("AT&amp;T – “ok”", CFG) == "AT&amp;T – “ok”"
    assert normalize_text("你好，世界！", CFG) == "你好，世界！"


def test_punctuation_only_text_skips_ftfy_but_gets_nfc() -> None:
    text = "“Quoted” — text… and Café"
    assert normalize_text(text, CFG) == "“Quoted” — text… and Café"
    assert normalize_text("“fine” – ok", CFG) == "“fine” – ok"


def test_control_and_invisible_characters_removed() -> None:
    assert normalize_text("a\x00b\x07c\u200bd\ufeffe\u00adf", CFG) == "abcdef"
    # ZWJ / ZWNJ carry meaning (Persian, Indic scripts, emoji sequences) and stay
    assert normalize_text("می\u200cخواهم", CFG) == "می\u200cخواهم"


def test_whitespace_lines_and_blank_runs() -> None:
    text = "  Title \t here  \r\n\r\n\r\n   \n  First\u00a0 paragraph. \n\x0cSecond\u3000one.\n\n"
    assert normalize_text(text, CFG) == "Title here\nFirst paragraph.\nSecond one."
    assert (
        normalize_text(text, NormalizeConfig(max_blank_lines=1))
        == "Title here\n\nFirst paragraph.\n\nSecond one."
    )
    raw = NormalizeConfig(collapse_whitespace=False)
    assert normalize_text("a\t\tb", raw) == "a\t\tb"


def test_empty_and_whitespace_only() -> None:
    assert normalize_text("", CFG) == ""
    assert normalize_text(" \n\t\n\u200b \u00a0\n", CFG) == ""


def test_seed_spam_layout() -> None:
    lines = normalize_text(SEED_SPAM.read_text(encoding="utf-8"), CFG).split("\n")
    assert lines[:6] == [
        "LINE",
        "Text:AAAPrint",
        "Society",
        "Official micro blogs allow for faster responses",
        "1",
        "2018-01-24 13:09China Daily Editor: Zhang Shiyu ECNS App Download",
    ]
    assert "" not in lines
    assert all(line == line.strip() for line in lines)
    assert lines[-4] == "Back to top Links | About Us | Jobs | Contact Us | Privacy Policy"
    assert lines[-3] == "Copyright ©1999-2018 Chinanews.com. All rights reserved."


def test_seed_clean_is_already_normal() -> None:
    text = SEED_CLEAN.read_text(encoding="utf-8")
    assert normalize_text(text, CFG) == text


def test_seed_gbk_mojibake_is_not_repairable_by_ftfy() -> None:
    # "©" encoded as UTF-8 and decoded as GBK reads "漏": ftfy does not undo GBK damage, and must not make it worse
    lines = normalize_text(SEED_REPEATED.read_text(encoding="utf-8"), CFG).split("\n")
    assert lines[0] == "Officials get into microblog habit"
    assert lines[-1].startswith("Copyright 漏 1999- Shanghai Daily. All rights reserved.")
    assert len(lines) == 46


def test_config_is_strict() -> None:
    with pytest.raises(pydantic.ValidationError):
        NormalizeConfig(unknown_key=True)
    with pytest.raises(pydantic.ValidationError):
        NormalizeConfig(max_blank_lines=-1)


def test_normalize_text_transform() -> None:
    docs = [
        Doc(id="a", source="s", source_record="line:1", text="  Hello \u00a0 world \n\n\n Caf\u00c3\u00a9 "),
        Doc(id="b", source="s", source_record="line:2", text=" \n \u200b\n"),
        Doc(id="c", source="s", source_record="line:3", text="Already clean.", title=" Two\n lines "),
    ]
    with test_pipeline.TestPipeline() as p:
        out = p | beam.Create(docs) | NormalizeText(NormalizeConfig())
        assert_that(
            out.kept | "KeptText" >> beam.Map(lambda d: (d.id, d.text, d.title)),
            equal_to([("a", "Hello world\nCafé", None), ("c", "Already clean.", "Two lines")]),
            label="kept",
        )
        assert_that(
            out.dropped | "DroppedReason" >> beam.Map(lambda d: (d.id, d.stage, d.reason, d.unit)),
            equal_to([("b", STAGE, REASON_EMPTY_AFTER_NORMALIZE, "record")]),
            label="dropped",
        )
        assert_that(out.failed, equal_to([]), label="failed")
    dropped = Dropped.of(docs[1], STAGE, REASON_EMPTY_AFTER_NORMALIZE)
    assert (dropped.id, dropped.stage, dropped.reason, dropped.unit, dropped.text) == (
        "b", STAGE, REASON_EMPTY_AFTER_NORMALIZE, "record", docs[1].text,
    )


def _article_texts() -> list[str]:
    """The human-written article texts of the extraction benchmark (181 real pages from ~150 sites)."""
    truth = json.loads((AEB_DIR / "ground-truth.json").read_text(encoding="utf-8"))
    return [truth[k].get("articleBody") or "" for k in sorted(truth)]


def test_ftfy_fast_path_gives_fix_text_output_on_real_pages() -> None:
    # `_ftfy` skips ftfy's per-line passes when its badness pattern matches nowhere: the result must be exactly
    # what one `ftfy.fix_text` call gives, on real pages as they are and after damaging lines deterministically
    # (UTF-8 read as cp1252, a "Ã " at a line start, C1 controls, ligatures, terminal escapes).
    import ftfy

    from transforms.clean.normalize import _fixer, _ftfy

    texts = [t for t in _article_texts() if not t.isascii()]
    damaged = []
    for n, text in enumerate(texts[:80]):
        lines = text.split("\n")
        for i in range(n % 5, len(lines), 5):
            kind = (n + i) % 4
            if kind == 0:
                lines[i] = lines[i].encode("utf-8").decode("cp1252", "replace")
            elif kind == 1:
                lines[i] = "Ã " + lines[i]
            elif kind == 2:
                lines[i] += " \x85\u200b ﬁne \x1b[31m"
        damaged.append("\n".join(lines))
    # not "bad" for ftfy (the fast path), but with characters its translate fixers change
    marked = [t.replace("\n", " \ufb01ne \x1b[31m\x07\n", 3) for t in texts[:40]]
    full = _fixer(CFG.fix_latin_ligatures, CFG.remove_control_chars, CFG.nfc, encoding=True)
    assert len(texts) == 161 and not any(ftfy.badness.is_bad(t) for t in texts)  # the fast path, every one
    assert sum(ftfy.badness.is_bad(t) for t in damaged) >= 60  # the slow path
    assert not any(ftfy.badness.is_bad(t) for t in marked)
    for text in texts + damaged + marked:
        assert _ftfy(text, CFG) == ftfy.fix_text(text, full)
        # the windowed badness search misses no match of ftfy's own (a false alarm would only cost time), nor a
        # line ftfy's per-line pass would find bad by its "^[ÃÂ][ ]" alternative
        line_start = any(line.startswith(("Ã ", "Â ")) for line in text.split("\n"))
        assert _maybe_bad(text) == (ftfy.badness.is_bad(text) or line_start)
        if text in marked:  # ligatures, escapes and control characters take ftfy's fixers, not NFC alone
            assert _flags(text) & (_native.HAS_LIGATURE | _native.HAS_CONTROL | _native.HAS_OTHER_FIX)
    assert ftfy.fix_text(damaged[0], full) != damaged[0]  # the damage is real: the slow path repairs it
    # badness alternatives that need the ASCII letter before the non-ASCII ones ("[a-z][À-Ñ][€]", ...)
    for text in ("Die Formel xα¦ gilt hier.", "Preis aÀ€ heute"):
        assert ftfy.badness.is_bad(text) and _maybe_bad(text)


def _flags(text: str) -> int:
    from transforms.clean.normalize import _scan

    return _scan().scan(text.encode("utf-8", "surrogatepass"))


def _maybe_bad(text: str) -> bool:
    return bool(_flags(text) & _native.MAYBE_BAD)


def test_badness_window_covers_every_alternative_of_ftfys_pattern():
    # `_maybe_bad` searches `_BAD_REACH` characters around each non-ASCII run: every alternative of ftfy's
    # badness pattern must hold a non-ASCII-only element and span at most `_BAD_REACH` characters.
    import re._parser as sre

    import ftfy.badness

    from transforms.clean.normalize import _BAD_REACH

    def non_ascii_only(item) -> bool:  # noqa: ANN001
        op, av = item
        if op == sre.LITERAL:
            return av > 127
        if op != sre.IN:
            return False
        return all(
            (o == sre.LITERAL and a > 127) or (o == sre.RANGE and a[0] > 127) for o, a in av
        )

    (branch,) = sre.parse(ftfy.badness.BADNESS_RE.pattern, ftfy.badness.BADNESS_RE.flags).data
    alternatives = branch[1][1]
    assert len(alternatives) == 37
    assert max(alt.getwidth()[1] for alt in alternatives) <= _BAD_REACH
    assert all(any(non_ascii_only(item) for item in alt.data) for alt in alternatives)


def test_badness_translation_matches_where_re_matches() -> None:
    # ftfy's badness expression runs in the extension, translated from `re`'s parse of it (`_rust_regex`). On
    # strings built from each alternative (its own characters, then each position swapped for another character
    # of the pattern or a neighbour of it), inside ASCII and accented context, the translation matches exactly
    # where `re` does. The scan searches the surroundings of non-ASCII characters, so a window as wide as the
    # string makes it a search of the whole string.
    import random
    import re._parser as sre

    import ftfy.badness

    from transforms.clean.normalize import _rust_regex

    bad = ftfy.badness.BADNESS_RE
    scan = _native.MojibakeScan(_rust_regex(bad), [], [], [], 64)
    word, space = list("aZ_9é中²ǅ\u0301"), list(" \t\n\x0b\x1c\x1f\x85\xa0\u2028\u3000")
    pool = sorted({chr(c) for c in map(ord, bad.pattern) if c > 127} | set(word) | set(space) | set("a.,?! -Ab"))
    rng = random.Random(7)

    def members(item) -> list[str]:  # noqa: ANN001
        op, av = item
        if op == sre.LITERAL:
            return [chr(av)]
        if op == sre.ANY:
            return pool
        if op == sre.IN:
            out = []
            for o, a in av:
                if o == sre.LITERAL:
                    out.append(chr(a))
                elif o == sre.RANGE:
                    out.extend(map(chr, range(a[0], a[1] + 1)))
                elif o == sre.CATEGORY:
                    out.extend(word if a == sre.CATEGORY_WORD else space)
                elif o == sre.NEGATE:
                    out = [c for c in pool if not re.match(sre_str(av), c)]
                    break
            return out
        if op == sre.MAX_REPEAT:
            return ["", *members(av[2][0])]
        if op == sre.AT:
            return [""]
        raise AssertionError(op)

    def sre_str(av) -> str:  # noqa: ANN001
        return "[" + "".join(
            "^" if o == sre.NEGATE else re.escape(chr(a)) if o == sre.LITERAL
            else f"{re.escape(chr(a[0]))}-{re.escape(chr(a[1]))}" for o, a in av
        ) + "]"  # fmt: skip

    (branch,) = sre.parse(bad.pattern, bad.flags).data
    samples = []
    for alt in branch[1][1]:
        options = [members(item) for item in alt.data]
        for _ in range(300):
            chars = [rng.choice(o) for o in options]
            if rng.random() < 0.6:
                chars[rng.randrange(len(chars))] = rng.choice(pool)
            for head, tail in (("", ""), ("x", "y"), ("Ein Wort ", " é"), ("\n", "\n")):
                samples.append(head + "".join(chars) + tail)
    samples += ["".join(rng.choice(pool) for _ in range(rng.randrange(1, 9))) for _ in range(20000)]
    hits = 0
    for text in samples:
        expected = bool(bad.search(text)) or any(line.startswith(("Ã ", "Â ")) for line in text.split("\n"))
        hits += expected
        assert bool(scan.scan(text.encode()) & _native.MAYBE_BAD) == expected, repr(text)
    assert 3000 < hits < len(samples) - 3000  # both outcomes, many times
    # no alternative matches pure ASCII (the scan never searches text without a non-ASCII character)
    assert not bad.search("".join(map(chr, range(128))) * 2)
    # a lone surrogate (which the crate cannot read) always takes ftfy's exact path
    assert _maybe_bad("plain \ud800 text")
    # Python's \w and \s (and "."), spelled out by the extension from CPython's database: at both ends of every
    # run of code points inside or outside the class, and on a sample of the rest
    every = "".join(chr(c) for c in [*range(0xD800), *range(0xE000, 0x110000)])
    for expr in (r"é\w", r"é\s", r"é."):
        scan = _native.MojibakeScan(_rust_regex(re.compile(expr)), [], [], [], 1)
        ends = {c for m in re.finditer(f"{expr[1:]}+", every) for c in (m.start(), m.end() - 1, m.end())}
        for i in sorted(ends | set(rng.sample(range(len(every)), 20000))):
            text = "é" + every[i % len(every)]
            assert bool(scan.scan(text.encode()) & _native.MAYBE_BAD) == bool(re.match(expr, text)), (expr, text)


def test_scan_finds_the_characters_ftfys_fixers_change() -> None:
    import ftfy.chardata

    other = {*range(0x80, 0xA0), 0x1B, 0x0D, 0x85, 0x2028, 0x2029, *range(0xD800, 0xE000)}
    for cp in range(0x110000):
        flags = _flags(f"ab{chr(cp)}cd")
        assert bool(flags & _native.HAS_LIGATURE) == (cp in ftfy.chardata.LIGATURES), hex(cp)
        assert bool(flags & _native.HAS_CONTROL) == (cp in ftfy.chardata.CONTROL_CHARS), hex(cp)
        assert bool(flags & _native.HAS_OTHER_FIX) == (cp in other), hex(cp)
    # those are every character the fast path's fixers change: each fixer leaves every other character alone
    from ftfy import fixes

    every = "".join(chr(c) for c in range(0x110000) if c not in other)
    assert fixes.fix_c1_controls(every) == every and fixes.fix_line_breaks(every) == every
    assert fixes.fix_surrogates(every) == every and fixes.remove_terminal_escapes(every) == every
