//! Main-content detection: which links of a page sit inside its editorial body, by Mozilla's
//! Readability algorithm as the `dom_smoothie` crate implements it, run on the page's own parsed
//! tree (no second parse).
//!
//! This module is a port of dom_smoothie's scoring passes (MIT, © niklak,
//! <https://github.com/niklak/dom_smoothie>), itself a port of Mozilla's Readability.js
//! (Apache-2.0). The port exists for speed: dom_smoothie parses the page again into its own
//! tree, which cost more than the rest of the extract stage together; here the passes read the
//! page's one [`Document`] through an editable overlay. The results are checked against the
//! labelled placement set (`docs/placement.md`).
//!
//! Readability scores every paragraph-holding block by its text (length, commas), class/id
//! weights and link density, propagates the scores to ancestors, picks the best block, joins
//! its worthy siblings and then strips link-heavy lists, forms and tables from the result. That
//! is the best single signal for "is this link part of what the page is about" that we know of
//! (see `docs/placement.md` for the measurements).
//!
//! Readability edits the document as it goes (removes hidden and unlikely blocks, turns `<div>`s
//! into paragraphs, wraps loose text in new paragraphs, moves the article's blocks into a new
//! element, retries with looser rules when the article is short). It runs here on an [`Overlay`]:
//! a copy of the tree's links that can be edited while the [`Document`] stays untouched for
//! placement. The links still inside the article at the end are the ones it kept, by node
//! identity; the article's text is the page's editorial text.
//!
//! Its passes walk ancestors and subtrees, so they are superlinear in nesting depth: pages past
//! [`MAX_DEPTH`] or [`MAX_ELEMENTS`] are not scored, and placement falls back on its own
//! structural signals.

use super::dom::{self, Document, Edge, Node, NodeId, Tag};
use super::text::push_collapsed;
use std::cmp::Ordering;
use std::collections::HashMap;

/// Deepest element nesting handed to the scorer (real pages stay well under 100).
pub const MAX_DEPTH: usize = 256;
/// Most elements handed to the scorer (a 5 MB page of dense markup has about this many).
pub const MAX_ELEMENTS: usize = 150_000;

/// Why the main-content verdict is not available for a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep(usize),
    /// More elements than [`MAX_ELEMENTS`].
    TooLarge(usize),
    /// The scorer found no article.
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

/// The scorer's verdict on one page.
#[derive(Debug, Clone, Default)]
pub struct MainContent {
    /// For each link given to [`detect`], in order: whether the article kept it.
    pub kept: Vec<bool>,
    /// The article's text, whitespace collapsed.
    pub text: String,
    /// Whether the article is long enough (at least [`CONFIDENT_CHARS`] characters) for its
    /// verdict to overrule region signals.
    pub confident: bool,
    /// Characters of the article's text (the text itself moves on to the page signals).
    pub text_chars: usize,
}

/// Article text below which Readability itself retries with looser rules (its
/// `char_threshold`): a shorter article is its best guess on a page with little prose, and
/// region signals are trusted over it.
pub const CONFIDENT_CHARS: usize = 500;

/// Shape of a parsed document, measured before deciding to run the scorer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    /// Deepest element nesting.
    pub depth: usize,
    /// Number of elements.
    pub elements: usize,
}

impl Shape {
    /// Measures `doc` in a walk of its own (the extract stage measures it during its link
    /// walk instead).
    pub fn measure(doc: &Document<'_>) -> Shape {
        let mut shape = Shape::default();
        let mut depth = 0usize;
        for edge in doc.root().traverse() {
            match edge {
                Edge::Open(n) if n.value().is_element() => {
                    depth += 1;
                    shape.depth = shape.depth.max(depth);
                    shape.elements += 1;
                }
                Edge::Close(n) if n.value().is_element() => depth -= 1,
                _ => {}
            }
        }
        shape
    }
}

/// Runs the scorer on `doc`. `links` are the page's links (`<a href>`/`<area href>` outside
/// `<template>`), in the order their verdicts are wanted.
pub fn detect(
    doc: &Document<'_>,
    shape: Shape,
    links: &[NodeId],
) -> Result<MainContent, Unavailable> {
    if shape.depth > MAX_DEPTH {
        return Err(Unavailable::TooDeep(shape.depth));
    }
    if shape.elements > MAX_ELEMENTS {
        return Err(Unavailable::TooLarge(shape.elements));
    }
    let (tree, article) = readability(doc).ok_or(Unavailable::NoArticle)?;
    let mut inside = vec![false; doc.len()];
    let mut text = String::new();
    for i in tree.subtree(article) {
        if (i as usize) < inside.len() {
            inside[i as usize] = true;
        }
        if let Some(t) = tree.text_of(i) {
            push_collapsed(&mut text, t);
        }
    }
    let text = text.trim().to_string();
    Ok(MainContent {
        kept: links
            .iter()
            .map(|l| inside.get(l.0 as usize).copied().unwrap_or(false))
            .collect(),
        confident: text.chars().count() >= CONFIDENT_CHARS,
        text_chars: text.chars().count(),
        text,
    })
}

const NONE: u32 = u32::MAX;

/// An element's name in the overlay: known HTML tags (renamable), or anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OName {
    NotElement,
    Tag(Tag),
    /// Any other element (the original name is in the document).
    Other,
}

#[derive(Debug, Clone, Copy)]
struct ONode {
    parent: u32,
    first: u32,
    last: u32,
    prev: u32,
    next: u32,
    name: OName,
    /// `<font>` turned `<span>` loses its attributes.
    no_attrs: bool,
}

dom::impl_linked!(ONode);

/// An editable copy of a document's structure. Ids below the document's length are its nodes;
/// new elements get ids after them.
#[derive(Clone)]
struct Overlay<'d> {
    doc: &'d Document<'d>,
    n: Vec<ONode>,
    score: Vec<Option<f32>>,
    data_table: Vec<bool>,
}

/// Grab flags (Readability relaxes them one by one when the article is short).
#[derive(Debug, Clone, Copy)]
struct Flags {
    strip_unlikely: bool,
    weight_classes: bool,
    clean_conditionally: bool,
}

const CHAR_THRESHOLD: usize = 500;
const N_TOP_CANDIDATES: usize = 5;
const MIN_SCORE_TO_ADJUST: f32 = 5.0;
const MIN_COMMON_ANCESTORS: usize = 3;

