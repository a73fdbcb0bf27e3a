//! Extract stage: an HTML document → its links and page signals ([`PageAnalysis`]).
//!
//! Synchronous and pure: `&str` in, data out, no I/O. The parsed tree ([`dom::Document`]) never
//! leaves this module, so it never lives across an `.await`. One walk over the tree finds
//! every `<a href>` and `<area href>` in document order, skipping `<template>` contents; links
//! in comments, scripts and `<textarea>`s are not elements and so are never seen. Each selected
//! link gets its anchor text, `rel` tokens, placement with evidence, surrounding words and a
//! hidden-link check.
//!
//! Pages are parsed once, into [`dom::Document`], by [`backlinks_html::parse`]: its fast parser
//! when it takes the page (it builds exactly the tree html5ever would), else html5ever after
//! the nesting guard has cut hostile structure down. Main-content scoring, placement, signals
//! and contact routes all read that one tree.

pub mod contacts;
pub mod content;
pub mod dom;
pub mod main_content;
pub mod mentions;
mod placement;
pub mod signals;
mod text;
mod vocabulary;

pub use placement::{FEATURE_NAMES, dump_features, model_version};

use crate::model::{LinkObservation, PageAnalysis, PageSignals, Target, registrable_domain};
use dom::{Document, Edge, NodeRef};
use url::Url;

/// Characters of context kept on each side of a link.
const CONTEXT_CHARS: usize = 60;

