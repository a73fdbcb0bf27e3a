//! What the pipeline gathers about the target while the referring pages go by: which target
//! URLs the live links point to (for the target's own pages to read and the reclamation
//! checks), and one live page's host per referring domain (for the DNS lookups). Built one
//! verdict at a time, so the verdicts themselves can go on to a sink without being kept.

use crate::model::{Candidate, PageVerdict, Target, TargetText, VerdictOutcome, normalize_url};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use url::Url;

/// What the verdicts seen so far say about the target.
#[derive(Debug, Default)]
pub struct Observed {
    /// Whether the linked target URLs are wanted (the run reads target pages or checks them):
    /// a run that reads none does not keep them.
    track_linked: bool,
    /// Every target URL linked (normalised): how many links point to it, and from which
    /// referring pages (by candidate index).
    linked: HashMap<Url, (usize, BTreeSet<usize>)>,
    /// Per referring domain with a live link: its first page in URL order and that page's
    /// host (after redirects).
    live_hosts: BTreeMap<String, (Url, String)>,
}

impl Observed {
    /// Nothing seen yet; `track_linked` keeps the linked target URLs.
    pub fn new(track_linked: bool) -> Observed {
        Observed {
            track_linked,
            ..Observed::default()
        }
    }

    /// Takes the verdict of candidate `index` into account.
    pub fn observe(
        &mut self,
        target: &Target,
        index: usize,
        candidate: &Candidate,
        verdict: &PageVerdict,
    ) {
        let VerdictOutcome::Analyzed(a) = &verdict.outcome else {
            return;
        };
        for l in a.links.iter().filter(|_| self.track_linked) {
            if let Ok(u) = Url::parse(&l.href)
                && matches!(u.scheme(), "http" | "https")
                && target.matches_url(&u)
            {
                let e = self.linked.entry(normalize_url(u)).or_default();
                e.0 += 1;
                e.1.insert(index);
            }
        }
        if a.links.is_empty() {
            return;
        }
        let url = verdict.final_url.as_ref().unwrap_or(&candidate.url);
        if let Some(host) = url.host_str() {
            let first = self
                .live_hosts
                .get(&candidate.domain)
                .is_none_or(|(seen, _)| candidate.url < *seen);
            if first {
                self.live_hosts.insert(
                    candidate.domain.clone(),
                    (candidate.url.clone(), host.to_string()),
                );
            }
        }
    }

    /// The target pages to read: its home page, then the target URLs the referring pages
    /// link to most (ties in URL order), at most `max`.
    pub fn target_urls(&self, target: &Target, max: usize) -> Vec<Url> {
        if max == 0 {
            return Vec::new();
        }
        let home = Url::parse(&format!("https://{}/", target.domain)).ok();
        let mut out: Vec<Url> = home.into_iter().collect();
        for u in self.ranked(|(links, _)| *links) {
            if out.len() >= max {
                break;
            }
            if !out.contains(&u) {
                out.push(u);
            }
        }
        out.truncate(max);
        out
    }

    /// The distinct target URLs that live links point to, the ones linked from most pages
    /// first (ties in URL order), at most `max`; and how many there are in all.
    pub fn linked_target_urls(&self, max: usize) -> (Vec<Url>, usize) {
        let ranked = self.ranked(|(_, pages)| pages.len());
        let total = ranked.len();
        (ranked.into_iter().take(max).collect(), total)
    }

    /// Per referring domain with a live link, the host of its first page in URL order.
    pub fn live_hosts(&self) -> BTreeMap<String, String> {
        self.live_hosts
            .iter()
            .map(|(d, (_, h))| (d.clone(), h.clone()))
            .collect()
    }

    /// The linked URLs by `score`, highest first, ties in URL order.
    fn ranked(&self, score: impl Fn(&(usize, BTreeSet<usize>)) -> usize) -> Vec<Url> {
        let mut ranked: Vec<(usize, &Url)> =
            self.linked.iter().map(|(u, v)| (score(v), u)).collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        ranked.into_iter().map(|(_, u)| u.clone()).collect()
    }
}

/// Two URLs that redirect to one page count once.
pub fn dedup_final(texts: Vec<TargetText>) -> Vec<TargetText> {
    let mut seen = BTreeSet::new();
    texts
        .into_iter()
        .filter(|t| seen.insert(t.url.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LinkObservation, PageAnalysis};

    fn candidate(url: &str) -> Candidate {
        let url = Url::parse(url).unwrap();
        Candidate {
            domain: crate::model::registrable_domain(url.host_str().unwrap()),
            url,
            provenance: Vec::new(),
        }
    }

    fn linking(hrefs: &[&str]) -> PageVerdict {
        PageVerdict {
            final_url: None,
            redirects: Vec::new(),
            http_status: Some(200),
            outcome: VerdictOutcome::Analyzed(PageAnalysis {
                links: hrefs
                    .iter()
                    .map(|h| LinkObservation {
                        href: h.to_string(),
                        anchor_text: String::new(),
                        is_image: false,
                        rel: Vec::new(),
                        placement: crate::model::Placement::Content,
                        placement_confidence: 1000,
                        evidence: Vec::new(),
                        context: String::new(),
                        hidden: None,
                        site: None,
                    })
                    .collect(),
                ..PageAnalysis::default()
            }),
        }
    }

    #[test]
    fn target_urls_rank_by_links_and_pages() {
        let target = Target::parse("example.com").unwrap();
        let pages = [
            candidate("https://b.blog.test/2"),
            candidate("https://a.blog.test/1"),
            candidate("https://other.test/x"),
        ];
        let verdicts = [
            linking(&[
                "https://example.com/a",
                "https://example.com/a",
                "https://example.com/b",
            ]),
            linking(&["https://example.com/b#top", "https://elsewhere.test/"]),
            linking(&[]),
        ];
        let mut seen = Observed::new(true);
        for (i, (c, v)) in pages.iter().zip(&verdicts).enumerate() {
            seen.observe(&target, i, c, v);
        }
        let shown = |v: Vec<Url>| v.iter().map(Url::to_string).collect::<Vec<_>>();
        // By links: /a has 2, /b has 2 → URL order; the home page first.
        assert_eq!(
            shown(seen.target_urls(&target, 3)),
            [
                "https://example.com/",
                "https://example.com/a",
                "https://example.com/b"
            ]
        );
        assert!(seen.target_urls(&target, 0).is_empty());
        // By pages: /b is linked from two pages, /a from one.
        let (linked, total) = seen.linked_target_urls(1);
        assert_eq!(
            (shown(linked), total),
            (vec!["https://example.com/b".to_string()], 2)
        );
        // One host per domain with live links: the first page in URL order.
        assert_eq!(
            seen.live_hosts(),
            BTreeMap::from([("blog.test".to_string(), "a.blog.test".to_string())])
        );
    }
}
