"""Language stage: document language ID, per-line foreign script / language stripping, Beam transform."""

from __future__ import annotations

import importlib
import json
import os
from dataclasses import fields

import apache_beam as beam
import pytest
import trafilatura
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from fastwarc.warc import ArchiveIterator, WarcRecordType

from tests.conftest import BENCH_WARC, SEED_CLEAN, SEED_REPEATED, SEED_SPAM, WARC_DIR
from transforms.core import UNIT_LINES, Doc, sample_keep
from transforms.language import (
    COLUMNS,
    HAN,
    KANA,
    LATIN,
    REASON_FOREIGN_LANGUAGE,
    REASON_FOREIGN_SCRIPT,
    REASON_MOJIBAKE,
    CleanLanguage,
    LanguageConfig,
    LanguageModel,
    clean_language,
    decide,
    edit_text,
    identify,
    is_mojibake,
    is_name_like,
    is_quote_or_reference,
    language_group,
    normalize_label,
    read_lines,
    script_counts,
    strip_foreign_lines,
)

COUNTY_LINE_START = "主站蜘蛛池模板: 嵊泗县| 永新县|"
MOJIBAKE_LINES = [
    "- 娌狪CP璇侊細娌狪CP澶05050403鍙-1",
    "- 浜掕仈缃戞柊闂讳俊鎭湇鍔¤鍙瘉锛31120180004",
    "- 缃戠粶瑙嗗惉璁稿彲璇侊細0909346",
    "- 骞挎挱鐢佃鑺傜洰鍒朵綔璁稿彲璇侊細娌瓧绗354鍙",
    "- 澧炲肩數淇′笟鍔$粡钀ヨ鍙瘉锛氭勃B2-20120012",
]
PHARMACY_SPAM = [
    "Buy cheap Cialis 20mg online without prescription, fast and discreet worldwide delivery",
    "Order generic Viagra tablets today and save up to 70 percent with our trusted online pharmacy",
    "Tramadol and Xanax for sale, no doctor visit needed, overnight shipping to your door",
]


def _lines(path) -> list[str]:
    """Seed text with the minimal normalization the upstream stage does (strip each line, drop empties)."""
    return [ln.strip() for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip()]


@pytest.fixture(scope="module")
def model() -> LanguageModel:
    return LanguageModel()


@pytest.fixture(scope="module")
def cfg() -> LanguageConfig:
    return LanguageConfig()


def _extract_warc(path, limit: int | None = None, want=None) -> list[str]:
    out = []
    with open(path, "rb") as f:
        for rec in ArchiveIterator(f, record_types=WarcRecordType.response):
            body = rec.reader.read()
            text = trafilatura.extract(body)
            if not text:
                continue
            text = "\n".join(ln.strip() for ln in text.split("\n") if ln.strip())
            if want is None or want(text):
                out.append(text)
                if limit and len(out) >= limit:
                    break
    return out


# --- pure core -----------------------------------------------------------------------------------------------


def test_normalize_label_lid176_and_glotlid():
    assert normalize_label("__label__en") == ("en", None)
    assert normalize_label("__label__eng_Latn") == ("en", "Latn")
    assert normalize_label("__label__cmn_Hani") == ("zh", "Hani")
    assert normalize_label("__label__xyz_Latn") == ("xyz", "Latn")


def test_script_counts():
    counts = script_counts("Hello, 世界! ヘッド 2024")
    assert counts == {LATIN: 5, HAN: 2, KANA: 3}
    assert script_counts("12:30 | -- ©") == {}
    # Many distinct characters above the BMP (str.translate leaves them as they are): counted in one pass.
    ext_b = "".join(chr(0x20000 + i) for i in range(40_000)) + "ab\U0001F600"
    assert script_counts(ext_b) == {HAN: 40_000, LATIN: 2}  # the emoji is no letter


def test_is_mojibake_on_seed_footer_and_not_on_real_chinese():
    for line in MOJIBAKE_LINES:
        assert is_mojibake(line), line
    for line in ["主站蜘蛛池模板: 嵊泗县| 永新县", "电话：021-54098575 传真：021-54098577", "查车系", "新华社香港4月22日电"]:
        assert not is_mojibake(line), line


def test_identify_seed(model):
    res = identify("\n".join(_lines(SEED_CLEAN)), model)
    assert res.lang == "en" and res.score > 0.9
    assert res.lang2 is not None and res.score2 is not None and res.score2 < res.score


def test_seed_000_county_list_gone_article_intact(model, cfg):
    lines = _lines(SEED_SPAM)
    res = strip_foreign_lines("\n".join(lines), "en", model, cfg)
    assert res.lines_removed == 1
    assert res.reasons == {REASON_FOREIGN_SCRIPT: 1}
    assert res.removed[0].startswith(COUNTY_LINE_START)
    assert res.chars_removed == len(res.removed[0])
    kept = res.text.split("\n")
    assert kept == [ln for ln in lines if not ln.startswith(COUNTY_LINE_START)]
    for sentence in _lines(SEED_CLEAN):  # every sentence of the English article, exactly
        assert sentence in kept


