//! The fast HTML parser: a tokenizer and a tree builder for the shapes real pages take,
//! producing exactly the tree html5ever builds.
//!
//! It follows the WHATWG algorithms as html5ever implements them (the tokenizer's states through
//! the shared rules of `crate::tokenizer`, character references, the insertion modes for the
//! document, head, body, tables, captions, column groups, rows and cells, implied end tags,
//! scopes, the list of active formatting elements with reconstruction, the adoption agency and
//! Noah's Ark, repeated `<html>` and `<body>` tags, `<plaintext>`, inline SVG with its
//! integration points), and declines ([`Decline`]) wherever html5ever would do something it does
//! not implement. On the 1,567 real pages of the development sets (`tests/differential.rs`) that
//! is, most common first:
//!
//! - `<template>` (175 of the 1,476 pages of 2025, 2 of the 91 older ones): its own insertion
//!   modes;
//! - a `<script>` holding both `<!--` and `<script` (6): the tokenizer's escaped states;
//! - MathML (1), an element, `</p>` or `</br>` directly in a table (foster parenting, 1), a
//!   `<table>` in a `<p>` under a legacy doctype (1);
//! - never seen there: text in a table (foster parenting), `<frameset>`, an insertion-mode reset
//!   into a template or frameset mode, a NUL character;
//! - and the parser limits of [`crate::nesting`] (nesting, formatting elements, re-created
//!   formatting elements, attributes per tag), which only hostile pages reach: past them the
//!   guard changes the page before html5ever sees it.
//!
//! The caller then parses the page with html5ever, so the tree is the same whichever parser
//! built it; `tests` below, the property test there, the differential test over the real pages
//! and the `parsers` fuzz target compare the two.
//!
//! Speed comes from scanning bytes (`memchr` to the next `<` or `&`), keeping text and
//! attribute values as spans of the source when they need no decoding, interning element
//! names, and building the compact [`Document`] arena directly. Every loop is linear in the
//! input or bounded by a parser limit (see [`crate::Cost`]).

use crate::Decline;
use crate::dom::{Attr, Data, Document, Name, Ns, Span, Tag};
use crate::tokenizer::{self, Markup, RawAttr, is_ws};
use std::borrow::Cow;
use std::collections::HashSet;

type R<T> = Result<T, Decline>;

const NONE: u32 = u32::MAX;
/// A marker in the list of active formatting elements.
const MARKER: u32 = u32::MAX;

/// Parses `html`, or declines; and the steps it took ([`crate::Cost::steps`]).
pub(crate) fn parse_counted(html: &str) -> (R<Document<'_>>, u64) {
    let bytes = html.as_bytes();
    if memchr::memchr(0, bytes).is_some() {
        return (Err(Decline::Nul), bytes.len() as u64);
    }
    if memchr::memchr(b'\r', bytes).is_some() {
        // The input stream preprocessing: CR LF and lone CR become LF.
        let normalized = html.replace("\r\n", "\n").replace('\r', "\n");
        let (doc, steps) = Parser::new(&normalized).run();
        let doc = doc.map(|mut doc| {
            doc.src = Cow::Owned(normalized);
            doc
        });
        (doc, steps + 2 * bytes.len() as u64)
    } else {
        let (doc, steps) = Parser::new(html).run();
        let doc = doc.map(|mut doc| {
            doc.src = Cow::Borrowed(html);
            doc
        });
        (doc, steps)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Initial,
    BeforeHtml,
    BeforeHead,
    InHead,
    AfterHead,
    InBody,
    InTable,
    InTableBody,
    InRow,
    InCell,
    InCaption,
    InColumnGroup,
    AfterBody,
    AfterAfterBody,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quirks {
    No,
    Yes,
    /// A doctype this parser does not classify (html5ever's list of legacy public identifiers).
    Unknown,
}

/// How the tokenizer reads an element's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Raw {
    Rcdata,
    Rawtext,
    Script,
    /// Everything to the end of the input.
    Plaintext,
}

#[derive(Debug, Clone, Copy)]
struct StartTag {
    name: Name,
    self_closing: bool,
}

#[derive(Debug, Clone, Copy)]
enum Tok {
    Start(StartTag),
    End(Name),
    Chars(Span),
    Comment,
    Eof,
}

enum Step {
    Done(Option<Raw>),
    Reprocess(Mode, Tok),
}

use Step::{Done, Reprocess};

const fn done() -> R<Step> {
    Ok(Done(None))
}

struct Parser<'x> {
    src: &'x str,
    doc: Document<'static>,
    pos: usize,
    open: Vec<u32>,
    afe: Vec<u32>,
    mode: Mode,
    quirks: Quirks,
    head: u32,
    form: u32,
    ignore_lf: bool,
    /// Attributes of the tag being tokenized.
    tag_attrs: Vec<Attr>,
    /// Their names, once a tag has many ([`Parser::tag_attr_found`]).
    tag_names: HashSet<Box<str>>,
    /// Work done, for [`crate::Cost::steps`].
    steps: u64,
    /// Formatting elements re-created so far (see [`Parser::within_limits`]).
    reconstructed: usize,
}