impl<'d> Overlay<'d> {
    fn new(doc: &'d Document<'d>) -> Overlay<'d> {
        let mut n = Vec::with_capacity(doc.len() + 64);
        for raw in &doc.nodes {
            let name = match raw.data {
                super::dom::Data::Element {
                    name: super::dom::Name::Known(t),
                    ns: super::dom::Ns::Html,
                    ..
                } => OName::Tag(t),
                super::dom::Data::Element { .. } => OName::Other,
                _ => OName::NotElement,
            };
            n.push(ONode {
                parent: raw.parent,
                first: raw.first,
                last: raw.last,
                prev: raw.prev,
                next: raw.next,
                name,
                no_attrs: false,
            });
        }
        let len = n.len();
        Overlay {
            doc,
            n,
            score: vec![None; len],
            data_table: vec![false; len],
        }
    }

    fn orig(&self, i: u32) -> bool {
        (i as usize) < self.doc.len()
    }

    fn is_elem(&self, i: u32) -> bool {
        self.n[i as usize].name != OName::NotElement
    }

    fn is(&self, i: u32, t: Tag) -> bool {
        self.n[i as usize].name == OName::Tag(t)
    }

    fn tag(&self, i: u32) -> Option<Tag> {
        match self.n[i as usize].name {
            OName::Tag(t) => Some(t),
            _ => None,
        }
    }

    /// The element's local name (as the document has it, unless renamed).
    fn name(&self, i: u32) -> &'d str {
        match self.n[i as usize].name {
            OName::Tag(t) => t.as_str(),
            OName::Other => self.doc.get(NodeId(i)).element().map_or("", |e| e.name()),
            OName::NotElement => "",
        }
    }

    fn attr(&self, i: u32, name: &str) -> Option<&'d str> {
        if !self.orig(i) || self.n[i as usize].no_attrs {
            return None;
        }
        self.doc.get(NodeId(i)).element()?.attr(name)
    }

    fn attrs(&self, i: u32) -> Vec<(&'d str, &'d str)> {
        if !self.orig(i) || self.n[i as usize].no_attrs {
            return Vec::new();
        }
        self.doc
            .get(NodeId(i))
            .element()
            .map(|e| e.attrs().collect())
            .unwrap_or_default()
    }

    fn text_of(&self, i: u32) -> Option<&'d str> {
        if !self.orig(i) {
            return None;
        }
        match self.doc.get(NodeId(i)).value() {
            Node::Text(t) => Some(t),
            _ => None,
        }
    }

    fn is_comment(&self, i: u32) -> bool {
        self.orig(i) && matches!(self.doc.get(NodeId(i)).value(), Node::Comment)
    }

    fn parent(&self, i: u32) -> Option<u32> {
        let p = self.n[i as usize].parent;
        (p != NONE).then_some(p)
    }

    fn first_child(&self, i: u32) -> Option<u32> {
        let c = self.n[i as usize].first;
        (c != NONE).then_some(c)
    }

    fn last_child(&self, i: u32) -> Option<u32> {
        let c = self.n[i as usize].last;
        (c != NONE).then_some(c)
    }

    fn next_sibling(&self, i: u32) -> Option<u32> {
        let c = self.n[i as usize].next;
        (c != NONE).then_some(c)
    }

    fn children(&self, i: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut c = self.n[i as usize].first;
        while c != NONE {
            out.push(c);
            c = self.n[c as usize].next;
        }
        out
    }

    fn element_children(&self, i: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut c = self.n[i as usize].first;
        while c != NONE {
            if self.is_elem(c) {
                out.push(c);
            }
            c = self.n[c as usize].next;
        }
        out
    }

    fn first_element_child(&self, i: u32) -> Option<u32> {
        self.element_from(self.n[i as usize].first)
    }

    fn next_element_sibling(&self, i: u32) -> Option<u32> {
        self.element_from(self.n[i as usize].next)
    }

    /// The first element among `c` and its following siblings.
    fn element_from(&self, mut c: u32) -> Option<u32> {
        while c != NONE {
            if self.is_elem(c) {
                return Some(c);
            }
            c = self.n[c as usize].next;
        }
        None
    }

    /// Ancestors, parent first; at most `max` (0 = all).
    fn ancestors(&self, i: u32, max: usize) -> Vec<u32> {
        let mut out = Vec::new();
        let mut p = self.n[i as usize].parent;
        while p != NONE {
            out.push(p);
            if max > 0 && out.len() >= max {
                break;
            }
            p = self.n[p as usize].parent;
        }
        out
    }

    fn has_ancestor(&self, i: u32, max: usize, f: impl Fn(&Self, u32) -> bool) -> bool {
        let mut p = self.n[i as usize].parent;
        let mut seen = 0;
        while p != NONE {
            if f(self, p) {
                return true;
            }
            seen += 1;
            if max > 0 && seen >= max {
                return false;
            }
            p = self.n[p as usize].parent;
        }
        false
    }

    /// `i` and its descendants, in document order.
    fn subtree(&self, i: u32) -> Subtree<'_, 'd> {
        Subtree {
            o: self,
            root: i,
            next: i,
        }
    }

    /// Descendant elements (not `i` itself) that satisfy `f`, in document order.
    fn find(&self, i: u32, f: impl Fn(&Self, u32) -> bool) -> Vec<u32> {
        self.subtree(i)
            .skip(1)
            .filter(|d| self.is_elem(*d) && f(self, *d))
            .collect()
    }

    fn count(&self, i: u32, tags: &[Tag]) -> usize {
        self.subtree(i)
            .skip(1)
            .filter(|d| self.tag(*d).is_some_and(|t| tags.contains(&t)))
            .count()
    }

    /// The text of `i` and its descendants, concatenated.
    fn text(&self, i: u32) -> String {
        let mut s = String::new();
        for d in self.subtree(i) {
            if let Some(t) = self.text_of(d) {
                s.push_str(t);
            }
        }
        s
    }

    /// Characters of the subtree's text with runs of whitespace counted once and the ends
    /// trimmed (dom_query's `normalized_char_count`).
    fn char_count(&self, i: u32) -> usize {
        let mut c = 0usize;
        let mut last_ws = true;
        for d in self.subtree(i) {
            if let Some(t) = self.text_of(d) {
                let mut prev = last_ws;
                for ch in t.chars() {
                    let ws = ch.is_whitespace();
                    if !(prev && ws) {
                        c += 1;
                    }
                    prev = ws;
                }
                last_ws = t.ends_with(char::is_whitespace);
            }
        }
        if last_ws && c > 0 {
            c -= 1;
        }
        c
    }

    /// [`Self::char_count`] of every node under `root`, in one bottom-up pass: the collapsed
    /// count of a concatenation only depends on whether the first part ends and the second
    /// starts with whitespace.
    fn char_counts(&self, root: u32) -> Vec<usize> {
        #[derive(Clone, Copy, Default)]
        struct Agg {
            nonempty: bool,
            first_ws: bool,
            last_ws: bool,
            /// Count starting after a non-whitespace character.
            raw: usize,
        }
        fn join(a: Agg, b: Agg) -> Agg {
            if !a.nonempty {
                return b;
            }
            if !b.nonempty {
                return a;
            }
            Agg {
                nonempty: true,
                first_ws: a.first_ws,
                last_ws: b.last_ws,
                raw: a.raw + b.raw - usize::from(a.last_ws && b.first_ws),
            }
        }
        let mut agg = vec![Agg::default(); self.n.len()];
        let mut out = vec![0usize; self.n.len()];
        // Post-order: children are done before their parent.
        let mut stack: Vec<(u32, bool)> = vec![(root, false)];
        while let Some((i, expanded)) = stack.pop() {
            if !expanded {
                stack.push((i, true));
                let mut c = self.n[i as usize].last;
                while c != NONE {
                    stack.push((c, false));
                    c = self.n[c as usize].prev;
                }
                continue;
            }
            let a = if let Some(t) = self.text_of(i) {
                let mut raw = 0;
                let mut prev = false;
                for ch in t.chars() {
                    let ws = ch.is_whitespace();
                    if !(prev && ws) {
                        raw += 1;
                    }
                    prev = ws;
                }
                Agg {
                    nonempty: !t.is_empty(),
                    first_ws: t.starts_with(char::is_whitespace),
                    last_ws: t.ends_with(char::is_whitespace),
                    raw,
                }
            } else {
                let mut acc = Agg::default();
                let mut c = self.n[i as usize].first;
                while c != NONE {
                    acc = join(acc, agg[c as usize]);
                    c = self.n[c as usize].next;
                }
                acc
            };
            agg[i as usize] = a;
            out[i as usize] = if a.nonempty {
                let c = a.raw - usize::from(a.first_ws);
                if a.last_ws && c > 0 { c - 1 } else { c }
            } else {
                0
            };
        }
        out
    }

    fn has_nonempty_text(&self, i: u32) -> bool {
        self.text_of(i)
            .is_some_and(|t| t.chars().any(|c| !c.is_whitespace()))
    }

    fn detach(&mut self, i: u32) {
        dom::detach(&mut self.n, i);
    }

    fn append(&mut self, parent: u32, child: u32) {
        dom::append(&mut self.n, parent, child);
    }

    fn insert_before(&mut self, sibling: u32, child: u32) {
        dom::insert_before(&mut self.n, sibling, child);
    }

    /// `new` takes `i`'s place and `i` leaves the tree.
    fn replace_with(&mut self, i: u32, new: u32) {
        if self.n[i as usize].parent == NONE || i == new {
            return;
        }
        self.insert_before(i, new);
        self.detach(i);
    }

    fn new_element(&mut self, tag: Tag) -> u32 {
        let id = self.n.len() as u32;
        self.n.push(ONode {
            parent: NONE,
            first: NONE,
            last: NONE,
            prev: NONE,
            next: NONE,
            name: OName::Tag(tag),
            no_attrs: true,
        });
        self.score.push(None);
        self.data_table.push(false);
        id
    }

    fn rename(&mut self, i: u32, tag: Tag) {
        self.n[i as usize].name = OName::Tag(tag);
    }

    /// Class and id, lower case, each followed by a space (in attribute order).
    fn matching_string(&self, i: u32) -> String {
        let mut s = String::new();
        for (k, v) in self.attrs(i) {
            if k == "class" || k == "id" {
                s.push_str(v);
                s.push(' ');
            }
        }
        s.make_ascii_lowercase();
        s
    }
}

