//! Interruptions: SIGINT (Ctrl-C), SIGTERM (`kill`, `timeout`, cron, CI, systemd) and SIGHUP
//! (a closed terminal) end every command the same way, wherever it is — fetching, parsing,
//! scoring, rendering or writing a report: the temporary files of reports not yet in place
//! are deleted, `backlinks: interrupted` is printed and the process exits with 130. A report
//! already renamed into place stays; the history store is never half-written (each audit is
//! one SQLite transaction, as for `kill -9`).
//!
//! [`install`] starts a thread that waits for the signals; [`create_temp`] registers each
//! temporary file while it exists, and [`register_child`] each child process that writes into
//! one (the headless browser into its profile): children are killed and reaped before their
//! files are deleted, so none is written again after the deletion. Both sides take one lock, so a file is either registered
//! or not created yet when the cleanup runs, and none is created after it.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once, PoisonError};

/// The exit code of an interrupted run.
pub const EXIT_CODE: i32 = 130;

/// Temporary files that exist now, by registration number.
static TEMP_FILES: Mutex<Vec<(u64, PathBuf)>> = Mutex::new(Vec::new());
static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn files() -> MutexGuard<'static, Vec<(u64, PathBuf)>> {
    TEMP_FILES.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A registered temporary file; dropping it unregisters it (after the file was renamed into
/// place or deleted).
#[derive(Debug)]
pub struct TempRegistration(u64);

impl Drop for TempRegistration {
    fn drop(&mut self) {
        files().retain(|(id, _)| *id != self.0);
    }
}

/// Creates a temporary file or directory with `make` (which returns it and its path) and
/// registers it for deletion on interruption, both under the registry's lock.
pub fn create_temp<T>(
    make: impl FnOnce() -> std::io::Result<(T, PathBuf)>,
) -> std::io::Result<(T, TempRegistration)> {
    let mut list = files();
    let (made, path) = make()?;
    let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    list.push((id, path));
    Ok((made, TempRegistration(id)))
}

/// Child processes to kill on interruption, by registration number.
static CHILDREN: Mutex<Vec<(u64, u32)>> = Mutex::new(Vec::new());

fn children() -> MutexGuard<'static, Vec<(u64, u32)>> {
    CHILDREN.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A registered child process; dropping it unregisters it (before the child is reaped, so
/// that its process id cannot be another process's by then).
#[derive(Debug)]
pub struct ChildRegistration(u64);

impl Drop for ChildRegistration {
    fn drop(&mut self) {
        children().retain(|(id, _)| *id != self.0);
    }
}

/// Registers the child process `pid` to be killed on interruption, before the temporary files
/// are deleted.
pub fn register_child(pid: u32) -> ChildRegistration {
    let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    children().push((id, pid));
    ChildRegistration(id)
}

/// Whether `path` is a registered temporary file (for tests).
pub fn is_registered(path: &Path) -> bool {
    files().iter().any(|(_, p)| p == path)
}

/// Starts waiting for SIGINT, SIGTERM and SIGHUP (Ctrl-C and Ctrl-Break elsewhere), once per
/// process. Failing to set up the handlers leaves the default behaviour (the process ends at
/// once) rather than failing the command.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_io()
                    .build()
                else {
                    let _ = ready_tx.send(());
                    return;
                };
                rt.block_on(async move {
                    let signal = wait(ready_tx).await;
                    interrupted(signal);
                });
            });
        // The handlers are in place before the command starts.
        if spawned.is_ok() {
            let _ = ready_rx.recv();
        }
    });
}

/// Waits for the first signal; `ready` is told once the handlers are installed.
#[cfg(unix)]
async fn wait(ready: std::sync::mpsc::Sender<()>) -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let streams = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
    );
    let _ = ready.send(());
    let (Ok(mut int), Ok(mut term), Ok(mut hup)) = streams else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = int.recv() => "SIGINT",
        _ = term.recv() => "SIGTERM",
        _ = hup.recv() => "SIGHUP",
    }
}

#[cfg(not(unix))]
async fn wait(ready: std::sync::mpsc::Sender<()>) -> &'static str {
    let ctrl_c = tokio::signal::ctrl_c();
    let _ = ready.send(());
    match ctrl_c.await {
        Ok(()) => "Ctrl-C",
        Err(_) => std::future::pending().await,
    }
}

/// Set once a signal arrived: the cleanup is under way and the process ends with 130.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Waits for the cleanup to end the process if a signal arrived. The command's thread calls this
/// before it reports its own outcome: killing the browser makes the command fail (its DevTools
/// pipe closes), and that failure must not win the race against the exit code 130.
pub fn settle() {
    if INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
}

/// Deletes the registered temporary files and ends the process. The registry stays locked, so
/// no report is staged or committed meanwhile.
fn interrupted(signal: &str) -> ! {
    INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
    crate::progress::clear();
    let list = files();
    for (_, pid) in children().iter() {
        kill_and_reap(*pid);
    }
    for (_, path) in list.iter() {
        if path.is_dir() {
            // A killed child's own helpers (a browser's renderers) may write for a moment
            // more: the deletion is retried briefly.
            for _ in 0..40 {
                let _ = std::fs::remove_dir_all(path);
                if !path.exists() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        } else {
            let _ = std::fs::remove_file(path);
        }
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr().lock(),
        "backlinks: interrupted ({signal})"
    );
    std::process::exit(EXIT_CODE)
}

/// Kills a child process (and its process group, when it leads one) and waits for it to end.
#[cfg(unix)]
fn kill_and_reap(pid: u32) {
    kill_group(pid);
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: kill and waitpid on a child of this process, which is not reaped elsewhere
    // while it is registered (it is unregistered before its `Child` is waited for).
    unsafe {
        libc::kill(pid, libc::SIGKILL);
        libc::waitpid(pid, std::ptr::null_mut(), 0);
    }
}

#[cfg(not(unix))]
fn kill_and_reap(_pid: u32) {}

/// Kills the process group led by the child `pid` (its own helpers), if it leads one.
#[cfg(unix)]
pub fn kill_group(pid: u32) {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: getpgid and kill have no memory effects; the group is only signalled when the
    // child leads it, so no group of other processes is touched.
    unsafe {
        if libc::getpgid(pid) == pid {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

/// Does nothing: there are no process groups.
#[cfg(not(unix))]
pub fn kill_group(_pid: u32) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_are_registered_while_they_exist() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.tmp");
        let (file, reg) = create_temp(|| {
            let f = std::fs::File::create(&path)?;
            Ok((f, path.clone()))
        })
        .unwrap();
        assert!(is_registered(&path));
        drop(file);
        drop(reg);
        assert!(!is_registered(&path));
        assert!(
            create_temp(|| -> std::io::Result<((), PathBuf)> { Err(std::io::Error::other("no")) })
                .is_err()
        );
    }
}
