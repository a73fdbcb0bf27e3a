//! Discover stage: candidate referring pages found in Common Crawl's data instead of a paid
//! export. This module implements the whole-crawl scan of WAT files (issue 20, tier 3): every
//! link to the target's hosts in the captured pages' outlinks, with anchor text, `rel`, capture
//! date and the file and offset it was read from; and the referring domains of the target in
//! Common Crawl's domain-level web graph (tier 1, [`graph`], downloaded by [`fetch`]). The
//! columnar index with WARC captures (tier 2) is not part of it.
//!
//! Inputs (local files, plain or gzip, and http(s) URLs) are read by a pool of threads, one
//! input each at a time; the links go through a bounded channel to one collector, which keeps
//! one row per (referring page, target URL): the earliest capture. Memory follows the number
//! of links to the target, never the size of the inputs. The rows come out sorted, so the
//! result does not depend on which thread finished first, and the Spark driver in
//! `contrib/spark/` reproduces it exactly.

pub mod fetch;
pub mod graph;
pub mod http;
pub mod wat;

pub use wat::{ScanStats, Scanner, WatLink, crawl_of};

use crate::model::Target;
use anyhow::Context;
use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;
use url::Url;

/// One WAT input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A local file.
    File(PathBuf),
    /// An http(s) URL.
    Url(Url),
}

impl Input {
    /// An input as written on the command line: an http(s) URL, else a path.
    pub fn parse(s: &str) -> anyhow::Result<Input> {
        let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            let url = Url::parse(s).with_context(|| format!("invalid URL `{s}`"))?;
            Ok(Input::Url(url))
        } else {
            Ok(Input::File(PathBuf::from(s)))
        }
    }

    /// The input as rows name it.
    pub fn name(&self) -> String {
        match self {
            Input::File(p) => p.to_string_lossy().into_owned(),
            Input::Url(u) => u.to_string(),
        }
    }
}

/// How the inputs are read.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Inputs read at once (threads).
    pub jobs: usize,
    /// Downloads.
    pub http: http::HttpSettings,
}

/// What a scan found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// One row per (referring page, target URL), sorted by them.
    pub links: Vec<WatLink>,
    /// The counts of every input, added up.
    pub stats: ScanStats,
}

impl Discovery {
    /// Distinct referring pages.
    pub fn pages(&self) -> usize {
        let mut n = 0;
        let mut last: Option<&str> = None;
        for l in &self.links {
            if last != Some(l.source_url.as_str()) {
                n += 1;
                last = Some(&l.source_url);
            }
        }
        n
    }
}

/// Progress of a scan, shared by the reading threads: bytes and records so far, and the
/// inputs' total size as far as it is known.
#[derive(Debug, Default)]
pub struct Meter {
    /// Compressed bytes read.
    pub bytes: AtomicU64,
    /// Records read.
    pub records: AtomicU64,
    /// Sum of the sizes of the inputs opened so far (files, and downloads that gave a length).
    pub total: AtomicU64,
    /// Links to the target found so far.
    pub links: AtomicU64,
}

impl wat::Progress for Meter {
    fn advance(&self, bytes: u64, records: u64) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.records.fetch_add(records, Ordering::Relaxed);
    }
}

/// Rows in flight between the reading threads and the collector.
const CHANNEL_ROWS: usize = 4096;