/// Pre-order walk of an overlay subtree.
struct Subtree<'o, 'd> {
    o: &'o Overlay<'d>,
    root: u32,
    next: u32,
}

impl Iterator for Subtree<'_, '_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        let cur = self.next;
        if cur == NONE {
            return None;
        }
        let n = &self.o.n;
        let first = n[cur as usize].first;
        self.next = if first != NONE {
            first
        } else {
            let mut c = cur;
            loop {
                if c == self.root {
                    break NONE;
                }
                let next = n[c as usize].next;
                if next != NONE {
                    break next;
                }
                c = n[c as usize].parent;
                if c == NONE {
                    break NONE;
                }
            }
        };
        Some(cur)
    }
}

// -------------------------------------------------------------------- vocabulary

const UNLIKELY_CANDIDATES: &[&str] = &[
    "-ad-",
    "ai2html",
    "banner",
    "breadcrumbs",
    "combx",
    "comment",
    "community",
    "cover-wrap",
    "disqus",
    "extra",
    "footer",
    "gdpr",
    "header",
    "legends",
    "menu",
    "related",
    "remark",
    "replies",
    "rss",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "social",
    "sponsor",
    "supplemental",
    "ad-break",
    "agegate",
    "pagination",
    "pager",
    "popup",
    "yom-remote",
];
const MAYBE_CANDIDATES: &[&str] = &[
    "and", "article", "body", "column", "content", "layout", "main", "mathjax", "shadow",
];
const BYLINE_PATTERNS: &[&str] = &["byline", "author", "dateline", "writtenby", "p-author"];
const CLASSES_NEGATIVE: &[&str] = &[
    "-ad-",
    "hidden",
    "banner",
    "combx",
    "comment",
    "com-",
    "contact",
    "footer",
    "gdpr",
    "masthead",
    "media",
    "meta",
    "outbrain",
    "promo",
    "related",
    "scroll",
    "share",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "sponsor",
    "shopping",
    "tags",
    "widget",
];
const CLASSES_POSITIVE: &[&str] = &[
    "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "post", "text",
    "blog", "story",
];
const COMMAS: &[char] = &[
    '\u{002C}', '\u{060C}', '\u{FE50}', '\u{FE10}', '\u{FE11}', '\u{2E41}', '\u{2E34}', '\u{2E32}',
    '\u{FF0C}',
];
const TITLE_SEPARATORS: &[char] = &['|', '-', '–', '—', '\\', '/', '>', '»'];
const TITLE_HIERARCHY_SEP: &[char] = &['\\', '/', '>', '»'];
const IMG_EXT: &[&str] = &[".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif"];
const VIDEO_DOMAINS: &[&str] = &[
    "dailymotion.com",
    "youtube.com",
    "youtube-nocookie.com",
    "player.vimeo.com",
    "v.qq.com",
    "archive.org",
    "upload.wikimedia.org",
    "player.twitch.tv",
    "bilibili.com",
    "live.bilibili.com",
];
const AD_WORDS: &[&str] = &[
    "ad",
    "advertising",
    "advertisement",
    "pub",
    "publicité",
    "werb",
    "werbung",
    "广告",
    "реклама",
    "anuncio",
];
const LOADING_WORDS: &[&str] = &["loading", "正在加载", "загрузка", "chargement", "cargando"];
const META_TITLE_KEYS: &[&str] = &[
    "dc:title",
    "dcterms:title",
    "og:title",
    "weibo:article:title",
    "weibo:webpage:title",
    "title",
    "twitter:title",
    "parsely-title",
];
const META_BYLINE_KEYS: &[&str] = &["dc:creator", "dcterms:creator", "author", "parsely-author"];
const META_NAME_PREFIXES: &[&str] = &[
    "article",
    "dc",
    "dcterms",
    "og",
    "twitter",
    "parsely",
    "weibo:article",
    "weibo:webpage",
];
const META_NAME_KEYS: &[&str] = &[
    "author",
    "creator",
    "pub-date",
    "description",
    "title",
    "site_name",
];
const META_PROPERTY_PREFIXES: &[&str] = &["article", "dc", "dcterms", "og", "twitter"];
const META_PROPERTY_KEYS: &[&str] = &[
    "author",
    "creator",
    "description",
    "published_time",
    "title",
    "site_name",
    "image",
];
const UNLIKELY_ROLES: &[&str] = &[
    "menu",
    "menubar",
    "complementary",
    "navigation",
    "alert",
    "alertdialog",
    "dialog",
];

fn is_phrasing_tag(name: &str) -> bool {
    matches!(
        name,
        "abbr"
            | "audio"
            | "b"
            | "bdo"
            | "br"
            | "button"
            | "cite"
            | "code"
            | "data"
            | "datalist"
            | "dfn"
            | "em"
            | "embed"
            | "i"
            | "img"
            | "input"
            | "kbd"
            | "label"
            | "mark"
            | "math"
            | "meter"
            | "noscript"
            | "object"
            | "output"
            | "progress"
            | "q"
            | "ruby"
            | "samp"
            | "script"
            | "select"
            | "small"
            | "span"
            | "strong"
            | "sub"
            | "sup"
            | "textarea"
            | "time"
            | "var"
            | "wbr"
    )
}

fn is_block_tag(t: Tag) -> bool {
    matches!(
        t,
        Tag::Blockquote
            | Tag::Dl
            | Tag::Div
            | Tag::Img
            | Tag::Ol
            | Tag::P
            | Tag::Pre
            | Tag::Table
            | Tag::Ul
    )
}

// ---------------------------------------------------------------------- helpers

fn contains_any(hay: &str, pats: &[&str]) -> bool {
    pats.iter().any(|p| hay.contains(p))
}

fn match_unlikely(s: &str) -> bool {
    contains_any(s, UNLIKELY_CANDIDATES) && !contains_any(s, MAYBE_CANDIDATES)
}

fn attr_weight(v: &str) -> f32 {
    let mut w = 0.0;
    if contains_any(v, CLASSES_NEGATIVE) || v.split_whitespace().any(|w| w == "hid") {
        w -= 25.0;
    }
    if contains_any(v, CLASSES_POSITIVE) {
        w += 25.0;
    }
    w
}

fn is_video_url(hay: &str) -> bool {
    let b = hay.as_bytes();
    VIDEO_DOMAINS.iter().any(|d| match hay.find(d) {
        Some(pos) => {
            (pos > 1 && &b[pos - 2..pos] == b"//") || (pos > 5 && &b[pos - 6..pos] == b"//www.")
        }
        None => false,
    })
}

/// Whether an inline style hides the element (`display:none`, `visibility:hidden`), the way
/// dom_smoothie reads it: the first occurrence of the property decides.
fn is_invisible_style(style: &str) -> bool {
    let style = style.to_ascii_lowercase();
    style_has(&style, "display", "none") || style_has(&style, "visibility", "hidden")
}

fn style_has(style: &str, key: &str, val: &str) -> bool {
    let Some(pos) = style.find(key) else {
        return false;
    };
    let mut rest = &style[pos..];
    let Some(colon) = rest.find(':') else {
        return false;
    };
    rest = &rest[colon + 1..];
    if let Some(semi) = rest.find(';') {
        rest = &rest[..semi];
    }
    rest = rest.trim_start();
    if let Some(ws) = rest.find(char::is_whitespace) {
        rest = &rest[..ws];
    }
    rest.trim_end() == val
}

