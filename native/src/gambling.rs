//! The gambling lexicon's first question about a line (`transforms/language/gambling.py`, `fill`): can `evidence`
//! find anything in it at all? Most lines of most pages have none of its vocabulary; this answers for a whole page
//! in one call, and Python's `evidence` runs on the rest only. The answer may be "maybe" where `evidence` then finds
//! nothing, never "no" where it would find something: `evidence` is None unless the line has
//! - a word (a run of `re`'s `\w`) that begins one of the lexicon's terms (`_FIRST_WORDS`): every term match starts
//!   with one, and `evidence` looks for terms only then;
//! - a glued root (`_GLUED`) anywhere (`_GLUED_ROOT` searches the line for them; "nohu" here even before p or t);
//! - a brand code (`_BRAND_SHAPE`): ASCII letters and digits glued in one token, so an ASCII digit next to an
//!   ASCII letter;
//! - or a compatibility letter (`_COMPAT_LETTERS`), which `evidence` reads as a plain one first: such a line is
//!   always a "maybe".
//!
//! The lines come lowercased (`str.lower`, in Python): lowering keeps every ASCII letter and digit, adds ASCII
//! letters (KELVIN SIGN -> "k") and keeps compatibility letters compatibility letters (checked in
//! `tests/test_language_gambling.py`), so each test above can only answer "maybe" more often on the lowered line,
//! never less.
//! Characters are classified by CPython's own Unicode database (`crate::text`).

use std::collections::HashSet;

use aho_corasick::AhoCorasick;

use crate::text::{chars, is_alnum, lines};

pub struct Prefilter {
    first_words: HashSet<Vec<u8>>,
    roots: AhoCorasick,
    compat: Vec<(u32, u32)>,
}

#[inline]
fn is_word(c: u32) -> bool {
    c == '_' as u32 || is_alnum(c)
}

#[inline]
fn ascii_digit(c: u32) -> bool {
    (b'0' as u32..=b'9' as u32).contains(&c)
}

#[inline]
fn ascii_letter(c: u32) -> bool {
    c < 128 && (c as u8).is_ascii_alphabetic()
}

impl Prefilter {
    pub fn new(first_words: Vec<String>, roots: Vec<String>, compat: Vec<(u32, u32)>) -> Result<Self, String> {
        let roots = AhoCorasick::new(roots).map_err(|e| e.to_string())?;
        Ok(Prefilter { first_words: first_words.into_iter().map(String::into_bytes).collect(), roots, compat })
    }

    fn compat(&self, c: u32) -> bool {
        c >= 0x80 && self.compat.iter().any(|&(lo, hi)| lo <= c && c <= hi)
    }

    fn word_listed(&self, line: &[u8], start: usize, end: usize) -> bool {
        self.first_words.contains(&line[start..end])
    }

    /// False when `evidence` finds nothing in the line (lowercased, surrogatepass UTF-8); True: maybe.
    pub fn maybe(&self, line: &[u8]) -> bool {
        if self.roots.is_match(line) {
            return true;
        }
        let mut word_start: Option<usize> = None;
        let mut prev = 0u32;
        for (at, _, c) in chars(line) {
            if self.compat(c)
                || (ascii_digit(c) && ascii_letter(prev))
                || (ascii_letter(c) && ascii_digit(prev))
            {
                return true;
            }
            if is_word(c) {
                word_start.get_or_insert(at);
            } else if let Some(start) = word_start.take() {
                if self.word_listed(line, start, at) {
                    return true;
                }
            }
            prev = c;
        }
        matches!(word_start, Some(start) if self.word_listed(line, start, line.len()))
    }

    /// `maybe` of every line of `text` (split on "\n").
    pub fn maybe_lines(&self, text: &[u8]) -> Vec<bool> {
        lines(text).map(|line| self.maybe(line)).collect()
    }
}
