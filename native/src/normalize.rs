//! The character-level passes of `transforms/clean/normalize.py`.

use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};

use crate::text::{chars, is_alnum, is_space, lines};

#[inline]
fn is_control(c: u32) -> bool {
    // C0/C1 controls but \t, \n and NEL; soft hyphen, zero-width space, word joiner, BOM, bidi embeddings/isolates.
    matches!(c, 0x00..=0x08 | 0x0E..=0x1F | 0x7F..=0x84 | 0x86..=0x9F | 0xAD | 0x200B | 0x2060 | 0xFEFF
        | 0x202A..=0x202E | 0x2066..=0x2069)
}

#[inline]
fn is_hspace(c: u32) -> bool {
    // Tab, space, NBSP, Ogham space, the Unicode space separators.
    matches!(c, 0x09 | 0x20 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x202F | 0x205F | 0x3000)
}

fn strip(line: &[u8]) -> &[u8] {
    let mut start = line.len();
    let mut end = 0;
    for (i, len, c) in chars(line) {
        if !is_space(c) {
            if start == line.len() {
                start = i;
            }
            end = i + len;
        }
    }
    if start == line.len() {
        &line[..0]
    } else {
        &line[start..end]
    }
}

/// Control characters removed, horizontal whitespace runs folded to one space, lines stripped, blank lines
/// dropped (at most `max_blank` kept between two non-blank lines), as `normalize_text` does after ftfy.
pub fn tidy(text: &[u8], remove_controls: bool, collapse: bool, strip_lines: bool, max_blank: usize) -> Vec<u8> {
    let mut flat: Vec<u8> = Vec::with_capacity(text.len());
    let mut in_run = false;
    for (i, len, c) in chars(text) {
        if remove_controls && is_control(c) {
            continue; // removed first: the spaces around it form one run
        }
        if collapse && is_hspace(c) {
            if !in_run {
                flat.push(b' ');
                in_run = true;
            }
            continue;
        }
        in_run = false;
        flat.extend_from_slice(&text[i..i + len]);
    }
    let mut out: Vec<u8> = Vec::with_capacity(flat.len());
    let mut blanks = 0usize;
    let mut any = false;
    for line in lines(&flat) {
        let stripped = strip(line);
        if stripped.is_empty() {
            blanks += 1;
            continue;
        }
        if any {
            out.push(b'\n');
            for _ in 0..blanks.min(max_blank) {
                out.push(b'\n');
            }
        }
        blanks = 0;
        any = true;
        out.extend_from_slice(if strip_lines { stripped } else { line });
    }
    out
}

/// The surroundings (`reach` characters each side) of the text's runs of non-ASCII characters, overlapping ones
/// merged, joined by "\n": where ftfy's badness pattern can match.
pub fn non_ascii_windows(text: &[u8], reach: usize) -> Vec<u8> {
    let mut offsets: Vec<usize> = Vec::with_capacity(text.len() + 1);
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut run_start: Option<usize> = None;
    for (n, (i, _, c)) in chars(text).enumerate() {
        offsets.push(i);
        if c >= 0x80 {
            run_start.get_or_insert(n);
        } else if let Some(s) = run_start.take() {
            push_span(&mut spans, s, n, reach);
        }
    }
    let total = offsets.len();
    if let Some(s) = run_start {
        push_span(&mut spans, s, total, reach);
    }
    offsets.push(text.len());
    let mut out = Vec::new();
    for (k, &(a, b)) in spans.iter().enumerate() {
        if k > 0 {
            out.push(b'\n');
        }
        out.extend_from_slice(&text[offsets[a]..offsets[b.min(total)]]);
    }
    out
}

fn push_span(spans: &mut Vec<(usize, usize)>, start: usize, end: usize, reach: usize) {
    let (a, b) = (start.saturating_sub(reach), end + reach);
    match spans.last_mut() {
        Some(last) if a <= last.1 => last.1 = b,
        _ => spans.push((a, b)),
    }
}

/// What `MojibakeScan::scan` finds in a text (bits of its result).
pub const MAYBE_BAD: u32 = 1; // ftfy's badness expression may match a line, or the text holds a lone surrogate
pub const HAS_LIGATURE: u32 = 2; // a character of the first set (ftfy's ligatures)
pub const HAS_CONTROL: u32 = 4; // of the second (the control characters ftfy removes)
pub const HAS_OTHER_FIX: u32 = 8; // of the third (what ftfy's other character fixers change)

/// A set of code points: a bitmap for ASCII, sorted inclusive ranges above.
struct CharSet {
    ascii: u128,
    ranges: Vec<(u32, u32)>,
}

