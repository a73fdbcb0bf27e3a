//! Compare stage: the previous audit of a target against the current one → a [`Comparison`]
//! (new, lost and changed links and referring domains, velocity, spikes).
//!
//! Pure: no I/O, no clock. Both sides are [`Snapshot`]s, the slim view of an audit that the
//! history store and a `--baseline` JSON report can both provide. The earlier intervals of the
//! target's history (for velocity and the spike baseline) are passed in.
//!
//! Spike detection, per check (new referring domains, new toxic domains): the count of this
//! interval is turned into a daily rate (an interval shorter than a day counts as one day) and
//! compared with the rates of up to [`SPIKE_WINDOW`] trailing intervals by a robust z-score,
//! `z = 0.6745 × (rate − median) / MAD` (Iglewicz and Hoaglin's modified z-score; the median and
//! the median absolute deviation are not dragged by earlier spikes the way a mean and standard
//! deviation are). A spike is `z ≥` [`SPIKE_Z`] with at least the check's minimum count. When the
//! history is steady (MAD 0, e.g. no new toxic domain ever), any rate above the median counts.
//! With fewer than [`SPIKE_MIN_HISTORY`] trailing intervals there is no baseline: new referring
//! domains never count as a spike then (a young profile grows), while new toxic domains do from
//! their minimum count on, since a healthy profile's expected rate of those is zero.

use crate::model::{
    Audit, ChangeCounts, ChangeKind, Comparison, Interval, LinkChange, LinkRef, PageStatus,
    PreviousAudit, SettingsChange, SpikeCheck, SpikeReport, Velocity,
};
use crate::score::counts_as_toxic;
use std::collections::{BTreeSet, HashMap};

/// Trailing intervals a spike is judged against.
pub const SPIKE_WINDOW: usize = 30;
/// Trailing intervals needed before the median/MAD baseline is trusted.
pub const SPIKE_MIN_HISTORY: usize = 3;
/// Robust z-score from which an interval is a spike (Iglewicz and Hoaglin's outlier cut-off).
pub const SPIKE_Z: f64 = 3.5;
/// New referring domains in one interval below which there is never a spike.
pub const SPIKE_MIN_NEW_DOMAINS: usize = 5;
/// New toxic domains in one interval below which there is never a spike.
pub const SPIKE_MIN_NEW_TOXIC_DOMAINS: usize = 3;
/// Intervals kept in `velocity.intervals` (a year of weekly audits).
pub const VELOCITY_INTERVALS: usize = 52;

/// The slim view of one audit that comparisons need.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// When the audit finished, RFC 3339.
    pub generated_at: String,
    /// Every candidate page of the audit.
    pub pages: Vec<SnapPage>,
}

/// One page of a [`Snapshot`].
#[derive(Debug, Clone, PartialEq)]
pub struct SnapPage {
    /// Normalised URL of the page.
    pub source_url: String,
    /// Its registrable domain.
    pub source_domain: String,
    /// Page status.
    pub status: PageStatus,
    /// Status of the final response.
    pub http_status: Option<u16>,
    /// Error code of an unreachable or skipped page.
    pub error: Option<String>,
    /// Links to the target, in document order.
    pub links: Vec<SnapLink>,
}

/// One link of a [`SnapPage`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapLink {
    /// The link's URL.
    pub target_url: String,
    /// Anchor text.
    pub anchor_text: String,
    /// `rel` tokens.
    pub rel: Vec<String>,
    /// Placement (snake_case name).
    pub placement: String,
    /// Whether it passes authority.
    pub dofollow: bool,
    /// Toxicity 0-100.
    pub toxicity: u8,
}

