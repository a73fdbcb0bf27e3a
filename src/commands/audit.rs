//! `backlinks audit`, read top to bottom as the pipeline: settings → ingest → fetch and
//! extract ([`crate::pipeline`], over the network or an archive) → score → compare → actions
//! → gate → report → store.
//!
//! The history steps are kept apart from the pipeline: [`Previous::open`] locks the store and
//! reads the baseline before anything is fetched (so a locked store fails fast, the known
//! pages can be re-verified and the stored settings apply), [`Previous::compare`] and the gate
//! run on the scored audit, and [`finish`] saves, writes and notifies.

use super::resolve;
use crate::actions::{self, reclaim};
use crate::cli::{AuditArgs, Given};
use crate::compare::{Snapshot, compare};
use crate::exit::ExitStatus;
use crate::gate::GateConfig;
use crate::ingest;
use crate::model::{
    Audit, Candidate, Claims, Comparison, DomainCandidate, InputFormat, PreviousAudit, Provenance,
    TargetText, Warning, normalize_url,
};
use crate::output::{self, warn};
use crate::pipeline::archive::ArchiveSource;
use crate::pipeline::cache::{CacheLog, CachedSource};
use crate::pipeline::network::NetworkSource;
use crate::pipeline::render::Rendering;
use crate::pipeline::{Collect, PageSource, Pipeline, Ran, TargetReads};
use crate::report::{self, Format, RenderOptions};
use crate::score::ranks::RankTable;
use crate::score::relevance::TargetProfile;
use crate::settings::{AuditSettings, Env, StoredSettings};
use crate::store::baseline::{self, Baseline};
use crate::store::lock::StoreLock;
use crate::store::{SnapshotId, Store};
use crate::{gate, score};
use anyhow::{Context, bail};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

/// What the error says when there is nothing to audit.
const NOTHING: &str = "nothing to audit: give the candidate referring pages with --from FILE \
                       (your backlink tool's export, or a URL list) or --archive FILE.warc";

