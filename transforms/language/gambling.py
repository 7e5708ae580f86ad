"""Indonesian and Vietnamese gambling spam by its vocabulary: a column of the line table (pass 1), read by the
decisions (pass 2) whatever fastText makes of the line.

Gambling injections are short, code-mixed lines that fastText often reads as English or as noise ("Play now at
ASIA99! jadwal togel singapore hari ini", "Situs Cuan138", "Vào Sin88", "choi game bai doi thuong"); the language
of their few words is hard to tell, but what they are about is not. A line is counted as gambling spam of a foreign
group (Indonesian/Malay, or Vietnamese) when its evidence is strong enough and that group is not the page's own:

- `STRONG` terms (gambling words of one of the two languages: togel, gacor, maxwin, judi online, nhà cái, nổ hũ,
  tài xỉu, cá cược, game bài đổi thưởng, and the Vietnamese without diacritics, nha cai, tai xiu, ...): two of them,
  or one with a brand code or a `WEAK` term;
- a brand code (letters and digits glued in one token: SLOT88, Cuan138, 789WIN, a URL's host "cuan138.vip") with a
  `WEAK` term (a gambling word every language uses, slot, casino, jackpot, deposit, bonus, or a spam-frame word of
  one language, situs, daftar, terpercaya, uy tín, đăng ký, vào), or with words that lean to the group (the word
  lists, `wordlm`, on the line case-folded; fastText's probability for the group only where the line has a
  gambling term: it reads short lines of names as Malay or Indonesian, "Paris Haute Couture SS14, Serkan Cura");
- a line that fastText reads confidently as the page's language needs a brand code besides its one `STRONG` term
  (an English sentence about "judi online" in Indonesia stays);
- a brand without digits counts as a brand code where it is an invented name in capitals (GEMWIN, JokerWin: in no
  word list of the model) on a line with a `STRONG` term or a frame word of a foreign group that fastText does not
  read confidently as the page's language ("Xoc Dia Truc Tuyen Tai GEMWIN", "SAOVANG uy tin"); gambling words glued
  into a plain word count too ("togelkita"), and letters in mathematical or full-width forms (𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑) are read
  as plain ones;
- the rest of an injected block (`_extend_to_block`): a line next to a gambling line, that fastText does not read
  confidently as the page's language, goes with it when it has some gambling vocabulary, its words lean to the
  group, or it is a link line: a gambling site's URL, host or handle ("t.me/kv999cskh", "kerisbet.pages.dev",
  "gemwin.bet"), a messenger's phone number ("Zalo CSKH TF88: 0912345678") or a brand code's tag ("Main PUSAT4D
  2024"), with at most three other words; whatever fastText reads, a line with a brand and gambling words, and a
  brand or link line between two gambling lines ("© 2020 88CLB. All rights reserved."); and passes it on. The
  cost: a page's own short line with a code right next to an injected block goes with it ("ABC7 News"); a page's
  references, dates, code and version lines do not (none of them is a gambling site's link or a brand's tag).
  The fourth gambling pass (holdout10's hacked-site SEO pages) reads the block itself more: the brands its gambling
  lines name (`_block_brands`: codes and invented words, and those of the lines that join the block) mark their
  neighbours' tags, logins, links, e-mail addresses and copyright lines as the block's ("DEWAKOIN Login",
  "sites.google.com/view/dewakoin-login", "Copyright © 2024 DEWAKOIN."); a link line or a brand code's tag joins whatever fastText reads of its few words
  (fewer letters than `short_run_min_letters`, too few to tell a language: "Link: https://x.xyz/register"); a line
  between two gambling lines joins unless fastText reads it confidently as the page's language (a fact table's
  "Năm thành lập | 2019", "Muc luc"); and a neighbour joins on a generic gambling word ("Minimal Deposit | Rp
  10.000") or fastText's probability for the block's group ("Metode Pembayaran | DANA, OVO, GoPay, QRIS"), where
  fastText does not read it as the page's language. Small capitals (ꜱʟᴏᴛ ɢᴀᴄᴏʀ) are read as plain letters.
  No term was added to the lexicon in that pass.

A brand code alone, or generic gambling words alone, are never enough: "Bet365 cut the odds", "iPhone15", "A320",
"the casino's slot machines" stay; and nothing is removed from a page in the group itself (an Indonesian news article
about a raid on "situs judi online" keeps every line). A page that an injected block outvotes (a short English page
under ten Indonesian lines) is voted again without the block (`block_line`, `features.vote_without_block`).

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
from typing import TYPE_CHECKING, NamedTuple

from transforms.core import _native
from transforms.language.labels import language_group
from transforms.language.wordlm import FLOOR_LOG10

if TYPE_CHECKING:
    from transforms.language.features import LineTable
    from transforms.language.model import LanguageModel

__all__ = [
    "GAMBLING_GROUPS", "Evidence", "block_line", "block_lines", "evidence", "evidence_lines", "fill", "spam_group",
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

_UTF8 = ("utf-8", "surrogatepass")
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
    return [t for t in _BRAND_TOKEN.findall(line) if len(t) <= 14 and not _UNIT.fullmatch(t.lower())]


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
    maybe = _prefilter().maybe_lines("\n".join(lines).lower().encode(*_UTF8)) if lines else []
    return [evidence(line) if m else None for line, m in zip(lines, maybe, strict=True)]


def spam_group(ev: Evidence, doc_group: str, lean: str, partly: str, native: float, native_max: float) -> str:
    """The foreign group (`GAMBLING_GROUPS`) a line with evidence `ev` is gambling spam of on a page of
    `doc_group`, or "" when the evidence is not strong enough (see the module docstring). `lean`: the gambling
    group the line's words or fastText lean to ("" for none); `partly`: the one a good share of its words favour
    (a code-mixed line, "Play now at Cuan138! akun demo gratis and get bonus 15%"), which counts next to a brand
    code and a gambling word only; `native`: fastText's probability for the page's group (a line it reads
    confidently as the page's language, at least `native_max`, needs a brand code)."""
    targets = sorted(g for g in ev.groups if g != doc_group)
    if not targets and ev.groups:
        return ""  # the page's own language's vocabulary
    target = targets[0] if targets else (lean or partly)
    if not target or target == doc_group:
        return ""
    leans = lean == target
    if ev.strong >= 2 and (ev.brand or native < native_max or leans):
        return target
    if ev.strong and (ev.brand or ((ev.weak or leans) and native < native_max)):
        return target
    if ev.brand and (leans or (ev.weak and (targets or partly == target))):
        return target
    return ""


def fill(
    table: LineTable,
    model: LanguageModel,
    native_max: float,
    lean_llr: float,
    min_share: float,
    lean_score: float,
    skip: tuple[int, float],
    few_letters: int,
) -> None:
    """The table's `gambling` column: for each line, the foreign group it is gambling spam of ("" for none); and
    `gambling_hint`: the line has some of the vocabulary (a strong term, a weak one with a brand code, or a weak
    term of a foreign group) and fastText gives the page's group less than `native_max`, so that it goes with a
    gambling block next to it (`decisions._joins_block`; a brand code alone is no hint: "ggplot2", "ABC7 News").
    The words' lean (`spam_group`: by `lean_llr`, or partly, `min_share` of the letters) is taken on the line
    case-folded (Title Case and ALL CAPS lines have no other evidence), brand codes, URLs and digits left out, only
    for the few lines with gambling vocabulary; fastText's by `lean_score`. Lines of `skip` = (letters, score) or
    more letters that fastText gives the page's group that score or more are looked at only when the vote weighs
    them less for a brand code or a keyword list (`material`: "Looking for a trusted togel dealer? SULTAN88 is the
    answer"), where the words' evidence skips them all (`features._word_evidence`): on that much text fastText is
    reliable, and they are most of a page's text (the cost: the lexicon is a few microseconds a line). A line
    fastText read fewer than `few_letters` letters of tells no language (`_joins_block`)."""
    n = len(table.lines)
    table.gambling, table.gambling_hint = [""] * n, [False] * n
    doc_group = table.doc_group
    min_letters, max_native = skip
    lines = table.lines
    asked = [
        i
        for i in range(n)
        if table.letters[i]
        and (
            not (table.preds[i] and table.evidence[i] >= min_letters and table.native[i] >= max_native)
            or table.material[i] < 1.0
        )
    ]
    looked = dict(zip(asked, evidence_lines([lines[i] for i in asked]), strict=True))
    seen = [(i, ev) for i, ev in looked.items() if ev]
    for i, ev in seen:
        table.gambling_hint[i] = bool(
            (ev.strong or (ev.weak and (ev.brand or ev.groups - {doc_group})))
            and not (table.preds[i] and table.native[i] >= native_max)
        )
    # a strong term, or a frame word of a foreign group, with an invented name in capitals ("Xoc Dia Truc Tuyen
    # Tai GEMWIN", "SAOVANG uy tin") has its brand, on a line fastText does not read confidently as the page's
    seen = [
        (i, ev._replace(brand=True))
        if (ev.strong or ev.groups - {doc_group})
        and not ev.brand
        and table.native[i] < native_max
        and _invented_name(table.lines[i], model)
        else (i, ev)
        for i, ev in seen
    ]
    # only lines with a strong term or a brand code can be spam (`spam_group`)
    found = [(i, ev) for i, ev in seen if ev.strong or ev.brand]
    if not found:
        return
    words: list[tuple[float, str, float]] = [(0.0, "", 0.0)] * len(found)
    if table.native_langs:
        texts = [_NOT_WORDS.sub(" ", table.lines[i]).lower() for i, _ in found]
        words = model.words.llr_many(texts, table.native_langs, language_group)
    for (i, ev), (llr, group, share) in zip(found, words):
        lean = group if group in GAMBLING_GROUPS and llr >= lean_llr else ""
        partly = group if group in GAMBLING_GROUPS and share >= min_share else ""
        # fastText's lean on a short line is weak evidence (it reads names as Malay or Indonesian: "Paris Haute
        # Couture SS14, Serkan Cura" is ms+id 0.43): next to a brand code alone, only the words' lean counts
        if not lean and table.preds[i] and (ev.strong or ev.weak):
            best = max(GAMBLING_GROUPS, key=lambda g: table.groups[i].get(g, 0.0))
            if table.groups[i].get(best, 0.0) >= lean_score:
                lean = best
        if not lean and ev.brand and doc_group != VI and _vietnamese_tag(table.lines[i]):
            lean = VI
        native = table.native[i] if table.preds[i] else 0.0
        table.gambling[i] = spam_group(ev, doc_group, lean, partly, native, native_max)
    _extend_to_block(table, model, native_max, lean_score, few_letters, looked)


def _extend_to_block(
    table: LineTable,
    model: LanguageModel,
    native_max: float,
    lean_score: float,
    few_letters: int,
    looked: dict[int, Evidence | None],
) -> None:
    """The rest of an injected block: a line next to a gambling line of a group (lines without letters between
    do not separate) is gambling spam of that group too when it is made for the block (`_joins_block`). It passes
    this on, so a block is followed to its end; a line of the page (a sentence fastText reads as the page's
    language, or a line without gambling vocabulary, lean, links or the block's brand) stops it.
    `decisions._extend_to_neighbours` joins neighbours by the language of their words; this joins them by what a
    gambling block is made of, names and link lines included, which that rule leaves to the page. `looked`: the
    lines' evidence where `fill` took it already."""
    seeds = [(i, g) for i, g in enumerate(table.gambling) if g]
    brands = _block_brands([table.lines[i] for i, _ in seeds], model)
    while seeds:
        i, group = seeds.pop()
        for step in (-1, 1):
            j = table.next_with_letters(i, step)
            if j is None or table.gambling[j]:
                continue
            k = table.next_with_letters(j, step)
            between = k is not None and bool(table.gambling[k])
            ev = looked[j] if j in looked else evidence(table.lines[j])
            if _joins_block(table, model, native_max, lean_score, j, ev, group, between, brands, few_letters):
                table.gambling[j] = group
                seeds.append((j, group))
                brands |= _block_brands([table.lines[j]], model)  # the brands a joined line names count too


# The words of a gambling line that name its site: brand codes (SV66, MEJA303) and invented words (in no word list
# of the model, at least 4 letters: "Pausbiru", "lapakcuan", "Dabet"), gambling terms left out.
_NAME_WORD = re.compile(r"(?<![\w@])[A-Za-z][A-Za-z0-9]{3,13}(?!\w)")


def _block_brands(lines: Sequence[str], model: LanguageModel) -> frozenset[str]:
    """The brands the gambling lines `lines` name (`_NAME_WORD`), lowercased: a neighbour that names one of them
    (its tag, login or link line: "GURITAPLAY Login", "linktr.ee/guritaplay", "Email: hotro@sun52.com") is
    the block's, whatever else it has."""
    words = {w.lower() for line in lines for w in _NAME_WORD.findall(_plain_letters(line))}
    words = {w for w in words if w not in _TERMS and w not in _FIRST_WORDS and not _GLUED_ROOT.search(w)}
    codes = {w for w in words if _is_brand(w)}
    plain = sorted(w for w in words - codes if not _HAS_DIGIT.search(w))
    if plain:
        freqs = model.words.log10_freqs(plain).max(axis=1)
        codes.update(w for w, f in zip(plain, freqs) if f <= FLOOR_LOG10)
    return frozenset(codes)


def _names_brand(line: str, brands: frozenset[str]) -> bool:
    """`line` names one of the block's `brands`: as a word, or inside a longer piece ("linktr.ee/hb88vn")."""
    if not brands:
        return False
    pieces = _PIECE.findall(line.lower())
    if not brands.isdisjoint(pieces):
        return True
    longer = [b for b in brands if len(b) >= 4]
    return any(b in p for p in pieces if len(p) > 4 for b in longer)


def _joins_block(
    table: LineTable,
    model: LanguageModel,
    native_max: float,
    lean_score: float,
    j: int,
    ev: Evidence | None,
    group: str,
    between: bool,
    brands: frozenset[str],
    few_letters: int,
) -> bool:
    """Line `j` (its evidence `ev`), next to a gambling line of `group` (`between`: and between two of them), is
    part of the block:
    - with a brand (a brand code, an invented capitalized word, or a brand the block names: `_block_brands`)
      and some gambling vocabulary, whatever fastText reads ("Register at PANDAWA88 today and claim your
      freespin bonus", "Dabet - Leading online betting site in Asia");
    - a copyright line (©) of a brand code or of the block's brand, whatever fastText reads ("Copyright © 2013
      DOMINO99X. All Rights Reserved."); not of any invented name: a page's own names its company, in capitals
      and in no word list too ("© 2022, BreakingBelizeNews.com", "Copyright MyCorp © 2016");
    - a link line (`_link_line`) of the block's brand, a brand code's tag, or one with fewer than `few_letters`
      letters for fastText to read (too few to tell a language: `short_run_min_letters`), whatever fastText reads
      of its few words ("Link: https://dewakoin.xyz/register", "GURITAPLAY Login", "© 2016 Five88. All rights
      reserved."); a URL's path with a code in it and a few words of the page's language stay ("In:
      Sprachreport 35. URN: http://nbn-resolving.de/urn:nbn:de:bsz:mh39-91871.");
    - between two gambling lines, with a brand or a link line, or where fastText does not read it confidently as
      the page's language ("© 2020 88CLB. All rights reserved.", "Muc luc", "Hotline | 0912345678", a fact
      table's "Năm thành lập | 2019");
    - else, on a line fastText does not read confidently as the page's language: a link line (`_link_line`:
      "t.me/cuan138_official", "Zalo CSKH TF88: 0912345678", "https://x.pages.dev/", "Main PUSAT4D",
      "sites.google.com/view/petirbet-login"), some gambling vocabulary
      (`gambling_hint`, or a generic gambling word: "Minimal Deposit | Rp 10.000"), words that lean to the group
      (`wordlm`, any ratio above 0 with a third of the letters: "Trang chu | Khuyen mai | Dai ly"), or fastText's
      probability for the group at least `lean_score` ("Metode Pembayaran | DANA, OVO, GoPay, QRIS")."""
    line = table.lines[j]
    named = _names_brand(line, brands)
    if ev is not None and (ev.strong or ev.weak) and (ev.brand or named or _invented_name(line, model, _ANY_NAME)):
        return True
    if "©" in line and ((ev is not None and ev.brand) or named):
        return True
    branded = (ev is not None and ev.brand) or named or _invented_name(line, model)
    native = bool(table.preds[j]) and table.native[j] >= native_max
    few = table.evidence[j] < few_letters
    # a link line counts on a line fastText reads as the page's only as below (most neighbours are the page's
    # own sentences: not looked at)
    maybe = named or between or few or not native or (ev is not None and ev.brand)
    link = _link_line(line, model, brands) if maybe else ""
    if link and (named or link == "tag" or few):
        return True
    if between and (branded or link or not native):
        return True
    if native:
        return False
    return bool(
        link
        or table.gambling_hint[j]
        or (ev is not None and ev.weak)
        or (table.word_group[j] == group and table.word_llr[j] > 0.0 and table.word_share[j] >= 1 / 3)
        or (table.preds[j] and table.groups[j].get(group, 0.0) >= lean_score)
    )


# A link line: a URL, host or handle (t.me/x, @x) that looks like a gambling site's, or a phone number given for a
# messenger spam uses (Zalo, WhatsApp, Telegram), and at most three other words. A gambling site's link: a brand
# code (`_is_brand`, or one glued to more letters), a glued gambling word (`_GLUED`), or an invented name (in no
# word list) that starts or ends with a generic gambling word (`WEAK`: bet, slot, depo, wd) in its host or first
# path segment ("mawar189.pages.dev", "t.me/kv999cskh", "bit.ly/slotgacor", "kerisbet.xyz"), or a gambling
# top-level domain (".bet"). A page's own links (a reference,
# a YouTube credit, "libc.so.6", a date, "Tel.: 0471 80 60 745") are none of these.
_LINK = re.compile(
    r"[\w.+-]+@(?:[\w-]+\.)+[a-z]{2,}|(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}(?::\d+)?(?:/[^\s/?#]*)?\S*|@\w+"
)
_GAMBLING_TLDS = frozenset({"bet", "casino", "poker", "bingo", "lotto", "win", "vip", "club"})
_MESSENGER = re.compile(r"(?<!\w)(?:zalo|whatsapp|wa|telegram|tele)(?!\w)")
_PHONE = re.compile(r"\+?\d[\d ()-]{7,}\d")
_PIECE = re.compile(r"[a-z0-9]+")
_EDGE_WORDS = "|".join(t for t, g in WEAK.items() if g == _ANY and " " not in t)
_GAMBLING_EDGE = re.compile(rf"(?:{_EDGE_WORDS})[a-z0-9]{{2,}}|[a-z0-9]{{2,}}(?:{_EDGE_WORDS})")
_GLUED_CODE = re.compile(r"[a-z]{2,}[0-9]{2,}[a-z]|[0-9]{2,}[a-z]{2,}")  # a brand code glued to more: "kv999cskh"


def _gambling_link(link: str, model: LanguageModel, brands: frozenset[str]) -> bool:
    head = link.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    host, _, path = head.partition("/")
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] in _GAMBLING_TLDS:
        return True
    name = " ".join([*labels[:-1], path.split("/", 1)[0]])
    pieces = _PIECE.findall(name)
    if any(_is_brand(p) for p in pieces) or _GLUED_CODE.search(name) or _GLUED_ROOT.search(head):
        return True
    # the page a link builder or a hosted site gives the brand sits deeper in the path
    # ("sites.google.com/view/petirbet-login"): there, only an invented gambling name or the block's brand counts
    pieces = _PIECE.findall(" ".join([*labels[:-1], path]))
    if _names_brand(" ".join(pieces), brands):
        return True
    # an invented name that starts or ends with a gambling word: "kerisbet", "depobos", "t.me/wdbos_official"
    glued = [p for p in pieces if _GAMBLING_EDGE.fullmatch(p)]
    return bool(glued) and bool((model.words.log10_freqs(glued).max(axis=1) <= FLOOR_LOG10).any())


