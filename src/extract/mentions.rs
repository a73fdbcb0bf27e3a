//! Unlinked mentions: where a page that does not link to the target names it — its brand
//! terms, its domain, the extra `[mentions] terms` — in text people wrote. A page that already
//! talks about a site is the easiest one to ask for a link.
//!
//! Pure, over the page's one parsed tree: the text blocks (paragraphs, list items, cells,
//! headings, and the loose text of other elements) are walked once. A block's placement comes
//! from the region signals that also bound the editorial text ([`placement::region_signal`]:
//! landmarks, schema.org items, the class/id vocabulary), `content` when none names it.
//! Navigation, headers, footers and sidebars are skipped: they are site templates, where the
//! brand is a menu item or a partner logo, not writing. Each mention is the sentence holding
//! the term, with the links to competitors in the same block (a page that names a rival with a
//! link and the target without one is the best prospect).
//!
//! Terms match as brands do for anchors, across spacing, case and punctuation: `Trail Peak`,
//! `TrailPeak` and `trail-peak` all match the term `trail peak`, `counterexample` does not
//! match `example`. Cost: a page whose HTML holds none of the terms' first words is not
//! walked at all.

use super::dom::{Document, Node, NodeRef};
use super::placement;
use super::text::{is_block, is_invisible_container, visible_text};
use crate::model::{CompetitorLink, Mention, Placement, Target};
use url::Url;

/// Mentions kept per page.
pub const MAX_MENTIONS: usize = 5;
/// Longest sentence kept, in characters.
pub const MAX_SENTENCE: usize = 300;
/// Words a term may span in the text (`Trail Peak Outdoor Gear`).
const MAX_TERM_WORDS: usize = 4;

/// Elements whose whole text is one block of writing.
fn is_paragraph(name: &str) -> bool {
    matches!(
        name,
        "p" | "li"
            | "dd"
            | "dt"
            | "td"
            | "th"
            | "blockquote"
            | "figcaption"
            | "caption"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "pre"
            | "address"
            | "summary"
    )
}

/// A term as text is compared with it.
struct Term<'t> {
    /// The term as configured.
    shown: &'t str,
    /// Its letters and digits, lower case.
    squashed: String,
}

/// The mentions of `target` on the page `doc` (parsed from `html`, links resolved against
/// `base`). The caller only asks for pages without a link to the target.
pub fn find(doc: &Document<'_>, html: &str, base: Option<&Url>, target: &Target) -> Vec<Mention> {
    let terms = terms(target);
    if terms.is_empty() {
        return Vec::new();
    }
    let first_words = first_words(&terms);
    if first_words.as_ref().is_some_and(|ac| !ac.is_match(html)) {
        return Vec::new();
    }
    let ctx = Blocks {
        terms: &terms,
        first_words: first_words.as_ref(),
        base,
        target,
    };
    let mut out: Vec<Mention> = Vec::new();
    // (node, the region it is in); iterative, so deep documents cannot overflow the stack.
    let mut stack: Vec<(NodeRef<'_>, Option<(Placement, String)>)> = vec![(doc.root(), None)];
    while let Some((node, region)) = stack.pop() {
        if out.len() >= MAX_MENTIONS {
            break;
        }
        let region = match node.value().as_element() {
            Some(el) => {
                if is_invisible_container(el.name())
                    || el.name() == "head"
                    || el.attr("hidden").is_some()
                {
                    continue;
                }
                match placement::region_signal(el, node) {
                    Some((
                        Placement::Navigation
                        | Placement::Header
                        | Placement::Footer
                        | Placement::Sidebar
                        | Placement::Unknown,
                        _,
                    )) => continue,
                    Some(r) => Some(r),
                    None => region,
                }
            }
            None => region,
        };
        if node
            .value()
            .as_element()
            .is_some_and(|e| is_paragraph(e.name()))
        {
            ctx.block(&[node], region.as_ref(), &mut out);
            continue;
        }
        // Loose text and inline elements of a container form one block; block children are
        // walked on their own, in document order.
        let mut inline = Vec::new();
        let mut blocks = Vec::new();
        for child in node.children() {
            match child.value() {
                Node::Text(_) => inline.push(child),
                Node::Element(e) if is_block(e.name()) || is_paragraph(e.name()) => {
                    blocks.push(child)
                }
                Node::Element(_) => inline.push(child),
                _ => {}
            }
        }
        if !inline.is_empty() {
            ctx.block(&inline, region.as_ref(), &mut out);
        }
        stack.extend(blocks.into_iter().rev().map(|b| (b, region.clone())));
    }
    out.truncate(MAX_MENTIONS);
    out
}

/// The terms to look for, with the bare name of domain-like ones (`trailpeak.test` is also
/// written `TrailPeak`).
fn terms(target: &Target) -> Vec<Term<'_>> {
    let mut out: Vec<Term<'_>> = Vec::new();
    for t in target.mention_terms() {
        let mut variants = vec![squash(t)];
        if t.contains('.') && !t.contains(' ') {
            let domain = crate::model::registrable_domain(t.trim_start_matches("www."));
            if let Some(label) = domain.split('.').next() {
                variants.push(squash(label));
            }
        }
        for v in variants {
            if !v.is_empty() && !out.iter().any(|o| o.squashed == v) {
                out.push(Term {
                    shown: t,
                    squashed: v,
                });
            }
        }
    }
    out
}

