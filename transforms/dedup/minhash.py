"""Pure core of near-deduplication (no Beam): text normalization, shingles, MinHash signatures, LSH bands.

Decisions (measured in benchmarks/dedup_eval.py; see transforms/dedup/config.py for the flow):

- Text for dedup is NFKC-normalized, case-folded, every character that is not a letter, digit or whitespace
  becomes a space, and whitespace runs fold to one space (`normalize_for_dedup`). Exact dedup keys on a hash of
  that text; near dedup shingles it.
- Shingles are word n-grams (`shingle_size`, default 5, as datatrove/FineWeb) over that text. Scripts written
  without spaces (Han, kana, Thai, Lao, Khmer, Myanmar, Tibetan) have no usable words, so when at least
  `CJK_CHAR_SHARE` (30 %) of the letters are in those scripts the text is shingled into character n-grams
  (`char_shingle_size`, default 5 characters, whitespace removed) instead. A text with fewer tokens than the
  shingle size is one shingle (so short texts still get a signature); an empty text has none.
- Shingle hashes are 64-bit: each word is hashed with BLAKE2b-64 (a character: its code point through
  splitmix64), the n consecutive token hashes are combined with fixed odd multipliers and finalized with
  splitmix64. This is stable across processes, machines and versions (no Python `hash`, no RNG).
- MinHash: h_i(x) = ((a_i * x + b_i) mod 2^64) >> 32 over the 64-bit shingle hashes x, a_i odd (Dietzfelbinger's
  multiply-add-shift universal family: no modulo, every bit of x reaches the top bits), the minimum per
  permutation as uint32. a_i, b_i derive from BLAKE2b(seed, i). (A first version used (a*x+b) mod (2^61-1) with
  a, x < 2^32 to avoid overflow: the product then wraps the modulus at most 4 times, the "permutations" are nearly
  monotone in x and the estimates were badly biased (0.55 for a true 0.92): measured, replaced.)
  The fold of `normalize_for_dedup` (after Python's own NFKC and casefold), the choice of word or character shingles,
  shingling, hashing and the signature run in the compiled extension (`native/src/minhash.rs`, through
  `transforms.core._native`): a NumPy version cost about 2 ms per page in per-token Python work and temporaries,
  and the fold's and the script count's regular expressions 0.24 ms. The distinct words of a text are hashed side
  by side (blake2b_simd's `hash_many`), and the signature loop has an AVX-512 build chosen at run time (its 64-bit
  vector multiply: 4x faster), integer operations only, so every CPU gets the same bits.
  `rensa` (a maintained Rust MinHash) was measured and not used: it hashes tokens its own way, so its signatures
  differ from these and a re-run would not match an index written before.
- LSH: `bands` x `rows` <= num_perm. Defaults are derived as datasketch does (minimize the weighted false
  positive area below the LSH threshold plus false negative area above it), but for an LSH threshold set below the
  dedup threshold, because candidates are verified afterwards: at threshold 0.8 the LSH threshold is 0.7 and
  128 permutations give 16 bands x 8 rows, P(candidate | J=0.8) = 0.947, P(J=0.85) = 0.994. Band keys are signed
  64-bit ints: BLAKE2b-64 of (band index, the band's rows).
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from transforms.core import _native

__all__ = [
    "CJK_CHAR_SHARE",
    "MinHashParams",
    "band_keys",
    "candidate_probability",
    "estimated_containment",
    "estimated_jaccard",
    "is_near_duplicate",
    "jaccard",
    "minhash_signature",
    "normalize_for_dedup",
    "normalized_shingle_hashes",
    "normalized_text_hash",
    "optimal_bands_rows",
    "permutations",
    "shingle_hashes",
    "shingle_set",
    "sign",
    "sign_normalized",
    "signature_of",
    "text_hash",
    "uses_char_shingles",
]

CJK_CHAR_SHARE: float = _native.CJK_CHAR_SHARE  # the extension decides (`uses_char_shingles`)

# Fixed odd 64-bit multipliers for combining token hashes into an n-gram hash (position-dependent).
_MULTIPLIERS = np.array(
    [
        int.from_bytes(hashlib.blake2b(f"crawlwash-shingle-{i}".encode(), digest_size=8).digest(), "big") | 1
        for i in range(64)
    ],
    dtype=np.uint64,
)
_MULTIPLIER_BYTES = _MULTIPLIERS.astype("<u8").tobytes()
_UTF8 = ("utf-8", "surrogatepass")


@dataclass(frozen=True)
class MinHashParams:
    """Everything that determines a signature and its band keys (an index is only reusable with equal params)."""

    num_perm: int = 128
    shingle_size: int = 5
    char_shingle_size: int = 5
    bands: int = 16
    rows: int = 8
    seed: int = 1

    def __post_init__(self) -> None:
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands*rows = {self.bands * self.rows} exceeds num_perm = {self.num_perm}")
        if min(self.num_perm, self.shingle_size, self.char_shingle_size, self.bands, self.rows) < 1:
            raise ValueError("num_perm, shingle sizes, bands and rows must be >= 1")
        if self.shingle_size > len(_MULTIPLIERS) or self.char_shingle_size > len(_MULTIPLIERS):
            raise ValueError(f"shingle sizes are limited to {len(_MULTIPLIERS)}")


# -- text ------------------------------------------------------------------------------------------------------


def normalize_for_dedup(text: str) -> str:
    """NFKC, case-folded, punctuation and symbols to spaces, whitespace folded to single spaces, stripped."""
    # NFKC and case folding are Python's own (its Unicode version); the extension then turns each run of
    # punctuation, symbols, "_" and whitespace (`re`'s [\W_]+) into one space and strips the ends, in one pass.
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _native.dedup_fold(folded.encode(*_UTF8)).decode()


def text_hash(text: str) -> str:
    """Key of exact dedup: BLAKE2b-128 (hex) of the normalized text; '' when nothing is left after normalizing."""
    return normalized_text_hash(normalize_for_dedup(text))


def normalized_text_hash(norm: str) -> str:
    """`text_hash` of a text already passed through `normalize_for_dedup`."""
    if not norm:
        return ""
    return hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def uses_char_shingles(norm: str) -> bool:
    r"""True when the (normalized) text is mostly in scripts written without spaces (CJK, Thai...): at least
    `CJK_CHAR_SHARE` of its letters ([^\W\d_]) are characters of those scripts (decided in the extension, where
    the signature's shingles are chosen the same way)."""
    return _native.uses_char_shingles(norm.encode(*_UTF8))


def _tokens(norm: str) -> tuple[list[str], bool]:
    if uses_char_shingles(norm):
        return list(norm.replace(" ", "")), True
    return norm.split(" ") if norm else [], False


def shingle_set(text: str, shingle_size: int = 5, char_shingle_size: int = 5) -> set[str]:
    """The shingles as strings (for exact Jaccard in tests and evaluations; the pipeline uses hashes)."""
    tokens, chars = _tokens(normalize_for_dedup(text))
    n = char_shingle_size if chars else shingle_size
    sep = "" if chars else " "
    if not tokens:
        return set()
    if len(tokens) <= n:
        return {sep.join(tokens)}
    return {sep.join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def shingle_hashes(text: str, shingle_size: int = 5, char_shingle_size: int = 5) -> np.ndarray:
    """Sorted unique 64-bit hashes of the text's shingles (uint64; empty when the text has no tokens)."""
    return normalized_shingle_hashes(normalize_for_dedup(text), shingle_size, char_shingle_size)


def normalized_shingle_hashes(norm: str, shingle_size: int = 5, char_shingle_size: int = 5) -> np.ndarray:
    """`shingle_hashes` of a text already passed through `normalize_for_dedup`."""
    packed = _native.shingle_hashes(norm.encode(*_UTF8), shingle_size, char_shingle_size, _MULTIPLIER_BYTES)
    return np.frombuffer(packed, dtype="<u8").astype(np.uint64, copy=False)


@functools.lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) of the hash family (a odd), derived from BLAKE2b(seed, i): stable everywhere."""
    a = np.empty(num_perm, dtype=np.uint64)
    b = np.empty(num_perm, dtype=np.uint64)
    for i in range(num_perm):
        d = hashlib.blake2b(f"crawlwash-minhash-{seed}-{i}".encode(), digest_size=16).digest()
        a[i] = int.from_bytes(d[:8], "little") | 1
        b[i] = int.from_bytes(d[8:], "little")
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


@functools.lru_cache(maxsize=16)
def _permutation_bytes(num_perm: int, seed: int) -> tuple[bytes, bytes]:
    a, b = permutations(num_perm, seed)
    return a.astype("<u8").tobytes(), b.astype("<u8").tobytes()


def _signature_array(packed: bytes) -> np.ndarray:
    return np.frombuffer(packed, dtype="<u4").astype(np.uint32, copy=False)


def minhash_signature(hashes: np.ndarray, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """MinHash signature (uint32[num_perm]) of a set of 64-bit shingle hashes (must not be empty)."""
    if len(hashes) == 0:
        raise ValueError("cannot sign an empty shingle set")
    packed = np.ascontiguousarray(hashes, dtype="<u8").tobytes()
    return _signature_array(_native.minhash_signature(packed, *_permutation_bytes(num_perm, seed)))


def signature_of(text: str, params: MinHashParams) -> np.ndarray | None:
    """The MinHash signature of a text, or None when it has no shingles (empty after normalization)."""
    signed = sign(text, params)
    return None if signed is None else signed[0]


def sign(text: str, params: MinHashParams) -> tuple[np.ndarray, int] | None:
    """(signature, number of distinct shingles) of a text, or None when it has no shingles."""
    return sign_normalized(normalize_for_dedup(text), params)


def sign_normalized(norm: str, params: MinHashParams) -> tuple[np.ndarray, int] | None:
    """`sign` of a text already passed through `normalize_for_dedup` (one normalization for both dedup keys)."""
    signed = _native.minhash_sign(
        norm.encode(*_UTF8),
        params.shingle_size,
        params.char_shingle_size,
        _MULTIPLIER_BYTES,
        *_permutation_bytes(params.num_perm, params.seed),
    )
    if signed is None:
        return None
    return _signature_array(signed[0]), signed[1]


# -- LSH -------------------------------------------------------------------------------------------------------


def candidate_probability(jaccard_value: float | np.ndarray, bands: int, rows: int) -> float | np.ndarray:
    """P(two sets with this Jaccard share at least one band) = 1 - (1 - s^r)^b."""
    return 1.0 - (1.0 - np.power(jaccard_value, rows)) ** bands


@functools.lru_cache(maxsize=64)
def optimal_bands_rows(
    threshold: float, num_perm: int, false_positive_weight: float = 0.5, false_negative_weight: float = 0.5
) -> tuple[int, int]:
    """(bands, rows) minimizing the weighted false positive area below `threshold` plus the false negative area
    above it (datasketch's `_optimal_param`, integrated numerically)."""
    if not 0.0 < threshold < 1.0:
        raise ValueError("threshold must be in (0, 1)")
    lo = np.linspace(0.0, threshold, 513)
    hi = np.linspace(threshold, 1.0, 513)
    best: tuple[float, int, int] | None = None
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = np.trapezoid(candidate_probability(lo, b, r), lo)
            fn = np.trapezoid(1.0 - candidate_probability(hi, b, r), hi)
            err = false_positive_weight * fp + false_negative_weight * fn
            if best is None or err < best[0] - 1e-15:
                best = (float(err), b, r)
    assert best is not None
    return best[1], best[2]


def band_keys(signature: np.ndarray, bands: int, rows: int) -> list[int]:
    """One signed 64-bit key per band: BLAKE2b-64 (little-endian) of (band index as 4 bytes, that band's rows)."""
    return _native.band_keys(np.ascontiguousarray(signature, dtype="<u4").tobytes(), bands, rows)


def estimated_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Fraction of equal MinHash values: an unbiased estimate of the Jaccard similarity."""
    if len(sig_a) != len(sig_b):
        raise ValueError("signatures of different lengths")
    return float(np.count_nonzero(sig_a == sig_b)) / len(sig_a)


def estimated_containment(jaccard_value: float, size_a: int, size_b: int) -> float:
    """|A & B| / min(|A|, |B|) from a Jaccard estimate and the set sizes (|A & B| = J (|A| + |B|) / (1 + J))."""
    if min(size_a, size_b) <= 0:
        return 0.0
    inter = jaccard_value * (size_a + size_b) / (1.0 + jaccard_value)
    return min(1.0, inter / min(size_a, size_b))


def is_near_duplicate(
    sig_a: np.ndarray,
    size_a: int,
    sig_b: np.ndarray,
    size_b: int,
    jaccard_cut: float,
    containment_cut: float | None = None,
) -> bool:
    """Verification of an LSH candidate pair: estimated Jaccard >= jaccard_cut, or (when containment_cut is set)
    the smaller shingle set is estimated to lie within the larger one for at least containment_cut of it (the same
    article with and without navigation/footers)."""
    j = estimated_jaccard(sig_a, sig_b)
    if j >= jaccard_cut:
        return True
    return containment_cut is not None and estimated_containment(j, size_a, size_b) >= containment_cut


def jaccard(a: Iterable | np.ndarray, b: Iterable | np.ndarray) -> float:
    """Exact Jaccard similarity of two sets (Python sets, or sorted unique NumPy arrays of hashes)."""
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        union = len(np.union1d(a, b))
        return len(np.intersect1d(a, b, assume_unique=True)) / union if union else 1.0
    sa, sb = set(a), set(b)
    union = len(sa | sb)
    return len(sa & sb) / union if union else 1.0
