//! The character-level passes of `transforms/clean/normalize.py`.

use crate::text::{chars, is_space, lines};

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
