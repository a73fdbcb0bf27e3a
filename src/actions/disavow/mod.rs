//! Disavow files: what an audit's toxic links turn into when removal fails.
//!
//! Pure code, no I/O: [`DisavowFile`] parses and renders Google's disavow format line by line
//! (so a user's comments, blank lines and order survive a merge byte for byte), [`validate`]
//! checks a file against Google's rules, [`merge`] combines an existing file with new entries,
//! and [`plan`] decides which referring pages and domains to disavow from an audit's findings.
//!
//! The format (Search Console help, "Disavow links to your site"): a UTF-8 or 7-bit ASCII
//! `.txt` file, one entry per line — a URL (`https://spam.example/page`) or a whole domain
//! (`domain:spam.example`, which covers every subdomain) — and `#` comment lines; at most
//! 2 MB and 100,000 lines, URLs at most 2,048 characters.

pub mod merge;
pub mod plan;
pub mod validate;

use crate::model::host;
use std::fmt;

/// One entry of a disavow file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entry {
    /// `domain:NAME`: every link from NAME and its subdomains. Lower-case.
    Domain(String),
    /// One referring page, as written.
    Url(String),
}

impl Entry {
    /// Whether this entry covers `url` (a domain entry covers the URLs of its host and
    /// subdomains; a URL entry only itself).
    pub fn covers_url(&self, url: &str) -> bool {
        match self {
            Entry::Url(u) => u == url,
            Entry::Domain(d) => host::of_url(url).is_some_and(|h| host::is_within(&h, d)),
        }
    }

    /// The host the entry is about (its domain, or its URL's host).
    pub fn host(&self) -> Option<String> {
        match self {
            Entry::Domain(d) => Some(d.clone()),
            Entry::Url(u) => host::of_url(u),
        }
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entry::Domain(d) => write!(f, "domain:{d}"),
            Entry::Url(u) => f.write_str(u),
        }
    }
}

/// What one line of a disavow file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    /// Empty or only whitespace.
    Blank,
    /// Starts with `#`.
    Comment,
    /// A well-formed entry.
    Entry(Entry),
    /// Anything else; the reason says what is wrong (see [`validate`]).
    Invalid(String),
}

/// One line: its text exactly as written (without the line break) and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The text as written.
    pub text: String,
    /// What it is.
    pub kind: LineKind,
}

impl Line {
    /// A line holding `entry`.
    pub fn entry(entry: Entry) -> Line {
        Line {
            text: entry.to_string(),
            kind: LineKind::Entry(entry),
        }
    }

    /// A `# ...` comment line (line breaks in `text` become spaces).
    pub fn comment(text: &str) -> Line {
        let flat: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        Line {
            text: format!("# {}", flat.trim_end()),
            kind: LineKind::Comment,
        }
    }

    /// An empty line.
    pub fn blank() -> Line {
        Line {
            text: String::new(),
            kind: LineKind::Blank,
        }
    }

    /// Parses one line (without its line break).
    pub fn parse(text: &str) -> Line {
        Line {
            text: text.to_string(),
            kind: classify(text),
        }
    }

    /// The entry on this line, if it is one.
    pub fn as_entry(&self) -> Option<&Entry> {
        match &self.kind {
            LineKind::Entry(e) => Some(e),
            _ => None,
        }
    }
}

/// A disavow file as a list of lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisavowFile {
    /// Every line, in order.
    pub lines: Vec<Line>,
}

impl DisavowFile {
    /// Parses text. Never fails: lines that are not entries are [`LineKind::Invalid`] with a
    /// reason. `\r\n` line breaks are read as `\n`; a byte-order mark is dropped.
    pub fn parse(text: &str) -> DisavowFile {
        let text = text.trim_start_matches('\u{feff}');
        let body = text.strip_suffix('\n').unwrap_or(text);
        if text.is_empty() {
            return DisavowFile::default();
        }
        DisavowFile {
            lines: body
                .split('\n')
                .map(|l| Line::parse(l.trim_end_matches('\r')))
                .collect(),
        }
    }

