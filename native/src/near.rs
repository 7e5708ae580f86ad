//! Near-identical lines inside one document: the `near_repeated_line` rule of `transforms/clean/near.py`, which
//! documents it. Lines, keys and words are compared by their characters (code points), as the Python version did;
//! its sets become sorted vectors (of word ids, of shingles packed into integers), its dictionaries vectors by line.

use std::collections::HashMap;

use crate::text::{chars, is_digit, is_space, lines};

const SHINGLE: usize = 5; // characters per shingle
const SIGNATURE_WORDS: usize = 3; // a line's candidates share one of its longest words
const MAX_CANDIDATES: usize = 32; // earlier lines examined per signature word
const SERIES_WORD_JACCARD: f64 = 0.5; // word sets this alike: a line alike to two others is in a series
const OPENING_WORDS: usize = 3;
const SERIES_OPENINGS: usize = 3; // lines opening with the same words as two others are a series
const LIST_MARKERS: [&str; 7] = ["- ", "• ", "* ", "· ", "– ", "— ", "|"];

/// A list item or a table row as trafilatura writes them ("- item", "| a | b |", "1. step").
fn structured(line: &[u8]) -> bool {
    if LIST_MARKERS.iter().any(|m| line.starts_with(m.as_bytes())) {
        return true;
    }
    let head: Vec<u32> = chars(line).take(5).map(|(_, _, c)| c).collect();
    head.first().is_some_and(|&c| is_digit(c))
        && head.iter().take(4).any(|&c| c == '.' as u32 || c == ')' as u32)
        && head.contains(&(' ' as u32))
}

/// `len(line.split()) >= least`, reading only as far as the `least`th token.
fn has_tokens(line: &[u8], least: usize) -> bool {
    let mut n = 0;
    let mut inside = false;
    for (_, _, c) in chars(line) {
        if n >= least {
            break;
        }
        let space = is_space(c);
        if !space && !inside {
            n += 1;
        }
        inside = !space;
    }
    n >= least
}

/// The indices of the lines to remove (see `near_repeats` in near.py): `text` is the document's lines joined by
/// "\n", `keys` their paragraph keys (digits kept), `eligible` False for blank lines and lines another rule
/// removed. Err when `text` does not have one line per key.
pub fn near_repeats(
    text: &[u8], keys: &[String], eligible: &[bool], min_words: usize, min_similarity: f64,
) -> Result<Vec<usize>, String> {
    let lines: Vec<&[u8]> = lines(text).collect();
    if lines.len() != keys.len() || eligible.len() != keys.len() {
        return Err(format!("{} lines, {} keys, {} eligibility flags", lines.len(), keys.len(), eligible.len()));
    }
    let cands: Vec<usize> = (0..lines.len())
        .filter(|&i| eligible[i] && !structured(lines[i]) && has_tokens(lines[i], min_words))
        .collect();
    if cands.len() < 2 {
        return Ok(Vec::new());
    }
    let n = lines.len();
    // Every word of the candidates gets an id (one hash each); the rest works on ids and vectors by line.
    let mut word_ids: HashMap<&str, u32> = HashMap::with_capacity(cands.iter().map(|&i| keys[i].len() / 4).sum());
    let mut line_words: Vec<Vec<u32>> = vec![Vec::new(); n]; // a key's words in order (it is single-spaced)
    let mut word_len: Vec<usize> = Vec::new(); // characters per word id
    for &i in &cands {
        line_words[i] = keys[i]
            .split(' ')
            .map(|w| {
                *word_ids.entry(w).or_insert_with(|| {
                    word_len.push(w.chars().count());
                    word_len.len() as u32 - 1
                })
            })
            .collect();
    }
    let opening = |i: usize| -> [u32; OPENING_WORDS] {
        let mut o = [u32::MAX; OPENING_WORDS];
        for (slot, &w) in o.iter_mut().zip(&line_words[i]) {
            *slot = w;
        }
        o
    };
    let mut openings: HashMap<[u32; OPENING_WORDS], usize> = HashMap::new();
    for &i in &cands {
        *openings.entry(opening(i)).or_default() += 1;
    }
    let mut last_line = vec![usize::MAX; word_len.len()];
    let mut index: Vec<Vec<usize>> = vec![Vec::new(); word_len.len()];
    let mut words: Vec<Vec<u32>> = vec![Vec::new(); n]; // sorted distinct word ids of each examined line
    let mut similar: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut near: Vec<(usize, usize)> = Vec::new();
    let mut shingles: Vec<Option<Vec<u128>>> = vec![None; n];
    for &i in &cands {
        if openings[&opening(i)] >= SERIES_OPENINGS {
            continue;
        }
        let mut distinct: Vec<u32> = Vec::new(); // in line order
        for &w in &line_words[i] {
            if last_line[w as usize] != i {
                last_line[w as usize] = i;
                distinct.push(w);
            }
        }
        let mut by_len = distinct.clone();
        by_len.sort_by_key(|&w| word_len[w as usize]); // stable: ties keep line order, as Python's sorted
        let mut candidates: Vec<usize> = Vec::new();
        for &w in &by_len[by_len.len().saturating_sub(SIGNATURE_WORDS)..] {
            let seen = &mut index[w as usize];
            candidates.extend_from_slice(&seen[seen.len().saturating_sub(MAX_CANDIDATES)..]);
            seen.push(i);
        }
        candidates.sort_unstable();
        candidates.dedup();
        distinct.sort_unstable();
        words[i] = distinct;
        for c in candidates {
            let inter = sorted_intersection(&words[i], &words[c]);
            if (inter as f64) < SERIES_WORD_JACCARD * ((words[i].len() + words[c].len() - inter) as f64) {
                continue;
            }
            similar[c].push(i);
            similar[i].push(c);
            if keys[i] == keys[c] || similar[c].len() > 1 || similar[i].len() > 1 {
                continue;
            }
            for j in [c, i] {
                if shingles[j].is_none() {
                    shingles[j] = Some(shingle_set(&keys[j]));
                }
            }
            let (a, b) = (shingles[c].as_ref().unwrap(), shingles[i].as_ref().unwrap());
            let common = sorted_intersection(a, b);
            if (common as f64) >= min_similarity * ((a.len() + b.len() - common) as f64) {
                near.push((c, i));
            }
        }
    }
    let fold_digits = |k: &str| -> Vec<u32> {
        k.chars().map(|c| if is_digit(c as u32) { '0' as u32 } else { c as u32 }).collect()
    };
    Ok(near
        .into_iter()
        .filter(|&(earlier, later)| {
            similar[earlier].len() == 1
                && similar[later].len() == 1
                && fold_digits(&keys[earlier]) != fold_digits(&keys[later])
        })
        .map(|(_, later)| later)
        .collect())
}

/// The distinct shingles of a key, sorted: each run of `SHINGLE` characters (the whole key when shorter), packed
/// exactly into an integer (21 bits per code point, and the count).
fn shingle_set(key: &str) -> Vec<u128> {
    let k: Vec<u32> = key.chars().map(|c| c as u32).collect();
    let count = k.len().saturating_sub(SHINGLE - 1).max(1);
    let mut out: Vec<u128> = (0..count)
        .map(|s| {
            let piece = &k[s..(s + SHINGLE).min(k.len())];
            piece.iter().fold(piece.len() as u128, |acc, &c| acc << 21 | c as u128)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn sorted_intersection<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}
