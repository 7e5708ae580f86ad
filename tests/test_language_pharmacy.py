"""English pharmacy spam by its vocabulary (`transforms/language/pharmacy.py`, issue 25): spam lines in real German
pages that the line rules kept (a bilingual page, a short page an injected block outvotes), and the legitimate
lines about medicine that must stay: every line of an English page, German lines that name a drug and a price."""

from __future__ import annotations

import pytest

from tests.conftest import BENCH_WARC, SEED_CLEAN, WARC_DIR
from tests.test_language import _extract_warc, cfg, german_page, model  # noqa: F401 (the fixtures)
from transforms.language import REASON_FOREIGN_LANGUAGE, LanguageConfig, clean_language, strip_foreign_lines
from transforms.language.pharmacy import is_spam

OFF = LanguageConfig(pharmacy_lexicon=False)

# An injected block of the dev bank's shape (`benchmarks/language_eval.py`, `PHARMA`): lines it missed on real
# German pages before the lexicon.
BLOCK = [
    "Special offer: Tadalafil plus Oxycodone combo pack, free delivery worldwide",
    "Men's health: order Lorazepam now and enjoy the weekend, satisfaction guaranteed",
    "Order generic Tadalafil from our licensed online pharmacy, no doctor visit required",
    "Looking for Diazepam without rx? Fast, private and secure checkout from a certified pharmacy",
    "Best price for Viagra 25 mg, overnight delivery to your door",
    "Top quality Ambien pills, FDA approved generics shipped from our trusted partners",
]


@pytest.fixture(scope="module")
def bilingual_page() -> list[str]:
    """A real German page with its English translation under it (echte-demokratie-jetzt.de's open letter)."""
    (text,) = _extract_warc(BENCH_WARC, limit=1, want=lambda t: t.startswith("[spanish] [greek] [english]\nLiebe"))
    return text.split("\n")


def test_block_in_a_bilingual_german_page_goes_and_the_translation_stays(model, cfg, bilingual_page):
    """English is a second language of the page (its translation): the run rules leave English lines alone
    there, the lexicon does not; and the removed block passes nothing on to the translation beside it."""
    page = bilingual_page
    text = "\n".join(page[:4] + BLOCK + page[4:])
    alone = strip_foreign_lines("\n".join(page), "de", model, cfg)
    # alone, the page loses its Greek translation only (a foreign script)
    assert len(alone.removed) == 15 and all(any("\u0370" <= c <= "\u03ff" for c in line) for line in alone.removed)
    res = strip_foreign_lines(text, "de", model, cfg)
    assert res.removed == BLOCK + alone.removed and res.text == alone.text  # the English translation stays
    # without the lexicon only one line of the block goes
    off = strip_foreign_lines(text, "de", model, OFF)
    assert [line for line in BLOCK if line in off.removed] == [BLOCK[4]]


def test_block_that_outvotes_a_short_german_page_is_voted_out(model, cfg):
    """A block longer than the page's own text (live-radsport.ch's rider page, 12 short German lines) turns the
    vote English, and the page's own German line went while the block stayed: the page is voted again without
    the lexicon's lines, reads German, and only the block goes."""
    warc = WARC_DIR / "chatnoir-eu+chatnoir-resiliparse" / "warcfile.warc.gz"
    (page,) = _extract_warc(warc, limit=1, want=lambda t: "Bisherige Teams" in t)
    own = page.split("\n")
    assert len(own) == 12 and clean_language(page, model, cfg).strip.lines_removed == 0
    text = "\n".join(own[:3] + BLOCK + own[3:])
    res = clean_language(text, model, cfg)
    assert res.before.lang == "de"
    assert res.strip.removed == BLOCK and res.strip.text == page
    off = clean_language(text, model, OFF)
    assert off.before.lang == "en"
    assert off.strip.removed == ["Geburtsdatum: Nation:   () Aktuelles Team:  () Messageboard: Nachrichten von und an den Fahrer"]


