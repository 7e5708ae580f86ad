//! MinHash keys of near-deduplication (`transforms/dedup/minhash.py` documents the scheme): token hashes
//! (BLAKE2b-64, or the code point for character shingles), n-gram hashes combined with fixed odd multipliers and
//! finalized with splitmix64, and the multiply-add-shift permutations. Bit for bit what the NumPy version computed.

use blake2b_simd::many::{hash_many, HashManyJob};
use blake2b_simd::Params;
use std::collections::HashMap;

use crate::lines::key_into;
use crate::text::{chars, is_alnum, is_decimal};

/// The share of letters in scripts written without spaces above which a text gets character shingles.
pub const CJK_CHAR_SHARE: f64 = 0.3;

/// `normalize_for_dedup`'s last step on an NFKC-normalized, casefolded text: every run of characters that are not
/// letters or digits (`re`'s `[\W_]+`) becomes one space, and the ends are stripped. That is exactly the paragraph
/// key's form (`lines::key_into`), so the two share one implementation.
pub fn fold(folded: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(folded.len());
    key_into(folded, false, &mut out);
    out
}

#[inline]
fn no_space_script(c: u32) -> bool {
    // Thai, Lao, Tibetan, Myanmar, Khmer, kana, CJK ideographs (and their extensions and compatibility forms).
    matches!(c, 0x0E00..=0x0EFF | 0x0F00..=0x0FFF | 0x1000..=0x109F | 0x1780..=0x17FF | 0x3040..=0x30FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// True when at least `CJK_CHAR_SHARE` of a normalized text's letters (`re`'s `[^\W\d_]`) are characters of
/// scripts written without spaces (counted over every character of those scripts, as `uses_char_shingles` did).
pub fn uses_char_shingles(norm: &[u8]) -> bool {
    if !norm.iter().any(|&b| b >= 0xE0) {
        return false; // those scripts start at U+0E00: three bytes or more in UTF-8
    }
    let (mut letters, mut no_space) = (0usize, 0usize);
    for (_, _, c) in chars(norm) {
        if no_space_script(c) {
            no_space += 1;
        }
        if is_alnum(c) && !is_decimal(c) {
            letters += 1;
        }
    }
    no_space > 0 && letters > 0 && no_space as f64 >= CJK_CHAR_SHARE * letters as f64
}

#[inline]
pub fn splitmix64(x: u64) -> u64 {
    let x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

pub fn words_le(bytes: &[u8]) -> Vec<u64> {
    bytes.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect()
}

/// The token hashes of a normalized text: BLAKE2b-64 (little-endian) of each space-separated word, or each code
/// point but spaces through splitmix64 (character shingles). Each distinct word is hashed once.
fn token_hashes(norm: &[u8], char_shingles: bool) -> Vec<u64> {
    if norm.is_empty() {
        return Vec::new();
    }
    if char_shingles {
        return chars(norm).filter(|&(_, _, c)| c != 0x20).map(|(_, _, c)| splitmix64(c as u64)).collect();
    }
    let mut params = Params::new();
    params.hash_length(8);
    let mut ids: HashMap<&[u8], u32> = HashMap::with_capacity(norm.len() / 4);
    let mut distinct: Vec<&[u8]> = Vec::new();
    let tokens: Vec<u32> = norm
        .split(|&c| c == b' ')
        .map(|tok| {
            *ids.entry(tok).or_insert_with(|| {
                distinct.push(tok);
                distinct.len() as u32 - 1
            })
        })
        .collect();
    // the distinct words hashed side by side (blake2b_simd's SIMD lanes: AVX2 where the CPU has it)
    let mut jobs: Vec<HashManyJob> = distinct.iter().map(|tok| HashManyJob::new(&params, tok)).collect();
    hash_many(jobs.iter_mut());
    let hashes: Vec<u64> =
        jobs.iter().map(|job| u64::from_le_bytes(job.to_hash().as_bytes().try_into().unwrap())).collect();
    tokens.into_iter().map(|id| hashes[id as usize]).collect()
}

/// Sorted distinct 64-bit hashes of the text's shingles (n consecutive tokens; one shingle when there are fewer).
pub fn shingle_hashes(norm: &[u8], char_shingles: bool, size: usize, multipliers: &[u64]) -> Vec<u64> {
    let th = token_hashes(norm, char_shingles);
    if th.is_empty() {
        return th;
    }
    let n = size.min(th.len());
    let mut out: Vec<u64> = th
        .windows(n)
        .map(|w| {
            let mut acc = 0u64;
            for (h, m) in w.iter().zip(multipliers) {
                acc = acc.wrapping_add(h.wrapping_mul(*m));
            }
            splitmix64(acc ^ n as u64)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The signature: per permutation i, the least ((a_i x + b_i) mod 2^64) >> 32 over the shingle hashes x.
pub fn signature(hashes: &[u64], a: &[u64], b: &[u64]) -> Vec<u32> {
    signature_on(hashes, a, b, false)
}

/// `signature`, with the AVX-512 build when the CPU has it, unless `portable` (tests compare the two builds on a
/// CPU that has both: `tests/test_native.py`).
pub fn signature_on(hashes: &[u64], a: &[u64], b: &[u64], portable: bool) -> Vec<u32> {
    #[cfg(target_arch = "x86_64")]
    {
        if !portable && std::arch::is_x86_feature_detected!("avx512dq") {
            // SAFETY: the CPU has the features the function is compiled for (checked just above).
            return unsafe { signature_avx512(hashes, a, b) };
        }
    }
    signature_portable(hashes, a, b)
}

/// The same loop, compiled for AVX-512 (its 64-bit vector multiply); the CPU is checked at run time, so the wheel
/// stays portable. Bit for bit `signature_portable`: integer operations only.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl")]
unsafe fn signature_avx512(hashes: &[u64], a: &[u64], b: &[u64]) -> Vec<u32> {
    signature_portable(hashes, a, b)
}

#[inline(always)]
fn signature_portable(hashes: &[u64], a: &[u64], b: &[u64]) -> Vec<u32> {
    let mut sig = vec![u64::MAX; a.len()];
    for &x in hashes {
        for ((s, &ai), &bi) in sig.iter_mut().zip(a).zip(b) {
            let v = ai.wrapping_mul(x).wrapping_add(bi) >> 32;
            if v < *s {
                *s = v;
            }
        }
    }
    sig.into_iter().map(|v| v as u32).collect()
}

/// One key per band: BLAKE2b-64 (little-endian, signed) of the band index (4 bytes, little-endian) and its rows.
pub fn band_keys(sig_le: &[u8], bands: usize, rows: usize) -> Vec<i64> {
    let mut params = Params::new();
    params.hash_length(8);
    (0..bands)
        .map(|i| {
            let mut state = params.to_state();
            state.update(&(i as u32).to_le_bytes());
            state.update(&sig_le[i * rows * 4..(i + 1) * rows * 4]);
            i64::from_le_bytes(state.finalize().as_bytes().try_into().unwrap())
        })
        .collect()
}
