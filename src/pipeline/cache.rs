//! `audit --cache`: pages fetched from the network are kept, as they arrive, in a SQLite file
//! in the data directory, and a later run with `--cache` reads the pages fetched less than
//! `--max-cache-age` ago instead of requesting them again (as lychee's `--cache`). Above all
//! this makes a long polite crawl that was interrupted (Ctrl-C, a reboot, a CI timeout)
//! resumable: the same command finishes it without refetching what it already has.
//!
//! [`CachedSource`] wraps the network's [`PageSource`]. What is kept: the fetch result as the
//! extract stage reads it (final URL, redirects, status, decoded HTML, encoding), compressed.
//! Only answers worth keeping are kept: HTML and other 2xx pages, 4xx answers but 408 and
//! 429, and robots.txt refusals; timeouts, connection failures and 5xx answers are asked
//! again next time. Entries are keyed by URL and by what changes a site's answer (User-Agent,
//! headers, robots.txt, private addresses, body limit), so a run with other fetch settings
//! does not read them. A page read from the cache says so in the report (`cached_at`, and the
//! `cached-pages` warning): its verification is as old as its fetch.

use super::source::{BoxFuture, PageSender, PageSource};
use crate::model::{
    Audit, EncodingSource, FetchOutcome, FetchedPage, HtmlBody, RedirectHop, SkipReason, Warning,
};
use crate::score::link_network::Dns;
use anyhow::Context;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::mpsc;
use url::Url;

/// The cache file's name in the data directory.
pub const FILE: &str = "cache.sqlite3";

/// The warning code of an audit that read pages from the cache.
pub const CACHED_PAGES: &str = "cached-pages";

/// `--cache`: where, and how old an entry may be.
#[derive(Debug, Clone, PartialEq)]
pub struct CacheSettings {
    /// The cache file.
    pub path: PathBuf,
    /// Entries older than this are fetched again.
    pub max_age: Duration,
}

/// The pages read from the cache, by URL, with the time each was fetched.
#[derive(Debug, Default)]
pub struct CacheLog {
    hits: Mutex<BTreeMap<String, jiff::Timestamp>>,
}

impl CacheLog {
    fn hit(&self, url: &Url, at: jiff::Timestamp) {
        self.hits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(url.to_string(), at);
    }
}

/// A [`PageSource`] that answers from the cache when it can and keeps what `inner` fetched.
pub struct CachedSource {
    inner: Arc<dyn PageSource>,
    /// The connection lookups use (one at a time: lookups are quick, the fetches are not).
    reader: Mutex<Connection>,
    /// Fetched pages on their way to the writer thread.
    writer: std::sync::mpsc::Sender<Entry>,
    scope: String,
    max_age: Duration,
    log: Arc<CacheLog>,
}

/// One page to keep.
struct Entry {
    key: String,
    fetched_at: i64,
    record: Vec<u8>,
}

impl CachedSource {
    /// Opens (or creates) the cache file and wraps `inner`; `scope` names the fetch settings
    /// that change a site's answer (see [`scope`]).
    pub fn open(
        inner: Arc<dyn PageSource>,
        settings: &CacheSettings,
        scope: String,
    ) -> anyhow::Result<(CachedSource, Arc<CacheLog>)> {
        let path = &settings.path;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| {
                format!("cannot create the cache directory `{}`", dir.display())
            })?;
        }
        let reader = connect(path)?;
        reader
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, fetched_at INTEGER NOT \
                 NULL, record BLOB NOT NULL) WITHOUT ROWID;",
            )
            .map_err(|e| cache_error(path, e))?;
        let writer = spawn_writer(connect(path)?, path.to_path_buf());
        let log = Arc::new(CacheLog::default());
        Ok((
            CachedSource {
                inner,
                reader: Mutex::new(reader),
                writer,
                scope,
                max_age: settings.max_age,
                log: Arc::clone(&log),
            },
            log,
        ))
    }

    fn key(&self, url: &Url) -> String {
        format!("{}\n{url}", self.scope)
    }

    /// The cached page of `url`, if one younger than the maximum age is there.
    fn lookup(&self, url: &Url) -> Option<FetchedPage> {
        let oldest = jiff::Timestamp::now().as_second() - self.max_age.as_secs() as i64;
        let found: Option<(i64, Vec<u8>)> = self
            .reader
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .query_row(
                "SELECT fetched_at, record FROM pages WHERE key = ?1 AND fetched_at > ?2",
                params![self.key(url), oldest],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            // A damaged entry or file is a miss: the page is fetched again.
            .ok()
            .flatten();
        let (at, record) = found?;
        let page = decode(&record)?;
        // An entry of another URL under this key cannot happen, but it must not be read.
        if page.url != *url {
            return None;
        }
        self.log.hit(url, jiff::Timestamp::from_second(at).ok()?);
        Some(page)
    }

    fn keep(&self, page: &FetchedPage) {
        if !worth_keeping(&page.outcome) {
            return;
        }
        let Some(record) = encode(page) else { return };
        // The writer thread ended (a failed write was reported): the run goes on uncached.
        let _ = self.writer.send(Entry {
            key: self.key(&page.url),
            fetched_at: jiff::Timestamp::now().as_second(),
            record,
        });
    }
}

