//! Where pages come from: the [`PageSource`] trait. The live network ([`super::link_network`]) and
//! a WARC archive ([`super::archive`]) are sources; so can be Common Crawl captures (read by
//! HTTP range requests) or pages rendered by a headless browser. The pipeline asks a source
//! for every page of a run — the referring pages, the target's own pages, the reclamation
//! checks — and for the addresses of the referring domains, so no command needs to know which
//! source it has.
//!
//! What a source decides for itself: politeness, robots.txt and the SSRF guard (the network
//! applies them; an archive sends no request), how redirects are followed (inside the source:
//! a [`FetchedPage`] records them), and how a page that it does not have is reported
//! (`not-in-archive`). Per-page failures are data in the [`FetchedPage`], never `Err`.

use crate::model::{FetchedPage, InputFormat};
use crate::score::link_network::Dns;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use url::Url;

/// A boxed future that can move between threads: what the dyn-compatible methods of
/// [`PageSource`] return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Fetched pages on their way to the parsers, each with its index in the list fetched.
pub type PageSender = mpsc::Sender<(usize, FetchedPage)>;

/// The pages a source holds, when it can list them (an archive): what an audit without
/// `--from` audits.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    /// Every page URL, in the source's order.
    pub urls: Vec<Url>,
    /// How the candidates it makes are labelled.
    pub format: InputFormat,
}

/// A source of fetched pages.
pub trait PageSource: Send + Sync {
    /// Which kind of source this is, a stable word reports show (`network`, `archive`).
    fn kind(&self) -> &'static str;

    /// The source as a person names it: provenance of the candidates it lists (an archive's
    /// file name), `network` for the network.
    fn name(&self) -> &str;

    /// Whether fetching a page sends a request to its site (the network, a browser) rather
    /// than reading a copy (an archive, Common Crawl). Requests to the target's own site are
    /// only made when the run reads its pages (`--target-pages` above 0).
    fn live(&self) -> bool;

    /// Fetches one page, following redirects.
    fn fetch<'a>(&'a self, url: &'a Url) -> BoxFuture<'a, FetchedPage>;

    /// Fetches every URL and sends `(index, page)` for each as it completes; ends when all
    /// are sent or the receiver is gone. [`fetch_each`] does it for sources without
    /// politeness of their own.
    fn fetch_all(self: Arc<Self>, urls: Vec<Url>, tx: PageSender) -> BoxFuture<'static, ()>;

    /// Called before `urls` are fetched, all at once, so that a source that reads a file can
    /// load them in one pass. A run-ending problem (an unreadable archive) is `Err`.
    fn prepare<'a>(&'a self, urls: &'a [Url]) -> BoxFuture<'a, anyhow::Result<()>> {
        let _ = urls;
        Box::pin(async { Ok(()) })
    }

    /// The pages the source holds, if it can list them.
    fn listing(&self) -> Option<Listing> {
        None
    }

    /// The addresses of the referring domains (`link-network-ip`): `hosts` maps each domain
    /// to the host of one of its live pages. A source that cannot know says why.
    fn addresses(&self, hosts: BTreeMap<String, String>) -> BoxFuture<'_, Dns>;
}

/// Fetches `urls` from `source` with at most `concurrency` fetches in flight, sending each
/// page as it completes (the [`PageSource::fetch_all`] of sources without politeness).
pub async fn fetch_each(
    source: Arc<dyn PageSource>,
    urls: Vec<Url>,
    tx: PageSender,
    concurrency: usize,
) {
    let mut set = JoinSet::new();
    for (i, url) in urls.into_iter().enumerate() {
        while set.len() >= concurrency.max(1) {
            set.join_next().await;
        }
        let source = Arc::clone(&source);
        let tx = tx.clone();
        set.spawn(async move {
            let page = source.fetch(&url).await;
            // A closed channel means the run was cancelled.
            let _ = tx.send((i, page)).await;
        });
    }
    while set.join_next().await.is_some() {}
}

/// Fetches each URL once, all at once, and gives the pages in the order of `urls` (`None`
/// for a fetch that panicked).
pub async fn fetch_many(source: &Arc<dyn PageSource>, urls: &[Url]) -> Vec<Option<FetchedPage>> {
    let mut set = JoinSet::new();
    for (i, url) in urls.iter().cloned().enumerate() {
        let source = Arc::clone(source);
        set.spawn(async move { (i, source.fetch(&url).await) });
    }
    let mut pages: Vec<Option<FetchedPage>> = (0..urls.len()).map(|_| None).collect();
    while let Some(done) = set.join_next().await {
        if let Ok((i, page)) = done {
            pages[i] = Some(page);
        }
    }
    pages
}
