"""The word-frequency model (`transforms.language.wordlm`) on its own: exact words counted and the sign and size of the
evidence on real spam and real article lines."""

from __future__ import annotations

import pytest

from transforms.language import FLOOR_LOG10, WordFrequencyModel, counted_words, language_group


@pytest.fixture(scope="module")
def wm() -> WordFrequencyModel:
    return WordFrequencyModel()


def test_counted_words_are_the_lowercase_words_of_two_letters_or_more():
    assert counted_words("Link SULTAN terbaru: slot online gampang menang, agen casino iPhone") == [
        "terbaru",
        "slot",
        "online",
        "gampang",
        "menang",
        "agen",
        "casino",
        "iphone",
    ]
    assert counted_words("Die Regierung hat am Montag beschlossen, dass es so weitergeht") == [
        "hat",
        "am",
        "beschlossen",
        "dass",
        "es",
        "so",
        "weitergeht",
    ]
    assert counted_words("cá độ bóng đá, 20mg") == ["cá", "độ", "bóng", "đá", "mg"]
    assert counted_words("a b c") == []
    assert counted_words("don't stop") == ["don't", "stop"]


def test_model_covers_the_languages_of_its_lists_under_lid176_codes(wm):
    for lang in ("en", "de", "id", "ms", "vi", "no", "tl", "hr", "ru", "ar"):
        assert wm.covers(lang), lang
    assert not wm.covers("zh") and not wm.covers("ja") and not wm.covers("xx")
    assert len(wm.langs) == 39


def test_frequencies_are_log10_with_a_floor(wm):
    f = wm.log10_freqs(["the", "dengan", "qqqzzzx"])
    en, id_ = wm.langs.index("en"), wm.langs.index("id")
    assert -1.5 < f[0, en] < -1.0  # "the": ~5% of English tokens
    assert f[1, id_] > -2.5 and f[1, en] < -5.5
    assert (f[2] == FLOOR_LOG10).all()  # a word no list has: the floor everywhere, no evidence either way


@pytest.mark.parametrize(
    ("line", "native", "group", "min_llr"),
    [
        ("Link DEWA4D terbaru: login alternatif anti blokir, deposit 10 ribu via e-wallet", "en", "id", 8.0),
        ("cá độ bóng đá online uy tín tại 789BET official", "en", "vi", 10.0),
        ("Special offer: Ambien plus Vardenafil combo pack, free delivery worldwide", "de", "en", 8.0),
    ],
)
def test_spam_lines_favour_their_language(wm, line, native, group, min_llr):
    llr, g, share = wm.llr(line, [native], language_group)
    assert g == language_group(group) and llr >= min_llr and share >= 0.4


def test_share_leaves_out_the_words_both_languages_use_alike(wm):
    # code-mixed spam: bonus, member, deposit, via (loanwords) and gopay (in neither list) take no side; of the
    # 28 letters of the other words (Hanya and BOLA: read, not counted; new: English), 16 are in Indonesian words
    # (di, bisa, dana, ovo, dan). Over all 54 letters the share would be 0.30, under wordfreq_min_share.
    line = "Hanya di BOLA855: bonus new member 15%, bisa deposit via dana, ovo dan gopay"
    llr, group, share = wm.llr(line, ["en"], language_group)
    assert group == language_group("id") and round(llr, 2) == 11.4 and share == 16 / 28


@pytest.mark.parametrize(
    ("line", "native"),
    [
        ("The quick brown fox jumps over the lazy dog near the river bank", "en"),
        ("Site Update - Leseprobe Band 14 / Kapitel 121", "de"),
        ("Die meisten sehen Korsetts als unheimlich erotische oder extravagante Dessous.", "de"),
        # a results table repeats one abbreviation: each distinct word counts once
        (
            "1. Ott, Verena 1993 WÜ SSV Ulm 12,77 sec. 2. Knecht, Carina 13,01 sec. 3. Braun, Lea 13,20 sec.",
            "de",
        ),
    ],
)
def test_article_lines_do_not_favour_a_foreign_language(wm, line, native):
    llr, _, _ = wm.llr(line, [native], language_group)
    assert llr < 3.0


