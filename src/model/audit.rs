//! The finished audit: the one value every renderer receives. Serialised as-is, this is the
//! `audit --format json` document described in the README (schema version [`SCHEMA_VERSION`]).
//! Field order here is the key order in the JSON.

use super::{Placement, Provenance, RedirectHop};
use serde::{Deserialize, Serialize};

/// Version of the JSON document. Bumped only on breaking changes (renamed or removed fields,
/// changed meaning); new fields do not bump it.
pub const SCHEMA_VERSION: u32 = 1;

/// The tool that produced a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToolInfo {
    /// Always `backlinks`.
    pub name: &'static str,
    /// The crate version.
    pub version: &'static str,
    /// Version of the scoring rules and weights; changes whenever a weight or rule changes.
    pub scoring_version: u32,
    /// The `backlinks.toml` whose settings were in force, null for the built-in defaults.
    pub config: Option<String>,
}

/// A complete audit of one target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audit {
    /// See [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The tool and scoring versions.
    pub tool: ToolInfo,
    /// The registrable domain audited.
    pub target: String,
    /// When the audit finished, RFC 3339 in UTC.
    pub generated_at: String,
    /// Headline numbers.
    pub summary: Summary,
    /// What limits the trust in this result (partial verification, a target that looks
    /// misspelt, inputs about another site, changed settings...), most serious first; empty
    /// when there is nothing to say. Every renderer shows them before anything else.
    pub warnings: Vec<Warning>,
    /// Anchor-type counts over all links on live pages.
    pub anchor_mix: AnchorMix,
    /// Link counts per placement over all links on live pages.
    pub placement_mix: PlacementMix,
    /// One entry per candidate page, sorted by `source_url`.
    pub pages: Vec<PageReport>,
    /// One entry per referring domain, sorted by `domain`.
    pub domains: Vec<DomainReport>,
    /// Referring domains known only at domain level (Search Console "Top linking sites"),
    /// sorted by `domain`: no page of theirs was listed, so nothing could be fetched.
    pub domain_candidates: Vec<DomainCandidateReport>,
    /// Findings about the whole profile and how the health score was computed.
    pub profile: ProfileReport,
    /// What changed since the previous audit of the target (from the history store or a
    /// `--baseline` report); null on the first audit or with `--no-store` and no baseline.
    pub comparison: Option<super::Comparison>,
    /// The outcome of the `--fail-on` conditions; null when none were given.
    pub gate: Option<super::GateReport>,
    /// What to do next: the removal worklist and the lost-link reclamation check.
    pub actions: super::Actions,
    /// Unlinked mentions: candidate pages that name the target (its brand terms or domain)
    /// without linking to it, best prospects first (a competitor linked next to the mention),
    /// then by authority and page.
    pub mentions: Vec<super::MentionReport>,
}

/// Something that limits the trust in an audit's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Stable kebab-case code (`no-trustworthy-result`, `partial-verification`,
    /// `target-mismatch`, `foreign-target-rows`, `settings-changed`).
    pub code: &'static str,
    /// What it means for this audit, with counts and the likely fix.
    pub message: String,
}

/// A referring domain an input named without naming a page (Search Console "Top linking
/// sites").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainCandidateReport {
    /// Registrable domain.
    pub domain: String,
    /// Names of the inputs that listed it, sorted.
    pub sources: Vec<String>,
    /// Every listing: input, line and format.
    pub provenance: Vec<Provenance>,
    /// Largest "Linking pages" count reported for it, null when not given.
    pub linking_pages: Option<u64>,
    /// Largest "Target pages" count reported for it, null when not given.
    pub target_pages: Option<u64>,
    /// Candidate pages of this domain that were audited (0: known only at domain level).
    pub pages_audited: usize,
}

/// The profile as a whole: anchor-mix findings, the health score's components, and the rules
/// that could not be evaluated in this run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProfileReport {
    /// Profile findings (`exact-match-share`, `money-anchor-dominant`, `few-branded-anchors`),
    /// sorted.
    pub flags: Vec<Flag>,
    /// The parts of `summary.health_score` (`score` = `health`).
    pub health_components: Vec<ScoreComponent>,
    /// Rules that were not evaluated in this run, and why (e.g. no DNS in archive mode).
    pub not_evaluated: Vec<NotEvaluated>,
}

/// A rule that was not evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotEvaluated {
    /// The rule's code.
    pub code: &'static str,
    /// Why.
    pub reason: String,
}

/// How spread out the referring domains are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diversity {
    /// The referring domain with the most links (sitewide links counted once), null without
    /// links.
    pub top_domain: Option<String>,
    /// Its share of the links (sitewide links counted once), percent.
    pub top_domain_share: u8,
    /// Distinct IP blocks (/24 for IPv4, /48 for IPv6) of the live referring domains; null when
    /// no DNS resolution was done (archive audits).
    pub ip_blocks: Option<usize>,
}

