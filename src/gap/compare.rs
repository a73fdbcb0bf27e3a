//! New and lost opportunities between two gap runs of a target, from what each run concluded
//! about every referring domain it saw ([`RunDomain`], as the store keeps them). Pure.

use crate::model::{GapComparison, GapReport, GapRunRef, LostOpportunity, OpportunityRef};
use std::collections::BTreeMap;

/// What a run concluded about one referring domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomainStatus {
    /// Links to a competitor and not to the target: worth asking.
    Opportunity,
    /// Toxic or a link farm.
    Excluded,
    /// Links to a competitor and to the target.
    AlreadyLinking,
    /// Its listed competitor links are gone and it has no live one.
    Gone,
}

impl DomainStatus {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            DomainStatus::Opportunity => "opportunity",
            DomainStatus::Excluded => "excluded",
            DomainStatus::AlreadyLinking => "already-linking",
            DomainStatus::Gone => "gone",
        }
    }

    /// Parses [`DomainStatus::as_str`].
    pub fn parse(s: &str) -> Option<DomainStatus> {
        [
            DomainStatus::Opportunity,
            DomainStatus::Excluded,
            DomainStatus::AlreadyLinking,
            DomainStatus::Gone,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

/// One referring domain of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunDomain {
    /// Registrable domain.
    pub domain: String,
    /// What the run concluded.
    pub status: DomainStatus,
    /// Its opportunity score (0 unless an opportunity).
    pub score: u8,
    /// The competitors it links (or linked) to.
    pub competitors: Vec<String>,
}

/// Every referring domain of a report with its status, sorted by domain. A domain with gone
/// links and live ones elsewhere keeps the status of its live links.
pub fn domains_of(report: &GapReport) -> Vec<RunDomain> {
    let mut out: BTreeMap<String, RunDomain> = BTreeMap::new();
    let mut put = |domain: &str, status, score, competitors: &[String]| {
        out.entry(domain.to_string()).or_insert_with(|| RunDomain {
            domain: domain.to_string(),
            status,
            score,
            competitors: competitors.to_vec(),
        });
    };
    for o in &report.opportunities {
        put(
            &o.domain,
            DomainStatus::Opportunity,
            o.score,
            &o.competitors,
        );
    }
    for e in &report.excluded {
        put(&e.domain, DomainStatus::Excluded, 0, &e.competitors);
    }
    for s in &report.already_linking {
        put(&s.domain, DomainStatus::AlreadyLinking, 0, &s.competitors);
    }
    for g in &report.gone {
        put(&g.source_domain, DomainStatus::Gone, 0, &g.competitors);
    }
    out.into_values().collect()
}

/// What changed from the run `previous` (described by `was`) to `now`.
pub fn compare(previous: &[RunDomain], now: &[RunDomain], was: GapRunRef) -> GapComparison {
    let now_by: BTreeMap<&str, &RunDomain> = now.iter().map(|d| (d.domain.as_str(), d)).collect();
    let before: BTreeMap<&str, &RunDomain> =
        previous.iter().map(|d| (d.domain.as_str(), d)).collect();
    let is_opportunity = |d: &&RunDomain| d.status == DomainStatus::Opportunity;
    let new = now
        .iter()
        .filter(is_opportunity)
        .filter(|d| !before.get(d.domain.as_str()).is_some_and(is_opportunity))
        .map(|d| OpportunityRef {
            domain: d.domain.clone(),
            score: d.score,
            competitors: d.competitors.clone(),
        })
        .collect();
    let lost = previous
        .iter()
        .filter(is_opportunity)
        .filter_map(|d| {
            let reason = match now_by.get(d.domain.as_str()).map(|n| n.status) {
                Some(DomainStatus::Opportunity) => return None,
                Some(DomainStatus::AlreadyLinking) => "links-to-target",
                Some(DomainStatus::Excluded) => "excluded",
                Some(DomainStatus::Gone) => "gone",
                None => "not-listed",
            };
            Some(LostOpportunity {
                domain: d.domain.clone(),
                score: d.score,
                reason,
            })
        })
        .collect();
    GapComparison {
        previous: was,
        new,
        lost,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(domain: &str, status: DomainStatus, score: u8) -> RunDomain {
        RunDomain {
            domain: domain.into(),
            status,
            score,
            competitors: vec!["rival.test".into()],
        }
    }

    #[test]
    fn won_toxic_gone_and_unlisted_opportunities_are_told_apart() {
        use DomainStatus::*;
        let before = [
            d("a.test", Opportunity, 80),
            d("b.test", Opportunity, 70),
            d("c.test", Opportunity, 60),
            d("d.test", Opportunity, 50),
            d("e.test", Opportunity, 40),
            d("f.test", Excluded, 0),
        ];
        let now = [
            d("a.test", AlreadyLinking, 0),
            d("b.test", Excluded, 0),
            d("c.test", Gone, 0),
            d("e.test", Opportunity, 45),
            d("f.test", Opportunity, 30),
            d("g.test", Opportunity, 20),
        ];
        let was = GapRunRef {
            run_id: 1,
            generated_at: "2026-01-01T00:00:00Z".into(),
        };
        let c = compare(&before, &now, was);
        let new: Vec<&str> = c.new.iter().map(|n| n.domain.as_str()).collect();
        assert_eq!(new, ["f.test", "g.test"]);
        let lost: Vec<(&str, &str)> = c
            .lost
            .iter()
            .map(|l| (l.domain.as_str(), l.reason))
            .collect();
        assert_eq!(
            lost,
            [
                ("a.test", "links-to-target"),
                ("b.test", "excluded"),
                ("c.test", "gone"),
                ("d.test", "not-listed"),
            ]
        );
        assert_eq!(DomainStatus::parse("already-linking"), Some(AlreadyLinking));
    }
}
