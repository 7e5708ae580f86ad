//! The spam lexicons' first question about a line (`transforms/language/gambling_vocabulary.py`, `pharmacy.py`): can
//! the lexicon's own test (`gambling_vocabulary.evidence`, `pharmacy.is_spam`) find anything in it at all? Most lines
//! of most pages have none of a lexicon's vocabulary; this answers for a whole page in one call, and Python's test runs
//! on the other lines only. The answer may be "maybe" where the test then finds nothing, never "no" where it would find
//! something. A line is a "maybe" when it has
//! - a word of `words` (a run of `re`'s `\w`, or of letters, `[^\W\d_]`, with `letters_only`): the words the
//!   lexicon's test looks for before anything else (gambling: the first word of every term, `_FIRST_WORDS`, since
//!   a term is looked for only then; pharmacy: `_KEY_WORDS`, a drug or a word of a prescription frame);
//! - one of `substrings` anywhere (gambling: the glued roots, `_GLUED`, "nohu" here even before p or t; pharmacy:
//!   "mg", "mcg", "pill", "tab" and "caps", which a dose or a package needs);
//! - with `digit_letter`, an ASCII digit next to an ASCII letter (gambling: a brand code, `_BRAND_SHAPE`, is ASCII
//!   letters and digits glued in one token);
//! - or a character of `compat` (gambling: the compatibility letters, `_COMPAT_LETTERS`, which `evidence` reads as
//!   plain ones first: such a line is always a "maybe").
//!
//! The lines come lowercased (`str.lower`, in Python), as both tests read them. For gambling's brand codes and
//! compatibility letters, which `evidence` looks for on the line as written: lowering keeps every ASCII letter and
//! digit, adds ASCII letters (KELVIN SIGN -> "k") and keeps compatibility letters compatibility letters (checked
//! in `tests/test_language_gambling.py`), so those tests can only answer "maybe" more often on the lowered line,
//! never less. Characters are classified by CPython's own Unicode database (`crate::text`).

use std::collections::HashSet;

use aho_corasick::AhoCorasick;

use crate::text::{chars, is_re_letter, is_word, lines};

pub struct Prefilter {
    words: HashSet<Vec<u8>>,
    letters_only: bool,
    substrings: AhoCorasick,
    digit_letter: bool,
    compat: Vec<(u32, u32)>,
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
    pub fn new(
        words: Vec<String>, letters_only: bool, substrings: Vec<String>, digit_letter: bool, compat: Vec<(u32, u32)>,
    ) -> Result<Self, String> {
        let substrings = AhoCorasick::new(substrings).map_err(|e| e.to_string())?;
        let words = words.into_iter().map(String::into_bytes).collect();
        Ok(Prefilter { words, letters_only, substrings, digit_letter, compat })
    }

    /// A character of a word: `re`'s `\w`, or `[^\W\d_]` with `letters_only`.
    #[inline]
    fn in_word(&self, c: u32) -> bool {
        if self.letters_only {
            is_re_letter(c)
        } else {
            is_word(c)
        }
    }

    #[inline]
    fn compat(&self, c: u32) -> bool {
        c >= 0x80 && self.compat.iter().any(|&(lo, hi)| lo <= c && c <= hi)
    }

    /// False when the lexicon's test finds nothing in the line (lowercased, surrogatepass UTF-8); True: maybe.
    pub fn maybe(&self, line: &[u8]) -> bool {
        if self.substrings.is_match(line) {
            return true;
        }
        let mut word_start: Option<usize> = None;
        let mut prev = 0u32;
        for (at, _, c) in chars(line) {
            if self.compat(c)
                || (self.digit_letter
                    && ((ascii_digit(c) && ascii_letter(prev)) || (ascii_letter(c) && ascii_digit(prev))))
            {
                return true;
            }
            if self.in_word(c) {
                word_start.get_or_insert(at);
            } else if let Some(start) = word_start.take() {
                if self.words.contains(&line[start..at]) {
                    return true;
                }
            }
            prev = c;
        }
        matches!(word_start, Some(start) if self.words.contains(&line[start..]))
    }

    /// `maybe` of every line of `text` (split on "\n").
    pub fn maybe_lines(&self, text: &[u8]) -> Vec<bool> {
        lines(text).map(|line| self.maybe(line)).collect()
    }
}