/// Live referring domains whose authority falls in `from..=to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorityBucket {
    /// Lowest authority of the bucket.
    pub from: u8,
    /// Highest authority of the bucket.
    pub to: u8,
    /// Live referring domains in it.
    pub domains: usize,
}

/// Headline numbers of an audit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Candidate pages audited (every entry of `pages`).
    pub referring_pages: usize,
    /// Distinct registrable domains of those pages (every entry of `domains`).
    pub referring_domains: usize,
    /// Pages fetched that link to the target.
    pub live: usize,
    /// Pages fetched (2xx) that do not link to the target.
    pub lost: usize,
    /// Pages that could not be fetched (HTTP error, timeout, DNS, connection, not HTML).
    pub unreachable: usize,
    /// Pages not fetched on purpose (robots.txt, private address, not in archive).
    pub skipped: usize,
    /// Pages whose content was read (`live` + `lost`): the evidence every rate and score
    /// below stands on. Fewer than `referring_pages` means a partial verification (see
    /// `warnings`, and the gate's `verified<PCT%`).
    pub verified: usize,
    /// Links to the target on live pages. When several candidates end on the same page (one
    /// redirects to another), that page's links are counted once; this holds for every link
    /// count below and for `anchor_mix` and `placement_mix`.
    pub backlinks: usize,
    /// Links that pass authority: no `nofollow`/`ugc`/`sponsored` and no page-level nofollow.
    pub dofollow: usize,
    /// Links with `rel=nofollow` or on a page whose robots directives say nofollow.
    pub nofollow: usize,
    /// Links with `rel=sponsored`.
    pub sponsored: usize,
    /// Links with `rel=ugc`.
    pub ugc: usize,
    /// Links that count as toxic: toxicity at or above the toxic threshold on a link that
    /// passes authority (a nofollow, ugc or sponsored link is reported but cannot hurt; see
    /// `docs/scoring.md`). The same rule decides the health score, the worklist and the
    /// disavow file.
    pub toxic: usize,
    /// Distinct referring domains with live links to the target.
    pub live_domains: usize,
    /// Profile health 0-100, a weighted sum of `profile.health_components`; null ("n/a")
    /// without live links: no evidence is no clean bill of health (see `docs/scoring.md`).
    pub health_score: Option<u8>,
    /// Referring domains known only at domain level (in `domain_candidates` with no audited
    /// page): no page to fetch.
    pub domain_only: usize,
    /// Links that belong to a sitewide group (flag `sitewide-link`).
    pub sitewide_links: usize,
    /// Referring-domain diversity.
    pub diversity: Diversity,
    /// Live referring domains per authority band (0-9, 10-19, ..., 90-100).
    pub authority_distribution: Vec<AuthorityBucket>,
    /// Links per toxicity band (0-9, 10-19, ..., 90-100), counted like `backlinks`.
    pub toxicity_distribution: Vec<super::ToxicityBucket>,
}

impl Summary {
    /// The health score as shown: `57/100`, or `n/a` without live links.
    pub fn health_text(&self) -> String {
        health_text(self.health_score)
    }
}

/// A health score as shown: `57/100`, or `n/a` (no live links).
pub fn health_text(score: Option<u8>) -> String {
    score.map_or_else(|| "n/a".to_string(), |h| format!("{h}/100"))
}

/// Anchor-type counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AnchorMix {
    /// Anchors containing a brand term.
    pub branded: usize,
    /// Anchors that are a URL of the target.
    pub naked_url: usize,
    /// Generic anchors ("click here").
    pub generic: usize,
    /// Anchors equal to a money keyword.
    pub exact_match: usize,
    /// Anchors containing a money keyword.
    pub partial_match: usize,
    /// Image links.
    pub image: usize,
    /// Links without any text.
    pub empty: usize,
    /// Everything else.
    pub other: usize,
}

/// Link counts per placement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlacementMix {
    /// Links in the editorial body.
    pub content: usize,
    /// Links in navigation.
    pub navigation: usize,
    /// Links in headers.
    pub header: usize,
    /// Links in footers.
    pub footer: usize,
    /// Links in sidebars and widgets.
    pub sidebar: usize,
    /// Links in comments.
    pub comments: usize,
    /// Links in author boxes.
    pub author_bio: usize,
    /// Links whose placement is unknown.
    pub unknown: usize,
}

