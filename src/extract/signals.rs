//! Page-content signals: what the editorial text and markup of a page say about it, for the
//! scoring rules and topical relevance. One entry point, [`collect`], called by
//! [`super::analyze`] while the parsed document is alive; everything it keeps is small (a
//! language code, a few matched terms, IDs, a 64-bit fingerprint, a bounded bag of hashed
//! stems), so no page text outlives parsing.
//!
//! - language: whatlang on the editorial text (`content::main_text`), kept when reliable;
//! - vocabularies: adult, gambling, pharma-spam and paid-placement phrases (multilingual lists
//!   shipped beside this file), matched as whole words in the title and editorial text;
//! - tracking IDs: Google Analytics, Tag Manager and AdSense IDs anywhere in the markup;
//! - simhash: a 64-bit Charikar fingerprint of the editorial text's word 3-shingles;
//! - terms: the most frequent stems of the title and editorial text ([`terms`]), and of the
//!   paragraph around each selected link;
//! - redirected links: links to another host whose URL carries a URL of the target.

pub mod terms;

use super::dom::{Document, NodeRef};
use super::{content, text};
use crate::model::{LinkObservation, PageSignals, TargetText};
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::BTreeSet;
use std::sync::OnceLock;
use url::Url;

/// Bytes of editorial text analysed per page (a long article's first ~8,000 words).
pub(super) const MAX_TEXT: usize = 50_000;
/// Bytes of text given to language detection: a few hundred words, plenty for a reliable
/// answer (whatlang's cost grows with the sample; 4 KB made it a seventh of an audit's CPU).
const LANG_SAMPLE: usize = 2_000;
/// Most terms of one vocabulary recorded per page.
const MAX_TERMS: usize = 10;
/// Most redirected links recorded per page.
pub(super) const MAX_REDIRECTED: usize = 5;
/// Links whose paragraph is analysed per page (a page with hundreds of links to the target
/// is judged by its first ones).
const MAX_PARAGRAPHS: usize = 50;
/// Longest paragraph text analysed around a link.
const MAX_PARAGRAPH: usize = 1_500;

/// Which vocabulary a term belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Vocab {
    Adult,
    Gambling,
    Pharma,
    Paid,
}

struct Vocabularies {
    matcher: AhoCorasick,
    terms: Vec<(Vocab, String)>,
}

fn vocabularies() -> &'static Vocabularies {
    static V: OnceLock<Vocabularies> = OnceLock::new();
    V.get_or_init(|| {
        let mut terms = Vec::new();
        for (vocab, text) in [
            (Vocab::Adult, include_str!("signals/adult.txt")),
            (Vocab::Gambling, include_str!("signals/gambling.txt")),
            (Vocab::Pharma, include_str!("signals/pharma.txt")),
            (Vocab::Paid, include_str!("signals/paid.txt")),
        ] {
            for line in text.lines().map(str::trim) {
                if !line.is_empty() && !line.starts_with('#') {
                    terms.push((vocab, normalize(line)));
                }
            }
        }
        // A DFA (a few hundred patterns make a small one): the editorial text of every page
        // is searched, and the default NFA was several times slower.
        let matcher = AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .build(terms.iter().map(|(_, t)| t.as_str()))
            .expect("the shipped vocabularies build");
        Vocabularies { matcher, terms }
    })
}