    /// The file's text: every line followed by `\n`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for l in &self.lines {
            out.push_str(&l.text);
            out.push('\n');
        }
        out
    }

    /// The entries with their 1-based line numbers.
    pub fn entries(&self) -> impl Iterator<Item = (usize, &Entry)> {
        self.lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.as_entry().map(|e| (i + 1, e)))
    }

    /// The invalid lines with their 1-based line numbers and reasons.
    pub fn invalid(&self) -> impl Iterator<Item = (usize, &str)> {
        self.lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match &l.kind {
                LineKind::Invalid(why) => Some((i + 1, why.as_str())),
                _ => None,
            })
    }
}

/// Longest URL Google accepts.
pub const MAX_URL_CHARS: usize = 2048;

/// A host and each of its parent domains, longest first (`a.b.test`, `b.test`, `test`): the
/// `domain:` entries that could cover it. Looking these up in a set makes coverage checks
/// cost the labels of a host, not the entries of a file (a merge of 40,000 entries took
/// 19 s comparing each URL with every domain).
pub fn covering_names(host: &str) -> impl Iterator<Item = &str> {
    let host = host.trim_end_matches('.');
    std::iter::successors(Some(host), |h| h.split_once('.').map(|(_, rest)| rest))
        .filter(|h| !h.is_empty())
}

/// What a line is, with the reason when it is invalid. These are the line-level rules of
/// [`validate`].
fn classify(text: &str) -> LineKind {
    let t = text.trim();
    if t.is_empty() {
        return LineKind::Blank;
    }
    if t.starts_with('#') {
        return LineKind::Comment;
    }
    if t.split_whitespace().count() > 1 {
        return LineKind::Invalid(format!(
            "one URL or domain: entry per line; this line holds {} items separated by spaces",
            t.split_whitespace().count()
        ));
    }
    if let Some(rest) = strip_prefix_ci(t, "domain:") {
        return match domain_entry(rest.trim()) {
            Ok(d) if t.starts_with("domain:") => LineKind::Entry(Entry::Domain(d)),
            Ok(d) => LineKind::Invalid(format!("write `domain:` in lower case: `domain:{d}`")),
            Err(why) => LineKind::Invalid(why),
        };
    }
    if t.contains('*') {
        return LineKind::Invalid(
            "wildcards are not supported: list the URL, or use domain:NAME for a whole site \
             (it covers every subdomain)"
                .into(),
        );
    }
    if t.chars().count() > MAX_URL_CHARS {
        return LineKind::Invalid(format!(
            "URL of {} characters; Google accepts at most {MAX_URL_CHARS}",
            t.chars().count()
        ));
    }
    if !t.contains("://") {
        let host = t.split(['/', '?', '#']).next().unwrap_or_default();
        return LineKind::Invalid(if host.contains('.') && !host.contains(':') {
            format!(
                "missing scheme: write `https://{t}` (or `domain:{}` for the whole site)",
                host.to_ascii_lowercase()
            )
        } else {
            "neither a URL (https://...) nor a domain:NAME entry nor a # comment".to_string()
        });
    }
    match url::Url::parse(t) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            LineKind::Entry(Entry::Url(t.to_string()))
        }
        Ok(u) => LineKind::Invalid(format!(
            "only http and https URLs can be disavowed, not {}:",
            u.scheme()
        )),
        Err(e) => LineKind::Invalid(format!("not a valid URL: {e}")),
    }
}