/// Runs an audit.
pub fn run(args: AuditArgs, given: &Given) -> anyhow::Result<ExitStatus> {
    let mut settings = resolve::audit(args, given, &Env::from_process())?;
    let ranks = match &settings.history.storage.data_dir.value {
        Some(dir) => RankTable::open(dir)?,
        None => None,
    };
    super::check_files(
        &settings.inputs,
        &settings.report,
        &settings.history,
        &settings.file,
    )?;
    let db = settings.history.db()?;
    // `--no-store` saves nothing but still reads the store when there is one: the comparison,
    // the known pages and the stored terms work as in any run.
    let read_db = db.clone().or_else(|| {
        let path = settings.history.storage.db().ok()?;
        path.is_file().then(|| path.to_path_buf())
    });

    // Ingest.
    let (mut candidates, mut domain_candidates, input_warnings) =
        ingest(&settings, read_db.as_deref())?;
    if let Some(release) = &settings.discover {
        add_discovered(
            &mut domain_candidates,
            release,
            &settings.target.domain,
            settings.report.quiet,
        )?;
    }
    let previous = Previous::open(db, read_db, &settings)?;
    if let Some(stored) = previous.stored_settings()? {
        settings.apply_stored(&stored);
    }
    let (source, logs) = open_source(&settings, &previous, &mut candidates)?;
    // The pages known from earlier audits and an archive's listing follow the patterns too.
    let urls = &settings.inputs.ingest.urls;
    if urls.is_active() {
        let before = candidates.len();
        candidates.retain(|c| urls.keeps(c.url.as_str()));
        if candidates.is_empty() {
            bail!("--include/--exclude left out every candidate page: nothing to audit");
        }
        if candidates.len() < before && !settings.report.quiet {
            warn(&format!(
                "{} pages known from earlier audits or the archive left out by \
                 --include/--exclude",
                before - candidates.len()
            ));
        }
    }
    tracing::info!(
        candidates = candidates.len(),
        domains_only = domain_candidates.len(),
        source = source.name(),
        "inputs read"
    );

    // Fetch → extract.
    let pipeline = Pipeline::new(source, &settings.target, settings.report.progress);
    let reads = TargetReads {
        pages: settings.target_pages.value,
        reclaim_urls: settings.reclaim_urls.value,
    };
    let mut verdicts = Collect::new(candidates);
    let gathered = match pipeline.run(&mut verdicts, reads)? {
        Ran::Done(g) => g,
        Ran::Interrupted => {
            warn("interrupted: no report was written");
            return Ok(ExitStatus::Interrupted);
        }
    };
    let verdicts = verdicts.into_verdicts()?;
    tracing::info!(pages = verdicts.len(), "pages fetched and read; scoring");
    let linked = crate::trust::linked_domains(&verdicts);
    let contacts = actions::contacts_by_page(&verdicts);
    let mentions =
        crate::gap::mentions::reports(verdicts.iter().map(|(c, v)| (c, v)), ranks.as_ref());

    // Score.
    let ctx = score::ScoringContext {
        settings: settings.scoring.clone(),
        config: settings.file.shown_path(),
        ranks,
        profile: profile(
            &settings.profile_topics(),
            settings.target_pages.value,
            settings.language.value.as_deref(),
            settings.report.quiet,
            &gathered.target_texts,
        ),
        dns: gathered.dns,
    };
    let mut audit = score::build_audit(
        &settings.target,
        verdicts,
        domain_candidates,
        jiff::Timestamp::now().to_string(),
        &ctx,
    );
    match &logs {
        // What `--render` did: rendered pages, links found only in the rendered DOM.
        Logs::Render(log) => crate::pipeline::render::annotate(&mut audit, log, &settings.scoring),
        // Which pages are as old as their cached copy.
        Logs::Cache(log) => {
            let max_age = settings
                .cache
                .as_ref()
                .map(|c| c.max_age)
                .unwrap_or_default();
            crate::pipeline::cache::annotate(&mut audit, log, max_age);
        }
        Logs::None => {}
    }

    // Compare, then what the audit leads to: the removal worklist and the reclamation
    // section, and the gate.
    let store_comparison = previous.compare(&mut audit, &settings)?;
    audit.actions.outreach = actions::audit_worklist(
        &audit,
        &contacts,
        &previous.requests()?,
        settings.worklist.threshold,
        &settings.worklist.keep,
    );
    audit.mentions = mentions;
    audit.actions.reclamation = gathered
        .reclaim
        .map(|r| reclaim::build(&audit, &r.checks, r.source, r.unchecked));
    audit.gate = gate::evaluate(
        &audit,
        &GateConfig {
            fail_on: settings.gate_conditions(),
        },
    );
    audit.warnings.extend(crate::trust::verification(&audit));
    audit.warnings.extend(input_warnings);
    audit.warnings.extend(crate::trust::settings(&audit));
    audit
        .warnings
        .extend(crate::trust::suggestion(&audit, &linked));
    // Most serious first: the one that makes the run no result.
    audit
        .warnings
        .sort_by_key(|w| w.code != crate::trust::NO_TRUSTWORTHY_RESULT);
    // The table and Markdown reports open with the warnings: on a terminal they are not
    // repeated on standard error. The no-trustworthy-result warning is the run's error,
    // printed at the end.
    let report_shows = settings.report.output.is_none()
        && matches!(
            settings.report.format.value,
            Format::Table | Format::Markdown
        );
    // CSV has no header to say it: the settings file goes to standard error.
    if !settings.report.quiet
        && settings.report.format.value == Format::Csv
        && let Some(config) = &audit.tool.config
    {
        warn(&format!("settings from {config}"));
    }
    if !settings.report.quiet && !report_shows {
        for w in audit
            .warnings
            .iter()
            .filter(|w| w.code != crate::trust::NO_TRUSTWORTHY_RESULT)
        {
            warn(&w.message);
        }
    }

    // Report → store.
    tracing::info!(
        pages = audit.pages.len(),
        domains = audit.domains.len(),
        warnings = audit.warnings.len(),
        "scored; writing the reports"
    );
    finish(&settings, previous, &audit, store_comparison.as_ref())
}

/// `--discover`: the referring domains of the web-graph release join the domain candidates,
/// each listing with its place in the release's order (most central first) as its line.
fn add_discovered(
    domains: &mut Vec<DomainCandidate>,
    release: &crate::discover::graph::Release,
    target: &str,
    quiet: bool,
) -> anyhow::Result<()> {
    use crate::discover::graph;
    let found = graph::referring_domains(release, target, &graph::platforms(), None)?;
    let input = format!("commoncrawl:{}", found.release);
    for (i, d) in found.domains.iter().enumerate() {
        let provenance = Provenance {
            input: input.clone(),
            line: i as u64 + 1,
            format: crate::model::InputFormat::CommoncrawlGraph,
            claims: Claims::default(),
        };
        match domains.iter_mut().find(|c| c.domain == d.domain) {
            Some(c) => c.provenance.push(provenance),
            None => domains.push(DomainCandidate {
                domain: d.domain.clone(),
                linking_pages: None,
                target_pages: None,
                provenance: vec![provenance],
            }),
        }
    }
    domains.sort_by(|a, b| a.domain.cmp(&b.domain));
    if !quiet {
        output::verdict(&format!(
            "--discover: {} referring domains of {target} in {}{}",
            found.domains.len(),
            found.release,
            if found.dropped.is_empty() {
                String::new()
            } else {
                format!(" ({} platforms left out)", found.dropped.len())
            }
        ));
    }
    Ok(())
}