def test_seed_004_mojibake_footer_gone(model, cfg):
    lines = _lines(SEED_REPEATED)
    res = strip_foreign_lines("\n".join(lines), "en", model, cfg)
    assert res.removed == MOJIBAKE_LINES
    assert res.reasons == {REASON_MOJIBAKE: 5}
    assert res.text.split("\n") == [ln for ln in lines if ln not in MOJIBAKE_LINES]
    assert "Nowadays, government microblogs are becoming service-oriented, innovative and easygoing." in res.text
    assert "Copyright 漏 1999- Shanghai Daily. All rights reserved.Preferably viewed with Internet Explorer 8 or newer browsers." in res.text


def test_clean_seed_untouched(model, cfg):
    text = "\n".join(_lines(SEED_CLEAN))
    res = clean_language(text, model, cfg)
    assert res.strip.text == text and res.strip.lines_removed == 0
    assert res.after.lang == "en"


def test_english_sentence_quoting_french_stays(model, cfg):
    lines = _lines(SEED_CLEAN)
    quote = "The spokesman shrugged and said \"c'est la vie\" before the committee moved on to the next question."
    text = "\n".join(lines[:3] + [quote] + lines[3:])
    res = strip_foreign_lines(text, "en", model, cfg)
    assert res.lines_removed == 0 and quote in res.text.split("\n")


def test_numbers_names_punctuation_are_not_foreign(model, cfg):
    lines = _lines(SEED_CLEAN)
    extra = ["2018-01-24 13:09", "|", "Zhu Huaxin", "+86 10 6499 5000", "*** --- ***"]
    res = strip_foreign_lines("\n".join(lines[:2] + extra + lines[2:]), "en", model, cfg)
    assert res.lines_removed == 0


@pytest.fixture(scope="module")
def chinese_pages(model) -> list[str]:
    pages = _extract_warc(WARC_DIR / "chatnoir-eu+chatnoir-resiliparse" / "warcfile.warc.gz")
    return [p for p in pages if identify(p, model).lang == "zh"]


def test_chinese_pages_keep_their_chinese(model, cfg, chinese_pages):
    assert len(chinese_pages) >= 8
    for page in chinese_pages:
        res = clean_language(page, model, cfg)
        assert res.before.lang == "zh"
        assert res.strip.chars_removed <= 0.05 * len(page), res.strip.removed[:5]


@pytest.fixture(scope="module")
def german_page(model, cfg) -> str:
    def clean_german(text: str) -> bool:
        if len(text.split("\n")) < 12 or identify(text, model).lang != "de":
            return False
        return strip_foreign_lines(text, "de", model, cfg).lines_removed == 0

    return _extract_warc(BENCH_WARC, limit=1, want=clean_german)[0]


