//! What an audit ends in besides its scores: the pages to ask for a link's removal (with the
//! contact routes found on them and the requests already made), the target URLs that lose
//! links to 404s or redirect chains (reclamation), and the toxicity distribution the reports
//! chart (counted by the score stage with the summary). The `actions` field of the JSON
//! report, computed by [`crate::actions`] and the audit command before anything is rendered.

use super::{ContactRoute, RedirectHop};
use serde::Serialize;

/// Links whose toxicity falls in `from..=to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToxicityBucket {
    /// Lowest toxicity of the band.
    pub from: u8,
    /// Highest toxicity of the band.
    pub to: u8,
    /// Links in it.
    pub links: usize,
}

/// The decisions an audit leads to.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Actions {
    /// Referring pages to ask for a link's removal (toxic followed links on live pages), and
    /// pages whose removal was requested: what needs doing first, most toxic first.
    pub outreach: Vec<OutreachItem>,
    /// Links that point to target URLs which answer 404/410, fail, or redirect through a
    /// chain; null when the target URLs were not checked.
    pub reclamation: Option<Reclamation>,
}

/// Where a page stands in the removal workflow ("request removal twice, then disavow").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutreachStatus {
    /// No removal requested yet: ask the site owner.
    Request,
    /// Requested, and no audit since the last request: audit again to see whether it worked.
    Waiting,
    /// Requested once and the link is still live after it: ask a second time.
    FollowUp,
    /// Requested twice (or more) and still live after the last request: disavow it.
    Disavow,
    /// Requested, and the page no longer links to the target.
    Removed,
    /// Not a removal: a referring domain of competitors that does not link to the target (an
    /// opportunity of the latest `backlinks gap` run): ask it for a link.
    Acquire,
}

impl OutreachStatus {
    /// The kebab-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            OutreachStatus::Request => "request",
            OutreachStatus::Waiting => "waiting",
            OutreachStatus::FollowUp => "follow-up",
            OutreachStatus::Disavow => "disavow",
            OutreachStatus::Removed => "removed",
            OutreachStatus::Acquire => "acquire",
        }
    }

    /// What to do, in words.
    pub fn next_step(self) -> &'static str {
        match self {
            OutreachStatus::Request => "ask the site owner to remove the link",
            OutreachStatus::Waiting => "audit again to see whether the link was removed",
            OutreachStatus::FollowUp => "the link is still there: ask a second time",
            OutreachStatus::Disavow => {
                "asked twice without effect: add it to the disavow file (backlinks disavow)"
            }
            OutreachStatus::Removed => "done: the page no longer links to the target",
            OutreachStatus::Acquire => {
                "ask for a link: the page links to your competitors, not to you (backlinks gap)"
            }
        }
    }
}

/// One referring page of the removal worklist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutreachItem {
    /// The referring page.
    pub source_url: String,
    /// Its registrable domain.
    pub source_domain: String,
    /// Highest toxicity of its links to the target that pass authority (0 once removed):
    /// nofollow, ugc and sponsored links do not count, as Google does not count them.
    pub toxicity: u8,
    /// Authority 0-100 of its domain, null when unknown.
    pub authority: Option<u8>,
    /// Its links to the target.
    pub links: usize,
    /// Codes of the warn- and deny-level findings on the page and its links, sorted.
    pub reasons: Vec<String>,
    /// Contact routes found on the page, sorted.
    pub contacts: Vec<ContactRoute>,
    /// When removal was requested (RFC 3339, oldest first), from `backlinks outreach mark`.
    pub requests: Vec<String>,
    /// Where the page stands.
    pub status: OutreachStatus,
    /// For `acquire` entries: the competitors the page's domain links to (absent otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub competitors: Vec<String>,
    /// For `acquire` entries: the domain's opportunity score (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opportunity_score: Option<u8>,
}

/// The lost-link reclamation check: every distinct target URL that live links point to,
/// requested once (or looked up in the archive).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reclamation {
    /// `network` or `archive`.
    pub source: String,
    /// Target URLs checked.
    pub checked: usize,
    /// Target URLs not checked: beyond `--reclaim-urls`, missing from the archive, or
    /// refused (robots.txt, private address).
    pub unchecked: usize,
    /// Target URLs with a problem, the ones with the strongest referring pages first.
    pub targets: Vec<ReclaimTarget>,
}

/// What is wrong with a target URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReclaimProblem {
    /// 404: the page is missing.
    NotFound,
    /// 410: the page was removed on purpose.
    Gone,
    /// Another 4xx/5xx answer, or no usable answer (timeout, redirect loop...).
    Error,
    /// Two or more redirects before the final page: each hop wastes crawl budget and risks
    /// losing the link's value.
    RedirectChain,
}

impl ReclaimProblem {
    /// The kebab-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ReclaimProblem::NotFound => "not-found",
            ReclaimProblem::Gone => "gone",
            ReclaimProblem::Error => "error",
            ReclaimProblem::RedirectChain => "redirect-chain",
        }
    }
}

/// One target URL whose backlinks are being wasted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReclaimTarget {
    /// The URL on the target that referring pages link to.
    pub target_url: String,
    /// What is wrong with it.
    pub problem: ReclaimProblem,
    /// Status of the final answer, null without one.
    pub http_status: Option<u16>,
    /// Fetch error code (`timeout`, `redirect-loop`...), else null.
    pub error: Option<String>,
    /// Redirects followed.
    pub redirects: Vec<RedirectHop>,
    /// Where the redirects end, null without redirects.
    pub final_url: Option<String>,
    /// The suggested fix, in words.
    pub fix: String,
    /// The live links pointing to it, highest authority first.
    pub links: Vec<ReclaimLink>,
}

/// A live link to a target URL with a problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReclaimLink {
    /// The referring page.
    pub source_url: String,
    /// Its registrable domain.
    pub source_domain: String,
    /// Authority 0-100 of the referring page, null when unknown.
    pub authority: Option<u8>,
    /// Anchor text.
    pub anchor_text: String,
    /// Whether the link passes authority.
    pub dofollow: bool,
}
