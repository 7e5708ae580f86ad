//! The word-frequency evidence of lines (`transforms/language/wordlm.py` documents the model and each rule): the
//! counted words of each text, lowercased and hashed (xxh3-64, as the packed index was built with), looked up in
//! the index, and scored against the page's language group. One call per batch of texts.
//!
//! The index stays where Python keeps it (the memory-mapped arrays of the cache directory): `WordIndex` holds the
//! two buffers and reads them in place. The arithmetic is numpy's, step for step, so that every figure is the
//! one the earlier numpy code gave: frequencies are float32 (a code times -0.04 in float64, rounded), the
//! per-word differences float32, and a line's sum over its words (in the order of their hashes) is numpy's
//! `add.reduceat`: the first word, plus the pairwise sum of the rest ([`pairwise`]).

use std::os::raw::c_int;
use std::ptr::NonNull;

use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use xxhash_rust::xxh3::xxh3_64;

use crate::quality::Ranges;
use crate::text::{chars, is_alnum, is_decimal};

extern "C" {
    fn _PyUnicode_ToLowerFull(ch: u32, res: *mut u32) -> c_int;
    fn _PyUnicode_IsCased(ch: u32) -> c_int;
    fn _PyUnicode_IsCaseIgnorable(ch: u32) -> c_int;
}

/// A letter as `[^\W\d_]` counts it.
#[inline]
fn is_letter(c: u32) -> bool {
    is_alnum(c) && !is_decimal(c)
}

#[inline]
fn is_apostrophe(c: u32) -> bool {
    c == '\'' as u32 || c == 0x2019
}

/// The end of `[^\W\d_]*(?:['\u2019][^\W\d_]+)*` from `j` (greedy; nothing to backtrack: an apostrophe is no
/// letter).
fn word_end(s: &[u32], mut j: usize, repeat: bool) -> usize {
    while j < s.len() && is_letter(s[j]) {
        j += 1;
    }
    while j + 1 < s.len() && is_apostrophe(s[j]) && is_letter(s[j + 1]) {
        j += 2;
        while j < s.len() && is_letter(s[j]) {
            j += 1;
        }
        if !repeat {
            break;
        }
    }
    j
}

/// The spans of `_COUNTED_OR_BREAK`'s words in `s`: `(?<![^\W\d_])[Ll][^\W\d_]*(?:['\u2019][^\W\d_]+)*`, where Ll
/// is `lower` (the BMP's lowercase letters, as `charclass.category_ranges("Ll")` lists them).
fn counted_spans(s: &[u32], lower: &Ranges, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let mut i = 0;
    while i < s.len() {
        if lower.contains(s[i]) && (i == 0 || !is_letter(s[i - 1])) {
            let j = word_end(s, i + 1, true);
            out.push((i, j));
            i = j;
        } else {
            i += 1;
        }
    }
}

/// The letters of `s` as `sum(map(len, _WORD.findall(s)))` counts them: `[^\W\d_]+(?:['\u2019][^\W\d_]+)?`.
fn word_letters(s: &[u32]) -> i64 {
    let (mut i, mut total) = (0, 0i64);
    while i < s.len() {
        if is_letter(s[i]) {
            let j = word_end(s, i + 1, false);
            total += (j - i) as i64;
            i = j;
        } else {
            i += 1;
        }
    }
    total
}

/// `str.lower()` of `w`, as surrogatepass UTF-8 into `out`: CPython's full lowercase mapping, with its one
/// contextual rule (a capital sigma at the end of a word is "ς": Final_Sigma, as `handle_capital_sigma`).
fn lower_utf8(w: &[u32], out: &mut Vec<u8>) {
    out.clear();
    let mut buf = [0u32; 3];
    for (i, &c) in w.iter().enumerate() {
        if c < 0x80 {
            out.push((c as u8).to_ascii_lowercase());
            continue;
        }
        let n = if c == 0x3A3 {
            buf[0] = if final_sigma(w, i) { 0x3C2 } else { 0x3C3 };
            1
        } else {
            unsafe { _PyUnicode_ToLowerFull(c, buf.as_mut_ptr()) as usize }
        };
        for &m in &buf[..n] {
            push_utf8(m, out);
        }
    }
}

