//! `transforms.core._native`: crawlwash's compiled hot paths, one implementation each (no Python twin).
//!
//! A small typed surface: text in as `bytes` (`str.encode("utf-8", "surrogatepass")`), integers, lists of integers
//! or packed little-endian `bytes` out. The Python modules that own each rule wrap these calls:
//! `transforms/dedup/minhash.py` (shingles, signatures, band keys), `transforms/clean/lines.py` (line features,
//! paragraph and corpus line keys), `transforms/clean/near.py` (near-identical lines), `transforms/clean/normalize.py`
//! (control characters, whitespace, lines; the checks before ftfy), `transforms/language/features.py` (a line's own
//! facts), `transforms/language/gambling_vocabulary.py` and `pharmacy.py` (which lines may hold a lexicon's
//! vocabulary) and `transforms/language/wordlm.py` (the words' evidence). The work runs without the GIL.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

mod langfeat;
mod lexicon;
mod lines;
mod minhash;
mod near;
mod normalize;
mod quality;
mod text;
mod wordlm;

fn le_bytes<'py, T: Copy, const N: usize>(py: Python<'py>, values: &[T], f: fn(T) -> [u8; N]) -> Bound<'py, PyBytes> {
    let mut out = Vec::with_capacity(values.len() * N);
    for &v in values {
        out.extend_from_slice(&f(v));
    }
    PyBytes::new(py, &out)
}

fn check_words(name: &str, b: &[u8]) -> PyResult<()> {
    if b.len() % 8 != 0 {
        return Err(PyValueError::new_err(format!("{name}: a whole number of uint64 values expected")));
    }
    Ok(())
}

/// Sorted distinct shingle hashes (uint64 little-endian) of a text normalized for dedup: word shingles of
/// `word_size`, or character shingles of `char_size` when the text is mostly in scripts written without spaces.
#[pyfunction]
fn shingle_hashes<'py>(
    py: Python<'py>, norm: &[u8], word_size: usize, char_size: usize, multipliers: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    check_words("multipliers", multipliers)?;
    let m = minhash::words_le(multipliers);
    check_shingle_sizes(word_size, char_size, m.len())?;
    let hashes = py.detach(|| {
        let chars = minhash::uses_char_shingles(norm);
        minhash::shingle_hashes(norm, chars, if chars { char_size } else { word_size }, &m)
    });
    Ok(le_bytes(py, &hashes, u64::to_le_bytes))
}

fn check_shingle_sizes(word_size: usize, char_size: usize, most: usize) -> PyResult<()> {
    if word_size == 0 || char_size == 0 || word_size.max(char_size) > most {
        return Err(PyValueError::new_err(format!("shingle sizes must be in 1..={most}")));
    }
    Ok(())
}

/// `normalize_for_dedup`'s fold of an NFKC-normalized, casefolded text: runs of characters that are not letters or
/// digits become one space, the ends stripped.
#[pyfunction]
fn dedup_fold<'py>(py: Python<'py>, folded: &[u8]) -> Bound<'py, PyBytes> {
    let out = py.detach(|| minhash::fold(folded));
    PyBytes::new(py, &out)
}

/// Whether a normalized text gets character shingles (mostly scripts written without spaces).
#[pyfunction]
fn uses_char_shingles(norm: &[u8]) -> bool {
    minhash::uses_char_shingles(norm)
}

/// The MinHash signature (uint32 little-endian per permutation) of shingle hashes (uint64 little-endian);
/// `portable`: never the AVX-512 build (for the test that compares the two builds).
#[pyfunction]
#[pyo3(signature = (hashes, a, b, portable=false))]
fn minhash_signature<'py>(
    py: Python<'py>, hashes: &[u8], a: &[u8], b: &[u8], portable: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    for (name, v) in [("hashes", hashes), ("a", a), ("b", b)] {
        check_words(name, v)?;
    }
    if a.len() != b.len() {
        return Err(PyValueError::new_err("a and b differ in length"));
    }
    let sig = py.detach(|| {
        minhash::signature_on(&minhash::words_le(hashes), &minhash::words_le(a), &minhash::words_le(b), portable)
    });
    Ok(le_bytes(py, &sig, u32::to_le_bytes))
}

