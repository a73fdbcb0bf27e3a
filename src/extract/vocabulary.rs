//! Class/id vocabulary of page regions: the words that themes and CMSs of many languages and
//! eras use to name their navigation, header, footer, sidebar, comment and author-box
//! containers (WordPress, Blogger, Ghost, Drupal, Joomla, MediaWiki, Discourse, phpBB,
//! vBulletin, Disqus, news sites).
//!
//! A class or id token is split into words at `-`, `_`, `.`, `:` and lower-to-upper case
//! changes (`mainNav` → `main nav`), then matched against whole words; a few distinctive stems
//! also match inside compound tokens (`commentlist`, `sidebarwrapper`). Whole-word matching
//! keeps `footnote`, `navigable` and `headerless` from matching.

use crate::model::Placement;

/// Whole words, checked in this order (comments before author: `comment-author` is a
/// comment).
const WORDS: &[(Placement, &str)] = &[
    (
        Placement::Comments,
        "comment comments commentlist commentslist commentbody commenttext commentarea \
         commentthread commentform commentmeta disqus respond replies responses discussion \
         discussions reactions postbit guestbook comentarios comentario commenti commento \
         kommentar kommentare commentaires commentaire reacties reactie komentarze komentarz \
         kommentarii opmerkingen yorumlar",
    ),
    (
        Placement::AuthorBio,
        "authorbio authorbox aboutauthor abouttheauthor byline bylines signature sig \
         postsignature autorbox autor auteur autore",
    ),
    (
        Placement::Navigation,
        "nav navi navigation navbar navlinks menu menus menubar mainmenu megamenu submenu \
         breadcrumb breadcrumbs crumbs pagination pager paging pagenav pagenavi topnav subnav \
         sidenav gnav gnavi globalnav skip skiplink skiplinks navbox catlinks toolbar tabs tags \
         labels categories taxonomy pagelist hauptnavigation hauptmenu menue navegacion \
         navegacao navigazione nawigacja menubalk",
    ),
    (
        Placement::Header,
        "header masthead topbar branding sitetitle sitename sitelogo logo banner headerbar \
         kopfzeile kopf entete cabecera cabecalho intestazione naglowek shapka hoofding",
    ),
    (
        Placement::Footer,
        "footer foot colophon copyright siteinfo fusszeile fuss piedepage pied rodape \
         piepagina stopka podval voettekst voet legal imprint impressum attribution poweredby",
    ),
    (
        Placement::Sidebar,
        "sidebar sidebars side aside widget widgets widgetarea rail secondary blogroll related \
         relatedposts recommended recommendations popular trending mostread mostpopular \
         outbrain taboola zergnet promo promos sponsor sponsored ad ads advert advertisement \
         share sharing sharedaddy social newsletter subscribe signup tagcloud moduletable \
         module portlet seitenleiste lateral zijbalk suggested readmore morestories \
         recirculation",
    ),
];

/// The placement of a whole word, from [`WORDS`].
fn word_placement(word: &str) -> Option<Placement> {
    static MAP: std::sync::OnceLock<std::collections::HashMap<&'static str, Placement>> =
        std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = std::collections::HashMap::new();
        for (p, words) in WORDS {
            for w in words.split_whitespace() {
                m.entry(w).or_insert(*p);
            }
        }
        m
    })
    .get(word)
    .copied()
}

/// Substrings that are distinctive enough to match inside any token.
const STEMS: &[(&str, Placement)] = &[
    ("disqus", Placement::Comments),
    ("authorbio", Placement::AuthorBio),
    ("author-bio", Placement::AuthorBio),
    ("author_bio", Placement::AuthorBio),
    ("aboutauthor", Placement::AuthorBio),
    ("about-author", Placement::AuthorBio),
    ("about-the-author", Placement::AuthorBio),
    ("sidebar", Placement::Sidebar),
    ("widget", Placement::Sidebar),
    ("blogroll", Placement::Sidebar),
    ("moduletable", Placement::Sidebar),
    ("footer", Placement::Footer),
    ("breadcrumb", Placement::Navigation),
    ("navbar", Placement::Navigation),
    ("navigation", Placement::Navigation),
    ("pagination", Placement::Navigation),
    ("menubar", Placement::Navigation),
    ("masthead", Placement::Header),
    ("username", Placement::AuthorBio),
    ("postprofile", Placement::AuthorBio),
    ("userinfo", Placement::AuthorBio),
];

