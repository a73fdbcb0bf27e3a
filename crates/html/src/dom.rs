//! The parsed document: a compact arena tree (elements, text, comments) that the extract stage
//! reads, built by the fast parser (`crate::fast`) or, for the pages it declines, by html5ever's
//! tree builder through [`Html5everSink`]. Both builders produce the same tree for the same input
//! (the fast parser declines rather than guess), so everything downstream behaves the same
//! whichever parsed the page.
//!
//! Text and attribute values are spans: into the source when they appear there verbatim (most
//! of a page), else into the document's own buffer (decoded character references, merged text
//! nodes). Element names are interned ([`Tag`]) when known.
//!
//! The node array, its links and the [`Linked`] helpers are public for one reader that needs
//! them: the main-content scorer keeps an editable overlay of the tree's structure.

use std::borrow::Cow;
use std::cell::RefCell;

/// A node of a [`Document`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

const NONE: u32 = u32::MAX;
/// Set in [`Span::start`] when the span is in the document's buffer, not in the source.
const IN_BUF: u32 = 1 << 31;

/// A piece of the document's text: `len` bytes at `start` of the source, or of the document's
/// buffer when `start` has the `IN_BUF` bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    start: u32,
    len: u32,
}

impl Span {
    pub(crate) fn src(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            len: (end - start) as u32,
        }
    }

    pub(crate) fn buf(start: usize, end: usize) -> Span {
        Span {
            start: start as u32 | IN_BUF,
            len: (end - start) as u32,
        }
    }

    fn in_buf(&self) -> bool {
        self.start & IN_BUF != 0
    }

    /// (offset, length, whether in the buffer).
    pub(crate) fn parts(&self) -> (usize, usize, bool) {
        (
            (self.start & !IN_BUF) as usize,
            self.len as usize,
            self.in_buf(),
        )
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }

    /// The span without its first `n` bytes.
    pub(crate) fn skip(self, n: usize) -> Span {
        Span {
            start: self.start + n as u32,
            len: self.len - n as u32,
        }
    }

    /// The first `n` bytes of the span.
    pub(crate) fn take(self, n: usize) -> Span {
        Span {
            start: self.start,
            len: n as u32,
        }
    }
}

/// Largest document parsed (spans address at most 2 GiB of source and buffer together).
pub const MAX_DOCUMENT: usize = 1 << 30;

/// The namespace of an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    /// HTML.
    Html,
    /// Inline SVG.
    Svg,
    /// MathML.
    MathMl,
}

macro_rules! tags {
    ($($variant:ident = $name:literal,)+) => {
        /// Element names the parser and the extract stage know by name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum Tag { $($variant,)+ }

        impl Tag {
            /// The lower-case name.
            pub fn as_str(self) -> &'static str {
                match self { $(Tag::$variant => $name,)+ }
            }

            /// The tag of a lower-case name.
            pub fn from_name(name: &[u8]) -> Option<Tag> {
                let name = std::str::from_utf8(name).ok()?;
                match name { $($name => Some(Tag::$variant),)+ _ => None }
            }
        }
    };
}

macro_rules! tag_list {
    ($($variant:ident $name:literal)+) => { tags! { $($variant = $name,)+ } };
}

tag_list! {
    A "a" Abbr "abbr" Address "address" Applet "applet" Area "area" Article "article"
    Aside "aside" Audio "audio" B "b" Base "base" Basefont "basefont" Bdi "bdi" Bdo "bdo"
    Bgsound "bgsound" Big "big" Blockquote "blockquote" Body "body" Br "br" Button "button"
    Canvas "canvas" Caption "caption" Center "center" Cite "cite" Code "code" Col "col"
    Colgroup "colgroup" Data "data" Datalist "datalist" Dd "dd" Del "del" Details "details"
    Dfn "dfn" Dialog "dialog" Dir "dir" Div "div" Dl "dl" Dt "dt" Em "em" Embed "embed"
    Fieldset "fieldset" Figcaption "figcaption" Figure "figure" Font "font" Footer "footer"
    Form "form" Frame "frame" Frameset "frameset" H1 "h1" H2 "h2" H3 "h3" H4 "h4" H5 "h5"
    H6 "h6" Head "head" Header "header" Hgroup "hgroup" Hr "hr" Html "html" I "i"
    Iframe "iframe" Image "image" Img "img" Input "input" Ins "ins" Isindex "isindex"
    Kbd "kbd" Keygen "keygen" Label "label" Legend "legend" Li "li" Link "link"
    Listing "listing" Main "main" Map "map" Mark "mark" Marquee "marquee" Math "math"
    Menu "menu" Meta "meta" Meter "meter" Nav "nav" Nobr "nobr" Noembed "noembed"
    Noframes "noframes" Noscript "noscript" Object "object" Ol "ol" Optgroup "optgroup"
    Option "option" Output "output" P "p" Param "param" Picture "picture"
    Plaintext "plaintext" Pre "pre" Progress "progress" Q "q" Rb "rb" Rp "rp" Rt "rt"
    Rtc "rtc" Ruby "ruby" S "s" Samp "samp" Script "script" Search "search"
    Section "section" Select "select" Small "small" Source "source" Span "span"
    Strike "strike" Strong "strong" Style "style" Sub "sub" Summary "summary" Sup "sup"
    Svg "svg" Table "table" Tbody "tbody" Td "td" Template "template" Textarea "textarea"
    Tfoot "tfoot" Th "th" Thead "thead" Time "time" Title "title" Tr "tr" Track "track"
    Tt "tt" U "u" Ul "ul" Var "var" Video "video" Wbr "wbr" Xmp "xmp"
}