impl CharSet {
    fn new(ranges: &[(u32, u32)]) -> Self {
        let mut ascii = 0u128;
        let mut above: Vec<(u32, u32)> = Vec::new();
        for &(lo, hi) in ranges {
            for c in lo..=hi.min(127) {
                ascii |= 1u128 << c;
            }
            if hi >= 128 {
                above.push((lo.max(128), hi));
            }
        }
        above.sort_unstable();
        let mut ranges: Vec<(u32, u32)> = Vec::with_capacity(above.len());
        for (lo, hi) in above {
            match ranges.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi), // overlapping: merged
                _ => ranges.push((lo, hi)),
            }
        }
        CharSet { ascii, ranges }
    }

    #[inline]
    fn contains(&self, c: u32) -> bool {
        if c < 128 {
            self.ascii >> c & 1 == 1
        } else {
            let i = self.ranges.partition_point(|&(lo, _)| lo <= c);
            i > 0 && c <= self.ranges[i - 1].1
        }
    }
}

/// The class items (`\x{lo}-\x{hi}` ranges, no brackets) of the code points, surrogates excepted, for which `pred`
/// holds: a Python character class spelled out for the `regex` crate.
fn class_items(pred: impl Fn(u32) -> bool) -> String {
    let mut out = String::new();
    let mut start: Option<u32> = None;
    for c in (0..=0x11_0000u32).filter(|c| !(0xD800..=0xDFFF).contains(c)) {
        let inside = c < 0x11_0000 && pred(c);
        match (inside, start) {
            (true, None) => start = Some(c),
            (false, Some(lo)) => {
                let hi = if c == 0xE000 { 0xD7FF } else { c - 1 };
                out.push_str(&format!("\\x{{{lo:X}}}-\\x{{{hi:X}}}"));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Python's `\w` (str.isalnum() or "_") and `\s` (str.isspace()) as class items, computed once per process from
/// CPython's own Unicode database.
fn python_word() -> &'static str {
    static WORD: OnceLock<String> = OnceLock::new();
    WORD.get_or_init(|| class_items(|c| c == 0x5F || is_alnum(c)))
}

fn python_space() -> &'static str {
    static SPACE: OnceLock<String> = OnceLock::new();
    SPACE.get_or_init(|| class_items(is_space))
}

/// The checks `transforms/clean/normalize.py` makes before ftfy, in one call per text.
pub struct MojibakeScan {
    badness: Regex,
    sets: [CharSet; 3],
    reach: usize,
}

impl MojibakeScan {
    /// `badness`: ftfy's expression in the `regex` crate's syntax, Python's `\w` and `\s` written `<W>` and `<S>`
    /// inside a class (the translation in normalize.py escapes every other character, so those never occur);
    /// `sets`: the three character sets of the HAS_* bits; `reach`: the longest alternative of the expression.
    pub fn new(badness: &str, sets: [&[(u32, u32)]; 3], reach: usize) -> Result<Self, String> {
        let mut pattern = badness.to_string();
        if pattern.contains("<W>") {
            pattern = pattern.replace("<W>", python_word());
        }
        if pattern.contains("<S>") {
            pattern = pattern.replace("<S>", python_space());
        }
        let badness = RegexBuilder::new(&pattern)
            .unicode(true)
            .size_limit(64 << 20)
            .dfa_size_limit(16 << 20)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(MojibakeScan { badness, sets: sets.map(CharSet::new), reach })
    }

    /// The HAS_* bits of the characters of `text`, and MAYBE_BAD when ftfy's badness expression matches the
    /// surroundings of its non-ASCII characters (`non_ascii_windows`), when a line starts with "Ã " or "Â " (the
    /// expression's `^[ÃÂ][ ]` at the start of any line: ftfy judges each line on its own), or when it holds a lone
    /// surrogate (which the `regex` crate cannot read: the caller then takes ftfy's exact path).
    pub fn scan(&self, text: &[u8]) -> u32 {
        let mut flags = 0u32;
        let mut surrogate = false;
        for (_, _, c) in chars(text) {
            for (k, set) in self.sets.iter().enumerate() {
                if set.contains(c) {
                    flags |= HAS_LIGATURE << k;
                }
            }
            surrogate |= (0xD800..=0xDFFF).contains(&c);
        }
        let line_start = lines(text).any(|line| line.starts_with("Ã ".as_bytes()) || line.starts_with("Â ".as_bytes()));
        if surrogate || line_start || self.badness.is_match(&non_ascii_windows(text, self.reach)) {
            flags |= MAYBE_BAD;
        }
        flags
    }
}
