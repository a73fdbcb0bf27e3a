//! Anchor-text classification: branded, naked URL, generic, exact/partial match, image, empty,
//! other. Order matters and is documented in `docs/scoring.md`: a money keyword the user named
//! (`--keyword`) wins over a brand term, a brand term over a generic phrase.

use crate::model::{AnchorType, Target};
use std::collections::HashSet;
use std::sync::OnceLock;

/// The built-in multilingual list of generic anchors (`data/generic-anchors.txt`).
fn generic_anchors() -> &'static HashSet<String> {
    static LIST: OnceLock<HashSet<String>> = OnceLock::new();
    LIST.get_or_init(|| {
        data_lines(include_str!("data/generic-anchors.txt"))
            .map(normalize)
            .collect()
    })
}

/// Non-comment, non-blank lines of a shipped data file.
pub fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Lower-case, whitespace collapsed, surrounding punctuation trimmed.
fn normalize(s: &str) -> String {
    let lower = s.to_lowercase();
    let collapsed = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

/// Letters and digits only, for spacing-insensitive brand matching (`Example Shop` ≈
/// `exampleshop`).
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Classifies one anchor.
pub fn classify(text: &str, is_image: bool, target: &Target) -> AnchorType {
    let norm = normalize(text);
    if is_image {
        return AnchorType::Image;
    }
    if norm.is_empty() {
        return AnchorType::Empty;
    }
    if is_naked_url(&norm, target) {
        return AnchorType::NakedUrl;
    }
    let squashed = squash(&norm);
    if target.keywords.iter().any(|k| squash(k) == squashed) {
        return AnchorType::ExactMatch;
    }
    if target.brand_terms.iter().any(|b| has_brand(&norm, b)) {
        return AnchorType::Branded;
    }
    if target.keywords.iter().any(|k| contains_words(&norm, k)) {
        return AnchorType::PartialMatch;
    }
    if generic_anchors().contains(&norm) {
        return AnchorType::Generic;
    }
    AnchorType::Other
}

/// Whether a run of 1-4 consecutive words of `text`, ignoring spacing, punctuation and case,
/// equals the brand term: `Example Shop`, `ExampleShop` and `example-shop` all match
/// `exampleshop`, but `counterexample` does not match `example`.
///
/// A brand given as a domain (`--brand example-shop.co.uk`) also matches without its TLD
/// (`Example Shop`), and any brand matches when written as a host of another TLD
/// (`example.de`), since the words of `example.de` are `example` and `de`.
fn has_brand(text: &str, brand: &str) -> bool {
    let mut variants = vec![squash(brand)];
    if brand.contains('.') && !brand.contains(' ') {
        let host = brand.trim_start_matches("www.");
        let label = crate::model::registrable_domain(host);
        if let Some(first) = label.split('.').next() {
            variants.push(squash(first));
        }
    }
    variants.retain(|v| !v.is_empty());
    if variants.is_empty() {
        return false;
    }
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(squash)
        .collect();
    (1..=4).any(|n| {
        words
            .windows(n)
            .any(|w| variants.iter().any(|v| w.concat() == *v))
    })
}

/// `example.com`, `www.example.com/page`, `https://blog.example.com/` are naked URLs.
fn is_naked_url(norm: &str, target: &Target) -> bool {
    if norm.contains(' ') || !norm.contains('.') {
        return false;
    }
    let rest = norm
        .strip_prefix("https://")
        .or_else(|| norm.strip_prefix("http://"))
        .or_else(|| norm.strip_prefix("//"))
        .unwrap_or(norm);
    let host = rest.split(['/', '?', '#', ':']).next().unwrap_or(rest);
    target.matches_host(host)
}

/// Whether every word of `keyword` occurs in `text` (both normalised), in any order.
fn contains_words(text: &str, keyword: &str) -> bool {
    let words: HashSet<&str> = text.split(' ').collect();
    let kw = normalize(keyword);
    let mut any = false;
    for w in kw.split(' ').filter(|w| !w.is_empty()) {
        any = true;
        if !words.contains(w) {
            return false;
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target::parse("example.com")
            .unwrap()
            .with_keywords(&["running shoes".into()])
    }

    #[test]
    fn classification_order() {
        let t = target();
        let c = |s: &str| classify(s, false, &t);
        assert_eq!(c(""), AnchorType::Empty);
        assert_eq!(classify("logo", true, &t), AnchorType::Image);
        assert_eq!(c("https://www.example.com/"), AnchorType::NakedUrl);
        assert_eq!(c("example.com"), AnchorType::NakedUrl);
        assert_eq!(c("notexample.com"), AnchorType::Other);
        assert_eq!(c("a counterexample"), AnchorType::Other);
        assert_eq!(c("Example's guide"), AnchorType::Branded);
        assert_eq!(c("Running  Shoes!"), AnchorType::ExactMatch);
        assert_eq!(c("Example"), AnchorType::Branded);
        assert_eq!(c("the Example team"), AnchorType::Branded);
        assert_eq!(c("best shoes for running"), AnchorType::PartialMatch);
        assert_eq!(c("Click here"), AnchorType::Generic);
        assert_eq!(c("weiterlesen"), AnchorType::Generic);
        assert_eq!(c("ここをクリック"), AnchorType::Generic);
        assert_eq!(c("a great resource on trails"), AnchorType::Other);
        assert_eq!(c("EXAMPLE.de"), AnchorType::Branded);
        assert_eq!(c("Leer más"), AnchorType::Generic);
        assert_eq!(c("lees verder"), AnchorType::Generic);
        assert_eq!(c("läs mer"), AnchorType::Generic);
        assert_eq!(c("자세히 보기"), AnchorType::Generic);
        assert_eq!(c("ادامه مطلب"), AnchorType::Generic);
        assert_eq!(c("மேலும் படிக்க"), AnchorType::Generic);
        assert_eq!(c("clique aqui"), AnchorType::Generic);
        assert_eq!(c("scopri di più"), AnchorType::Generic);
    }

    #[test]
    fn brands_given_as_domains_match_their_name() {
        let t = Target::parse("example-shop.co.uk")
            .unwrap()
            .with_brand_terms(&["www.Example-Shop.co.uk".into()]);
        let c = |s: &str| classify(s, false, &t);
        assert_eq!(c("Example Shop"), AnchorType::Branded);
        assert_eq!(c("exampleshop"), AnchorType::Branded);
        assert_eq!(c("example-shop.de"), AnchorType::Branded);
        assert_eq!(c("shop"), AnchorType::Other);
        // Image alt text is classified like a text anchor when asked.
        assert_eq!(classify("Example Shop logo", true, &t), AnchorType::Image);
    }
}
