//! Pass 1 of the language stage, each line's own facts (`transforms/language/features.py` builds its line table
//! from them): letters per script, the text fastText reads and its letters, the line's weight in the page's vote,
//! and the flags of lines legitimately in another language (names and titles, quotes and references, table label
//! rows). One call per document, one pass per line; the rules are documented where features.py states them.
//!
//! Characters are classified by CPython's own Unicode database (`crate::text`), so every count is the one the
//! `str` methods and `re` classes named in the comments give. The regular expressions these functions replace are
//! quoted above each one; each is matched here by hand, with the backtracking argued where it matters.

use std::os::raw::c_int;
use std::sync::OnceLock;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

use crate::text::{chars, is_alnum, is_alpha, is_decimal, is_re_letter, is_space, is_word, lines};

extern "C" {
    fn _PyUnicode_IsUppercase(ch: u32) -> c_int;
    fn _PyUnicode_IsLowercase(ch: u32) -> c_int;
    fn _PyUnicode_IsTitlecase(ch: u32) -> c_int;
}

#[inline]
fn is_upper(c: u32) -> bool {
    unsafe { _PyUnicode_IsUppercase(c) != 0 }
}

#[inline]
fn in_set(c: u32, set: &[char]) -> bool {
    set.iter().any(|&s| s as u32 == c)
}

#[inline]
fn ascii_lower(c: u32) -> bool {
    (b'a' as u32..=b'z' as u32).contains(&c)
}

#[inline]
fn ascii_upper(c: u32) -> bool {
    (b'A' as u32..=b'Z' as u32).contains(&c)
}

// --- scripts (transforms/language/scripts.py names the codes) ------------------------------------------------

const LATIN: u8 = b'L';
const HAN: u8 = b'H';
const KANA: u8 = b'J';
const HANGUL: u8 = b'K';
const OTHER: u8 = b'O';
const NONLETTER: u8 = 0;

/// Blocks of each script (a letter of a script not listed is `OTHER`).
const RANGES: &[(u32, u32, u8)] = &[
    (0x0041, 0x024F, LATIN),
    (0x0250, 0x02AF, LATIN),
    (0x1E00, 0x1EFF, LATIN),
    (0x2C60, 0x2C7F, LATIN),
    (0xA720, 0xA7FF, LATIN),
    (0xAB30, 0xAB6F, LATIN),
    (0xFB00, 0xFB06, LATIN),
    (0xFF21, 0xFF5A, LATIN), // fullwidth Latin (common in CJK pages)
    (0x0370, 0x03FF, b'G'),
    (0x1F00, 0x1FFF, b'G'),
    (0x0400, 0x052F, b'C'),
    (0x1C80, 0x1C8F, b'C'),
    (0x2DE0, 0x2DFF, b'C'),
    (0xA640, 0xA69F, b'C'),
    (0x0530, 0x058F, b'M'),
    (0x0590, 0x05FF, b'E'),
    (0xFB1D, 0xFB4F, b'E'),
    (0x0600, 0x06FF, b'A'),
    (0x0750, 0x077F, b'A'),
    (0x08A0, 0x08FF, b'A'),
    (0xFB50, 0xFDFF, b'A'),
    (0xFE70, 0xFEFF, b'A'),
    (0x0780, 0x07BF, b'n'),
    (0x0900, 0x097F, b'D'),
    (0xA8E0, 0xA8FF, b'D'),
    (0x0980, 0x09FF, b'B'),
    (0x0A00, 0x0A7F, b'a'),
    (0x0A80, 0x0AFF, b'b'),
    (0x0B00, 0x0B7F, b'c'),
    (0x0B80, 0x0BFF, b'd'),
    (0x0C00, 0x0C7F, b'e'),
    (0x0C80, 0x0CFF, b'f'),
    (0x0D00, 0x0D7F, b'g'),
    (0x0D80, 0x0DFF, b'h'),
    (0x0E00, 0x0E7F, b'T'),
    (0x0E80, 0x0EFF, b'i'),
    (0x0F00, 0x0FFF, b'j'),
    (0x1000, 0x109F, b'k'),
    (0x10A0, 0x10FF, b'Y'),
    (0x1C90, 0x1CBF, b'Y'),
    (0x1100, 0x11FF, HANGUL),
    (0x3130, 0x318F, HANGUL),
    (0xA960, 0xA97F, HANGUL),
    (0xAC00, 0xD7FF, HANGUL),
    (0xFFA0, 0xFFDC, HANGUL),
    (0x1200, 0x139F, b'l'),
    (0x1780, 0x17FF, b'm'),
    (0x3040, 0x309F, KANA),
    (0x30A0, 0x30FF, KANA),
    (0x31F0, 0x31FF, KANA),
    (0xFF66, 0xFF9F, KANA),
    (0x3100, 0x312F, b'o'),
    (0x31A0, 0x31BF, b'o'),
    (0x3005, 0x3007, HAN),
    (0x3021, 0x3029, HAN),
    (0x3400, 0x4DBF, HAN),
    (0x4E00, 0x9FFF, HAN),
    (0xF900, 0xFAFF, HAN),
];

