//! The removal worklist: toxic links to ask site owners to remove, with where each page stands
//! in the workflow Google recommends — request removal, follow up once, and only then disavow
//! ([`OutreachStatus`]). Requests are recorded with `backlinks outreach mark URL --requested`;
//! whether one worked is judged by the next audit.

use super::disavow::plan::PageFindings;
use crate::model::{ContactRoute, OutreachItem, OutreachStatus, PageStatus};
use std::collections::BTreeMap;

/// Requests of a disavow candidate that make it one: after this many requests without
/// removal, the link moves to the disavow candidates.
pub const REQUESTS_BEFORE_DISAVOW: usize = 2;

/// One recorded removal request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The referring page.
    pub source_url: String,
    /// When it was made, RFC 3339.
    pub requested_at: String,
    /// The contact route used (an address or contact page), when recorded.
    pub via: Option<String>,
    /// A free-text note, when recorded.
    pub note: Option<String>,
}

/// Whether `a` (RFC 3339) is later than `b`; timestamps that do not parse compare as text.
pub fn later(a: &str, b: &str) -> bool {
    match (a.parse::<jiff::Timestamp>(), b.parse::<jiff::Timestamp>()) {
        (Ok(a), Ok(b)) => a > b,
        _ => a > b,
    }
}

/// Builds the worklist of an audit finished at `audited_at`: every live page with a link of
/// toxicity ≥ `threshold` (except on `keep`-listed domains), and every page with a recorded
/// request. Sorted by what needs doing first: disavow, follow up, request, waiting, removed;
/// most toxic first within each.
pub fn worklist(
    pages: &[PageFindings],
    requests: &[Request],
    threshold: u8,
    keep: &[String],
    audited_at: &str,
) -> Vec<OutreachItem> {
    let mut by_url: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in requests {
        by_url
            .entry(r.source_url.as_str())
            .or_default()
            .push(r.requested_at.as_str());
    }
    let mut items = Vec::new();
    for p in pages {
        if p.kept(keep) {
            continue;
        }
        let mut dates: Vec<&str> = [Some(p.source_url.as_str()), p.final_url.as_deref()]
            .into_iter()
            .flatten()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .flat_map(|u| by_url.get(u).cloned().unwrap_or_default())
            .collect();
        dates.sort_by(|a, b| {
            if later(a, b) {
                std::cmp::Ordering::Greater
            } else if later(b, a) {
                std::cmp::Ordering::Less
            } else {
                a.cmp(b)
            }
        });
        let toxic = p.status == PageStatus::Live && p.toxicity >= threshold;
        let status = match (p.status, dates.last()) {
            (_, None) if toxic => OutreachStatus::Request,
            (_, None) => continue,
            (PageStatus::Lost, Some(_)) => OutreachStatus::Removed,
            (PageStatus::Live, Some(last)) if later(audited_at, last) => {
                if dates.len() >= REQUESTS_BEFORE_DISAVOW {
                    OutreachStatus::Disavow
                } else {
                    OutreachStatus::FollowUp
                }
            }
            // Requested after this audit, or the page could not be checked.
            (_, Some(_)) => OutreachStatus::Waiting,
        };
        items.push(OutreachItem {
            source_url: p.source_url.clone(),
            source_domain: p.source_domain.clone(),
            toxicity: p.toxicity,
            authority: p.authority,
            links: p.links,
            reasons: p.reasons.iter().map(|r| r.code.clone()).collect(),
            contacts: p.contacts.clone(),
            requests: dates.into_iter().map(str::to_string).collect(),
            status,
            competitors: Vec::new(),
            opportunity_score: None,
        });
    }
    let rank = |s: OutreachStatus| match s {
        OutreachStatus::Disavow => 0,
        OutreachStatus::FollowUp => 1,
        OutreachStatus::Request => 2,
        OutreachStatus::Waiting => 3,
        OutreachStatus::Removed => 4,
        OutreachStatus::Acquire => 5,
    };
    items.sort_by(|a, b| {
        rank(a.status)
            .cmp(&rank(b.status))
            .then(b.toxicity.cmp(&a.toxicity))
            .then(a.source_url.cmp(&b.source_url))
    });
    items
}

