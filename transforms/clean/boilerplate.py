"""Boilerplate removal: repeated paragraphs, C4-style line rules and navigation runs (per document), then a
corpus-wide frequent-line pass (the cc_net / C4 approach).

Per document (`clean_document`, pure; `RemoveBoilerplate` as a Beam stage): see `transforms/clean/lines.py` for the
rules and why each is narrowed. The pipeline runs it in the map phase, where it also records the keys of the
document's lines.

Corpus-wide (the decide and apply phases of the pipeline, `transforms/clean/frequent.py` and `transforms/write/apply.py`):
every line whose normalized form (casefolded, punctuation folded, digits folded to 0) has at least
`frequent_min_chars` characters gets a corpus key (BLAKE2b-64) and, on a page with a known host, a host key
derived from the corpus key and the host (`transforms/clean/lines.py`). Counted over small (line key, host hash, text
hash) records: a corpus key on at least `frequent_min_hosts` distinct *hosts* (a template line shared by many
sites, e.g. a CMS footer) or a host key in at least `frequent_min_host_docs` distinct *document texts* of that
host (a site's own menu or footer) is frequent, and its lines are removed from the kept documents.

Joining the frequent keys back to the documents, two runner-portable ways (`frequent_join`):
- `side_input` (default): the frequent keys alone (8 bytes each) go to every apply worker as a side input. The
  set is small: only lines that recur in many documents qualify, so it grows with the number of site templates,
  not with the corpus (a few hundred thousand keys, a few MB, for a multi-million-page crawl).
- `cogroup`: no set in memory anywhere: the line records also carry their split, and the counting step emits
  (split, frequent key) marks that are grouped with the split's other verdicts. It shuffles 8 more bytes per
  line record; use it when the frequent set is too large to broadcast (e.g. a very low
  `frequent_min_host_docs` on a crawl with millions of hosts).

Known limitation (seen on real data, the bitchmagazine.org pages of ../shared/data/warc): a site's "related
posts" sidebar repeats the first paragraph of its recent articles on many pages; the pass removes those teasers
everywhere, which is right, but also from the teased article itself. cc_net accepts the same loss. A per-host
*fraction* threshold (template lines are on nearly every page of a host, teasers rotate) would limit it and needs
a count of documents per host joined by host: not done yet.

The lines are counted right after the per-document pass (every document that reaches it counts, also those a
later quality filter drops) and removed from the documents that stay after quality filters and dedup. Whole
duplicate documents are the dedup stage's business, not boilerplate: counting distinct hosts / texts keeps
exact copies from inflating counts, and a document whose frequent lines would take more than
`frequent_max_fraction` of its characters (a syndicated or mirrored article) is left untouched by this pass.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Literal

import apache_beam as beam
import pyarrow as pa
from apache_beam.metrics import Metrics
from pydantic import Field

from transforms.clean.lines import (
    PATTERN_RULES,
    REASON_FREQUENT,
    REASON_NAVIGATION,
    REASON_NEAR_REPEATED,
    REASON_REPEATED,
    LineRules,
    clean_text,
    host_of,
    join_lines,
    remove_frequent_lines,
)
from transforms.core import (
    REMOVED_BY_REASON,
    Doc,
    Dropped,
    Section,
    StageFn,
    StageOutputs,
    add_removed,
    apply_stage,
    note_removed,
    sample_keep,
)
from transforms.core.stage import METRICS_NAMESPACE

__all__ = [
    "ALL_LINE_RULES",
    "COLUMNS",
    "REASON_EMPTY_AFTER_BOILERPLATE",
    "STAGE",
    "BoilerplateConfig",
    "BoilerplateResult",
    "CleanDocumentFn",
    "FrequentLineRemoval",
    "RemoveBoilerplate",
    "audit_rows",
    "clean_document",
    "strip_frequent",
]

STAGE = "boilerplate"
REASON_EMPTY_AFTER_BOILERPLATE = "empty_after_boilerplate"
ALL_LINE_RULES: tuple[str, ...] = (*PATTERN_RULES, REASON_REPEATED, REASON_NEAR_REPEATED, REASON_NAVIGATION)

COLUMNS: list[pa.Field] = [
    pa.field("boilerplate_lines_removed", pa.int32(), nullable=True),
    pa.field("repeated_paragraphs_removed", pa.int32(), nullable=True),
    pa.field("frequent_lines_removed", pa.int32(), nullable=True),
]

RuleName = Literal[
    "no_letters",
    "lorem_ipsum",
    "javascript_notice",
    "cookie_notice",
    "back_to_top",
    "copyright_notice",
    "policy_link",
    "link_list",
    "related_link",
    "repeated_paragraph",
    "near_repeated_line",
    "navigation_run",
]


class BoilerplateConfig(Section):
    """Section `boilerplate`: repeated paragraphs, line rules, navigation runs and the corpus-wide frequent lines."""

    rules: tuple[RuleName, ...] = Field(
        ALL_LINE_RULES,
        description="Per-document rules that are on: pattern rules (no_letters, lorem_ipsum, javascript_notice, "
        "cookie_notice, back_to_top, copyright_notice, policy_link, link_list, related_link), repeated_paragraph, "
        "near_repeated_line and navigation_run.",
    )
    notice_max_words: int = Field(
        60,
        ge=1,
        description="javascript_notice / cookie_notice only match lines with at most this many words.",
    )
    policy_max_words: int = Field(
        15,
        ge=1,
        description="policy_link only matches lines this short (an article sentence about a privacy policy stays).",
    )
    copyright_max_words: int = Field(
        40,
        ge=1,
        description=(
            "copyright_notice only matches lines this short, and only inside a header or footer block (next to a "
            "line another rule removes); a lone credit line next to the article text stays."
        ),
    )
    link_list_min_items: int = Field(
        4, ge=2, description="link_list: least number of items separated by | • · » on one line."
    )
    link_list_max_item_words: int = Field(4, ge=1, description="link_list: most words in each item.")
    nav_max_words: int = Field(4, ge=1, description="navigation_run: a short line has at most this many words.")
    nav_max_chars: int = Field(50, ge=1, description="navigation_run: a short line has at most this many chars.")
    nav_min_run: int = Field(
        3, ge=1, description="navigation_run: least number of short lines at the start or end of a document."
    )
    nav_keep_heading: bool = Field(
        True,
        description="navigation_run: keep the last line of a leading run when it has 2+ words (a title).",
    )
    repeated_min_chars: int = Field(
        20,
        ge=1,
        description="repeated_paragraph: least normalized length of a line that counts as a paragraph.",
    )
    repeated_min_run_chars: int = Field(
        500,
        ge=1,
        description="repeated_paragraph: a run of consecutive repeats is removed when its total "
        "normalized length reaches this (shorter isolated repeats, e.g. an interview's questions, stay).",
    )
    repeated_ignore_digits: bool = Field(
        False,
        description="repeated_paragraph: fold digits to 0 (off: lines differing in numbers are distinct).",
    )
    near_min_words: int = Field(
        6,
        ge=1,
        description="near_repeated_line: least number of words (whitespace-separated) of both lines of a pair "
        "(sentences, not labels, names or URLs).",
    )
    near_min_similarity: float = Field(
        0.8,
        gt=0.0,
        le=1.0,
        description="near_repeated_line: least Jaccard similarity of the two lines' character 5-gram sets "
        "(normalized text); the later line of an isolated pair goes (transforms/clean/near.py).",
    )
    frequent_lines: bool = Field(True, description="Run the corpus-wide frequent-line pass.")
    frequent_min_chars: int = Field(
        20,
        ge=1,
        description="Least normalized length of a line that the frequent pass counts or removes "
        "(shorter lines are headings-like; short boilerplate is the navigation rule's job).",
    )
    frequent_min_hosts: int = Field(
        20,
        ge=2,
        description="A line is frequent when it appears on at least this many distinct hosts "
        "(documents without URL count as their own host).",
    )
    frequent_min_host_docs: int = Field(
        5, ge=2, description="... or in at least this many distinct document texts of one host."
    )
    frequent_max_fraction: float = Field(
        0.5,
        gt=0.0,
        le=1.0,
        description="Leave a document untouched by the frequent pass when its frequent "
        "lines hold more than this fraction of its characters (a duplicate, for the dedup stage).",
    )
    frequent_join: Literal["side_input", "cogroup"] = Field(
        "side_input", description="How frequent keys are joined back to documents (see module docstring)."
    )
    audit_sample_rate: float = Field(
        0.01,
        ge=0.0,
        le=1.0,
        description="Fraction of documents (chosen by id hash, stable across runs) whose "
        "removed lines are written to rejected/ as audit rows (unit 'lines'), one row per reason.",
    )

    def line_rules(self) -> LineRules:
        """The thresholds of the per-document pure core."""
        return LineRules(
            rules=frozenset(self.rules),
            notice_max_words=self.notice_max_words,
            policy_max_words=self.policy_max_words,
            copyright_max_words=self.copyright_max_words,
            link_list_min_items=self.link_list_min_items,
            link_list_max_item_words=self.link_list_max_item_words,
            nav_max_words=self.nav_max_words,
            nav_max_chars=self.nav_max_chars,
            nav_min_run=self.nav_min_run,
            nav_keep_heading=self.nav_keep_heading,
            repeated_min_chars=self.repeated_min_chars,
            repeated_min_run_chars=self.repeated_min_run_chars,
            repeated_ignore_digits=self.repeated_ignore_digits,
            near_min_words=self.near_min_words,
            near_min_similarity=self.near_min_similarity,
        )


class BoilerplateResult:
    """What the per-document pass did to one document."""

    __slots__ = ("removed", "text")

    def __init__(self, text: str, removed: dict[str, list[str]]) -> None:
        self.text = text
        self.removed = removed

    @property
    def repeated(self) -> int:
        return len(self.removed.get(REASON_REPEATED, ()))

    @property
    def boilerplate(self) -> int:
        return sum(len(v) for k, v in self.removed.items() if k != REASON_REPEATED)


def clean_document(text: str, rules: LineRules) -> BoilerplateResult:
    """The per-document pass (pure): repeated paragraphs, pattern rules and navigation runs."""
    verdicts = clean_text(text, rules)
    return BoilerplateResult(join_lines(verdicts.kept), verdicts.removed)


def audit_rows(doc: Doc, removed: dict[str, list[str]], rate: float) -> list[Dropped]:
    """Audit rows (unit 'lines', one per reason) for the removed lines of a sampled document."""
    if not removed or not sample_keep(doc.id, rate):
        return []
    return [
        Dropped.lines(doc, STAGE, reason, lines, detail=f"{len(lines)} lines")
        for reason, lines in sorted(removed.items())
        if lines
    ]


class CleanDocumentFn(StageFn):
    stage = STAGE

    def __init__(self, cfg: BoilerplateConfig) -> None:
        super().__init__()
        self._cfg = cfg
        self._rules = cfg.line_rules()
        self._line_counters = {r: Metrics.counter(METRICS_NAMESPACE, f"{STAGE}.lines.{r}") for r in ALL_LINE_RULES}

    def apply(self, doc: Doc) -> list[Doc | Dropped]:
        res = clean_document(doc.text, self._rules)
        for reason, lines in res.removed.items():
            self._line_counters[reason].inc(len(lines))
        out: list[Doc | Dropped] = audit_rows(doc, res.removed, self._cfg.audit_sample_rate)
        if not res.text:
            out.append(Dropped.of(doc, STAGE, REASON_EMPTY_AFTER_BOILERPLATE, detail="per-document rules"))
            return out
        attrs: dict[str, Any] = {
            "boilerplate_lines_removed": res.boilerplate,
            "repeated_paragraphs_removed": res.repeated,
        }
        if self._cfg.frequent_lines:
            attrs["frequent_lines_removed"] = 0
        out.append(note_removed(doc.replace(text=res.text).with_attrs(**attrs), STAGE, res.removed))
        return out


# --- corpus-wide frequent lines (the apply phase removes them: write/apply.py) ----------------------------


def strip_frequent(
    text: str, url: str | None, frequent: Collection[int], cfg: BoilerplateConfig
) -> tuple[str, list[str]]:
    """(text without its frequent lines, the removed lines). The text is left whole when none of its lines is
    frequent, or when they would take more than `frequent_max_fraction` of its characters (a duplicate page:
    the dedup stage's business)."""
    kept, removed = remove_frequent_lines(text, frequent, host_of(url), cfg.frequent_min_chars)
    if not removed or sum(len(line) for line in removed) > cfg.frequent_max_fraction * len(text):
        return text, []
    return join_lines(kept), removed


class FrequentLineRemoval:
    """The apply phase's edit of one kept document row: its frequent lines out (`transforms/write/apply.py` calls it
    with the frequent keys; the writer knows nothing of boilerplate).

    Sets the row's `frequent_lines_removed`, and when lines go its `text`, `n_chars` and `removed_by_reason`.
    Returns (keep, outcomes): the sampled audit rows of the removed lines and, when no text is left, the
    document's own `empty_after_boilerplate` row (keep is then False)."""

    def __init__(self, cfg: BoilerplateConfig) -> None:
        self.cfg = cfg

    def __call__(self, row: dict[str, Any], frequent: Collection[int]) -> tuple[bool, list[Dropped]]:
        text, removed = strip_frequent(row["text"], row["url"], frequent, self.cfg)
        row["frequent_lines_removed"] = len(removed)
        if not removed:
            return True, []
        doc = Doc(row["id"], row["source"], row["source_record"], text=row["text"], url=row["url"])
        out = audit_rows(doc, {REASON_FREQUENT: removed}, self.cfg.audit_sample_rate)
        if not text:
            out.append(Dropped.of(doc, STAGE, REASON_EMPTY_AFTER_BOILERPLATE, detail="frequent lines"))
            return False, out
        row["text"] = text
        row["n_chars"] = len(text)
        row[REMOVED_BY_REASON] = add_removed(row.get(REMOVED_BY_REASON), STAGE, {REASON_FREQUENT: removed})
        return True, out


class RemoveBoilerplate(beam.PTransform):
    """The per-document pass as a Beam stage: repeated paragraphs, boilerplate line rules, navigation runs.

    Returns StageOutputs: kept docs (with `COLUMNS` in attrs), dropped (documents left empty, reason
    `empty_after_boilerplate`, plus sampled audit rows of removed lines with unit 'lines'), failed. The
    corpus-wide frequent-line pass needs the whole corpus: the pipeline runs it in its decide and apply phases.
    """

    def __init__(self, config: BoilerplateConfig | None = None, label: str | None = None) -> None:
        super().__init__(label)
        self._cfg = config or BoilerplateConfig()

    def expand(self, docs: beam.PCollection) -> StageOutputs:
        return apply_stage(docs, "CleanDocuments", CleanDocumentFn(self._cfg))
