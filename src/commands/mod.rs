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
use crate::crawl::{CrawlSettings, PrivatePolicy};
use std::time::Duration;

/// Crawl settings from the shared fetch flags (politeness flags are `audit`'s own).
fn crawl_settings(fetch: &FetchArgs) -> CrawlSettings {
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
