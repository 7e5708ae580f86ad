"""Words per language (ICU for scripts without spaces) and the language-aware `auto` quality preset (FineWeb-2's
per-language thresholds and stop words), on real pages where the data is at hand."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from transforms.quality import QualityConfig, compute_signals, decide, failing_reasons, language_thresholds
from transforms.quality.fineweb2 import FALLBACK, stop_words, table
from transforms.quality.stopwords import GOPHER_STOP_WORDS, stop_words_for
from transforms.quality.words import split_words

AUTO = QualityConfig()
EN = QualityConfig(preset="en")


def test_icu_words_of_scripts_without_spaces():
    assert split_words("東京都は今日、新しい交通計画を発表しました")[0] == [
        "東京", "都", "は", "今日", "新しい", "交通", "計画", "を", "発表", "しま", "した",
    ]  # fmt: skip
    assert split_words("กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย")[0] == [
        "กรุงเทพมหานคร", "เป็น", "เมือง", "หลวง", "ของ", "ประเทศไทย",
    ]  # fmt: skip
    assert split_words("ប្រទេសកម្ពុជាគឺជាប្រទេសមួយ")[0] == ["ប្រទេស", "កម្ពុជា", "គឺជា", "ប្រទេស", "មួយ"]
    # a character outside the BMP (ICU counts UTF-16 units): the words after it are not shifted
    assert split_words("𠀀東京都")[0][-2:] == ["東京", "都"]
    # Latin keeps the regex; Indic words keep their vowel signs (combining marks)
    assert split_words("don't stop 173,569 e.g. well-known")[0] == ["don't", "stop", "173,569", "e.g", "well-known"]
    assert split_words("নমস্কার বাংলা ভাষা")[0] == ["নমস্কার", "বাংলা", "ভাষা"]
    assert split_words("नमस्ते दुनिया")[0] == ["नमस्ते", "दुनिया"]


def test_table_maps_lid_labels_to_fineweb2_configs():
    t = table()
    configs = {lang: e["config"] for lang, e in t["languages"].items()}
    assert len(configs) == 172 and "en" not in configs
    assert {k: configs[k] for k in ("zh", "ja", "th", "bn", "my", "ar", "lv", "es", "de", "cs", "fa", "no")} == {
        "zh": "cmn_Hani", "ja": "jpn_Jpan", "th": "tha_Thai", "bn": "ben_Beng", "my": "mya_Mymr",
        "ar": "arb_Arab", "lv": "lvs_Latn", "es": "spa_Latn", "de": "deu_Latn", "cs": "ces_Latn",
        "fa": "fas_Arab", "no": "nob_Latn",
    }  # fmt: skip
    assert t["source"].startswith("huggingface/fineweb-2") and t[FALLBACK]["stopwords"] == []
    license_text = resources.files("transforms.quality").joinpath("FINEWEB2_LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in license_text


def test_language_thresholds_follow_fineweb2():
    ja = language_thresholds("ja")
    assert ja["rep_max_dup_5gram_char_frac"] == 0.243 and ja["rep_max_top_2gram_char_frac"] == 0.239
    assert ja["rep_max_dup_line_frac"] == 0.328 and ja["fineweb_max_newline_word_ratio"] == 0.13
    assert ja["gopher_min_mean_word_length_chars"] == 1 and ja["gopher_max_mean_word_length_chars"] == 6
    assert ja["c4_enabled"] is False and ja["fineweb_max_char_dup_ratio"] == 0.1
    assert ja["fineweb_max_short_line_ratio"] is None and ja["rep_max_dup_para_frac"] is None
    assert language_thresholds("th")["fineweb_min_line_punct_ratio"] is None  # FineWeb-2's 0: rule off
    assert language_thresholds("en") is None and language_thresholds(None) is None
    assert language_thresholds("tlh")["rep_max_dup_line_frac"] == table()[FALLBACK]["dup_line_frac"]
    assert language_thresholds("tlh")["gopher_min_stop_words"] is None  # no list, no stop-word rule


def test_auto_preset_keeps_english_and_explicit_keys():
    assert AUTO.for_language("en") is AUTO and AUTO.for_language(None) is AUTO
    de = AUTO.for_language("de")
    assert de.c4_enabled is False and de.rep_max_dup_5gram_char_frac == 0.141
    assert EN.for_language("de") is EN  # the `en` preset judges every language by the section
    explicit = QualityConfig(rep_max_dup_5gram_char_frac=0.5)
    assert explicit.for_language("de").rep_max_dup_5gram_char_frac == 0.5  # a key set in the config wins
    assert explicit.for_language("de").rep_max_dup_6gram_char_frac == 0.134
    # a fully resolved section (every key given, as in a saved config.yaml) still gets FineWeb-2's values
    resolved = QualityConfig.model_validate(AUTO.model_dump())
    assert resolved.model_fields_set >= {"rep_max_dup_5gram_char_frac", "c4_enabled"}
    assert resolved.for_language("de") == de


def test_stop_words_come_from_gopher_and_fineweb2():
    assert stop_words_for("en") == GOPHER_STOP_WORDS
    assert {"der", "die", "und"} <= stop_words_for("de")
    assert "的" in stop_words_for("zh-Hans") and stop_words("zh") == stop_words_for("zh")
    assert stop_words_for("tlh") is None and stop_words_for(None) is None


CHINESE_ARTICLE = (  # xinhuanet.com, 2020-02-19 (the CC excerpt's page, first paragraphs)
    "“妈妈，为什么还不能出去？”\n“宝贝，我们在打一场无声的战役，每个在家里不出去的人都是英雄哦！”\n"
    "在抗击新冠肺炎疫情的日子里，封在武汉的父母们总要万般无奈而又小心翼翼回应着孩子天真的追问。\n"
    "即便日常已改变了模样，但生活依然要继续。纵然已有焦虑煎熬，但内心仍需要坚强。居家一日游、前后楼隔空喊话、"
    "躺平就是做贡献，这些带有几分调侃意味的举动，却是众多武汉市民近一个月来真实的经历。\n"
    "1月23日，武汉全面封闭离汉通道时，武汉三镇尚有900多万人口，其中不少人是满怀一年的期盼，千里迢迢、"
    "从四面八方回汉和亲人团聚。一个月来，他们和武汉人一起，守在家中，守望相助。"
)


def test_real_chinese_article_kept_by_auto_dropped_by_en():
    sig = compute_signals(CHINESE_ARTICLE, "zh")
    assert decide(sig, "zh", AUTO) is None
    assert failing_reasons(sig, "zh", EN)[0] == "c4:too_few_sentences"  # C4's line rules want . ? ! and spaces


@pytest.mark.parametrize("lang", ["zh", "ja", "th", "de", "en"])
def test_table_is_json_with_every_key(lang):
    raw = json.loads(resources.files("transforms.quality").joinpath("fineweb2.json").read_text(encoding="utf-8"))
    entry = raw["languages"].get(lang)
    if lang == "en":
        assert entry is None
    else:
        assert set(entry) == {"config", "dup_line_frac", "dup_n_grams", "top_n_grams", "line_punct_thr",
                              "new_line_ratio", "min_avg_word_length", "max_avg_word_length",
                              "max_non_alpha_words_ratio", "stopwords"}  # fmt: skip