/// An element's name: interned when known, else a span (lower case for HTML elements; SVG
/// names keep their adjusted case, `clipPath`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    /// A name the parser knows.
    Known(Tag),
    /// Any other name, as text of the document.
    Other(Span),
}

/// What a node of [`Document::nodes`] holds.
#[derive(Debug, Clone, Copy)]
pub enum Data {
    /// The document node (always node 0).
    Document,
    /// `<!DOCTYPE>`.
    Doctype,
    /// A comment.
    Comment,
    /// Text, character references decoded.
    Text(Span),
    /// An element.
    Element {
        /// Its name.
        name: Name,
        /// Its namespace.
        ns: Ns,
        /// Range into the document's attribute list.
        attrs: (u32, u32),
    },
}

/// A node of the arena: its tree links (`u32::MAX` for none) and what it holds.
#[derive(Debug, Clone, Copy)]
pub struct NodeData {
    /// The parent.
    pub parent: u32,
    /// The previous sibling.
    pub prev: u32,
    /// The next sibling.
    pub next: u32,
    /// The first child.
    pub first: u32,
    /// The last child.
    pub last: u32,
    /// What the node holds.
    pub data: Data,
}

/// An attribute: its name (lower case; foreign attributes keep their prefix, `xlink:href`) and
/// value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attr {
    pub(crate) name: Span,
    pub(crate) value: Span,
}

/// One of the links that place an arena node in its tree.
#[derive(Debug, Clone, Copy)]
#[allow(missing_docs)]
pub enum Link {
    Parent,
    Prev,
    Next,
    First,
    Last,
}

/// An arena node with tree links. The document's nodes and the main-content scorer's editable
/// overlay of them are both edited by the three functions below.
pub trait Linked {
    /// The node a link points to (`u32::MAX` for none).
    fn link(&self, l: Link) -> u32;
    /// Points a link at `to`.
    fn set_link(&mut self, l: Link, to: u32);
}

/// Implements [`dom::Linked`](crate::dom::Linked) for a node type with `parent`, `prev`,
/// `next`, `first` and `last` fields.
#[macro_export]
macro_rules! impl_linked {
    ($t:ty) => {
        impl $crate::dom::Linked for $t {
            fn link(&self, l: $crate::dom::Link) -> u32 {
                use $crate::dom::Link;
                match l {
                    Link::Parent => self.parent,
                    Link::Prev => self.prev,
                    Link::Next => self.next,
                    Link::First => self.first,
                    Link::Last => self.last,
                }
            }
            fn set_link(&mut self, l: $crate::dom::Link, to: u32) {
                use $crate::dom::Link;
                *match l {
                    Link::Parent => &mut self.parent,
                    Link::Prev => &mut self.prev,
                    Link::Next => &mut self.next,
                    Link::First => &mut self.first,
                    Link::Last => &mut self.last,
                } = to;
            }
        }
    };
}
pub use crate::impl_linked;

impl_linked!(NodeData);

/// Takes `node` out of its parent's children (nothing when it has no parent).
pub fn detach<T: Linked>(nodes: &mut [T], node: u32) {
    let n = &nodes[node as usize];
    let (parent, prev, next) = (n.link(Link::Parent), n.link(Link::Prev), n.link(Link::Next));
    if parent == NONE {
        return;
    }
    if prev == NONE {
        nodes[parent as usize].set_link(Link::First, next);
    } else {
        nodes[prev as usize].set_link(Link::Next, next);
    }
    if next == NONE {
        nodes[parent as usize].set_link(Link::Last, prev);
    } else {
        nodes[next as usize].set_link(Link::Prev, prev);
    }
    let c = &mut nodes[node as usize];
    c.set_link(Link::Parent, NONE);
    c.set_link(Link::Prev, NONE);
    c.set_link(Link::Next, NONE);
}

/// Makes `child` the last child of `parent` (moving it when it has a parent).
pub fn append<T: Linked>(nodes: &mut [T], parent: u32, child: u32) {
    detach(nodes, child);
    let last = nodes[parent as usize].link(Link::Last);
    splice(nodes, child, parent, last, NONE);
}

