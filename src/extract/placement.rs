//! Placement of a link on its page: `content`, `navigation`, `header`, `footer`, `sidebar`,
//! `comments`, `author_bio` or `unknown`, with evidence strings a person can check.
//!
//! Signals, nearest ancestor first:
//! 1. region signals — HTML5 landmarks (`<nav>`, `<aside>`, page-level `<header>`/`<footer>`),
//!    ARIA roles, schema.org itemtypes (`WPHeader`, `WPFooter`, `WPSideBar`,
//!    `SiteNavigationElement`, `Comment`) and class/id vocabulary (`sidebar`, `widget`,
//!    `comment`, `author-bio`, `footer`, `menu`...). The nearest ancestor with one decides.
//! 2. content signals — `<article>`, `<main>`, `role=main`, `itemprop=articleBody` and
//!    class/id such as `entry-content`: the link is in the editorial body.
//! 3. without either, the enclosing block: a link in a paragraph of running text (≥ 80
//!    characters, less than half of it link text) is content.
//!
//! Otherwise `unknown`. Region signals beat content signals because wrappers such as
//! `<div id="content">` often hold the sidebar and comments too.

use super::text::visible_text;
use crate::model::Placement;
use ego_tree::NodeRef;
use scraper::Node;
use scraper::node::Element;

/// Minimum text of a paragraph for the running-text fallback to call a link `content`.
const MIN_PARAGRAPH_CHARS: usize = 80;

/// Classifies the link element `link` (an `<a>` or `<area>`).
pub fn classify(link: NodeRef<'_, Node>) -> (Placement, Vec<String>) {
    let mut content_evidence: Option<String> = None;
    for anc in link.ancestors() {
        let Some(el) = anc.value().as_element() else {
            continue;
        };
        if let Some((placement, evidence)) = region_signal(el, anc) {
            let mut ev = vec![evidence];
            if let Some(c) = content_evidence {
                ev.push(format!("(region is nested inside content: {c})"));
            }
            return (placement, ev);
        }
        if content_evidence.is_none() {
            content_evidence = content_signal(el);
        }
    }
    if let Some(c) = content_evidence {
        return (Placement::Content, vec![c]);
    }
    if let Some(ev) = running_text(link) {
        return (Placement::Content, vec![ev]);
    }
    (
        Placement::Unknown,
        vec!["no landmark, class or paragraph signal".into()],
    )
}