impl PlacementMix {
    /// Counts one link.
    pub fn add(&mut self, p: Placement) {
        *match p {
            Placement::Content => &mut self.content,
            Placement::Navigation => &mut self.navigation,
            Placement::Header => &mut self.header,
            Placement::Footer => &mut self.footer,
            Placement::Sidebar => &mut self.sidebar,
            Placement::Comments => &mut self.comments,
            Placement::AuthorBio => &mut self.author_bio,
            Placement::Unknown => &mut self.unknown,
        } += 1;
    }

    /// (placement, count) pairs in [`Placement::ALL`] order.
    pub fn entries(&self) -> [(Placement, usize); 8] {
        [
            (Placement::Content, self.content),
            (Placement::Navigation, self.navigation),
            (Placement::Header, self.header),
            (Placement::Footer, self.footer),
            (Placement::Sidebar, self.sidebar),
            (Placement::Comments, self.comments),
            (Placement::AuthorBio, self.author_bio),
            (Placement::Unknown, self.unknown),
        ]
    }
}

/// Status of a candidate page (see the README for exact meanings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageStatus {
    /// Fetched and links to the target.
    Live,
    /// Fetched (2xx) and no longer links to the target.
    Lost,
    /// HTTP error, timeout, DNS or connection failure, or not an HTML page.
    Unreachable,
    /// Not fetched on purpose.
    Skipped,
}

impl PageStatus {
    /// The snake_case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            PageStatus::Live => "live",
            PageStatus::Lost => "lost",
            PageStatus::Unreachable => "unreachable",
            PageStatus::Skipped => "skipped",
        }
    }

    /// Parses [`PageStatus::as_str`].
    pub fn parse(s: &str) -> Option<PageStatus> {
        [
            PageStatus::Live,
            PageStatus::Lost,
            PageStatus::Unreachable,
            PageStatus::Skipped,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// Severity of a finding (cargo-deny's levels, named as in the contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; not a problem by itself.
    Info,
    /// A sign of a problem that deserves a look.
    Warn,
    /// A problem that should be acted on (removal or disavow).
    Deny,
}

impl Severity {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Deny => "deny",
        }
    }

    /// Parses [`Severity::as_str`].
    pub fn parse(s: &str) -> Option<Severity> {
        [Severity::Info, Severity::Warn, Severity::Deny]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// A finding of a named rule, with the evidence that triggered it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Flag {
    /// Stable kebab-case rule code (`backlinks explain CODE` describes it).
    pub code: &'static str,
    /// Level of the finding.
    pub severity: Severity,
    /// What was observed, in words a person can check.
    pub evidence: String,
}

/// One named, weighted part of a score: `value` (0.0-1.0) times `weight` points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreComponent {
    /// `quality` or `toxicity`.
    pub score: &'static str,
    /// Component name (`placement`, `rel`, `anchor`, or a rule code).
    pub name: &'static str,
    /// Value of the component, 0.0 to 1.0.
    pub value: f64,
    /// Points the component is worth at value 1.0.
    pub weight: f64,
    /// Why it has that value.
    pub reason: String,
}

/// A link to the target found on a live page, with its scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkReport {
    /// The link's absolute URL.
    pub target_url: String,
    /// Anchor text (see [`crate::model::LinkObservation::anchor_text`]).
    pub anchor_text: String,
    /// Anchor classification.
    pub anchor_type: super::AnchorType,
    /// For image links, the classification of the `alt` text as if it were a text anchor
    /// (so a keyword-stuffed alt counts as `exact_match` in the profile findings); null for
    /// text links.
    pub alt_anchor_type: Option<super::AnchorType>,
    /// `rel` tokens as authored, lower-case.
    pub rel: Vec<String>,
    /// Where the link sits on the page.
    pub placement: Placement,
    /// Why that placement.
    pub evidence: Vec<String>,
    /// Words around the link, the anchor marked `[…]`.
    pub context: String,
    /// Authority 0-100 of the referring page, or null when no source of authority is known.
    pub authority: Option<u8>,
    /// Where `authority` comes from: a vendor metric (`ahrefs_ur`, `semrush_page_ascore`,
    /// `moz_pa`, `majestic_tf`, `ahrefs_dr`, `moz_da`), `rank_list`, or `estimated` from the
    /// crawl; null when `authority` is null.
    pub authority_source: Option<&'static str>,
    /// Topical relevance 0-100, or null when not computed.
    pub relevance: Option<u8>,
    /// Link quality 0-100 (weighted sum of `components` with `score = "quality"`).
    pub quality: u8,
    /// Toxicity 0-100 (sum of the weights of triggered rules, capped at 100).
    pub toxicity: u8,
    /// Whether the link passes authority (no nofollow/ugc/sponsored, no page-level nofollow).
    pub dofollow: bool,
    /// Every score component, so each number can be recomputed by hand.
    pub components: Vec<ScoreComponent>,
    /// Findings on this link, sorted.
    pub flags: Vec<Flag>,
    /// How the link was found: in the served HTML, or only in the DOM after the page's
    /// scripts ran (`--render`; set by [`crate::pipeline::render::annotate`]).
    pub found: Found,
}