/// Puts `child` just before `sibling` (nothing when `sibling` has no parent).
pub fn insert_before<T: Linked>(nodes: &mut [T], sibling: u32, child: u32) {
    detach(nodes, child);
    let s = &nodes[sibling as usize];
    let (parent, prev) = (s.link(Link::Parent), s.link(Link::Prev));
    if parent != NONE {
        splice(nodes, child, parent, prev, sibling);
    }
}

/// Links a detached `child` into `parent`'s children between `prev` and `next` (`NONE` for
/// the ends of the list).
fn splice<T: Linked>(nodes: &mut [T], child: u32, parent: u32, prev: u32, next: u32) {
    let c = &mut nodes[child as usize];
    c.set_link(Link::Parent, parent);
    c.set_link(Link::Prev, prev);
    c.set_link(Link::Next, next);
    if prev == NONE {
        nodes[parent as usize].set_link(Link::First, child);
    } else {
        nodes[prev as usize].set_link(Link::Next, child);
    }
    if next == NONE {
        nodes[parent as usize].set_link(Link::Last, child);
    } else {
        nodes[next as usize].set_link(Link::Prev, child);
    }
}

/// A parsed HTML document.
#[derive(Debug, Clone)]
pub struct Document<'s> {
    pub(crate) src: Cow<'s, str>,
    pub(crate) buf: String,
    /// The nodes; node 0 is the document.
    pub nodes: Vec<NodeData>,
    pub(crate) attrs: Vec<Attr>,
    /// Spare bytes reserved in `buf` after a merged text (offset → capacity), so that text
    /// merged into it again grows in place: merging stays linear (see [`Document::concat`]).
    room: std::collections::HashMap<u32, u32>,
    /// Attributes added to an element after it was created (a repeated `<html>` or `<body>`
    /// tag), kept aside while parsing and placed once at the end ([`Document::finish`]).
    merged: Vec<Merged>,
}

/// Attributes merged into one element while parsing.
#[derive(Debug, Clone)]
struct Merged {
    node: u32,
    /// Every attribute name the element has, for the "if missing" check in constant time.
    names: std::collections::HashSet<Box<str>>,
    extra: Vec<Attr>,
}

impl<'s> Document<'s> {
    /// Parses a document: [`crate::parse`]'s tree.
    pub fn parse(html: &'s str) -> Document<'s> {
        crate::parse(html).document
    }

    /// Parses with html5ever's tree builder alone, without the guard ([`crate::parse_html5ever`]).
    pub fn parse_html5ever(html: &str) -> Document<'s> {
        crate::parse_html5ever(html)
    }

    /// Bytes of memory the tree holds (what [`crate::Cost::tree_bytes`] reports).
    pub fn heap_bytes(&self) -> usize {
        let owned_src = match &self.src {
            Cow::Owned(s) => s.capacity(),
            Cow::Borrowed(_) => 0,
        };
        self.nodes.capacity() * std::mem::size_of::<NodeData>()
            + self.attrs.capacity() * std::mem::size_of::<Attr>()
            + self.buf.capacity()
            + owned_src
            + self.room.capacity() * 16
            + self
                .merged
                .iter()
                .map(|m| m.extra.capacity() * std::mem::size_of::<Attr>() + m.names.len() * 48)
                .sum::<usize>()
    }

    pub(crate) fn empty(src: Cow<'s, str>) -> Document<'s> {
        let mut d = Document {
            nodes: Vec::with_capacity(src.len() / 32 + 8),
            attrs: Vec::with_capacity(src.len() / 48 + 8),
            buf: String::new(),
            src,
            room: std::collections::HashMap::new(),
            merged: Vec::new(),
        };
        d.nodes.push(NodeData {
            parent: NONE,
            prev: NONE,
            next: NONE,
            first: NONE,
            last: NONE,
            data: Data::Document,
        });
        d
    }

    /// The document node.
    pub fn root(&self) -> NodeRef<'_> {
        NodeRef { doc: self, id: 0 }
    }