/// A referring domain worth asking for a link: an opportunity of a `backlinks gap` run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prospect {
    /// Registrable domain.
    pub domain: String,
    /// Its opportunity score.
    pub score: u8,
    /// The competitors it links to.
    pub competitors: Vec<String>,
    /// Its authority, when known.
    pub authority: Option<u8>,
    /// Its highest link toxicity.
    pub toxicity: u8,
    /// The page of its best link: where to ask.
    pub source_url: String,
    /// Its live competitor links.
    pub links: usize,
    /// Contact routes found on its pages, sorted.
    pub contacts: Vec<ContactRoute>,
}

/// The `acquire` entries of the worklist: one per prospect (best first, as given), except on
/// `keep`-listed domains, with the link requests recorded for its page.
pub fn acquire(prospects: &[Prospect], requests: &[Request], keep: &[String]) -> Vec<OutreachItem> {
    prospects
        .iter()
        .filter(|p| {
            !keep
                .iter()
                .any(|k| crate::model::host::is_within(&p.domain, k))
        })
        .map(|p| {
            let mut dates: Vec<String> = requests
                .iter()
                .filter(|r| r.source_url == p.source_url)
                .map(|r| r.requested_at.clone())
                .collect();
            dates.sort();
            OutreachItem {
                source_url: p.source_url.clone(),
                source_domain: p.domain.clone(),
                toxicity: p.toxicity,
                authority: p.authority,
                links: p.links,
                reasons: Vec::new(),
                contacts: p.contacts.clone(),
                requests: dates,
                status: OutreachStatus::Acquire,
                competitors: p.competitors.clone(),
                opportunity_score: Some(p.score),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::disavow::plan::tests::page;

    fn req(url: &str, at: &str) -> Request {
        Request {
            source_url: url.into(),
            requested_at: at.into(),
            via: None,
            note: None,
        }
    }

    #[test]
    fn request_twice_then_disavow() {
        let pages = [
            page("https://a.test/1", PageStatus::Live, 60, &["hidden-link"]),
            page("https://b.test/1", PageStatus::Live, 70, &["link-farm"]),
            page("https://c.test/1", PageStatus::Live, 80, &["spam-tld"]),
            page("https://d.test/1", PageStatus::Lost, 0, &[]),
            page("https://e.test/1", PageStatus::Live, 10, &[]),
            page("https://f.test/1", PageStatus::Live, 90, &["hidden-link"]),
            page(
                "https://partner.test/1",
                PageStatus::Live,
                90,
                &["hidden-link"],
            ),
        ];
        let requests = [
            req("https://b.test/1", "2026-01-01T00:00:00Z"),
            req("https://c.test/1", "2026-01-10T00:00:00Z"),
            req("https://c.test/1", "2026-01-01T00:00:00Z"),
            req("https://d.test/1", "2026-01-01T00:00:00Z"),
            req("https://f.test/1", "2026-03-01T00:00:00Z"),
        ];
        let items = worklist(
            &pages,
            &requests,
            50,
            &["partner.test".to_string()],
            "2026-02-01T00:00:00Z",
        );
        let got: Vec<(&str, &str, usize)> = items
            .iter()
            .map(|i| (i.source_url.as_str(), i.status.as_str(), i.requests.len()))
            .collect();
        assert_eq!(
            got,
            [
                ("https://c.test/1", "disavow", 2),
                ("https://b.test/1", "follow-up", 1),
                ("https://a.test/1", "request", 0),
                ("https://f.test/1", "waiting", 1),
                ("https://d.test/1", "removed", 1),
            ]
        );
        assert_eq!(
            items[0].requests,
            ["2026-01-01T00:00:00Z", "2026-01-10T00:00:00Z"]
        );
    }
}
