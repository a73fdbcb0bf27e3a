//! The competitor gap and the unlinked mentions: where to earn the next links. Serialised
//! as-is, [`GapReport`] is the `backlinks gap --format json` document (schema version
//! [`GAP_SCHEMA_VERSION`]) and [`MentionReport`] the items of the audit's `mentions[]`; field
//! order here is the key order in the JSON.
//!
//! [`Mention`] is what the extract stage finds on one page; the rest is what `gap` makes of
//! the pages, the competitors' exports and the target's own known links.

use super::{ContactRoute, Flag, LinkReport, Placement, ScoreComponent, ToolInfo};
use serde::Serialize;
use std::collections::BTreeMap;

/// Version of the gap JSON document. Bumped only on breaking changes (renamed or removed
/// fields, changed meaning); new fields do not bump it.
pub const GAP_SCHEMA_VERSION: u32 = 1;

/// A link to a competitor in the same paragraph as a mention of the target's brand.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CompetitorLink {
    /// The competitor's registrable domain.
    pub competitor: String,
    /// The link, resolved against the page.
    pub href: String,
    /// Its anchor text, whitespace collapsed.
    pub anchor_text: String,
}

/// A mention of the target's brand on a page that does not link to the target (the extract
/// stage's finding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    /// The brand term found, as configured (lower case).
    pub term: String,
    /// The sentence holding it, whitespace collapsed, at most 300 characters.
    pub sentence: String,
    /// Where on the page the text sits: `content`, `comments` or `author_bio` (mentions in
    /// navigation, headers, footers and sidebars are site templates, not writing, and are not
    /// kept).
    pub placement: Placement,
    /// Why that placement.
    pub evidence: Vec<String>,
    /// Links to competitors in the same paragraph: the page names a competitor with a link
    /// and the target without one.
    pub competitor_links: Vec<CompetitorLink>,
}

/// One unlinked mention in a report (the audit's `mentions[]`, the gap report's
/// `mentions[]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MentionReport {
    /// The page (normalised URL, as listed).
    pub source_url: String,
    /// Its registrable domain.
    pub source_domain: String,
    /// The page's `<title>`.
    pub title: Option<String>,
    /// The brand term found.
    pub term: String,
    /// The sentence holding it.
    pub sentence: String,
    /// Where on the page it sits.
    pub placement: Placement,
    /// Why that placement.
    pub evidence: Vec<String>,
    /// Authority 0-100 of the page (as for links: vendor metric, rank list or estimate).
    pub authority: Option<u8>,
    /// Where `authority` comes from.
    pub authority_source: Option<&'static str>,
    /// Ways to reach the site's owner found on the page.
    pub contacts: Vec<ContactRoute>,
    /// Competitor links next to the mention.
    pub competitor_links: Vec<CompetitorLink>,
    /// True when a competitor is linked next to this mention: the page already links to a
    /// rival in the very paragraph that names the target, the easiest link to ask for.
    pub best_prospect: bool,
}

/// The `backlinks gap` report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapReport {
    /// See [`GAP_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The tool and scoring versions.
    pub tool: ToolInfo,
    /// The registrable domain whose gap this is.
    pub target: String,
    /// When the run finished, RFC 3339 in UTC.
    pub generated_at: String,
    /// The competitors' registrable domains, sorted.
    pub competitors: Vec<String>,
    /// Headline numbers.
    pub summary: GapSummary,
    /// Referring domains that link to a competitor and not to the target, best first (score,
    /// then domain).
    pub opportunities: Vec<Opportunity>,
    /// Referring domains left out because they are toxic or link farms, by domain.
    pub excluded: Vec<ExcludedDomain>,
    /// Referring domains of competitors that already link to the target, by domain.
    pub already_linking: Vec<SharedDomain>,
    /// Listed links that are gone (the page no longer links to the competitor, or does not
    /// answer), by page.
    pub gone: Vec<GoneLink>,
    /// What each input held, in the order given.
    pub inputs: Vec<GapInput>,
    /// Unlinked mentions of the target on the fetched pages (see [`MentionReport`]).
    pub mentions: Vec<MentionReport>,
    /// New and lost opportunities since the previous stored gap run of the target; null on a
    /// first run or with `--no-store`.
    pub comparison: Option<GapComparison>,
}

