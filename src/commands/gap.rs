//! `backlinks gap`, read top to bottom: settings → ingest (the competitors' exports) → sort the
//! rows by the site they point to ([`gap::inputs`]) → one fetch per page through the audit's
//! pipeline, keeping the links to the target and every competitor → the gap report
//! ([`gap::build`], scoring each link with the audit's scorer) → compare with the previous run
//! → report → store. Also `history --gap` and `diff --gap`, which read the stored runs.
//!
//! The target's own known links come from its latest stored audit and from the rows of the
//! inputs that point at it; the run itself adds the pages that link to it.

use super::audit::profile;
use super::resolve;
use crate::cli::{DiffArgs, GapArgs, Given, HistoryArgs};
use crate::exit::ExitStatus;
use crate::gap::{self, GapInputs, KnownLinks};
use crate::ingest;
use crate::model::{GapDiff, GapHistory, GapReport, GapRunRef, Target};
use crate::output::{self, warn};
use crate::pipeline::archive::ArchiveSource;
use crate::pipeline::network::NetworkSource;
use crate::pipeline::{Collect, PageSource, Pipeline, Ran, TargetReads};
use crate::report::{RenderOptions, gap as render};
use crate::score::{self, ranks::RankTable};
use crate::settings::{Env, GapSettings, StoredSettings};
use crate::store::Store;
use crate::store::lock::StoreLock;
use anyhow::{Context, bail};
use std::collections::HashSet;
use std::sync::Arc;

/// Runs `gap`.
pub fn run(args: GapArgs, given: &Given) -> anyhow::Result<ExitStatus> {
    let mut settings = resolve::gap(args, given, &Env::from_process())?;
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

    // Ingest, and the target's known links: its latest stored audit, its own export rows.
    let ingested = ingest::read_candidates(&settings.inputs.from, &settings.inputs.ingest)?;
    for w in &ingested.warnings {
        warn(w);
    }
    let store = match settings.history.db()? {
        Some(path) => {
            let lock = StoreLock::acquire(&path, settings.history.lock_timeout.value)?;
            Some((Store::open(&path)?, lock))
        }
        None => None,
    };
    let mut known = KnownLinks::new();
    if let Some((store, _)) = &store
        && let Some(id) = store.latest(&settings.target.domain)?
    {
        if let Some(text) = store.settings_of(id)? {
            settings.apply_stored(&StoredSettings::parse(id, &text));
        }
        for d in store.live_domains(id)? {
            known
                .entry(d)
                .or_default()
                .insert(format!("store:snapshot {id}"));
        }
    }
    let assigned =
        gap::inputs::assign(ingested.candidates, &settings.target, &settings.inputs.from);
    for (domain, rows) in assigned.target_rows {
        known.entry(domain).or_default().extend(rows);
    }
    if assigned.candidates.is_empty() {
        let elsewhere: usize = assigned.inputs.iter().map(|i| i.elsewhere).sum();
        bail!(
            "nothing to check: no row of the inputs lists a page linking to {} ({elsewhere} \
             rows point at other sites; are the exports of these competitors?)",
            settings.target.competitors.join(", ")
        );
    }
    let (candidates, claims): (Vec<_>, Vec<_>) = assigned.candidates.into_iter().unzip();

    // One fetch per page, keeping the links to every site of interest.
    let source = open_source(&settings, &candidates)?;
    let pipeline =
        Pipeline::new(source, &settings.target, settings.report.progress).with_competitor_links();
    let reads = TargetReads {
        pages: settings.target_pages.value,
        reclaim_urls: 0,
    };
    let mut verdicts = Collect::new(candidates);
    let gathered = match pipeline.run(&mut verdicts, reads)? {
        Ran::Done(g) => g,
        Ran::Interrupted => {
            warn("interrupted: no report was written");
            return Ok(ExitStatus::Interrupted);
        }
    };
    let pages = verdicts
        .into_verdicts()?
        .into_iter()
        .zip(claims)
        .map(|((c, v), claim)| (c, claim, v))
        .collect();

    // Score: the audit's scorer for each competitor's links, then the opportunities.
    let ctx = score::ScoringContext {
        settings: settings.scoring.clone(),
        config: settings.file.shown_path(),
        ranks,
        profile: profile(
            &settings.terms.profile_topics(&settings.target),
            settings.target_pages.value,
            settings.language.value.as_deref(),
            false,
            &gathered.target_texts,
        ),
        dns: gathered.dns,
    };
    let mut report = gap::build(
        pages,
        GapInputs {
            target: &settings.target,
            ctx: &ctx,
            known,
            inputs: assigned.inputs,
            generated_at: jiff::Timestamp::now().to_string(),
        },
    );
    if let Some((store, _)) = &store
        && let Some(last) = store.gap_runs(&report.target)?.pop()
    {
        let previous = store.gap_domains(last.id)?;
        report.comparison = Some(gap::compare::compare(
            &previous,
            &gap::compare::domains_of(&report),
            GapRunRef {
                run_id: last.id,
                generated_at: last.generated_at,
            },
        ));
    }
    finish(&settings, store, &report)
}

