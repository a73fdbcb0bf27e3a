//! `backlinks audit`: ingest → crawl (or archive) → extract → score → compare → gate → store →
//! report.
//!
//! The history steps are kept apart from the pipeline: [`Previous::open`] locks the store and
//! reads the baseline before anything is fetched (so a locked store fails fast and the known
//! pages can be re-verified), [`Previous::compare`] and the gate run on the scored audit, and
//! [`finish`] saves, writes and notifies.

use super::{context, resolve, runtime, warn_weakened};
use crate::cli::{AuditArgs, Given};
use crate::compare::{Snapshot, compare};
use crate::crawl::Crawler;
use crate::crawl::archive::Archive;
use crate::disavow::reclaim::{self, Check};
use crate::exit::ExitStatus;
use crate::gate::GateConfig;
use crate::ingest;
use crate::model::{
    Audit, Candidate, Claims, Comparison, FetchError, FetchOutcome, FetchedPage, InputFormat,
    PageVerdict, PreviousAudit, Provenance, Target, TargetText, normalize_url, registrable_domain,
};
use crate::output::{self, warn};
use crate::report::{self, Format, RenderOptions};
use crate::score::network::Dns;
use crate::score::ranks::RankTable;
use crate::settings::{AuditSettings, Env, StoredSettings};
use crate::store::baseline::{self, Baseline};
use crate::store::lock::StoreLock;
use crate::store::{SnapshotId, Store};
use crate::{disavow, extract, gate, progress, score};
use anyhow::{Context, bail};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Every candidate with what became of it.
type Verdicts = Vec<(Candidate, PageVerdict)>;