def test_german_page_loses_exactly_the_pharmacy_spam(model, cfg, german_page):
    lines = german_page.split("\n")
    for at in (0, len(lines) // 2, len(lines)):
        text = "\n".join(lines[:at] + PHARMACY_SPAM + lines[at:])
        res = clean_language(text, model, cfg)
        assert res.before.lang == "de"
        assert res.strip.removed == PHARMACY_SPAM
        assert res.strip.reasons == {REASON_FOREIGN_LANGUAGE: 3}
        assert res.strip.text == german_page


def test_german_page_single_spam_line(model, cfg, german_page):
    lines = german_page.split("\n")
    text = "\n".join(lines[:5] + PHARMACY_SPAM[1:2] + lines[5:])
    res = strip_foreign_lines(text, "de", model, cfg)
    assert res.removed == PHARMACY_SPAM[1:2] and res.text == german_page


def test_english_sentences_quoting_japanese_or_chinese_phrases_stay(model, cfg):
    # A few kana used to make the whole line "Japanese" (fastText reads kana as Japanese, whatever the rest
    # says); a line at least 3/4 Latin is now read without its Han/kana phrase.
    lines = _lines(SEED_CLEAN)
    quotes = [
        'As one reader put it, the phrase "こんにちは" sums up the idea better than any translation we tried.',
        "The sign above the door simply read おもてなし, which the owner translates as hospitality.",
        'Locals call the dish 小笼包 ("soup dumplings"), and it is served only in winter.',
    ]
    text = "\n".join(lines[:3] + quotes + lines[3:])
    res = strip_foreign_lines(text, "en", model, cfg)
    assert res.lines_removed == 0 and res.text == text
    # a Han list is still foreign (Han is most of its letters): the removal the quote rule must not weaken
    han = "北京 上海 广州 深圳 天津 重庆 成都 武汉 杭州 南京 西安 苏州 郑州 长沙"
    res = strip_foreign_lines("\n".join(lines[:3] + [han] + lines[3:]), "en", model, cfg)
    assert res.removed == [han]


def test_indonesian_and_vietnamese_gambling_run_in_english_page(model, cfg):
    lines = _lines(SEED_CLEAN)
    spam = [
        "Situs judi slot online terpercaya dengan RTP tertinggi, daftar sekarang dan dapatkan bonus new member",
        "Bandar togel resmi, deposit pulsa tanpa potongan, proses withdraw cepat dan aman setiap hari",
        "Nhà cái uy tín hàng đầu, cá cược bóng đá trực tuyến và nhận khuyến mãi hấp dẫn mỗi ngày",
    ]
    res = strip_foreign_lines("\n".join(lines[:6] + spam + lines[6:]), "en", model, cfg)
    assert res.removed == spam
    assert res.text == "\n".join(lines)


def test_chinese_spam_in_japanese_page(model, cfg):
    pages = _extract_warc(WARC_DIR / "chatnoir-eu+chatnoir-resiliparse" / "clueweb-quirk.warc.gz", limit=1)
    page = pages[0]
    assert identify(page, model).lang == "ja"
    spam = ["澳门新葡京官方网站，注册即送88元彩金，真人百家乐在线娱乐", "北京赛车pk10开奖直播，时时彩平台注册"]
    lines = page.split("\n")
    res = strip_foreign_lines("\n".join(lines[:4] + spam + lines[4:]), "ja", model, cfg)
    assert res.removed == spam and res.text == page
    # alone, with two simplified-only characters (开, 奖) among its 14: Japanese has neither
    lone = "皇冠体育比分直播|七星彩开奖号码"
    text = "\n".join(lines[:4] + [lone] + lines[4:])
    assert strip_foreign_lines(text, "ja", model, cfg).removed == [lone]
    strict = cfg.model_copy(update={"simplified_min_fraction": 0.15, "han_words_min_llr": 1e9})
    assert strip_foreign_lines(text, "ja", model, strict).lines_removed == 0
    # no simplified-only character at all: its words are Chinese (注册, 彩金, 投注), not Japanese
    lone = "注册即送63元彩金、体育投注首存送100%"
    assert not any(ch in model.simplified_only for ch in lone)
    assert strip_foreign_lines("\n".join(lines[:4] + [lone] + lines[4:]), "ja", model, cfg).removed == [lone]
    # Japanese lines of Han only (a headline, an office, a company) stay
    own = ["東京都知事選挙結果速報", "国土交通省道路局", "株式会社日立製作所", "令和元年度予算案概要"]
    text = "\n".join(lines[:4] + own + lines[4:])
    assert strip_foreign_lines(text, "ja", model, cfg).lines_removed == 0


def test_chinese_spam_run_longer_than_a_japanese_page_does_not_make_it_chinese(model, cfg):
    # A short Japanese shop ranking (357 characters) and a run of Chinese gambling spam: kana are 10% or more of the
    # page's Han and kana letters, so it stays Japanese and loses exactly the Chinese lines. Before, the vote
    # went to Chinese and the page's own Japanese lines were stripped as a foreign script.
    path = WARC_DIR / "chatnoir-eu+chatnoir-resiliparse" / "clueweb-quirk.warc.gz"
    (page,) = _extract_warc(path, limit=1, want=lambda t: t.startswith("| 12月度 |\n| 人気ランキング |"))
    spam = [  # benchmarks/language_eval.py's zh_in_ja lines (dev bank, seed 7)
        "时时彩平台注册，信誉最好的网上赌场，六合彩开奖结果查询",
        "威尼斯人在线平台|北京赛车pk10开奖直播|体育投注首存送70%|时时彩平台注册",
        "皇冠体育比分直播 真人百家乐在线娱乐 银河娱乐官网登录 时时彩平台注册",
        "真人百家乐在线娱乐、时时彩平台注册、永利皇宫网址大全、北京赛车pk10开奖直播、捕鱼游戏现金版",
        "官方授权正规平台，七星彩开奖号码，注册即送40元彩金，皇冠体育比分直播，天天返水无上限",
    ]
    lines = page.split("\n")
    res = clean_language("\n".join(lines[:2] + spam + lines[2:]), model, cfg)
    assert res.before.lang == "ja" and res.after.lang == "ja"
    assert res.strip.removed == spam and res.strip.text == page
    # at the very top, the run also takes the page's first line, the one-word label "| 12月度 |" next to it
    res = clean_language("\n".join(spam + lines), model, cfg)
    assert res.before.lang == "ja" and res.strip.removed == [*spam, "| 12月度 |"]


def test_sample_keep_is_deterministic():
    keys = [f"doc{i}" for i in range(1000)]
    picked = [k for k in keys if sample_keep(k, 0.1)]
    assert picked == [k for k in keys if sample_keep(k, 0.1)]
    assert 60 <= len(picked) <= 140
    assert all(sample_keep(k, 1.0) for k in keys) and not any(sample_keep(k, 0.0) for k in keys)


def test_config_rejects_unknown_keys():
    with pytest.raises(ValueError):
        LanguageConfig(min_scor=0.3)  # type: ignore[call-arg]


# --- Beam -----------------------------------------------------------------------------------------------------


def _doc(doc_id: str, text: str) -> Doc:
    return Doc(id=doc_id, source="seeds", source_record="file", text=text)


def test_clean_language_transform():
    spam_text = "\n".join(_lines(SEED_SPAM))
    clean_text = "\n".join(_lines(SEED_CLEAN))
    docs = [_doc("spam", spam_text), _doc("clean", clean_text), _doc("empty", "  \n "), _doc("digits", "2024 | 12")]
    with TestPipeline() as p:
        out = p | beam.Create(docs) | CleanLanguage(LanguageConfig())
        kept = out.kept | "kept" >> beam.Map(
            lambda d: (d.id, d.lang, d.attrs["foreign_lines_removed"], json.loads(d.attrs["foreign_removed_by_reason"]),
                       COUNTY_LINE_START in d.text, d.text.count("\n") + 1)
        )
        assert_that(
            kept,
            equal_to([
                ("spam", "en", 1, {"foreign_script": 1}, False, len(_lines(SEED_SPAM)) - 1),
                ("clean", "en", 0, {}, False, len(_lines(SEED_CLEAN))),
            ]),
            label="kept",
        )
        dropped = out.dropped | "dropped" >> beam.Map(lambda d: (d.id, d.reason, d.unit, d.text[: len(COUNTY_LINE_START)]))
        assert_that(
            dropped,
            equal_to([
                ("spam", "foreign_script", UNIT_LINES, COUNTY_LINE_START),
                ("empty", "no_text", "record", "  \n "),
                ("digits", "lang_score_below_threshold", "record", "2024 | 12"),
            ]),
            label="dropped",
        )
        assert_that(out.failed, equal_to([]), label="failed")


def test_clean_language_transform_allowed_and_sampling():
    spam_text = "\n".join(_lines(SEED_SPAM))
    cfg = LanguageConfig(allowed=["de", "fr"], rejected_lines_sample_rate=0.0)
    with TestPipeline() as p:
        out = p | beam.Create([_doc("spam", spam_text)]) | CleanLanguage(cfg)
        assert_that(out.kept, equal_to([]), label="kept")
        assert_that(
            out.dropped | beam.Map(lambda d: (d.id, d.reason, d.unit, d.detail, COUNTY_LINE_START in d.text)),
            equal_to([("spam", "lang_not_allowed", "record", "lang=en", False)]),
            label="dropped",
        )


def test_columns_declared():
    assert [f.name for f in COLUMNS] == ["foreign_lines_removed", "foreign_chars_removed", "foreign_removed_by_reason"]
    assert all(f.nullable for f in COLUMNS)


# --- spam-robust document language, names, scoring ------------------------------------------------------------


def test_vote_language_ignores_a_large_han_list(model, cfg):
    lines = _lines(SEED_CLEAN)[:4]
    county = next(ln for ln in _lines(SEED_SPAM) if ln.startswith(COUNTY_LINE_START))
    text = "\n".join(lines + [county] * 5)
    assert model.predict(" ".join(text.split()), k=1)[0][0] == "zh"  # one whole-text call is swayed by the list
    res = clean_language(text, model, cfg)
    assert res.before.lang == "en"
    assert res.strip.reasons == {REASON_FOREIGN_SCRIPT: 5} and res.strip.text == "\n".join(lines)
    assert res.after.lang == "en" and res.after.score > 0.8


def test_is_name_like():
    assert is_name_like("GOLD: Program Promotional Campaign - Out-Of-House", 8)
    assert is_name_like("— Michael Preetz (@michaelpreetz) July 21, 2017", 8)
    assert not is_name_like("Buy cheap Cialis 20mg online without prescription, fast and discreet delivery", 8)
    assert not is_name_like("GOLD: Program Promotional Campaign", 0)


def test_german_page_keeps_english_award_titles(model, cfg, german_page):
    lines = german_page.split("\n")
    titles = ["GOLD: Program Promotional Campaign - Out-Of-House", "SILVER: General Brand Campaign",
              "BRONZE: Dramatic Program Spot Or Campaign"]
    res = strip_foreign_lines("\n".join(lines[:3] + titles + lines[3:]), "de", model, cfg)
    assert res.lines_removed == 0


def test_indonesian_run_with_brand_tokens(model, cfg):
    lines = _lines(SEED_CLEAN)
    spam = [
        "Hanya di HOKI138: pelayanan 24 jam nonstop, deposit pulsa tanpa potongan dan proses withdraw cepat",
        "Bandar togel resmi TOGEL4D, minimal deposit 25 ribu, proses withdraw cepat dan aman setiap hari",
    ]
    res = strip_foreign_lines("\n".join(lines[:5] + spam + lines[5:]), "en", model, cfg)
    assert res.removed == spam and res.reasons == {REASON_FOREIGN_LANGUAGE: 2}


def test_lang_score_on_fasttext_scale(model, cfg, german_page):
    res = clean_language(german_page, model, cfg)
    assert res.after.lang == "de" and res.after.score > 0.9 and res.after.lang2 != "de"


# --- spam blocks: neighbours of removed lines ---------------------------------------------------------------

MIXED_ID_LINE = "Ayo pasti maxwin setiap hari bersama GACOR77, bonus new member 15%!"  # fastText: en 0.64, id 0.20
MIXED_ID_BLOCK = [
    "Situs judi slot online terpercaya dengan RTP tertinggi, daftar sekarang dan dapatkan bonus new member",
    "Bandar togel resmi, deposit pulsa tanpa potongan, proses withdraw cepat dan aman setiap hari",
    MIXED_ID_LINE,
]


# fastText's evidence alone: neither the word lists nor the gambling lexicon (tests/test_language_gambling.py)
FASTTEXT_ONLY = {"wordfreq_enabled": False, "gambling_lexicon": False, "pharmacy_lexicon": False}


def test_mixed_line_next_to_removed_spam_goes_with_the_block(model, cfg):
    lines = _lines(SEED_CLEAN)
    block = MIXED_ID_BLOCK
    text = "\n".join(lines[:6] + block + lines[6:])
    res = strip_foreign_lines(text, "en", model, cfg)
    assert res.removed == block and res.reasons == {REASON_FOREIGN_LANGUAGE: 3}
    assert res.text == "\n".join(lines)
    fasttext_only = cfg.model_copy(update=FASTTEXT_ONLY)
    assert strip_foreign_lines(text, "en", model, fasttext_only).removed == block  # the neighbour rule alone
    off = strip_foreign_lines(text, "en", model, fasttext_only.model_copy(update={"neighbour_min_foreign_score": 1.0}))
    assert off.removed == block[:2]  # on fastText's evidence alone the mixed line reads English
    # its words are Indonesian (ayo, pasti, setiap, hari, bersama): evidence on their own, without the neighbours
    words = strip_foreign_lines(text, "en", model, cfg.model_copy(update={"neighbour_min_foreign_score": 1.0}))
    assert words.removed == block and words.reasons == {REASON_FOREIGN_LANGUAGE: 3}


def test_three_passes_line_table_decisions_edit(model, cfg):
    """The stage's passes one by one: pass 1's line table (every column one entry per line), pass 2's decisions
    (read from the table alone), pass 3's edit."""
    lines = _lines(SEED_CLEAN)
    block = MIXED_ID_BLOCK
    text = "\n".join(lines[:6] + block + lines[6:])
    table = read_lines(text, model, cfg)
    n = len(table.lines)
    columns = [f.name for f in fields(table) if isinstance(getattr(table, f.name), list)]
    assert len(columns) == 26 and all(len(getattr(table, c)) == n for c in columns)
    assert table.vote.lang == "en" and (table.doc_lang, table.native_langs) == ("en", ("en",))
    spam, indonesian = [6, 7, 8], language_group("id")
    assert [table.preds[i][0][0] for i in spam] == ["id", "id", "en"]  # fastText reads the mixed line English
    assert [table.top_foreign[i] for i in spam] == [indonesian] * 3
    assert [table.word_group[i] for i in spam] == [indonesian] * 3  # its words are Indonesian
    assert min(table.word_llr[i] for i in spam) >= cfg.wordfreq_run_llr
    assert [i for i in range(n) if table.material[i] != 1.0] == [8]  # the brand code GACOR77 weighs less
    assert [table.gambling[i] for i in spam] == [indonesian] * 3  # the gambling lexicon agrees
    assert [i for i in range(n) if table.gambling[i] or table.gambling_hint[i]] == spam
    assert [i for i in range(n) if table.quote_or_reference[i]] == [3, 10, 13, 16]
    decisions = decide(table, model, cfg)
    assert decisions.reason == [None] * 6 + [REASON_FOREIGN_LANGUAGE] * 3 + [None] * (n - 9)
    assert decisions.group == {6: indonesian, 7: indonesian, 8: indonesian}
    stripped = edit_text(text, table, decisions)
    assert stripped.removed == block and stripped.removed_at == spam and stripped.text == "\n".join(lines)


def test_lone_mixed_line_inside_article_goes_by_its_words(model, cfg):
    lines = _lines(SEED_CLEAN)
    text = "\n".join(lines[:6] + [MIXED_ID_LINE] + lines[6:])
    res = strip_foreign_lines(text, "en", model, cfg)
    assert res.removed == [MIXED_ID_LINE] and res.text == "\n".join(lines)
    # fastText alone reads it English (0.64): a lone weak line stays
    off = strip_foreign_lines(text, "en", model, cfg.model_copy(update=FASTTEXT_ONLY))
    assert off.lines_removed == 0 and off.text == text


@pytest.mark.parametrize(
    "line",
    [
        # code-mixed gambling spam: the loanwords read English to fastText, the other words are Indonesian
        "Link SULTAN99 terbaru: slot online gampang menang, agen casino online terbaik",
        "Link DEWA4D terbaru: login alternatif anti blokir, deposit 10 ribu via e-wallet",
        # ... and lines where the loanwords (bonus, member, deposit) outnumber the Indonesian words: the share of
        # the letters in Indonesian words leaves out the words both languages use alike (issue 25's dev misses)
        "Hanya di BOLA855: bonus new member 15%, bisa deposit via dana, ovo dan gopay",
        "Ayo bonus new member 80% bersama HOKI138, bisa deposit via dana, ovo dan gopay!",
        # English pharmacy spam that fastText reads only 0.38 English in a German article
        "Special offer: Ambien plus Vardenafil combo pack, free delivery worldwide",
    ],
)
def test_code_mixed_and_short_spam_lines_go_by_their_words(model, cfg, german_page, line):
    host = _lines(SEED_CLEAN) if "Ambien" not in line else german_page.split("\n")
    lang = "de" if "Ambien" in line else "en"
    text = "\n".join(host[:3] + [line] + host[3:])
    res = strip_foreign_lines(text, lang, model, cfg)
    assert res.removed == [line] and res.reasons == {REASON_FOREIGN_LANGUAGE: 1}
    assert strip_foreign_lines(text, lang, model, cfg.model_copy(update=FASTTEXT_ONLY)).lines_removed == 0


@pytest.mark.parametrize(
    "line",
    [
        "We ordered nasi goreng and sate ayam at a night market in Jakarta before the storm arrived.",
        "The minister said the word gotong royong, mutual help, sums up how villages rebuilt after the flood.",
        "| | January 2021 | | Su | Mo | Tu | We | Th | Fr | Sa | | | | | | | 1 | 2 |",
    ],
)
def test_english_with_a_foreign_phrase_and_label_rows_stay(model, cfg, line):
    host = _lines(SEED_CLEAN)
    text = "\n".join(host[:3] + [line] + host[3:])
    assert strip_foreign_lines(text, "en", model, cfg).lines_removed == 0


def test_calendar_rows_in_a_german_page_are_not_judged(model, cfg, german_page):
    rows = [
        "| | January 2021 | | Su | Mo | Tu | We | Th | Fr | Sa | | | | | | | 1 | 2 | | 3 | 4 | 5 | 6 | 7 | 8 | 9 |",
        "| | February 2021 | | Su | Mo | Tu | We | Th | Fr | Sa | | 1 | 2 | 3 | 4 | 5 | 6 | | 7 | 8 | 9 | 10 |",
        "| Belegt / occupied |",
    ]
    text = "\n".join([german_page, *rows])
    assert strip_foreign_lines(text, "de", model, cfg).lines_removed == 0


# --- legitimate foreign material, no-evidence predictions, short pages (fourth pass) --------------------------


def test_no_evidence_prediction_is_not_foreign(model, cfg, german_page):
    # lid.176.ftz answers its prior (en 0.12, ca 0.09, de 0.08) when none of a text's n-grams are in the model
    assert model.no_evidence(model.predict("", k=3))
    assert model.no_evidence(model.predict("What do you call a fake noodle", k=3))
    assert not model.no_evidence(model.predict("Das ist ein ganz normaler deutscher Satz", k=3))
    lines = german_page.split("\n")
    table = ["| Reach | 450 mm | 475 mm | 500 mm |", "| Stack | 630 mm | 635 mm | 640 mm |", "- 500 ml Milch"]
    text = "\n".join(lines[:4] + table + lines[4:])
    assert strip_foreign_lines(text, "de", model, cfg).lines_removed == 0


def test_urls_and_code_are_not_english(model, cfg, german_page):
    lines = german_page.split("\n")
    material = [
        "https://en.wikipedia.org/wiki/Gender_neutrality_in_genderless_languages",
        "$ sudo chmod -R 777 /usr/src/teensy-xum1541",
        "export CDPATH=\".:~:~/src:~/dist:~/wikis:~/go/src:~/src/tor\"",
    ]
    text = "\n".join(lines[:3] + material + lines[3:])
    assert strip_foreign_lines(text, "de", model, cfg).lines_removed == 0
    # spam that carries a link is still judged on its words
    spam = "Buy cheap Cialis online without prescription at https://pills.example.com and save up to 70 percent"
    res = strip_foreign_lines("\n".join(lines[:3] + [spam] + lines[3:]), "de", model, cfg)
    assert res.removed == [spam] and res.text == german_page


def test_quotes_and_references_stay_spam_goes(model, cfg, german_page):
    lines = german_page.split("\n")
    legit = [
        "„You can’t solve a problem with the same thinking that created it“ (Albert Einstein)",
        "- Key, B. (2016): Why fish do not feel pain. Animal Sentience, 3(1), S. 1-33",
        "- Rose, J. D. et al. (2013): Can fish really feel pain? Fish and Fisheries, 15(1), S. 1-37",
    ]
    text = "\n".join(lines[:2] + legit[:1] + lines[2:6] + legit[1:] + PHARMACY_SPAM + lines[6:])
    res = clean_language(text, model, cfg)
    assert res.strip.removed == PHARMACY_SPAM and res.strip.reasons == {REASON_FOREIGN_LANGUAGE: 3}
    assert is_quote_or_reference(legit[0]) and is_quote_or_reference(legit[2])
    assert not is_quote_or_reference('He said "hello" to the crowd in the main hall of the station today')
    assert not any(is_quote_or_reference(s) for s in PHARMACY_SPAM)


def test_short_page_majority_spam_does_not_flip_the_language(model, cfg, german_page):
    # eight pharmacy lines outweigh a short German page by letters; paragraphs weigh more than one-liners
    host = [ln for ln in german_page.split("\n") if len(ln) >= 200][:2]
    spam = [
        f"Order generic {drug} from our licensed online pharmacy, no doctor visit required"
        for drug in ("Viagra", "Cialis", "Tramadol", "Xanax", "Valium", "Ambien", "Levitra", "Soma")
    ]
    assert sum(map(len, spam)) > sum(map(len, host))
    res = clean_language("\n".join(host + spam), model, cfg)
    assert res.before.lang == "de" and res.strip.removed == spam and res.after.lang == "de"


def test_han_keyword_list_does_not_flip_a_short_page(model, cfg):
    host = _lines(SEED_CLEAN)[:2]
    county = next(ln for ln in _lines(SEED_SPAM) if ln.startswith(COUNTY_LINE_START))
    res = clean_language("\n".join(host + [county] * 3), model, cfg)
    assert res.before.lang == "en" and res.strip.reasons == {REASON_FOREIGN_SCRIPT: 3}
    assert res.strip.text == "\n".join(host)


def test_weak_lines_of_a_spam_block_go_with_it(model, cfg):
    lines = _lines(SEED_CLEAN)
    block = [
        "Ayo prediksi togel jitu malam ini bersama JP99, situs resmi dengan lisensi internasional!",
        "ZEUS168 bandar togel resmi dan terbesar, bisa deposit via dana, ovo dan gopay dan pasti maxwin",
        "Hanya di TOGEL4D: dijamin bayar berapapun kemenanganmu, raih cuan besar setiap hari",
        "Hanya di TOGEL4D: link alternatif terbaru, kumpulan situs judi online paling aman",
    ]
    res = strip_foreign_lines("\n".join(lines[:6] + block + lines[6:]), "en", model, cfg)
    assert res.removed == block and res.text == "\n".join(lines)


# --- fifth pass: lossy/short mojibake, word-level evidence ---------------------------------------------------


def _gbk_mojibake(text: str, errors: str) -> str:
    return text.encode("utf-8").decode("gbk", errors=errors)


def test_short_lossy_mojibake_among_ascii():
    # a few characters among ASCII and digits, bytes lost by the bad decode: the round trip alone cannot tell
    for text in ["粤ICP备12345678号", "京ICP证041189号", "Copyright © 2019 版权所有 苏ICP备10234567号",
                 "客服热线：400-123-4567", "京公网安备 11010502030143号"]:
        for errors in ("replace", "ignore"):
            line = _gbk_mojibake(text, errors).replace("\ufffd", "?")
            assert is_mojibake(line), (text, line)


def test_gbk_signature_spares_traditional_chinese_and_japanese():
    for line in [
        "這是一個關於台灣歷史的網站，歡迎訪問。", "聯絡我們 | 隱私權政策 | 網站導覽", "國立臺灣大學圖書館",
        "電話：(02)2311-3731 傳真：(02)2331-1604", "鍾鎮濤 陳慧嫻 譚詠麟 鄧麗君", "關於我們 聯繫我們 廣告刊登",
        "株式会社日本経済新聞社", "鹿児島県 霧島市 観光協会", "| マージ 長財布 Ｌ パンチングレザー ブラック（1） |",
        "图片", "上一页", "全部车系",
    ]:
        assert not is_mojibake(line), line


def test_short_mojibake_line_in_chinese_page_goes(model, cfg, chinese_pages):
    page = chinese_pages[0]
    spam = _gbk_mojibake("粤ICP备12345678号", "ignore")
    res = clean_language(page + "\n" + spam, model, cfg)
    assert res.before.lang == "zh"
    assert res.strip.removed == [spam] and res.strip.reasons == {REASON_MOJIBAKE: 1}
    assert res.strip.text == page


# --- gambling spam on pages that took it for their own language or a second language (issue 25) ---------------


def _bench_page(contains: str) -> str:
    (page,) = _extract_warc(BENCH_WARC, limit=1, want=lambda t: contains in t)
    return page


def test_spam_on_a_page_of_php_warnings_does_not_take_the_page_language(model, cfg):
    # a real bench page of four PHP warnings; three Indonesian spam lines outweighed it in the vote: the warnings'
    # path segments ("/homepages/15/d39327265/htdocs") counted as brand codes, which weigh a quarter
    page = _bench_page("Warning: Use of undefined constant comments")
    spam = [
        "HOKI138: agen judi bola terpercaya di Indonesia dengan proses deposit dan withdraw cepat",
        "TOGEL4D adalah raih cuan besar setiap hari yang menyediakan situs resmi dengan lisensi internasional",
        "Hanya di TOGEL4D: main sekarang dan raih kemenangan besar, agen judi bola terpercaya di Indonesia",
    ]
    res = clean_language("\n".join(spam + page.split("\n")), model, cfg)
    assert (res.before.lang, res.after.lang) == ("en", "en")
    assert res.strip.removed == spam and res.strip.text == page
    # a run's last line that fastText reads only as English (0.99; its words are Indonesian) goes with the run,
    # and passes no block of the page's own language on to the warning below it
    tail = "ZEUS168 - agen casino online terbaik new member bonus 20%"
    res = clean_language("\n".join([*spam, tail, *page.split("\n")]), model, cfg)
    assert res.strip.removed == [*spam, tail] and res.strip.text == page
    table = read_lines(page, model, cfg)
    assert table.material == [1.0] * 4  # no brand code in a path
    assert read_lines(spam[0], model, cfg).material == [0.25]


def test_second_language_lines_stay_when_the_spam_run_beside_them_goes(model, cfg):
    # a real bench page in English about German (German examples: a second language of the page); a Vietnamese
    # block right after a German line used to take it, and a mixed line before it, along as one run
    page = _bench_page("Ich wurde ausgeraubt -> I got robbed.")
    lines = page.split("\n")
    at = next(i for i, ln in enumerate(lines) if ln.startswith("Beispiele:")) + 1
    spam = [
        "Fun88 - cá cược bóng đá trực tuyến, nổ hũ đổi thưởng",
        "Truy cập VN88 để đá gà trực tiếp thomo và thể thao ảo và lô đề online.",
        "W88: xổ số miền Bắc hôm nay | bắn cá đổi thưởng hấp dẫn",
        "Truy cập VN88 để link vào mới nhất không bị chặn và tặng ngay 616K cho thành viên mới",
        "VN88 - casino trực tuyến đẳng cấp, đăng ký nhận khuyến mãi 30%",
    ]
    assert clean_language(page, model, cfg).strip.lines_removed == 0
    res = clean_language("\n".join(lines[:at] + spam + lines[at:]), model, cfg)
    assert res.before.lang == "en" and res.strip.removed == spam and res.strip.text == page


def test_brand_code_line_next_to_a_spam_block_goes(model, cfg):
    lines = _lines(SEED_CLEAN)
    block = [
        "Situs judi slot online terpercaya dengan RTP tertinggi, daftar sekarang dan dapatkan bonus new member",
        "Bandar togel resmi, deposit pulsa tanpa potongan, proses withdraw cepat dan aman setiap hari",
    ]
    lone = "Hanya di TOGEL4D: link alternatif terbaru, kumpulan situs judi online paling aman"
    text = "\n".join(block + lines[:6] + [lone] + lines[6:])
    res = strip_foreign_lines(text, "en", model, cfg)
    assert res.removed == block + [lone] and res.reasons == {REASON_FOREIGN_LANGUAGE: 3}
    assert res.text == "\n".join(lines)
    off = strip_foreign_lines(text, "en", model, cfg.model_copy(update=FASTTEXT_ONLY))
    assert off.removed == block


def test_line_prediction_cache_is_bounded_and_changes_nothing(monkeypatch):
    from transforms.language import LanguageModel as _Model

    monkeypatch.setattr(importlib.import_module(_Model.__module__), "_LINE_CACHE_SIZE", 3)
    fresh = LanguageModel()
    lines = [f"Die Regierung hat am Montag {w} beschlossen" for w in ("viel", "wenig", "nichts", "alles", "etwas")]
    first = fresh.predict_many(lines, k=5, threshold=0.005)
    assert len(fresh._line_cache) == 3  # the oldest two were dropped
    again = fresh.predict_many(lines, k=5, threshold=0.005)  # two from the cache, three predicted again
    uncached = LanguageModel().predict_many(lines[:1], k=5, threshold=0.005)
    assert again == first and first[0] == uncached[0] and first[0][0][0] == "de"


def test_the_han_word_evidence_is_the_same_in_every_process():
    """The zh/ja word evidence of a line must not depend on the process's hash seed: two workers, or a resumed run,
    judge a borderline line alike. It summed over a set, whose order (and so the float sum's last bits) followed
    the seed: 44.77, 44.769999999999996 and 44.76999999999999 for this line under seeds 1, 2 and 3."""
    import subprocess
    import sys

    line = "我们今天去北京大学图书馆看书，然后在食堂吃午饭，晚上回家学习数学和物理。"
    code = f"from transforms.language.hanwords import HanWordModel; print(repr(HanWordModel().llr({line!r})))"
    values = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout.strip()  # fmt: skip
        for seed in (1, 2, 3)
    }
    assert values == {"44.769999999999996"}


def test_the_han_word_lists_are_wordfreqs_read_without_importing_it():
    """The Han word model reads wordfreq's Chinese and Japanese lists from the files in its wheel
    (`transforms.core.wordlists`, as the URL stage reads the English one): the same bins as wordfreq's own reader,
    without wordfreq's import, which took 0.2 s of a run's first Japanese page."""
    import subprocess
    import sys

    from wordfreq import available_languages, read_cBpack

    from transforms.core.wordlists import wordfreq_bins

    files = available_languages("small")
    for lang in ("zh", "ja", "en"):
        assert wordfreq_bins(f"small_{lang}") == read_cBpack(str(files[lang]))
    code = (
        "import sys; from transforms.language.hanwords import HanWordModel; m = HanWordModel(); "
        "print(repr(m.llr('注册即送63元彩金、体育投注首存送100%')), repr(m.llr('東京都知事選挙結果速報')), "
        "'wordfreq' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["8.819999999999999", "-14.39", "False"]  # Chinese, Japanese; wordfreq never imported
