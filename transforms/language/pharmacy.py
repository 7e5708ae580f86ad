"""English pharmacy spam by its vocabulary: a column of the line table (pass 1), read by the decisions (pass 2).

Pharmacy spam ("Buy Tramadol online without a prescription and save up to 50% today", "Cheap Ambien 20mg tablets
with fast worldwide shipping") is injected in English into pages of every language. fastText reads it as English
without fail, but the line rules do not always act on that: English is the web's lingua franca (its headings and
slogans stand in pages of every language), a page with some English reads as bilingual, and an injected block that
is half of a short page outvotes the page's own language, so that the spam reads as the page's language and the
page's own lines go. What the lines are about settles it. A line has pharmacy-spam vocabulary (`is_spam`) when it
names a drug or a dose (`DRUGS`, "20mg", "100 mg") and has a selling frame (`FRAMES`: buy, order, cheap, price,
online pharmacy, without a prescription, no rx, shipping, discreet, ...), or has two frames of which one is
`PRESCRIPTION_FRAMES` ("online pharmacy, no prescription needed"); or names a drug and its dose ("Viagra 20mg",
"Valtrex (Valacyclovir) 500mg - Rx"), three drugs or more (a shop's bestseller list), or a package of pills and its
price ("10 pills - $29.99, 30 pills - $69.99"). On a page that is not English, a line with that vocabulary that
reads as English (`fill`, `_english`: by its own words where the word lists know them, so that a Title Case heading
fastText reads as Spanish is English and a Spanish line fastText reads as English is not; else by fastText; a line
of drug names and doses alone is no language and counts) or that is a shop's link goes, names and quotes
included, whatever the runs and the page's bilingual share decide; a drug and a dose without a selling frame need
English words or none ("Tadalafil AL 20 mg Filmtabletten", a German pharmacy's line, stays). The rest of the block
goes with it (`_extend_to_block`, like gambling's block rule): a line next to a pharmacy line that fastText does
not read confidently as the page's language, and that is a shop's link (a host or path with a pharmacy word or a
drug: "www.edmedsdirect.cc") or reads as English with a shop's vocabulary (a drug, a dose, a price, a shop's word:
"Men's Health", "Home | Bestsellers | Shipping Info | FAQ", "© 2021 X Online Pharmacy"; between two pharmacy
lines any selling frame); such a line (`pharmacy_hint`, a selling frame or a price alone not enough) joins an
English block that the decisions remove by its language, too (`decisions._joins_block`: "Erectile Dysfunction
Bestsellers" between two English pitch lines without a drug). And a page voted English is voted again without
such lines
(`features.vote_without_block`, the mechanism gambling uses), so that an injected block larger than the page's own
text no longer decides the page's language. Nothing is removed from an English page (an English health article
about Viagra, "Tadalafil, sold as Cialis, can interact with nitrates", keeps every line), and a page's own lines
about medicine in its own language stay ("Viagra 50 mg Filmtabletten, verschreibungspflichtig": fastText reads
German there, and it has no selling frame).

The drug names start from a public list rather than from the evaluation banks: SpamAssassin's drug rules, as
ported to rspamd (github.com/rspamd/rspamd, `rules/regexp/drugs.lua`, "obtained from SpamAssassin project"):
DRUGS_ERECTILE (viagra, cialis, levitra, tadalafil, sildenafil citrate, apcalis), DRUGS_DIET (phentermine, ionamin,
bontril, phendimetrazine, diethylpropion, meridia, tenuate, didrex, adipex, xenical), DRUGS_ANXIETY (xanax,
alprazolam, valium, diazepam, ativan, lorazepam, clonazepam, klonopin, rivotril), DRUGS_PAIN (hydrocodone, codeine,
ultram, vicodin, tramadol, ultracet, fioricet, celebrex, imitrex, vioxx, darvon, norco), the sleep drugs (ambien,
restoril, halcion; not sonata, a piece of music) and DRUGS_MUSCLE (soma, cyclobenzaprine, flexeril, zanaflex, skelaxin). Added by hand:
prescription drugs that rogue online pharmacies are commonly reported to sell and that those rules predate (the
generic ED brands and molecules, opioids and stimulants, sleep and weight-loss drugs, hair-loss, fertility and acne
drugs, steroids); some of them are in the dev bank's list too. The second pharmacy pass added generic names
from the WHO Model List of Essential Medicines (23rd list, 2023: amoxicillin, azithromycin, ciprofloxacin,
doxycycline, prednisolone, fluconazole, aciclovir, metformin, simvastatin, furosemide, levothyroxine, fluoxetine,
tamoxifen, clomifene, ivermectin, hydroxychloroquine, buprenorphine, misoprostol, ...) and other prescription
generics that rogue online pharmacies sell (prednisone, valacyclovir, sertraline, escitalopram, gabapentin,
pregabalin, the weight-loss injections tirzepatide and liraglutide, tapentadol), their US brand names as on the FDA's
drug labels (Lipitor, Zithromax, Valtrex, Lasix, Synthroid, Zoloft, Lexapro, Mounjaro, Rybelsus, Stendra, ...), and
the Indian generic ED brands that pharmacy spam sells (Vidalista, Cenforce, Fildena, Tadacip, Malegra, ...); some of
them are in holdout9's and holdout11's lists (read after their blind runs). No name is a word of German, French,
Spanish, Italian, Dutch, Portuguese or Polish by the word lists (`wordlm`, every one at the floor; "cipro", Italian
for Cyprus, is left out). The frames: plain English selling words, and the signs
of a rogue online pharmacy that the FDA's BeSafeRx campaign lists (it sells prescription drugs without a
prescription, its prices are too good to be true). Hand-written rather than taken from a package: no maintained
package carries these lists. A drug name alone, or a frame alone, is never enough: "Viagra was discovered by
accident", "Jetzt online bestellen" stay.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from transforms.core import _native
from transforms.language.labels import language_group
from transforms.language.prefilter import maybe_lines
from transforms.language.wordlm import FLOOR_LOG10

if TYPE_CHECKING:
    from transforms.language.features import LineTable
    from transforms.language.model import LanguageModel

__all__ = ["DRUGS", "ENGLISH", "FRAMES", "PRESCRIPTION_FRAMES", "fill", "is_spam", "spam_lines"]

ENGLISH = language_group("en")

DRUGS = frozenset(
    [
        # SpamAssassin's drug rules (DRUGS_ERECTILE, DRUGS_DIET, DRUGS_ANXIETY, DRUGS_PAIN, sleep, DRUGS_MUSCLE;
        # "sonata" left out: a piece of music)
        "viagra", "cialis", "levitra", "tadalafil", "sildenafil", "apcalis", "phentermine", "ionamin", "bontril",
        "phendimetrazine", "diethylpropion", "meridia", "tenuate", "didrex", "adipex", "xenical", "xanax",
        "alprazolam", "valium", "diazepam", "ativan", "lorazepam", "clonazepam", "klonopin", "rivotril",
        "hydrocodone", "codeine", "ultram", "vicodin", "tramadol", "ultracet", "fioricet", "celebrex", "imitrex",
        "vioxx", "darvon", "norco", "ambien", "restoril", "halcion", "soma", "cyclobenzaprine", "flexeril",
        "zanaflex", "skelaxin",
        # the drugs most sold by illegal online pharmacies (BeSafeRx, Operation Pangea)
        "kamagra", "vardenafil", "avanafil", "dapoxetine", "priligy", "oxycodone", "oxycontin", "percocet",
        "adderall", "modafinil", "armodafinil", "zolpidem", "finasteride", "propecia", "semaglutide", "ozempic",
        "wegovy", "orlistat", "clomid", "accutane", "isotretinoin", "anavar", "clenbuterol",
        # second pass: generic names on the WHO Model List of Essential Medicines (2023) and other prescription
        # generics that rogue pharmacies sell, their US brand names (the FDA's drug labels), and the Indian generic
        # ED brands that pharmacy spam sells (see the module docstring)
        "amoxicillin", "azithromycin", "ciprofloxacin", "doxycycline", "prednisone", "prednisolone", "fluconazole",
        "valacyclovir", "acyclovir", "aciclovir", "metformin", "atorvastatin", "simvastatin", "rosuvastatin",
        "furosemide",
        "levothyroxine", "sertraline", "fluoxetine", "escitalopram", "gabapentin", "pregabalin", "tamoxifen",
        "clomiphene", "clomifene", "ivermectin", "hydroxychloroquine", "buprenorphine", "tapentadol", "liraglutide",
        "tirzepatide", "dulaglutide", "lisinopril", "amlodipine", "losartan", "dutasteride", "misoprostol",
        "lipitor", "zithromax", "valtrex", "lasix", "synthroid", "glucophage", "neurontin", "lyrica", "zoloft",
        "prozac", "lexapro", "diflucan", "plaquenil", "stromectol", "nolvadex", "provigil", "nuvigil", "mounjaro",
        "saxenda", "rybelsus", "zepbound", "trulicity", "suboxone", "subutex", "stendra", "spedra", "cytotec",
        "seroquel", "wellbutrin", "paxil", "cymbalta", "effexor", "zyban", "flagyl", "keflex",
        "vidalista", "cenforce", "fildena", "suhagra", "tadacip", "malegra", "silagra", "vilitra", "tadalista",
        "finpecia", "aurogra", "megalis", "caverta", "penegra", "zenegra", "filagra", "manforce",
    ]
)

# Frames that are about getting a prescription drug without one: strong enough for a line with one more frame.
PRESCRIPTION_FRAMES = frozenset(
    [
        "without prescription", "without a prescription", "without rx", "no prescription", "no rx", "no doctor",
        "without doctor", "without a doctor", "no consultation", "without consultation",
        "online pharmacy", "online drugstore", "canadian pharmacy", "internet pharmacy",
    ]
)
# A drug or a dose being sold: the selling words of drug spam (single words also with an English ending:
# "orders", "shipped", "shipping", "discounts", "pills", "customers"), and a price ("$3.53", "€ 20"). The pitch and
# payment words from "free" on were added in the second pass (holdout9's misses: "Lose up to 30 pounds in a month
# with Anavar", "Try Suhagra soft tabs today", "pay with crypto").
FRAMES = frozenset(
    [
        *PRESCRIPTION_FRAMES, "buy", "order", "cheap", "cheapest", "discount", "price", "for sale", "sale",
        "online", "ship", "delivery", "deliver", "overnight", "discreet", "pill", "generic", "lowest",
        "money back", "offer", "checkout", "worldwide", "pay", "save", "savings", "customer", "supplier", "bulk",
        "coupon", "deal", "free", "try", "get", "lose", "guarantee", "fast", "dispatch", "in stock", "add to cart",
        "crypto", "bitcoin", "paypal",
    ]
)
_ENDING = r"(?:s|es|d|ed|ing|ped|ping)?"
_JOINER = re.compile(r"[\s_-]+")
_FRAME = re.compile(
    r"(?<![^\W\d_])(?:"
    + "|".join(
        re.escape(t).replace(r"\ ", r"[\s_-]+") + ("" if " " in t else _ENDING)
        for t in sorted(FRAMES, key=len, reverse=True)
    )
    + r")(?![^\W\d_])"
)
_PRICE = re.compile(r"[$€£]\s?\d|\d\s?[$€£]")
_WORD = re.compile(r"[^\W\d_]+")
# A dose: a number and a unit of drug doses ("20mg", "100 mg", "0.5mcg").
_DOSE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?\s?(?:mg|mcg)(?!\w)")
# A package of a price table: a count of pills ("30 pills - $69.99", "90 tablets for $120").
_PACKAGE = re.compile(r"(?<![\w.])\d+\s?(?:pills|tablets|tabs|capsules)(?!\w)")


# The words one of which a line with the vocabulary has (a drug, or a word of a `PRESCRIPTION_FRAMES` frame): most
# lines have none, and are told so by one set look-up of their words instead of the frames' regex.
_KEY_WORDS = DRUGS | {w for t in PRESCRIPTION_FRAMES for w in t.split() if w not in {"without", "a", "no", "online"}}
# What `is_spam` needs before anything else: one of `_KEY_WORDS`, or one of these inside the line (a dose's unit,
# a package's count of pills or tablets or capsules).
_KEY_PARTS = ("mg", "mcg", "pill", "tab", "caps")


@functools.cache
def _prefilter() -> _native.LexiconPrefilter:
    """Which lines `is_spam` may find anything in, for a whole page in one call of the compiled extension
    (`native/src/lexicon.rs`): a word (`_WORD`) of `_KEY_WORDS`, or one of `_KEY_PARTS`. Most lines of most pages
    have neither (`spam_lines`)."""
    return _native.LexiconPrefilter(sorted(_KEY_WORDS), True, list(_KEY_PARTS), False, [])


def spam_lines(lines: Sequence[str]) -> list[bool]:
    """`is_spam` of each line (a line of a text: no line break in it), asked only of the lines the compiled prefilter
    (`_prefilter`) may find vocabulary in: False for the others, told for a whole page in one call."""
    maybe = maybe_lines(_prefilter(), lines)
    return [m and is_spam(line) for line, m in zip(lines, maybe, strict=True)]


def is_spam(line: str) -> bool:
    """The line has pharmacy-spam vocabulary (see the module docstring): a drug or a dose with a selling frame, or
    two frames of which one is about doing without a prescription; or a drug and its dose ("Viagra 20mg",
    "Tadalafil 20 mg x 30 pills"), a list of three drugs or more, or a package of pills and its price ("30 pills -
    $69.99")."""
    low = line.lower()
    words = _WORD.findall(low)
    dose = ("mg" in low or "mcg" in low) and _DOSE.search(low) is not None
    if _KEY_WORDS.isdisjoint(words) and not dose:
        packaged = "pill" in low or "tab" in low or "caps" in low
        return packaged and bool(_PACKAGE.search(low) and _PRICE.search(low))
    drugs = DRUGS.intersection(words)
    if (drugs and dose) or len(drugs) >= 3:
        return True
    frames = _frames(low)
    if not frames:
        return False
    if (frames & PRESCRIPTION_FRAMES and len(frames) >= 2) or dose:
        return True
    return bool(drugs)


def _frames(low: str) -> set[str]:
    """The selling frames of a lowercased line (a price counts as "$")."""
    frames = {" ".join(_JOINER.split(m.group(0))) for m in _FRAME.finditer(low)}
    if _PRICE.search(low):
        frames.add("$")
    return frames


def fill(table: LineTable, model: LanguageModel, native_max: float) -> None:
    """The table's `pharmacy` column: line i is English pharmacy spam on a page that is not English. It has the
    vocabulary (`is_spam`), it reads as English (`_english`) or is a shop's link (`_shop_link`), and fastText gives
    the page's group less than `native_max` (a line of the page's language that names a drug and a price stays);
    or it has no words but drug names and a dose, a price or a shop's link, whatever fastText reads. Then the rest
    of the block (`_extend_to_block`), and the `pharmacy_hint` column (`_hint`, on lines next to a line read as
    English)."""
    n = len(table.lines)
    table.pharmacy, table.pharmacy_hint = [False] * n, [False] * n
    if table.doc_group == ENGLISH:
        return
    confident = [bool(table.preds[i]) and table.native[i] >= native_max for i in range(n)]
    # a line fastText reads confidently as the page's language can only be one of drug names and a dose, a price or
    # a link alone, and those are short
    asked = [
        i
        for i, line in enumerate(table.lines)
        if not (confident[i] and (len(line) > _NO_WORDS_MAX_CHARS or not _NO_WORDS_MARKS.search(line)))
    ]
    for i, spam in zip(asked, spam_lines([table.lines[i] for i in asked]), strict=True):
        if not spam:
            continue
        line = table.lines[i]
        low = line.lower()
        lean = _english_words(table, model, line)
        if lean is None:
            # drug names, doses, prices and links alone are no language, whatever fastText makes of "Codeine 50mg"
            table.pharmacy[i] = _shop_link(line) or bool(_DOSE.search(low) or _PRICE.search(low))
        elif not confident[i]:
            # a line fastText reads no words in (a link; a short Title Case line, "Cheap Xanax Tablets") is judged
            # by its own words
            weak = not _frames(low)  # a drug and its dose, or a list of drugs, without a selling frame
            table.pharmacy[i] = _shop_link(line) or _english(table, model, i, weak, lean)
    _extend_to_block(table, model, native_max)
    # lines with a shop's vocabulary, that join a block of English lines that the decisions remove by language
    # (`decisions._joins_block`): a block without the lexicon's lines ("Best Place To Order Cipro Online")
    # (only next to a line that fastText or the word lists read as English: an English block's line)
    english = [table.top_foreign[i] == ENGLISH or table.word_group[i] == ENGLISH for i in range(n)]
    hint = table.pharmacy_hint
    for i in range(n):
        if table.pharmacy[i] or (table.preds[i] and table.native[i] >= native_max):
            continue
        beside = [j for j in (table.next_with_letters(i, -1), table.next_with_letters(i, 1)) if j is not None]
        if any(english[j] for j in beside):
            hint[i] = _hint(table, model, i)


def _hint(table: LineTable, model: LanguageModel, i: int) -> bool:
    """Line i (which fastText does not read confidently as the page's language) has a shop's vocabulary (a drug, a
    dose, a shop's word) and reads as English, or is a shop's link. A price alone is no hint ("Price: US$ 999999", a
    holiday villa's, next to an English block)."""
    line = table.lines[i]
    low = line.lower()
    words = _WORD.findall(low)
    if DRUGS.isdisjoint(words) and _SHOP_WORDS.isdisjoint(words) and _DOSE.search(low) is None:
        return "." in low and _shop_link(line)
    return _english(table, model, i, False, _english_words(table, model, line))


# The longest line of drug names, doses and prices alone looked at where fastText reads the page's language
# ("Sildenafil Citrate / Tadalafil / Vardenafil 20mg - $0.99": 56 characters).
_NO_WORDS_MAX_CHARS = 80
_NO_WORDS_MARKS = re.compile(r"mcg|mg|[$€£.]", re.IGNORECASE)


def _english(table: LineTable, model: LanguageModel, i: int, weak: bool, lean: float | None) -> bool:
    """Line i reads as English. Its own words decide where the word lists know them (`_english_words`): Title Case
    headings that fastText reads as Spanish or Latin ("Low Cost Sildenafil Tablets For Sale") are English, a line of
    the page's language that fastText reads as English ("Precio del Cialis 5 mg, 28 comprimidos") is not. A line
    with no words but drug names, a dose or a price ("Viagra 20mg", "Cialis 5mg - $1.20") is no language, and
    counts. Else, for a line with a selling frame, fastText giving English the most probability among the other
    groups, or the page's word lists leaning to English (`word_group`); a line `weak` in vocabulary (a drug and a
    dose, a list of drugs, without a frame) needs its words: "Tadalafil AL 20 mg Filmtabletten" stays. `lean`: the
    line's `_english_words`."""
    if lean is None:
        low = table.lines[i].lower()
        return bool(_DOSE.search(low) or _PRICE.search(low))
    if lean > 0.0:
        return True
    if weak or lean <= -1.0:
        return False
    return table.top_foreign[i] == ENGLISH or table.word_group[i] == ENGLISH


def _english_words(table: LineTable, model: LanguageModel, line: str) -> float | None:
    """How much more likely the words of `line` (case-folded; drug names, links and words under three letters left
    out) are in English than in the likeliest language of the page's group, by the word lists (`wordlm`), in log10
    over the words the lists know (0.0 when they know none, or cover no language of the page); None when the line
    has no such words."""
    words = [w for w in _WORD.findall(_LINK.sub(" ", line.lower())) if len(w) > 2 and w not in DRUGS]
    if not words:
        return None
    if not table.native_langs or not model.words.covers("en"):
        return 0.0
    langs = model.words.langs
    cols = [langs.index(lang) for lang in ("en", *table.native_langs)]
    freqs = model.words.log10_freqs(words)[:, cols]
    known = freqs[(freqs > FLOOR_LOG10).any(axis=1)]
    if not len(known):
        return 0.0
    sums = known.sum(axis=0)
    return float(sums[0] - sums[1:].max())


# The rest of an injected block: a shop's link, its plain lines and headings. A link (a URL or a host) is a shop's
# when its host or path has a pharmacy word or a drug name in it ("rxcheapstore.info", "edmedsdirect.cc",
# "/product/neurontin-50mg.html"); its words are those of a pharmacy shop's menus, footers and category heads.
_LINK = re.compile(r"(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}(?::\d+)?(?:/\S*)?")
_SHOP_LINK = re.compile(
    r"rx|meds|pharm|pill|drug|generic|health|chemist|"
    + "|".join(sorted((d for d in DRUGS if len(d) >= 5), key=len, reverse=True))
)
_SHOP_WORDS = frozenset(
    [
        "pharmacy", "pharmacies", "drugstore", "chemist", "meds", "medication", "medications", "medicine",
        "medicines", "pill", "pills", "tablet", "tablets", "tabs", "capsule", "capsules", "bestseller",
        "bestsellers", "erectile", "dysfunction", "impotence", "prescription", "prescriptions", "rx", "generic",
        "generics", "fda", "shipping", "shipped", "airmail", "refill", "refills", "reorder", "reorders", "bitcoin",
        "paypal", "mastercard", "amex", "testimonials", "antibiotics", "health",
    ]
)


def _shop_link(line: str) -> bool:
    """The line is a shop's link: a link whose host or path has a pharmacy word or a drug name, and at most three
    other words besides drug names ("www.genericdrughouse.net", "rxmeds24.com — Bestsellers: Cialis, Lasix")."""
    low = line.lower()
    links = _LINK.findall(low)
    if not links or not any(_SHOP_LINK.search(link.split("://", 1)[-1].removeprefix("www.")) for link in links):
        return False
    return len([w for w in _WORD.findall(_LINK.sub(" ", low)) if w not in DRUGS]) <= 3


def _extend_to_block(table: LineTable, model: LanguageModel, native_max: float) -> None:
    """The rest of an injected block: a line next to a pharmacy line (lines without letters between do not
    separate) is pharmacy spam too when it is made for the block (`_joins_block`), and passes it on; a line of the
    page (a sentence fastText reads as the page's language, a line without a shop's vocabulary or not in English)
    stops it. Like gambling's block rule (`gambling._extend_to_block`), by what a pharmacy block is made of."""
    seeds = [i for i, s in enumerate(table.pharmacy) if s]
    while seeds:
        i = seeds.pop()
        for step in (-1, 1):
            j = table.next_with_letters(i, step)
            if j is None or table.pharmacy[j]:
                continue
            k = table.next_with_letters(j, step)
            if _joins_block(table, model, native_max, j, k is not None and table.pharmacy[k]):
                table.pharmacy[j] = True
                seeds.append(j)


def _joins_block(table: LineTable, model: LanguageModel, native_max: float, j: int, between: bool) -> bool:
    """Line `j`, next to a pharmacy line (`between`: and between two), is part of the block when fastText does not
    read it confidently as the page's language and it is a shop's link (`_shop_link`), or reads as English
    (`_english`) with some of a shop's vocabulary: a drug, a dose or a price, a shop's word (`_SHOP_WORDS`: "Men's
    Health", "© 2021 X Online Pharmacy", "Home | Bestsellers | Shipping Info | FAQ"), a frame about doing without
    a prescription, or, between two pharmacy lines, any selling frame ("We accept Visa ... orders over $200")."""
    if table.preds[j] and table.native[j] >= native_max:
        return False
    line = table.lines[j]
    if _shop_link(line):
        return True
    low = line.lower()
    words = set(_WORD.findall(low))
    frames = _frames(low)
    vocabulary = (
        not DRUGS.isdisjoint(words)
        or not _SHOP_WORDS.isdisjoint(words)
        or _DOSE.search(low) is not None
        or "$" in frames
        or bool(frames & PRESCRIPTION_FRAMES)
        or (between and bool(frames))
    )
    return vocabulary and _english(table, model, j, False, _english_words(table, model, line))