/// Checks the name of a `domain:` entry; returns it lower-cased.
fn domain_entry(name: &str) -> Result<String, String> {
    if name.is_empty() {
        return Err("`domain:` without a domain name".into());
    }
    if name.contains('*') {
        let bare = name.trim_start_matches("*.").trim_start_matches('*');
        return Err(format!(
            "wildcards are not supported: write `domain:{bare}` (it covers every subdomain)"
        ));
    }
    if let Some((scheme, rest)) = name.split_once("://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        return Err(format!(
            "a domain: entry takes a domain name, not a {scheme} URL: write `domain:{host}`"
        ));
    }
    if let Some((host, _)) = name.split_once(['/', '?', '#']) {
        return Err(format!(
            "a domain: entry cannot hold a path: write `domain:{host}` for the whole site, or \
             list the page's URL"
        ));
    }
    if name.contains(':') {
        return Err("a domain: entry cannot hold a port".into());
    }
    if name.contains('@') || name.starts_with('.') || name.ends_with('.') || !name.contains('.') {
        return Err(format!("`{name}` is not a domain name"));
    }
    crate::model::host::parse(name)
        .filter(|h| !h.starts_with('['))
        .ok_or_else(|| format!("`{name}` is not a domain name"))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kind(s: &str) -> LineKind {
        Line::parse(s).kind
    }

    #[test]
    fn lines_are_classified() {
        assert_eq!(kind(""), LineKind::Blank);
        assert_eq!(kind("   "), LineKind::Blank);
        assert_eq!(kind("# spam"), LineKind::Comment);
        assert_eq!(
            kind("domain:Spam.Example"),
            LineKind::Entry(Entry::Domain("spam.example".into()))
        );
        assert_eq!(
            kind("https://spam.example/a?b=1"),
            LineKind::Entry(Entry::Url("https://spam.example/a?b=1".into()))
        );
        let invalid = |s: &str| match kind(s) {
            LineKind::Invalid(why) => why,
            other => panic!("{s}: {other:?}"),
        };
        assert!(invalid("domain:*.spam.example").contains("domain:spam.example"));
        assert!(invalid("*.spam.example").contains("wildcards"));
        assert!(invalid("domain:spam.example/blog").contains("path"));
        assert!(invalid("domain:https://spam.example/").contains("domain:spam.example"));
        assert!(invalid("spam.example/page").contains("https://spam.example/page"));
        assert!(invalid("https://a.example/ https://b.example/").contains("one URL"));
        assert!(invalid("ftp://spam.example/x").contains("http and https"));
        assert!(invalid("DOMAIN:spam.example").contains("lower case"));
        assert!(invalid("domain:").contains("without"));
        assert!(invalid("domain:localhost").contains("not a domain"));
        assert!(invalid(&format!("https://a.example/{}", "x".repeat(2100))).contains("2048"));
    }

    #[test]
    fn coverage_follows_subdomains() {
        let d = Entry::Domain("spam.example".into());
        assert!(d.covers_url("https://spam.example/a"));
        assert!(d.covers_url("http://www.SPAM.example/a"));
        assert!(!d.covers_url("https://notspam.example/a"));
        assert!(!d.covers_url("https://spam.example.org/a"));
        assert!(Entry::Url("https://a.test/x".into()).covers_url("https://a.test/x"));
    }

    #[test]
    fn covering_names_are_the_host_and_its_parents() {
        let names: Vec<&str> = covering_names("a.b.test.").collect();
        assert_eq!(names, ["a.b.test", "b.test", "test"]);
        assert_eq!(covering_names("").count(), 0);
        // The same answer as `is_within`, for every name.
        for d in ["a.b.test", "b.test", "test", "x.test", "b.tes"] {
            assert_eq!(
                covering_names("a.b.test").any(|n| n == d),
                host::is_within("a.b.test", d),
                "{d}"
            );
        }
    }

    #[test]
    fn crlf_and_bom_are_read() {
        let f = DisavowFile::parse("\u{feff}# hi\r\ndomain:a.test\r\n");
        assert_eq!(f.render(), "# hi\ndomain:a.test\n");
        assert_eq!(DisavowFile::parse("").lines.len(), 0);
        assert_eq!(DisavowFile::parse("\n").lines, [Line::blank()]);
    }

    fn arb_line() -> impl Strategy<Value = Line> {
        prop_oneof![
            Just(Line::blank()),
            "[ -~]{0,40}".prop_map(|s| Line::comment(&s)),
            "[a-z0-9]{1,12}\\.(test|example|com)".prop_map(|d| Line::entry(Entry::Domain(d))),
            ("[a-z0-9-]{1,12}\\.test", "[a-zA-Z0-9/_.-]{0,30}")
                // An `xn--` label must be valid punycode, which random letters are not.
                .prop_filter("not an IDNA label", |(h, _)| !h.starts_with("xn--"))
                .prop_map(|(h, p)| Line::entry(Entry::Url(format!("https://{h}/{p}")))),
        ]
    }

    proptest! {
        #[test]
        fn a_file_survives_render_and_parse(lines in prop::collection::vec(arb_line(), 0..40)) {
            let file = DisavowFile { lines };
            prop_assert_eq!(DisavowFile::parse(&file.render()), file);
        }

        #[test]
        fn parsing_never_panics_and_keeps_the_text(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let text = String::from_utf8_lossy(&bytes);
            let file = DisavowFile::parse(&text);
            let again = DisavowFile::parse(&file.render());
            prop_assert_eq!(&again, &file);
            let _ = validate::validate(&bytes, "x.txt");
        }
    }
}