def _link_line(line: str, model: LanguageModel, brands: frozenset[str] = frozenset()) -> str:
    """What makes `line` a link line ("" when it is none): a gambling site's link ("link"), a messenger's phone
    number ("phone") or a brand code's tag ("tag": a brand code, or a brand of `brands`, the block's), and at most
    three other words (see `_LINK`): "t.me/kv999cskh", "Zalo CSKH TF88: 0912345678", "Main PUSAT4D", "Vô B52club
    2021", "GURITAPLAY Login" in a GURITAPLAY block."""
    low = line.lower()
    links = _LINK.findall(low)
    if links and any(_gambling_link(link, model, brands) for link in links):
        kind, rest = "link", _LINK.sub(" ", low)
    elif _MESSENGER.search(low) and _PHONE.search(low):
        kind, rest = "phone", _PHONE.sub(" ", low)
    elif not _CODE_MARKS.search(low) and any(
        _is_brand(t) or t.lower() in brands for t in _ALNUM.findall(_VERSION.sub(" ", line))
    ):
        kind, rest = "tag", _ALNUM.sub(lambda m: " " if _is_brand(m[0]) or m[0].lower() in brands else m[0], low)
    else:
        return ""
    return kind if len(_LETTERS_RUN.findall(rest)) <= 3 else ""


