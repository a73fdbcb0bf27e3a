//! What a column of an export means ([`Role`]), how a format is recognised from its header
//! ([`Spec`]), and how one row becomes a candidate with the vendor's claims ([`extract`]).
//!
//! Every format module (`gsc`, `ahrefs`, `semrush`, `moz`, `majestic`, `screaming_frog`,
//! `own_report`) only declares its columns; the interpretation of values lives here once, so
//! a boolean or a date means the same thing whichever tool wrote it.

use super::url_list::parse_page_url;
use super::values::{DateOrder, parse_bool, parse_count, parse_date, parse_number};
use crate::model::{Claims, InputFormat, registrable_domain};
use url::Url;

/// A vendor metric, stored under the vendor's own name and scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Ahrefs Domain Rating.
    AhrefsDr,
    /// Ahrefs URL Rating.
    AhrefsUr,
    /// Semrush Page ascore.
    SemrushPageAscore,
    /// Semrush Backlink Audit Toxicity Score.
    SemrushToxicity,
    /// Moz Domain Authority.
    MozDa,
    /// Moz Page Authority.
    MozPa,
    /// Moz Spam Score.
    MozSpam,
    /// Majestic source Trust Flow.
    MajesticTf,
    /// Majestic source Citation Flow.
    MajesticCf,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The referring page URL (the candidate).
    Page,
    /// A referring site, not a page (Search Console "Top linking sites").
    Site,
    /// The linked URL on the target.
    Target,
    /// Anchor text.
    Anchor,
    /// Boolean: the link is nofollow.
    Nofollow,
    /// Boolean: the link is followed (Screaming Frog `Follow`).
    Follow,
    /// Boolean: `rel=ugc`.
    Ugc,
    /// Boolean: `rel=sponsored`.
    Sponsored,
    /// Words such as `nofollow`, `dofollow`, `ugc sponsored`; words not there say nothing.
    RelWords,
    /// The exact `rel` tokens of the link (this tool's own CSV): a missing token means "not set".
    RelTokens,
    /// First seen date.
    FirstSeen,
    /// Last seen / last checked date.
    LastSeen,
    /// Search Console "Last crawled".
    LastCrawled,
    /// A date the link was lost on; any date means lost.
    LostDate,
    /// Boolean: lost.
    LostFlag,
    /// A link status in words (`live`, `lost`, `removed`...).
    LinkStatus,
    /// A vendor metric.
    Metric(Metric),
    /// Majestic topical Trust Flow topic.
    Topic,
    /// Screaming Frog `Type`: only `Hyperlink` rows are links.
    LinkKind,
    /// Search Console "Linking pages" count of a site.
    LinkingPages,
    /// Search Console "Target pages" count of a site.
    TargetPages,
    /// The Common Crawl crawl a link was found in (`CC-MAIN-2025-08`).
    Crawl,
}

/// How a format is recognised and read.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The format.
    pub format: InputFormat,
    /// The interface language of the export, when the headers are localised (Search Console).
    pub language: Option<&'static str>,
    /// How ambiguous numeric dates are read.
    pub dates: DateOrder,
    /// Each role with its header names (normalised by [`header_key`]), most specific first.
    pub columns: Vec<(Role, Vec<String>)>,
    /// Header names that must all be present (each entry: any one of these names).
    pub required: Vec<Vec<String>>,
}

impl Spec {
    /// A spec from plain header names (normalised here).
    pub fn new(
        format: InputFormat,
        dates: DateOrder,
        columns: &[(Role, &[&str])],
        required: &[&[&str]],
    ) -> Spec {
        let keys = |names: &[&str]| names.iter().map(|n| header_key(n)).collect::<Vec<_>>();
        Spec {
            format,
            language: None,
            dates,
            columns: columns.iter().map(|(r, n)| (*r, keys(n))).collect(),
            required: required.iter().map(|n| keys(n)).collect(),
        }
    }

    /// Binds the spec to a header, or `None` when the header is not this format.
    pub fn bind(&self, keys: &[String]) -> Option<Binding> {
        let has = |k: &String| keys.iter().any(|h| h == k);
        if !self.required.iter().all(|any| any.iter().any(has)) {
            return None;
        }
        let mut cols = Vec::new();
        for (role, names) in &self.columns {
            if let Some(i) = names.iter().find_map(|n| keys.iter().position(|h| h == n)) {
                cols.push((*role, i));
            }
        }
        Some(Binding {
            format: self.format,
            language: self.language,
            dates: self.dates,
            cols,
            width: keys.len(),
        })
    }
}

/// A spec bound to the columns of one file's header.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// The format.
    pub format: InputFormat,
    /// Interface language of the export, if localised.
    pub language: Option<&'static str>,
    /// How ambiguous numeric dates are read.
    pub dates: DateOrder,
    /// (role, 0-based column) pairs.
    pub cols: Vec<(Role, usize)>,
    /// Number of columns of the header.
    pub width: usize,
}

