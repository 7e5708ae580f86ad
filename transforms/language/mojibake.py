"""UTF-8 Chinese decoded as GBK (mojibake): found by the round trip or by its rare-character signature."""

from __future__ import annotations

__all__ = ["is_mojibake"]


def is_mojibake(line: str) -> bool:
    """True when `line` reads as UTF-8 text (mostly CJK) that was wrongly decoded as GBK.

    Re-encoding with GB18030 (a superset of GBK that encodes every character) and decoding as UTF-8 gives back
    the intended text; for genuine Chinese the bytes almost never form valid multi-byte UTF-8. Short and lossy
    lines (a few characters among ASCII and digits, bytes dropped by the bad decode: "绮ICP澶12345678鍙") are
    told by `_gbk_signature`: such characters are almost never the common Chinese ones.
    """
    try:
        raw = line.encode("gb18030")
    except UnicodeEncodeError:
        return False
    if raw.isascii():
        return False
    fixed = raw.decode("utf-8", errors="replace")
    original = sum(1 for ch in line if ch > "\x7f")
    decoded = 0
    cjk = 0
    for ch in fixed:
        if ch > "\x7f":
            decoded += 1
            if "\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uff00" <= ch <= "\uffef":
                cjk += 1
    # Lossy mojibake (bytes dropped by the bad decode) still gives back mostly CJK; genuine Chinese gives a
    # few stray characters among many invalid sequences.
    if cjk >= 3 and cjk >= 0.5 * decoded and cjk >= 0.35 * original:
        return True
    return _gbk_signature(line, raw, fixed)


def _gbk_signature(line: str, raw: bytes, fixed: str) -> bool:
    """The signature of UTF-8 CJK decoded as GBK, for lines too short or too broken for the round trip alone.

    The 3,755 characters of GB2312 level 1 (lead byte B0-D7) make up ~99.7% of running Chinese text, but a
    UTF-8 CJK character's lead byte (E4-E9) pairs with a continuation byte (80-BF) into a rare level-2 or GBK
    extension character, so mojibake is mostly rare characters. A line is mojibake when at least 60% of its Han
    characters are outside level 1 and either (a) the bytes still give back CJK text in UTF-8 (at least two
    characters, at least 40% of the non-ASCII bytes: the rest was lost), or (b) every Han character has the
    byte shape of a piece of UTF-8 (a lead byte E4-E9 with a continuation, at least 3 times, or a continuation
    first). Kana lines are Japanese, and traditional Chinese fails both (a) and (b).
    """
    n_han = nl1 = lead_cont = 0
    shaped = True
    kana = 0
    for ch in line:
        if "\u3040" <= ch <= "\u30ff":
            kana += 1
            continue
        if not ("\u3400" <= ch <= "\u9fff"):
            continue
        n_han += 1
        b = ch.encode("gb18030")
        if len(b) != 2:
            nl1 += 1
            shaped = False
            continue
        level1 = 0xB0 <= b[0] <= 0xD7 and b[1] >= 0xA1
        if level1:
            shaped = False
            continue
        nl1 += 1
        if 0xE4 <= b[0] <= 0xE9 and 0x80 <= b[1] <= 0xBF:
            lead_cont += 1
        elif not 0x80 <= b[0] <= 0xBF:
            shaped = False
    if n_han < 2 or kana * 4 > n_han or nl1 < 0.6 * n_han:
        return False
    if shaped and lead_cont >= 3:
        return True
    covered = 0
    for ch in fixed:
        if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or ch in "\u00a9\u00ae":
            covered += 3 if ch > "\u07ff" else 2
    high = sum(1 for b in raw if b > 0x7F)
    return covered >= 6 and covered >= 0.4 * high
