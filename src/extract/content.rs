//! The editorial text of a page: what the page is about, without its navigation, header,
//! footer, sidebars, comments and author boxes. Used by the page-content signals (language,
//! topical relevance, spam vocabularies, near-duplicate fingerprints).
//!
//! Its boundary is the same as placement's: an element whose region signal
//! ([`placement::region_signal`]) is not `content` is left out with everything inside it.

use super::placement;
use super::text::{is_invisible_container, push_collapsed};
use crate::model::Placement;
use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// Visible editorial text of `doc`, whitespace collapsed, at most `max_chars` bytes (cut at a
/// character boundary).
pub fn main_text(doc: &Html, max_chars: usize) -> String {
    let mut out = String::new();
    // Depth of the skipped subtree we are in (0 = not skipping).
    let mut skipping = 0usize;
    for edge in doc.tree.root().traverse() {
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
    let mut end = out.len().min(max_chars);
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    out.truncate(end);
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boilerplate_is_left_out() {
        let doc = Html::parse_document(
            "<html><head><title>T</title></head><body><nav>Menu Home</nav>\
             <article><p>The body text.</p><p>Second <b>para</b>.</p>\
             <div class='comments'>spam comment</div></article>\
             <footer>Copyright</footer><script>var x</script></body></html>",
        );
        assert_eq!(main_text(&doc, 10_000), "The body text. Second para.");
        assert_eq!(main_text(&doc, 8), "The body");
    }
}