fn is_sentence(text: &str) -> bool {
    text.ends_with('.') || text.contains(". ")
}

fn normalize_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words of a text (letters and digits, inner apostrophes kept).
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
}

/// How much of `b`'s words appear in `a` (dom_smoothie's `text_similarity`).
fn text_similarity(a: &str, b: &str) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let a = a.to_lowercase();
    let b = b.to_lowercase();
    if a.contains(&b) {
        return 1.0;
    }
    let tokens_a: std::collections::HashSet<&str> = words(&a).collect();
    let tokens_b: Vec<&str> = words(&b).collect();
    let total: usize = tokens_b.iter().map(|s| s.chars().count()).sum();
    if total == 0 {
        return 0.0;
    }
    let unique: usize = tokens_b
        .iter()
        .filter(|s| !tokens_a.contains(*s))
        .map(|s| s.chars().count())
        .sum();
    1.0 - unique as f64 / total as f64
}

// ------------------------------------------------------------------ readability

impl Overlay<'_> {
    fn class_weight(&self, i: u32, flags: Flags) -> f32 {
        if !flags.weight_classes {
            return 0.0;
        }
        let mut w = 0.0;
        if let Some(c) = self.attr(i, "class") {
            w += attr_weight(&c.to_ascii_lowercase());
        }
        if let Some(id) = self.attr(i, "id") {
            w += attr_weight(&id.to_ascii_lowercase());
        }
        w
    }

    fn node_score(&self, i: u32, flags: Flags) -> f32 {
        let base = match self.tag(i) {
            Some(Tag::Div) => 5.0,
            Some(Tag::Pre | Tag::Td | Tag::Blockquote) => 3.0,
            Some(
                Tag::Address
                | Tag::Ol
                | Tag::Ul
                | Tag::Dl
                | Tag::Dd
                | Tag::Dt
                | Tag::Li
                | Tag::Form,
            ) => -3.0,
            Some(Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6 | Tag::Th) => -5.0,
            _ => 0.0,
        };
        base + self.class_weight(i, flags)
    }

    fn init_score(&mut self, i: u32, flags: Flags) {
        let s = self.node_score(i, flags);
        self.score[i as usize] = Some(s);
    }

    fn get_score(&self, i: u32) -> f32 {
        self.score[i as usize].unwrap_or(0.0)
    }

    fn link_density(&self, i: u32, char_count: Option<usize>) -> f32 {
        let mut link_length = 0f32;
        for a in self.find(i, |o, d| o.is(d, Tag::A)) {
            let href = self.attr(a, "href").unwrap_or("");
            let coeff = if href.len() > 1 && href.starts_with('#') {
                0.3
            } else {
                1.0
            };
            link_length += self.char_count(a) as f32 * coeff;
        }
        if link_length == 0.0 {
            return 0.0;
        }
        let text_length = char_count.unwrap_or_else(|| self.char_count(i)) as f32;
        if text_length == 0.0 {
            return 0.0;
        }
        link_length / text_length
    }

    fn is_probably_visible(&self, i: u32) -> bool {
        if self.attr(i, "hidden").is_some() {
            return false;
        }
        if self.attr(i, "style").is_some_and(is_invisible_style) {
            return false;
        }
        self.attr(i, "aria-hidden") != Some("true")
            || self
                .attr(i, "class")
                .is_some_and(|c| c.contains("fallback-image"))
    }

    fn is_phrasing(&self, i: u32) -> bool {
        if self.text_of(i).is_some() {
            return true;
        }
        if !self.is_elem(i) {
            return false;
        }
        let name = self.name(i);
        if is_phrasing_tag(name) {
            return true;
        }
        if matches!(name, "a" | "del" | "ins") {
            let children = self.children(i);
            return !children.is_empty() && children.iter().all(|c| self.is_phrasing(*c));
        }
        false
    }

    fn is_whitespace(&self, i: u32) -> bool {
        (self.text_of(i).is_some() && !self.has_nonempty_text(i)) || self.is(i, Tag::Br)
    }

    /// The next element in document order, into `i`'s children unless `skip_children`.
    fn next_element(&self, i: u32, skip_children: bool) -> Option<u32> {
        if !skip_children && let Some(c) = self.first_element_child(i) {
            return Some(c);
        }
        if let Some(s) = self.next_element_sibling(i) {
            return Some(s);
        }
        let mut p = self.parent(i);
        while let Some(pp) = p {
            if let Some(s) = self.next_element_sibling(pp) {
                return Some(s);
            }
            p = self.parent(pp);
        }
        None
    }

    /// A node that is not whitespace text (or a comment), from `n` on.
    fn next_significant(&self, mut n: Option<u32>) -> Option<u32> {
        while let Some(i) = n {
            if !self.is_elem(i) && self.text(i).trim().is_empty() {
                n = self.next_sibling(i);
            } else {
                break;
            }
        }
        n
    }

    fn all_elements(&self, root: u32, tags: &[Tag]) -> Vec<u32> {
        self.find(root, |o, d| o.tag(d).is_some_and(|t| tags.contains(&t)))
    }

    /// Readability's document preparation.
    fn prepare(&mut self) {
        let root = 0;
        for img in self.all_elements(root, &[Tag::Img]) {
            let keep = self.attrs(img).iter().any(|(k, v)| {
                matches!(*k, "src" | "data-src" | "data-srcset" | "srcset")
                    || IMG_EXT.iter().any(|e| v.contains(e))
            });
            if !keep {
                self.detach(img);
            }
        }
        for e in self.all_elements(root, &[Tag::Script, Tag::Noscript]) {
            self.detach(e);
        }
        for e in self.all_elements(root, &[Tag::Style]) {
            self.detach(e);
        }
        self.replace_brs();
        for f in self.all_elements(root, &[Tag::Font]) {
            self.rename(f, Tag::Span);
            self.n[f as usize].no_attrs = true;
        }
        let comments: Vec<u32> = self.subtree(root).filter(|i| self.is_comment(*i)).collect();
        for c in comments {
            self.detach(c);
        }
    }

    fn replace_brs(&mut self) {
        for br in self.all_elements(0, &[Tag::Br]) {
            let mut next_sibling = self.next_sibling(br);
            let mut replaced = false;
            while let Some(next) = self.next_significant(next_sibling) {
                if !self.is(next, Tag::Br) {
                    break;
                }
                replaced = true;
                next_sibling = self.next_sibling(next);
                self.detach(next);
            }
            if !replaced {
                continue;
            }
            let p = self.new_element(Tag::P);
            self.replace_with(br, p);
            let mut next_sibling = self.next_sibling(p);
            while let Some(next) = next_sibling {
                if self.is(next, Tag::Br)
                    && let Some(after) = self.next_significant(self.next_sibling(next))
                    && self.is(after, Tag::Br)
                {
                    break;
                }
                if !self.is_phrasing(next) {
                    break;
                }
                next_sibling = self.next_sibling(next);
                self.append(p, next);
            }
            while let Some(last) = self.last_child(p) {
                if self.is_whitespace(last) {
                    self.detach(last);
                } else {
                    break;
                }
            }
            if let Some(parent) = self.parent(p)
                && self.is(parent, Tag::P)
            {
                self.rename(parent, Tag::Div);
            }
        }
    }

    fn body(&self) -> Option<u32> {
        self.subtree(0).into_iter().find(|i| self.is(*i, Tag::Body))
    }

    fn is_valid_byline(&self, i: u32) -> bool {
        let mut byline = self.attr(i, "rel") == Some("author")
            || self
                .attr(i, "itemprop")
                .is_some_and(|v| v.contains("author"));
        if !byline {
            let s = self.matching_string(i);
            byline = BYLINE_PATTERNS.iter().any(|p| s.contains(p));
        }
        if !byline {
            return false;
        }
        let len = self.text(i).trim().chars().count();
        len > 0 && len < 100
    }

    /// Removes the first byline block (when the page's metadata names no author).
    fn remove_byline(&mut self) {
        let Some(body) = self.body() else { return };
        let mut next = self.next_element(body, false);
        while let Some(i) = next {
            if self.is_valid_byline(i) {
                self.detach(i);
                return;
            }
            next = self.next_element(i, false);
        }
    }

    fn is_element_without_content(&self, i: u32) -> bool {
        if self
            .subtree(i)
            .into_iter()
            .any(|d| self.has_nonempty_text(d))
        {
            return false;
        }
        let elements = self.element_children(i).len();
        if elements == 0 {
            return true;
        }
        elements == self.count(i, &[Tag::Br, Tag::Hr])
    }

    fn is_unlikely_candidate(&self, i: u32) -> bool {
        if self.is(i, Tag::A) {
            return false;
        }
        let s = self.matching_string(i);
        if s.is_empty() || !match_unlikely(&s) {
            return false;
        }
        !self.has_ancestor(i, 3, |o, a| {
            matches!(o.tag(a), Some(Tag::Table | Tag::Code))
        })
    }

    /// Wraps runs of phrasing content of a `<div>` in paragraphs.
    fn div_into_p(&mut self, div: u32) {
        let mut child = self.first_child(div);
        while let Some(c) = child {
            if self.is_phrasing(c) && !self.is_whitespace(c) {
                let mut next = self.next_sibling(c);
                let p = self.new_element(Tag::P);
                self.insert_before(c, p);
                self.append(p, c);
                while let Some(n) = next {
                    next = self.next_sibling(n);
                    if self.is_phrasing(n) {
                        self.append(p, n);
                    } else {
                        next = Some(n);
                        break;
                    }
                }
                while let Some(last) = self.last_child(p) {
                    if self.is_whitespace(last) {
                        self.detach(last);
                    } else {
                        break;
                    }
                }
                child = next;
            } else {
                child = self.next_sibling(c);
            }
        }
    }

    fn single_child(&self, i: u32, tag: Tag) -> Option<u32> {
        let children = self.element_children(i);
        if children.len() != 1 || !self.is(children[0], tag) {
            return None;
        }
        if self
            .children(i)
            .into_iter()
            .any(|c| self.has_nonempty_text(c))
        {
            return None;
        }
        Some(children[0])
    }

    fn collect_elements_to_score(&mut self, body: u32, flags: Flags, title: &str) -> Vec<u32> {
        let mut out = Vec::new();
        let mut remove_title_header = !title.is_empty();
        let mut next = self.next_element(body, false);
        while let Some(mut node) = next {
            if !self.is_probably_visible(node) {
                next = self.next_element(node, true);
                self.detach(node);
                continue;
            }
            if self.name(node) == "svg" {
                next = self.next_element(node, true);
                continue;
            }
            if self.is(node, Tag::Dialog)
                || (self.attr(node, "aria-modal") == Some("true")
                    && self.attr(node, "role") == Some("dialog"))
            {
                next = self.next_element(node, true);
                self.detach(node);
                continue;
            }
            if remove_title_header
                && matches!(self.tag(node), Some(Tag::H1 | Tag::H2))
                && text_similarity(title, &self.text(node)) > 0.75
            {
                remove_title_header = false;
                next = self.next_element(node, true);
                self.detach(node);
                continue;
            }
            if flags.strip_unlikely
                && (self.is_unlikely_candidate(node)
                    || self
                        .attr(node, "role")
                        .is_some_and(|r| UNLIKELY_ROLES.contains(&r)))
            {
                next = self.next_element(node, true);
                self.detach(node);
                continue;
            }
            if matches!(
                self.tag(node),
                Some(
                    Tag::Div
                        | Tag::Section
                        | Tag::Header
                        | Tag::H1
                        | Tag::H2
                        | Tag::H3
                        | Tag::H4
                        | Tag::H5
                        | Tag::H6
                )
            ) && self.is_element_without_content(node)
            {
                next = self.next_element(node, true);
                self.detach(node);
                continue;
            }
            if matches!(
                self.tag(node),
                Some(
                    Tag::Section
                        | Tag::H2
                        | Tag::H3
                        | Tag::H4
                        | Tag::H5
                        | Tag::H6
                        | Tag::P
                        | Tag::Td
                        | Tag::Pre
                )
            ) {
                out.push(node);
            }
            if self.is(node, Tag::Div) {
                self.div_into_p(node);
                let single_p = self
                    .single_child(node, Tag::P)
                    .filter(|_| self.link_density(node, None) < 0.25);
                if let Some(p) = single_p {
                    self.replace_with(node, p);
                    out.push(p);
                    node = p;
                } else if !self
                    .subtree(node)
                    .skip(1)
                    .any(|d| self.tag(d).is_some_and(is_block_tag))
                {
                    self.rename(node, Tag::P);
                    out.push(node);
                }
            }
            next = self.next_element(node, false);
        }
        out
    }

    fn score_elements(&mut self, elements: &[u32], flags: Flags) -> Vec<u32> {
        let mut scores: HashMap<u32, f32> = HashMap::new();
        let mut order: Vec<u32> = Vec::new();
        // The tree does not change while scoring: count every subtree's text once.
        let counts = self.char_counts(0);
        let char_count = |_: &Self, i: u32| counts[i as usize];
        for &el in elements {
            let len = char_count(self, el);
            if len < 25 {
                continue;
            }
            let commas: usize = self
                .subtree(el)
                .skip(1)
                .filter_map(|d| self.text_of(d))
                .map(|t| t.chars().filter(|c| COMMAS.contains(c)).count())
                .sum();
            let content_score = 2 + commas + (len / 100).min(3);
            for (level, anc) in self.ancestors(el, 5).into_iter().enumerate() {
                if !self.is_elem(anc) || self.parent(anc).is_none() {
                    continue;
                }
                let divider = match level {
                    0 => 1.0,
                    1 => 2.0,
                    _ => (level * 3) as f32,
                };
                let extra = content_score as f32 / divider;
                match scores.get_mut(&anc) {
                    Some(s) => *s += extra,
                    None => {
                        order.push(anc);
                        scores.insert(anc, extra + self.node_score(anc, flags));
                    }
                }
                if self.is(anc, Tag::Body) {
                    break;
                }
            }
        }
        let mut scored: Vec<(u32, f32)> = Vec::new();
        for id in order {
            let base = scores[&id];
            if base <= 0.0 {
                continue;
            }
            let score = if base > MIN_SCORE_TO_ADJUST {
                let mut link_length = 0f32;
                for a in self.find(id, |o, d| o.is(d, Tag::A)) {
                    let href = self.attr(a, "href").unwrap_or("");
                    let coeff = if href.len() > 1 && href.starts_with('#') {
                        0.3
                    } else {
                        1.0
                    };
                    link_length += char_count(self, a) as f32 * coeff;
                }
                let density = if link_length == 0.0 {
                    0.0
                } else {
                    let t = char_count(self, id) as f32;
                    if t == 0.0 { 0.0 } else { link_length / t }
                };
                base * (1.0 - density)
            } else {
                base
            };
            self.score[id as usize] = Some(score);
            scored.push((id, score));
        }
        scored.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(Ordering::Equal));
        scored
            .into_iter()
            .take(N_TOP_CANDIDATES)
            .map(|(id, _)| id)
            .collect()
    }

    fn find_common_candidate(&mut self, mut tc: u32, top: &[u32], flags: Flags) -> u32 {
        let tc_score = self.get_score(tc);
        let lists: Vec<Vec<u32>> = top
            .iter()
            .skip(1)
            .filter(|alt| self.get_score(**alt) / tc_score >= 0.75)
            .map(|alt| self.ancestors(*alt, 0))
            .collect();
        if lists.len() > MIN_COMMON_ANCESTORS {
            let mut parent = self.parent(tc);
            while let Some(p) = parent {
                if self.is(p, Tag::Body) {
                    break;
                }
                let containing = lists.iter().filter(|l| l.contains(&p)).count();
                if containing >= MIN_COMMON_ANCESTORS {
                    tc = p;
                    break;
                }
                parent = self.parent(p);
            }
        }
        if self.score[tc as usize].is_none() {
            self.init_score(tc, flags);
        }
        let mut last = self.get_score(tc);
        let threshold = last / 3.0;
        let mut parent = self.parent(tc);
        while let Some(p) = parent {
            if self.is(p, Tag::Body) {
                break;
            }
            if self.score[p as usize].is_none() {
                parent = self.parent(p);
                continue;
            }
            let ps = self.get_score(p);
            if ps < threshold {
                break;
            }
            if ps > last {
                tc = p;
                break;
            }
            last = ps;
            parent = self.parent(p);
        }
        tc
    }

    fn assign_article(&mut self, tc: u32, article: u32) {
        let tc_score = self.get_score(tc);
        let threshold = (tc_score * 0.2).max(10.0);
        let Some(parent) = self.parent(tc) else {
            return;
        };
        let tc_class = self.attr(tc, "class").unwrap_or("");
        for sibling in self.element_children(parent) {
            let mut append = sibling == tc;
            if !append {
                let mut bonus = 0.0;
                let class = self.attr(sibling, "class").unwrap_or("");
                if !tc_class.is_empty() && class == tc_class {
                    bonus += tc_score * 0.2;
                }
                let s = self.get_score(sibling);
                if s > 0.0 {
                    append = s + bonus >= threshold;
                } else if self.is(sibling, Tag::P) {
                    let content = normalize_spaces(&self.text(sibling));
                    let len = content.chars().count();
                    let density = self.link_density(sibling, Some(len));
                    append = (len > 80 && density < 0.25)
                        || (len < 80 && len > 0 && density == 0.0 && is_sentence(&content));
                }
            }
            if append {
                if !matches!(
                    self.tag(sibling),
                    Some(Tag::Article | Tag::Section | Tag::P | Tag::Ol | Tag::Ul)
                ) {
                    self.rename(sibling, Tag::Div);
                }
                self.append(article, sibling);
            }
        }
        self.append(parent, article);
    }

    fn attempt(&mut self, flags: Flags, title: &str) -> Option<u32> {
        let body = self.body()?;
        let elements = self.collect_elements_to_score(body, flags, title);
        let top = self.score_elements(&elements, flags);
        let mut tc = match top.first() {
            Some(&t) if !self.is(t, Tag::Body) => {
                let mut tc = self.find_common_candidate(t, &top, flags);
                while let Some(p) = self.parent(tc) {
                    if self.is(p, Tag::Body) || self.element_children(p).len() != 1 {
                        break;
                    }
                    tc = p;
                }
                tc
            }
            _ => {
                let tc = self.new_element(Tag::Div);
                for c in self.children(body) {
                    self.append(tc, c);
                }
                self.append(body, tc);
                self.init_score(tc, flags);
                tc
            }
        };
        if self.score[tc as usize].is_none() {
            self.init_score(tc, flags);
        }
        let article = self.new_element(Tag::Div);
        self.assign_article(tc, article);
        tc = article;
        self.prep_article(tc, flags);
        Some(tc)
    }

    // ------------------------------------------------------------ prep_article

    fn prep_article(&mut self, article: u32, flags: Flags) {
        // Share bars.
        for child in self.find(article, |o, d| {
            o.attr(d, "class").is_some() || o.attr(d, "id").is_some()
        }) {
            let share = |v: Option<&str>| {
                v.is_some_and(|v| {
                    v.split([' ', '_']).any(|part| {
                        part.eq_ignore_ascii_case("share")
                            || part.eq_ignore_ascii_case("sharedaddy")
                    })
                })
            };
            let sign = share(self.attr(child, "class")) || share(self.attr(child, "id"));
            if sign && self.char_count(child) < CHAR_THRESHOLD {
                self.detach(child);
            }
        }
        self.mark_data_tables(article);
        self.fix_lazy_figures(article);
        self.clean_conditionally(article, &[Tag::Form, Tag::Fieldset], flags);
        // Junk.
        for e in self.find(article, |o, d| {
            matches!(
                o.tag(d),
                Some(
                    Tag::Object
                        | Tag::Embed
                        | Tag::Footer
                        | Tag::Link
                        | Tag::Aside
                        | Tag::Iframe
                        | Tag::Input
                        | Tag::Textarea
                        | Tag::Select
                        | Tag::Button
                )
            )
        }) {
            if !matches!(self.tag(e), Some(Tag::Object | Tag::Embed | Tag::Iframe)) {
                self.detach(e);
                continue;
            }
            let video = self.attrs(e).iter().any(|(_, v)| is_video_url(v))
                || (self.is(e, Tag::Object) && self.object_has_video(e));
            if !video {
                self.detach(e);
            }
        }
        // Headers weighted negative.
        for h in self.find(article, |o, d| matches!(o.tag(d), Some(Tag::H1 | Tag::H2))) {
            if self.class_weight(h, flags) < 0.0 {
                self.detach(h);
            }
        }
        self.clean_conditionally(article, &[Tag::Table, Tag::Ul, Tag::Div], flags);
        // Empty paragraphs.
        for p in self.find(article, |o, d| o.is(d, Tag::P)) {
            let media = self.count(p, &[Tag::Img, Tag::Embed, Tag::Object, Tag::Iframe]);
            if media == 0 && self.char_count(p) == 0 {
                self.detach(p);
            }
        }
    }

    /// What an `<object>`'s markup says about video (its descendants' attributes and text).
    fn object_has_video(&self, e: u32) -> bool {
        self.subtree(e).skip(1).any(|d| {
            self.attrs(d).iter().any(|(_, v)| is_video_url(v))
                || self.text_of(d).is_some_and(is_video_url)
        })
    }

    fn mark_data_tables(&mut self, article: u32) {
        for table in self.find(article, |o, d| o.is(d, Tag::Table)) {
            let data = if self.attr(table, "role") == Some("presentation")
                || self.attr(table, "datatable") == Some("0")
            {
                false
            } else if self.attr(table, "summary").is_some()
                || self.count(
                    table,
                    &[
                        Tag::Caption,
                        Tag::Col,
                        Tag::Colgroup,
                        Tag::Tfoot,
                        Tag::Thead,
                        Tag::Th,
                    ],
                ) > 0
            {
                true
            } else if self.count(table, &[Tag::Table]) > 0 {
                false
            } else {
                let mut rows = 0usize;
                let mut cols = 0usize;
                for tr in self.find(table, |o, d| o.is(d, Tag::Tr)) {
                    rows += 1;
                    let mut in_row = 0usize;
                    for td in self.find(tr, |o, d| o.is(d, Tag::Td)) {
                        let raw = self.attr(td, "colspan").unwrap_or("1");
                        let span = match raw.parse::<usize>() {
                            Ok(v) => v.clamp(1, 1000),
                            Err(_)
                                if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) =>
                            {
                                1000
                            }
                            Err(_) => 1,
                        };
                        in_row = in_row.saturating_add(span);
                    }
                    cols = cols.max(in_row);
                }
                if rows == 1 || cols == 1 {
                    false
                } else if rows >= 10 || cols > 4 {
                    true
                } else {
                    rows.saturating_mul(cols) > 10
                }
            };
            self.data_table[table as usize] = data;
        }
    }

    /// Readability's lazy-image fix, as far as it changes the tree: a `<figure>` without an
    /// image whose attributes name one gets an `<img>`.
    fn fix_lazy_figures(&mut self, article: u32) {
        for fig in self.find(article, |o, d| o.is(d, Tag::Figure)) {
            if self.attr(fig, "src").is_some() || self.attr(fig, "srcset").is_some() {
                continue;
            }
            if self.count(fig, &[Tag::Img, Tag::Picture]) > 0 {
                continue;
            }
            let names_image = self.attrs(fig).iter().any(|(k, v)| {
                if matches!(*k, "src" | "srcset" | "alt") {
                    return false;
                }
                let v = v.to_ascii_lowercase();
                img_attr_to_srcset(&v) || img_attr_to_src(&v)
            });
            if names_image {
                let img = self.new_element(Tag::Img);
                self.append(fig, img);
            }
        }
    }

    fn text_density_cmp(
        &self,
        i: u32,
        tags: &[Tag],
        char_count: usize,
        threshold: f32,
        ordering: Ordering,
    ) -> bool {
        if char_count == 0 {
            return 0.0_f32.partial_cmp(&threshold) == Some(ordering);
        }
        let total = char_count as f32;
        let mut children = 0usize;
        for d in self.all_elements(i, tags) {
            children += self.char_count(d);
            if children as f32 / total > threshold {
                return ordering == Ordering::Greater;
            }
        }
        (children as f32 / total).partial_cmp(&threshold) == Some(ordering)
    }

    fn clean_conditionally(&mut self, article: u32, tags: &[Tag], flags: Flags) {
        if !flags.clean_conditionally {
            return;
        }
        let nodes = self.all_elements(article, tags);
        for &node in nodes.iter().rev() {
            if self.should_remove(node, flags) {
                self.detach(node);
            }
        }
    }

    fn should_remove(&self, node: u32, flags: Flags) -> bool {
        let is_data_table = |o: &Self, n: u32| o.is(n, Tag::Table) && o.data_table[n as usize];
        if self.subtree(node).skip(1).any(|d| is_data_table(self, d)) {
            return false;
        }
        if is_data_table(self, node) || self.has_ancestor(node, 0, is_data_table) {
            return false;
        }
        let weight = self.class_weight(node, flags);
        if weight < 0.0 {
            // Utility classes (`scroll-mt-2`, `md:hidden`) must not drop code wrappers.
            return self.count(node, &[Tag::Pre]) == 0;
        }
        let text = self.text(node);
        if text.matches(',').count() >= 10 {
            return false;
        }
        let mut embeds = 0;
        for e in self.all_elements(node, &[Tag::Object, Tag::Embed, Tag::Iframe]) {
            if self.attrs(e).iter().any(|(_, v)| is_video_url(v)) {
                return false;
            }
            if self.is(e, Tag::Object) && self.object_has_video(e) {
                return false;
            }
            embeds += 1;
        }
        let trimmed = text.trim();
        // The ad and loading words are short: longer texts cannot be one of them.
        if trimmed.len() <= 32 {
            let low = trimmed.to_lowercase();
            let loading = low.trim_end_matches(['…', '.']);
            if AD_WORDS.contains(&low.as_str()) || LOADING_WORDS.contains(&loading) {
                return true;
            }
        }
        let char_count = self.char_count(node);
        let mut is_list = matches!(self.tag(node), Some(Tag::Ul | Tag::Ol));
        if !is_list {
            is_list = self.text_density_cmp(
                node,
                &[Tag::Ul, Tag::Ol],
                char_count,
                0.9,
                Ordering::Greater,
            );
        }
        let img = self.count(node, &[Tag::Img]);
        let remove = || {
            let figure_child = self.has_ancestor(node, 0, |o, a| o.is(a, Tag::Figure));
            let p = self.count(node, &[Tag::P]) as f32;
            let imgf = img as f32;
            if !figure_child && imgf > 1.0 && p / imgf < 0.5 {
                return true;
            }
            let li = self.count(node, &[Tag::Li]) as f32 - 100.0;
            if !is_list && li > p {
                return true;
            }
            let input = self.count(node, &[Tag::Input]) as f32;
            if input > (p / 3.0).floor() {
                return true;
            }
            let density = self.link_density(node, Some(char_count));
            if !is_list
                && !figure_child
                && char_count < 25
                && (img == 0 || img > 2)
                && density > 0.0
                && self.text_density_cmp(
                    node,
                    &[Tag::H1, Tag::H2, Tag::H3, Tag::H4, Tag::H5, Tag::H6],
                    char_count,
                    0.9,
                    Ordering::Less,
                )
            {
                return true;
            }
            if !is_list && weight < 25.0 && density > 0.2 {
                return true;
            }
            if weight >= 25.0 && density > 0.5 {
                return true;
            }
            if (embeds == 1 && char_count < 75) || embeds > 1 {
                return true;
            }
            if img == 0
                && !self.text_density_cmp(
                    node,
                    &[
                        Tag::Blockquote,
                        Tag::Dl,
                        Tag::Div,
                        Tag::Img,
                        Tag::Ol,
                        Tag::P,
                        Tag::Pre,
                        Tag::Table,
                        Tag::Ul,
                        Tag::Span,
                        Tag::Li,
                        Tag::Td,
                    ],
                    1,
                    0.0,
                    Ordering::Greater,
                )
            {
                return true;
            }
            false
        };
        let have_to_remove = remove();
        if is_list && have_to_remove {
            for child in self.children(node) {
                if self.element_children(child).len() > 1 {
                    return have_to_remove;
                }
            }
            return img != self.count(node, &[Tag::Li]);
        }
        have_to_remove
    }
}

