//! Where reports go: standard output, or a file written atomically (a temporary file in the
//! same directory, renamed over the target only when complete), so that a failed or
//! interrupted run never leaves a half-written report behind: a full disk, a read-only
//! directory or a failing renderer leaves the previous file as it was and no temporary file.
//!
//! An existing path that is not a regular file (`/dev/stdout`, a named pipe, a terminal) is
//! written in place: there is nothing to replace atomically, and renaming a file over
//! `/dev/null` would replace the device itself.

use crate::report::sanitize::terminal_lines;
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

/// Checks that a report could be written to `path` (its directory exists and can be reached,
/// it is not a directory), so that a run can fail before its slow part rather than after.
pub fn check_output_path(path: &Path) -> anyhow::Result<()> {
    let shown = path.display();
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => bail!("cannot write `{shown}`: it is a directory"),
        // A device or a pipe is written in place.
        Ok(m) if !m.is_file() => return Ok(()),
        _ => {}
    }
    let dir = output_dir(path);
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => bail!(
            "cannot write `{shown}`: `{}` is not a directory",
            dir.display()
        ),
        Err(e) if e.kind() == io::ErrorKind::NotFound => bail!(
            "cannot write `{shown}`: directory `{}` does not exist",
            dir.display()
        ),
        Err(e) => bail!(
            "cannot write `{shown}`: cannot reach `{}`: {e}",
            dir.display()
        ),
    }
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
    stage(path, render)?.commit()
}

/// A report written completely to a temporary file beside its destination, not yet in place:
/// [`Staged::commit`] renames it over the destination; dropping it deletes it. Lets a run
/// write every report before it records anything else (the history store), so that a full
/// disk fails the run before the store says it succeeded.
#[derive(Debug)]
pub struct Staged {
    tmp: Option<(tempfile::NamedTempFile, std::path::PathBuf)>,
}

impl Staged {
    /// Puts the report in place.
    pub fn commit(self) -> anyhow::Result<()> {
        let Some((tmp, path)) = self.tmp else {
            return Ok(());
        };
        tmp.persist(&path)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        Ok(())
    }
}

/// Writes a report to a temporary file beside `path` (devices and pipes are written in place
/// at once); see [`Staged`].
pub fn stage(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<Staged> {
    let shown = path.display();
    check_output_path(path)?;
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        write_in_place(path, render)?;
        return Ok(Staged { tmp: None });
    }
    let dir = output_dir(path);
    let tmp = tempfile::Builder::new()
        .prefix(".backlinks-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| anyhow::anyhow!("cannot create a file in `{}`: {}", dir.display(), bare(&e)))
        .with_context(|| format!("cannot write `{shown}`"))?;
    // From here on, returning early drops `tmp`, which deletes the temporary file.
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
    Ok(Staged {
        tmp: Some((tmp, path.to_path_buf())),
    })
}

/// Writes into an existing non-regular file (a device, a pipe) without replacing it.
fn write_in_place(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    let shown = path.display();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .with_context(|| format!("cannot write `{shown}`"))?;
    let mut w = BufWriter::new(file);
    match render(&mut w).and_then(|()| w.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.with_context(|| format!("cannot write `{shown}`")),
    }
}

/// An I/O error's text without the path tempfile adds to it (the message names the path).
fn bare(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code).to_string(),
        None => e.to_string(),
    }
}

/// Whether standard output is a terminal (tables then fit its width).
pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

/// Prints a warning on standard error. Warnings quote inputs and pages (a skipped row, a URL),
/// so the text goes through the sanitiser.
pub fn warn(msg: &str) {
    let _ = writeln!(
        io::stderr().lock(),
        "backlinks: warning: {}",
        terminal_lines(msg)
    );
}

/// Prints the one-line gate verdict on standard error (also with machine formats on stdout, so
/// that a red CI job explains itself).
pub fn verdict(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{}", terminal_lines(line));
}

/// Prints the error that ends a run on standard error, with its causes. Errors quote inputs
/// (a line of a file, a URL), so the text goes through the sanitiser.
pub fn error(err: &anyhow::Error) {
    let mut stderr = io::stderr().lock();
    let _ = writeln!(
        stderr,
        "backlinks: error: {}",
        terminal_lines(&err.to_string())
    );
    for cause in err.chain().skip(1) {
        let _ = writeln!(
            stderr,
            "  caused by: {}",
            terminal_lines(&cause.to_string())
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_failing_render_leaves_the_old_report_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, "old").unwrap();
        let err = write_report(Some(&path), |w| {
            w.write_all(&[b'x'; 100_000])?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("cannot write"), "{err:#}");
        assert!(format!("{err:#}").contains("disk full"), "{err:#}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(files(dir.path()), ["report.json"]);
        write_report(Some(&path), |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(files(dir.path()), ["report.json"]);
    }

    #[test]
    fn paths_that_cannot_hold_a_report_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_report(Some(dir.path()), |w| w.write_all(b"x")).unwrap_err();
        assert!(err.to_string().contains("is a directory"), "{err}");
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        let err = write_report(Some(&file.join("report.json")), |w| w.write_all(b"x")).unwrap_err();
        assert!(err.to_string().contains("is not a directory"), "{err}");
    }
}