/// The script code of every BMP character: its block's script if it is a letter (`str.isalpha()`), `OTHER` for
/// a letter outside the blocks, and Han for every character of the Han blocks (々〆〇 and the Hangzhou numerals
/// are Han for our purpose even where not "alpha"); built once per process.
fn bmp_scripts() -> &'static [u8] {
    static TABLE: OnceLock<Vec<u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = vec![NONLETTER; 0x10000];
        for &(lo, hi, code) in RANGES {
            t[lo as usize..=hi as usize].fill(code);
        }
        for (cp, code) in t.iter_mut().enumerate() {
            if !is_alpha(cp as u32) {
                if *code != HAN {
                    *code = NONLETTER;
                }
            } else if *code == NONLETTER {
                *code = OTHER;
            }
        }
        t
    })
}

/// Letters per script code, in the order the scripts first occur, except that scripts first met above the BMP
/// come after those of the BMP (as `script_counts` has always ordered them; `max` over the counts takes the first
/// of equals, so the order is part of the result).
#[derive(Default)]
pub struct Scripts {
    pub counts: Vec<(u8, u32)>,
    astral: Vec<(u8, u32)>,
}

impl Scripts {
    fn clear(&mut self) {
        self.counts.clear();
        self.astral.clear();
    }

    fn add(list: &mut Vec<(u8, u32)>, code: u8) {
        match list.iter_mut().find(|(c, _)| *c == code) {
            Some((_, n)) => *n += 1,
            None => list.push((code, 1)),
        }
    }

    fn count(&mut self, cps: &[u32]) {
        self.clear();
        let table = bmp_scripts();
        for &c in cps {
            if c < 0x10000 {
                let code = table[c as usize];
                if code != NONLETTER {
                    Self::add(&mut self.counts, code);
                }
            } else if (0x20000..=0x3FFFF).contains(&c) {
                Self::add(&mut self.astral, HAN);
            } else if is_alpha(c) {
                Self::add(&mut self.astral, OTHER);
            }
        }
        for i in 0..self.astral.len() {
            let (code, n) = self.astral[i];
            match self.counts.iter_mut().find(|(c, _)| *c == code) {
                Some((_, m)) => *m += n,
                None => self.counts.push((code, n)),
            }
        }
    }

    fn get(&self, code: u8) -> u32 {
        self.counts.iter().find(|(c, _)| *c == code).map_or(0, |&(_, n)| n)
    }

    fn total(&self) -> u32 {
        self.counts.iter().map(|&(_, n)| n).sum()
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for &(code, n) in &self.counts {
            let key = [code];
            d.set_item(std::str::from_utf8(&key).expect("script codes are ASCII"), n)?;
        }
        Ok(d)
    }
}

// --- the text fastText reads (features.py: the prediction text) ----------------------------------------------

/// `[0-9@/\\=$_{}<>]`: a mark of a token that is no word of any language.
#[inline]
fn is_mark(c: u32) -> bool {
    c < 128 && matches!(c as u8, b'0'..=b'9' | b'@' | b'/' | b'\\' | b'=' | b'$' | b'_' | b'{' | b'}' | b'<' | b'>')
}

