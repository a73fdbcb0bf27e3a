//! `backlinks disavow`: a Google disavow file from the latest stored audit of a target
//! (optionally merged into an existing file), `disavow validate FILE` and `disavow diff OLD
//! NEW`. The decisions are made by [`crate::actions`]; this command reads the store and the
//! files, and reports on standard error what it added, dropped and kept.

use super::resolve::{self, ActionSettings};
use crate::actions::disavow::merge::{self, MergeReport};
use crate::actions::disavow::plan::{self, PageFindings, Plan};
use crate::actions::disavow::{DisavowFile, validate};
use crate::actions::worklist::{self, Request};
use crate::cli::{DisavowArgs, DisavowCommand, DisavowDiffArgs, DisavowValidateArgs};
use crate::exit::ExitStatus;
use crate::model::{OutreachItem, Target};
use crate::output::{self, warn};
use crate::report::sanitize::strip_controls;
use crate::settings::Env;
use crate::store::{SnapshotId, Store};
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

/// Runs `disavow` and its subcommands.
pub fn run(args: DisavowArgs) -> anyhow::Result<ExitStatus> {
    match args.command {
        Some(DisavowCommand::Validate(v)) => run_validate(&v),
        Some(DisavowCommand::Diff(d)) => run_diff(&d),
        None => run_write(args),
    }
}

/// The latest audit of a target as the planner and worklist see it.
pub struct Latest {
    /// The registrable domain.
    pub target: String,
    /// The snapshot id.
    pub id: SnapshotId,
    /// When that audit finished.
    pub generated_at: String,
    /// Its pages.
    pub pages: Vec<PageFindings>,
    /// Every removal request recorded for the target.
    pub requests: Vec<Request>,
}

/// Reads the latest stored audit of `target`.
pub fn latest(store: &Store, target: &str) -> anyhow::Result<Latest> {
    let snaps = store.snapshots(target)?;
    let Some(last) = snaps.last() else {
        bail!(
            "no stored audits of {target} in `{}`: run `backlinks audit {target}` first",
            store.path().display()
        );
    };
    Ok(Latest {
        target: target.to_string(),
        id: last.id,
        generated_at: last.generated_at.clone(),
        pages: store.page_findings(last.id)?,
        requests: store.requests(target)?,
    })
}

fn run_write(args: DisavowArgs) -> anyhow::Result<ExitStatus> {
    let env = Env::from_process();
    let file = resolve::file(&args.config, &env)?;
    let target = Target::parse(args.target.as_deref().unwrap_or_default())?;
    let db = resolve::storage(&args.db, &env).db()?.to_path_buf();
    if let Some(out) = &args.output {
        // `-o` may name the `--merge` file: that updates it in place, and it is read first.
        output::check_output_beside_store(out, &db)?;
    }
    let settings = ActionSettings::resolve(
        &file,
        args.threshold,
        args.granularity,
        &args.keep,
        args.outreach_first,
    )?;
    let keep = settings.keep.clone();
    // The file to merge into is read (and checked) before the store: a bad one fails first.
    let existing = match &args.merge {
        Some(path) => Some(read_existing(path)?),
        None => None,
    };
    let store = Store::open_read_only(&db)?;
    let latest = latest(&store, &target.domain)?;
    let threshold = settings.threshold.value;
    let items = worklist::worklist(
        &latest.pages,
        &latest.requests,
        threshold,
        &keep,
        &latest.generated_at,
    );
    let opts = plan::Options {
        threshold,
        granularity: settings.granularity.value,
        keep: keep.clone(),
        outreach_first: settings.outreach_first.value,
        audited_at: latest.generated_at.clone(),
    };
    let plan = plan::plan(&latest.pages, &items, &opts);
    let source = format!(
        "the audit of {} (snapshot {})",
        latest.generated_at, latest.id
    );
    let (file, report) = match &existing {
        None => merge::write(
            merge::header(
                &target.domain,
                env!("CARGO_PKG_VERSION"),
                &source,
                threshold,
            ),
            &plan,
        ),
        Some((_, existing)) => merge::merge(
            existing,
            &plan,
            &format!(
                "Added by backlinks {} from {source}",
                env!("CARGO_PKG_VERSION")
            ),
            &keep,
            args.prune,
        ),
    };
    let name = existing.as_ref().map(|(p, _)| p.display().to_string());
    let text = file.render();
    check_written(&text)?;
    summarize(&plan, &report, name.as_deref(), &items);
    if let Some(out) = &args.output
        && !out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
    {
        warn(&format!(
            "`{}`: Search Console accepts only .txt files; rename it before uploading",
            out.display()
        ));
    }
    output::write_report(args.output.as_deref(), |w| w.write_all(text.as_bytes()))?;
    Ok(ExitStatus::Pass)
}