fn img_attr_to_srcset(s: &str) -> bool {
    let b = s.as_bytes();
    for ext in IMG_EXT {
        let mut start = 0;
        while let Some(pos) = s[start..].find(ext) {
            let idx = start + pos + ext.len();
            if idx + 1 < s.len() && b[idx].is_ascii_whitespace() && b[idx + 1].is_ascii_digit() {
                return true;
            }
            start = idx;
        }
    }
    false
}

fn img_attr_to_src(s: &str) -> bool {
    s.trim()
        .split('.')
        .skip(1)
        .any(|part| IMG_EXT.iter().any(|ext| part.starts_with(&ext[1..])))
}

/// The title Readability compares headings with: the metadata title (`og:title`...), else the
/// cleaned-up document title.
fn article_title(o: &Overlay<'_>) -> String {
    let mut values: HashMap<String, String> = HashMap::new();
    for meta in o.all_elements(0, &[Tag::Meta]) {
        let Some(content) = o.attr(meta, "content") else {
            continue;
        };
        let content = content.trim();
        if content.is_empty() {
            continue;
        }
        if let Some(property) = o.attr(meta, "property") {
            let property = property.to_ascii_lowercase();
            if let Some(name) = meta_property_name(&property) {
                values.insert(name.trim().to_string(), content.to_string());
            }
            continue;
        }
        if let Some(name) = o.attr(meta, "name") {
            let name = name.to_ascii_lowercase();
            if is_meta_name(&name) {
                let key = name
                    .split_whitespace()
                    .collect::<String>()
                    .replace('.', ":");
                values.insert(key, content.to_string());
            }
        }
    }
    if let Some(t) = META_TITLE_KEYS.iter().find_map(|k| values.get(*k)) {
        return t.clone();
    }
    document_title(o)
}