/// (signature, number of distinct shingles) of a normalized text, or None when it has no shingle; shingle sizes
/// as `shingle_hashes`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn minhash_sign<'py>(
    py: Python<'py>, norm: &[u8], word_size: usize, char_size: usize, multipliers: &[u8], a: &[u8], b: &[u8],
) -> PyResult<Option<(Bound<'py, PyBytes>, usize)>> {
    for (name, v) in [("multipliers", multipliers), ("a", a), ("b", b)] {
        check_words(name, v)?;
    }
    let m = minhash::words_le(multipliers);
    check_shingle_sizes(word_size, char_size, m.len())?;
    if a.len() != b.len() {
        return Err(PyValueError::new_err("a and b differ in length"));
    }
    let (a, b) = (minhash::words_le(a), minhash::words_le(b));
    let signed = py.detach(|| {
        let chars = minhash::uses_char_shingles(norm);
        let hashes = minhash::shingle_hashes(norm, chars, if chars { char_size } else { word_size }, &m);
        if hashes.is_empty() {
            None
        } else {
            Some((minhash::signature(&hashes, &a, &b), hashes.len()))
        }
    });
    Ok(signed.map(|(sig, n)| (le_bytes(py, &sig, u32::to_le_bytes), n)))
}

/// One signed 64-bit key per band of a signature (uint32 little-endian).
#[pyfunction]
fn band_keys(sig: &[u8], bands: usize, rows: usize) -> PyResult<Vec<i64>> {
    if bands * rows * 4 > sig.len() {
        return Err(PyValueError::new_err("bands * rows exceeds the signature"));
    }
    Ok(minhash::band_keys(sig, bands, rows))
}

/// The features of a document's lines, for the line rules (`transforms/clean/lines.py`).
#[pyclass(frozen, module = "transforms.core._native")]
struct LineAnalyzer {
    inner: lines::LineAnalyzer,
}

#[pymethods]
impl LineAnalyzer {
    /// `needle_groups`: substrings looked for in each casefolded line; group g sets flag bit NEEDLE_SHIFT + g.
    #[new]
    fn new(needle_groups: Vec<Vec<String>>) -> PyResult<Self> {
        lines::LineAnalyzer::new(&needle_groups).map(|inner| LineAnalyzer { inner }).map_err(PyValueError::new_err)
    }

    /// (tokens, words, chars, paragraph keys, flags), one list entry per line of `text` (split on "\n");
    /// `folded` is `text.casefold()`. See `transforms/clean/lines.py` for each column.
    #[allow(clippy::type_complexity)]
    fn table(
        &self, py: Python<'_>, text: &[u8], folded: &[u8],
    ) -> (Vec<u32>, Vec<u32>, Vec<u32>, Vec<String>, Vec<u32>) {
        let t = py.detach(|| self.inner.table(text, folded));
        (t.tokens, t.words, t.chars, t.keys, t.flags)
    }
}

/// The paragraph key of one casefolded line (runs of letters and digits joined by single spaces).
#[pyfunction]
fn paragraph_key<'py>(py: Python<'py>, folded: &[u8], fold_digits: bool) -> Bound<'py, PyBytes> {
    let mut key = Vec::new();
    lines::key_into(folded, fold_digits, &mut key);
    PyBytes::new(py, &key)
}

/// The corpus key of every line of a casefolded text (1: none, the key is shorter than `min_chars`).
#[pyfunction]
fn corpus_line_keys(py: Python<'_>, folded: &[u8], min_chars: usize) -> Vec<i64> {
    py.detach(|| lines::corpus_keys(folded, min_chars))
}

/// The lines to remove as near-identical repeats (`transforms/clean/near.py`): `text` is the lines joined by "\n".
#[pyfunction]
fn near_repeats(
    py: Python<'_>, text: &[u8], keys: Vec<String>, eligible: Vec<bool>, min_words: usize, min_similarity: f64,
) -> PyResult<Vec<usize>> {
    py.detach(|| near::near_repeats(text, &keys, &eligible, min_words, min_similarity)).map_err(PyValueError::new_err)
}

/// Control characters removed, whitespace runs folded, lines stripped and blank lines dropped.
#[pyfunction]
fn tidy_text<'py>(
    py: Python<'py>, text: &[u8], remove_controls: bool, collapse_whitespace: bool, strip_lines: bool,
    max_blank_lines: usize,
) -> Bound<'py, PyBytes> {
    let out = py.detach(|| normalize::tidy(text, remove_controls, collapse_whitespace, strip_lines, max_blank_lines));
    PyBytes::new(py, &out)
}