# Marks of code and of versions: a line with them is no brand's tag ("syslog facility = local5", "lady6.0")
_CODE_MARKS = re.compile(r"[=;{}<>()\[\]\\]")
_VERSION = re.compile(r"\S*\w\.\d\S*")


_LETTERS_RUN = re.compile(r"[^\W\d_]+")


# An invented name: a word in capitals (GEMWIN) or with a capital inside (JokerWin), of 5 to 14 letters, that no
# word list of the model has (every language's frequency at the floor) and that is no gambling term.
_CAPS_NAME = re.compile(r"(?<!\w)(?:[A-Z]{5,14}|[A-Z][a-z]+[A-Z][A-Za-z]*)(?!\w)")
# ... or any capitalized one ("Surgaplay", "Pausbiru"): a lowercase word in no list is as often a rare word of the
# page's language ("empirically") as a brand
_ANY_NAME = re.compile(r"(?<![\w@.])[A-Z][A-Za-z]{4,13}(?![\w@])")


def _invented_name(line: str, model: LanguageModel, pattern: re.Pattern[str] = _CAPS_NAME) -> bool:
    """The line has an invented name in capitals (`_CAPS_NAME`): the brand of a gambling line without digits (or,
    with `pattern` = `_ANY_NAME`, an invented capitalized word)."""
    names = [w.lower() for w in pattern.findall(line) if len(w) <= 14]
    names = [w for w in names if w not in _TERMS and not _GLUED_ROOT.search(w) and w not in _FIRST_WORDS]
    if not names:
        return False
    return bool((model.words.log10_freqs(names).max(axis=1) <= FLOOR_LOG10).any())