/// Whether the page's metadata names an author (then Readability leaves bylines alone).
fn has_byline_meta(o: &Overlay<'_>) -> bool {
    let mut found = false;
    for meta in o.all_elements(0, &[Tag::Meta]) {
        let Some(content) = o.attr(meta, "content") else {
            continue;
        };
        if content.trim().is_empty() {
            continue;
        }
        if let Some(property) = o.attr(meta, "property") {
            let property = property.to_ascii_lowercase();
            if let Some(name) = meta_property_name(&property) {
                let name = name.trim();
                if META_BYLINE_KEYS.contains(&name) {
                    found = true;
                }
                if name == "article:author"
                    && !(content.trim().starts_with("http://")
                        || content.trim().starts_with("https://"))
                {
                    found = true;
                }
            }
            continue;
        }
        if let Some(name) = o.attr(meta, "name") {
            let name = name.to_ascii_lowercase();
            if is_meta_name(&name) {
                let key = name
                    .split_whitespace()
                    .collect::<String>()
                    .replace('.', ":");
                if META_BYLINE_KEYS.contains(&key.as_str()) {
                    found = true;
                }
            }
        }
    }
    found
}

fn is_meta_name(name: &str) -> bool {
    if let Some((prefix, key)) = name.split_once(['-', '.', ':']) {
        return META_NAME_PREFIXES.contains(&prefix) && META_NAME_KEYS.contains(&key);
    }
    META_NAME_KEYS.contains(&name)
}