impl Binding {
    /// The column of a role, if the header has it.
    pub fn column(&self, role: Role) -> Option<usize> {
        self.cols.iter().find(|(r, _)| *r == role).map(|&(_, i)| i)
    }
}

/// The comparison key of a header name: lower-case letters and digits only, so `Referring
/// page URL`, `"referring_page_url"`, `ReferringPageURL` and a BOM-prefixed name all match.
pub fn header_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Why a row was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// The kind of problem; rows are grouped by it in reports.
    pub kind: &'static str,
    /// The offending value or detail for the first example.
    pub detail: String,
}

impl Skip {
    /// A skip with a detail.
    pub fn new(kind: &'static str, detail: impl Into<String>) -> Skip {
        Skip {
            kind,
            detail: detail.into(),
        }
    }
}

/// What one row is.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::large_enum_variant,
    reason = "a short-lived value per row, moved once; boxing would allocate on every row"
)]
pub enum Row {
    /// A referring page and what the export claims about its link.
    Page(Url, Claims),
    /// A referring site known only at domain level.
    Site {
        /// Registrable domain.
        domain: String,
        /// "Linking pages" count.
        linking_pages: Option<u64>,
        /// "Target pages" count.
        target_pages: Option<u64>,
    },
    /// A valid row that is not a backlink candidate (grouped by reason, not a warning).
    Filtered(&'static str),
    /// An invalid row (a counted warning with its line).
    Skipped(Skip),
}

/// Values that were present but not understood, counted for a per-file note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Oddities {
    /// Dates in no known form, with the first one.
    pub dates: u64,
    /// The first such date.
    pub date_example: Option<String>,
    /// Numbers that are not numbers, with the first one.
    pub numbers: u64,
    /// The first such number.
    pub number_example: Option<String>,
    /// Page URLs without a scheme, read as `http://`.
    pub schemeless: u64,
}

/// Reasons for [`Row::Filtered`].
pub const FILTER_NOT_HYPERLINK: &str = "not a hyperlink (image, CSS, script, canonical... row)";
/// See [`Row::Filtered`].
pub const FILTER_INTERNAL: &str = "the linking page is on the target itself (internal link)";
/// See [`Row::Filtered`].
pub const FILTER_DESTINATION: &str = "the destination is not on the target";
/// See [`Row::Filtered`].
pub const FILTER_OWN_PAGES: &str = "lists pages of the target, not referring pages";

