//! One function per subcommand. Each resolves its raw arguments into settings once
//! ([`resolve`]), runs the pipeline stages, and returns how the run ended; run-ending problems
//! are `Err` (exit 2).

pub mod audit;
pub mod authority;
pub mod completions;
pub mod disavow;
pub mod discover;
pub mod explain;
pub mod gap;
pub mod history;
pub mod init;
pub mod inspect;
pub mod outreach;
pub mod resolve;
pub mod sources;

/// Checks the files named before anything is read: the archive exists, the reports can be
/// written, and none of them would replace the history store, an input, the config file or
/// another report. (`--write-baseline` may name the `--baseline` it replaces: that is how a
/// baseline is refreshed, and the old one is read first.)
pub(crate) fn check_files(
    inputs: &crate::settings::InputSettings,
    report: &crate::settings::ReportSettings,
    history: &crate::settings::HistorySettings,
    file: &crate::settings::FileLayer,
) -> anyhow::Result<()> {
    if let Some(path) = &inputs.archive
        && !path.is_file()
    {
        anyhow::bail!("cannot read archive `{}`: no such file", path.display())
    }
    let mut outputs: Vec<(&str, &std::path::Path)> = Vec::new();
    outputs.extend(report.output.as_deref().map(|p| ("-o", p)));
    outputs.extend(
        report
            .reports
            .iter()
            .map(|(_, p)| ("--report", p.as_path())),
    );
    for (_, out) in &outputs {
        crate::output::check_output_path(out)?;
    }
    let mut kept = crate::output::Kept::new();
    // The store's path even with --no-store: a report must not replace the history.
    if let Ok(db) = history.storage.db() {
        kept.add_store(db);
    }
    for from in &inputs.from {
        kept.add("the --from input", from);
    }
    if let Some(a) = &inputs.archive {
        kept.add("the --archive input", a);
    }
    if let Some(c) = &file.file {
        kept.add("the config file", &c.path);
    }
    let mut checked = outputs.clone();
    if let Some(b) = &report.write_baseline {
        crate::output::check_output_path(b)?;
        checked.push(("--write-baseline", b));
    }
    kept.check(&checked)?;
    if let Some(b) = &history.baseline {
        kept.add("the --baseline input", b);
        kept.check(&outputs)?;
    }
    Ok(())
}
