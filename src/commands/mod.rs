//! One function per subcommand. Each resolves its raw arguments into settings once
//! ([`resolve`]), runs the pipeline stages, and returns how the run ended; run-ending problems
//! are `Err` (exit 2).

pub mod audit;
pub mod authority;
mod context;
pub mod disavow;
pub mod explain;
pub mod history;
pub mod init;
pub mod inspect;
pub mod outreach;
pub mod resolve;
pub mod sources;

use crate::output::warn;
use crate::settings::FetchSettings;

/// Warns about the fetch settings that weaken safety, once, before the first request.
fn warn_weakened(fetch: &FetchSettings) {
    if fetch.insecure.value {
        warn(
            "--insecure: TLS certificates are not verified; anyone between you and a site can \
             impersonate it",
        );
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