/// Refuses to write a file that `disavow validate` would reject (over 2 MB or 100,000 lines,
/// after the planner left out URLs too long for an entry). Such a file is not split or cut:
/// Search Console keeps one disavow file per property and each upload replaces the last, so
/// part of a file would silently stop disavowing the rest.
fn check_written(text: &str) -> anyhow::Result<()> {
    let report = validate::validate(text.as_bytes(), "disavow.txt");
    if report.problems() == 0 {
        return Ok(());
    }
    let problems: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.invalid)
        .take(10)
        .map(|f| match f.line {
            Some(l) => format!("line {l}: {}", strip_controls(&f.message)),
            None => strip_controls(&f.message),
        })
        .collect();
    bail!(
        "the disavow file would not pass Google's rules, so nothing was written:\n  {}\n\
         Google keeps one disavow file per property (an upload replaces the last), so it is \
         not split: raise --threshold, or use --granularity domain so that one line covers \
         each site",
        problems.join("\n  ")
    )
}

/// Reads a disavow file (`--merge`, `diff`): at most Google's 2 MB, so a file Google would
/// reject anyway is refused before it is held or parsed.
fn read_disavow(path: &Path) -> anyhow::Result<Vec<u8>> {
    crate::ingest::decode::read_file(path, validate::MAX_BYTES as u64).map_err(|e| {
        if e.kind() == std::io::ErrorKind::FileTooLarge {
            anyhow::anyhow!(
                "`{}` is larger than 2 MB ({} bytes), which Google does not accept: not a \
                 disavow file to work with (`backlinks disavow validate` says more)",
                path.display(),
                validate::MAX_BYTES
            )
        } else {
            anyhow::Error::new(e).context(format!("cannot read `{}`", path.display()))
        }
    })
}

/// Reads a disavow file to merge into; invalid lines are an error naming each.
fn read_existing(path: &Path) -> anyhow::Result<(PathBuf, DisavowFile)> {
    let bytes = read_disavow(path)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = crate::ingest::decode::utf8_error_line(e.as_bytes(), &e.utf8_error());
        anyhow::anyhow!("{}:{line}: not UTF-8 text", path.display())
    })?;
    let file = DisavowFile::parse(&text);
    let bad: Vec<String> = file
        .invalid()
        .map(|(line, why)| format!("{}:{line}: {why}", path.display()))
        .collect();
    if !bad.is_empty() {
        bail!(
            "`{}` is not a valid disavow file; fix it (or check it with `backlinks disavow \
             validate`) before merging:\n  {}",
            path.display(),
            bad.join("\n  ")
        );
    }
    Ok((path.to_path_buf(), file))
}