/// The region an element marks by itself (landmark, role, itemtype or class/id vocabulary), with
/// its evidence; `None` for elements that say nothing about placement.
pub fn region_signal(el: &Element, node: NodeRef<'_, Node>) -> Option<(Placement, String)> {
    let name = el.name();
    match name {
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
    if let Some(role) = el.attr("role") {
        let role = role.trim().to_ascii_lowercase();
        let p = match role.as_str() {
            "navigation" | "menubar" | "menu" => Some(Placement::Navigation),
            "banner" => Some(Placement::Header),
            "contentinfo" => Some(Placement::Footer),
            "complementary" => Some(Placement::Sidebar),
            _ => None,
        };
        if let Some(p) = p {
            return Some((p, format!("ancestor role=\"{role}\"")));
        }
    }
    if let Some(t) = el.attr("itemtype") {
        let short = t.rsplit('/').next().unwrap_or(t).trim();
        let p = match short {
            "WPHeader" => Some(Placement::Header),
            "WPFooter" => Some(Placement::Footer),
            "WPSideBar" => Some(Placement::Sidebar),
            "SiteNavigationElement" => Some(Placement::Navigation),
            "Comment" | "UserComments" => Some(Placement::Comments),
            _ => None,
        };
        if let Some(p) = p {
            return Some((p, format!("ancestor itemtype schema.org/{short}")));
        }
    }
    for (attr, value) in [("class", el.attr("class")), ("id", el.attr("id"))] {
        let Some(value) = value else { continue };
        for token in value.split_whitespace() {
            if let Some(p) = vocabulary(&token.to_ascii_lowercase()) {
                return Some((p, format!("ancestor {attr} \"{token}\"")));
            }
        }
    }
    None
}

fn has_sectioning_ancestor(node: NodeRef<'_, Node>) -> bool {
    node.ancestors().any(|a| {
        a.value()
            .as_element()
            .is_some_and(|e| matches!(e.name(), "article" | "main" | "section"))
    })
}

/// Region vocabulary for one class or id token (lower-case). Whole words are split on `-`
/// and `_`; a few distinctive stems also match inside compound tokens (`commentlist`).
fn vocabulary(token: &str) -> Option<Placement> {
    const STEMS: [(&str, Placement); 9] = [
        ("comment", Placement::Comments),
        ("disqus", Placement::Comments),
        ("authorbio", Placement::AuthorBio),
        ("sidebar", Placement::Sidebar),
        ("widget", Placement::Sidebar),
        ("blogroll", Placement::Sidebar),
        ("footer", Placement::Footer),
        ("breadcrumb", Placement::Navigation),
        ("navbar", Placement::Navigation),
    ];
    let words: Vec<&str> = token.split(['-', '_']).filter(|w| !w.is_empty()).collect();
    let has = |w: &str| words.contains(&w);
    if (has("author") && (has("bio") || has("box") || has("info") || has("about")))
        || token.contains("about-the-author")
        || token.contains("about-author")
    {
        return Some(Placement::AuthorBio);
    }
    if has("nav") || has("navigation") || has("menu") || has("pagination") || has("pager") {
        return Some(Placement::Navigation);
    }
    if has("header") || has("masthead") || has("topbar") {
        // `entry-header`/`post-header` is the title block of an article, not the page header.
        if !(has("entry") || has("post") || has("article")) {
            return Some(Placement::Header);
        }
    }
    if has("colophon") || has("copyright") || has("foot") {
        return Some(Placement::Footer);
    }
    if has("secondary") || has("rail") || has("related") {
        return Some(Placement::Sidebar);
    }
    STEMS
        .iter()
        .find(|(stem, _)| token.contains(stem))
        .map(|(_, p)| *p)
}

fn content_signal(el: &Element) -> Option<String> {
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
    if let Some(p) = el.attr("itemprop")
        && matches!(p.trim(), "articleBody" | "text" | "mainEntityOfPage")
    {
        return Some(format!("inside itemprop=\"{}\"", p.trim()));
    }
    for (attr, value) in [("class", el.attr("class")), ("id", el.attr("id"))] {
        let Some(value) = value else { continue };
        for token in value.split_whitespace() {
            let t = token.to_ascii_lowercase();
            if matches!(
                t.as_str(),
                "entry-content"
                    | "post-content"
                    | "article-content"
                    | "article-body"
                    | "articlebody"
                    | "post-body"
                    | "postbody"
                    | "story-body"
                    | "entry-body"
                    | "post-entry"
                    | "blog-post"
                    | "single-post"
                    | "article__body"
            ) {
                return Some(format!("inside {attr} \"{token}\""));
            }
        }
    }
    None
}

/// The running-text fallback: the nearest `<p>`, `<li>`, `<td>`, `<dd>` or `<blockquote>`.
fn running_text(link: NodeRef<'_, Node>) -> Option<String> {
    let block = link.ancestors().find(|a| {
        a.value()
            .as_element()
            .is_some_and(|e| matches!(e.name(), "p" | "li" | "td" | "dd" | "blockquote"))
    })?;
    let name = block.value().as_element()?.name();
    let text = visible_text(block);
    let total = text.chars().count();
    if total < MIN_PARAGRAPH_CHARS {
        return None;
    }
    let link_chars: usize = block
        .descendants()
        .filter(|d| d.value().as_element().is_some_and(|e| e.name() == "a"))
        .map(|a| visible_text(a).chars().count())
        .sum();
    let density = link_chars as f64 / total as f64;
    (density < 0.5).then(|| format!("<{name}> text {total} chars, link density {density:.2}"))
}
