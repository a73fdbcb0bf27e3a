//! One function per subcommand. Each resolves its raw arguments into settings, runs the
//! pipeline stages, and returns how the run ended; run-ending problems are `Err` (exit 2).

pub mod audit;
pub mod authority;
mod context;
pub mod disavow;
pub mod explain;
pub mod history;
pub mod init;
pub mod inspect;
pub mod outreach;
pub mod sources;

use crate::cli::FetchArgs;
use crate::crawl::{CrawlSettings, PrivatePolicy, ProxyChoice};
use crate::output::warn;
use std::time::Duration;

/// Crawl settings from the shared fetch flags (politeness flags are `audit`'s own). Warns
/// about the ones that weaken safety.
fn crawl_settings(fetch: &FetchArgs) -> CrawlSettings {
    if fetch.insecure {
        warn(
            "--insecure: TLS certificates are not verified; anyone between you and a site can \
             impersonate it",
        );
    }
    let proxy = match (&fetch.proxy, fetch.proxy_from_env) {
        (Some(url), _) => ProxyChoice::Url(url.clone()),
        (None, true) => ProxyChoice::Environment,
        (None, false) => ProxyChoice::Direct,
    };
    CrawlSettings {
        timeout: Duration::from_secs(fetch.timeout),
        max_body: fetch.max_body,
        respect_robots: !fetch.ignore_robots,
        private: PrivatePolicy {
            allow_all: fetch.allow_private,
            hosts: fetch
                .allow_private_host
                .iter()
                .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase())
                .collect(),
        },
        resolve: fetch.resolve.clone(),
        proxy,
        insecure: fetch.insecure,
        ..CrawlSettings::default()
    }
}

/// A multi-threaded runtime for the crawl.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    use anyhow::Context;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