fn final_sigma(w: &[u32], i: usize) -> bool {
    let ignorable = |c: u32| unsafe { _PyUnicode_IsCaseIgnorable(c) != 0 };
    let cased = |c: u32| unsafe { _PyUnicode_IsCased(c) != 0 };
    match w[..i].iter().rev().find(|&&c| !ignorable(c)) {
        Some(&c) if cased(c) => {}
        _ => return false,
    }
    !w[i + 1..].iter().find(|&&c| !ignorable(c)).is_some_and(|&c| cased(c))
}

/// One code point as surrogatepass UTF-8 (a lone surrogate as the three bytes Python's codec writes for it).
fn push_utf8(c: u32, out: &mut Vec<u8>) {
    match c {
        0..=0x7F => out.push(c as u8),
        0x80..=0x7FF => out.extend_from_slice(&[0xC0 | (c >> 6) as u8, 0x80 | (c & 0x3F) as u8]),
        0x800..=0xFFFF => {
            out.extend_from_slice(&[0xE0 | (c >> 12) as u8, 0x80 | ((c >> 6) & 0x3F) as u8, 0x80 | (c & 0x3F) as u8])
        }
        _ => out.extend_from_slice(&[
            0xF0 | (c >> 18) as u8,
            0x80 | ((c >> 12) & 0x3F) as u8,
            0x80 | ((c >> 6) & 0x3F) as u8,
            0x80 | (c & 0x3F) as u8,
        ]),
    }
}

