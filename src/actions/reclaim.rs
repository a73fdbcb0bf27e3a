//! Lost-link reclamation: live links that point to target URLs which answer 404 or 410, fail,
//! or reach their page only through a chain of redirects. The audit requests each linked
//! target URL once (or looks it up in the archive) and hands the answers here as [`Check`]s;
//! this module joins them with the links and suggests the fix.

use crate::model::{
    Audit, FetchError, FetchOutcome, FetchedPage, PageStatus, ReclaimLink, ReclaimProblem,
    ReclaimTarget, Reclamation, RedirectHop, normalize_url,
};
use std::collections::BTreeMap;

/// Redirects from which a chain is worth fixing (one redirect, e.g. http → https, is normal).
pub const CHAIN: usize = 2;

/// What one request for a target URL showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The target URL as requested (normalised).
    pub url: String,
    /// What it came to; None when it could not be judged (not fetched on purpose, or the
    /// site did not answer at all).
    pub problem: Option<ReclaimProblem>,
    /// Whether the URL was judged at all.
    pub judged: bool,
    /// Status of the final answer.
    pub http_status: Option<u16>,
    /// Fetch error code.
    pub error: Option<String>,
    /// Redirects followed.
    pub redirects: Vec<RedirectHop>,
    /// Where they ended.
    pub final_url: String,
}

impl Check {
    /// Judges a fetched target URL.
    pub fn of(page: &FetchedPage) -> Check {
        let (judged, problem, http_status, error) = match &page.outcome {
            FetchOutcome::Html(b) => (true, None, Some(b.status), None),
            FetchOutcome::NotHtml { status, .. } => (true, None, Some(*status), None),
            FetchOutcome::HttpError { status: 404 } => {
                (true, Some(ReclaimProblem::NotFound), Some(404), None)
            }
            FetchOutcome::HttpError { status: 410 } => {
                (true, Some(ReclaimProblem::Gone), Some(410), None)
            }
            FetchOutcome::HttpError { status } => {
                (true, Some(ReclaimProblem::Error), Some(*status), None)
            }
            // Problems of the URL itself; a site that does not answer at all (DNS, timeout,
            // refused connection) says nothing about its URLs.
            FetchOutcome::Failed { error, status }
                if matches!(
                    error,
                    FetchError::RedirectLoop
                        | FetchError::TooManyRedirects
                        | FetchError::InvalidRedirect
                ) =>
            {
                (
                    true,
                    Some(ReclaimProblem::Error),
                    *status,
                    Some(error.code().to_string()),
                )
            }
            FetchOutcome::Failed { .. } | FetchOutcome::Skipped(_) => (false, None, None, None),
        };
        let problem = problem.or_else(|| {
            (judged && page.redirects.len() >= CHAIN).then_some(ReclaimProblem::RedirectChain)
        });
        Check {
            url: normalize_url(page.url.clone()).to_string(),
            problem,
            judged,
            http_status,
            error,
            redirects: page.redirects.clone(),
            final_url: page.final_url.to_string(),
        }
    }
}

/// The suggested fix.
fn fix(c: &Check, links: usize) -> String {
    let pages = format!(
        "{links} live link{} point{} to it",
        if links == 1 { "" } else { "s" },
        if links == 1 { "s" } else { "" }
    );
    let via = if c.redirects.is_empty() {
        String::new()
    } else {
        format!(" (after {} redirects)", c.redirects.len())
    };
    match c.problem {
        Some(ReclaimProblem::NotFound) => format!(
            "restore the page, or 301-redirect {} to its closest live equivalent{via}: {pages}",
            c.url
        ),
        Some(ReclaimProblem::Gone) => format!(
            "the page was removed (410): 301-redirect {} to its closest live equivalent to keep \
             the links' value{via}: {pages}",
            c.url
        ),
        Some(ReclaimProblem::RedirectChain) => format!(
            "{} redirects before {}: redirect {} there in one 301 (and ask the strongest \
             referring sites to link to it directly): {pages}",
            c.redirects.len(),
            c.final_url,
            c.url
        ),
        Some(ReclaimProblem::Error) | None => format!(
            "fix the answer of {} ({}): {pages}",
            c.url,
            c.error.clone().unwrap_or_else(|| format!(
                "HTTP {}",
                c.http_status.map_or("error".into(), |s| s.to_string())
            ))
        ),
    }
}