/// Turns one row into a candidate. `field(i)` returns the trimmed text of column `i` (empty
/// when the row is shorter), or a [`Skip`] when it is not valid text. `target` is the audited
/// registrable domain, when known: rows about internal links and (for crawl exports) links to
/// other sites are filtered out.
pub fn extract<'r>(
    b: &Binding,
    mut field: impl FnMut(usize) -> Result<&'r str, Skip>,
    target: Option<&str>,
    odd: &mut Oddities,
) -> Row {
    let mut claims = Claims::default();
    let mut page: Option<&str> = None;
    let mut site: Option<&str> = None;
    let mut rel_tokens: Option<&str> = None;
    let (mut linking_pages, mut target_pages) = (None, None);
    for &(role, i) in &b.cols {
        let v = match field(i) {
            Ok(v) => v,
            Err(skip) => return Row::Skipped(skip),
        };
        if role == Role::RelTokens {
            // Our own CSV writes no token for a followed link: empty says "no rel".
            rel_tokens = Some(v);
            continue;
        }
        if v.is_empty() {
            continue;
        }
        let date = |odd: &mut Oddities| {
            let d = parse_date(v, b.dates);
            if d.is_none() {
                odd.dates += 1;
                odd.date_example.get_or_insert_with(|| v.to_string());
            }
            d
        };
        match role {
            Role::Page => page = Some(v),
            Role::Site => site = Some(v),
            Role::Target => claims.target_url = Some(v.to_string()),
            Role::Anchor => claims.anchor = Some(v.to_string()),
            Role::Nofollow => claims.nofollow = parse_bool(v),
            Role::Follow => claims.nofollow = parse_bool(v).map(|f| !f),
            Role::Ugc => claims.ugc = parse_bool(v),
            Role::Sponsored => claims.sponsored = parse_bool(v),
            Role::RelWords => rel_words(v, &mut claims),
            Role::RelTokens => {}
            Role::FirstSeen => claims.first_seen = date(odd),
            Role::LastSeen => claims.last_seen = date(odd),
            Role::LastCrawled => claims.last_crawled = date(odd),
            Role::LostDate => {
                if date(odd).is_some() {
                    vote_lost(&mut claims, true);
                }
            }
            Role::LostFlag => {
                if let Some(lost) = parse_bool(v) {
                    vote_lost(&mut claims, lost);
                }
            }
            Role::LinkStatus => {
                if let Some(lost) = status_is_lost(v) {
                    vote_lost(&mut claims, lost);
                }
            }
            Role::Metric(m) => match parse_number(v) {
                Some(n) => set_metric(&mut claims, m, n),
                None => {
                    odd.numbers += 1;
                    odd.number_example.get_or_insert_with(|| v.to_string());
                }
            },
            Role::Topic => claims.metrics.majestic_topic = Some(v.to_string()),
            Role::LinkKind => {
                if !v.eq_ignore_ascii_case("hyperlink") {
                    return Row::Filtered(FILTER_NOT_HYPERLINK);
                }
            }
            Role::LinkingPages => linking_pages = parse_count(v),
            Role::TargetPages => target_pages = parse_count(v),
            Role::Crawl => claims.origin = Some(format!("commoncrawl:{v}")),
        }
    }
    if b.format == InputFormat::CommoncrawlWat && claims.origin.is_none() {
        claims.origin = Some("commoncrawl".into());
    }
    // Rows of our own CSV without a link (lost/unreachable pages) claim nothing about rel.
    if let (Some(tokens), Some(_)) = (rel_tokens, &claims.target_url) {
        let has = |t: &str| tokens.split_whitespace().any(|x| x.eq_ignore_ascii_case(t));
        claims.nofollow = Some(has("nofollow"));
        claims.ugc = Some(has("ugc"));
        claims.sponsored = Some(has("sponsored"));
    }
    if let Some(text) = page {
        let url = match page_url(text, odd) {
            Ok(u) => u,
            Err(skip) => return Row::Skipped(skip),
        };
        if let Some(target) = target {
            let on_target = |host: &str| registrable_domain(host) == target;
            if url.host_str().is_some_and(on_target) {
                return Row::Filtered(FILTER_INTERNAL);
            }
            // A crawl export lists every link of the crawled pages; only links to the target
            // are backlinks.
            if b.format == InputFormat::ScreamingFrogInlinks {
                let dest = claims
                    .target_url
                    .as_deref()
                    .and_then(|t| Url::parse(t).ok());
                if !dest.is_some_and(|d| d.host_str().is_some_and(on_target)) {
                    return Row::Filtered(FILTER_DESTINATION);
                }
            }
        }
        return Row::Page(url, claims);
    }
    if let Some(text) = site {
        return match site_domain(text) {
            Some(domain) => Row::Site {
                domain,
                linking_pages,
                target_pages,
            },
            None => Row::Skipped(Skip::new("not a domain name", quote(text))),
        };
    }
    if b.column(Role::Page).is_none() && b.column(Role::Site).is_none() {
        return Row::Filtered(FILTER_OWN_PAGES);
    }
    Row::Skipped(Skip::new("no referring page URL", String::new()))
}

/// A referring page URL from an export. Some tools write `www.site.test/page` without a
/// scheme; such values are read as `http://` (servers redirect to https) and counted.
fn page_url(text: &str, odd: &mut Oddities) -> Result<Url, Skip> {
    if let Some(url) = super::url_list::schemeless(text) {
        odd.schemeless += 1;
        return Ok(url);
    }
    parse_page_url(text).map_err(|reason| Skip::new("not an http(s) URL", reason))
}

/// The registrable domain of a site cell (`example.org`, `www.example.org`,
/// `https://example.org/`).
fn site_domain(text: &str) -> Option<String> {
    let rest = text.split_once("://").map_or(text, |(_, r)| r);
    let host = rest
        .split(['/', '?', '#'])
        .next()?
        .trim_end_matches('.')
        .to_lowercase();
    let host = host.strip_prefix("sc-domain:").unwrap_or(&host);
    let host = crate::model::host::parse(host)?;
    (host.contains('.') || host.parse::<std::net::IpAddr>().is_ok())
        .then(|| registrable_domain(&host))
}

/// Quotes user text for an error message, shortened and without control characters.
pub(super) fn quote(text: &str) -> String {
    let mut s: String = text.chars().filter(|c| !c.is_control()).take(80).collect();
    if text.chars().count() > 80 {
        s.push('…');
    }
    format!("\"{s}\"")
}

/// A lost vote wins over a live one: any sign of loss makes the claim "lost".
fn vote_lost(claims: &mut Claims, lost: bool) {
    claims.lost = Some(claims.lost.unwrap_or(false) || lost);
}

