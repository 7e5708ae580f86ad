//! Text as Python hands it over, and Python's own character classes.
//!
//! Text crosses the boundary as `str.encode("utf-8", "surrogatepass")`: valid UTF-8 except that a lone surrogate
//! (which a JSON input can hold) is encoded as the three bytes Python's codec writes for it. [`chars`] decodes that
//! form, and every function here passes surrogates through untouched, as Python's string methods do.
//!
//! The character classes are CPython's own: the `_PyUnicode_Is*` functions behind `str.isalpha()`, `str.isdigit()`,
//! `str.isspace()` and the `re` module's `\w`, `\d` and `\s`, exported by the interpreter this module is loaded
//! into. A Rust or Unicode-crate table would follow another Unicode version than the Python the rest of crawlwash
//! runs on, and a line's key or word count would then differ between the two for characters assigned in between.

use std::os::raw::c_int;

extern "C" {
    fn _PyUnicode_IsAlpha(ch: u32) -> c_int;
    fn _PyUnicode_IsDecimalDigit(ch: u32) -> c_int;
    fn _PyUnicode_IsDigit(ch: u32) -> c_int;
    fn _PyUnicode_IsNumeric(ch: u32) -> c_int;
    fn _PyUnicode_IsWhitespace(ch: u32) -> c_int;
}

/// `str.isspace()` of one character (`Py_UNICODE_ISSPACE`).
#[inline]
pub fn is_space(c: u32) -> bool {
    if c < 128 {
        matches!(c, 0x09..=0x0D | 0x1C..=0x20)
    } else {
        unsafe { _PyUnicode_IsWhitespace(c) != 0 }
    }
}

/// `str.isalpha()` of one character.
#[inline]
pub fn is_alpha(c: u32) -> bool {
    if c < 128 {
        (c as u8).is_ascii_alphabetic()
    } else {
        unsafe { _PyUnicode_IsAlpha(c) != 0 }
    }
}

/// `str.isdigit()` of one character.
#[inline]
pub fn is_digit(c: u32) -> bool {
    if c < 128 {
        (c as u8).is_ascii_digit()
    } else {
        unsafe { _PyUnicode_IsDigit(c) != 0 }
    }
}

/// `str.isdecimal()` of one character: the `re` module's `\d`.
#[inline]
pub fn is_decimal(c: u32) -> bool {
    if c < 128 {
        (c as u8).is_ascii_digit()
    } else {
        unsafe { _PyUnicode_IsDecimalDigit(c) != 0 }
    }
}

/// `str.isalnum()` of one character (`Py_UNICODE_ISALNUM`): the `re` module's `\w`, less `_`.
#[inline]
pub fn is_alnum(c: u32) -> bool {
    if c < 128 {
        (c as u8).is_ascii_alphanumeric()
    } else {
        unsafe {
            _PyUnicode_IsAlpha(c) != 0
                || _PyUnicode_IsDecimalDigit(c) != 0
                || _PyUnicode_IsDigit(c) != 0
                || _PyUnicode_IsNumeric(c) != 0
        }
    }
}

/// The `re` module's `\w`.
#[inline]
pub fn is_word(c: u32) -> bool {
    c == '_' as u32 || is_alnum(c)
}

/// A letter as `[^\W\d_]` counts it: `\w` less decimal digits and "_" (numerals such as "²" or "Ⅳ" count).
#[inline]
pub fn is_re_letter(c: u32) -> bool {
    is_alnum(c) && !is_decimal(c)
}

/// The characters of surrogatepass UTF-8, each as (byte offset, byte length, code point).
pub struct Chars<'a> {
    bytes: &'a [u8],
    pos: usize,
}

pub fn chars(bytes: &[u8]) -> Chars<'_> {
    Chars { bytes, pos: 0 }
}

impl Iterator for Chars<'_> {
    type Item = (usize, usize, u32);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let b = self.bytes;
        let i = self.pos;
        let b0 = *b.get(i)? as u32;
        let (len, cp) = if b0 < 0x80 {
            (1, b0)
        } else if b0 < 0xE0 && i + 1 < b.len() {
            (2, ((b0 & 0x1F) << 6) | (b[i + 1] as u32 & 0x3F))
        } else if b0 < 0xF0 && i + 2 < b.len() {
            (3, ((b0 & 0x0F) << 12) | ((b[i + 1] as u32 & 0x3F) << 6) | (b[i + 2] as u32 & 0x3F))
        } else if i + 3 < b.len() {
            let cp = ((b0 & 0x07) << 18)
                | ((b[i + 1] as u32 & 0x3F) << 12)
                | ((b[i + 2] as u32 & 0x3F) << 6)
                | (b[i + 3] as u32 & 0x3F);
            (4, cp)
        } else {
            (1, 0xFFFD) // cannot come from Python's encoder: a truncated sequence is one unknown character
        };
        self.pos = i + len;
        Some((i, len, cp))
    }
}

/// The lines of a text, split on `\n` exactly as `text.split("\n")` (an empty text is one empty line).
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split(|&c| c == b'\n')
}
