//! The unlinked-mentions section of the audit and gap reports: the mentions the extract stage
//! found on each page ([`crate::model::Mention`]), with the page's authority (as for its
//! links: a vendor metric, the rank list or the crawl estimate) and the contact routes found
//! on it. Pure.

use crate::model::{Candidate, MentionReport, PageVerdict, VerdictOutcome};
use crate::score::authority;
use crate::score::ranks::RankTable;
use std::collections::HashSet;

/// One report entry per mention of every analysed page, best prospects first (a competitor
/// linked next to the mention), then by authority, page and order on the page. Two
/// candidates that end on the same page count once.
pub fn reports<'a>(
    pages: impl IntoIterator<Item = (&'a Candidate, &'a PageVerdict)>,
    ranks: Option<&RankTable>,
) -> Vec<MentionReport> {
    let mut out: Vec<MentionReport> = Vec::new();
    let mut seen = HashSet::new();
    for (c, v) in pages {
        let VerdictOutcome::Analyzed(a) = &v.outcome else {
            continue;
        };
        if a.signals.mentions.is_empty() {
            continue;
        }
        let page = v.final_url.as_ref().unwrap_or(&c.url).to_string();
        if !seen.insert(page) {
            continue;
        }
        let host = c.url.host_str().unwrap_or(&c.domain);
        let auth = authority::page_authority(
            c.provenance.iter().map(|p| &p.claims.metrics),
            host,
            ranks,
            &a.signals,
        );
        let mut contacts = a.signals.contacts.clone();
        contacts.sort();
        for m in &a.signals.mentions {
            out.push(MentionReport {
                source_url: c.url.to_string(),
                source_domain: c.domain.clone(),
                title: a.signals.title.clone(),
                term: m.term.clone(),
                sentence: m.sentence.clone(),
                placement: m.placement,
                evidence: m.evidence.clone(),
                authority: Some(auth.value),
                authority_source: Some(auth.source),
                contacts: contacts.clone(),
                competitor_links: m.competitor_links.clone(),
                best_prospect: !m.competitor_links.is_empty(),
            });
        }
    }
    // Stable: mentions of one page keep their order.
    out.sort_by(|a, b| {
        b.best_prospect
            .cmp(&a.best_prospect)
            .then(b.authority.cmp(&a.authority))
            .then_with(|| a.source_url.cmp(&b.source_url))
    });
    out
}
