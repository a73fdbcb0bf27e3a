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
    AnchorMix, Audit, AuthorityBucket, Diversity, DomainCandidateReport, DomainReport, Flag,
    LinkReport, NotEvaluated, PageReport, PageStatus, PlacementMix, ProfileReport, SCHEMA_VERSION,
    ScoreComponent, Severity, Summary, ToolInfo, Warning, health_text,
};
pub use candidate::{
    Candidate, Claims, DomainCandidate, InputFormat, Provenance, VendorMetrics, normalize_url,
};
pub use comparison::{
    ChangeCounts, ChangeKind, Comparison, ConditionResult, Diff, GateReport, History, Interval,
    LinkChange, LinkRef, PreviousAudit, SettingsChange, SnapshotInfo, SpikeCheck, SpikeReport,
    Velocity,
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
