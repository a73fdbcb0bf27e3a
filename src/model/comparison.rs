//! What changed since the previous audit of the same target, and how the gate judged the run:
//! the `comparison` and `gate` fields of the JSON report (and the whole `backlinks diff`
//! document). Computed by [`crate::compare`] and [`crate::gate`] before anything is rendered.
//!
//! Link identity across audits is (referring page URL, link URL, occurrence of that link URL on
//! the page): a page linking twice to the same URL has two links, matched in document order.

use serde::{Deserialize, Serialize};

/// Where the previous audit came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousAudit {
    /// `store` (the history database) or `baseline` (a JSON report given with `--baseline`).
    pub source: String,
    /// Id of the stored snapshot, null for a baseline file.
    pub snapshot_id: Option<i64>,
    /// The baseline file as named on the command line, null for the store.
    pub file: Option<String>,
    /// When the previous audit finished, RFC 3339.
    pub generated_at: String,
}

/// New, lost and changed links and referring domains between two audits, with velocity and
/// spike detection over the target's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The audit compared against.
    pub previous: PreviousAudit,
    /// The headline numbers of the lists below.
    pub counts: ChangeCounts,
    /// Links live now that were not live before (on pages that were verified before).
    pub new_links: Vec<LinkRef>,
    /// Links live before that are gone from a page fetched now (removed, or the page no longer
    /// links at all). Links on pages that are now unreachable are `changed_links` instead: an
    /// unreachable page may come back.
    pub lost_links: Vec<LinkRef>,
    /// Links present in both audits whose rel, anchor or placement changed, links on pages that
    /// became unreachable, and links on pages that are reachable again.
    pub changed_links: Vec<LinkChange>,
    /// Referring domains with live links now and none before, sorted.
    pub new_domains: Vec<String>,
    /// Referring domains with live links before and none now because links were removed,
    /// sorted.
    pub lost_domains: Vec<String>,
    /// Referring domains that are toxic now (a live link at or above the toxic threshold) and
    /// were not before, sorted.
    pub new_toxic_domains: Vec<String>,
    /// New and lost referring domains over time.
    pub velocity: Velocity,
    /// Whether this run's new (toxic) referring domains are abnormal for this target.
    pub spike: SpikeReport,
    /// The scoring inputs that differ from the previous audit's (brand, keywords, topics,
    /// language, rule settings from flags or the config file, rule-set version); null when
    /// none do or the previous audit did not record them.
    #[serde(default)]
    pub settings_changed: Option<SettingsChange>,
}

/// Scoring inputs that changed between two audits, and what that explains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsChange {
    /// The settings that differ (`keywords`, `brand`, `rules.link-farm.points`,
    /// `rules_version`...), sorted.
    pub changed: Vec<String>,
    /// Referring domains live in both audits that count as toxic only now: their pages are
    /// the same, so the change comes from the settings, and they are kept out of
    /// `new_toxic_domains`, the spike check and the gate. Sorted.
    pub toxic_by_settings: Vec<String>,
}

/// Counts of a [`Comparison`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeCounts {
    /// Entries of `new_links`.
    pub new_links: usize,
    /// New links that pass authority.
    pub new_dofollow: usize,
    /// New links at or above the toxic threshold.
    pub new_toxic_links: usize,
    /// Entries of `lost_links`.
    pub lost_links: usize,
    /// Lost links that passed authority.
    pub lost_dofollow: usize,
    /// Entries of `changed_links`.
    pub changed_links: usize,
    /// Pages that had live links before and are unreachable or skipped now.
    pub unreachable_pages: usize,
    /// Pages of the previous audit that this audit did not include (not compared).
    pub not_rechecked_pages: usize,
    /// Entries of `new_domains`.
    pub new_domains: usize,
    /// Entries of `lost_domains`.
    pub lost_domains: usize,
    /// Entries of `new_toxic_domains`.
    pub new_toxic_domains: usize,
}

/// One link, as reported in `new_links` and `lost_links`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRef {
    /// The referring page.
    pub source_url: String,
    /// Its registrable domain.
    pub source_domain: String,
    /// The link's URL on the target.
    pub target_url: String,
    /// Anchor text.
    pub anchor_text: String,
    /// `rel` tokens.
    pub rel: Vec<String>,
    /// Placement on the page.
    pub placement: String,
    /// Whether the link passes authority.
    pub dofollow: bool,
    /// Toxicity 0-100.
    pub toxicity: u8,
}

/// What changed about a link present in both audits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// The `rel` attribute changed (e.g. became nofollow).
    Rel,
    /// The anchor text changed.
    Anchor,
    /// The placement on the page changed (e.g. moved from content to footer).
    Placement,
    /// The page was live and is now unreachable or skipped; whether the link is still there is
    /// unknown.
    Unreachable,
    /// The page was unreachable or skipped before and is live again with this link.
    Reachable,
}

impl ChangeKind {
    /// The kebab-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Rel => "rel",
            ChangeKind::Anchor => "anchor",
            ChangeKind::Placement => "placement",
            ChangeKind::Unreachable => "unreachable",
            ChangeKind::Reachable => "reachable",
        }
    }
}

/// One change of one link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkChange {
    /// The referring page.
    pub source_url: String,
    /// Its registrable domain.
    pub source_domain: String,
    /// The link's URL on the target.
    pub target_url: String,
    /// What changed.
    pub kind: ChangeKind,
    /// The value before (`rel` tokens space-separated, empty for none; the page status for
    /// `unreachable` and `reachable`).
    pub before: String,
    /// The value now.
    pub after: String,
    /// Whether the link passed authority before the change.
    pub dofollow_before: bool,
}