/// The reclamation section from the checks (`source`: `network` or `archive`); `skipped`
/// counts target URLs beyond the limit, never requested.
pub fn build(audit: &Audit, checks: &[Check], source: &str, skipped: usize) -> Reclamation {
    let mut links: BTreeMap<String, Vec<ReclaimLink>> = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    for p in audit.pages.iter().filter(|p| p.status == PageStatus::Live) {
        for l in &p.links {
            let Ok(u) = url::Url::parse(&l.target_url) else {
                continue;
            };
            let key = normalize_url(u).to_string();
            if !seen.insert((key.clone(), p.source_url.clone())) {
                continue;
            }
            links.entry(key).or_default().push(ReclaimLink {
                source_url: p.source_url.clone(),
                source_domain: p.source_domain.clone(),
                authority: l.authority,
                anchor_text: l.anchor_text.clone(),
                dofollow: l.dofollow,
            });
        }
    }
    let mut targets: Vec<ReclaimTarget> = checks
        .iter()
        .filter_map(|c| {
            let problem = c.problem?;
            let mut list = links.get(&c.url).cloned().unwrap_or_default();
            if list.is_empty() {
                return None;
            }
            list.sort_by(|a, b| {
                b.authority
                    .cmp(&a.authority)
                    .then(b.dofollow.cmp(&a.dofollow))
                    .then(a.source_url.cmp(&b.source_url))
            });
            Some(ReclaimTarget {
                fix: fix(c, list.len()),
                target_url: c.url.clone(),
                problem,
                http_status: c.http_status,
                error: c.error.clone(),
                redirects: c.redirects.clone(),
                final_url: (!c.redirects.is_empty()).then(|| c.final_url.clone()),
                links: list,
            })
        })
        .collect();
    targets.sort_by(|a, b| {
        let best = |t: &ReclaimTarget| t.links.iter().filter_map(|l| l.authority).max();
        best(b)
            .cmp(&best(a))
            .then(b.links.len().cmp(&a.links.len()))
            .then(a.target_url.cmp(&b.target_url))
    });
    let judged = checks.iter().filter(|c| c.judged).count();
    Reclamation {
        source: source.to_string(),
        checked: judged,
        unchecked: skipped + (checks.len() - judged),
        targets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SkipReason;
    use url::Url;

    fn page(url: &str, hops: usize, outcome: FetchOutcome) -> FetchedPage {
        let u = Url::parse(url).unwrap();
        FetchedPage {
            url: u.clone(),
            final_url: u.clone(),
            redirects: (0..hops)
                .map(|i| RedirectHop {
                    url: format!("{url}{i}"),
                    status: 301,
                })
                .collect(),
            outcome,
        }
    }

    #[test]
    fn answers_are_judged() {
        let c = Check::of(&page(
            "https://example.com/old",
            0,
            FetchOutcome::HttpError { status: 404 },
        ));
        assert_eq!(c.problem, Some(ReclaimProblem::NotFound));
        let c = Check::of(&page(
            "https://example.com/a",
            1,
            FetchOutcome::HttpError { status: 410 },
        ));
        assert_eq!(c.problem, Some(ReclaimProblem::Gone));
        let c = Check::of(&page(
            "https://example.com/b",
            2,
            FetchOutcome::NotHtml {
                status: 200,
                content_type: "application/pdf".into(),
            },
        ));
        assert_eq!(c.problem, Some(ReclaimProblem::RedirectChain));
        let c = Check::of(&page(
            "https://example.com/c",
            1,
            FetchOutcome::NotHtml {
                status: 200,
                content_type: "image/png".into(),
            },
        ));
        assert_eq!(c.problem, None);
        assert!(c.judged);
        let c = Check::of(&page(
            "https://example.com/d",
            0,
            FetchOutcome::Failed {
                error: FetchError::DnsFailure,
                status: None,
            },
        ));
        assert!(!c.judged);
        let c = Check::of(&page(
            "https://example.com/e",
            0,
            FetchOutcome::Skipped(SkipReason::NotInArchive),
        ));
        assert!(!c.judged);
    }
}
