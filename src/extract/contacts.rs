//! Contact routes of a referring page: where its owner can be asked to remove a link. Found
//! while the parsed document is alive, kept small: e-mail addresses of `mailto:` links, and
//! links to the site's own contact and imprint (Impressum) pages, recognised by their text or
//! path in the common languages. At most [`MAX_PER_KIND`] of each kind, each at most
//! [`MAX_VALUE`] characters, so a page full of addresses costs a few hundred bytes.

use super::dom::{NodeRef, Tag};
use crate::model::{ContactKind, ContactRoute, registrable_domain};
use std::collections::BTreeSet;
use std::sync::OnceLock;
use url::Url;

/// Routes kept per kind.
pub const MAX_PER_KIND: usize = 3;
/// Longest value kept (longer ones are not real addresses or contact pages).
pub const MAX_VALUE: usize = 300;

/// Link texts (lower-case, whole text) of contact pages.
const CONTACT_TEXTS: &[&str] = &[
    "contact",
    "contact us",
    "contact me",
    "contacts",
    "get in touch",
    "write to us",
    "kontakt",
    "kontaktformular",
    "kontaktieren sie uns",
    "contacto",
    "contáctanos",
    "contactanos",
    "contacte",
    "contactez-nous",
    "nous contacter",
    "contato",
    "fale conosco",
    "contatti",
    "contattaci",
    "contatto",
    "kontakta oss",
    "neem contact op",
    "お問い合わせ",
    "お問合せ",
    "問い合わせ",
    "문의",
    "문의하기",
    "联系我们",
    "聯絡我們",
    "связаться с нами",
    "контакты",
];

/// Path words of contact pages.
const CONTACT_PATHS: &[&str] = &["contact", "kontakt", "contacto", "contato", "contatti"];

/// Link texts of imprints and legal notices (which name the site's owner and address).
const IMPRINT_TEXTS: &[&str] = &[
    "impressum",
    "imprint",
    "legal notice",
    "site notice",
    "mentions légales",
    "mentions legales",
    "aviso legal",
    "note legali",
    "colofon",
    "colophon",
    "kolofon",
    "特定商取引法に基づく表記",
];

/// Path words of imprints.
const IMPRINT_PATHS: &[&str] = &[
    "impressum",
    "imprint",
    "mentions-legales",
    "aviso-legal",
    "note-legali",
    "colofon",
    "legal-notice",
];

/// Longest link text (bytes) that can be a contact or imprint link's.
const MAX_TEXT: usize = 64;

/// The link's text, whitespace collapsed and lower-cased, when it is short enough to be a
/// contact or imprint link's (longer texts are not collected at all).
fn short_text(el: NodeRef<'_>) -> Option<String> {
    let texts = || el.descendants().filter_map(|n| n.as_text());
    let mut len = 0;
    for t in texts() {
        len += t.len();
        if len > MAX_TEXT {
            return None;
        }
    }
    let joined: String = texts().collect();
    Some(
        joined
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase(),
    )
}

/// Any path word of a contact or imprint page in a raw href, in any case.
fn path_words() -> &'static aho_corasick::AhoCorasick {
    static M: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    M.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(CONTACT_PATHS.iter().chain(IMPRINT_PATHS))
            .expect("the path words build")
    })
}

