//! Plain data passed between the pipeline stages.
//!
//! Nothing in here does I/O or async work, and nothing here depends on another module of the
//! crate: every stage depends on `model`, never the other way round. The types that end up in
//! the JSON report ([`Audit`] and everything it holds) *are* the documented wire format, so each
//! field says what it means and in which unit.

mod actions;
mod audit;
mod candidate;
mod comparison;
mod gap;
pub mod host;
mod observation;
mod page;
mod target;

pub use actions::{
    Actions, OutreachItem, OutreachStatus, ReclaimLink, ReclaimProblem, ReclaimTarget, Reclamation,
    ToxicityBucket,
};
pub use audit::{
    AnchorMix, Audit, AuthorityBucket, Diversity, DomainCandidateReport, DomainReport, Flag, Found,
    LinkReport, NotEvaluated, PageReport, PageStatus, PlacementMix, ProfileReport, RENDERED_ONLY,
    RENDERED_PAGE_CODE, SCHEMA_VERSION, ScoreComponent, Severity, Summary, ToolInfo, Warning,
    health_text,
};
pub use candidate::{
    Candidate, Claims, DomainCandidate, InputFormat, Provenance, VendorMetrics, normalize_url,
};
pub use comparison::{
    ChangeCounts, ChangeKind, Comparison, ConditionResult, Diff, GateReport, History, Interval,
    LinkChange, LinkRef, PreviousAudit, SettingsChange, SnapshotInfo, SpikeCheck, SpikeReport,
    StoredTarget, Velocity,
};
pub use gap::{
    CompetitorLink, ExcludedDomain, GAP_SCHEMA_VERSION, GapComparison, GapDiff, GapHistory,
    GapInput, GapLink, GapReport, GapRunInfo, GapRunRef, GapSummary, GoneLink, LostOpportunity,
    Mention, MentionReport, Opportunity, OpportunityRef, SharedDomain,
};
pub use host::registrable_domain;
pub use observation::{
    AnchorType, ContactKind, ContactRoute, LinkObservation, PageAnalysis, PageSignals, PageVerdict,
    Placement, TargetText, TermVector, VerdictOutcome,
};
pub use page::{
    EncodingSource, FetchError, FetchOutcome, FetchedPage, HtmlBody, RedirectHop, SkipReason,
};
pub use target::{Target, TargetError};

/// The closest of `candidates` to a mistyped `given` (at most two edits apart, or one of them
/// starting with it), for "did you mean" hints.
pub fn closest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(given, c), c))
        .filter(|(d, c)| *d <= 2 || (given.len() >= 3 && c.starts_with(given)))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// A stored RFC 3339 time as people read it: to the second, in UTC (`2026-03-04 05:06:07 UTC`).
/// The JSON report and the store keep the full precision (the order of audits and removal
/// requests made within one second depends on it); tables and pages do not need it.
pub fn display_time(rfc3339: &str) -> String {
    match rfc3339.parse::<jiff::Timestamp>() {
        Ok(t) => t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
        Err(_) => rfc3339.to_string(),
    }
}
