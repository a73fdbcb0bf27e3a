//! A small language-aware tokeniser for topical relevance: lower-case words, stop words of the
//! page's language dropped, Snowball stems (rust-stemmers) for the 18 languages it covers;
//! scripts written without spaces (Chinese, Japanese, Thai) and Korean become overlapping
//! character bigrams, the usual choice of search engines for them.

use crate::model::TermVector;
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Most frequent terms kept per page (the profile a page costs in memory).
pub const PAGE_TERMS: usize = 100;
/// Most frequent terms kept per link paragraph.
pub const PARAGRAPH_TERMS: usize = 32;

/// The Snowball stemmer for an ISO 639-3 language code, if there is one.
fn algorithm(lang: &str) -> Option<Algorithm> {
    Some(match lang {
        "ara" => Algorithm::Arabic,
        "dan" => Algorithm::Danish,
        "nld" => Algorithm::Dutch,
        "eng" => Algorithm::English,
        "fin" => Algorithm::Finnish,
        "fra" => Algorithm::French,
        "deu" => Algorithm::German,
        "ell" => Algorithm::Greek,
        "hun" => Algorithm::Hungarian,
        "ita" => Algorithm::Italian,
        "nob" => Algorithm::Norwegian,
        "por" => Algorithm::Portuguese,
        "ron" => Algorithm::Romanian,
        "rus" => Algorithm::Russian,
        "spa" => Algorithm::Spanish,
        "swe" => Algorithm::Swedish,
        "tam" => Algorithm::Tamil,
        "tur" => Algorithm::Turkish,
        _ => return None,
    })
}

/// Stop words by language (`stopwords.txt`, sections headed `# xxx`).
fn stop_words() -> &'static HashMap<&'static str, HashSet<&'static str>> {
    static MAP: OnceLock<HashMap<&'static str, HashSet<&'static str>>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map: HashMap<&str, HashSet<&str>> = HashMap::new();
        let mut lang = "";
        for line in include_str!("stopwords.txt").lines() {
            let line = line.trim();
            if let Some(l) = line.strip_prefix("# ") {
                if l.len() == 3 {
                    lang = l;
                }
                continue;
            }
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            map.entry(lang).or_default().extend(line.split_whitespace());
        }
        map
    })
}

/// Whether `c` belongs to a script written without spaces between words (or, for Hangul,
/// whose words are long agglutinated units), tokenised as bigrams.
fn is_bigram_script(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0x0E00..=0x0E7F    // Thai
        | 0x20000..=0x2FFFF) // CJK extensions B+
}

/// The terms of `text` in `lang` (ISO 639-3; unknown languages are not stemmed and only
/// English stop words are dropped), in text order.
pub fn tokenize(text: &str, lang: Option<&str>) -> Vec<String> {
    let lang = lang.unwrap_or("");
    let stemmer = algorithm(lang).map(Stemmer::create);
    let stops = stop_words();
    let stop = stops.get(lang).or_else(|| stops.get("eng"));
    let mut out = Vec::new();
    let lower = text.to_lowercase();
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    let flush_word = |word: &mut String, out: &mut Vec<String>| {
        if word.chars().count() >= 2
            && !word.chars().all(|c| c.is_ascii_digit())
            && !stop.is_some_and(|s| s.contains(word.as_str()))
        {
            let stemmed = match &stemmer {
                Some(s) => s.stem(word).into_owned(),
                None => word.clone(),
            };
            out.push(stemmed);
        }
        word.clear();
    };
    let flush_run = |run: &mut Vec<char>, out: &mut Vec<String>| {
        if run.len() == 1 {
            out.push(run[0].to_string());
        }
        for pair in run.windows(2) {
            out.push(pair.iter().collect());
        }
        run.clear();
    };
    for c in lower.chars() {
        if is_bigram_script(c) {
            flush_word(&mut word, &mut out);
            run.push(c);
        } else if c.is_alphanumeric() {
            flush_run(&mut run, &mut out);
            word.push(c);
        } else {
            flush_word(&mut word, &mut out);
            flush_run(&mut run, &mut out);
        }
    }
    flush_word(&mut word, &mut out);
    flush_run(&mut run, &mut out);
    out
}

/// FNV-1a, 32 bits: a stable hash for stems (stable across runs and platforms, unlike std's).
pub fn hash32(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.as_bytes() {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// (term, count) of `terms`, most frequent first, ties in term order, at most `keep`.
pub fn counted(terms: Vec<String>, keep: usize) -> Vec<(String, u32)> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    for t in terms {
        *counts.entry(t).or_default() += 1;
    }
    let mut v: Vec<(String, u32)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(keep);
    v
}

/// The `keep` most frequent terms of `text` as a [`TermVector`].
pub fn vector(text: &str, lang: Option<&str>, keep: usize) -> TermVector {
    vector_of(&counted(tokenize(text, lang), keep))
}

/// A [`TermVector`] from counted terms.
pub fn vector_of(counted: &[(String, u32)]) -> TermVector {
    let mut merged: HashMap<u32, u32> = HashMap::new();
    for (t, n) in counted {
        *merged.entry(hash32(t)).or_default() += n;
    }
    let mut terms: Vec<(u32, u16)> = merged
        .into_iter()
        .map(|(h, n)| (h, u16::try_from(n).unwrap_or(u16::MAX)))
        .collect();
    terms.sort_unstable();
    TermVector { terms }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_stemmed_and_stop_words_dropped() {
        assert_eq!(
            tokenize("The best Trail-Running shoes, and 2026", Some("eng")),
            ["best", "trail", "run", "shoe"]
        );
        assert_eq!(
            tokenize("Las mejores zapatillas de trail", Some("spa")),
            ["mejor", "zapatill", "trail"]
        );
        // No stemmer for Japanese: character bigrams.
        assert_eq!(tokenize("靴を買う", Some("jpn")), ["靴を", "を買", "買う"]);
    }

    #[test]
    fn vectors_are_sorted_and_bounded() {
        let v = vector("shoe shoe shoe trail trail run", Some("eng"), 2);
        assert_eq!(v.terms.len(), 2);
        assert!(v.terms.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(v.terms.contains(&(hash32("shoe"), 3)));
        assert_eq!(hash32("a"), 0xe40c_292c);
    }
}