/// What the run did, on standard error: nothing is dropped or left out silently.
fn summarize(plan: &Plan, report: &MergeReport, merged: Option<&str>, items: &[OutreachItem]) {
    let name = merged.unwrap_or("the existing file");
    let line = |s: String| output::verdict(&format!("disavow: {s}"));
    let changes = [
        ("dropped", &report.covered, ""),
        ("pruned", &report.pruned, ""),
        ("kept", &report.stale, " (--prune removes it)"),
    ];
    for (what, list, note) in changes {
        for c in list {
            line(format!(
                "{what} {name}:{} `{}`: {}{note}",
                c.line,
                strip_controls(&c.entry.to_string()),
                c.reason
            ));
        }
    }
    for url in &plan.kept {
        line(format!(
            "not disavowed (keep list): {}",
            strip_controls(url)
        ));
    }
    for url in &plan.too_long {
        line(format!(
            "not disavowed (a URL of {} characters; Google accepts at most {}; a domain: \
             entry, --granularity domain, can cover its site): {}",
            url.chars().count(),
            crate::actions::disavow::MAX_URL_CHARS,
            crate::report::sanitize::truncate(&strip_controls(url), 120)
        ));
    }
    if !plan.waiting.is_empty() {
        let asked: usize = plan
            .waiting
            .iter()
            .filter(|u| {
                items
                    .iter()
                    .any(|i| &i.source_url == *u && !i.requests.is_empty())
            })
            .count();
        line(format!(
            "{} toxic page(s) left out until their removal was requested twice ({asked} \
             requested so far): see `backlinks outreach`",
            plan.waiting.len()
        ));
    }
    let domains = report
        .added
        .iter()
        .filter(|e| matches!(e, crate::actions::disavow::Entry::Domain(_)))
        .count();
    line(format!(
        "{} new entries ({domains} domains, {} URLs){}",
        report.added.len(),
        report.added.len() - domains,
        if merged.is_some() {
            format!(
                "; {} already listed; {} dropped as covered; {} pruned",
                report.already,
                report.covered.len(),
                report.pruned.len()
            )
        } else {
            String::new()
        }
    ));
}

fn run_validate(args: &DisavowValidateArgs) -> anyhow::Result<ExitStatus> {
    let path = &args.file;
    let cannot = || format!("cannot read `{}`", path.display());
    let mut file = std::fs::File::open(path).with_context(cannot)?;
    // No more than one byte past Google's limit is read: a larger file is invalid for its size
    // alone, and its real size comes from the file system.
    let mut bytes = Vec::new();
    let fits =
        crate::ingest::decode::read_to_cap(&mut file, &mut bytes, validate::MAX_BYTES as u64)
            .with_context(cannot)?;
    let size = match fits {
        true => bytes.len() as u64,
        false => file.metadata().map_or(bytes.len() as u64, |m| m.len()),
    };
    let name = path.display().to_string();
    let report = validate::validate_sized(&bytes, &name, size);
    output::write_report(None, |w| {
        for f in &report.findings {
            let at = f.line.map(|l| format!(":{l}")).unwrap_or_default();
            let kind = if f.invalid { "error" } else { "warning" };
            writeln!(w, "{name}{at}: {kind}: {}", strip_controls(&f.message))?;
        }
        writeln!(
            w,
            "{name}: {} lines, {} domain entries, {} URL entries; {} problem{}, {} warning{}",
            report.lines,
            report.domains,
            report.urls,
            report.problems(),
            if report.problems() == 1 { "" } else { "s" },
            report.warnings(),
            if report.warnings() == 1 { "" } else { "s" },
        )
    })?;
    if report.problems() > 0 {
        bail!(
            "`{name}` is not a valid disavow file ({} problem{}): Google would reject it",
            report.problems(),
            if report.problems() == 1 { "" } else { "s" }
        );
    }
    Ok(ExitStatus::Pass)
}

fn run_diff(args: &DisavowDiffArgs) -> anyhow::Result<ExitStatus> {
    let read = |p: &Path| -> anyhow::Result<DisavowFile> {
        let bytes = read_disavow(p)?;
        let text = String::from_utf8_lossy(&bytes);
        let file = DisavowFile::parse(&text);
        for (line, why) in file.invalid() {
            warn(&format!("{}:{line}: {why} (ignored)", p.display()));
        }
        Ok(file)
    };
    let old = read(&args.old)?;
    let new = read(&args.new)?;
    let d = merge::diff(&old, &new);
    output::write_report(None, |w| {
        for e in &d.added {
            writeln!(w, "+ {}", strip_controls(&e.to_string()))?;
        }
        for (e, cover) in &d.removed {
            match cover {
                Some(c) => writeln!(
                    w,
                    "- {}  (still disavowed through domain:{c})",
                    strip_controls(&e.to_string())
                )?,
                None => writeln!(w, "- {}", strip_controls(&e.to_string()))?,
            }
        }
        writeln!(
            w,
            "{} added, {} removed, {} unchanged",
            d.added.len(),
            d.removed.len(),
            d.unchanged
        )
    })?;
    Ok(ExitStatus::Pass)
}