def test_sibling_languages_are_never_foreign(wm):
    # Malay words in an Indonesian page: same group, so the best foreign group is another one
    llr, group, _ = wm.llr("saya tidak tahu apa yang berlaku semalam", ["id", "ms"], language_group)
    assert group != language_group("ms") and llr < 3.0


def test_packed_index_is_cached_on_disk_and_loads_to_the_same_model(tmp_path, monkeypatch, wm):
    # The index is packed once per machine (stable xxh3 hashes) and loaded by every later process.
    import numpy as np

    from transforms.language import wordlm

    monkeypatch.setenv("CRAWLWASH_CACHE_DIR", str(tmp_path / "cache"))
    built = WordFrequencyModel()
    built.covers("en")  # packs wordfreq's lists and writes the cache
    cached = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert cached == [f"wordlm-wordfreq3.1.1-v2.{a}.npy" for a in ("codes", "hashes", "langs")]
    monkeypatch.setattr(wordlm, "_pack_wordfreq", lambda: pytest.fail("the cached index was not used"))
    loaded = WordFrequencyModel()
    assert loaded.covers("en") and loaded.langs == built.langs == wm.langs and len(loaded.langs) == 39
    words = ["terbaru", "blokir", "the", "und", "não", "qwzxv"]
    assert np.array_equal(loaded.log10_freqs(words), built.log10_freqs(words))
    assert np.array_equal(loaded.log10_freqs(words), wm.log10_freqs(words))
    line = "Link SLOT88 terbaru: login alternatif anti blokir, deposit 10 ribu"
    assert loaded.llr(line, ["en"], language_group) == wm.llr(line, ["en"], language_group)
    # an unreadable cache file is rebuilt, not an error
    (tmp_path / "cache" / "wordlm-wordfreq3.1.1-v2.codes.npy").write_bytes(b"not an npy")
    monkeypatch.setattr(wordlm, "_pack_wordfreq", lambda: (built._hashes, built._codes, ("en",) * 39))
    assert WordFrequencyModel().covers("en")


def test_counted_words_lower_as_python_does():
    # str.lower's own rules: a capital sigma ending a word is "ς"; a word starting with a capital is no word
    assert counted_words("aΣ στο ΣΟΦΙΑ ﬁnance x²y") == ["aς", "στο", "ﬁnance", "x²y"]
    # a lone surrogate (a JSON input can hold one) is no letter: it ends a word, and the text still scores
    assert counted_words("ab\ud800cd") == ["ab", "cd"]


def test_a_text_with_a_lone_surrogate_is_scored_as_its_words(wm):
    words = "baru dengan tidak"
    assert wm.llr(words.replace(" ", "\ud800"), ["en"], language_group) == wm.llr(words, ["en"], language_group)


def test_a_lines_ratio_is_numpys_float32_sum_over_its_words_in_hash_order(wm):
    # The compiled scorer adds as numpy's `add.reduceat` did: float32, the first word plus the pairwise sum of the
    # rest, words in the order of their hashes. On this line a plain running sum rounds differently.
    import numpy as np

    from transforms.language.wordlm import _stable_hash

    line = "saya tidak tahu apa yang berlaku semalam tetapi kami semua pergi ke pasar untuk membeli sayur dan buah"
    llr, group, _ = wm.llr(line, ["en"], language_group)
    words = sorted(dict.fromkeys(counted_words(line)), key=_stable_hash)
    f = wm.log10_freqs(words)
    diff = f - f[:, [wm.langs.index("en")]]  # words x languages, float32
    pairwise = [diff[0, j] + np.add.reduce(np.ascontiguousarray(diff[1:, j])) for j in range(len(wm.langs))]
    running = [np.float32(0.0)] * len(wm.langs)
    for row in diff:
        running = [np.float32(a + b) for a, b in zip(running, row)]
    foreign = [j for j, lang in enumerate(wm.langs) if language_group(lang) != language_group("en")]
    best = max(foreign, key=lambda j: pairwise[j])
    assert group == language_group(wm.langs[best]) == language_group("id")
    assert llr == float(pairwise[best]) != float(running[best])