    /// A node by id.
    pub fn get(&self, id: NodeId) -> NodeRef<'_> {
        NodeRef {
            doc: self,
            id: id.0,
        }
    }

    /// Number of nodes (of every kind).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the document has no node but the root.
    pub fn is_empty(&self) -> bool {
        self.nodes.len() <= 1
    }

    /// A canonical text form of the whole tree (names with namespaces, attributes in order,
    /// text, comments), for comparing parsers in tests and for debugging.
    pub fn outline(&self) -> String {
        let mut s = String::new();
        for edge in self.root().traverse() {
            match edge {
                Edge::Open(n) => match n.value() {
                    Node::Element(e) => {
                        s.push('<');
                        match e.ns() {
                            Ns::Html => {}
                            Ns::Svg => s.push_str("svg:"),
                            Ns::MathMl => s.push_str("math:"),
                        }
                        s.push_str(e.name());
                        for (k, v) in e.attrs() {
                            s.push_str(&format!(" {k}={v:?}"));
                        }
                        s.push('>');
                    }
                    Node::Text(t) => s.push_str(&format!("{t:?}")),
                    Node::Comment => s.push_str("<!---->"),
                    Node::Doctype => s.push_str("<!DOCTYPE>"),
                    Node::Document => {}
                },
                Edge::Close(n) => {
                    if let Some(e) = n.element() {
                        s.push_str(&format!("</{}>", e.name()));
                    }
                }
            }
        }
        s
    }

    pub(crate) fn text(&self, s: Span) -> &str {
        let start = (s.start & !IN_BUF) as usize;
        let end = start + s.len as usize;
        if s.in_buf() {
            &self.buf[start..end]
        } else {
            &self.src[start..end]
        }
    }

    /// Appends `s` to the buffer and returns its span.
    pub(crate) fn push_buf(&mut self, s: &str) -> Span {
        let start = self.buf.len();
        self.buf.push_str(s);
        Span {
            start: start as u32 | IN_BUF,
            len: s.len() as u32,
        }
    }

    pub(crate) fn new_node(&mut self, data: Data) -> u32 {
        let id = self.nodes.len() as u32;
        self.nodes.push(NodeData {
            parent: NONE,
            prev: NONE,
            next: NONE,
            first: NONE,
            last: NONE,
            data,
        });
        id
    }

    pub(crate) fn append(&mut self, parent: u32, child: u32) {
        append(&mut self.nodes, parent, child);
    }

    /// Appends text to `parent`, merged into its last child when that is text (as html5ever
    /// sinks do). `src` is the source the spans refer to (the document's own is set only once
    /// parsing is done).
    pub(crate) fn append_text(&mut self, src: &str, parent: u32, text: Span) {
        let last = self.nodes[parent as usize].last;
        if last != NONE
            && let Data::Text(prev) = self.nodes[last as usize].data
        {
            let merged = self.concat(src, prev, text);
            self.nodes[last as usize].data = Data::Text(merged);
            return;
        }
        let id = self.new_node(Data::Text(text));
        self.append(parent, id);
    }

    /// The text of `s`, where `src` is the source its spans refer to while parsing.
    fn resolve<'a>(&'a self, src: &'a str, s: Span) -> &'a str {
        let (o, l, in_buf) = s.parts();
        if in_buf {
            &self.buf[o..o + l]
        } else {
            &src[o..o + l]
        }
    }

    /// `a` followed by `b`, in time proportional to `b` (amortized): extended in place when
    /// they are adjacent, when `a` ends the buffer or when room was reserved after `a`; else
    /// `a` moves to the end of the buffer with as much room again after it. Copying `a` on
    /// every merge instead made text merged in many pieces quadratic (foster-parented text
    /// around table markup, text between ignored tags).
    pub(crate) fn concat(&mut self, src: &str, a: Span, b: Span) -> Span {
        if b.is_empty() {
            return a;
        }
        if a.in_buf() == b.in_buf() && (a.start + a.len) == b.start {
            return Span {
                start: a.start,
                len: a.len + b.len,
            };
        }
        let (a_off, a_len, a_in_buf) = a.parts();
        let len = a_len + b.len();
        if a_in_buf && a_off + a_len == self.buf.len() {
            let tail = self.resolve(src, b).to_owned();
            self.buf.push_str(&tail);
            return Span::buf(a_off, a_off + len);
        }
        if a_in_buf
            && self
                .room
                .get(&(a_off as u32))
                .is_some_and(|&cap| len <= cap as usize)
        {
            // The reserved bytes are ASCII filler no span covers: replacing them with whole
            // characters keeps the buffer valid UTF-8.
            let tail = self.resolve(src, b).to_owned();
            self.buf.replace_range(a_off + a_len..a_off + len, &tail);
            return Span::buf(a_off, a_off + len);
        }
        let start = self.buf.len();
        let head = self.resolve(src, a).to_owned();
        let tail = self.resolve(src, b).to_owned();
        self.buf.push_str(&head);
        self.buf.push_str(&tail);
        let cap = len * 2;
        self.buf.extend(std::iter::repeat_n(' ', cap - len));
        self.room.insert(start as u32, cap as u32);
        Span::buf(start, start + len)
    }

    /// Adds the attributes of `attrs` whose names `target` lacks (a repeated `<html>` or
    /// `<body>` tag), in time proportional to `attrs`: they are kept aside with a set of the
    /// element's names and placed by [`Document::finish`]. Rebuilding the element's list on
    /// each tag made 20,000 repeated `<body bN=x>` tags take 4 GB.
    pub(crate) fn add_attrs_if_missing(
        &mut self,
        src: &str,
        target: u32,
        attrs: impl IntoIterator<Item = Attr>,
    ) {
        let k = match self.merged.iter().position(|m| m.node == target) {
            Some(k) => k,
            None => {
                let names = self
                    .element_attrs(target)
                    .iter()
                    .map(|a| Box::from(self.resolve(src, a.name)))
                    .collect();
                self.merged.push(Merged {
                    node: target,
                    names,
                    extra: Vec::new(),
                });
                self.merged.len() - 1
            }
        };
        for a in attrs {
            let name = self.resolve(src, a.name);
            if !self.merged[k].names.contains(name) {
                let name = Box::from(name);
                let m = &mut self.merged[k];
                m.names.insert(name);
                m.extra.push(a);
            }
        }
    }

    /// Ends parsing: places the attributes merged into elements after their own (each list
    /// copied once) and releases the room reserved for merging text.
    pub(crate) fn finish(&mut self) {
        for m in std::mem::take(&mut self.merged) {
            if m.extra.is_empty() {
                continue;
            }
            let start = self.attrs.len() as u32;
            let own = self.element_attrs(m.node).to_vec();
            self.attrs.extend_from_slice(&own);
            self.attrs.extend_from_slice(&m.extra);
            let end = self.attrs.len() as u32;
            if let Data::Element { attrs, .. } = &mut self.nodes[m.node as usize].data {
                *attrs = (start, end);
            }
        }
        self.room = std::collections::HashMap::new();
    }

    pub(crate) fn detach(&mut self, node: u32) {
        detach(&mut self.nodes, node);
    }

    pub(crate) fn insert_before(&mut self, sibling: u32, child: u32) {
        insert_before(&mut self.nodes, sibling, child);
    }

    pub(crate) fn element_attrs(&self, id: u32) -> &[Attr] {
        match self.nodes[id as usize].data {
            Data::Element { attrs: (a, b), .. } => &self.attrs[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// `s` cut to at most `max` bytes, at a character boundary.
pub(crate) fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A node of a document, cheap to copy.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    doc: &'a Document<'a>,
    id: u32,
}

impl std::fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.value() {
            Node::Element(e) => write!(f, "<{}>#{}", e.name(), self.id),
            Node::Text(t) => write!(f, "{t:?}#{}", self.id),
            other => write!(f, "{other:?}#{}", self.id),
        }
    }
}

