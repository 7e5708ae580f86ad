//! The quality statistics of one document (`transforms/quality/signals.py` documents each one and wraps this):
//! one pass over the tokens, one per line split, and the n-gram statistics on integer token ids, every ratio a
//! quotient of two exact integers (as Python's `int / int`).
//!
//! Text and tokens come as surrogatepass UTF-8 (`text.rs`); lengths are counted in characters (code points), as
//! Python's `len`. The character sets (datatrove's punctuation, the prose punctuation, the unsegmented scripts,
//! the FineWeb line ends, the stop words) are handed in by the Python module that owns them.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::text::{chars, is_alpha, is_decimal, is_space};

/// FxHash (rustc's hasher, written out here to add no crate for ten lines): token ids and n-gram ids are looked
/// up once per position, where SipHash's cost would show.
#[derive(Default)]
pub struct Fx(u64);

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    #[inline]
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;
type FxSet<K> = HashSet<K, BuildHasherDefault<Fx>>;

/// A set of characters: a table for ASCII, a sorted list above.
pub struct CharSet {
    ascii: [bool; 128],
    other: Vec<u32>,
}

impl CharSet {
    pub fn new(cps: impl IntoIterator<Item = u32>) -> Self {
        let mut ascii = [false; 128];
        let mut other = Vec::new();
        for c in cps {
            if c < 128 {
                ascii[c as usize] = true;
            } else {
                other.push(c);
            }
        }
        other.sort_unstable();
        other.dedup();
        CharSet { ascii, other }
    }

    #[inline]
    pub fn contains(&self, c: u32) -> bool {
        if c < 128 {
            self.ascii[c as usize]
        } else {
            self.other.binary_search(&c).is_ok()
        }
    }
}

pub const TOP_NGRAM_SIZES: [usize; 3] = [2, 3, 4];
pub const DUP_NGRAM_SIZES: [usize; 6] = [5, 6, 7, 8, 9, 10];

/// The integer signals, in this order (`signals.py` names them).
pub const INT_SIGNALS: [&str; 8] =
    ["chars", "words", "lines", "paragraphs", "stop_words", "c4_sentences", "c4_lorem_ipsum", "c4_curly_bracket"];
/// The float signals, in this order.
pub const FLOAT_SIGNALS: [&str; 24] = [
    "unsegmented_char_frac",
    "mean_word_length",
    "hash_word_ratio",
    "ellipsis_word_ratio",
    "bullet_lines_frac",
    "ellipsis_lines_frac",
    "alpha_words_frac",
    "dup_line_frac",
    "dup_para_frac",
    "dup_line_char_frac",
    "dup_para_char_frac",
    "top_2gram_char_frac",
    "top_3gram_char_frac",
    "top_4gram_char_frac",
    "dup_5gram_char_frac",
    "dup_6gram_char_frac",
    "dup_7gram_char_frac",
    "dup_8gram_char_frac",
    "dup_9gram_char_frac",
    "dup_10gram_char_frac",
    "fineweb_line_punct_ratio",
    "fineweb_short_line_ratio",
    "fineweb_char_dup_ratio",
    "fineweb_newline_word_ratio",
];

/// What one language and one set of parameters measure with.
pub struct Measure {
    pub punctuation: CharSet,       // datatrove's PUNCTUATION_SET: a token only of these is not a word
    pub prose: CharSet,             // PROSE_PUNCTUATION: such a token is left out of the letter ratio
    pub unsegmented: Vec<(u32, u32)>, // inclusive ranges of the scripts written without spaces
    pub stop_words: Option<HashSet<Vec<u8>>>,
    pub line_ends: CharSet, // the FineWeb line-punctuation rule's line ends (single characters)
    pub policy_phrases: Vec<Vec<u8>>,
    pub c4_min_words: usize,
    pub c4_max_word_len: usize,
    pub c4_remove_citations: bool,
    pub c4_filter_javascript: bool,
    pub c4_filter_policy: bool,
    pub short_line_len: usize,
}

pub struct Signals {
    pub ints: [i64; 8],
    pub floats: [f64; 24],
}

