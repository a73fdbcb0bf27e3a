//! `backlinks audit`: ingest → crawl (or archive) → extract → score → report.

use super::{crawl_settings, runtime};
use crate::cli::AuditArgs;
use crate::crawl::Crawler;
use crate::crawl::archive::Archive;
use crate::exit::ExitStatus;
use crate::ingest::{self, IngestOptions};
use crate::model::{Candidate, Claims, InputFormat, PageVerdict, Provenance, Target};
use crate::output::{self, warn};
use crate::report::{self, RenderOptions};
use crate::{extract, progress, score};
use anyhow::{Context, bail};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

/// Runs an audit.
pub fn run(args: AuditArgs) -> anyhow::Result<ExitStatus> {
    let target = Target::parse(&args.target)?
        .with_brand_terms(&args.brand)
        .with_keywords(&args.keyword);
    let archive = match &args.archive {
        Some(path) if !path.is_file() => {
            bail!("cannot read archive `{}`: no such file", path.display())
        }
        other => other.clone(),
    };
    let candidates = if args.from.is_empty() {
        if archive.is_none() {
            bail!(
                "nothing to audit: give the candidate referring pages with --from FILE \
                 (a URL list, one per line) or --archive FILE.warc"
            );
        }
        Vec::new()
    } else {
        let ingested = ingest::read_candidates(
            &args.from,
            IngestOptions {
                skip_invalid: args.skip_invalid,
            },
        )?;
        for w in &ingested.warnings {
            warn(w);
        }
        ingested.candidates
    };

    let verdicts: Vec<(Candidate, PageVerdict)> = match &archive {
        Some(path) => audit_archive(path, candidates, &target)?,
        None => {
            let mut settings = crawl_settings(&args.fetch);
            settings.concurrency = args.concurrency as usize;
            settings.per_host = args.per_host as usize;
            settings.delay = Duration::from_millis(args.delay);
            settings.retries = args.retries;
            settings.retry_wait = Duration::from_millis(args.retry_wait);
            let crawler = Crawler::new(settings).context("cannot set up the HTTP client")?;
            let rt = runtime()?;
            let bar = progress::pages(candidates.len() as u64, !args.no_progress);
            let outcome = rt.block_on(async {
                tokio::select! {
                    r = crawl(Arc::new(crawler), candidates, Arc::new(target.clone()), &bar) => Some(r),
                    _ = tokio::signal::ctrl_c() => None,
                }
            });
            bar.finish_and_clear();
            // Don't wait for in-flight requests or parses of an interrupted run.
            rt.shutdown_background();
            match outcome {
                Some(r) => r?,
                None => {
                    warn("interrupted: no report was written");
                    return Ok(ExitStatus::Interrupted);
                }
            }
        }
    };

    let audit = score::build_audit(
        &target,
        verdicts,
        jiff::Timestamp::now().to_string(),
        &score::ScoringContext::default(),
    );
    let opts = RenderOptions {
        fit_terminal: args.output.is_none() && output::stdout_is_terminal(),
    };
    output::write_report(args.output.as_deref(), |w| {
        report::render(args.format, &audit, &opts, w)
    })?;
    Ok(ExitStatus::Pass)
}

/// Fetches every candidate and extracts its links. Fetching is async; parsing runs on the
/// blocking pool, at most one parse per core at a time, so that bodies waiting to be parsed
/// stay bounded by the crawl's concurrency.
async fn crawl(
    crawler: Arc<Crawler>,
    candidates: Vec<Candidate>,
    target: Arc<Target>,
    bar: &indicatif::ProgressBar,
) -> anyhow::Result<Vec<(Candidate, PageVerdict)>> {
    let urls = candidates.iter().map(|c| c.url.clone()).collect();
    let (tx, mut rx) = mpsc::channel(64);
    let crawl = tokio::spawn(crawler.run(urls, tx));
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let cpu = Arc::new(Semaphore::new(cores));
    let mut parsing = JoinSet::new();
    let mut verdicts: Vec<Option<PageVerdict>> = vec![None; candidates.len()];
    loop {
        tokio::select! {
            Some((i, page)) = rx.recv() => {
                let permit = Arc::clone(&cpu).acquire_owned().await.expect("never closed");
                let target = Arc::clone(&target);
                parsing.spawn_blocking(move || {
                    let v = extract::verdict(page, &target);
                    drop(permit);
                    (i, v)
                });
            }
            Some(done) = parsing.join_next() => {
                let (i, v) = done.context("a page parser crashed")?;
                verdicts[i] = Some(v);
                bar.inc(1);
            }
            else => break,
        }
    }
    crawl.await.context("the crawler crashed")?;
    let missing = verdicts.iter().filter(|v| v.is_none()).count();
    if missing > 0 {
        bail!("internal error: {missing} pages were never processed");
    }
    Ok(candidates
        .into_iter()
        .zip(verdicts.into_iter().flatten())
        .collect())
}

/// Audits from a WARC archive: the candidates (or, without any, every page it holds).
fn audit_archive(
    path: &std::path::Path,
    mut candidates: Vec<Candidate>,
    target: &Target,
) -> anyhow::Result<Vec<(Candidate, PageVerdict)>> {
    let wanted: Option<HashSet<url::Url>> =
        (!candidates.is_empty()).then(|| candidates.iter().map(|c| c.url.clone()).collect());
    let archive = Archive::open(path, wanted.as_ref())?;
    if candidates.is_empty() {
        let name = ingest::display_name(path);
        let mut merger = ingest::Merger::default();
        for url in archive.page_urls() {
            merger.add(
                url,
                Provenance {
                    input: name.clone(),
                    line: 0,
                    format: InputFormat::Archive,
                    claims: Claims::default(),
                },
            );
        }
        candidates = merger.finish();
        if candidates.is_empty() {
            bail!("archive `{name}` holds no HTTP responses to audit");
        }
    }
    let max_redirects = crate::crawl::CrawlSettings::default().max_redirects;
    Ok(candidates
        .into_iter()
        .map(|c| {
            let page = archive.fetch(&c.url, max_redirects);
            let v = extract::verdict(page, target);
            (c, v)
        })
        .collect())
}