impl PageSource for CachedSource {
    fn kind(&self) -> &'static str {
        self.inner.kind()
    }

    fn name(&self) -> &str {
        self.inner.name()
    }

    fn live(&self) -> bool {
        self.inner.live()
    }

    fn fetch<'a>(&'a self, url: &'a Url) -> BoxFuture<'a, FetchedPage> {
        Box::pin(async move {
            if let Some(page) = self.lookup(url) {
                return page;
            }
            let page = self.inner.fetch(url).await;
            self.keep(&page);
            page
        })
    }

    fn fetch_all(self: Arc<Self>, urls: Vec<Url>, tx: PageSender) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            // Cached pages go first, then the network fetches the rest with its politeness.
            let mut missing = Vec::new();
            let mut index = Vec::new();
            for (i, url) in urls.into_iter().enumerate() {
                match self.lookup(&url) {
                    Some(page) => {
                        if tx.send((i, page)).await.is_err() {
                            return;
                        }
                    }
                    None => {
                        index.push(i);
                        missing.push(url);
                    }
                }
            }
            tracing::info!(
                cached = self.log.hits.lock().map_or(0, |h| h.len()),
                to_fetch = missing.len(),
                "cache read"
            );
            if missing.is_empty() {
                return;
            }
            let (inner_tx, mut inner_rx) = mpsc::channel(64);
            let fetch = tokio::spawn(Arc::clone(&self.inner).fetch_all(missing, inner_tx));
            while let Some((j, page)) = inner_rx.recv().await {
                self.keep(&page);
                if tx.send((index[j], page)).await.is_err() {
                    break;
                }
            }
            let _ = fetch.await;
        })
    }

    fn prepare<'a>(&'a self, urls: &'a [Url]) -> BoxFuture<'a, anyhow::Result<()>> {
        self.inner.prepare(urls)
    }

    fn addresses(&self, hosts: BTreeMap<String, String>) -> BoxFuture<'_, Dns> {
        self.inner.addresses(hosts)
    }
}

/// What changes a site's answer, as one line: pages fetched under other settings are not read.
pub fn scope(fetch: &crate::settings::FetchSettings) -> String {
    let mut headers: Vec<String> = fetch
        .headers
        .value
        .iter()
        .map(|(n, v)| format!("{}:{v}", n.to_ascii_lowercase()))
        .collect();
    headers.sort();
    let mut private = fetch.allow_private_hosts.value.clone();
    private.sort();
    let line = format!(
        "v1 ua={:?} headers={headers:?} robots={} private={}/{private:?} max-body={}",
        fetch.user_agent.value,
        fetch.respect_robots.value,
        fetch.allow_private.value,
        fetch.max_body.value,
    );
    crate::settings::sha256_hex(line.as_bytes())[..16].to_string()
}

/// Whether the next run should read this answer instead of asking again.
fn worth_keeping(outcome: &FetchOutcome) -> bool {
    match outcome {
        FetchOutcome::Html(_) | FetchOutcome::NotHtml { .. } => true,
        FetchOutcome::HttpError { status } => {
            (400..500).contains(status) && !matches!(status, 408 | 429)
        }
        FetchOutcome::Skipped(reason) => *reason == SkipReason::RobotsDisallowed,
        FetchOutcome::Failed { .. } => false,
    }
}

fn connect(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open(path).map_err(|e| cache_error(path, e))?;
    // WAL: the writer commits while lookups read; NORMAL: a crash loses at most the last
    // commits, never the file.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;",
    )
    .map_err(|e| cache_error(path, e))?;
    Ok(conn)
}