/// The checks `transforms/clean/normalize.py` makes before ftfy (`normalize::MojibakeScan`).
#[pyclass(frozen, module = "transforms.core._native")]
struct MojibakeScan {
    inner: normalize::MojibakeScan,
}

#[pymethods]
impl MojibakeScan {
    #[new]
    fn new(
        badness: &str, ligatures: Vec<(u32, u32)>, controls: Vec<(u32, u32)>, other_fixes: Vec<(u32, u32)>,
        reach: usize,
    ) -> PyResult<Self> {
        normalize::MojibakeScan::new(badness, [&ligatures, &controls, &other_fixes], reach)
            .map(|inner| MojibakeScan { inner })
            .map_err(PyValueError::new_err)
    }

    /// MAYBE_BAD and HAS_* bits of a text (surrogatepass UTF-8).
    fn scan(&self, py: Python<'_>, text: &[u8]) -> u32 {
        py.detach(|| self.inner.scan(text))
    }
}

/// Which lines may hold a spam lexicon's vocabulary (`lexicon::Prefilter`).
#[pyclass(frozen, module = "transforms.core._native")]
struct LexiconPrefilter {
    inner: lexicon::Prefilter,
}

#[pymethods]
impl LexiconPrefilter {
    #[new]
    fn new(
        words: Vec<String>, letters_only: bool, substrings: Vec<String>, digit_letter: bool, compat: Vec<(u32, u32)>,
    ) -> PyResult<Self> {
        lexicon::Prefilter::new(words, letters_only, substrings, digit_letter, compat)
            .map(|inner| LexiconPrefilter { inner })
            .map_err(PyValueError::new_err)
    }

    /// For each line of `text` (lowercased, surrogatepass UTF-8, split on "\n"): False when it holds nothing the
    /// lexicon's test finds, True when it may.
    fn maybe_lines(&self, py: Python<'_>, text: &[u8]) -> Vec<bool> {
        py.detach(|| self.inner.maybe_lines(text))
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(shingle_hashes, m)?)?;
    m.add_function(wrap_pyfunction!(minhash_signature, m)?)?;
    m.add_function(wrap_pyfunction!(minhash_sign, m)?)?;
    m.add_function(wrap_pyfunction!(band_keys, m)?)?;
    m.add_function(wrap_pyfunction!(dedup_fold, m)?)?;
    m.add_function(wrap_pyfunction!(uses_char_shingles, m)?)?;
    m.add_class::<LineAnalyzer>()?;
    m.add_class::<MojibakeScan>()?;
    m.add_class::<LexiconPrefilter>()?;
    m.add_class::<quality::QualityMeasure>()?;
    m.add_class::<quality::WordTokenizer>()?;
    m.add_function(wrap_pyfunction!(paragraph_key, m)?)?;
    m.add_function(wrap_pyfunction!(corpus_line_keys, m)?)?;
    m.add_function(wrap_pyfunction!(near_repeats, m)?)?;
    m.add_function(wrap_pyfunction!(tidy_text, m)?)?;
    m.add_function(wrap_pyfunction!(langfeat::language_lines, m)?)?;
    m.add_function(wrap_pyfunction!(langfeat::script_counts, m)?)?;
    m.add_function(wrap_pyfunction!(langfeat::prediction_text_of, m)?)?;
    m.add_function(wrap_pyfunction!(langfeat::line_flags, m)?)?;
    langfeat::add_constants(m)?;
    m.add_class::<wordlm::WordIndex>()?;
    m.add_class::<wordlm::WordEvidence>()?;
    m.add_function(wrap_pyfunction!(wordlm::counted_words, m)?)?;
    m.add("MAYBE_BAD", normalize::MAYBE_BAD)?;
    m.add("HAS_LIGATURE", normalize::HAS_LIGATURE)?;
    m.add("HAS_CONTROL", normalize::HAS_CONTROL)?;
    m.add("HAS_OTHER_FIX", normalize::HAS_OTHER_FIX)?;
    m.add("CJK_CHAR_SHARE", minhash::CJK_CHAR_SHARE)?;
    m.add("NEEDLE_SHIFT", lines::NEEDLE_SHIFT)?;
    m.add("EMPTY", lines::EMPTY)?;
    m.add("NO_LETTERS", lines::NO_LETTERS)?;
    m.add("TABLE_ROW", lines::TABLE_ROW)?;
    m.add("TERMINAL", lines::TERMINAL)?;
    m.add("FIRST_DIGIT", lines::FIRST_DIGIT)?;
    Ok(())
}