/// Which links to keep.
#[derive(Debug, Clone, Copy)]
pub enum LinkFilter<'a> {
    /// Every link (`inspect` without `--target`).
    All,
    /// Links to hosts of the target's registrable domain.
    Target(&'a Target),
    /// Links to the target and to each of its competitors ([`Target::competitors`]), each
    /// saying which site it points to (`backlinks gap`).
    Sites(&'a Target),
}

impl<'a> LinkFilter<'a> {
    /// Whether a link to `url` is kept, and with [`LinkFilter::Sites`] the site it points to.
    fn select(&self, url: Option<&Url>) -> Option<Option<String>> {
        match self {
            LinkFilter::All => Some(None),
            LinkFilter::Target(t) => url.is_some_and(|u| t.matches_url(u)).then_some(None),
            LinkFilter::Sites(t) => Some(Some(t.site_of(url?)?.to_string())),
        }
    }

    /// The target whose unlinked mentions are looked for, and whether `links` (the kept
    /// ones) include a link to it.
    fn mentions_of(&self, links: &[LinkObservation]) -> Option<(&'a Target, bool)> {
        match *self {
            LinkFilter::All => None,
            LinkFilter::Target(t) => Some((t, !links.is_empty())),
            LinkFilter::Sites(t) => Some((
                t,
                links.iter().any(|l| l.site.as_deref() == Some(&t.domain)),
            )),
        }
    }
}

/// Analyses one HTML document fetched from `page_url` (without one, relative links that a
/// `<base href>` does not resolve are kept as written). `x_robots_tag` holds the response's
/// `X-Robots-Tag` header values.
pub fn analyze(
    html: &str,
    page_url: Option<&Url>,
    x_robots_tag: &[String],
    filter: LinkFilter<'_>,
) -> PageAnalysis {
    let doc = Document::parse(html);
    let mut signals = PageSignals {
        x_robots_tag: parse_x_robots_tag(x_robots_tag),
        ..PageSignals::default()
    };
    let page_domain = page_url
        .and_then(Url::host_str)
        .map(registrable_domain)
        .unwrap_or_default();
    let base = base_url(&doc, page_url);
    // Every link in document order (its node and raw href), and the kept ones with their
    // ordinal.
    let mut link_nodes = Vec::new();
    let mut hrefs: Vec<&str> = Vec::new();
    let mut selected = Vec::new();
    let mut external_domains = std::collections::HashSet::new();
    let mut in_template = 0usize;
    let mut shape = main_content::Shape::default();
    let mut depth = 0usize;
    for edge in doc.root().traverse() {
        let node = match edge {
            Edge::Open(n) => n,
            Edge::Close(n) => {
                if let Some(e) = n.value().as_element() {
                    depth -= 1;
                    if e.name() == "template" {
                        in_template -= 1;
                    }
                }
                continue;
            }
        };
        let Some(el) = node.value().as_element() else {
            continue;
        };
        depth += 1;
        shape.depth = shape.depth.max(depth);
        shape.elements += 1;
        let name = el.name();
        if name == "template" {
            in_template += 1;
            continue;
        }
        if in_template > 0 {
            continue;
        }
        match name {
            // `<svg><title>` is an image caption, not the document title.
            "title" if signals.title.is_none() && !has_ancestor(node, "svg") => {
                let t = text::visible_text(node);
                if !t.is_empty() {
                    signals.title = Some(t);
                }
            }
            "html" if signals.lang.is_none() => {
                signals.lang = el
                    .attr("lang")
                    .map(|l| l.trim().to_ascii_lowercase())
                    .filter(|l| !l.is_empty());
            }
            "meta" => {
                let n = el.attr("name").map(str::to_ascii_lowercase);
                if matches!(n.as_deref(), Some("robots" | "googlebot"))
                    && let Some(content) = el.attr("content")
                {
                    signals.meta_robots.extend(directives(content));
                }
            }
            "link" if signals.canonical_elsewhere.is_none() => {
                let is_canonical = el.attr("rel").is_some_and(|r| {
                    r.split_ascii_whitespace()
                        .any(|t| t.eq_ignore_ascii_case("canonical"))
                });
                if is_canonical
                    && let Some(href) = el.attr("href")
                    && let Some(c) = resolve(base.as_ref(), href)
                    && page_url.is_none_or(|p| !same_page(&c, p))
                {
                    signals.canonical_elsewhere = Some(c.to_string());
                }
            }
            "a" | "area" => {
                let Some(href) = el.attr("href") else {
                    continue;
                };
                let resolved = resolve(base.as_ref(), href);
                signals.total_links += 1;
                if let Some(u) = &resolved
                    && let Some(h) = u.host_str()
                    && matches!(u.scheme(), "http" | "https")
                {
                    let d = registrable_domain(h);
                    if d != page_domain {
                        signals.external_links += 1;
                        external_domains.insert(d);
                    }
                }
                if let Some(site) = filter.select(resolved.as_ref()) {
                    selected.push((node, hrefs.len(), resolved, site));
                } else if let (LinkFilter::Target(t), Some(u)) = (filter, &resolved)
                    && signals.redirected_links.len() < signals::MAX_REDIRECTED
                    && signals::carries_target(u, t)
                {
                    // A link to another host that reaches the target through a redirect.
                    signals.redirected_links.push(u.to_string());
                }
                hrefs.push(href);
                link_nodes.push(node.id());
            }
            _ => {}
        }
    }
    signals.meta_robots.sort();
    signals.meta_robots.dedup();
    signals.external_domains = external_domains.len();
    if selected.is_empty() {
        signals.linked_domains = external_domains.into_iter().collect();
        signals.linked_domains.sort_unstable();
    }
    // The main-content scorer costs about as much as the parse: only pay for it when there is
    // a link to place (most pages of an audit that lost their link have none).
    // The article text doubles as the editorial text of the content signals, so the scorer
    // runs once per page; pages without a selected link use the cheaper region walk.
    let selected_nodes: Vec<NodeRef<'_>> = selected.iter().map(|(n, _, _, _)| *n).collect();
    let (links, article) = if selected.is_empty() {
        (Vec::new(), None)
    } else {
        let mut main = main_content::detect(&doc, shape, &link_nodes);
        // Placement reads only the verdicts and `confident`: the text moves on to the signals.
        let article = main.as_mut().ok().map(|m| std::mem::take(&mut m.text));
        let ctx = placement::PageContext::new(main, placement::Signals::from_env())
            .with_urls(base.as_ref(), page_url);
        let links = selected
            .into_iter()
            .map(|(node, ordinal, resolved, site)| {
                let mut l = observe(node, hrefs[ordinal], resolved, ordinal, &ctx);
                l.site = site;
                l
            })
            .collect();
        (links, article)
    };
    let editorial = content::editorial_text(&doc, article, signals::MAX_TEXT);
    signals::collect(html, &editorial, &selected_nodes, &links, &mut signals);
    if let Some((target, false)) = filter.mentions_of(&links) {
        signals.mentions = mentions::find(&doc, html, base.as_ref(), target);
    }
    // Contact routes matter only where there is a link (or a mention) to ask about.
    if !links.is_empty() || !signals.mentions.is_empty() {
        let links = link_nodes
            .iter()
            .map(|&id| doc.get(id))
            .zip(hrefs.iter().copied());
        signals.contacts = contacts::find(links, page_url, base.as_ref());
    }
    PageAnalysis { signals, links }
}

fn observe(
    node: NodeRef<'_>,
    href: &str,
    resolved: Option<Url>,
    ordinal: usize,
    ctx: &placement::PageContext,
) -> LinkObservation {
    let el = node.value().as_element().expect("called on elements");
    let (anchor_text, is_image) = anchor_text(node);
    let mut rel: Vec<String> = Vec::new();
    for token in el.attr("rel").unwrap_or_default().split_ascii_whitespace() {
        let t = token.to_ascii_lowercase();
        if !rel.contains(&t) {
            rel.push(t);
        }
    }
    let (placement, evidence, confidence) = placement::classify(node, ordinal, ctx);
    let before = text::text_before(node, CONTEXT_CHARS);
    let after = text::text_after(node, CONTEXT_CHARS);
    let mut context = String::new();
    if !before.is_empty() {
        context.push_str(&before);
        context.push(' ');
    }
    context.push('[');
    context.push_str(&anchor_text);
    context.push(']');
    if !after.is_empty() {
        context.push(' ');
        context.push_str(&after);
    }
    LinkObservation {
        href: resolved.map_or_else(|| href.trim().to_string(), |u| u.to_string()),
        anchor_text,
        is_image,
        rel,
        placement,
        placement_confidence: (confidence.clamp(0.0, 1.0) * 1000.0).round() as u16,
        evidence,
        context,
        hidden: hidden_reason(node),
        site: None,
    }
}

/// Anchor text: visible text; else the `alt` of images inside (an image link); else
/// `title`/`aria-label`.
fn anchor_text(node: NodeRef<'_>) -> (String, bool) {
    let visible = text::visible_text(node);
    let has_image = node
        .descendants()
        .any(|d| d.value().as_element().is_some_and(|e| e.name() == "img"));
    if !visible.is_empty() {
        return (visible, false);
    }
    let el = node.value().as_element().expect("called on elements");
    if el.name() == "area"
        && let Some(alt) = el.attr("alt").map(collapse).filter(|a| !a.is_empty())
    {
        return (alt, true);
    }
    let alts: Vec<String> = node
        .descendants()
        .filter_map(|d| d.value().as_element())
        .filter(|e| e.name() == "img")
        .filter_map(|e| e.attr("alt"))
        .map(collapse)
        .filter(|a| !a.is_empty())
        .collect();
    if !alts.is_empty() {
        return (alts.join(" "), true);
    }
    for attr in ["title", "aria-label"] {
        if let Some(t) = el.attr(attr).map(collapse).filter(|t| !t.is_empty()) {
            return (t, has_image);
        }
    }
    (String::new(), has_image)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why the link is invisible to readers, from inline styles and attributes on the link or an
/// ancestor (stylesheets are not evaluated).
fn hidden_reason(node: NodeRef<'_>) -> Option<String> {
    let mut cur = Some(node);
    while let Some(n) = cur {
        if let Some(el) = n.value().as_element() {
            let who = || {
                if n.id() == node.id() {
                    "link".to_string()
                } else {
                    format!("ancestor <{}>", el.name())
                }
            };
            if el.attr("hidden").is_some() {
                return Some(format!("{} has the hidden attribute", who()));
            }
            if let Some(what) = el.attr("style").and_then(hiding_style) {
                return Some(format!("{} style {what}", who()));
            }
        }
        cur = n.parent();
    }
    None
}

/// The declaration(s) of an inline style that hide content, if any: `display:none`,
/// `visibility:hidden`, zero font size or opacity, off-screen positioning (an offset or
/// indent of -999px or more), a zero-size box that clips its overflow, `transform:scale(0)`.
///
/// `aria-hidden` is not a hiding style: it hides from screen readers only, the link stays on
/// screen. Links inside `<noscript>` are not links at all for us (the parse runs with
/// scripting on, as browsers and Google's renderer do).
fn hiding_style(style: &str) -> Option<String> {
    let mut zero_box: Option<String> = None;
    let mut clips = false;
    for decl in style.split(';') {
        let Some((prop, value)) = decl.split_once(':') else {
            continue;
        };
        let prop = prop.trim().to_ascii_lowercase();
        let value: String = value
            .to_ascii_lowercase()
            .replace("!important", "")
            .split_whitespace()
            .collect();
        let number = value
            .trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '%')
            .parse::<f64>()
            .ok();
        let hides = match prop.as_str() {
            "display" => value == "none",
            "visibility" => value == "hidden" || value == "collapse",
            "font-size" | "opacity" => number == Some(0.0),
            "left" | "top" | "right" | "bottom" | "text-indent" | "margin-left" | "margin-top" => {
                number.is_some_and(|n| n <= -999.0)
            }
            "transform" => value.contains("scale(0)") || value.contains("scale(0,0)"),
            "width" | "height" | "max-width" | "max-height" => {
                if number == Some(0.0) {
                    zero_box = Some(format!("{prop}:{value}"));
                }
                false
            }
            "overflow" | "overflow-x" | "overflow-y" => {
                clips |= value == "hidden" || value == "clip";
                false
            }
            _ => false,
        };
        if hides {
            return Some(format!("{prop}:{value}"));
        }
    }
    match zero_box {
        Some(b) if clips => Some(format!("{b} with overflow hidden")),
        _ => None,
    }
}

fn has_ancestor(node: NodeRef<'_>, name: &str) -> bool {
    node.ancestors()
        .any(|a| a.value().as_element().is_some_and(|e| e.name() == name))
}

/// The document base: the first `<base href>`, resolved against the page URL.
fn base_url(doc: &Document<'_>, page_url: Option<&Url>) -> Option<Url> {
    for node in doc.root().descendants() {
        if let Some(el) = node.value().as_element()
            && el.name() == "base"
            && let Some(href) = el.attr("href")
        {
            if let Some(u) = resolve(page_url, href) {
                return Some(u);
            }
            break;
        }
    }
    page_url.cloned()
}

/// Resolves an href against the base (browsers strip leading/trailing whitespace and ignore
/// tabs and newlines inside URLs; `url` does the latter). Without a base only absolute hrefs
/// resolve.
fn resolve(base: Option<&Url>, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    match base {
        Some(b) => b.join(href).ok(),
        None => Url::parse(href).ok(),
    }
}

fn same_page(a: &Url, b: &Url) -> bool {
    let strip = |u: &Url| {
        let mut u = u.clone();
        u.set_fragment(None);
        u.as_str().trim_end_matches('/').to_string()
    };
    strip(a) == strip(b)
}

fn directives(content: &str) -> impl Iterator<Item = String> + '_ {
    content
        .split(',')
        .map(|d| d.trim().to_ascii_lowercase())
        .filter(|d| !d.is_empty())
}