/// `re.search(r"[0-9@/\\=$_{}<>]|www\.|[a-z]\.[a-z]", s)`: whether the line may hold such a token.
fn needs_rewrite(s: &[u32]) -> bool {
    let dot = '.' as u32;
    (0..s.len()).any(|i| {
        is_mark(s[i])
            || (s[i..].len() >= 4 && s[i..i + 4] == ['w' as u32, 'w' as u32, 'w' as u32, dot])
            || (i + 2 < s.len() && ascii_lower(s[i]) && s[i + 1] == dot && ascii_lower(s[i + 2]))
    })
}

/// A whole whitespace-delimited token that `(?<!\S)[\x21-\x7e]*?(?:[0-9@/\\=$_{}<>]|[a-z0-9]\.[a-z])
/// [\x21-\x7e]*(?!\S)` matches: printable ASCII only, with a mark or a dotted name in it. (Both ends of a match
/// touch whitespace or the text's ends and every character between is non-space, so a match is a whole token.)
fn no_language_token(t: &[u32]) -> bool {
    let dot = '.' as u32;
    t.iter().all(|&c| (0x21..=0x7E).contains(&c))
        && (t.iter().any(|&c| is_mark(c))
            || t.windows(3).any(|w| {
                (ascii_lower(w[0]) || (b'0' as u32..=b'9' as u32).contains(&w[0])) && w[1] == dot && ascii_lower(w[2])
            }))
}

/// `str.isupper()`.
fn str_isupper(s: &[u32]) -> bool {
    if s.len() == 1 {
        return is_upper(s[0]);
    }
    let mut cased = false;
    for &c in s {
        if unsafe { _PyUnicode_IsLowercase(c) != 0 || _PyUnicode_IsTitlecase(c) != 0 } {
            return false;
        }
        cased |= is_upper(c);
    }
    cased
}

/// The text fastText reads for a line (features.py documents why): stripped; when
/// `_REWRITE` finds a candidate, the tokens without language dropped and the spaces folded
/// (`" ".join(text.split())`); capped at `max_chars` characters at the last space past half of them; and
/// lowered when all its cased characters are capitals (`str.lower()`, done by Python itself: its final-sigma
/// rule and special casings are its own).
fn prediction_text(py: Python<'_>, line: &[u32], max_chars: usize, out: &mut Vec<u32>) -> PyResult<()> {
    out.clear();
    let start = line.iter().position(|&c| !is_space(c)).unwrap_or(line.len());
    let end = line.iter().rposition(|&c| !is_space(c)).map_or(start, |e| e + 1);
    let s = &line[start..end];
    if needs_rewrite(s) {
        for token in s.split(|&c| is_space(c)).filter(|t| !t.is_empty()) {
            if !no_language_token(token) {
                if !out.is_empty() {
                    out.push(' ' as u32);
                }
                out.extend_from_slice(token);
            }
        }
    } else {
        out.extend_from_slice(s);
    }
    if out.len() > max_chars {
        // text.rfind(" ", 0, max_chars): a space starting before max_chars
        let cut = out[..max_chars].iter().rposition(|&c| c == ' ' as u32);
        let keep = match cut {
            Some(c) if c > max_chars / 2 => c,
            _ => max_chars,
        };
        out.truncate(keep);
    }
    if str_isupper(out) {
        let lowered = decode(py, &encode_cps(out))?.call_method0("lower")?;
        let lowered = lowered.cast_into::<PyString>()?;
        *out = decode_cps(&encode_str(&lowered)?);
    }
    Ok(())
}

/// `len(re.sub(r"[\W\d_]+", "", text))`: the letters of a text as the prediction's weight counts them.
fn count_letters(s: &[u32]) -> u32 {
    s.iter().filter(|&&c| is_re_letter(c)).count() as u32
}

/// `[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]`
#[inline]
fn is_cjk(c: u32) -> bool {
    matches!(c, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F)
}

