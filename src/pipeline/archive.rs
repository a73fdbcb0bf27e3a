//! A WARC archive as a [`PageSource`] (`--archive FILE.warc[.gz]`): pages are looked up in the
//! archive ([`crate::crawl::archive`]) instead of being fetched, and nothing is requested from
//! any site. The archive is read lazily: only the responses the run asks for are kept in
//! memory, each batch of URLs ([`PageSource::prepare`]) in one more pass over the file.

use super::source::{BoxFuture, Listing, PageSender, PageSource, fetch_each};
use crate::crawl::archive::{Archive, ArchiveError};
use crate::model::{FetchedPage, InputFormat, normalize_url};
use crate::score::link_network::Dns;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use url::Url;

/// Pages read from a WARC archive.
pub struct ArchiveSource {
    path: PathBuf,
    name: String,
    archive: RwLock<Archive>,
    /// Every response of the file is held (it was opened without a list of wanted pages).
    complete: bool,
    max_redirects: usize,
}

impl ArchiveSource {
    /// Opens the archive, keeping the `wanted` pages (and their recorded redirects), or every
    /// response without `wanted`, each body at most `max_body` bytes (`--max-body`).
    pub fn open(
        path: &Path,
        wanted: Option<&HashSet<Url>>,
        max_body: usize,
    ) -> Result<ArchiveSource, ArchiveError> {
        Ok(ArchiveSource {
            path: path.to_path_buf(),
            name: crate::ingest::display_name(path),
            archive: RwLock::new(Archive::open_with(path, wanted, max_body)?),
            complete: wanted.is_none(),
            max_redirects: crate::crawl::CrawlSettings::default().max_redirects,
        })
    }
}

impl PageSource for ArchiveSource {
    fn kind(&self) -> &'static str {
        "archive"
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn live(&self) -> bool {
        false
    }

    fn fetch<'a>(&'a self, url: &'a Url) -> BoxFuture<'a, FetchedPage> {
        let page = self
            .archive
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .fetch(url, self.max_redirects);
        Box::pin(async move { page })
    }

    fn fetch_all(self: Arc<Self>, urls: Vec<Url>, tx: PageSender) -> BoxFuture<'static, ()> {
        // Reading from memory: one page at a time keeps up with the parsers.
        Box::pin(fetch_each(self, urls, tx, 1))
    }

    fn prepare<'a>(&'a self, urls: &'a [Url]) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            if self.complete {
                return Ok(());
            }
            let mut archive = self.archive.write().unwrap_or_else(PoisonError::into_inner);
            let missing: HashSet<Url> = urls
                .iter()
                .map(|u| normalize_url(u.clone()))
                .filter(|u| !archive.holds(u))
                .collect();
            if !missing.is_empty() {
                archive.load(&self.path, Some(&missing))?;
            }
            Ok(())
        })
    }

    fn listing(&self) -> Option<Listing> {
        self.complete.then(|| Listing {
            urls: self
                .archive
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .page_urls(),
            format: InputFormat::Archive,
        })
    }

    fn addresses(&self, _hosts: BTreeMap<String, String>) -> BoxFuture<'_, Dns> {
        Box::pin(async {
            Dns::Skipped(
                "archive audits do no DNS lookups: the archive records no addresses".into(),
            )
        })
    }
}