/// numpy's pairwise sum of float32 values (`FLOAT_pairwise_sum`, numpy/_core/src/umath/loops_utils.h.src): what
/// `np.add.reduce` and `reduceat` add with. Eight running sums in blocks of 128 and halves beyond, written out so
/// that the rounding is numpy's.
fn pairwise(a: &[f32]) -> f32 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0f32;
        for &x in a {
            res += x;
        }
        res
    } else if n <= 128 {
        let mut r = [0.0f32; 8];
        r.copy_from_slice(&a[..8]);
        let mut i = 8;
        while i < n - n % 8 {
            for (k, acc) in r.iter_mut().enumerate() {
                *acc += a[i + k];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while i < n {
            res += a[i];
            i += 1;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise(&a[..n2]) + pairwise(&a[n2..])
    }
}

/// `np.add.reduceat` over one segment of float32 values: the first, plus the pairwise sum of the rest.
fn segment_sum(a: &[f32]) -> f32 {
    if a.len() > 1 {
        a[0] + pairwise(&a[1..])
    } else {
        a[0]
    }
}

/// The word-frequency index: sorted distinct word hashes and a words x languages matrix of codes (the arrays of
/// `WordFrequencyModel`, read in place), and the BMP's lowercase letters (Ll) that a counted word starts with.
#[pyclass(frozen, module = "transforms.core._native")]
pub struct WordIndex {
    hashes: PyBuffer<u64>,
    codes: PyBuffer<u8>,
    langs: usize,
    lower: Ranges,
    log10: [f32; 256], // the frequency of each code
    floor: f32,        // of a word in no list
    // where each bucket of hashes (their top `bucket_bits` bits) starts in `hashes`, and one past the last: a
    // lookup searches ~16 neighbouring hashes, not the whole array (each level of a binary search over 10 MB is a
    // cache miss; a line's words cost 3-4x more without the buckets, measured with cold caches)
    bucket_bits: u32,
    buckets: Vec<u32>,
}

impl WordIndex {
    fn hashes(&self) -> &[u64] {
        // SAFETY: the buffer is C-contiguous (checked in `new`) and held, read-only, as long as `self`
        unsafe { self.hashes.as_slice_ptr().map_or(&[], |p: NonNull<[u64]>| &*p.as_ptr()) }
    }

    fn codes(&self) -> &[u8] {
        // SAFETY: as `hashes`
        unsafe { self.codes.as_slice_ptr().map_or(&[], |p: NonNull<[u8]>| &*p.as_ptr()) }
    }

    /// The log10 frequency of the word hashed `h` in each language, into `row` (`WordFrequencyModel.log10_freqs`).
    #[inline]
    fn freqs(&self, h: u64, row: &mut [f32]) {
        let b = (h >> (64 - self.bucket_bits)) as usize;
        let (lo, hi) = (self.buckets[b] as usize, self.buckets[b + 1] as usize);
        match self.hashes()[lo..hi].binary_search(&h).map(|k| lo + k) {
            Ok(k) => {
                for (x, &c) in row.iter_mut().zip(&self.codes()[k * self.langs..(k + 1) * self.langs]) {
                    *x = self.log10[c as usize];
                }
            }
            Err(_) => row.fill(self.floor),
        }
    }
}

#[pymethods]
impl WordIndex {
    /// `hashes`: sorted distinct uint64 word hashes; `codes`: uint8, one row of codes per hash and a column per
    /// language (both C-contiguous, read in place); `lower`: inclusive code-point ranges of the BMP's Ll. A code
    /// c is a frequency of 10^(-c * `step` / 100), 0 that of `floor_code`; a word in no list has 10^`floor_log10`.
    #[new]
    fn new(
        hashes: PyBuffer<u64>, codes: PyBuffer<u8>, lower: Vec<(u32, u32)>, step: u32, floor_code: u8,
        floor_log10: f32,
    ) -> PyResult<Self> {
        if !hashes.is_c_contiguous() || !codes.is_c_contiguous() {
            return Err(PyValueError::new_err("the word index's arrays must be C-contiguous"));
        }
        if codes.dimensions() != 2 || codes.shape()[0] != hashes.item_count() {
            return Err(PyValueError::new_err("codes must have one row per hash"));
        }
        let langs = codes.shape()[1];
        let mut log10 = [0.0f32; 256];
        for (code, f) in log10.iter_mut().enumerate() {
            let c = if code == 0 { floor_code } else { code as u8 };
            // numpy's: the int16 code times -step/100 in float64, stored as float32
            *f = (c as f64 * (-(step as f64) / 100.0)) as f32;
        }
        let mut index = WordIndex {
            hashes, codes, langs, lower: Ranges::new(lower), log10, floor: floor_log10, bucket_bits: 1, buckets: vec![],
        };
        let hs = index.hashes();
        if hs.len() > u32::MAX as usize || hs.windows(2).any(|w| w[0] >= w[1]) {
            return Err(PyValueError::new_err("hashes must be sorted and distinct"));
        }
        // ~16 hashes a bucket
        let bits = (usize::BITS - (hs.len() / 16).max(2).leading_zeros() - 1).clamp(1, 24);
        let mut buckets = vec![0u32; (1 << bits) + 1];
        let mut k = 0;
        for (b, start) in buckets.iter_mut().enumerate() {
            while k < hs.len() && ((hs[k] >> (64 - bits)) as usize) < b {
                k += 1;
            }
            *start = k as u32;
        }
        (index.bucket_bits, index.buckets) = (bits, buckets);
        Ok(index)
    }

    /// The log10 frequency of each word (hashed as it is) in each language: float32, little-endian, a row per
    /// word.
    fn log10_freqs<'py>(&self, py: Python<'py>, words: &Bound<'py, PyList>) -> PyResult<Bound<'py, PyBytes>> {
        let mut row = vec![0.0f32; self.langs];
        let mut out = Vec::with_capacity(words.len() * self.langs * 4);
        for w in words.iter() {
            let b = utf8_of(&w.cast_into::<PyString>()?)?;
            self.freqs(xxh3_64(&b), &mut row);
            for x in &row {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        Ok(PyBytes::new(py, &out))
    }
}

/// `s.encode("utf-8", "surrogatepass")`.
fn utf8_of(s: &Bound<'_, PyString>) -> PyResult<Vec<u8>> {
    match s.to_str() {
        Ok(t) => Ok(t.as_bytes().to_vec()),
        Err(_) => Ok(s.call_method1("encode", ("utf-8", "surrogatepass"))?.cast_into::<PyBytes>()?.as_bytes().to_vec()),
    }
}

/// The counted words of `text` (surrogatepass UTF-8), lowercased, two letters or more (`wordlm.counted_words`);
/// `lower`: inclusive code-point ranges of the BMP's Ll.
#[pyfunction]
pub fn counted_words<'py>(py: Python<'py>, text: &[u8], lower: Vec<(u32, u32)>) -> PyResult<Bound<'py, PyList>> {
    let cps: Vec<u32> = chars(text).map(|(_, _, c)| c).collect();
    let mut spans = Vec::new();
    counted_spans(&cps, &Ranges::new(lower), &mut spans);
    let out = PyList::empty(py);
    let mut low = Vec::new();
    for &(a, b) in spans.iter().filter(|(a, b)| b - a > 1) {
        lower_utf8(&cps[a..b], &mut low);
        out.append(decode(py, &low)?)?;
    }
    Ok(out)
}

fn decode<'py>(py: Python<'py>, b: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    if let Ok(s) = std::str::from_utf8(b) {
        return Ok(PyString::new(py, s).into_any());
    }
    unsafe {
        let ptr = pyo3::ffi::PyUnicode_DecodeUTF8(b.as_ptr().cast(), b.len() as pyo3::ffi::Py_ssize_t, c"surrogatepass".as_ptr());
        Bound::from_owned_ptr_or_err(py, ptr)
    }
}

/// The evidence of texts against one page language group: the index, the native languages' columns, and the
/// foreign languages' columns ordered by group (`WordFrequencyModel._layout`).
#[pyclass(frozen, module = "transforms.core._native")]
pub struct WordEvidence {
    index: Py<WordIndex>,
    native: Vec<usize>,
    order: Vec<usize>,
    group_of_col: Vec<usize>,
    group_end: Vec<usize>, // one past the last ordered column of each group
    names: Vec<Py<PyString>>,
    none: Py<PyTuple>,
}

/// One text's outcome: (best log10 ratio, index of its group, letters in words favouring it, in words used alike).
type Scored = Option<(f32, usize, i64, i64)>;

impl WordEvidence {
    fn score(&self, idx: &WordIndex, text: &[u8], scratch: &mut Scratch) -> Scored {
        let Scratch { cps, spans, low, words, row, diff, column } = scratch;
        cps.clear();
        cps.extend(chars(text).map(|(_, _, c)| c));
        counted_spans(cps, &idx.lower, spans);
        words.clear();
        for &(a, b) in spans.iter() {
            if b - a > 1 {
                lower_utf8(&cps[a..b], low);
                words.push((xxh3_64(low), (b - a) as i64));
            }
        }
        if words.is_empty() {
            return None;
        }
        words.sort_by_key(|&(h, _)| h); // stable: of a word counted twice, the first stays
        words.dedup_by_key(|&mut (h, _)| h);
        let f = self.order.len();
        diff.clear();
        row.resize(idx.langs, 0.0);
        for &(h, _) in words.iter() {
            idx.freqs(h, row);
            let native = self.native.iter().map(|&j| row[j]).fold(f32::NEG_INFINITY, f32::max);
            diff.extend(self.order.iter().map(|&j| row[j] - native));
        }
        // the best foreign language by the sum over the words (numpy's reduceat), the first of equals
        let m = words.len();
        let (mut best, mut best_llr) = (0, f32::NEG_INFINITY);
        for c in 0..f {
            column.clear();
            column.extend((0..m).map(|w| diff[w * f + c]));
            let total = segment_sum(column);
            if c == 0 || total > best_llr {
                (best, best_llr) = (c, total);
            }
        }
        let g = self.group_of_col[best];
        let start = if g == 0 { 0 } else { self.group_end[g - 1] };
        let (mut favour, mut alike) = (0i64, 0i64);
        for (w, &(_, len)) in words.iter().enumerate() {
            // the word's log10 ratio, the best group's best language against the native ones
            let lean = diff[w * f + start..w * f + self.group_end[g]].iter().copied().fold(f32::NEG_INFINITY, f32::max);
            if lean > 0.5 {
                favour += len;
            }
            if lean.abs() <= 0.5 {
                alike += len;
            }
        }
        Some((best_llr, g, favour, alike))
    }
}

#[derive(Default)]
struct Scratch {
    cps: Vec<u32>,
    spans: Vec<(usize, usize)>,
    low: Vec<u8>,
    words: Vec<(u64, i64)>,
    row: Vec<f32>,
    diff: Vec<f32>,
    column: Vec<f32>,
}

#[pymethods]
impl WordEvidence {
    /// `native`: the native languages' columns; `order`: the foreign languages' columns, grouped; `group_of_col`:
    /// the group of each of `order`'s columns (0, 1, ... in runs); `names`: each group's name.
    #[new]
    fn new(
        py: Python<'_>, index: Py<WordIndex>, native: Vec<usize>, order: Vec<usize>, group_of_col: Vec<usize>,
        names: Vec<Py<PyString>>,
    ) -> PyResult<Self> {
        let langs = index.get().langs;
        if native.is_empty() || order.is_empty() || native.iter().chain(&order).any(|&j| j >= langs) {
            return Err(PyValueError::new_err("columns out of range, or none native or foreign"));
        }
        if group_of_col.len() != order.len() || group_of_col.windows(2).any(|w| w[1] != w[0] && w[1] != w[0] + 1) {
            return Err(PyValueError::new_err("group_of_col must count up from 0 along `order`"));
        }
        if group_of_col[0] != 0 || group_of_col[group_of_col.len() - 1] + 1 != names.len() {
            return Err(PyValueError::new_err("one name per group"));
        }
        let mut group_end = vec![0; names.len()];
        for (c, &g) in group_of_col.iter().enumerate() {
            group_end[g] = c + 1;
        }
        let none = (0.0f64, "", 0.0f64).into_pyobject(py)?;
        Ok(WordEvidence { index, native, order, group_of_col, group_end, names, none: none.unbind() })
    }

    /// (best log10 likelihood ratio of a foreign group, that group, the share of the letters in words favouring
    /// it, words used alike left out) of each of `texts` (`WordFrequencyModel.llr_many`); (0.0, "", 0.0) for a
    /// text without a counted word. `letters`: each text's letters (None: counted here, as `_WORD` does).
    fn llr_many<'py>(
        &self, py: Python<'py>, texts: &Bound<'py, PyList>, letters: Option<Vec<i64>>,
    ) -> PyResult<Bound<'py, PyList>> {
        if letters.as_ref().is_some_and(|l| l.len() != texts.len()) {
            return Err(PyValueError::new_err("one letter count per text"));
        }
        let bytes: Vec<Vec<u8>> =
            texts.iter().map(|t| utf8_of(&t.cast_into::<PyString>()?)).collect::<PyResult<_>>()?;
        let idx = self.index.get();
        let scored: Vec<(Scored, i64)> = py.detach(|| {
            let mut scratch = Scratch::default();
            bytes
                .iter()
                .enumerate()
                .map(|(k, t)| {
                    let s = self.score(idx, t, &mut scratch);
                    let n = match (&letters, s) {
                        (_, None) => 0,
                        (Some(l), _) => l[k],
                        (None, _) => word_letters(&scratch.cps),
                    };
                    (s, n)
                })
                .collect()
        });
        let out = PyList::empty(py);
        for (s, n) in scored {
            match s {
                None => out.append(self.none.bind(py))?,
                Some((llr, g, favour, alike)) => {
                    let told = n - alike;
                    let share = if told > 0 { favour as f64 / told as f64 } else { 0.0 };
                    out.append((llr as f64, self.names[g].bind(py), share.min(1.0)))?;
                }
            }
        }
        Ok(out)
    }
}