/// Headline numbers of a gap run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GapSummary {
    /// Candidate pages fetched (each once, whichever competitors it was listed for).
    pub pages: usize,
    /// Pages that answered with HTML.
    pub fetched: usize,
    /// Pages that could not be fetched (errors) or were not fetched on purpose (robots.txt,
    /// private address).
    pub unreachable: usize,
    /// Referring domains with a live link to at least one competitor.
    pub referring_domains: usize,
    /// Entries of `opportunities`.
    pub opportunities: usize,
    /// Entries of `excluded`.
    pub excluded: usize,
    /// Entries of `already_linking`.
    pub already_linking: usize,
    /// Entries of `gone`.
    pub gone: usize,
    /// Rows of the inputs that point at none of the target and the competitors (counted per
    /// input in `inputs`).
    pub rows_elsewhere: usize,
    /// Referring domains known to link to the target (its latest stored audit, its own
    /// exports, and this run's pages).
    pub target_domains: usize,
    /// Entries of `mentions`.
    pub mentions: usize,
    /// Mentions with a competitor link next to them.
    pub best_prospects: usize,
}

/// A referring domain worth asking for a link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Opportunity {
    /// Registrable domain.
    pub domain: String,
    /// Opportunity score 0-100 (weighted sum of `components`).
    pub score: u8,
    /// Competitors it links to, sorted.
    pub competitors: Vec<String>,
    /// Authority 0-100 of the domain, null when unknown.
    pub authority: Option<u8>,
    /// Where `authority` comes from.
    pub authority_source: Option<&'static str>,
    /// Topical relevance 0-100 of its most relevant page to the target's profile, null
    /// without a profile.
    pub relevance: Option<u8>,
    /// Highest toxicity of its links (below the toxic threshold, or it would be excluded).
    pub toxicity: u8,
    /// The page of the best link: where to ask.
    pub source_url: String,
    /// Codes marking the best link as weaker than an editorial followed one: its placement
    /// when not `content` (`footer`, `sidebar`...), `nofollow`, `ugc`, `sponsored`,
    /// `page-nofollow`, `hidden`. Empty for an editorial, followed link.
    pub marks: Vec<String>,
    /// Every live competitor link of the domain, best first.
    pub links: Vec<GapLink>,
    /// Contact routes found on its pages, sorted.
    pub contacts: Vec<ContactRoute>,
    /// The score's parts (`score` = `opportunity`).
    pub components: Vec<ScoreComponent>,
}

/// A live link to a competitor, exactly as `audit` reports a link to the target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapLink {
    /// The competitor it points to.
    pub competitor: String,
    /// The page it is on.
    pub source_url: String,
    /// The same marks as [`Opportunity::marks`], for this link.
    pub marks: Vec<String>,
    /// The link with its anchor, rel, placement, context and scores (the audit's fields).
    #[serde(flatten)]
    pub link: LinkReport,
}

/// A referring domain left out of the opportunities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExcludedDomain {
    /// Registrable domain.
    pub domain: String,
    /// Competitors it links to.
    pub competitors: Vec<String>,
    /// Highest toxicity of its links.
    pub toxicity: u8,
    /// The findings that exclude it (toxicity rules with points, `link-farm`), sorted.
    pub reasons: Vec<Flag>,
}

/// A referring domain that links to competitors and already to the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedDomain {
    /// Registrable domain.
    pub domain: String,
    /// Competitors it links to.
    pub competitors: Vec<String>,
    /// How its link to the target is known: `crawl` (a page of this run links to it),
    /// `store:snapshot N` (a live page in the target's latest audit), `INPUT:LINE` (a row of
    /// an export pointing at the target). Sorted.
    pub known_from: Vec<String>,
}