/// What a node is.
#[derive(Debug, Clone, Copy)]
pub enum Node<'a> {
    /// The document itself.
    Document,
    /// `<!DOCTYPE>`.
    Doctype,
    /// An HTML comment.
    Comment,
    /// Text (character references decoded).
    Text(&'a str),
    /// An element.
    Element(Element<'a>),
}

impl<'a> Node<'a> {
    /// The element, if this is one.
    pub fn as_element(&self) -> Option<Element<'a>> {
        match self {
            Node::Element(e) => Some(*e),
            _ => None,
        }
    }

    /// Whether this is an element.
    pub fn is_element(&self) -> bool {
        matches!(self, Node::Element(_))
    }
}

/// An element: its name and attributes.
#[derive(Clone, Copy)]
pub struct Element<'a> {
    doc: &'a Document<'a>,
    id: u32,
    name: Name,
    ns: Ns,
}

impl std::fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{}>", self.name())
    }
}

impl<'a> Element<'a> {
    /// The local name (lower case for HTML elements).
    pub fn name(&self) -> &'a str {
        match self.name {
            Name::Known(t) => t.as_str(),
            Name::Other(s) => self.doc.text(s),
        }
    }

    /// The interned name, if known.
    pub fn tag(&self) -> Option<Tag> {
        match self.name {
            Name::Known(t) => Some(t),
            Name::Other(_) => None,
        }
    }

    /// Whether this is the HTML element `tag`.
    pub fn is(&self, tag: Tag) -> bool {
        self.name == Name::Known(tag)
    }

    /// The namespace.
    pub fn ns(&self) -> Ns {
        self.ns
    }

    /// The value of an attribute (by lower-case name, as written without namespace prefix).
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.doc
            .element_attrs(self.id)
            .iter()
            .find(|a| self.doc.text(a.name) == name)
            .map(|a| self.doc.text(a.value))
    }

    /// Every attribute, in document order.
    pub fn attrs(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let doc = self.doc;
        doc.element_attrs(self.id)
            .iter()
            .map(move |a| (doc.text(a.name), doc.text(a.value)))
    }
}

impl<'a> NodeRef<'a> {
    /// The node's id.
    pub fn id(&self) -> NodeId {
        NodeId(self.id)
    }

    /// The document.
    pub fn document(&self) -> &'a Document<'a> {
        self.doc
    }