# An English page keeps every line, about Viagra and online pharmacies included; German lines about medicine, with a
# drug, a dose and a price, stay in a German page.
ENGLISH_HEALTH = [
    "Viagra was discovered by accident when researchers were testing sildenafil as a heart drug.",
    "Regulators warn that websites which sell Viagra or Xanax without a prescription often ship fake pills.",
    "Generic tadalafil now costs a few dollars a month, and some countries sell 50 mg sildenafil over the counter.",
    "Buy prescription medicine online only from a pharmacy that asks for your prescription.",
]
GERMAN_MEDICINE = [
    "Viagra 50 mg Filmtabletten, 12 Stück, rezeptpflichtig – Preis 39,90 €",
    "Sildenafil gibt es seit 2013 als Generikum, die Preise sind seitdem stark gefallen.",
    "Online-Apotheken dürfen Potenzmittel wie Cialis nur gegen Rezept verschicken.",
]


def test_english_health_article_keeps_every_line(model, cfg):
    page = [ln.strip() for ln in SEED_CLEAN.read_text(encoding="utf-8").split("\n") if ln.strip()]
    text = "\n".join(page[:3] + ENGLISH_HEALTH + page[3:])
    res = clean_language(text, model, cfg)
    assert res.before.lang == "en"
    assert res.strip.removed == clean_language("\n".join(page), model, cfg).strip.removed == []
    # on its own too (a short page mostly of such lines)
    assert clean_language("\n".join(ENGLISH_HEALTH), model, cfg).strip.lines_removed == 0


def test_german_lines_about_medicine_stay(model, cfg, german_page):
    own = german_page.split("\n")
    text = "\n".join(own[:3] + GERMAN_MEDICINE + own[3:])
    assert strip_foreign_lines(text, "de", model, cfg).lines_removed == 0


@pytest.mark.parametrize(
    ("line", "spam"),
    [
        ("Buy Tramadol online without a prescription and save up to 50% today", True),
        ("Why pay more? Xanax from $3.26 per pill", True),  # a price and "pay"
        ("Fast acting pain relief, 20mg tablets shipped the same day", True),  # a dose and a selling word
        ("Online pharmacy, no prescription needed", True),  # two frames, one without a prescription
        ("Viagra was discovered by accident", False),  # a drug alone
        ("Order now and save 20% on every book", False),  # frames alone
        ("The Moonlight Sonata, available online", False),  # "sonata" is no drug here
        # the second pass
        ("Viagra 20mg", True),  # a drug and its dose
        ("Tadalafil 20 mg x 30 pills", True),
        ("Popular products: Zoloft • Glucophage • Tadacip • Metformin", True),  # a list of drugs
        ("10 pills - $29.99, 30 pills - $69.99", True),  # packages and prices
        ("Generic Stromectol (Ivermectin) - No Rx Required", True),
        ("Percocet Without Doctor Approval", True),
        ("Ibuprofen 400 mg Filmtabletten", False),  # a dose, no drug of the list, no frame
        ("Viagra und Cialis", False),  # two drugs: no list
        ("Cipro is an island", False),  # "cipro" (Italian for Cyprus) is not in the list
    ],
)
def test_vocabulary(line, spam):
    assert is_spam(line) is spam


def test_the_prefilter_passes_over_no_spam_line():
    """`spam_lines` asks `is_spam` only of the lines the compiled prefilter may find vocabulary in
    (`native/src/lexicon.rs`: a word of `_KEY_WORDS`, or "mg", "mcg", "pill", "tab", "caps" anywhere): the same
    answers as `is_spam` on every line, on the block, the real English article, and 30,000 lines drawn from the
    pieces spam is made of (drugs, doses, packages, prices, frames, letters glued to them)."""
    import random

    from transforms.language.pharmacy import _prefilter, spam_lines

    page = [ln.strip() for ln in SEED_CLEAN.read_text(encoding="utf-8").split("\n") if ln.strip()]
    pieces = ["Viagra", "cialis", "20mg", "0.5 mcg", "30 pills", "tabs", "CAPS", "$69.99", "€5", "buy"]
    pieces += ["online", "without", "prescription", "order", "now", "cheap", "Xanax", "a", "x2", "²", "_", "-", "é"]
    rnd = random.Random(13)
    lines = [*BLOCK, *page]
    lines += ["".join(rnd.choice(pieces) + rnd.choice(["", " ", ", "]) for _ in range(rnd.randint(1, 8)))
              for _ in range(30_000)]  # fmt: skip
    assert spam_lines(lines) == [is_spam(line) for line in lines]
    assert sum(spam_lines(lines[len(BLOCK) + len(page) :])) > 1_000  # the drawn lines hold spam too
    maybe = _prefilter().maybe_lines("\n".join(page).lower().encode("utf-8", "surrogatepass"))
    assert (len(page), sum(maybe)) == (14, 1)  # one of the article's lines is asked about: "internet", a frame's