/// A matcher of the terms' first words (ASCII case folded): text without any of them cannot
/// mention the target, so a page whose HTML has none is not walked and a block without one is
/// not split into words. `None` when a first word is not ASCII (case folding beyond ASCII is
/// the word matching's job).
fn first_words(terms: &[Term<'_>]) -> Option<aho_corasick::AhoCorasick> {
    let needles: Vec<&str> = terms
        .iter()
        .map(|t| {
            // The shortest prefix every way of writing the term starts with: its first word
            // (`trail` for `trail peak`, `trailpeak` for `trailpeak.test`).
            t.shown
                .split(|c: char| !c.is_alphanumeric())
                .find(|w| !w.is_empty())
                .unwrap_or(t.shown)
        })
        .collect();
    if needles.iter().any(|n| !n.is_ascii()) {
        return None;
    }
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&needles)
        .ok()
}

/// Letters and digits only, lower case.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// What every block of a page is searched with.
struct Blocks<'a, 't> {
    terms: &'a [Term<'t>],
    first_words: Option<&'a aho_corasick::AhoCorasick>,
    base: Option<&'a Url>,
    target: &'a Target,
}

impl Blocks<'_, '_> {
    /// Looks for the terms in one block (a paragraph element, or a container's loose text and
    /// inline elements) and adds a mention per sentence that holds one.
    fn block(
        &self,
        nodes: &[NodeRef<'_>],
        region: Option<&(Placement, String)>,
        out: &mut Vec<Mention>,
    ) {
        // Most blocks hold none of the terms' first words: find that out in the text nodes
        // themselves, before collecting the block's text. (A word split by markup, `Tr<b>ail`,
        // is not found; writing does not do that.)
        if let Some(ac) = self.first_words {
            let holds = nodes.iter().any(|n| {
                std::iter::once(*n)
                    .chain(n.descendants())
                    .any(|d| d.as_text().is_some_and(|t| ac.is_match(t)))
            });
            if !holds {
                return;
            }
        }
        let mut text = String::new();
        for n in nodes {
            let t = match n.as_text() {
                Some(t) => t.split_whitespace().collect::<Vec<_>>().join(" "),
                None => visible_text(*n),
            };
            if !t.is_empty() {
                if !text.is_empty() && !text.ends_with(' ') {
                    text.push(' ');
                }
                text.push_str(&t);
            }
        }
        let hits = matches(&text, self.terms);
        if hits.is_empty() {
            return;
        }
        let competitor_links = competitor_links(nodes, self.base, self.target);
        let (placement, evidence) = match region {
            Some((p, e)) => (*p, vec![e.clone()]),
            None => (
                Placement::Content,
                vec!["no navigation, header, footer, sidebar or comment region around it".into()],
            ),
        };
        for (start, end, term) in hits {
            if out.len() >= MAX_MENTIONS {
                return;
            }
            let sentence = sentence(&text, start, end);
            if out.iter().any(|m| m.sentence == sentence) {
                continue;
            }
            out.push(Mention {
                term: term.to_string(),
                sentence,
                placement,
                evidence: evidence.clone(),
                competitor_links: competitor_links.clone(),
            });
        }
    }
}

/// Every match of a term in `text`: (start byte, end byte, the term).
fn matches<'t>(text: &str, terms: &[Term<'t>]) -> Vec<(usize, usize, &'t str)> {
    let words: Vec<(usize, usize, String)> = words(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let mut found = None;
        'terms: for t in terms {
            let mut joined = String::new();
            for (n, w) in words[i..].iter().take(MAX_TERM_WORDS).enumerate() {
                joined.push_str(&w.2);
                if !t.squashed.starts_with(joined.as_str()) {
                    break;
                }
                if joined == t.squashed {
                    found = Some((n + 1, t.shown));
                    break 'terms;
                }
            }
        }
        match found {
            Some((n, shown)) => {
                out.push((words[i].0, words[i + n - 1].1, shown));
                i += n;
            }
            None => i += 1,
        }
    }
    out
}