/// Lower-case, with every run of non-alphanumeric characters (apostrophes and hyphens kept
/// inside words) turned into one space.
fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    let mut push = |c: char, out: &mut String| {
        if c.is_alphanumeric() || c == '\'' || c == '-' {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    };
    for c in s.chars() {
        if c.is_ascii() {
            // Lower-casing ASCII is ASCII: no need for the general mapping.
            push(c.to_ascii_lowercase(), &mut out);
        } else {
            for l in c.to_lowercase() {
                push(l, &mut out);
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// `normalize(&format!("{a} {b}"))` from the two normalised parts.
fn join_normalized(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a} {b}"),
    }
}

/// Collects the content signals of a page into `signals`. `main` is its editorial text
/// ([`content::editorial_text`]); `selected` are the nodes of the links [`super::analyze`]
/// selected and `links` their observations, in document order.
///
/// The tracking IDs, the fingerprint and the term profile only serve pages that link to the
/// target (network rules and relevance are about links): on a page without selected links they
/// are left empty, which saves about a third of the work on lost pages.
pub(super) fn collect(
    html: &str,
    main: &str,
    selected: &[NodeRef<'_>],
    links: &[LinkObservation],
    signals: &mut PageSignals,
) {
    let title = signals.title.clone().unwrap_or_default();
    signals.text_words = count_words(main);
    let language = language(main);
    let lang = language.as_deref();
    let normalized_main = normalize(main);
    match_vocabularies(
        &join_normalized(&normalize(&title), &normalized_main),
        signals,
    );
    if !links.is_empty() {
        signals.tracking_ids = tracking_ids(html);
        signals.simhash = simhash(&normalized_main);
        signals.terms = terms::vector(&format!("{title} {main}"), lang, terms::PAGE_TERMS);
    }
    signals.link_terms = selected
        .iter()
        .zip(links)
        .take(MAX_PARAGRAPHS)
        .map(|(node, link)| {
            let para = paragraph(*node, &link.anchor_text);
            terms::vector(&para, lang, terms::PARAGRAPH_TERMS)
        })
        .collect();
    signals.language = language;
}

/// Words of `text`; in scripts written without spaces every two characters count as a word.
fn count_words(text: &str) -> usize {
    text.split_whitespace()
        .map(|w| {
            let dense = w.chars().filter(|c| terms_is_dense(*c)).count();
            if dense > 0 { dense.div_ceil(2) } else { 1 }
        })
        .sum()
}

fn terms_is_dense(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x9FFF | 0xAC00..=0xD7AF | 0x0E00..=0x0E7F)
}

/// The language of `text` (ISO 639-3), when whatlang is confident.
fn language(text: &str) -> Option<String> {
    if text.chars().count() < 20 {
        return None;
    }
    let mut end = text.len().min(LANG_SAMPLE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&text[..end])?;
    info.is_reliable().then(|| info.lang().code().to_string())
}

fn match_vocabularies(normalized: &str, signals: &mut PageSignals) {
    let v = vocabularies();
    let mut found: [BTreeSet<&str>; 4] = Default::default();
    for m in v.matcher.find_overlapping_iter(normalized) {
        let (vocab, term) = &v.terms[m.pattern().as_usize()];
        let before = normalized[..m.start()].chars().next_back();
        let after = normalized[m.end()..].chars().next();
        let first = term.chars().next().is_some_and(terms_is_dense);
        let last = term.chars().next_back().is_some_and(terms_is_dense);
        let bounded = |c: Option<char>, dense: bool| dense || c.is_none_or(|c| c == ' ');
        if bounded(before, first) && bounded(after, last) {
            found[*vocab as usize].insert(term.as_str());
        }
    }
    let take = |set: &BTreeSet<&str>| -> Vec<String> {
        set.iter().take(MAX_TERMS).map(|s| s.to_string()).collect()
    };
    signals.adult_terms = take(&found[Vocab::Adult as usize]);
    signals.gambling_terms = take(&found[Vocab::Gambling as usize]);
    signals.pharma_terms = take(&found[Vocab::Pharma as usize]);
    signals.paid_terms = take(&found[Vocab::Paid as usize]);
}

/// Google Analytics / Tag Manager / AdSense IDs in the raw markup: `UA-` accounts (the
/// property suffix dropped, since one account means one owner), GA4 `G-` measurement IDs (only
/// on pages that load gtag), `GTM-` containers and `ca-pub-` publisher IDs.
fn tracking_ids(html: &str) -> Vec<String> {
    static M: OnceLock<AhoCorasick> = OnceLock::new();
    let m = M.get_or_init(|| {
        AhoCorasick::new(["UA-", "G-", "GTM-", "ca-pub-"]).expect("static patterns")
    });
    let bytes = html.as_bytes();
    // Only asked when a `G-` ID turns up (two scans of the page otherwise).
    let mut gtag: Option<bool> = None;
    let mut has_gtag =
        || *gtag.get_or_insert_with(|| html.contains("gtag") || html.contains("googletagmanager"));
    let mut ids = BTreeSet::new();
    for hit in m.find_iter(html) {
        if hit.start() > 0 && bytes[hit.start() - 1].is_ascii_alphanumeric() {
            continue;
        }
        let rest = &bytes[hit.end()..];
        let run = |ok: fn(u8) -> bool| rest.iter().take_while(|b| ok(**b)).count();
        match hit.pattern().as_usize() {
            0 => {
                let digits = run(|b| b.is_ascii_digit());
                let suffix = rest.get(digits) == Some(&b'-')
                    && rest.get(digits + 1).is_some_and(u8::is_ascii_digit);
                if (4..=10).contains(&digits) && suffix {
                    ids.insert(format!("UA-{}", ascii(&rest[..digits])));
                }
            }
            1 => {
                let n = run(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
                let id = &rest[..n];
                if (8..=12).contains(&n)
                    && id.iter().any(u8::is_ascii_digit)
                    && id.iter().any(u8::is_ascii_uppercase)
                    && has_gtag()
                {
                    ids.insert(format!("G-{}", ascii(id)));
                }
            }
            2 => {
                let n = run(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
                if (4..=9).contains(&n) {
                    ids.insert(format!("GTM-{}", ascii(&rest[..n])));
                }
            }
            3 => {
                let n = run(|b| b.is_ascii_digit());
                if (10..=20).contains(&n) {
                    ids.insert(format!("ca-pub-{}", ascii(&rest[..n])));
                }
            }
            _ => {}
        }
    }
    ids.into_iter().collect()
}

fn ascii(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// 64-bit Charikar simhash over word 3-shingles (`None` under three words).
pub fn simhash(normalized: &str) -> Option<u64> {
    let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() < 3 {
        return None;
    }
    // Per bit, how many shingle hashes have it set: eight byte-wide counters in each of eight
    // words (bit-sliced), added a byte of the hash at a time and spilled before they overflow.
    static SPREAD: OnceLock<[u64; 256]> = OnceLock::new();
    let spread = SPREAD.get_or_init(|| {
        let mut t = [0u64; 256];
        for (b, slot) in t.iter_mut().enumerate() {
            for bit in 0..8 {
                if b >> bit & 1 == 1 {
                    *slot |= 1 << (8 * bit);
                }
            }
        }
        t
    });
    let mut ones = [0u32; 64];
    let mut lanes = [0u64; 8];
    let mut pending = 0;
    let spill = |lanes: &mut [u64; 8], ones: &mut [u32; 64]| {
        for (k, lane) in lanes.iter_mut().enumerate() {
            for bit in 0..8 {
                ones[8 * k + bit] += ((*lane >> (8 * bit)) & 0xff) as u32;
            }
            *lane = 0;
        }
    };
    let shingles = words.len() - 2;
    for w in words.windows(3) {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for part in w {
            for b in part.bytes().chain([b' ']) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        let h = mix64(h);
        for (k, lane) in lanes.iter_mut().enumerate() {
            *lane += spread[((h >> (8 * k)) & 0xff) as usize];
        }
        pending += 1;
        if pending == 255 {
            spill(&mut lanes, &mut ones);
            pending = 0;
        }
    }
    spill(&mut lanes, &mut ones);
    // The sum of ±1 votes is positive when more than half of the shingles set the bit.
    Some(
        ones.iter()
            .enumerate()
            .filter(|(_, n)| 2 * **n as usize > shingles)
            .fold(0u64, |acc, (bit, _)| acc | 1 << bit),
    )
}

/// MurmurHash3's finaliser: spreads FNV's weak low bits over all 64.
fn mix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The text of the block around a link, without the anchor text itself (so that a keyword
/// anchor does not make its own paragraph look relevant).
fn paragraph(link: NodeRef<'_>, anchor: &str) -> String {
    let block = link.ancestors().find(|a| {
        a.value().as_element().is_some_and(|e| {
            matches!(
                e.name(),
                "p" | "li"
                    | "td"
                    | "dd"
                    | "dt"
                    | "blockquote"
                    | "figcaption"
                    | "h1"
                    | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "div"
                    | "section"
                    | "article"
                    | "aside"
                    | "footer"
                    | "header"
                    | "nav"
            )
        })
    });
    let Some(block) = block else {
        return String::new();
    };
    // Long blocks (a whole table-layout cell) are only read as far as the window needs: up to
    // the anchor's first occurrence and a window beyond it. The cut text is a prefix of the
    // whole, so the window is the same.
    let mut limit = 4 * MAX_PARAGRAPH;
    let full = loop {
        let (text, complete) = text::visible_text_upto(block, limit);
        if complete {
            break text;
        }
        if let Some(at) = text.find(anchor)
            && text.len() > at.saturating_sub(MAX_PARAGRAPH / 2) + MAX_PARAGRAPH + 1
        {
            break text;
        }
        limit = limit.saturating_mul(4);
    };
    let (mut start, mut end) = (0, full.len());
    if full.len() > MAX_PARAGRAPH {
        let at = full.find(anchor).unwrap_or(0);
        start = at.saturating_sub(MAX_PARAGRAPH / 2);
        end = (start + MAX_PARAGRAPH).min(full.len());
        while !full.is_char_boundary(start) {
            start -= 1;
        }
        while !full.is_char_boundary(end) {
            end -= 1;
        }
    }
    let window = &full[start..end];
    if anchor.is_empty() {
        window.to_string()
    } else {
        window.replacen(anchor, " ", 1)
    }
}

/// Whether `url` carries a URL of the target in its query, path or fragment.
pub(super) fn carries_target(url: &Url, target: &crate::model::Target) -> bool {
    // Decoding only turns `%XX` (and `+`) into other characters: without `http` or `%` after
    // the host there is nothing to find (most links), and nothing to decode.
    let after_host = &url[url::Position::BeforePath..];
    if !after_host.contains("http") && !after_host.contains('%') {
        return false;
    }
    let mut texts: Vec<String> = url.query_pairs().map(|(_, v)| v.into_owned()).collect();
    texts.push(
        percent_encoding::percent_decode_str(url.path())
            .decode_utf8_lossy()
            .into_owned(),
    );
    if let Some(f) = url.fragment() {
        texts.push(
            percent_encoding::percent_decode_str(f)
                .decode_utf8_lossy()
                .into_owned(),
        );
    }
    texts.iter().any(|t| {
        t.match_indices("http")
            .filter_map(|(i, _)| Url::parse(t[i..].split_whitespace().next()?).ok())
            .any(|u| matches!(u.scheme(), "http" | "https") && target.matches_url(&u))
    })
}

/// The words of one of the target's own pages (for its topical profile): language, editorial
/// word count and the most frequent stems of its title and editorial text.
pub fn target_text(html: &str, url: &Url) -> TargetText {
    let doc = Document::parse(html);
    let main = content::main_text(&doc, MAX_TEXT);
    let title = doc
        .root()
        .descendants()
        .find(|n| n.value().as_element().is_some_and(|e| e.name() == "title"))
        .map(text::visible_text)
        .unwrap_or_default();
    let language = language(&main);
    let all = format!("{title} {main}");
    TargetText {
        url: url.to_string(),
        words: count_words(&main),
        stems: terms::counted_terms(&all, language.as_deref(), terms::PAGE_TERMS * 2),
        language,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{LinkFilter, analyze};
    use crate::model::Target;

    fn signals(html: &str) -> PageSignals {
        let target = Target::parse("example.com").unwrap();
        let url = Url::parse("https://blog.test/post").unwrap();
        analyze(html, Some(&url), &[], LinkFilter::Target(&target)).signals
    }

    #[test]
    fn vocabularies_match_whole_words_only() {
        let s = signals(
            "<article><p>Online casino with free spins and a no deposit bonus. \
             Our casinos pay. Occasionally we write about Essex.</p></article>",
        );
        assert_eq!(
            s.gambling_terms,
            [
                "casino",
                "casinos",
                "deposit bonus",
                "free spins",
                "no deposit bonus",
                "online casino"
            ]
        );
        assert!(s.adult_terms.is_empty(), "{:?}", s.adult_terms);
        let s =
            signals("<article><p>Sex education for teenagers: a guide for parents.</p></article>");
        assert!(s.adult_terms.is_empty());
        let s = signals("<article><p>オンラインカジノで遊ぶ</p></article>");
        assert_eq!(s.gambling_terms, ["オンラインカジノ", "カジノ"]);
    }

    #[test]
    fn language_words_and_fingerprint() {
        let text = "Las zapatillas de trail que probamos este año en la montaña son ligeras, \
                    cómodas y resistentes; recomendamos las de <a href='https://example.com/'>\
                    Example</a> para carreras largas.";
        let s = signals(&format!("<article><p>{text}</p></article>"));
        assert_eq!(s.language.as_deref(), Some("spa"));
        assert!(s.text_words > 20);
        assert!(s.simhash.is_some());
        assert!(!s.terms.terms.is_empty());
        assert_eq!(signals("<p>hi</p>").language, None);
        // A page without a link to the target is reported by its title, language and page
        // flags only: what serves links alone is not computed.
        let lost = signals(&format!(
            "<article><p>{}</p></article>",
            text.replace("https://example.com/", "https://other.test/")
        ));
        assert_eq!(lost.language.as_deref(), Some("spa"));
        assert!(lost.text_words > 20);
        assert!(lost.simhash.is_none() && lost.terms.terms.is_empty());
    }

    /// The straightforward ±1 vote per bit.
    fn simhash_reference(normalized: &str) -> Option<u64> {
        let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
        if words.len() < 3 {
            return None;
        }
        let mut v = [0i32; 64];
        for w in words.windows(3) {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for part in w {
                for b in part.bytes().chain([b' ']) {
                    h ^= u64::from(b);
                    h = h.wrapping_mul(0x0000_0100_0000_01b3);
                }
            }
            let h = mix64(h);
            for (bit, slot) in v.iter_mut().enumerate() {
                *slot += if h >> bit & 1 == 1 { 1 } else { -1 };
            }
        }
        Some(
            v.iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .fold(0u64, |acc, (bit, _)| acc | 1 << bit),
        )
    }

    proptest::proptest! {
        #[test]
        fn simhash_counts_votes_exactly(words in proptest::collection::vec("[a-e]{1,3}", 0..700)) {
            let text = words.join(" ");
            proptest::prop_assert_eq!(simhash(&text), simhash_reference(&text));
        }
    }

    #[test]
    fn near_copies_have_close_fingerprints() {
        let a = "the quick brown fox jumps over the lazy dog while the cat sleeps on the warm \
                 mat near the door of the old house by the river in the quiet village";
        let b = a.replace("old house", "old home");
        let c = "completely different words about trail running shoes and mountain races held \
                 every summer in the alps with thousands of runners from many countries";
        let (ha, hb, hc) = (
            simhash(&normalize(a)).unwrap(),
            simhash(&normalize(&b)).unwrap(),
            simhash(&normalize(c)).unwrap(),
        );
        assert!((ha ^ hb).count_ones() < (ha ^ hc).count_ones());
        assert!((ha ^ hc).count_ones() > 16);
    }

    #[test]
    fn tracking_ids_are_found_in_markup() {
        let s = signals(
            "<script async src='https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9'></script>\
             <script>ga('create', 'UA-1234567-3', 'auto'); var x='NOTUA-99999-1';</script>\
             <ins data-ad-client=\"ca-pub-1234567890123456\"></ins>\
             <script>(function(w,d,s,l,i){})(window,document,'script','dataLayer','GTM-AB12CD');</script>\
             <p><a href='https://example.com/'>Example</a></p>",
        );
        assert_eq!(
            s.tracking_ids,
            [
                "G-ABC123XYZ9",
                "GTM-AB12CD",
                "UA-1234567",
                "ca-pub-1234567890123456"
            ]
        );
    }

    #[test]
    fn long_blocks_give_the_same_window() {
        let filler = "Words about trail running shoes and the mountains they were tested in. ";
        for (before, anchor) in [(3, "Example"), (200, "Example"), (200, ""), (0, "Example")] {
            let html = format!(
                "<table><tr><td>{} <a href='https://example.com/'>{anchor}</a> {} Example again</td></tr></table>",
                filler.repeat(before),
                filler.repeat(300)
            );
            let doc = Document::parse(&html);
            let link = doc
                .root()
                .descendants()
                .find(|n| n.element().is_some_and(|e| e.name() == "a"))
                .unwrap();
            let td = link.parent().unwrap();
            let full = text::visible_text(td);
            let expected = {
                let (mut start, mut end) = (0, full.len());
                if full.len() > MAX_PARAGRAPH {
                    let at = full.find(anchor).unwrap_or(0);
                    start = at.saturating_sub(MAX_PARAGRAPH / 2);
                    end = (start + MAX_PARAGRAPH).min(full.len());
                }
                let w = &full[start..end];
                if anchor.is_empty() {
                    w.to_string()
                } else {
                    w.replacen(anchor, " ", 1)
                }
            };
            assert_eq!(paragraph(link, anchor), expected);
        }
    }

    #[test]
    fn paragraphs_and_redirects() {
        let s = signals(
            "<p>We compared many trail shoes on wet rock and mud; <a href='https://example.com/'>\
             Example</a> gripped best of all.</p>\
             <p><a href='https://out.tracker.test/r?u=https%3A%2F%2Fwww.example.com%2Fshoes'>go</a>\
             <a href='https://other.test/page'>other</a></p>",
        );
        assert_eq!(s.link_terms.len(), 1);
        assert!(s.link_terms[0].terms.len() >= 5);
        assert!(
            !s.link_terms[0]
                .terms
                .iter()
                .any(|(h, _)| *h == terms::hash32("exampl")),
            "anchor text is left out of its paragraph"
        );
        assert_eq!(
            s.redirected_links,
            ["https://out.tracker.test/r?u=https%3A%2F%2Fwww.example.com%2Fshoes"]
        );
    }
}
