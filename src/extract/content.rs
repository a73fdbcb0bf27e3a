//! The editorial text of a page: what the page is about, without its navigation, header,
//! footer, sidebars, comments and author boxes. Used by the page-content signals (language,
//! topical relevance, spam vocabularies, near-duplicate fingerprints).
//!
//! Its boundary is the same as placement's: the article that the main-content scorer
//! ([`main_content`]) extracts, the block whose links placement calls `content`. On pages the
//! scorer cannot take (too deep or too large, or no article found) it falls back on the region
//! signals: an element whose region signal ([`placement::region_signal`]) is not `content` is
//! left out with everything inside it.

use super::dom::{Document, Edge, Node};
use super::main_content::{self, Shape};
use super::placement;
use super::text::{is_invisible_container, push_collapsed};
use crate::model::Placement;

/// Visible editorial text of `doc`, whitespace collapsed, at most `max_chars` bytes (cut at a
/// character boundary).
pub fn main_text(doc: &Document<'_>, max_chars: usize) -> String {
    let article = main_content::detect(doc, Shape::measure(doc), &[])
        .ok()
        .map(|m| m.text);
    editorial_text(doc, article, max_chars)
}

/// The editorial text when the main-content scorer already ran on this page (`article`, its
/// text), without running it again: the article text if there is one, else the region walk.
pub fn editorial_text(doc: &Document<'_>, article: Option<String>, max_chars: usize) -> String {
    match article {
        Some(text) if !text.is_empty() => truncate(text, max_chars),
        _ => truncate(region_text(doc, max_chars), max_chars),
    }
}

fn truncate(mut out: String, max_chars: usize) -> String {
    let mut end = out.len().min(max_chars);
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    out.truncate(end);
    out.trim().to_string()
}

/// Text outside every non-content region.
fn region_text(doc: &Document<'_>, max_chars: usize) -> String {
    let mut out = String::new();
    // Depth of the skipped subtree we are in (0 = not skipping).
    let mut skipping = 0usize;
    for edge in doc.root().traverse() {
        match edge {
            Edge::Open(n) => match n.value() {
                Node::Element(_) if skipping > 0 => skipping += 1,
                Node::Element(e) => {
                    let boilerplate = is_invisible_container(e.name())
                        || e.name() == "head"
                        || placement::region_signal(e, n)
                            .is_some_and(|(p, _)| p != Placement::Content);
                    if boilerplate {
                        skipping = 1;
                    } else if matches!(
                        e.name(),
                        "p" | "br" | "li" | "div" | "h1" | "h2" | "h3" | "td"
                    ) {
                        push_collapsed(&mut out, " ");
                    }
                }
                Node::Text(t) if skipping == 0 => {
                    push_collapsed(&mut out, t);
                    if out.len() >= max_chars {
                        break;
                    }
                }
                _ => {}
            },
            Edge::Close(n) => {
                if n.value().is_element() && skipping > 0 {
                    skipping -= 1;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_text_is_the_article() {
        let para = "<p>Trail running shoes need grip, cushioning and a good fit, and we tested \
                    twelve pairs over three months of muddy, rocky and wet trails in the hills, \
                    writing down how each one felt on the descents.</p>";
        let html = format!(
            "<html><body><div class=menu><a href=/>Home</a> <a href=/a>About</a></div>\
             <div class=story>{para}{para}{para}</div><div id=footer>Copyright 2024</div></body></html>"
        );
        let doc = Document::parse(&html);
        let text = main_text(&doc, 10_000);
        assert!(text.starts_with("Trail running shoes"), "{text}");
        assert!(
            !text.contains("Home") && !text.contains("Copyright"),
            "{text}"
        );
        assert_eq!(main_text(&doc, 11), "Trail runni");
    }

    #[test]
    fn boilerplate_is_left_out() {
        let doc = Document::parse(
            "<html><head><title>T</title></head><body><nav>Menu Home</nav>\
             <article><p>The body text.</p><p>Second <b>para</b>.</p>\
             <div class='comments'>spam comment</div></article>\
             <footer>Copyright</footer><script>var x</script></body></html>",
        );
        assert_eq!(
            truncate(region_text(&doc, 10_000), 10_000),
            "The body text. Second para."
        );
        assert_eq!(truncate(region_text(&doc, 8), 8), "The body");
    }
}
