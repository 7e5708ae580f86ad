# The typed surface of the compiled hot paths (native/src/lib.rs). Text goes in as str.encode("utf-8",
# "surrogatepass"); packed arrays come out as little-endian bytes.

CJK_CHAR_SHARE: float
MAYBE_BAD: int
HAS_LIGATURE: int
HAS_CONTROL: int
HAS_OTHER_FIX: int
NEEDLE_SHIFT: int
EMPTY: int
NO_LETTERS: int
TABLE_ROW: int
TERMINAL: int
FIRST_DIGIT: int
LINE_NONE: int
LINE_FEW: int
LINE_JA: int
LINE_KO: int
LINE_PREDICT: int
LINE_HASHTAG: int
LINE_CJK: int

def shingle_hashes(norm: bytes, word_size: int, char_size: int, multipliers: bytes) -> bytes: ...
def minhash_signature(hashes: bytes, a: bytes, b: bytes) -> bytes: ...
def minhash_sign(
    norm: bytes, word_size: int, char_size: int, multipliers: bytes, a: bytes, b: bytes
) -> tuple[bytes, int] | None: ...
def band_keys(sig: bytes, bands: int, rows: int) -> list[int]: ...
def dedup_fold(folded: bytes) -> bytes: ...
def uses_char_shingles(norm: bytes) -> bool: ...

class MojibakeScan:
    def __init__(
        self, badness: str, ligatures: list[tuple[int, int]], controls: list[tuple[int, int]],
        other_fixes: list[tuple[int, int]], reach: int,
    ) -> None: ...
    def scan(self, text: bytes) -> int: ...

class LineAnalyzer:
    def __init__(self, needle_groups: list[list[str]]) -> None: ...
    def table(self, text: bytes, folded: bytes) -> tuple[list[int], list[int], list[int], list[str], list[int]]: ...

class QualityMeasure:
    INT_SIGNALS: list[str]
    FLOAT_SIGNALS: list[str]
    def __init__(
        self, punctuation: str, prose: str, unsegmented: list[tuple[int, int]], stop_words: list[str] | None,
        line_ends: str, policy_phrases: list[str], c4_min_words: int, c4_max_word_len: int, c4_remove_citations: bool,
        c4_filter_javascript: bool, c4_filter_policy: bool, short_line_len: int,
    ) -> None: ...
    def signals(self, text: bytes, tokens: list[str]) -> tuple[list[int], list[float]]: ...
    def text_signals(self, tokenizer: WordTokenizer, text: bytes) -> tuple[list[int], list[float]] | None: ...

class WordTokenizer:
    def __init__(
        self, marks: list[tuple[int, int]], upper: list[tuple[int, int]], lower: list[tuple[int, int]],
        unsegmented: list[tuple[int, int]], english: bool, german: bool, abbreviations: list[str] | None,
        units: list[str],
    ) -> None: ...
    def tokens(self, text: bytes) -> tuple[list[str], list[int]]: ...

def paragraph_key(folded: bytes, fold_digits: bool) -> bytes: ...
def corpus_line_keys(folded: bytes, min_chars: int) -> list[int]: ...
def near_repeats(
    text: bytes, keys: list[str], eligible: list[bool], min_words: int, min_similarity: float
) -> list[int]: ...
def tidy_text(
    text: bytes, remove_controls: bool, collapse_whitespace: bool, strip_lines: bool, max_blank_lines: int
) -> bytes: ...
def language_lines(
    text: bytes, min_letters: int, max_chars: int, name_max_words: int
) -> tuple[
    list[int], list[dict[str, int]], list[int], list[str], list[int], list[float], list[bool], list[bool], list[bool]
]: ...
def script_counts(text: bytes) -> dict[str, int]: ...
def prediction_text_of(text: bytes, max_chars: int) -> tuple[str, int]: ...
def line_flags(text: bytes, max_words: int, has_han: bool) -> tuple[bool, bool, bool, float]: ...