impl Snapshot {
    /// The view of a finished audit.
    pub fn from_audit(audit: &Audit) -> Snapshot {
        Snapshot {
            generated_at: audit.generated_at.clone(),
            pages: audit
                .pages
                .iter()
                .map(|p| SnapPage {
                    source_url: p.source_url.clone(),
                    source_domain: p.source_domain.clone(),
                    status: p.status,
                    http_status: p.http_status,
                    error: p.error.clone(),
                    links: p
                        .links
                        .iter()
                        .map(|l| SnapLink {
                            target_url: l.target_url.clone(),
                            anchor_text: l.anchor_text.clone(),
                            rel: l.rel.clone(),
                            placement: l.placement.as_str().to_string(),
                            dofollow: l.dofollow,
                            toxicity: l.toxicity,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// Registrable domains with at least one live link.
    pub fn live_domains(&self) -> BTreeSet<&str> {
        self.live_pages()
            .map(|p| p.source_domain.as_str())
            .collect()
    }

    /// Registrable domains with at least one live link at or above the toxic threshold.
    pub fn toxic_domains(&self) -> BTreeSet<&str> {
        self.live_pages()
            .filter(|p| {
                p.links
                    .iter()
                    .any(|l| counts_as_toxic(l.dofollow, l.toxicity))
            })
            .map(|p| p.source_domain.as_str())
            .collect()
    }

    fn live_pages(&self) -> impl Iterator<Item = &SnapPage> {
        self.pages
            .iter()
            .filter(|p| p.status == PageStatus::Live && !p.links.is_empty())
    }
}

/// Whether a page was actually looked at (fetched with a 2xx HTML answer).
fn verified(status: PageStatus) -> bool {
    matches!(status, PageStatus::Live | PageStatus::Lost)
}

/// How a page that could not be verified is described in a change.
fn page_state(p: &SnapPage) -> String {
    match (p.status, p.http_status, &p.error) {
        (PageStatus::Live | PageStatus::Lost, _, _) => p.status.as_str().to_string(),
        (s, Some(code), _) if code >= 400 => format!("{} (HTTP {code})", s.as_str()),
        (s, _, Some(err)) => format!("{} ({err})", s.as_str()),
        (s, _, None) => s.as_str().to_string(),
    }
}

fn link_ref(p: &SnapPage, l: &SnapLink) -> LinkRef {
    LinkRef {
        source_url: p.source_url.clone(),
        source_domain: p.source_domain.clone(),
        target_url: l.target_url.clone(),
        anchor_text: l.anchor_text.clone(),
        rel: l.rel.clone(),
        placement: l.placement.clone(),
        dofollow: l.dofollow,
        toxicity: l.toxicity,
    }
}

fn rel_text(rel: &[String]) -> String {
    rel.join(" ")
}

/// Links of a page keyed by (link URL, occurrence of that URL on the page).
fn keyed(links: &[SnapLink]) -> Vec<((&str, usize), &SnapLink)> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    links
        .iter()
        .map(|l| {
            let n = seen.entry(l.target_url.as_str()).or_default();
            *n += 1;
            ((l.target_url.as_str(), *n), l)
        })
        .collect()
}

/// Days between two RFC 3339 times (0 when either does not parse or time runs backwards).
pub fn days_between(from: &str, to: &str) -> f64 {
    match (
        from.parse::<jiff::Timestamp>(),
        to.parse::<jiff::Timestamp>(),
    ) {
        (Ok(a), Ok(b)) => (b.as_second() - a.as_second()).max(0) as f64 / 86_400.0,
        _ => 0.0,
    }
}

/// Compares `previous` with `current`. `history` holds the earlier intervals of the target,
/// oldest first, ending at `previous` (empty when `previous` is the first audit).
/// `settings_changed` names the scoring inputs that differ between the two audits: a domain
/// live in both that is toxic only now is then put down to the settings, not counted as newly
/// toxic.
pub fn compare(
    previous: &Snapshot,
    current: &Snapshot,
    source: PreviousAudit,
    history: &[Interval],
    settings_changed: &[String],
) -> Comparison {
    let before: HashMap<&str, &SnapPage> = previous
        .pages
        .iter()
        .map(|p| (p.source_url.as_str(), p))
        .collect();
    let mut counts = ChangeCounts::default();
    let mut new_links = Vec::new();
    let mut lost_links = Vec::new();
    let mut changed = Vec::new();
    let mut compared = std::collections::HashSet::new();

    for cur in &current.pages {
        let Some(prev) = before.get(cur.source_url.as_str()) else {
            // A page the previous audit did not include: all its links are new.
            new_links.extend(cur.links.iter().map(|l| link_ref(cur, l)));
            continue;
        };
        compared.insert(cur.source_url.as_str());
        let change =
            |l: &SnapLink, kind, before: String, after: String, dofollow_before| LinkChange {
                source_url: cur.source_url.clone(),
                source_domain: cur.source_domain.clone(),
                target_url: l.target_url.clone(),
                kind,
                before,
                after,
                dofollow_before,
            };
        match (verified(prev.status), verified(cur.status)) {
            (true, true) => {
                let old: HashMap<(&str, usize), &SnapLink> =
                    keyed(&prev.links).into_iter().collect();
                let mut matched = std::collections::HashSet::new();
                for (key, l) in keyed(&cur.links) {
                    let Some(o) = old.get(&key) else {
                        new_links.push(link_ref(cur, l));
                        continue;
                    };
                    matched.insert(key);
                    let mut old_rel = o.rel.clone();
                    let mut new_rel = l.rel.clone();
                    old_rel.sort();
                    new_rel.sort();
                    if old_rel != new_rel {
                        changed.push(change(
                            l,
                            ChangeKind::Rel,
                            rel_text(&o.rel),
                            rel_text(&l.rel),
                            o.dofollow,
                        ));
                    }
                    if o.anchor_text != l.anchor_text {
                        changed.push(change(
                            l,
                            ChangeKind::Anchor,
                            o.anchor_text.clone(),
                            l.anchor_text.clone(),
                            o.dofollow,
                        ));
                    }
                    if o.placement != l.placement {
                        changed.push(change(
                            l,
                            ChangeKind::Placement,
                            o.placement.clone(),
                            l.placement.clone(),
                            o.dofollow,
                        ));
                    }
                }
                for (key, l) in keyed(&prev.links) {
                    if !matched.contains(&key) {
                        lost_links.push(link_ref(prev, l));
                    }
                }
            }
            (true, false) => {
                counts.unreachable_pages += usize::from(!prev.links.is_empty());
                for l in &prev.links {
                    changed.push(change(
                        l,
                        ChangeKind::Unreachable,
                        page_state(prev),
                        page_state(cur),
                        l.dofollow,
                    ));
                }
            }
            (false, true) => {
                for l in &cur.links {
                    changed.push(change(
                        l,
                        ChangeKind::Reachable,
                        page_state(prev),
                        page_state(cur),
                        false,
                    ));
                }
            }
            (false, false) => {}
        }
    }
    counts.not_rechecked_pages = previous
        .pages
        .iter()
        .filter(|p| !compared.contains(p.source_url.as_str()))
        .count();

    // Domains: "new" needs a new link (a domain that is merely reachable again is not new),
    // "lost" needs a lost link (a domain whose pages are only unreachable is not lost).
    let live_before = previous.live_domains();
    let live_now = current.live_domains();
    let with_new: BTreeSet<&str> = new_links.iter().map(|l| l.source_domain.as_str()).collect();
    let with_lost: BTreeSet<&str> = lost_links
        .iter()
        .map(|l| l.source_domain.as_str())
        .collect();
    let new_domains: Vec<String> = live_now
        .difference(&live_before)
        .filter(|d| with_new.contains(*d))
        .map(|d| d.to_string())
        .collect();
    let lost_domains: Vec<String> = live_before
        .difference(&live_now)
        .filter(|d| with_lost.contains(*d))
        .map(|d| d.to_string())
        .collect();
    let reachable_only: BTreeSet<&str> = live_now
        .difference(&live_before)
        .filter(|d| !with_new.contains(*d))
        .copied()
        .collect();
    let (toxic_by_settings, new_toxic_domains): (Vec<String>, Vec<String>) = current
        .toxic_domains()
        .difference(&previous.toxic_domains())
        .filter(|d| !reachable_only.contains(*d))
        .map(|d| d.to_string())
        .partition(|d| !settings_changed.is_empty() && live_before.contains(d.as_str()));
    let settings_changed = (!settings_changed.is_empty()).then(|| SettingsChange {
        changed: settings_changed.to_vec(),
        toxic_by_settings,
    });

    counts.new_links = new_links.len();
    counts.new_dofollow = new_links.iter().filter(|l| l.dofollow).count();
    counts.new_toxic_links = new_links
        .iter()
        .filter(|l| counts_as_toxic(l.dofollow, l.toxicity))
        .count();
    counts.lost_links = lost_links.len();
    counts.lost_dofollow = lost_links.iter().filter(|l| l.dofollow).count();
    counts.changed_links = changed.len();
    counts.new_domains = new_domains.len();
    counts.lost_domains = lost_domains.len();
    counts.new_toxic_domains = new_toxic_domains.len();

    let interval = Interval {
        from: previous.generated_at.clone(),
        to: current.generated_at.clone(),
        days: round2(days_between(&previous.generated_at, &current.generated_at)),
        new_domains: counts.new_domains,
        lost_domains: counts.lost_domains,
        new_toxic_domains: counts.new_toxic_domains,
    };
    let trailing = &history[history.len().saturating_sub(SPIKE_WINDOW)..];
    let spike = spike_report(&interval, trailing);
    let mut intervals: Vec<Interval> = history.to_vec();
    intervals.push(interval);
    let velocity = velocity(&intervals[intervals.len().saturating_sub(VELOCITY_INTERVALS)..]);

    Comparison {
        previous: source,
        counts,
        new_links,
        lost_links,
        changed_links: changed,
        new_domains,
        lost_domains,
        new_toxic_domains,
        velocity,
        spike,
        settings_changed,
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Days between audits below which no rate is computed: velocity and spikes are judged over
/// at least a day ("interval too short" otherwise).
pub const MIN_RATE_DAYS: f64 = 1.0;

/// What "interval too short" says for `days` between audits.
fn too_short(days: f64, what: &str) -> String {
    format!(
        "interval too short: {} between the audits, {what} need at least a day",
        if days * 24.0 >= 1.0 {
            format!("{:.1} hours", days * 24.0)
        } else {
            let m = (days * 1440.0).round().max(0.0) as u64;
            format!("{m} minute{}", if m == 1 { "" } else { "s" })
        }
    )
}

/// Velocity over `intervals` (oldest first): new and lost domains over the days they cover,
/// none when that is less than [`MIN_RATE_DAYS`].
pub fn velocity(intervals: &[Interval]) -> Velocity {
    let days: f64 = intervals.iter().map(|i| i.days).sum();
    let new: usize = intervals.iter().map(|i| i.new_domains).sum();
    let lost: usize = intervals.iter().map(|i| i.lost_domains).sum();
    let enough = days >= MIN_RATE_DAYS;
    let per_day = |n: usize| enough.then(|| round2(n as f64 / days));
    let per_week = |n: usize| enough.then(|| round2(7.0 * n as f64 / days));
    Velocity {
        intervals: intervals.to_vec(),
        days: round2(days),
        new_domains_per_day: per_day(new),
        lost_domains_per_day: per_day(lost),
        new_domains_per_week: per_week(new),
        lost_domains_per_week: per_week(lost),
        too_short: (!enough).then(|| too_short(days, "rates")),
    }
}

/// Both spike checks for `current` against the `trailing` intervals. Intervals shorter than
/// [`MIN_RATE_DAYS`] are no rate: the current one is not judged ("interval too short"), and
/// short trailing ones are left out of the baseline.
pub fn spike_report(current: &Interval, trailing: &[Interval]) -> SpikeReport {
    let baseline: Vec<&Interval> = trailing
        .iter()
        .filter(|i| i.days >= MIN_RATE_DAYS)
        .collect();
    let rates = |f: fn(&Interval) -> usize| -> Vec<f64> {
        baseline.iter().map(|i| f(i) as f64 / i.days).collect()
    };
    let check = |count: usize, history: &[f64], min: usize, zero_expected: bool, what: &str| {
        if current.days < MIN_RATE_DAYS {
            SpikeCheck {
                detected: false,
                count,
                rate_per_day: 0.0,
                history: history.len(),
                median: None,
                mad: None,
                z: None,
                reason: too_short(current.days, "spikes"),
            }
        } else {
            spike_check(count, current.days, history, min, zero_expected, what)
        }
    };
    let new_domains = check(
        current.new_domains,
        &rates(|i| i.new_domains),
        SPIKE_MIN_NEW_DOMAINS,
        false,
        "new referring domains",
    );
    let new_toxic_domains = check(
        current.new_toxic_domains,
        &rates(|i| i.new_toxic_domains),
        SPIKE_MIN_NEW_TOXIC_DOMAINS,
        true,
        "new toxic domains",
    );
    SpikeReport {
        detected: new_domains.detected || new_toxic_domains.detected,
        new_domains,
        new_toxic_domains,
    }
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// One robust z-score check (see the module docs).
fn spike_check(
    count: usize,
    days: f64,
    trailing: &[f64],
    min_count: usize,
    zero_expected: bool,
    what: &str,
) -> SpikeCheck {
    let rate = count as f64 / days;
    let mut check = SpikeCheck {
        detected: false,
        count,
        rate_per_day: round2(rate),
        history: trailing.len(),
        median: None,
        mad: None,
        z: None,
        reason: String::new(),
    };
    if trailing.len() < SPIKE_MIN_HISTORY {
        check.detected = zero_expected && count >= min_count;
        check.reason = if zero_expected {
            format!(
                "{} earlier interval(s), fewer than {SPIKE_MIN_HISTORY} for a baseline: a spike is \
                 {min_count} or more {what} ({count} now)",
                trailing.len()
            )
        } else {
            format!(
                "{} earlier interval(s), fewer than {SPIKE_MIN_HISTORY} for a baseline: {what} are \
                 not judged yet",
                trailing.len()
            )
        };
        return check;
    }
    let mut sorted = trailing.to_vec();
    sorted.sort_by(f64::total_cmp);
    let med = median(&sorted);
    let mut dev: Vec<f64> = sorted.iter().map(|r| (r - med).abs()).collect();
    dev.sort_by(f64::total_cmp);
    let mad = median(&dev);
    check.median = Some(round2(med));
    check.mad = Some(round2(mad));
    let above = if mad > 0.0 {
        let z = 0.6745 * (rate - med) / mad;
        check.z = Some(round2(z));
        z >= SPIKE_Z
    } else {
        rate > med
    };
    check.detected = above && count >= min_count;
    let how = if mad > 0.0 {
        format!(
            "robust z-score {:.2} against {} earlier intervals (spike from {SPIKE_Z})",
            0.6745 * (rate - med) / mad,
            trailing.len()
        )
    } else {
        format!(
            "steady history (median {:.2}/day, MAD 0) over {} intervals: any rate above the median \
             counts",
            med,
            trailing.len()
        )
    };
    check.reason = if above && count < min_count {
        format!("{how}; but {count} {what} is below the minimum of {min_count}")
    } else {
        format!("{count} {what} ({:.2}/day); {how}", rate)
    };
    check
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(url: &str, anchor: &str, rel: &[&str], placement: &str, toxicity: u8) -> SnapLink {
        SnapLink {
            target_url: url.into(),
            anchor_text: anchor.into(),
            rel: rel.iter().map(|s| s.to_string()).collect(),
            placement: placement.into(),
            dofollow: rel.is_empty(),
            toxicity,
        }
    }

    fn page(url: &str, domain: &str, status: PageStatus, links: Vec<SnapLink>) -> SnapPage {
        SnapPage {
            source_url: url.into(),
            source_domain: domain.into(),
            status,
            http_status: Some(if status == PageStatus::Unreachable {
                404
            } else {
                200
            }),
            error: (status == PageStatus::Unreachable).then(|| "http-error".into()),
            links,
        }
    }

    fn snap(at: &str, pages: Vec<SnapPage>) -> Snapshot {
        Snapshot {
            generated_at: at.into(),
            pages,
        }
    }

    fn source() -> PreviousAudit {
        PreviousAudit {
            source: "store".into(),
            snapshot_id: Some(1),
            file: None,
            generated_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    fn interval(new: usize, toxic: usize) -> Interval {
        Interval {
            from: String::new(),
            to: String::new(),
            days: 1.0,
            new_domains: new,
            lost_domains: 0,
            new_toxic_domains: toxic,
        }
    }

    #[test]
    fn new_lost_and_changed_links_and_domains() {
        use PageStatus::*;
        let before = snap(
            "2026-01-01T00:00:00Z",
            vec![
                page(
                    "https://a.test/1",
                    "a.test",
                    Live,
                    vec![
                        link("https://example.com/", "Example", &[], "content", 0),
                        link("https://example.com/x", "x", &[], "footer", 0),
                    ],
                ),
                page(
                    "https://b.test/1",
                    "b.test",
                    Live,
                    vec![link("https://example.com/", "B", &[], "content", 0)],
                ),
                page(
                    "https://c.test/1",
                    "c.test",
                    Live,
                    vec![link("https://example.com/", "C", &[], "content", 0)],
                ),
                page("https://d.test/1", "d.test", Unreachable, vec![]),
                page("https://gone.test/1", "gone.test", Lost, vec![]),
            ],
        );
        let after = snap(
            "2026-01-08T00:00:00Z",
            vec![
                page(
                    "https://a.test/1",
                    "a.test",
                    Live,
                    vec![link(
                        "https://example.com/",
                        "Example!",
                        &["nofollow"],
                        "sidebar",
                        0,
                    )],
                ),
                page("https://b.test/1", "b.test", Lost, vec![]),
                page("https://c.test/1", "c.test", Unreachable, vec![]),
                page(
                    "https://d.test/1",
                    "d.test",
                    Live,
                    vec![link("https://example.com/", "D", &[], "content", 0)],
                ),
                page(
                    "https://spam.test/1",
                    "spam.test",
                    Live,
                    vec![link("https://example.com/", "cheap", &[], "content", 80)],
                ),
            ],
        );
        let c = compare(&before, &after, source(), &[], &[]);
        let kinds: Vec<(&str, ChangeKind, &str, &str)> = c
            .changed_links
            .iter()
            .map(|ch| {
                (
                    ch.source_url.as_str(),
                    ch.kind,
                    ch.before.as_str(),
                    ch.after.as_str(),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("https://a.test/1", ChangeKind::Rel, "", "nofollow"),
                (
                    "https://a.test/1",
                    ChangeKind::Anchor,
                    "Example",
                    "Example!"
                ),
                (
                    "https://a.test/1",
                    ChangeKind::Placement,
                    "content",
                    "sidebar"
                ),
                (
                    "https://c.test/1",
                    ChangeKind::Unreachable,
                    "live",
                    "unreachable (HTTP 404)"
                ),
                (
                    "https://d.test/1",
                    ChangeKind::Reachable,
                    "unreachable (HTTP 404)",
                    "live"
                ),
            ]
        );
        let lost: Vec<(&str, &str)> = c
            .lost_links
            .iter()
            .map(|l| (l.source_url.as_str(), l.target_url.as_str()))
            .collect();
        assert_eq!(
            lost,
            [
                ("https://a.test/1", "https://example.com/x"),
                ("https://b.test/1", "https://example.com/"),
            ]
        );
        assert_eq!(c.new_links.len(), 1);
        assert_eq!(c.new_links[0].source_domain, "spam.test");
        // b lost its link; c is only unreachable (not lost); d is reachable again (not new).
        assert_eq!(c.lost_domains, ["b.test"]);
        assert_eq!(c.new_domains, ["spam.test"]);
        assert_eq!(c.new_toxic_domains, ["spam.test"]);
        assert_eq!(c.counts.lost_dofollow, 2);
        assert_eq!(c.counts.unreachable_pages, 1);
        assert_eq!(c.counts.not_rechecked_pages, 1);
        assert_eq!(c.counts.new_toxic_links, 1);
        assert_eq!(c.velocity.intervals.len(), 1);
        assert_eq!(c.velocity.intervals[0].days, 7.0);
        assert_eq!(c.velocity.new_domains_per_week, Some(1.0));
    }

    #[test]
    fn repeated_links_are_matched_by_occurrence() {
        let l = |a| link("https://example.com/", a, &[], "content", 0);
        let before = snap(
            "2026-01-01T00:00:00Z",
            vec![page(
                "https://a.test/",
                "a.test",
                PageStatus::Live,
                vec![l("one"), l("two")],
            )],
        );
        let after = snap(
            "2026-01-02T00:00:00Z",
            vec![page(
                "https://a.test/",
                "a.test",
                PageStatus::Live,
                vec![l("one")],
            )],
        );
        let c = compare(&before, &after, source(), &[], &[]);
        assert_eq!(c.lost_links.len(), 1);
        assert_eq!(c.lost_links[0].anchor_text, "two");
        assert!(c.changed_links.is_empty());
        assert!(c.lost_domains.is_empty(), "a.test still links");
    }

    #[test]
    fn spikes_need_history_except_for_toxic_domains() {
        // First comparison: 10 new domains are growth, not a spike; 3 new toxic domains are.
        let r = spike_report(&interval(10, 3), &[]);
        assert!(!r.new_domains.detected);
        assert!(r.new_toxic_domains.detected);
        assert!(r.new_domains.reason.contains("not judged yet"));
        let r = spike_report(&interval(10, 2), &[]);
        assert!(!r.detected);
    }

    #[test]
    fn robust_z_score_flags_outliers_only() {
        let history: Vec<Interval> = [2, 3, 1, 2, 4, 2, 3].map(|n| interval(n, 0)).to_vec();
        let calm = spike_report(&interval(4, 0), &history);
        assert!(!calm.new_domains.detected, "{:?}", calm.new_domains);
        let burst = spike_report(&interval(25, 0), &history);
        assert!(burst.new_domains.detected, "{:?}", burst.new_domains);
        assert_eq!(burst.new_domains.median, Some(2.0));
        assert_eq!(burst.new_domains.mad, Some(1.0));
        assert_eq!(burst.new_domains.z, Some(15.51));
        // Steady zero history of toxic domains: three at once is a spike, two is not.
        assert!(burst.new_toxic_domains.z.is_none());
        assert!(spike_report(&interval(0, 3), &history).detected);
        assert!(!spike_report(&interval(0, 2), &history).detected);
    }

    #[test]
    fn intervals_shorter_than_a_day_give_no_rates() {
        // Two audits a minute apart: no spike is judged and no velocity is extrapolated.
        let mut i = interval(6, 3);
        i.days = 0.0007;
        let r = spike_report(&i, &[]);
        assert!(!r.detected);
        assert!(
            r.new_toxic_domains
                .reason
                .starts_with("interval too short: 1 minute between"),
            "{}",
            r.new_toxic_domains.reason
        );
        let v = velocity(&[i.clone()]);
        assert_eq!(v.new_domains_per_week, None);
        assert!(
            v.too_short
                .as_deref()
                .unwrap()
                .contains("rates need at least a day")
        );
        // Short trailing intervals are left out of the baseline.
        let mut day = interval(6, 3);
        day.days = 7.0;
        let r = spike_report(&day, &[i.clone(), i.clone(), i]);
        assert_eq!(r.new_domains.history, 0);
        assert_eq!(
            days_between("2026-01-01T00:00:00Z", "2026-01-03T12:00:00Z"),
            2.5
        );
        assert_eq!(days_between("bad", "2026-01-03T12:00:00Z"), 0.0);
    }
}
