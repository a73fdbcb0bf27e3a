//! Headless Chromium for `--render` (issue 22): links that exist only after a page's scripts
//! ran. This module owns the browser process ([`browser`]), the DevTools protocol session over
//! a pipe ([`cdp`]), rendering one page in a tab with every request guarded ([`page`]), and
//! the pool of tabs ([`Renderer`]). Deciding which pages to render and merging the result into
//! an audit is the page source's job ([`crate::pipeline::render`]).
//!
//! Why a small DevTools client of our own rather than a crate: rendering needs sixteen
//! commands and three events (browser contexts and targets, `Fetch` interception, lifecycle,
//! one `Runtime.evaluate`), a few hundred lines over serde_json and tokio, both already in the
//! tree. `chromiumoxide` 0.7 would add 27 crates to the tree, the generated protocol crate
//! among them, and about 8 MB to a binary; `headless_chrome` is blocking (a thread per tab),
//! talks over a WebSocket port that any local process can connect to, and its browser
//! download (the `fetch` feature) is a mode this project must never be one flag away from. The
//! pipe (`--remote-debugging-pipe`) opens no port at all. `docs/rendering.md` has
//! the measurements.

pub mod browser;
pub mod cdp;
pub mod page;

pub use page::{Blocked, RenderFailure, Rendered};

use crate::crawl::CrawlSettings;
use anyhow::Context;
use browser::Browser;
use page::Fetcher;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use url::Url;

/// A started browser with a bounded number of tabs.
pub struct Renderer {
    browser: Arc<Browser>,
    fetcher: Arc<Fetcher>,
    tabs: Arc<Semaphore>,
    timeout: Duration,
}

impl Renderer {
    /// Starts `binary`; pages are rendered `tabs` at a time, each within `timeout`; their
    /// requests are answered with the crawl's guard, pins and limits (`crawl`).
    pub fn start(
        binary: &Path,
        crawl: &CrawlSettings,
        tabs: usize,
        timeout: Duration,
    ) -> anyhow::Result<Renderer> {
        let fetcher = Fetcher::new(crawl).context("cannot set up the HTTP client for rendering")?;
        let browser = Browser::launch(binary)?;
        Ok(Renderer {
            browser: Arc::new(browser),
            fetcher: Arc::new(fetcher),
            tabs: Arc::new(Semaphore::new(tabs.max(1))),
            timeout,
        })
    }

    /// What the browser says it is.
    pub fn version(&self) -> &str {
        &self.browser.version
    }

    /// A handle that closes the browser (and deletes its profile) when dropped.
    pub fn closer(&self) -> browser::Closer {
        self.browser.closer()
    }

    /// Renders `url`, whose served HTML is `html`, when a tab is free.
    pub async fn render(&self, url: &Url, html: String) -> Rendered {
        let _tab = self.tabs.acquire().await.expect("never closed");
        page::render(
            Arc::clone(&self.browser),
            Arc::clone(&self.fetcher),
            url,
            html,
            self.timeout,
        )
        .await
    }
}