fn meta_property_name(property: &str) -> Option<&str> {
    for part in property.split_whitespace() {
        if let Some(r) = part.rfind(':') {
            let key = &part[r + 1..];
            if !META_PROPERTY_KEYS.contains(&key) {
                continue;
            }
            let pre_pos = part[..r].find(':').map_or(0, |l| l + 1);
            let pre = &part[pre_pos..r];
            if META_PROPERTY_PREFIXES.contains(&pre) {
                return Some(&part[pre_pos..]);
            }
        }
    }
    None
}

fn truncate_title_last(title: &str) -> Option<&str> {
    let (pos, sep) = title
        .char_indices()
        .rev()
        .find(|(_, c)| TITLE_SEPARATORS.contains(c))?;
    let next = title.get(pos + sep.len_utf8()..)?.chars().next()?;
    (next == ' ').then(|| title[..pos].trim())
}

fn truncate_title_first(title: &str) -> Option<&str> {
    let (pos, sep) = title
        .char_indices()
        .find(|(_, c)| TITLE_SEPARATORS.contains(c))?;
    let next = title.get(pos + sep.len_utf8()..)?.chars().next()?;
    (next == ' ').then(|| title[pos + sep.len_utf8()..].trim())
}

/// dom_smoothie's `get_article_title`.
fn document_title(o: &Overlay<'_>) -> String {
    let head_title = o
        .all_elements(0, &[Tag::Title])
        .into_iter()
        .find(|t| o.has_ancestor(*t, 0, |o, a| o.is(a, Tag::Head)))
        .map(|t| o.text(t))
        .unwrap_or_default();
    let orig = head_title.trim();
    let mut cur: String = orig.to_string();
    let char_count = orig.chars().count();
    let mut has_hierarchy_sep = false;
    let mut h1: Option<String> = None;
    if orig.chars().any(|c| TITLE_SEPARATORS.contains(&c)) {
        has_hierarchy_sep = orig.chars().any(|c| TITLE_HIERARCHY_SEP.contains(&c));
        if let Some(part) = truncate_title_last(orig) {
            cur = part.to_string();
        }
        if cur.split_whitespace().count() < 3
            && let Some(part) = truncate_title_first(orig)
        {
            cur = part.to_string();
        }
    } else if cur.contains(": ") {
        let matched = o
            .all_elements(0, &[Tag::H1, Tag::H2])
            .into_iter()
            .any(|h| o.text(h).trim() == cur);
        if !matched && let Some(idx) = orig.rfind(':') {
            cur = orig[idx + 1..].trim().to_string();
            if cur.split_whitespace().count() < 3 {
                if let Some(first) = orig.find(':') {
                    cur = orig[first + 1..].trim().to_string();
                }
            } else if orig
                .find(':')
                .map_or(0, |i| orig[..=i].split_whitespace().count())
                > 5
            {
                cur = orig.to_string();
            }
        }
    } else if !(15..=150).contains(&char_count)
        && let Some(h) = o.all_elements(0, &[Tag::H1]).into_iter().next()
    {
        h1 = Some(o.text(h));
    }
    if let Some(h1) = h1 {
        cur = h1;
    }
    let normalized = normalize_spaces(&cur);
    let words = normalized.split_whitespace().count();
    let orig_words = orig
        .split(TITLE_SEPARATORS)
        .flat_map(str::split_whitespace)
        .count();
    if words <= 4 && (!has_hierarchy_sep || words + 1 != orig_words) {
        return orig.to_string();
    }
    normalized
}

