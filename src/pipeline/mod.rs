//! The fetch → extract stage of an audit, over any [`PageSource`]: the candidates' pages are
//! fetched (async) and parsed into verdicts on a fixed pool of threads, each verdict handed to
//! a [`VerdictSink`] as it finishes; then the target's own pages are read (its topical
//! profile), the target URLs live links point to are checked (lost-link reclamation) and the
//! referring domains' addresses are looked up — all through the same source, so the network
//! and an archive (and later Common Crawl captures or rendered pages) run the same code.
//!
//! ```text
//!  candidates ─► source.fetch_all ─► bounded channel ─► parse-N threads ─► sink (per verdict)
//!                                                                  └─► Observed (linked target
//!                                                                      URLs, live hosts)
//!  Observed ─► source: target pages, reclamation checks, addresses ─► Gathered
//! ```
//!
//! Ctrl-C ends the run without a result ([`Ran::Interrupted`]); a parser panic is that
//! page's `parse-failed`, never the end of the run.

pub mod archive;
pub mod cache;
pub mod network;
pub mod render;
pub mod source;
pub mod target;

pub use source::{BoxFuture, Listing, PageSource};

use crate::actions::reclaim::Check;
use crate::extract::signals::target_text;
use crate::model::{
    Candidate, FetchError, FetchOutcome, FetchedPage, PageVerdict, Target, TargetText,
};
use crate::output::warn;
use crate::score::link_network::Dns;
use anyhow::{Context, bail};
use std::collections::HashSet;
use std::sync::Arc;
use target::Observed;
use tokio::sync::mpsc;
use url::Url;

/// Fetched pages waiting for a parser. Fetching is several times faster than parsing, so a
/// short queue keeps the parsers busy; each waiting page is a whole body in memory (64 of
/// them were 25 MB of the audit benchmark's peak).
const PARSE_QUEUE: usize = 16;

/// The candidates of a run, and where their verdicts go as they are made.
pub trait VerdictSink {
    /// How many candidates there are.
    fn len(&self) -> usize;

    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The candidate at `index` (0 to `len() - 1`).
    fn candidate(&self, index: usize) -> &Candidate;

    /// The verdict of candidate `index`, in completion order (each index comes once).
    fn accept(&mut self, index: usize, verdict: PageVerdict);
}

/// The sink that keeps every candidate with its verdict.
#[derive(Debug, Default)]
pub struct Collect {
    // Each candidate with a slot for its verdict: the final list is made from this one in
    // place (`Option<PageVerdict>` is no larger than `PageVerdict`), so the verdicts of the
    // whole run are never held twice.
    slots: Vec<(Candidate, Option<PageVerdict>)>,
}

impl Collect {
    /// A sink for these candidates.
    pub fn new(candidates: Vec<Candidate>) -> Collect {
        Collect {
            slots: candidates.into_iter().map(|c| (c, None)).collect(),
        }
    }

    /// Every candidate with its verdict, in candidate order.
    pub fn into_verdicts(self) -> anyhow::Result<Vec<(Candidate, PageVerdict)>> {
        let missing = self.slots.iter().filter(|(_, v)| v.is_none()).count();
        if missing > 0 {
            bail!("internal error: {missing} pages were never processed");
        }
        Ok(self
            .slots
            .into_iter()
            .map(|(c, v)| (c, v.expect("counted above")))
            .collect())
    }
}

impl VerdictSink for Collect {
    fn len(&self) -> usize {
        self.slots.len()
    }

    fn candidate(&self, index: usize) -> &Candidate {
        &self.slots[index].0
    }

    fn accept(&mut self, index: usize, verdict: PageVerdict) {
        self.slots[index].1 = Some(verdict);
    }
}

/// How much of the target the run reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetReads {
    /// How many of the target's own pages are read for its profile (0: none).
    pub pages: usize,
    /// How many linked target URLs are checked for reclamation (0: none).
    pub reclaim_urls: usize,
}