/// A listed competitor link that is not there any more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoneLink {
    /// The page.
    pub source_url: String,
    /// Its registrable domain.
    pub source_domain: String,
    /// The competitors the inputs said it links to (every competitor for a URL list), sorted.
    pub competitors: Vec<String>,
    /// `no-link` (the page answered without a link to them), `unreachable` or `skipped`.
    pub reason: &'static str,
    /// The page error's code when it did not answer (see `backlinks explain`).
    pub error: Option<String>,
    /// Status of the final response, null without one.
    pub http_status: Option<u16>,
}

/// What one input held, by the site each row points to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapInput {
    /// The input as named.
    pub input: String,
    /// What it was read as (the formats of `backlinks sources`).
    pub format: String,
    /// Rows (listings) read from it.
    pub rows: usize,
    /// Rows pointing at each competitor, by domain.
    pub competitors: BTreeMap<String, usize>,
    /// Rows pointing at the target: its known links.
    pub target: usize,
    /// Rows without a target column (URL lists): candidates for every competitor.
    pub any_competitor: usize,
    /// Rows pointing at none of the sites (left out).
    pub elsewhere: usize,
    /// Rows whose page is on the target or a competitor (internal links, left out).
    pub internal: usize,
    /// Line numbers of the first rows pointing elsewhere (at most 10).
    pub elsewhere_lines: Vec<u64>,
}

/// What changed since the previous stored gap run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapComparison {
    /// The run compared with.
    pub previous: GapRunRef,
    /// Opportunities that were not opportunities then, by domain.
    pub new: Vec<OpportunityRef>,
    /// Opportunities of then that are not now, by domain, with why.
    pub lost: Vec<LostOpportunity>,
}

/// A stored gap run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapRunRef {
    /// Its id in the store.
    pub run_id: i64,
    /// When it ran.
    pub generated_at: String,
}

/// An opportunity, briefly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpportunityRef {
    /// Registrable domain.
    pub domain: String,
    /// Its score.
    pub score: u8,
    /// The competitors it links to.
    pub competitors: Vec<String>,
}

/// An opportunity that is not one any more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LostOpportunity {
    /// Registrable domain.
    pub domain: String,
    /// Its score then.
    pub score: u8,
    /// Why: `links-to-target` (won: it links to the target now), `excluded` (toxic now),
    /// `gone` (its competitor links are gone), `not-listed` (no input listed it this time).
    pub reason: &'static str,
}

/// A stored gap run, as `backlinks history --gap` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapRunInfo {
    /// Id in the store.
    pub id: i64,
    /// When it ran.
    pub generated_at: String,
    /// The competitors, sorted.
    pub competitors: Vec<String>,
    /// Candidate pages.
    pub pages: usize,
    /// Opportunities.
    pub opportunities: usize,
    /// Excluded domains.
    pub excluded: usize,
    /// Domains that already link to the target.
    pub already_linking: usize,
    /// Gone links.
    pub gone: usize,
    /// Unlinked mentions.
    pub mentions: usize,
    /// New opportunities since the run before (null for the first).
    pub new: Option<usize>,
    /// Lost opportunities since the run before (null for the first).
    pub lost: Option<usize>,
}

/// `backlinks history TARGET --gap`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapHistory {
    /// The registrable domain.
    pub target: String,
    /// Its stored gap runs, oldest first.
    pub runs: Vec<GapRunInfo>,
}

/// `backlinks diff TARGET --gap`: new and lost opportunities between two stored gap runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapDiff {
    /// The registrable domain.
    pub target: String,
    /// The older run.
    pub from: GapRunInfo,
    /// The newer run.
    pub to: GapRunInfo,
    /// What changed from `from` to `to`.
    pub comparison: GapComparison,
}
