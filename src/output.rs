//! Where reports go: standard output, or a file written atomically (a temporary file in the
//! same directory, renamed over the target only when complete), so that a failed or
//! interrupted run never leaves a half-written report behind.

use anyhow::{Context, bail};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;

/// Writes a report with `render`, to `path` or to standard output.
pub fn write_report(
    path: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    match path {
        None => {
            let stdout = io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            match render(&mut w).and_then(|()| w.flush()) {
                // The reader went away (`| head`): not an error for a command-line tool.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other.context("cannot write the report to standard output"),
            }
        }
        Some(path) => write_atomically(path, render),
    }
}

/// Checks that a report could be written to `path` (its directory exists, it is not a
/// directory), so that a run can fail before its slow part rather than after.
pub fn check_output_path(path: &Path) -> anyhow::Result<()> {
    let shown = path.display();
    let dir = output_dir(path);
    if !dir.is_dir() {
        bail!(
            "cannot write `{shown}`: directory `{}` does not exist",
            dir.display()
        );
    }
    if path.is_dir() {
        bail!("cannot write `{shown}`: it is a directory");
    }
    Ok(())
}

fn output_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

fn write_atomically(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    let shown = path.display();
    check_output_path(path)?;
    let dir = output_dir(path);
    let tmp = tempfile::Builder::new()
        .prefix(".backlinks-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write `{shown}`"))?;
    let mut w = BufWriter::new(tmp);
    render(&mut w)
        .and_then(|()| w.flush())
        .with_context(|| format!("cannot write `{shown}`"))?;
    let tmp = w
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot write `{shown}`"))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot write `{shown}`"))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write `{shown}`"))?;
    Ok(())
}

/// Whether standard output is a terminal (tables then fit its width).
pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

/// Prints a warning on standard error.
pub fn warn(msg: &str) {
    let _ = writeln!(io::stderr().lock(), "backlinks: warning: {msg}");
}

/// Prints the one-line gate verdict on standard error (also with machine formats on stdout, so
/// that a red CI job explains itself).
pub fn verdict(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}
