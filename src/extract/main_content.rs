//! Main-content detection: which links of a page sit inside its editorial body, by Mozilla's
//! Readability algorithm (the `dom_smoothie` port) run on the same HTML.
//!
//! Readability scores every paragraph-holding block by its text (length, commas), class/id
//! weights and link density, propagates the scores to ancestors, picks the best block, joins
//! its worthy siblings and then strips link-heavy lists, forms and tables from the result. That
//! is the best single signal for "is this link part of what the page is about" that we know of
//! (see `docs/placement.md` for the measurements), but it works on its own tree (`dom_query`),
//! and returns cleaned HTML rather than node identities. So before running it every link of the
//! page gets a `data-blx` ordinal attribute; the ordinals that survive into the article are the
//! links Readability kept, and they map back to our links by document order.
//!
//! Readability is superlinear in nesting depth (a 10,000-deep document takes seconds) and linear
//! but heavy in element count, so pages past [`MAX_DEPTH`] or [`MAX_ELEMENTS`] are not given to
//! it; placement then falls back on its own structural signals. A panic inside the library is
//! caught and treated the same way: a page must never take the run down.

use dom_smoothie::{Config, Readability};

/// Deepest element nesting handed to Readability (real pages stay well under 100).
pub const MAX_DEPTH: usize = 256;
/// Most elements handed to Readability (a 5 MB page of dense markup has about this many).
pub const MAX_ELEMENTS: usize = 150_000;

/// The attribute carrying each link's ordinal through Readability.
const ORDINAL_ATTR: &str = "data-blx";

/// Why Readability's verdict is not available for a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep(usize),
    /// More elements than [`MAX_ELEMENTS`].
    TooLarge(usize),
    /// Readability found no article (or failed).
    NoArticle,
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::TooDeep(d) => write!(
                f,
                "page nested {d} levels deep, main-content scorer skipped"
            ),
            Unavailable::TooLarge(n) => {
                write!(f, "page has {n} elements, main-content scorer skipped")
            }
            Unavailable::NoArticle => f.write_str("main-content scorer found no article"),
        }
    }
}

/// Readability's verdict on one page.
#[derive(Debug, Clone, Default)]
pub struct MainContent {
    /// For each link of the page in document order (`<a href>`/`<area href>` outside
    /// `<template>` and `<noscript>`, whose raw `href` is given to [`detect`]): whether the article
    /// kept it. `None` when the two parses disagree about that link.
    pub kept: Vec<Option<bool>>,
    /// The article's text, whitespace collapsed.
    pub text: String,
}

/// Article text below which Readability itself retries with looser rules (its
/// `char_threshold`): a shorter article is its best guess on a page with little prose, and
/// region signals are trusted over it.
pub const CONFIDENT_CHARS: usize = 500;

impl MainContent {
    /// Whether the article is long enough for its verdict to overrule region signals.
    pub fn confident(&self) -> bool {
        self.text.chars().count() >= CONFIDENT_CHARS
    }
}

/// Shape of a parsed document, measured before deciding to run Readability.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    /// Deepest element nesting.
    pub depth: usize,
    /// Number of elements.
    pub elements: usize,
}

/// Runs Readability on `html`. `hrefs` are the raw `href` values of the page's links in document
/// order, as our own parse saw them; they anchor the mapping between the two trees.
pub fn detect(html: &str, shape: Shape, hrefs: &[&str]) -> Result<MainContent, Unavailable> {
    if shape.depth > MAX_DEPTH {
        return Err(Unavailable::TooDeep(shape.depth));
    }
    if shape.elements > MAX_ELEMENTS {
        return Err(Unavailable::TooLarge(shape.elements));
    }
    // dom_smoothie is third-party code on hostile input: contain a panic to this page.
    std::panic::catch_unwind(|| run(html, hrefs)).unwrap_or(Err(Unavailable::NoArticle))
}

