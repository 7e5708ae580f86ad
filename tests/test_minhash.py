"""Pure dedup core: normalization, shingles, MinHash, LSH parameters, URL keys (no Beam)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import AEB_DIR, SEED_CLEAN, SEED_SPAM
from transforms.dedup import (
    MinHashParams,
    band_keys,
    candidate_probability,
    estimated_containment,
    estimated_jaccard,
    is_near_duplicate,
    jaccard,
    minhash,
    minhash_signature,
    normalize_for_dedup,
    optimal_bands_rows,
    shingle_hashes,
    shingle_set,
    sign,
    signature_of,
    text_hash,
    url_key,
    uses_char_shingles,
)


def _stripped(path) -> str:
    return "\n".join(line.strip() for line in path.read_text(encoding="utf-8").splitlines())


def _article_lines_of_000() -> str:
    clean = {line.strip() for line in SEED_CLEAN.read_text(encoding="utf-8").splitlines() if line.strip()}
    lines = [line.strip() for line in SEED_SPAM.read_text(encoding="utf-8").splitlines()]
    return "\n".join(line for line in lines if line in clean)


def test_normalize_for_dedup_folds_case_punctuation_width_and_space() -> None:
    assert (
        normalize_for_dedup("  Hello,   WORLD!\n\tIt's  ＦＵＬＬ-width_x ") == "hello world it s full width x"
    )
    assert normalize_for_dedup("...!!!") == ""
    assert text_hash("A  b, c!") == text_hash("a b c")
    assert text_hash("") == "" and text_hash(" -- ") == ""


def test_word_shingles_and_short_texts() -> None:
    assert shingle_set("a b c d e f", 5) == {"a b c d e", "b c d e f"}
    assert shingle_set("Only three words", 5) == {"only three words"}
    assert shingle_set("", 5) == set()
    assert len(shingle_hashes("a b c d e f", 5)) == 2
    assert len(shingle_hashes("", 5)) == 0
    assert signature_of("   ", MinHashParams()) is None


def test_cjk_text_uses_character_shingles() -> None:
    zh = "中国政府部门通过微博更快地回应公众关切"
    assert uses_char_shingles(normalize_for_dedup(zh))
    assert not uses_char_shingles(
        normalize_for_dedup("Chinese authorities 微博 respond faster to the public")
    )
    shingles = shingle_set(zh, 5, char_shingle_size=4)
    assert "中国政府" in shingles and len(shingles) == len(zh) - 3
    # spaces inside CJK text do not change its character shingles
    assert shingle_set("中国政府 部门", 5, 4) == shingle_set("中国政府部门", 5, 4)


def test_shingle_hashes_agree_with_string_shingles() -> None:
    a, b = _stripped(SEED_SPAM), _stripped(SEED_CLEAN)
    exact = jaccard(shingle_set(a), shingle_set(b))
    assert len(shingle_hashes(a)) == len(shingle_set(a))
    assert jaccard(shingle_hashes(a), shingle_hashes(b)) == pytest.approx(exact)


def test_seed_jaccards_raw_and_cleaned() -> None:
    # 000 with its navigation, footer and Chinese spam lines vs the clean 001: below 0.8 on 5-grams.
    raw = jaccard(shingle_set(_stripped(SEED_SPAM)), shingle_set(_stripped(SEED_CLEAN)))
    assert raw == pytest.approx(0.7338, abs=1e-4)
    # The article lines of 000 (what the pipeline leaves after cleaning) are the same text as 001.
    cleaned = _article_lines_of_000()
    assert jaccard(shingle_set(cleaned), shingle_set(_stripped(SEED_CLEAN))) == 1.0
    assert text_hash(cleaned) == text_hash(_stripped(SEED_CLEAN))
    # 001 is contained in 000: |000| = 586 shingles, |001| = 430, all 430 shared.
    sa_set, sb_set = shingle_set(_stripped(SEED_SPAM)), shingle_set(_stripped(SEED_CLEAN))
    assert (len(sa_set), len(sb_set), len(sa_set & sb_set)) == (586, 430, 430)
    # With the default parameters the raw pair shares an LSH band; its estimated Jaccard (0.66) is below the
    # 0.7 cut, but the estimated containment passes the 0.8 containment cut, so it is verified.
    p = MinHashParams()
    (sa, na), (sb, nb) = sign(_stripped(SEED_SPAM), p), sign(_stripped(SEED_CLEAN), p)
    assert set(band_keys(sa, p.bands, p.rows)) & set(band_keys(sb, p.bands, p.rows))
    assert estimated_jaccard(sa, sb) == pytest.approx(0.6640625)
    assert estimated_containment(estimated_jaccard(sa, sb), na, nb) > 0.9
    assert not is_near_duplicate(sa, na, sb, nb, 0.7)
    assert is_near_duplicate(sa, na, sb, nb, 0.7, 0.8)
    assert estimated_containment(0.5, 100, 100) == pytest.approx(2 / 3)


def test_signature_is_deterministic_and_estimates_jaccard() -> None:
    texts = [v["articleBody"] for v in json.loads((AEB_DIR / "ground-truth.json").read_text()).values()][:30]
    p = MinHashParams(num_perm=256)
    sig = signature_of(texts[0], p)
    assert sig.dtype == np.uint32 and sig.shape == (256,)
    assert np.array_equal(sig, signature_of(texts[0], p))
    assert not np.array_equal(sig, signature_of(texts[0], MinHashParams(num_perm=256, seed=2)))
    # the estimate tracks the true Jaccard of a doc and a trimmed copy (std ~ 0.03 at 256 permutations)
    words = texts[0].split()
    trimmed = " ".join(words[: int(len(words) * 0.85)])
    true = jaccard(shingle_hashes(texts[0]), shingle_hashes(trimmed))
    assert abs(estimated_jaccard(sig, signature_of(trimmed, p)) - true) < 0.1
    # distinct articles: estimated Jaccard near 0
    for t in texts[1:10]:
        assert estimated_jaccard(sig, signature_of(t, p)) < 0.1


def test_minhash_signature_is_its_definition() -> None:
    # per permutation i: min over the shingle hashes x of ((a_i x + b_i) mod 2^64) >> 32, as uint32
    hashes = np.unique(np.arange(1, 10_001, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    a, b = minhash.permutations(64, 3)
    with np.errstate(over="ignore"):
        expected = ((hashes[:, None] * a[None, :] + b[None, :]) >> np.uint64(32)).min(axis=0).astype(np.uint32)
    assert np.array_equal(minhash_signature(hashes, 64, 3), expected)
    with pytest.raises(ValueError):
        minhash_signature(np.empty(0, dtype=np.uint64))


def test_shingle_hashes_are_the_same_from_many_threads() -> None:
    # The extension works without the GIL: DoFns running in several threads of one process get the same keys.
    from concurrent.futures import ThreadPoolExecutor

    texts = [_stripped(SEED_SPAM), _stripped(SEED_CLEAN), "alpha beta gamma delta " * 50]
    expected = [shingle_hashes(t) for t in texts]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: shingle_hashes(texts[i % 3]), range(300)))
    assert all(np.array_equal(r, expected[i % 3]) for i, r in enumerate(results))


def test_optimal_bands_rows_matches_datasketch_style_derivation() -> None:
    # datasketch's equal weights at 0.8 / 128 permutations
    assert optimal_bands_rows(0.8, 128) == (9, 13)
    # our default: LSH threshold 0.7 weighted for recall
    b, r = optimal_bands_rows(0.7, 128, 0.3, 0.7)
    assert (b, r) == (16, 8)
    assert candidate_probability(0.8, b, r) > 0.94
    assert candidate_probability(0.3, b, r) < 0.002


def test_band_keys_are_stable_signed_ints() -> None:
    sig = np.arange(128, dtype=np.uint32)
    keys = band_keys(sig, 16, 8)
    assert len(keys) == 16 and len(set(keys)) == 16
    assert all(-(2**63) <= k < 2**63 for k in keys)
    assert keys == band_keys(sig.copy(), 16, 8)
    # the same rows in another band give another key
    assert (
        band_keys(np.zeros(16, dtype=np.uint32), 2, 8)[0] != band_keys(np.zeros(16, dtype=np.uint32), 2, 8)[1]
    )


def test_params_validate() -> None:
    with pytest.raises(ValueError):
        MinHashParams(num_perm=64, bands=16, rows=8)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM:80/a/b/?utm_source=x&b=2&a=1#frag", "//example.com/a/b?a=1&b=2"),
        ("https://example.com", "//example.com/"),
        ("https://example.com:443/", "//example.com/"),
        ("https://example.com:8443/x/", "//example.com:8443/x"),
        ("http://a.com/%7Euser/page?fbclid=abc&gclid=1", "//a.com/%7Euser/page"),
        ("https://a.com/p?UTM_Campaign=z&q=1&ref_src=tw", "//a.com/p?q=1"),
        ("https://a.com/p?id=5&ref=home", "//a.com/p?id=5"),
        ("http://example.com./x", "//example.com/x"),
        ("https://www.a.com/x", "//a.com/x"),  # www. and the scheme do not tell two pages apart
        ("http://a.com/x/", "//a.com/x"),
        ("   ", None),
        (None, None),
        ("not a url", None),
        ("ftp://a.com/x", None),
        ("http://[::1]:80/x", "//[::1]:80/x"),
    ],
)
def test_url_key(url: str | None, expected: str | None) -> None:
    assert url_key(url) == expected


def test_module_has_no_beam_import() -> None:
    src = Path(minhash.__file__).read_text(encoding="utf-8")
    assert "apache_beam" not in src