fn status_is_lost(v: &str) -> Option<bool> {
    let v = v.to_lowercase();
    const LOST: [&str; 7] = [
        "lost",
        "removed",
        "deleted",
        "broken",
        "not found",
        "dropped",
        "gone",
    ];
    const LIVE: [&str; 7] = ["live", "active", "ok", "found", "new", "existing", "alive"];
    if LOST.iter().any(|w| v.contains(w)) {
        Some(true)
    } else if LIVE.iter().any(|w| v == *w) {
        Some(false)
    } else {
        None
    }
}

fn rel_words(v: &str, claims: &mut Claims) {
    for word in v
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '/' | '|'))
        .filter(|w| !w.is_empty())
    {
        match word.to_ascii_lowercase().as_str() {
            "nofollow" => claims.nofollow = Some(true),
            "dofollow" | "follow" => {
                claims.nofollow.get_or_insert(false);
            }
            "ugc" => claims.ugc = Some(true),
            "sponsored" => claims.sponsored = Some(true),
            _ => {}
        }
    }
}

fn set_metric(claims: &mut Claims, m: Metric, v: f64) {
    let m_ = &mut claims.metrics;
    *match m {
        Metric::AhrefsDr => &mut m_.ahrefs_dr,
        Metric::AhrefsUr => &mut m_.ahrefs_ur,
        Metric::SemrushPageAscore => &mut m_.semrush_page_ascore,
        Metric::SemrushToxicity => &mut m_.semrush_toxicity_score,
        Metric::MozDa => &mut m_.moz_da,
        Metric::MozPa => &mut m_.moz_pa,
        Metric::MozSpam => &mut m_.moz_spam_score,
        Metric::MajesticTf => &mut m_.majestic_tf,
        Metric::MajesticCf => &mut m_.majestic_cf,
    } = Some(v);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec::new(
            InputFormat::Columns,
            DateOrder::DayFirst,
            &[
                (Role::Page, &["Source"]),
                (Role::Target, &["Destination"]),
                (Role::RelWords, &["Type"]),
                (Role::LostDate, &["Lost"]),
                (Role::Metric(Metric::MozDa), &["DA"]),
            ],
            &[&["Source"]],
        )
    }

    fn row(fields: &[&'static str], target: Option<&str>) -> (Row, Oddities) {
        let keys: Vec<String> = ["Source", "Destination", "Type", "Lost", "DA"]
            .iter()
            .map(|h| header_key(h))
            .collect();
        let b = spec().bind(&keys).unwrap();
        let mut odd = Oddities::default();
        let r = extract(
            &b,
            |i| Ok(fields.get(i).copied().unwrap_or("")),
            target,
            &mut odd,
        );
        (r, odd)
    }

    #[test]
    fn header_keys_ignore_case_quotes_bom_and_punctuation() {
        assert_eq!(
            header_key("\u{feff}\"Referring page URL\" "),
            "referringpageurl"
        );
        assert_eq!(header_key("Size (Bytes)"), "sizebytes");
        assert_eq!(header_key("ターゲット ページ"), "ターゲットページ");
        assert_eq!(header_key("#"), "");
    }

    #[test]
    fn rows_become_claims() {
        let (r, odd) = row(
            &[
                "https://a.test/p",
                "https://example.com/",
                "nofollow",
                "3/2/2026",
                "45,5",
            ],
            None,
        );
        let Row::Page(url, c) = r else {
            panic!("{r:?}")
        };
        assert_eq!(url.as_str(), "https://a.test/p");
        assert_eq!(c.nofollow, Some(true));
        assert_eq!(c.lost, Some(true));
        assert_eq!(c.metrics.moz_da, Some(45.5));
        assert_eq!(odd, Oddities::default());
    }

    #[test]
    fn bad_rows_are_skipped_or_filtered() {
        let (r, _) = row(&["not a url", "", "", "", ""], None);
        assert!(
            matches!(
                r,
                Row::Skipped(Skip {
                    kind: "not an http(s) URL",
                    ..
                })
            ),
            "{r:?}"
        );
        let (r, _) = row(
            &["https://www.example.com/x", "", "", "", ""],
            Some("example.com"),
        );
        assert_eq!(r, Row::Filtered(FILTER_INTERNAL));
        let (r, odd) = row(&["www.a.test/p", "", "", "someday", "n/a"], None);
        assert!(matches!(r, Row::Page(ref u, _) if u.as_str() == "http://www.a.test/p"));
        assert_eq!((odd.schemeless, odd.dates, odd.numbers), (1, 1, 1));
    }

    #[test]
    fn site_cells() {
        assert_eq!(
            site_domain("blog.Example.org").as_deref(),
            Some("example.org")
        );
        assert_eq!(
            site_domain("https://a.b.co.uk/x").as_deref(),
            Some("b.co.uk")
        );
        assert_eq!(site_domain("not a domain"), None);
        assert_eq!(site_domain("localhost"), None);
    }
}
