//! What an audit leads to: the actions on its links. [`disavow`] writes, merges and checks
//! Google disavow files, [`worklist`] builds the removal worklist ("request removal twice,
//! then disavow") and [`reclaim`] the lost-link reclamation section (target URLs that 404,
//! 410 or redirect badly while links still point to them).
//!
//! Pure code, no I/O: the store, the files and the network are the commands' and the
//! pipeline's.

pub mod disavow;
pub mod reclaim;
pub mod worklist;

use crate::model::{Audit, Candidate, ContactRoute, OutreachItem, PageVerdict, VerdictOutcome};
use std::collections::BTreeMap;

/// The contact routes found on each candidate page, by its URL (what [`audit_worklist`]
/// offers for each page).
pub fn contacts_by_page(
    verdicts: &[(Candidate, PageVerdict)],
) -> BTreeMap<String, Vec<ContactRoute>> {
    verdicts
        .iter()
        .filter_map(|(c, v)| match &v.outcome {
            VerdictOutcome::Analyzed(a) if !a.signals.contacts.is_empty() => {
                Some((c.url.to_string(), a.signals.contacts.clone()))
            }
            _ => None,
        })
        .collect()
}

/// The removal worklist of a freshly scored audit: its pages with the contact routes found
/// during the crawl (`contacts`, by page URL) and the requests recorded so far.
pub fn audit_worklist(
    audit: &Audit,
    contacts: &BTreeMap<String, Vec<ContactRoute>>,
    requests: &[worklist::Request],
    threshold: u8,
    keep: &[String],
) -> Vec<OutreachItem> {
    let mut pages = disavow::plan::PageFindings::from_audit(audit);
    for p in &mut pages {
        if let Some(c) = contacts.get(&p.source_url) {
            p.contacts = c.clone();
        }
    }
    worklist::worklist(&pages, requests, threshold, keep, &audit.generated_at)
}