/// The page source: the network, or the `--archive` holding the candidates.
fn open_source(
    settings: &GapSettings,
    candidates: &[crate::model::Candidate],
) -> anyhow::Result<Arc<dyn PageSource>> {
    match &settings.inputs.archive {
        None => Ok(Arc::new(NetworkSource::new(&settings.fetch, false)?)),
        Some(path) => {
            let wanted: HashSet<url::Url> = candidates.iter().map(|c| c.url.clone()).collect();
            Ok(Arc::new(ArchiveSource::open(
                path,
                Some(&wanted),
                settings.fetch.max_body.value,
            )?))
        }
    }
}

/// Writes the report (staged before the run is saved, put in place after: a run that cannot
/// write its report records nothing) and saves the run.
fn finish(
    settings: &GapSettings,
    store: Option<(Store, StoreLock)>,
    report: &GapReport,
) -> anyhow::Result<ExitStatus> {
    let args = &settings.report;
    let opts = RenderOptions {
        fit_terminal: args.output.is_none() && output::stdout_is_terminal(),
        explain: args.explain,
    };
    let staged = match &args.output {
        Some(path) => Some(output::stage(path, |w| {
            render::render(args.format.value, report, &opts, w)
        })?),
        None => None,
    };
    if let Some((mut store, lock)) = store {
        store
            .save_gap(report, &settings.to_stored())
            .with_context(|| format!("cannot save the gap run to `{}`", store.path().display()))?;
        drop(lock);
    }
    if let Some(s) = staged {
        s.commit()?;
    } else {
        output::write_report(None, |w| {
            render::render(args.format.value, report, &opts, w)
        })?;
    }
    Ok(ExitStatus::Pass)
}

/// `backlinks history TARGET --gap`: the stored gap runs.
pub fn run_history(args: &HistoryArgs) -> anyhow::Result<ExitStatus> {
    let Some(target) = &args.target else {
        anyhow::bail!("history --gap needs the TARGET whose gap runs to list");
    };
    let target = Target::parse(target)?;
    let store = Store::open_read_only(resolve::storage(&args.db, &Env::from_process()).db()?)?;
    let doc = GapHistory {
        runs: store.gap_runs(&target.domain)?,
        target: target.domain,
    };
    output::write_report(None, |w| render::render_history(args.format, &doc, w))?;
    Ok(ExitStatus::Pass)
}

/// `backlinks diff TARGET --gap`: new and lost opportunities between two stored gap runs
/// (default: the latest and the one before it).
pub fn run_diff(args: &DiffArgs) -> anyhow::Result<ExitStatus> {
    let target = Target::parse(&args.target)?;
    let db = resolve::storage(&args.db, &Env::from_process())
        .db()?
        .to_path_buf();
    if let Some(out) = &args.output {
        output::check_output_beside_store(out, &db)?;
    }
    let store = Store::open_read_only(&db)?;
    let shown = store.path().display().to_string();
    let runs = store.gap_runs(&target.domain)?;
    let find = |id: i64| {
        runs.iter().position(|r| r.id == id).with_context(|| {
            format!(
                "no gap run {id} of {} in `{shown}` (see `backlinks history {} --gap`)",
                target.domain, target.domain
            )
        })
    };
    let to = match args.to {
        Some(id) => find(id)?,
        None if runs.is_empty() => bail!(
            "no stored gap runs of {} in `{shown}`: run `backlinks gap {} --competitor ...` first",
            target.domain,
            target.domain
        ),
        None => runs.len() - 1,
    };
    let from = match args.from {
        Some(id) => find(id)?,
        None if to == 0 => bail!(
            "gap run {} is the first of {}: a diff needs an earlier one (pass --from/--to)",
            runs[to].id,
            target.domain
        ),
        None => to - 1,
    };
    if from >= to {
        bail!(
            "--from {} must be an older gap run of {} than --to {}",
            runs[from].id,
            target.domain,
            runs[to].id
        );
    }
    let (from, to) = (&runs[from], &runs[to]);
    let comparison = gap::compare::compare(
        &store.gap_domains(from.id)?,
        &store.gap_domains(to.id)?,
        GapRunRef {
            run_id: from.id,
            generated_at: from.generated_at.clone(),
        },
    );
    let doc = GapDiff {
        target: target.domain.clone(),
        from: from.clone(),
        to: to.clone(),
        comparison,
    };
    output::write_report(args.output.as_deref(), |w| {
        render::render_diff(args.format, &doc, w)
    })?;
    Ok(ExitStatus::Pass)
}