impl<'x> Parser<'x> {
    fn new(src: &'x str) -> Parser<'x> {
        Parser {
            src,
            doc: Document::empty(Cow::Borrowed("")),
            pos: 0,
            open: Vec::with_capacity(64),
            afe: Vec::with_capacity(16),
            mode: Mode::Initial,
            quirks: Quirks::Yes,
            head: NONE,
            form: NONE,
            ignore_lf: false,
            tag_attrs: Vec::with_capacity(16),
            tag_names: HashSet::new(),
            steps: 0,
            reconstructed: 0,
        }
    }

    /// Declines documents past the limits of [`super::nesting`]: scope checks walk the stack
    /// of open elements and reconstruction copies the list of active formatting elements, so
    /// unbounded, both make parsing superlinear on hostile pages. Those pages go to the
    /// fallback, which first cuts their nesting down; ordinary pages stay far below the limits
    /// and are parsed once, with no separate guarding pass.
    fn within_limits(&self) -> R<()> {
        if self.open.len() > crate::nesting::MAX_NESTING {
            return Err(Decline::DeepNesting);
        }
        if self.afe.len() > crate::nesting::MAX_FORMATTING {
            return Err(Decline::ManyFormatting);
        }
        if self.reconstructed > crate::nesting::MAX_RECONSTRUCTED {
            return Err(Decline::ManyReconstructed);
        }
        Ok(())
    }

    /// Text of a span while parsing (the document's own source is set at the end).
    fn span_str(&self, s: Span) -> &str {
        let (start, len, in_buf) = s.parts();
        if in_buf {
            &self.doc.buf[start..start + len]
        } else {
            &self.src[start..start + len]
        }
    }

    // ---------------------------------------------------------------- tokenizer

    fn run(mut self) -> (R<Document<'static>>, u64) {
        let result = self.run_to_end();
        // Every byte is scanned once (text by memchr, markup by the tokenizer) on top of what
        // the tree builder's loops add.
        let steps = self.steps + self.pos as u64;
        match result {
            Ok(()) => {
                self.doc.finish();
                (Ok(self.doc), steps)
            }
            Err(why) => (Err(why), steps),
        }
    }

    fn run_to_end(&mut self) -> R<()> {
        let n = self.src.len();
        // html5ever discards a leading byte-order mark.
        if self.src.starts_with('\u{feff}') {
            self.pos = 3;
        }
        while self.pos < n {
            if let Some(span) = self.scan_text() {
                self.chars(span)?;
            }
            if self.pos < n {
                self.markup()?;
            }
            self.within_limits()?;
        }
        self.process(Tok::Eof)?;
        Ok(())
    }

    /// Text from `pos` to the next markup (or the end), character references decoded.
    fn scan_text(&mut self) -> Option<Span> {
        let src = self.src;
        let b = src.as_bytes();
        let start = self.pos;
        let mut seg = start;
        let mut owned: Option<usize> = None;
        let mut i = start;
        loop {
            let Some(off) = memchr::memchr2(b'<', b'&', &b[i..]) else {
                i = b.len();
                break;
            };
            i += off;
            if b[i] == b'<' {
                match b.get(i + 1) {
                    Some(c) if c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?') => break,
                    _ => i += 1,
                }
            } else if let Some((chars, end)) = char_ref(src, i + 1, false) {
                owned.get_or_insert(self.doc.buf.len());
                self.doc.buf.push_str(&src[seg..i]);
                push_chars(&mut self.doc.buf, chars);
                i = end;
                seg = end;
            } else {
                i += 1;
            }
        }
        self.pos = i;
        match owned {
            Some(buf_start) => {
                self.doc.buf.push_str(&src[seg..i]);
                Some(Span::buf(buf_start, self.doc.buf.len()))
            }
            None if i > start => Some(Span::src(start, i)),
            None => None,
        }
    }

    /// Markup at `pos` (a `<` that starts a tag, comment, doctype or bogus comment).
    fn markup(&mut self) -> R<()> {
        let b = self.src.as_bytes();
        let p = self.pos;
        match tokenizer::markup(b, p, self.adjusted_current_is_foreign()) {
            Markup::StartTag => {
                self.pos = p + 1;
                let Some(tag) = self.tag_name_and_attrs(true)? else {
                    return Ok(());
                };
                let raw = self.process(Tok::Start(tag))?;
                if let Some(kind) = raw {
                    self.raw_text(kind)?;
                }
                Ok(())
            }
            Markup::EndTag => {
                self.pos = p + 2;
                if let Some(tag) = self.tag_name_and_attrs(false)? {
                    self.process(Tok::End(tag.name))?;
                }
                Ok(())
            }
            Markup::EmptyEndTag { end } => {
                // `</>` is dropped, but as a parse error it still reaches html5ever's tree
                // builder, which then forgets a pending newline skip after `<pre>`.
                self.pos = end;
                self.ignore_lf = false;
                Ok(())
            }
            Markup::Text => {
                // Only `</` at the end of the input: text.
                let s = Span::src(p, b.len());
                self.pos = b.len();
                self.chars(s)
            }
            Markup::Comment { end } | Markup::Bogus { end } => {
                self.pos = end;
                self.process(Tok::Comment)?;
                Ok(())
            }
            Markup::Doctype {
                body_start,
                body_end,
                end,
            } => {
                self.pos = end;
                let src = self.src;
                self.doctype(&src[body_start..body_end])
            }
            Markup::Cdata {
                start,
                text_end,
                end,
            } => {
                self.pos = end;
                if text_end > start {
                    return self.chars(Span::src(start, text_end));
                }
                Ok(())
            }
        }
    }

    fn doctype(&mut self, body: &str) -> R<()> {
        if self.mode != Mode::Initial {
            // A doctype elsewhere is ignored, but as a token it still reaches html5ever's tree
            // builder, which then forgets a pending newline skip after `<pre>`.
            self.ignore_lf = false;
            return Ok(());
        }
        let rest = body.trim_start_matches(|c: char| c.is_ascii() && is_ws(c as u8));
        let name_end = rest.bytes().position(is_ws).unwrap_or(rest.len());
        let name = &rest[..name_end];
        let after = &rest[name_end..];
        self.quirks = if name.is_empty() || !name.eq_ignore_ascii_case("html") {
            Quirks::Yes
        } else if after.bytes().all(is_ws) {
            Quirks::No
        } else {
            Quirks::Unknown
        };
        let id = self.doc.new_node(Data::Doctype);
        self.doc.append(0, id);
        self.mode = Mode::BeforeHtml;
        Ok(())
    }

    /// A tag's name and attributes, from `pos` at the first letter of the name. `None` when the
    /// input ends inside the tag (the tag is dropped). Declines a tag with more attributes than
    /// the guard lets through ([`crate::nesting::MAX_ATTRIBUTES`]).
    fn tag_name_and_attrs(&mut self, start: bool) -> R<Option<StartTag>> {
        let src = self.src;
        let b = src.as_bytes();
        let name_start = self.pos;
        self.tag_attrs.clear();
        self.tag_names.clear();
        let mut count = 0;
        let scanned = tokenizer::scan_tag(b, name_start, |a| {
            count += 1;
            if count <= crate::nesting::MAX_ATTRIBUTES {
                self.tag_attr_found(a);
            }
        });
        let Some(tag) = scanned else {
            self.pos = b.len();
            return Ok(None);
        };
        self.steps += (tag.end - name_start) as u64;
        if count > crate::nesting::MAX_ATTRIBUTES {
            return Err(Decline::ManyAttributes);
        }
        let upper = b[name_start..tag.name_end]
            .iter()
            .any(u8::is_ascii_uppercase);
        let name = self.name_of(name_start, tag.name_end, upper);
        self.pos = tag.end;
        Ok(Some(StartTag {
            name,
            self_closing: start && tag.self_closing,
        }))
    }

    /// Records an attribute of the tag being read, unless its name came earlier in the tag.
    fn tag_attr_found(&mut self, a: RawAttr) {
        let src = self.src;
        let (an_start, an_end) = a.name;
        let value = self.attr_value(a.value.0, a.value.1);
        let name_span = if src.as_bytes()[an_start..an_end]
            .iter()
            .any(u8::is_ascii_uppercase)
        {
            let lower = src[an_start..an_end].to_ascii_lowercase();
            self.doc.push_buf(&lower)
        } else {
            Span::src(an_start, an_end)
        };
        // Few attributes: compare with each; many: a set of names, so a tag stays linear.
        let dup = if self.tag_attrs.len() < 16 {
            self.steps += self.tag_attrs.len() as u64;
            let new = self.span_str(name_span);
            self.tag_attrs.iter().any(|a| self.span_str(a.name) == new)
        } else {
            if self.tag_names.is_empty() {
                let names: Vec<Box<str>> = self
                    .tag_attrs
                    .iter()
                    .map(|a| Box::from(self.span_str(a.name)))
                    .collect();
                self.tag_names.extend(names);
            }
            self.steps += 1;
            !self.tag_names.insert(Box::from(self.span_str(name_span)))
        };
        if !dup {
            self.tag_attrs.push(Attr {
                name: name_span,
                value,
            });
        }
    }

    fn name_of(&mut self, start: usize, end: usize, upper: bool) -> Name {
        let raw = &self.src.as_bytes()[start..end];
        if upper {
            let lower = raw.to_ascii_lowercase();
            match Tag::from_name(&lower) {
                Some(t) => Name::Known(t),
                None => Name::Other(self.doc.push_buf(
                    std::str::from_utf8(&lower).expect("lower-casing ASCII keeps UTF-8"),
                )),
            }
        } else {
            match Tag::from_name(raw) {
                Some(t) => Name::Known(t),
                None => Name::Other(Span::src(start, end)),
            }
        }
    }

    fn attr_value(&mut self, start: usize, end: usize) -> Span {
        self.decode_refs(start, end, true)
    }

    /// `src[start..end]` with its character references decoded: a span of the source when it
    /// has none, else of the buffer. `in_attribute` selects the attribute-value rules for
    /// references without a semicolon. A reference never runs past `end` (the value's or
    /// element's delimiter stops it).
    fn decode_refs(&mut self, start: usize, end: usize, in_attribute: bool) -> Span {
        let src = self.src;
        if memchr::memchr(b'&', &src.as_bytes()[start..end]).is_none() {
            return Span::src(start, end);
        }
        let buf_start = self.doc.buf.len();
        let mut seg = start;
        let mut i = start;
        while let Some(off) = memchr::memchr(b'&', &src.as_bytes()[i..end]) {
            i += off;
            match char_ref(&src[..end], i + 1, in_attribute) {
                Some((chars, ref_end)) => {
                    self.doc.buf.push_str(&src[seg..i]);
                    push_chars(&mut self.doc.buf, chars);
                    i = ref_end;
                    seg = ref_end;
                }
                None => i += 1,
            }
        }
        self.doc.buf.push_str(&src[seg..end]);
        Span::buf(buf_start, self.doc.buf.len())
    }

    /// The content of a raw text element (the current node) up to its end tag.
    fn raw_text(&mut self, kind: Raw) -> R<()> {
        let src = self.src;
        let b = src.as_bytes();
        if kind == Raw::Plaintext {
            // `<plaintext>` keeps the insertion mode (no "text" mode as for the other raw
            // text elements), so the rest of the page is character tokens of that mode: in
            // the body they re-create the formatting elements a closed `<p>` took with it.
            let start = self.pos;
            self.pos = b.len();
            self.steps += (b.len() - start) as u64;
            return if start < b.len() {
                self.chars(Span::src(start, b.len()))
            } else {
                Ok(())
            };
        }
        let el = *self.open.last().expect("a raw text element is open");
        let name = self
            .tag_of(el)
            .expect("raw text elements are known")
            .as_str();
        let start = self.pos;
        let end_tag = tokenizer::raw_text_end(b, start, name.as_bytes());
        let text_end = end_tag.unwrap_or(b.len());
        self.steps += (text_end - start) as u64;
        if kind == Raw::Script {
            let body = &b[start..text_end];
            if memchr::memmem::find(body, b"<!--").is_some() && contains_ci(body, b"<script") {
                return Err(Decline::EscapedScript);
            }
        }
        let mut span = if kind == Raw::Rcdata {
            self.pos = start;
            self.rcdata(start, text_end)
        } else {
            Span::src(start, text_end)
        };
        if std::mem::take(&mut self.ignore_lf) && self.span_str(span).starts_with('\n') {
            span = span.skip(1);
        }
        if !span.is_empty() {
            self.doc.append_text(self.src, el, span);
        }
        self.open.pop();
        match end_tag {
            Some(at) => {
                // The end tag's own attributes and `/` are read and ignored.
                self.pos = at + 2;
                if self.tag_name_and_attrs(false)?.is_none() {
                    self.pos = b.len();
                }
            }
            None => self.pos = b.len(),
        }
        Ok(())
    }

    fn rcdata(&mut self, start: usize, end: usize) -> Span {
        self.decode_refs(start, end, false)
    }

    fn chars(&mut self, mut span: Span) -> R<()> {
        if std::mem::take(&mut self.ignore_lf) && self.span_str(span).starts_with('\n') {
            span = span.skip(1);
            if span.is_empty() {
                return Ok(());
            }
        }
        self.process(Tok::Chars(span))?;
        Ok(())
    }

    // ------------------------------------------------------------- tree builder

    fn process(&mut self, mut tok: Tok) -> R<Option<Raw>> {
        if !matches!(tok, Tok::Chars(_)) {
            self.ignore_lf = false;
        }
        loop {
            let step = if self.is_foreign(&tok) {
                self.step_foreign(tok)?
            } else {
                self.step(self.mode, tok)?
            };
            match step {
                Done(raw) => return Ok(raw),
                Reprocess(mode, t) => {
                    self.mode = mode;
                    tok = t;
                }
            }
        }
    }

    fn step(&mut self, mode: Mode, tok: Tok) -> R<Step> {
        match mode {
            Mode::Initial => self.initial(tok),
            Mode::BeforeHtml => self.before_html(tok),
            Mode::BeforeHead => self.before_head(tok),
            Mode::InHead => self.in_head(tok),
            Mode::AfterHead => self.after_head(tok),
            Mode::InBody => self.in_body(tok),
            Mode::InTable => self.in_table(tok),
            Mode::InTableBody => self.in_table_body(tok),
            Mode::InRow => self.in_row(tok),
            Mode::InCell => self.in_cell(tok),
            Mode::InCaption => self.in_caption(tok),
            Mode::InColumnGroup => self.in_column_group(tok),
            Mode::AfterBody => self.after_body(tok),
            Mode::AfterAfterBody => self.after_after_body(tok),
        }
    }

    /// Splits leading whitespace off a text span: (whitespace, rest).
    fn split_ws(&self, s: Span) -> (Span, Span) {
        let n = self
            .span_str(s)
            .bytes()
            .position(|c| !is_ws(c))
            .unwrap_or(s.len());
        (s.take(n), s.skip(n))
    }

    fn initial(&mut self, tok: Tok) -> R<Step> {
        match tok {
            Tok::Chars(s) => {
                let (_, rest) = self.split_ws(s);
                if rest.is_empty() {
                    return done();
                }
                self.quirks = Quirks::Yes;
                Ok(Reprocess(Mode::BeforeHtml, Tok::Chars(rest)))
            }
            Tok::Comment => {
                self.comment_to(0);
                done()
            }
            t => {
                self.quirks = Quirks::Yes;
                Ok(Reprocess(Mode::BeforeHtml, t))
            }
        }
    }

    fn before_html(&mut self, tok: Tok) -> R<Step> {
        match tok {
            Tok::Comment => {
                self.comment_to(0);
                done()
            }
            Tok::Chars(s) => {
                let (_, rest) = self.split_ws(s);
                if rest.is_empty() {
                    return done();
                }
                self.create_root(false);
                Ok(Reprocess(Mode::BeforeHead, Tok::Chars(rest)))
            }
            Tok::Start(t) if t.name == Name::Known(Tag::Html) => {
                self.create_root(true);
                self.mode = Mode::BeforeHead;
                done()
            }
            Tok::End(n) if !is_one_of(n, &[Tag::Head, Tag::Body, Tag::Html, Tag::Br]) => done(),
            t => {
                self.create_root(false);
                Ok(Reprocess(Mode::BeforeHead, t))
            }
        }
    }

    fn before_head(&mut self, tok: Tok) -> R<Step> {
        match tok {
            Tok::Chars(s) => {
                let (_, rest) = self.split_ws(s);
                if rest.is_empty() {
                    return done();
                }
                self.head = self.insert_phantom(Tag::Head);
                Ok(Reprocess(Mode::InHead, Tok::Chars(rest)))
            }
            Tok::Comment => {
                self.comment_here();
                done()
            }
            Tok::Start(t) if t.name == Name::Known(Tag::Html) => self.in_body(tok),
            Tok::Start(t) if t.name == Name::Known(Tag::Head) => {
                self.head = self.insert(t.name, Ns::Html, true);
                self.mode = Mode::InHead;
                done()
            }
            Tok::End(n) if !is_one_of(n, &[Tag::Head, Tag::Body, Tag::Html, Tag::Br]) => done(),
            t => {
                self.head = self.insert_phantom(Tag::Head);
                Ok(Reprocess(Mode::InHead, t))
            }
        }
    }

    fn in_head(&mut self, tok: Tok) -> R<Step> {
        match tok {
            Tok::Chars(s) => {
                let (ws, rest) = self.split_ws(s);
                if !ws.is_empty() {
                    self.text_here(ws);
                }
                if rest.is_empty() {
                    return done();
                }
                self.pop();
                Ok(Reprocess(Mode::AfterHead, Tok::Chars(rest)))
            }
            Tok::Comment => {
                self.comment_here();
                done()
            }
            Tok::Start(t) => match t.name {
                Name::Known(Tag::Html) => self.in_body(tok),
                Name::Known(Tag::Base | Tag::Basefont | Tag::Bgsound | Tag::Link | Tag::Meta) => {
                    self.insert(t.name, Ns::Html, false);
                    done()
                }
                Name::Known(Tag::Title) => {
                    self.insert(t.name, Ns::Html, true);
                    Ok(Done(Some(Raw::Rcdata)))
                }
                Name::Known(Tag::Noframes | Tag::Style | Tag::Noscript) => {
                    self.insert(t.name, Ns::Html, true);
                    Ok(Done(Some(Raw::Rawtext)))
                }
                Name::Known(Tag::Script) => {
                    self.insert(t.name, Ns::Html, true);
                    Ok(Done(Some(Raw::Script)))
                }
                Name::Known(Tag::Template) => Err(Decline::Template),
                Name::Known(Tag::Head) => done(),
                _ => {
                    self.pop();
                    Ok(Reprocess(Mode::AfterHead, tok))
                }
            },
            Tok::End(n) => match n {
                Name::Known(Tag::Head) => {
                    self.pop();
                    self.mode = Mode::AfterHead;
                    done()
                }
                Name::Known(Tag::Body | Tag::Html | Tag::Br) => {
                    self.pop();
                    Ok(Reprocess(Mode::AfterHead, tok))
                }
                Name::Known(Tag::Template) => Err(Decline::Template),
                _ => done(),
            },
            Tok::Eof => {
                self.pop();
                Ok(Reprocess(Mode::AfterHead, tok))
            }
        }
    }

    fn after_head(&mut self, tok: Tok) -> R<Step> {
        match tok {
            Tok::Chars(s) => {
                let (ws, rest) = self.split_ws(s);
                if !ws.is_empty() {
                    self.text_here(ws);
                }
                if rest.is_empty() {
                    return done();
                }
                self.insert_phantom(Tag::Body);
                Ok(Reprocess(Mode::InBody, Tok::Chars(rest)))
            }
            Tok::Comment => {
                self.comment_here();
                done()
            }
            Tok::Start(t) => match t.name {
                Name::Known(Tag::Html) => self.in_body(tok),
                Name::Known(Tag::Body) => {
                    self.insert(t.name, Ns::Html, true);
                    self.mode = Mode::InBody;
                    done()
                }
                Name::Known(Tag::Frameset) => Err(Decline::Frameset),
                Name::Known(
                    Tag::Base
                    | Tag::Basefont
                    | Tag::Bgsound
                    | Tag::Link
                    | Tag::Meta
                    | Tag::Noframes
                    | Tag::Script
                    | Tag::Style
                    | Tag::Template
                    | Tag::Title,
                ) => {
                    let head = self.head;
                    self.open.push(head);
                    let r = self.in_head(tok)?;
                    self.steps += self.open.len() as u64;
                    if let Some(i) = self.open.iter().rposition(|e| *e == head) {
                        self.open.remove(i);
                    }
                    Ok(r)
                }
                Name::Known(Tag::Head) => done(),
                _ => {
                    self.insert_phantom(Tag::Body);
                    Ok(Reprocess(Mode::InBody, tok))
                }
            },
            Tok::End(n) => match n {
                Name::Known(Tag::Template) => Err(Decline::Template),
                Name::Known(Tag::Body | Tag::Html | Tag::Br) => {
                    self.insert_phantom(Tag::Body);
                    Ok(Reprocess(Mode::InBody, tok))
                }
                _ => done(),
            },
            Tok::Eof => {
                self.insert_phantom(Tag::Body);
                Ok(Reprocess(Mode::InBody, tok))
            }
        }
    }

    fn in_body(&mut self, tok: Tok) -> R<Step> {
        match tok {
            Tok::Chars(s) => {
                self.reconstruct()?;
                self.text_here(s);
                done()
            }
            Tok::Comment => {
                self.comment_here();
                done()
            }
            Tok::Eof => done(),
            Tok::Start(t) => self.in_body_start(t),
            Tok::End(n) => self.in_body_end(n),
        }
    }

    fn in_body_start(&mut self, t: StartTag) -> R<Step> {
        let Name::Known(tag) = t.name else {
            self.reconstruct()?;
            self.insert(t.name, Ns::Html, true);
            return done();
        };
        use Tag::*;
        match tag {
            Html => {
                let html = self.open[0];
                self.add_attrs_if_missing(html);
                done()
            }
            Base | Basefont | Bgsound | Link | Meta | Noframes | Script | Style | Template
            | Title => self.in_head(Tok::Start(t)),
            Body => {
                if self.open.len() > 1 && self.tag_of(self.open[1]) == Some(Body) {
                    let body = self.open[1];
                    self.add_attrs_if_missing(body);
                }
                done()
            }
            Frameset => Err(Decline::Frameset),
            Address | Article | Aside | Blockquote | Center | Details | Dialog | Dir | Div | Dl
            | Fieldset | Figcaption | Figure | Footer | Header | Hgroup | Main | Nav | Ol | P
            | Search | Section | Summary | Ul | Menu => {
                self.close_p_in_button_scope();
                self.insert(t.name, Ns::Html, true);
                done()
            }
            H1 | H2 | H3 | H4 | H5 | H6 => {
                self.close_p_in_button_scope();
                if self.current_tag().is_some_and(is_heading) {
                    self.pop();
                }
                self.insert(t.name, Ns::Html, true);
                done()
            }
            Pre | Listing => {
                self.close_p_in_button_scope();
                self.insert(t.name, Ns::Html, true);
                self.ignore_lf = true;
                done()
            }
            Form => {
                if self.form == NONE {
                    self.close_p_in_button_scope();
                    self.form = self.insert(t.name, Ns::Html, true);
                }
                done()
            }
            Li | Dd | Dt => {
                let list = tag == Li;
                let mut to_close = None;
                self.steps += self.open.len() as u64;
                for &node in self.open.iter().rev() {
                    let nt = self.tag_of(node);
                    let can_close = if list {
                        nt == Some(Li)
                    } else {
                        matches!(nt, Some(Dd | Dt))
                    };
                    if can_close {
                        to_close = nt;
                        break;
                    }
                    if self.is_special(node) && !matches!(nt, Some(Address | Div | P)) {
                        break;
                    }
                }
                if let Some(name) = to_close {
                    self.generate_implied_end_except(Some(name));
                    self.pop_until_tag(name);
                }
                self.close_p_in_button_scope();
                self.insert(t.name, Ns::Html, true);
                done()
            }
            Plaintext => {
                self.close_p_in_button_scope();
                self.insert(t.name, Ns::Html, true);
                Ok(Done(Some(Raw::Plaintext)))
            }
            Button => {
                if self.in_scope(Scope::Default, |p, n| p.tag_of(n) == Some(Button)) {
                    self.generate_implied_end_except(None);
                    self.pop_until_tag(Button);
                }
                self.reconstruct()?;
                self.insert(t.name, Ns::Html, true);
                done()
            }
            A => {
                self.steps += (self.open.len() + self.afe.len()) as u64;
                let open_a = self.afe_after_marker().find(|e| self.tag_of(*e) == Some(A));
                if let Some(node) = open_a {
                    self.adoption_agency(A)?;
                    if let Some(i) = self.afe.iter().position(|e| *e == node) {
                        self.afe.remove(i);
                    }
                    if let Some(i) = self.open.iter().rposition(|e| *e == node) {
                        self.open.remove(i);
                    }
                }
                self.reconstruct()?;
                self.formatting(t);
                done()
            }
            B | Big | Code | Em | Font | I | S | Small | Strike | Strong | Tt | U => {
                self.reconstruct()?;
                self.formatting(t);
                done()
            }
            Nobr => {
                self.reconstruct()?;
                if self.in_scope(Scope::Default, |p, e| p.tag_of(e) == Some(Nobr)) {
                    self.adoption_agency(Nobr)?;
                    self.reconstruct()?;
                }
                self.formatting(t);
                done()
            }
            Applet | Marquee | Object => {
                self.reconstruct()?;
                self.insert(t.name, Ns::Html, true);
                self.afe.push(MARKER);
                done()
            }
            Table => {
                match self.quirks {
                    Quirks::Yes => {}
                    Quirks::No => self.close_p_in_button_scope(),
                    Quirks::Unknown => {
                        if self.p_in_button_scope() {
                            return Err(Decline::LegacyDoctypeTable);
                        }
                    }
                }
                self.insert(t.name, Ns::Html, true);
                self.mode = Mode::InTable;
                done()
            }
            Area | Br | Embed | Img | Keygen | Wbr => {
                self.reconstruct()?;
                self.insert(t.name, Ns::Html, false);
                done()
            }
            Input => {
                if self.in_scope(Scope::Default, |p, n| p.tag_of(n) == Some(Select)) {
                    self.pop_until_tag(Select);
                }
                self.reconstruct()?;
                self.insert(t.name, Ns::Html, false);
                done()
            }
            Param | Source | Track => {
                self.insert(t.name, Ns::Html, false);
                done()
            }
            Hr => {
                self.close_p_in_button_scope();
                if self.in_scope(Scope::Default, |p, n| p.tag_of(n) == Some(Select)) {
                    self.generate_implied_end_except(None);
                }
                self.insert(t.name, Ns::Html, false);
                done()
            }
            Image => self.in_body_start(StartTag {
                name: Name::Known(Img),
                ..t
            }),
            Textarea => {
                self.insert(t.name, Ns::Html, true);
                self.ignore_lf = true;
                Ok(Done(Some(Raw::Rcdata)))
            }
            Xmp => {
                self.close_p_in_button_scope();
                self.reconstruct()?;
                self.insert(t.name, Ns::Html, true);
                Ok(Done(Some(Raw::Rawtext)))
            }
            Iframe | Noembed | Noscript => {
                self.insert(t.name, Ns::Html, true);
                Ok(Done(Some(Raw::Rawtext)))
            }
            Select => {
                if self.in_scope(Scope::Default, |p, n| p.tag_of(n) == Some(Select)) {
                    self.pop_until_tag(Select);
                } else {
                    self.reconstruct()?;
                    self.insert(t.name, Ns::Html, true);
                }
                done()
            }
            Option => {
                if self.in_scope(Scope::Default, |p, n| p.tag_of(n) == Some(Select)) {
                    self.generate_implied_end_except(Some(Optgroup));
                } else if self.current_tag() == Some(Option) {
                    self.pop();
                }
                self.reconstruct()?;
                self.insert(t.name, Ns::Html, true);
                done()
            }
            Optgroup => {
                if self.in_scope(Scope::Default, |p, n| p.tag_of(n) == Some(Select)) {
                    self.generate_implied_end_except(None);
                } else if self.current_tag() == Some(Option) {
                    self.pop();
                }
                self.reconstruct()?;
                self.insert(t.name, Ns::Html, true);
                done()
            }
            Rb | Rtc => {
                if self.in_scope(Scope::Default, |p, e| p.tag_of(e) == Some(Ruby)) {
                    self.generate_implied_end_except(None);
                }
                self.insert(t.name, Ns::Html, true);
                done()
            }
            Rp | Rt => {
                if self.in_scope(Scope::Default, |p, e| p.tag_of(e) == Some(Ruby)) {
                    self.generate_implied_end_except(Some(Rtc));
                }
                self.insert(t.name, Ns::Html, true);
                done()
            }
            Math => Err(Decline::MathMl),
            Svg => {
                self.reconstruct()?;
                self.adjust_svg_attrs();
                self.insert(t.name, Ns::Svg, !t.self_closing);
                done()
            }
            Caption | Col | Colgroup | Frame | Head | Tbody | Td | Tfoot | Th | Thead | Tr => {
                done()
            }
            _ => {
                self.reconstruct()?;
                self.insert(t.name, Ns::Html, true);
                done()
            }
        }
    }

    fn in_body_end(&mut self, n: Name) -> R<Step> {
        use Tag::*;
        let Name::Known(tag) = n else {
            self.end_tag_in_body(n);
            return done();
        };
        match tag {
            Template => Err(Decline::Template),
            Body => {
                if self.in_scope(Scope::Default, |p, e| p.tag_of(e) == Some(Body)) {
                    self.mode = Mode::AfterBody;
                }
                done()
            }
            Html => {
                if self.in_scope(Scope::Default, |p, e| p.tag_of(e) == Some(Body)) {
                    Ok(Reprocess(Mode::AfterBody, Tok::End(n)))
                } else {
                    done()
                }
            }
            Address | Article | Aside | Blockquote | Button | Center | Details | Dialog | Dir
            | Div | Dl | Fieldset | Figcaption | Figure | Footer | Header | Hgroup | Listing
            | Main | Menu | Nav | Ol | Pre | Search | Section | Select | Summary | Ul => {
                if self.in_scope(Scope::Default, |p, e| p.tag_of(e) == Some(tag)) {
                    self.generate_implied_end_except(None);
                    self.pop_until_tag(tag);
                }
                done()
            }
            Form => {
                let node = std::mem::replace(&mut self.form, NONE);
                if node == NONE || !self.in_scope(Scope::Default, |_, e| e == node) {
                    return done();
                }
                self.generate_implied_end_except(None);
                self.steps += self.open.len() as u64;
                if let Some(i) = self.open.iter().rposition(|e| *e == node) {
                    self.open.remove(i);
                }
                done()
            }
            P => {
                if !self.p_in_button_scope() {
                    self.insert_phantom(P);
                }
                self.close_p();
                done()
            }
            Li => {
                if self.in_scope(Scope::ListItem, |p, e| p.tag_of(e) == Some(Li)) {
                    self.generate_implied_end_except(Some(Li));
                    self.pop_until_tag(Li);
                }
                done()
            }
            Dd | Dt => {
                if self.in_scope(Scope::Default, |p, e| p.tag_of(e) == Some(tag)) {
                    self.generate_implied_end_except(Some(tag));
                    self.pop_until_tag(tag);
                }
                done()
            }
            H1 | H2 | H3 | H4 | H5 | H6 => {
                if self.in_scope(Scope::Default, |p, e| p.tag_of(e).is_some_and(is_heading)) {
                    self.generate_implied_end_except(None);
                    while let Some(e) = self.open.pop() {
                        if self.tag_of(e).is_some_and(is_heading) {
                            break;
                        }
                    }
                }
                done()
            }
            A | B | Big | Code | Em | Font | I | Nobr | S | Small | Strike | Strong | Tt | U => {
                self.adoption_agency(tag)?;
                done()
            }
            Applet | Marquee | Object => {
                if self.in_scope(Scope::Default, |p, e| p.tag_of(e) == Some(tag)) {
                    self.generate_implied_end_except(None);
                    self.pop_until_tag(tag);
                    self.clear_afe_to_marker();
                }
                done()
            }
            Br => {
                // `</br>` is a <br> without attributes.
                self.tag_attrs.clear();
                self.in_body_start(StartTag {
                    name: Name::Known(Br),
                    self_closing: false,
                })
            }
            _ => {
                self.end_tag_in_body(n);
                done()
            }
        }
    }

    /// "Any other end tag" in the body.
    fn end_tag_in_body(&mut self, n: Name) {
        self.steps += self.open.len() as u64;
        for i in (0..self.open.len()).rev() {
            let node = self.open[i];
            if self.html_named(node, n) {
                let except = match n {
                    Name::Known(t) => Some(t),
                    Name::Other(_) => None,
                };
                // Implied end tags except for this name (an unknown name is never implied).
                self.generate_implied_end_except(except);
                self.open.truncate(i);
                return;
            }
            if self.is_special(node) {
                return;
            }
        }
    }

    /// The adoption agency algorithm (misnested formatting elements).
    fn adoption_agency(&mut self, subject: Tag) -> R<()> {
        let current = *self.open.last().expect("the body is open");
        if self.tag_of(current) == Some(subject) && !self.afe.contains(&current) {
            self.open.pop();
            return Ok(());
        }
        for _ in 0..8 {
            // Each round walks the list and the stack a few times, and its inner loop walks
            // the stack once more, removing or cloning as it goes.
            self.steps += 6 * (self.open.len() + self.afe.len()) as u64;
            let Some((afe_index, fmt)) = self
                .afe
                .iter()
                .enumerate()
                .rev()
                .take_while(|(_, e)| **e != MARKER)
                .find(|(_, e)| self.tag_of(**e) == Some(subject))
                .map(|(i, e)| (i, *e))
            else {
                self.end_tag_in_body(Name::Known(subject));
                return Ok(());
            };
            let Some(stack_index) = self.open.iter().rposition(|e| *e == fmt) else {
                self.afe.remove(afe_index);
                return Ok(());
            };
            if !self.in_scope(Scope::Default, |_, e| e == fmt) {
                return Ok(());
            }
            let Some(fb_index) =
                (stack_index..self.open.len()).find(|i| self.is_special(self.open[*i]))
            else {
                self.open.truncate(stack_index);
                self.afe.remove(afe_index);
                return Ok(());
            };
            let furthest = self.open[fb_index];
            let common = self.open[stack_index - 1];
            // Where the new formatting element goes in the list: replacing `fmt`, or after an
            // element recreated below.
            let mut insert_after: Option<u32> = None;
            let mut node_index = fb_index;
            let mut last_node = furthest;
            let mut inner = 0;
            loop {
                inner += 1;
                node_index -= 1;
                self.steps += (self.open.len() + self.afe.len()) as u64;
                let node = self.open[node_index];
                if node == fmt {
                    break;
                }
                if inner > 3 {
                    if let Some(p) = self.afe.iter().position(|e| *e == node) {
                        self.afe.remove(p);
                    }
                    self.open.remove(node_index);
                    continue;
                }
                let Some(node_afe) = self.afe.iter().position(|e| *e == node) else {
                    self.open.remove(node_index);
                    continue;
                };
                let new = self.clone_element(node);
                self.open[node_index] = new;
                self.afe[node_afe] = new;
                if last_node == furthest {
                    insert_after = Some(new);
                }
                self.doc.detach(last_node);
                self.doc.append(new, last_node);
                last_node = new;
            }
            self.doc.detach(last_node);
            self.doc.append(common, last_node);
            let new = self.clone_element(fmt);
            loop {
                let c = self.doc.nodes[furthest as usize].first;
                if c == NONE {
                    break;
                }
                self.doc.detach(c);
                self.doc.append(new, c);
            }
            self.doc.append(furthest, new);
            match insert_after {
                None => {
                    let i = self
                        .afe
                        .iter()
                        .position(|e| *e == fmt)
                        .expect("the formatting element is listed");
                    self.afe[i] = new;
                }
                Some(prev) => {
                    let i = self
                        .afe
                        .iter()
                        .position(|e| *e == prev)
                        .expect("the bookmark is listed");
                    self.afe.insert(i + 1, new);
                    let old = self
                        .afe
                        .iter()
                        .position(|e| *e == fmt)
                        .expect("the formatting element is listed");
                    self.afe.remove(old);
                }
            }
            if let Some(i) = self.open.iter().rposition(|e| *e == fmt) {
                self.open.remove(i);
            }
            let fb = self
                .open
                .iter()
                .position(|e| *e == furthest)
                .expect("the furthest block is open");
            self.open.insert(fb + 1, new);
        }
        Ok(())
    }

    /// A new element with the name and attributes of `e`, not yet in the tree.
    fn clone_element(&mut self, e: u32) -> u32 {
        let data = self.doc.nodes[e as usize].data;
        self.doc.new_node(data)
    }

    fn add_attrs_if_missing(&mut self, e: u32) {
        self.steps += self.tag_attrs.len() as u64;
        let attrs = std::mem::take(&mut self.tag_attrs);
        self.doc
            .add_attrs_if_missing(self.src, e, attrs.iter().copied());
        self.tag_attrs = attrs;
    }

    fn in_table(&mut self, tok: Tok) -> R<Step> {
        use Tag::*;
        match tok {
            Tok::Chars(s) => {
                let table_like =
                    matches!(self.current_tag(), Some(Table | Tbody | Tfoot | Thead | Tr));
                if table_like && self.span_str(s).bytes().all(is_ws) {
                    self.text_here(s);
                    done()
                } else {
                    Err(Decline::TableText)
                }
            }
            Tok::Comment => {
                self.comment_here();
                done()
            }
            Tok::Start(t) => match t.name {
                Name::Known(Caption) => {
                    self.pop_to_table_context();
                    self.afe.push(MARKER);
                    self.insert(t.name, Ns::Html, true);
                    self.mode = Mode::InCaption;
                    done()
                }
                Name::Known(Colgroup) => {
                    self.pop_to_table_context();
                    self.insert(t.name, Ns::Html, true);
                    self.mode = Mode::InColumnGroup;
                    done()
                }
                Name::Known(Col) => {
                    self.pop_to_table_context();
                    self.insert_phantom(Colgroup);
                    Ok(Reprocess(Mode::InColumnGroup, tok))
                }
                Name::Known(Tbody | Tfoot | Thead) => {
                    self.pop_to_table_context();
                    self.insert(t.name, Ns::Html, true);
                    self.mode = Mode::InTableBody;
                    done()
                }
                Name::Known(Td | Th | Tr) => {
                    self.pop_to_table_context();
                    self.insert_phantom(Tbody);
                    Ok(Reprocess(Mode::InTableBody, tok))
                }
                Name::Known(Table) => {
                    if self.in_scope(Scope::Table, |p, e| p.tag_of(e) == Some(Table)) {
                        self.pop_until_tag(Table);
                        let mode = self.reset_mode()?;
                        Ok(Reprocess(mode, tok))
                    } else {
                        done()
                    }
                }
                Name::Known(Style | Script | Template) => self.in_head(tok),
                Name::Known(Input) => {
                    let hidden = self
                        .tag_attr("type")
                        .is_some_and(|v| v.eq_ignore_ascii_case("hidden"));
                    if hidden {
                        self.insert(t.name, Ns::Html, false);
                        done()
                    } else {
                        Err(Decline::TableElement)
                    }
                }
                Name::Known(Form) => {
                    if self.form == NONE {
                        self.form = self.insert(t.name, Ns::Html, false);
                    }
                    done()
                }
                _ => Err(Decline::TableElement),
            },
            Tok::End(n) => match n {
                Name::Known(Table) => {
                    if self.in_scope(Scope::Table, |p, e| p.tag_of(e) == Some(Table)) {
                        self.pop_until_tag(Table);
                        self.mode = self.reset_mode()?;
                    }
                    done()
                }
                Name::Known(
                    Body | Caption | Col | Colgroup | Html | Tbody | Td | Tfoot | Th | Thead | Tr,
                ) => done(),
                Name::Known(Template) => Err(Decline::Template),
                // Foster parenting only matters for insertions: `</p>` inserts a <p>, `</br>` a
                // <br>; other end tags are the body's.
                Name::Known(P | Br) => Err(Decline::TableElement),
                _ => self.in_body_end(n),
            },
            Tok::Eof => done(),
        }
    }

    fn in_table_body(&mut self, tok: Tok) -> R<Step> {
        use Tag::*;
        match tok {
            Tok::Start(t) if t.name == Name::Known(Tr) => {
                self.pop_to_table_body_context();
                self.insert(t.name, Ns::Html, true);
                self.mode = Mode::InRow;
                done()
            }
            Tok::Start(t) if matches!(t.name, Name::Known(Th | Td)) => {
                self.pop_to_table_body_context();
                self.insert_phantom(Tr);
                Ok(Reprocess(Mode::InRow, tok))
            }
            Tok::End(Name::Known(tag @ (Tbody | Tfoot | Thead))) => {
                if self.in_scope(Scope::Table, |p, e| p.tag_of(e) == Some(tag)) {
                    self.pop_to_table_body_context();
                    self.pop();
                    self.mode = Mode::InTable;
                }
                done()
            }
            Tok::Start(StartTag {
                name: Name::Known(Caption | Col | Colgroup | Tbody | Tfoot | Thead),
                ..
            })
            | Tok::End(Name::Known(Table)) => {
                if self.in_scope(Scope::Table, |p, e| {
                    matches!(p.tag_of(e), Some(Table | Tbody | Tfoot))
                }) {
                    self.pop_to_table_body_context();
                    self.pop();
                    Ok(Reprocess(Mode::InTable, tok))
                } else {
                    done()
                }
            }
            Tok::End(Name::Known(Body | Caption | Col | Colgroup | Html | Td | Th | Tr)) => done(),
            _ => self.in_table(tok),
        }
    }

    fn in_row(&mut self, tok: Tok) -> R<Step> {
        use Tag::*;
        match tok {
            Tok::Start(t) if matches!(t.name, Name::Known(Th | Td)) => {
                self.pop_to_row_context();
                self.insert(t.name, Ns::Html, true);
                self.mode = Mode::InCell;
                self.afe.push(MARKER);
                done()
            }
            Tok::End(Name::Known(Tr)) => {
                if self.in_scope(Scope::Table, |p, e| p.tag_of(e) == Some(Tr)) {
                    self.pop_to_row_context();
                    self.pop();
                    self.mode = Mode::InTableBody;
                }
                done()
            }
            Tok::Start(StartTag {
                name: Name::Known(Caption | Col | Colgroup | Tbody | Tfoot | Thead | Tr),
                ..
            })
            | Tok::End(Name::Known(Table)) => {
                if self.in_scope(Scope::Table, |p, e| p.tag_of(e) == Some(Tr)) {
                    self.pop_to_row_context();
                    self.pop();
                    Ok(Reprocess(Mode::InTableBody, tok))
                } else {
                    done()
                }
            }
            Tok::End(Name::Known(tag @ (Tbody | Tfoot | Thead))) => {
                if self.in_scope(Scope::Table, |p, e| p.tag_of(e) == Some(tag))
                    && self.in_scope(Scope::Table, |p, e| p.tag_of(e) == Some(Tr))
                {
                    self.pop_to_row_context();
                    self.pop();
                    return Ok(Reprocess(Mode::InTableBody, tok));
                }
                done()
            }
            Tok::End(Name::Known(Body | Caption | Col | Colgroup | Html | Td | Th)) => done(),
            _ => self.in_table(tok),
        }
    }

    fn in_cell(&mut self, tok: Tok) -> R<Step> {
        use Tag::*;
        match tok {
            Tok::End(Name::Known(tag @ (Td | Th))) => {
                if self.in_scope(Scope::Table, |p, e| p.tag_of(e) == Some(tag)) {
                    self.generate_implied_end_except(None);
                    self.pop_until_tag(tag);
                    self.clear_afe_to_marker();
                    self.mode = Mode::InRow;
                }
                done()
            }
            Tok::Start(StartTag {
                name: Name::Known(Caption | Col | Colgroup | Tbody | Td | Tfoot | Th | Thead | Tr),
                ..
            }) => {
                if self.in_scope(Scope::Table, |p, e| matches!(p.tag_of(e), Some(Td | Th))) {
                    self.close_cell();
                    Ok(Reprocess(Mode::InRow, tok))
                } else {
                    done()
                }
            }
            Tok::End(Name::Known(Body | Caption | Col | Colgroup | Html)) => done(),
            Tok::End(Name::Known(tag @ (Table | Tbody | Tfoot | Thead | Tr))) => {
                if self.in_scope(Scope::Table, |p, e| p.tag_of(e) == Some(tag)) {
                    self.close_cell();
                    Ok(Reprocess(Mode::InRow, tok))
                } else {
                    done()
                }
            }
            _ => self.in_body(tok),
        }
    }

    fn in_caption(&mut self, tok: Tok) -> R<Step> {
        use Tag::*;
        let closes = match tok {
            Tok::Start(t) => matches!(
                t.name,
                Name::Known(Caption | Col | Colgroup | Tbody | Td | Tfoot | Th | Thead | Tr)
            ),
            Tok::End(n) => matches!(n, Name::Known(Table | Caption)),
            _ => false,
        };
        if closes {
            if !self.in_scope(Scope::Table, |p, e| p.tag_of(e) == Some(Caption)) {
                return done();
            }
            self.generate_implied_end_except(None);
            self.pop_until_tag(Caption);
            self.clear_afe_to_marker();
            if matches!(tok, Tok::End(Name::Known(Caption))) {
                self.mode = Mode::InTable;
                return done();
            }
            return Ok(Reprocess(Mode::InTable, tok));
        }
        match tok {
            Tok::End(Name::Known(
                Body | Col | Colgroup | Html | Tbody | Td | Tfoot | Th | Thead | Tr,
            )) => done(),
            _ => self.in_body(tok),
        }
    }

    fn in_column_group(&mut self, tok: Tok) -> R<Step> {
        use Tag::*;
        match tok {
            Tok::Chars(s) => {
                let (ws, rest) = self.split_ws(s);
                if !ws.is_empty() {
                    self.text_here(ws);
                }
                if rest.is_empty() {
                    return done();
                }
                self.leave_column_group(Tok::Chars(rest))
            }
            Tok::Comment => {
                self.comment_here();
                done()
            }
            Tok::Start(t) if t.name == Name::Known(Html) => self.in_body(tok),
            Tok::Start(t) if t.name == Name::Known(Col) => {
                self.insert(t.name, Ns::Html, false);
                done()
            }
            Tok::End(Name::Known(Colgroup)) => {
                if self.current_tag() == Some(Colgroup) {
                    self.pop();
                    self.mode = Mode::InTable;
                }
                done()
            }
            Tok::End(Name::Known(Col)) => done(),
            Tok::Start(StartTag {
                name: Name::Known(Template),
                ..
            })
            | Tok::End(Name::Known(Template)) => Err(Decline::Template),
            Tok::Eof => self.in_body(tok),
            t => self.leave_column_group(t),
        }
    }

    fn leave_column_group(&mut self, tok: Tok) -> R<Step> {
        if self.current_tag() == Some(Tag::Colgroup) {
            self.pop();
            Ok(Reprocess(Mode::InTable, tok))
        } else {
            done()
        }
    }

    fn close_cell(&mut self) {
        self.generate_implied_end_except(None);
        while let Some(e) = self.open.pop() {
            if matches!(self.tag_of(e), Some(Tag::Td | Tag::Th)) {
                break;
            }
        }
        self.clear_afe_to_marker();
    }

    fn after_body(&mut self, tok: Tok) -> R<Step> {
        match tok {
            Tok::Chars(s) => {
                let (ws, rest) = self.split_ws(s);
                if !ws.is_empty() {
                    self.in_body(Tok::Chars(ws))?;
                }
                if rest.is_empty() {
                    return done();
                }
                Ok(Reprocess(Mode::InBody, Tok::Chars(rest)))
            }
            Tok::Comment => {
                let html = self.open[0];
                self.comment_to(html);
                done()
            }
            Tok::Start(t) if t.name == Name::Known(Tag::Html) => self.in_body(tok),
            Tok::End(Name::Known(Tag::Html)) => {
                self.mode = Mode::AfterAfterBody;
                done()
            }
            Tok::Eof => done(),
            t => Ok(Reprocess(Mode::InBody, t)),
        }
    }

    fn after_after_body(&mut self, tok: Tok) -> R<Step> {
        match tok {
            Tok::Chars(s) => {
                let (ws, rest) = self.split_ws(s);
                if !ws.is_empty() {
                    self.in_body(Tok::Chars(ws))?;
                }
                if rest.is_empty() {
                    return done();
                }
                Ok(Reprocess(Mode::InBody, Tok::Chars(rest)))
            }
            Tok::Comment => {
                self.comment_to(0);
                done()
            }
            Tok::Start(t) if t.name == Name::Known(Tag::Html) => self.in_body(tok),
            Tok::Eof => done(),
            t => Ok(Reprocess(Mode::InBody, t)),
        }
    }

    // ---------------------------------------------------------- foreign content

    fn adjusted_current_is_foreign(&self) -> bool {
        self.open.last().is_some_and(|e| self.ns_of(*e) != Ns::Html)
    }

    fn is_foreign(&self, tok: &Tok) -> bool {
        if matches!(tok, Tok::Eof) {
            return false;
        }
        let Some(&current) = self.open.last() else {
            return false;
        };
        if self.ns_of(current) == Ns::Html {
            return false;
        }
        if self.svg_integration_point(current) && matches!(tok, Tok::Chars(_) | Tok::Start(_)) {
            return false;
        }
        true
    }

    fn step_foreign(&mut self, tok: Tok) -> R<Step> {
        match tok {
            Tok::Chars(s) => {
                self.text_here(s);
                done()
            }
            Tok::Comment => {
                self.comment_here();
                done()
            }
            Tok::Start(t) if breaks_out_of_foreign(t.name) || self.font_breaks_out(t.name) => {
                while let Some(&e) = self.open.last() {
                    if self.ns_of(e) == Ns::Html || self.svg_integration_point(e) {
                        break;
                    }
                    self.open.pop();
                }
                self.step(self.mode, tok)
            }
            Tok::End(Name::Known(Tag::Br | Tag::P)) => {
                while let Some(&e) = self.open.last() {
                    if self.ns_of(e) == Ns::Html || self.svg_integration_point(e) {
                        break;
                    }
                    self.open.pop();
                }
                self.step(self.mode, tok)
            }
            Tok::Start(t) => {
                let current = *self.open.last().expect("foreign content is open");
                if self.ns_of(current) != Ns::Svg {
                    return Err(Decline::MathMl);
                }
                let name = self.adjust_svg_name(t.name);
                self.adjust_svg_attrs();
                self.insert(name, Ns::Svg, !t.self_closing);
                done()
            }
            Tok::End(n) => {
                let wanted = self.name_str(n).to_string();
                let mut idx = self.open.len() - 1;
                let mut first = true;
                loop {
                    if idx == 0 {
                        return done();
                    }
                    let node = self.open[idx];
                    if !first && self.ns_of(node) == Ns::Html {
                        return self.step(self.mode, tok);
                    }
                    if self.element_name(node).eq_ignore_ascii_case(&wanted) {
                        self.open.truncate(idx);
                        return done();
                    }
                    first = false;
                    idx -= 1;
                }
            }
            Tok::Eof => unreachable!("EOF is never foreign"),
        }
    }

    fn font_breaks_out(&self, n: Name) -> bool {
        n == Name::Known(Tag::Font)
            && self
                .tag_attrs
                .iter()
                .any(|a| matches!(self.span_str(a.name), "color" | "face" | "size"))
    }

    fn svg_integration_point(&self, e: u32) -> bool {
        self.ns_of(e) == Ns::Svg
            && matches!(self.element_name(e), "foreignObject" | "desc" | "title")
    }

    fn adjust_svg_name(&mut self, n: Name) -> Name {
        let lower = self.name_str(n);
        match svg_tag_name(lower) {
            Some(adjusted) => Name::Other(self.doc.push_buf(adjusted)),
            None => match n {
                // An SVG element is never a known HTML tag, even when it shares a name.
                Name::Known(t) => Name::Other(self.doc.push_buf(t.as_str())),
                other => other,
            },
        }
    }

    fn adjust_svg_attrs(&mut self) {
        for i in 0..self.tag_attrs.len() {
            let name = self.span_str(self.tag_attrs[i].name);
            if let Some(adjusted) = svg_attr_name(name) {
                self.tag_attrs[i].name = self.doc.push_buf(adjusted);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    fn tag_of(&self, e: u32) -> Option<Tag> {
        match self.doc.nodes[e as usize].data {
            Data::Element {
                name: Name::Known(t),
                ns: Ns::Html,
                ..
            } => Some(t),
            _ => None,
        }
    }

    fn ns_of(&self, e: u32) -> Ns {
        match self.doc.nodes[e as usize].data {
            Data::Element { ns, .. } => ns,
            _ => Ns::Html,
        }
    }

    fn element_name(&self, e: u32) -> &str {
        match self.doc.nodes[e as usize].data {
            Data::Element { name, .. } => self.name_str(name),
            _ => "",
        }
    }

    fn name_str(&self, n: Name) -> &str {
        match n {
            Name::Known(t) => t.as_str(),
            Name::Other(s) => self.span_str(s),
        }
    }

    /// Whether `e` is the HTML element named `n`.
    fn html_named(&self, e: u32, n: Name) -> bool {
        match self.doc.nodes[e as usize].data {
            Data::Element {
                name, ns: Ns::Html, ..
            } => match (name, n) {
                (Name::Known(a), Name::Known(b)) => a == b,
                (Name::Other(a), Name::Other(b)) => self.span_str(a) == self.span_str(b),
                _ => false,
            },
            _ => false,
        }
    }

    fn current_tag(&self) -> Option<Tag> {
        self.open.last().and_then(|e| self.tag_of(*e))
    }

    /// html5ever's "special" category (HTML elements only, unlike the standard's).
    fn is_special(&self, e: u32) -> bool {
        self.tag_of(e).is_some_and(is_special_tag)
    }

    fn tag_attr(&self, name: &str) -> Option<&str> {
        self.tag_attrs
            .iter()
            .find(|a| self.span_str(a.name) == name)
            .map(|a| self.span_str(a.value))
    }

    fn afe_after_marker(&self) -> impl Iterator<Item = u32> + '_ {
        self.afe.iter().rev().take_while(|e| **e != MARKER).copied()
    }

    fn in_scope(&mut self, scope: Scope, target: impl Fn(&Self, u32) -> bool) -> bool {
        self.steps += self.open.len() as u64;
        for &e in self.open.iter().rev() {
            if target(self, e) {
                return true;
            }
            let boundary = match self.tag_of(e) {
                Some(t) => match scope {
                    Scope::Table => matches!(t, Tag::Html | Tag::Table | Tag::Template),
                    Scope::Default | Scope::ListItem | Scope::Button => {
                        is_default_scope_boundary(t)
                            || (scope == Scope::ListItem && matches!(t, Tag::Ol | Tag::Ul))
                            || (scope == Scope::Button && t == Tag::Button)
                    }
                },
                None => scope != Scope::Table && self.svg_integration_point(e),
            };
            if boundary {
                return false;
            }
        }
        false
    }

    fn p_in_button_scope(&mut self) -> bool {
        self.in_scope(Scope::Button, |p, e| p.tag_of(e) == Some(Tag::P))
    }

    fn close_p_in_button_scope(&mut self) {
        if self.p_in_button_scope() {
            self.close_p();
        }
    }

    fn close_p(&mut self) {
        self.generate_implied_end_except(Some(Tag::P));
        self.pop_until_tag(Tag::P);
    }

    /// Pops elements with implied end tags (`p`, `li`, `option`...), except `except`.
    fn generate_implied_end_except(&mut self, except: Option<Tag>) {
        while let Some(t) = self.current_tag() {
            let implied = matches!(
                t,
                Tag::Dd
                    | Tag::Dt
                    | Tag::Li
                    | Tag::Option
                    | Tag::Optgroup
                    | Tag::P
                    | Tag::Rb
                    | Tag::Rp
                    | Tag::Rt
                    | Tag::Rtc
            );
            if !implied || Some(t) == except {
                return;
            }
            self.open.pop();
        }
    }

    /// Pops until an HTML element `tag` has been popped.
    fn pop_until_tag(&mut self, tag: Tag) {
        while let Some(e) = self.open.pop() {
            if self.tag_of(e) == Some(tag) {
                break;
            }
        }
    }

    fn pop_to_table_context(&mut self) {
        while !matches!(
            self.current_tag(),
            Some(Tag::Table | Tag::Template | Tag::Html)
        ) {
            self.open.pop();
        }
    }

    fn pop_to_table_body_context(&mut self) {
        while !matches!(
            self.current_tag(),
            Some(Tag::Tbody | Tag::Tfoot | Tag::Thead | Tag::Template | Tag::Html)
        ) {
            self.open.pop();
        }
    }

    fn pop_to_row_context(&mut self) {
        while !matches!(
            self.current_tag(),
            Some(Tag::Tr | Tag::Template | Tag::Html)
        ) {
            self.open.pop();
        }
    }

    fn reset_mode(&mut self) -> R<Mode> {
        self.steps += self.open.len() as u64;
        for (i, &e) in self.open.iter().enumerate().rev() {
            let last = i == 0;
            let Some(t) = self.tag_of(e) else { continue };
            match t {
                Tag::Td | Tag::Th if !last => return Ok(Mode::InCell),
                Tag::Tr => return Ok(Mode::InRow),
                Tag::Tbody | Tag::Thead | Tag::Tfoot => return Ok(Mode::InTableBody),
                Tag::Caption => return Ok(Mode::InCaption),
                Tag::Colgroup => return Ok(Mode::InColumnGroup),
                Tag::Template | Tag::Frameset => {
                    return Err(Decline::RareModeReset);
                }
                Tag::Table => return Ok(Mode::InTable),
                Tag::Head if !last => return Ok(Mode::InHead),
                Tag::Body => return Ok(Mode::InBody),
                Tag::Html => {
                    return Ok(if self.head == NONE {
                        Mode::BeforeHead
                    } else {
                        Mode::AfterHead
                    });
                }
                _ => {}
            }
        }
        Ok(Mode::InBody)
    }

    fn clear_afe_to_marker(&mut self) {
        while let Some(e) = self.afe.pop() {
            if e == MARKER {
                break;
            }
        }
    }

    /// Reconstructs the active formatting elements: formatting elements closed implicitly
    /// (`<p><b>text</p>more`) are reopened where text or inline content continues.
    fn reconstruct(&mut self) -> R<()> {
        self.steps += self.open.len() as u64;
        match self.afe.last() {
            None => return Ok(()),
            Some(&e) if e == MARKER || self.open.contains(&e) => return Ok(()),
            Some(_) => {}
        }
        let mut i = self.afe.len() - 1;
        while i > 0 {
            i -= 1;
            self.steps += self.open.len() as u64;
            let e = self.afe[i];
            if e == MARKER || self.open.contains(&e) {
                i += 1;
                break;
            }
        }
        loop {
            self.reconstructed += 1;
            let new = self.clone_element(self.afe[i]);
            let parent = *self.open.last().expect("an element is open");
            self.doc.append(parent, new);
            self.open.push(new);
            self.afe[i] = new;
            if i == self.afe.len() - 1 {
                break;
            }
            i += 1;
        }
        Ok(())
    }

    /// Inserts a formatting element and records it (with the "Noah's Ark" limit of three
    /// identical entries).
    fn formatting(&mut self, t: StartTag) {
        // Comparing attribute lists costs at most 8 steps an attribute (pairwise up to 8, else
        // sorted).
        self.steps += (self.afe.len() * (1 + 8 * self.tag_attrs.len())) as u64;
        let mut first_match = None;
        let mut matches = 0;
        let entries: Vec<(usize, u32)> = self
            .afe
            .iter()
            .enumerate()
            .rev()
            .take_while(|(_, e)| **e != MARKER)
            .map(|(i, e)| (i, *e))
            .collect();
        for (i, e) in entries {
            if self.html_named(e, t.name) && self.same_attrs(e) {
                first_match = Some(i);
                matches += 1;
            }
        }
        if matches >= 3
            && let Some(i) = first_match
        {
            self.afe.remove(i);
        }
        let e = self.insert(t.name, Ns::Html, true);
        self.afe.push(e);
    }

    /// Whether `e` has the attributes of the tag being processed, in any order. Names are
    /// unique within each list, so comparing sorted lists is enough; short lists are compared
    /// pairwise.
    fn same_attrs(&self, e: u32) -> bool {
        let theirs = self.doc.element_attrs(e);
        if theirs.len() != self.tag_attrs.len() {
            return false;
        }
        if theirs.len() <= 8 {
            return self.tag_attrs.iter().all(|a| {
                theirs.iter().any(|b| {
                    self.span_str(a.name) == self.span_str(b.name)
                        && self.span_str(a.value) == self.span_str(b.value)
                })
            });
        }
        let sorted = |attrs: &[Attr]| {
            let mut v: Vec<(&str, &str)> = attrs
                .iter()
                .map(|a| (self.span_str(a.name), self.span_str(a.value)))
                .collect();
            v.sort_unstable();
            v
        };
        sorted(theirs) == sorted(&self.tag_attrs)
    }

    fn create_root(&mut self, with_attrs: bool) {
        let e = self.new_element(Name::Known(Tag::Html), Ns::Html, with_attrs);
        self.doc.append(0, e);
        self.open.push(e);
    }

    /// A new element, with the current tag's attributes when `with_attrs`. Only HTML elements
    /// have interned names (as in html5ever's sink, an SVG `<title>` is not `Tag::Title`).
    fn new_element(&mut self, name: Name, ns: Ns, with_attrs: bool) -> u32 {
        let name = match name {
            Name::Known(t) if ns != Ns::Html => Name::Other(self.doc.push_buf(t.as_str())),
            n => n,
        };
        let start = self.doc.attrs.len() as u32;
        if with_attrs {
            self.doc.attrs.extend_from_slice(&self.tag_attrs);
        }
        let end = self.doc.attrs.len() as u32;
        self.doc.new_node(Data::Element {
            name,
            ns,
            attrs: (start, end),
        })
    }

    /// Inserts an element for the current tag in the current node.
    fn insert(&mut self, name: Name, ns: Ns, push: bool) -> u32 {
        let e = self.new_element(name, ns, true);
        let parent = *self.open.last().expect("an element is open");
        self.doc.append(parent, e);
        if push {
            self.open.push(e);
        }
        e
    }

    /// Inserts an element without attributes (one the markup implies), keeping the attributes
    /// of the tag being processed for when it is reprocessed.
    fn insert_phantom(&mut self, tag: Tag) -> u32 {
        let e = self.new_element(Name::Known(tag), Ns::Html, false);
        let parent = *self.open.last().expect("an element is open");
        self.doc.append(parent, e);
        self.open.push(e);
        e
    }

    fn pop(&mut self) {
        self.open.pop();
    }

    fn text_here(&mut self, s: Span) {
        let parent = *self.open.last().expect("an element is open");
        self.doc.append_text(self.src, parent, s);
    }

    fn comment_here(&mut self) {
        let parent = *self.open.last().expect("an element is open");
        self.comment_to(parent);
    }

    fn comment_to(&mut self, parent: u32) {
        let c = self.doc.new_node(Data::Comment);
        self.doc.append(parent, c);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Default,
    ListItem,
    Button,
    Table,
}

fn is_one_of(n: Name, tags: &[Tag]) -> bool {
    matches!(n, Name::Known(t) if tags.contains(&t))
}

fn is_heading(t: Tag) -> bool {
    matches!(t, Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6)
}

fn is_default_scope_boundary(t: Tag) -> bool {
    matches!(
        t,
        Tag::Applet
            | Tag::Caption
            | Tag::Html
            | Tag::Table
            | Tag::Td
            | Tag::Th
            | Tag::Marquee
            | Tag::Object
            | Tag::Select
            | Tag::Template
    )
}

/// html5ever's "special" elements.
pub(super) fn is_special_tag(t: Tag) -> bool {
    use Tag::*;
    matches!(
        t,
        Address
            | Applet
            | Area
            | Article
            | Aside
            | Base
            | Basefont
            | Bgsound
            | Blockquote
            | Body
            | Br
            | Button
            | Caption
            | Center
            | Col
            | Colgroup
            | Dd
            | Details
            | Dir
            | Div
            | Dl
            | Dt
            | Embed
            | Fieldset
            | Figcaption
            | Figure
            | Footer
            | Form
            | Frame
            | Frameset
            | H1
            | H2
            | H3
            | H4
            | H5
            | H6
            | Head
            | Header
            | Hgroup
            | Hr
            | Html
            | Iframe
            | Img
            | Input
            | Isindex
            | Li
            | Link
            | Listing
            | Main
            | Marquee
            | Menu
            | Meta
            | Nav
            | Noembed
            | Noframes
            | Noscript
            | Object
            | Ol
            | P
            | Param
            | Plaintext
            | Pre
            | Script
            | Section
            | Select
            | Source
            | Style
            | Summary
            | Table
            | Tbody
            | Td
            | Template
            | Textarea
            | Tfoot
            | Th
            | Thead
            | Title
            | Tr
            | Track
            | Ul
            | Wbr
            | Xmp
    )
}

/// Start tags that leave foreign (SVG) content.
fn breaks_out_of_foreign(n: Name) -> bool {
    matches!(n, Name::Known(t) if is_breakout_tag(t))
}

/// The HTML elements whose start tag leaves foreign content (the guard's model too).
pub(crate) fn is_breakout_tag(t: Tag) -> bool {
    use Tag::*;
    matches!(
        t,
        B | Big
            | Blockquote
            | Body
            | Br
            | Center
            | Code
            | Dd
            | Div
            | Dl
            | Dt
            | Em
            | Embed
            | H1
            | H2
            | H3
            | H4
            | H5
            | H6
            | Head
            | Hr
            | I
            | Img
            | Li
            | Listing
            | Menu
            | Meta
            | Nobr
            | Ol
            | P
            | Pre
            | Ruby
            | S
            | Small
            | Span
            | Strong
            | Strike
            | Sub
            | Sup
            | Table
            | Tt
            | U
            | Ul
            | Var
    )
}

/// Whether `hay` contains `needle` (lower case) in any case: memchr to each `<`, so a script
/// is read once.
fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memchr_iter(needle[0], hay).any(|i| {
        hay.len() - i >= needle.len() && hay[i..i + needle.len()].eq_ignore_ascii_case(needle)
    })
}

fn push_chars(buf: &mut String, chars: [Option<char>; 2]) {
    for c in chars.into_iter().flatten() {
        buf.push(c);
    }
}

/// A character reference after `&` at `i`: the characters and where the reference ends, or
/// `None` when the `&` is literal. Mirrors html5ever's character reference tokenizer.
fn char_ref(src: &str, i: usize, in_attr: bool) -> Option<([Option<char>; 2], usize)> {
    let b = src.as_bytes();
    match b.get(i) {
        Some(c) if c.is_ascii_alphanumeric() => named_ref(src, i, in_attr),
        Some(b'#') => numeric_ref(b, i + 1),
        _ => None,
    }
}

fn named_ref(src: &str, i: usize, in_attr: bool) -> Option<([Option<char>; 2], usize)> {
    let mut k = i;
    let mut best: Option<((u32, u32), usize)> = None;
    while let Some(c) = src[k..].chars().next() {
        k += c.len_utf8();
        match html5ever::data::NAMED_ENTITIES.get(&src[i..k]) {
            Some(&m) => {
                if m.0 != 0 {
                    best = Some((m, k));
                }
            }
            None => break,
        }
    }
    let ((c1, c2), end) = best?;
    let last_matched = src.as_bytes()[end - 1];
    let next_after = if end < k {
        src[end..].chars().next()
    } else {
        None
    };
    if in_attr
        && last_matched != b';'
        && next_after.is_some_and(|c| c == '=' || c.is_ascii_alphanumeric())
    {
        return None;
    }
    let second = if c2 == 0 { None } else { char::from_u32(c2) };
    Some(([char::from_u32(c1), second], end))
}

fn numeric_ref(b: &[u8], i: usize) -> Option<([Option<char>; 2], usize)> {
    let (base, mut j) = match b.get(i)? {
        b'x' | b'X' => (16u32, i + 1),
        _ => (10u32, i),
    };
    let mut num: u32 = 0;
    let mut too_big = false;
    let mut seen = false;
    while let Some(d) = b.get(j).and_then(|c| (*c as char).to_digit(base)) {
        num = num.wrapping_mul(base);
        if num > 0x10FFFF {
            too_big = true;
        }
        num = num.wrapping_add(d);
        seen = true;
        j += 1;
    }
    if !seen {
        return None;
    }
    if b.get(j) == Some(&b';') {
        j += 1;
    }
    let c = match num {
        n if n > 0x10FFFF || too_big => '\u{fffd}',
        0x00 | 0xD800..=0xDFFF => '\u{fffd}',
        0x80..=0x9F => html5ever::data::C1_REPLACEMENTS[(num - 0x80) as usize]
            .unwrap_or_else(|| char::from_u32(num).expect("C1 controls are chars")),
        n => char::from_u32(n).expect("checked range"),
    };
    Some(([Some(c), None], j))
}

/// SVG element names html5ever gives their camel case back.
fn svg_tag_name(lower: &str) -> Option<&'static str> {
    Some(match lower {
        "altglyph" => "altGlyph",
        "altglyphdef" => "altGlyphDef",
        "altglyphitem" => "altGlyphItem",
        "animatecolor" => "animateColor",
        "animatemotion" => "animateMotion",
        "animatetransform" => "animateTransform",
        "clippath" => "clipPath",
        "feblend" => "feBlend",
        "fecolormatrix" => "feColorMatrix",
        "fecomponenttransfer" => "feComponentTransfer",
        "fecomposite" => "feComposite",
        "feconvolvematrix" => "feConvolveMatrix",
        "fediffuselighting" => "feDiffuseLighting",
        "fedisplacementmap" => "feDisplacementMap",
        "fedistantlight" => "feDistantLight",
        "fedropshadow" => "feDropShadow",
        "feflood" => "feFlood",
        "fefunca" => "feFuncA",
        "fefuncb" => "feFuncB",
        "fefuncg" => "feFuncG",
        "fefuncr" => "feFuncR",
        "fegaussianblur" => "feGaussianBlur",
        "feimage" => "feImage",
        "femerge" => "feMerge",
        "femergenode" => "feMergeNode",
        "femorphology" => "feMorphology",
        "feoffset" => "feOffset",
        "fepointlight" => "fePointLight",
        "fespecularlighting" => "feSpecularLighting",
        "fespotlight" => "feSpotLight",
        "fetile" => "feTile",
        "feturbulence" => "feTurbulence",
        "foreignobject" => "foreignObject",
        "glyphref" => "glyphRef",
        "lineargradient" => "linearGradient",
        "radialgradient" => "radialGradient",
        "textpath" => "textPath",
        _ => return None,
    })
}

/// SVG attribute names html5ever gives their camel case back.
fn svg_attr_name(lower: &str) -> Option<&'static str> {
    Some(match lower {
        "attributename" => "attributeName",
        "attributetype" => "attributeType",
        "basefrequency" => "baseFrequency",
        "baseprofile" => "baseProfile",
        "calcmode" => "calcMode",
        "clippathunits" => "clipPathUnits",
        "diffuseconstant" => "diffuseConstant",
        "edgemode" => "edgeMode",
        "filterunits" => "filterUnits",
        "glyphref" => "glyphRef",
        "gradienttransform" => "gradientTransform",
        "gradientunits" => "gradientUnits",
        "kernelmatrix" => "kernelMatrix",
        "kernelunitlength" => "kernelUnitLength",
        "keypoints" => "keyPoints",
        "keysplines" => "keySplines",
        "keytimes" => "keyTimes",
        "lengthadjust" => "lengthAdjust",
        "limitingconeangle" => "limitingConeAngle",
        "markerheight" => "markerHeight",
        "markerunits" => "markerUnits",
        "markerwidth" => "markerWidth",
        "maskcontentunits" => "maskContentUnits",
        "maskunits" => "maskUnits",
        "numoctaves" => "numOctaves",
        "pathlength" => "pathLength",
        "patterncontentunits" => "patternContentUnits",
        "patterntransform" => "patternTransform",
        "patternunits" => "patternUnits",
        "pointsatx" => "pointsAtX",
        "pointsaty" => "pointsAtY",
        "pointsatz" => "pointsAtZ",
        "preservealpha" => "preserveAlpha",
        "preserveaspectratio" => "preserveAspectRatio",
        "primitiveunits" => "primitiveUnits",
        "refx" => "refX",
        "refy" => "refY",
        "repeatcount" => "repeatCount",
        "repeatdur" => "repeatDur",
        "requiredextensions" => "requiredExtensions",
        "requiredfeatures" => "requiredFeatures",
        "specularconstant" => "specularConstant",
        "specularexponent" => "specularExponent",
        "spreadmethod" => "spreadMethod",
        "startoffset" => "startOffset",
        "stddeviation" => "stdDeviation",
        "stitchtiles" => "stitchTiles",
        "surfacescale" => "surfaceScale",
        "systemlanguage" => "systemLanguage",
        "tablevalues" => "tableValues",
        "targetx" => "targetX",
        "targety" => "targetY",
        "textlength" => "textLength",
        "viewbox" => "viewBox",
        "viewtarget" => "viewTarget",
        "xchannelselector" => "xChannelSelector",
        "ychannelselector" => "yChannelSelector",
        "zoomandpan" => "zoomAndPan",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(html: &str) -> R<Document<'_>> {
        parse_counted(html).0
    }

    #[test]
    fn hostile_structure_is_declined_and_cut_down_by_the_fallback() {
        let n = crate::nesting::MAX_NESTING * 4;
        let deep = format!(
            "{}<a href='https://example.com/'>deep</a>{}",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        assert_eq!(parse(&deep).err(), Some(Decline::DeepNesting));
        // Formatting elements left open with distinct attributes pile up (no "Noah's Ark").
        let formatting: String = (0..200).map(|i| format!("<p><b id={i}>x</p>")).collect();
        assert!(parse(&formatting).is_err());
        // The fallback parses what `limit_nesting` left: bounded depth, the link kept.
        let doc = Document::parse(&deep);
        let link = doc
            .root()
            .descendants()
            .find(|n| n.element().is_some_and(|e| e.attr("href").is_some()))
            .expect("the link survives");
        assert!(link.ancestors().count() <= crate::nesting::MAX_NESTING + 2);
        // An ordinary page is far below every limit.
        assert!(parse(&"<div><p><b>x</b></p></div>".repeat(5_000)).is_ok());
    }

    /// Whenever the fast parser takes a document, its tree is html5ever's.
    fn check(html: &str) {
        let reference = Document::parse_html5ever(html).outline();
        if let Ok(doc) = parse(html) {
            assert_eq!(doc.outline(), reference, "input: {html:?}");
        }
    }

    #[test]
    fn hand_written_cases() {
        for html in [
            "",
            "text only",
            "<!DOCTYPE html><html><head><title>T</title></head><body><p>x</p></body></html>",
            "<p>one<p>two<ul><li>a<li>b</ul><dl><dt>t<dd>d</dl>",
            "<table><tr><td>a<td>b<tr><td>c</table>after",
            "<table><caption>c</caption><colgroup><col><col></colgroup><tbody><tr><th>h</table>",
            "<p><b>bold<i>both</b>italic</i> rest</p>",
            "<b><p>para</b>after</p>",
            "<a href=1>one<a href=2>two</a>",
            "<div><a href=x>link<div>block</a>tail</div>",
            "<FONT face=Arial><B>t</B><P>one<P>two</FONT></TD>",
            "<table><tr><td><font>x<table><tr><td>y</table></font></table>",
            "<select><option>a<option>b<optgroup><option>c</select><input>",
            "<svg viewbox='0 0 1 1'><clippath><path d=M0/></clippath><title>t</title></svg>x",
            "<svg><foreignObject><p>html</p></foreignObject><g><p>out</svg>",
            "<math><mi>x</mi></math>",
            "<script>if (a<b) { x = '</div>' }</script><style>p{}</style>",
            "<textarea>\nline &amp; more</textarea><pre>\n\nkeep</pre>",
            "<title>a &lt; b</title><noscript><a href=x>n</a></noscript>",
            "&amp &amp; &ampx &notit; &notin; &#65;&#x42;&#128;&#0;&#xD800; &#99999999999; &#;",
            "<a href='?a=1&amp;b=2&copy=3&notit=4&lt'>q</a>",
            "<!-- c --><!--> <!---> <!-- a -- b --!> <! bogus > <? pi ?></x <",
            "<div class=a class=b ID=C data-x = 'y' z>dup</div>",
            "<p>x</p></p></br></div></span>text",
            "<pre><!DOCTYPE html>\n<img>",
            "<body class=a><body id=b><html lang=en>x",
            "<table> <tr> <td> x </td> </tr> </table>",
            "<table>x</table>",
            "<ul><li>a<ul><li>b</ul><li>c</ul>",
            "<h1>a<h2>b</h1>c",
            "<form><form><input></form></form>",
            "<button>a<button>b</button>",
            "<nobr>a<nobr>b",
            "<ruby>a<rt>b<rp>c</ruby>",
            "<image src=x><isindex>",
            "<p>\u{feff}text\r\nline\rline</p>",
            "<plaintext><a href=x>",
            "<p><b 3=A>x</b><b>y<plaintext><a href=x>",
            "<table><tr><td><i>x<p>y<plaintext>z",
            "<frameset><frame></frameset>",
            "<template><p>t</template>",
            "<table><tr><td>a</td></tr></tbody><tfoot><tr><td>f</table>",
            "<table><form><input type=hidden></form><tr><td>x</table>",
            "<a><b><div><a>x</a></div></b></a>",
            "<b><b><b><b>x</b></b></b></b><p>y",
            "<b class=x><b class=x><b class=x><b class=x>four</b></b></b></b><p>y",
            "<xmp><b>raw</b></xmp><iframe><p>raw</iframe>",
            "<listing>\nx</listing><object><p>o</object>",
            "<table><tr><td><svg><td>x</svg></table>",
            "<div>a</DIV>b</Div>",
            "<br/><img/><p/>x",
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\"><p><table>",
            "<!doctype html><p><table><tr><td>x</table>",
            "<p><table><tr><td>quirks</table>",
            "<pre></>\nkept</pre><pre>\ndropped</pre>",
        ] {
            check(html);
        }
    }

    fn piece() -> impl Strategy<Value = String> {
        let tags = prop::sample::select(vec![
            "p",
            "div",
            "span",
            "a",
            "b",
            "i",
            "em",
            "strong",
            "font",
            "ul",
            "ol",
            "li",
            "dl",
            "dt",
            "dd",
            "table",
            "tbody",
            "thead",
            "tr",
            "td",
            "th",
            "caption",
            "col",
            "colgroup",
            "h1",
            "h2",
            "pre",
            "textarea",
            "title",
            "script",
            "style",
            "select",
            "option",
            "optgroup",
            "svg",
            "path",
            "foreignObject",
            "g",
            "form",
            "input",
            "br",
            "img",
            "hr",
            "body",
            "html",
            "head",
            "nav",
            "article",
            "section",
            "button",
            "noscript",
            "iframe",
            "xmp",
            "center",
            "nobr",
            "u",
            "s",
            "code",
            "object",
            "marquee",
            "applet",
            "custom-el",
            "BLINK",
            "TD",
            "P",
        ]);
        let attrs = prop::sample::select(vec![
            "",
            " class=a",
            " class=\"x y\"",
            " href='/x?a=1&amp;b=2'",
            " id=i class=c",
            " HREF=up",
            " a=1 a=2",
            " type=hidden",
            " color=red",
            " xlink:href=#s",
            " viewbox='0 0 1 1'",
            " data-x = y",
            " v=&notit=1",
            "/",
            " x='unterminated",
        ]);
        prop_oneof![
            4 => (tags.clone(), attrs).prop_map(|(t, a)| format!("<{t}{a}>")),
            3 => tags.prop_map(|t| format!("</{t}>")),
            4 => prop::sample::select(vec![
                "text", " ", "\n", "word, word", "a &amp; b", "&lt;", "&nbsp;", "&copy", "&notit;",
                "&#169;", "&#x80;", "&bogus;", "<", "< ", "&", "&#", "\u{e9}t\u{e9}", "\r\n",
            ])
            .prop_map(String::from),
            1 => prop::sample::select(vec![
                "<!-- c -->", "<!-->", "<!--->", "<!-- a -- b -->", "<!DOCTYPE html>", "<? pi >",
                "</>", "<!bogus>", "<![CDATA[x]]>", "</ x>",
            ])
            .prop_map(String::from),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn same_tree_as_html5ever(pieces in prop::collection::vec(piece(), 0..40)) {
            check(&pieces.concat());
        }
    }
}