/// Sidebar words that name any boxed module (`widget`, `module`): a more specific token of the
/// same element (`widget PageList`, `widget Attribution`) wins over them.
pub fn is_generic(token: &str) -> bool {
    matches!(
        token.to_ascii_lowercase().as_str(),
        "widget" | "widgets" | "module" | "moduletable" | "portlet" | "section"
    )
}

/// Words that make a header/footer word describe part of an article rather than the page:
/// `entry-header` is an article's title block, `card-footer` the end of a card.
const LOCAL_QUALIFIERS: &[&str] = &[
    "entry", "post", "article", "story", "card", "section", "widget", "table", "modal", "panel",
    "item", "teaser",
];

/// Words of layout wrappers: `content-sidebar-wrap` holds the content *and* the sidebar.
const WRAPPER_WORDS: &[&str] = &["wrap", "wrapper", "container", "inner", "outer", "holder"];
const CONTENT_WORDS: &[&str] = &["content", "body", "article", "page", "site", "main"];

/// Prefixes of the per-post taxonomy classes that WordPress and others put on articles
/// (`category-news`, `tag-sidebar`, `author-sarah`): they name the post, not a region.
const TAXONOMY_PREFIXES: &[&str] = &[
    "tag-",
    "tag_",
    "category-",
    "format-",
    "status-",
    "type-",
    "postid-",
    "author-",
];

/// Companion words that make "author" an author box rather than a byline.
const AUTHOR_BOX_WORDS: &[&str] = &[
    "bio",
    "box",
    "info",
    "about",
    "card",
    "description",
    "profile",
    "details",
    "block",
];

/// How sure a token is about its region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// Names the region unambiguously (`comment-list`, `author-bio`, `disqus_thread`).
    Strong,
    /// Usually names it (`byline`, `comment-meta`).
    Weak,
}

/// Placement named by one class or id token, if any, with how sure it is.
pub fn region_of_token(token: &str) -> Option<(Placement, Strength)> {
    let words = split_words(token);
    // Slugified headings used as ids (`sharing-with-a-single-developer`) are not theme names.
    if words.is_empty() || words.len() > 4 {
        return None;
    }
    let lower = token.to_ascii_lowercase();
    let author_box = words.iter().any(|w| AUTHOR_BOX_WORDS.contains(&w.as_str()));
    if TAXONOMY_PREFIXES.iter().any(|p| lower.starts_with(p)) && !author_box {
        return None;
    }
    let p = placement_of_words(&words, &lower)?;
    let has_any = |list: &[&str]| words.iter().any(|x| list.contains(&x.as_str()));
    let strong = match p {
        Placement::Comments => {
            has_any(&[
                "comments",
                "commentlist",
                "commentslist",
                "disqus",
                "respond",
                "replies",
            ]) || (has_any(&["comment"])
                && has_any(&[
                    "list", "thread", "area", "section", "body", "content", "text",
                ]))
                || lower.contains("disqus")
        }
        Placement::AuthorBio => {
            author_box
                || has_any(&[
                    "authorbio",
                    "authorbox",
                    "aboutauthor",
                    "abouttheauthor",
                    "signature",
                    "sig",
                ])
                || lower.contains("about-the-author")
                || lower.contains("about-author")
        }
        _ => true,
    };
    Some((
        p,
        if strong {
            Strength::Strong
        } else {
            Strength::Weak
        },
    ))
}

fn placement_of_words(words: &[String], lower: &str) -> Option<Placement> {
    let token = lower;
    let has = |w: &str| words.iter().any(|x| x == w);
    let has_any = |list: &[&str]| words.iter().any(|x| list.contains(&x.as_str()));
    // "author" with a bio-ish companion word is an author box; on its own (`author`,
    // `post-author`) it is a byline; in a comment it is the commenter.
    if has("author") || has("writer") || has("contributor") {
        if has_any(&["comment", "comments", "commenter"]) {
            return Some(Placement::Comments);
        }
        return Some(Placement::AuthorBio);
    }
    if has("cat") && has_any(&["links", "link"]) {
        return Some(Placement::Navigation);
    }
    // The first category in [`WORDS`] order that a word (or the whole token run together,
    // `PageList` → `pagelist`) names.
    let local = has_any(LOCAL_QUALIFIERS);
    let joined = words.concat();
    let found = words
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(joined.as_str()))
        .filter_map(word_placement)
        .filter(|p| !(local && matches!(p, Placement::Header | Placement::Footer)))
        .min_by_key(|p| WORDS.iter().position(|(q, _)| q == p));
    if let Some(p) = found {
        // A wrapper naming the content and a region holds both (`content-sidebar-wrap`).
        let layout = has_any(WRAPPER_WORDS) && has_any(CONTENT_WORDS) && words.len() >= 3;
        return (!layout).then_some(p);
    }
    // Stems are for compound single words (`sidebarwrapper`, `footerlinks`); split tokens
    // were judged word by word above.
    if has_any(CONTENT_WORDS) || words.len() > 1 {
        return None;
    }
    STEMS
        .iter()
        .find(|(stem, _)| token.contains(stem))
        .map(|(_, p)| *p)
}