/// The evidence entry of a link that is in the rendered DOM but not in the served HTML
/// (`--render`). The scorer builds links from the rendered page without knowing which were
/// served; the render step adds this entry afterwards, with [`LinkReport::found`].
pub const RENDERED_ONLY: &str = "found only in the rendered DOM, not in the served HTML";

/// The code of the finding on every rendered page (the `rendered-page` rule), added with
/// [`PageReport::rendered`].
pub const RENDERED_PAGE_CODE: &str = "rendered-page";

/// How a link was found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Found {
    /// In the HTML the server sent (also every link of a page that was not rendered).
    #[default]
    Served,
    /// Only in the DOM after the page's scripts ran.
    Rendered,
}

impl LinkReport {
    /// Whether a finding with this rule code is on the link.
    pub fn has_flag(&self, code: &str) -> bool {
        self.flags.iter().any(|f| f.code == code)
    }
}

/// One candidate referring page and what the audit found there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageReport {
    /// Normalised URL of the page.
    pub source_url: String,
    /// Its registrable domain.
    pub source_domain: String,
    /// Names of the inputs that listed it, sorted.
    pub sources: Vec<String>,
    /// Every listing: input, line and format.
    pub provenance: Vec<Provenance>,
    /// live, lost, unreachable or skipped.
    pub status: PageStatus,
    /// Status of the final response, null when there was none.
    pub http_status: Option<u16>,
    /// URL of the final response, null when nothing was fetched.
    pub final_url: Option<String>,
    /// Why the page is unreachable or skipped: a short kebab-case code, else null.
    pub error: Option<String>,
    /// Redirects followed.
    pub redirects: Vec<RedirectHop>,
    /// `<title>` of the page.
    pub title: Option<String>,
    /// Language of the page's editorial text (ISO 639-3, e.g. `eng`), null when unknown.
    pub language: Option<String>,
    /// Page-level findings (noindex, page nofollow, link farm...).
    pub flags: Vec<Flag>,
    /// Every link on the page to the target, in document order.
    pub links: Vec<LinkReport>,
    /// Whether its links are those of the DOM after its scripts ran (`--render`; set by
    /// [`crate::pipeline::render::annotate`]).
    pub rendered: bool,
    /// When the page was fetched, if it was read from the page cache (`--cache`) rather than
    /// fetched by this run (set by [`crate::pipeline::cache::annotate`]); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached_at: Option<String>,
}

/// One referring domain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainReport {
    /// Registrable domain.
    pub domain: String,
    /// Candidate pages on this domain.
    pub pages: usize,
    /// Links to the target from its live pages.
    pub links: usize,
    /// Authority 0-100 of the domain: a domain-level vendor metric, else the rank list, else
    /// the highest authority of its pages; null when unknown.
    pub authority: Option<u8>,
    /// Where `authority` comes from (see the link field of the same name).
    pub authority_source: Option<&'static str>,
    /// Highest toxicity of its links (0 without links).
    pub toxicity: u8,
    /// Highest quality of its links (0 without links): a domain is worth its best link.
    pub quality: u8,
    /// Links from it that belong to a sitewide group.
    pub sitewide_links: usize,
    /// The address its host resolved to (null without DNS resolution).
    pub ip: Option<String>,
    /// Distinct findings on the domain and its pages and links, sorted.
    pub flags: Vec<Flag>,
}

impl AnchorMix {
    /// Counts one anchor.
    pub fn add(&mut self, t: super::AnchorType) {
        use super::AnchorType as A;
        *match t {
            A::Branded => &mut self.branded,
            A::NakedUrl => &mut self.naked_url,
            A::Generic => &mut self.generic,
            A::ExactMatch => &mut self.exact_match,
            A::PartialMatch => &mut self.partial_match,
            A::Image => &mut self.image,
            A::Empty => &mut self.empty,
            A::Other => &mut self.other,
        } += 1;
    }

    /// (type, count) pairs in report order.
    pub fn entries(&self) -> [(super::AnchorType, usize); 8] {
        use super::AnchorType as A;
        [
            (A::Branded, self.branded),
            (A::NakedUrl, self.naked_url),
            (A::Generic, self.generic),
            (A::ExactMatch, self.exact_match),
            (A::PartialMatch, self.partial_match),
            (A::Image, self.image),
            (A::Empty, self.empty),
            (A::Other, self.other),
        ]
    }
}