    fn raw(&self) -> &'a NodeData {
        &self.doc.nodes[self.id as usize]
    }

    fn at(&self, id: u32) -> Option<NodeRef<'a>> {
        (id != NONE).then_some(NodeRef { doc: self.doc, id })
    }

    /// What the node is.
    pub fn value(&self) -> Node<'a> {
        match self.raw().data {
            Data::Document => Node::Document,
            Data::Doctype => Node::Doctype,
            Data::Comment => Node::Comment,
            Data::Text(s) => Node::Text(self.doc.text(s)),
            Data::Element { name, ns, .. } => Node::Element(Element {
                doc: self.doc,
                id: self.id,
                name,
                ns,
            }),
        }
    }

    /// The element, if the node is one.
    pub fn element(&self) -> Option<Element<'a>> {
        match self.raw().data {
            Data::Element { name, ns, .. } => Some(Element {
                doc: self.doc,
                id: self.id,
                name,
                ns,
            }),
            _ => None,
        }
    }

    /// Whether the node is the HTML element `tag`.
    pub fn is(&self, tag: Tag) -> bool {
        matches!(self.raw().data, Data::Element { name: Name::Known(t), .. } if t == tag)
    }

    /// The text, if the node is text.
    pub fn as_text(&self) -> Option<&'a str> {
        match self.raw().data {
            Data::Text(s) => Some(self.doc.text(s)),
            _ => None,
        }
    }

    /// The parent.
    pub fn parent(&self) -> Option<NodeRef<'a>> {
        self.at(self.raw().parent)
    }

    /// The previous sibling.
    pub fn prev_sibling(&self) -> Option<NodeRef<'a>> {
        self.at(self.raw().prev)
    }

    /// The next sibling.
    pub fn next_sibling(&self) -> Option<NodeRef<'a>> {
        self.at(self.raw().next)
    }

    /// The first child.
    pub fn first_child(&self) -> Option<NodeRef<'a>> {
        self.at(self.raw().first)
    }

    /// The last child.
    pub fn last_child(&self) -> Option<NodeRef<'a>> {
        self.at(self.raw().last)
    }

    /// Whether the node has children.
    pub fn has_children(&self) -> bool {
        self.raw().first != NONE
    }

    /// The children, in order.
    pub fn children(&self) -> Siblings<'a> {
        Siblings {
            next: self.first_child(),
        }
    }

    /// The ancestors, parent first.
    pub fn ancestors(&self) -> Ancestors<'a> {
        Ancestors {
            next: self.parent(),
        }
    }

    /// The node and its descendants, in document order.
    pub fn descendants(&self) -> Descendants<'a> {
        Descendants {
            traverse: self.traverse(),
        }
    }

    /// Opening and closing edges of the node's subtree, in document order.
    pub fn traverse(&self) -> Traverse<'a> {
        Traverse {
            root: *self,
            next: Some(Edge::Open(*self)),
        }
    }
}

impl PartialEq for NodeRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && std::ptr::eq(self.doc, other.doc)
    }
}

impl Eq for NodeRef<'_> {}

/// Iterator over siblings.
pub struct Siblings<'a> {
    next: Option<NodeRef<'a>>,
}

impl<'a> Iterator for Siblings<'a> {
    type Item = NodeRef<'a>;
    fn next(&mut self) -> Option<NodeRef<'a>> {
        let n = self.next?;
        self.next = n.next_sibling();
        Some(n)
    }
}

/// Iterator over ancestors.
pub struct Ancestors<'a> {
    next: Option<NodeRef<'a>>,
}

impl<'a> Iterator for Ancestors<'a> {
    type Item = NodeRef<'a>;
    fn next(&mut self) -> Option<NodeRef<'a>> {
        let n = self.next?;
        self.next = n.parent();
        Some(n)
    }
}

/// An edge of a traversal.
#[derive(Debug, Clone, Copy)]
pub enum Edge<'a> {
    /// Entering a node (before its children).
    Open(NodeRef<'a>),
    /// Leaving a node (after its children).
    Close(NodeRef<'a>),
}

/// Depth-first traversal of a subtree, iterative.
pub struct Traverse<'a> {
    root: NodeRef<'a>,
    next: Option<Edge<'a>>,
}

impl<'a> Iterator for Traverse<'a> {
    type Item = Edge<'a>;
    fn next(&mut self) -> Option<Edge<'a>> {
        let edge = self.next?;
        self.next = match edge {
            Edge::Open(n) => match n.first_child() {
                Some(c) => Some(Edge::Open(c)),
                None => Some(Edge::Close(n)),
            },
            Edge::Close(n) => {
                if n == self.root {
                    None
                } else if let Some(s) = n.next_sibling() {
                    Some(Edge::Open(s))
                } else {
                    n.parent().map(Edge::Close)
                }
            }
        };
        Some(edge)
    }
}

/// Nodes of a subtree in document order.
pub struct Descendants<'a> {
    traverse: Traverse<'a>,
}

impl<'a> Iterator for Descendants<'a> {
    type Item = NodeRef<'a>;
    fn next(&mut self) -> Option<NodeRef<'a>> {
        for edge in self.traverse.by_ref() {
            if let Edge::Open(n) = edge {
                return Some(n);
            }
        }
        None
    }
}

/// An html5ever tree sink that builds a [`Document`]: the reference parser, used for pages the
/// fast parser declines. Mirrors scraper's sink: `<template>` contents become the template's
/// children, adjacent text merges.
pub struct Html5everSink<'s> {
    doc: RefCell<Document<'s>>,
    names: RefCell<Vec<Option<html5ever::QualName>>>,
    /// Calls from html5ever and the nodes and attributes they handed over ([`crate::Cost`]).
    steps: std::cell::Cell<u64>,
    /// Long attribute names and values already copied, by address and length, with what
    /// keeps their buffer alive ([`Html5everSink::shared_span`]).
    shared: RefCell<SharedSpans>,
}