/// The contact routes among a page's links (`<a>`/`<area>` nodes with their raw `href`, as
/// the extract stage's walk collected them) fetched from `page_url` (`base` resolves relative
/// links). Only `<a>` links count.
pub fn find<'d>(
    links: impl IntoIterator<Item = (NodeRef<'d>, &'d str)>,
    page_url: Option<&Url>,
    base: Option<&Url>,
) -> Vec<ContactRoute> {
    let site = page_url.and_then(Url::host_str).map(registrable_domain);
    let mut found: BTreeSet<ContactRoute> = BTreeSet::new();
    let count = |kind: ContactKind, found: &BTreeSet<ContactRoute>| {
        found.iter().filter(|c| c.kind == kind).count()
    };
    for (el, href) in links {
        if !el.is(Tag::A) {
            continue;
        }
        let href = href.trim();
        if let Some(rest) = strip_prefix_ci(href, "mailto:") {
            for addr in emails(rest) {
                if count(ContactKind::Email, &found) < MAX_PER_KIND {
                    found.insert(ContactRoute {
                        kind: ContactKind::Email,
                        value: addr,
                    });
                }
            }
            continue;
        }
        // Cheap tests first: almost no link is a contact link, and resolving a URL costs more
        // than looking at a short text and the raw href.
        let by_text = short_text(el).and_then(|t| {
            let t = t.trim_matches(|c: char| !c.is_alphanumeric());
            if IMPRINT_TEXTS.contains(&t) {
                Some(ContactKind::Imprint)
            } else if CONTACT_TEXTS.contains(&t) {
                Some(ContactKind::ContactPage)
            } else {
                None
            }
        });
        if by_text.is_none() && !path_words().is_match(href) {
            continue;
        }
        let Some(mut url) = super::resolve(base, href) else {
            continue;
        };
        // Only the referring site's own pages: a "Contact" link to a widget vendor is not a
        // way to reach this site's owner.
        let same_site = match (&site, url.host_str()) {
            (Some(site), Some(h)) => registrable_domain(h) == *site,
            _ => false,
        };
        if !matches!(url.scheme(), "http" | "https") || !same_site || url.as_str().len() > MAX_VALUE
        {
            continue;
        }
        let path = url.path().to_ascii_lowercase();
        let segment = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        let Some(kind) = by_text.or_else(|| {
            if IMPRINT_PATHS.iter().any(|p| has(segment, p)) {
                Some(ContactKind::Imprint)
            } else if CONTACT_PATHS.iter().any(|p| has(segment, p)) {
                Some(ContactKind::ContactPage)
            } else {
                None
            }
        }) else {
            continue;
        };
        if count(kind, &found) < MAX_PER_KIND {
            url.set_fragment(None);
            found.insert(ContactRoute {
                kind,
                value: url.to_string(),
            });
        }
    }
    found.into_iter().collect()
}

/// Whether a path segment is or starts with `word` (`contact`, `contact-us`, `contact.html`,
/// `kontakt.php`), not merely contains it (`contactless-payments`).
fn has(segment: &str, word: &str) -> bool {
    segment == word
        || segment
            .strip_prefix(word)
            .is_some_and(|rest| rest.starts_with(['-', '_', '.']))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// The addresses of a `mailto:` URL's path (comma-separated, percent-encoded, before `?`).
fn emails(rest: &str) -> Vec<String> {
    let to = rest.split('?').next().unwrap_or_default();
    let decoded = percent_encoding::percent_decode_str(to).decode_utf8_lossy();
    decoded
        .split(',')
        .map(|a| a.trim().to_lowercase())
        .filter(|a| is_email(a))
        .collect()
}

fn is_email(a: &str) -> bool {
    let Some((local, domain)) = a.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && a.len() <= MAX_VALUE
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !a.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '\'' | ';')
        })
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::dom::Document;

    fn routes(html: &str) -> Vec<(&'static str, String)> {
        let page = Url::parse("https://www.blog.test/2024/post").unwrap();
        let doc = Document::parse(html);
        let links = doc.root().descendants().filter_map(|n| {
            let href = n.element()?.attr("href")?;
            Some((n, href))
        });
        find(links, Some(&page), Some(&page))
            .into_iter()
            .map(|c| (c.kind.as_str(), c.value))
            .collect()
    }

    #[test]
    fn mailto_contact_and_imprint_links_are_found() {
        let found = routes(
            "<p>Write to <a href='MAILTO:Editor@Blog.test?subject=Hi'>the editor</a> or \
             <a href='mailto:a%40b.test,%20ads@blog.test'>ads</a></p>\
             <footer><a href='/kontakt/'>Kontakt</a> · <a href='/legal'>Impressum</a> · \
             <a href='https://other.test/contact'>Contact</a> · \
             <a href='/contactless-payments'>Payments</a> · \
             <a href='/contact-us.html#form'>Write us</a></footer>",
        );
        assert_eq!(
            found,
            [
                ("email", "a@b.test".to_string()),
                ("email", "ads@blog.test".to_string()),
                ("email", "editor@blog.test".to_string()),
                (
                    "contact-page",
                    "https://www.blog.test/contact-us.html".to_string()
                ),
                ("contact-page", "https://www.blog.test/kontakt/".to_string()),
                ("imprint", "https://www.blog.test/legal".to_string()),
            ]
        );
    }

    #[test]
    fn bounded_and_safe() {
        let mut html = String::new();
        for i in 0..50 {
            html.push_str(&format!("<a href='mailto:user{i}@blog.test'>x</a>"));
            html.push_str(&format!("<a href='/contact-{i}'>x</a>"));
        }
        html.push_str("<a href='mailto:not an address'>x</a><a href='mailto:'>x</a>");
        html.push_str("<a href='mailto:x@y.test\"><script>'>x</a>");
        let found = routes(&html);
        assert_eq!(found.len(), 2 * MAX_PER_KIND, "{found:?}");
        assert!(found.iter().all(|(_, v)| !v.contains('<')));
    }
}
