//! What the scorer needs beyond the referring pages, gathered by `audit`: the target's own
//! pages for its topical profile (fetched once per run through the same polite crawler, or
//! read from the archive), and DNS answers for the referring domains (`link-network-ip`).

use crate::crawl::archive::Archive;
use crate::crawl::{Crawler, ResolvePin};
use crate::disavow::reclaim::Check;
use crate::extract::signals::target_text;
use crate::model::{
    Candidate, ContactRoute, FetchOutcome, FetchedPage, PageVerdict, Target, TargetText,
    VerdictOutcome, normalize_url,
};
use crate::output::warn;
use crate::score::relevance::TargetProfile;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use url::Url;

/// Lookups in flight at once.
const DNS_CONCURRENCY: usize = 16;
/// Longest wait for one lookup.
const DNS_TIMEOUT: Duration = Duration::from_secs(5);

/// The target pages to read: its home page, then the target URLs the referring pages link to
/// most (ties in URL order), at most `max`.
pub fn target_urls(target: &Target, verdicts: &[(Candidate, PageVerdict)], max: usize) -> Vec<Url> {
    if max == 0 {
        return Vec::new();
    }
    let home = Url::parse(&format!("https://{}/", target.domain)).ok();
    let ranked = ranked(linked_targets(target, verdicts), |(links, _)| *links);
    let mut out: Vec<Url> = home.into_iter().collect();
    for u in ranked {
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

fn text_of(page: &FetchedPage) -> Option<TargetText> {
    match &page.outcome {
        FetchOutcome::Html(body) => Some(target_text(&body.text, &page.final_url)),
        _ => None,
    }
}

/// Fetches the target pages (politely: same crawler, same limits) and reads their words. The
/// first URL is the home page, retried over plain HTTP when HTTPS gives nothing. Each answer
/// is also judged for lost-link reclamation, so no target URL is requested twice in a run.
pub async fn fetch_target_texts(
    crawler: Arc<Crawler>,
    urls: Vec<Url>,
) -> (Vec<TargetText>, Vec<Check>) {
    let home = urls.first().cloned();
    let mut set = JoinSet::new();
    for (i, url) in urls.into_iter().enumerate() {
        let crawler = Arc::clone(&crawler);
        set.spawn(async move {
            let page = crawler.fetch(&url).await;
            let check = Check::of(&page);
            let text = tokio::task::spawn_blocking(move || text_of(&page))
                .await
                .ok()
                .flatten();
            (i, text, check)
        });
    }
    let mut texts: Vec<(usize, TargetText)> = Vec::new();
    let mut checks: Vec<Check> = Vec::new();
    while let Some(done) = set.join_next().await {
        if let Ok((i, text, check)) = done {
            checks.push(check);
            if let Some(t) = text {
                texts.push((i, t));
            }
        }
    }
    // A site without HTTPS: its home page over plain HTTP.
    if !texts.iter().any(|(i, _)| *i == 0)
        && let Some(home) = &home
        && home.scheme() == "https"
        && home.path() == "/"
    {
        let mut plain = home.clone();
        if plain.set_scheme("http").is_ok() {
            let page = crawler.fetch(&plain).await;
            if let Ok(Some(t)) = tokio::task::spawn_blocking(move || text_of(&page)).await {
                texts.push((0, t));
            }
        }
    }
    texts.sort_by_key(|(i, _)| *i);
    checks.sort_by(|a, b| a.url.cmp(&b.url));
    (
        dedup_final(texts.into_iter().map(|(_, t)| t).collect()),
        checks,
    )
}

/// Reads the target pages from an archive.
pub fn archive_target_texts(
    archive: &Archive,
    urls: &[Url],
    max_redirects: usize,
) -> Vec<TargetText> {
    dedup_final(
        urls.iter()
            .filter_map(|u| text_of(&archive.fetch(u, max_redirects)))
            .collect(),
    )
}

/// Two URLs that redirect to one page count once.
fn dedup_final(texts: Vec<TargetText>) -> Vec<TargetText> {
    let mut seen = BTreeSet::new();
    texts
        .into_iter()
        .filter(|t| seen.insert(t.url.clone()))
        .collect()
}

/// Builds the target profile, warning (unless `quiet`) when the target's pages were wanted but
/// none could be read.
pub fn profile(
    texts: &[TargetText],
    wanted: usize,
    topics: &[String],
    language: Option<&str>,
    quiet: bool,
) -> Option<TargetProfile> {
    if wanted > 0 && texts.is_empty() && !quiet {
        warn(if topics.is_empty() {
            "none of the target's own pages could be read, and no --topic was given: relevance \
             is not computed"
        } else {
            "none of the target's own pages could be read: relevance compares with --topic terms only"
        });
    }
    TargetProfile::build(texts, topics, language)
}

/// Resolves the host of one live page per referring domain (the first in URL order), with
/// `--resolve` pins first; domains that do not resolve in time are left out.
pub async fn resolve_domains(
    verdicts: &[(Candidate, PageVerdict)],
    pins: &[ResolvePin],
) -> BTreeMap<String, Vec<IpAddr>> {
    let mut hosts: BTreeMap<String, String> = BTreeMap::new();
    let mut live: Vec<&(Candidate, PageVerdict)> = verdicts
        .iter()
        .filter(|(_, v)| matches!(&v.outcome, VerdictOutcome::Analyzed(a) if !a.links.is_empty()))
        .collect();
    live.sort_by(|a, b| a.0.url.cmp(&b.0.url));
    for (c, v) in live {
        let url = v.final_url.as_ref().unwrap_or(&c.url);
        if let Some(h) = url.host_str() {
            hosts
                .entry(c.domain.clone())
                .or_insert_with(|| h.to_string());
        }
    }
    let pins: HashMap<&str, IpAddr> = pins.iter().map(|p| (p.host.as_str(), p.addr)).collect();
    let limit = Arc::new(Semaphore::new(DNS_CONCURRENCY));
    let mut set = JoinSet::new();
    let mut out = BTreeMap::new();
    for (domain, host) in hosts {
        if let Some(ip) = pins.get(host.as_str()) {
            out.insert(domain, vec![*ip]);
            continue;
        }
        if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>() {
            out.insert(domain, vec![ip]);
            continue;
        }
        let limit = Arc::clone(&limit);
        set.spawn(async move {
            let _permit = limit.acquire().await.expect("never closed");
            let found =
                tokio::time::timeout(DNS_TIMEOUT, tokio::net::lookup_host((host.as_str(), 80)))
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .map(|addrs| {
                        let mut v: Vec<IpAddr> = addrs.map(|a| a.ip()).collect();
                        v.dedup();
                        v
                    })
                    .unwrap_or_default();
            (domain, found)
        });
    }
    while let Some(done) = set.join_next().await {
        if let Ok((domain, addrs)) = done
            && !addrs.is_empty()
        {
            out.insert(domain, addrs);
        }
    }
    out
}

// Lost-link reclamation (issue 8): the target URLs live links point to, each requested once
// (the profile's pages are judged while they are fetched), or looked up in the archive.

/// The distinct target URLs that live links point to, the ones linked from most pages first
/// (ties in URL order), at most `max`; and how many there are in all.
pub fn linked_target_urls(
    target: &Target,
    verdicts: &[(Candidate, PageVerdict)],
    max: usize,
) -> (Vec<Url>, usize) {
    let linked = linked_targets(target, verdicts);
    let total = linked.len();
    let ranked = ranked(linked, |(_, pages)| pages.len());
    (ranked.into_iter().take(max).collect(), total)
}

/// Every target URL the referring pages link to (normalised): how many links point to it,
/// and from which pages.
fn linked_targets<'v>(
    target: &Target,
    verdicts: &'v [(Candidate, PageVerdict)],
) -> HashMap<Url, (usize, BTreeSet<&'v Url>)> {
    let mut linked: HashMap<Url, (usize, BTreeSet<&Url>)> = HashMap::new();
    for (c, v) in verdicts {
        if let VerdictOutcome::Analyzed(a) = &v.outcome {
            for l in &a.links {
                if let Ok(u) = Url::parse(&l.href)
                    && matches!(u.scheme(), "http" | "https")
                    && target.matches_url(&u)
                {
                    let e = linked.entry(normalize_url(u)).or_default();
                    e.0 += 1;
                    e.1.insert(&c.url);
                }
            }
        }
    }
    linked
}

/// The URLs by `score`, highest first, ties in URL order.
fn ranked<V>(linked: HashMap<Url, V>, score: impl Fn(&V) -> usize) -> Vec<Url> {
    let mut ranked: Vec<(usize, Url)> = linked.into_iter().map(|(u, v)| (score(&v), u)).collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    ranked.into_iter().map(|(_, u)| u).collect()
}

/// Requests each URL once through the crawler (robots.txt, politeness and the SSRF guard as
/// for every request), sorted by URL.
pub async fn check_target_urls(crawler: Arc<Crawler>, urls: Vec<Url>) -> Vec<Check> {
    let mut set = JoinSet::new();
    for url in urls {
        let crawler = Arc::clone(&crawler);
        set.spawn(async move { Check::of(&crawler.fetch(&url).await) });
    }
    let mut checks = Vec::new();
    while let Some(done) = set.join_next().await {
        if let Ok(c) = done {
            checks.push(c);
        }
    }
    checks.sort_by(|a, b| a.url.cmp(&b.url));
    checks
}

/// Looks each URL up in the archive (no network).
pub fn archive_checks(archive: &Archive, urls: &[Url], max_redirects: usize) -> Vec<Check> {
    urls.iter()
        .map(|u| Check::of(&archive.fetch(u, max_redirects)))
        .collect()
}

/// The contact routes found on each candidate page, by its URL.
pub fn contacts(verdicts: &[(Candidate, PageVerdict)]) -> BTreeMap<String, Vec<ContactRoute>> {
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