/// The reclamation checks of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct ReclaimChecks {
    /// One per target URL checked, sorted by URL.
    pub checks: Vec<Check>,
    /// Linked target URLs left unchecked beyond the limit.
    pub unchecked: usize,
    /// Where the answers came from ([`PageSource::kind`]).
    pub source: &'static str,
}

/// What the run learned about the target besides the verdicts.
#[derive(Debug)]
pub struct Gathered {
    /// The words of the target's own pages that could be read.
    pub target_texts: Vec<TargetText>,
    /// The referring domains' addresses.
    pub dns: Dns,
    /// The reclamation checks, when the run makes them.
    pub reclaim: Option<ReclaimChecks>,
}

/// How a run ended.
#[derive(Debug)]
pub enum Ran {
    /// Every page was processed.
    Done(Gathered),
    /// Ctrl-C: nothing should be written.
    Interrupted,
}

/// The fetch → extract stage of one audit.
pub struct Pipeline {
    source: Arc<dyn PageSource>,
    target: Arc<Target>,
    progress: bool,
    /// The extract step: [`crate::extract::verdict`], or [`crate::extract::sites_verdict`]
    /// for a run that keeps the competitors' links too.
    extract: fn(FetchedPage, &Target) -> PageVerdict,
}

impl Pipeline {
    /// A pipeline reading `source` for `target`; `progress` shows the bar (on a terminal).
    pub fn new(source: Arc<dyn PageSource>, target: &Target, progress: bool) -> Pipeline {
        Pipeline {
            source,
            target: Arc::new(target.clone()),
            progress,
            extract: crate::extract::verdict,
        }
    }

    /// Keeps the links to the target's competitors as well as to the target, each saying
    /// which site it points to (`backlinks gap`: one fetch per page for every site).
    pub fn with_competitor_links(mut self) -> Pipeline {
        self.extract = crate::extract::sites_verdict;
        self
    }

    /// Fetches and extracts every candidate of `sink` (each verdict to it), then reads what
    /// the target's side needs.
    pub fn run(&self, sink: &mut dyn VerdictSink, reads: TargetReads) -> anyhow::Result<Ran> {
        let rt = runtime()?;
        let bar = crate::progress::pages(sink.len() as u64, self.progress, "fetching");
        let seen = Observed::new(reads.pages > 0 || self.reclaims(reads));
        let outcome = rt.block_on(async {
            let all = async {
                let seen = self.referring_pages(sink, seen, &bar).await?;
                bar.finish_and_clear();
                let spinner = crate::progress::spinner(
                    self.progress,
                    "reading the target's pages and checking linked URLs",
                );
                let gathered = self.target_side(&seen, reads).await;
                spinner.finish_and_clear();
                gathered
            };
            tokio::select! {
                r = all => Some(r),
                _ = tokio::signal::ctrl_c() => None,
            }
        });
        bar.finish_and_clear();
        // Don't wait for in-flight requests or parses of an interrupted run.
        rt.shutdown_background();
        match outcome {
            Some(r) => Ok(Ran::Done(r?)),
            None => Ok(Ran::Interrupted),
        }
    }

