//! Candidate referring pages: what the inputs claim, before anything is fetched.

use serde::Serialize;
use url::Url;

/// The kind of input a candidate came from, as detected from the content (see
/// `backlinks sources`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputFormat {
    /// One URL per line; blank lines and `#` comments ignored.
    UrlList,
    /// Every HTTP response stored in a WARC archive given with `--archive` and no `--from`.
    Archive,
    /// Google Search Console "Latest links" / "More sample links" (linking page, last crawled).
    GscLinks,
    /// Google Search Console "Top linking sites": domains, not pages.
    GscTopLinkingSites,
    /// Google Search Console "Top linked pages": pages of the target itself, no referring page.
    GscTopLinkedPages,
    /// Ahrefs backlinks export (current columns: Referring page URL, Domain rating, UR...).
    Ahrefs,
    /// Ahrefs backlinks export, older columns (Referring Page URL, Link URL, Link Anchor...).
    AhrefsLegacy,
    /// Semrush Backlink Analytics backlinks export.
    SemrushBacklinks,
    /// Semrush Backlink Audit export (with Toxicity Score).
    SemrushBacklinkAudit,
    /// Moz Link Explorer inbound links.
    Moz,
    /// Majestic backlinks download.
    Majestic,
    /// Screaming Frog bulk export "All Inlinks".
    ScreamingFrogInlinks,
    /// Links found in Common Crawl WAT files by `backlinks discover wat`.
    CommoncrawlWat,
    /// Referring domains in Common Crawl's web graph, by `backlinks discover graph`.
    CommoncrawlGraph,
    /// A JSON report of `backlinks audit` (an old audit seeding a new one).
    BacklinksJson,
    /// A CSV report of `backlinks audit`.
    BacklinksCsv,
    /// Any CSV read with `--columns url=COL,...`.
    Columns,
    /// A page known from earlier audits of the target (the history store or a `--baseline`
    /// report), re-verified by `audit` without `--from` or in addition to it.
    History,
}

impl InputFormat {
    /// The kebab-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::UrlList => "url-list",
            InputFormat::Archive => "archive",
            InputFormat::GscLinks => "gsc-links",
            InputFormat::GscTopLinkingSites => "gsc-top-linking-sites",
            InputFormat::GscTopLinkedPages => "gsc-top-linked-pages",
            InputFormat::Ahrefs => "ahrefs",
            InputFormat::AhrefsLegacy => "ahrefs-legacy",
            InputFormat::SemrushBacklinks => "semrush-backlinks",
            InputFormat::SemrushBacklinkAudit => "semrush-backlink-audit",
            InputFormat::Moz => "moz",
            InputFormat::Majestic => "majestic",
            InputFormat::ScreamingFrogInlinks => "screaming-frog-inlinks",
            InputFormat::CommoncrawlWat => "commoncrawl-wat",
            InputFormat::CommoncrawlGraph => "commoncrawl-graph",
            InputFormat::BacklinksJson => "backlinks-json",
            InputFormat::BacklinksCsv => "backlinks-csv",
            InputFormat::Columns => "columns",
            InputFormat::History => "history",
        }
    }

    /// What the format is, in words (for `backlinks sources` and error messages).
    pub fn describe(self) -> &'static str {
        match self {
            InputFormat::UrlList => "plain URL list, one per line",
            InputFormat::Archive => "WARC archive (--archive)",
            InputFormat::GscLinks => "Google Search Console latest / sample links",
            InputFormat::GscTopLinkingSites => "Google Search Console top linking sites",
            InputFormat::GscTopLinkedPages => "Google Search Console top linked pages",
            InputFormat::Ahrefs => "Ahrefs backlinks",
            InputFormat::AhrefsLegacy => "Ahrefs backlinks (older export)",
            InputFormat::SemrushBacklinks => "Semrush Backlink Analytics backlinks",
            InputFormat::SemrushBacklinkAudit => "Semrush Backlink Audit",
            InputFormat::Moz => "Moz Link Explorer inbound links",
            InputFormat::Majestic => "Majestic backlinks",
            InputFormat::ScreamingFrogInlinks => "Screaming Frog All Inlinks",
            InputFormat::CommoncrawlWat => "Common Crawl WAT links (backlinks discover wat)",
            InputFormat::CommoncrawlGraph => {
                "Common Crawl web-graph referring domains (backlinks discover graph)"
            }
            InputFormat::BacklinksJson => "backlinks JSON report",
            InputFormat::BacklinksCsv => "backlinks CSV report",
            InputFormat::Columns => "CSV read with --columns",
            InputFormat::History => "page known from earlier audits (history store or baseline)",
        }
    }

    /// Whether the format is a third-party tool's claim that a link exists (what
    /// reconciliation checks against the live page).
    pub fn is_vendor(self) -> bool {
        !matches!(
            self,
            InputFormat::UrlList
                | InputFormat::Archive
                | InputFormat::BacklinksJson
                | InputFormat::BacklinksCsv
                | InputFormat::History
        )
    }

    /// Whether the format is a Google Search Console links export.
    pub fn is_gsc(self) -> bool {
        matches!(
            self,
            InputFormat::GscLinks
                | InputFormat::GscTopLinkingSites
                | InputFormat::GscTopLinkedPages
        )
    }
}

