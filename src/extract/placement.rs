//! Placement of a link on its page: `content`, `navigation`, `header`, `footer`, `sidebar`,
//! `comments`, `author_bio` or `unknown`, with evidence strings a person can check.
//!
//! Signals (each can be switched off for ablation, see [`Signal`]):
//! - **main content** ([`super::main_content`]): Readability's block scorer says whether the
//!   link is part of the article it extracts. This decides `content` versus the rest.
//! - **region** signals on the nearest ancestor that has one: HTML5 landmarks (`<nav>`,
//!   `<aside>`, page-level `<header>`/`<footer>`) and ARIA roles; schema.org microdata
//!   (`WPHeader`, `WPFooter`, `WPSideBar`, `SiteNavigationElement`, `Comment`, an author
//!   `Person`); class/id vocabulary ([`super::vocabulary`]). They name the finer class of links
//!   outside the main content.
//! - **replies**: a link inside the second or later of a run of sibling blocks that look alike
//!   and each carry an author (avatar, `itemprop=author`, `.username`...) is in a comment or
//!   forum reply, whatever the blocks are called; `rel=ugc` links outside the body too.
//! - **structure**: for links that no region names, the enclosing block — a link list before
//!   the main content is navigation, after it a sidebar, next to a copyright notice a footer; a
//!   paragraph of running text is content when there is no main-content verdict.
//!
//! How they combine: comments and author boxes win over the main-content verdict (Readability
//! sometimes keeps a forum's replies or a guest post's bio, and those are the links that matter
//! for toxicity); otherwise the main-content verdict decides `content`; outside it the nearest
//! region, then replies, then structure name the class, else `unknown`. Without a main-content
//! verdict (pages too deep or large for the scorer) the region signals decide, then editorial
//! containers (`<article>`, `<main>`, `entry-content`...), then running text.

mod features;
mod model;

pub use features::{N as FEATURE_COUNT, NAMES as FEATURE_NAMES};
use model::Model;

use super::dom::{Document, Edge, Element, Node, NodeId, NodeRef};
use super::main_content::{MainContent, Unavailable};
use super::text::is_invisible_container;
use super::vocabulary;
use crate::model::Placement;
use std::cell::RefCell;
use std::collections::HashMap;

/// Minimum text of a paragraph for the running-text fallback to call a link `content`.
const MIN_PARAGRAPH_CHARS: usize = 80;
/// Ancestors looked at for reply structures (comments nest a few levels under the reply).
const REPLY_SEARCH_DEPTH: usize = 12;

/// A placement signal that can be switched off to measure its contribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Readability's main-content verdict.
    MainContent,
    /// HTML5 landmarks and ARIA roles.
    Landmarks,
    /// schema.org microdata item types and properties.
    Schema,
    /// Class and id vocabulary.
    Vocabulary,
    /// Repeated reply structures and `rel=ugc`.
    Replies,
    /// Link density, running text, position and copyright notices of the enclosing block.
    Structure,
    /// The learned content/boilerplate decision ([`Model`]); off, the rules alone decide.
    Model,
}

impl Signal {
    const ALL: [(Signal, &'static str); 7] = [
        (Signal::MainContent, "main-content"),
        (Signal::Landmarks, "landmarks"),
        (Signal::Schema, "schema"),
        (Signal::Vocabulary, "vocabulary"),
        (Signal::Replies, "replies"),
        (Signal::Structure, "structure"),
        (Signal::Model, "model"),
    ];
}

/// The set of enabled signals. `BACKLINKS_PLACEMENT_ABLATE=vocabulary,schema` switches signals
/// off: a diagnostic for measuring each signal's contribution (`docs/placement.md`).
#[derive(Debug, Clone, Copy)]
pub struct Signals {
    off: [bool; 7],
}

impl Signals {
    /// Every signal on.
    pub const ALL: Signals = Signals { off: [false; 7] };

    /// Signals from `BACKLINKS_PLACEMENT_ABLATE` (read once per process).
    pub fn from_env() -> Signals {
        static CELL: std::sync::OnceLock<Signals> = std::sync::OnceLock::new();
        *CELL.get_or_init(|| {
            let mut s = Signals::ALL;
            if let Ok(v) = std::env::var("BACKLINKS_PLACEMENT_ABLATE") {
                for name in v.split(',').map(str::trim) {
                    if let Some(i) = Signal::ALL.iter().position(|(_, n)| *n == name) {
                        s.off[i] = true;
                    }
                }
            }
            s
        })
    }

    /// Whether `signal` is on.
    pub fn on(&self, signal: Signal) -> bool {
        let i = Signal::ALL
            .iter()
            .position(|(s, _)| *s == signal)
            .unwrap_or(0);
        !self.off[i]
    }
}

/// Facts about a block element, computed once per block.
#[derive(Debug, Clone, Copy, Default)]
struct BlockStats {
    text_chars: usize,
    link_chars: usize,
    links: usize,
}

/// Per child of one parent: (look-alike siblings, rank among them, the first of them).
type SiblingRanks = HashMap<NodeId, (usize, usize, NodeId)>;

/// Per-document state of the classifier: the main-content verdict and caches that keep the
/// per-link work linear on pages with tens of thousands of links.
pub struct PageContext {
    main: Result<MainContent, Unavailable>,
    signals: Signals,
    /// Ordinals of the first and last link kept in the main content.
    main_span: Option<(usize, usize)>,
    /// Every node's block figures, made on first use ([`all_block_stats`]).
    blocks: std::cell::OnceCell<Vec<BlockStats>>,
    /// Per parent: how many element children share each child's look-alike signature, and
    /// each child's rank among those.
    siblings: RefCell<HashMap<NodeId, SiblingRanks>>,
    authored: RefCell<HashMap<NodeId, bool>>,
    /// Per element: what the feature walks read of it.
    marks: RefCell<HashMap<NodeId, features::Marks>>,
    /// Facts about the whole page, for the model's page-type cues.
    page: std::cell::OnceCell<features::PageStats>,
    /// The document base and the page's registrable domain: whether a link leaves the site.
    base: Option<url::Url>,
    domain: Option<String>,
}

impl PageContext {
    /// A context from the main-content verdict.
    pub fn new(main: Result<MainContent, Unavailable>, signals: Signals) -> PageContext {
        let main = if signals.on(Signal::MainContent) {
            main
        } else {
            Err(Unavailable::NoArticle)
        };
        let main_span = main.as_ref().ok().and_then(|m| {
            let first = m.kept.iter().position(|k| *k)?;
            let last = m.kept.iter().rposition(|k| *k)?;
            Some((first, last))
        });
        PageContext {
            main,
            signals,
            main_span,
            blocks: std::cell::OnceCell::new(),
            siblings: RefCell::default(),
            authored: RefCell::default(),
            marks: RefCell::default(),
            page: std::cell::OnceCell::new(),
            base: None,
            domain: None,
        }
    }