/// New and lost referring domains between consecutive audits, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Velocity {
    /// One entry per pair of consecutive audits (at most the last 52), the last one ending at
    /// this audit.
    pub intervals: Vec<Interval>,
    /// Days covered by `intervals`.
    pub days: f64,
    /// New referring domains per day over `intervals`; null when they cover less than a day
    /// (see `too_short`).
    pub new_domains_per_day: Option<f64>,
    /// Lost referring domains per day over `intervals`; null when too short.
    pub lost_domains_per_day: Option<f64>,
    /// New referring domains per week (7 × per day); null when too short.
    pub new_domains_per_week: Option<f64>,
    /// Lost referring domains per week (7 × per day); null when too short.
    pub lost_domains_per_week: Option<f64>,
    /// Why there are no rates: the audits are less than a day apart, and a rate extrapolated
    /// from minutes says nothing ("interval too short: ..."); null when there are rates.
    #[serde(default)]
    pub too_short: Option<String>,
}

/// The change between two consecutive audits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// When the earlier audit finished, RFC 3339.
    pub from: String,
    /// When the later audit finished, RFC 3339.
    pub to: String,
    /// Days between them.
    pub days: f64,
    /// Referring domains new in the later audit.
    pub new_domains: usize,
    /// Referring domains lost in the later audit.
    pub lost_domains: usize,
    /// Referring domains that became toxic in the later audit.
    pub new_toxic_domains: usize,
}

/// Spike detection on new referring domains and on new toxic domains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpikeReport {
    /// True when either check below detected a spike.
    pub detected: bool,
    /// New referring domains in this interval against the trailing intervals.
    pub new_domains: SpikeCheck,
    /// New toxic referring domains in this interval against the trailing intervals.
    pub new_toxic_domains: SpikeCheck,
}

/// One spike check: a robust z-score of this interval's daily rate against the median and
/// median absolute deviation (MAD) of the trailing intervals (see the README).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpikeCheck {
    /// Whether this interval is a spike.
    pub detected: bool,
    /// New domains in this interval.
    pub count: usize,
    /// `count` per day (the interval counted as at least one day).
    pub rate_per_day: f64,
    /// Trailing intervals the baseline was computed from.
    pub history: usize,
    /// Median daily rate of the trailing intervals (null without history).
    pub median: Option<f64>,
    /// Median absolute deviation of those rates (null without history).
    pub mad: Option<f64>,
    /// Robust z-score 0.6745 × (rate − median) / MAD; null when it cannot be computed (no
    /// history, or MAD 0).
    pub z: Option<f64>,
    /// How the decision was made, in words.
    pub reason: String,
}

/// The outcome of the `--fail-on` conditions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateReport {
    /// True when no condition failed.
    pub passed: bool,
    /// Every condition, in the order given.
    pub conditions: Vec<ConditionResult>,
    /// The one-line verdict also printed on standard error.
    pub verdict: String,
}

/// One evaluated `--fail-on` condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditionResult {
    /// The condition as written (normalised: no spaces).
    pub condition: String,
    /// True when the condition holds, which fails the gate.
    pub failed: bool,
    /// The measured value (a count, a percentage, a score; 1/0 for `spike`).
    pub actual: f64,
    /// The threshold it was compared with.
    pub threshold: f64,
    /// The measurement in words, e.g. `7 new toxic links (threshold > 5)`.
    pub detail: String,
}

/// Headline numbers of one stored snapshot (a row of `backlinks history`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotInfo {
    /// Snapshot id.
    pub id: i64,
    /// Registrable domain audited.
    pub target: String,
    /// When the audit finished, RFC 3339.
    pub generated_at: String,
    /// Version of backlinks that ran it.
    pub tool_version: String,
    /// Version of the scoring rules.
    pub scoring_version: u32,
    /// Candidate pages.
    pub referring_pages: i64,
    /// Pages that link to the target.
    pub live: i64,
    /// Pages that no longer link.
    pub lost: i64,
    /// Pages that could not be fetched.
    pub unreachable: i64,
    /// Links to the target.
    pub backlinks: i64,
    /// Of which dofollow.
    pub dofollow: i64,
    /// Toxic links.
    pub toxic: i64,
    /// Referring domains with live links.
    pub live_domains: i64,
    /// Health score 0-100, null when the audit had no live links.
    pub health_score: Option<u8>,
    /// New links since the previous snapshot (null for the first).
    pub new_links: Option<i64>,
    /// Lost links since the previous snapshot.
    pub lost_links: Option<i64>,
    /// New referring domains since the previous snapshot.
    pub new_domains: Option<i64>,
    /// Lost referring domains since the previous snapshot.
    pub lost_domains: Option<i64>,
    /// New toxic domains since the previous snapshot.
    pub new_toxic_domains: Option<i64>,
}

/// A target the history store holds audits of (`backlinks history` without a target).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredTarget {
    /// The registrable domain.
    pub target: String,
    /// Stored audits of it.
    pub audits: i64,
    /// When the latest one finished, RFC 3339.
    pub latest: String,
}

/// The `backlinks history` document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct History {
    /// The registrable domain.
    pub target: String,
    /// Every stored snapshot of it, oldest first.
    pub snapshots: Vec<SnapshotInfo>,
}

/// The `backlinks diff` document: two stored snapshots and what changed between them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// The registrable domain.
    pub target: String,
    /// The older snapshot.
    pub from: SnapshotInfo,
    /// The newer snapshot.
    pub to: SnapshotInfo,
    /// What changed.
    pub comparison: Comparison,
}