# Letters only Vietnamese writes: ơ, ư, the vowels with a hook above, and those with two marks. Not đ (Croatian),
# the vowels with a dot below only (Yoruba, Igbo), ẽ, ỹ (Guarani), ỳ (Welsh), nor â, ê, ô (French, Portuguese).
_VIETNAMESE_ONLY = re.compile("[ơưảẻỉỏủỷấầẩẫậắằẳẵặếềểễệốồổỗộớờởỡợứừửữựƠƯẢẺỈỎỦỶẤẦẨẪẬẮẰẲẴẶẾỀỂỄỆỐỒỔỖỘỚỜỞỠỢỨỪỬỮỰ]")



def _vietnamese_tag(line: str) -> bool:
    """A brand code's tag in Vietnamese: at most three words besides codes and URLs ("Chơi 789WIN", "Cổng GO99
    2017"), one of them in letters only Vietnamese writes; too few letters for the word lists. An English sentence
    with a Vietnamese name and a model code ("Nguyễn Thị Ánh won the RX100 prize") has more words."""
    return bool(_VIETNAMESE_ONLY.search(line)) and len(_NOT_WORDS.sub(" ", line).split()) <= 3


# What the words' lean leaves out: tokens with digits, URLs and hosts, and marks.
_NOT_WORDS = re.compile(r"\S*[0-9/@]\S*|\S+\.\S+")


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