#[inline]
fn ratio(a: usize, b: usize) -> f64 {
    // both below 2**53: their conversions are exact and the quotient correctly rounded, as Python's int / int
    a as f64 / b as f64
}

fn n_chars(b: &[u8]) -> usize {
    // surrogatepass UTF-8: one character per byte that does not continue a sequence
    b.iter().filter(|&&c| (c & 0xC0) != 0x80).count()
}

fn first_char(b: &[u8]) -> Option<u32> {
    chars(b).next().map(|(_, _, c)| c)
}

fn last_char(b: &[u8]) -> Option<u32> {
    let mut i = b.len();
    while i > 0 {
        i -= 1;
        if (b[i] & 0xC0) != 0x80 {
            return first_char(&b[i..]);
        }
    }
    None
}

/// `s.lstrip()` (Python's whitespace).
fn lstrip(b: &[u8]) -> &[u8] {
    for (i, _, c) in chars(b) {
        if !is_space(c) {
            return &b[i..];
        }
    }
    &b[b.len()..]
}

/// `s.rstrip()`: characters are decoded from the end.
fn rstrip(b: &[u8]) -> &[u8] {
    let mut end = b.len();
    while end > 0 {
        let mut start = end - 1;
        while start > 0 && (b[start] & 0xC0) == 0x80 {
            start -= 1;
        }
        match first_char(&b[start..end]) {
            Some(c) if is_space(c) => end = start,
            _ => break,
        }
    }
    &b[..end]
}

/// `s.strip()`.
fn strip(b: &[u8]) -> &[u8] {
    rstrip(lstrip(b))
}

/// `s.split()`: the lengths in characters of the whitespace-separated words.
fn split_lens(b: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cur = 0;
    for (_, _, c) in chars(b) {
        if is_space(c) {
            if cur > 0 {
                out.push(cur);
            }
            cur = 0;
        } else {
            cur += 1;
        }
    }
    if cur > 0 {
        out.push(cur);
    }
    out
}

/// `text.splitlines()`: \n, \r, \r\n, \v, \f, \x1c-\x1e, \x85, U+2028, U+2029 end a line; no empty last line.
fn splitlines(b: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut it = chars(b).peekable();
    while let Some((i, len, c)) = it.next() {
        let brk = matches!(c, 0x0A..=0x0D | 0x1C..=0x1E | 0x85 | 0x2028 | 0x2029);
        if brk {
            out.push(&b[start..i]);
            let mut end = i + len;
            if c == 0x0D {
                if let Some(&(_, _, 0x0A)) = it.peek() {
                    it.next();
                    end += 1;
                }
            }
            start = end;
        }
    }
    if start < b.len() {
        out.push(&b[start..]);
    }
    out
}

/// datatrove's `find_duplicates`: (items equal to an earlier one, their characters).
fn duplicates<'a>(items: impl Iterator<Item = &'a [u8]>) -> (usize, usize) {
    let mut seen: FxSet<&[u8]> = FxSet::default();
    let (mut dup, mut dup_chars) = (0, 0);
    for it in items {
        if !seen.insert(it) {
            dup += 1;
            dup_chars += n_chars(it);
        }
    }
    (dup, dup_chars)
}

/// `re.split(r"\n{k,}", b)` for k = 1 (`min_run` 1) or 2.
fn split_newline_runs(b: &[u8], min_run: usize) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' {
            let mut j = i;
            while j < b.len() && b[j] == b'\n' {
                j += 1;
            }
            if j - i >= min_run {
                out.push(&b[start..i]);
                start = j;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out.push(&b[start..]);
    out
}

