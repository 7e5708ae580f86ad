"""English pharmacy spam by its vocabulary: a column of the line table (pass 1), read by the decisions (pass 2).

Pharmacy spam ("Buy Tramadol online without a prescription and save up to 50% today", "Cheap Ambien 20mg tablets
with fast worldwide shipping") is injected in English into pages of every language. fastText reads it as English
without fail, but the line rules do not always act on that: English is the web's lingua franca (its headings and
slogans stand in pages of every language), a page with some English reads as bilingual, and an injected block that
is half of a short page outvotes the page's own language, so that the spam reads as the page's language and the
page's own lines go. What the lines are about settles it. A line has pharmacy-spam vocabulary (`is_spam`) when it
names a drug or a dose (`DRUGS`, "20mg", "100 mg") and has a selling frame (`FRAMES`: buy, order, cheap, price,
online pharmacy, without a prescription, no rx, shipping, discreet, ...), or has two frames of which one is
`PRESCRIPTION_FRAMES` ("online pharmacy, no prescription needed"). On a page that is not English, a line with that
vocabulary that fastText or its words read as English (`fill`) goes, names and quotes included, whatever the runs
and the page's bilingual share decide; and a page voted English is voted again without such lines
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
drugs, steroids); some of them are in the dev bank's list too. The frames: plain English selling words, and the signs
of a rogue online pharmacy that the FDA's BeSafeRx campaign lists (it sells prescription drugs without a
prescription, its prices are too good to be true). Hand-written rather than taken from a package: no maintained
package carries these lists. A drug name alone, or a frame alone, is never enough: "Viagra was discovered by
accident", "Jetzt online bestellen" stay.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from transforms.language.labels import language_group

if TYPE_CHECKING:
    from transforms.language.features import LineTable

__all__ = ["DRUGS", "ENGLISH", "FRAMES", "PRESCRIPTION_FRAMES", "fill", "is_spam"]

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
    ]
)

# Frames that are about getting a prescription drug without one: strong enough for a line with one more frame.
PRESCRIPTION_FRAMES = frozenset(
    [
        "without prescription", "without a prescription", "without rx", "no prescription", "no rx", "no doctor",
        "online pharmacy", "online drugstore", "canadian pharmacy", "internet pharmacy",
    ]
)
# A drug or a dose being sold: the selling words of drug spam (single words also with an English ending:
# "orders", "shipped", "shipping", "discounts", "pills", "customers"), and a price ("$3.53", "€ 20").
FRAMES = frozenset(
    [
        *PRESCRIPTION_FRAMES, "buy", "order", "cheap", "cheapest", "discount", "price", "for sale", "sale",
        "online", "ship", "delivery", "deliver", "overnight", "discreet", "pill", "generic", "lowest",
        "money back", "offer", "checkout", "worldwide", "pay", "save", "savings", "customer", "supplier", "bulk",
        "coupon", "deal",
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


# The words one of which a line with the vocabulary has (a drug, or a word of a `PRESCRIPTION_FRAMES` frame): most
# lines have none, and are told so by one set look-up of their words instead of the frames' regex.
_KEY_WORDS = DRUGS | {w for t in PRESCRIPTION_FRAMES for w in t.split() if w not in {"without", "a", "no", "online"}}


def is_spam(line: str) -> bool:
    """The line has pharmacy-spam vocabulary (see the module docstring): a drug or a dose with a selling frame, or
    two frames of which one is about doing without a prescription."""
    low = line.lower()
    words = _WORD.findall(low)
    if _KEY_WORDS.isdisjoint(words) and not (("mg" in low or "mcg" in low) and _DOSE.search(low)):
        return False
    frames = {" ".join(_JOINER.split(m.group(0))) for m in _FRAME.finditer(low)}
    if _PRICE.search(low):
        frames.add("$")
    if not frames:
        return False
    if (frames & PRESCRIPTION_FRAMES and len(frames) >= 2) or _DOSE.search(low):
        return True
    return not DRUGS.isdisjoint(words)


def fill(table: LineTable, native_max: float) -> None:
    """The table's `pharmacy` column: line i is English pharmacy spam on a page that is not English. It has the
    vocabulary (`is_spam`), fastText gives English the most probability among the other groups or its words lean
    to English, and fastText gives the page's group less than `native_max` (a line of the page's language that
    names a drug and a price stays)."""
    n = len(table.lines)
    table.pharmacy = [False] * n
    if table.doc_group == ENGLISH:
        return
    for i, line in enumerate(table.lines):
        if not table.preds[i] or table.native[i] >= native_max:
            continue
        if (table.top_foreign[i] == ENGLISH or table.word_group[i] == ENGLISH) and is_spam(line):
            table.pharmacy[i] = True