# The second pharmacy pass (holdout9's misses, the shapes of holdout11): a shop's block of drugs outside the first
# list, drug-and-dose lines without a selling word, a price table, a shop's URL, heading and menu.
SHOP_BLOCK = [
    "Erectile Dysfunction Bestsellers",
    "Viagra 20mg",
    "Valtrex (Valacyclovir) 500mg - Rx",
    "Low Cost Prednisone Tablets For Sale",
    "10 pills - $29.99, 30 pills - $69.99, 90 pills - $149.99 + 4 free pills",
    "www.edmedsdirect.cc",
    "Home | Bestsellers | Shipping Info | FAQ | Testimonials | Contact Us",
]


def test_shop_block_in_a_german_page_goes_whole(model, cfg, german_page):
    """Every line of the block goes, the heading, the URL and the menu with it (the block rule), and the page
    keeps every line of its own."""
    own = german_page.split("\n")
    text = "\n".join(own[:3] + SHOP_BLOCK + own[3:])
    res = strip_foreign_lines(text, "de", model, cfg)
    assert res.removed == SHOP_BLOCK and res.text == german_page
    # without the lexicon every line of the block stays (fastText reads most of them as English, but the page's
    # line rules do not act on short English lines in a German page)
    assert strip_foreign_lines(text, "de", model, OFF).removed == []


# A German pharmacy's own lines: a drug, a dose and a price, German product words; fastText reads some as English.
GERMAN_SHOP = [
    "Tadalafil AL 20 mg Filmtabletten",
    "Cialis 5 mg Filmtabletten",
    "Sildenafil Heumann 100 mg, 24 Stück – 39,95 €",
    "Metformin Lich 1000 mg, 180 Stück – 18,47 €",
]


def test_german_pharmacy_lines_stay(model, cfg, german_page):
    own = german_page.split("\n")
    text = "\n".join(own[:3] + GERMAN_SHOP + own[3:])
    assert strip_foreign_lines(text, "de", model, cfg).lines_removed == 0



def test_drug_names_are_no_words_of_the_page_languages(model):
    """No drug name of the lexicon is a word of German, French, Spanish, Italian, Dutch, Portuguese or Polish by the
    word lists, save Viagra and Cialis (the brand names, in those languages' texts too) and SpamAssassin's "soma"
    (Portuguese for "sum": it needs a selling frame or a dose like every drug)."""
    from transforms.language.pharmacy import DRUGS
    from transforms.language.wordlm import FLOOR_LOG10

    names = sorted(DRUGS)
    freqs = model.words.log10_freqs(names)
    cols = [model.words.langs.index(lang) for lang in ("de", "fr", "es", "it", "nl", "pt", "pl")]
    words = [name for name, row in zip(names, freqs) if (row[cols] > FLOOR_LOG10).any()]
    assert words == ["cialis", "soma", "viagra"]


def test_shop_heading_goes_with_an_english_block(model, cfg, german_page):
    """A block without the lexicon's lines, removed by its language: the shop's heading between its lines (a short
    Title Case line the line rules leave to the page) goes with it (`pharmacy_hint`)."""
    block = [
        "Why pay more at the chemist around the corner when you can have it all delivered to your door?",
        "Erectile Dysfunction Bestsellers",
        "Trusted by thousands of happy men across the whole world since the early nineties",
    ]
    own = german_page.split("\n")
    res = strip_foreign_lines("\n".join(own[:3] + block + own[3:]), "de", model, cfg)
    assert res.removed == block and res.text == german_page