/// A line of Latin text (at least 3/4 of its letters) with Han or kana in it, read without them: each run of
/// those characters becomes one space (features.py: a quoted Japanese or Chinese phrase). Returns false (and
/// leaves `out` alone) when the line is read as it is.
fn without_quoted_cjk(line: &[u32], scripts: &Scripts, out: &mut Vec<u32>) -> bool {
    let cjk = scripts.get(KANA) + scripts.get(HAN);
    if cjk == 0 || (scripts.get(LATIN) as u64) * 4 < 3 * scripts.total() as u64 {
        return false;
    }
    out.clear();
    let mut in_run = false;
    for &c in line {
        if is_cjk(c) {
            if !in_run {
                out.push(' ' as u32);
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    true
}

/// `re.search(r"(?<![\w&])#([^\W_]+)", text)`: a hashtag (Python reads it as the words it is made of).
fn has_hashtag(s: &[u32]) -> bool {
    (0..s.len()).any(|p| {
        s[p] == '#' as u32
            && (p == 0 || !(is_word(s[p - 1]) || s[p - 1] == '&' as u32))
            && p + 1 < s.len()
            && is_alnum(s[p + 1])
    })
}

// --- the line's weight in the vote (features.py: keyword lists and brand codes weigh less) -------------------

const MATERIAL_WEIGHT: f64 = 0.25;

/// `re.search(r"(?<![\w./-])(?:[A-Za-z]+\d+|\d+[A-Za-z]{2,})(?![\w.-])", line)`. Each run is greedy and cannot
/// give characters back usefully (a letter is no digit, and what follows a shortened run is a word character), so
/// each alternative matches its maximal runs or nothing.
fn has_brand_code(s: &[u32]) -> bool {
    let ends_ok = |k: usize| k == s.len() || !(is_word(s[k]) || s[k] == '.' as u32 || s[k] == '-' as u32);
    let run = |from: usize, f: &dyn Fn(u32) -> bool| from + s[from..].iter().take_while(|&&c| f(c)).count();
    (0..s.len()).any(|p| {
        if p > 0 && (is_word(s[p - 1]) || in_set(s[p - 1], &['.', '/', '-'])) {
            return false;
        }
        let j = run(p, &|c| ascii_lower(c) || ascii_upper(c));
        if j > p {
            let k = run(j, &is_decimal);
            return k > j && ends_ok(k);
        }
        let j = run(p, &is_decimal);
        if j > p {
            let k = run(j, &|c| ascii_lower(c) || ascii_upper(c));
            return k - j >= 2 && ends_ok(k);
        }
        false
    })
}

#[inline]
fn is_list_sep(c: u32) -> bool {
    matches!(c, 0x7C | 0x3001 | 0xFF0C | 0xB7 | 0x2022 | 0x2F | 0xFF5C)
}

/// The weight of a line's letters in the page's vote: `MATERIAL_WEIGHT` for a line with a brand code (SLOT88)
/// or a keyword list (at least 5 items of at most 8 characters on average between list separators, or between
/// spaces that separate Han characters), 1 otherwise.
fn material_weight(s: &[u32], has_han: bool) -> f64 {
    if s.iter().any(|&c| (b'0' as u32..=b'9' as u32).contains(&c)) && has_brand_code(s) {
        return MATERIAL_WEIGHT;
    }
    let seps = s.iter().filter(|&&c| is_list_sep(c)).count();
    let spaces = s.iter().filter(|&&c| c == ' ' as u32).count();
    if seps < 4 && (!has_han || spaces < 4) {
        return 1.0;
    }
    // re.sub(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])", "|", line): whole whitespace runs between two Han
    let han = |c: u32| (0x3400..=0x9FFF).contains(&c);
    let mut t: Vec<u32> = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if is_space(s[i]) && i > 0 && han(s[i - 1]) {
            let j = i + s[i..].iter().take_while(|&&c| is_space(c)).count();
            if j < s.len() && han(s[j]) {
                t.push('|' as u32);
                i = j;
                continue;
            }
        }
        t.push(s[i]);
        i += 1;
    }
    // re.split(r"\s*[|、，·•/｜]\s*", t): the pieces between separators (with the whitespace around them)
    let (mut items, mut item_chars) = (0usize, 0usize);
    let mut piece = |a: usize, b: usize| {
        if t[a..b].iter().any(|&c| !is_space(c)) {
            items += 1;
            item_chars += b - a;
        }
    };
    let (mut start, mut p) = (0, 0);
    while p < t.len() {
        let q = p + t[p..].iter().take_while(|&&c| is_space(c)).count();
        if q < t.len() && is_list_sep(t[q]) {
            let r = q + 1 + t[q + 1..].iter().take_while(|&&c| is_space(c)).count();
            piece(start, p);
            start = r;
            p = r;
        } else {
            p += 1;
        }
    }
    piece(start, t.len());
    if items >= 5 && item_chars <= 8 * items {
        MATERIAL_WEIGHT
    } else {
        1.0
    }
}

// --- the flags of lines never judged foreign by language -----------------------------------------------------

/// A table row of short labels: starts with "|", and its cells (between "|", blank ones left out) hold at most
/// two words each on average.
fn is_label_row(s: &[u32]) -> bool {
    if s.first() != Some(&('|' as u32)) {
        return false;
    }
    let (mut cells, mut words) = (0usize, 0usize);
    for cell in s.split(|&c| c == '|' as u32) {
        if cell.iter().any(|&c| !is_space(c)) {
            cells += 1;
            words += cell.split(|&c| is_space(c)).filter(|w| !w.is_empty()).count();
        }
    }
    cells > 0 && words <= 2 * cells
}

/// A short line of capitalized words: at most 16 characters a word, at most `max_words` words (maximal runs of
/// `[^\W\d_]`), 3/4 of them starting with a capital (`str.isupper()` of the first character).
fn is_name_like(s: &[u32], max_words: i64) -> bool {
    if s.len() as i64 > 16 * max_words {
        return false;
    }
    let (mut words, mut caps) = (0i64, 0i64);
    let mut in_word = false;
    for &c in s {
        if is_re_letter(c) {
            if !in_word {
                words += 1;
                caps += is_upper(c) as i64;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    words > 0 && words <= max_words && caps * 4 >= 3 * words
}

/// `\b(?:1[6-9]|20)\d\d[a-z]?` at `p`, and where it ends (before the closing `\b` is checked).
fn year_at(s: &[u32], p: usize) -> Option<usize> {
    let c = |i: usize| s.get(i).copied().unwrap_or(0);
    let century = (c(p) == '1' as u32 && ('6' as u32..='9' as u32).contains(&c(p + 1)))
        || (c(p) == '2' as u32 && c(p + 1) == '0' as u32);
    if !century || p + 3 >= s.len() || !is_decimal(s[p + 2]) || !is_decimal(s[p + 3]) {
        return None;
    }
    Some(p + 4)
}

/// Whether `\b` holds before position `p` that starts a word character (`p == 0` or a non-word before it).
#[inline]
fn word_starts(s: &[u32], p: usize) -> bool {
    p == 0 || !is_word(s[p - 1])
}

/// `re.search(r"\b(?:1[6-9]|20)\d\d[a-z]?\b", line)`: the optional letter is taken when the boundary follows it;
/// without it, a letter after the digits leaves no boundary.
fn has_year(s: &[u32]) -> bool {
    let not_word_at = |k: usize| k >= s.len() || !is_word(s[k]);
    (0..s.len()).any(|p| {
        word_starts(s, p)
            && year_at(s, p).is_some_and(|q| if q < s.len() && ascii_lower(s[q]) { not_word_at(q + 1) } else { not_word_at(q) })
    })
}

/// `re.search(_CITATION, line)` (features.py): a year in parentheses, "et al", "Surname, I." or "Surname AB,"
/// authors, or a leading footnote mark.
fn has_citation(s: &[u32]) -> bool {
    let n = s.len();
    let c = |i: usize| s.get(i).copied().unwrap_or(0);
    let is = |i: usize, ch: char| c(i) == ch as u32;
    let sp = |i: usize| i < n && is_space(s[i]);
    let skip_space = |mut i: usize| {
        while sp(i) {
            i += 1;
        }
        i
    };
    let decimals = |i: usize| i + s[i.min(n)..].iter().take_while(|&&ch| is_decimal(ch)).count();
    for p in 0..n {
        // \(\s*(?:1[6-9]|20)\d\d[a-z]?\s*\)
        if is(p, '(') {
            if let Some(mut q) = year_at(s, skip_space(p + 1)) {
                if q < n && ascii_lower(s[q]) {
                    q += 1;
                }
                if is(skip_space(q), ')') {
                    return true;
                }
            }
        }
        // \bet al\b
        if word_starts(s, p) && s[p..].starts_with(&['e' as u32, 't' as u32, ' ' as u32, 'a' as u32, 'l' as u32])
            && (p + 5 >= n || !is_word(s[p + 5]))
        {
            return true;
        }
        // \b[A-Z][a-z]+,\s(?:[A-Z]\.\s?){1,3}  and  \b[A-Z][a-z]+\s[A-Z]{1,2}[,.]
        if ascii_upper(c(p)) && word_starts(s, p) {
            let j = p + 1 + s[p + 1..].iter().take_while(|&&ch| ascii_lower(ch)).count();
            if j > p + 1 {
                if is(j, ',') && sp(j + 1) && ascii_upper(c(j + 2)) && is(j + 3, '.') {
                    return true;
                }
                let end = |k: usize| is(k, ',') || is(k, '.');
                if sp(j) && ascii_upper(c(j + 1)) && (end(j + 2) || (ascii_upper(c(j + 2)) && end(j + 3))) {
                    return true;
                }
            }
        }
    }
    // ^\W*(?:\[\d+\]|\(\d+\)|\d+\s|[\u2070-\u209f\u00b9\u00b2\u00b3]+): \W* gives back characters, so each start
    // within the leading run of non-word characters is tried
    let lead = s.iter().take_while(|&&ch| !is_word(ch)).count();
    (0..=lead.min(n.saturating_sub(1))).filter(|_| n > 0).any(|k| {
        let d = decimals(k + 1);
        ((is(k, '[') && d > k + 1 && is(d, ']')) || (is(k, '(') && d > k + 1 && is(d, ')')))
            || (decimals(k) > k && sp(decimals(k)))
            || matches!(c(k), 0x2070..=0x209F | 0xB9 | 0xB2 | 0xB3)
    })
}

// (arrays, not strings: a string would be decoded from UTF-8 for every character tested)
const QUOTE_OPEN: &[char] = &['"', '\u{201e}', '\u{201c}', '\u{00ab}', '\u{300c}', '\u{300e}'];
const QUOTE_INSIDE_NOT: &[char] = &['"', '\u{201c}', '\u{201d}', '\u{00ab}', '\u{00bb}', '\u{300d}', '\u{300f}'];
const QUOTE_CLOSE: &[char] = &['"', '\u{201c}', '\u{201d}', '\u{00bb}', '\u{300d}', '\u{300f}'];

/// A quotation or a bibliographic reference (features.py): a year together with a citation mark, or at least
/// 60% of the line's letters inside `_QUOTED` quotation marks. A quotation is an opening mark, at least 3
/// characters that are no quotation mark, and a closing mark right after them (closing marks are a subset of the
/// excluded characters, so the greedy run cannot give back a character that would close it).
fn is_quote_or_reference(s: &[u32]) -> bool {
    if s.iter().any(|&c| (b'0' as u32..=b'9' as u32).contains(&c)) && has_year(s) && has_citation(s) {
        return true;
    }
    if !s.iter().any(|&c| in_set(c, QUOTE_OPEN)) {
        return false;
    }
    let (mut quoted, mut found) = (0u32, false);
    let mut p = 0;
    while p < s.len() {
        if in_set(s[p], QUOTE_OPEN) {
            let e = p + 1 + s[p + 1..].iter().take_while(|&&c| !in_set(c, QUOTE_INSIDE_NOT)).count();
            if e - p > 3 && e < s.len() && in_set(s[e], QUOTE_CLOSE) {
                quoted += count_letters(&s[p + 1..e]);
                found = true;
                p = e + 1;
                continue;
            }
        }
        p += 1;
    }
    found && quoted as f64 >= 0.6 * count_letters(s) as f64
}

// --- text across the boundary --------------------------------------------------------------------------------

fn decode_cps(bytes: &[u8]) -> Vec<u32> {
    chars(bytes).map(|(_, _, c)| c).collect()
}

/// Code points as surrogatepass UTF-8 (a lone surrogate as the three bytes Python's codec writes for it).
fn encode_cps(cps: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(cps.len());
    for &c in cps {
        match c {
            0..=0x7F => out.push(c as u8),
            0x80..=0x7FF => out.extend_from_slice(&[0xC0 | (c >> 6) as u8, 0x80 | (c & 0x3F) as u8]),
            0x800..=0xFFFF => out.extend_from_slice(&[
                0xE0 | (c >> 12) as u8,
                0x80 | ((c >> 6) & 0x3F) as u8,
                0x80 | (c & 0x3F) as u8,
            ]),
            _ => out.extend_from_slice(&[
                0xF0 | (c >> 18) as u8,
                0x80 | ((c >> 12) & 0x3F) as u8,
                0x80 | ((c >> 6) & 0x3F) as u8,
                0x80 | (c & 0x3F) as u8,
            ]),
        }
    }
    out
}

/// `bytes.decode("utf-8", "surrogatepass")`.
fn decode<'py>(py: Python<'py>, bytes: &[u8]) -> PyResult<Bound<'py, PyString>> {
    unsafe {
        let ptr = ffi::PyUnicode_DecodeUTF8(
            bytes.as_ptr().cast(),
            bytes.len() as ffi::Py_ssize_t,
            c"surrogatepass".as_ptr(),
        );
        Ok(Bound::from_owned_ptr_or_err(py, ptr)?.cast_into_unchecked())
    }
}

/// `s.encode("utf-8", "surrogatepass")`.
fn encode_str(s: &Bound<'_, PyString>) -> PyResult<Vec<u8>> {
    let b = s.call_method1("encode", ("utf-8", "surrogatepass"))?;
    Ok(b.cast_into::<PyBytes>()?.as_bytes().to_vec())
}

// --- the Python functions ------------------------------------------------------------------------------------

/// What `read_lines` does with a line (`LINE_*` in the module).
pub const LINE_NONE: u8 = 0; // no letter
pub const LINE_FEW: u8 = 1; // fewer than `min_letters` letters (in the line, or in what fastText would read)
pub const LINE_JA: u8 = 2; // mostly kana and Han with kana: Japanese without asking fastText
pub const LINE_KO: u8 = 3; // mostly Hangul: Korean
pub const LINE_PREDICT: u8 = 4; // fastText reads `texts[i]`
pub const LINE_HASHTAG: u8 = 5; // `texts[i]` has hashtags: Python splits them, then `prediction_text`
pub const LINE_CJK: u8 = 8; // bit: the line has Han or kana (mojibake is possible)

/// The `LINE_*` constants, as module attributes.
pub fn add_constants(m: &Bound<'_, PyModule>) -> PyResult<()> {
    for (name, value) in [
        ("LINE_NONE", LINE_NONE),
        ("LINE_FEW", LINE_FEW),
        ("LINE_JA", LINE_JA),
        ("LINE_KO", LINE_KO),
        ("LINE_PREDICT", LINE_PREDICT),
        ("LINE_HASHTAG", LINE_HASHTAG),
        ("LINE_CJK", LINE_CJK),
    ] {
        m.add(name, value)?;
    }
    Ok(())
}

/// The own facts of every line of `text` (split on "\n"), as columns: (letters, letters per script (dicts),
/// what is done with the line (`LINE_*`), the text fastText reads ("" where none), that text's letters (its
/// weight), the weight factor in the page's vote, name-like, quote-or-reference, label-row). The last four are
/// computed for lines with a text only (1.0 and False elsewhere).
#[pyfunction]
#[allow(clippy::type_complexity)]
pub fn language_lines<'py>(
    py: Python<'py>, text: &[u8], min_letters: i64, max_chars: usize, name_max_words: i64,
) -> PyResult<(
    Vec<u32>,
    Bound<'py, PyList>,
    Vec<u8>,
    Bound<'py, PyList>,
    Vec<u32>,
    Vec<f64>,
    Vec<bool>,
    Vec<bool>,
    Vec<bool>,
)> {
    let (mut letters, mut kinds, mut alpha, mut material) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut name_like, mut quote, mut label) = (Vec::new(), Vec::new(), Vec::new());
    let counts = PyList::empty(py);
    let texts = PyList::empty(py);
    let empty_dict = PyDict::new(py);
    let empty_str = PyString::new(py, "");
    let mut scripts = Scripts::default();
    let (mut cps, mut w, mut t, mut as_written) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for line in lines(text) {
        cps.clear();
        cps.extend(chars(line).map(|(_, _, c)| c));
        scripts.count(&cps);
        let total = scripts.total();
        let mut kind = LINE_FEW;
        let mut read: Option<&[u32]> = None;
        let mut weight = 0u32;
        if total == 0 {
            kind = LINE_NONE;
        } else if (total as i64) >= min_letters {
            let (kana, han) = (scripts.get(KANA), scripts.get(HAN));
            if kana > 0 && (kana + han) * 2 > total {
                (kind, read, weight) = (LINE_JA, Some(&cps[..]), total);
            } else if scripts.get(HANGUL) * 2 > total {
                (kind, read, weight) = (LINE_KO, Some(&cps[..]), total);
            } else {
                let source = if without_quoted_cjk(&cps, &scripts, &mut w) { &w[..] } else { &cps[..] };
                if has_hashtag(source) {
                    (kind, read) = (LINE_HASHTAG, Some(source));
                } else {
                    prediction_text(py, source, max_chars, &mut t)?;
                    // a line read as it is: its letters are already counted
                    weight = if t == cps { total } else { count_letters(&t) };
                    if weight as i64 >= min_letters {
                        (kind, read) = (LINE_PREDICT, Some(&t[..]));
                    }
                }
            }
        }
        if total > 0 && (scripts.get(HAN) > 0 || scripts.get(KANA) > 0) {
            kind |= LINE_CJK;
        }
        letters.push(total);
        counts.append(if total > 0 { scripts.to_dict(py)? } else { empty_dict.clone() })?;
        alpha.push(weight);
        match read {
            Some(r) => {
                texts.append(decode(py, &encode_cps(r))?)?;
                material.push(material_weight(&cps, scripts.get(HAN) > 0));
                // a line of tags is judged like a title by its tags as written
                let named = if cps.contains(&('#' as u32)) {
                    prediction_text(py, &cps, max_chars, &mut as_written)?;
                    &as_written[..]
                } else {
                    r
                };
                name_like.push(is_name_like(named, name_max_words));
                quote.push(is_quote_or_reference(&cps));
                label.push(is_label_row(&cps));
            }
            None => {
                texts.append(empty_str.clone())?;
                material.push(1.0);
                name_like.push(false);
                quote.push(false);
                label.push(false);
            }
        }
        kinds.push(kind);
    }
    Ok((letters, counts, kinds, texts, alpha, material, name_like, quote, label))
}

/// Letters per script code of one text (`scripts.script_counts`).
#[pyfunction]
pub fn script_counts<'py>(py: Python<'py>, text: &[u8]) -> PyResult<Bound<'py, PyDict>> {
    let mut scripts = Scripts::default();
    scripts.count(&decode_cps(text));
    scripts.to_dict(py)
}

/// (the text fastText reads for `text`, its letters) (a hashtag line's, once its tags are split).
#[pyfunction]
pub fn prediction_text_of<'py>(py: Python<'py>, text: &[u8], max_chars: usize) -> PyResult<(Bound<'py, PyString>, u32)> {
    let mut out = Vec::new();
    prediction_text(py, &decode_cps(text), max_chars, &mut out)?;
    Ok((decode(py, &encode_cps(&out))?, count_letters(&out)))
}

/// (name-like with `max_words`, quote-or-reference, label-row, the weight factor in the vote) of one line, as
/// `language_lines` has them (the weight given whether the line has Han letters).
#[pyfunction]
pub fn line_flags(text: &[u8], max_words: i64, has_han: bool) -> (bool, bool, bool, f64) {
    let s = decode_cps(text);
    (is_name_like(&s, max_words), is_quote_or_reference(&s), is_label_row(&s), material_weight(&s, has_han))
}