/// Spans of copied text by (address, length), each with the owner that keeps it alive.
type SharedSpans = std::collections::HashMap<(usize, usize), (Box<dyn std::any::Any>, Span)>;

/// Parses `html` with html5ever alone, and counts its calls into the sink.
pub(crate) fn parse_html5ever_counted<'s>(html: &str) -> (Document<'s>, u64) {
    use html5ever::tendril::TendrilSink;
    let html = cut(html, MAX_DOCUMENT);
    let sink = Html5everSink::new();
    html5ever::parse_document(sink, html5ever::ParseOpts::default()).one(html)
}

impl<'s> Html5everSink<'s> {
    fn new() -> Html5everSink<'s> {
        Html5everSink {
            doc: RefCell::new(Document::empty(Cow::Borrowed(""))),
            names: RefCell::new(vec![None]),
            steps: std::cell::Cell::new(0),
            shared: RefCell::new(std::collections::HashMap::new()),
        }
    }

    fn step(&self, n: usize) {
        self.steps.set(self.steps.get() + 1 + n as u64);
    }

    fn add(&self, data: Data, name: Option<html5ever::QualName>) -> u32 {
        let id = self.doc.borrow_mut().new_node(data);
        self.sync_names();
        self.names.borrow_mut()[id as usize] = name;
        id
    }

    /// Keeps `names` indexed like the nodes (text nodes are created by merging helpers).
    fn sync_names(&self) {
        let len = self.doc.borrow().nodes.len();
        self.names.borrow_mut().resize(len, None);
    }

    fn text_span(&self, text: &str) -> Span {
        self.doc.borrow_mut().push_buf(text)
    }

    /// The span of `text`, an attribute name or value that `owner` holds: copied once per
    /// buffer of html5ever's. The elements html5ever re-creates (reconstruction, the adoption
    /// agency) share their attributes' reference-counted buffers with the original, so
    /// copying them for each clone would let one tag with long attributes, re-created
    /// thousands of times, take memory quadratic in the page. A clone of `owner` kept with the
    /// span holds the buffer, so its address cannot be reused for other text.
    fn shared_span<T: Clone + 'static>(&self, owner: &T, text: &str) -> Span {
        if text.len() <= 32 {
            return self.text_span(text);
        }
        let key = (text.as_ptr() as usize, text.len());
        if let Some((_, span)) = self.shared.borrow().get(&key) {
            return *span;
        }
        let span = self.text_span(text);
        self.shared
            .borrow_mut()
            .insert(key, (Box::new(owner.clone()), span));
        span
    }
}

/// The element name of a node, for html5ever.
pub struct SinkName<'a>(std::cell::Ref<'a, html5ever::QualName>);

impl std::fmt::Debug for SinkName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", *self.0)
    }
}

impl html5ever::tree_builder::ElemName for SinkName<'_> {
    fn ns(&self) -> &html5ever::Namespace {
        &self.0.ns
    }
    fn local_name(&self) -> &html5ever::LocalName {
        &self.0.local
    }
}

fn ns_of(ns: &html5ever::Namespace) -> Ns {
    if *ns == html5ever::ns!(svg) {
        Ns::Svg
    } else if *ns == html5ever::ns!(mathml) {
        Ns::MathMl
    } else {
        Ns::Html
    }
}