/// Reads every input, `opts.jobs` at a time, and merges their links. `tick` is called about
/// five times a second with the meter (for a progress bar). The first input that cannot be
/// read ends the scan with an error naming it; nothing of the others is returned.
pub fn scan(
    target: &Target,
    inputs: &[Input],
    opts: &ScanOptions,
    tick: &mut dyn FnMut(&Meter),
) -> anyhow::Result<Discovery> {
    // Missing files are reported before anything is read.
    for input in inputs {
        if let Input::File(p) = input {
            let m =
                std::fs::metadata(p).with_context(|| format!("cannot read `{}`", p.display()))?;
            if m.is_dir() {
                anyhow::bail!("cannot read `{}`: it is a directory", p.display());
            }
        }
    }
    let runtime = if inputs.iter().any(|i| matches!(i, Input::Url(_))) {
        Some(crate::pipeline::runtime()?)
    } else {
        None
    };
    let client = match &runtime {
        Some(rt) => {
            // The client's connection pool lives on the runtime.
            let _in = rt.enter();
            Some(http::client(&opts.http)?)
        }
        None => None,
    };
    let meter = Meter::default();
    let next = AtomicUsize::new(0);
    let abort = Arc::new(AtomicBool::new(false));
    let scanner = Scanner::new(target);
    let (tx, rx) = mpsc::sync_channel::<WatLink>(CHANNEL_ROWS);
    let jobs = opts.jobs.clamp(1, inputs.len().max(1));
    let mut kept: BTreeMap<(String, String), WatLink> = BTreeMap::new();
    let results: Vec<(usize, anyhow::Result<ScanStats>)> = std::thread::scope(|s| {
        let mut workers = Vec::new();
        for _ in 0..jobs {
            let tx = tx.clone();
            let (meter, next, abort, scanner) = (&meter, &next, &abort, &scanner);
            let handle = runtime.as_ref().map(|r| r.handle().clone());
            let client = client.clone();
            let http = opts.http.clone();
            workers.push(s.spawn(move || {
                // Responses and connections are dropped on this thread: inside the runtime.
                let _in = handle.as_ref().map(tokio::runtime::Handle::enter);
                let mut done = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= inputs.len() || abort.load(Ordering::Relaxed) {
                        break;
                    }
                    let input = &inputs[i];
                    let name = input.name();
                    let opened = open(input, handle.as_ref(), client.as_ref(), &http, meter);
                    let result = opened.and_then(|reader| {
                        let reader = Abortable {
                            inner: reader,
                            abort,
                        };
                        let crawl = crawl_of(&name);
                        let mut send = |l: WatLink| {
                            meter.links.fetch_add(1, Ordering::Relaxed);
                            // The collector only goes away when the scan is over.
                            let _ = tx.send(l);
                        };
                        scanner
                            .scan(&name, crawl.as_deref(), reader, meter, &mut send)
                            .map_err(anyhow::Error::from)
                    });
                    let result = result.with_context(|| format!("cannot read `{name}`"));
                    if result.is_err() {
                        abort.store(true, Ordering::Relaxed);
                    }
                    done.push((i, result));
                }
                done
            }));
        }
        drop(tx);
        loop {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(link) => keep(&mut kept, link),
                Err(mpsc::RecvTimeoutError::Timeout) => tick(&meter),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        tick(&meter);
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut results = results;
    results.sort_by_key(|(i, _)| *i);
    let mut stats = ScanStats::default();
    // The first failing input in command-line order is reported (another thread's input may
    // have been stopped because of it).
    let mut first_error = None;
    let mut any_error = None;
    for (_, r) in results {
        match r {
            Ok(s) => stats.add(&s),
            Err(e) if first_error.is_none() && !is_aborted(&e) => first_error = Some(e),
            Err(e) => {
                any_error.get_or_insert(e);
            }
        }
    }
    // Never a partial result: if only stopped inputs failed, one of them is the error.
    if let Some(e) = first_error.or(any_error) {
        return Err(e);
    }
    Ok(Discovery {
        links: kept.into_values().collect(),
        stats,
    })
}

/// Keeps the row with the earliest capture of each (page, target URL).
fn keep(kept: &mut BTreeMap<(String, String), WatLink>, link: WatLink) {
    use std::collections::btree_map::Entry;
    match kept.entry((link.source_url.clone(), link.target_url.clone())) {
        Entry::Vacant(v) => {
            v.insert(link);
        }
        Entry::Occupied(mut o) => {
            if link.precedence() < o.get().precedence() {
                o.insert(link);
            }
        }
    }
}

fn open(
    input: &Input,
    handle: Option<&tokio::runtime::Handle>,
    client: Option<&reqwest::Client>,
    settings: &http::HttpSettings,
    meter: &Meter,
) -> anyhow::Result<Box<dyn Read + Send>> {
    match input {
        Input::File(p) => {
            let f = std::fs::File::open(p)?;
            if let Ok(m) = f.metadata() {
                meter.total.fetch_add(m.len(), Ordering::Relaxed);
            }
            Ok(Box::new(f))
        }
        Input::Url(u) => {
            let (Some(handle), Some(client)) = (handle, client) else {
                anyhow::bail!("no HTTP client")
            };
            let r = http::HttpReader::open(
                handle.clone(),
                client.clone(),
                u.clone(),
                settings.clone(),
            )?;
            if let Some(len) = r.length() {
                meter.total.fetch_add(len, Ordering::Relaxed);
            }
            Ok(Box::new(r))
        }
    }
}

/// The error an input stopped by another input's failure reads with.
#[derive(Debug, thiserror::Error)]
#[error("stopped: another input could not be read")]
struct Aborted;

fn is_aborted(e: &anyhow::Error) -> bool {
    // The decoders wrap the reader's io::Error in io::Errors of their own, more or less deep,
    // and some keep only its text: look for the type at every depth, and for its message.
    let message = Aborted.to_string();
    e.chain().any(|c| {
        let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(c);
        while let Some(err) = cur {
            if err.is::<Aborted>()
                || err
                    .downcast_ref::<io::Error>()
                    .and_then(|io| io.get_ref())
                    .is_some_and(|inner| inner.is::<Aborted>())
                || err.to_string().contains(&message)
            {
                return true;
            }
            cur = err.source();
        }
        false
    })
}

/// Stops reading once another input has failed.
struct Abortable<'a, R> {
    inner: R,
    abort: &'a AtomicBool,
}

impl<R: Read> Read for Abortable<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.abort.load(Ordering::Relaxed) {
            return Err(io::Error::other(Aborted));
        }
        self.inner.read(buf)
    }
}

/// The CSV header of `discover wat` (also how `audit --from` recognises the file).
pub const CSV_HEADER: [&str; 8] = [
    "source_url",
    "target_url",
    "anchor_text",
    "rel",
    "captured_at",
    "crawl",
    "wat_file",
    "wat_record_offset",
];

/// Writes the rows as CSV, one per link, under [`CSV_HEADER`]. Anchor texts that a
/// spreadsheet would run as a formula are neutralised as in every CSV this tool writes.
pub fn write_csv(links: &[WatLink], w: &mut dyn Write) -> io::Result<()> {
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(w);
    csv.write_record(CSV_HEADER)?;
    for l in links {
        let offset = l.wat_record_offset.to_string();
        csv.write_record([
            l.source_url.as_str(),
            &l.target_url,
            &crate::report::sanitize::csv_cell(&l.anchor_text),
            &l.rel.join(" "),
            &l.captured_at,
            &l.crawl,
            &l.wat_file,
            &offset,
        ])?;
    }
    csv.flush()
}

/// Writes the rows as JSON Lines, one object per link, then one `{"summary": ...}` line with
/// the counts.
pub fn write_jsonl(links: &[WatLink], stats: &ScanStats, w: &mut dyn Write) -> io::Result<()> {
    for l in links {
        crate::report::sanitize::write_json(&mut *w, l, false)?;
        w.write_all(b"\n")?;
    }
    #[derive(serde::Serialize)]
    struct Summary<'a> {
        summary: &'a ScanStats,
    }
    crate::report::sanitize::write_json(&mut *w, &Summary { summary: stats }, false)?;
    w.write_all(b"\n")
}
