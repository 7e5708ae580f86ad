"""Quality statistics defined as datatrove 0.10.1 defines them: its own filter test cases, measured exactly.

Expected values were computed by datatrove itself (its `split_into_words`, `find_top_duplicate`,
`find_all_duplicate`) in its bench venv; `benchmarks/datatrove_parity.py` checks the same on real pages.
"""

from __future__ import annotations

import pytest

from transforms.quality import QualityConfig, compute_signals, decide, failing_reasons
from transforms.quality.words import tokens

EN = QualityConfig(preset="en")
# datatrove's test_filters.py builds GopherQualityFilter(min_doc_words=10, max_doc_words=1000)
SMALL = QualityConfig(preset="en", gopher_min_words=10, gopher_max_words=1000)

TEXT_LF_1 = (
    "I wish it need not have happened in my time,' said Frodo. 'So do I,' said Gandalf, 'and so do all who live to "
    "see such times. But that is not for them to decide. All we have to decide is what to do with the time that is "
    "given us.'"
)


def _gopher_quality(text: str, cfg: QualityConfig = SMALL) -> list[str]:
    return [r for r in failing_reasons(compute_signals(text, "en"), "en", cfg) if r.startswith("gopher_quality")]


def _repetition(text: str) -> list[str]:
    return [r for r in failing_reasons(compute_signals(text, "en"), "en", EN) if r.startswith("gopher_repetition")]


def test_symbol_junk_has_few_tokens_with_a_letter():
    # datatrove measures 0.168 (81 of 481 tokens have a letter) and drops the page; words without punctuation
    # tokens measured 1.0 and kept it. crawlwash leaves the 140 tokens of prose punctuation ("!", "?", "???")
    # out and counts the symbols ("./", "<", "////", "++"): 81 of 341, dropped as well
    text = "the ./!*?<><> apple <?////> orange  ++ interconnection !<>??? have" * 20
    sig = compute_signals(text, "en")
    assert sig["alpha_words_frac"] == 81 / 341
    assert "gopher_quality:alpha_words_frac_below_min" in _gopher_quality(text)
    assert sig["words"] == 81  # the symbol-only tokens are not words ("./", "////", "+" ...)


def test_stop_words_are_distinct_words():
    assert compute_signals("the " * 3 + "cat sat on a mat", "en")["stop_words"] == 1
    assert compute_signals("the the the of", "en")["stop_words"] == 2
    # datatrove: "Have Have" * 20 has no stop word at all (case matters, "HaveHave" is one token); "have " * 20
    # has one, and min_stop_words=2 drops both
    assert compute_signals("Have Have" * 20, "en")["stop_words"] == 0
    assert compute_signals("have " * 20, "en")["stop_words"] == 1
    assert "gopher_quality:stop_words_below_min" in _gopher_quality("Have Have" * 20)
    text = "The sun of the day and the moon " * 10  # "The" != "the": {the, of, and}
    assert compute_signals(text, "en")["stop_words"] == 3


def test_top_ngram_ties_take_the_first_seen_over_the_text_length():
    text = "I am Frank, you are Jhon. I am Frank. I am Frank you are Jhon"
    sig = compute_signals(text, "en")
    # "I am" and "am Frank" both occur 3 times: the first seen wins; characters of the joined n-gram over len(text)
    assert sig["top_2gram_char_frac"] == 4 * 3 / 61 == pytest.approx(0.19672131147540983)
    assert sig["top_3gram_char_frac"] == 10 * 3 / 61 == pytest.approx(0.4918032786885246)
    assert sig["top_4gram_char_frac"] == 12 * 2 / 61 == pytest.approx(0.39344262295081966)
    assert _repetition(text)[0] == "gopher_repetition:top_3gram_char_frac"  # datatrove: "top_3_gram"
    # an n-gram seen once counts too: the first one when none repeats
    assert compute_signals("alpha beta gamma delta", "en")["top_2gram_char_frac"] == len("alpha beta") / 22


def test_datatrove_repetition_cases():
    assert _repetition("I am your father.\n" * 4)[0] == "gopher_repetition:dup_line_frac"
    assert _repetition("I am your father.\n\n" * 4)[0] == "gopher_repetition:dup_para_frac"
    text = "I am groot.\n\n" + "You are a wizard.\n\n" + "I am your father.\n\n" + f"{'x' * 30}.\n\n" * 2
    assert _repetition(text)[0] == "gopher_repetition:dup_para_char_frac"
    text = "I am groot.\n" + "You are a wizard.\n" + "I am your father.\n" + f"{'x' * 40}.\n" * 2
    assert _repetition(text)[0] == "gopher_repetition:dup_line_char_frac"
    assert _repetition("I am Frank, I am Frank, I am Frank")[0] == "gopher_repetition:top_2gram_char_frac"
    text = "I am a solo traveller " * 4 + TEXT_LF_1
    sig = compute_signals(text, "en")
    assert sig["dup_5gram_char_frac"] == pytest.approx(0.16037735849056603, abs=1e-12)  # 51 of 318 characters
    assert "gopher_repetition:dup_5gram_char_frac" in _repetition(text)