    /// Fetches every candidate and extracts its links. Fetching is async; parsing runs on
    /// one thread per core, fed by a bounded channel, so bodies waiting to be parsed stay
    /// bounded by the fetches in flight.
    ///
    /// A fixed pool rather than tokio's blocking pool: `spawn_blocking` starts a new thread
    /// whenever none is idle, and a few dozen threads each keeping the memory of the pages
    /// they parsed made the peak resident memory grow with the number of pages.
    async fn referring_pages(
        &self,
        sink: &mut dyn VerdictSink,
        mut seen: Observed,
        bar: &indicatif::ProgressBar,
    ) -> anyhow::Result<Observed> {
        let urls = (0..sink.len())
            .map(|i| sink.candidate(i).url.clone())
            .collect();
        let (tx, rx) = mpsc::channel(PARSE_QUEUE);
        tracing::info!(pages = sink.len(), source = self.source.kind(), "fetching");
        let fetch = tokio::spawn(Arc::clone(&self.source).fetch_all(urls, tx));
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let rx = Arc::new(std::sync::Mutex::new(rx));
        let (done_tx, mut done_rx) = mpsc::unbounded_channel();
        for n in 0..cores {
            let rx = Arc::clone(&rx);
            let done_tx = done_tx.clone();
            let target = Arc::clone(&self.target);
            let extract = self.extract;
            std::thread::Builder::new()
                .name(format!("parse-{n}"))
                .spawn(move || {
                    loop {
                        // One worker waits on the channel at a time; the others wait for the
                        // lock.
                        let next = rx
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .blocking_recv();
                        let Some((i, page)) = next else { break };
                        let v = guarded_verdict(page, &target, extract);
                        if done_tx.send((i, v)).is_err() {
                            break; // the run was cancelled
                        }
                    }
                })
                .context("cannot start a parsing thread")?;
        }
        drop(done_tx);
        let mut done = vec![false; sink.len()];
        while let Some((i, v)) = done_rx.recv().await {
            seen.observe(&self.target, i, sink.candidate(i), &v);
            done[i] = true;
            if !bar.is_hidden() {
                bar.set_message(crate::progress::current(sink.candidate(i).url.as_str(), 60));
            }
            sink.accept(i, v);
            bar.inc(1);
        }
        fetch.await.context("the page source crashed")?;
        let missing = done.iter().filter(|d| !**d).count();
        if missing > 0 {
            bail!("internal error: {missing} pages were never processed");
        }
        Ok(seen)
    }

    /// The target's own pages, the reclamation checks and the addresses, from the source.
    async fn target_side(&self, seen: &Observed, reads: TargetReads) -> anyhow::Result<Gathered> {
        let target = &self.target;
        let urls = seen.target_urls(target, reads.pages);
        let reclaim = self.reclaims(reads);
        let (linked, total) = match reclaim {
            true => seen.linked_target_urls(reads.reclaim_urls),
            false => (Vec::new(), 0),
        };
        let home_over_http = urls.first().and_then(plain_http_home);
        let mut seen_once = HashSet::new();
        let wanted: Vec<Url> = urls
            .iter()
            .chain(&linked)
            .chain(&home_over_http)
            .filter(|u| seen_once.insert(*u))
            .cloned()
            .collect();
        tracing::info!(
            target_pages = urls.len(),
            linked_urls = linked.len(),
            "reading the target's side"
        );
        if !wanted.is_empty() {
            self.source.prepare(&wanted).await?;
        }
        let (target_texts, profile_checks) = self.target_texts(&urls, home_over_http).await;
        let reclaim = match reclaim {
            true => Some(self.reclaim_checks(linked, total, profile_checks).await),
            false => None,
        };
        let dns = self.source.addresses(seen.live_hosts()).await;
        Ok(Gathered {
            target_texts,
            dns,
            reclaim,
        })
    }

    /// Whether the run checks linked target URLs for reclamation. It asks the target's own
    /// site too: a live source only when the run reads the target's pages at all.
    fn reclaims(&self, reads: TargetReads) -> bool {
        reads.reclaim_urls > 0 && (reads.pages > 0 || !self.source.live())
    }

