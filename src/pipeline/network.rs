//! The live network as a [`PageSource`]: the polite crawler ([`crate::crawl`]) for pages, and
//! the system resolver (after the `--resolve` pins) for the addresses of referring domains.

use super::source::{BoxFuture, PageSender, PageSource};
use crate::crawl::{Crawler, ResolvePin};
use crate::model::FetchedPage;
use crate::output::warn;
use crate::score::link_network::Dns;
use crate::settings::FetchSettings;
use anyhow::Context;
use std::collections::{BTreeMap, HashMap};
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

/// Pages fetched from their sites.
pub struct NetworkSource {
    crawler: Arc<Crawler>,
    pins: Vec<ResolvePin>,
}

impl NetworkSource {
    /// Sets up the HTTP client, warning first (unless `quiet`: a cron run that chose
    /// `--insecure` does not want it mailed every day) about the settings that weaken safety.
    pub fn new(fetch: &FetchSettings, quiet: bool) -> anyhow::Result<NetworkSource> {
        if fetch.insecure.value && !quiet {
            warn(
                "--insecure: TLS certificates are not verified; anyone between you and a site \
                 can impersonate it",
            );
        }
        let crawler = Crawler::new(fetch.crawl()).context("cannot set up the HTTP client")?;
        Ok(NetworkSource {
            crawler: Arc::new(crawler),
            pins: fetch.resolve.value.clone(),
        })
    }
}

impl PageSource for NetworkSource {
    fn kind(&self) -> &'static str {
        "network"
    }

    fn name(&self) -> &str {
        "network"
    }

    fn live(&self) -> bool {
        true
    }

    fn fetch<'a>(&'a self, url: &'a Url) -> BoxFuture<'a, FetchedPage> {
        Box::pin(self.crawler.fetch(url))
    }

    fn fetch_all(self: Arc<Self>, urls: Vec<Url>, tx: PageSender) -> BoxFuture<'static, ()> {
        Box::pin(Arc::clone(&self.crawler).run(urls, tx))
    }

    fn addresses(&self, hosts: BTreeMap<String, String>) -> BoxFuture<'_, Dns> {
        Box::pin(async move { Dns::Resolved(resolve(hosts, &self.pins).await) })
    }
}

/// Resolves each domain's host, `--resolve` pins first; domains that do not resolve in time
/// are left out.
async fn resolve(
    hosts: BTreeMap<String, String>,
    pins: &[ResolvePin],
) -> BTreeMap<String, Vec<IpAddr>> {
    let pins: HashMap<&str, IpAddr> = pins.iter().map(|p| (p.host.as_str(), p.addr)).collect();
    let limit = Arc::new(Semaphore::new(DNS_CONCURRENCY));
    let mut set = JoinSet::new();
    let mut out = BTreeMap::new();
    for (domain, host) in hosts {
        if let Some(ip) = crate::crawl::guard::pinned(&host, |h| pins.get(h).copied()) {
            out.insert(domain, vec![ip]);
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