    /// The context of a page read from `base` (the page URL or its `<base href>`) on the site
    /// of `page_url`.
    pub fn with_urls(
        mut self,
        base: Option<&url::Url>,
        page_url: Option<&url::Url>,
    ) -> PageContext {
        self.base = base.cloned();
        self.domain = page_url
            .and_then(url::Url::host_str)
            .map(crate::model::registrable_domain);
        self
    }

    /// Whether `link` points to another site (`Some(true)`), this one (`Some(false)`), or
    /// cannot tell (no page URL, not http).
    fn leaves_site(&self, link: NodeRef<'_>) -> Option<bool> {
        let href = link.value().as_element()?.attr("href")?.trim();
        let u = match &self.base {
            Some(b) => b.join(href).ok()?,
            None => url::Url::parse(href).ok()?,
        };
        if !matches!(u.scheme(), "http" | "https") {
            return None;
        }
        let own = self.domain.as_deref()?;
        Some(crate::model::registrable_domain(u.host_str()?) != own)
    }

    /// Why there is no main-content verdict, if there is none.
    pub fn unavailable(&self) -> Option<&Unavailable> {
        self.main.as_ref().err()
    }

    fn kept(&self, ordinal: usize) -> Option<bool> {
        self.main.as_ref().ok()?.kept.get(ordinal).copied()
    }
}

/// A region signal: the placement an ancestor names, why, and whether it is sure enough to
/// overrule the main-content verdict (only comments and author boxes ever do).
#[derive(Debug, Clone)]
struct Region {
    placement: Placement,
    evidence: String,
    strong: bool,
}

/// A placement with its evidence and its confidence (0–1).
pub type Classified = (Placement, Vec<String>, f32);

thread_local! {
    /// Feature vectors recorded by [`classify`] while [`dump_features`] runs.
    static CAPTURE: RefCell<Option<Vec<Vec<f32>>>> = const { RefCell::new(None) };
}

/// Evidence lines naming the features that drove the model's decision.
const EXPLAINED_FEATURES: usize = 3;
/// Contributions (in log-odds) too small to be worth naming.
const MIN_CONTRIBUTION: f64 = 0.05;

/// Classifies the link element `link` (an `<a>` or `<area>`), the `ordinal`-th link of its
/// page in document order.
///
/// The placement model decides `content` versus not; the rules name the finer class of links
/// outside the content, and comments and author boxes that the rules find keep their class
/// even where the model sees content (a forum's replies are the thread's content, and
/// `comments` is what they are). The confidence is the model's probability of the placement
/// given: p for `content`, 1 − p for the rest.
pub fn classify(link: NodeRef<'_>, ordinal: usize, ctx: &PageContext) -> Classified {
    let (rule, mut rule_ev) = rules(link, ordinal, ctx, ctx.kept(ordinal));
    if !ctx.signals.on(Signal::Model) {
        return (rule, rule_ev, 1.0);
    }
    let x = features::link_features(link, ordinal, ctx);
    CAPTURE.with(|c| {
        if let Some(rows) = c.borrow_mut().as_mut() {
            rows.push(x.to_vec());
        }
    });
    let m = Model::embedded();
    let (p, contrib) = m.explain(&x);
    let content = p >= m.threshold;
    let why = explain(&x, &contrib, content);
    if content {
        if matches!(rule, Placement::Comments | Placement::AuthorBio) {
            rule_ev.push(format!("placement model: main content (p {p:.2})"));
            rule_ev.extend(why);
            return (rule, rule_ev, p as f32);
        }
        if rule != Placement::Content
            && let Some(e) = sure_structure(link, ordinal, ctx, p)
        {
            rule_ev.push(format!(
                "placement model: content (p {p:.2}), overruled by {e}"
            ));
            return (rule, rule_ev, (1.0 - p) as f32);
        }
        let mut ev = vec![format!("placement model: content (p {p:.2})")];
        ev.extend(why);
        if rule == Placement::Content {
            ev.extend(rule_ev);
        } else {
            ev.push(format!(
                "({} suggests {rule}, overruled)",
                rule_ev.first().map_or("rules", String::as_str)
            ));
        }
        return (Placement::Content, ev, p as f32);
    }
    let (placement, mut ev) = if rule == Placement::Comments
        && ctx.leaves_site(link) != Some(true)
        && !has_rel(link, "ugc")
    {
        // Inside a reply but not part of what it says: on a thread the posts are the content,
        // and the poster's name, the reply/quote/permalink controls around them are not.
        let (p2, what) = if is_poster_link(link) {
            (
                Placement::AuthorBio,
                "the poster's name or profile, not the post",
            )
        } else {
            (
                Placement::Navigation,
                "a control of the thread, not the post",
            )
        };
        let mut ev2 = vec![what.to_string()];
        ev2.extend(rule_ev);
        (p2, ev2)
    } else if rule == Placement::Content {
        // The finer class the rules give a link outside the main content.
        let (p2, ev2) = rules(link, ordinal, ctx, Some(false));
        let ev2 = ev2
            .into_iter()
            .filter(|e| !e.starts_with("outside the main content block"))
            .collect();
        (p2, ev2)
    } else {
        (rule, rule_ev)
    };
    ev.push(format!("placement model: not content (p {p:.2})"));
    ev.extend(why);
    (placement, ev, (1.0 - p) as f32)
}

/// Below this probability of content, a strong region (a landmark, a schema.org region, a
/// specific class word such as `related-links`) names the link's class over the model.
const REGION_OVERRULES_BELOW: f64 = 0.4;

/// Why the rules' class stands where the model sees content: a table cell of links beside the
/// text cell, a copyright line, or a strong region the model is not sure enough to overrule.
fn sure_structure(
    link: NodeRef<'_>,
    ordinal: usize,
    ctx: &PageContext,
    p: f64,
) -> Option<&'static str> {
    if !ctx.signals.on(Signal::Structure) {
        return None;
    }
    if link_column(link, ctx).is_some() {
        return Some("a link column beside the text");
    }
    if structural(link, ordinal, ctx).is_some_and(|(pl, _)| pl == Placement::Footer) {
        return Some("a copyright line");
    }
    if p < REGION_OVERRULES_BELOW && nearest_region(link, ctx.signals).is_some_and(|r| r.strong) {
        return Some("a named region");
    }
    None
}