/// Readability on `doc`: the overlay of the chosen attempt and its article element.
fn readability<'d>(doc: &'d Document<'d>) -> Option<(Overlay<'d>, u32)> {
    let mut base = Overlay::new(doc);
    let title = article_title(&base);
    if !has_byline_meta(&base) {
        base.remove_byline();
    }
    base.prepare();
    let mut flags = Flags {
        strip_unlikely: true,
        weight_classes: true,
        clean_conditionally: true,
    };
    let mut best: Option<(Overlay<'d>, u32, usize)> = None;
    loop {
        let mut attempt = base.clone();
        if let Some(article) = attempt.attempt(flags, &title) {
            let len = attempt.char_count(article);
            if len >= CHAR_THRESHOLD {
                return Some((attempt, article));
            }
            if best.as_ref().is_none_or(|(_, _, l)| len > *l) {
                best = Some((attempt, article, len));
            }
        }
        if flags.strip_unlikely {
            flags.strip_unlikely = false;
        } else if flags.weight_classes {
            flags.weight_classes = false;
        } else if flags.clean_conditionally {
            flags.clean_conditionally = false;
        } else {
            return best.map(|(o, a, _)| (o, a));
        }
    }
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

    fn links(doc: &Document<'_>) -> Vec<NodeId> {
        doc.root()
            .descendants()
            .filter(|n| n.is(Tag::A))
            .map(|n| n.id())
            .collect()
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
        let doc = Document::parse(&html);
        let m = detect(&doc, shape(), &links(&doc)).unwrap();
        assert_eq!(m.kept, vec![false, false, true, true, true]);
        assert!(m.text.starts_with("Trail running shoes"), "{}", m.text);
    }

    #[test]
    fn too_deep_or_too_large_pages_are_not_scored() {
        let doc = Document::parse("<p>x</p>");
        let deep = Shape {
            depth: MAX_DEPTH + 1,
            elements: 10,
        };
        assert_eq!(
            detect(&doc, deep, &[]).unwrap_err(),
            Unavailable::TooDeep(MAX_DEPTH + 1)
        );
        let large = Shape {
            depth: 3,
            elements: MAX_ELEMENTS + 1,
        };
        assert!(matches!(
            detect(&doc, large, &[]),
            Err(Unavailable::TooLarge(_))
        ));
    }

    #[test]
    fn titles_and_bylines() {
        let doc = Document::parse(
            "<html><head><title>Trail shoes tested: the twelve best pairs | Runner's Blog</title>\
             </head><body><h1>Trail shoes tested: the twelve best pairs</h1>\
             <p class=byline>By <a href=/me>Me</a></p><div><p>Words, words, words.</p></div></body></html>",
        );
        let o = Overlay::new(&doc);
        assert_eq!(
            article_title(&o),
            "Trail shoes tested: the twelve best pairs"
        );
        assert!(!has_byline_meta(&o));
        let mut o2 = o.clone();
        o2.remove_byline();
        assert!(
            !o2.subtree(0)
                .into_iter()
                .any(|i| o2.matching_string(i).contains("byline"))
        );
    }

    #[test]
    fn brs_become_paragraphs() {
        let doc = Document::parse("<div>one<br><br>two <b>bold</b><br><br>three</div>");
        let mut o = Overlay::new(&doc);
        o.prepare();
        let div = o
            .subtree(0)
            .into_iter()
            .find(|i| o.is(*i, Tag::Div))
            .unwrap();
        let ps: Vec<String> = o
            .element_children(div)
            .into_iter()
            .filter(|c| o.is(*c, Tag::P))
            .map(|p| o.text(p))
            .collect();
        assert_eq!(ps, ["two bold", "three"]);
    }

    proptest::proptest! {
        #[test]
        fn subtree_counts_in_one_pass(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "<p>", "</p>", "<div>", "</div>", "<b>", "</b>", " ", "  a ", "b", "\n c\t",
                "<br>", "x y", " \u{a0}", "é ",
            ]), 0..30)
        ) {
            let html = pieces.concat();
            let doc = Document::parse(&html);
            let o = Overlay::new(&doc);
            let all = o.char_counts(0);
            for i in o.subtree(0) {
                proptest::prop_assert_eq!(all[i as usize], o.char_count(i), "{}", html);
            }
        }
    }

    #[test]
    fn similarity() {
        assert!(text_similarity("The quick brown fox", "The quick fox") > 0.75);
        assert!((text_similarity("a b c d", "A B C D") - 1.0).abs() < 1e-9);
        assert!(text_similarity("Some title", "...") < 1e-9);
    }
}
