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
    pub stop_words: Option<FxSet<Vec<u8>>>,
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

/// `len(s.split())`.
fn split_count(b: &[u8]) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for (_, _, c) in chars(b) {
        let space = is_space(c);
        n += (!space && !in_word) as usize;
        in_word = !space;
    }
    n
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
            if split_count(ln) < self.c4_min_words {
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

    /// `signals` over `tokenizer`'s tokens of `text`, in one call; None when the text has a run of unsegmented
    /// script (its words come from ICU, in Python: the caller tokenizes and calls `signals`).
    fn text_signals(
        &self, py: Python<'_>, tokenizer: &Bound<'_, WordTokenizer>, text: &[u8],
    ) -> Option<(Vec<i64>, Vec<f64>)> {
        let tok = &tokenizer.get().inner;
        let s = py.detach(|| {
            let (toks, unseg) = tok.tokens(text);
            if unseg.iter().any(|&u| u) {
                return None;
            }
            let slices: Vec<&[u8]> = toks.iter().map(|t| t.bytes(text)).collect();
            Some(self.inner.signals(text, &slices))
        })?;
        Some((s.ints.to_vec(), s.floats.to_vec()))
    }

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

// -- tokens: datatrove's word tokenizers' behaviour (`transforms/quality/words.py` documents each rule) -----------

use crate::text::{is_alnum, is_digit};

/// Sorted inclusive code-point ranges.
pub struct Ranges(Vec<(u32, u32)>);

impl Ranges {
    pub fn new(mut r: Vec<(u32, u32)>) -> Self {
        r.sort_unstable();
        Ranges(r)
    }

    #[inline]
    pub fn contains(&self, c: u32) -> bool {
        if self.0.first().is_none_or(|&(a, _)| c < a) {
            return false; // most text: below the first mark (U+0300) or unsegmented character (U+0E00)
        }
        let i = self.0.partition_point(|&(a, _)| a <= c);
        i > 0 && c <= self.0[i - 1].1
    }
}

/// One token: a span of the text (char indices) or a text of its own (an abbreviation that took its period).
pub enum Tok {
    Span(usize, usize),
    Owned(Vec<u8>),
}

impl Tok {
    /// The token's surrogatepass UTF-8 (a span of `text`'s bytes once `Tokenizer::tokens` returned it).
    pub fn bytes<'a>(&'a self, text: &'a [u8]) -> &'a [u8] {
        match self {
            Tok::Span(x, y) => &text[*x..*y],
            Tok::Owned(v) => v,
        }
    }
}

pub struct Tokenizer {
    pub marks: Ranges, // combining marks (M*) of the BMP: the regex's `_MARKS`
    pub upper: Ranges, // Lu of the BMP
    pub lower: Ranges, // Ll of the BMP
    pub unsegmented: Ranges,
    pub english: bool,
    pub german: bool,
    pub abbreviations: Option<HashSet<Vec<u8>>>,
    pub units: Vec<Vec<u32>>, // lowercase
}

/// The character that `re.IGNORECASE` matches a unit's character with (the units are lowercase: ASCII, "°" and
/// Cyrillic; tests/test_native.py checks it against `re` on every code point).
#[inline]
fn unit_fold(c: u32) -> u32 {
    match c {
        0x41..=0x5A | 0x410..=0x42F => c + 0x20,
        0x130 | 0x131 => 0x69,
        0x212A => 0x6B,
        0x17F => 0x73,
        0x1C83 => 0x441,
        _ => c,
    }
}

/// `c.lower()` where it is one ASCII character (else None): A-Z and KELVIN SIGN; U+0130 lowers to two characters.
#[inline]
fn ascii_lower_char(c: u32) -> Option<u8> {
    match c {
        0..=0x7F => Some((c as u8).to_ascii_lowercase()),
        0x212A => Some(b'k'),
        _ => None,
    }
}

const EN_CLITICS: [&str; 14] =
    ["n't", "n’t", "'m", "’m", "'re", "’re", "'ve", "’ve", "'ll", "’ll", "'d", "’d", "'s", "’s"];
const CLITICS: [&str; 2] = ["'s", "’s"];

impl Tokenizer {
    #[inline]
    fn w(&self, c: u32) -> bool {
        if c < 0x80 {
            return (c as u8).is_ascii_alphanumeric();
        }
        (is_alnum(c) && !self.unsegmented.contains(c)) || self.marks.contains(c)
    }

    #[inline]
    fn l(&self, c: u32) -> bool {
        is_alnum(c) && !is_decimal(c) && !self.unsegmented.contains(c)
    }

    /// The raw tokens (the regex's matches, left to right) of the characters `cs`.
    fn raw(&self, cs: &[u32]) -> Vec<(usize, usize)> {
        let n = cs.len();
        let at = |i: usize| if i < n { cs[i] } else { u32::MAX };
        let end_ok = |k: usize| k >= n || is_space(cs[k]) || matches!(cs[k], 0x2C | 0x3B | 0x3A | 0x21 | 0x3F | 0x29 | 0x5D | 0x7D);
        let word_ch = |c: u32| c != u32::MAX && (is_alnum(c) || c == 0x5F);
        let mut out = Vec::new();
        let mut i = 0;
        while i < n {
            let c = cs[i];
            if is_space(c) {
                i += 1;
                continue;
            }
            let e = self
                .url(cs, i)
                .or_else(|| {
                    // [\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+
                    let c1 = |c: u32| word_ch(c) || matches!(c, 0x2E | 0x2B | 0x2D);
                    let c2 = |c: u32| word_ch(c) || c == 0x2D;
                    let mut j = i;
                    while c1(at(j)) {
                        j += 1;
                    }
                    if j == i || at(j) != 0x40 {
                        return None;
                    }
                    let mut k = j + 1;
                    while c2(at(k)) {
                        k += 1;
                    }
                    if k == j + 1 {
                        return None;
                    }
                    let mut end = None;
                    while at(k) == 0x2E && c2(at(k + 1)) {
                        k += 2;
                        while c2(at(k)) {
                            k += 1;
                        }
                        end = Some(k);
                    }
                    end
                })
                .or_else(|| {
                    let mut j = i;
                    while j < n && self.unsegmented.contains(cs[j]) {
                        j += 1;
                    }
                    (j > i).then_some(j)
                })
                .or_else(|| self.word(cs, i, &end_ok))
                .unwrap_or_else(|| {
                    if (c == 0x3A || c == 0x3B) && at(i + 1) == 0x29 {
                        return i + 2;
                    }
                    if (c == 0x3A || c == 0x3B) && at(i + 1) == 0x2D && at(i + 2) == 0x29 {
                        return i + 3;
                    }
                    if c == 0x29 && at(i + 1) == 0x3A {
                        return i + 2;
                    }
                    let sym = |c: u32| matches!(c, 0x2E | 0x2F | 0x5C | 0x7C | 0x5E | 0x40 | 0x7E | 0x2D);
                    let mut j = i;
                    while j < n && sym(cs[j]) {
                        j += 1;
                    }
                    if j - i >= 2 {
                        j
                    } else {
                        i + 1
                    }
                });
            out.push((i, e));
            i = e;
        }
        out
    }

    /// `(?:https?://|ftp://|www\.)[^\s<>"'()\[\]{}]*[^\s<>"'()\[\]{}.,;:!?]` at `i`.
    fn url(&self, cs: &[u32], i: usize) -> Option<usize> {
        let starts = |p: &[u8]| cs.len() >= i + p.len() && cs[i..].iter().zip(p).all(|(&c, &b)| c == b as u32);
        if !matches!(cs[i], 0x68 | 0x66 | 0x77) {
            return None; // h, f, w
        }
        let plen = [&b"https://"[..], b"http://", b"ftp://", b"www."].iter().find(|p| starts(p))?.len();
        let a = |c: u32| is_space(c) || matches!(c, 0x3C | 0x3E | 0x22 | 0x27 | 0x28 | 0x29 | 0x5B | 0x5D | 0x7B | 0x7D);
        let b = |c: u32| a(c) || matches!(c, 0x2E | 0x2C | 0x3B | 0x3A | 0x21 | 0x3F);
        let mut end = None;
        let mut j = i + plen;
        while j < cs.len() && !a(cs[j]) {
            if !b(cs[j]) {
                end = Some(j + 1);
            }
            j += 1;
        }
        end
    }

    /// The word alternative at `i`: letters, digits and marks joined as `_JOIN` says, a German ordinal's period,
    /// then `_TAIL`.
    fn word(&self, cs: &[u32], i: usize, end_ok: &dyn Fn(usize) -> bool) -> Option<usize> {
        let n = cs.len();
        let mut j = i;
        if cs[i] == 0x2F && (i == 0 || is_space(cs[i - 1])) && i + 1 < n && self.w(cs[i + 1]) {
            j = i + 1;
        }
        if !self.w(cs[j]) {
            return None;
        }
        while j < n && self.w(cs[j]) {
            j += 1;
        }
        while j + 1 < n && self.w(cs[j + 1]) {
            let (prev, c, next) = (cs[j - 1], cs[j], cs[j + 1]);
            let join = match c {
                0x27 | 0x2019 | 0x5F => true,
                0x2C | 0x3A | 0x2F => is_decimal(prev) && is_decimal(next),
                0x2E => !(self.lower.contains(prev) && self.upper.contains(next)),
                0x2D => self.l(prev) && (if self.german { self.w(next) } else { is_decimal(next) }),
                0x2B => !(is_decimal(prev) && is_decimal(next)),
                _ => false,
            };
            if !join {
                break;
            }
            j += 1;
            while j < n && self.w(cs[j]) {
                j += 1;
            }
        }
        if self.german && j < n && cs[j] == 0x2E && is_decimal(cs[j - 1]) && end_ok(j + 1) {
            j += 1;
        }
        if j < n {
            if cs[j] == 0x2E && self.l(cs[j - 1]) && (j < 2 || !self.l(cs[j - 2])) {
                j += 1;
            } else if cs[j] == 0x2D && end_ok(j + 1) {
                j += 1;
            } else if cs[j] == 0x2B && !is_decimal(cs[j - 1]) {
                let mut k = j;
                while k < n && cs[k] == 0x2B {
                    k += 1;
                }
                if end_ok(k) {
                    j = k;
                }
            }
        }
        Some(j)
    }

    /// The end of the number of a number-unit token ("10km" -> 2), when the rest is a unit.
    fn number_unit(&self, t: &[u32]) -> Option<usize> {
        let mut j = 0;
        while j < t.len() && is_decimal(t[j]) {
            j += 1;
        }
        if j == 0 {
            return None;
        }
        while j + 1 < t.len() && matches!(t[j], 0x2E | 0x2C) && is_decimal(t[j + 1]) {
            j += 1;
            while j < t.len() && is_decimal(t[j]) {
                j += 1;
            }
        }
        let rest = &t[j..];
        self.units
            .iter()
            .any(|u| u.len() == rest.len() && u.iter().zip(rest).all(|(&a, &b)| unit_fold(b) == a))
            .then_some(j)
    }

    /// The tokens of `text` (surrogatepass UTF-8) and whether each is a run of unsegmented script (for ICU).
    pub fn tokens(&self, text: &[u8]) -> (Vec<Tok>, Vec<bool>) {
        let mut offs = Vec::with_capacity(text.len() + 1);
        let mut cs = Vec::with_capacity(text.len());
        for (o, _, c) in chars(text) {
            offs.push(o);
            cs.push(c);
        }
        offs.push(text.len());
        let mut out: Vec<Tok> = Vec::new();
        let mut unseg: Vec<bool> = Vec::new();
        let mut pending_dot = false;
        let lower_ascii = |t: &[u32]| -> Option<Vec<u8>> { t.iter().map(|&c| ascii_lower_char(c)).collect() };
        for (a, b) in self.raw(&cs) {
            let t = &cs[a..b];
            if pending_dot && t == [0x2E] {
                let prev = match out.last() {
                    Some(Tok::Span(x, y)) => lower_ascii(&cs[*x..*y]),
                    _ => None,
                };
                if prev.is_some_and(|p| self.abbreviations.as_ref().is_some_and(|s| s.contains(&p))) {
                    if let Some(Tok::Span(x, y)) = out.pop() {
                        let mut owned = text[offs[x]..offs[y]].to_vec();
                        owned.push(b'.');
                        out.push(Tok::Owned(owned));
                    }
                    pending_dot = false;
                    continue;
                }
            }
            pending_dot = false;
            let (first, last) = (t[0], t[t.len() - 1]);
            if self.unsegmented.contains(first) {
                out.push(Tok::Span(a, b));
                unseg.push(true);
                continue;
            }
            if is_digit(first) && !is_digit(last) {
                if let Some(j) = self.number_unit(t) {
                    out.push(Tok::Span(a, a + j));
                    out.push(Tok::Span(a + j, b));
                    unseg.extend([false, false]);
                    continue;
                }
            }
            if !self.german && t.len() > 1 && t.iter().any(|&c| c == 0x27 || c == 0x2019) {
                let clitics: &[&str] = if self.english { &EN_CLITICS } else { &CLITICS };
                let split = clitics.iter().find_map(|cl| {
                    let cl: Vec<u32> = cl.chars().map(|c| c as u32).collect();
                    let tail = &t[t.len().saturating_sub(cl.len())..];
                    let lowered = tail.iter().map(|&c| ascii_lower_char(c).map_or(c, u32::from));
                    (t.len() > cl.len() && lowered.eq(cl.iter().copied())).then_some(b - cl.len())
                });
                match split {
                    Some(s) => {
                        out.push(Tok::Span(a, s));
                        out.push(Tok::Span(s, b));
                        unseg.extend([false, false]);
                    }
                    None => {
                        out.push(Tok::Span(a, b));
                        unseg.push(false);
                    }
                }
                continue;
            }
            if self.english && t.len() == 6 && lower_ascii(t).is_some_and(|l| l == b"cannot") {
                out.push(Tok::Span(a, a + 3));
                out.push(Tok::Span(a + 3, b));
                unseg.extend([false, false]);
                continue;
            }
            out.push(Tok::Span(a, b));
            unseg.push(false);
            pending_dot = self.abbreviations.is_some();
        }
        let out = out
            .into_iter()
            .map(|t| match t {
                Tok::Span(x, y) => Tok::Span(offs[x], offs[y]),
                owned => owned,
            })
            .collect();
        (out, unseg)
    }
}

/// A str from surrogatepass UTF-8 (a lone surrogate decodes back to itself).
fn py_str<'py>(py: Python<'py>, b: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    if let Ok(s) = std::str::from_utf8(b) {
        return Ok(PyString::new(py, s).into_any());
    }
    let errors = c"surrogatepass";
    unsafe {
        let ptr = pyo3::ffi::PyUnicode_DecodeUTF8(b.as_ptr().cast(), b.len() as pyo3::ffi::Py_ssize_t, errors.as_ptr());
        Bound::from_owned_ptr_or_err(py, ptr)
    }
}