/// Whether a link names a poster: a username/author/avatar class on it or just above it, or a
/// link to a member profile.
fn is_poster_link(link: NodeRef<'_>) -> bool {
    let named = std::iter::once(link)
        .chain(link.ancestors())
        .take(3)
        .filter_map(|a| a.value().as_element())
        .any(|e| {
            [
                e.attr("class"),
                e.attr("id"),
                e.attr("itemprop"),
                e.attr("rel"),
            ]
            .into_iter()
            .flatten()
            .flat_map(str::split_whitespace)
            .flat_map(vocabulary::split_words)
            .any(|w| {
                matches!(
                    w.as_str(),
                    "username"
                        | "user"
                        | "author"
                        | "avatar"
                        | "poster"
                        | "member"
                        | "profile"
                        | "postprofile"
                        | "userinfo"
                        | "nick"
                        | "nickname"
                        | "fn"
                )
            })
        });
    named
        || link
            .value()
            .as_element()
            .and_then(|e| e.attr("href"))
            .is_some_and(features::is_profile_href)
}

/// The features that pushed the decision its way, most decisive first, in words.
fn explain(x: &[f32; FEATURE_COUNT], contrib: &[f64; FEATURE_COUNT], content: bool) -> Vec<String> {
    let sign = if content { 1.0 } else { -1.0 };
    let mut idx: Vec<usize> = (0..FEATURE_COUNT)
        .filter(|&i| contrib[i] * sign > MIN_CONTRIBUTION)
        .collect();
    idx.sort_by(|&a, &b| (contrib[b] * sign).total_cmp(&(contrib[a] * sign)));
    idx.into_iter()
        .take(EXPLAINED_FEATURES)
        .map(|i| features::describe(i, x[i], x))
        .collect()
}

/// Analyses `html` as `inspect` does (every link, resolved against `page_url`) and returns
/// each link with the feature vector the placement model read for it ([`FEATURE_NAMES`]): the
/// training data of `scripts/placement/train.py`, from the code path that serves.
pub fn dump_features(
    html: &str,
    page_url: Option<&url::Url>,
) -> Vec<(crate::model::LinkObservation, Vec<f32>)> {
    CAPTURE.with(|c| *c.borrow_mut() = Some(Vec::new()));
    let found = super::analyze(html, page_url, &[], super::LinkFilter::All);
    let rows = CAPTURE.with(|c| c.borrow_mut().take()).unwrap_or_default();
    found.links.into_iter().zip(rows).collect()
}

/// Version of the embedded placement model and the SHA-256 of the data it was trained on.
pub fn model_version() -> (&'static str, &'static str) {
    let m = Model::embedded();
    (&m.version, &m.data_sha256)
}

