//! Topical relevance 0-100 of a link: how much the referring page, and the paragraph around
//! the link, talk about what the target's own pages and topics talk about.
//!
//! The target profile is a weighted bag of stems: the target's pages (each page's stems with
//! sublinear weights `1 + ln(count)`, normalised so that every page counts the same) and the
//! `--topic` terms and `--keyword`s (together as much as all pages together). A text's
//! similarity is the cosine between its own weighted stems and the profile; relevance is
//! `100 × √cosine` (the root spreads the low range where most pages sit: a cosine of 0.04 is
//! 20, 0.25 is 50). The link's relevance is `0.6 × page + 0.4 × paragraph` when its paragraph
//! has at least three terms, else the page's.

use crate::extract::signals::terms;
use crate::model::{TargetText, TermVector};
use std::collections::HashMap;

/// Most stems kept in the profile.
const PROFILE_TERMS: usize = 300;
/// A profile needs this many stems to say anything.
const MIN_PROFILE_TERMS: usize = 3;
/// Weight of the page in a link's relevance (the paragraph has the rest).
pub const PAGE_WEIGHT: f64 = 0.6;

/// The target's topical profile.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetProfile {
    /// The target's language (ISO 639-3): configured, else the language most of the target's
    /// editorial words are in.
    pub language: Option<String>,
    weights: HashMap<u32, (f64, String)>,
    norm: f64,
    /// The strongest stems, strongest first (at most [`EXPLAINED_TERMS`]), for explanations.
    strongest: Vec<String>,
}

/// Profile stems kept for explanations.
const EXPLAINED_TERMS: usize = 10;

/// A relevance value with its explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Relevance {
    /// 0-100.
    pub value: u8,
    /// The page's relevance.
    pub page: u8,
    /// The paragraph's relevance, when it had enough words.
    pub paragraph: Option<u8>,
    /// The profile stems the page shares, strongest first (at most 5).
    pub shared: Vec<String>,
}

impl TargetProfile {
    /// Builds the profile; `None` when there is nothing to build it from.
    pub fn build(
        pages: &[TargetText],
        topics: &[String],
        language: Option<&str>,
    ) -> Option<TargetProfile> {
        let language = language
            .map(str::to_string)
            .or_else(|| majority_language(pages));
        let mut weights: HashMap<u32, (f64, String)> = HashMap::new();
        let mut add = |stems: &[(String, u32)], scale: f64| {
            let w: Vec<f64> = stems
                .iter()
                .map(|(_, n)| 1.0 + f64::from(*n).ln())
                .collect();
            let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt();
            if norm == 0.0 {
                return;
            }
            for ((stem, _), x) in stems.iter().zip(w) {
                let e = weights
                    .entry(terms::hash32(stem))
                    .or_insert((0.0, stem.clone()));
                e.0 += scale * x / norm;
            }
        };
        let used: Vec<&TargetText> = pages.iter().filter(|p| !p.stems.is_empty()).collect();
        for p in &used {
            add(&p.stems, 1.0);
        }
        let topic_stems = terms::counted(
            topics
                .iter()
                .flat_map(|t| terms::tokenize(t, language.as_deref()))
                .collect(),
            PROFILE_TERMS,
        );
        // Topics weigh as much as all pages together (or everything, without pages).
        add(&topic_stems, used.len().max(1) as f64);
        let mut top: Vec<(u32, (f64, String))> = weights.into_iter().collect();
        top.sort_by(|a, b| b.1.0.total_cmp(&a.1.0).then_with(|| a.1.1.cmp(&b.1.1)));
        top.truncate(PROFILE_TERMS);
        if top.len() < MIN_PROFILE_TERMS {
            return None;
        }
        let norm = top.iter().map(|(_, (w, _))| w * w).sum::<f64>().sqrt();
        let strongest = top
            .iter()
            .take(EXPLAINED_TERMS)
            .map(|(_, (_, stem))| stem.clone())
            .collect();
        Some(TargetProfile {
            language,
            weights: top.into_iter().collect(),
            norm,
            strongest,
        })
    }

    /// The profile's strongest stems (for explanations), at most `n`.
    pub fn top_terms(&self, n: usize) -> Vec<&str> {
        self.strongest.iter().take(n).map(String::as_str).collect()
    }