impl<'s> html5ever::tree_builder::TreeSink for Html5everSink<'s> {
    type Handle = u32;
    type Output = (Document<'s>, u64);
    type ElemName<'a>
        = SinkName<'a>
    where
        Self: 'a;

    fn finish(self) -> (Document<'s>, u64) {
        let mut doc = self.doc.into_inner();
        doc.finish();
        (doc, self.steps.get())
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> u32 {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a u32) -> SinkName<'a> {
        SinkName(std::cell::Ref::map(self.names.borrow(), |n| {
            n[*target as usize]
                .as_ref()
                .expect("html5ever asks only for element names")
        }))
    }

    fn create_element(
        &self,
        name: html5ever::QualName,
        attrs: Vec<html5ever::Attribute>,
        _flags: html5ever::tree_builder::ElementFlags,
    ) -> u32 {
        self.step(attrs.len());
        let ns = ns_of(&name.ns);
        let local: &str = &name.local;
        let el_name = match Tag::from_name(local.as_bytes()) {
            Some(t) if ns == Ns::Html => Name::Known(t),
            _ => Name::Other(self.text_span(local)),
        };
        let start = self.doc.borrow().attrs.len() as u32;
        for a in &attrs {
            let name_span = match &a.name.prefix {
                Some(p) if !p.is_empty() => self.text_span(&format!("{}:{}", &**p, &*a.name.local)),
                _ => self.shared_span(&a.name.local, &a.name.local),
            };
            let value = self.shared_span(&a.value, &a.value);
            self.doc.borrow_mut().attrs.push(Attr {
                name: name_span,
                value,
            });
        }
        let end = self.doc.borrow().attrs.len() as u32;
        self.add(
            Data::Element {
                name: el_name,
                ns,
                attrs: (start, end),
            },
            Some(name),
        )
    }

    fn create_comment(&self, _text: html5ever::tendril::StrTendril) -> u32 {
        self.step(0);
        self.add(Data::Comment, None)
    }

    fn create_pi(
        &self,
        _target: html5ever::tendril::StrTendril,
        _data: html5ever::tendril::StrTendril,
    ) -> u32 {
        self.add(Data::Comment, None)
    }

    fn append(&self, parent: &u32, child: html5ever::tree_builder::NodeOrText<u32>) {
        self.step(0);
        use html5ever::tree_builder::NodeOrText;
        match child {
            NodeOrText::AppendNode(id) => self.doc.borrow_mut().append(*parent, id),
            NodeOrText::AppendText(text) => {
                let span = self.text_span(&text);
                self.doc.borrow_mut().append_text("", *parent, span);
                self.sync_names();
            }
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &u32,
        prev_element: &u32,
        child: html5ever::tree_builder::NodeOrText<u32>,
    ) {
        let has_parent = self.doc.borrow().nodes[*element as usize].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(
        &self,
        _name: html5ever::tendril::StrTendril,
        _public_id: html5ever::tendril::StrTendril,
        _system_id: html5ever::tendril::StrTendril,
    ) {
        let id = self.add(Data::Doctype, None);
        self.doc.borrow_mut().append(0, id);
    }

    fn get_template_contents(&self, target: &u32) -> u32 {
        *target
    }

    fn same_node(&self, x: &u32, y: &u32) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: html5ever::tree_builder::QuirksMode) {}

    fn append_before_sibling(
        &self,
        sibling: &u32,
        new_node: html5ever::tree_builder::NodeOrText<u32>,
    ) {
        self.step(0);
        use html5ever::tree_builder::NodeOrText;
        let mut doc = self.doc.borrow_mut();
        if doc.nodes[*sibling as usize].parent == NONE {
            return;
        }
        match new_node {
            NodeOrText::AppendNode(id) => {
                doc.detach(id);
                doc.insert_before(*sibling, id);
            }
            NodeOrText::AppendText(text) => {
                let prev = doc.nodes[*sibling as usize].prev;
                let span = doc.push_buf(&text);
                if prev != NONE
                    && let Data::Text(p) = doc.nodes[prev as usize].data
                {
                    let merged = doc.concat("", p, span);
                    doc.nodes[prev as usize].data = Data::Text(merged);
                } else {
                    let id = doc.new_node(Data::Text(span));
                    doc.insert_before(*sibling, id);
                    drop(doc);
                    self.sync_names();
                }
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &u32, attrs: Vec<html5ever::Attribute>) {
        self.step(attrs.len());
        let spans: Vec<Attr> = attrs
            .iter()
            .map(|a| Attr {
                name: self.text_span(&a.name.local),
                value: self.text_span(&a.value),
            })
            .collect();
        self.doc
            .borrow_mut()
            .add_attrs_if_missing("", *target, spans);
    }

    fn remove_from_parent(&self, target: &u32) {
        self.doc.borrow_mut().detach(*target);
    }

    fn reparent_children(&self, node: &u32, new_parent: &u32) {
        let mut doc = self.doc.borrow_mut();
        while doc.nodes[*node as usize].first != NONE {
            self.step(0);
            let c = doc.nodes[*node as usize].first;
            doc.detach(c);
            doc.append(*new_parent, c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html5ever_builds_the_tree() {
        let doc = Document::parse_html5ever(
            "<!DOCTYPE html><title>T &amp; U</title><p class=x>One<b>two</p>three<!-- c --><table><tr><td>cell</table>",
        );
        assert_eq!(
            doc.outline(),
            "<!DOCTYPE><html><head><title>\"T & U\"</title></head><body><p class=\"x\">\"One\"<b>\"two\"</b></p>\
             <b>\"three\"<!----><table><tbody><tr><td>\"cell\"</td></tr></tbody></table></b></body></html>"
        );
    }

    #[test]
    fn navigation() {
        let doc = Document::parse_html5ever("<div><p>a</p><p>b<i>c</i></p></div>");
        let div = doc.root().descendants().find(|n| n.is(Tag::Div)).unwrap();
        let ps: Vec<_> = div.children().collect();
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[1].prev_sibling(), Some(ps[0]));
        let i = ps[1].last_child().unwrap();
        assert!(i.is(Tag::I));
        assert_eq!(
            i.ancestors()
                .filter_map(|a| a.element().map(|e| e.name()))
                .collect::<Vec<_>>(),
            ["p", "div", "body", "html"]
        );
        let texts: String = div.descendants().filter_map(|n| n.as_text()).collect();
        assert_eq!(texts, "abc");
    }
}