/// The rules' placement, given the main-content verdict `kept`.
fn rules(
    link: NodeRef<'_>,
    ordinal: usize,
    ctx: &PageContext,
    kept: Option<bool>,
) -> (Placement, Vec<String>) {
    let s = ctx.signals;
    let region = nearest_region(link, s);
    let reply = if s.on(Signal::Replies) {
        reply_structure(link, ctx)
    } else {
        None
    };
    // The author link of a reply is the commenter's.
    let region = match (region, &reply) {
        (Some(r), Some((_, e))) if r.placement == Placement::AuthorBio && !r.strong => {
            Some(Region {
                placement: Placement::Comments,
                evidence: format!("{e}, {}", r.evidence),
                strong: true,
            })
        }
        (r, _) => r,
    };
    // Comments and author boxes overrule the main-content verdict when the evidence is strong:
    // Readability keeps a forum's replies or a guest post's bio now and then.
    let user_bits = region
        .as_ref()
        .filter(|r| matches!(r.placement, Placement::Comments | Placement::AuthorBio))
        .filter(|r| r.strong || kept != Some(true))
        .map(|r| (r.placement, r.evidence.clone()))
        .or_else(|| {
            reply
                .filter(|(count, _)| *count >= 3 || kept != Some(true))
                .map(|(_, e)| (Placement::Comments, e))
        });
    let region = region.map(|r| (r.placement, r.evidence));
    match kept {
        Some(true) => {
            if let Some((p, ev)) = user_bits {
                return (
                    p,
                    vec![
                        ev,
                        "inside the main content block, but user-contributed".into(),
                    ],
                );
            }
            if s.on(Signal::Structure)
                && let Some((p, e)) = link_column(link, ctx)
            {
                return (
                    p,
                    vec![e, "inside the main content block, but a link column".into()],
                );
            }
            let confident = ctx.main.as_ref().is_ok_and(|m| m.confident);
            if !confident && let Some((p, e)) = region.clone() {
                return (p, vec![e, "overrules a short main content block".into()]);
            }
            let mut ev = vec!["inside the main content block (Readability)".to_string()];
            if let Some((p, e)) = region {
                ev.push(format!("({e} suggests {p}, overruled)"));
            }
            (Placement::Content, ev)
        }
        Some(false) => {
            if let Some((p, e)) = user_bits.or(region) {
                return (p, vec![e, "outside the main content block".into()]);
            }
            if s.on(Signal::Replies) && has_rel(link, "ugc") {
                return (
                    Placement::Comments,
                    vec![
                        "rel=ugc (user-generated)".into(),
                        "outside the main content block".into(),
                    ],
                );
            }
            if s.on(Signal::Structure)
                && let Some((p, e)) = structural(link, ordinal, ctx)
            {
                return (p, vec![e, "outside the main content block".into()]);
            }
            (
                Placement::Unknown,
                vec!["outside the main content block, no region signal".into()],
            )
        }
        None => {
            let why = match ctx.unavailable() {
                Some(u) => u.to_string(),
                None => "link not matched by the main-content scorer".to_string(),
            };
            let (p, mut ev) = fallback(link, ordinal, ctx, user_bits.or(region));
            ev.push(why);
            (p, ev)
        }
    }
}

/// Placement without a main-content verdict: regions, then editorial containers, then running
/// text.
fn fallback(
    link: NodeRef<'_>,
    ordinal: usize,
    ctx: &PageContext,
    region: Option<(Placement, String)>,
) -> (Placement, Vec<String>) {
    if let Some((p, e)) = region {
        return (p, vec![e]);
    }
    if ctx.signals.on(Signal::Replies) && has_rel(link, "ugc") {
        return (Placement::Comments, vec!["rel=ugc (user-generated)".into()]);
    }
    if let Some(e) = link
        .ancestors()
        .filter_map(|a| {
            a.value()
                .as_element()
                .and_then(|el| content_signal(el, ctx.signals))
        })
        .next()
    {
        return (Placement::Content, vec![e]);
    }
    if ctx.signals.on(Signal::Structure) {
        if let Some(e) = running_text(link, ctx) {
            return (Placement::Content, vec![e]);
        }
        if let Some((p, e)) = structural(link, ordinal, ctx) {
            return (p, vec![e]);
        }
    }
    (
        Placement::Unknown,
        vec!["no landmark, class or paragraph signal".into()],
    )
}

fn has_rel(link: NodeRef<'_>, token: &str) -> bool {
    link.value()
        .as_element()
        .and_then(|e| e.attr("rel"))
        .is_some_and(|r| {
            r.split_ascii_whitespace()
                .any(|t| t.eq_ignore_ascii_case(token))
        })
}

/// The nearest ancestor's region signal (the link itself included, for `rel=author`).
fn nearest_region(link: NodeRef<'_>, s: Signals) -> Option<Region> {
    if s.on(Signal::Schema) && has_rel(link, "author") {
        return Some(Region {
            placement: Placement::AuthorBio,
            evidence: "rel=author".into(),
            strong: false,
        });
    }
    // The link's own class counts too (`skip-link`, `username`, `share-facebook`).
    let mut chain = std::iter::once(link).chain(link.ancestors());
    let first = chain.by_ref().find_map(|anc| {
        let el = anc.value().as_element()?;
        region_with(el, anc, s)
    })?;
    // The author named inside a comment is the commenter.
    if first.placement == Placement::AuthorBio && !first.strong {
        let outer = chain
            .take(REPLY_SEARCH_DEPTH)
            .filter_map(|anc| region_with(anc.value().as_element()?, anc, s))
            .find(|r| r.placement == Placement::Comments);
        if let Some(c) = outer {
            return Some(Region {
                placement: Placement::Comments,
                evidence: format!("{}, {}", c.evidence, first.evidence),
                strong: c.strong,
            });
        }
    }
    Some(first)
}

/// The region an element marks by itself (landmark, role, itemtype or class/id vocabulary), with
/// its evidence; `None` for elements that say nothing about placement.
pub fn region_signal(el: Element<'_>, node: NodeRef<'_>) -> Option<(Placement, String)> {
    region_with(el, node, Signals::ALL).map(|r| (r.placement, r.evidence))
}

fn region_with(el: Element<'_>, node: NodeRef<'_>, s: Signals) -> Option<Region> {
    // Classes of <body> and <html> describe the page (`single-post`, `has-sidebar`,
    // `comments-open`), not a region of it.
    if matches!(el.name(), "body" | "html") {
        return None;
    }
    // An author named by markup is an author box only when nothing says it is a commenter.
    let sure = |(placement, evidence): (Placement, String)| Region {
        strong: placement != Placement::AuthorBio,
        placement,
        evidence,
    };
    if s.on(Signal::Landmarks)
        && let Some(r) = landmark(el, node)
    {
        return Some(sure(r));
    }
    if s.on(Signal::Schema)
        && let Some(r) = schema(el)
    {
        return Some(sure(r));
    }
    if s.on(Signal::Vocabulary) {
        let mut generic = None;
        for (attr, value) in [("id", el.attr("id")), ("class", el.attr("class"))] {
            let Some(value) = value else { continue };
            for token in value.split_whitespace() {
                if let Some((placement, strength)) = vocabulary::region_of_token(token) {
                    let who = if is_link(el) { "link" } else { "ancestor" };
                    let r = Region {
                        placement,
                        evidence: format!("{who} {attr} \"{token}\""),
                        strong: strength == vocabulary::Strength::Strong,
                    };
                    if !vocabulary::is_generic(token) {
                        return Some(r);
                    }
                    generic.get_or_insert(r);
                }
            }
        }
        return generic;
    }
    None
}

