//! Referring domains known only at domain level (Search Console "Top linking sites") → the
//! report's `domain_candidates`, each with how many of its pages were audited anyway.

use crate::model::{DomainCandidate, DomainCandidateReport, PageReport};
use std::collections::HashMap;

/// One report entry per domain-level candidate, sorted by domain.
pub fn reports(domains: Vec<DomainCandidate>, pages: &[PageReport]) -> Vec<DomainCandidateReport> {
    let mut audited: HashMap<&str, usize> = HashMap::new();
    for p in pages {
        *audited.entry(p.source_domain.as_str()).or_default() += 1;
    }
    let mut out: Vec<DomainCandidateReport> = domains
        .into_iter()
        .map(|d| DomainCandidateReport {
            sources: d.sources(),
            pages_audited: audited.get(d.domain.as_str()).copied().unwrap_or(0),
            domain: d.domain,
            provenance: d.provenance,
            linking_pages: d.linking_pages,
            target_pages: d.target_pages,
        })
        .collect();
    out.sort_by(|a, b| a.domain.cmp(&b.domain));
    out
}