    /// Cosine similarity of a text's stems to the profile, and the shared stems, strongest
    /// contribution first.
    fn cosine(&self, v: &TermVector) -> (f64, Vec<(f64, &str)>) {
        let mut dot = 0.0;
        let mut norm = 0.0;
        let mut shared = Vec::new();
        for (h, n) in &v.terms {
            let x = 1.0 + f64::from(*n).ln();
            norm += x * x;
            if let Some((w, stem)) = self.weights.get(h) {
                dot += x * w;
                shared.push((x * w, stem.as_str()));
            }
        }
        if norm == 0.0 || self.norm == 0.0 {
            return (0.0, shared);
        }
        shared.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        (dot / (norm.sqrt() * self.norm), shared)
    }

    /// Relevance of a link from a page with stems `page` whose paragraph has stems
    /// `paragraph`.
    pub fn relevance(&self, page: &TermVector, paragraph: Option<&TermVector>) -> Relevance {
        self.with_paragraph(&self.page_relevance(page), paragraph)
    }

    /// The page's own relevance (no paragraph): the part every link on the page shares, so
    /// it is worked out once per page.
    pub fn page_relevance(&self, page: &TermVector) -> Relevance {
        let (pc, shared) = self.cosine(page);
        Relevance {
            value: scale(pc),
            page: scale(pc),
            paragraph: None,
            shared: shared
                .into_iter()
                .take(5)
                .map(|(_, s)| s.to_string())
                .collect(),
        }
    }

    /// A link's relevance from its page's ([`TargetProfile::page_relevance`]) and the
    /// paragraph around it.
    pub fn with_paragraph(&self, page: &Relevance, paragraph: Option<&TermVector>) -> Relevance {
        let para = paragraph
            .filter(|p| p.terms.len() >= 3)
            .map(|p| scale(self.cosine(p).0));
        let value = match para {
            Some(p) => (PAGE_WEIGHT * f64::from(page.page) + (1.0 - PAGE_WEIGHT) * f64::from(p))
                .round() as u8,
            None => page.page,
        };
        Relevance {
            value,
            page: page.page,
            paragraph: para,
            shared: page.shared.clone(),
        }
    }
}

fn scale(cosine: f64) -> u8 {
    (100.0 * cosine.clamp(0.0, 1.0).sqrt()).round() as u8
}

/// The language most of the pages' editorial words are in.
fn majority_language(pages: &[TargetText]) -> Option<String> {
    let mut words: HashMap<&str, usize> = HashMap::new();
    for p in pages {
        if let Some(l) = &p.language {
            *words.entry(l).or_default() += p.words;
        }
    }
    words
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(l, _)| l.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str, lang: &str) -> TargetText {
        TargetText {
            url: "https://example.com/".into(),
            language: Some(lang.into()),
            words: s.split_whitespace().count(),
            stems: terms::counted(terms::tokenize(s, Some(lang)), 200),
        }
    }

    const SHOP: &str = "Trail running shoes for wet rock and mud. Our trail shoes grip on \
        rock, our running shoes are light. Free returns on all shoes; hiking boots too.";

    #[test]
    fn on_topic_pages_score_higher_than_off_topic_ones() {
        let p = TargetProfile::build(&[text(SHOP, "eng")], &[], None).unwrap();
        assert_eq!(p.language.as_deref(), Some("eng"));
        let on = terms::vector(
            "We tested ten pairs of trail running shoes on wet rock: grip matters more than \
             weight for mountain running.",
            Some("eng"),
            100,
        );
        let off = terms::vector(
            "The city council approved the new budget for schools and public libraries after \
             a long debate about taxes.",
            Some("eng"),
            100,
        );
        let r_on = p.relevance(&on, None);
        let r_off = p.relevance(&off, None);
        assert!(r_on.value >= 40, "{r_on:?}");
        assert!(r_off.value <= 10, "{r_off:?}");
        assert!(r_on.shared.iter().any(|s| s == "shoe"), "{r_on:?}");
        // An on-topic paragraph lifts an off-topic page.
        let mixed = p.relevance(&off, Some(&on));
        assert!(
            mixed.value > r_off.value && mixed.value < r_on.value,
            "{mixed:?}"
        );
    }

    #[test]
    fn topics_alone_make_a_profile_and_nothing_makes_none() {
        assert!(TargetProfile::build(&[], &[], None).is_none());
        let p = TargetProfile::build(&[], &["trail running shoes".into()], Some("eng")).unwrap();
        assert_eq!(p.top_terms(3), ["run", "shoe", "trail"]);
        let v = terms::vector("trail shoes for running", Some("eng"), 100);
        assert!(p.relevance(&v, None).value > 80);
    }
}
