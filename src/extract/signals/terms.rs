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

/// `counted(tokenize(text, lang), keep)`, without materialising every token: each distinct
/// word is checked against the stop words and stemmed once, then counted by reference. Pages
/// repeat their words a lot, so this is several times faster on long texts.
pub fn counted_terms(text: &str, lang: Option<&str>, keep: usize) -> Vec<(String, u32)> {
    let lang = lang.unwrap_or("");
    let stemmer = algorithm(lang).map(Stemmer::create);
    let stops = stop_words();
    let stop = stops.get(lang).or_else(|| stops.get("eng"));
    let lower = if text.is_ascii() {
        std::borrow::Cow::Owned(text.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Owned(text.to_lowercase())
    };
    let lower: &str = &lower;
    let mut cache = STEMS.with_borrow_mut(std::mem::take);
    if cache.lang != lang || cache.stems.len() > STEM_CACHE {
        cache.lang = lang.to_string();
        cache.stems.clear();
    }
    let seen = &mut cache.stems;
    // Words map to a term id (or to nothing, for stop words, numbers and one-letter words).
    let mut counter = Counter::default();
    let mut words: HashMap<&str, Option<u32>, Fx> = HashMap::default();
    let mut word_start: Option<usize> = None;
    let mut run: Vec<char> = Vec::new();
    let mut flush_word = |start: &mut Option<usize>, end: usize, counter: &mut Counter| {
        let Some(s) = start.take() else { return };
        let word = &lower[s..end];
        match words.get(word) {
            Some(Some(id)) => counter.terms[*id as usize].1 += 1,
            Some(None) => {}
            None => {
                let id = match seen.get(word) {
                    Some(term) => term.as_deref().map(|t| counter.add(t)),
                    None => {
                        let keep = word.chars().nth(1).is_some()
                            && !word.chars().all(|c| c.is_ascii_digit())
                            && !stop.is_some_and(|st| st.contains(word));
                        let term: Option<Box<str>> = keep.then(|| match &stemmer {
                            Some(st) => st.stem(word).into(),
                            None => word.into(),
                        });
                        let id = term.as_deref().map(|t| counter.add(t));
                        seen.insert(word.to_string(), term);
                        id
                    }
                };
                words.insert(word, id);
            }
        }
    };
    let flush_run = |run: &mut Vec<char>, counter: &mut Counter| {
        if run.len() == 1 {
            counter.add(&run[0].to_string());
        }
        for pair in run.windows(2) {
            counter.add(&pair.iter().collect::<String>());
        }
        run.clear();
    };
    if lower.is_ascii() {
        // Most pages: no bigram scripts, and a byte is a character.
        for (i, b) in lower.bytes().enumerate() {
            if b.is_ascii_alphanumeric() {
                word_start.get_or_insert(i);
            } else if word_start.is_some() {
                flush_word(&mut word_start, i, &mut counter);
            }
        }
    } else {
        for (i, c) in lower.char_indices() {
            if is_bigram_script(c) {
                flush_word(&mut word_start, i, &mut counter);
                run.push(c);
            } else if c.is_alphanumeric() {
                if !run.is_empty() {
                    flush_run(&mut run, &mut counter);
                }
                word_start.get_or_insert(i);
            } else {
                flush_word(&mut word_start, i, &mut counter);
                if !run.is_empty() {
                    flush_run(&mut run, &mut counter);
                }
            }
        }
    }
    flush_word(&mut word_start, lower.len(), &mut counter);
    flush_run(&mut run, &mut counter);
    STEMS.set(cache);
    let mut terms = counter.terms;
    terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    terms.truncate(keep);
    terms
}

/// Distinct words remembered across texts by [`counted_terms`] (per thread, for one language
/// at a time): pages of a profile share most of their words, and stemming them again was a
/// tenth of an audit's CPU. About 100 bytes a word.
const STEM_CACHE: usize = 20_000;

/// The words of earlier texts in one language: each word's term, or None for words that are
/// not counted (stop words, numbers, one-letter words).
#[derive(Default)]
struct StemCache {
    lang: String,
    stems: HashMap<String, Option<Box<str>>, Fx>,
}

thread_local! {
    static STEMS: std::cell::RefCell<StemCache> = std::cell::RefCell::default();
}

/// Terms and their counts, by id.
#[derive(Default)]
struct Counter {
    ids: HashMap<String, u32, Fx>,
    terms: Vec<(String, u32)>,
}

impl Counter {
    /// Counts one occurrence of `term`; returns its id.
    fn add(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            self.terms[id as usize].1 += 1;
            return id;
        }
        let id = self.terms.len() as u32;
        self.ids.insert(term.to_string(), id);
        self.terms.push((term.to_string(), 1));
        id
    }
}

/// A fast hasher for the short string keys of [`counted_terms`] (FxHash's mixing).
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(b))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type Fx = std::hash::BuildHasherDefault<FxHasher>;

/// The `keep` most frequent terms of `text` as a [`TermVector`].
pub fn vector(text: &str, lang: Option<&str>, keep: usize) -> TermVector {
    vector_of(&counted_terms(text, lang, keep))
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

    proptest::proptest! {
        #[test]
        fn counted_terms_equals_counting_the_tokens(
            text in "[a-zA-Z0-9 ,.'\\-éÉßİ靴を買う다한국어ไทย\\n]{0,200}",
            lang in proptest::sample::select(vec!["eng", "spa", "deu", "tur", "jpn", "xyz"]),
            keep in 0usize..20,
        ) {
            proptest::prop_assert_eq!(
                counted_terms(&text, Some(lang), keep),
                counted(tokenize(&text, Some(lang)), keep)
            );
        }
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
