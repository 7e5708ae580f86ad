"""Pass 2 of the language stage: which lines go, decided over the line table (`features.LineTable`) alone.

`decide` reads the table top to bottom of this module:
1. each line's state (`_classify`): removed at once (mojibake, a foreign script, Chinese in a Japanese page), kept
   (the page's own language), leaning foreign (a candidate: it may join a run), or transparent (names, quotes,
   label rows, tolerated Latin: neither judged nor removed, and no break in a run);
2. runs of foreign-leaning lines (`_judge_runs`): a run goes when its joined text is confidently foreign, to
   fastText or by its words, unless its language is a second language of a bilingual page (and that language's
   own lines stay when a run they stand in goes); else the lines of a mixed run that are confidently foreign on
   their own;
3. the neighbours of removed blocks (`_extend_to_neighbours`): spam comes in blocks, and a weak line next to one
   goes with it.
Between 2 and 3, the lines that are spam by a lexicon's vocabulary (the table's `gambling` and `pharmacy` columns).
The only evidence not in the table is that of a run's joined text (one fastText call and one word score per run
of more than one line): which lines form a run is known only here. The outcome, a reason per removed line, is
what `transforms.language.edit` (pass 3) edits the text by.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from transforms.language.config import (
    REASON_FOREIGN_LANGUAGE,
    REASON_FOREIGN_SCRIPT,
    REASON_MOJIBAKE,
    LanguageConfig,
)
from transforms.language.features import LINGUA_FRANCA, LineTable, Preds, word_text
from transforms.language.gambling_vocabulary import GAMBLING_GROUPS
from transforms.language.labels import (
    _HAN_GROUP,
    group_facts,
    language_group,
)
from transforms.language.model import LanguageModel
from transforms.language.scripts import HAN, KANA

__all__ = ["Decisions", "decide"]


# The state of each line: no letters (transparent for runs), decided to stay, leaning foreign (may join a run),
# neither judged nor removed (transparent: names, quotes, tolerated Latin, removed by script).
_NEUTRAL, _KEEP, _CANDIDATE, _TRANSPARENT = 0, 1, 2, 3


@dataclass
class Decisions:
    """Pass 2's columns: each line's state and the reason it is removed for (None: it stays), and the foreign
    group of each line removed as foreign language, in the order they were removed."""

    state: list[int]
    reason: list[str | None]
    group: dict[int, str] = field(default_factory=dict)

    def remove(self, i: int, reason: str, group: str | None = None) -> None:
        self.reason[i] = reason
        if group is not None:
            self.group[i] = group


def decide(table: LineTable, model: LanguageModel, cfg: LanguageConfig) -> Decisions:
    """Pass 2: the lines of `table` (filled against the page's language, `features.relate`) that go, and why."""
    n = len(table.lines)
    out = Decisions([_NEUTRAL] * n, [None] * n)
    for i in range(n):
        _classify(table, out, cfg, i)
    _judge_runs(table, out, model, cfg)
    _lexicon_lines(table, out, cfg)
    if cfg.neighbour_min_foreign_score < 1.0:
        _extend_to_neighbours(table, out, cfg)
    return out


# --- 1. each line's state ------------------------------------------------------------------------------------


def _classify(table: LineTable, out: Decisions, cfg: LanguageConfig, i: int) -> None:
    """Line `i`'s state (and its removal, for mojibake, a foreign script, or Chinese in a Japanese page)."""
    total = table.letters[i]
    if total == 0:
        return
    if table.mojibake[i]:
        out.remove(i, REASON_MOJIBAKE)
        out.state[i] = _TRANSPARENT
        return
    scripts = table.scripts
    assert scripts is not None  # the table is filled against the page's language
    if scripts.tolerated is None:
        out.state[i] = _KEEP
        return
    counts = table.counts[i]
    foreign = table.foreign_script[i]
    if foreign and foreign >= cfg.foreign_script_min_fraction * total:
        out.remove(i, REASON_FOREIGN_SCRIPT)
        out.state[i] = _TRANSPARENT
        return
    if scripts.marker is not None and counts.get(scripts.marker, 0) > 0:
        out.state[i] = _KEEP  # kana / Hangul: the document's own language, no need to ask fastText
        return
    if scripts.marker == KANA and counts.get(HAN, 0) * 2 > total:
        _classify_han_in_japanese(table, out, cfg, i)
        return
    main_script = max(counts, key=counts.__getitem__)
    if main_script == HAN and table.doc_group == _HAN_GROUP:
        out.state[i] = _KEEP  # Han in a Chinese page: other Han-script languages are told apart by script
        return
    assert scripts.primary is not None
    if main_script not in scripts.primary:
        out.state[i] = _TRANSPARENT  # tolerated Latin inside a non-Latin page: neither judged nor removed
        return
    if (
        not table.preds[i]
        or (table.name_like[i] and not _title_reads_foreign(table, cfg, i))
        or table.quote_or_reference[i]
        or table.label_row[i]
    ):
        out.state[i] = _TRANSPARENT
        return
    out.state[i] = _CANDIDATE if _leans_foreign(table, cfg, i) else _KEEP
    if out.state[i] == _KEEP and table.native_langs and _words_lean(table, cfg, i):
        out.state[i] = _CANDIDATE  # fastText reads it as the page's language; its words do not


def _leans_foreign(table: LineTable, cfg: LanguageConfig, i: int) -> bool:
    native, foreign = table.native[i], table.foreign[i]
    return native < cfg.line_native_min_score or (native < 0.5 and foreign >= native)


def _title_reads_foreign(table: LineTable, cfg: LanguageConfig, i: int) -> bool:
    """A name-like line (capitalized words, or tags) that is a heading in a foreign language, not a name: fastText
    gives the page's group less than `line_native_min_score`, and the words (Title Case case-folded,
    `features._title_case_evidence`; tags split, `features._split_hashtags`) favour fastText's most likely other
    group as much as a removed run's words must (`wordfreq_run_llr`, `wordfreq_min_share`). Not English
    (`LINGUA_FRANCA`: English titles and tags stand in pages of every language). Names of people, products and
    places are mostly words no list has, or words every language uses alike."""
    group = table.word_group[i]
    return (
        group != LINGUA_FRANCA
        and table.native[i] < cfg.line_native_min_score
        and table.word_llr[i] >= cfg.wordfreq_run_llr
        and table.word_share[i] >= cfg.wordfreq_min_share
        and table.top_foreign[i] == group
    )


def _words_lean(table: LineTable, cfg: LanguageConfig, i: int) -> bool:
    """Line `i`'s words lean to a foreign group (`wordfreq_lean_llr`, `wordfreq_min_share`)."""
    return table.word_llr[i] >= cfg.wordfreq_lean_llr and table.word_share[i] >= cfg.wordfreq_min_share


def _classify_han_in_japanese(table: LineTable, out: Decisions, cfg: LanguageConfig, i: int) -> None:
    """Han without kana in a Japanese page: Chinese when it uses characters Japanese does not have, or when its
    words are Chinese ones (`HanWordModel`); fastText's zh/ja split on short Han-only text is not reliable enough
    either way."""
    n_simplified = table.simplified[i]
    if (n_simplified >= 2 and n_simplified >= cfg.simplified_min_fraction * table.counts[i][HAN]) or (
        table.han_llr[i] >= cfg.han_words_min_llr
    ):
        out.remove(i, REASON_FOREIGN_LANGUAGE, table.top_foreign[i] if table.preds[i] else None)
        out.state[i] = _TRANSPARENT
    else:
        out.state[i] = _KEEP


# --- 2. runs of foreign-leaning lines ------------------------------------------------------------------------


def _judge_runs(table: LineTable, out: Decisions, model: LanguageModel, cfg: LanguageConfig) -> None:
    """Judge each run of foreign-leaning lines (neutral and already-decided lines do not break a run).

    A language group that carries a large share of the page is a second language of a bilingual page (a
    translation, a language-learning Q&A), not an injection: its same-script lines are not judged foreign. Spam
    comes as one block: only what the group carries outside the run being judged counts."""
    n = len(table.lines)
    own, weight = _group_mass(table)
    mass = _settled_mass(table, out, range(n))
    mass[table.doc_group] = own.get(table.doc_group, 0.0)
    i = 0
    while i < n:
        if out.state[i] != _CANDIDATE:
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < n and out.state[j] != _KEEP:
            if out.state[j] == _CANDIDATE:
                run.append(j)
            j += 1
        _judge_run(table, out, model, cfg, run, _bilingual(table, out, cfg, run, mass, weight))
        i = j


def _group_mass(table: LineTable) -> tuple[dict[str, float], float]:
    """Letter-weighted probability mass of each language group over the judged lines, and their letters."""
    mass: dict[str, float] = {}
    weight = 0.0
    for i, p in enumerate(table.preds):
        if not p:
            continue
        w = table.evidence[i]
        weight += w
        for lang, prob in p:
            g = language_group(lang)
            mass[g] = mass.get(g, 0.0) + w * prob
    return mass, weight


def _settled_mass(table: LineTable, out: Decisions, indices: Sequence[int]) -> dict[str, float]:
    """Letter-weighted mass of each foreign group over the judged lines that are mostly in it (the group gets at
    least half of the line's probability): the evidence of a second language. Lines that only lean a little
    towards a language (names and numbers in a results table read 0.3 English) and names, titles, quotes and
    table labels (not judged) are no evidence that the page is bilingual; lines in the group's own script count
    even though they are removed (the Japanese of an English page about Japanese)."""
    mass: dict[str, float] = {}
    for i in indices:
        if not table.preds[i] or (
            out.state[i] not in (_KEEP, _CANDIDATE) and out.reason[i] != REASON_FOREIGN_SCRIPT
        ):
            continue
        for g, prob in table.groups[i].items():
            if g != table.doc_group and prob >= 0.5:
                mass[g] = mass.get(g, 0.0) + table.evidence[i] * prob
    return mass


def _bilingual(
    table: LineTable,
    out: Decisions,
    cfg: LanguageConfig,
    run: list[int],
    mass: dict[str, float],
    weight: float,
) -> set[str]:
    """Foreign groups that carry at least `second_language_min_share` of the page outside this run (counted on
    the lines mostly in them, `_settled_mass`); on a multilingual page (the page's own language carries less
    than half of it, and two or more foreign groups besides the run's own carry at least
    `second_language_min_share` each: a text with its translations), every foreign group with that share. One
    injected block adds one language, not three."""
    if not weight:
        return set()
    doc_group = table.doc_group
    share = cfg.second_language_min_share * weight
    in_run = _settled_mass(table, out, run)
    if mass.get(doc_group, 0.0) < 0.5 * weight:
        large = {g for g, m in mass.items() if g != doc_group and m >= share}
        run_group = max((g for g in in_run if g != doc_group), key=in_run.__getitem__, default=None)
        if len(large - {run_group}) >= 2:
            return large
    return {g for g, m in mass.items() if g != doc_group and (m - in_run.get(g, 0.0)) >= share}


def _judge_run(
    table: LineTable,
    out: Decisions,
    model: LanguageModel,
    cfg: LanguageConfig,
    run: list[int],
    bilingual: set[str],
) -> None:
    """Remove the run when its joined text is confidently foreign, to fastText or by its words; else the lines of
    a mixed run that are confidently foreign on their own."""
    total = sum(table.evidence[i] for i in run)
    if cfg.short_run_min_letters <= total < cfg.run_min_letters:
        _judge_short_run(table, out, model, cfg, run, bilingual)
        return
    if total >= cfg.run_min_letters:
        if len(run) == 1:
            preds = table.preds[run[0]] or []
        else:
            joined = " ".join(table.texts[i] for i in run)
            preds = model.predict(joined[: 4 * cfg.max_predict_chars], k=cfg.top_k)
            if model.no_evidence(preds):
                preds = []
        group = _foreign_group(table, model, cfg, preds, run, bilingual)
        if group is not None:
            for i in run:
                if not _in_second_language(table, i, bilingual):
                    out.remove(i, REASON_FOREIGN_LANGUAGE, group or table.top_foreign[i])
            return
    if len(run) > 1:  # a mixed run: single lines may still stand on their own
        for i in run:
            if table.evidence[i] < cfg.run_min_letters:
                continue
            group = _foreign_group(table, model, cfg, table.preds[i] or [], [i], bilingual)
            if group is not None:
                out.remove(i, REASON_FOREIGN_LANGUAGE, group or table.top_foreign[i])


def _judge_short_run(
    table: LineTable,
    out: Decisions,
    model: LanguageModel,
    cfg: LanguageConfig,
    run: list[int],
    bilingual: set[str],
) -> None:
    """A run (or single line) shorter than `run_min_letters` ("Nha cai AE888: tài xỉu online minh bạch") goes only
    when both kinds of evidence agree on one foreign group: fastText gives the page's group less than
    `run_max_native_score`, and the words favour that group as a longer run's must (`wordfreq_run_llr`,
    `wordfreq_min_share`). One of them alone is not enough on so few letters, except that a brand code or a
    keyword list in the run (`LineTable.material`: what templates and injections are made of, and what
    pulls fastText towards English, "Link login RAJA188 anti nawala terbaru") stands in for fastText's word. Not
    for English (`LINGUA_FRANCA`)."""
    if not table.native_langs:
        return
    if len(run) == 1:
        preds = table.preds[run[0]] or []
        llr, group, share = table.word_llr[run[0]], table.word_group[run[0]], table.word_share[run[0]]
    else:
        preds = model.predict(" ".join(table.texts[i] for i in run), k=cfg.top_k)
        if model.no_evidence(preds):
            return
        llr, group, share = _joined_word_evidence(table, model, run)
    if (
        not preds
        or group == LINGUA_FRANCA
        or llr < cfg.wordfreq_run_llr
        or share < cfg.wordfreq_min_share
        or group in bilingual
    ):
        return
    _, native, _, top = group_facts(preds, table.doc_group)
    agrees = native < cfg.run_max_native_score and top == group
    if not agrees and all(table.material[i] == 1.0 for i in run):
        return
    for i in run:
        if not _in_second_language(table, i, bilingual):
            out.remove(i, REASON_FOREIGN_LANGUAGE, group)


def _joined_word_evidence(table: LineTable, model: LanguageModel, lines: list[int]) -> tuple[float, str, float]:
    """The words' evidence of the joined text of `lines` (`features.word_text`: Title Case lines case-folded where
    the table says so)."""
    return model.words.llr(" ".join(word_text(table, i) for i in lines), table.native_langs, language_group)


def _in_second_language(table: LineTable, i: int, bilingual: set[str]) -> bool:
    """Line `i` reads mostly in a second language of the page (one of `bilingual` gets at least half of its
    probability, as in `_settled_mass`): it stays when the run it stands in goes as another language's block."""
    return any(table.groups[i].get(g, 0.0) >= 0.5 for g in bilingual)


def _foreign_group(
    table: LineTable,
    model: LanguageModel,
    cfg: LanguageConfig,
    preds: Preds,
    lines: list[int],
    bilingual: set[str],
) -> str | None:
    """None when `lines` are not confidently foreign; "" when fastText's `preds` for their text say so (each line
    then passes on its own top group); else the foreign group their words favour."""
    if preds and _confident_foreign(preds, table.doc_group, cfg, bilingual):
        return ""
    if table.native_langs:
        if len(lines) == 1:
            i = lines[0]
            llr, group, share = table.word_llr[i], table.word_group[i], table.word_share[i]
        else:
            llr, group, share = _joined_word_evidence(table, model, lines)
        if llr >= cfg.wordfreq_run_llr and share >= cfg.wordfreq_min_share and group not in bilingual:
            return group
    return None


def _confident_foreign(preds: Preds, doc_group: str, cfg: LanguageConfig, bilingual: set[str]) -> bool:
    _, native, foreign, top = group_facts(preds, doc_group)
    if bilingual and top in bilingual:
        return False
    if native < cfg.run_max_native_score:
        return True
    return foreign >= cfg.run_min_foreign_score and foreign >= cfg.foreign_to_native * native


def _lexicon_lines(table: LineTable, out: Decisions, cfg: LanguageConfig) -> None:
    """Lines that are spam by a lexicon's vocabulary go whatever fastText made of them, names and quotes included
    (a brand code and a gambling term, a drug and "without a prescription", are no one's name), and whatever
    share of the page their language has: Indonesian or Vietnamese gambling spam (`gambling`: the table's
    column, "" for none) and English pharmacy spam (`pharmacy`). They seed blocks for the neighbours as
    foreign-language lines do, except pharmacy lines on a page where English is a second language outside them
    (`second_language_min_share`, counted as `_bilingual` counts it): the English text next to them is the
    page's own (a German page with its English translation below it)."""
    for i, group in enumerate(table.gambling):
        if group and out.reason[i] is None:
            out.remove(i, REASON_FOREIGN_LANGUAGE, group)
    spam = [i for i, s in enumerate(table.pharmacy) if s and out.reason[i] is None]
    if not spam:
        return
    _, weight = _group_mass(table)
    marked = set(spam)
    rest = [i for i in range(len(table.lines)) if i not in marked]
    english = _settled_mass(table, out, rest).get(LINGUA_FRANCA, 0.0)
    seed = LINGUA_FRANCA if english < cfg.second_language_min_share * weight else None
    for i in spam:
        out.remove(i, REASON_FOREIGN_LANGUAGE, seed)


# --- 3. neighbours of removed blocks -------------------------------------------------------------------------


def _extend_to_neighbours(table: LineTable, out: Decisions, cfg: LanguageConfig) -> None:
    """Spam comes in blocks: a judged line right next to lines removed as foreign language goes with them when
    its own prediction gives the removed line's language group at least `neighbour_min_foreign_score` and the
    page's group less than `neighbour_max_native_score`, or when its words favour that group by
    `wordfreq_neighbour_llr` (a mixed line that reads partly like the block beside it). Lines without letters
    between do not separate. A line removed this way passes it on only when it leans foreign on its own (the
    rest of a block whose joined text was not conclusive); a line that reads as the page's language stops the
    chain, and a lone weak line inside the article has no removed neighbour, so it stays. A removed line that
    fastText reads in no other group than the page's (a run's line that went on the run's joined text) passes
    nothing on: the page's own language is no foreign block."""
    n = len(table.lines)
    # no block of the page's own language
    seeds = [
        (i, g)
        for i, g in out.group.items()
        if out.reason[i] == REASON_FOREIGN_LANGUAGE and g != table.doc_group
    ]
    while seeds:
        i, block_group = seeds.pop()
        for step in (-1, 1):
            j = i + step
            while 0 <= j < n and out.reason[j] is None and out.state[j] == _NEUTRAL:
                j += step  # no letters: transparent
            if 0 <= j < n and out.reason[j] is None and _joins_block(table, out, cfg, j, block_group):
                out.remove(j, REASON_FOREIGN_LANGUAGE, block_group)
                if out.state[j] == _CANDIDATE:
                    seeds.append((j, block_group))


def _joins_block(table: LineTable, out: Decisions, cfg: LanguageConfig, j: int, block_group: str) -> bool:
    """Line `j` reads enough like the removed block of `block_group` next to it (see `_extend_to_neighbours`); a
    line with some gambling vocabulary (`gambling_hint`: "TF88 casino") next to an Indonesian or Vietnamese block,
    and one with a pharmacy shop's (`pharmacy_hint`: "Erectile Dysfunction Bestsellers") next to an English one."""
    if block_group in GAMBLING_GROUPS and table.gambling_hint[j]:
        return True
    if block_group == LINGUA_FRANCA and table.pharmacy_hint[j]:
        return True
    if (
        not table.preds[j]
        or out.state[j] not in (_KEEP, _CANDIDATE)
        or (table.name_like[j] and not _title_reads_foreign(table, cfg, j))
        or table.quote_or_reference[j]
    ):
        return False
    foreign = table.groups[j].get(block_group, 0.0)
    if table.native[j] < cfg.neighbour_max_native_score and foreign >= cfg.neighbour_min_foreign_score:
        return True
    if table.native_langs:
        return table.word_group[j] == block_group and table.word_llr[j] >= cfg.wordfreq_neighbour_llr
    return False
