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
use std::path::{Path, PathBuf};

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

/// [`check_output_path`] for the `-o` of a command that reads the history store at `db`, which
/// the report must not replace.
pub fn check_output_beside_store(out: &Path, db: &Path) -> anyhow::Result<()> {
    check_output_path(out)?;
    let mut kept = Kept::new();
    kept.add_store(db);
    kept.check(&[("-o", out)])
}

/// Files a run reads or keeps, which no report of the run may replace: the history store
/// (with the files SQLite and the lock keep beside it), the inputs, the config file.
#[derive(Debug, Default)]
pub struct Kept {
    files: Vec<(String, PathBuf)>,
}

impl Kept {
    /// Nothing kept yet.
    pub fn new() -> Kept {
        Kept::default()
    }

    /// Keeps `path`, described as `what` in the error (`the --from input`).
    pub fn add(&mut self, what: &str, path: &Path) {
        // Standard input is not a file.
        if path.as_os_str() != "-" {
            self.files.push((what.to_string(), path.to_path_buf()));
        }
    }

    /// Keeps the history store at `db` and the files beside it (`-wal`, `-shm`, `.lock`).
    pub fn add_store(&mut self, db: &Path) {
        self.add("the history store", db);
        for suffix in ["-wal", "-shm"] {
            let mut name = db.as_os_str().to_os_string();
            name.push(suffix);
            self.add("a file of the history store", Path::new(&name));
        }
        self.add(
            "the history store's lock file",
            &crate::store::lock::StoreLock::path_for(db),
        );
    }

    /// Refuses (before anything is fetched or read) a report path that names a kept file or
    /// the path of another report, compared as the operating system resolves them: through
    /// `..`, symbolic links and, for existing files, hard links (same device and inode). A
    /// report replacing the store or an input loses data; two reports on one path lose one.
    /// Devices and pipes (`/dev/stdout`) are written in place and are not compared.
    pub fn check(&self, outputs: &[(&str, &Path)]) -> anyhow::Result<()> {
        for (i, (flag, out)) in outputs.iter().enumerate() {
            let Some(id) = FileId::of(out) else { continue };
            for (what, kept) in &self.files {
                if FileId::of(kept).is_some_and(|k| k.same(&id)) {
                    bail!(
                        "{flag} `{}` is {what} (`{}`): the report would replace it; write the \
                         report elsewhere",
                        out.display(),
                        kept.display()
                    );
                }
            }
            for (other_flag, other) in &outputs[..i] {
                if FileId::of(other).is_some_and(|o| o.same(&id)) {
                    bail!(
                        "{flag} `{}` and {other_flag} `{}` are the same file: one report would \
                         replace the other",
                        out.display(),
                        other.display()
                    );
                }
            }
        }
        Ok(())
    }
}

/// Where a path leads: its canonical path (of its directory, for a file not created yet), and
/// the device and inode of an existing file.
#[derive(Debug, PartialEq, Eq)]
struct FileId {
    path: Option<PathBuf>,
    inode: Option<(u64, u64)>,
}

impl FileId {
    /// None for devices, pipes and other special files, which are never replaced.
    fn of(path: &Path) -> Option<FileId> {
        match std::fs::metadata(path) {
            Ok(m) if !m.is_file() => None,
            Ok(m) => Some(FileId {
                path: std::fs::canonicalize(path).ok(),
                inode: inode(&m),
            }),
            Err(_) => {
                let dir = std::fs::canonicalize(output_dir(path)).ok();
                Some(FileId {
                    path: dir.zip(path.file_name()).map(|(d, n)| d.join(n)),
                    inode: None,
                })
            }
        }
    }

    fn same(&self, other: &FileId) -> bool {
        (self.path.is_some() && self.path == other.path)
            || (self.inode.is_some() && self.inode == other.inode)
    }
}