/// Reads the `--from` inputs: the candidate pages and the domain-only candidates.
fn ingest(
    settings: &AuditSettings,
    db: Option<&std::path::Path>,
) -> anyhow::Result<(Vec<Candidate>, Vec<DomainCandidate>, Vec<Warning>)> {
    let inputs = &settings.inputs;
    if inputs.from.is_empty() && inputs.archive.is_none() && settings.history.baseline.is_none() {
        // Only earlier audits could say what to re-verify: don't create a store to find none.
        match db {
            Some(path) if path.is_file() => {}
            Some(path) => bail!(
                "{NOTHING} (there is no history store `{}` with earlier audits to re-verify)",
                path.display()
            ),
            None => bail!("{NOTHING}"),
        }
    }
    if inputs.from.is_empty() {
        return Ok((Vec::new(), Vec::new(), Vec::new()));
    }
    let ingested = ingest::read_candidates(&inputs.from, &inputs.ingest)?;
    if !settings.report.quiet {
        for w in &ingested.warnings {
            warn(w);
        }
    }
    let check = crate::trust::target_claims(&ingested.candidates, &settings.target);
    match check.refused {
        Some(why) if !inputs.force_target => bail!("{why}"),
        _ => {}
    }
    Ok((ingested.candidates, ingested.domains, check.warnings))
}

/// What a run's page source records for the report besides the pages.
enum Logs {
    None,
    /// What `--render` rendered.
    Render(Rendering),
    /// The pages `--cache` answered.
    Cache(Arc<CacheLog>),
}

/// A run's page source, and its log.
type OpenedSource = (Arc<dyn PageSource>, Logs);

/// The page source of the run, and the final candidates: with the network, the pages known
/// from earlier audits are added (the cron use case: without `--from`, re-verify every known
/// page; with it, the union); an archive holds only its own pages, so it is audited as it is,
/// and without `--from` every page it holds that is not on the target itself is a candidate.
/// With `--render`, the network source renders pages in headless Chromium; the log of what
/// it rendered comes back with it.
fn open_source(
    settings: &AuditSettings,
    previous: &Previous,
    candidates: &mut Vec<Candidate>,
) -> anyhow::Result<OpenedSource> {
    let Some(path) = &settings.inputs.archive else {
        previous.add_known_pages(candidates)?;
        if candidates.is_empty() {
            bail!("{NOTHING}{}", previous.no_pages_hint());
        }
        let network = NetworkSource::new(&settings.fetch, settings.report.quiet)?;
        if let Some(cache) = &settings.cache {
            let (cached, log) = CachedSource::open(
                Arc::new(network),
                cache,
                crate::pipeline::cache::scope(&settings.fetch),
            )?;
            return Ok((Arc::new(cached), Logs::Cache(log)));
        }
        if !settings.render.enabled() {
            return Ok((Arc::new(network), Logs::None));
        }
        let (source, log) = crate::pipeline::render::open(
            network,
            &settings.render,
            &settings.fetch.crawl(),
            Some(&settings.target),
            crate::pipeline::render::claimed_urls(candidates),
            settings.report.quiet,
        )?;
        return Ok((source, Logs::Render(log)));
    };
    if settings.render.enabled() {
        bail!(
            "--render runs the pages' scripts against their live sites; it cannot be used with \
             --archive (the copies in `{}` would be mixed with today's subresources)",
            path.display()
        );
    }
    let wanted: Option<HashSet<url::Url>> =
        (!candidates.is_empty()).then(|| candidates.iter().map(|c| c.url.clone()).collect());
    let source = ArchiveSource::open(path, wanted.as_ref(), settings.fetch.max_body.value)?;
    if let Some(listing) = source.listing().filter(|_| candidates.is_empty()) {
        let mut merger = ingest::Merger::default();
        // The target's own pages are not backlinks (they feed its topical profile).
        for url in listing
            .urls
            .into_iter()
            .filter(|u| !settings.target.matches_url(u))
        {
            merger.add(
                url,
                Provenance {
                    input: source.name().to_string(),
                    line: 0,
                    format: listing.format,
                    claims: Claims::default(),
                },
            );
        }
        *candidates = merger.finish();
        if candidates.is_empty() {
            bail!(
                "archive `{}` holds no HTTP responses to audit",
                source.name()
            );
        }
    }
    Ok((Arc::new(source), Logs::None))
}

