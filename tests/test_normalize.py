"""Tests of transforms/clean/normalize.py: the pure normalizer on crafted and real seed texts, and the Beam stage."""

from __future__ import annotations

import json

import apache_beam as beam
import pydantic
import pytest
from apache_beam.testing import test_pipeline
from apache_beam.testing.util import assert_that, equal_to

from tests.conftest import AEB_DIR, SEED_CLEAN, SEED_REPEATED, SEED_SPAM
from transforms.clean import REASON_EMPTY_AFTER_NORMALIZE, NormalizeConfig, NormalizeText, normalize_text
from transforms.clean.normalize import STAGE
from transforms.core import Doc, Dropped

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

    from transforms.clean.normalize import _fixer, _ftfy, _maybe_bad

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
        # the windowed badness search misses no match of ftfy's own (a false alarm would only cost time)
        assert _maybe_bad(text) == ftfy.badness.is_bad(text)
    assert ftfy.fix_text(damaged[0], full) != damaged[0]  # the damage is real: the slow path repairs it
    # badness alternatives that need the ASCII letter before the non-ASCII ones ("[a-z][À-Ñ][€]", ...)
    for text in ("Die Formel xα¦ gilt hier.", "Preis aÀ€ heute"):
        assert ftfy.badness.is_bad(text) and _maybe_bad(text)


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