def test_datatrove_gopher_quality_cases():
    assert _gopher_quality("I am too small...")[0] == "gopher_quality:word_count_below_min"
    assert _gopher_quality("I am " * 20)[0] == "gopher_quality:mean_word_length_below_min"
    assert _gopher_quality("interconnection " * 20)[0] == "gopher_quality:mean_word_length_above_max"
    assert "gopher_quality:hash_word_ratio_above_max" in _gopher_quality("# comment " * 20)
    assert "gopher_quality:ellipsis_word_ratio_above_max" in _gopher_quality("... comment " * 20)
    assert "gopher_quality:bullet_lines_frac_above_max" in _gopher_quality("• comment\n" * 20)
    assert "gopher_quality:bullet_lines_frac_above_max" in _gopher_quality("- comment\n" * 20)
    text = "text text text text text text text text text text text text…\n" * 20
    assert "gopher_quality:ellipsis_lines_frac_above_max" in _gopher_quality(text)
    assert _gopher_quality(TEXT_LF_1) == []


def test_fineweb_rules_keep_at_exactly_the_threshold():
    # 3 of 4 lines end in punctuation, 1 of 4 is short, the repeated line holds exactly the threshold's share
    line = "This line is long enough to not be short at all."
    text = "\n".join([line, line.replace("long", "wide"), line.replace("long", "big"), "short"])
    sig = compute_signals(text, "en")
    assert sig["fineweb_line_punct_ratio"] == 0.75 and sig["fineweb_short_line_ratio"] == 0.25
    at = QualityConfig(
        preset="en", fineweb_min_line_punct_ratio=0.75, fineweb_max_short_line_ratio=0.25, c4_enabled=False
    )
    assert [r for r in failing_reasons(sig, "en", at) if r.startswith("fineweb")] == []
    over = at.model_copy(update={"fineweb_min_line_punct_ratio": 0.76, "fineweb_max_short_line_ratio": 0.24})
    assert [r for r in failing_reasons(sig, "en", over) if r.startswith("fineweb")] == [
        "fineweb:line_punct_ratio",
        "fineweb:short_line_ratio",
    ]
    text = "\n".join([line, line, "A different line that ends here."])
    sig = compute_signals(text, "en")
    ratio = len(line) / (len(text) - 2)
    assert sig["fineweb_char_dup_ratio"] == ratio
    at = QualityConfig(preset="en", fineweb_max_char_dup_ratio=ratio)
    assert "fineweb:char_dup_ratio" not in failing_reasons(sig, "en", at)
    below = QualityConfig(preset="en", fineweb_max_char_dup_ratio=ratio - 1e-9)
    assert "fineweb:char_dup_ratio" in failing_reasons(sig, "en", below)


def test_fineweb_line_ends_follow_the_calibration():
    # FineWeb (English) counted . ' " ! ? ; FineWeb-2 datatrove's TERMINAL_PUNCTUATION (no quotes, 。 and ।)
    text = 'It ends here.\nShe said "stop"\n北京今天下雨。\nনতুন বছর শুরু।'
    assert compute_signals(text, "en")["fineweb_line_punct_ratio"] == 0.5
    assert compute_signals(text, "de")["fineweb_line_punct_ratio"] == 0.75


# Real sentences, tokenized as datatrove's tokenizer for the language does (spaCy blank en / de / cs): the same
# tokens, checked against spaCy's output when this test was written.
SPACY_TOKENS = {
    "en": (
        TEXT_LF_1,
        "I wish it need not have happened in my time , ' said Frodo . ' So do I , ' said Gandalf , ' and so do all "
        "who live to see such times . But that is not for them to decide . All we have to decide is what to do with "
        "the time that is given us . '",
    ),
    "de": (
        "Die Bundesregierung hat am 1. Mai z. B. neue E-Mail-Regeln beschlossen, bzw. angekündigt "
        "(siehe www.bund.de/regeln).",
        "Die Bundesregierung hat am 1. Mai z. B. neue E-Mail-Regeln beschlossen , bzw. angekündigt ( siehe "
        "www.bund.de/regeln ) .",
    ),
    "cs": (
        "Vláda ve středu schválila návrh zákona, který má od 1. ledna 2025 zjednodušit stavební řízení.",
        "Vláda ve středu schválila návrh zákona , který má od 1 . ledna 2025 zjednodušit stavební řízení .",
    ),
}


@pytest.mark.parametrize("lang", sorted(SPACY_TOKENS))
def test_tokens_match_spacy_on_real_sentences(lang: str):
    text, expected = SPACY_TOKENS[lang]
    assert tokens(text, lang) == expected.split(" ")


def test_english_clitics_and_abbreviations():
    assert tokens("I'm sure Dr. Smith doesn't know it's 9:00 in the U.S.", "en") == [
        "I", "'m", "sure", "Dr.", "Smith", "does", "n't", "know", "it", "'s", "9:00", "in", "the", "U.S.",
    ]  # fmt: skip


def test_unsegmented_runs_are_icu_words_and_punctuation_tokens():
    assert tokens("北京市政府今天发布了新的交通管理办法。要求各区", "zh") == [
        "北京市", "政府", "今天", "发布", "了", "新的", "交通", "管理", "办法", "。", "要求", "各区",
    ]  # fmt: skip


def test_decide_drops_symbol_junk_under_every_preset():
    text = "the ./!*?<><> apple <?////> orange  ++ interconnection !<>??? have" * 20
    for cfg in (EN, QualityConfig(), QualityConfig(preset="multilingual")):
        rej = decide(compute_signals(text, "en"), "en", cfg)
        assert rej is not None and rej.reason.startswith("gopher")
