//! The parsed document the extract stage reads: the tree of the `backlinks-html` crate
//! (`crates/html`), which parses pages with its fast parser or, for the pages that one
//! declines, with html5ever behind the nesting guard ([`backlinks_html::parse`]).

pub use backlinks_html::dom::*;
