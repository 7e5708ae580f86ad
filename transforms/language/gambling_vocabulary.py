"""The gambling lexicon's vocabulary, and what it finds in one line (pure core, no Beam).

The terms (`STRONG`: gambling whatever the sentence; `WEAK`: gambling words every language uses, and the spam frame
of each language), the roots spam glues into brands (`_GLUED`: "togelkita", "taixiu79.com"), brand codes (letters
and digits glued in one token: SLOT88, Cuan138, 789WIN), and the letters spam writes them in (mathematical,
full-width and small-capital forms, read as plain letters). `evidence` is what a line has of them; the compiled
prefilter (`native/src/lexicon.rs`) tells the lines it can find nothing in, for a whole page at once
(`evidence_lines`). `block_line` is an injected block's line by that evidence alone, which the page is voted again
without (`features.vote_without_block`). When evidence makes a line gambling spam, and the rest of its block, is
`transforms.language.gambling`'s.

The lexicon starts from public lists of the vocabulary rather than from the evaluation banks: Indonesian from the
YARA rule `detect_gambling_content.yar` of github.com/noplanalderson/yara_rules (slot gacor/online/toto, toto
hk/indonesia, judi online/bola/slot, situs judi/slot terpercaya, jackpot) and the Indonesian "judol" comment-spam
phrase lists of public comment filters (`knownSpamPhrases.js`: bonus new member, deposit pulsa, link alternatif,
anti nawala, maxwin, rtp, pola); Vietnamese from the i-gaming glossary of github.com/andyuky/nova-igaming-vn-rewriter
(references/vietnamese-glossary.md: xóc đĩa, bài cào, cá độ, kèo nhà cái, tài xỉu, nổ hũ) and the gambling rule of
the PhishRadar phishing detector (nhà cái, cá cược, nổ hũ, game bài, đổi thưởng). Hand-written rather than taken
from a package: no maintained package carries these lists. A few frame words were added from the misses of
the banks used for tuning (`benchmarks/language_eval.py`: "ribu" and "new member" from holdout3's "deposit 10 ribu
via e-wallet SLOT88", holdout6's short lines), never from the bank kept for the final figure. The third
gambling pass added the Vietnamese lottery's tip word (soi cầu, named with lô đề and kèo in the pass's brief) and
the abbreviations of the northern and southern draws (xsmb, xsmn); holdout8, written before it, has them too.
Vietnamese terms whose unaccented spelling is a word of another language are matched with their diacritics only
(lô đề: "lo de" is Spanish, kèo, đá gà).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

from transforms.core import _native
from transforms.language.labels import language_group
from transforms.language.prefilter import maybe_lines

__all__ = [
    "GAMBLING_GROUPS", "ID", "STRONG", "VI", "WEAK", "Evidence", "block_line", "block_lines", "evidence",
    "evidence_lines",
]

ID = language_group("id")  # Indonesian, Malay, Javanese, Sundanese
VI = language_group("vi")
GAMBLING_GROUPS = frozenset({ID, VI})
_ANY = ""  # a term every language uses

# Terms that are gambling whatever the sentence: (term, group). Matched as whole words (spaces: any whitespace,
# hyphens or underscores), lowercase, on the NFC text (the normalize stage's).
STRONG: dict[str, str] = {
    **dict.fromkeys(
        [
            "togel", "gacor", "maxwin", "judol", "judi online", "judi slot", "judi bola", "judi togel", "judi kartu",
            "situs judi", "agen judi", "bandar judi", "bandar togel", "bandar bola", "agen slot", "situs slot",
            "slot gacor", "slot online", "slot toto", "slot dana", "slot pulsa", "slot demo", "toto hk", "toto sgp",
            "toto macau", "toto indonesia", "toto thailand", "toto 4d", "togel hk", "togel sgp", "rungkad",
            "anti rungkad", "taruhan", "taruhan bola", "sabung ayam", "tembak ikan", "bocoran slot", "bocoran rtp",
            "pola slot", "rtp slot", "rtp live", "jam gacor", "gampang menang", "gampang maxwin", "pasti maxwin",
            "scatter hitam", "deposit pulsa", "deposit dana", "deposit qris", "bonus new member", "bonus member baru",
            "bonus rollingan", "anti nawala", "link alternatif", "keluaran sgp", "keluaran hk", "prediksi togel",
            "angka jitu", "perjudian",
        ],
        ID,
    ),
    **dict.fromkeys(
        [
            "nhà cái", "cá cược", "cá độ", "nổ hũ", "quay hũ", "tài xỉu", "xóc đĩa", "game bài", "đánh bài",
            "đổi thưởng", "bắn cá", "lô đề", "soi kèo", "kèo nhà cái", "kèo bóng đá", "tỷ lệ kèo", "đá gà",
            "đánh bạc", "cờ bạc", "sòng bạc", "cổng game", "bài cào", "xì dách", "bầu cua", "xổ số online",
            "casino trực tuyến", "cược thể thao", "soi cầu", "xsmb", "xsmn",
            # without diacritics (none of them a word of another language)
            "nha cai", "ca cuoc", "ca do bong da", "no hu", "quay hu", "tai xiu", "xoc dia", "game bai", "danh bai",
            "doi thuong", "ban ca doi thuong", "soi keo", "keo nha cai", "keo bong da", "danh bac", "co bac",
            "song bac", "cong game", "bai cao", "bau cua", "soi cau",
        ],
        VI,
    ),
    **dict.fromkeys(["sbobet", "pragmatic play", "mahjong ways", "gates of olympus", "sweet bonanza"], _ANY),
}

# Gambling words every language uses, and the spam frame of each language (what surrounds a brand code).
WEAK: dict[str, str] = {
    **dict.fromkeys(
        [
            "slot", "slots", "casino", "jackpot", "jp", "deposit", "depo", "withdraw", "wd", "bonus", "promo",
            "cashback", "freebet", "rtp", "poker", "baccarat", "roulette", "toto", "bet", "betting", "4d", "spin",
            "scatter", "odds", "lottery", "kasino",
        ],
        _ANY,
    ),
    **dict.fromkeys(
        [
            "judi", "situs", "daftar", "terpercaya", "terbaru", "agen", "bosku", "menang", "kemenangan", "hadiah",
            "member baru", "new member", "ribu", "login alternatif", "hari ini", "sekarang", "jitu", "bocoran",
            "prediksi", "keluaran",
        ],
        ID,
    ),
    **dict.fromkeys(
        [
            "uy tín", "đăng ký", "đăng nhập", "nạp tiền", "rút tiền", "khuyến mãi", "link vào", "tải app",
            "thành viên mới", "hoàn trả", "vào", "tải", "nhận thưởng", "chính thức", "hôm nay", "ngay", "cược", "kèo",
            "uy tin", "dang ky", "dang nhap", "nap tien", "rut tien", "khuyen mai", "link vao", "tai app",
            "nhan thuong", "chinh thuc",
        ],
        VI,
    ),
}

_TERMS = {**WEAK, **STRONG}
_JOINER = re.compile(r"[\s_-]+")  # between the words of a term: "judi online", "judi-online", "judi_online"
_FIRST_WORDS = frozenset(t.split()[0] for t in _TERMS)
_TERM = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(t).replace(r"\ ", r"[\s_-]+") for t in sorted(_TERMS, key=len, reverse=True))
    + r")(?!\w)"
)
# Gambling words glued into one token (hashtags, hosts and paths of URLs: #slotgacorhariini, /cacuocbongda, and
# brand codes: TAIXIU79), looked for inside such tokens only; none of them occurs inside a common word of another
# language.
_GLUED = {
    "gacor": ID, "togel": ID, "maxwin": ID, "judionline": ID, "judislot": ID, "situsjudi": ID, "slotonline": ID,
    "rungkad": ID, "nhacai": VI, "cacuoc": VI, "taixiu": VI, "gamebai": VI, "doithuong": VI, "xocdia": VI,
    "soikeo": VI, "danhbai": VI, "quayhu": VI, "soicau": VI, "xsmb": VI, "xsmn": VI, "nohu": VI,
}
_GLUED_TOKEN = re.compile(r"\S*[#/.]\S*")
# "nohu" (nổ hũ) is the start of "nohup" (a shell command) and of Turkish "nohut": not before p or t
_GLUED_ROOT = re.compile("|".join(r if r != "nohu" else "nohu(?![pt])" for r in _GLUED))
# A plain word (no #, / or .) that starts or ends with a root is a brand made of it ("togelkita", "judolbet"); in
# no word of wordfreq's 39 lists does a root start or end a longer word except "nohu" (Turkish "nohut"), which is
# looked for in hashtags, URLs and brand codes only. A root inside a word is no evidence (Lithuanian "stogelis").
_PLAIN_ROOT = re.compile(
    r"(?<!\w)(?:(" + "|".join(r for r in _GLUED if r != "nohu") + r")\w+|\w+?("
    + "|".join(r for r in _GLUED if r != "nohu") + r"))(?!\w)"
)
# Letters drawn from the mathematical alphanumerics and the full-width forms (𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑, ＳＬＯＴ), and the small
# capitals of the phonetic blocks (ꜱʟᴏᴛ ɢᴀᴄᴏʀ, ɴʜà ᴄáɪ: what the "fancy text" generators give for small caps):
# spam writes its keywords in them to slip past filters. NFKC folds the first two to plain letters; the small
# capitals have no decomposition, so they are mapped by their Unicode names ("LATIN LETTER SMALL CAPITAL G" -> g),
# read from the Unicode database rather than written by hand (only on lines that have any of them).
_SMALL_CAPITALS = {
    cp: m.group(1).lower()
    for cp in [*range(0x0250, 0x02B0), *range(0x1D00, 0x1D80), *range(0xA730, 0xA800)]
    if (m := re.fullmatch(r"LATIN LETTER SMALL CAPITAL ([A-Z])", unicodedata.name(chr(cp), "")))
}
_COMPAT_LETTERS = re.compile(
    "[\uff10-\uff5a\U0001d400-\U0001d7ff" + "".join(map(chr, sorted(_SMALL_CAPITALS))) + "]"
)
# The same characters as code point ranges, for the compiled prefilter (`_prefilter`).
_COMPAT_RANGES = [(0xFF10, 0xFF5A), (0x1D400, 0x1D7FF), *((cp, cp) for cp in sorted(_SMALL_CAPITALS))]


def _plain_letters(line: str) -> str:
    """`line` with its mathematical, full-width and small-capital letters read as plain ones (see above)."""
    if _COMPAT_LETTERS.search(line):
        return unicodedata.normalize("NFKC", line).translate(_SMALL_CAPITALS)
    return line

# A brand code: letters and digits glued in one token (SLOT88, Cuan138, Petir4D, 789WIN, a host's "cuan138"), at
# least two letters; not a unit or an ordinal (20mg, 5km, 21st), nor a word with a digit inside
# ("halfon4harlow"), nor a part of an e-mail address.
_ALNUM = re.compile(r"(?<![\w@])[A-Za-z0-9]+(?![\w@])")
_BRAND_SHAPE = re.compile(r"[A-Za-z]{2,}[0-9]+[A-Za-z]?|[0-9]+[A-Za-z]{2,}")
_HAS_DIGIT = re.compile(r"[0-9]")
_WORD = re.compile(r"\w+")
_UNIT = re.compile(
    r"\d+(?:st|nd|rd|th|mg|kg|km|cm|mm|ml|gb|mb|kb|tb|hz|khz|mhz|ghz|fps|px|pm|am|mph|kwh|mah|wh|kw|mp|yo|yr|yrs|"
    r"hrs|min|mins|sec|secs|pcs|pts)"
)


@functools.cache
def _prefilter() -> _native.LexiconPrefilter:
    """Which lines `evidence` may find anything in, for a whole page in one call of the compiled extension
    (`native/src/lexicon.rs`, which argues why it never passes over a line with vocabulary): a word that begins a
    term, a glued root, an ASCII digit next to an ASCII letter, or a compatibility letter. Most lines of most
    pages have none of them (`evidence_lines`)."""
    return _native.LexiconPrefilter(sorted(_FIRST_WORDS), False, sorted(_GLUED), True, _COMPAT_RANGES)


def _is_brand(token: str) -> bool:
    return len(token) <= 14 and bool(_BRAND_SHAPE.fullmatch(token)) and not _UNIT.fullmatch(token.lower())


# The tokens of `_ALNUM` that have `_BRAND_SHAPE`, found in one scan (`evidence` runs on most lines): a match is a
# whole token, since its characters are word characters and what stands on either side is not.
_BRAND_TOKEN = re.compile(r"(?<![\w@])(?:" + _BRAND_SHAPE.pattern + r")(?![\w@])")


def _brands(line: str) -> list[str]:
    """The brand codes of `line` (`_is_brand`), in order: `[t for t in _ALNUM.findall(line) if _is_brand(t)]`."""
    return [t for t in _BRAND_TOKEN.findall(line) if _is_brand(t)]


class Evidence(NamedTuple):
    """A line's gambling vocabulary: `STRONG` and `WEAK` terms found, whether it holds a brand code, and the groups
    its language-specific terms belong to."""

    strong: int
    weak: int
    brand: bool
    groups: frozenset[str]


def evidence(line: str) -> Evidence | None:
    """The gambling vocabulary of `line`, or None when it has none (neither a term nor a brand code)."""
    line = _plain_letters(line)
    low = line.lower()
    strong = weak = 0
    groups: set[str] = set()
    # most lines have no term: one pass over the words first, the terms' regex only on lines with a first word
    has_term = not _FIRST_WORDS.isdisjoint(_WORD.findall(low))
    for m in _TERM.finditer(low) if has_term else ():
        term = " ".join(_JOINER.split(m.group(0)))
        if term in STRONG:
            strong += 1
            group = STRONG[term]
        else:
            weak += 1
            group = WEAK[term]
        if group:
            groups.add(group)
    brands = _brands(line) if _HAS_DIGIT.search(line) else []
    if _GLUED_ROOT.search(low):
        # each root once: a brand made of one ("TAIXIU79", "GACOR77") counts as much as its URL ("taixiu79.com")
        roots = {m.group(0) for tok in _GLUED_TOKEN.findall(low) + [b.lower() for b in brands]
                 for m in _GLUED_ROOT.finditer(tok)}  # fmt: skip
        roots.update(m.group(1) or m.group(2) for m in _PLAIN_ROOT.finditer(low))
        strong += len(roots)
        groups.update(_GLUED[r] for r in roots)
    brand = bool(brands)
    if not (strong or weak or brand):
        return None

    return Evidence(strong, weak, brand, frozenset(groups))


def evidence_lines(lines: Sequence[str]) -> list[Evidence | None]:
    """`evidence` of each line (a line of a text: no line break in it), asked only of the lines the compiled prefilter
    (`_prefilter`) may find vocabulary in: None for the others, told for a whole page in one call."""
    maybe = maybe_lines(_prefilter(), lines)
    return [evidence(line) if m else None for line, m in zip(lines, maybe, strict=True)]


def block_line(line: str) -> bool:
    """A line of an injected gambling block, left out when a page voted Indonesian or Vietnamese is voted again
    (`features.vote_without_block`): a brand code and a gambling term, the block's signature whatever the page's
    language. A page that is mostly such lines is a gambling page, and an Indonesian or Vietnamese article about
    gambling keeps its language (its own lines, without brand codes, vote for it)."""
    return _in_block(evidence(line))


def block_lines(lines: Sequence[str]) -> list[bool]:
    """`block_line` of each line (`evidence_lines`)."""
    return [_in_block(ev) for ev in evidence_lines(lines)]


def _in_block(ev: Evidence | None) -> bool:
    return ev is not None and ev.brand and bool(ev.strong or ev.weak)