/// Runs an audit.
pub fn run(args: AuditArgs, given: &Given) -> anyhow::Result<ExitStatus> {
    let mut settings = resolve::audit(args, given, &Env::from_process())?;
    let ranks = match &settings.history.storage.data_dir.value {
        Some(dir) => RankTable::open(dir)?,
        None => None,
    };
    let archive = match &settings.inputs.archive {
        Some(path) if !path.is_file() => {
            bail!("cannot read archive `{}`: no such file", path.display())
        }
        other => other.clone(),
    };
    let report = &settings.report;
    for out in [&report.output, &report.write_baseline]
        .into_iter()
        .flatten()
        .chain(report.reports.iter().map(|(_, p)| p))
    {
        output::check_output_path(out)?;
    }
    let db = settings.history.db()?;
    let nothing = "nothing to audit: give the candidate referring pages with --from FILE (your \
                   backlink tool's export, or a URL list) or --archive FILE.warc";
    let inputs = &settings.inputs;
    if inputs.from.is_empty() && archive.is_none() && settings.history.baseline.is_none() {
        // Only earlier audits could say what to re-verify: don't create a store to find none.
        match &db {
            Some(path) if path.is_file() => {}
            Some(path) => bail!(
                "{nothing} (there is no history store `{}` with earlier audits to re-verify)",
                path.display()
            ),
            None => bail!("{nothing}"),
        }
    }
    let (mut candidates, domain_candidates) = if inputs.from.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let ingested = ingest::read_candidates(&inputs.from, &inputs.ingest)?;
        if !settings.report.quiet {
            for w in &ingested.warnings {
                warn(w);
            }
        }
        (ingested.candidates, ingested.domains)
    };
    let previous = Previous::open(db, &settings)?;
    if let Some(stored) = previous.stored_settings()? {
        settings.apply_stored(&stored);
    }
    let target = settings.target.clone();
    let target_pages = settings.target_pages.value;
    // The cron use case: without --from, re-verify every page known from earlier audits; with
    // it, the union. (An archive holds only its own pages, so it is audited as it is.)
    if archive.is_none() {
        previous.add_known_pages(&mut candidates)?;
        if candidates.is_empty() {
            bail!("{nothing}{}", previous.no_pages_hint());
        }
    }

    let reclaim_urls = settings.reclaim_urls.value;
    let (verdicts, target_texts, dns, reclaim) = match &archive {
        Some(path) => {
            let (verdicts, texts, reclaim) =
                audit_archive(path, candidates, &target, target_pages, reclaim_urls)?;
            let dns = Dns::Skipped(
                "archive audits do no DNS lookups: the archive records no addresses".into(),
            );
            (verdicts, texts, dns, reclaim)
        }
        None => {
            warn_weakened(&settings.fetch);
            let pins = settings.fetch.resolve.value.clone();
            let crawler = Arc::new(
                Crawler::new(settings.fetch.crawl()).context("cannot set up the HTTP client")?,
            );
            let rt = runtime()?;
            let bar = progress::pages(candidates.len() as u64, settings.report.progress);
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
                    let (texts, checks) =
                        context::fetch_target_texts(Arc::clone(&crawler), urls).await;
                    // Reclamation asks the target's own site too: never with --target-pages 0.
                    let reclaim = if target_pages > 0 && reclaim_urls > 0 {
                        Some(
                            reclaim_checks(&crawler, &target, &verdicts, reclaim_urls, checks)
                                .await,
                        )
                    } else {
                        None
                    };
                    let dns = Dns::Resolved(context::resolve_domains(&verdicts, &pins).await);
                    anyhow::Ok((verdicts, texts, dns, reclaim))
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

    let contacts = context::contacts(&verdicts);
    let profile = context::profile(
        &target_texts,
        target_pages,
        &settings.profile_topics(),
        settings.language.value.as_deref(),
        settings.report.quiet,
    );
    let ctx = score::ScoringContext {
        settings: settings.scoring.clone(),
        config: settings.file.shown_path(),
        ranks,
        profile,
        dns,
    };
    let mut audit = score::build_audit(
        &target,
        verdicts,
        domain_candidates,
        jiff::Timestamp::now().to_string(),
        &ctx,
    );
    let store_comparison = previous.compare(&mut audit)?;
    // What the audit leads to: the removal worklist and the reclamation section.
    audit.actions.outreach = disavow::audit_worklist(
        &audit,
        &contacts,
        &previous.requests()?,
        settings.worklist.threshold,
        &settings.worklist.keep,
    );
    audit.actions.reclamation =
        reclaim.map(|(checks, skipped, source)| reclaim::build(&audit, &checks, source, skipped));
    audit.gate = gate::evaluate(
        &audit,
        &GateConfig {
            fail_on: settings.gate_conditions(),
        },
    );
    finish(&settings, previous, &audit, store_comparison.as_ref())
}

/// The audit this run is compared with, and the store it is saved to.
struct Previous {
    /// The registrable domain audited.
    target: String,
    /// The store and its lock (held until the audit is saved); None with `--no-store`.
    store: Option<(Store, StoreLock)>,
    /// The `--baseline` report.
    baseline: Option<Baseline>,
}

impl Previous {
    /// Reads the baseline, and locks and opens the store (unless `--no-store`).
    fn open(db: Option<PathBuf>, settings: &AuditSettings) -> anyhow::Result<Previous> {
        let target = &settings.target;
        // The baseline first: a bad one fails at once instead of after waiting for the lock.
        let baseline = match &settings.history.baseline {
            Some(path) => Some(baseline::load(path, &target.domain)?),
            None => None,
        };
        let store = match db {
            None => None,
            Some(path) => {
                let lock = StoreLock::acquire(&path, settings.history.lock_timeout.value)?;
                Some((Store::open(&path)?, lock))
            }
        };
        Ok(Previous {
            target: target.domain.clone(),
            store,
            baseline,
        })
    }

    /// The settings saved with the target's latest snapshot in the store.
    fn stored_settings(&self) -> anyhow::Result<Option<StoredSettings>> {
        let Some((store, _)) = &self.store else {
            return Ok(None);
        };
        let Some(id) = store.latest(&self.target)? else {
            return Ok(None);
        };
        Ok(store
            .settings_of(id)?
            .map(|text| StoredSettings::parse(id, &text)))
    }

    /// Adds every page of earlier audits (store and baseline) that is not a candidate yet.
    fn add_known_pages(&self, candidates: &mut Vec<Candidate>) -> anyhow::Result<()> {
        let mut known: Vec<(String, String)> = Vec::new();
        if let Some((store, _)) = &self.store {
            for url in store.known_pages(&self.target)? {
                known.push((url, "history".to_string()));
            }
        }
        if let Some(b) = &self.baseline {
            let name = b.source.file.clone().unwrap_or_default();
            for p in &b.snapshot.pages {
                known.push((p.source_url.clone(), name.clone()));
            }
        }
        let mut have: HashSet<url::Url> = candidates.iter().map(|c| c.url.clone()).collect();
        for (raw, input) in known {
            // Stored URLs were normalised when first read; one that no longer parses (a damaged
            // row or a hand-edited baseline) is skipped rather than failing the run.
            let Ok(url) = url::Url::parse(&raw) else {
                continue;
            };
            let url = normalize_url(url);
            if !matches!(url.scheme(), "http" | "https") || !have.insert(url.clone()) {
                continue;
            }
            candidates.push(Candidate {
                domain: registrable_domain(url.host_str().unwrap_or_default()),
                url,
                provenance: vec![Provenance {
                    input,
                    line: 0,
                    format: InputFormat::History,
                    claims: Claims::default(),
                }],
            });
        }
        Ok(())
    }

    /// The removal requests recorded for the target (none without a store).
    fn requests(&self) -> anyhow::Result<Vec<crate::disavow::worklist::Request>> {
        match &self.store {
            Some((store, _)) => Ok(store.requests(&self.target)?),
            None => Ok(Vec::new()),
        }
    }

    /// Why there were no pages to audit, for the error message.
    fn no_pages_hint(&self) -> String {
        match &self.store {
            Some((store, _)) => format!(
                " (the history store `{}` has no earlier audit of {} to re-verify)",
                store.path().display(),
                self.target
            ),
            None => String::new(),
        }
    }

    /// Compares `audit` with the previous audit (the baseline if given, else the store's
    /// latest snapshot) and sets its `comparison`. Returns the comparison with the store's
    /// latest snapshot, whose counts are saved with the new snapshot (velocity history).
    fn compare(&self, audit: &mut Audit) -> anyhow::Result<Option<Comparison>> {
        let current = Snapshot::from_audit(audit);
        let mut from_store = None;
        if let Some((store, _)) = &self.store
            && let Some(id) = store.latest(&self.target)?
        {
            let previous = store.load(&self.target, id)?;
            let info = PreviousAudit {
                source: "store".into(),
                snapshot_id: Some(id),
                file: None,
                generated_at: previous.generated_at.clone(),
            };
            let history = store.intervals(&self.target, id)?;
            from_store = Some(compare(&previous, &current, info, &history));
        }
        audit.comparison = match &self.baseline {
            Some(b) => Some(compare(&b.snapshot, &current, b.source.clone(), &b.history)),
            None => from_store.clone(),
        };
        Ok(from_store)
    }
}

/// Saves the audit, writes the baseline and the report, prints the verdict and runs the
/// notification command: everything after the audit is computed.
fn finish(
    settings: &AuditSettings,
    previous: Previous,
    audit: &Audit,
    store_comparison: Option<&Comparison>,
) -> anyhow::Result<ExitStatus> {
    // Every report file is written before the audit is saved, and put in place after: a run
    // that cannot write its reports (a full disk) fails without recording a snapshot.
    let args = &settings.report;
    let mut staged = Vec::new();
    if let Some(path) = &args.write_baseline {
        staged.push(output::stage(path, |w| {
            report::render(Format::Json, audit, &RenderOptions::default(), w)
        })?);
    }
    for (format, path) in &args.reports {
        staged.push(output::stage(path, |w| {
            report::render(*format, audit, &RenderOptions::default(), w)
        })?);
    }
    let opts = RenderOptions {
        fit_terminal: args.output.is_none() && output::stdout_is_terminal(),
        explain: args.explain,
    };
    if let Some(path) = &args.output {
        staged.push(output::stage(path, |w| {
            report::render(args.format.value, audit, &opts, w)
        })?);
    }
    let mut snapshot: Option<SnapshotId> = None;
    if let Some((mut store, lock)) = previous.store {
        let id = store
            .save_audit(
                audit,
                store_comparison.map(|c| &c.counts),
                &settings.to_stored(),
            )
            .with_context(|| format!("cannot save the audit to `{}`", store.path().display()))?;
        snapshot = Some(id);
        drop(lock);
    }
    for s in staged {
        s.commit()?;
    }
    if args.output.is_none() && !args.quiet {
        output::write_report(None, |w| report::render(args.format.value, audit, &opts, w))?;
    }
    let Some(gate) = &audit.gate else {
        return Ok(ExitStatus::Pass);
    };
    if !gate.passed || !args.quiet {
        output::verdict(&gate.verdict);
    }
    if gate.passed {
        return Ok(ExitStatus::Pass);
    }
    if let Some(cmd) = &args.notify_cmd {
        notify(cmd, audit, snapshot);
    }
    Ok(ExitStatus::GateFailed)
}

/// Runs `--notify-cmd` through the shell: the Markdown report on its standard input, the
/// verdict in `BACKLINKS_*` variables, its output on our standard error (standard output
/// carries only the report). A failing command is a warning: the gate's exit code stands.
fn notify(cmd: &str, audit: &Audit, snapshot: Option<SnapshotId>) {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let Some(gate) = &audit.gate else {
        return;
    };
    let mut markdown = Vec::new();
    let _ = report::render(
        Format::Markdown,
        audit,
        &RenderOptions::default(),
        &mut markdown,
    );
    let failed: Vec<&str> = gate
        .conditions
        .iter()
        .filter(|c| c.failed)
        .map(|c| c.condition.as_str())
        .collect();
    let mut command = if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.arg("/C").arg(cmd);
        c
    } else {
        let mut c = Command::new("sh");
        c.arg("-c").arg(cmd);
        c
    };
    command
        .env("BACKLINKS_TARGET", &audit.target)
        .env("BACKLINKS_VERDICT", &gate.verdict)
        .env("BACKLINKS_FAILED", failed.join("\n"))
        .env("BACKLINKS_EXIT_CODE", "1")
        .env(
            "BACKLINKS_SNAPSHOT_ID",
            snapshot.map(|id| id.to_string()).unwrap_or_default(),
        )
        .env("BACKLINKS_GENERATED_AT", &audit.generated_at)
        .stdin(Stdio::piped())
        .stdout(Stdio::from(std::io::stderr()));
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => {
            warn(&format!("--notify-cmd could not be started: {e}"));
            return;
        }
    };
    // Feed stdin from a thread: a command that never reads it must not block us.
    let writer = child.stdin.take().map(|mut stdin| {
        std::thread::spawn(move || {
            let _ = stdin.write_all(&markdown);
        })
    });
    match child.wait() {
        Ok(status) if status.success() => {}
        Ok(status) => warn(&format!("--notify-cmd failed ({status})")),
        Err(e) => warn(&format!("--notify-cmd failed: {e}")),
    }
    if let Some(w) = writer {
        let _ = w.join();
    }
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
    // Fetched pages waiting for a parser. Fetching is several times faster than parsing, so a
    // short queue keeps the parsers busy; each waiting page is a whole body in memory (64 of
    // them were 25 MB of the audit benchmark's peak).
    let (tx, rx) = mpsc::channel(16);
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
                    let v = guarded_verdict(page, &target, extract::verdict);
                    if done_tx.send((i, v)).is_err() {
                        break; // the run was cancelled
                    }
                }
            })
            .context("cannot start a parsing thread")?;
    }
    drop(done_tx);
    // Each candidate with a slot for its verdict: the final list is made from this one in
    // place (`Option<PageVerdict>` is no larger than `PageVerdict`), so the verdicts of the
    // whole crawl are never held twice.
    let mut slots: Vec<(Candidate, Option<PageVerdict>)> =
        candidates.into_iter().map(|c| (c, None)).collect();
    while let Some((i, v)) = done_rx.recv().await {
        slots[i].1 = Some(v);
        bar.inc(1);
    }
    crawl.await.context("the crawler crashed")?;
    let missing = slots.iter().filter(|(_, v)| v.is_none()).count();
    if missing > 0 {
        bail!("internal error: {missing} pages were never processed");
    }
    Ok(slots
        .into_iter()
        .map(|(c, v)| (c, v.expect("counted above")))
        .collect())
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
            extract::verdict(shell, target)
        }
    }
}

