"""Indonesian and Vietnamese gambling spam in the surface forms fastText and the word lists used to miss (issue 25
item 5): Title Case headings, hashtags, short lines, brand codes; and the legitimate lines the same rules must keep
(English Title Case and tags in a German page, names)."""

from __future__ import annotations

import pytest

from tests.conftest import SEED_CLEAN
from tests.test_language import cfg, german_page, model  # noqa: F401 (the fixtures: one real German page)
from transforms.language import REASON_FOREIGN_LANGUAGE, strip_foreign_lines
from transforms.language.features import title_case


@pytest.fixture(scope="module")
def page() -> list[str]:
    """A real English news article (the shared seed), one line per paragraph."""
    return [ln.strip() for ln in SEED_CLEAN.read_text(encoding="utf-8").split("\n") if ln.strip()]


# Each was kept before this pass (measured on the merged main, 68ecd0f), alone in the article at any place.
SURFACE_FORMS = [
    "Situs Slot Gacor Hari Ini GARUDA88 Gampang Menang",  # Title Case: no lowercase word to weigh, "name-like"
    "Daftar Akun Togel Resmi Dan Terpercaya Di Indonesia",  # Title Case without a brand code
    "#JudiOnline #SlotGacor #TogelResmi",  # CamelCase tags
    "#HOKIBET #slotgacor sweet bonanza x500 gampang pecah",  # a compound tag, English mixed in
    "Nha cai AE888: tài xỉu online minh bạch",  # short (26 letters read) Vietnamese
    "Link login RAJA188 anti nawala terbaru 2024",  # short, brand code; fastText reads it English
]


@pytest.mark.parametrize("spam", SURFACE_FORMS)
def test_gambling_surface_forms_go_alone_anywhere_in_an_english_article(model, cfg, page, spam):
    for at in (0, 4, len(page)):
        res = strip_foreign_lines("\n".join(page[:at] + [spam] + page[at:]), "en", model, cfg)
        assert res.removed == [spam]
        assert res.reasons == {REASON_FOREIGN_LANGUAGE: 1}
        assert res.text == "\n".join(page)


def test_names_and_english_tags_stay_in_an_english_article(model, cfg, page):
    keep = [
        "Ho Chi Minh City Museum of Fine Arts",
        "Nguyễn Văn An",
        "Festival Film Indonesia",
        "#throwbackthursday #photooftheday",
    ]
    text = "\n".join(page[:3] + keep[:2] + page[3:8] + keep[2:] + page[8:])
    res = strip_foreign_lines(text, "en", model, cfg)
    assert res.lines_removed == 0 and res.text == text


def test_english_titles_and_tags_and_foreign_names_stay_in_a_german_page(model, cfg, german_page):
    # real lines of the language bench's German pages, kept before this pass and after it: English Title Case
    # headings and tags are the web's lingua franca, and case-folded words never overturn fastText's reading
    keep = [
        "SILVER: Art Direction & Design: Program Promotional Campaign",
        "#SupportYourLocalOnlineLifestyleMag",
        "Be there or be square!",
        "Bus 001 Device 006: ID 16c0:0478 Van Ooijen Technische Informatica Teensy Halfkay Bootloader",
    ]
    lines = german_page.split("\n")
    text = "\n".join(lines[:4] + keep + lines[4:])
    res = strip_foreign_lines(text, "de", model, cfg)
    assert res.lines_removed == 0 and res.text == text


def test_segment_splits_tags_into_words_of_any_language(model):
    assert model.words.segment("judionline") == ["judi", "online"]
    assert model.words.segment("situsresmi") == ["situs", "resmi"]
    assert model.words.segment("throwbackthursday") == ["throwback", "thursday"]
    assert model.words.segment("together") == ["together"]  # a common word is not broken up
    assert model.words.segment("abc") == ["abc"]  # too short to split


def test_title_case():
    assert title_case("Situs Slot Gacor Hari Ini Gampang Menang")
    assert not title_case("Situs slot gacor hari ini gampang menang")
    assert not title_case("Slot Gacor")  # fewer than 3 words