/// crawlwash's tokens of a text (`transforms/quality/words.py`'s `tokens` wraps this and splits the runs of
/// unsegmented script with ICU).
#[pyclass(frozen, module = "transforms.core._native")]
pub struct WordTokenizer {
    inner: Tokenizer,
}

#[pymethods]
impl WordTokenizer {
    /// `marks`, `upper`, `lower`: inclusive code-point ranges of the BMP's M*, Lu and Ll; `abbreviations`: the
    /// lowercase words that keep a following period (None: no rule); `units`: lowercase units split off numbers.
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        marks: Vec<(u32, u32)>, upper: Vec<(u32, u32)>, lower: Vec<(u32, u32)>, unsegmented: Vec<(u32, u32)>,
        english: bool, german: bool, abbreviations: Option<Vec<String>>, units: Vec<String>,
    ) -> Self {
        WordTokenizer {
            inner: Tokenizer {
                marks: Ranges::new(marks),
                upper: Ranges::new(upper),
                lower: Ranges::new(lower),
                unsegmented: Ranges::new(unsegmented),
                english,
                german,
                abbreviations: abbreviations.map(|v| v.into_iter().map(String::into_bytes).collect()),
                units: units.iter().map(|u| u.chars().map(|c| c as u32).collect()).collect(),
            },
        }
    }

    /// (the tokens of `text`, surrogatepass UTF-8; the indices of those that are runs of unsegmented script).
    fn tokens<'py>(&self, py: Python<'py>, text: &[u8]) -> PyResult<(Bound<'py, PyList>, Vec<usize>)> {
        let (toks, unseg) = py.detach(|| self.inner.tokens(text));
        let list = PyList::empty(py);
        for t in &toks {
            list.append(py_str(py, t.bytes(text))?)?;
        }
        Ok((list, unseg.iter().enumerate().filter(|(_, &u)| u).map(|(i, _)| i).collect()))
    }
}