    /// Reads the target pages' words (the first URL is the home page, read over plain HTTP
    /// when HTTPS gives nothing). Each answer is also judged for reclamation, so that no
    /// target URL is requested twice in a run.
    async fn target_texts(
        &self,
        urls: &[Url],
        home_over_http: Option<Url>,
    ) -> (Vec<TargetText>, Vec<Check>) {
        let pages = source::fetch_many(&self.source, urls).await;
        let checks: Vec<Check> = pages.iter().flatten().map(Check::of).collect();
        let mut texts: Vec<Option<TargetText>> = (0..pages.len()).map(|_| None).collect();
        let mut set = tokio::task::JoinSet::new();
        for (i, page) in pages.into_iter().enumerate() {
            if let Some(page) = page {
                set.spawn_blocking(move || (i, text_of(&page)));
            }
        }
        while let Some(done) = set.join_next().await {
            if let Ok((i, text)) = done {
                texts[i] = text;
            }
        }
        // A site without HTTPS: its home page over plain HTTP.
        if texts.first().is_some_and(Option::is_none)
            && let Some(plain) = home_over_http
        {
            let page = self.source.fetch(&plain).await;
            texts[0] = tokio::task::spawn_blocking(move || text_of(&page))
                .await
                .ok()
                .flatten();
        }
        (
            target::dedup_final(texts.into_iter().flatten().collect()),
            checks,
        )
    }

    /// Checks the linked target URLs, reusing the answers already fetched for the profile
    /// (`done`).
    async fn reclaim_checks(
        &self,
        linked: Vec<Url>,
        total: usize,
        done: Vec<Check>,
    ) -> ReclaimChecks {
        let wanted: HashSet<String> = linked.iter().map(ToString::to_string).collect();
        let fetched: HashSet<String> = done.iter().map(|c| c.url.clone()).collect();
        let rest: Vec<Url> = linked
            .into_iter()
            .filter(|u| !fetched.contains(u.as_str()))
            .collect();
        let mut checks: Vec<Check> = done
            .into_iter()
            .filter(|c| wanted.contains(&c.url))
            .collect();
        let pages = source::fetch_many(&self.source, &rest).await;
        checks.extend(pages.iter().flatten().map(Check::of));
        checks.sort_by(|a, b| a.url.cmp(&b.url));
        ReclaimChecks {
            checks,
            unchecked: total - wanted.len(),
            source: self.source.kind(),
        }
    }
}

/// The home page over plain HTTP, when `home` is the HTTPS home page.
fn plain_http_home(home: &Url) -> Option<Url> {
    if home.scheme() != "https" || home.path() != "/" {
        return None;
    }
    let mut plain = home.clone();
    plain.set_scheme("http").ok()?;
    Some(plain)
}

/// The words of a fetched target page (parsing: run it off the async threads).
fn text_of(page: &FetchedPage) -> Option<TargetText> {
    match &page.outcome {
        FetchOutcome::Html(body) => Some(target_text(&body.text, &page.final_url)),
        _ => None,
    }
}