fn is_link(el: Element<'_>) -> bool {
    matches!(el.name(), "a" | "area")
}

fn landmark(el: Element<'_>, node: NodeRef<'_>) -> Option<(Placement, String)> {
    match el.name() {
        "nav" => return Some((Placement::Navigation, "ancestor <nav>".into())),
        "aside" => return Some((Placement::Sidebar, "ancestor <aside>".into())),
        // A <header>/<footer> inside an <article> or <main> belongs to that article (byline,
        // tags), not to the page; only page-level ones are regions.
        "header" if !has_sectioning_ancestor(node) => {
            return Some((Placement::Header, "ancestor <header> (page level)".into()));
        }
        "footer" if !has_sectioning_ancestor(node) => {
            return Some((Placement::Footer, "ancestor <footer> (page level)".into()));
        }
        _ => {}
    }
    let role = el.attr("role")?.trim().to_ascii_lowercase();
    let p = match role.as_str() {
        "navigation" | "menubar" | "menu" => Placement::Navigation,
        "banner" => Placement::Header,
        "contentinfo" => Placement::Footer,
        "complementary" => Placement::Sidebar,
        _ => return None,
    };
    Some((p, format!("ancestor role=\"{role}\"")))
}

fn schema(el: Element<'_>) -> Option<(Placement, String)> {
    if let Some(t) = el.attr("itemtype") {
        for one in t.split_whitespace() {
            let short = one.trim_end_matches('/').rsplit('/').next().unwrap_or(one);
            let p = match short {
                "WPHeader" => Placement::Header,
                "WPFooter" => Placement::Footer,
                "WPSideBar" => Placement::Sidebar,
                "SiteNavigationElement" | "BreadcrumbList" => Placement::Navigation,
                "Comment" | "UserComments" | "Answer" => Placement::Comments,
                // A Person item that is not the page's main entity: an author box.
                "Person" if el.attr("itemprop").is_some() => Placement::AuthorBio,
                _ => continue,
            };
            return Some((p, format!("inside schema.org {short}")));
        }
    }
    match el.attr("itemprop").map(str::trim) {
        Some("comment") => Some((Placement::Comments, "inside itemprop=\"comment\"".into())),
        Some("author") => Some((Placement::AuthorBio, "inside itemprop=\"author\"".into())),
        _ => None,
    }
}

fn has_sectioning_ancestor(node: NodeRef<'_>) -> bool {
    node.ancestors().any(|a| {
        a.value()
            .as_element()
            .is_some_and(|e| matches!(e.name(), "article" | "main" | "section"))
    })
}

fn content_signal(el: Element<'_>, s: Signals) -> Option<String> {
    if s.on(Signal::Landmarks) {
        match el.name() {
            "article" => return Some("inside <article>".into()),
            "main" => return Some("inside <main>".into()),
            _ => {}
        }
        if el
            .attr("role")
            .is_some_and(|r| r.eq_ignore_ascii_case("main"))
        {
            return Some("inside role=\"main\"".into());
        }
    }
    if s.on(Signal::Schema)
        && let Some(p) = el.attr("itemprop")
        && matches!(p.trim(), "articleBody" | "text" | "mainEntityOfPage")
    {
        return Some(format!("inside itemprop=\"{}\"", p.trim()));
    }
    if s.on(Signal::Vocabulary) {
        for (attr, value) in [("id", el.attr("id")), ("class", el.attr("class"))] {
            let Some(value) = value else { continue };
            if let Some(token) = value
                .split_whitespace()
                .find(|t| vocabulary::is_content_token(t))
            {
                return Some(format!("inside {attr} \"{token}\""));
            }
        }
    }
    None
}

fn is_paragraph_block(name: &str) -> bool {
    matches!(name, "p" | "li" | "td" | "dd" | "blockquote")
}

/// The running-text fallback: the nearest `<p>`, `<li>`, `<td>`, `<dd>` or `<blockquote>`
/// holds at least [`MIN_PARAGRAPH_CHARS`] of text, less than half of it link text.
fn running_text(link: NodeRef<'_>, ctx: &PageContext) -> Option<String> {
    let block = link.ancestors().find(|a| {
        a.value()
            .as_element()
            .is_some_and(|e| is_paragraph_block(e.name()))
    })?;
    let name = block.value().as_element()?.name();
    let st = block_stats(block, ctx);
    if st.text_chars < MIN_PARAGRAPH_CHARS {
        return None;
    }
    let density = st.link_chars as f64 / st.text_chars as f64;
    (density < 0.5).then(|| {
        format!(
            "<{name}> text {} chars, link density {density:.2}",
            st.text_chars
        )
    })
}

