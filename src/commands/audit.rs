//! `backlinks audit`: ingest → crawl (or archive) → extract → score → report.

use super::{context, crawl_settings, runtime};
use crate::cli::AuditArgs;
use crate::crawl::Crawler;
use crate::crawl::archive::Archive;
use crate::exit::ExitStatus;
use crate::ingest::{self, IngestOptions};
use crate::model::{Candidate, Claims, InputFormat, PageVerdict, Provenance, Target, TargetText};
use crate::output::{self, warn};
use crate::report::{self, RenderOptions};
use crate::score::network::Dns;
use crate::score::ranks::RankTable;
use crate::{extract, progress, score};
use anyhow::{Context, bail};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Every candidate with what became of it.
type Verdicts = Vec<(Candidate, PageVerdict)>;

/// Runs an audit.
pub fn run(args: AuditArgs) -> anyhow::Result<ExitStatus> {
    let config = args.config.load()?;
    // Command-line terms replace those of backlinks.toml.
    let pick = |cli: &Vec<String>, file: &Vec<String>| {
        if cli.is_empty() {
            file.clone()
        } else {
            cli.clone()
        }
    };
    let target = Target::parse(&args.target)?
        .with_brand_terms(&pick(&args.brand, &config.anchors.brand))
        .with_keywords(&pick(&args.keyword, &config.anchors.keywords));
    // Money keywords say what the site sells: they describe its topic too.
    let mut topics = pick(&args.topic, &config.relevance.topics);
    topics.extend(target.keywords.iter().cloned());
    let target_pages = args
        .target_pages
        .map_or(config.relevance.target_pages, |n| n as usize);
    let ranks = match args.data.resolve() {
        Some(dir) => RankTable::open(&dir)?,
        None => None,
    };
    let archive = match &args.archive {
        Some(path) if !path.is_file() => {
            bail!("cannot read archive `{}`: no such file", path.display())
        }
        other => other.clone(),
    };
    let (candidates, domain_candidates) = if args.from.is_empty() {
        if archive.is_none() {
            bail!(
                "nothing to audit: give the candidate referring pages with --from FILE \
                 (your backlink tool's export, or a URL list) or --archive FILE.warc"
            );
        }
        (Vec::new(), Vec::new())
    } else {
        let ingested = ingest::read_candidates(
            &args.from,
            &IngestOptions {
                skip_invalid: args.skip_invalid,
                columns: args.columns.clone(),
                target: Some(target.domain.clone()),
            },
        )?;
        for w in &ingested.warnings {
            warn(w);
        }
        (ingested.candidates, ingested.domains)
    };

    let (verdicts, target_texts, dns) = match &archive {
        Some(path) => {
            let (verdicts, texts) = audit_archive(path, candidates, &target, target_pages)?;
            let dns = Dns::Skipped(
                "archive audits do no DNS lookups: the archive records no addresses".into(),
            );
            (verdicts, texts, dns)
        }
        None => {
            let mut settings = crawl_settings(&args.fetch);
            settings.concurrency = args.concurrency as usize;
            settings.per_host = args.per_host as usize;
            settings.delay = Duration::from_millis(args.delay);
            settings.retries = args.retries;
            settings.retry_wait = Duration::from_millis(args.retry_wait);
            let pins = settings.resolve.clone();
            let crawler =
                Arc::new(Crawler::new(settings).context("cannot set up the HTTP client")?);
            let rt = runtime()?;
            let bar = progress::pages(candidates.len() as u64, !args.no_progress);
            let outcome = rt.block_on(async {
                let all = async {
                    let verdicts = crawl(
                        Arc::clone(&crawler),
                        candidates,
                        Arc::new(target.clone()),
                        &bar,
                    )
                    .await?;
                    let urls = context::target_urls(&target, &verdicts, target_pages);
                    let texts = context::fetch_target_texts(Arc::clone(&crawler), urls).await;
                    let dns = Dns::Resolved(context::resolve_domains(&verdicts, &pins).await);
                    anyhow::Ok((verdicts, texts, dns))
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
                Some(r) => r?,
                None => {
                    warn("interrupted: no report was written");
                    return Ok(ExitStatus::Interrupted);
                }
            }
        }
    };

    let profile = context::profile(
        &target_texts,
        target_pages,
        &topics,
        config.relevance.language.as_deref(),
    );
    let ctx = score::ScoringContext {
        settings: config.scoring,
        config: config.path.map(|p| p.display().to_string()),
        ranks,
        profile,
        dns,
    };
    let audit = score::build_audit(
        &target,
        verdicts,
        domain_candidates,
        jiff::Timestamp::now().to_string(),
        &ctx,
    );
    let opts = RenderOptions {
        fit_terminal: args.output.is_none() && output::stdout_is_terminal(),
        explain: args.explain,
    };
    output::write_report(args.output.as_deref(), |w| {
        report::render(args.format, &audit, &opts, w)
    })?;
    Ok(ExitStatus::Pass)
}

/// Fetches every candidate and extracts its links. Fetching is async; parsing runs on one
/// thread per core, fed by the crawler's bounded channel, so bodies waiting to be parsed stay
/// bounded by the crawl's concurrency.
///
/// A fixed pool rather than tokio's blocking pool: `spawn_blocking` starts a new thread
/// whenever none is idle, and a few dozen threads each keeping the memory of the pages they
/// parsed made the peak resident memory grow with the number of pages.
async fn crawl(
    crawler: Arc<Crawler>,
    candidates: Vec<Candidate>,
    target: Arc<Target>,
    bar: &indicatif::ProgressBar,
) -> anyhow::Result<Vec<(Candidate, PageVerdict)>> {
    let urls = candidates.iter().map(|c| c.url.clone()).collect();
    let (tx, rx) = mpsc::channel(64);
    let crawl = tokio::spawn(crawler.run(urls, tx));
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let rx = Arc::new(std::sync::Mutex::new(rx));
    let (done_tx, mut done_rx) = mpsc::unbounded_channel();
    for n in 0..cores {
        let rx = Arc::clone(&rx);
        let done_tx = done_tx.clone();
        let target = Arc::clone(&target);
        std::thread::Builder::new()
            .name(format!("parse-{n}"))
            .spawn(move || {
                loop {
                    // One worker waits on the channel at a time; the others wait for the lock.
                    let next = rx
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .blocking_recv();
                    let Some((i, page)) = next else { break };
                    let v = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        extract::verdict(page, &target)
                    }));
                    if done_tx.send((i, v.ok())).is_err() {
                        break; // the run was cancelled
                    }
                }
            })
            .context("cannot start a parsing thread")?;
    }
    drop(done_tx);
    let mut verdicts: Vec<Option<PageVerdict>> = vec![None; candidates.len()];
    while let Some((i, v)) = done_rx.recv().await {
        verdicts[i] = Some(v.context("a page parser crashed")?);
        bar.inc(1);
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

/// Audits from a WARC archive: the candidates (or, without any, every page it holds that is
/// not on the target itself), plus the target's own pages it holds.
fn audit_archive(
    path: &std::path::Path,
    mut candidates: Vec<Candidate>,
    target: &Target,
    target_pages: usize,
) -> anyhow::Result<(Verdicts, Vec<TargetText>)> {
    let wanted: Option<HashSet<url::Url>> =
        (!candidates.is_empty()).then(|| candidates.iter().map(|c| c.url.clone()).collect());
    let archive = Archive::open(path, wanted.as_ref())?;
    if candidates.is_empty() {
        let name = ingest::display_name(path);
        let mut merger = ingest::Merger::default();
        // The target's own pages are not backlinks (they feed its topical profile).
        for url in archive
            .page_urls()
            .into_iter()
            .filter(|u| !target.matches_url(u))
        {
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
    let verdicts: Vec<(Candidate, PageVerdict)> = candidates
        .into_iter()
        .map(|c| {
            let page = archive.fetch(&c.url, max_redirects);
            let v = extract::verdict(page, target);
            (c, v)
        })
        .collect();
    let urls = context::target_urls(target, &verdicts, target_pages);
    let texts = if urls.is_empty() {
        Vec::new()
    } else if wanted.is_none() {
        context::archive_target_texts(&archive, &urls, max_redirects)
    } else {
        // The first pass kept only the candidates: read the target's pages in a second one.
        let wanted: HashSet<url::Url> = urls.iter().cloned().collect();
        let again = Archive::open(path, Some(&wanted))?;
        context::archive_target_texts(&again, &urls, max_redirects)
    };
    Ok((verdicts, texts))
}