fn cache_error(path: &Path, e: rusqlite::Error) -> anyhow::Error {
    anyhow::Error::new(e).context(format!(
        "cannot use the page cache `{}` (delete it to start afresh)",
        path.display()
    ))
}

/// The writer: commits what has arrived, in one transaction per batch, so that a page is on
/// disk a moment after it was fetched and an interruption loses at most the last batch.
fn spawn_writer(mut conn: Connection, path: PathBuf) -> std::sync::mpsc::Sender<Entry> {
    let (tx, rx) = std::sync::mpsc::channel::<Entry>();
    let spawned = std::thread::Builder::new()
        .name("cache-writer".into())
        .spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut batch = vec![first];
                while batch.len() < 256 {
                    match rx.try_recv() {
                        Ok(e) => batch.push(e),
                        Err(_) => break,
                    }
                }
                if let Err(e) = write_batch(&mut conn, &batch) {
                    crate::output::warn(&format!(
                        "{:#}; the rest of the run is not cached",
                        cache_error(&path, e)
                    ));
                    return;
                }
            }
        });
    if spawned.is_err() {
        crate::output::warn("cannot start the page cache's writer; the run is not cached");
    }
    tx
}

fn write_batch(conn: &mut Connection, batch: &[Entry]) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare_cached(
            "INSERT OR REPLACE INTO pages (key, fetched_at, record) VALUES (?1, ?2, ?3)",
        )?;
        for e in batch {
            stmt.execute(params![e.key, e.fetched_at, e.record])?;
        }
    }
    tx.commit()
}

/// The stored form of a [`FetchedPage`].
#[derive(Serialize, Deserialize)]
struct Record {
    url: String,
    final_url: String,
    redirects: Vec<(String, u16)>,
    outcome: Outcome,
}

#[derive(Serialize, Deserialize)]
enum Outcome {
    Html {
        status: u16,
        text: String,
        encoding: String,
        encoding_source: u8,
        x_robots_tag: Vec<String>,
    },
    NotHtml {
        status: u16,
        content_type: String,
    },
    HttpError {
        status: u16,
    },
    RobotsDisallowed,
}

const ENCODING_SOURCES: [EncodingSource; 4] = [
    EncodingSource::Bom,
    EncodingSource::Header,
    EncodingSource::Meta,
    EncodingSource::Detected,
];

fn encode(page: &FetchedPage) -> Option<Vec<u8>> {
    let outcome = match &page.outcome {
        FetchOutcome::Html(h) => Outcome::Html {
            status: h.status,
            text: h.text.clone(),
            encoding: h.encoding.to_string(),
            encoding_source: ENCODING_SOURCES
                .iter()
                .position(|s| *s == h.encoding_source)? as u8,
            x_robots_tag: h.x_robots_tag.clone(),
        },
        FetchOutcome::NotHtml {
            status,
            content_type,
        } => Outcome::NotHtml {
            status: *status,
            content_type: content_type.clone(),
        },
        FetchOutcome::HttpError { status } => Outcome::HttpError { status: *status },
        FetchOutcome::Skipped(SkipReason::RobotsDisallowed) => Outcome::RobotsDisallowed,
        FetchOutcome::Skipped(_) | FetchOutcome::Failed { .. } => return None,
    };
    let record = Record {
        url: page.url.to_string(),
        final_url: page.final_url.to_string(),
        redirects: page
            .redirects
            .iter()
            .map(|h| (h.url.clone(), h.status))
            .collect(),
        outcome,
    };
    let json = serde_json::to_vec(&record).ok()?;
    // Fast compression: a page of 77 KB takes about a quarter of a millisecond.
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(&json).ok()?;
    z.finish().ok()
}

fn decode(bytes: &[u8]) -> Option<FetchedPage> {
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(bytes)
        .read_to_end(&mut json)
        .ok()?;
    let r: Record = serde_json::from_slice(&json).ok()?;
    let outcome = match r.outcome {
        Outcome::Html {
            status,
            text,
            encoding,
            encoding_source,
            x_robots_tag,
        } => FetchOutcome::Html(HtmlBody {
            status,
            text,
            // The names are WHATWG labels of encoding_rs, whose names are static.
            encoding: encoding_rs::Encoding::for_label(encoding.as_bytes())?.name(),
            encoding_source: *ENCODING_SOURCES.get(usize::from(encoding_source))?,
            x_robots_tag,
        }),
        Outcome::NotHtml {
            status,
            content_type,
        } => FetchOutcome::NotHtml {
            status,
            content_type,
        },
        Outcome::HttpError { status } => FetchOutcome::HttpError { status },
        Outcome::RobotsDisallowed => FetchOutcome::Skipped(SkipReason::RobotsDisallowed),
    };
    Some(FetchedPage {
        url: Url::parse(&r.url).ok()?,
        final_url: Url::parse(&r.final_url).ok()?,
        redirects: r
            .redirects
            .into_iter()
            .map(|(url, status)| RedirectHop { url, status })
            .collect(),
        outcome,
    })
}