/// Structural class of a link outside the main content with no region signal.
fn structural(link: NodeRef<'_>, ordinal: usize, ctx: &PageContext) -> Option<(Placement, String)> {
    // The nearest block holding several links: the link list the link belongs to. A small
    // block with a copyright notice is the footer.
    let mut nearest: Option<(NodeRef<'_>, BlockStats)> = None;
    let mut blocks = 0;
    for anc in link.ancestors() {
        let Some(el) = anc.value().as_element() else {
            continue;
        };
        if matches!(el.name(), "body" | "html") {
            break;
        }
        if !is_layout_block(el.name()) {
            continue;
        }
        blocks += 1;
        if blocks > 4 {
            break;
        }
        let st = block_stats(anc, ctx);
        if st.text_chars < 400 && has_copyright(anc) {
            return Some((
                Placement::Footer,
                format!("<{}> with a copyright notice", el.name()),
            ));
        }
        if st.links >= 2 && nearest.is_none() {
            nearest = Some((anc, st));
        }
    }
    let (first, last) = ctx.main_span?;
    if ordinal < first && is_home_link(link) {
        return Some((
            Placement::Header,
            "link to the home page before the main content".into(),
        ));
    }
    let (block, st) = nearest?;
    let density = st.link_chars as f64 / st.text_chars.max(1) as f64;
    if density < 0.5 {
        return None;
    }
    let name = block.value().as_element()?.name();
    let what = format!(
        "link density {density:.2} in <{name}> of {} links",
        st.links
    );
    if ordinal < first {
        Some((
            Placement::Navigation,
            format!("{what}, before the main content"),
        ))
    } else if ordinal > last {
        Some((
            Placement::Sidebar,
            format!("{what}, after the main content"),
        ))
    } else {
        Some((
            Placement::Sidebar,
            format!("{what}, beside the main content"),
        ))
    }
}

fn is_layout_block(name: &str) -> bool {
    matches!(
        name,
        "ul" | "ol" | "dl" | "table" | "tr" | "td" | "div" | "p" | "section" | "center" | "font"
    )
}

/// A link to the site's home page (`/`, `index.html`, `https://host/`).
fn is_home_link(link: NodeRef<'_>) -> bool {
    let Some(href) = link.value().as_element().and_then(|e| e.attr("href")) else {
        return false;
    };
    let href = href.trim();
    let path = match href.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => href,
    };
    let path = path.trim_start_matches("./");
    path.is_empty()
        || path == "/"
        || path
            .trim_start_matches('/')
            .strip_prefix("index.")
            .is_some_and(|ext| ext.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Old table layouts put the menu and the link column in cells next to the text cell, and
/// Readability keeps the whole row: a cell of nothing but links beside a cell of running text
/// is navigation before it and a sidebar after it.
fn link_column(link: NodeRef<'_>, ctx: &PageContext) -> Option<(Placement, String)> {
    let cell = link
        .ancestors()
        .take(6)
        .find(|a| a.value().as_element().is_some_and(|e| e.name() == "td"))?;
    let st = block_stats(cell, ctx);
    let density = st.link_chars as f64 / st.text_chars.max(1) as f64;
    if st.links < 3 || density < 0.8 {
        return None;
    }
    let row = cell.parent()?;
    let mut before = true;
    for sib in row.children() {
        if sib.id() == cell.id() {
            before = false;
            continue;
        }
        if sib.value().as_element().is_none_or(|e| e.name() != "td") {
            continue;
        }
        let other = block_stats(sib, ctx);
        if other.text_chars > 500 && other.text_chars > 3 * st.text_chars {
            // `before` is still true when the text cell came first.
            let (p, side) = if before {
                (Placement::Sidebar, "after")
            } else {
                (Placement::Navigation, "before")
            };
            return Some((
                p,
                format!(
                    "table cell of {} links (link density {density:.2}) {side} the text cell",
                    st.links
                ),
            ));
        }
    }
    None
}

/// Text, link text and links of a block.
fn block_stats(block: NodeRef<'_>, ctx: &PageContext) -> BlockStats {
    let all = ctx.blocks.get_or_init(|| all_block_stats(block.document()));
    all.get(block.id().0 as usize).copied().unwrap_or_default()
}

/// The [`BlockStats`] of every node of `doc`, indexed by node id, in one walk: a block's
/// figures are the sums of its children's, so each text node is measured once however many
/// of its ancestors the features ask about (asking per block walked the page's text once per
/// nesting level, a fifth of an audit's CPU). What a block hides (`<script>`, `<style>`,
/// `<template>`...) counts for nothing, and text is link text when it sits in an `<a>` inside
/// the block.
fn all_block_stats(doc: &Document<'_>) -> Vec<BlockStats> {
    let mut out = vec![BlockStats::default(); doc.len()];
    // One accumulator per open node, the innermost last.
    let mut open: Vec<BlockStats> = Vec::with_capacity(64);
    for edge in doc.root().traverse() {
        match edge {
            Edge::Open(_) => open.push(BlockStats::default()),
            Edge::Close(n) => {
                let mut st = open.pop().unwrap_or_default();
                match n.value() {
                    // Script and style text (often most of a page's bytes) counts for
                    // nothing: its element is invisible, and it holds no element to ask about.
                    Node::Text(t) if !in_raw_text(n) => {
                        st.text_chars = word_chars(t);
                    }
                    Node::Element(e) if is_invisible_container(e.name()) => {
                        st = BlockStats::default();
                    }
                    Node::Element(e) if e.name() == "a" => {
                        st.links += 1;
                        st.link_chars = st.text_chars;
                    }
                    _ => {}
                }
                out[n.id().0 as usize] = st;
                if let Some(parent) = open.last_mut() {
                    parent.text_chars += st.text_chars;
                    parent.link_chars += st.link_chars;
                    parent.links += st.links;
                }
            }
        }
    }
    out
}

/// Whether a text node is the content of a `<script>` or `<style>` element.
fn in_raw_text(text: NodeRef<'_>) -> bool {
    text.parent()
        .and_then(|p| {
            p.value()
                .as_element()
                .map(|e| matches!(e.name(), "script" | "style"))
        })
        .unwrap_or(false)
}

/// Characters of `text`'s words plus one per word (a space after each): what the text
/// weighs once its whitespace is collapsed.
fn word_chars(text: &str) -> usize {
    if text.is_ascii() {
        // The bytes of `str::split_whitespace` for ASCII (which includes the vertical tab).
        let space = |b: u8| matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ');
        let mut chars = 0;
        let mut prev_space = true;
        for &b in text.as_bytes() {
            let is_space = space(b);
            if !is_space {
                chars += 1;
                if prev_space {
                    chars += 1;
                }
            }
            prev_space = is_space;
        }
        return chars;
    }
    text.split_whitespace().map(|w| w.chars().count() + 1).sum()
}

/// Whether the visible text of `block` holds a copyright notice (asked only of small blocks:
/// searching every text node of every page was a twelfth of the extract stage).
fn has_copyright(block: NodeRef<'_>) -> bool {
    let mut skip = 0usize;
    for edge in block.traverse() {
        match edge {
            Edge::Open(n) => match n.value() {
                Node::Element(e) if skip > 0 || is_invisible_container(e.name()) => skip += 1,
                Node::Text(t) if skip == 0 && is_copyright(t) => return true,
                _ => {}
            },
            Edge::Close(n) if skip > 0 && n.value().is_element() => skip -= 1,
            Edge::Close(_) => {}
        }
    }
    false
}

/// Copyright notices, lower-case.
const COPYRIGHT: [&str; 11] = [
    "copyright",
    "all rights reserved",
    "alle rechte vorbehalten",
    "tous droits réservés",
    "todos los derechos reservados",
    "tutti i diritti riservati",
    "todos os direitos reservados",
    "wszelkie prawa zastrzeżone",
    "все права защищены",
    "(c) 19",
    "(c) 20",
];

fn is_copyright(text: &str) -> bool {
    if text.contains('©') {
        return true;
    }
    if text.is_ascii() {
        // Every text node of a page comes here: ASCII text (most of it) is searched without
        // lower-casing a copy. Notices with other letters cannot occur in it.
        static ASCII: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
        let m = ASCII.get_or_init(|| {
            // A DFA: a few instructions a byte, where the default NFA took a twelfth of the
            // extract stage.
            aho_corasick::AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .ascii_case_insensitive(true)
                .build(COPYRIGHT.iter().filter(|m| m.is_ascii()))
                .expect("static patterns")
        });
        return m.is_match(text);
    }
    let lower = text.to_lowercase();
    COPYRIGHT.iter().any(|m| lower.contains(m))
}

/// A link in the second or later of a run of look-alike sibling blocks that each name an
/// author is in a reply (forum posts, comment threads with unknown class names).
fn reply_structure(link: NodeRef<'_>, ctx: &PageContext) -> Option<(usize, String)> {
    for anc in link.ancestors().take(REPLY_SEARCH_DEPTH) {
        let Some(el) = anc.value().as_element() else {
            continue;
        };
        if matches!(el.name(), "body" | "html" | "main") {
            break;
        }
        let Some(parent) = anc.parent() else { break };
        let (count, rank, first) = sibling_rank(parent, anc, ctx)?;
        // Classless look-alikes (`<div>`, `<div>`) need a longer run to count.
        let min = if el.attr("class").is_some_and(|c| !c.trim().is_empty()) {
            2
        } else {
            3
        };
        let first = parent.document().get(first);
        if count >= min && rank > 0 && is_authored(anc, ctx) && is_authored(first, ctx) {
            return Some((
                count,
                format!(
                    "reply {} of {count} look-alike <{}> blocks with an author",
                    rank + 1,
                    el.name()
                ),
            ));
        }
    }
    None
}

/// The signature of a block for look-alike comparison: name and class words (ids and numbers
/// differ between replies and are left out).
fn signature(el: Element<'_>) -> String {
    let mut words: Vec<String> = el
        .attr("class")
        .unwrap_or_default()
        .split_whitespace()
        .flat_map(vocabulary::split_words)
        .filter(|w| !matches!(w.as_str(), "odd" | "even" | "alt" | "first" | "last" | "bg"))
        .collect();
    words.sort();
    words.dedup();
    format!("{}.{}", el.name(), words.join("."))
}

/// (number of element siblings with `child`'s signature, `child`'s rank among them, the first
/// of them).
fn sibling_rank(
    parent: NodeRef<'_>,
    child: NodeRef<'_>,
    ctx: &PageContext,
) -> Option<(usize, usize, NodeId)> {
    if let Some(m) = ctx.siblings.borrow().get(&parent.id()) {
        return m.get(&child.id()).copied();
    }
    let mut by_sig: HashMap<String, Vec<NodeId>> = HashMap::new();
    for c in parent.children() {
        if let Some(e) = c.value().as_element() {
            by_sig.entry(signature(e)).or_default().push(c.id());
        }
    }
    let mut m = HashMap::new();
    for ids in by_sig.values() {
        for (rank, id) in ids.iter().enumerate() {
            m.insert(*id, (ids.len(), rank, ids[0]));
        }
    }
    let r = m.get(&child.id()).copied();
    ctx.siblings.borrow_mut().insert(parent.id(), m);
    r
}

/// Whether a block names an author and a date the way comments and forum posts do, and has
/// no headline of its own (which would make it an article teaser).
fn is_authored(block: NodeRef<'_>, ctx: &PageContext) -> bool {
    if let Some(a) = ctx.authored.borrow().get(&block.id()) {
        return *a;
    }
    let mut author = false;
    let mut date = false;
    let mut headline = false;
    for (seen, d) in block.descendants().enumerate() {
        if seen > 400 {
            break;
        }
        if let Node::Text(t) = d.value() {
            date = date || looks_like_date(t);
            continue;
        }
        let Some(e) = d.value().as_element() else {
            continue;
        };
        if matches!(e.name(), "h1" | "h2") {
            headline = true;
        }
        if e.name() == "time" || e.attr("datetime").is_some() {
            date = true;
        }
        if e.attr("itemprop").is_some_and(|p| p.trim() == "author") || e.name() == "cite" {
            author = true;
        }
        let names = [e.attr("class"), e.attr("id"), e.attr("alt")];
        if names
            .iter()
            .flatten()
            .any(|v| v.to_ascii_lowercase().contains("username"))
        {
            author = true;
        }
        for v in names.into_iter().flatten() {
            for w in v.split_whitespace().flat_map(vocabulary::split_words) {
                match w.as_str() {
                    "author" | "user" | "username" | "poster" | "avatar" | "member" | "nick"
                    | "nickname" | "postprofile" | "userinfo" => author = true,
                    "date" | "time" | "timestamp" | "posted" | "postdate" => date = true,
                    _ => {}
                }
            }
        }
    }
    let r = author && date && !headline;
    ctx.authored.borrow_mut().insert(block.id(), r);
    r
}

/// Whether a text names a date the way post headers do: a year (1990–2039) and a clock time
/// or a month name ("03-04-2009, 07:12 PM", "Mon Mar 04, 2024").
fn looks_like_date(text: &str) -> bool {
    let b = text.as_bytes();
    let year = b.windows(4).enumerate().any(|(i, w)| {
        let before_ok = i == 0 || !b[i - 1].is_ascii_digit();
        let after_ok = b.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        before_ok
            && after_ok
            && matches!(&w[..2], b"19" | b"20")
            && w.iter().all(u8::is_ascii_digit)
            && (w[..2] == *b"20" && w[2] <= b'3' || w[..2] == *b"19" && w[2] == b'9')
    });
    if !year {
        return false;
    }
    let clock = b
        .windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit());
    let lower = text.to_ascii_lowercase();
    clock
        || [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ]
        .iter()
        .any(|m| lower.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules' placement of every link of `html`, without the main-content scorer.
    fn placements(html: &str) -> Vec<(Placement, Vec<String>)> {
        let doc = Document::parse(html);
        let ctx = PageContext::new(Err(Unavailable::NoArticle), Signals::ALL);
        doc.root()
            .descendants()
            .filter(|n| n.value().as_element().is_some_and(|e| e.name() == "a"))
            .enumerate()
            .map(|(i, n)| rules(n, i, &ctx, None))
            .collect()
    }

    #[test]
    fn landmarks_and_vocabulary_name_regions() {
        let p = placements(
            "<header><a href=/>Home</a></header><nav><a href=/a>A</a></nav>\
             <div id=secondary><div class='widget widget_recent_entries'><a href=/r>R</a></div></div>\
             <div class=author-bio><a href=/me>me</a></div><footer><a href=/c>C</a></footer>",
        );
        let got: Vec<Placement> = p.iter().map(|x| x.0).collect();
        assert_eq!(
            got,
            [
                Placement::Header,
                Placement::Navigation,
                Placement::Sidebar,
                Placement::AuthorBio,
                Placement::Footer
            ]
        );
        assert_eq!(p[2].1[0], "ancestor class \"widget_recent_entries\"");
    }

    #[test]
    fn article_header_is_not_the_page_header() {
        let p = placements("<article><header><a href=/x>x</a></header></article>");
        assert_eq!(p[0].0, Placement::Content);
    }

    #[test]
    fn replies_are_found_by_structure() {
        let post = |n: u32, link: &str| {
            format!(
                "<div class='msg'><span class='user'>u{n}</span><time>2007-01-0{n}</time>\
                 <div>Words of reply {n} and {link}</div></div>"
            )
        };
        let html = format!(
            "<div id=thread>{}{}{}</div>",
            post(1, "<a href=/a>first</a>"),
            post(2, "<a href=/b>second</a>"),
            post(3, "")
        );
        let p = placements(&html);
        assert_ne!(p[0].0, Placement::Comments, "{:?}", p[0]);
        assert_eq!(p[1].0, Placement::Comments, "{:?}", p[1]);
        assert!(p[1].1[0].starts_with("reply 2 of 3"), "{:?}", p[1]);
    }

    #[test]
    fn schema_org_items() {
        let p = placements(
            "<div itemscope itemtype='https://schema.org/WPSideBar'><a href=/s>s</a></div>\
             <div itemprop=comment itemscope itemtype='http://schema.org/Comment'><a href=/c>c</a></div>\
             <article><p>By <a rel=author href=/me>Me</a></p></article>",
        );
        let got: Vec<Placement> = p.iter().map(|x| x.0).collect();
        assert_eq!(
            got,
            [
                Placement::Sidebar,
                Placement::Comments,
                Placement::AuthorBio
            ]
        );
    }

    #[test]
    fn copyright_rows_are_footers_and_running_text_is_content() {
        let text = "A long paragraph of running text about trail shoes, their grip and their \
                    cushioning, with a link to";
        let html = format!(
            "<table><tr><td><p>{text} <a href=/shoe>a shoe</a> in it.</p></td></tr>\
             <tr><td><a href=/a>A</a> | <a href=/b>B</a> | <a href=/c>C</a> © 2004 Shoes Inc.</td></tr></table>"
        );
        let p = placements(&html);
        assert_eq!(p[0].0, Placement::Content, "{:?}", p[0]);
        assert_eq!(p[1].0, Placement::Footer, "{:?}", p[1]);
    }

    #[test]
    fn ablation_switches_signals_off() {
        let doc = Document::parse("<nav><a href=/>x</a></nav>");
        let mut s = Signals::ALL;
        s.off[1] = true;
        s.off[6] = true;
        let ctx = PageContext::new(Err(Unavailable::NoArticle), s);
        let a = doc
            .root()
            .descendants()
            .find(|n| n.value().as_element().is_some_and(|e| e.name() == "a"))
            .unwrap();
        assert_eq!(classify(a, 0, &ctx).0, Placement::Unknown);
    }
}
