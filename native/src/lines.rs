//! Per-line features of a document (`transforms/clean/lines.py` decides with them): one pass over the text and
//! its casefolded form, no per-line Python work.

use aho_corasick::AhoCorasick;
use blake2b_simd::Params;

use crate::text::{chars, is_alnum, is_alpha, is_decimal, is_digit, is_space, lines};

/// Fixed flags of a line (needle groups take the bits from `NEEDLE_SHIFT` up).
pub const EMPTY: u32 = 1 << 0;
pub const NO_LETTERS: u32 = 1 << 1; // no letter and fewer than 4 digits
pub const TABLE_ROW: u32 = 1 << 2; // starts and ends with "|"
pub const TERMINAL: u32 = 1 << 3; // ends with sentence or label punctuation
pub const FIRST_DIGIT: u32 = 1 << 4; // its first letter or digit is a digit
pub const NEEDLE_SHIFT: u32 = 8;

const TERMINAL_CHARS: &str = ".!?。！？…:：\"'”’»)]";

/// The normalized form of a casefolded line (`paragraph_key`): its runs of letters and digits joined by single
/// spaces, decimal digits as "0" when `fold_digits`. Returns the key's length in characters.
pub fn key_into(folded: &[u8], fold_digits: bool, out: &mut Vec<u8>) -> usize {
    out.clear();
    let mut n = 0;
    let mut gap = false;
    for (i, len, c) in chars(folded) {
        if is_alnum(c) {
            if gap && !out.is_empty() {
                out.push(b' ');
                n += 1;
            }
            gap = false;
            if fold_digits && is_decimal(c) {
                out.push(b'0');
            } else {
                out.extend_from_slice(&folded[i..i + len]);
            }
            n += 1;
        } else {
            gap = true;
        }
    }
    n
}

/// The features of every line of one document.
#[derive(Default)]
pub struct LineTable {
    pub tokens: Vec<u32>, // whitespace tokens (`len(line.split())`)
    pub words: Vec<u32>,  // tokens holding a letter or digit
    pub chars: Vec<u32>,  // characters
    pub keys: Vec<String>, // the paragraph key (`paragraph_key`)
    pub flags: Vec<u32>,
}

pub struct LineAnalyzer {
    needles: Option<AhoCorasick>,
    needle_group: Vec<u32>, // pattern index -> group bit
}

impl LineAnalyzer {
    pub fn new(groups: &[Vec<String>]) -> Result<Self, String> {
        let mut pats = Vec::new();
        let mut needle_group = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            for p in group {
                pats.push(p.clone());
                needle_group.push(1u32 << (NEEDLE_SHIFT + g as u32));
            }
        }
        if groups.len() > (32 - NEEDLE_SHIFT) as usize {
            return Err(format!("at most {} needle groups", 32 - NEEDLE_SHIFT));
        }
        let needles = if pats.is_empty() {
            None
        } else {
            Some(AhoCorasick::new(&pats).map_err(|e| e.to_string())?)
        };
        Ok(LineAnalyzer { needles, needle_group })
    }

    pub fn table(&self, text: &[u8], folded: &[u8]) -> LineTable {
        let mut t = LineTable::default();
        let mut key = Vec::new();
        for (line, fline) in lines(text).zip(lines(folded)) {
            let mut flags = 0u32;
            let (mut tokens, mut words, mut nchars, mut digits) = (0u32, 0u32, 0u32, 0u32);
            let (mut in_token, mut token_alnum, mut any_alpha) = (false, false, false);
            let mut first_alnum: Option<u32> = None;
            let mut last = 0u32;
            for (_, _, c) in chars(line) {
                nchars += 1;
                last = c;
                if is_space(c) {
                    if in_token && token_alnum {
                        words += 1;
                    }
                    in_token = false;
                    continue;
                }
                if !in_token {
                    tokens += 1;
                    in_token = true;
                    token_alnum = false;
                }
                if is_alpha(c) {
                    any_alpha = true;
                }
                if is_digit(c) {
                    digits += 1;
                }
                if !token_alnum || first_alnum.is_none() {
                    if is_alnum(c) {
                        token_alnum = true;
                        first_alnum.get_or_insert(c);
                    }
                }
            }
            if in_token && token_alnum {
                words += 1;
            }
            if line.is_empty() {
                flags |= EMPTY;
            }
            if !any_alpha && digits < 4 {
                flags |= NO_LETTERS;
            }
            if line.first() == Some(&b'|') && line.last() == Some(&b'|') {
                flags |= TABLE_ROW;
            }
            if nchars > 0 && TERMINAL_CHARS.chars().any(|t| t as u32 == last) {
                flags |= TERMINAL;
            }
            if first_alnum.is_some_and(is_digit) {
                flags |= FIRST_DIGIT;
            }
            if let Some(ac) = &self.needles {
                for m in ac.find_overlapping_iter(fline) {
                    flags |= self.needle_group[m.pattern().as_usize()];
                }
            }
            key_into(fline, false, &mut key);
            t.tokens.push(tokens);
            t.words.push(words);
            t.chars.push(nchars);
            // letters and digits only: never a surrogate, so always UTF-8
            t.keys.push(String::from_utf8(key.clone()).expect("a paragraph key is UTF-8"));
            t.flags.push(flags);
        }
        t
    }
}

/// The corpus key of every line of a casefolded text: BLAKE2b-64 (big-endian, signed) of "c\0" + its paragraph
/// key with digits as "0" + "\0", with the lowest bit cleared; 1 (odd: no key) when that key is shorter than
/// `min_chars` characters.
pub fn corpus_keys(folded: &[u8], min_chars: usize) -> Vec<i64> {
    let mut params = Params::new();
    params.hash_length(8);
    let mut key = Vec::new();
    lines(folded)
        .map(|fline| {
            if key_into(fline, true, &mut key) < min_chars.max(1) {
                return 1;
            }
            let mut state = params.to_state();
            state.update(b"c\x00");
            state.update(&key);
            state.update(b"\x00");
            i64::from_be_bytes(state.finalize().as_bytes().try_into().unwrap()) & !1
        })
        .collect()
}
