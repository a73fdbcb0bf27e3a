//! HTML parsing for `backlinks`: one entry point, [`parse`], that turns a page into the compact
//! arena tree of [`dom`] the extract stage reads, the same tree whichever parser built it.
//!
//! Behind it are two parsers and a guard:
//!
//! 1. the fast parser (`fast`), a hand-written tokenizer and tree builder for the shapes real
//!    pages take, which builds exactly html5ever's tree or declines the page, naming why
//!    ([`Decline`]);
//! 2. for a declined page, the nesting guard ([`nesting`]) cuts hostile structure down to the
//!    parser limits, and html5ever (pinned to one version, see `Cargo.toml`) parses the rest
//!    through [`dom::Html5everSink`].
//!
//! Both tokenize by one set of rules (`tokenizer`), and every step of all three is linear in
//! the input: see "Linear time and bounded memory" in `docs/security.md` for the guarantees and
//! [`Cost`] for how the tests count work without a clock.

#![warn(missing_docs)]

pub mod dom;
mod fast;
pub mod nesting;
mod tokenizer;

pub use dom::{Document, MAX_DOCUMENT};

/// Why the fast parser declined a page (and html5ever parsed it instead). Each is markup whose
/// tree construction the fast parser does not implement, or structure past a parser limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Decline {
    /// Text other than whitespace directly in a table: html5ever moves it before the table
    /// ("foster parenting").
    TableText,
    /// An element or a `</p>`/`</br>` directly in a table (foster parenting).
    TableElement,
    /// `<template>` (its contents have insertion modes of their own).
    Template,
    /// MathML (`<math>`).
    MathMl,
    /// `<frameset>`.
    Frameset,
    /// A `<script>` with `<!--` and `<script` in it (the tokenizer's escaped states).
    EscapedScript,
    /// A `<table>` inside a `<p>` under a legacy doctype whose quirks mode is not classified.
    LegacyDoctypeTable,
    /// An insertion-mode reset that lands in a template or frameset mode.
    RareModeReset,
    /// A NUL character.
    Nul,
    /// More open elements than [`nesting::MAX_NESTING`].
    DeepNesting,
    /// More active formatting elements than [`nesting::MAX_FORMATTING`].
    ManyFormatting,
    /// More re-created formatting elements than [`nesting::MAX_RECONSTRUCTED`].
    ManyReconstructed,
    /// A tag with more attributes than [`nesting::MAX_ATTRIBUTES`].
    ManyAttributes,
}

impl Decline {
    /// Every reason, in a fixed order (for reports that count them).
    pub const ALL: [Decline; 13] = [
        Decline::TableText,
        Decline::TableElement,
        Decline::Template,
        Decline::MathMl,
        Decline::Frameset,
        Decline::EscapedScript,
        Decline::LegacyDoctypeTable,
        Decline::RareModeReset,
        Decline::Nul,
        Decline::DeepNesting,
        Decline::ManyFormatting,
        Decline::ManyReconstructed,
        Decline::ManyAttributes,
    ];

    /// A stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            Decline::TableText => "table-text",
            Decline::TableElement => "table-element",
            Decline::Template => "template",
            Decline::MathMl => "mathml",
            Decline::Frameset => "frameset",
            Decline::EscapedScript => "escaped-script",
            Decline::LegacyDoctypeTable => "legacy-doctype-table",
            Decline::RareModeReset => "rare-mode-reset",
            Decline::Nul => "nul-character",
            Decline::DeepNesting => "deep-nesting",
            Decline::ManyFormatting => "many-formatting-elements",
            Decline::ManyReconstructed => "many-reconstructed-elements",
            Decline::ManyAttributes => "many-attributes",
        }
    }

    /// Whether the page passed a parser limit (the guard then changes it before html5ever
    /// sees it), rather than holding markup the fast parser leaves to html5ever.
    pub fn is_limit(self) -> bool {
        matches!(
            self,
            Decline::DeepNesting
                | Decline::ManyFormatting
                | Decline::ManyReconstructed
                | Decline::ManyAttributes
        )
    }
}

impl std::fmt::Display for Decline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Which parser built a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParsedBy {
    /// The fast parser took the page.
    Fast,
    /// The fast parser declined, for this reason; html5ever parsed the (guarded) page.
    Html5ever(Decline),
}

/// A parsed page and how it was parsed.
#[derive(Debug)]
pub struct Parsed<'s> {
    /// The tree.
    pub document: Document<'s>,
    /// Which parser built it.
    pub by: ParsedBy,
    /// Whether the nesting guard changed the page before html5ever parsed it (only ever on
    /// pages past a parser limit).
    pub guarded: bool,
}

/// What parsing one page cost, counted rather than timed, so that tests can bound work and
/// memory per input byte on a loaded machine without flaking.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    /// Input bytes (after the document cut at [`MAX_DOCUMENT`]).
    pub input: usize,
    /// Steps of the fast parser and the guard: bytes scanned plus every element of the stack
    /// of open elements, the list of active formatting elements and the attribute lists that
    /// a loop may visit (charged at their full length, an upper bound), plus html5ever's
    /// calls into the tree sink.
    pub steps: u64,
    /// Bytes of the tree built (nodes, attributes, text and name buffer, owned source).
    pub tree_bytes: usize,
    /// Bytes of the guarded copy of the page handed to html5ever (0 when unchanged).
    pub guarded_bytes: usize,
}

/// Parses a page the way browsers do (scripting enabled, so `<noscript>` holds text): with the
/// fast parser when it takes the page, else with html5ever after the nesting guard. Input past
/// [`MAX_DOCUMENT`] bytes is cut.
pub fn parse(html: &str) -> Parsed<'_> {
    parse_counted(html).0
}

/// [`parse`], and what it cost.
pub fn parse_counted(html: &str) -> (Parsed<'_>, Cost) {
    let html = dom::cut(html, MAX_DOCUMENT);
    let mut cost = Cost {
        input: html.len(),
        ..Cost::default()
    };
    let (parsed, steps) = match fast::parse_counted(html) {
        (Ok(document), steps) => (
            Parsed {
                document,
                by: ParsedBy::Fast,
                guarded: false,
            },
            steps,
        ),
        (Err(why), fast_steps) => {
            let (guarded, guard_steps) = nesting::limit_nesting_counted(html);
            if let std::borrow::Cow::Owned(g) = &guarded {
                cost.guarded_bytes = g.len();
            }
            let (document, sink_steps) = dom::parse_html5ever_counted(&guarded);
            (
                Parsed {
                    document,
                    by: ParsedBy::Html5ever(why),
                    guarded: matches!(guarded, std::borrow::Cow::Owned(_)),
                },
                fast_steps + guard_steps + sink_steps,
            )
        }
    };
    cost.steps = steps;
    cost.tree_bytes = parsed.document.heap_bytes();
    (parsed, cost)
}

/// The fast parser alone: the tree, or why it declined (for tests and benchmarks that compare
/// the parsers).
pub fn parse_fast(html: &str) -> Result<Document<'_>, Decline> {
    fast::parse_counted(dom::cut(html, MAX_DOCUMENT)).0
}

/// html5ever alone, on the page as given (no guard): the reference the fast parser is tested
/// against.
pub fn parse_html5ever<'s>(html: &str) -> Document<'s> {
    dom::parse_html5ever_counted(html).0
}