/// A multi-threaded runtime for the fetches.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Runs `extract` on a page. Parsing is third-party code on hostile input: a panic there
/// becomes this page's `parse-failed` error instead of ending the run.
fn guarded_verdict(
    page: FetchedPage,
    target: &Target,
    extract: impl FnOnce(FetchedPage, &Target) -> PageVerdict,
) -> PageVerdict {
    let status = match &page.outcome {
        FetchOutcome::Html(body) => Some(body.status),
        _ => None,
    };
    let shell = FetchedPage {
        url: page.url.clone(),
        final_url: page.final_url.clone(),
        redirects: page.redirects.clone(),
        outcome: FetchOutcome::Failed {
            error: FetchError::ParseFailed,
            status,
        },
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| extract(page, target))) {
        Ok(v) => v,
        Err(_) => {
            warn(&format!(
                "{}: reading the page failed; it is reported as `parse-failed`",
                shell.url
            ));
            // Not HTML any more: nothing is parsed this time.
            crate::extract::verdict(shell, target)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EncodingSource, HtmlBody, VerdictOutcome};

    /// A source of pages held in memory, not live: what a new source needs to provide.
    struct Memory {
        pages: std::collections::HashMap<Url, (u16, String)>,
        fetched: std::sync::Mutex<Vec<Url>>,
        prepared: std::sync::Mutex<Vec<Url>>,
    }

    impl PageSource for Memory {
        fn kind(&self) -> &'static str {
            "memory"
        }
        fn name(&self) -> &str {
            "memory"
        }
        fn live(&self) -> bool {
            false
        }
        fn fetch<'a>(&'a self, url: &'a Url) -> BoxFuture<'a, FetchedPage> {
            self.fetched.lock().unwrap().push(url.clone());
            let outcome = match self.pages.get(url) {
                Some((200, html)) => FetchOutcome::Html(HtmlBody {
                    status: 200,
                    text: html.clone(),
                    encoding: "UTF-8",
                    encoding_source: EncodingSource::Header,
                    x_robots_tag: Vec::new(),
                }),
                Some((status, _)) => FetchOutcome::HttpError { status: *status },
                None => FetchOutcome::Skipped(crate::model::SkipReason::NotInArchive),
            };
            let page = FetchedPage {
                url: url.clone(),
                final_url: url.clone(),
                redirects: Vec::new(),
                outcome,
            };
            Box::pin(async move { page })
        }
        fn fetch_all(
            self: Arc<Self>,
            urls: Vec<Url>,
            tx: source::PageSender,
        ) -> BoxFuture<'static, ()> {
            Box::pin(source::fetch_each(self, urls, tx, 4))
        }
        fn prepare<'a>(&'a self, urls: &'a [Url]) -> BoxFuture<'a, anyhow::Result<()>> {
            self.prepared.lock().unwrap().extend(urls.iter().cloned());
            Box::pin(async { Ok(()) })
        }
        fn addresses(
            &self,
            hosts: std::collections::BTreeMap<String, String>,
        ) -> BoxFuture<'_, Dns> {
            Box::pin(async move { Dns::Skipped(format!("{} hosts", hosts.len())) })
        }
    }

    /// A sink that records the order verdicts come in.
    struct Record {
        inner: Collect,
        order: Vec<usize>,
    }

    impl VerdictSink for Record {
        fn len(&self) -> usize {
            self.inner.len()
        }
        fn candidate(&self, index: usize) -> &Candidate {
            self.inner.candidate(index)
        }
        fn accept(&mut self, index: usize, verdict: PageVerdict) {
            self.order.push(index);
            self.inner.accept(index, verdict);
        }
    }

    #[test]
    fn any_source_runs_the_whole_stage() {
        let u = |s: &str| Url::parse(s).unwrap();
        let article = |href: &str| {
            format!(
                "<html><body><article><p>A long review of many things, written with care. \
                 <a href=\"{href}\">Example</a> was the best of them.</p></article></body></html>"
            )
        };
        let pages = std::collections::HashMap::from([
            (
                u("https://a.blog.test/1"),
                (200, article("https://example.com/shoes")),
            ),
            (
                u("https://b.news.test/2"),
                (200, article("https://example.com/shoes")),
            ),
            (u("https://c.gone.test/3"), (404, String::new())),
            (
                u("https://example.com/"),
                (
                    200,
                    "<title>Example shoes</title><p>Trail shoes.</p>".into(),
                ),
            ),
            (u("https://example.com/shoes"), (404, String::new())),
        ]);
        let source = Arc::new(Memory {
            pages,
            fetched: Default::default(),
            prepared: Default::default(),
        });
        let target = Target::parse("example.com").unwrap();
        let candidates: Vec<Candidate> = [
            "https://a.blog.test/1",
            "https://b.news.test/2",
            "https://c.gone.test/3",
        ]
        .iter()
        .map(|s| {
            let url = u(s);
            Candidate {
                domain: crate::model::host::domain_of(&url),
                url,
                provenance: Vec::new(),
            }
        })
        .collect();
        let mut sink = Record {
            inner: Collect::new(candidates),
            order: Vec::new(),
        };
        let pipeline = Pipeline::new(source.clone(), &target, false);
        let reads = TargetReads {
            pages: 5,
            reclaim_urls: 5,
        };
        let Ran::Done(gathered) = pipeline.run(&mut sink, reads).unwrap() else {
            panic!("not interrupted")
        };
        // Every candidate's verdict came once.
        let mut order = sink.order.clone();
        order.sort();
        assert_eq!(order, [0, 1, 2]);
        let verdicts = sink.inner.into_verdicts().unwrap();
        assert_eq!(verdicts[2].1.http_status, Some(404));
        // The target side went through the same source, prepared in one batch: the home page
        // and the linked URL (and the home page over plain HTTP).
        let prepared: Vec<String> = source
            .prepared
            .lock()
            .unwrap()
            .iter()
            .map(Url::to_string)
            .collect();
        assert_eq!(
            prepared,
            [
                "https://example.com/",
                "https://example.com/shoes",
                "http://example.com/"
            ]
        );
        assert_eq!(gathered.target_texts.len(), 1, "the home page is read");
        let reclaim = gathered.reclaim.expect("a copy of the web is checked");
        assert_eq!(reclaim.source, "memory");
        assert_eq!(reclaim.checks.len(), 1);
        assert_eq!(reclaim.checks[0].url, "https://example.com/shoes");
        assert_eq!(reclaim.unchecked, 0);
        // Two live domains asked for addresses; the linked URL was fetched once only.
        assert_eq!(gathered.dns, Dns::Skipped("2 hosts".into()));
        let fetched = source.fetched.lock().unwrap();
        assert_eq!(fetched.iter().filter(|f| f.path() == "/shoes").count(), 1);
        assert!(
            !fetched.iter().any(|f| f.scheme() == "http"),
            "the home page answered over HTTPS"
        );
    }

    #[test]
    fn a_parser_panic_is_one_page_error() {
        let url = url::Url::parse("https://blog.test/p").unwrap();
        let page = FetchedPage {
            url: url.clone(),
            final_url: url,
            redirects: Vec::new(),
            outcome: FetchOutcome::Html(HtmlBody {
                status: 200,
                text: "<p>x</p>".into(),
                encoding: "UTF-8",
                encoding_source: EncodingSource::Header,
                x_robots_tag: Vec::new(),
            }),
        };
        let target = Target::parse("example.com").unwrap();
        let v = guarded_verdict(page, &target, |_, _| panic!("hostile page"));
        assert_eq!(v.http_status, Some(200));
        assert!(matches!(
            v.outcome,
            VerdictOutcome::Failed(FetchError::ParseFailed)
        ));
    }

    #[test]
    fn the_home_page_is_retried_over_plain_http_only() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            plain_http_home(&u("https://example.com/")),
            Some(u("http://example.com/"))
        );
        assert_eq!(plain_http_home(&u("https://example.com/a")), None);
        assert_eq!(plain_http_home(&u("http://example.com/")), None);
    }

    #[test]
    fn collected_verdicts_pair_in_candidate_order() {
        let target = Target::parse("example.com").unwrap();
        let c = |s: &str| Candidate {
            url: Url::parse(s).unwrap(),
            domain: "blog.test".into(),
            provenance: Vec::new(),
        };
        let skipped = |c: &Candidate| {
            crate::extract::verdict(
                FetchedPage {
                    url: c.url.clone(),
                    final_url: c.url.clone(),
                    redirects: Vec::new(),
                    outcome: FetchOutcome::Skipped(crate::model::SkipReason::NotInArchive),
                },
                &target,
            )
        };
        let candidates = vec![c("https://blog.test/a"), c("https://blog.test/b")];
        let mut sink = Collect::new(candidates.clone());
        assert_eq!(sink.len(), 2);
        sink.accept(1, skipped(&candidates[1]));
        let err = sink.into_verdicts();
        assert!(err.is_err(), "a missing verdict is an internal error");
        let mut sink = Collect::new(candidates.clone());
        sink.accept(1, skipped(&candidates[1]));
        sink.accept(0, skipped(&candidates[0]));
        assert_eq!(sink.candidate(1).url, candidates[1].url);
        let paired = sink.into_verdicts().unwrap();
        assert_eq!(paired[0].0.url.path(), "/a");
        assert!(paired.iter().all(|(_, v)| v.http_status.is_none()));
    }
}