fn run(html: &str, hrefs: &[&str]) -> Result<MainContent, Unavailable> {
    let doc = dom_query::Document::from(html);
    // dom_query parses with scripting disabled, so `<noscript>` content is markup there and
    // text for us: its links are not numbered. Any other disagreement (a link one parse sees and
    // the other does not) is absorbed by matching hrefs with a small look-ahead.
    let mut theirs: Vec<(dom_query::NodeRef<'_>, String)> = Vec::new();
    for node in doc.select("a[href], area[href]").nodes() {
        let hidden = node
            .ancestors_it(None)
            .any(|a| a.has_name("noscript") || a.has_name("template"));
        if !hidden {
            let href = node.attr("href").map(|h| h.to_string()).unwrap_or_default();
            theirs.push((*node, href));
        }
    }
    let mut ours_of_theirs: Vec<Option<usize>> = vec![None; theirs.len()];
    let mut j = 0;
    for (i, href) in hrefs.iter().enumerate() {
        const LOOK_AHEAD: usize = 8;
        if let Some(k) = (j..theirs.len().min(j + LOOK_AHEAD)).find(|&k| theirs[k].1 == *href) {
            ours_of_theirs[k] = Some(i);
            j = k + 1;
        }
    }
    for (k, (node, href)) in theirs.iter().enumerate() {
        if let Some(i) = ours_of_theirs[k] {
            node.set_attr(ORDINAL_ATTR, &i.to_string());
            // Readability unwraps `javascript:` links after scoring (they die with the scripts),
            // which would lose the ordinal; any other scheme is scored the same way.
            if href.starts_with("javascript:") {
                node.set_attr("href", "blx-script:");
            }
        }
    }
    let mut kept: Vec<Option<bool>> = vec![None; hrefs.len()];
    for i in ours_of_theirs.iter().flatten() {
        kept[*i] = Some(false);
    }
    drop(theirs);
    let config = Config {
        disable_json_ld: true,
        ..Config::default()
    };
    let mut readability =
        Readability::with_document(doc, None, Some(config)).map_err(|_| Unavailable::NoArticle)?;
    let article = readability.parse().map_err(|_| Unavailable::NoArticle)?;
    let content: &str = &article.content;
    let needle = format!("{ORDINAL_ATTR}=\"");
    let mut rest = content;
    while let Some(at) = rest.find(&needle) {
        rest = &rest[at + needle.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if let Ok(i) = rest[..digits].parse::<usize>()
            && let Some(slot) = kept.get_mut(i)
        {
            *slot = Some(true);
        }
    }
    let mut text = String::new();
    super::text::push_collapsed(&mut text, &article.text_content);
    Ok(MainContent {
        kept,
        text: text.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> Shape {
        Shape {
            depth: 10,
            elements: 50,
        }
    }

    #[test]
    fn keeps_body_links_and_drops_menus() {
        let body = "<p>Trail running shoes need grip, cushioning and a good fit, and we tested \
                    twelve pairs over three months of muddy, rocky and wet trails in the hills. \
                    The <a href='https://shoes.example/x'>best pair</a> was light, stable and \
                    cheap, and it lasted longer than any other pair we tried this year.</p>";
        let html = format!(
            "<html><body><div class='menu'><ul><li><a href='/'>Home</a></li>\
             <li><a href='/about'>About</a></li></ul></div><div>{body}{body}{body}</div>\
             <noscript><a href='/nojs'>No JS</a></noscript></body></html>"
        );
        let hrefs = [
            "/",
            "/about",
            "https://shoes.example/x",
            "https://shoes.example/x",
            "https://shoes.example/x",
        ];
        let m = detect(&html, shape(), &hrefs).unwrap();
        assert_eq!(
            m.kept,
            vec![Some(false), Some(false), Some(true), Some(true), Some(true)]
        );
        assert!(m.text.starts_with("Trail running shoes"), "{}", m.text);
    }

    #[test]
    fn too_deep_or_too_large_pages_are_not_scored() {
        let deep = Shape {
            depth: MAX_DEPTH + 1,
            elements: 10,
        };
        assert_eq!(
            detect("<p>x</p>", deep, &[]).unwrap_err(),
            Unavailable::TooDeep(MAX_DEPTH + 1)
        );
        let large = Shape {
            depth: 3,
            elements: MAX_ELEMENTS + 1,
        };
        assert!(matches!(
            detect("<p>x</p>", large, &[]),
            Err(Unavailable::TooLarge(_))
        ));
    }

    #[test]
    fn links_missing_from_one_parse_stay_undecided() {
        // `<noscript>` in <head> with scripting disabled pushes its link into the body.
        let m = detect(
            "<html><head><noscript><a href='/px'>px</a></noscript></head><body><p>x</p></body></html>",
            shape(),
            &[],
        );
        if let Ok(m) = m {
            assert!(m.kept.is_empty());
        }
    }
}
