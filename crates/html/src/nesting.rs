//! Guarding html5ever against hostile structure, before it sees a page the fast parser declined.
//!
//! html5ever follows the HTML standard's tree construction, which has superlinear corners
//! that a hostile page can reach with a few hundred kilobytes:
//!
//! - *Depth.* Many start tags ("close a `<p>` in button scope", `<li>`, end tags) walk the
//!   stack of open elements, so 100,000 nested `<div>`s cost 10^10 steps (minutes of CPU).
//! - *Reconstruction.* Formatting elements (`<b>`, `<font>`...) left open when their block
//!   closes are re-created before the next text; with distinct attributes the standard's
//!   "Noah's Ark" clause never prunes them, so `<p><b id=1>x</p><p><b id=2>x</p>...` builds a
//!   quadratic tree: 4,000 paragraphs (70 KB) take 30 s and 1.4 GB.
//! - *Attributes.* The tokenizer looks for an earlier attribute of the same name at every
//!   attribute, so 100,000 distinct attributes on one tag cost 5·10^9 comparisons.
//!
//! [`limit_nesting`] reads the page with the fast parser's own tokenizer rules
//! (`crate::tokenizer`), runs a linear model of the parts of tree construction that push and
//! pop (scopes, implied end tags, foreign content, the list of active formatting elements),
//! and drops the start tags, with their end tags, that would take the open-element stack past
//! [`MAX_NESTING`] or the formatting list past [`MAX_FORMATTING`], and the attributes of a tag
//! past [`MAX_ATTRIBUTES`]. The text between
//! them is kept, and so is every `<a>`, `<area>`, raw-text element (`<script>`, `<style>`,
//! `<title>`...) and `<template>`, so links and what hides them stay as they were. Chrome's
//! parser does the same beyond 512 levels (it stops nesting there). Ordinary pages, far below
//! both limits, come back untouched and without a copy.

use crate::tokenizer::{self, Markup, RawAttr};
use std::borrow::Cow;
use std::collections::HashMap;

/// Deepest stack of open elements handed to the parser (Blink's parser limit).
pub const MAX_NESTING: usize = 512;

/// Most formatting elements kept in the list of active formatting elements (after the last
/// marker); real pages keep a handful.
pub const MAX_FORMATTING: usize = 64;

/// Most formatting elements the parser may re-create in one document. Past it, the pending
/// ones are closed where they stand and new ones are dropped, so a page cannot make the
/// parser multiply its elements.
pub const MAX_RECONSTRUCTED: usize = 10_000;

/// Most attributes read on one tag (duplicates included); the rest of the tag's attributes
/// are dropped. Real tags carry a few dozen at most.
pub const MAX_ATTRIBUTES: usize = 256;

/// The page with the tags that would nest too deep (and the attributes past the limit)
/// removed, or the page itself when nothing is.
pub fn limit_nesting(html: &str) -> Cow<'_, str> {
    limit_nesting_counted(html).0
}

/// [`limit_nesting`], and the steps its model took ([`crate::Cost::steps`]).
pub(crate) fn limit_nesting_counted(html: &str) -> (Cow<'_, str>, u64) {
    let mut model = Model::new();
    model.run(html.as_bytes());
    let steps = model.steps;
    if model.edits.is_empty() {
        return (Cow::Borrowed(html), steps);
    }
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    for e in model.edits {
        // Edits start at an ASCII `<` or attribute name and end before or after a `>`:
        // character boundaries.
        out.push_str(&html[at..e.at]);
        out.push_str(&e.insert);
        at = e.end;
    }
    out.push_str(&html[at..]);
    (Cow::Owned(out), steps + html.len() as u64)
}

/// One change to the page: `html[at..end]` replaced by `insert`.
#[derive(Debug)]
struct Edit {
    at: usize,
    end: usize,
    insert: String,
}

/// A lower-cased tag name, hashed (FNV-1a) for cheap comparisons.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct Name(u64);