#[cfg(unix)]
fn inode(m: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
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
///
/// While it exists, the temporary file is registered with [`crate::interrupt`], which deletes
/// it if the run is interrupted (SIGINT, SIGTERM, SIGHUP) before it is in place.
#[derive(Debug)]
pub struct Staged {
    tmp: Option<(
        tempfile::NamedTempFile,
        std::path::PathBuf,
        crate::interrupt::TempRegistration,
    )>,
}

impl Staged {
    /// Puts the report in place.
    pub fn commit(self) -> anyhow::Result<()> {
        let Some((tmp, path, registration)) = self.tmp else {
            return Ok(());
        };
        tmp.persist(&path)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        drop(registration);
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
    let meta = std::fs::metadata(path).ok();
    if meta.as_ref().is_some_and(|m| !m.is_file()) {
        write_in_place(path, render)?;
        return Ok(Staged { tmp: None });
    }
    let dir = output_dir(path);
    let existing = meta.map(|m| m.permissions());
    let (tmp, registration) = crate::interrupt::create_temp(|| {
        let mut builder = tempfile::Builder::new();
        builder.prefix(".backlinks-").suffix(".tmp");
        // A report is a file like any other: created with the mode the user's umask gives
        // (tempfile's own default is 0600, which would hide a nightly report in a web root),
        // and an overwritten file keeps its mode.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(dir)?;
        if let Some(mode) = &existing {
            tmp.as_file().set_permissions(mode.clone())?;
        }
        let name = tmp.path().to_path_buf();
        Ok((tmp, name))
    })
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
        tmp: Some((tmp, path.to_path_buf(), registration)),
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
    for (i, line) in error_lines(err).iter().enumerate() {
        let _ = match i {
            0 => writeln!(stderr, "backlinks: error: {}", terminal_lines(line)),
            _ => writeln!(stderr, "  caused by: {}", terminal_lines(line)),
        };
    }
}

/// Prints a usage error clap rendered (`error: ...`, the usage and a tip) as `backlinks:
/// error: ...`, the style of every other error.
pub fn usage_error(rendered: &str) {
    let _ = write!(io::stderr().lock(), "backlinks: {rendered}");
}

/// The message and the causes worth printing: a cause already said by the lines above (the
/// I/O error a context quotes) or only restated with a prefix (SQLite's `Error code 26: file
/// is not a database` under `file is not a database`) is left out.
fn error_lines(err: &anyhow::Error) -> Vec<String> {
    let mut lines = vec![err.to_string()];
    let mut previous = lines[0].clone();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        let said = lines.iter().any(|l| l.contains(&text)) || text.ends_with(&previous);
        previous = text.clone();
        if !said && !text.trim().is_empty() {
            lines.push(text);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_chains_do_not_repeat_their_cause() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
        let e = anyhow::Error::new(io).context("cannot read `x.csv`: No such file or directory");
        assert_eq!(
            error_lines(&e),
            ["cannot read `x.csv`: No such file or directory"]
        );
        let e = anyhow::anyhow!("Error code 26: file is not a database")
            .context("file is not a database")
            .context("history store `h.db`: file is not a database");
        assert_eq!(
            error_lines(&e),
            ["history store `h.db`: file is not a database"]
        );
        let e = anyhow::anyhow!("connection refused").context("cannot open the proxy");
        assert_eq!(
            error_lines(&e),
            ["cannot open the proxy", "connection refused"]
        );
    }

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
    fn reports_never_replace_kept_files_or_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let db = d.join("history.sqlite3");
        std::fs::write(&db, "store").unwrap();
        let input = d.join("links.txt");
        std::fs::write(&input, "https://a.test/").unwrap();
        std::fs::hard_link(&input, d.join("hard.txt")).unwrap();
        std::fs::create_dir(d.join("sub")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&db, d.join("link.db")).unwrap();
        let mut kept = Kept::new();
        kept.add_store(&db);
        kept.add("the --from input", &input);
        kept.add("the --from input", Path::new("-"));
        let refused = |outs: &[(&str, &Path)]| kept.check(outs).unwrap_err().to_string();
        assert!(refused(&[("-o", &db)]).contains("is the history store"));
        assert!(refused(&[("-o", &d.join("sub/../history.sqlite3"))]).contains("history store"));
        assert!(refused(&[("-o", &d.join("history.sqlite3-wal"))]).contains("history store"));
        assert!(refused(&[("-o", &d.join("hard.txt"))]).contains("--from input"));
        #[cfg(unix)]
        assert!(refused(&[("-o", &d.join("link.db"))]).contains("history store"));
        let out = d.join("report.json");
        assert!(
            refused(&[("--report", &out), ("-o", &out)]).contains("are the same file"),
            "two reports on one path"
        );
        kept.check(&[("-o", &out), ("--report", &d.join("r.html"))])
            .unwrap();
        kept.check(&[
            ("-o", Path::new("/dev/null")),
            ("--report", Path::new("/dev/null")),
        ])
        .unwrap();
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