/// The words of `text` (runs of letters and digits): byte span and squashed form.
fn words(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i, squash(&text[s..i])));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len(), squash(&text[s..])));
    }
    out
}

/// The sentence of `text` around the bytes `start..end`, at most [`MAX_SENTENCE`] characters
/// (cut around the match, the cuts marked `…`).
fn sentence(text: &str, start: usize, end: usize) -> String {
    let ends_sentence = |i: usize, c: char| {
        matches!(c, '.' | '!' | '?' | '。' | '！' | '？')
            && text[i + c.len_utf8()..]
                .chars()
                .next()
                .is_none_or(char::is_whitespace)
    };
    let from = text[..start]
        .char_indices()
        .rev()
        .find(|&(i, c)| ends_sentence(i, c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let to = text[end..]
        .char_indices()
        .find(|&(i, c)| ends_sentence(end + i, c))
        .map_or(text.len(), |(i, c)| end + i + c.len_utf8());
    let whole = text[from..to].trim();
    if whole.chars().count() <= MAX_SENTENCE {
        return whole.to_string();
    }
    // Too long (a run-on block without punctuation): a window around the match.
    let before: String = {
        let b: Vec<char> = text[from..start].chars().collect();
        let keep = b.len().min(MAX_SENTENCE / 2);
        b[b.len() - keep..].iter().collect()
    };
    let room = MAX_SENTENCE.saturating_sub(before.chars().count());
    let rest: String = text[start..to].chars().take(room).collect();
    let mut s = String::new();
    if from + before.len() < start {
        s.push('…');
    }
    s.push_str(before.trim_start());
    s.push_str(&rest);
    if start + rest.len() < to {
        s.push('…');
    }
    s
}

/// Links to competitors inside the block's nodes, in document order.
fn competitor_links(
    nodes: &[NodeRef<'_>],
    base: Option<&Url>,
    target: &Target,
) -> Vec<CompetitorLink> {
    if target.competitors.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for n in nodes {
        for d in std::iter::once(*n).chain(n.descendants()) {
            let Some(el) = d.value().as_element() else {
                continue;
            };
            if !matches!(el.name(), "a" | "area") {
                continue;
            }
            let Some(href) = el.attr("href").map(str::trim).filter(|h| !h.is_empty()) else {
                continue;
            };
            let url = match base {
                Some(b) => b.join(href).ok(),
                None => Url::parse(href).ok(),
            };
            let Some(url) = url.filter(|u| matches!(u.scheme(), "http" | "https")) else {
                continue;
            };
            if let Some(site) = target.site_of(&url).filter(|s| *s != target.domain) {
                let link = CompetitorLink {
                    competitor: site.to_string(),
                    href: url.to_string(),
                    anchor_text: visible_text(d),
                };
                if !out.contains(&link) {
                    out.push(link);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target::parse("trailpeak.test")
            .unwrap()
            .with_brand_terms(&["Trail Peak".into()])
            .with_competitors(&["rivalgear.test".into()])
    }

    fn found(html: &str) -> Vec<Mention> {
        let doc = Document::parse(html);
        let base = Url::parse("https://blog.test/post").unwrap();
        find(&doc, html, Some(&base), &target())
    }

    #[test]
    fn a_mention_is_its_sentence_with_the_competitor_links_beside_it() {
        let m = found(
            "<html><body><nav>Trail Peak shop</nav><article><p>We ran in many shoes. The \
             <a href='https://www.rivalgear.test/x'>RivalGear X</a> grips well, and \
             TrailPeak's Summit is lighter! Both are fine.</p><p>Nothing else here.</p>\
             </article><footer>trail-peak partner</footer></body></html>",
        );
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(
            m[0].sentence,
            "The RivalGear X grips well, and TrailPeak's Summit is lighter!"
        );
        assert_eq!(m[0].term, "trail peak");
        assert_eq!(m[0].placement, Placement::Content);
        assert_eq!(
            m[0].competitor_links,
            [CompetitorLink {
                competitor: "rivalgear.test".into(),
                href: "https://www.rivalgear.test/x".into(),
                anchor_text: "RivalGear X".into(),
            }]
        );
    }

    #[test]
    fn terms_match_whole_words_across_spacing_and_the_domain() {
        let m = found(
            "<body><p>A counterexample: trailpeaks and peak trail are not it.</p>\
             <p>Visit trailpeak.test for more.</p><div>Loose text on Trail  Peak.<p>x</p></div>\
             </body>",
        );
        let s: Vec<&str> = m.iter().map(|m| m.sentence.as_str()).collect();
        assert_eq!(
            s,
            [
                "Visit trailpeak.test for more.",
                "Loose text on Trail Peak."
            ]
        );
        assert!(m.iter().all(|m| m.competitor_links.is_empty()));
    }

    #[test]
    fn comments_are_kept_and_templates_are_not() {
        let m = found(
            "<body><aside>Trail Peak ad</aside><header>Trail Peak</header>\
             <div class='comments'><p>I bought Trail Peak shoes.</p></div>\
             <script>var a = 'Trail Peak';</script><p hidden>Trail Peak</p></body>",
        );
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].placement, Placement::Comments);
        assert_eq!(m[0].sentence, "I bought Trail Peak shoes.");
    }

    #[test]
    fn pages_without_the_terms_are_not_walked_and_sentences_are_bounded() {
        assert!(found("<p>Nothing about it.</p>").is_empty());
        let long = format!(
            "<p>{} Trail Peak {}</p>",
            "word ".repeat(200),
            "more ".repeat(200)
        );
        let m = found(&long);
        assert_eq!(m.len(), 1);
        let n = m[0].sentence.chars().count();
        assert!(n <= MAX_SENTENCE + 2, "{n}");
        assert!(m[0].sentence.contains("Trail Peak"));
        assert!(m[0].sentence.starts_with('…') && m[0].sentence.ends_with('…'));
        let many = "<p>Trail Peak one.</p>".repeat(3)
            + &(0..10)
                .map(|i| format!("<p>Trail Peak {i}.</p>"))
                .collect::<String>();
        assert_eq!(
            found(&many).len(),
            MAX_MENTIONS,
            "repeated sentences count once"
        );
    }
}