/// The reclamation checks of a run, the target URLs left unchecked beyond the limit, and
/// where the answers came from.
type ReclaimChecks = (Vec<Check>, usize, &'static str);

/// Checks the target URLs live links point to (most linked first, at most `max`), reusing
/// the answers already fetched for the topical profile (`done`).
async fn reclaim_checks(
    crawler: &Arc<Crawler>,
    target: &Target,
    verdicts: &Verdicts,
    max: usize,
    done: Vec<Check>,
) -> ReclaimChecks {
    let (linked, total) = context::linked_target_urls(target, verdicts, max);
    let wanted: HashSet<String> = linked.iter().map(ToString::to_string).collect();
    let fetched: HashSet<String> = done.iter().map(|c| c.url.clone()).collect();
    let rest: Vec<url::Url> = linked
        .into_iter()
        .filter(|u| !fetched.contains(u.as_str()))
        .collect();
    let mut checks: Vec<Check> = done
        .into_iter()
        .filter(|c| wanted.contains(&c.url))
        .collect();
    checks.extend(context::check_target_urls(Arc::clone(crawler), rest).await);
    checks.sort_by(|a, b| a.url.cmp(&b.url));
    (checks, total - wanted.len(), "network")
}

/// Audits from a WARC archive: the candidates (or, without any, every page it holds that is
/// not on the target itself), plus the target's own pages it holds, and the reclamation
/// checks of the linked target URLs it holds.
fn audit_archive(
    path: &std::path::Path,
    mut candidates: Vec<Candidate>,
    target: &Target,
    target_pages: usize,
    reclaim_urls: usize,
) -> anyhow::Result<(Verdicts, Vec<TargetText>, Option<ReclaimChecks>)> {
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
            let v = guarded_verdict(page, target, extract::verdict);
            (c, v)
        })
        .collect();
    let urls = context::target_urls(target, &verdicts, target_pages);
    let (linked, total) = context::linked_target_urls(target, &verdicts, reclaim_urls);
    let read = |archive: &Archive| {
        let texts = context::archive_target_texts(archive, &urls, max_redirects);
        let checks = context::archive_checks(archive, &linked, max_redirects);
        (texts, checks)
    };
    let (texts, checks) = if urls.is_empty() && linked.is_empty() {
        (Vec::new(), Vec::new())
    } else if wanted.is_none() {
        read(&archive)
    } else {
        // The first pass kept only the candidates: read the target's pages in a second one.
        let wanted: HashSet<url::Url> = urls.iter().chain(&linked).cloned().collect();
        read(&Archive::open(path, Some(&wanted))?)
    };
    let reclaim = (reclaim_urls > 0).then(|| (checks, total - linked.len(), "archive"));
    Ok((verdicts, texts, reclaim))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EncodingSource, HtmlBody, VerdictOutcome};

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
}