impl std::fmt::Display for InputFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where one input listed a candidate page, and what it claimed about the link there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provenance {
    /// The input as the user named it (`links.txt`, `-` for stdin).
    pub input: String,
    /// 1-based line number in that input (0 when the input has no lines, e.g. an archive).
    pub line: u64,
    /// What the input was read as.
    pub format: InputFormat,
    /// What the input says about the link (vendor exports); empty for plain URL lists.
    #[serde(flatten)]
    pub claims: Claims,
}

/// What a backlink tool's export claims about one link. Every field is optional: each vendor
/// reports a different subset, and a plain URL list reports none. Serialised fields are
/// omitted when absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Claims {
    /// The linked URL on the target, as reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_url: Option<String>,
    /// The anchor text, as reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
    /// Whether the vendor saw `rel=nofollow`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nofollow: Option<bool>,
    /// Whether the vendor saw `rel=ugc`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ugc: Option<bool>,
    /// Whether the vendor saw `rel=sponsored`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sponsored: Option<bool>,
    /// First seen by the vendor, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// Last seen (or last crawled) by the vendor, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    /// Whether the vendor reports the link as lost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost: Option<bool>,
    /// When Google last crawled the linking page (Search Console "Last crawled"), `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_crawled: Option<String>,
    /// Where the claim comes from when an export says: `commoncrawl:CC-MAIN-2025-08` for the
    /// crawl a `discover wat` row was found in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// Vendor metrics under their own names and scales (never rescaled here).
    #[serde(skip_serializing_if = "VendorMetrics::is_empty")]
    pub metrics: VendorMetrics,
}

/// Vendor metrics, each on the vendor's own scale.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VendorMetrics {
    /// Ahrefs Domain Rating (0-100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ahrefs_dr: Option<f64>,
    /// Ahrefs URL Rating (0-100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ahrefs_ur: Option<f64>,
    /// Semrush Page Authority Score (0-100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semrush_page_ascore: Option<f64>,
    /// Semrush Backlink Audit Toxicity Score (0-100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semrush_toxicity_score: Option<f64>,
    /// Moz Domain Authority (1-100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moz_da: Option<f64>,
    /// Moz Page Authority (1-100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moz_pa: Option<f64>,
    /// Moz Spam Score (percent, 0-100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moz_spam_score: Option<f64>,
    /// Majestic Trust Flow of the source (0-100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub majestic_tf: Option<f64>,
    /// Majestic Citation Flow of the source (0-100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub majestic_cf: Option<f64>,
    /// Majestic topical Trust Flow topic of the source, as written (e.g. `Sports/Running`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub majestic_topic: Option<String>,
}

impl VendorMetrics {
    /// Whether no metric is present.
    pub fn is_empty(&self) -> bool {
        *self == VendorMetrics::default()
    }
}

/// One referring page to verify, merged across every input that listed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Normalised URL (see [`normalize_url`]); the identity of the page in the audit.
    pub url: Url,
    /// Registrable domain of the page's host.
    pub domain: String,
    /// Every place an input listed this page, in input order.
    pub provenance: Vec<Provenance>,
}

impl Candidate {
    /// Distinct input names that listed this page, sorted.
    pub fn sources(&self) -> Vec<String> {
        let mut s: Vec<String> = self.provenance.iter().map(|p| p.input.clone()).collect();
        s.sort();
        s.dedup();
        s
    }
}

/// A referring domain known only at domain level: Search Console's "Top linking sites" names
/// sites, not pages, so there is no page to fetch. Kept so the report can say so.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainCandidate {
    /// Registrable domain of the listed site.
    pub domain: String,
    /// Largest "Linking pages" count any input gave for it.
    pub linking_pages: Option<u64>,
    /// Largest "Target pages" count any input gave for it.
    pub target_pages: Option<u64>,
    /// Every listing, in input order.
    pub provenance: Vec<Provenance>,
}

impl DomainCandidate {
    /// Distinct input names that listed this domain, sorted.
    pub fn sources(&self) -> Vec<String> {
        let mut s: Vec<String> = self.provenance.iter().map(|p| p.input.clone()).collect();
        s.sort();
        s.dedup();
        s
    }
}

/// Normalises a URL for de-duplication: scheme and host lower-case (the `url` crate does that
/// and drops default ports), the fragment dropped, and an empty path shown as `/`.
pub fn normalize_url(mut url: Url) -> Url {
    url.set_fragment(None);
    if let Some(host) = url.host_str()
        && host.ends_with('.')
        && host.len() > 1
    {
        let trimmed = host.trim_end_matches('.').to_string();
        // A failure here leaves the host as it was, which is still a valid identity.
        let _ = url.set_host(Some(&trimmed));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_merges_equivalent_urls() {
        let a = normalize_url(Url::parse("HTTP://Blog.Example.COM:80/post#top").unwrap());
        let b = normalize_url(Url::parse("http://blog.example.com/post").unwrap());
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "http://blog.example.com/post");
        let c = normalize_url(Url::parse("https://x.test:443").unwrap());
        assert_eq!(c.as_str(), "https://x.test/");
        let d = normalize_url(Url::parse("https://x.test.:8443/a?q=1#f").unwrap());
        assert_eq!(d.as_str(), "https://x.test:8443/a?q=1");
    }
}