/// Directives of `X-Robots-Tag` values that apply to every crawler or to Googlebot
/// (`X-Robots-Tag: otherbot: noindex` is ignored).
pub fn parse_x_robots_tag(values: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for value in values {
        let mut applies = true;
        for part in value.split(',') {
            let part = part.trim();
            let mut directive = part;
            if let Some((ua, rest)) = part.split_once(':') {
                let ua = ua.trim().to_ascii_lowercase();
                // `unavailable_after: <date>` is a directive with a value, not a user agent.
                if ua != "unavailable_after" && !ua.is_empty() && !ua.contains(' ') {
                    applies = ua == "googlebot" || ua == "*";
                    directive = rest.trim();
                }
            }
            if applies && !directive.is_empty() {
                out.push(directive.to_ascii_lowercase());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Turns a fetched page into its verdict: HTML is analysed for links to `target`, the body is
/// dropped, everything else is carried over.
pub fn verdict(page: crate::model::FetchedPage, target: &Target) -> crate::model::PageVerdict {
    verdict_with(page, LinkFilter::Target(target))
}

/// [`verdict`] keeping the links to the target's competitors too ([`LinkFilter::Sites`]).
pub fn sites_verdict(
    page: crate::model::FetchedPage,
    target: &Target,
) -> crate::model::PageVerdict {
    verdict_with(page, LinkFilter::Sites(target))
}

fn verdict_with(
    page: crate::model::FetchedPage,
    filter: LinkFilter<'_>,
) -> crate::model::PageVerdict {
    use crate::model::{FetchOutcome, PageVerdict, VerdictOutcome};
    let requested = !matches!(page.outcome, FetchOutcome::Skipped(_)) || !page.redirects.is_empty();
    let (http_status, outcome) = match page.outcome {
        FetchOutcome::Html(body) => (
            Some(body.status),
            VerdictOutcome::Analyzed(analyze(
                &body.text,
                Some(&page.final_url),
                &body.x_robots_tag,
                filter,
            )),
        ),
        FetchOutcome::NotHtml {
            status,
            content_type,
        } => (Some(status), VerdictOutcome::NotHtml { content_type }),
        FetchOutcome::HttpError { status } => (Some(status), VerdictOutcome::HttpError),
        FetchOutcome::Failed { error, status } => (status, VerdictOutcome::Failed(error)),
        FetchOutcome::Skipped(reason) => (None, VerdictOutcome::Skipped(reason)),
    };
    PageVerdict {
        final_url: requested.then_some(page.final_url),
        redirects: page.redirects,
        http_status,
        outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hiding_styles() {
        let hidden = [
            ("display: none", "display:none"),
            ("color:red; DISPLAY:None !important", "display:none"),
            ("visibility:hidden", "visibility:hidden"),
            ("font-size:0px", "font-size:0px"),
            ("font-size: 0", "font-size:0"),
            ("opacity:0", "opacity:0"),
            ("position:absolute; left:-9999px", "left:-9999px"),
            ("text-indent:-10000em", "text-indent:-10000em"),
            ("transform: scale(0)", "transform:scale(0)"),
            ("height:0;overflow:hidden", "height:0 with overflow hidden"),
        ];
        for (style, why) in hidden {
            assert_eq!(hiding_style(style).as_deref(), Some(why), "{style}");
        }
        for style in [
            "display:block",
            "font-size:10px",
            "left:-20px",
            "height:0",
            "opacity:0.5",
            "",
        ] {
            assert_eq!(hiding_style(style), None, "{style}");
        }
    }

    #[test]
    fn hidden_links_are_flagged_with_evidence() {
        let html = "<p>Visible <a href='https://example.com/a'>a</a></p>\
                    <div style='display:none'><a href='https://example.com/b'>b</a></div>\
                    <a hidden href='https://example.com/c'>c</a>\
                    <a aria-hidden=true href='https://example.com/d'>d</a>\
                    <noscript><a href='https://example.com/e'>e</a></noscript>";
        let found = analyze(html, None, &[], LinkFilter::All);
        let hidden: Vec<Option<&str>> = found.links.iter().map(|l| l.hidden.as_deref()).collect();
        assert_eq!(
            hidden,
            [
                None,
                Some("ancestor <div> style display:none"),
                Some("link has the hidden attribute"),
                None
            ]
        );
    }

    #[test]
    fn deep_documents_and_many_links_do_not_blow_up() {
        // <span>s: nesting <div>s is quadratic in the HTML parser itself (scope checks walk
        // the open-element stack), which would only slow this test down.
        let mut html = String::new();
        for _ in 0..100_000 {
            html.push_str("<span>");
        }
        html.push_str("<a href='https://example.com/'>deep</a>");
        let found = analyze(&html, None, &[], LinkFilter::All);
        assert_eq!(found.links.len(), 1);
        assert!(
            found.links[0]
                .evidence
                .iter()
                .any(|e| e.contains("levels deep")),
            "{:?}",
            found.links[0].evidence
        );
        let mut html = String::from("<ul>");
        for i in 0..50_000 {
            html.push_str(&format!("<li><a href='/p/{i}'>page {i}</a></li>"));
        }
        let start = std::time::Instant::now();
        let found = analyze(&html, None, &[], LinkFilter::All);
        assert_eq!(found.links.len(), 50_000);
        // Linear work: far below a second even in a debug build; quadratic would take minutes.
        assert!(start.elapsed().as_secs() < 60);
    }
}