/// What the tree-construction rules need to know about an open element.
mod flag {
    /// The standard's "special" category.
    pub const SPECIAL: u16 = 1;
    /// Bounds "has an element in scope".
    pub const SCOPE: u16 = 1 << 1;
    /// Bounds "in button scope" (with `SCOPE`).
    pub const BUTTON: u16 = 1 << 2;
    /// Bounds "in table scope".
    pub const TABLE: u16 = 1 << 3;
    /// `<ol>`/`<ul>`: bounds "in list item scope" (with `SCOPE`).
    pub const LIST: u16 = 1 << 4;
    /// `<address>`, `<div>`, `<p>`: special, yet passed over when closing a list item.
    pub const ITEM_PASS: u16 = 1 << 5;
    /// `<h1>`...`<h6>`.
    pub const HEADING: u16 = 1 << 6;
    /// Puts a marker in the list of active formatting elements.
    pub const MARKER: u16 = 1 << 7;
    /// Content is raw text: never dropped (its end tag follows at once).
    pub const RAW: u16 = 1 << 8;
}

fn flags(n: &[u8]) -> u16 {
    use flag::*;
    let mut f = 0;
    if is_special(n) {
        f |= SPECIAL;
    }
    match n {
        b"applet" | b"caption" | b"html" | b"table" | b"td" | b"th" | b"marquee" | b"object"
        | b"template" => f |= SCOPE,
        b"button" => f |= BUTTON,
        b"ol" | b"ul" => f |= LIST,
        b"address" | b"div" | b"p" => f |= ITEM_PASS,
        b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" => f |= HEADING,
        _ => {}
    }
    if matches!(n, b"table" | b"html" | b"template") {
        f |= TABLE;
    }
    if matches!(
        n,
        b"applet" | b"object" | b"marquee" | b"template" | b"td" | b"th" | b"caption"
    ) {
        f |= MARKER;
    }
    if raw_kind(n).is_some() {
        f |= RAW;
    }
    f
}

#[derive(Clone, Copy, Debug)]
struct Open {
    name: Name,
    flags: u16,
    foreign: bool,
    /// An HTML integration point (`<foreignObject>`, MathML text elements...): its children are
    /// HTML again.
    integration: bool,
    /// The formatting-list entry this element was created for.
    formatting: Option<u32>,
}

