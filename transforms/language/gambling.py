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
under ten Indonesian lines) is voted again without the block (`gambling_vocabulary.block_line`,
`features.vote_without_block`).

The vocabulary, and what a line has of it (`evidence`), are `transforms.language.gambling_vocabulary`'s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from transforms.language.gambling_vocabulary import (
    _ALNUM,
    _ANY,
    _FIRST_WORDS,
    _GLUED,
    _GLUED_ROOT,
    _HAS_DIGIT,
    _TERMS,
    GAMBLING_GROUPS,
    VI,
    WEAK,
    Evidence,
    _is_brand,
    _plain_letters,
    evidence,
    evidence_lines,
)
from transforms.language.labels import language_group
from transforms.language.wordlm import FLOOR_LOG10

if TYPE_CHECKING:
    from transforms.language.features import LineTable
    from transforms.language.model import LanguageModel

__all__ = ["fill", "spam_group"]


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