/// Marks the pages read from the cache (`cached_at`) and says how many there were, and how
/// old the oldest is, in the `cached-pages` warning.
pub fn annotate(audit: &mut Audit, log: &CacheLog, max_age: Duration) {
    let hits = log.hits.lock().unwrap_or_else(PoisonError::into_inner);
    if hits.is_empty() {
        return;
    }
    let by_url: HashMap<&str, &jiff::Timestamp> =
        hits.iter().map(|(u, t)| (u.as_str(), t)).collect();
    let mut marked = 0;
    for page in &mut audit.pages {
        if let Some(at) = by_url.get(page.source_url.as_str()) {
            page.cached_at = Some(at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
            marked += 1;
        }
    }
    let oldest = hits.values().min().copied();
    let age = oldest.map_or(0, |t| {
        (jiff::Timestamp::now().as_second() - t.as_second()).max(0)
    });
    audit.warnings.push(Warning {
        code: CACHED_PAGES,
        message: format!(
            "{marked} of {} referring pages were read from the page cache (--cache), not \
             fetched now: the oldest was fetched {} ago (--max-cache-age {})",
            audit.pages.len(),
            human(age as u64),
            human(max_age.as_secs()),
        ),
    });
}

/// `90 s`, `12 min`, `5 h`, `2 d`.
fn human(secs: u64) -> String {
    match secs {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s if s < 172_800 => format!("{} h", s / 3600),
        s => format!("{} d", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FetchError;

    fn page(outcome: FetchOutcome) -> FetchedPage {
        FetchedPage {
            url: Url::parse("https://blog.test/a").unwrap(),
            final_url: Url::parse("https://blog.test/b").unwrap(),
            redirects: vec![RedirectHop {
                url: "https://blog.test/a".into(),
                status: 301,
            }],
            outcome,
        }
    }

    #[test]
    fn pages_round_trip_through_their_stored_form() {
        let html = page(FetchOutcome::Html(HtmlBody {
            status: 200,
            text: "<p>Grüße <a href=\"https://example.com/\">x</a></p>".into(),
            encoding: "windows-1252",
            encoding_source: EncodingSource::Meta,
            x_robots_tag: vec!["noindex".into()],
        }));
        let back = decode(&encode(&html).unwrap()).unwrap();
        assert_eq!(back.url, html.url);
        assert_eq!(back.final_url, html.final_url);
        assert_eq!(back.redirects, html.redirects);
        let (FetchOutcome::Html(a), FetchOutcome::Html(b)) = (&back.outcome, &html.outcome) else {
            panic!("not html");
        };
        assert_eq!(
            (
                a.status,
                &a.text,
                a.encoding,
                a.encoding_source,
                &a.x_robots_tag
            ),
            (
                b.status,
                &b.text,
                b.encoding,
                b.encoding_source,
                &b.x_robots_tag
            )
        );
        let gone = decode(&encode(&page(FetchOutcome::HttpError { status: 410 })).unwrap());
        assert!(matches!(
            gone.unwrap().outcome,
            FetchOutcome::HttpError { status: 410 }
        ));
        assert!(decode(b"not zlib").is_none());
    }

    #[test]
    fn failures_worth_asking_again_are_not_kept() {
        assert!(worth_keeping(&FetchOutcome::HttpError { status: 404 }));
        assert!(!worth_keeping(&FetchOutcome::HttpError { status: 429 }));
        assert!(!worth_keeping(&FetchOutcome::HttpError { status: 503 }));
        assert!(!worth_keeping(&FetchOutcome::Failed {
            error: FetchError::Timeout,
            status: None
        }));
        assert!(!worth_keeping(&FetchOutcome::Skipped(
            SkipReason::RobotsUnavailable
        )));
        assert!(worth_keeping(&FetchOutcome::Skipped(
            SkipReason::RobotsDisallowed
        )));
    }
}