/// Whether a class or id token names the editorial body (`entry-content`, `post-body`,
/// `article__body`, `mw-parser-output`...).
pub fn is_content_token(token: &str) -> bool {
    let lower = token.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "mw-parser-output"
            | "mw-content-text"
            | "cooked"
            | "postbody"
            | "articlebody"
            | "storybody"
    ) {
        return true;
    }
    let words = split_words(token);
    let has = |w: &str| words.iter().any(|x| x == w);
    let body = has("content") || has("body") || has("text");
    let article = has("entry") || has("post") || has("article") || has("story") || has("blog");
    body && article && !has("header") && !has("footer") && !has("meta")
}

/// Lower-case words of a token: split at `-`, `_`, `.`, `:`, digits, and lower→upper case
/// changes; runs of digits dropped.
pub fn split_words(token: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in token.chars() {
        if !c.is_alphanumeric() || c.is_ascii_digit() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_at_separators_and_case() {
        assert_eq!(split_words("mainNav"), ["main", "nav"]);
        assert_eq!(
            split_words("widget_recent_entries"),
            ["widget", "recent", "entries"]
        );
        assert_eq!(split_words("post-123"), ["post"]);
        assert_eq!(split_words("p-navigation"), ["p", "navigation"]);
    }

    #[test]
    fn cms_conventions() {
        let cases = [
            ("widget_recent_entries", Some(Placement::Sidebar)),
            ("secondary", Some(Placement::Sidebar)),
            ("colophon", Some(Placement::Footer)),
            ("site-footer", Some(Placement::Footer)),
            ("footer-wrapper", Some(Placement::Footer)),
            ("commentlist", Some(Placement::Comments)),
            ("comment-author", Some(Placement::Comments)),
            ("disqus_thread", Some(Placement::Comments)),
            ("author-bio", Some(Placement::AuthorBio)),
            ("about-the-author", Some(Placement::AuthorBio)),
            ("mainNav", Some(Placement::Navigation)),
            ("mw-navigation", Some(Placement::Navigation)),
            ("navbox", Some(Placement::Navigation)),
            ("moduletable", Some(Placement::Sidebar)),
            ("postbit", Some(Placement::Comments)),
            ("signature", Some(Placement::AuthorBio)),
            ("kommentare", Some(Placement::Comments)),
            ("pied-de-page", Some(Placement::Footer)),
            ("barra-lateral", Some(Placement::Sidebar)),
            ("site-header", Some(Placement::Header)),
            // Parts of an article, layout wrappers and look-alikes are not regions.
            ("entry-header", None),
            ("commented", None),
            ("cite_note-religiouscommentary-294", None),
            ("author-sarah", None),
            ("tag-fan-contributor", None),
            ("sharing-with-a-single-developer", None),
            ("entry-footer", None),
            ("card-footer", None),
            ("footnote", None),
            ("footnotes", None),
            ("navigable", None),
            ("content-sidebar-wrap", None),
            ("sidebar-wrapper", Some(Placement::Sidebar)),
            ("footer-content", Some(Placement::Footer)),
            ("main-nav", Some(Placement::Navigation)),
            ("main-content", None),
            ("entry-content", None),
        ];
        for (token, want) in cases {
            assert_eq!(region_of_token(token).map(|r| r.0), want, "{token}");
        }
    }

    #[test]
    fn content_tokens() {
        for t in [
            "entry-content",
            "post-body",
            "article__body",
            "articleBody",
            "mw-parser-output",
            "storyText",
        ] {
            assert!(is_content_token(t), "{t}");
        }
        for t in ["content", "entry-meta", "post-footer", "sidebar"] {
            assert!(!is_content_token(t), "{t}");
        }
    }
}