impl Open {
    fn html(name: Name, flags: u16) -> Open {
        Open {
            name,
            flags,
            foreign: false,
            integration: false,
            formatting: None,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Entry {
    Marker,
    Element {
        id: u32,
        tag: Lower,
        attrs: u64,
        open: bool,
    },
}

#[derive(Default)]
struct Model {
    stack: Vec<Open>,
    list: Vec<Entry>,
    next_id: u32,
    reconstructed: usize,
    /// Past [`MAX_RECONSTRUCTED`]: formatting elements are no longer let in.
    strict: bool,
    /// Start tags dropped, per name, whose end tags are dropped too.
    dropped: HashMap<Name, usize>,
    edits: Vec<Edit>,
    /// Work done, for [`crate::Cost::steps`].
    steps: u64,
}

impl Model {
    /// The parser's stack starts with `<html>` and `<body>` (implied when absent).
    fn new() -> Model {
        let mut m = Model::default();
        for n in [&b"html"[..], b"body"] {
            m.stack.push(Open::html(Lower::new(n).name(), flags(n)));
        }
        m
    }

    fn run(&mut self, s: &[u8]) {
        let mut i = 0;
        while i < s.len() {
            let Some(lt) = memchr::memchr(b'<', &s[i..]) else {
                self.steps += (s.len() - i) as u64;
                break;
            };
            let at = i + lt;
            self.steps += lt as u64 + 1;
            // Text (whitespace too) re-opens the formatting elements a block closed; NUL
            // characters do not: the parser ignores them in body text before re-opening
            // anything, so a model that re-opened there would believe elements still open
            // that the parser closed, and miss the re-creations that follow.
            if lt > 0 && s[i..at].iter().any(|&b| b != 0) {
                self.reconstruct(at);
            }
            let foreign = self.stack.last().is_some_and(|o| o.foreign);
            let start = match tokenizer::markup(s, at, foreign) {
                Markup::Text => {
                    self.reconstruct(at);
                    i = at + 1;
                    continue;
                }
                Markup::EmptyEndTag { end }
                | Markup::Comment { end }
                | Markup::Bogus { end }
                | Markup::Doctype { end, .. }
                | Markup::Cdata { end, .. } => {
                    self.steps += (end - at) as u64;
                    i = end;
                    continue;
                }
                Markup::StartTag => true,
                Markup::EndTag => false,
            };
            let name_start = at + if start { 1 } else { 2 };
            let mut attrs = Attrs::default();
            // Markup cut short by the end of the input: the tokenizer drops it, and nothing
            // follows to model.
            let Some(tag) = tokenizer::scan_tag(s, name_start, |a| attrs.add(s, a)) else {
                break;
            };
            self.steps += (tag.end - at) as u64;
            let name = &s[name_start..tag.name_end];
            let edits_before = self.edits.len();
            let raw = if start {
                self.start_tag(name, attrs.value(), tag.self_closing, at, tag.end)
            } else {
                self.end_tag(name, at, tag.end);
                None
            };
            if let Some(from) = attrs.cut {
                let dropped = self.edits[edits_before..]
                    .iter()
                    .any(|e| e.at == at && e.end == tag.end);
                if !dropped {
                    // Up to the tag's `>` or `/>`.
                    let close = tag.end - if tag.self_closing { 2 } else { 1 };
                    self.edits.push(Edit {
                        at: from,
                        end: close,
                        insert: String::new(),
                    });
                }
            }
            i = tag.end;
            match raw {
                None => {}
                Some(RawKind::Plaintext) => break,
                // Raw text runs to the first matching end tag, modelled as such.
                Some(RawKind::Text) => match tokenizer::raw_text_end(s, tag.end, name) {
                    Some(p) => {
                        self.steps += (p - tag.end) as u64;
                        i = p;
                    }
                    None => break,
                },
            }
        }
    }

    /// Whether the nearest table-scope boundary open is a `<table>` or `<template>` (not the
    /// root): where the parser reads table parts as elements.
    fn in_table(&mut self) -> bool {
        self.steps += self.stack.len() as u64;
        let html = name(b"html");
        self.stack
            .iter()
            .rev()
            .find(|o| !o.foreign && o.flags & flag::TABLE != 0)
            .is_some_and(|o| o.name != html)
    }

    /// Whether the next token is in foreign content (SVG/MathML, not at an integration point).
    fn in_foreign(&self) -> bool {
        self.stack
            .last()
            .is_some_and(|o| o.foreign && !o.integration)
    }

    /// Pops down to and including the element at `index`, from the top: a popped marker
    /// element (`<td>`, `<object>`...) takes the list back to its marker, as the parser's
    /// closing steps for those do, so the list never outgrows the open markers.
    fn pop_to(&mut self, index: usize) {
        let index = index.max(2); // never <html> or <body>
        while self.stack.len() > index {
            let o = self.stack.pop().expect("the stack is longer than index");
            if o.flags & flag::MARKER != 0 {
                self.clear_to_marker();
                continue;
            }
            let Some(id) = o.formatting else { continue };
            for e in self.list.iter_mut().rev() {
                self.steps += 1;
                if let Entry::Element { id: i, open, .. } = e
                    && *i == id
                {
                    *open = false;
                    break;
                }
            }
        }
    }

    /// Takes the list back to (and without) its last marker.
    fn clear_to_marker(&mut self) {
        self.steps += 1;
        while let Some(e) = self.list.pop() {
            self.steps += 1;
            if matches!(e, Entry::Marker) {
                break;
            }
        }
    }

    /// The index of the nearest open HTML element `want` accepts, searching down from the
    /// current node and giving up at foreign content or an element `stop` accepts.
    fn find(
        &mut self,
        want: impl Fn(&Open) -> bool,
        stop: impl Fn(&Open) -> bool,
    ) -> Option<usize> {
        self.steps += self.stack.len() as u64;
        for (i, o) in self.stack.iter().enumerate().rev() {
            if !o.foreign && want(o) {
                return Some(i);
            }
            if o.foreign || stop(o) {
                return None;
            }
        }
        None
    }

    fn close_p(&mut self) {
        let p = name(b"p");
        if let Some(i) = self.find(
            |o| o.name == p,
            |o| o.flags & (flag::SCOPE | flag::BUTTON) != 0,
        ) {
            self.pop_to(i);
        }
    }

    /// Re-opens formatting elements that blocks closed, as the parser does before text and
    /// most start tags. `at` is where that happens, in case the budget runs out there.
    fn reconstruct(&mut self, at: usize) {
        let start = self
            .list
            .iter()
            .rposition(|e| matches!(e, Entry::Marker))
            .map_or(0, |m| m + 1);
        self.steps += 2 * (self.list.len() - start) as u64 + 1;
        for k in start..self.list.len() {
            if let Entry::Element { id, tag, open, .. } = &mut self.list[k]
                && !*open
            {
                *open = true;
                let o = Open {
                    name: tag.name(),
                    flags: 0,
                    foreign: false,
                    integration: false,
                    formatting: Some(*id),
                };
                self.stack.push(o);
                self.reconstructed += 1;
            }
        }
        if self.reconstructed > MAX_RECONSTRUCTED && !self.strict {
            self.go_strict(at);
        }
    }

    /// Closes every formatting element still listed, with end tags inserted at `at` (the
    /// parser then forgets them), and lets no new one in.
    fn go_strict(&mut self, at: usize) {
        self.strict = true;
        let mut insert = String::new();
        for e in self.list.iter().rev() {
            if let Entry::Element { tag, .. } = e {
                insert.push_str("</");
                insert.push_str(std::str::from_utf8(tag.as_bytes()).unwrap_or("b"));
                insert.push('>');
            }
        }
        self.list.retain(|e| matches!(e, Entry::Marker));
        for o in &mut self.stack {
            o.formatting = None;
        }
        self.edits.push(Edit {
            at,
            end: at,
            insert,
        });
    }

    fn formatting_count(&mut self) -> usize {
        self.steps += 1 + self.list.len().min(MAX_FORMATTING + 1) as u64;
        self.list
            .iter()
            .rev()
            .take_while(|e| !matches!(e, Entry::Marker))
            .count()
    }

    /// Models a start tag; returns the raw-text kind when its content is not markup.
    fn start_tag(
        &mut self,
        raw_name: &[u8],
        attrs: u64,
        self_closing: bool,
        at: usize,
        end: usize,
    ) -> Option<RawKind> {
        let lower = Lower::new(raw_name);
        let n = lower.as_bytes();
        let tag = lower.name();
        if self.in_foreign() {
            let breakout = is_breakout(n) || (n == b"font" && attrs & FONT_BREAKOUT_ATTRS != 0);
            if !breakout {
                if !self_closing {
                    let integration = matches!(
                        n,
                        b"foreignobject"
                            | b"desc"
                            | b"title"
                            | b"mi"
                            | b"mo"
                            | b"mn"
                            | b"ms"
                            | b"mtext"
                            | b"annotation-xml"
                    );
                    let o = Open {
                        foreign: true,
                        integration,
                        ..Open::html(tag, 0)
                    };
                    self.keep_or_drop(o, at, end);
                }
                return None;
            }
            while self.in_foreign() && self.stack.len() > 2 {
                self.stack.pop();
            }
        }
        match n {
            b"html" | b"head" | b"body" | b"frameset" => return None,
            // Table parts are ignored outside a table (or template): taken for elements there,
            // a `<td>` would put a marker in the model's list that the parser never has, and
            // let formatting elements past the limits.
            _ if is_table_part(n) && !self.in_table() => return None,
            b"svg" | b"math" => {
                self.reconstruct(at);
                if !self_closing {
                    let o = Open {
                        foreign: true,
                        ..Open::html(tag, 0)
                    };
                    self.keep_or_drop(o, at, end);
                }
                return None;
            }
            _ => {}
        }
        if closes_p(n) {
            self.close_p();
        }
        let (li, dd, dt) = (name(b"li"), name(b"dd"), name(b"dt"));
        let special_stop =
            |o: &Open| o.flags & flag::SPECIAL != 0 && o.flags & flag::ITEM_PASS == 0;
        let table_stop = |o: &Open| o.flags & flag::TABLE != 0;
        let found = match n {
            b"li" => self.find(|o| o.name == li, special_stop),
            b"dd" | b"dt" => self.find(|o| o.name == dd || o.name == dt, special_stop),
            b"td" | b"th" => {
                let (td, th) = (name(b"td"), name(b"th"));
                self.find(|o| o.name == td || o.name == th, table_stop)
            }
            b"tr" => {
                let tr = name(b"tr");
                self.find(|o| o.name == tr, table_stop)
            }
            b"tbody" | b"thead" | b"tfoot" => {
                let (a, b, c) = (name(b"tbody"), name(b"thead"), name(b"tfoot"));
                self.find(|o| o.name == a || o.name == b || o.name == c, table_stop)
            }
            b"a" | b"nobr" | b"button" => {
                let found = self.find(
                    |o| o.name == tag,
                    |o| o.flags & (flag::MARKER | flag::SCOPE) != 0,
                );
                // The parser looks for an earlier `<a>` in the list, open or not (its adoption
                // agency then removes it); a `<nobr>` or `<button>` only when open.
                if found.is_some() || n == b"a" {
                    self.remove_formatting(tag);
                }
                found
            }
            b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" => self
                .stack
                .last()
                .is_some_and(|o| o.flags & flag::HEADING != 0)
                .then(|| self.stack.len() - 1),
            b"option" | b"optgroup" => {
                let option = name(b"option");
                self.stack
                    .last()
                    .is_some_and(|o| o.name == option)
                    .then(|| self.stack.len() - 1)
            }
            _ => None,
        };
        if let Some(i) = found {
            self.pop_to(i);
        }
        if is_void(n) {
            if !is_special(n) {
                self.reconstruct(at);
            }
            return None;
        }
        let f = flags(n);
        if is_formatting(n) {
            self.reconstruct(at);
            let is_a = n == b"a";
            if !is_a && (self.strict || self.formatting_count() >= MAX_FORMATTING) {
                self.drop_tag(tag, at, end);
                return None;
            }
            // Noah's Ark: at most three entries alike since the last marker.
            let mut alike = 0;
            let mut earliest = None;
            for (k, e) in self.list.iter().enumerate().rev() {
                self.steps += 1;
                match e {
                    Entry::Marker => break,
                    Entry::Element {
                        tag: t, attrs: a, ..
                    } if t.name() == tag && *a == attrs => {
                        alike += 1;
                        earliest = Some(k);
                    }
                    Entry::Element { .. } => {}
                }
            }
            if alike >= 3
                && let Some(k) = earliest
            {
                self.list.remove(k);
            }
            let id = self.next_id;
            self.next_id = self.next_id.wrapping_add(1);
            let o = Open {
                formatting: Some(id),
                ..Open::html(tag, f)
            };
            if self.keep_or_drop(o, at, end) {
                self.list.push(Entry::Element {
                    id,
                    tag: lower,
                    attrs,
                    open: true,
                });
            }
            return None;
        }
        if f & flag::SPECIAL == 0 {
            self.reconstruct(at);
        }
        let kept = self.keep_or_drop(Open::html(tag, f), at, end);
        if kept && f & flag::MARKER != 0 {
            self.list.push(Entry::Marker);
        }
        if kept { raw_kind(n) } else { None }
    }

    /// Pushes `o`, unless the stack is full and the element may go: then its tag is dropped.
    /// Returns whether it was kept.
    fn keep_or_drop(&mut self, o: Open, at: usize, end: usize) -> bool {
        let must_keep =
            o.name == name(b"a") || o.name == name(b"template") || o.flags & flag::RAW != 0;
        if self.stack.len() >= MAX_NESTING && !must_keep {
            self.drop_tag(o.name, at, end);
            false
        } else {
            self.stack.push(o);
            true
        }
    }

    fn drop_tag(&mut self, tag: Name, at: usize, end: usize) {
        *self.dropped.entry(tag).or_default() += 1;
        self.edits.push(Edit {
            at,
            end,
            insert: String::new(),
        });
    }

    /// Removes the last entry for `tag` after the last marker (the adoption agency's effect).
    fn remove_formatting(&mut self, tag: Name) {
        for k in (0..self.list.len()).rev() {
            self.steps += 1;
            match self.list[k] {
                Entry::Marker => return,
                Entry::Element { tag: t, .. } if t.name() == tag => {
                    self.list.remove(k);
                    return;
                }
                Entry::Element { .. } => {}
            }
        }
    }

    fn end_tag(&mut self, raw_name: &[u8], at: usize, end: usize) {
        let lower = Lower::new(raw_name);
        let n = lower.as_bytes();
        let tag = lower.name();
        if let Some(count) = self.dropped.get_mut(&tag)
            && *count > 0
        {
            *count -= 1;
            self.drop_tag_end(at, end);
            return;
        }
        if self.in_foreign() {
            // Foreign elements close by name; an HTML element below takes the HTML rules.
            for i in (2..self.stack.len()).rev() {
                let o = self.stack[i];
                if !o.foreign {
                    break;
                }
                if o.name == tag {
                    self.stack.truncate(i);
                    return;
                }
            }
        }
        let scope = |o: &Open| o.flags & flag::SCOPE != 0;
        let special = |o: &Open| o.flags & flag::SPECIAL != 0;
        let found = match n {
            b"html" | b"body" | b"head" | b"br" => None,
            b"p" => {
                self.close_p();
                None
            }
            b"li" => self.find(
                |o| o.name == tag,
                |o| o.flags & (flag::SCOPE | flag::LIST) != 0,
            ),
            b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" => {
                self.find(|o| o.flags & flag::HEADING != 0, scope)
            }
            _ if is_formatting(n) => {
                self.remove_formatting(tag);
                self.find(|o| o.name == tag, special)
            }
            _ if is_table_part(n) => self.find(|o| o.name == tag, |o| o.flags & flag::TABLE != 0),
            _ if is_special(n) => self.find(|o| o.name == tag, scope),
            _ => self.find(|o| o.name == tag, special),
        };
        if let Some(i) = found {
            self.pop_to(i);
        }
    }

    fn drop_tag_end(&mut self, at: usize, end: usize) {
        self.edits.push(Edit {
            at,
            end,
            insert: String::new(),
        });
    }
}

/// What the model keeps of a tag's attributes: a hash of them (for Noah's Ark; the `font`
/// attributes that leave foreign content set [`FONT_BREAKOUT_ATTRS`]) and, past
/// [`MAX_ATTRIBUTES`], where the ones to drop start.
struct Attrs {
    hash: u64,
    font: u64,
    count: usize,
    cut: Option<usize>,
}

impl Default for Attrs {
    fn default() -> Attrs {
        Attrs {
            hash: 0xcbf2_9ce4_8422_2325,
            font: 0,
            count: 0,
            cut: None,
        }
    }
}

impl Attrs {
    fn add(&mut self, s: &[u8], a: RawAttr) {
        self.count += 1;
        if self.count > MAX_ATTRIBUTES {
            self.cut.get_or_insert(a.name.0);
            return;
        }
        let name = &s[a.name.0..a.name.1];
        let value = &s[a.value.0..a.value.1];
        // Name and value apart (`=` cannot start a value), lower-cased like the tokenizer's
        // names; values compared as written.
        for &b in name.iter().chain(b"=").chain(value) {
            self.hash =
                (self.hash ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x100_0000_01b3);
        }
        self.font |= font_bit(name);
    }

    /// The hash, with the [`FONT_BREAKOUT_ATTRS`] bit for the `font` attributes.
    fn value(&self) -> u64 {
        (self.hash & !FONT_BREAKOUT_ATTRS) | self.font
    }
}

/// Bit set in an attribute hash when a `color`, `face` or `size` attribute is present.
const FONT_BREAKOUT_ATTRS: u64 = 1 << 63;

fn font_bit(name: &[u8]) -> u64 {
    if [&b"color"[..], b"face", b"size"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
    {
        FONT_BREAKOUT_ATTRS
    } else {
        0
    }
}

/// A tag name lower-cased into a small buffer (longer names are no name the model knows).
#[derive(Clone, Copy, Debug)]
struct Lower {
    buf: [u8; 16],
    len: usize,
    hash: u64,
}

impl Lower {
    fn new(raw: &[u8]) -> Lower {
        let mut buf = [0u8; 16];
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for (i, b) in raw.iter().enumerate() {
            let l = b.to_ascii_lowercase();
            if i < 16 {
                buf[i] = l;
            }
            hash = (hash ^ u64::from(l)).wrapping_mul(0x100_0000_01b3);
        }
        Lower {
            buf,
            len: if raw.len() <= 16 { raw.len() } else { 0 },
            hash,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    fn name(&self) -> Name {
        Name(self.hash)
    }
}

const fn name(b: &[u8]) -> Name {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < b.len() {
        hash = (hash ^ b[i] as u64).wrapping_mul(0x100_0000_01b3);
        i += 1;
    }
    Name(hash)
}

/// The standard's "special" elements, as the fast parser (and html5ever) know them.
fn is_special(n: &[u8]) -> bool {
    crate::dom::Tag::from_name(n).is_some_and(crate::fast::is_special_tag)
}

fn is_void(n: &[u8]) -> bool {
    matches!(
        n,
        b"area"
            | b"base"
            | b"basefont"
            | b"bgsound"
            | b"br"
            | b"col"
            | b"embed"
            | b"frame"
            | b"hr"
            | b"image"
            | b"img"
            | b"input"
            | b"keygen"
            | b"link"
            | b"meta"
            | b"param"
            | b"source"
            | b"track"
            | b"wbr"
    )
}

fn is_formatting(n: &[u8]) -> bool {
    matches!(
        n,
        b"a" | b"b"
            | b"big"
            | b"code"
            | b"em"
            | b"font"
            | b"i"
            | b"nobr"
            | b"s"
            | b"small"
            | b"strike"
            | b"strong"
            | b"tt"
            | b"u"
    )
}

fn closes_p(n: &[u8]) -> bool {
    matches!(
        n,
        b"address"
            | b"article"
            | b"aside"
            | b"blockquote"
            | b"center"
            | b"details"
            | b"dialog"
            | b"dir"
            | b"div"
            | b"dl"
            | b"fieldset"
            | b"figcaption"
            | b"figure"
            | b"footer"
            | b"header"
            | b"hgroup"
            | b"main"
            | b"menu"
            | b"nav"
            | b"ol"
            | b"p"
            | b"search"
            | b"section"
            | b"summary"
            | b"ul"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"pre"
            | b"listing"
            | b"form"
            | b"plaintext"
            | b"table"
            | b"hr"
            | b"xmp"
            | b"li"
            | b"dd"
            | b"dt"
    )
}

/// Start tags that leave foreign content, as the fast parser (and html5ever) know them.
fn is_breakout(n: &[u8]) -> bool {
    crate::dom::Tag::from_name(n).is_some_and(crate::fast::is_breakout_tag)
}

fn is_table_part(n: &[u8]) -> bool {
    matches!(
        n,
        b"tbody" | b"thead" | b"tfoot" | b"tr" | b"td" | b"th" | b"caption" | b"colgroup"
    )
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum RawKind {
    Text,
    Plaintext,
}

fn raw_kind(n: &[u8]) -> Option<RawKind> {
    match n {
        b"script" | b"style" | b"xmp" | b"iframe" | b"noembed" | b"noframes" | b"noscript"
        | b"textarea" | b"title" => Some(RawKind::Text),
        b"plaintext" => Some(RawKind::Plaintext),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drops(html: &str) -> usize {
        let mut m = Model::new();
        m.run(html.as_bytes());
        m.edits.len()
    }

    #[test]
    fn ordinary_pages_are_untouched() {
        let mut page = String::from("<!doctype html><html><head><title>t</title></head><body>");
        for i in 0..2_000 {
            page.push_str(&format!(
                "<div class=c{i}><p>para <b>bold<i>it</i></b> <a href='/x{i}'>x</a><p>unclosed<li>item<br><img src=x></div>"
            ));
        }
        page.push_str("<table><tr><td>cell<td>cell<tr><td>x</table></body></html>");
        assert!(matches!(limit_nesting(&page), Cow::Borrowed(_)));
        assert_eq!(drops(&page), 0);
    }

    #[test]
    fn deep_nesting_is_cut_at_the_limit_keeping_text_and_links() {
        let html = format!(
            "<body>{}<a href='https://example.com/'>deep</a>{}</body>",
            "<div>".repeat(10_000),
            "</div>".repeat(10_000)
        );
        let out = limit_nesting(&html);
        // Under <html> and <body>.
        assert_eq!(out.matches("<div>").count(), MAX_NESTING - 2);
        assert_eq!(out.matches("</div>").count(), MAX_NESTING - 2);
        assert!(out.contains("<a href='https://example.com/'>deep</a>"));
    }

    #[test]
    fn reconstructed_formatting_is_bounded() {
        let html: String = (0..5_000).map(|i| format!("<p><b id={i}>x</p>")).collect();
        let out = limit_nesting(&html);
        assert!(out.matches("<b ").count() <= MAX_FORMATTING);
        assert_eq!(out.matches("<p>").count(), 5_000);
    }

    #[test]
    fn the_parser_builds_a_bounded_tree_from_a_reconstruction_bomb() {
        let html: String = (0..20_000).map(|i| format!("<p><b id={i}>x</p>")).collect();
        let out = limit_nesting(&html);
        let doc = crate::dom::Document::parse_html5ever(&out);
        let elements = doc
            .root()
            .descendants()
            .filter(|n| n.value().is_element())
            .count();
        // 20,000 paragraphs, a few formatting elements each at most.
        assert!(
            elements < 20_000 + MAX_RECONSTRUCTED * 2,
            "{elements} elements"
        );
    }

    #[test]
    fn every_fixture_page_is_untouched() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        let mut dirs = vec![root];
        let mut seen = 0;
        while let Some(dir) = dirs.pop() {
            for e in std::fs::read_dir(dir).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|x| x == "html") {
                    let bytes = std::fs::read(&path).unwrap();
                    let text = String::from_utf8_lossy(&bytes);
                    assert!(
                        matches!(limit_nesting(&text), Cow::Borrowed(_)),
                        "{}",
                        path.display()
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen >= 20, "{seen} fixture pages");
    }

    #[test]
    fn raw_text_is_not_markup() {
        let inner = "<div>".repeat(2_000);
        let html = format!("<script>{inner}</script><textarea>{inner}</textarea><!-- {inner} -->");
        assert!(matches!(limit_nesting(&html), Cow::Borrowed(_)));
        // In SVG, <style> is an element like any other, and the <div>s break out of it.
        let svg = format!("<svg><style>{inner}</style></svg>");
        assert!(matches!(limit_nesting(&svg), Cow::Owned(_)));
    }

    #[test]
    fn quoted_attributes_hide_no_tags() {
        let html = format!("<a title=\">{}\">x</a>", "<div>".repeat(2_000));
        assert!(matches!(limit_nesting(&html), Cow::Borrowed(_)));
        // `=` opening a name is no value: the quote does not hide what follows.
        let tricky = format!("<i =\"x>{}\">", "<div>".repeat(2_000));
        assert!(matches!(limit_nesting(&tricky), Cow::Owned(_)));
    }

    #[test]
    fn self_closing_only_counts_in_foreign_content() {
        let html = "<div/>".repeat(2_000);
        assert!(matches!(limit_nesting(&html), Cow::Owned(_)));
        let svg = format!("<svg>{}</svg>", "<path/>".repeat(2_000));
        assert!(matches!(limit_nesting(&svg), Cow::Borrowed(_)));
    }
}