/// The target's topical profile from `topics` and the words of its pages that could be read,
/// warning (unless quiet) when `target_pages` of them were wanted but none could be read.
pub(super) fn profile(
    topics: &[String],
    target_pages: usize,
    language: Option<&str>,
    quiet: bool,
    texts: &[TargetText],
) -> Option<TargetProfile> {
    if target_pages > 0 && texts.is_empty() && !quiet {
        warn(if topics.is_empty() {
            "none of the target's own pages could be read, and no --topic was given: relevance \
             is not computed"
        } else {
            "none of the target's own pages could be read: relevance compares with --topic terms only"
        });
    }
    TargetProfile::build(texts, topics, language)
}

/// The audit this run is compared with, and the store it is saved to.
struct Previous {
    /// The registrable domain audited.
    target: String,
    /// The store and its lock (held until the audit is saved); with `--no-store`, the store
    /// read only and no lock (nothing is saved), or None without a store.
    store: Option<(Store, Option<StoreLock>)>,
    /// The `--baseline` report.
    baseline: Option<Baseline>,
}

impl Previous {
    /// Reads the baseline, and locks and opens the store `db` (None with `--no-store`: then
    /// `read_db` is opened read-only, when it exists).
    fn open(
        db: Option<PathBuf>,
        read_db: Option<PathBuf>,
        settings: &AuditSettings,
    ) -> anyhow::Result<Previous> {
        let target = &settings.target;
        // The baseline first: a bad one fails at once instead of after waiting for the lock.
        let baseline = match &settings.history.baseline {
            Some(path) => Some(baseline::load(path, &target.domain)?),
            None => None,
        };
        let store = match (db, read_db) {
            (Some(path), _) => {
                let lock = StoreLock::acquire(&path, settings.history.lock_timeout.value)?;
                Some((Store::open(&path)?, Some(lock)))
            }
            (None, Some(path)) => match Store::open_read_only(&path) {
                Ok(store) => Some((store, None)),
                // Only a comparison is lost: the run saves nothing anyway.
                Err(e) => {
                    if !settings.report.quiet {
                        warn(&format!("--no-store: the history store is not read: {e}"));
                    }
                    None
                }
            },
            (None, None) => None,
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
                domain: crate::model::host::domain_of(&url),
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
    fn requests(&self) -> anyhow::Result<Vec<crate::actions::worklist::Request>> {
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
    fn compare(
        &self,
        audit: &mut Audit,
        settings: &AuditSettings,
    ) -> anyhow::Result<Option<Comparison>> {
        let current = Snapshot::from_audit(audit);
        let mut from_store = None;
        if let Some((store, _)) = &self.store
            && let Some(id) = store.latest(&self.target)?
        {
            let previous = store.load(&self.target, id)?;
            let changed = match store.settings_of(id)? {
                Some(before) => {
                    crate::settings::scoring_changes(&before, &settings.to_stored().to_string())
                }
                None => Vec::new(),
            };
            let info = PreviousAudit {
                source: "store".into(),
                snapshot_id: Some(id),
                file: None,
                generated_at: previous.generated_at.clone(),
            };
            let history = store.intervals(&self.target, id)?;
            from_store = Some(compare(&previous, &current, info, &history, &changed));
        }
        audit.comparison = match &self.baseline {
            Some(b) => Some(compare(
                &b.snapshot,
                &current,
                b.source.clone(),
                &b.history,
                &[],
            )),
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
    // A run that verified no page says nothing about the profile: it is not saved (the next
    // good run would report every page as changed) and it exits 2 after the reports.
    let untrusted = untrustworthy(audit);
    let mut snapshot: Option<SnapshotId> = None;
    if let Some((mut store, Some(lock))) = previous.store.filter(|_| untrusted.is_none()) {
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
    if let Some(why) = untrusted {
        output::error(&anyhow::anyhow!(why));
        return Ok(ExitStatus::Error);
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

/// Why the audit is no trustworthy result (no candidate page could be read, see
/// [`crate::trust::verification`]), with the suggestion of another target if there is one.
fn untrustworthy(audit: &Audit) -> Option<String> {
    let w = audit
        .warnings
        .iter()
        .find(|w| w.code == crate::trust::NO_TRUSTWORTHY_RESULT)?;
    Some(w.message.clone())
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