/// The first place of `needle` in `hay` at or after `from`.
#[inline]
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = needle[0];
    let mut i = from;
    while i + needle.len() <= hay.len() {
        let at = i + hay[i..hay.len() - needle.len() + 1].iter().position(|&c| c == first)?;
        if &hay[at..at + needle.len()] == needle {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// `str.count`: non-overlapping occurrences.
fn count_sub(b: &[u8], needle: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while let Some(at) = find(b, needle, i) {
        n += 1;
        i = at + needle.len();
    }
    n
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle, 0).is_some()
}

/// `s.lower()` as far as an ASCII phrase can be found in it: every character whose lowercase holds an ASCII letter
/// (A-Z, KELVIN SIGN U+212A -> "k", U+0130 -> "i" + U+0307) gives those, any other non-ASCII character a byte
/// that no phrase holds (tests/test_native.py checks that list against every code point).
fn ascii_lower(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    for (_, _, c) in chars(b) {
        match c {
            0..=0x7F => out.push((c as u8).to_ascii_lowercase()),
            0x212A => out.push(b'k'),
            0x0130 => out.extend_from_slice(&[b'i', 0xFF]),
            _ => out.push(0xFF),
        }
    }
    out
}

/// `re.sub(r"\[\d*]|\[edit]|\[citation needed]", "", s)`.
fn remove_citations(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'[' {
            let mut j = i + 1;
            while j < b.len() {
                match chars(&b[j..]).next() {
                    Some((_, len, c)) if is_decimal(c) => j += len,
                    _ => break,
                }
            }
            let end = if j < b.len() && b[j] == b']' {
                Some(j + 1)
            } else if b[i..].starts_with(b"[edit]") {
                Some(i + 6)
            } else if b[i..].starts_with(b"[citation needed]") {
                Some(i + 17)
            } else {
                None
            };
            if let Some(e) = end {
                i = e;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// `len(re.findall(r"[.!?]+['\"”’»)\]]*(?=\s|$)", s))`: a run of sentence ends, then closing quotes or brackets,
/// then a space or the end (backtracking cannot help: a shorter run is followed by one of those characters).
fn sentence_ends(b: &[u8]) -> usize {
    let cs: Vec<u32> = chars(b).map(|(_, _, c)| c).collect();
    let is_end = |c: u32| matches!(c, 0x2E | 0x21 | 0x3F);
    let is_close = |c: u32| matches!(c, 0x27 | 0x22 | 0x201D | 0x2019 | 0xBB | 0x29 | 0x5D);
    let mut n = 0;
    let mut i = 0;
    while i < cs.len() {
        if !is_end(cs[i]) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < cs.len() && is_end(cs[j]) {
            j += 1;
        }
        let run_end = j;
        while j < cs.len() && is_close(cs[j]) {
            j += 1;
        }
        if j == cs.len() || is_space(cs[j]) {
            n += 1;
            i = j;
        } else {
            i = run_end;
        }
    }
    n
}

impl Measure {
    fn is_unsegmented(&self, c: u32) -> bool {
        self.unsegmented.iter().any(|&(a, b)| a <= c && c <= b)
    }

    /// Every signal of `text` over `tokens` (both surrogatepass UTF-8).
    pub fn signals(&self, text: &[u8], tokens: &[&[u8]]) -> Signals {
        let mut ints = [0i64; 8];
        let mut fl = [0f64; 24];
        let n_text = n_chars(text);
        ints[0] = n_text as i64;

        // tokens: ids by first occurrence, and the word statistics once per distinct token
        let n_tokens = tokens.len();
        let mut id_of: FxMap<&[u8], u32> = FxMap::default();
        id_of.reserve(n_tokens);
        let mut ids: Vec<u32> = Vec::with_capacity(n_tokens);
        let mut lens: Vec<usize> = Vec::with_capacity(n_tokens);
        let mut counts: Vec<u32> = Vec::new();
        let mut tok_len: Vec<usize> = Vec::new();
        let mut distinct: Vec<&[u8]> = Vec::new();
        for &t in tokens {
            let next = counts.len() as u32;
            let id = *id_of.entry(t).or_insert(next);
            if id == next {
                counts.push(0);
                tok_len.push(n_chars(t));
                distinct.push(t);
            }
            counts[id as usize] += 1;
            ids.push(id);
            lens.push(tok_len[id as usize]);
        }
        let (mut n_words, mut word_chars, mut alpha, mut unseg, mut prose, mut stop) = (0, 0, 0, 0, 0, 0);
        for (k, &t) in distinct.iter().enumerate() {
            let c = counts[k] as usize;
            let len = tok_len[k];
            let mut all_punct = true;
            let mut all_prose = true;
            let mut has_alpha = false;
            for (_, _, ch) in chars(t) {
                all_punct &= self.punctuation.contains(ch);
                all_prose &= self.prose.contains(ch);
                has_alpha |= is_alpha(ch);
            }
            if !all_punct {
                n_words += c;
                word_chars += len * c;
            } else if all_prose {
                prose += c;
            }
            if has_alpha {
                alpha += c;
            }
            if first_char(t).is_some_and(|ch| self.is_unsegmented(ch)) {
                unseg += len * c;
            }
            if let Some(sw) = &self.stop_words {
                if sw.contains(t) {
                    stop += 1;
                }
            }
        }
        ints[1] = n_words as i64;
        ints[4] = if self.stop_words.is_some() { stop } else { -1 };
        fl[0] = if word_chars > 0 { ratio(unseg, word_chars) } else { 0.0 };
        fl[1] = if n_words > 0 { ratio(word_chars, n_words) } else { 0.0 };
        let newlines = text.iter().filter(|&&c| c == b'\n').count();
        if n_tokens > 0 {
            fl[2] = ratio(text.iter().filter(|&&c| c == b'#').count(), n_tokens);
            fl[3] = ratio(count_sub(text, b"...") + count_sub(text, "…".as_bytes()), n_tokens);
        }
        fl[6] = if n_tokens > prose { ratio(alpha, n_tokens - prose) } else { 0.0 };

        // Gopher lines
        let lines = splitlines(text);
        if !lines.is_empty() {
            let bullets = lines.iter().filter(|l| {
                let s = lstrip(l);
                s.starts_with("•".as_bytes()) || s.starts_with(b"-")
            });
            fl[4] = ratio(bullets.count(), lines.len());
            let ellipses = lines.iter().filter(|l| {
                let s = rstrip(l);
                s.ends_with(b"...") || s.ends_with("…".as_bytes())
            });
            fl[5] = ratio(ellipses.count(), lines.len());
        }

        // repetition: paragraphs and lines
        let paras = split_newline_runs(strip(text), 2);
        let (dup, dup_chars) = duplicates(paras.iter().copied());
        ints[3] = paras.iter().filter(|p| !p.is_empty()).count() as i64;
        fl[8] = ratio(dup, paras.len());
        fl[10] = if n_text > 0 { ratio(dup_chars, n_text) } else { 0.0 };
        let rlines = split_newline_runs(text, 1);
        let (dup, dup_chars) = duplicates(rlines.iter().copied());
        fl[7] = ratio(dup, rlines.len());
        fl[9] = if n_text > 0 { ratio(dup_chars, n_text) } else { 0.0 };

        // FineWeb
        let blank = |l: &&[u8]| chars(l).all(|(_, _, c)| is_space(c));
        let flines: Vec<&[u8]> = text.split(|&c| c == b'\n').filter(|l| !blank(l)).collect();
        ints[2] = flines.len() as i64;
        if flines.is_empty() {
            fl[20] = 0.0;
            fl[21] = 1.0;
        } else {
            let punct = flines.iter().filter(|l| last_char(l).is_some_and(|c| self.line_ends.contains(c))).count();
            fl[20] = ratio(punct, flines.len());
            let short = flines.iter().filter(|l| n_chars(l) <= self.short_line_len).count();
            fl[21] = ratio(short, flines.len());
        }
        let no_newlines = n_text - newlines;
        fl[22] = if no_newlines > 0 { ratio(duplicates(flines.iter().copied()).1, no_newlines) } else { 0.0 };
        fl[23] = if n_tokens > 0 { ratio(newlines, n_tokens) } else { 0.0 };

        // C4
        let (sentences, lorem, curly) = self.c4(&lines);
        ints[5] = sentences as i64;
        ints[6] = lorem as i64;
        ints[7] = curly as i64;

        // n-grams
        ngram_signals(&ids, &lens, counts.len(), n_text, &mut fl[11..20]);
        Signals { ints, floats: fl }
    }

    fn c4(&self, raw_lines: &[&[u8]]) -> (usize, u8, u8) {
        let (mut sentences, mut lorem, mut curly) = (0, 0, 0);
        for raw in raw_lines {
            let mut ln: &[u8] = strip(raw);
            if ln.is_empty() {
                continue;
            }
            if n_chars(ln) > self.c4_max_word_len && split_lens(ln).iter().any(|&w| w > self.c4_max_word_len) {
                continue;
            }
            let cleaned;
            if self.c4_remove_citations && ln.contains(&b'[') {
                cleaned = remove_citations(ln);
                ln = &cleaned;
            }
            let ends = matches!(ln.last(), Some(b'.' | b'?' | b'!' | b'"' | b'\''));
            if !ends || ln.ends_with(b"...") {
                continue;
            }
            if split_lens(ln).len() < self.c4_min_words {
                continue;
            }
            let low = ascii_lower(ln);
            if contains(&low, b"lorem ipsum") {
                lorem = 1;
                continue;
            }
            if self.c4_filter_javascript && contains(&low, b"javascript") {
                continue;
            }
            if ln.contains(&b'{') {
                curly = 1;
                continue;
            }
            if self.c4_filter_policy && self.policy_phrases.iter().any(|ph| contains(&low, ph)) {
                continue;
            }
            sentences += sentence_ends(ln).max(1);
        }
        (sentences, lorem, curly)
    }
}

/// The n-gram statistics into `out` (top 2-4, then dup 5-10). `ids`: token ids (0..n_vocab), `lens`: their
/// lengths in characters. An n-gram can repeat only where its (n-1)-gram prefix and suffix both repeat: only those
/// positions get an n-gram id (from the prefix's id and the last token's), level by level.
fn ngram_signals(ids: &[u32], lens: &[usize], n_vocab: usize, n_text: usize, out: &mut [f64]) {
    let count = ids.len();
    if n_text == 0 || count < 2 {
        return;
    }
    let mut cum = Vec::with_capacity(count + 1);
    cum.push(0usize);
    for &l in lens {
        cum.push(cum.last().unwrap() + l);
    }
    // an n-gram seen once is the most frequent when none repeats: the first one
    for (k, &n) in TOP_NGRAM_SIZES.iter().enumerate() {
        if count >= n {
            out[k] = ratio(cum[n] + n - 1, n_text);
        }
    }
    if n_vocab == count {
        return;
    }
    let mut cnt1 = vec![0u32; n_vocab];
    for &i in ids {
        cnt1[i as usize] += 1;
    }
    let mut key: Vec<u32> = ids.to_vec(); // id of the (n-1)-gram at each position (meaningful where `dup`)
    let mut dup: Vec<bool> = ids.iter().map(|&i| cnt1[i as usize] > 1).collect();
    let mut pair_id: FxMap<u64, u32> = FxMap::default();
    for n in 2..=DUP_NGRAM_SIZES[DUP_NGRAM_SIZES.len() - 1] {
        if count + 1 < n + 2 {
            return; // fewer than two n-grams
        }
        let m = count - n + 1;
        let cand: Vec<usize> = (0..m).filter(|&p| dup[p] && dup[p + 1]).collect();
        if cand.len() < 2 {
            return;
        }
        pair_id.clear();
        let mut inv = Vec::with_capacity(cand.len());
        let mut cnt: Vec<u32> = Vec::new();
        for &p in &cand {
            let k = ((key[p] as u64) << 32) | ids[p + n - 1] as u64;
            let next = cnt.len() as u32;
            let g = *pair_id.entry(k).or_insert(next);
            if g == next {
                cnt.push(0);
            }
            cnt[g as usize] += 1;
            inv.push(g);
        }
        if !cnt.iter().any(|&c| c > 1) {
            return; // no n-gram repeats: no longer one can either
        }
        let mut new_key = vec![0u32; m];
        let mut new_dup = vec![false; m];
        for (j, &p) in cand.iter().enumerate() {
            new_key[p] = inv[j];
            new_dup[p] = cnt[inv[j] as usize] > 1;
        }
        if n <= TOP_NGRAM_SIZES[TOP_NGRAM_SIZES.len() - 1] {
            let top = *cnt.iter().max().unwrap();
            // the earliest first occurrence among the most frequent
            let first = cand.iter().zip(&inv).find(|(_, &g)| cnt[g as usize] == top).map(|(&p, _)| p).unwrap();
            out[n - 2] = ratio((cum[first + n] - cum[first] + n - 1) * top as usize, n_text);
        } else {
            // datatrove's `find_all_duplicate` over the repeated positions: at an n-gram already recorded add its
            // characters and jump past it, else record it and move on
            let mut seen = vec![false; cnt.len()];
            let mut total = 0;
            let mut nxt = 0;
            for (j, &p) in cand.iter().enumerate() {
                let g = inv[j] as usize;
                if cnt[g] < 2 || p < nxt {
                    continue;
                }
                if seen[g] {
                    total += cum[p + n] - cum[p];
                    nxt = p + n;
                } else {
                    seen[g] = true;
                    nxt = p + 1;
                }
            }
            out[n - 2] = ratio(total, n_text);
        }
        key = new_key;
        dup = new_dup;
    }
}

// -- the Python surface --------------------------------------------------------------------------------------------

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};

/// What the quality signals of one language are measured with (`transforms/quality/signals.py` builds one per
/// language and parameters and keeps it).
#[pyclass(frozen, module = "transforms.core._native")]
pub struct QualityMeasure {
    inner: Measure,
}

#[pymethods]
impl QualityMeasure {
    /// `unsegmented`: inclusive code-point ranges; `stop_words`: None where the language has no list;
    /// `line_ends`: single characters.
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        punctuation: &str, prose: &str, unsegmented: Vec<(u32, u32)>, stop_words: Option<Vec<String>>,
        line_ends: &str, policy_phrases: Vec<String>, c4_min_words: usize, c4_max_word_len: usize,
        c4_remove_citations: bool, c4_filter_javascript: bool, c4_filter_policy: bool, short_line_len: usize,
    ) -> Self {
        let set = |s: &str| CharSet::new(s.chars().map(|c| c as u32));
        QualityMeasure {
            inner: Measure {
                punctuation: set(punctuation),
                prose: set(prose),
                unsegmented,
                stop_words: stop_words.map(|v| v.into_iter().map(String::into_bytes).collect()),
                line_ends: set(line_ends),
                policy_phrases: policy_phrases.into_iter().map(|p| p.to_lowercase().into_bytes()).collect(),
                c4_min_words,
                c4_max_word_len,
                c4_remove_citations,
                c4_filter_javascript,
                c4_filter_policy,
                short_line_len,
            },
        }
    }

    /// The names of the integer signals, in the order `signals` returns them.
    #[classattr]
    const INT_SIGNALS: [&'static str; 8] = INT_SIGNALS;

    /// The names of the float signals, in the order `signals` returns them.
    #[classattr]
    const FLOAT_SIGNALS: [&'static str; 24] = FLOAT_SIGNALS;

    /// (integer signals, float signals) of `text` (surrogatepass UTF-8) over `tokens`, in the orders of
    /// `INT_SIGNALS` and `FLOAT_SIGNALS`.
    fn signals<'py>(
        &self, py: Python<'py>, text: &[u8], tokens: &Bound<'py, PyList>,
    ) -> PyResult<(Vec<i64>, Vec<f64>)> {
        let items: Vec<Bound<'py, PyString>> =
            tokens.iter().map(|t| t.cast_into::<PyString>().map_err(PyErr::from)).collect::<PyResult<_>>()?;
        // a token holding a lone surrogate has no UTF-8 form: its surrogatepass bytes, as for the text
        let mut fallback: Vec<Option<Bound<'py, PyBytes>>> = Vec::with_capacity(items.len());
        for s in &items {
            fallback.push(match s.to_str() {
                Ok(_) => None,
                Err(_) => Some(s.call_method1("encode", ("utf-8", "surrogatepass"))?.cast_into::<PyBytes>()?),
            });
        }
        let toks: Vec<&[u8]> = items
            .iter()
            .zip(&fallback)
            .map(|(s, f)| match f {
                Some(b) => b.as_bytes(),
                None => s.to_str().map(str::as_bytes).unwrap_or_default(),
            })
            .collect();
        let s = py.detach(|| self.inner.signals(text, &toks));
        Ok((s.ints.to_vec(), s.floats.to_vec()))
    }
}
